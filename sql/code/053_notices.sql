-- 053_notices.sql — the functions, views and triggers of sql/schema/053_notices.sql (re-runnable: every upgrade runs it again).

-- The kind of notice an address needs, from its open suppression (or, without one, its last bounce).
CREATE OR REPLACE FUNCTION @extschema@.notice_kind_for(cause @extschema@.suppression_cause, last_class @extschema@.bounce_class)
    RETURNS @extschema@.notice_kind
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE WHEN cause = 'hard_bounce' OR (cause IS NULL AND last_class = 'hard')
                THEN 'hard' ELSE 'repeated_soft' END::@extschema@.notice_kind
$$;

-- The one definition of "who needs an address-change notice": for every address (emails NULL: a scan,
-- pending_notices) or for the given ones (notice_for: index lookups — the filter is written into the
-- statement, so the plan probes by email instead of filtering a scan).  The statement is written once
-- below and made, when the extension is installed or updated, into the two static statements of
-- notices_due() (no input reaches that text; every value is a variable of the function).  Not granted to
-- anyone: the SECURITY DEFINER functions below call it.
DO $do$
DECLARE
    -- the statement, once; $1 = emails, $2 = min_soft_bounces, $3 = within, $4 = cooldown
    q text := $q$
    WITH candidates AS (
        SELECT s.email,
               CASE WHEN s.cause = 'hard_bounce' THEN 'hard' ELSE 'repeated_soft' END::@extschema@.notice_kind AS kind,
               coalesce(s.reason, a.last_reason) AS reason,
               CASE WHEN s.cause = 'hard_bounce' THEN a.hard_bounces ELSE a.soft_bounces + a.deferrals END AS bounces,
               a.first_bounce_at, a.last_bounce_at, a.last_diagnostic,
               s.opened_at AS suppressed_since
          FROM @extschema@.suppressions s
          JOIN @extschema@.addresses a ON a.email = s.email
         WHERE s.closed_at IS NULL AND s.cause IN ('hard_bounce', 'repeated_soft', 'persistent_soft')
           /*filter:s.email*/
        UNION ALL
        SELECT x.email, 'repeated_soft', x.reason, x.n::integer, a.first_bounce_at, a.last_bounce_at,
               a.last_diagnostic, NULL
          FROM (SELECT e.email, count(*) AS n,
                       (array_agg(e.reason ORDER BY e.occurred_at DESC))[1] AS reason
                  FROM @extschema@.events e
                  JOIN @extschema@.addresses a ON a.email = e.email
                 WHERE $2 IS NOT NULL
                   AND e.occurred_at >= now() - $3
                   AND e.event_type = 'bounce' AND e.bounce_class = 'soft' AND NOT e.list_entry
                   AND e.occurred_at > coalesce(a.last_delivered_at, '-infinity')
                   AND e.reason IN (SELECT r.reason FROM @extschema@.escalating_reasons r)
                   /*filter:e.email*/
                 GROUP BY e.email
                HAVING count(*) >= $2) x
          JOIN @extschema@.addresses a ON a.email = x.email
         WHERE NOT EXISTS (SELECT 1 FROM @extschema@.suppressions s
                            WHERE s.email = x.email AND s.closed_at IS NULL)
    )
    SELECT c.email, c.kind, c.reason, c.bounces, c.first_bounce_at, c.last_bounce_at, c.last_diagnostic,
           c.suppressed_since, o.notifications, o.last_notified_at
      FROM candidates c
      LEFT JOIN @extschema@.notices o ON o.email = c.email AND o.resolved_at IS NULL
     WHERE NOT (o.notice_id IS NOT NULL
                AND (CASE WHEN $4 IS NULL THEN o.cooldown_until
                          ELSE o.last_notified_at + $4 END) > now()
                AND coalesce(c.last_bounce_at, '-infinity') <= coalesce(o.evidence_at, '-infinity'))
       AND NOT EXISTS (SELECT 1 FROM @extschema@.notices d
                        WHERE d.email = c.email AND d.resolved_at IS NOT NULL
                          AND d.resolved_at >= coalesce(c.last_bounce_at, '-infinity'))
    $q$;
    params constant text[] := ARRAY['$1', 'emails', '$2', 'min_soft_bounces', '$3', 'within', '$4', 'cooldown'];
    every_address text := q;
    some_addresses text := replace(replace(q, '/*filter:s.email*/', 'AND s.email = ANY ($1)'),
                                   '/*filter:e.email*/', 'AND e.email = ANY ($1)');
