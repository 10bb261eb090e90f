-- 065_webhooks.sql — the functions and triggers of sql/schema/065_webhooks.sql (re-runnable: every upgrade
-- runs it again): checking a secret's row before its constraints can print it, verify_webhook() and
-- ingest_verified() (C: src/pg/webhook_verify.c).

-- Checks a secret's row before the constraints do (a failed constraint prints the row, secret included),
-- and gives max_skew the provider's default on insert.  Never shows the secret.
CREATE OR REPLACE FUNCTION @extschema@.webhook_secrets_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NEW.name IS NULL OR NEW.name !~ '^[A-Za-z0-9_.-]{1,63}$' THEN
        RAISE EXCEPTION 'invalid webhook secret name: %', coalesce('"' || NEW.name || '"', 'NULL')
              USING ERRCODE = 'invalid_parameter_value', HINT = '1 to 63 letters, digits, "_", "." or "-".';
    END IF;
    IF NEW.provider IS NULL OR NEW.provider NOT IN ('sendgrid', 'mailgun', 'mandrill', 'ses') THEN
        RAISE EXCEPTION 'webhook secret "%": % webhooks carry no signature', NEW.name, coalesce(NEW.provider::text, 'NULL')
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'Signed webhooks: sendgrid, mailgun, mandrill, ses (SNS). Postmark, SparkPost, Mailjet and Brevo: protect the receiver with basic auth (README).';
    END IF;
    IF NEW.provider = 'ses' AND NEW.secret IS NOT NULL THEN
        RAISE EXCEPTION 'webhook secret "%": SNS messages are signed with certificates, there is no secret to store', NEW.name
              USING ERRCODE = 'invalid_parameter_value', HINT = 'Leave secret NULL; restrict sns_topics instead.';
    END IF;
    IF NEW.provider <> 'ses' AND (NEW.secret IS NULL OR NEW.secret ~ '^\s*$') THEN
        RAISE EXCEPTION 'webhook secret "%": the % key is missing', NEW.name, NEW.provider
              USING ERRCODE = 'null_value_not_allowed',
                    HINT = CASE NEW.provider WHEN 'sendgrid' THEN 'The verification key of the signed Event Webhook (base64).'
                                             WHEN 'mailgun' THEN 'The HTTP webhook signing key.'
                                             ELSE 'The webhook''s key from Mandrill''s settings.' END;
    END IF;
    IF NEW.provider = 'mandrill' AND (NEW.webhook_url IS NULL OR NEW.webhook_url !~ '^https?://') THEN
        RAISE EXCEPTION 'webhook secret "%": Mandrill signs the webhook URL too: set webhook_url exactly as configured in Mandrill', NEW.name
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NEW.max_skew IS NULL AND TG_OP = 'INSERT' THEN
        NEW.max_skew := CASE NEW.provider WHEN 'ses' THEN interval '1 hour' ELSE interval '5 minutes' END;
    END IF;
    IF NEW.max_skew <= interval '0' OR NEW.max_skew > interval '7 days' THEN
        RAISE EXCEPTION 'webhook secret "%": max_skew must be between 0 and 7 days', NEW.name
              USING ERRCODE = 'invalid_parameter_value', HINT = 'NULL (after the insert) turns the time check off.';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER webhook_secrets_check BEFORE INSERT OR UPDATE ON @extschema@.webhook_secrets
    FOR EACH ROW EXECUTE FUNCTION @extschema@.webhook_secrets_check();

CREATE OR REPLACE FUNCTION @extschema@.verify_webhook(provider text, body text, headers jsonb, secret_name text)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'bm_verify_webhook_sql'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.verify_webhook(text, text, jsonb, text) IS
    'true when the webhook body (exactly as received) carries a valid signature for the named webhook_secrets row (SendGrid, Mailgun, Mandrill, SNS); a refusal is recorded in webhook_rejections';

CREATE OR REPLACE FUNCTION @extschema@.ingest_verified(body text, headers jsonb, secret_name text,
                                                OUT verified boolean, OUT result text, OUT batch_id bigint,
                                                OUT events integer, OUT inserted integer, OUT duplicates integer,
                                                OUT quarantined integer)
    AS 'MODULE_PATHNAME', 'bm_ingest_verified_sql'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.ingest_verified(text, jsonb, text) IS
    'verify the webhook with the named secret and, only when it verifies, ingest it with the secret''s provider; otherwise nothing is stored but the refusal (verified = false, result says why)';

CREATE OR REPLACE FUNCTION @extschema@.sns_confirm_subscription(body text, secret_name text)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'bm_sns_confirm_subscription_sql'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.sns_confirm_subscription(text, text) IS
    'opt-in: for an SNS SubscriptionConfirmation that verifies with the named secret, visit its SubscribeURL (https, sns.<region>.amazonaws.com only) and return true when SNS accepted';
