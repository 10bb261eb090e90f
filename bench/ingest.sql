-- ingest.sql — throughput of bounce_mgmt.ingest() on 1,000,000 SendGrid Event Webhook events shaped like
-- the fixtures (45 % processed, 45 % delivered, 10 % bounces: user unknown and blocked), in batches of
-- 1,000 and of 100,000, against (a) a plain SQL function doing jsonb_array_elements + INSERT ... ON CONFLICT
-- DO NOTHING into the same tables (same classification; per-address, counter, total and suppression upserts,
-- with fewer columns than ingest() fills) and (b) COPY
-- of the already-flattened event rows (the practical ceiling: events only).  Each run starts from empty
-- tables in a fresh backend; peak memory is the backend's VmHWM (peak resident set, shared buffers
-- included) read from /proc after the run.
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION bounce_mgmt;
UPDATE bounce_mgmt.settings SET event_retention = '100 years';   -- the events are dated January 2026
SET jit = off;
ALTER DATABASE bm_bench SET jit = off;

-- 1,000 payloads of 1,000 events and 10 of 100,000: the same 1,000,000 events
CREATE UNLOGGED TABLE bench_events AS
SELECT g,
       jsonb_build_object(
           'email', 'user' || (g::bigint * 7919 % 200000) || '@domain' || (g % 500) || '.example',
           'timestamp', 1767225600 + g / 20,
           'smtp-id', '<' || (g / 2) || '@ismtpd-555>',
           'event', CASE WHEN g % 10 = 0 THEN 'bounce' WHEN g % 2 = 0 THEN 'processed' ELSE 'delivered' END,
           'category', 'cat facts',
           'sg_event_id', md5(g::text),
           'sg_message_id', (g / 2) || '.filter0001.16648.5515E0B88.0')
       || CASE WHEN g % 10 <> 0 THEN '{}'::jsonb
               WHEN g % 30 = 0 THEN jsonb_build_object('type', 'blocked', 'status', '5.7.1',
                    'reason', '550 5.7.1 Unfortunately, messages from [192.0.2.1] weren''t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).')
               ELSE jsonb_build_object('type', 'bounce', 'status', '5.1.1',
                    'reason', '550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient''s email address for typos or unnecessary spaces.')
          END
       || CASE WHEN g % 10 = 1 THEN jsonb_build_object('response', '250 OK') ELSE '{}'::jsonb END AS e
  FROM generate_series(1, 1000000) g;
CREATE UNLOGGED TABLE payloads AS
SELECT 1000 AS size, g / 1000 AS n, jsonb_agg(e ORDER BY g)::text AS body
  FROM bench_events GROUP BY g / 1000
UNION ALL
SELECT 100000, g / 100000, jsonb_agg(e ORDER BY g)::text
  FROM bench_events GROUP BY g / 100000;
SELECT count(*) FILTER (WHERE size = 1000) AS batches_1k, count(*) FILTER (WHERE size = 100000) AS batches_100k,
       pg_size_pretty(sum(octet_length(body)) / 2) AS payload_bytes
  FROM payloads;
SELECT bounce_mgmt.create_partitions(0), bounce_mgmt.create_partition('2026-01-01'),
       bounce_mgmt.create_partition('2026-02-01');

-- (a) the straightforward SQL version, same tables, same work
\ir sql_ingester.sql

-- One statement per batch, each in its own transaction, as webhook handlers do: the statements are
-- generated here and run by psql's \gexec (their output discarded).
CREATE FUNCTION stmts(how text, batch integer) RETURNS SETOF text LANGUAGE sql AS $f$
    SELECT CASE how WHEN 'ingest' THEN format('SELECT bounce_mgmt.ingest(body, %L) FROM payloads WHERE size = %s AND n = %s', 'sendgrid', size, n)
                    ELSE format('SELECT sql_ingest(body) FROM payloads WHERE size = %s AND n = %s', size, n) END
      FROM payloads WHERE size = batch ORDER BY n
$f$;
CREATE FUNCTION reset_tables() RETURNS void LANGUAGE sql AS $f$
    TRUNCATE bounce_mgmt.events, bounce_mgmt.addresses, bounce_mgmt.hourly_counts, bounce_mgmt.hourly_reason_counts,
             bounce_mgmt.hourly_totals, bounce_mgmt.provider_listings, bounce_mgmt.ingest_batches,
             bounce_mgmt.suppressions;
$f$;
CREATE FUNCTION peak_mb() RETURNS numeric LANGUAGE sql AS $f$
    SELECT round((regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+) kB'))[1]::numeric / 1024, 1)
$f$;
CREATE TABLE results (method text, batch_size integer, events bigint, inserted bigint, seconds numeric,
                      events_per_s numeric, peak_mb numeric);
CREATE FUNCTION record(how text, batch integer, t0 timestamptz) RETURNS void LANGUAGE sql AS $f$
    INSERT INTO results
    SELECT how, batch, 1000000, (SELECT count(*) FROM bounce_mgmt.events),
           round(extract(epoch FROM clock_timestamp() - t0)::numeric, 2),
           round(1000000 / extract(epoch FROM clock_timestamp() - t0)::numeric), peak_mb();
$f$;
VACUUM ANALYZE payloads;

\set QUIET on
\c
SELECT reset_tables();
SELECT clock_timestamp() AS t0 \gset
\o /dev/null
SELECT stmts('ingest', 1000) \gexec
\o
SELECT record('ingest', 1000, :'t0');
\c
SELECT reset_tables();
SELECT clock_timestamp() AS t0 \gset
\o /dev/null
SELECT stmts('ingest', 100000) \gexec
\o
SELECT record('ingest', 100000, :'t0');
-- the flattened rows for COPY, taken from what ingest() stored
COPY (SELECT * FROM bounce_mgmt.events) TO '/tmp/bm_bench_events.copy';
\c
SELECT reset_tables();
SELECT clock_timestamp() AS t0 \gset
\o /dev/null
SELECT stmts('sql', 1000) \gexec
\o
SELECT record('sql', 1000, :'t0');
\c
SELECT reset_tables();
SELECT clock_timestamp() AS t0 \gset
\o /dev/null
SELECT stmts('sql', 100000) \gexec
\o
SELECT record('sql', 100000, :'t0');
\c
SELECT reset_tables();
SELECT clock_timestamp() AS t0 \gset
COPY bounce_mgmt.events FROM '/tmp/bm_bench_events.copy';
SELECT record('copy (events only)', NULL, :'t0');

\pset border 2
\echo
\echo 'ingestion of 1,000,000 SendGrid events (10 % bounces), one backend'
SELECT method, batch_size, inserted, seconds, events_per_s, peak_mb AS "peak RSS MB" FROM results ORDER BY events_per_s DESC;
SELECT i.batch_size,
       round(i.events_per_s / s.events_per_s, 2) AS "ingest / plain SQL",
       round(c.events_per_s / i.events_per_s, 2) AS "COPY / ingest"
  FROM results i JOIN results s ON s.method = 'sql' AND s.batch_size = i.batch_size
 CROSS JOIN results c
 WHERE i.method = 'ingest' AND c.method LIKE 'copy%'
 ORDER BY 1;
