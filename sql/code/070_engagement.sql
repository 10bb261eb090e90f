-- 070_engagement.sql — list hygiene (issue 11), the functions of sql/schema/070_hygiene.sql's engagement and
-- unsubscribes: the application's own signals (record_activities), who needs a status check before the
-- next mailing (stale_recipients), unsubscribes the application learns itself (RFC 8058 one-click), and
-- can_send by purpose.  The write path keeps both tables from provider events (src/pg/ingest_store.c).

-- Refuses a time outside what ingestion accepts for events: 2000-01-01 to a day ahead (22008), or NULL (22004).
CREATE OR REPLACE FUNCTION @extschema@.require_event_time(at timestamptz, what text)
    RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF at IS NULL THEN
        RAISE EXCEPTION '% must not be NULL', what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT isfinite(at) OR at < '2000-01-01 00:00:00+00' OR at > now() + interval '1 day' THEN
        RAISE EXCEPTION '% out of range: %', what, at
              USING ERRCODE = 'datetime_field_overflow',
                    DETAIL = 'Times are taken from 2000-01-01 to one day ahead of now.';
    END IF;
END
$$;

-- What is known of each address: engagement with the rows the write path appended since the last fold.
CREATE OR REPLACE VIEW @extschema@.engagement_current AS
    SELECT coalesce(e.email, n.email) AS email, coalesce(e.domain, split_part(n.email, '@', 2)) AS domain,
           least(e.first_seen_at, n.first_seen_at) AS first_seen_at,
           greatest(e.last_sent_at, n.last_sent_at) AS last_sent_at,
           greatest(e.last_delivered_at, n.last_delivered_at) AS last_delivered_at,
           greatest(e.last_open_at, n.last_open_at) AS last_open_at,
           greatest(e.last_machine_open_at, n.last_machine_open_at) AS last_machine_open_at,
           greatest(e.last_click_at, n.last_click_at) AS last_click_at,
           e.last_activity_at, e.last_activity_kind,
           greatest(e.last_bounce_at, n.last_bounce_at) AS last_bounce_at
      FROM @extschema@.engagement e
      FULL JOIN (SELECT r.email, min(r.first_seen_at) AS first_seen_at,
                        max(r.last_sent_at) AS last_sent_at, max(r.last_delivered_at) AS last_delivered_at,
                        max(r.last_open_at) AS last_open_at, max(r.last_machine_open_at) AS last_machine_open_at,
                        max(r.last_click_at) AS last_click_at, max(r.last_bounce_at) AS last_bounce_at
                   FROM @extschema@.engagement_recent r GROUP BY r.email) n ON n.email = e.email;
COMMENT ON VIEW @extschema@.engagement_current IS
    'engagement per address as of now: the folded rows of engagement with what the write path appended since (engagement_recent)';

-- Folds the rows the write path appended into engagement, one upsert in address order (readers see the
-- same before, after and in between: engagement_current).  Rows appended meanwhile stay for the next run;
-- one fold at a time (another returns 0 at once).  Returns the rows folded.
CREATE OR REPLACE FUNCTION @extschema@.compact_engagement()
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    n bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(1651078245, 2) THEN     -- 'bmce', 2: this function only
        RETURN 0;
    END IF;
    WITH d AS (
        DELETE FROM @extschema@.engagement_recent RETURNING *
    ), up AS (
        INSERT INTO @extschema@.engagement AS g (email, domain, first_seen_at, last_sent_at, last_delivered_at,
                                                 last_open_at, last_machine_open_at, last_click_at, last_bounce_at)
        SELECT d.email, split_part(d.email, '@', 2), min(d.first_seen_at), max(d.last_sent_at), max(d.last_delivered_at),
               max(d.last_open_at), max(d.last_machine_open_at), max(d.last_click_at), max(d.last_bounce_at)
          FROM d GROUP BY d.email ORDER BY d.email
        ON CONFLICT (email) DO UPDATE SET
            first_seen_at = least(g.first_seen_at, excluded.first_seen_at),
            last_sent_at = greatest(g.last_sent_at, excluded.last_sent_at),
            last_delivered_at = greatest(g.last_delivered_at, excluded.last_delivered_at),
            last_open_at = greatest(g.last_open_at, excluded.last_open_at),
            last_machine_open_at = greatest(g.last_machine_open_at, excluded.last_machine_open_at),
            last_click_at = greatest(g.last_click_at, excluded.last_click_at),
            last_bounce_at = greatest(g.last_bounce_at, excluded.last_bounce_at)
    )
    SELECT count(*) INTO n FROM d;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.compact_engagement() IS
    'fold the engagement rows the write path appended into engagement (run_maintenance does it)';

