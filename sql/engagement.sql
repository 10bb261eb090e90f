-- engagement: what the write path keeps per address for list hygiene (issue 11) — the last send, delivery,
-- human open, machine open, click and bounce, appended by every flush and folded by maintenance; the
-- application's own signals (record_activities); who needs a status check before the next mailing
-- (stale_recipients); unsubscribes and complaints kept per address and list; can_send by purpose.
\pset null '(null)'
SET search_path = bounce_mgmt, public;
SET TimeZone = 'UTC';
-- the fixtures are years old: keep their events
UPDATE settings SET event_retention = '100 years';

-- SendGrid's documented batch: every event of example@test.com, at one time (2017-12-15 00:59:29)
\set p `cat test/fixtures/providers/sendgrid/event_webhook_batch_docs.json`
SELECT events, inserted FROM ingest(:'p', 'sendgrid');
-- appended by the flush, read through engagement_current (engagement holds the folded rows)
SELECT count(*) AS folded FROM engagement WHERE email = 'example@test.com';
SELECT email, domain, last_sent_at, last_delivered_at, last_open_at, last_machine_open_at, last_click_at,
       last_bounce_at, last_activity_at
  FROM engagement_current WHERE email = 'example@test.com';

-- opens the providers flag as a machine's (Apple Mail Privacy Protection, bot detection) are kept apart and
-- never count as engagement; a human open and a click do
SELECT inserted FROM ingest($$[
  {"email": "mpp@eng.example", "timestamp": 1700000000, "event": "delivered", "sg_event_id": "e-d1"},
  {"email": "mpp@eng.example", "timestamp": 1700000100, "event": "open", "sg_event_id": "e-o1", "sg_machine_open": true},
  {"email": "human@eng.example", "timestamp": 1700000000, "event": "open", "sg_event_id": "e-o2", "sg_machine_open": false},
  {"email": "human@eng.example", "timestamp": 1700000200, "event": "click", "sg_event_id": "e-c1"}]$$, 'sendgrid');
SELECT inserted FROM ingest($${"items": [
  {"event": "opened", "id": "m1", "timestamp": 1700000300, "recipient": "bot@eng.example", "client-info": {"bot": "apple"}},
  {"event": "clicked", "id": "m2", "timestamp": 1700000400, "recipient": "bot@eng.example", "client-info": {"bot": "generic"}},
  {"event": "opened", "id": "m3", "timestamp": 1700000500, "recipient": "reader@eng.example", "client-info": {"bot": ""}}],
  "paging": {}}$$, 'mailgun');
SELECT inserted FROM ingest($$[{"msys": {"track_event": {"type": "open", "event_id": "sp1", "rcpt_to": "proxy@eng.example",
  "timestamp": "1700000600", "user_agent_parsed": {"is_prefetched": true}}}}]$$, 'sparkpost');
SELECT inserted FROM ingest($$[{"event": "unique_proxy_open", "email": "brevo@eng.example", "ts_epoch": 1700000700000,
  "message-id": "<b1>"}]$$, 'brevo');
SELECT email, last_delivered_at, last_open_at, last_machine_open_at, last_click_at
  FROM engagement_current WHERE email LIKE '%@eng.example' ORDER BY email;

-- maintenance folds the appended rows: the same answers before and after, nothing left to fold
CREATE TEMP TABLE before_fold AS SELECT * FROM engagement_current;
SELECT compact_engagement() > 0 AS folded;
SELECT count(*) AS left_to_fold FROM engagement_recent;
SELECT count(*) AS differences
  FROM (SELECT * FROM before_fold EXCEPT SELECT * FROM engagement_current) d;
-- older news never moves a time back
SELECT inserted FROM ingest($$[{"email": "human@eng.example", "timestamp": 1600000000, "event": "click", "sg_event_id": "e-old"}]$$,
                            'sendgrid');
SELECT compact_engagement() AS folded;
SELECT last_click_at FROM engagement WHERE email = 'human@eng.example';

