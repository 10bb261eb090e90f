-- sql_ingester.sql — the hand-written SQL ingester the write-path benchmarks compare ingest() with
-- (included by bench/writepath_setup.sql and bench/ingest.sql): SendGrid event batches through
-- jsonb_array_elements and INSERT ... ON CONFLICT into the same tables as ingest().
-- same tables, same classification, the same per-address, counter and
-- suppression work (fewer columns than ingest() fills, no quarantine, no raw of its own making)
CREATE FUNCTION sql_ingest(payload text) RETURNS bigint LANGUAGE sql AS $f$
WITH e AS (
    SELECT x, c
      FROM jsonb_array_elements(payload::jsonb) AS x
      LEFT JOIN LATERAL bounce_mgmt.classify(x ->> 'reason', NULL, (x ->> 'status')::bounce_mgmt.smtp_status) c
             ON x ->> 'event' IN ('bounce', 'deferred', 'dropped')
), ins AS (
    INSERT INTO bounce_mgmt.events AS ev (event_id, provider, provider_event_id, occurred_at, event_type, email,
           domain, bounce_class, reason, evidence, reply_code, status, provider_type, diagnostic,
           message_id, provider_suppressed, email_original, batch_id, raw)
    SELECT nextval('bounce_mgmt.events_event_id_seq'), 'sendgrid'::bounce_mgmt.provider, x ->> 'sg_event_id',
           to_timestamp((x ->> 'timestamp')::float8),
           CASE x ->> 'event' WHEN 'processed' THEN 'sent' WHEN 'spamreport' THEN 'complaint'
                ELSE x ->> 'event' END::bounce_mgmt.event_type,
           lower(btrim(x ->> 'email')), split_part(lower(btrim(x ->> 'email')), '@', 2),
           CASE WHEN x ->> 'event' = 'delivered' THEN 'not_bounce' ELSE (c).bounce_class END,
           CASE WHEN x ->> 'event' = 'delivered' THEN 'delivered' ELSE (c).reason END,
           (c).evidence, (c).reply_code, (c).status, coalesce(x ->> 'type', x ->> 'event'),
           coalesce(x ->> 'reason', x ->> 'response'), x ->> 'sg_message_id', x ->> 'event' = 'bounce',
           x ->> 'email', 0, x
      FROM e ORDER BY lower(btrim(x ->> 'email')), to_timestamp((x ->> 'timestamp')::float8), x ->> 'sg_event_id'
    ON CONFLICT DO NOTHING
    RETURNING ev.provider, ev.occurred_at, ev.event_type, ev.email, ev.domain, ev.bounce_class, ev.reason
), g AS (
    SELECT email, min(domain) AS domain,
           min(occurred_at) FILTER (WHERE event_type = 'bounce') AS first_bounce_at,
           max(occurred_at) FILTER (WHERE event_type = 'bounce') AS last_bounce_at,
           count(*) FILTER (WHERE event_type = 'bounce' AND bounce_class = 'hard')::int AS hard,
           count(*) FILTER (WHERE event_type = 'bounce' AND bounce_class = 'soft')::int AS soft,
           (array_agg(reason ORDER BY occurred_at DESC) FILTER (WHERE event_type = 'bounce'))[1] AS last_reason,
           max(occurred_at) FILTER (WHERE event_type = 'delivered') AS last_delivered_at,
           bool_or(event_type = 'bounce') AS negative
      FROM ins WHERE event_type IN ('bounce', 'delivered') GROUP BY email
), addr AS (
    INSERT INTO bounce_mgmt.addresses AS a (email, domain, first_bounce_at, last_bounce_at, hard_bounces,
           soft_bounces, last_reason, last_delivered_at)
    SELECT email, domain, first_bounce_at, last_bounce_at, hard, soft, last_reason, last_delivered_at FROM g
     WHERE negative OR EXISTS (SELECT 1 FROM bounce_mgmt.addresses x WHERE x.email = g.email)
     ORDER BY email
    ON CONFLICT (email) DO UPDATE SET
        first_bounce_at = LEAST(a.first_bounce_at, excluded.first_bounce_at),
        last_bounce_at = GREATEST(a.last_bounce_at, excluded.last_bounce_at),
        hard_bounces = a.hard_bounces + excluded.hard_bounces, soft_bounces = a.soft_bounces + excluded.soft_bounces,
        last_reason = coalesce(excluded.last_reason, a.last_reason),
        last_delivered_at = GREATEST(a.last_delivered_at, excluded.last_delivered_at)
), rc AS (
    INSERT INTO bounce_mgmt.hourly_reason_counts (hour, provider, domain, reason, n)
    SELECT date_trunc('hour', occurred_at, 'UTC'), provider, domain, reason, count(*)
      FROM ins WHERE event_type = 'bounce' GROUP BY 1, 2, 3, 4
), tot AS (
    INSERT INTO bounce_mgmt.hourly_totals (hour, source, sent, delivered, hard, soft)
    SELECT date_trunc('hour', occurred_at, 'UTC'), provider::text,
           count(*) FILTER (WHERE event_type = 'sent'), count(*) FILTER (WHERE event_type = 'delivered'),
           count(*) FILTER (WHERE event_type = 'bounce' AND bounce_class = 'hard'),
           count(*) FILTER (WHERE event_type = 'bounce' AND bounce_class = 'soft')
      FROM ins GROUP BY 1, 2
), sup AS (
    INSERT INTO bounce_mgmt.suppressions AS s (email, domain, cause, reason)
    SELECT email, min(domain), 'hard_bounce', min(reason) FROM ins
     WHERE event_type = 'bounce' AND bounce_class = 'hard' GROUP BY email ORDER BY email
    ON CONFLICT (email) WHERE closed_at IS NULL DO NOTHING
), cnt AS (
    INSERT INTO bounce_mgmt.hourly_counts (hour, provider, domain, sent, delivered, hard, soft)
    SELECT date_trunc('hour', occurred_at, 'UTC'), provider, domain,
           count(*) FILTER (WHERE event_type = 'sent'), count(*) FILTER (WHERE event_type = 'delivered'),
           count(*) FILTER (WHERE event_type = 'bounce' AND bounce_class = 'hard'),
           count(*) FILTER (WHERE event_type = 'bounce' AND bounce_class = 'soft')
      FROM ins GROUP BY 1, 2, 3
)
SELECT count(*) FROM ins
$f$;

