-- classify.sql — throughput of bounce_mgmt.classify() on 1,000,000 rows of real diagnostics (the Sisimai
-- corpus, repeated), against a straightforward SQL classifier (CASE + a few regular expressions) in the
-- same run.  One core: parallel query off.  Each measurement is the best of 3 runs.
\set QUIET on
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
CREATE EXTENSION bounce_mgmt;

CREATE TEMP TABLE corpus (file text, idx int, status text, replycode text, reason text, hardbounce boolean,
                          diagnostic text);
\set corpus_path :repo '/test/fixtures/sisimai/expected.tsv'
\set copy_cmd '\\copy corpus FROM ' :'corpus_path' ' WITH (FORMAT csv, DELIMITER E''\\t'', HEADER true, QUOTE E''\\x01'')'
:copy_cmd

CREATE TABLE bench_diag AS
SELECT c.diagnostic AS d
  FROM generate_series(1, 1600) g, corpus c
 WHERE c.diagnostic <> ''
 LIMIT 1000000;
VACUUM ANALYZE bench_diag;
SELECT count(*) AS rows, round(avg(length(d))) AS avg_bytes FROM bench_diag \gset

-- best-of-3 wall time of a query, in milliseconds
CREATE FUNCTION pg_temp.best_ms(q text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best numeric; ms numeric;
BEGIN
    FOR i IN 1..3 LOOP
        t0 := clock_timestamp();
        EXECUTE q;
        ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
        best := least(coalesce(best, ms), ms);
    END LOOP;
    RETURN round(best, 1);
END $$;

-- the baseline scan, the C classifier, and the SQL classifier over the same rows
SELECT pg_temp.best_ms('SELECT count(*) FROM bench_diag') AS scan_ms \gset
SELECT pg_temp.best_ms($q$
    SELECT count(*) FILTER (WHERE (c).bounce_class = 'hard')
      FROM (SELECT bounce_mgmt.classify(d) AS c FROM bench_diag OFFSET 0) s
$q$) AS c_ms \gset
SELECT pg_temp.best_ms($q$
    SELECT count(*) FILTER (WHERE reason IN ('user_unknown', 'host_unknown'))
      FROM (SELECT CASE
                WHEN d ~* '(user unknown|unknown user|no such user|does not exist|not found|invalid recipient|recipient address rejected)' THEN 'user_unknown'
                WHEN d ~* '(host unknown|domain not found|name service error|no mx|host not found)' THEN 'host_unknown'
                WHEN d ~* '(mailbox full|over quota|quota exceeded|mailbox is full|insufficient storage)' THEN 'mailbox_full'
                WHEN d ~* '(dmarc|spf|dkim|unauthenticated)' THEN 'auth_failure'
                WHEN d ~* '(spamhaus|block ?list|blacklist|blocked|spam)' THEN 'blocked'
                WHEN d ~* '(relay access denied|not permitted to relay|relaying denied)' THEN 'no_relaying'
                WHEN d ~* '(too large|size limit|exceeds)' THEN 'message_too_big'
                WHEN d ~* '(timed? ?out|expired|too long)' THEN 'expired'
                WHEN d ~ '(^|[^0-9])5[0-9][0-9][ -]' THEN 'user_unknown'
                WHEN d ~ '(^|[^0-9])4[0-9][0-9][ -]' THEN 'system_error'
                ELSE 'undefined' END AS reason
              FROM bench_diag OFFSET 0) s
$q$) AS sql_ms \gset

\pset border 2
\pset linestyle unicode
\pset footer off
SELECT :rows AS rows, :avg_bytes AS "avg text bytes", :scan_ms AS "scan only, ms",
       :c_ms AS "classify(), ms", round(:rows / (:c_ms / 1000.0)) AS "classify() rows/s",
       round(:rows / ((:c_ms - :scan_ms) / 1000.0)) AS "classify() rows/s net of scan",
       :sql_ms AS "SQL CASE+regex, ms", round(:rows / (:sql_ms / 1000.0)) AS "SQL rows/s",
       round(:sql_ms / :c_ms, 1) AS "speed-up";
