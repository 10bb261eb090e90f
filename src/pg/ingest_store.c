/*
 * ingest_store.c — writes ingested events.  A flush hands its rows to SQL as the ephemeral named relation
 * bm_rows (a tuplestore, registered with SPI: no arrays, no callback into C) and runs ONE saved plan that
 * inserts the new events (ON CONFLICT DO NOTHING drops duplicates), appends the hourly counter rows and
 * engagement rows, upserts per-address state, unsubscribes and provider listings, and writes the batch row.
 * Then, only when the flush says so, two small statements: suppressions for new hard bounces and
 * complaints, and notices a delivery answers.
 *
 * Concurrency without a global lock: every table is written in one order (events, addresses, unsubscribes,
 * provider listings, suppressions, notices — as unsuppress() does: suppressions, then notices), rows within
 * a table in key order (events by their unique key, addresses and listings by email, unsubscribes by email
 * and list), and counters and engagement rows are only ever appended.  Two flushes therefore wait for
 * each other only on the same event or address, and cannot deadlock; one transaction that ingests twice can
 * (README: concurrency).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/queryenvironment.h"
#include "utils/timestamp.h"

#include "ingest_store.h"
#include "suppression_open.h"

/* ---- the flush statement ---------------------------------------------------------------------------- */

/*
 * After the column lists: everything the new events change.  "Bounces" for per-address state are bounce
 * and deferred events classified hard or soft; the counters leave out rate-excluded events and list
 * entries (counted as excluded).  Hours are UTC hours whatever the session's TimeZone.
 */
static const char *const flush_tail =
"  ON CONFLICT DO NOTHING"
"  RETURNING e.event_id, e.provider, e.occurred_at, e.event_type, e.email, e.domain, e.bounce_class, e.reason,"
"            e.diagnostic, e.rate_excluded OR e.list_entry AS x, e.provider_type, e.provider_subtype"
"), s AS ("
"  SELECT ins.*, pg_catalog.date_trunc('hour', ins.occurred_at, 'UTC') AS hour,"
"         ins.event_type IN ('bounce', 'deferred') AND ins.bounce_class IN ('hard', 'soft') AS is_bounce,"
"         ins.event_type = 'bounce' AND ins.bounce_class = 'hard' AS is_hard,"
"         ins.event_type = 'bounce' AND ins.bounce_class = 'soft' AND NOT ins.x"
"             AND ins.reason = ANY ($10) AS is_sender"
"    FROM ins"
"), cnt AS ("
"  INSERT INTO " BM_SCHEMA ".hourly_counts (hour, provider, domain, sent, delivered, hard, soft, deferred,"
"         dropped, complaints, unsubscribes, sender_side, excluded)"
"  SELECT s.hour, s.provider, s.domain,"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'sent' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'delivered' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.is_hard AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'bounce' AND s.bounce_class = 'soft' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'deferred' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'dropped'),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'complaint' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'unsubscribe'),"
"         pg_catalog.count(*) FILTER (WHERE s.is_sender),"
"         pg_catalog.count(*) FILTER (WHERE s.x)"
"    FROM s GROUP BY 1, 2, 3"
"  RETURNING 1"
"), rc AS ("
"  INSERT INTO " BM_SCHEMA ".hourly_reason_counts (hour, provider, domain, reason, n)"
"  SELECT s.hour, s.provider, s.domain, s.reason, pg_catalog.count(*)"
"    FROM s WHERE s.event_type IN ('bounce', 'deferred') AND s.reason IS NOT NULL AND NOT s.x"
"   GROUP BY 1, 2, 3, 4"
"  RETURNING 1"
"), tot AS ("
"  INSERT INTO " BM_SCHEMA ".hourly_totals (hour, source, sent, delivered, hard, soft, complaints, sender_side)"
"  SELECT s.hour, s.provider::pg_catalog.text,"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'sent' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'delivered' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.is_hard AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'bounce' AND s.bounce_class = 'soft' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.event_type = 'complaint' AND NOT s.x),"
"         pg_catalog.count(*) FILTER (WHERE s.is_sender)"
"    FROM s GROUP BY 1, 2"
"  RETURNING 1"
"), latest AS ("
/* the newest bounce and the newest hard bounce of each address in this flush */
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
"), eng AS ("
/* engagement (README: list hygiene): the last send, delivery, open, click and bounce of every address the
 * new events were sent to, appended (insert-only, like the counters: compact_engagement() folds them);
 * opens and clicks the provider calls a machine's (event.h BM_SUBTYPE_MACHINE) are no engagement (a
 * machine open is kept apart); first seen is the address's earliest event here (a sync of last year's
 * list starts its silence last year), never later than now */
