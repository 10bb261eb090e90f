/*
 * catalog.c — look-ups of the extension's own catalog objects (schema, types, tables, enum labels) by
 * name in the fixed schema bounce_mgmt, independent of the caller's search_path; and the check that the
 * installed extension's version is the library's.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "bm_pg.h"

Oid
bm_schema_oid(void)
{
	Oid			nsp = get_namespace_oid(BM_SCHEMA, true);

	if (!OidIsValid(nsp))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("schema \"%s\" does not exist", BM_SCHEMA),
				 errhint("Run CREATE EXTENSION bounce_mgmt.")));
	return nsp;
}

Oid
bm_type_oid(const char *name)
{
	Oid			typoid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
										 CStringGetDatum(name), ObjectIdGetDatum(bm_schema_oid()));

	if (!OidIsValid(typoid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("type \"%s.%s\" does not exist", BM_SCHEMA, name),
				 errhint("The bounce_mgmt library and its SQL objects are out of sync: ALTER EXTENSION bounce_mgmt UPDATE.")));
	return typoid;
}

Oid
bm_relation_oid(const char *name)
{
	Oid			relid = get_relname_relid(name, bm_schema_oid());

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s.%s\" does not exist", BM_SCHEMA, name),
				 errhint("The bounce_mgmt library and its SQL objects are out of sync: ALTER EXTENSION bounce_mgmt UPDATE.")));
	return relid;
}

void
bm_enum_label_oids(Oid enumtype, const char *const *labels, int n, Oid *out)
{
	for (int i = 0; i < n; i++)
	{
		out[i] = GetSysCacheOid2(ENUMTYPOIDNAME, Anum_pg_enum_oid,
								 ObjectIdGetDatum(enumtype), CStringGetDatum(labels[i]));
		if (!OidIsValid(out[i]))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("enum %s has no label \"%s\"", format_type_be(enumtype), labels[i]),
					 errhint("The bounce_mgmt library and its SQL objects are out of sync: ALTER EXTENSION bounce_mgmt UPDATE.")));
	}
}

void
bm_enum_cache_fill(bm_enum_cache *cache)
{
	const char *classes[BM_NOT_BOUNCE + 1];
	const char *reasons[BM_REASON_COUNT];
	const char *faults[BM_FAULT_UNKNOWN + 1];
	static const char *const evidence[BM_EV_PROVIDER + 1] = {"none", "text", "status", "reply_code", "override",
	"provider"};

	for (int i = 0; i <= BM_NOT_BOUNCE; i++)
		classes[i] = bm_class_name((bm_bounce_class) i);
	for (int i = 0; i < BM_REASON_COUNT; i++)
		reasons[i] = bm_reason_name((bm_reason) i);
	for (int i = 0; i <= BM_FAULT_UNKNOWN; i++)
		faults[i] = bm_fault_name((bm_fault) i);

	bm_enum_label_oids(bm_type_oid("bounce_class"), classes, BM_NOT_BOUNCE + 1, cache->class_oid);
	bm_enum_label_oids(bm_type_oid("bounce_reason"), reasons, BM_REASON_COUNT, cache->reason_oid);
	bm_enum_label_oids(bm_type_oid("bounce_fault"), faults, BM_FAULT_UNKNOWN + 1, cache->fault_oid);
	bm_enum_label_oids(bm_type_oid("bounce_evidence"), evidence, BM_EV_PROVIDER + 1, cache->evidence_oid);
}

bm_reason
bm_reason_from_oid(const bm_enum_cache *cache, Oid label)
{
	for (int i = 0; i < BM_REASON_COUNT; i++)
		if (cache->reason_oid[i] == label)
			return (bm_reason) i;
	return BM_REASON_COUNT;
}

int
bm_class_from_oid(const bm_enum_cache *cache, Oid label)
{
	for (int i = 0; i <= BM_NOT_BOUNCE; i++)
		if (cache->class_oid[i] == label)
			return i;
	return -1;
}

/*
 * The library serves one version of the extension's SQL objects.  After a package upgrade and before
 * ALTER EXTENSION bounce_mgmt UPDATE, the old objects would meet the new code half-way (missing tables,
 * other columns): say so plainly instead.  Not checked while an extension script runs (an update calls
 * functions while pg_extension still shows the old version).
 */
void
bm_check_extension_version(void)
{
	Oid			extoid;
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *installed = NULL;

	if (creating_extension)
		return;
	extoid = get_extension_oid("bounce_mgmt", true);
	if (!OidIsValid(extoid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"bounce_mgmt\" is not installed in this database"),
				 errhint("Run CREATE EXTENSION bounce_mgmt.")));
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(extoid));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		v = heap_getattr(tup, Anum_pg_extension_extversion, RelationGetDescr(rel), &isnull);

		if (!isnull)
			installed = text_to_cstring(DatumGetTextPP(v));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (installed == NULL || strcmp(installed, BM_EXTVERSION) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the bounce_mgmt library is version %s, but the extension in this database is version %s",
						BM_EXTVERSION, installed ? installed : "(unknown)"),
				 errdetail("The package was upgraded; the database's SQL objects were not."),
				 errhint("Run ALTER EXTENSION bounce_mgmt UPDATE in every database that has the extension.")));
}
