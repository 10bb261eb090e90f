-- workload.sql — a database that uses every feature of the current version (test/dump/run.sh dumps and
-- restores it): operator edits of every seeded table, rules, several months of events from several
-- providers, quarantine, suppressions lifted and open, notices, listings, recorded sends, alerts,
-- accounts and keys, removals.  psql variable :fixtures is the provider fixture folder.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET search_path = bounce_mgmt, public;

UPDATE settings SET notice_cooldown = '3 days', alert_min_sent = 1, event_retention = '100 years';
UPDATE rate_thresholds SET review = 0.04 WHERE metric = 'hard_bounce';
UPDATE escalation_rules SET enabled = false WHERE reason = 'system_error';
INSERT INTO escalation_rules (reason, soft_bounces, within, note) VALUES ('exceed_limit', 4, '20 days', 'dump test');
INSERT INTO classify_rules (pattern, reason, note) VALUES ('mailbox is on vacation', 'vacation', 'dump test');

\set f :fixtures '/sendgrid/event_webhook_batch_docs.json'
\set p `cat :f`
SELECT inserted FROM ingest(:'p', 'sendgrid');
\set f :fixtures '/sendgrid/suppression_bounces_list_response.json'
\set p `cat :f`
SELECT inserted FROM ingest(:'p', 'sendgrid');
\set f :fixtures '/ses/raw_bounce_permanent_no_dsn_two_recipients_awsdoc.json'
\set p `cat :f`
SELECT inserted FROM ingest(:'p', 'ses');
\set f :fixtures '/postmark/webhook_bounce_hard_docs.json'
\set p `cat :f`
SELECT inserted FROM ingest(:'p', 'postmark');
\set f :fixtures '/mailgun/webhook_failed_permanent_anymail.json'
\set p `cat :f`
SELECT inserted FROM ingest(:'p', 'mailgun');
-- this month and the last ones: soft bounces that escalate, deliveries, complaints
SELECT inserted FROM ingest(
    (SELECT jsonb_agg(jsonb_build_object('email', e, 'event', ev, 'id', e || h || ev,
                                         'occurred_at', now() - h * interval '1 hour', 'diagnostic', d))::text
       FROM (VALUES ('soft@example.org', 900, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
                    ('soft@example.org', 200, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
                    ('soft@example.org', 100, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
                    ('soft@example.org', 10, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
                    ('dead@example.jp', 50, 'bounce', '550 5.1.1 user unknown'),
                    ('angry@example.jp', 45, 'complaint', NULL),
                    ('ok@example.jp', 40, 'delivered', '250 ok'),
                    ('later@example.jp', 1500, 'delivered', '250 ok')) AS x(e, h, ev, d)),
    'generic');
SELECT quarantined FROM ingest('[{"event": "bounce", "occurred_at": "2026-01-01T00:00:00Z"}]', 'generic');
SELECT record_sends(ARRAY['ok@example.jp', 'later@example.jp', 'x@example.jp'], now() - interval '1 hour');
SELECT suppress('operator@example.com', 'dump test: asked to stop') > 0;
SELECT unsuppress('dead@example.jp', 'dump test: user fixed the address', false);
SELECT escalated >= 0 FROM run_maintenance();
SELECT mark_notified(email, 'mypage_banner') > 0 FROM pending_notices ORDER BY email LIMIT 1;
INSERT INTO provider_accounts (name, provider, base_url) VALUES ('sg-main', 'sendgrid', 'https://api.sendgrid.example');
INSERT INTO provider_keys (account, api_key) VALUES ('sg-main', 'SG.dump-test-key');
INSERT INTO provider_removals (account, email, attempts, last_error) VALUES ('sg-main', 'x@example.jp', 2, 'timeout');
-- counters appended after the last compaction stay uncompacted
SELECT record_send('y@example.jp', now() - interval '2 hours');
-- list hygiene (issue 11): engagement appended and folded, activities, unsubscribes, a win-back campaign
-- closed and one open, the operator's domain groups and a mailbox provider's threshold edited
SELECT record_activity('ok@example.jp', now() - interval '3 hours', 'login');
SELECT compact_engagement() >= 0;
SELECT record_sends(ARRAY['fresh@example.jp'], now() - interval '30 minutes');
SELECT record_unsubscribe('ok@example.jp', 'weekly');
SELECT winback_start('dump test closed', ARRAY['later@example.jp', 'ok@example.jp'], '1 day') > 0;
UPDATE winback_campaigns SET started_at = started_at - interval '3 days', deadline = deadline - interval '3 days'
 WHERE name = 'dump test closed';
SELECT winback_removed >= 0 FROM run_maintenance();
SELECT winback_start('dump test open', ARRAY['fresh@example.jp']) > 0;
INSERT INTO domain_groups (domain, domain_group) VALUES ('example.jp', 'dumptest');
UPDATE domain_groups SET domain_group = 'yahoo_jp_not' WHERE domain = 'verizon.net';
UPDATE rate_thresholds SET min_sent = 2000 WHERE metric = 'complaint' AND domain_group = 'gmail';
SELECT record_send('recent@example.jp', now() - interval '10 minutes');   -- appended, not folded yet
