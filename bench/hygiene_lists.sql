-- hygiene_lists.sql — list hygiene over 1,000,000 addresses (issue 11's figures; part 2 of bench/hygiene.sh,
-- or alone: bench/run.sh hygiene_lists).  Engagement is generated straight into the tables (ingestion has
-- its own benchmarks): 55 % of the addresses mailed in the last 14 days and engaged in the last 180, 15 %
-- new (first seen this year) and never engaged, 10 % engaged 180-365 days ago, 11 % not mailed for
-- 180-680 days, 11 % mailed but not engaged for over a year (half of them never); 10 % with a login
-- recorded (record_activities), 40 % of recent mail with a machine open, 3 % with a bounce; 2 % suppressed
-- (hard bounces), 6 % unsubscribed from marketing or a SendGrid group; 100,000 rows in engagement_recent
-- (a mailing in progress since the last fold); last year's win-back campaign of 200,000 members.  A
-- users table of 1,000,000 with last_login_at.  Timed (median of 5, of 3 for the slow ones; runs
-- round-robin within a phase, so that a measure and its baseline see the same moments of a shared
-- machine): stale_recipients() against the same tests straight on engagement; the README's recipe joining
-- users; can_send() by purpose; winback_start() over the stale addresses and over all of them, against a
-- plain INSERT of the same members; compact_engagement(); run_maintenance() without a campaign, with an
-- open campaign of the stale addresses (its mail sent, delivered, some clicked: the run that records all
-- that, and a run with nothing new), and closing it after its deadline.  Statements that change data run
-- in a subtransaction rolled back after the clock stops, with a VACUUM of what they touched between runs.
-- One backend, parallel query off.
\set QUIET on
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
CREATE EXTENSION bounce_mgmt;
SELECT setseed(0.11) \g /dev/null
-- each address has one fixed domain: a skewed (cubic) spread of 2,000 domains (as bench/lifecycle.sql)
CREATE FUNCTION addr(a bigint) RETURNS text IMMUTABLE LANGUAGE sql AS
$f$ SELECT 'user' || a || '@d' || (2000 * power((a * 2654435761 % 1000003) / 1000003.0, 3))::int || '.example' $f$;
SELECT count(*) FILTER (WHERE bounce_mgmt.create_partition(now() - m * interval '1 month')) AS partitions
  FROM generate_series(0, 1) m \g /dev/null

\echo 'generating engagement for 1,000,000 addresses ...'
INSERT INTO bounce_mgmt.engagement (email, domain, first_seen_at, last_sent_at, last_delivered_at, last_open_at,
                                    last_machine_open_at, last_click_at, last_activity_at, last_activity_kind,
                                    last_bounce_at)
SELECT addr(a), split_part(addr(a), '@', 2), least(first, sent), sent,
       CASE WHEN r3 < 0.97 THEN sent + interval '1 minute' END, open,
       CASE WHEN sent > now() - interval '30 days' AND r4 < 0.4 THEN sent + interval '5 minutes' END, click,
       activity, CASE WHEN activity IS NOT NULL THEN 'login' END,
       CASE WHEN r3 >= 0.97 THEN sent + interval '1 minute' END
  FROM (SELECT a, r3, r4,
               now() - CASE WHEN p < 0.55 THEN 30 + r1 * 970 WHEN p < 0.70 THEN r1 * 300 ELSE 400 + r1 * 600 END
                       * interval '1 day' AS first,
               now() - CASE WHEN p < 0.78 OR p >= 0.89 THEN r2 * 14 ELSE 181 + r2 * 500 END * interval '1 day' AS sent,
               CASE WHEN p < 0.55 THEN CASE WHEN r4 < 0.8 THEN now() - r5 * interval '90 days' END
                    WHEN p < 0.70 THEN NULL
                    WHEN p < 0.78 THEN now() - (180 + r5 * 180) * interval '1 day'
                    WHEN r4 < 0.5 THEN now() - (366 + r5 * 600) * interval '1 day' END AS open,
               CASE WHEN p < 0.55 AND (r4 >= 0.8 OR r5 < 0.2) THEN now() - r6 * interval '180 days' END AS click,
               CASE WHEN r6 < 0.1 THEN now() - r5 * interval '400 days' END AS activity
          FROM (SELECT a, random() AS p, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                       random() AS r5, random() AS r6
                  FROM generate_series(0, 999999) a) x) s;
