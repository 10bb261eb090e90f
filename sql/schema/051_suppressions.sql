-- 051_suppressions.sql — the suppression list with history: one row per period during which an address
-- must not be mailed (opened by a hard bounce, a complaint, escalated soft bounces or an operator; closed,
-- never deleted, when lifted), the per-address checks (C: src/pg/suppression.c) and the operator functions.

CREATE TYPE @extschema@.suppression_cause AS ENUM
    ('hard_bounce', 'complaint', 'repeated_soft', 'persistent_soft', 'operator');
COMMENT ON TYPE @extschema@.suppression_cause IS
    'why an address was suppressed: hard_bounce (the address is bad), complaint (its owner reported spam), repeated_soft / persistent_soft (soft bounces escalated by escalation_rules), operator (suppress())';

CREATE TABLE @extschema@.suppressions (
    suppression_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          text NOT NULL,
    domain         text NOT NULL,
    cause          @extschema@.suppression_cause NOT NULL,
    reason         @extschema@.bounce_reason,
    event_id       bigint,
    rule_id        integer,
    opened_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    opened_by      name NOT NULL DEFAULT current_user,
    note           text,
    closed_at      timestamptz,
    closed_by      name,
    close_note     text,
    CHECK ((closed_at IS NULL) = (closed_by IS NULL)),
    CHECK (closed_at IS NULL OR closed_at >= opened_at)
);
COMMENT ON TABLE @extschema@.suppressions IS
    'suppression periods: open while closed_at IS NULL; closed periods are history (who lifted it, why)';
-- at most one open period per address; the index can_send() probes
CREATE UNIQUE INDEX suppressions_open_email ON @extschema@.suppressions (email) WHERE closed_at IS NULL;
CREATE INDEX suppressions_email ON @extschema@.suppressions (email, opened_at);
-- lifted periods: "was this address unsuppressed after this evidence?"
CREATE INDEX suppressions_closed_email ON @extschema@.suppressions (email, closed_at) WHERE closed_at IS NOT NULL;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.suppressions', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.suppressions_suppression_id_seq', '');

CREATE FUNCTION @extschema@.normalize_email(email text) RETURNS text
    AS 'MODULE_PATHNAME', 'bm_normalize_email_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.normalize_email(text) IS
    'the address as bounce_mgmt stores it: trimmed, "Name <addr>" / "<addr>" unwrapped, ASCII lower-cased; NULL when not an email address';

CREATE FUNCTION @extschema@.is_suppressed(email text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'bm_is_suppressed_sql' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_suppressed(text) IS
    'true when the address has an open suppression (an index lookup; fit for WHERE clauses over millions of rows)';

CREATE FUNCTION @extschema@.can_send(email text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'bm_can_send_sql' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.can_send(text) IS
    'true when the text is an email address that is not suppressed';

-- The batch form: one row per input address, in input order.
CREATE FUNCTION @extschema@.suppression_status(emails text[])
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

-- Opens a suppression unless one is open; returns the open period's id.
CREATE FUNCTION @extschema@.suppress(email text, why text)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    addr text := @extschema@.normalize_email(email);
    id   bigint;
BEGIN
    IF addr IS NULL THEN
        RAISE EXCEPTION 'invalid email address: "%"', email
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'Pass one address, e.g. jane@example.com or "Jane <jane@example.com>".';
    END IF;
    INSERT INTO @extschema@.suppressions AS s (email, domain, cause, opened_by, note)
    VALUES (addr, split_part(addr, '@', 2), 'operator', current_user, why)
    ON CONFLICT (email) WHERE closed_at IS NULL DO NOTHING
    RETURNING s.suppression_id INTO id;
    IF id IS NULL THEN
        SELECT s.suppression_id INTO id FROM @extschema@.suppressions s
         WHERE s.email = addr AND s.closed_at IS NULL;
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
CREATE FUNCTION @extschema@.unsuppress(email text, why text, remove_at_providers boolean DEFAULT true)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    addr text := @extschema@.normalize_email(email);
    n    integer;
BEGIN
    IF addr IS NULL THEN
        RAISE EXCEPTION 'invalid email address: "%"', email
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF why IS NULL OR btrim(why) = '' THEN
        RAISE EXCEPTION 'unsuppress() needs a reason'
              USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = 'The reason is kept in the suppression history.',
                    HINT = 'For example: unsuppress(''jane@example.com'', ''user confirmed the address by phone'').';
    END IF;
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
