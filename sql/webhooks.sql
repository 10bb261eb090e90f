-- webhooks: signatures verified in the database, with each provider's test vector
-- (test/fixtures/providers/*/signed_*, ses/sns_signing: a TEST-ONLY PKI), and every way to fail: a
-- tampered body, the wrong key, a stale timestamp, a replayed Mailgun token, a topic not allowed, a
-- certificate URL on another host or over http.  Refusals are recorded; ingest_verified stores only what
-- verifies.
SET client_min_messages = warning;
SET timezone = 'UTC';
SET search_path = bounce_mgmt, public;
\pset null '(null)'
UPDATE settings SET event_retention = '100 years';
\set fx 'test/fixtures/providers/'

-- SendGrid: ECDSA P-256 over timestamp + body, the key as base64 DER
\set sg_body `base64 -w0 test/fixtures/providers/sendgrid/signed_event_webhook/body.raw`
\set sg_key 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=='
\set sg_sig 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM='
INSERT INTO webhook_secrets (name, provider, secret) VALUES ('sg-hook', 'sendgrid', :'sg_key');
CREATE TEMP TABLE sg AS SELECT convert_from(decode(:'sg_body', 'base64'), 'UTF8') AS body,
       jsonb_build_object('x-twilio-email-event-webhook-signature', :'sg_sig',
                          'X-Twilio-Email-Event-Webhook-Timestamp', '1600112502') AS headers;
-- the vector is from 2020: with the default window (5 minutes) it is a replay; without the check, valid
SELECT verify_webhook('sendgrid', body, headers, 'sg-hook') AS within_5_minutes FROM sg;
UPDATE webhook_secrets SET max_skew = NULL WHERE name = 'sg-hook';
SELECT verify_webhook('sendgrid', body, headers, 'sg-hook') AS valid,
       verify_webhook('sendgrid', body || ' ', headers, 'sg-hook') AS body_changed,
       verify_webhook('sendgrid', body, headers || '{"X-Twilio-Email-Event-Webhook-Timestamp": "1600112503"}', 'sg-hook') AS time_changed,
       verify_webhook('sendgrid', body, headers - 'x-twilio-email-event-webhook-signature', 'sg-hook') AS unsigned,
       verify_webhook('sendgrid', body, headers, 'no-such-secret') AS unknown_secret,
       verify_webhook('mailgun', body, headers, 'sg-hook') AS other_provider
  FROM sg;
UPDATE webhook_secrets SET secret = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==' WHERE name = 'sg-hook';
SELECT verify_webhook('sendgrid', body, headers, 'sg-hook') AS wrong_key FROM sg;
-- why each was refused (the secret never appears)
SELECT secret_name, provider, result, field, body IS NOT NULL AS body_kept FROM webhook_rejections ORDER BY rejection_id;

-- Mailgun: HMAC-SHA256 of timestamp + token in the body; the token is remembered, so a replay is refused
INSERT INTO webhook_secrets (name, provider, secret, keep_rejected) VALUES ('mg-hook', 'mailgun', 'key-8221462f0c915af3f6f2e2df7aa5a493', true);
UPDATE webhook_secrets SET max_skew = NULL WHERE name = 'mg-hook';
CREATE TEMP TABLE mg AS SELECT jsonb_build_object(
    'signature', jsonb_build_object('timestamp', '1529006854', 'token', '705a8ccd2ce932be8e98c221fe701c1b4a0afcb8bbd57726de',
                                    'signature', 'f8ee56efb47078d508dc7100a25bc55819c7283154718348979a6cf208c0417a'),
    'event-data', jsonb_build_object('event', 'failed', 'severity', 'permanent', 'recipient', 'gone@example.org',
                                     'timestamp', 1529006854.5, 'id', 'mg-ev-1', 'reason', 'bounce',
                                     'delivery-status', jsonb_build_object('code', 550, 'message', '5.1.1 No such user'))
    )::text AS body;
SELECT verified, result, events, inserted FROM mg, ingest_verified(mg.body, NULL, 'mg-hook');
SELECT verified, result, events, inserted FROM mg, ingest_verified(mg.body, NULL, 'mg-hook');
SELECT verify_webhook('mailgun', replace(body, 'f8ee56ef', 'f8ee56e0'), NULL, 'mg-hook') AS tampered_signature FROM mg;
SELECT email, event_type, bounce_class FROM events WHERE provider = 'mailgun';
SELECT result, field, body IS NOT NULL AS body_kept FROM webhook_rejections WHERE secret_name = 'mg-hook' ORDER BY rejection_id;

-- Mandrill: HMAC-SHA1 over the webhook URL and the sorted form fields
\set md_body `base64 -w0 test/fixtures/providers/mandrill/signed_webhook/body.raw`
INSERT INTO webhook_secrets (name, provider, secret, webhook_url)
VALUES ('md-hook', 'mandrill', 'test-only-9f2c71e8d4a65b30e1c7a9', 'https://example.com/webhooks/mandrill?source=bounce_mgmt');
SELECT verify_webhook('mandrill', convert_from(decode(:'md_body', 'base64'), 'UTF8'),
                      '{"X-Mandrill-Signature": "rlQ4v9mBQT1EhPRb5UvIWEVSIYM="}', 'md-hook') AS valid,
       verify_webhook('mandrill', convert_from(decode(:'md_body', 'base64'), 'UTF8'),
                      '{"X-Mandrill-Signature": "df2WAcCRP9/oi0T+9/wpTdP63s4="}', 'md-hook') AS other_signature;
UPDATE webhook_secrets SET webhook_url = 'https://example.com/webhooks/mandrill' WHERE name = 'md-hook';
SELECT verify_webhook('mandrill', convert_from(decode(:'md_body', 'base64'), 'UTF8'),
                      '{"X-Mandrill-Signature": "rlQ4v9mBQT1EhPRb5UvIWEVSIYM="}', 'md-hook') AS other_url;

-- Amazon SNS: RSA over the canonical string, the certificate from its SigningCertURL (here stored ahead,
-- as an admin pins one; the TEST-ONLY root and intermediate are this secret's trust anchors).  The
-- "untrusted" message was signed by another key for the same URL: the certificate there does not match.
\set root `cat test/fixtures/providers/ses/sns_signing/test_root_ca.pem`
\set inter `cat test/fixtures/providers/ses/sns_signing/test_intermediate.pem`
\set leaf `cat test/fixtures/providers/ses/sns_signing/leaf.pem`
INSERT INTO sns_certificates (url, pem)
VALUES ('https://sns.us-east-1.amazonaws.com/SimpleNotificationService-bmtest0123456789abcdef.pem', :'leaf');
INSERT INTO webhook_secrets (name, provider, sns_topics, sns_certificates)
VALUES ('sns-hook', 'ses', ARRAY['arn:aws:sns:us-east-1:123456789012:bounce-mgmt-test'], :'root' || E'\n' || :'inter');
UPDATE webhook_secrets SET max_skew = NULL WHERE name = 'sns-hook';
\set sns1 `base64 -w0 test/fixtures/providers/ses/sns_signing/notification_v1.json`
\set sns2 `base64 -w0 test/fixtures/providers/ses/sns_signing/notification_v2_subject.json`
\set snsu `base64 -w0 test/fixtures/providers/ses/sns_signing/notification_v2_untrusted.json`
CREATE TEMP TABLE sns AS SELECT convert_from(decode(:'sns1', 'base64'), 'UTF8') AS v1,
       convert_from(decode(:'sns2', 'base64'), 'UTF8') AS v2, convert_from(decode(:'snsu', 'base64'), 'UTF8') AS untrusted;
SELECT verify_webhook('ses', v1, NULL, 'sns-hook') AS v1_sha1,
       verify_webhook('ses', v2, NULL, 'sns-hook') AS v2_sha256,
       verify_webhook('ses', untrusted, NULL, 'sns-hook') AS other_signer,
       verify_webhook('ses', replace(v1, 'bounce-mgmt-test', 'bounce-mgmt-other'), NULL, 'sns-hook') AS other_topic,
       verify_webhook('ses', replace(v1, 'Permanent', 'Transient'), NULL, 'sns-hook') AS message_changed,
       verify_webhook('ses', replace(v1, 'https://sns.us-east-1.amazonaws.com/', 'https://sns.us-east-1.evil.example/'), NULL, 'sns-hook') AS cert_elsewhere,
       verify_webhook('ses', replace(v1, 'https://sns.us-east-1', 'http://sns.us-east-1'), NULL, 'sns-hook') AS cert_over_http
  FROM sns;
SELECT result, field FROM webhook_rejections WHERE secret_name = 'sns-hook' ORDER BY rejection_id;
-- the default window for SNS (1 hour): this test message is from March 2026
UPDATE webhook_secrets SET max_skew = '1 hour' WHERE name = 'sns-hook';
SELECT verified, result FROM sns, ingest_verified(v1, NULL, 'sns-hook');
UPDATE webhook_secrets SET max_skew = NULL WHERE name = 'sns-hook';
SELECT verified, result, events, inserted FROM sns, ingest_verified(v1, NULL, 'sns-hook');
SELECT email, event_type, bounce_class, reason FROM events WHERE provider = 'ses';

-- confirming a subscription is opt-in and only for a SubscriptionConfirmation that verifies: a
-- notification, or a confirmation signed by another key, is not visited (no request is made)
SELECT sns_confirm_subscription(v1, 'sns-hook') AS notification FROM sns;
\set snsc `base64 -w0 test/fixtures/providers/ses/sns_signing/subscription_confirmation_v1.json`
SELECT sns_confirm_subscription(replace(convert_from(decode(:'snsc', 'base64'), 'UTF8'), 'Action=ConfirmSubscription', 'Action=ConfirmSubscriptio'), 'sns-hook') AS altered_url;

-- secrets: checked before any constraint can print them; write-only for the admin
INSERT INTO webhook_secrets (name, provider) VALUES ('no-key', 'mailgun');
INSERT INTO webhook_secrets (name, provider, secret) VALUES ('sns-with-key', 'ses', 'whatever');
INSERT INTO webhook_secrets (name, provider, secret) VALUES ('md-no-url', 'mandrill', 'k');
INSERT INTO webhook_secrets (name, provider, secret) VALUES ('pm', 'postmark', 'k');
SELECT has_column_privilege('bounce_mgmt_admin', 'bounce_mgmt.webhook_secrets', 'secret', 'SELECT') AS admin_reads_secret,
       has_column_privilege('bounce_mgmt_admin', 'bounce_mgmt.webhook_secrets', 'secret', 'UPDATE') AS admin_replaces_secret,
       has_function_privilege('bounce_mgmt_writer', 'bounce_mgmt.verify_webhook(text, text, jsonb, text)', 'EXECUTE') AS writer_verifies,
       has_table_privilege('bounce_mgmt_writer', 'bounce_mgmt.webhook_rejections', 'SELECT') AS writer_reads_refusals;
SELECT verify_webhook('sendgrid', '[]', NULL, NULL);

-- a burst of refusals is an alert (a key rotation gone wrong): 10 within the alert window
SELECT count(verify_webhook('sendgrid', body, headers, 'sg-hook')) FROM sg, generate_series(1, 8);
SELECT alerts FROM run_maintenance();
SELECT kind, level, scope, value, threshold, details FROM alerts WHERE kind = 'webhook_refusals';