-- a mailing in progress since the last fold: every tenth address sent to in the last 10 minutes
INSERT INTO bounce_mgmt.engagement_recent (email, last_sent_at, last_delivered_at, last_machine_open_at)
SELECT addr(a), t, CASE WHEN random() < 0.95 THEN t + interval '1 minute' END,
       CASE WHEN random() < 0.3 THEN t + interval '2 minutes' END
  FROM (SELECT a, now() - random() * interval '10 minutes' AS t FROM generate_series(3, 999999, 10) a) x;
-- 2 % suppressed (hard bounces); 6 % unsubscribed: 4 % from all marketing (a tenth of them resubscribed
-- since), 2 % from SendGrid group 42, 0.2 % complaints
SELECT bounce_mgmt.open_suppressions(array_agg(addr(a) ORDER BY addr(a)),
           array_fill('hard_bounce'::bounce_mgmt.suppression_cause, ARRAY[count(*)::int]),
           array_fill('user_unknown'::bounce_mgmt.bounce_reason, ARRAY[count(*)::int]),
           array_fill(NULL::bigint, ARRAY[count(*)::int]),
           array_agg(now() - (a % 300) * interval '1 day' ORDER BY addr(a)))
  FROM generate_series(7, 999999, 50) a \g /dev/null
INSERT INTO bounce_mgmt.unsubscribes (email, list, via, provider, detail, unsubscribed_at, resubscribed_at)
SELECT addr(a), l, v::bounce_mgmt.unsubscribe_via, 'sendgrid', d, t,
       CASE WHEN a % 250 = 11 THEN t + interval '10 days' END
  FROM (SELECT a, now() - (a % 700) * interval '1 day' AS t,
               CASE WHEN a % 50 = 13 THEN 'asm_group:42' ELSE '' END AS l,
               CASE WHEN a % 500 = 17 THEN 'complaint' ELSE 'unsubscribe' END AS v,
               CASE WHEN a % 50 = 13 THEN 'group_unsubscribe' WHEN a % 500 = 17 THEN 'spamreport'
                    ELSE 'unsubscribe' END AS d
          FROM generate_series(0, 999999) a
         WHERE a % 25 = 11 OR a % 50 = 13 OR a % 500 = 17) x;
-- the application's users: 60 % logged in this month, 25 % this year, 10 % before, 5 % never
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, last_login_at timestamptz);
INSERT INTO users
SELECT a, addr(a), CASE WHEN p < 0.60 THEN now() - p * interval '50 days'
                        WHEN p < 0.85 THEN now() - (30 + (p - 0.6) * 1340) * interval '1 day'
                        WHEN p < 0.95 THEN now() - (366 + (p - 0.85) * 7000) * interval '1 day' END
  FROM (SELECT a, random() AS p FROM generate_series(0, 999999) a) x;
-- last year's win-back campaign, kept as history: 200,000 members, mailed, 30 % responded
SELECT bounce_mgmt.winback_start('last year', array_agg(addr(a) ORDER BY a), '14 days') AS old_campaign
  FROM generate_series(4, 999999, 5) a \gset
UPDATE bounce_mgmt.winback_campaigns
   SET started_at = now() - interval '400 days', deadline = now() - interval '386 days',
       closed_at = now() - interval '385 days', closed_by = current_user
 WHERE campaign_id = :old_campaign;
UPDATE bounce_mgmt.winback_members
   SET sent_at = now() - interval '400 days', delivered_at = now() - interval '400 days',
       responded_at = CASE WHEN random() < 0.3 THEN now() - interval '395 days' END,
       response = CASE WHEN random() < 0.3 THEN 'click' END
 WHERE campaign_id = :old_campaign;
VACUUM ANALYZE;
-- the addresses of the win-back campaigns: the stale ones (as a script would pass them), and everyone
CREATE TABLE lists (what text PRIMARY KEY, emails text[] NOT NULL);
INSERT INTO lists
SELECT 'stale', array_agg(email ORDER BY email) FROM bounce_mgmt.stale_recipients('180 days', '365 days');
INSERT INTO lists SELECT 'all', array_agg(email ORDER BY id) FROM users;

