-- mailbox_rules: the mailbox providers' bulk-sender rules (issue 11) — Gmail's and Yahoo's spam-rate limits
-- (under 0.1 %, never 0.3 %) as rows of rate_thresholds per recipient-domain group, next to Amazon SES's
-- account rules; a verdict needs the row's minimum volume (below it: low_volume).
\pset null '(null)'
SET search_path = bounce_mgmt, public;
SET TimeZone = 'UTC';

SELECT metric, domain_group, review, pause, min_sent, source FROM rate_thresholds ORDER BY domain_group, metric;
SELECT domain_group, count(*) AS domains, min(domain) AS first, bool_and(builtin) AS builtin
  FROM domain_groups GROUP BY domain_group ORDER BY 1;
-- what applies to each group: its own rows, else the account's
SELECT * FROM rate_levels() ORDER BY domain_group;

-- one day (2026-09-01): 6,000 sends to gmail.com and googlemail.com with 12 complaints (0.2 %), 400 to
-- yahoo.com with 2 (0.5 %), 2,000 to an ISP with 2 (0.1 %) and 40 hard bounces (2 %)
SELECT record_sends(array_agg(e), '2026-09-01T10:00:00Z') AS recorded
  FROM (SELECT 'g' || i || CASE WHEN i % 2 = 0 THEN '@gmail.com' ELSE '@googlemail.com' END FROM generate_series(1, 6000) i
        UNION ALL SELECT 'y' || i || '@yahoo.com' FROM generate_series(1, 400) i
        UNION ALL SELECT 'p' || i || '@isp.example' FROM generate_series(1, 2000) i) x(e);
SELECT inserted FROM ingest((
    SELECT jsonb_agg(jsonb_build_object('email', e, 'event', ev, 'id', 'mr-' || e || ev,
                                        'occurred_at', '2026-09-01T12:00:00Z', 'diagnostic', d))::text
      FROM (SELECT 'g' || i || '@gmail.com', 'complaint', NULL FROM generate_series(2, 24, 2) i
            UNION ALL SELECT 'y' || i || '@yahoo.com', 'complaint', NULL FROM generate_series(1, 2) i
            UNION ALL SELECT 'p' || i || '@isp.example', 'complaint', NULL FROM generate_series(1, 2) i
            UNION ALL SELECT 'p' || i || '@isp.example', 'bounce', '550 5.1.1 user unknown' FROM generate_series(3, 42) i)
           x(e, ev, d)), 'generic');

