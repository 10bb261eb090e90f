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

-- The distinct normalized addresses of an array, in order; 22004 for a NULL array, 22023 naming the first
-- element that is not an address (bulk operations are all or nothing).
CREATE OR REPLACE FUNCTION @extschema@.require_addresses(emails text[])
    RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    bad  record;
    addrs text[];
BEGIN
    IF emails IS NULL THEN
        RAISE EXCEPTION 'emails must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT e.email, e.i INTO bad FROM unnest(emails) WITH ORDINALITY AS e(email, i)
     WHERE @extschema@.normalize_email(e.email) IS NULL ORDER BY e.i LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'invalid email address: %', coalesce('"' || bad.email || '"', 'NULL')
              USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = format('Element %s of %s; nothing was done.', bad.i, cardinality(emails)),
                    HINT = 'Pass addresses such as jane@example.com or "Jane <jane@example.com>".';
    END IF;
    SELECT coalesce(array_agg(DISTINCT @extschema@.normalize_email(e) ORDER BY @extschema@.normalize_email(e)), '{}')
      INTO addrs FROM unnest(emails) AS e;
    RETURN addrs;
END
$$;

-- One address, normalized; 22004 when NULL, 22023 when it is not an address (the single-address forms of
-- suppress, unsuppress, mark_notified, record_unsubscribe, record_resubscribe, winback_confirm).
CREATE OR REPLACE FUNCTION @extschema@.require_address(email text)
    RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    addr text := @extschema@.normalize_email(email);
BEGIN
    IF email IS NULL THEN
        RAISE EXCEPTION 'email must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF addr IS NULL THEN
        RAISE EXCEPTION 'invalid email address: "%"', email
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'Pass one address, e.g. jane@example.com or "Jane <jane@example.com>".';
    END IF;
    RETURN addr;
END
$$;

-- Suppresses addresses (operator): opens a period for each address without one, and appends the reason
-- (with who and when) to an open one, so a later reason is kept rather than dropped.  All or nothing
-- (require_addresses, require_note).  The open periods are locked in address order first, as ingestion
-- does; an address whose period is opened or lifted concurrently is tried again.  Returns the number of
-- periods opened.
CREATE OR REPLACE FUNCTION @extschema@.suppress(emails text[], why text)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    todo   text[];
    opened integer := 0;
    n      integer;
    stamp  text;