\pset border 2
SELECT (SELECT count(*) FROM bounce_mgmt.engagement) AS engagement,
       (SELECT count(*) FROM bounce_mgmt.engagement_recent) AS engagement_recent,
       (SELECT count(*) FROM bounce_mgmt.suppressions WHERE closed_at IS NULL) AS suppressed,
       (SELECT count(*) FROM bounce_mgmt.unsubscribes) AS unsubscribes,
       (SELECT cardinality(emails) FROM lists WHERE what = 'stale') AS stale,
       (SELECT count(*) FROM users) AS users,
       pg_size_pretty(pg_total_relation_size('bounce_mgmt.engagement')) AS engagement_size;

-- q timed once; roll_back: in a subtransaction rolled back after the clock stops
CREATE FUNCTION timed_ms(q text, roll_back boolean) RETURNS numeric LANGUAGE plpgsql AS $f$
DECLARE
    t0 timestamptz := clock_timestamp();
    ms numeric;
BEGIN
    IF NOT roll_back THEN
        EXECUTE q;
        RETURN round(1000 * extract(epoch FROM clock_timestamp() - t0), 1);
    END IF;
    BEGIN
        EXECUTE q;
        ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
        RAISE EXCEPTION 'rolled back' USING ERRCODE = 'BMB01';
    EXCEPTION WHEN SQLSTATE 'BMB01' THEN NULL;
    END;
    RETURN round(ms, 1);
END $f$;
-- the measures, by phase; a measure with a baseline is reported as a ratio to it; after: run after each run
CREATE TABLE measures (id int PRIMARY KEY, phase int, name text, q text, roll_back boolean, reps int,
                       baseline int, target text, after text);
CREATE TABLE runs (id int, rep int, ms numeric);
\set vac_winback 'VACUUM bounce_mgmt.winback_members, bounce_mgmt.winback_campaigns'
\set vac_maint 'VACUUM bounce_mgmt.winback_members, bounce_mgmt.winback_campaigns, bounce_mgmt.suppressions, '
\set vac_maint :vac_maint 'bounce_mgmt.engagement, bounce_mgmt.engagement_recent, bounce_mgmt.alerts'
INSERT INTO measures VALUES
  (1, 1, 'stale_recipients(''180 days'', ''365 days''): count(*)',
   $q$SELECT count(*) FROM bounce_mgmt.stale_recipients('180 days', '365 days')$q$, false, 5, 2, '< 2 s', NULL),
  (2, 1, '  the same tests straight on engagement (no engagement_recent, no suppressions)',
   $q$SELECT count(*) FROM bounce_mgmt.engagement g
       WHERE greatest(g.last_sent_at, g.last_delivered_at, g.last_bounce_at) < now() - interval '180 days'
          OR coalesce(greatest(g.last_open_at, g.last_click_at, g.last_activity_at), g.first_seen_at)
             < now() - interval '365 days'$q$,
   false, 5, NULL, '', NULL),
  (3, 1, 'the README recipe: joined with 1,000,000 users (normalize_email), no login for a year',
   $q$SELECT count(*) FROM bounce_mgmt.stale_recipients('180 days', '365 days') s
        JOIN users u ON bounce_mgmt.normalize_email(u.email) = s.email
       WHERE u.last_login_at IS NULL OR u.last_login_at < now() - interval '365 days'$q$, false, 5, 1, '', NULL),
  (4, 1, 'can_send(email) over 1,000,000 users',
   $q$SELECT count(*) FROM users WHERE bounce_mgmt.can_send(email)$q$, false, 5, NULL, '< 2 s', NULL),
  (5, 1, 'can_send(email, ''marketing'') over 1,000,000 users',
   $q$SELECT count(*) FROM users WHERE bounce_mgmt.can_send(email, 'marketing')$q$, false, 5, 4, '', NULL),
  (6, 1, 'can_send(email, ''marketing:asm_group:42'')',
   $q$SELECT count(*) FROM users WHERE bounce_mgmt.can_send(email, 'marketing:asm_group:42')$q$,
   false, 3, 4, '', NULL),
  (7, 1, 'winback_start over the stale addresses',
   $q$SELECT bounce_mgmt.winback_start('bench stale', emails) FROM lists WHERE what = 'stale'$q$, true, 5, 8, '< 2 s',
   :'vac_winback'),
  (8, 1, '  a plain INSERT of the same members into winback_members',
   $q$INSERT INTO bounce_mgmt.winback_members (email, campaign_id)
      SELECT DISTINCT e, 0 FROM lists, unnest(emails) e WHERE what = 'stale' ORDER BY 1$q$,
   true, 5, NULL, '', :'vac_winback'),
  (9, 1, 'winback_start over all 1,000,000 addresses',
   $q$SELECT bounce_mgmt.winback_start('bench all', emails) FROM lists WHERE what = 'all'$q$, true, 3, 10, '< 2 s',
   :'vac_winback'),
  (10, 1, '  a plain INSERT of the same members into winback_members',
   $q$INSERT INTO bounce_mgmt.winback_members (email, campaign_id)
      SELECT DISTINCT e, 0 FROM lists, unnest(emails) e WHERE what = 'all' ORDER BY 1$q$,
   true, 3, NULL, '', :'vac_winback'),
  (11, 2, 'compact_engagement(): folding the 100,000 engagement_recent rows',
   $q$SELECT bounce_mgmt.compact_engagement()$q$, true, 3, NULL, '', :'vac_maint'),
  (12, 3, 'run_maintenance(), no open win-back campaign',
   $q$SELECT bounce_mgmt.run_maintenance()$q$, true, 3, NULL, '', :'vac_maint'),
  (13, 4, 'run_maintenance(), the stale addresses'' campaign open: recording its mail (every member changes)',
   $q$SELECT bounce_mgmt.run_maintenance()$q$, true, 3, 12, '', :'vac_maint'),
  (14, 5, 'run_maintenance(), that campaign open, nothing new since the last run',
   $q$SELECT bounce_mgmt.run_maintenance()$q$, true, 3, 12, '', :'vac_maint'),
  (15, 5, 'winback_report() of that campaign',
   $q$SELECT count(*) FROM bounce_mgmt.winback_report('bench close')$q$, false, 3, NULL, '', NULL),
  (16, 6, 'run_maintenance() closing that campaign (deadline passed)',
   $q$SELECT bounce_mgmt.run_maintenance()$q$, true, 3, 12, '', :'vac_maint');
