-- 051_suppressions.sql — the functions, views and triggers of sql/schema/051_suppressions.sql (re-runnable: every upgrade runs it again).

CREATE OR REPLACE FUNCTION @extschema@.normalize_email(email text) RETURNS text
    AS 'MODULE_PATHNAME', 'bm_normalize_email_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.normalize_email(text) IS
    'the address as bounce_mgmt stores it: trimmed, "Name <addr>" / "<addr>" unwrapped, ASCII lower-cased; NULL when not an email address';

CREATE OR REPLACE FUNCTION @extschema@.is_suppressed(email text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'bm_is_suppressed_sql' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_suppressed(text) IS
    'true when the address has an open suppression (an index lookup; fit for WHERE clauses over millions of rows)';

CREATE OR REPLACE FUNCTION @extschema@.can_send(email text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'bm_can_send_sql' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.can_send(text) IS
    'true when the text is an email address that is not suppressed';

-- The batch form: one row per input address, in input order.
CREATE OR REPLACE FUNCTION @extschema@.suppression_status(emails text[])
    RETURNS TABLE (ord bigint, email text, normalized text, can_send boolean,
                   cause @extschema@.suppression_cause, reason @extschema@.bounce_reason,
                   suppressed_since timestamptz)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT i.ord, i.email, n.normalized,
           n.normalized IS NOT NULL AND s.suppression_id IS NULL,
           s.cause, s.reason, s.opened_at
      FROM unnest(emails) WITH ORDINALITY AS i(email, ord)
     CROSS JOIN LATERAL (SELECT @extschema@.normalize_email(i.email) AS normalized) n
      LEFT JOIN @extschema@.suppressions s ON s.email = n.normalized AND s.closed_at IS NULL
     ORDER BY i.ord
$$;
COMMENT ON FUNCTION @extschema@.suppression_status(text[]) IS
    'batch check: for each address, whether mail may be sent and, if not, since when and why';

-- Raises 22004 when a required note (a reason, a channel) is NULL and 22023 when it is only white space:
-- a missing note is an error, never a silent no-op.
CREATE OR REPLACE FUNCTION @extschema@.require_note(value text, what text, example text)
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF value IS NULL THEN
        RAISE EXCEPTION '% must not be NULL', what
              USING ERRCODE = 'null_value_not_allowed', HINT = 'For example: ' || example || '.';
    END IF;
    IF value ~ '^[[:space:]\u00a0\u200b\u3000]*$' THEN
        RAISE EXCEPTION '% must not be empty or white space', what
              USING ERRCODE = 'invalid_parameter_value', HINT = 'For example: ' || example || '.';
    END IF;
END
$$;

-- Opens a suppression unless one is open; returns the open period's id.
CREATE OR REPLACE FUNCTION @extschema@.suppress(email text, why text)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    addr text := @extschema@.normalize_email(email);
    id   bigint;
BEGIN
    IF email IS NULL THEN
        RAISE EXCEPTION 'email must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM @extschema@.require_note(why, 'the reason', 'suppress(''jane@example.com'', ''asked by phone to stop'')');
    IF addr IS NULL THEN
        RAISE EXCEPTION 'invalid email address: "%"', email
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'Pass one address, e.g. jane@example.com or "Jane <jane@example.com>".';
    END IF;
    -- an open period is taken as it is; if one is lifted between the insert and the look-up (an unsuppress()
    -- committing meanwhile), try again: the next insert then opens a new one
    FOR attempt IN 1..3 LOOP
        INSERT INTO @extschema@.suppressions AS s (email, domain, cause, opened_by, note)
        VALUES (addr, split_part(addr, '@', 2), 'operator', current_user, why)
        ON CONFLICT (email) WHERE closed_at IS NULL DO NOTHING
        RETURNING s.suppression_id INTO id;
        IF id IS NULL THEN
            SELECT s.suppression_id INTO id FROM @extschema@.suppressions s
             WHERE s.email = addr AND s.closed_at IS NULL;
        END IF;
        EXIT WHEN id IS NOT NULL;
    END LOOP;
    IF id IS NULL THEN
        RAISE EXCEPTION 'could not suppress "%": its suppression kept being lifted concurrently', addr
              USING ERRCODE = 'serialization_failure', HINT = 'Retry the call.';
    END IF;
    RETURN id;
END
$$;
COMMENT ON FUNCTION @extschema@.suppress(text, text) IS
    'operator: stop mailing an address (no-op when already suppressed); returns the open suppression id';

-- Closes the open suppression (history kept), resolves the address's open notice and, unless told not to,
-- takes the address off the providers' lists that hold it (queued in provider_removals and tried at once;
-- a failure there is reported with a NOTICE and retried by run_maintenance()).  Returns false when nothing
-- was open.
CREATE OR REPLACE FUNCTION @extschema@.unsuppress(email text, why text, remove_at_providers boolean DEFAULT true)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    addr text := @extschema@.normalize_email(email);
    n    integer;
BEGIN
    IF email IS NULL THEN
        RAISE EXCEPTION 'email must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF addr IS NULL THEN
        RAISE EXCEPTION 'invalid email address: "%"', email
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM @extschema@.require_note(why, 'the reason',
                                     'unsuppress(''jane@example.com'', ''user confirmed the address by phone'')');
    UPDATE @extschema@.suppressions s
       SET closed_at = now(), closed_by = current_user, close_note = why
     WHERE s.email = addr AND s.closed_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    UPDATE @extschema@.notices o
       SET resolved_at = now(), resolution = 'unsuppressed', resolved_by = current_user
     WHERE o.email = addr AND o.resolved_at IS NULL;
    IF remove_at_providers AND @extschema@.queue_provider_removals(addr) > 0 THEN
        PERFORM @extschema@.retry_provider_removals(addr);
    END IF;
    RETURN n > 0;
END
$$;
COMMENT ON FUNCTION @extschema@.unsuppress(text, text, boolean) IS
    'operator: lift the suppression (kept as history with who and why), resolve the address''s open notice, and remove it from the providers'' lists';