"  INSERT INTO " BM_SCHEMA ".engagement_recent (email, first_seen_at, last_sent_at, last_delivered_at,"
"         last_open_at, last_machine_open_at, last_click_at, last_bounce_at)"
"  SELECT s.email, LEAST(pg_catalog.min(s.occurred_at), pg_catalog.now()),"
"         pg_catalog.max(s.occurred_at) FILTER (WHERE s.event_type = 'sent'),"
"         pg_catalog.max(s.occurred_at) FILTER (WHERE s.event_type = 'delivered'),"
"         pg_catalog.max(s.occurred_at) FILTER (WHERE s.event_type = 'open' AND NOT s.machine),"
"         pg_catalog.max(s.occurred_at) FILTER (WHERE s.event_type = 'open' AND s.machine),"
"         pg_catalog.max(s.occurred_at) FILTER (WHERE s.event_type = 'click' AND NOT s.machine),"
"         pg_catalog.max(s.occurred_at) FILTER (WHERE s.event_type = 'bounce')"
"    FROM (SELECT s.*, s.provider_subtype IS NOT DISTINCT FROM '" BM_SUBTYPE_MACHINE "' AS machine FROM s) s"
"   WHERE s.event_type IN ('sent', 'delivered', 'open', 'click')"
"      OR (s.event_type = 'bounce' AND s.bounce_class IN ('hard', 'soft') AND NOT s.x)"
"   GROUP BY s.email"
"  RETURNING 1"
"), un AS ("
/* unsubscribes and complaints, per list ('' = every list; event.h BM_SUBTYPE_LIST names one), and the
 * resubscribes that end them (an "other" event naming a list) */
"  SELECT s.email, s.event_type <> 'other' AS unsub, s.occurred_at AS at, s.event_id, s.provider, s.provider_type,"
"         CASE WHEN s.event_type = 'complaint' THEN 'complaint' ELSE 'unsubscribe' END AS via,"
"         CASE WHEN s.provider_subtype LIKE '" BM_SUBTYPE_LIST "%'"
"              THEN pg_catalog.substr(s.provider_subtype, pg_catalog.length('" BM_SUBTYPE_LIST "') + 1)"
"              ELSE '' END AS list"
"    FROM s"
"   WHERE s.event_type IN ('unsubscribe', 'complaint')"
"      OR (s.event_type = 'other' AND s.provider_subtype LIKE '" BM_SUBTYPE_LIST "%')"
"), uns AS ("
/* in (email, list) order; a key seen only resubscribing gets unsubscribed_at -infinity: never unsubscribed */
"  INSERT INTO " BM_SCHEMA ".unsubscribes AS u (email, list, via, provider, detail, unsubscribed_at, resubscribed_at)"
"  SELECT k.email, k.list, coalesce(n.via, 'unsubscribe')::" BM_SCHEMA ".unsubscribe_via, n.provider,"
"         n.provider_type, coalesce(n.at, '-infinity'), k.resub_at"
"    FROM (SELECT un.email, un.list, pg_catalog.max(un.at) FILTER (WHERE NOT un.unsub) AS resub_at"
"            FROM un GROUP BY un.email, un.list) k"
"    LEFT JOIN (SELECT DISTINCT ON (un.email, un.list) un.* FROM un WHERE un.unsub"
"                ORDER BY un.email, un.list, un.at DESC, un.event_id DESC) n"
"      ON n.email = k.email AND n.list = k.list"
"   ORDER BY k.email, k.list"
"  ON CONFLICT (email, list) DO UPDATE SET"
"    via = CASE WHEN excluded.unsubscribed_at > u.unsubscribed_at THEN excluded.via ELSE u.via END,"
"    provider = CASE WHEN excluded.unsubscribed_at > u.unsubscribed_at THEN excluded.provider ELSE u.provider END,"
"    detail = CASE WHEN excluded.unsubscribed_at > u.unsubscribed_at THEN excluded.detail ELSE u.detail END,"
"    unsubscribed_at = GREATEST(u.unsubscribed_at, excluded.unsubscribed_at),"
"    resubscribed_at = GREATEST(u.resubscribed_at, excluded.resubscribed_at),"
"    recorded_at = pg_catalog.now()"
"  RETURNING 1"
"), old_new AS ("
/* list entries too old to store as events that tell something new (counted as inserted, the rest as
 * duplicates; read before lst changes anything: one snapshot for the whole statement) */
