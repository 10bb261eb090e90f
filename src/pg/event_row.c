/*
 * event_row.c — the catalog side of the event row (event_row.def): the descriptor of the rows handed to
 * the flush statement, the label OIDs ingestion writes, the retention horizon, and the check that the
 * events table has the columns the library writes.  Looked up once per backend; forgotten when a type of
 * the extension, the events table or the settings change (so DROP/CREATE EXTENSION, ALTER EXTENSION
 * UPDATE and UPDATE settings are seen at the next call).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "event_row.h"

PG_FUNCTION_INFO_V1(bm_event_row_columns_sql);

typedef enum col_kind
{
	KIND_TEXT,
	KIND_TIMESTAMPTZ,
	KIND_INT2,
	KIND_INT4,
	KIND_BOOL,
	KIND_JSONB,
	KIND_EXT
} col_kind;

typedef struct col_spec
{
	const char *name;
	col_kind	kind;
	const char *type;			/* KIND_EXT: the type's name in schema bounce_mgmt */
} col_spec;

static const col_spec columns[BM_EV_NCOLS] = {
#define BM_EVENT_COLUMN(name, kind, type) {#name, KIND_##kind, type},
#include "event_row.def"
#undef BM_EVENT_COLUMN
	{"keep", KIND_BOOL, NULL},
};

const char *const bm_event_column_names[BM_EV_NCOLS] = {
#define BM_EVENT_COLUMN(name, kind, type) #name,
#include "event_row.def"
#undef BM_EVENT_COLUMN
	"keep",
};

/*
 * The facts, in TopMemoryContext.  A callback only marks them stale (they may be in use by the call that
 * caused the change, e.g. an ingestion creating a partition); the next bm_ingest_catalog_get() frees and
 * rebuilds them.
 */
static bm_ingest_catalog *catalog = NULL;
static bool catalog_stale = false;
static uint64 generation = 0;
static Oid	events_relid = InvalidOid;
static Oid	settings_relid = InvalidOid;

static void
type_changed(Datum arg, int cacheid, uint32 hashvalue)
{
	catalog_stale = true;
}

static void
relation_changed(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == events_relid || relid == settings_relid)
		catalog_stale = true;
}

void
bm_event_row_init(void)
{
	CacheRegisterSyscacheCallback(TYPEOID, type_changed, (Datum) 0);
	CacheRegisterRelcacheCallback(relation_changed, (Datum) 0);
}

static Oid
column_type(const col_spec *c)
{
	switch (c->kind)
	{
		case KIND_TEXT:
			return TEXTOID;
		case KIND_TIMESTAMPTZ:
			return TIMESTAMPTZOID;
		case KIND_INT2:
			return INT2OID;
		case KIND_INT4:
			return INT4OID;
		case KIND_BOOL:
			return BOOLOID;
		case KIND_JSONB:
			return JSONBOID;
		case KIND_EXT:
			return bm_type_oid(c->type);
	}
	return InvalidOid;
}

/* Raises an error unless bounce_mgmt.events has the columns of event_row.def, in order (event_id and
 * batch_id aside). */
static void
check_events_table(Oid relid, const Oid *types)
{
	HeapTuple	tup;
	int			k = 0;
	int			natts;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	natts = ((Form_pg_class) GETSTRUCT(tup))->relnatts;
	ReleaseSysCache(tup);

	for (int attnum = 1; attnum <= natts; attnum++)
	{
		HeapTuple	at = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
		Form_pg_attribute a;

		if (!HeapTupleIsValid(at))
			continue;
		a = (Form_pg_attribute) GETSTRUCT(at);
		if (!a->attisdropped && strcmp(NameStr(a->attname), "event_id") != 0 &&
			strcmp(NameStr(a->attname), "batch_id") != 0)
		{
			if (k >= BM_EV_STORED_COLS || strcmp(NameStr(a->attname), columns[k].name) != 0 ||
				a->atttypid != types[k])
			{
				const char *want = k < BM_EV_STORED_COLS ? columns[k].name : "(no more columns)";

				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("table bounce_mgmt.events does not have the columns this library writes"),
						 errdetail("Column %d is \"%s\" of type %s; the library expects \"%s\".", k + 1,
								   NameStr(a->attname), format_type_be(a->atttypid), want),
						 errhint("The library and the installed SQL differ: ALTER EXTENSION bounce_mgmt UPDATE.")));
			}
			k++;
		}
		ReleaseSysCache(at);
	}
	if (k != BM_EV_STORED_COLS)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table bounce_mgmt.events does not have the columns this library writes"),
				 errdetail("It has %d of the %d columns; \"%s\" is missing.", k, (int) BM_EV_STORED_COLS,
						   columns[k].name),
				 errhint("The library and the installed SQL differ: ALTER EXTENSION bounce_mgmt UPDATE.")));
}

