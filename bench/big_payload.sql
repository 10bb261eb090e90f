-- big_payload.sql — a 227 MB SendGrid batch (800,000 events) in one ingest() call, then the same payload cut
-- short by one byte: it must fail cleanly (22P02 with the offset) and store nothing.  Run: bench/run.sh big_payload
\set ON_ERROR_STOP off
CREATE EXTENSION bounce_mgmt;
SELECT bounce_mgmt.create_partition(to_timestamp(1767225600));
SET bounce_mgmt.keep_raw = off;
CREATE TEMP TABLE p AS
SELECT (SELECT jsonb_agg(jsonb_build_object(
           'email', 'u' || g || '@d' || (g % 100) || '.example', 'timestamp', 1767225600 + g / 50,
           'event', CASE WHEN g % 10 = 0 THEN 'bounce' ELSE 'delivered' END, 'sg_event_id', md5(g::text),
           'reason', CASE WHEN g % 10 = 0 THEN '550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient''s email address for typos or unnecessary spaces.' END,
           'padding', repeat('x', 120)))::text FROM generate_series(1, 800000) g) AS body;
SELECT pg_size_pretty(octet_length(body)::bigint) AS payload FROM p;
\timing on
SELECT events, inserted, quarantined FROM bounce_mgmt.ingest((SELECT body FROM p), 'sendgrid');
\timing off
SELECT round((regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+) kB'))[1]::numeric / 1024) AS peak_rss_mb;
-- truncated at 200 MB - 1 byte: a clean error, nothing stored
SELECT count(*) AS before FROM bounce_mgmt.ingest_batches;
SELECT * FROM bounce_mgmt.ingest((SELECT left(body, -1) FROM p), 'sendgrid');
SELECT count(*) AS batches_after FROM bounce_mgmt.ingest_batches;