"  SELECT pg_catalog.count(*)::int AS n FROM " BM_ROWS_ENR " r"
"   WHERE NOT r.keep AND NOT EXISTS (SELECT 1 FROM " BM_SCHEMA ".provider_listings l"
"                                     WHERE l.email = r.email AND l.provider = r.provider"
"                                       AND l.listed_at >= r.occurred_at AND l.cleared_at IS NULL)"
"), lst AS ("
/* the providers that list an address: every row that says so, stored or too old to store */
"  INSERT INTO " BM_SCHEMA ".provider_listings AS l (email, provider, listed_at, reason, diagnostic)"
"  SELECT DISTINCT ON (r.email, r.provider) r.email, r.provider, r.occurred_at, r.reason, r.diagnostic"
"    FROM " BM_ROWS_ENR " r WHERE r.provider_suppressed"
"   ORDER BY r.email, r.provider, r.occurred_at DESC"
"  ON CONFLICT (email, provider) DO UPDATE SET"
"    listed_at = GREATEST(l.listed_at, excluded.listed_at),"
"    reason = CASE WHEN excluded.listed_at >= l.listed_at THEN excluded.reason ELSE l.reason END,"
"    diagnostic = CASE WHEN excluded.listed_at >= l.listed_at THEN excluded.diagnostic ELSE l.diagnostic END,"
"    last_seen_at = pg_catalog.now(),"
"    cleared_at = CASE WHEN excluded.listed_at > l.cleared_at THEN NULL ELSE l.cleared_at END"
"  RETURNING 1"
"), bat AS ("
"  INSERT INTO " BM_SCHEMA ".ingest_batches AS b (batch_id, provider, source, started_at, payload_bytes, events,"
"         inserted, duplicates, quarantined, notes, duration)"
"  OVERRIDING SYSTEM VALUE"
"  SELECT $1, $2::" BM_SCHEMA ".provider, $3, $4, $5, $6, n.inserted, $6 - n.inserted - $7, $7, $8,"
"         pg_catalog.clock_timestamp() - $4"
"    FROM (SELECT (SELECT pg_catalog.count(*) FROM ins)::int + (SELECT old_new.n FROM old_new) + $9 AS inserted) n"
"  ON CONFLICT (batch_id) DO UPDATE SET"
"    provider = excluded.provider, events = excluded.events, inserted = b.inserted + excluded.inserted,"
"    duplicates = excluded.events - (b.inserted + excluded.inserted) - excluded.quarantined,"
"    quarantined = excluded.quarantined, notes = excluded.notes, duration = excluded.duration"
"  RETURNING 1"
"), sc AS ("
/* suppression candidates: new hard bounces and complaints (g holds this flush's new events only), and
 * hard list entries too old to store as events */
"  SELECT g.email, CASE WHEN g.hard > 0 THEN 'hard_bounce' ELSE 'complaint' END::" BM_SCHEMA ".suppression_cause AS cause,"
"         CASE WHEN g.hard > 0 THEN g.last_hard_reason ELSE 'feedback' END::" BM_SCHEMA ".bounce_reason AS reason,"
"         CASE WHEN g.hard > 0 THEN g.last_hard_event_id END AS event_id,"
"         CASE WHEN g.hard > 0 THEN g.last_hard_at ELSE g.last_complaint_at END AS at"
"    FROM g WHERE g.hard > 0 OR g.complaints > 0"
"  UNION ALL"
"  SELECT r.email, 'hard_bounce', r.reason, NULL, r.occurred_at"
"    FROM " BM_ROWS_ENR " r WHERE NOT r.keep AND r.bounce_class = 'hard'"
"), lk AS ("
/* the open suppressions of the candidates, locked in address order: an unsuppress() in flight holds its
 * row, so this waits for it; the insert that follows (a statement of its own, with a new snapshot) then
 * sees the lifted period */
