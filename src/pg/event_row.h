/*
 * event_row.h — the stored event row, generated from event_row.def: its columns as a C enum, the rows the
 * flush statement reads (an ephemeral named relation "bm_rows" over a tuplestore), the SQL column lists,
 * and the per-backend catalog facts ingestion needs (type and label OIDs, the retention horizon), looked
 * up once and forgotten when the catalog changes.  Used by ingest.c and ingest_store.c.
 */
#ifndef BM_EVENT_ROW_H
#define BM_EVENT_ROW_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "utils/tuplestore.h"

#include "bm_pg.h"
#include "event.h"

typedef enum bm_evcol
{
#define BM_EVENT_COLUMN(name, kind, type) BM_EV_##name,
#include "event_row.def"
#undef BM_EVENT_COLUMN
	BM_EV_keep,					/* in bm_rows only: false for an old list entry kept only as a listing */
	BM_EV_NCOLS
} bm_evcol;

#define BM_EV_STORED_COLS BM_EV_keep	/* the columns that are events columns */

/* The SQL names of the columns, in bm_evcol order (keep included); the flush statement is built from them. */
extern const char *const bm_event_column_names[BM_EV_NCOLS];

/* The name of the ephemeral relation the flush statement reads. */
#define BM_ROWS_ENR "bm_rows"

/* One row being built: the values of the event_row.def columns plus keep. */
typedef struct bm_event_row
{
	Datum		values[BM_EV_NCOLS];
	bool		nulls[BM_EV_NCOLS];
} bm_event_row;

/* Catalog facts of this backend, valid until the extension's types or tables change. */
typedef struct bm_ingest_catalog
{
	TupleDesc	rows_desc;		/* the descriptor of bm_rows */
	Oid			provider_oid[BM_PROVIDER_COUNT];	/* enum label OIDs, in bm_provider order */
	Oid			etype_oid[BM_ET_COUNT];
	bm_enum_cache enums;		/* bounce_class, bounce_reason, bounce_evidence labels */
	Oid			batch_seq;		/* ingest_batches' identity sequence */
	int64		retention_us;	/* settings.event_retention in microseconds (months as 30 days) */
	uint64		generation;		/* changes with every rebuild: plans made for another one are stale */
} bm_ingest_catalog;

/*
 * The catalog facts, looked up on first use in a backend and after a change of the extension's types,
 * tables or settings (syscache / relcache callbacks); checks that bounce_mgmt.events has exactly the
 * columns of event_row.def and raises an error naming the difference otherwise.
 */
extern const bm_ingest_catalog *bm_ingest_catalog_get(void);
extern void bm_event_row_init(void);

/* The SQL column list of event_row.def, for the catalog check and the regression test. */
extern Datum bm_event_row_columns_sql(PG_FUNCTION_ARGS);

#endif							/* BM_EVENT_ROW_H */
