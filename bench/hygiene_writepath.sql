-- hygiene_writepath.sql — part 1 of bench/hygiene.sh, run in a database of its own (the driver) that
-- reaches the two builds' databases through dblink (psql variables new_conn, old_conn, rounds, work,
-- baseline).  Each round empties both builds' tables and checkpoints both, then sends writepath's 20
-- SendGrid batches of 10,000 events to ingest() batch by batch to one build and the other (which goes first
-- alternates), so that both see the same moments of a shared machine; then COPY of each build's own
-- flattened event rows into its empty tables, the floor.  Round 0 warms up and writes the COPY files; it is
-- not counted.  The driver sits in another database than the measured ones, so its snapshots hold back
-- neither build's vacuum horizon.
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('new', :'new_conn'), dblink_connect('old', :'old_conn') \g /dev/null
CREATE TABLE race (build text, method text, round int, batch int, ms numeric);

CREATE PROCEDURE run_race(rounds int, work text) LANGUAGE plpgsql AS $f$
DECLARE
    t0    timestamptz;
    side  text;
    sides text[];
    got   int;
    ms    numeric;
BEGIN
    FOR r IN 0..rounds LOOP
        FOREACH side IN ARRAY ARRAY['new', 'old'] LOOP
            PERFORM * FROM dblink(side, 'SELECT 1 FROM reset_tables()') AS t(x int);
            PERFORM dblink_exec(side, 'CHECKPOINT');
        END LOOP;
        FOR n IN 0..19 LOOP
            sides := CASE WHEN (r + n) % 2 = 0 THEN ARRAY['old', 'new'] ELSE ARRAY['new', 'old'] END;
            FOREACH side IN ARRAY sides LOOP
                t0 := clock_timestamp();
                SELECT x INTO got
                  FROM dblink(side, 'SELECT i.inserted FROM batches b, bounce_mgmt.ingest(b.body, ''sendgrid'') i'
                                    ' WHERE b.n = ' || n) AS t(x int);
                ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
                IF got IS DISTINCT FROM 10000 THEN
                    RAISE EXCEPTION 'build % stored % events of batch %, not 10,000', side, got, n;
                END IF;
                IF r > 0 THEN
                    INSERT INTO race VALUES (side, 'ingest', r, n, ms);
                END IF;
            END LOOP;
        END LOOP;
        IF r = 0 THEN
            FOREACH side IN ARRAY ARRAY['new', 'old'] LOOP
                PERFORM dblink_exec(side, format('COPY (SELECT * FROM bounce_mgmt.events) TO %L',
                                                 work || '/events_' || side || '.copy'));
            END LOOP;
        END IF;
        sides := CASE WHEN r % 2 = 0 THEN ARRAY['old', 'new'] ELSE ARRAY['new', 'old'] END;
        FOREACH side IN ARRAY sides LOOP
            PERFORM * FROM dblink(side, 'SELECT 1 FROM reset_tables()') AS t(x int);
            PERFORM dblink_exec(side, 'CHECKPOINT');
            t0 := clock_timestamp();
            PERFORM dblink_exec(side, format('COPY bounce_mgmt.events FROM %L',
                                             work || '/events_' || side || '.copy'));
            IF r > 0 THEN   -- per batch: a twentieth
                INSERT INTO race VALUES (side, 'copy', r, NULL, 50 * extract(epoch FROM clock_timestamp() - t0));
            END IF;
        END LOOP;
        COMMIT;
    END LOOP;
END $f$;
CALL run_race(:rounds, :'work');

-- what the new build writes besides the events in one run of the 20 batches
SELECT * FROM dblink('new', 'SELECT 1 FROM reset_tables()') AS t(x int) \g /dev/null
SELECT * FROM dblink('new', 'SELECT count(*) FROM batches b, bounce_mgmt.ingest(b.body, ''sendgrid'') i')
    AS t(x bigint) \g /dev/null
SELECT x AS engagement FROM dblink('new', $q$
    SELECT count(*) || ' engagement_recent rows for ' || count(DISTINCT email) || ' addresses, and '
           || (SELECT count(*) FROM bounce_mgmt.events) || ' events' FROM bounce_mgmt.engagement_recent$q$)
    AS t(x text) \gset

\pset border 2
\echo
\echo '1. the write path with engagement upkeep: writepath''s 20 SendGrid batches of 10,000 events through ingest()'
\echo '   new = this tree, old =' :baseline '(before list hygiene), alternating batch by batch;' :rounds 'runs each'
\echo '   one run of the new build stores' :engagement
CREATE VIEW per_run AS
    SELECT build, method, round, sum(ms) / (CASE method WHEN 'ingest' THEN 20 ELSE 1 END) AS ms
      FROM race GROUP BY build, method, round;
SELECT build, method, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS "median ms per batch",
       string_agg(round(ms)::text, ', ' ORDER BY round) AS "runs (ms per batch)",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric
             / (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c.ms)::numeric FROM per_run c
                 WHERE c.build = p.build AND c.method = 'copy'), 2) AS "/ COPY (medians)"
  FROM per_run p GROUP BY build, method ORDER BY method DESC, build;
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY n.ms / o.ms)::numeric, 3) AS "new / old: median of the runs",
       string_agg(round(n.ms / o.ms, 3)::text, ', ' ORDER BY n.round) AS "runs",
       (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY bn.ms / bo.ms)::numeric, 3)
          FROM race bn
          JOIN race bo ON (bo.round, bo.batch, bo.method, bo.build) = (bn.round, bn.batch, 'ingest', 'old')
         WHERE bn.build = 'new' AND bn.method = 'ingest') AS "median of the batches",
       '<= 1.15' AS target,
       CASE WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY n.ms / o.ms) <= 1.15 THEN 'yes' ELSE 'NO' END AS met
  FROM per_run n JOIN per_run o ON o.round = n.round AND o.method = n.method AND o.build = 'old'
 WHERE n.build = 'new' AND n.method = 'ingest';