"  SELECT 1 FROM " BM_SCHEMA ".suppressions l"
"   WHERE l.email IN (SELECT sc.email FROM sc) AND l.closed_at IS NULL"
"   ORDER BY l.email FOR UPDATE"
"), nc AS ("
/* deliveries to addresses with an open notice: answered by the notices statement */
"  SELECT g.email, g.last_delivered_at AS at FROM g"
"   WHERE g.last_delivered_at IS NOT NULL"
"     AND EXISTS (SELECT 1 FROM " BM_SCHEMA ".notices o WHERE o.email = g.email AND o.resolved_at IS NULL)"
")"
/*
 * One row per suppression candidate (kind 1) and per answered notice (kind 2), or one row with NULLs:
 * the events inserted (and old list entries recorded), then the candidates.  The data-modifying CTEs are
 * read once, through one Append, so they run in this order — events, counters, addresses, engagement
 * (appended), unsubscribes, listings, the batch row, the candidates' open suppressions — before the
 * candidates are read (lock order: README, concurrency).
 */
"SELECT n.inserted, n.written, k.kind, k.email, k.cause, k.reason, k.event_id, k.at"
"  FROM (SELECT (SELECT pg_catalog.count(*) FROM ins) + (SELECT old_new.n FROM old_new) AS inserted,"
"               (SELECT pg_catalog.count(*) FROM (SELECT 1 FROM cnt UNION ALL SELECT 1 FROM rc"
"                  UNION ALL SELECT 1 FROM tot UNION ALL SELECT 1 FROM addr UNION ALL SELECT 1 FROM eng"
"                  UNION ALL SELECT 1 FROM uns UNION ALL SELECT 1 FROM lst"
"                  UNION ALL SELECT 1 FROM bat UNION ALL SELECT 1 FROM lk) w) AS written) n"
"  LEFT JOIN (SELECT 1 AS kind, sc.email, sc.cause, sc.reason, sc.event_id, sc.at FROM sc"
"             UNION ALL"
"             SELECT 2, nc.email, NULL, NULL, NULL, nc.at FROM nc) k ON true"
" ORDER BY k.kind, k.email";

/* The notices statement: a delivery after an open notice (and after the address's last bounce) resolves it. */
static const char *const notices_sql =
"UPDATE " BM_SCHEMA ".notices t"
"   SET resolved_at = pg_catalog.now(), resolution = 'delivered', resolved_by = CURRENT_USER"
"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.timestamptz[])) d(email, at)"
"  JOIN " BM_SCHEMA ".addresses a ON a.email = d.email"
" WHERE t.email = d.email AND t.resolved_at IS NULL AND d.at > t.opened_at"
"   AND d.at > coalesce(a.last_bounce_at, '-infinity')";

/* The batch row alone, when no flush carried the final counts. */
static const char *const batch_sql =
"INSERT INTO " BM_SCHEMA ".ingest_batches AS b (batch_id, provider, source, started_at, payload_bytes, events,"
"       inserted, duplicates, quarantined, notes, duration)"
"OVERRIDING SYSTEM VALUE "
"VALUES ($1, $2::" BM_SCHEMA ".provider, $3, $4, $5, $6, $9, $6 - $9 - $7, $7, $8, pg_catalog.clock_timestamp() - $4)"
"ON CONFLICT (batch_id) DO UPDATE SET"
"  provider = excluded.provider, events = excluded.events,"
"  duplicates = excluded.events - b.inserted - excluded.quarantined,"
"  quarantined = excluded.quarantined, notes = excluded.notes, duration = excluded.duration";

#define BATCH_NARGS 9
static const Oid batch_argtypes[BATCH_NARGS] = {INT8OID, TEXTOID, TEXTOID, TIMESTAMPTZOID, INT8OID, INT4OID,
INT4OID, TEXTARRAYOID, INT4OID};
/* the flush: the batch row's 9, then $10, the reasons whose fault is the sender's (reasons.def) */
#define FLUSH_NARGS (BATCH_NARGS + 1)

/*
 * The flush has two plans: one for small flushes (a webhook of a few events: a generic plan, made once,
 * so a call costs an executor run and no planning) and one planned for each large flush (its row count
 * decides joins and aggregation; planning is noise there).
 */
#define SMALL_FLUSH 64
static SPIPlanPtr flush_plan_small = NULL;
static SPIPlanPtr flush_plan_large = NULL;
static SPIPlanPtr notices_plan = NULL;
static SPIPlanPtr batch_plan = NULL;
static SPIPlanPtr quarantine_plan = NULL;
static SPIPlanPtr partition_plan = NULL;
static SPIPlanPtr more_plan = NULL;
static uint64 plans_generation = 0;	/* the catalog generation the plans were made for */

