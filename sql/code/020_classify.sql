-- 020_classify.sql — the functions, views and triggers of sql/schema/020_classify.sql (re-runnable: every upgrade runs it again).

CREATE OR REPLACE FUNCTION @extschema@.classify_rules_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'bm_classify_rules_changed' LANGUAGE C;
CREATE OR REPLACE FUNCTION @extschema@.classify_rules_check() RETURNS trigger
    AS 'MODULE_PATHNAME', 'bm_classify_rules_check' LANGUAGE C;
CREATE OR REPLACE TRIGGER classify_rules_check
    BEFORE INSERT OR UPDATE ON @extschema@.classify_rules
    FOR EACH ROW EXECUTE FUNCTION @extschema@.classify_rules_check();
CREATE OR REPLACE TRIGGER classify_rules_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.classify_rules
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.classify_rules_changed();

CREATE OR REPLACE FUNCTION @extschema@.classify_rules_cache(OUT rules integer, OUT loads bigint, OUT loaded_at timestamptz)
    AS 'MODULE_PATHNAME', 'bm_classify_rules_cache_sql' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.classify_rules_cache() IS
    'this session''s cached copy of classify_rules: rule count (NULL when stale), number of loads, time of the last load';

CREATE OR REPLACE FUNCTION @extschema@.classify(diagnostic text, reply_code integer DEFAULT NULL,
                                     status @extschema@.smtp_status DEFAULT NULL)
    RETURNS @extschema@.classification
    AS 'MODULE_PATHNAME', 'bm_classify_sql' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.classify(text, integer, @extschema@.smtp_status) IS
    'classify a bounce from its diagnostic text and optional reply code / enhanced status (given codes win over codes found in the text)';

-- With the SMTP command the reply answered (what a bounce email or an MTA log says): a "user unknown" at
-- DATA is a content filter, a refusal at CONNECT/HELO or MAIL is the sender's.  No defaults, so calls
-- with up to three arguments keep resolving to the function above.
CREATE OR REPLACE FUNCTION @extschema@.classify(diagnostic text, reply_code integer, status @extschema@.smtp_status,
                                     smtp_command text)
    RETURNS @extschema@.classification
    AS 'MODULE_PATHNAME', 'bm_classify_sql' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.classify(text, integer, @extschema@.smtp_status, text) IS
    'classify() with the SMTP command the reply answered (CONNECT, HELO, EHLO, MAIL, RCPT, DATA, BDAT; NULL: unknown)';

CREATE OR REPLACE FUNCTION @extschema@.parse_smtp_reply(diagnostic text,
                                             OUT reply_code integer, OUT status @extschema@.smtp_status,
                                             OUT message text)
    AS 'MODULE_PATHNAME', 'bm_parse_smtp_reply_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.parse_smtp_reply(text) IS
    'the SMTP reply code, enhanced status and human message found in a diagnostic text';

REVOKE ALL ON @extschema@.classify_rules FROM PUBLIC;
GRANT SELECT ON @extschema@.classify_rules TO PUBLIC;