-- The application's own signs of life for an address (a login, a purchase, a reply it received): the
-- engagement the providers cannot see.  ats has one time per address, or one for all.  Invalid addresses
-- are skipped; returns how many entries were recorded.  One upsert in address order.
CREATE OR REPLACE FUNCTION @extschema@.record_activities(emails text[], ats timestamptz[], kind text)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    n      bigint;
    bad_at timestamptz;
BEGIN
    IF emails IS NULL OR ats IS NULL THEN
        RAISE EXCEPTION 'emails and ats must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM @extschema@.require_note(kind, 'the kind', '''login'', ''purchase'' or ''reply''');
    IF kind !~ '^[a-z][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'invalid activity kind: "%"', kind
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'A kind is a lower-case word: login, purchase, reply ...';
    END IF;
    IF cardinality(ats) NOT IN (1, cardinality(emails)) AND cardinality(emails) > 0 THEN
        RAISE EXCEPTION 'ats has % elements for % addresses', cardinality(ats), cardinality(emails)
              USING ERRCODE = 'invalid_parameter_value', HINT = 'Give one time per address, or one for all.';
    END IF;
    SELECT a INTO bad_at FROM unnest(ats) a
     WHERE a IS NULL OR NOT isfinite(a) OR a < '2000-01-01 00:00:00+00' OR a > now() + interval '1 day' LIMIT 1;
    IF FOUND THEN
        PERFORM @extschema@.require_event_time(bad_at, 'an activity time');
    END IF;
    WITH x AS (
        SELECT @extschema@.normalize_email(e.email) AS addr,
               CASE WHEN cardinality(ats) = 1 THEN ats[1] ELSE ats[e.i] END AS at
          FROM unnest(emails) WITH ORDINALITY AS e(email, i)
    ), up AS (
        INSERT INTO @extschema@.engagement AS g (email, domain, first_seen_at, last_activity_at, last_activity_kind)
        SELECT DISTINCT ON (x.addr) x.addr, split_part(x.addr, '@', 2), least(x.at, now()), x.at, kind
          FROM x WHERE x.addr IS NOT NULL
         ORDER BY x.addr, x.at DESC
        ON CONFLICT (email) DO UPDATE
           SET last_activity_at = excluded.last_activity_at, last_activity_kind = excluded.last_activity_kind
         WHERE excluded.last_activity_at >= coalesce(g.last_activity_at, '-infinity')
    )
    SELECT count(*) INTO n FROM x WHERE x.addr IS NOT NULL;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.record_activities(text[], timestamptz[], text) IS
    'record the application''s own signs of life (login, purchase, reply ...) for addresses, one time each or one for all: engagement the providers cannot see; returns how many were recorded';

CREATE OR REPLACE FUNCTION @extschema@.record_activity(email text, at timestamptz, kind text)
    RETURNS bigint
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT @extschema@.record_activities(ARRAY[email], ARRAY[at], kind) $$;
COMMENT ON FUNCTION @extschema@.record_activity(text, timestamptz, text) IS
    'record one sign of life of an address (login, purchase, reply ...); 0 when the text is not an address';

-- Addresses that need a check by other means (a login, a purchase) before they are mailed again: not
-- mailed for not_mailed_for, or without engagement (a human open, a click, a recorded activity) for
-- not_engaged_for — counted from when bounce_mgmt first saw the address when it never engaged.  Either
-- interval may be NULL (that test is skipped), not both.  Suppressed addresses are left out (nobody mails
-- them).  One pass over engagement.
CREATE OR REPLACE FUNCTION @extschema@.stale_recipients(not_mailed_for interval, not_engaged_for interval)
    RETURNS TABLE (email text, domain text, last_mailed_at timestamptz, last_engaged_at timestamptz,
                   not_mailed boolean, not_engaged boolean)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF not_mailed_for IS NULL AND not_engaged_for IS NULL THEN
        RAISE EXCEPTION 'not_mailed_for and not_engaged_for must not both be NULL'
              USING ERRCODE = 'null_value_not_allowed',
                    HINT = 'For example stale_recipients(''180 days'', ''365 days'').';
    END IF;
    IF not_mailed_for <= interval '0' OR not_engaged_for <= interval '0' THEN
        RAISE EXCEPTION 'the intervals must be positive: not_mailed_for = %, not_engaged_for = %',
                        not_mailed_for, not_engaged_for
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT g.email, g.domain, m.mailed, x.engaged,
           coalesce(m.mailed < now() - not_mailed_for, false),
           coalesce(coalesce(x.engaged, g.first_seen_at) < now() - not_engaged_for, false)
      FROM @extschema@.engagement_current g
     CROSS JOIN LATERAL (SELECT greatest(g.last_sent_at, g.last_delivered_at, g.last_bounce_at) AS mailed) m
     CROSS JOIN LATERAL (SELECT greatest(g.last_open_at, g.last_click_at, g.last_activity_at) AS engaged) x
     WHERE (m.mailed < now() - not_mailed_for OR coalesce(x.engaged, g.first_seen_at) < now() - not_engaged_for)
       AND NOT EXISTS (SELECT 1 FROM @extschema@.suppressions s WHERE s.email = g.email AND s.closed_at IS NULL);
END
$$;
COMMENT ON FUNCTION @extschema@.stale_recipients(interval, interval) IS
    'addresses to check by other means (login, purchase) before the next mailing: not mailed for not_mailed_for, or not engaged (human open, click, recorded activity) for not_engaged_for; suppressed addresses left out';

-- An unsubscribe the application learnt itself: an RFC 8058 one-click POST to its List-Unsubscribe URL
-- (one_click => true), a preference page (false).  list NULL or '': every marketing list.  Returns true
-- when the address was not unsubscribed from that list before.
CREATE OR REPLACE FUNCTION @extschema@.record_unsubscribe(email text, list text DEFAULT NULL,
                                                          one_click boolean DEFAULT true,
                                                          at timestamptz DEFAULT pg_catalog.now())
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    addr text := @extschema@.require_address(email);
    l    text := coalesce(btrim(list), '');
    was  boolean;
BEGIN
    IF one_click IS NULL THEN
        RAISE EXCEPTION 'one_click must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM @extschema@.require_event_time(at, 'at');
    SELECT u.resubscribed_at IS NULL OR u.resubscribed_at < u.unsubscribed_at INTO was
      FROM @extschema@.unsubscribes u WHERE u.email = addr AND u.list = l;
    INSERT INTO @extschema@.unsubscribes AS u (email, list, via, unsubscribed_at)
    VALUES (addr, l, CASE WHEN one_click THEN 'one_click' ELSE 'application' END::@extschema@.unsubscribe_via, at)
    ON CONFLICT (email, list) DO UPDATE
       SET via = excluded.via, provider = NULL, detail = NULL, recorded_at = now(),
           unsubscribed_at = excluded.unsubscribed_at
     WHERE excluded.unsubscribed_at > u.unsubscribed_at;
    RETURN NOT coalesce(was, false);
END
$$;
COMMENT ON FUNCTION @extschema@.record_unsubscribe(text, text, boolean, timestamptz) IS
    'record an unsubscribe the application received (one_click: an RFC 8058 List-Unsubscribe-Post request); list NULL = every marketing list; true when it is new';

-- The address opted in again (to one list, or with NULL to marketing as a whole): ends the unsubscribe
-- (or complaint) in force for that list, kept as history.  Returns true when one was in force.
CREATE OR REPLACE FUNCTION @extschema@.record_resubscribe(email text, list text DEFAULT NULL,
                                                          at timestamptz DEFAULT pg_catalog.now())
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    addr text := @extschema@.require_address(email);
    n    integer;
BEGIN
    PERFORM @extschema@.require_event_time(at, 'at');
    UPDATE @extschema@.unsubscribes u SET resubscribed_at = at, recorded_at = now()
     WHERE u.email = addr AND u.list = coalesce(btrim(list), '') AND at > u.unsubscribed_at
       AND (u.resubscribed_at IS NULL OR u.resubscribed_at < u.unsubscribed_at);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n > 0;
END
$$;
COMMENT ON FUNCTION @extschema@.record_resubscribe(text, text, timestamptz) IS
    'the address opted in again to a list (NULL: marketing as a whole): ends the unsubscribe in force, kept as history';

-- can_send by purpose (C, src/pg/suppression.c): 'transactional' is can_send(email) (a password reset
-- still reaches an unsubscribed user); 'marketing' also honours unsubscribes and complaints from every
-- list; 'marketing:<list>' those of that list too.  The one-argument can_send(email) stays the
-- transactional form (a default on this one would make every existing call ambiguous).
CREATE OR REPLACE FUNCTION @extschema@.can_send(email text, purpose text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'bm_can_send_purpose_sql' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.can_send(text, text) IS
    'true when the text is an address that is not suppressed and, for purpose ''marketing'' (or ''marketing:<list>''), not unsubscribed; ''transactional'' ignores unsubscribes';