/*
 * Forgets the plans made for an earlier catalog: their parameter types and bm_rows' column types are
 * the extension's types as they were (DROP/CREATE EXTENSION makes new ones).
 */
static void
plans_for(const bm_ingest_catalog *cat)
{
	SPIPlanPtr *all[] = {&flush_plan_small, &flush_plan_large, &notices_plan, &batch_plan, &quarantine_plan,
	&partition_plan, &more_plan};

	if (plans_generation == cat->generation)
		return;
	for (int i = 0; i < (int) lengthof(all); i++)
	{
		if (*all[i] != NULL)
			SPI_freeplan(*all[i]);
		*all[i] = NULL;
	}
	plans_generation = cat->generation;
}

/*
 * Prepares sql once per backend (the plan cache revalidates it after DDL on what it reads), with a generic
 * plan unless options say CURSOR_OPT_CUSTOM_PLAN.
 */
static SPIPlanPtr
kept_plan_opts(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes, int options)
{
	SPIPlanPtr	plan;

	if (*slot != NULL)
		return *slot;
	plan = SPI_prepare_cursor(sql, nargs, (Oid *) argtypes, options);
	if (plan == NULL)
		elog(ERROR, "bounce_mgmt: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "bounce_mgmt: SPI_keepplan failed");
	*slot = plan;
	return plan;
}

static SPIPlanPtr
kept_plan(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes)
{
	return kept_plan_opts(slot, sql, nargs, argtypes, CURSOR_OPT_GENERIC_PLAN);
}

/* The flush statement: "WITH ins AS (INSERT INTO events (event_id, <columns>, batch_id) SELECT ..." + tail. */
static char *
flush_statement(void)
{
	StringInfoData sql;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "WITH ins AS (  INSERT INTO " BM_SCHEMA ".events AS e (event_id");
	for (int i = 0; i < BM_EV_STORED_COLS; i++)
		appendStringInfo(&sql, ", %s", bm_event_column_names[i]);
	appendStringInfoString(&sql, ", batch_id)  SELECT pg_catalog.nextval('" BM_SCHEMA ".events_event_id_seq'::pg_catalog.regclass)");
	for (int i = 0; i < BM_EV_STORED_COLS; i++)
		appendStringInfo(&sql, ", r.%s", bm_event_column_names[i]);
	/* the unique key's order: two flushes meeting on the same events wait, but never in a cycle */
	appendStringInfoString(&sql, ", $1    FROM " BM_ROWS_ENR " r WHERE r.keep"
						   "   ORDER BY r.email, r.occurred_at, r.provider, r.provider_event_id");
	appendStringInfoString(&sql, flush_tail);
	return sql.data;
}

/* ---- the batch row ---------------------------------------------------------------------------------- */

void
bm_store_begin(bm_batch *batch, const bm_ingest_catalog *cat, const char *source, int64 payload_bytes)
{
	plans_for(cat);
	memset(batch, 0, sizeof(*batch));
	batch->batch_id = nextval_internal(cat->batch_seq, true);
	batch->source = source;
	batch->started_at = GetCurrentTimestamp();
	batch->payload_bytes = payload_bytes;
	batch->provider = BM_PROVIDER_AUTO;
}

static void
batch_args(const bm_batch *batch, int32 listed_only, Datum *values, char *nulls)
{
	memset(nulls, ' ', BATCH_NARGS);
	values[0] = Int64GetDatum(batch->batch_id);
	if (batch->provider == BM_PROVIDER_AUTO)
		nulls[1] = 'n', values[1] = (Datum) 0;
	else
		values[1] = CStringGetTextDatum(bm_provider_name(batch->provider));
	values[2] = CStringGetTextDatum(batch->source);
	values[3] = TimestampTzGetDatum(batch->started_at);
	values[4] = Int64GetDatum(batch->payload_bytes);
	values[5] = Int32GetDatum(batch->events);
	values[6] = Int32GetDatum(batch->quarantined);
	if (batch->notes == NIL)
		nulls[7] = 'n', values[7] = (Datum) 0;
	else
	{
		int			n = list_length(batch->notes);
		Datum	   *elems = palloc(sizeof(Datum) * n);
		int			k = 0;
		ListCell   *lc;

		foreach(lc, batch->notes)
			elems[k++] = PointerGetDatum(lfirst(lc));
		values[7] = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
	}
	values[8] = Int32GetDatum(listed_only);
}

