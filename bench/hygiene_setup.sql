-- hygiene_setup.sql — the write-path half of bench/hygiene.sh, run in the database of each build (the
-- current tree and the baseline before list hygiene): the extension, this month's and next month's
-- partitions, writepath's 20 SendGrid batches of 10,000 events, and reset_tables() emptying every table a
-- batch writes to (those of the build at hand: the baseline has no engagement or unsubscribes).
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION bounce_mgmt;
SET jit = off;
ALTER DATABASE :"DBNAME" SET jit = off;
SELECT bounce_mgmt.create_partitions(1) IS NOT NULL AS partitions;
\ir sendgrid_batches.sql

CREATE FUNCTION reset_tables() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    EXECUTE (SELECT 'TRUNCATE ' || string_agg(t::text, ', ')
               FROM unnest(ARRAY['events', 'addresses', 'hourly_counts', 'hourly_reason_counts', 'hourly_totals',
                                 'provider_listings', 'ingest_batches', 'ingest_errors', 'suppressions', 'notices',
                                 'engagement', 'engagement_recent', 'unsubscribes']) n,
                    to_regclass('bounce_mgmt.' || n) t
              WHERE t IS NOT NULL);
END $f$;
VACUUM ANALYZE batches;
