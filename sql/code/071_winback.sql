-- 071_winback.sql — win-back campaigns (issue 11): the source document's "when there is no other way to
-- check an address, send a win-back mail and remove those who do not respond".  winback_start() records
-- the members; what happens to them is read from engagement (the write path keeps it) by
-- winback_evidence(), recorded by winback_observe() on every run_maintenance(), and run_maintenance()
-- closes a campaign after its deadline, suppressing (cause inactive) the members whose mail was delivered
-- and who did not respond.  Locks: member rows in campaign order (winback_confirm, maintenance), then
-- suppressions (open_suppressions: address order).

-- Starts a campaign over the given addresses (one array; from a query: array_agg).  Invalid addresses,
-- repeats and addresses already suppressed are left out (said in a NOTICE).  Returns the campaign id.
CREATE OR REPLACE FUNCTION @extschema@.winback_start(name text, emails text[],
                                                     respond_within interval DEFAULT '14 days')
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_custom_plan
    AS $$
#variable_conflict use_column
DECLARE
    id        bigint;
    given     bigint;
    invalid   bigint;
    addrs     text[];
    distinct_ bigint;
    members   bigint;
BEGIN
    PERFORM @extschema@.require_note(name, 'the campaign name', 'winback_start(''2026-q4 win-back'', ...)');
    IF emails IS NULL OR respond_within IS NULL THEN
        RAISE EXCEPTION 'emails and respond_within must not be NULL'
              USING ERRCODE = 'null_value_not_allowed',
                    HINT = 'array_agg() over no rows is NULL: there is nobody to win back.';
    END IF;
    IF cardinality(emails) = 0 THEN
        RAISE EXCEPTION 'a win-back campaign needs at least one address' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF respond_within <= interval '0' OR respond_within > interval '1 year' THEN
        RAISE EXCEPTION 'respond_within must be more than 0 and at most 1 year: %', respond_within
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM @extschema@.winback_campaigns c WHERE c.name = winback_start.name) THEN
        RAISE EXCEPTION 'win-back campaign "%" already exists', name
              USING ERRCODE = 'duplicate_object', HINT = 'Campaigns are kept as history: choose another name.';
    END IF;
    INSERT INTO @extschema@.winback_campaigns AS c (name, respond_within, deadline)
    VALUES (name, respond_within, now() + respond_within)
    RETURNING c.campaign_id INTO id;
    -- the distinct addresses, sorted, in one pass; unnested from a variable in a custom plan (plan_cache_mode
    -- above), their number is known to the planner, which then hashes the open suppressions instead of
    -- probing them once per address
    SELECT count(*), count(*) FILTER (WHERE x.addr IS NULL),
           array_agg(DISTINCT x.addr) FILTER (WHERE x.addr IS NOT NULL)
      INTO given, invalid, addrs
      FROM (SELECT @extschema@.normalize_email(e) AS addr FROM unnest(emails) AS e) x;
    distinct_ := coalesce(cardinality(addrs), 0);
    INSERT INTO @extschema@.winback_members (campaign_id, email)
    SELECT id, a FROM unnest(addrs) AS a
     WHERE NOT EXISTS (SELECT 1 FROM @extschema@.suppressions s WHERE s.email = a AND s.closed_at IS NULL)
     ORDER BY a;
    GET DIAGNOSTICS members = ROW_COUNT;
    RAISE NOTICE 'win-back campaign "%": % members, to respond within %', name, members, respond_within
          USING DETAIL = format('Left out: %s already suppressed, %s not addresses, %s repeated.',
                                distinct_ - members, invalid, given - invalid - distinct_);
    RETURN id;
END
$$;
COMMENT ON FUNCTION @extschema@.winback_start(text, text[], interval) IS
    'start a win-back campaign: the addresses (invalid, repeated and suppressed ones left out) must respond within respond_within after the mail is delivered, or maintenance suppresses them (cause inactive); returns the campaign id';