BEGIN
    todo := @extschema@.require_addresses(emails);
    PERFORM @extschema@.require_note(why, 'the reason', 'suppress(''jane@example.com'', ''asked by phone to stop'')');
    stamp := format(' (%s, %s)', current_user, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"'));
    FOR attempt IN 1..3 LOOP
        EXIT WHEN cardinality(todo) = 0;
        PERFORM 1 FROM @extschema@.suppressions s JOIN unnest(todo) AS t(email) ON s.email = t.email
          WHERE s.closed_at IS NULL ORDER BY s.email FOR UPDATE OF s;
        WITH t AS (
            SELECT unnest(todo) AS email
        ), noted AS (
            UPDATE @extschema@.suppressions s SET note = concat_ws(E'\n', s.note, why || stamp)
              FROM t WHERE s.email = t.email AND s.closed_at IS NULL
            RETURNING s.email
        ), ins AS (
            INSERT INTO @extschema@.suppressions AS s (email, domain, cause, opened_by, note)
            SELECT t.email, split_part(t.email, '@', 2), 'operator', current_user, why
              FROM t WHERE NOT EXISTS (SELECT 1 FROM noted WHERE noted.email = t.email)
             ORDER BY t.email
            ON CONFLICT (email) WHERE closed_at IS NULL DO NOTHING
            RETURNING s.email
        )
        SELECT (SELECT count(*) FROM ins),
               coalesce((SELECT array_agg(t.email ORDER BY t.email) FROM t
                          WHERE NOT EXISTS (SELECT 1 FROM noted WHERE noted.email = t.email)
                            AND NOT EXISTS (SELECT 1 FROM ins WHERE ins.email = t.email)), '{}')
          INTO n, todo;
        opened := opened + n;
    END LOOP;
    IF cardinality(todo) > 0 THEN
        RAISE EXCEPTION 'could not suppress "%": its suppression kept being lifted concurrently', todo[1]
              USING ERRCODE = 'serialization_failure', HINT = 'Retry the call.';
    END IF;
    RETURN opened;
END
$$;
COMMENT ON FUNCTION @extschema@.suppress(text[], text) IS
    'operator: stop mailing addresses (all or nothing); an open period keeps its cause and gets the reason appended; returns how many periods were opened';

-- One address: suppress(ARRAY[email], why); returns the open period's id.
CREATE OR REPLACE FUNCTION @extschema@.suppress(email text, why text)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    addr text := @extschema@.require_address(email);
    id   bigint;
BEGIN
    PERFORM @extschema@.require_note(why, 'the reason', 'suppress(''jane@example.com'', ''asked by phone to stop'')');
    -- the period may be lifted between the two statements (an unsuppress() committing meanwhile): again
    FOR attempt IN 1..3 LOOP
        PERFORM @extschema@.suppress(ARRAY[addr], why);
        SELECT s.suppression_id INTO id FROM @extschema@.suppressions s WHERE s.email = addr AND s.closed_at IS NULL;
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
    'operator: stop mailing an address (when already suppressed, the reason is appended to the open period''s note); returns the open suppression id';

-- Closes the open suppressions of addresses (history kept), resolves their open notices and, unless told
-- not to, takes them off the providers' lists that hold them (queued in provider_removals and tried at
-- once; a failure there is reported with a NOTICE and retried by run_maintenance()).  All or nothing
-- (require_addresses, require_note); suppressions, then notices, each locked in address order.  Returns
-- the number of suppressions lifted.
CREATE OR REPLACE FUNCTION @extschema@.unsuppress(emails text[], why text, remove_at_providers boolean DEFAULT true)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    addrs text[];
    n     integer;
BEGIN
    addrs := @extschema@.require_addresses(emails);
    PERFORM @extschema@.require_note(why, 'the reason',
                                     'unsuppress(''jane@example.com'', ''user confirmed the address by phone'')');
    PERFORM 1 FROM @extschema@.suppressions s JOIN unnest(addrs) AS a(email) ON s.email = a.email
      WHERE s.closed_at IS NULL ORDER BY s.email FOR UPDATE OF s;
    UPDATE @extschema@.suppressions s
       SET closed_at = now(), closed_by = current_user, close_note = why
      FROM unnest(addrs) AS a(email)
     WHERE s.email = a.email AND s.closed_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM 1 FROM @extschema@.notices o JOIN unnest(addrs) AS a(email) ON o.email = a.email
      WHERE o.resolved_at IS NULL ORDER BY o.email FOR UPDATE OF o;
    UPDATE @extschema@.notices o
       SET resolved_at = now(), resolution = 'unsuppressed', resolved_by = current_user
      FROM unnest(addrs) AS a(email)
     WHERE o.email = a.email AND o.resolved_at IS NULL;
    IF remove_at_providers THEN
        PERFORM @extschema@.retry_provider_removals(a.email)
           FROM unnest(addrs) AS a(email)
          WHERE @extschema@.queue_provider_removals(a.email) > 0;
    END IF;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.unsuppress(text[], text, boolean) IS
    'operator: lift the suppressions of addresses (all or nothing; kept as history with who and why), resolve their open notices, and remove them from the providers'' lists; returns how many were lifted';

-- One address: unsuppress(ARRAY[email], why, remove_at_providers); true when one was open.
CREATE OR REPLACE FUNCTION @extschema@.unsuppress(email text, why text, remove_at_providers boolean DEFAULT true)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    RETURN @extschema@.unsuppress(ARRAY[@extschema@.require_address(email)], why, remove_at_providers) > 0;
END
$$;
COMMENT ON FUNCTION @extschema@.unsuppress(text, text, boolean) IS
    'operator: lift the suppression (kept as history with who and why), resolve the address''s open notice, and remove it from the providers'' lists';