-- the runs of the measures of phase bench.phase, round-robin, each followed by its after statement
\set run_phase 'SELECT format(''INSERT INTO runs SELECT %s, %s, timed_ms(q, roll_back) FROM measures WHERE id = %s'','
\set run_phase :run_phase ' id, rep, id), after FROM measures, generate_series(1, reps) rep'
\set run_phase :run_phase ' WHERE phase = current_setting(''bench.phase'')::int ORDER BY rep, id'

\echo 'phase 1: stale_recipients, can_send, winback_start ...'
SET bench.phase = 1;
:run_phase \gexec
\echo 'phase 2: compact_engagement ...'
SET bench.phase = 2;
:run_phase \gexec
SELECT bounce_mgmt.compact_engagement() AS folded \gset
VACUUM ANALYZE bounce_mgmt.engagement, bounce_mgmt.engagement_recent;
\echo 'phase 3: run_maintenance without a campaign ...'
SET bench.phase = 3;
:run_phase \gexec

-- a win-back campaign of the stale addresses, started 15 days ago: its mail sent within the hour, 95 %
-- delivered, 3 % bounced, 30 % machine-opened, 8 % clicked within 5 days of delivery; stored as events
-- and appended to engagement as the write path does, then folded
SELECT bounce_mgmt.winback_start('bench close', emails, '16 days') AS campaign
  FROM lists WHERE what = 'stale' \gset
UPDATE bounce_mgmt.winback_campaigns SET started_at = now() - interval '15 days', deadline = now() + interval '1 day'
 WHERE campaign_id = :campaign;
