-- maintenance: run_maintenance() escalates, creates partitions ahead, drops raw events past the retention
-- (counters and addresses kept), and records threshold crossings and sender incidents as alerts with a
-- WARNING (the NOTIFY is checked by test/cron/run.sh, which can LISTEN).
SET search_path = bounce_mgmt, public;
SET timezone = 'UTC';
\pset null '(null)'
TRUNCATE events, addresses, hourly_counts, hourly_reason_counts, hourly_totals, provider_listings, suppressions,
         notices, alerts, ingest_batches, ingest_errors;
DO $$ DECLARE p regclass; BEGIN
    FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'bounce_mgmt.events'::regclass LOOP
        EXECUTE format('DROP TABLE %s', p);
    END LOOP;
END $$;

-- retention long enough for the 2020 event at first (a backfill), back to 180 days for maintenance
UPDATE settings SET event_retention = '100 years';
-- the last hours: 182 sends, 16 hard bounces, 2 complaints, and a domain that refused 30 of its 40 sends
-- for the sender's reputation (222 sent: 7.2 % hard: review; 0.9 % complaints: pause); three soft bounces
-- of one mailbox; and one event from 2020
SELECT events, inserted FROM ingest((
    SELECT jsonb_agg(e)::text FROM (
        SELECT jsonb_build_object('email', 'm' || i || '@mx.example', 'occurred_at', now() - interval '1 hour' + i * interval '1 second',
                                  'event', CASE WHEN i <= 16 THEN 'bounce' WHEN i <= 18 THEN 'complaint' ELSE 'sent' END,
                                  'diagnostic', CASE WHEN i <= 16 THEN '550 5.1.1 user unknown' END,
                                  'id', 'm-' || i) AS e
          FROM generate_series(1, 200) i
        UNION ALL
        SELECT jsonb_build_object('email', 'r' || i || '@strict.example', 'occurred_at', now() - interval '2 hours' + i * interval '1 second',
                                  'event', CASE WHEN i <= 30 THEN 'bounce' WHEN i <= 40 THEN 'delivered' ELSE 'sent' END,
                                  'diagnostic', CASE WHEN i <= 30 THEN '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints' END,
                                  'id', 'r-' || i)
          FROM generate_series(1, 80) i
        UNION ALL
        SELECT jsonb_build_object('email', 'tired@mx.example', 'occurred_at', now() - i * interval '2 hours',
                                  'event', 'bounce', 'diagnostic', '550 5.2.1 The email account that you tried to reach is disabled.',
                                  'id', 't-' || i)
          FROM generate_series(1, 3) i
        UNION ALL
        SELECT jsonb_build_object('email', 'old@mx.example', 'occurred_at', '2020-01-15T00:00:00Z', 'event', 'bounce',
                                  'diagnostic', '550 5.1.1 user unknown', 'id', 'old-1')) s), 'generic');
SELECT count(*) >= 2 AS partitions_before FROM pg_inherits WHERE inhparent = 'bounce_mgmt.events'::regclass;
UPDATE settings SET event_retention = '180 days';

SELECT escalated, escalations_lifted, partitions_created, partitions_dropped, alerts,
       duration < interval '10 seconds' AS fast
  FROM run_maintenance();

-- the mailbox escalated, partitions exist for this month and 3 ahead, the 2020 raw events are gone but
-- their counters and the address state remain
SELECT email, cause FROM suppressions WHERE cause IN ('repeated_soft', 'persistent_soft');
SELECT count(*) AS current_and_ahead FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'bounce_mgmt.events'::regclass
   AND c.relname >= 'events_' || to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM');
SELECT to_regclass('bounce_mgmt.events_2020_01') IS NULL AS old_partition_dropped,
       (SELECT count(*) FROM events WHERE email = 'old@mx.example') AS old_events,
       (SELECT sum(hard) FROM hourly_counts WHERE hour >= '2020-01-15' AND hour < '2020-01-16') AS old_counted,
       (SELECT hard_bounces FROM addresses WHERE email = 'old@mx.example') AS old_address;

-- the 2020 webhook delivered again after its month was dropped: refused, not counted a second time
-- (its month's events are gone, so it could not be recognized as a repeat)
SELECT events, inserted, duplicates, quarantined FROM ingest('[{"email": "old@mx.example",
    "occurred_at": "2020-01-15T00:00:00Z", "event": "bounce", "diagnostic": "550 5.1.1 user unknown", "id": "old-1"}]',
    'generic');
SELECT reason, field FROM ingest_errors ORDER BY error_id DESC LIMIT 1;
SELECT (SELECT hard_bounces FROM addresses WHERE email = 'old@mx.example') AS old_address_still,
       (SELECT sum(hard) FROM hourly_counts WHERE hour >= '2020-01-15' AND hour < '2020-01-16') AS old_counted_still;

-- alerts: overall and per provider rates over the alert window, and the sender incident
SELECT kind, level, scope, value, threshold, details - 'day' AS details FROM alerts ORDER BY alert_id;
-- a second run raises nothing new (same crossings are on record)
SELECT alerts, partitions_created, partitions_dropped FROM run_maintenance();

-- a sender incident's period is a UTC day whatever the session's TimeZone (pg_regress runs in PST8PDT)
SELECT kind, period_from = date_trunc('day', period_from, 'UTC') AS utc_midnight,
       period_to - period_from AS length
  FROM alerts WHERE kind = 'sender_incident';

-- a step that fails is reported and the others still run (here: recording alerts fails)
CREATE FUNCTION pg_temp.no_alerts() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION 'alerts table is read-only today'; END $$;
CREATE TRIGGER no_alerts BEFORE INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION pg_temp.no_alerts();
DELETE FROM alerts;
SELECT escalated IS NOT NULL AS escalation_ran, partitions_created IS NOT NULL AS partitions_ran,
       partitions_dropped IS NOT NULL AS retention_ran, alerts, failures
  FROM run_maintenance();
DROP TRIGGER no_alerts ON alerts;

-- removals that failed 40 times: the backoff stays at a day (2^40 minutes would not fit an interval), and
-- maintenance goes on
INSERT INTO provider_accounts (name, provider, base_url) VALUES ('down', 'sendgrid', 'http://127.0.0.1:9');
INSERT INTO provider_keys (account, api_key) VALUES ('down', 'SG.unused');
INSERT INTO provider_removals (account, email, attempts) VALUES ('down', 'gone@example.com', 40);
SET bounce_mgmt.http_retries = 0;
SET client_min_messages = error;
SELECT removals_done, failures FROM run_maintenance();
RESET client_min_messages;
SELECT attempts, next_attempt_at - now() BETWEEN interval '23 hours' AND interval '1 day' AS backoff_a_day,
       last_error IS NOT NULL AS error_recorded
  FROM provider_removals WHERE account = 'down';
DELETE FROM provider_accounts WHERE name = 'down';