-- What is known of a campaign's members: what was recorded, and — while the campaign is open — what
-- engagement says since it started.  Sent: a send, delivery, click or bounce since the start; delivered: a
-- delivery since the start (or a click, which proves one); a response: a human click or a recorded
-- activity from the delivery to the deadline (opens do not count: README), or winback_confirm().
-- engagement keeps the last time of each kind, so when two deliveries or two responses fall between two
-- observations only the later is seen (run_maintenance() observes every run; the close reads clicks from
-- the events as well).
CREATE OR REPLACE FUNCTION @extschema@.winback_evidence(campaign bigint)
    RETURNS TABLE (email text, campaign_id bigint, sent_at timestamptz, delivered_at timestamptz,
                   bounced_at timestamptz, responded_at timestamptz, response text, removed_at timestamptz)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT m.email, m.campaign_id, coalesce(m.sent_at, least(e.sent, d.at, e.bounced)), d.at,
           coalesce(m.bounced_at, e.bounced), coalesce(m.responded_at, least(r.click, r.activity)),
           coalesce(m.response, CASE WHEN r.click IS NOT NULL AND (r.activity IS NULL OR r.click <= r.activity)
                                     THEN 'click' WHEN r.activity IS NOT NULL THEN g.last_activity_kind END),
           m.removed_at
      FROM @extschema@.winback_members m
      JOIN @extschema@.winback_campaigns c ON c.campaign_id = m.campaign_id
      LEFT JOIN @extschema@.engagement_current g ON g.email = m.email AND c.closed_at IS NULL
     CROSS JOIN LATERAL (
           SELECT CASE WHEN g.last_sent_at >= c.started_at THEN g.last_sent_at END AS sent,
                  CASE WHEN g.last_delivered_at >= c.started_at THEN g.last_delivered_at END AS delivered,
                  CASE WHEN g.last_bounce_at >= c.started_at THEN g.last_bounce_at END AS bounced,
                  CASE WHEN g.last_click_at >= c.started_at THEN g.last_click_at END AS clicked) e
     CROSS JOIN LATERAL (SELECT coalesce(m.delivered_at, e.delivered, e.clicked) AS at) d
     CROSS JOIN LATERAL (
           SELECT CASE WHEN g.last_click_at >= d.at AND g.last_click_at <= c.deadline THEN g.last_click_at END AS click,
                  CASE WHEN g.last_activity_at >= d.at AND g.last_activity_at <= c.deadline
                       THEN g.last_activity_at END AS activity) r
     WHERE m.campaign_id = campaign
$$;
COMMENT ON FUNCTION @extschema@.winback_evidence(bigint) IS
    'a win-back campaign''s members with what is recorded and, while it is open, what engagement says since it started: sent, delivered, bounced, responded (click, activity kind, confirm), removed';

-- Records winback_evidence() in winback_members (rows that change only); returns how many changed.
CREATE OR REPLACE FUNCTION @extschema@.winback_observe(campaign bigint)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    n bigint;
BEGIN
    UPDATE @extschema@.winback_members m
       SET sent_at = e.sent_at, delivered_at = e.delivered_at, bounced_at = e.bounced_at,
           responded_at = e.responded_at, response = e.response
      FROM @extschema@.winback_evidence(campaign) e
     WHERE m.campaign_id = campaign AND m.email = e.email
       AND (m.sent_at, m.delivered_at, m.bounced_at, m.responded_at, m.response)
           IS DISTINCT FROM (e.sent_at, e.delivered_at, e.bounced_at, e.responded_at, e.response);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.winback_observe(bigint) IS
    'record what engagement says of an open win-back campaign''s members (run_maintenance() does it every run)';

-- The user answered the win-back mail (a "keep me subscribed" link, a reply the application read): a
-- response in every open campaign of the address whose deadline has not passed, and an activity in
-- engagement.  Returns the number of campaigns it answered.
CREATE OR REPLACE FUNCTION @extschema@.winback_confirm(email text)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    addr text := @extschema@.require_address(email);
    n    integer;
    late text;
BEGIN
    PERFORM @extschema@.record_activities(ARRAY[addr], ARRAY[now()], 'winback_confirm');
    -- member rows in campaign order, as maintenance takes them
    PERFORM 1 FROM @extschema@.winback_members m JOIN @extschema@.winback_campaigns c USING (campaign_id)
      WHERE m.email = addr AND c.closed_at IS NULL
      ORDER BY m.campaign_id FOR UPDATE OF m;
    UPDATE @extschema@.winback_members m SET responded_at = now(), response = 'confirm'
      FROM @extschema@.winback_campaigns c
     WHERE m.email = addr AND c.campaign_id = m.campaign_id AND c.closed_at IS NULL AND now() <= c.deadline
       AND m.responded_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    SELECT string_agg(c.name, ', ' ORDER BY c.campaign_id) INTO late
      FROM @extschema@.winback_members m JOIN @extschema@.winback_campaigns c USING (campaign_id)
     WHERE m.email = addr AND m.responded_at IS NULL AND (c.closed_at IS NOT NULL OR now() > c.deadline);
    IF late IS NOT NULL THEN
        RAISE NOTICE 'too late for win-back campaign(s) %: their deadline has passed', late
              USING HINT = 'If the address was removed, lift it with unsuppress().';
    END IF;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.winback_confirm(text) IS
    'the user answered the win-back mail: a response in each open campaign of the address before its deadline; returns how many';

