/*
 * bm_pg.h — declarations shared by the PostgreSQL-facing layer (src/pg/): catalog look-ups of the
 * extension's own types, enum label caches, the operator override rules and the settings (GUCs).
 * Only src/pg/ includes this; the pure-C core never sees PostgreSQL headers.
 */
#ifndef BM_PG_H
#define BM_PG_H

#include "postgres.h"

#include "classify.h"

#define BM_SCHEMA "bounce_mgmt"

/* catalog.c: the extension's schema and types, looked up by name in schema bounce_mgmt */
extern Oid	bm_schema_oid(void);
extern Oid	bm_type_oid(const char *name);
extern Oid	bm_relation_oid(const char *name);

/* Raises 55000 unless the installed extension's version is the library's (BM_EXTVERSION, from the Makefile). */
extern void bm_check_extension_version(void);

/*
 * OIDs of the labels of an enum type, in the order given; raises an error naming the missing label when
 * the SQL script and the library disagree.
 */
extern void bm_enum_label_oids(Oid enumtype, const char *const *labels, int n, Oid *out);

/* The enum label OIDs of the classifier's result, resolved once per query (see classify_sql.c). */
typedef struct bm_enum_cache
{
	Oid			class_oid[BM_NOT_BOUNCE + 1];
	Oid			reason_oid[BM_REASON_COUNT];
	Oid			fault_oid[BM_FAULT_UNKNOWN + 1];
	Oid			evidence_oid[BM_EV_PROVIDER + 1];
} bm_enum_cache;

extern void bm_enum_cache_fill(bm_enum_cache *cache);
extern bm_reason bm_reason_from_oid(const bm_enum_cache *cache, Oid label);
extern int	bm_class_from_oid(const bm_enum_cache *cache, Oid label);

/*
 * classify_rules.c: operators' override rules (table bounce_mgmt.classify_rules), loaded once per backend
 * and reloaded after the table changes.  Applies the first matching rule to *v (which holds the built-in
 * verdict, whose reply code and status are the ones matched against).  Returns the rule id or 0.
 */
extern int64 bm_rules_apply(const char *text, size_t len, bm_verdict *v);
extern void bm_rules_init(void);

/* The classifier with the override rules applied: the one entry point for SQL functions and ingestion. */
extern int64 bm_classify_with_rules(const char *text, size_t len, int reply_code, bm_status status,
									bm_verdict *v);

/* ingest.c: settings of ingestion (bounce_mgmt.keep_raw) */
extern void bm_ingest_init(void);

/* module.c: settings */
extern void _PG_init(void);

#endif							/* BM_PG_H */
