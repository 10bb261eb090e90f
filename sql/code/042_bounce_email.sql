-- 042_bounce_email.sql — bounce emails (RFC 3464 DSNs, RFC 5965 complaint reports, the texts of real MTAs,
-- RFC 3834 auto-replies): parse_bounce_email() reads one, ingest_email() stores what it reports through
-- the write path of ingest() as provider 'email' (src/pg/bounce_email.c, src/core/mail/).

CREATE OR REPLACE FUNCTION @extschema@.parse_bounce_email(message text,
        OUT recipient text, OUT event_type @extschema@.event_type, OUT action text,
        OUT bounce_class @extschema@.bounce_class, OUT reason @extschema@.bounce_reason,
        OUT fault @extschema@.bounce_fault, OUT reply_code integer, OUT status @extschema@.smtp_status,
        OUT diagnostic text, OUT smtp_command text, OUT remote_mta text, OUT reporting_mta text,
        OUT occurred_at timestamptz, OUT original_message_id text, OUT feedback_type text,
        OUT auto_reply boolean, OUT decoder text, OUT message_id text, OUT recipient_original text,
        OUT evidence @extschema@.bounce_evidence)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'bm_parse_bounce_email_sql'
    LANGUAGE C STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.parse_bounce_email(text) IS
    'one row per recipient a bounce email reports (DSN, ARF complaint, MTA text, auto-reply), classified with the SMTP command it failed at; no row when it is not a bounce';

CREATE OR REPLACE FUNCTION @extschema@.parse_bounce_email(message bytea, charset text DEFAULT NULL,
        OUT recipient text, OUT event_type @extschema@.event_type, OUT action text,
        OUT bounce_class @extschema@.bounce_class, OUT reason @extschema@.bounce_reason,
        OUT fault @extschema@.bounce_fault, OUT reply_code integer, OUT status @extschema@.smtp_status,
        OUT diagnostic text, OUT smtp_command text, OUT remote_mta text, OUT reporting_mta text,
        OUT occurred_at timestamptz, OUT original_message_id text, OUT feedback_type text,
        OUT auto_reply boolean, OUT decoder text, OUT message_id text, OUT recipient_original text,
        OUT evidence @extschema@.bounce_evidence)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'bm_parse_bounce_email_sql'
    LANGUAGE C STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.parse_bounce_email(bytea, text) IS
    'parse_bounce_email() for raw 8-bit mail; charset: what undeclared 8-bit text is (e.g. ''iso-2022-jp'', ''shift_jis''), NULL: UTF-8 or replaced';

CREATE OR REPLACE FUNCTION @extschema@.ingest_email(message text,
        OUT batch_id bigint, OUT events integer, OUT inserted integer, OUT duplicates integer,
        OUT quarantined integer)
    AS 'MODULE_PATHNAME', 'bm_ingest_email_sql'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.ingest_email(text) IS
    'store what a bounce email reports (provider email): deduplicated by its Message-ID and recipient, suppressions for hard bounces and complaints, counters; a recipient that cannot be stored goes to ingest_errors';

CREATE OR REPLACE FUNCTION @extschema@.ingest_email(message bytea, charset text DEFAULT NULL,
        OUT batch_id bigint, OUT events integer, OUT inserted integer, OUT duplicates integer,
        OUT quarantined integer)
    AS 'MODULE_PATHNAME', 'bm_ingest_email_sql'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.ingest_email(bytea, text) IS
    'ingest_email() for raw 8-bit mail (charset: what undeclared 8-bit text is)';
