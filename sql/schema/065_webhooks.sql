-- 065_webhooks.sql — webhook signature verification: the secrets (a table of their own, write-only for the
-- admin like provider_keys), the Mailgun tokens already accepted (replays are refused), the refused
-- webhooks (why; with the body when the secret says so), and a cache of SNS signing certificates.

CREATE TABLE @extschema@.webhook_secrets (
    name             text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,63}$'),
    provider         @extschema@.provider NOT NULL CHECK (provider IN ('sendgrid', 'mailgun', 'mandrill', 'ses')),
    secret           text,
    webhook_url      text,
    sns_topics       text[],
    sns_certificates text,
    max_skew         interval CHECK (max_skew IS NULL OR (max_skew > interval '0' AND max_skew <= interval '7 days')),
    keep_rejected    boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.webhook_secrets IS
    'webhook verification settings by name: secret (SendGrid verification key, Mailgun signing key, Mandrill webhook key; none for SES/SNS), Mandrill''s webhook_url, SNS topics allowed, extra SNS certificates, the time window, and whether refused bodies are kept';
COMMENT ON COLUMN @extschema@.webhook_secrets.secret IS
    'SendGrid: the verification key (base64 DER or PEM); Mailgun: the HTTP webhook signing key; Mandrill: the webhook key; NULL for ses (SNS signs with certificates)';
COMMENT ON COLUMN @extschema@.webhook_secrets.max_skew IS
    'how far the signed timestamp may be from now (SendGrid, Mailgun: 5 minutes; SNS: 1 hour, as SNS retries); NULL: not checked';
COMMENT ON COLUMN @extschema@.webhook_secrets.keep_rejected IS
    'keep the body and headers of refused webhooks in webhook_rejections (opt-in: they may hold personal data)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_secrets', '');

CREATE TABLE @extschema@.webhook_tokens (
    token        text PRIMARY KEY,
    secret_name  text NOT NULL,
    seen_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.webhook_tokens IS
    'Mailgun tokens of webhooks already accepted: the same token again is a replay (run_maintenance forgets them after 7 days)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_tokens', '');

CREATE TABLE @extschema@.webhook_rejections (
    rejection_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    secret_name   text NOT NULL,
    provider      @extschema@.provider,
    result        text NOT NULL,
    field         text,
    message       text,
    body          text,
    headers       jsonb
);
CREATE INDEX webhook_rejections_received ON @extschema@.webhook_rejections (received_at);
COMMENT ON TABLE @extschema@.webhook_rejections IS
    'webhooks whose signature did not verify: why (result, field, message) and, where the secret keeps them, the body and headers; run_maintenance alerts on a burst (a key rotation gone wrong)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_rejections', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_rejections_rejection_id_seq', '');

CREATE TABLE @extschema@.sns_certificates (
    url         text PRIMARY KEY,
    pem         text NOT NULL,
    fetched_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.sns_certificates IS
    'SNS signing certificates by SigningCertURL, fetched over https from sns.<region>.amazonaws.com (or stored by an admin to pin one); every use verifies the chain again';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.sns_certificates', '');