-- sends the application records (providers that report none) count as sends
SELECT record_sends(ARRAY['recorded@eng.example', 'not an address'], now() - interval '200 days') AS recorded;
SELECT email, last_sent_at IS NOT NULL AS has_send,
       last_sent_at < now() - interval '199 days' AS sent_200_days_ago
  FROM engagement_current WHERE email = 'recorded@eng.example';

-- the application's own signals: one time per address, or one for all; invalid addresses are skipped
SELECT record_activity('human@eng.example', now() - interval '10 days', 'login') AS recorded;
SELECT record_activities(ARRAY['mpp@eng.example', 'bot@eng.example', 'nobody'],
                         ARRAY[now() - interval '9 days'], 'purchase') AS recorded;
SELECT record_activities(ARRAY['mpp@eng.example', 'reader@eng.example'],
                         ARRAY[now() - interval '8 days', now() - interval '500 days'], 'reply') AS recorded;
-- an older activity does not replace a newer one (reader's reply is older than its Mailgun open, but an
-- activity is its own column)
SELECT email, round(extract(epoch FROM now() - last_activity_at) / 86400) AS days_ago, last_activity_kind
  FROM engagement_current
 WHERE email IN ('human@eng.example', 'mpp@eng.example', 'bot@eng.example', 'reader@eng.example') ORDER BY email;
SELECT record_activity('mpp@eng.example', now() - interval '20 days', 'login') AS recorded_older;
SELECT round(extract(epoch FROM now() - last_activity_at) / 86400) AS days_ago, last_activity_kind
  FROM engagement_current WHERE email = 'mpp@eng.example';
SELECT record_activities('{}', '{}', 'login') AS nothing_to_record;
\set VERBOSITY terse
SELECT record_activity('x@eng.example', now(), NULL);
SELECT record_activity('x@eng.example', now(), '  ');
SELECT record_activity('x@eng.example', now(), 'Logged In');
SELECT record_activity('x@eng.example', NULL, 'login');
SELECT record_activity('x@eng.example', 'infinity', 'login');
SELECT record_activities(NULL, ARRAY[now()], 'login');
SELECT record_activities(ARRAY['a@eng.example', 'b@eng.example', 'c@eng.example'], ARRAY[now(), now()], 'login');
\set VERBOSITY default

-- who needs a check by other means before the next mailing: not mailed for 180 days, or no engagement for
-- 365 days (never engaged: since first seen); suppressed addresses are left out (example@test.com is)
UPDATE engagement SET first_seen_at = '2023-01-01' WHERE email LIKE '%@eng.example';
SELECT email, now() - last_mailed_at > interval '180 days' AS mailed_long_ago,
       now() - last_engaged_at < interval '365 days' AS engaged_this_year, not_mailed, not_engaged
  FROM stale_recipients('180 days', '365 days') WHERE email LIKE '%@eng.example' OR email = 'example@test.com'
 ORDER BY email;
SELECT count(*) AS engaged_recently_not_stale
  FROM stale_recipients(NULL, '365 days') WHERE email = 'human@eng.example';
-- the README's recipe: joined with the application's users, those who did not log in either
CREATE TEMP TABLE users (id int, email text, last_login_at timestamptz);
INSERT INTO users VALUES (1, 'MPP@eng.example', now() - interval '2 days'), (2, 'proxy@eng.example', NULL),
                         (3, 'Brevo <brevo@eng.example>', '2020-01-01');
SELECT u.id, s.email, s.not_mailed, s.not_engaged
  FROM stale_recipients('180 days', '365 days') s
  JOIN users u ON normalize_email(u.email) = s.email
 WHERE u.last_login_at IS NULL OR u.last_login_at < now() - interval '365 days'
 ORDER BY u.id;
\set VERBOSITY terse
SELECT * FROM stale_recipients(NULL, NULL);
SELECT * FROM stale_recipients('-1 day', NULL);
\set VERBOSITY default

-- unsubscribes kept per address and list: the documented batch had a global unsubscribe and a SendGrid
-- group unsubscribe (asm group 10) answered by a group resubscribe at the same second
SELECT email, list, via, provider, detail, unsubscribed_at, resubscribed_at FROM unsubscribes
 WHERE email = 'example@test.com' ORDER BY list;