CREATE TABLE mail AS
SELECT m.email, t AS sent, CASE WHEN r < 0.95 THEN t + interval '1 minute' END AS delivered,
       CASE WHEN r >= 0.97 THEN t + interval '1 minute' END AS bounced,
       CASE WHEN r < 0.95 AND random() < 0.3 THEN t + interval '2 minutes' END AS machine_open,
       CASE WHEN r < 0.95 AND random() < 0.08 THEN t + random() * interval '5 days' END AS click
  FROM (SELECT email, now() - interval '15 days' + random() * interval '1 hour' AS t, random() AS r
          FROM bounce_mgmt.winback_members WHERE campaign_id = :campaign) m;
INSERT INTO bounce_mgmt.events (event_id, provider, provider_event_id, occurred_at, event_type, email, domain,
                                bounce_class, reason, evidence, reply_code, diagnostic, provider_subtype, batch_id)
SELECT nextval('bounce_mgmt.events_event_id_seq'), 'sendgrid', 'wb-' || e.kind || '-' || m.email, e.at,
       e.kind::bounce_mgmt.event_type, m.email, split_part(m.email, '@', 2),
       CASE e.kind WHEN 'bounce' THEN 'soft' WHEN 'delivered' THEN 'not_bounce' END::bounce_mgmt.bounce_class,
       CASE e.kind WHEN 'bounce' THEN 'mailbox_full' WHEN 'delivered' THEN 'delivered' END::bounce_mgmt.bounce_reason,
       CASE e.kind WHEN 'bounce' THEN 'text' END::bounce_mgmt.bounce_evidence,
       CASE e.kind WHEN 'bounce' THEN 552 END, CASE e.kind WHEN 'bounce' THEN '552 5.2.2 mailbox full' END,
       CASE WHEN e.kind = 'open' THEN 'machine' END, 0
  FROM mail m
 CROSS JOIN LATERAL (VALUES ('sent', m.sent), ('delivered', m.delivered), ('bounce', m.bounced),
                            ('open', m.machine_open), ('click', m.click)) e(kind, at)
 WHERE e.at IS NOT NULL;
INSERT INTO bounce_mgmt.engagement_recent (email, last_sent_at, last_delivered_at, last_machine_open_at,
                                           last_click_at, last_bounce_at)
SELECT email, sent, delivered, machine_open, click, bounced FROM mail;
SELECT bounce_mgmt.compact_engagement() AS folded \gset
VACUUM ANALYZE;
SELECT count(*) AS campaign_events FROM bounce_mgmt.events WHERE provider_event_id LIKE 'wb-%' \gset
\echo 'phase 4: run_maintenance with the campaign open, its mail not yet recorded ...'
SET bench.phase = 4;
:run_phase \gexec
SELECT bounce_mgmt.winback_observe(:campaign) AS observed \gset
VACUUM ANALYZE bounce_mgmt.winback_members;
\echo 'phase 5: run_maintenance with the campaign open, recorded ...'
SET bench.phase = 5;
:run_phase \gexec
UPDATE bounce_mgmt.winback_campaigns SET deadline = now() - interval '1 day' WHERE campaign_id = :campaign;
VACUUM ANALYZE bounce_mgmt.winback_campaigns;
\echo 'phase 6: run_maintenance closing the campaign ...'
SET bench.phase = 6;
:run_phase \gexec
SELECT winback_removed AS removed FROM bounce_mgmt.run_maintenance() \gset

\echo
\echo 'list hygiene over 1,000,000 addresses (one backend; median of the runs; ratio: to the median of measure #n)'
\echo 'the closed campaign:' :campaign_events 'events of its mail;' :removed 'members removed by the close'
SELECT m.id AS "#", m.name AS measure, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ms)::numeric, 1) AS "median ms",
       string_agg(r.ms::text, ', ' ORDER BY r.rep) AS runs,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ms)::numeric
             / (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY b.ms)::numeric FROM runs b WHERE b.id = m.baseline), 2)
           || ' / #' || m.baseline AS ratio,
       m.target, CASE WHEN m.target LIKE '< % s'
                      THEN CASE WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ms)
                                     < 1000 * split_part(m.target, ' ', 2)::numeric THEN 'yes' ELSE 'NO' END
                      ELSE '' END AS met
  FROM measures m JOIN runs r USING (id) GROUP BY m.id ORDER BY m.id;
SELECT winback_report.* FROM bounce_mgmt.winback_report('bench close');