BEGIN
    FOR i IN 1 .. cardinality(params) BY 2 LOOP
        every_address := replace(every_address, params[i], params[i + 1]);
        some_addresses := replace(some_addresses, params[i], params[i + 1]);
    END LOOP;
    -- two static statements whose generic plans PL/pgSQL keeps (plan_cache_mode: a custom plan for one
    -- address looks cheaper, so the plan cache would plan every call again): a page view's notice_for() is
    -- not planned on every call, as an EXECUTE of one text with the filter spliced in was (1.0-1.8 ms at
    -- 1,000,000 addresses, nearly all planning over the events partitions)
    EXECUTE format($create$
CREATE OR REPLACE FUNCTION @extschema@.notices_due(emails text[], min_soft_bounces integer, within interval,
                                                   cooldown interval)
    RETURNS TABLE (email text, kind @extschema@.notice_kind, reason @extschema@.bounce_reason,
                   bounces integer, first_bounce_at timestamptz, last_bounce_at timestamptz,
                   last_diagnostic text, suppressed_since timestamptz,
                   notifications integer, last_notified_at timestamptz)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan
    AS $body$
#variable_conflict use_column
BEGIN
    IF emails IS NULL THEN
        RETURN QUERY %s;
    ELSE
        RETURN QUERY %s;
    END IF;
END
$body$$create$, every_address, some_addresses);
END
$do$;

