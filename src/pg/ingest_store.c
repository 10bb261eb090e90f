/*
 * ingest_store.c — writes ingested events in bulk.  A flush is ONE execution of one saved plan: the
 * buffered rows come in through ingest_flush_rows() (a C set-returning function reading this file's
 * buffer: no arrays to build and unnest, enum values already as label OIDs, no text casts),
 * INSERT ... ON CONFLICT DO NOTHING drops duplicates, and the same statement upserts per-address state and the daily counters from the rows
 * actually inserted (so a duplicate never counts twice), opens the suppressions new hard bounces and
 * complaints call for, and resolves notices a delivery answers.  Ingestion transactions are serialized by
 * an advisory lock (ingest.c), so rows need no particular order to avoid deadlocks.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "bm_pg.h"
#include "ingest_store.h"

PG_FUNCTION_INFO_V1(bm_ingest_rows);

/* the buffer being flushed: set only while the flush statement runs (ingest_flush_rows() reads it) */
static bm_rowbuf *flush_rows = NULL;

/*
 * The flush statement ($1: the batch id).  "Bounces" for per-address state are bounce and deferred events we classified hard
 * or soft; the counters leave out rate-excluded events and list entries (counted as excluded).
 */
static const char *const flush_sql =
"WITH ins AS ("
"  INSERT INTO " BM_SCHEMA ".events AS e (event_id, provider, provider_event_id, occurred_at, event_type, email,"
"         domain, bounce_class, reason, evidence, reply_code, status, provider_type, provider_subtype, diagnostic,"
"         message_id, attempt, rate_excluded, auto_reply, list_entry, provider_suppressed, email_original,"
"         batch_id, raw)"
"  SELECT pg_catalog.nextval('" BM_SCHEMA ".events_event_id_seq'), i.provider, i.provider_event_id,"
"         i.occurred_at, i.event_type, i.email, i.domain, i.bounce_class, i.reason, i.evidence, i.reply_code,"
"         i.status, i.provider_type, i.provider_subtype, i.diagnostic, i.message_id, i.attempt,"
"         i.rate_excluded, i.auto_reply, i.list_entry, i.provider_suppressed, i.email_original, $1, i.raw"
"    FROM " BM_SCHEMA ".ingest_flush_rows() i"
"  ON CONFLICT DO NOTHING"
"  RETURNING e.event_id, e.provider, e.occurred_at, e.event_type, e.email, e.domain, e.bounce_class, e.reason,"
"            e.diagnostic, e.rate_excluded OR e.list_entry AS x"
"), s AS ("
"  SELECT ins.*, (ins.occurred_at AT TIME ZONE 'UTC')::date AS day,"
"         ins.event_type IN ('bounce', 'deferred') AND ins.bounce_class IN ('hard', 'soft') AS is_bounce,"
"         ins.event_type = 'bounce' AND ins.bounce_class = 'hard' AS is_hard"
"    FROM ins"
"), latest AS ("
/* the newest bounce and the newest hard bounce of each address in this flush: one sort each */
"  SELECT DISTINCT ON (s.email) s.email, s.bounce_class, s.reason, s.diagnostic, s.event_id"
"    FROM s WHERE s.is_bounce ORDER BY s.email, s.occurred_at DESC, s.event_id DESC"
"), latest_hard AS ("
"  SELECT DISTINCT ON (s.email) s.email, s.reason, s.event_id"
"    FROM s WHERE s.is_hard ORDER BY s.email, s.occurred_at DESC, s.event_id DESC"
"), g AS ("
"  SELECT c.*, l.bounce_class AS last_class, l.reason AS last_reason, l.diagnostic AS last_diagnostic,"
"         l.event_id AS last_event_id, h.reason AS last_hard_reason, h.event_id AS last_hard_event_id"
"    FROM (SELECT s.email, pg_catalog.min(s.domain) AS domain,"
"                 pg_catalog.min(s.occurred_at) FILTER (WHERE s.is_bounce) AS first_bounce_at,"
"                 pg_catalog.max(s.occurred_at) FILTER (WHERE s.is_bounce) AS last_bounce_at,"
"                 pg_catalog.count(*) FILTER (WHERE s.is_hard)::int AS hard,"
"                 pg_catalog.count(*) FILTER (WHERE s.event_type = 'bounce' AND s.bounce_class = 'soft')::int AS soft,"
"                 pg_catalog.count(*) FILTER (WHERE s.event_type = 'deferred')::int AS deferrals,"
"                 pg_catalog.count(*) FILTER (WHERE s.event_type = 'dropped')::int AS drops,"
"                 pg_catalog.count(*) FILTER (WHERE s.event_type = 'complaint')::int AS complaints,"
"                 pg_catalog.max(s.occurred_at) FILTER (WHERE s.is_hard) AS last_hard_at,"
"                 pg_catalog.max(s.occurred_at) FILTER (WHERE s.event_type = 'complaint') AS last_complaint_at,"
"                 pg_catalog.max(s.occurred_at) FILTER (WHERE s.event_type = 'delivered') AS last_delivered_at,"
"                 pg_catalog.bool_or(s.event_type IN ('bounce', 'deferred', 'dropped', 'complaint')) AS negative"
"            FROM s WHERE s.event_type IN ('bounce', 'deferred', 'dropped', 'complaint', 'delivered')"
"           GROUP BY s.email) c"
"    LEFT JOIN latest l ON l.email = c.email"
"    LEFT JOIN latest_hard h ON h.email = c.email"
"), addr AS ("
"  INSERT INTO " BM_SCHEMA ".addresses AS a (email, domain, first_bounce_at, last_bounce_at, hard_bounces,"
"         soft_bounces, deferrals, drops, complaints, last_class, last_reason, last_diagnostic, last_event_id,"
"         last_hard_at, last_hard_reason, last_hard_event_id, last_complaint_at, last_delivered_at)"
"  SELECT g.email, g.domain, g.first_bounce_at, g.last_bounce_at, g.hard, g.soft, g.deferrals, g.drops,"
"         g.complaints, g.last_class, g.last_reason, g.last_diagnostic, g.last_event_id, g.last_hard_at,"
"         g.last_hard_reason, g.last_hard_event_id, g.last_complaint_at, g.last_delivered_at"
"    FROM g"
"   WHERE g.negative OR EXISTS (SELECT 1 FROM " BM_SCHEMA ".addresses x WHERE x.email = g.email)"
"   ORDER BY g.email"
"  ON CONFLICT (email) DO UPDATE SET"
"    first_bounce_at = LEAST(a.first_bounce_at, excluded.first_bounce_at),"
"    last_bounce_at = GREATEST(a.last_bounce_at, excluded.last_bounce_at),"
"    hard_bounces = a.hard_bounces + excluded.hard_bounces,"
"    soft_bounces = a.soft_bounces + excluded.soft_bounces,"
"    deferrals = a.deferrals + excluded.deferrals,"
"    drops = a.drops + excluded.drops,"
"    complaints = a.complaints + excluded.complaints,"
"    last_class = CASE WHEN excluded.last_bounce_at >= a.last_bounce_at OR a.last_bounce_at IS NULL"
"                      THEN coalesce(excluded.last_class, a.last_class) ELSE a.last_class END,"
"    last_reason = CASE WHEN excluded.last_bounce_at >= a.last_bounce_at OR a.last_bounce_at IS NULL"
"                       THEN coalesce(excluded.last_reason, a.last_reason) ELSE a.last_reason END,"
"    last_diagnostic = CASE WHEN excluded.last_bounce_at >= a.last_bounce_at OR a.last_bounce_at IS NULL"
"                           THEN coalesce(excluded.last_diagnostic, a.last_diagnostic) ELSE a.last_diagnostic END,"
"    last_event_id = CASE WHEN excluded.last_bounce_at >= a.last_bounce_at OR a.last_bounce_at IS NULL"
"                         THEN coalesce(excluded.last_event_id, a.last_event_id) ELSE a.last_event_id END,"
"    last_hard_reason = CASE WHEN excluded.last_hard_at >= a.last_hard_at OR a.last_hard_at IS NULL"
"                            THEN coalesce(excluded.last_hard_reason, a.last_hard_reason) ELSE a.last_hard_reason END,"
"    last_hard_event_id = CASE WHEN excluded.last_hard_at >= a.last_hard_at OR a.last_hard_at IS NULL"
"                              THEN coalesce(excluded.last_hard_event_id, a.last_hard_event_id) ELSE a.last_hard_event_id END,"
"    last_hard_at = GREATEST(a.last_hard_at, excluded.last_hard_at),"
"    last_complaint_at = GREATEST(a.last_complaint_at, excluded.last_complaint_at),"
"    last_delivered_at = GREATEST(a.last_delivered_at, excluded.last_delivered_at),"
"    updated_at = pg_catalog.now()"
"  RETURNING 1"
"), cnt AS ("
"  INSERT INTO " BM_SCHEMA ".daily_counts AS c (day, provider, domain, sent, delivered, hard, soft, deferred,"
"         dropped, complaints, unsubscribes, sender_side, excluded)"
"  SELECT s.day, s.provider, s.domain,"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'sent' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'delivered' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.is_hard AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'bounce' AND s.bounce_class = 'soft' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'deferred' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'dropped'),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'complaint' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'unsubscribe'),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'bounce' AND s.bounce_class = 'soft' AND NOT s.x"
"                                      AND r.fault = 'sender'),"
"         pg_catalog.count(*) FILTER (WHERE s.x)"
"    FROM s LEFT JOIN " BM_SCHEMA ".bounce_reasons r ON r.reason = s.reason"
"   GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
"  ON CONFLICT (day, provider, domain) DO UPDATE SET"
"    sent = c.sent + excluded.sent, delivered = c.delivered + excluded.delivered,"
"    hard = c.hard + excluded.hard, soft = c.soft + excluded.soft, deferred = c.deferred + excluded.deferred,"
"    dropped = c.dropped + excluded.dropped, complaints = c.complaints + excluded.complaints,"
"    unsubscribes = c.unsubscribes + excluded.unsubscribes, sender_side = c.sender_side + excluded.sender_side,"
"    excluded = c.excluded + excluded.excluded"
"  RETURNING 1"
"), rc AS ("
"  INSERT INTO " BM_SCHEMA ".daily_reason_counts AS c (day, provider, domain, reason, n)"
"  SELECT s.day, s.provider, s.domain, s.reason, pg_catalog.count(*)"
"    FROM s WHERE s.event_type IN ('bounce', 'deferred') AND s.reason IS NOT NULL AND NOT s.x"
"   GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
"  ON CONFLICT (day, provider, domain, reason) DO UPDATE SET n = c.n + excluded.n"
"  RETURNING 1"
"), tot AS ("
"  INSERT INTO " BM_SCHEMA ".daily_totals AS t (day, source, sent, delivered, hard, soft, complaints, sender_side)"
"  SELECT s.day, s.provider::text,"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'sent' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'delivered' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.is_hard AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'bounce' AND s.bounce_class = 'soft' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'complaint' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'bounce' AND s.bounce_class = 'soft' AND NOT s.x"
"                                      AND r.fault = 'sender')"
"    FROM s LEFT JOIN " BM_SCHEMA ".bounce_reasons r ON r.reason = s.reason"
"   GROUP BY 1, 2 ORDER BY 1, 2"
"  ON CONFLICT (day, source) DO UPDATE SET"
"    sent = t.sent + excluded.sent, delivered = t.delivered + excluded.delivered, hard = t.hard + excluded.hard,"
"    soft = t.soft + excluded.soft, complaints = t.complaints + excluded.complaints,"
"    sender_side = t.sender_side + excluded.sender_side"
"  RETURNING 1"
"), sup AS ("
/* new hard bounces and complaints suppress at once (g holds this flush's new events only) */
"  SELECT " BM_SCHEMA ".open_suppressions("
"           pg_catalog.array_agg(g.email ORDER BY g.email),"
"           pg_catalog.array_agg(CASE WHEN g.hard > 0 THEN 'hard_bounce' ELSE 'complaint' END::" BM_SCHEMA ".suppression_cause ORDER BY g.email),"
"           pg_catalog.array_agg(CASE WHEN g.hard > 0 THEN g.last_hard_reason ELSE 'feedback' END::" BM_SCHEMA ".bounce_reason ORDER BY g.email),"
"           pg_catalog.array_agg(CASE WHEN g.hard > 0 THEN g.last_hard_event_id END ORDER BY g.email),"
"           pg_catalog.array_agg(CASE WHEN g.hard > 0 THEN g.last_hard_at ELSE g.last_complaint_at END ORDER BY g.email))"
"    FROM g WHERE g.hard > 0 OR g.complaints > 0"
"  HAVING pg_catalog.count(*) > 0"
"), resolved AS ("
/* a delivery after an open notice (and after the address's last bounce) resolves it */
"  UPDATE " BM_SCHEMA ".notices t"
"     SET resolved_at = pg_catalog.now(), resolution = 'delivered', resolved_by = CURRENT_USER"
"    FROM g JOIN " BM_SCHEMA ".addresses a ON a.email = g.email"
"   WHERE t.email = g.email AND t.resolved_at IS NULL AND g.last_delivered_at > t.opened_at"
"     AND g.last_delivered_at > coalesce(GREATEST(a.last_bounce_at, g.last_bounce_at), '-infinity')"
"  RETURNING 1"
")"
/* sup is a plain SELECT: it runs only because it is read here */
"SELECT (SELECT pg_catalog.count(*) FROM ins), (SELECT pg_catalog.count(*) FROM sup)";

