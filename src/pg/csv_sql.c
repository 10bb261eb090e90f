/*
 * csv_sql.c — what import_suppressions() (sql/code/073_suppression_csv.sql) needs from the pure-C core:
 * read_csv(csv text) → (line bigint, fields text[]), the CSV reader of src/core/csv.c, one row per record
 * (the header included; malformed CSV is 22P02 with the byte offset and line, and nothing is returned: a
 * materialized set); and provider_time(text) → timestamptz, the timestamp forms ingestion reads
 * (src/core/timefmt.c: unix seconds or milliseconds, ISO 8601, RFC 2822), NULL for anything else.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/timestamp.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "compat.h"
#include "csv.h"
#include "timefmt.h"

PG_FUNCTION_INFO_V1(bm_read_csv_sql);
PG_FUNCTION_INFO_V1(bm_provider_time_sql);

/* provider_time(value text) → timestamptz: a provider's timestamp, NULL when it is not one. */
Datum
bm_provider_time_sql(PG_FUNCTION_ARGS)
{
	text	   *in = PG_GETARG_TEXT_PP(0);
	int64_t		us;

	if (bm_time_parse(VARDATA_ANY(in), VARSIZE_ANY_EXHDR(in), &us) != BM_TIME_OK)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ((TimestampTz) us -
						  (TimestampTz) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
}

#define CSV_MAX_FIELDS 256

Datum
bm_read_csv_sql(PG_FUNCTION_ARGS)
{
	text	   *in = PG_GETARG_TEXT_PP(0);
	const char *data = VARDATA_ANY(in);
	size_t		len = VARSIZE_ANY_EXHDR(in);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *buf = palloc(len + 1);
	bm_csv_field *fields = palloc(sizeof(bm_csv_field) * CSV_MAX_FIELDS);
	Datum	   *elems = palloc(sizeof(Datum) * CSV_MAX_FIELDS);
	MemoryContext per_record = AllocSetContextCreate(CurrentMemoryContext, "bounce_mgmt read_csv",
													 ALLOCSET_DEFAULT_SIZES);
	bm_csv		r;
	size_t		nf;
	bm_csv_status st;

	InitMaterializedSRF(fcinfo, 0);
	bm_csv_init(&r, data, len);
	while ((st = bm_csv_next(&r, buf, len + 1, fields, CSV_MAX_FIELDS, &nf)) == BM_CSV_RECORD)
	{
		MemoryContext old = MemoryContextSwitchTo(per_record);
		Datum		values[2];
		bool		nulls[2] = {false, false};

		for (size_t i = 0; i < nf; i++)
			elems[i] = PointerGetDatum(cstring_to_text_with_len(fields[i].ptr, (int) fields[i].len));
		values[0] = Int64GetDatum((int64) r.line);
		values[1] = PointerGetDatum(construct_array(elems, (int) nf, TEXTOID, -1, false, TYPALIGN_INT));
		MemoryContextSwitchTo(old);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		MemoryContextReset(per_record);
	}
	if (st == BM_CSV_ERROR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid CSV: %s", r.error),
				 errdetail("At byte offset %zu (the record starting on line %zu).", r.error_offset,
						   r.line ? r.line : r.next_line),
				 errhint("Fields holding commas, quotes or line breaks must be in double quotes, with \"\" for a quote.")));
	MemoryContextDelete(per_record);
	return (Datum) 0;
}