void
bm_store_finish(bm_batch *batch)
{
	Datum		values[BATCH_NARGS];
	char		nulls[BATCH_NARGS];
	int			rc;

	batch_args(batch, (int32) batch->inserted, values, nulls);
	rc = SPI_execute_plan(kept_plan(&batch_plan, batch_sql, BATCH_NARGS, batch_argtypes), values, nulls,
						  false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "bounce_mgmt: could not record the ingestion batch: %s", SPI_result_code_string(rc));
}

/* ---- rows and partitions ---------------------------------------------------------------------------- */

void
bm_store_add(bm_flush_rows *rows, const bm_ingest_catalog *cat, const bm_event_row *row, int month,
			 TimestampTz at)
{
	bool		keep = DatumGetBool(row->values[BM_EV_keep]);

	tuplestore_putvalues(rows->store, cat->rows_desc, (Datum *) row->values, (bool *) row->nulls);
	rows->n++;
	if (!keep)
	{
		rows->listing_only++;
		return;
	}
	for (int k = 0; k < rows->nmonths; k++)
		if (rows->months[k] == month)
			return;
	if (rows->nmonths < (int) lengthof(rows->months))
	{
		rows->months[rows->nmonths] = month;
		rows->month_at[rows->nmonths] = at;
		rows->nmonths++;
	}
}

/*
 * Makes sure the monthly partitions of the stored rows exist.  Usually they do (maintenance creates them
 * ahead): a catalog look-up per month.  Creating one takes a lock on events that concurrent writers wait
 * for until this transaction ends (README: partitions).
 */
static void
ensure_partitions(const bm_flush_rows *rows)
{
	Oid			nsp = bm_schema_oid();

	for (int k = 0; k < rows->nmonths; k++)
	{
		char		name[NAMEDATALEN];
		Oid			argtype = TIMESTAMPTZOID;
		Datum		arg = TimestampTzGetDatum(rows->month_at[k]);
		int			rc;

		snprintf(name, sizeof(name), "events_%04d_%02d", rows->months[k] / 12, rows->months[k] % 12 + 1);
		if (OidIsValid(get_relname_relid(name, nsp)))
			continue;
		rc = SPI_execute_plan(kept_plan(&partition_plan, "SELECT " BM_SCHEMA ".create_partition($1)", 1, &argtype),
							  &arg, NULL, false, 1);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "bounce_mgmt: could not create a partition of events: %s", SPI_result_code_string(rc));
	}
}

/* ---- the flush -------------------------------------------------------------------------------------- */

static Datum
result_datum(int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col, isnull);
}

/*
 * The flush's candidate rows as arrays: sup[0..4] (emails, causes, reasons, event_ids, evidence times,
 * for bm_open_suppressions) and notice[0..1] (emails, delivery times); *_null when there are none.
 */
static void
collect_candidates(Datum *sup, bool *sup_null, Datum *notice, bool *notice_null)
{
	static const int cols[5] = {4, 5, 6, 7, 8};	/* email, cause, reason, event_id, at */
	TupleDesc	desc = SPI_tuptable->tupdesc;
	uint64		nrows = SPI_processed;
	ArrayBuildState *sa[5];
	ArrayBuildState *na[2];
	int			ns = 0;
	int			nn = 0;

	for (int c = 0; c < 5; c++)
		sa[c] = initArrayResult(SPI_gettypeid(desc, cols[c]), CurrentMemoryContext, false);
	for (int c = 0; c < 2; c++)
		na[c] = initArrayResult(SPI_gettypeid(desc, c == 0 ? 4 : 8), CurrentMemoryContext, false);
	for (uint64 r = 0; r < nrows; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		bool		isnull;
		Datum		kind = SPI_getbinval(tup, desc, 3, &isnull);

		if (isnull)
			continue;
		if (DatumGetInt32(kind) == 1)
		{
			for (int c = 0; c < 5; c++)
			{
				Datum		v = SPI_getbinval(tup, desc, cols[c], &isnull);

				accumArrayResult(sa[c], v, isnull, SPI_gettypeid(desc, cols[c]), CurrentMemoryContext);
			}
			ns++;
		}
		else
		{
			Datum		email = SPI_getbinval(tup, desc, 4, &isnull);
			bool		atnull;
			Datum		at = SPI_getbinval(tup, desc, 8, &atnull);

			accumArrayResult(na[0], email, isnull, SPI_gettypeid(desc, 4), CurrentMemoryContext);
			accumArrayResult(na[1], at, atnull, SPI_gettypeid(desc, 8), CurrentMemoryContext);
			nn++;
		}
	}
	*sup_null = ns == 0;
	*notice_null = nn == 0;
	for (int c = 0; c < 5 && ns > 0; c++)
		sup[c] = makeArrayResult(sa[c], CurrentMemoryContext);
	for (int c = 0; c < 2 && nn > 0; c++)
		notice[c] = makeArrayResult(na[c], CurrentMemoryContext);
}