/* settings.event_retention as microseconds (a month counts 30 days, a day 24 hours); SPI connected. */
static int64
read_retention(void)
{
	bool		isnull;
	Datum		d;
	Interval   *iv;

	if (SPI_execute("SELECT event_retention FROM " BM_SCHEMA ".settings", true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("bounce_mgmt.settings must have exactly one row")));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return PG_INT64_MAX;
	iv = DatumGetIntervalP(d);
	return iv->time + (int64) iv->day * USECS_PER_DAY + (int64) iv->month * DAYS_PER_MONTH * USECS_PER_DAY;
}

const bm_ingest_catalog *
bm_ingest_catalog_get(void)
{
	bm_ingest_catalog *c;
	Oid			types[BM_EV_NCOLS];
	TupleDesc	desc;
	MemoryContext old;
	const char *names[Max((int) BM_PROVIDER_COUNT, (int) BM_ET_COUNT)];

	if (catalog != NULL && !catalog_stale)
		return catalog;
	if (catalog != NULL)
	{
		FreeTupleDesc(catalog->rows_desc);
		pfree(catalog);
		catalog = NULL;
	}
	catalog_stale = false;

	bm_check_extension_version();
	events_relid = bm_relation_oid("events");
	settings_relid = bm_relation_oid("settings");
	for (int i = 0; i < BM_EV_NCOLS; i++)
		types[i] = column_type(&columns[i]);
	check_events_table(events_relid, types);

	old = MemoryContextSwitchTo(TopMemoryContext);
	c = palloc0(sizeof(bm_ingest_catalog));
	desc = CreateTemplateTupleDesc(BM_EV_NCOLS);
	for (int i = 0; i < BM_EV_NCOLS; i++)
		TupleDescInitEntry(desc, (AttrNumber) (i + 1), columns[i].name, types[i], -1, 0);
	c->rows_desc = desc;
	MemoryContextSwitchTo(old);

	for (int i = 0; i < BM_PROVIDER_COUNT; i++)
		names[i] = bm_provider_name((bm_provider) i);
	bm_enum_label_oids(bm_type_oid("provider"), names, BM_PROVIDER_COUNT, c->provider_oid);
	for (int i = 0; i < BM_ET_COUNT; i++)
		names[i] = bm_event_type_name((bm_event_type) i);
	bm_enum_label_oids(bm_type_oid("event_type"), names, BM_ET_COUNT, c->etype_oid);
	bm_enum_cache_fill(&c->enums);
	c->batch_seq = get_relname_relid("ingest_batches_batch_id_seq", bm_schema_oid());
	if (!OidIsValid(c->batch_seq))
		elog(ERROR, "bounce_mgmt: sequence ingest_batches_batch_id_seq is missing");
	c->retention_us = read_retention();
	c->generation = ++generation;
	catalog = c;
	return c;
}

/* event_row_columns() → (ord, name, type): the columns the library writes, for the regression test. */
Datum
bm_event_row_columns_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < BM_EV_STORED_COLS; i++)
	{
		Datum		v[3];
		bool		n[3] = {false, false, false};

		v[0] = Int32GetDatum(i + 1);
		v[1] = CStringGetTextDatum(columns[i].name);
		v[2] = CStringGetTextDatum(format_type_be(column_type(&columns[i])));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
	}
	return (Datum) 0;
}
