-- rates: bounce and complaint rates from the counters (per day, week, month; by domain and provider),
-- verdicts against the thresholds, recorded sends for providers that report none, exclusions, and sender
-- incidents.  Fixed dates in October 2026, so every figure is checked exactly.
SET search_path = bounce_mgmt, public;
-- the fixtures are years old: keep events that far back (the default, 180 days, quarantines older ones)
UPDATE settings SET event_retention = '100 years';
SET timezone = 'UTC';
\pset null '(null)'
TRUNCATE events, addresses, hourly_counts, hourly_reason_counts, hourly_totals, provider_listings, suppressions,
         notices, alerts, ingest_batches, ingest_errors;
-- the arithmetic below uses buckets of 20 to 100 sends: no minimum volume here (the default, 100 sends, is
-- checked at the end and in mailbox_rules)
UPDATE rate_thresholds SET min_sent = 0 WHERE domain_group = '';

-- each day 2026-10-01..07, per domain: 100 sends and 90 deliveries through SendGrid-like events
-- (generic format), plus: a.example day 3: 8 hard bounces (8 %: review), day 5: 12 (12 %: pause);
-- b.example day 2: one complaint (1 %: pause); c.example day 4: 20 sends, 15 refused by a block list
-- (the sender's problem); an SES OnAccountSuppressionList bounce that does not count
CREATE TEMP TABLE gen AS
SELECT d, dom, kind, n
  FROM generate_series(1, 7) d, (VALUES ('a.example'), ('b.example')) v(dom),
       (VALUES ('sent', 100), ('delivered', 90)) k(kind, n)
UNION ALL VALUES (3, 'a.example', 'hard', 8), (5, 'a.example', 'hard', 12), (2, 'b.example', 'complaint', 1),
                 (4, 'c.example', 'sent', 20), (4, 'c.example', 'blocked', 15), (4, 'c.example', 'delivered', 5);
SELECT events, inserted, quarantined FROM ingest((
    SELECT jsonb_agg(jsonb_build_object(
               'email', 'u' || i || '@' || dom,
               'occurred_at', ('2026-10-0' || d || 'T12:00:00Z')::timestamptz + i * interval '1 second',
               'event', CASE kind WHEN 'hard' THEN 'bounce' WHEN 'blocked' THEN 'bounce' ELSE kind END,
               'diagnostic', CASE kind WHEN 'hard' THEN '550 5.1.1 user unknown'
                                       WHEN 'blocked' THEN '550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org' END,
               'id', kind || '-' || dom || '-' || d || '-' || i))::text
      FROM gen, generate_series(1, n) i), 'generic');
\set f `cat test/fixtures/providers/ses/sns_notification_bounce_permanent_onaccountsuppressionlist.json`
SELECT inserted FROM ingest(replace(:'f', '2022-01-18T15:46:3', '2026-10-03T15:46:3'));

-- per day
SELECT * FROM bounce_rates('1 day', '2026-10-01', '2026-10-08');
-- per day and domain, for the two days with trouble
SELECT * FROM bounce_rates('1 day', '2026-10-03', '2026-10-06', 'domain') WHERE hard > 0 OR soft > 0;
-- per week and provider; the whole period as one month bucket
SELECT * FROM bounce_rates('7 days', '2026-10-01', '2026-10-08', 'provider');
SELECT * FROM bounce_rates('1 month', '2026-10-01', '2026-10-31');
-- '30 days' is thirty days from the first day, not a calendar month (interval equality would say so)
SELECT bucket_start, sent FROM bounce_rates('30 days', '2026-09-20', '2026-10-31');
SELECT bucket_start, sent FROM bounce_rates('1 month', '2026-09-20', '2026-10-31');
SELECT * FROM bounce_rate('2026-10-01', '2026-10-07 23:59');
-- the SES suppression-list bounce was stored but not counted
SELECT (SELECT count(*) FROM events WHERE rate_excluded) AS excluded_events,
       (SELECT sum(excluded) FROM hourly_counts) AS counted_as_excluded,
       (SELECT sum(hard) FROM hourly_counts WHERE provider = 'ses') AS ses_hard_counted;

-- a provider that reports no sends (Postmark-like): deliveries and bounces alone give a denominator;
-- sends the application records raise it
SELECT inserted FROM ingest((
    SELECT jsonb_agg(jsonb_build_object('email', 'p' || i || '@d.example', 'occurred_at', '2026-10-09T10:00:00Z',
                                        'event', CASE WHEN i <= 3 THEN 'bounce' ELSE 'delivered' END,
                                        'diagnostic', CASE WHEN i <= 3 THEN '550 5.1.1 user unknown' END,
                                        'id', 'pm-' || i))::text
      FROM generate_series(1, 30) i), 'generic');
SELECT bucket_start, sent, delivered, hard, hard_rate, verdict FROM bounce_rates('1 day', '2026-10-09', '2026-10-10');
SELECT record_sends(array_agg('p' || i || '@d.example'), '2026-10-09T09:00:00Z') AS recorded
  FROM generate_series(1, 60) i;
SELECT record_send('not an address', '2026-10-09T09:00:00Z') AS invalid_not_counted;
SELECT bucket_start, sent, delivered, hard, hard_rate, verdict FROM bounce_rates('1 day', '2026-10-09', '2026-10-10');
SELECT key, sent FROM bounce_rates('1 day', '2026-10-09', '2026-10-10', 'provider');
-- no data is a verdict too
SELECT * FROM bounce_rate('2026-11-01', '2026-11-02');

-- the totals the trigger keeps agree with the counters
SELECT (SELECT sum(hard) FROM hourly_totals WHERE source <> 'recorded') = (SELECT sum(hard) FROM hourly_counts) AS hard_agree,
       (SELECT sum(sent) FROM hourly_totals WHERE source = 'recorded') = (SELECT sum(sent) FROM hourly_counts WHERE provider IS NULL) AS sends_agree;

-- sender incidents: c.example refused 15 of 20 for a block list on 2026-10-04
SELECT * FROM sender_incidents('2026-10-01', '2026-10-08');
SELECT count(*) AS with_higher_bar FROM sender_incidents('2026-10-01', '2026-10-08', min_count => 16);

-- thresholds are rows an operator edits
UPDATE rate_thresholds SET review = 0.13, pause = 0.2 WHERE metric = 'hard_bounce';
SELECT bucket_start, hard_rate, verdict FROM bounce_rates('1 day', '2026-10-03', '2026-10-06') WHERE hard > 0;
UPDATE rate_thresholds SET review = 0.05, pause = 0.10 WHERE metric = 'hard_bounce';

-- bad arguments
\set VERBOSITY terse
SELECT * FROM bounce_rates('1 hour', '2026-10-01', '2026-10-08');
SELECT * FROM bounce_rates('36 hours', '2026-10-01', '2026-10-08');
SELECT * FROM bounce_rates('1 day', '2026-10-08', '2026-10-01');
SELECT * FROM bounce_rates('1 day', '2026-10-01', '2026-10-08', 'recipient');
SELECT * FROM bounce_rates(NULL, '2026-10-01', '2026-10-08');
UPDATE rate_thresholds SET review = 0.2, pause = 0.1 WHERE metric = 'complaint';
\set VERBOSITY default

-- the default minimum volume, 100 sends: a.example's 100 sends on 10-03 still get their verdict (review),
-- c.example's 20 on 10-04 are too few for one (low_volume, where it said ok above)
UPDATE rate_thresholds SET min_sent = 100 WHERE domain_group = '';
SELECT bucket_start, key, sent, hard, hard_rate, verdict FROM bounce_rates('1 day', '2026-10-03', '2026-10-05', 'domain')
 WHERE hard > 0 OR soft > 0 ORDER BY bucket_start, key;