static SPIPlanPtr flush_plan = NULL;
static SPIPlanPtr quarantine_plan = NULL;
static SPIPlanPtr partition_plan = NULL;

static SPIPlanPtr
keep_plan(const char *sql, int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

	if (plan == NULL)
		elog(ERROR, "bounce_mgmt: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "bounce_mgmt: SPI_keepplan failed");
	return plan;
}

int64
bm_store_begin_batch(const char *source, int64 payload_bytes)
{
	Oid			types[2] = {TEXTOID, INT8OID};
	Datum		values[2] = {CStringGetTextDatum(source), Int64GetDatum(payload_bytes)};
	bool		isnull;
	int			rc;

	rc = SPI_execute_with_args("INSERT INTO " BM_SCHEMA ".ingest_batches (source, payload_bytes)"
							   " VALUES ($1, $2) RETURNING batch_id",
							   2, types, values, NULL, false, 1);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "bounce_mgmt: could not record the ingestion batch: %s", SPI_result_code_string(rc));
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

void
bm_store_end_batch(int64 batch_id, bm_provider provider, int32 events, int32 inserted, int32 quarantined,
				   Datum notes, bool notes_null)
{
	Oid			types[6] = {INT8OID, TEXTOID, INT4OID, INT4OID, INT4OID, TEXTARRAYOID};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	int			rc;

	values[0] = Int64GetDatum(batch_id);
	if (provider == BM_PROVIDER_AUTO)
		nulls[1] = 'n', values[1] = (Datum) 0;
	else
		values[1] = CStringGetTextDatum(bm_provider_name(provider));
	values[2] = Int32GetDatum(events);
	values[3] = Int32GetDatum(inserted);
	values[4] = Int32GetDatum(quarantined);
	values[5] = notes;
	if (notes_null)
		nulls[5] = 'n';
	rc = SPI_execute_with_args("UPDATE " BM_SCHEMA ".ingest_batches"
							   "   SET provider = $2::" BM_SCHEMA ".provider, events = $3, inserted = $4,"
							   "       duplicates = $3 - $4 - $5, quarantined = $5, notes = $6,"
							   "       duration = pg_catalog.clock_timestamp() - started_at"
							   " WHERE batch_id = $1",
							   6, types, values, nulls, false, 0);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "bounce_mgmt: could not update the ingestion batch: %s", SPI_result_code_string(rc));
}