/* The reasons whose fault is the sender's, as a bounce_reason[] (from reasons.def, once per catalog). */
static Datum
sender_reasons(const bm_ingest_catalog *cat)
{
	static Datum arr = (Datum) 0;
	static uint64 made_for = 0;

	if (arr == (Datum) 0 || made_for != cat->generation)
	{
		Datum		elems[BM_REASON_COUNT];
		int			n = 0;
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		for (int r = 0; r < BM_REASON_COUNT; r++)
			if (bm_reason_fault((bm_reason) r) == BM_FAULT_SENDER)
				elems[n++] = ObjectIdGetDatum(cat->enums.reason_oid[r]);
		if (arr != (Datum) 0)
			pfree(DatumGetPointer(arr));
		arr = PointerGetDatum(construct_array(elems, n, bm_type_oid("bounce_reason"), sizeof(Oid), true,
											  TYPALIGN_INT));
		MemoryContextSwitchTo(old);
		made_for = cat->generation;
	}
	return arr;
}

/*
 * The partitions the rows need: from the months tracked while they were added, or, when more months came
 * than are tracked (rare: a backfill over years), from each stored row's month.
 */
static void
ensure_row_partitions(bm_flush_rows *rows, const bm_ingest_catalog *cat)
{
	bm_flush_rows one;
	TupleTableSlot *slot;

	if (rows->n > rows->listing_only)
		ensure_partitions(rows);	/* (listing rows alone store no event) */
	if (rows->nmonths != (int) lengthof(rows->months))
		return;
	slot = MakeSingleTupleTableSlot(cat->rows_desc, &TTSOpsMinimalTuple);
	tuplestore_rescan(rows->store);
	while (tuplestore_gettupleslot(rows->store, true, false, slot))
	{
		bool		keepnull,
					atnull;
		Datum		keep = slot_getattr(slot, BM_EV_keep + 1, &keepnull);
		Datum		at = slot_getattr(slot, BM_EV_occurred_at + 1, &atnull);
		struct pg_tm tm;
		fsec_t		fsec;

		if (!DatumGetBool(keep))
			continue;
		if (timestamp2tm(DatumGetTimestampTz(at), NULL, &tm, &fsec, NULL, NULL) != 0)
			continue;
		one.nmonths = 1;
		one.months[0] = tm.tm_year * 12 + tm.tm_mon - 1;
		one.month_at[0] = DatumGetTimestampTz(at);
		ensure_partitions(&one);
	}
	ExecDropSingleTupleTableSlot(slot);
}

/* The rows as the ephemeral relation bm_rows of this SPI connection, for the flush statement to read. */
static void
register_rows(bm_flush_rows *rows, const bm_ingest_catalog *cat)
{
	EphemeralNamedRelation enr = palloc0(sizeof(EphemeralNamedRelationData));

	enr->md.name = BM_ROWS_ENR;
	enr->md.reliddesc = InvalidOid;
	enr->md.tupdesc = cat->rows_desc;
	enr->md.enrtype = ENR_NAMED_TUPLESTORE;
	enr->md.enrtuples = rows->n;
	enr->reldata = rows->store;
	if (SPI_register_relation(enr) != SPI_OK_REL_REGISTER)
		elog(ERROR, "bounce_mgmt: could not register the rows to store");
}

