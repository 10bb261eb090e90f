-- lifecycle: suppression on hard bounces and complaints, soft-bounce escalation by editable rules,
-- can_send / is_suppressed, unsuppress with history, address-change notices with cooldown and outcomes,
-- and the trigger applications attach to their users table.  Events are ingested in the generic format
-- with times relative to now(), so only relative times are printed.
SET search_path = bounce_mgmt, public;
\pset null '(null)'
SET client_min_messages = warning;
-- start from empty tables (earlier tests ingested the provider fixtures)
TRUNCATE events, addresses, hourly_counts, hourly_reason_counts, hourly_totals, provider_listings, suppressions,
         notices, alerts, ingest_batches, ingest_errors;

-- a helper to build generic events: (email, hours ago, event, diagnostic)
CREATE TEMP TABLE ev (email text, hours_ago numeric, event text, diagnostic text);
CREATE FUNCTION pg_temp.batch() RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'email', email,
               'occurred_at', to_char((now() - hours_ago * interval '1 hour') AT TIME ZONE 'UTC',
                                      'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'event', event, 'diagnostic', diagnostic, 'id', md5(email || hours_ago || event))), '[]')::text
      FROM ev
$$;

INSERT INTO ev VALUES
    -- a dead address: one hard bounce suppresses at once
    ('Hard@Example.JP', 120, 'bounce', 'smtp; 550 5.1.1 <hard@example.jp>: Recipient address rejected: User unknown'),
    -- the sender's problem: never suppresses, never escalates
    ('blocked@example.com', 100, 'bounce', '550 5.7.1 Unfortunately, messages from [192.0.2.1] weren''t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).'),
    ('blocked@example.com', 50, 'bounce', '550 5.7.1 Unfortunately, messages from [192.0.2.1] weren''t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).'),
    ('blocked@example.com', 10, 'bounce', '550 5.7.1 Unfortunately, messages from [192.0.2.1] weren''t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).'),
    ('blocked@example.com', 5, 'bounce', '550 5.7.1 Unfortunately, messages from [192.0.2.1] weren''t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).'),
    -- three soft bounces (a disabled mailbox) over 16 days: both default rules hold (3 within 30 days,
    -- and persisting past 72 hours); the earlier hit (72 hours, at the second bounce) is recorded
    ('disabled@example.org', 400, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
    ('disabled@example.org', 200, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
    ('disabled@example.org', 20, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
    -- the same, but a delivery in between resets the count
    ('reset@example.org', 400, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
    ('reset@example.org', 300, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
    ('reset@example.org', 250, 'delivered', '250 2.0.0 OK'),
    ('reset@example.org', 30, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
    -- a full mailbox has its own rule (5 in 30 days, or full for 14 days): 3 bounces do not escalate
    ('full@example.net', 300, 'bounce', '552 5.2.2 <full@example.net>: Recipient address rejected: Mailbox full'),
    ('full@example.net', 200, 'bounce', '552 5.2.2 <full@example.net>: Recipient address rejected: Mailbox full'),
    ('full@example.net', 100, 'bounce', '552 5.2.2 <full@example.net>: Recipient address rejected: Mailbox full'),
    -- deferrals persisting more than 72 hours (SendGrid's rule)
    ('slow@example.net', 80, 'deferred', 'retry timeout exceeded'),
    ('slow@example.net', 2, 'deferred', 'retry timeout exceeded'),
    -- a complaint suppresses at once
    ('angry@example.com', 30, 'complaint', NULL),
    -- a healthy address
    ('fine@example.com', 30, 'delivered', '250 2.0.0 OK');

SELECT events, inserted, duplicates, quarantined FROM ingest(pg_temp.batch(), 'generic');

SELECT email, hard_bounces, soft_bounces, complaints, last_class, last_reason
  FROM addresses ORDER BY email;

-- hard bounces and complaints are suppressed by ingestion itself
SELECT email, cause, reason, event_id IS NOT NULL AS has_event, closed_at IS NULL AS open
  FROM suppressions ORDER BY email;

-- escalation applies the rules: the disabled mailbox (3 in 30 days) and the 72-hour deferrals
SELECT * FROM apply_escalation();
SELECT email, cause, reason, rule_id, note LIKE 'escalated by rule %' AS noted
  FROM suppressions WHERE cause IN ('repeated_soft', 'persistent_soft') ORDER BY email;
-- applying again changes nothing
SELECT * FROM apply_escalation();

-- the checks, with the same normalization as ingestion
SELECT e AS email, is_suppressed(e), can_send(e)
  FROM unnest(ARRAY['hard@example.jp', '  HARD@example.jp ', 'Jane <hard@EXAMPLE.jp>', 'blocked@example.com',
                    'full@example.net', 'angry@example.com', 'fine@example.com', 'never@seen.example',
                    'not an address']) AS e;
SELECT can_send(NULL) IS NULL AS null_in_null_out;
SELECT ord, email, normalized, can_send, cause, reason, suppressed_since IS NOT NULL AS since
  FROM suppression_status(ARRAY['Hard@Example.JP', 'fine@example.com', 'slow@example.net', 'bogus']);

-- the look-up switches to a set after 1000 calls in one query: same answers both ways
SELECT count(*) FILTER (WHERE NOT can_send(e)) AS blocked, count(*) AS checked
  FROM (SELECT CASE g % 4 WHEN 0 THEN 'hard@example.jp' WHEN 1 THEN 'angry@example.com'
                          WHEN 2 THEN 'fine@example.com' ELSE 'user' || g || '@example.com' END AS e
          FROM generate_series(1, 5000) g) s;

-- pending notices: the hard bounce and the escalated soft bounces (not the complaint, not the sender's
-- block, not the full mailbox)
SELECT email, kind, reason, bounces, first_bounce_at <= last_bounce_at AS ordered,
       left(last_diagnostic, 40) AS diagnostic, notifications
  FROM pending_notices ORDER BY email;
-- with a lower threshold the function also lists soft-bouncing addresses that are not suppressed
SELECT email, kind, reason, bounces FROM pending_notices(min_soft_bounces => 1) ORDER BY email;
-- one user's page view: notice_for gives that address's row of pending_notices (index lookups, the
-- address normalized as stored), and nothing for an address without a notice
SELECT (SELECT array_agg(p::text) FROM pending_notices p WHERE p.email = 'hard@example.jp')
     = (SELECT array_agg(n::text) FROM notice_for(' Jane <HARD@example.jp>') n) AS same_row,
       (SELECT count(*) FROM notice_for('fine@example.com')) AS fine_has_none,
       (SELECT array_agg(n.email ORDER BY n.email) FROM notice_for('full@example.net', min_soft_bounces => 1) n) AS soft_option;

-- notifying starts the cooldown; a new bounce is new evidence and brings the address back
SELECT mark_notified('hard@example.jp', 'mypage_banner') > 0 AS notified;
SELECT mark_notified('Hard@Example.JP', 'sms') > 0 AS notified_again;
SELECT email, kind, notifications, channels, cooldown_until > now() AS cooling
  FROM notices WHERE resolved_at IS NULL ORDER BY email;
SELECT count(*) AS hard_still_pending FROM pending_notices WHERE email = 'hard@example.jp';
TRUNCATE ev;
INSERT INTO ev VALUES ('hard@example.jp', 1, 'bounce', 'smtp; 550 5.1.1 user unknown');
SELECT inserted FROM ingest(pg_temp.batch(), 'generic');
SELECT email, notifications FROM pending_notices WHERE email = 'hard@example.jp';

-- bad calls
\set VERBOSITY terse
SELECT mark_notified('nobody@example.com', 'sms');
SELECT mark_notified('x', 'sms');
SELECT mark_notified('hard@example.jp', ' ');
SELECT unsuppress('disabled@example.org', '');
SELECT suppress('not an address', 'x');
\set VERBOSITY default

-- the application's users table: changing the address resolves the old address's notice
CREATE TABLE app_users (id int PRIMARY KEY, email text NOT NULL);
INSERT INTO app_users VALUES (1, 'Hard@Example.JP'), (2, 'disabled@example.org'), (3, 'fine@example.com');
CREATE TRIGGER bounce_mgmt_email_changed AFTER UPDATE OF email ON app_users
    FOR EACH ROW EXECUTE FUNCTION bounce_mgmt.user_email_changed();
-- the join an application runs for its banner
SELECT u.id, p.email, p.kind
  FROM app_users u JOIN pending_notices p ON p.email = normalize_email(u.email) ORDER BY u.id;
UPDATE app_users SET email = 'new-address@example.jp' WHERE id = 1;
UPDATE app_users SET email = 'disabled-new@example.org' WHERE id = 2;
SELECT email, kind, resolution, new_email, notifications FROM notices ORDER BY notice_id;
SELECT u.id, p.email FROM app_users u JOIN pending_notices p ON p.email = normalize_email(u.email);
SELECT count(*) AS old_addresses_pending FROM pending_notices
 WHERE email IN ('hard@example.jp', 'disabled@example.org');
-- the new addresses start clean
SELECT can_send('new-address@example.jp') AS new_can_send;

-- a delivery after the notice resolves it (a delivery from before the notice does not)
SELECT mark_notified('slow@example.net', 'sms') > 0 AS notified;
TRUNCATE ev;
INSERT INTO ev VALUES ('slow@example.net', 0.5, 'delivered', '250 2.0.0 OK');
SELECT inserted FROM ingest(pg_temp.batch(), 'generic');
SELECT email, resolution FROM notices WHERE email = 'slow@example.net';
TRUNCATE ev;
INSERT INTO ev VALUES ('slow@example.net', -0.01, 'delivered', '250 2.0.0 OK');
SELECT inserted FROM ingest(pg_temp.batch(), 'generic');
SELECT email, resolution FROM notices WHERE email = 'slow@example.net';

-- unsuppress: closes the period with who and why, keeps history, mail may flow again
SELECT unsuppress('slow@example.net', 'deliveries succeed again') AS lifted;
SELECT unsuppress('slow@example.net', 'twice') AS lifted_twice;
SELECT email, cause, closed_at IS NOT NULL AS closed, closed_by = current_user AS by_me, close_note
  FROM suppressions WHERE email = 'slow@example.net';
SELECT can_send('slow@example.net');
-- its old deferrals do not re-escalate it
SELECT opened FROM apply_escalation();

-- operators suppress by hand; suppress is idempotent
SELECT suppress('vip@example.com', 'asked us by phone') = suppress('VIP@example.com', 'again') AS same_period;
-- (the second reason is appended to the open period's note, with who gave it and when)
SELECT email, cause, opened_by = current_user AS by_me,
       regexp_replace(note, ' \(' || current_user || ', [0-9-]{10} [0-9:]{8}Z\)$', ' (<me>, <now>)') AS note
  FROM suppressions WHERE email = 'vip@example.com';

-- a rule change, re-applied to past events: 2 soft bounces within 30 days now suffice for the full mailbox
UPDATE escalation_rules SET soft_bounces = 2 WHERE reason = 'mailbox_full';
SELECT * FROM apply_escalation(reapply => true);
SELECT email, cause, reason FROM suppressions WHERE email = 'full@example.net' AND closed_at IS NULL;
-- and back: the escalation no longer holds and is lifted, kept as history
UPDATE escalation_rules SET soft_bounces = 5 WHERE reason = 'mailbox_full';
SELECT * FROM apply_escalation(reapply => true);
SELECT email, closed_at IS NOT NULL AS closed, close_note FROM suppressions WHERE email = 'full@example.net';

-- sender-side reasons never escalate, even with a rule naming them
INSERT INTO escalation_rules (reason, soft_bounces, within) VALUES ('blocked', 1, '30 days');
SELECT opened FROM apply_escalation(reapply => true);
SELECT count(*) AS blocked_suppressed FROM suppressions WHERE email = 'blocked@example.com';
DELETE FROM escalation_rules WHERE reason = 'blocked';

-- rule validation
\set VERBOSITY terse
INSERT INTO escalation_rules (reason, soft_bounces, persisting) VALUES ('mailbox_full', 3, '1 day');
INSERT INTO escalation_rules (reason) VALUES ('mailbox_full');
\set VERBOSITY default

-- unsuppress without a provider account: SendGrid keeps the address on its bounce list and drops the next
-- mail to it (dated after the unsuppress); the address shows in provider_listed and maintenance raises an alert naming the
-- provider to clear
SELECT inserted FROM ingest(jsonb_build_array(jsonb_build_object('email', 'listed@example.org', 'event', 'bounce',
           'type', 'bounce', 'status', '5.1.1', 'reason', '550 5.1.1 user unknown', 'sg_event_id', 'lst-1',
           'timestamp', extract(epoch FROM now() - interval '2 days')::bigint))::text, 'sendgrid');
SELECT unsuppress('listed@example.org', 'the user says the address works again') AS lifted;
SELECT email, provider, has_account, removal_pending FROM provider_listed WHERE email = 'listed@example.org';
SELECT inserted FROM ingest(jsonb_build_array(jsonb_build_object('email', 'listed@example.org', 'event', 'dropped',
           'reason', 'Bounced Address', 'sg_event_id', 'lst-2',
           'timestamp', extract(epoch FROM now() + interval '1 minute')::bigint))::text, 'sendgrid');
SELECT can_send('listed@example.org') AS we_would_send;
SET client_min_messages = error;
SELECT alerts > 0 AS alerted FROM run_maintenance();
RESET client_min_messages;
SELECT kind, scope, value, details ->> 'provider' AS provider, details -> 'examples' AS examples
  FROM alerts WHERE kind = 'provider_listed';