/* Makes sure the monthly partitions the buffered rows fall into exist. */
static void
ensure_partitions(const bm_rowbuf *buf)
{
	int			done[8];
	int			ndone = 0;
	Oid			nsp = bm_schema_oid();

	for (int i = 0; i < buf->n; i++)
	{
		int			m = buf->months[i];
		bool		seen = false;
		char		name[NAMEDATALEN];

		for (int k = 0; k < ndone && !seen; k++)
			seen = (done[k] == m);
		if (seen)
			continue;
		if (ndone < (int) lengthof(done))
			done[ndone++] = m;
		snprintf(name, sizeof(name), "events_%04d_%02d", m / 12, m % 12 + 1);
		if (OidIsValid(get_relname_relid(name, nsp)))
			continue;
		{
			Oid			argtype = TIMESTAMPTZOID;
			Datum		arg = buf->values[BM_C_OCCURRED][i];
			int			rc;

			if (partition_plan == NULL)
				partition_plan = keep_plan("SELECT " BM_SCHEMA ".create_partition($1)", 1, &argtype);
			rc = SPI_execute_plan(partition_plan, &arg, NULL, false, 1);
			if (rc != SPI_OK_SELECT)
				elog(ERROR, "bounce_mgmt: could not create a partition of events: %s",
					 SPI_result_code_string(rc));
		}
	}
}