/* Statement 1, the flush: a kept generic plan for small flushes, custom plans for large ones. */
static void
run_flush_statement(const bm_flush_rows *rows, bm_batch *batch, const bm_ingest_catalog *cat)
{
	Datum		values[FLUSH_NARGS];
	char		nulls[FLUSH_NARGS];
	bool		small = rows->n <= SMALL_FLUSH;
	SPIPlanPtr *slot = small ? &flush_plan_small : &flush_plan_large;
	int			rc;

	batch_args(batch, 0, values, nulls);
	values[BATCH_NARGS] = sender_reasons(cat);
	nulls[BATCH_NARGS] = ' ';
	if (*slot == NULL)
	{
		char	   *sql = flush_statement();
		Oid			types[FLUSH_NARGS];

		memcpy(types, batch_argtypes, sizeof(batch_argtypes));
		types[BATCH_NARGS] = get_array_type(bm_type_oid("bounce_reason"));
		kept_plan_opts(slot, sql, FLUSH_NARGS, types, small ? CURSOR_OPT_GENERIC_PLAN : CURSOR_OPT_CUSTOM_PLAN);
		pfree(sql);
	}
	rc = SPI_execute_plan(*slot, values, nulls, false, 0);
	if (rc != SPI_OK_SELECT || SPI_processed < 1)
		elog(ERROR, "bounce_mgmt: storing events failed: %s", SPI_result_code_string(rc));
}

int64
bm_store_flush(bm_flush_rows *rows, bm_batch *batch, const bm_ingest_catalog *cat)
{
	int64		inserted;
	bool		isnull;
	int			rc;
	Datum		sup[SUPPRESSION_ARGS];
	bool		sup_null;
	Datum		notice[2];
	bool		notice_null;

	if (rows->n == 0)
		return 0;
	ensure_row_partitions(rows, cat);
	register_rows(rows, cat);
	run_flush_statement(rows, batch, cat);
	inserted = DatumGetInt64(result_datum(1, &isnull));
	collect_candidates(sup, &sup_null, notice, &notice_null);
	batch->inserted += inserted;

	if (SPI_unregister_relation(BM_ROWS_ENR) != SPI_OK_REL_UNREGISTER)
		elog(ERROR, "bounce_mgmt: could not unregister the rows to store");
	tuplestore_clear(rows->store);
	rows->n = 0;
	rows->listing_only = 0;
	rows->nmonths = 0;

	/* statements 2 and 3: suppressions for new hard bounces and complaints (statements of their own: the
	 * insert's snapshot must see an unsuppress() its lock waited for) */
	if (!sup_null)
	{
		static const char sup_nulls[SUPPRESSION_ARGS] = {' ', ' ', ' ', ' ', ' ', 'n', 'n'};

		sup[5] = sup[6] = (Datum) 0;
		(void) bm_open_suppressions(sup, sup_nulls, true);
	}
	/* statement 4: notices answered by a delivery */
	if (!notice_null)
	{
		Oid			types[2] = {TEXTARRAYOID, InvalidOid};

		types[1] = get_array_type(TIMESTAMPTZOID);
		rc = SPI_execute_plan(kept_plan(&notices_plan, notices_sql, 2, types), notice, NULL, false, 0);
		if (rc != SPI_OK_UPDATE)
			elog(ERROR, "bounce_mgmt: resolving notices failed: %s", SPI_result_code_string(rc));
	}
	return inserted;
}

/* ---- quarantine ------------------------------------------------------------------------------------- */

int64
bm_store_quarantine(int64 batch_id, bm_provider provider, int64 element_index, text *raw,
					const char *reason, const char *field)
{
	static const Oid argtypes[6] = {INT8OID, TEXTOID, INT8OID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	bool		isnull;
	int			rc;

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
	rc = SPI_execute_plan(kept_plan(&quarantine_plan,
									"INSERT INTO " BM_SCHEMA ".ingest_errors"
									" (batch_id, provider, element_index, raw, reason, field)"
									" VALUES ($1, $2::" BM_SCHEMA ".provider, $3, $4, $5, $6) RETURNING error_id",
									6, argtypes),
						  args, nulls, false, 0);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "bounce_mgmt: could not quarantine an element: %s", SPI_result_code_string(rc));
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

void
bm_store_quarantine_more(int64 error_id, int64 more)
{
	static const Oid types[2] = {INT8OID, INT8OID};
	Datum		args[2] = {Int64GetDatum(error_id), Int64GetDatum(more)};
	int			rc;

	rc = SPI_execute_plan(kept_plan(&more_plan,
									"UPDATE " BM_SCHEMA ".ingest_errors"
									"   SET reason = reason || ' (and ' || $2 || ' more of this element''s events refused)'"
									" WHERE error_id = $1",
									2, types),
						  args, NULL, false, 0);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "bounce_mgmt: could not update a quarantined element: %s", SPI_result_code_string(rc));
}