CREATE OR REPLACE FUNCTION @extschema@.pending_notices(min_soft_bounces integer DEFAULT NULL,
                                            within interval DEFAULT '30 days',
                                            cooldown interval DEFAULT NULL)
    RETURNS TABLE (email text, kind @extschema@.notice_kind, reason @extschema@.bounce_reason,
                   bounces integer, first_bounce_at timestamptz, last_bounce_at timestamptz,
                   last_diagnostic text, suppressed_since timestamptz,
                   notifications integer, last_notified_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.notices_due(NULL, min_soft_bounces, within, cooldown) $$;
COMMENT ON FUNCTION @extschema@.pending_notices(integer, interval, interval) IS
    'addresses whose users should be asked for a new address; min_soft_bounces adds addresses with that many soft bounces within `within`; cooldown overrides the one recorded at notification';

CREATE OR REPLACE VIEW @extschema@.pending_notices AS
    SELECT * FROM @extschema@.pending_notices();

-- The question of one page view ("does this user see the banner?"): pending_notices for the given address,
-- by index lookups (well under a millisecond at 1,000,000 addresses; pending_notices filtered on an email
-- would scan them all).  The address is normalized as ingestion stores it.
CREATE OR REPLACE FUNCTION @extschema@.notice_for(email text, min_soft_bounces integer DEFAULT NULL,
                                       within interval DEFAULT '30 days', cooldown interval DEFAULT NULL)
    RETURNS TABLE (email text, kind @extschema@.notice_kind, reason @extschema@.bounce_reason,
                   bounces integer, first_bounce_at timestamptz, last_bounce_at timestamptz,
                   last_diagnostic text, suppressed_since timestamptz,
                   notifications integer, last_notified_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.notices_due(ARRAY[@extschema@.normalize_email(notice_for.email)],
                                                 min_soft_bounces, within, cooldown) $$;
COMMENT ON FUNCTION @extschema@.notice_for(text, integer, interval, interval) IS
    'pending_notices for one address (a page view: does this user see the banner?), by index lookups';
COMMENT ON VIEW @extschema@.pending_notices IS
    'one row per address that needs an address-change notice (hard bounce, or escalated soft bounces), outside its cooldown';

-- Records that the users behind addresses were notified (my-page banner, SMS, another address ...).
-- Opens each address's notice or updates the open one; the cooldown (settings.notice_cooldown) keeps the
-- address off pending_notices until it passes or a new bounce arrives.  All or nothing: every address must
-- have a bounce recorded (P0002 otherwise), require_addresses, require_note.  One statement in address
-- order: two concurrent calls for an address without an open notice both land on one notice.  Returns the
-- number of notices opened or updated.
CREATE OR REPLACE FUNCTION @extschema@.mark_notified(emails text[], channel text)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    addrs    text[];
    cooldown interval := (SELECT s.notice_cooldown FROM @extschema@.settings s);
    missing  text;
    n        integer;
BEGIN
    addrs := @extschema@.require_addresses(emails);
    PERFORM @extschema@.require_note(channel, 'the channel', '''mypage_banner'', ''sms'' or ''alternate_email''');
    SELECT a.email INTO missing FROM unnest(addrs) AS a(email)
     WHERE NOT EXISTS (SELECT 1 FROM @extschema@.addresses x WHERE x.email = a.email) ORDER BY 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'no bounce is recorded for "%"', missing
              USING ERRCODE = 'no_data_found',
                    HINT = 'Only addresses listed by pending_notices need a notice; nothing was recorded.';
    END IF;
    INSERT INTO @extschema@.notices AS o (email, kind, reason, last_notified_at, notifications, channels,
                                          cooldown_until, evidence_at)
    SELECT a.email, @extschema@.notice_kind_for(sup.cause, x.last_class), coalesce(sup.reason, x.last_reason), now(),
           1, ARRAY[channel], now() + cooldown, x.last_bounce_at
      FROM unnest(addrs) AS a(email)
      JOIN @extschema@.addresses x ON x.email = a.email
      LEFT JOIN @extschema@.suppressions sup ON sup.email = a.email AND sup.closed_at IS NULL
     ORDER BY a.email
    ON CONFLICT (email) WHERE resolved_at IS NULL DO UPDATE
       SET last_notified_at = now(), notifications = o.notifications + 1,
           channels = CASE WHEN channel = ANY (o.channels) THEN o.channels ELSE o.channels || channel END,
           cooldown_until = now() + cooldown, evidence_at = excluded.evidence_at, notified_by = current_user;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.mark_notified(text[], text) IS
    'record that the users of addresses were asked for new ones (channel: mypage_banner, sms, ...), all or nothing; starts their cooldown; returns how many notices';

-- One address: mark_notified(ARRAY[email], channel); returns the notice id.
CREATE OR REPLACE FUNCTION @extschema@.mark_notified(email text, channel text)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    addr text := @extschema@.require_address(email);
    id   bigint;
BEGIN
    PERFORM @extschema@.mark_notified(ARRAY[addr], channel);
    SELECT o.notice_id INTO id FROM @extschema@.notices o WHERE o.email = addr AND o.resolved_at IS NULL;
    RETURN id;
END
$$;
COMMENT ON FUNCTION @extschema@.mark_notified(text, text) IS
    'record that the user of an address was asked for a new one (channel: mypage_banner, sms, ...); starts the cooldown';

-- Trigger function for the application's own users table:
--   CREATE TRIGGER bounce_mgmt_email_changed AFTER UPDATE OF email ON users
--       FOR EACH ROW EXECUTE FUNCTION bounce_mgmt.user_email_changed();        -- column "email"
--       ... EXECUTE FUNCTION bounce_mgmt.user_email_changed('mail_address');   -- another column name
-- When the address really changes, the old address's open notice is resolved as address_changed (with the
-- new address recorded); nothing of the old address's state moves to the new one.  C (src/pg/user_trigger.c):
-- it reads only that column, runs with the rights of the role updating the table (bounce_mgmt_writer), and
-- raises an error when attached as anything but AFTER UPDATE ... FOR EACH ROW.
CREATE OR REPLACE FUNCTION @extschema@.user_email_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'bm_user_email_changed'
    LANGUAGE C
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.user_email_changed() IS
    'AFTER UPDATE OF email trigger for the application''s users table: resolves the old address''s open notice as address_changed';
