-- sync.sql — run by bench/sync.sh: CALL sync() of a 50,000-entry SendGrid bounce list (100 pages of 500,
-- an empty blocks list) from the local test server, three times into empty tables, each page committed as
-- pg_cron runs it; NOTICEs off.  For comparison, the same 100 pages (fetched once with the curl program)
-- stored by ingest() one by one, with no HTTP: the difference is what the API round trips cost.
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION bounce_mgmt;
INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url)
VALUES ('bench', 'sendgrid', 'http://127.0.0.1:' || :'port' || '/bounces=50000');
INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('bench', 'SG.bench-key');
CREATE TABLE runs (what text, run int, pages int, entries int, inserted int, seconds numeric);
CREATE TABLE pages (page serial, body text);
COPY pages (body) FROM PROGRAM :'fetch_pages';
CREATE FUNCTION run_ingest(n int) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz := clock_timestamp(); p record; s record; e int := 0; ins int := 0; k int := 0;
BEGIN
    FOR p IN SELECT body FROM pages ORDER BY page LOOP
        SELECT * INTO s FROM bounce_mgmt.ingest(p.body, 'sendgrid');
        e := e + s.events; ins := ins + s.inserted; k := k + 1;
    END LOOP;
    INSERT INTO runs VALUES ('ingest() of the same pages', n, k, e, ins,
                             round(extract(epoch FROM clock_timestamp() - t0)::numeric, 2));
END $f$;
CREATE FUNCTION reset() RETURNS void LANGUAGE sql AS $f$
    TRUNCATE bounce_mgmt.events, bounce_mgmt.addresses, bounce_mgmt.hourly_counts, bounce_mgmt.hourly_reason_counts,
             bounce_mgmt.hourly_totals, bounce_mgmt.provider_listings, bounce_mgmt.suppressions,
             bounce_mgmt.ingest_batches;
    DELETE FROM bounce_mgmt.sync_runs;
    UPDATE bounce_mgmt.provider_accounts SET last_synced_at = NULL;
$f$;
CREATE FUNCTION record_sync(n int, t0 timestamptz) RETURNS void LANGUAGE sql AS $f$
    INSERT INTO runs SELECT 'CALL sync() over HTTP', n, pages, fetched, inserted,
                            round(extract(epoch FROM clock_timestamp() - t0)::numeric, 2)
      FROM bounce_mgmt.sync_runs ORDER BY run_id DESC LIMIT 1;
$f$;
SELECT clock_timestamp() AS t0 \gset
CALL bounce_mgmt.sync('bench');
SELECT record_sync(1, :'t0');
SELECT reset();
SELECT run_ingest(1);
SELECT reset();
SELECT clock_timestamp() AS t0 \gset
CALL bounce_mgmt.sync('bench');
SELECT record_sync(2, :'t0');
SELECT reset();
SELECT run_ingest(2);
SELECT reset();
SELECT clock_timestamp() AS t0 \gset
CALL bounce_mgmt.sync('bench');
SELECT record_sync(3, :'t0');
SELECT reset();
SELECT run_ingest(3);
\pset border 2
\echo 'CALL sync() of a 50,000-entry SendGrid bounce list (100 pages of 500) from a server on 127.0.0.1'
SELECT * FROM runs ORDER BY what, run;
SELECT what, min(seconds) AS best_seconds, round(50000 / min(seconds)) AS entries_per_s
  FROM runs GROUP BY what ORDER BY what;
