-- workload.sql — uses every feature of release 0.1.0 (only its API), so that test/upgrade/run.sh can
-- upgrade a database with real state in every table.  psql variable :fixtures is the fixture folder.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET search_path = bounce_mgmt, public;

-- operator edits
UPDATE settings SET notice_cooldown = '3 days', alert_min_sent = 1;
UPDATE rate_thresholds SET review = 0.04 WHERE metric = 'hard_bounce';
INSERT INTO classify_rules (pattern, reason, note) VALUES ('mailbox is on vacation', 'vacation', 'upgrade test');
INSERT INTO escalation_rules (reason, soft_bounces, within, note) VALUES ('exceed_limit', 4, '20 days', 'upgrade test');

-- provider payloads of every kind (file contents read by psql)
\set f :fixtures '/sendgrid/event_webhook_batch_docs.json'
\set p `cat :f`
SELECT * FROM ingest(:'p', 'sendgrid');
\set f :fixtures '/sendgrid/suppression_bounces_list_response.json'
\set p `cat :f`
SELECT * FROM ingest(:'p', 'sendgrid');
\set f :fixtures '/ses/sns_notification_bounce_permanent_with_dsn_anymail.json'
\set p `cat :f`
SELECT * FROM ingest(:'p', 'ses');
\set f :fixtures '/ses/raw_complaint_with_feedback_awsdoc.json'
\set p `cat :f`
SELECT * FROM ingest(:'p', 'ses');
\set f :fixtures '/mailgun/webhook_failed_permanent_anymail.json'
\set p `cat :f`
SELECT * FROM ingest(:'p', 'mailgun');
\set f :fixtures '/postmark/webhook_bounce_hard_docs.json'
\set p `cat :f`
SELECT * FROM ingest(:'p', 'postmark');
\set f :fixtures '/sparkpost/webhook_batch_bounce_and_delay.json'
\set p `cat :f`
SELECT * FROM ingest(:'p', 'sparkpost');

-- recent generic events: soft bounces that escalate, deliveries, a quarantined element
SELECT * FROM ingest(
    (SELECT jsonb_agg(jsonb_build_object('email', e, 'event', ev, 'id', e || h || ev,
                                         'occurred_at', to_char((now() - h * interval '1 hour') AT TIME ZONE 'UTC',
                                                                'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                         'diagnostic', d))::text
       FROM (VALUES ('soft@example.org', 300, 'bounce', '552 5.2.2 mailbox is full of stuff, over quota'),
                    ('soft@example.org', 200, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
                    ('soft@example.org', 100, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
                    ('soft@example.org', 10, 'bounce', '550 5.2.1 The email account that you tried to reach is disabled.'),
                    ('dead@example.jp', 50, 'bounce', '550 5.1.1 user unknown'),
                    ('ok@example.jp', 40, 'delivered', '250 ok'),
                    ('later@example.jp', 30, 'delivered', '250 ok')) AS x(e, h, ev, d)),
    'generic');
SELECT * FROM ingest('[{"event": "bounce", "occurred_at": "2026-01-01T00:00:00Z"}]', 'generic');

SELECT record_sends(ARRAY['ok@example.jp', 'later@example.jp', 'x@example.jp'], now() - interval '1 hour');
SELECT suppress('operator@example.com', 'upgrade test: asked to stop');
SELECT unsuppress('dead@example.jp', 'upgrade test: user fixed the address', false);
SELECT (run_maintenance()).escalated;
SELECT mark_notified(email, 'mypage_banner') FROM pending_notices ORDER BY email LIMIT 1;
INSERT INTO provider_accounts (name, provider, base_url, api_key)
VALUES ('sg-main', 'sendgrid', 'https://api.sendgrid.example', 'SG.upgrade-test-key');