int64
bm_store_flush(bm_rowbuf *buf, int64 batch_id)
{
	Datum		arg = Int64GetDatum(batch_id);
	Oid			argtype = INT8OID;
	bool		isnull;
	int64		inserted = 0;
	int			rc;

	if (buf->n == 0)
		return 0;
	ensure_partitions(buf);
	if (flush_plan == NULL)
		flush_plan = keep_plan(flush_sql, 1, &argtype);
	flush_rows = buf;
	PG_TRY();
	{
		rc = SPI_execute_plan(flush_plan, &arg, NULL, false, 1);
		if (rc != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "bounce_mgmt: storing events failed: %s", SPI_result_code_string(rc));
		inserted = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		SPI_freetuptable(SPI_tuptable);
	}
	PG_FINALLY();
	{
		flush_rows = NULL;
	}
	PG_END_TRY();
	buf->n = 0;
	return inserted;
}

/*
 * ingest_flush_rows(): the buffer being flushed, as rows shaped like events (without event_id and
 * batch_id), in materialize mode.  Only the flush statement calls it; anywhere else it is an error.
 */
#define BM_FLUSH_OUT_COLS 22

Datum
bm_ingest_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const bm_rowbuf *buf = flush_rows;
	TupleDesc	tupdesc;
	Tuplestorestate *store;
	MemoryContext old;

	if (buf == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("ingest_flush_rows() can only be called by ingestion"),
				 errhint("Use bounce_mgmt.ingest() to store events.")));
	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) || (rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ingest_flush_rows() must be called in FROM")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE ||
		tupdesc->natts != BM_FLUSH_OUT_COLS)
		elog(ERROR, "bounce_mgmt: ingest_flush_rows() is declared with the wrong columns");

	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	tupdesc = CreateTupleDescCopy(tupdesc);
	store = tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0, false, work_mem);
	MemoryContextSwitchTo(old);

	for (int i = 0; i < buf->n; i++)
	{
		Datum		v[BM_FLUSH_OUT_COLS];
		bool		n[BM_FLUSH_OUT_COLS];
		int32		flags = DatumGetInt32(buf->values[BM_C_FLAGS][i]);
		static const bm_col direct[] = {
			BM_C_PROVIDER, BM_C_PID, BM_C_OCCURRED, BM_C_ETYPE, BM_C_EMAIL, BM_C_DOMAIN, BM_C_CLASS,
			BM_C_REASON, BM_C_EVIDENCE, BM_C_REPLY, BM_C_STATUS, BM_C_PTYPE, BM_C_PSUB, BM_C_DIAG,
			BM_C_MSGID, BM_C_ATTEMPT
		};
		int			k;

		/* columns 0..15 as buffered, 16..19 the flags, 20 email_original, 21 raw */
		for (k = 0; k < (int) lengthof(direct); k++)
		{
			v[k] = buf->values[direct[k]][i];
			n[k] = buf->nulls[direct[k]][i];
		}
		v[k] = BoolGetDatum((flags & BM_EVF_NO_RATE) != 0), n[k++] = false;
		v[k] = BoolGetDatum((flags & BM_EVF_AUTO_REPLY) != 0), n[k++] = false;
		v[k] = BoolGetDatum((flags & BM_EVF_LIST_ENTRY) != 0), n[k++] = false;
		v[k] = BoolGetDatum((flags & BM_EVF_PROVIDER_SUPPRESSED) != 0), n[k++] = false;
		v[k] = buf->values[BM_C_EMAIL_ORIG][i], n[k] = buf->nulls[BM_C_EMAIL_ORIG][i], k++;
		v[k] = buf->values[BM_C_RAW][i], n[k] = buf->nulls[BM_C_RAW][i], k++;
		Assert(k == BM_FLUSH_OUT_COLS);
		tuplestore_putvalues(store, tupdesc, v, n);
	}

	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = store;
	rsinfo->setDesc = tupdesc;
	return (Datum) 0;
}