SELECT inserted FROM ingest($$[
  {"email": "news@eng.example", "timestamp": 1700000000, "event": "group_unsubscribe", "sg_event_id": "g1", "asm_group_id": 42},
  {"email": "deals@eng.example", "timestamp": 1700000000, "event": "group_unsubscribe", "sg_event_id": "g2", "asm_group_id": 42},
  {"email": "deals@eng.example", "timestamp": 1700000100, "event": "group_resubscribe", "sg_event_id": "g3", "asm_group_id": 42},
  {"email": "angry@eng.example", "timestamp": 1700000000, "event": "spamreport", "sg_event_id": "g4"}]$$, 'sendgrid');
SELECT email, list, via, detail, resubscribed_at IS NOT NULL AS resubscribed FROM unsubscribes
 WHERE email LIKE '%@eng.example' ORDER BY email, list;

-- can_send by purpose: a password reset still reaches an unsubscribed user; marketing does not, nor mail to
-- a list the user left; a complainer is suppressed for everything
SELECT e.email, can_send(e.email) AS one_arg, can_send(e.email, 'transactional') AS transactional,
       can_send(e.email, 'marketing') AS marketing, can_send(e.email, 'marketing:asm_group:42') AS group_42,
       can_send(e.email, 'marketing:asm_group:7') AS group_7
  FROM (VALUES ('news@eng.example'), ('deals@eng.example'), ('angry@eng.example'), ('human@eng.example'),
               ('not an address')) e(email)
 ORDER BY 1;
SELECT can_send(NULL, 'marketing') AS null_email;
\set VERBOSITY terse
SELECT can_send('news@eng.example', NULL);
SELECT can_send('news@eng.example', 'newsletter');
SELECT can_send('news@eng.example', 'marketing:');
\set VERBOSITY default
-- RFC 8058 one-click unsubscribes the application receives itself, recorded the same way
SELECT record_unsubscribe('Human <human@eng.example>') AS new_unsubscribe;
SELECT record_unsubscribe('human@eng.example') AS again;
SELECT record_unsubscribe('reader@eng.example', 'weekly', false, '2026-01-09T00:00:00Z') AS from_one_list;
SELECT email, list, via, provider FROM unsubscribes WHERE email IN ('human@eng.example', 'reader@eng.example') ORDER BY 1, 2;
SELECT can_send('human@eng.example', 'marketing') AS human_marketing, can_send('human@eng.example') AS human_transactional,
       can_send('reader@eng.example', 'marketing') AS reader_marketing,
       can_send('reader@eng.example', 'marketing:weekly') AS reader_weekly;
-- over many rows the checks read sets instead of probing (after 1,000 calls under one snapshot): the same
-- answers (human@ left every list 6 times here, news@ asm group 42 6 times)
SELECT count(*) FILTER (WHERE can_send(e, 'transactional')) AS transactional_ok,
       count(*) FILTER (WHERE can_send(e, 'marketing')) AS marketing_ok,
       count(*) FILTER (WHERE can_send(e, 'marketing:asm_group:42')) AS group_42_ok
  FROM (SELECT CASE i % 500 WHEN 0 THEN 'human@eng.example' WHEN 250 THEN 'news@eng.example'
                            ELSE 'u' || i || '@bulk.eng.example' END AS e
          FROM generate_series(1, 3000) i) x;
-- opting in again ends it (kept as history); nothing to end is false
SELECT record_resubscribe('human@eng.example') AS lifted, record_resubscribe('human@eng.example') AS again;
SELECT can_send('human@eng.example', 'marketing') AS human_marketing;
\set VERBOSITY terse
SELECT record_unsubscribe(NULL);
SELECT record_unsubscribe('nobody');
SELECT record_unsubscribe('x@eng.example', NULL, NULL);
SELECT record_unsubscribe('x@eng.example', NULL, true, NULL);
SELECT record_resubscribe('nobody');
\set VERBOSITY default
