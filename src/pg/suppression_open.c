/*
 * suppression_open.c — opens suppressions for new hard bounces and complaints (see suppression_open.h).
 *
 * Two statements, each with its own snapshot: first the addresses' open periods are locked, in address
 * order (an unsuppress() in flight holds its row, so this waits for it; ingestion's flush statement takes
 * these locks itself, as its last step); then the insert, whose new
 * snapshot in READ COMMITTED sees a period that unsuppress() just lifted and leaves that address alone
 * (evidence older than the lift is old news).  Under REPEATABLE READ the lock fails with 40001 instead, to
 * be retried.  Both are saved generic plans, written with pg_catalog operators, so they cost an executor
 * run each and mean the same under any search_path.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/lsyscache.h"

#include "bm_pg.h"
#include "suppression_open.h"

PG_FUNCTION_INFO_V1(bm_open_suppressions_sql);

static const char *const lock_sql =
"SELECT 1 FROM " BM_SCHEMA ".suppressions l"
" WHERE l.email OPERATOR(pg_catalog.=) ANY ($1) AND l.closed_at IS NULL"
" ORDER BY l.email FOR UPDATE";

static const char *const insert_sql =
"INSERT INTO " BM_SCHEMA ".suppressions AS s (email, domain, cause, reason, event_id, evidence_at, rule_id, note)"
" SELECT c.email, pg_catalog.split_part(c.email, '@', 2), c.cause, c.reason, c.event_id, c.at, c.rule_id, c.note"
"   FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4),"
"                   pg_catalog.unnest($5), pg_catalog.unnest($6), pg_catalog.unnest($7))"
"        AS c(email, cause, reason, event_id, at, rule_id, note)"
"  WHERE c.email IS NOT NULL"
"    AND NOT EXISTS (SELECT 1 FROM " BM_SCHEMA ".suppressions l"
"                     WHERE l.email OPERATOR(pg_catalog.=) c.email AND l.closed_at IS NOT NULL"
"                       AND l.closed_at OPERATOR(pg_catalog.>=) COALESCE(c.at, '-infinity'))"
"  ORDER BY c.email"
" ON CONFLICT (email) WHERE closed_at IS NULL DO NOTHING";

static SPIPlanPtr lock_plan = NULL;
static SPIPlanPtr insert_plan = NULL;
static Oid	plans_cause_type = InvalidOid;	/* the extension's types the plans were made for */

static SPIPlanPtr
generic_plan(const char *sql, int nargs, Oid *types)
{
	SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, types, CURSOR_OPT_GENERIC_PLAN);

	if (plan == NULL)
		elog(ERROR, "bounce_mgmt: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "bounce_mgmt: SPI_keepplan failed");
	return plan;
}

int64
bm_open_suppressions(const Datum *args, const char *nulls, bool locked)
{
	Oid			cause_type = bm_type_oid("suppression_cause");
	int			rc;

	if (lock_plan == NULL || insert_plan == NULL || plans_cause_type != cause_type)
	{
		Oid			types[SUPPRESSION_ARGS];

		types[0] = TEXTARRAYOID;
		types[1] = get_array_type(cause_type);
		types[2] = get_array_type(bm_type_oid("bounce_reason"));
		types[3] = INT8ARRAYOID;
		types[4] = get_array_type(TIMESTAMPTZOID);
		types[5] = INT4ARRAYOID;
		types[6] = TEXTARRAYOID;
		if (lock_plan != NULL)
			SPI_freeplan(lock_plan);
		if (insert_plan != NULL)
			SPI_freeplan(insert_plan);
		lock_plan = insert_plan = NULL;
		lock_plan = generic_plan(lock_sql, 1, types);
		insert_plan = generic_plan(insert_sql, SUPPRESSION_ARGS, types);
		plans_cause_type = cause_type;
	}
	if (!locked)
	{
		rc = SPI_execute_plan(lock_plan, (Datum *) args, nulls, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "bounce_mgmt: locking open suppressions failed: %s", SPI_result_code_string(rc));
	}
	rc = SPI_execute_plan(insert_plan, (Datum *) args, nulls, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "bounce_mgmt: opening suppressions failed: %s", SPI_result_code_string(rc));
	return (int64) SPI_processed;
}

/* open_suppressions(emails, causes, reasons, event_ids, evidence_at, rule_ids, notes) RETURNS integer */
Datum
bm_open_suppressions_sql(PG_FUNCTION_ARGS)
{
	Datum		args[SUPPRESSION_ARGS];
	char		nulls[SUPPRESSION_ARGS];
	int64		n;

	for (int i = 0; i < SUPPRESSION_ARGS; i++)
	{
		if (PG_ARGISNULL(i) && i < 5)
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("open_suppressions: argument %d must not be NULL", i + 1)));
		nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
		args[i] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	n = bm_open_suppressions(args, nulls, false);
	SPI_finish();
	PG_RETURN_INT32((int32) n);
}