int64
bm_store_quarantine(int64 batch_id, bm_provider provider, int64 element_index, text *raw,
					const char *reason, const char *field)
{
	bool		isnull;
	Datum		args[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	int			rc;

	if (quarantine_plan == NULL)
	{
		Oid			argtypes[6] = {INT8OID, TEXTOID, INT8OID, TEXTOID, TEXTOID, TEXTOID};

		quarantine_plan = keep_plan("INSERT INTO " BM_SCHEMA ".ingest_errors"
									" (batch_id, provider, element_index, raw, reason, field)"
									" VALUES ($1, $2::" BM_SCHEMA ".provider, $3, $4, $5, $6) RETURNING error_id",
									6, argtypes);
	}
	args[0] = Int64GetDatum(batch_id);
	if (provider == BM_PROVIDER_AUTO)
		nulls[1] = 'n', args[1] = (Datum) 0;
	else
		args[1] = CStringGetTextDatum(bm_provider_name(provider));
	args[2] = Int64GetDatum(element_index);
	args[3] = PointerGetDatum(raw);
	args[4] = CStringGetTextDatum(reason);
	if (field == NULL || field[0] == '\0')
		nulls[5] = 'n', args[5] = (Datum) 0;
	else
		args[5] = CStringGetTextDatum(field);
	rc = SPI_execute_plan(quarantine_plan, args, nulls, false, 0);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "bounce_mgmt: could not quarantine an element: %s", SPI_result_code_string(rc));
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

void
bm_store_quarantine_more(int64 error_id, int64 more)
{
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		args[2] = {Int64GetDatum(error_id), Int64GetDatum(more)};
	int			rc;

	rc = SPI_execute_with_args("UPDATE " BM_SCHEMA ".ingest_errors"
							   "   SET reason = reason || ' (and ' || $2 || ' more of this element''s events refused)'"
							   " WHERE error_id = $1",
							   2, types, args, NULL, false, 0);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "bounce_mgmt: could not update a quarantined element: %s", SPI_result_code_string(rc));
}