-- Closes the campaigns whose deadline has passed (run_maintenance() calls it): records the evidence, reads
-- the members' clicks from the events as well (exact even when engagement moved on), and suppresses the
-- members whose mail was delivered and who did not respond — cause inactive, evidence time the deadline,
-- through open_suppressions() (an operator's unsuppress() after the deadline wins).  Returns the number of
-- members removed.
CREATE OR REPLACE FUNCTION @extschema@.winback_close_expired()
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    c       @extschema@.winback_campaigns;
    addrs   text[];
    removed bigint := 0;
    n       bigint;
BEGIN
    FOR c IN SELECT * FROM @extschema@.winback_campaigns x
              WHERE x.closed_at IS NULL AND x.deadline <= now()
              ORDER BY x.campaign_id FOR UPDATE SKIP LOCKED
    LOOP
        PERFORM @extschema@.winback_observe(c.campaign_id);
        UPDATE @extschema@.winback_members m SET responded_at = k.at, response = 'click'
          FROM (SELECT m.email, min(e.occurred_at) AS at
                  FROM @extschema@.winback_members m
                  JOIN @extschema@.events e ON e.email = m.email AND e.event_type = 'click'
                                           AND e.occurred_at >= c.started_at AND e.occurred_at <= c.deadline
                                           AND e.occurred_at >= m.delivered_at
                                           AND e.provider_subtype IS DISTINCT FROM 'machine'
                 WHERE m.campaign_id = c.campaign_id AND m.responded_at IS NULL AND m.delivered_at IS NOT NULL
                 GROUP BY m.email) k
         WHERE m.campaign_id = c.campaign_id AND m.email = k.email;
        SELECT array_agg(m.email ORDER BY m.email) INTO addrs
          FROM @extschema@.winback_members m
         WHERE m.campaign_id = c.campaign_id AND m.delivered_at IS NOT NULL AND m.responded_at IS NULL;
        IF addrs IS NOT NULL THEN
            PERFORM @extschema@.open_suppressions(
                addrs, array_fill('inactive'::@extschema@.suppression_cause, ARRAY[cardinality(addrs)]),
                array_fill(NULL::@extschema@.bounce_reason, ARRAY[cardinality(addrs)]),
                array_fill(NULL::bigint, ARRAY[cardinality(addrs)]),
                array_fill(c.deadline, ARRAY[cardinality(addrs)]), NULL,
                array_fill(format('win-back campaign "%s": no response by %s', c.name, c.deadline),
                           ARRAY[cardinality(addrs)]));
            -- removed: the members whose address is now suppressed for inactivity
            UPDATE @extschema@.winback_members m SET removed_at = now()
              FROM @extschema@.suppressions s
             WHERE m.campaign_id = c.campaign_id AND m.delivered_at IS NOT NULL AND m.responded_at IS NULL
               AND s.email = m.email AND s.closed_at IS NULL AND s.cause = 'inactive';
            GET DIAGNOSTICS n = ROW_COUNT;
            removed := removed + n;
        END IF;
        UPDATE @extschema@.winback_campaigns x SET closed_at = now(), closed_by = current_user
         WHERE x.campaign_id = c.campaign_id;
    END LOOP;
    RETURN removed;
END
$$;
COMMENT ON FUNCTION @extschema@.winback_close_expired() IS
    'close the win-back campaigns past their deadline: suppress (cause inactive) the members whose mail was delivered and who did not respond; returns how many were removed';

-- One row per campaign (all, or the one named): members, and how many were sent the mail, got it, bounced,
-- responded, and were removed.  Open campaigns are read live (engagement), closed ones as recorded.
CREATE OR REPLACE FUNCTION @extschema@.winback_report(name text DEFAULT NULL)
    RETURNS TABLE (campaign text, started_at timestamptz, deadline timestamptz, closed_at timestamptz,
                   members bigint, sent bigint, delivered bigint, bounced bigint, responded bigint, removed bigint)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
BEGIN
    IF name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.winback_campaigns c WHERE c.name = winback_report.name) THEN
        RAISE EXCEPTION 'win-back campaign "%" does not exist', name USING ERRCODE = 'undefined_object';
    END IF;
    RETURN QUERY
    SELECT c.name, c.started_at, c.deadline, c.closed_at, count(e.email), count(e.sent_at), count(e.delivered_at),
           count(e.bounced_at), count(e.responded_at), count(e.removed_at)
      FROM @extschema@.winback_campaigns c
      LEFT JOIN LATERAL @extschema@.winback_evidence(c.campaign_id) e ON true
     WHERE winback_report.name IS NULL OR c.name = winback_report.name
     GROUP BY c.campaign_id
     ORDER BY c.campaign_id;
END
$$;
COMMENT ON FUNCTION @extschema@.winback_report(text) IS
    'per win-back campaign (NULL: all): members, sent, delivered, bounced, responded, removed';