-- the account (SES's rules): 0.19 % complaints is review
SELECT sent, hard, complaints, hard_rate, complaint_rate, verdict FROM bounce_rate('2026-09-01', '2026-09-02');
-- per domain group: Gmail's 0.2 % is review for its rules too (6,000 sends >= 5,000); Yahoo's 0.5 % would
-- be pause, but 400 sends are below the rule's volume; the other domains have the account's rules
SELECT key, sent, complaints, complaint_rate, hard_rate, verdict
  FROM bounce_rates('1 day', '2026-09-01', '2026-09-02', 'domain_group') ORDER BY key NULLS LAST;
-- per domain: each domain with its group's rules (3,000 gmail.com sends alone are below the volume)
SELECT key, sent, complaints, verdict
  FROM bounce_rates('1 day', '2026-09-01', '2026-09-02', 'domain')
 WHERE key IN ('gmail.com', 'googlemail.com', 'yahoo.com', 'isp.example') ORDER BY key;

-- rows an operator edits: Gmail's review level below the rate makes it pause; SES with a minimum volume
UPDATE rate_thresholds SET pause = 0.0015 WHERE metric = 'complaint' AND domain_group = 'gmail';
UPDATE rate_thresholds SET min_sent = 10000 WHERE domain_group = '';
SELECT key, sent, verdict FROM bounce_rates('1 day', '2026-09-01', '2026-09-02', 'domain_group') ORDER BY key NULLS LAST;
SELECT sent, verdict FROM bounce_rate('2026-09-01', '2026-09-02');
-- the verdict function itself: no data, low volume, each level
SELECT rate_verdict(0, NULL, NULL) AS no_data, rate_verdict(50, 0.5, 0.5, 'yahoo') AS yahoo_50,
       rate_verdict(20000, 0.0, 0.0005, 'gmail') AS gmail_ok, rate_verdict(20000, 0.0, 0.002, 'gmail') AS gmail_pause,
       rate_verdict(20000, 0.2, 0.0, 'no_such_group') AS other_hard;
UPDATE rate_thresholds SET pause = 0.003 WHERE metric = 'complaint' AND domain_group = 'gmail';
UPDATE rate_thresholds SET min_sent = 100 WHERE domain_group = '';

-- maintenance raises the groups' alerts next to the account's (alerts over the last week: new counts now)
UPDATE settings SET alert_min_sent = 100;
SELECT record_sends(array_agg('n' || i || '@gmail.com'), now() - interval '1 hour') AS recorded FROM generate_series(1, 5000) i;
SELECT inserted FROM ingest((
    SELECT jsonb_agg(jsonb_build_object('email', 'n' || i || '@gmail.com', 'event', 'complaint', 'id', 'mr-n' || i,
                                        'occurred_at', now() - interval '30 minutes'))::text
      FROM generate_series(1, 20) i), 'generic');
SET client_min_messages = error;
SELECT failures FROM run_maintenance();
RESET client_min_messages;
SELECT kind, level, scope, value, threshold, details - 'source' AS details, details ->> 'source' AS rule
  FROM alerts WHERE scope LIKE 'domain_group %' ORDER BY scope, kind;

-- domain groups are rows too: add a domain (it joins the group's verdict), move one; the installed rows
-- cannot be deleted (a restore brings them back), the operator's own can
INSERT INTO domain_groups (domain, domain_group) VALUES ('yahoo.co.nz', 'yahoo'), ('isp.example', 'isp');
UPDATE domain_groups SET domain_group = 'gmail' WHERE domain = 'isp.example';
SELECT key, sent FROM bounce_rates('1 day', '2026-09-01', '2026-09-02', 'domain_group') ORDER BY key NULLS LAST;
SELECT domain, domain_group, builtin FROM domain_groups WHERE domain IN ('yahoo.co.nz', 'isp.example', 'gmail.com') ORDER BY 1;
-- inserting an installed domain again moves it and keeps it installed (what a restore does)
INSERT INTO domain_groups (domain, domain_group) VALUES ('verizon.net', 'verizon');
SELECT domain, domain_group, builtin FROM domain_groups WHERE domain = 'verizon.net';
UPDATE domain_groups SET domain_group = 'yahoo' WHERE domain = 'verizon.net';
DELETE FROM domain_groups WHERE domain IN ('yahoo.co.nz', 'isp.example');
\set VERBOSITY terse
DELETE FROM domain_groups WHERE domain = 'gmail.com';
TRUNCATE domain_groups;
INSERT INTO domain_groups (domain, domain_group) VALUES ('Gmail.COM', 'gmail');
INSERT INTO domain_groups (domain, domain_group) VALUES ('x.example', 'Big Group');
DELETE FROM rate_thresholds WHERE domain_group = 'gmail';
UPDATE rate_thresholds SET min_sent = -1 WHERE domain_group = 'yahoo';
SELECT * FROM bounce_rates('1 day', '2026-09-01', '2026-09-02', 'group');
\set VERBOSITY default
-- a seeded threshold row replaced by key, as a restore does
INSERT INTO rate_thresholds (metric, review, pause, source, domain_group, min_sent)
VALUES ('complaint', 0.001, 0.003, 'restored', 'yahoo', 1000);
SELECT metric, domain_group, min_sent, source FROM rate_thresholds WHERE domain_group = 'yahoo';
UPDATE rate_thresholds SET min_sent = 5000,
       source = 'Yahoo sender requirements: spam rate under 0.1 %, never 0.3 % or more' WHERE domain_group = 'yahoo';
