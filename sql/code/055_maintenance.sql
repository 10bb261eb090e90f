-- 055_maintenance.sql — the functions, views and triggers of sql/schema/055_maintenance.sql (re-runnable: every upgrade runs it again).

-- Drops monthly partitions of events that end before `older_than`; returns the dropped names.  Only
-- partitions whose upper bound is known are considered; counters and addresses are untouched.  SECURITY
-- DEFINER (only the table's owner may drop partitions): it reads the catalog and its one argument; the
-- bounds are read back in the settings they were written with (UTC, ISO).
CREATE OR REPLACE FUNCTION @extschema@.drop_event_partitions(older_than timestamptz)
    RETURNS SETOF text
    LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
    AS $$
DECLARE
    p    record;
    name text;
BEGIN
    FOR p IN
        SELECT c.oid::regclass AS part, b.upper_bound
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          CROSS JOIN LATERAL (
                SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid),
                                     'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper_bound) b
         WHERE i.inhparent = '@extschema@.events'::regclass
           AND b.upper_bound IS NOT NULL AND b.upper_bound <= older_than
         ORDER BY b.upper_bound
    LOOP
        -- the name comes from the catalog, not from input; regclass output is quoted (and taken before
        -- the DROP: a dropped table's regclass prints as a number)
        name := p.part::text;
        EXECUTE format('DROP TABLE %s', name);
        RETURN NEXT name;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.drop_event_partitions(timestamptz) IS
    'retention: drop the events partitions that end before the given time (counters, addresses, suppressions are kept)';

-- Folds the counter rows ingestion appended since the last run into one row per hour and key (readers
-- sum either way: the answer is the same before and after, and every moment in between, since the rows
-- are swapped in one transaction).  Rows appended meanwhile stay for the next run.  Only one compaction
-- runs at a time (another one returns 0 at once); ingestion never waits for it.  Returns the rows folded.
CREATE OR REPLACE FUNCTION @extschema@.compact_counters()
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    folded bigint := 0;
    n      bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(1651078245, 1) THEN     -- 'bmce': this function only
        RETURN 0;
    END IF;
    WITH k AS (
        SELECT DISTINCT c.hour, c.provider, c.domain FROM @extschema@.hourly_counts c WHERE NOT c.compacted
    ), d AS (
        DELETE FROM @extschema@.hourly_counts c USING k
         WHERE c.hour = k.hour AND c.provider IS NOT DISTINCT FROM k.provider AND c.domain = k.domain
        RETURNING c.*
    ), i AS (
        INSERT INTO @extschema@.hourly_counts (hour, provider, domain, sent, delivered, hard, soft, deferred, dropped,
                                               complaints, unsubscribes, sender_side, excluded, compacted)
        SELECT d.hour, d.provider, d.domain, sum(d.sent), sum(d.delivered), sum(d.hard), sum(d.soft),
               sum(d.deferred), sum(d.dropped), sum(d.complaints), sum(d.unsubscribes), sum(d.sender_side),
               sum(d.excluded), true
          FROM d GROUP BY d.hour, d.provider, d.domain
    )
    SELECT count(*) INTO n FROM d;
    folded := folded + n;
    WITH k AS (
        SELECT DISTINCT c.hour, c.provider, c.domain, c.reason
          FROM @extschema@.hourly_reason_counts c WHERE NOT c.compacted
    ), d AS (
        DELETE FROM @extschema@.hourly_reason_counts c USING k
         WHERE c.hour = k.hour AND c.provider = k.provider AND c.domain = k.domain AND c.reason = k.reason
        RETURNING c.*
    ), i AS (
        INSERT INTO @extschema@.hourly_reason_counts (hour, provider, domain, reason, n, compacted)
        SELECT d.hour, d.provider, d.domain, d.reason, sum(d.n), true
          FROM d GROUP BY d.hour, d.provider, d.domain, d.reason
    )
    SELECT count(*) INTO n FROM d;
    folded := folded + n;
    WITH k AS (
        SELECT DISTINCT c.hour, c.source FROM @extschema@.hourly_totals c WHERE NOT c.compacted
    ), d AS (
        DELETE FROM @extschema@.hourly_totals c USING k
         WHERE c.hour = k.hour AND c.source = k.source
        RETURNING c.*
    ), i AS (
        INSERT INTO @extschema@.hourly_totals (hour, source, sent, delivered, hard, soft, complaints, sender_side,
                                               compacted)
        SELECT d.hour, d.source, sum(d.sent), sum(d.delivered), sum(d.hard), sum(d.soft), sum(d.complaints),
               sum(d.sender_side), true
          FROM d GROUP BY d.hour, d.source
    )
    SELECT count(*) INTO n FROM d;
    RETURN folded + n;
END
$$;
COMMENT ON FUNCTION @extschema@.compact_counters() IS
    'fold the counter rows appended since the last run into one row per hour and key (run_maintenance does it; schedule it every minute for a busy write path)';

-- Records an alert unless the same kind/scope/level is already on record within the alert window, raises
-- a WARNING and sends a NOTIFY with the alert as JSON.  Returns true when a new alert was recorded.
CREATE OR REPLACE FUNCTION @extschema@.raise_alert(kind @extschema@.alert_kind, level @extschema@.rate_verdict, scope text,
                                        value numeric, threshold numeric, period_from timestamptz,
                                        period_to timestamptz, details jsonb DEFAULT NULL)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    a @extschema@.alerts;
    channel text := (SELECT s.notify_channel FROM @extschema@.settings s);
BEGIN
    -- two maintenance runs at once record an alert once: the check and the insert are serialized per
    -- kind, scope and level (a transaction-level lock on just that key)
    PERFORM pg_advisory_xact_lock(1651340154,
                                  hashtext(kind::text || '/' || coalesce(scope, '') || '/' || level::text));
    IF EXISTS (SELECT 1 FROM @extschema@.alerts x
                WHERE x.kind = raise_alert.kind AND x.scope = coalesce(raise_alert.scope, '')
                  AND x.level = raise_alert.level AND x.period_to > raise_alert.period_from) THEN
        RETURN false;
    END IF;
    INSERT INTO @extschema@.alerts (kind, level, scope, value, threshold, period_from, period_to, details)
    VALUES (kind, level, coalesce(scope, ''), value, threshold, period_from, period_to, details)
    RETURNING * INTO a;
    RAISE WARNING 'bounce_mgmt alert: % at % level%: % (threshold %)',
          a.kind, a.level, CASE WHEN a.scope <> '' THEN ' for ' || a.scope ELSE '' END,
          a.value, a.threshold;
    PERFORM pg_notify(channel, to_jsonb(a)::text);
    RETURN true;
END
$$;

-- The steps run in an order that holds locks as briefly as possible: the provider calls (HTTP) first,
-- while nothing is locked yet; dropping expired partitions last, because it locks events exclusively until
-- the transaction ends.  Each step is isolated: one that fails is reported (WARNING, and in failures) and
-- the others still run; a cancel stops everything.
CREATE OR REPLACE FUNCTION @extschema@.run_maintenance(
    OUT escalated integer, OUT escalations_lifted integer, OUT partitions_created integer,
    OUT partitions_dropped integer, OUT alerts integer, OUT removals_done integer, OUT duration interval,
    OUT counters_folded bigint, OUT failures text[], OUT winback_removed bigint)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    cfg     @extschema@.settings;
    t0      timestamptz := clock_timestamp();
    r       record;
    pfrom   timestamptz;
    hard_t  @extschema@.rate_thresholds;
    comp_t  @extschema@.rate_thresholds;
    msg     text;
BEGIN
    SELECT * INTO STRICT cfg FROM @extschema@.settings;
    SELECT * INTO STRICT hard_t FROM @extschema@.rate_thresholds WHERE metric = 'hard_bounce' AND domain_group = '';
    SELECT * INTO STRICT comp_t FROM @extschema@.rate_thresholds WHERE metric = 'complaint' AND domain_group = '';
    alerts := 0;
    failures := '{}';

    -- 1. removals from providers' lists that failed before (HTTP: before any lock is taken)
    BEGIN
        removals_done := @extschema@.retry_provider_removals();
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('provider removals: ' || msg);
    END;

    -- 2. the counter rows ingestion appended (the rates below read fewer rows)
    BEGIN
        counters_folded := @extschema@.compact_counters();
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('counters: ' || msg);
    END;

    -- 2b. the engagement rows the write path appended (issue 11)
    BEGIN
        PERFORM @extschema@.compact_engagement();
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('engagement: ' || msg);
    END;

    -- 3. soft-bounce escalation
    BEGIN
        SELECT e.opened, e.lifted INTO escalated, escalations_lifted FROM @extschema@.apply_escalation() e;
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('escalation: ' || msg);
    END;

    -- 4. partitions ahead
    BEGIN
        partitions_created := @extschema@.create_partitions(cfg.partitions_ahead);
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('partitions ahead: ' || msg);
    END;

    -- 5. threshold crossings over the alert window, overall and per provider; 6. sender incidents
    BEGIN
        pfrom := now() - cfg.alert_window;
        FOR r IN
            SELECT NULL::text AS scope, b.* FROM @extschema@.bounce_rate(pfrom, now()) b
            UNION ALL
            SELECT 'provider ' || x.key, sum(x.sent)::bigint, sum(x.hard)::bigint, sum(x.complaints)::bigint,
                   sum(x.hard)::numeric / nullif(sum(x.sent), 0), sum(x.complaints)::numeric / nullif(sum(x.sent), 0),
                   NULL
              -- one bucket spanning the whole window
              FROM @extschema@.bounce_rates(((extract(epoch FROM cfg.alert_window) / 86400)::integer + 1) * interval '1 day',
                                            pfrom, now(), 'provider') x
             WHERE x.key IS NOT NULL AND x.key <> 'recorded'
             GROUP BY x.key
        LOOP
            CONTINUE WHEN r.sent < cfg.alert_min_sent;
            IF r.hard_rate >= hard_t.review THEN
                alerts := alerts + @extschema@.raise_alert('hard_bounce_rate',
                              CASE WHEN r.hard_rate >= hard_t.pause THEN 'pause' ELSE 'review' END::@extschema@.rate_verdict,
                              r.scope, round(r.hard_rate, 6),
                              CASE WHEN r.hard_rate >= hard_t.pause THEN hard_t.pause ELSE hard_t.review END,
                              pfrom, now(), jsonb_build_object('sent', r.sent, 'hard', r.hard))::integer;
            END IF;
            IF r.complaint_rate >= comp_t.review THEN
                alerts := alerts + @extschema@.raise_alert('complaint_rate',
                              CASE WHEN r.complaint_rate >= comp_t.pause THEN 'pause' ELSE 'review' END::@extschema@.rate_verdict,
                              r.scope, round(r.complaint_rate, 6),
                              CASE WHEN r.complaint_rate >= comp_t.pause THEN comp_t.pause ELSE comp_t.review END,
                              pfrom, now(), jsonb_build_object('sent', r.sent, 'complaints', r.complaints))::integer;
            END IF;
        END LOOP;

        -- sender incidents of the last two UTC days (a day is a UTC day whatever the session's TimeZone)
        FOR r IN SELECT * FROM @extschema@.sender_incidents(now() - interval '1 day', now()) LOOP
            alerts := alerts + @extschema@.raise_alert('sender_incident', 'review', r.domain, r.share,
                          cfg.incident_min_share, r.day::timestamp AT TIME ZONE 'UTC',
                          (r.day + 1)::timestamp AT TIME ZONE 'UTC',
                          jsonb_build_object('day', r.day, 'attempts', r.attempts, 'sender_side', r.sender_side,
                                             'top_reason', r.top_reason))::integer;
        END LOOP;
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('alerts: ' || msg);
    END;

    -- 6b. webhooks refused in a burst (a key rotation gone wrong, or someone forging them), per secret; and
    -- the bookkeeping of verification: Mailgun tokens older than a week, refusals past the retention
    BEGIN
        FOR r IN SELECT w.secret_name, sum(w.k) AS n,
                        jsonb_object_agg(w.result, w.k) AS by_result
                   FROM (SELECT x.secret_name, x.result, count(*) AS k FROM @extschema@.webhook_rejections x
                          WHERE x.received_at >= now() - cfg.alert_window GROUP BY 1, 2) w
                  GROUP BY w.secret_name HAVING sum(w.k) >= 10
        LOOP
            alerts := alerts + @extschema@.raise_alert('webhook_refusals', 'review', r.secret_name, r.n, 10,
                          now() - cfg.alert_window, now(), jsonb_build_object('refused', r.by_result))::integer;
        END LOOP;
        DELETE FROM @extschema@.webhook_tokens t WHERE t.seen_at < now() - interval '7 days';
        DELETE FROM @extschema@.webhook_rejections x WHERE x.received_at < now() - cfg.event_retention;
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('webhooks: ' || msg);
    END;

    -- 6c. mail a provider dropped to addresses after they were unsuppressed here: the provider still lists
    -- them (no account to remove them with, or a removal that failed), per provider
    BEGIN
        FOR r IN SELECT e.provider::text AS provider, count(DISTINCT e.email) AS n,
                        (array_agg(DISTINCT e.email))[1:5] AS sample
                   FROM @extschema@.events e
                   JOIN LATERAL (SELECT max(s.closed_at) AS at FROM @extschema@.suppressions s
                                  WHERE s.email = e.email AND s.closed_at IS NOT NULL) u ON u.at IS NOT NULL
                  WHERE e.event_type = 'dropped' AND e.provider_suppressed
                    AND e.occurred_at >= now() - cfg.alert_window AND e.occurred_at > u.at
                    AND NOT EXISTS (SELECT 1 FROM @extschema@.suppressions o
                                     WHERE o.email = e.email AND o.closed_at IS NULL)
                  GROUP BY e.provider
        LOOP
            alerts := alerts + @extschema@.raise_alert('provider_listed', 'review', 'provider ' || r.provider, r.n, 1,
                          now() - cfg.alert_window, now(),
                          jsonb_build_object('provider', r.provider, 'addresses', r.n, 'examples', to_jsonb(r.sample),
                                             'see', 'bounce_mgmt.provider_listed'))::integer;
        END LOOP;
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('provider listings: ' || msg);
    END;

    -- 6d. the mailbox providers' rules per recipient-domain group (issue 11): a group's rates over the alert
    -- window at review or pause level, once it had the threshold row's minimum volume
    BEGIN
        FOR r IN
            SELECT x.key AS grp, sum(x.sent)::bigint AS sent, sum(x.hard)::bigint AS hard,
                   sum(x.complaints)::bigint AS complaints
              FROM @extschema@.bounce_rates(((extract(epoch FROM cfg.alert_window) / 86400)::integer + 1) * interval '1 day',
                                            now() - cfg.alert_window, now(), 'domain_group') x
             WHERE x.key IS NOT NULL
             GROUP BY x.key
        LOOP
            alerts := alerts + @extschema@.raise_group_alerts(r.grp, r.sent, r.hard, r.complaints,
                                                              now() - cfg.alert_window, now(), cfg.alert_min_sent);
        END LOOP;
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('domain group alerts: ' || msg);
    END;

    -- 6e. win-back campaigns (issue 11): record what is known of open campaigns' members, then close those
    -- past their deadline, suppressing (cause inactive) members whose mail was delivered and who did not respond
    BEGIN
        PERFORM @extschema@.winback_observe(c.campaign_id)
           FROM @extschema@.winback_campaigns c WHERE c.closed_at IS NULL AND c.deadline > now()
          ORDER BY c.campaign_id;
        winback_removed := @extschema@.winback_close_expired();
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('win-back campaigns: ' || msg);
    END;

    -- 7. retention of raw events, last: dropping a partition locks events until the transaction ends
    BEGIN
        SELECT count(*) INTO partitions_dropped
          FROM @extschema@.drop_event_partitions(now() - cfg.event_retention);
    EXCEPTION WHEN query_canceled THEN RAISE;
    WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        failures := failures || ('retention: ' || msg);
    END;

    IF cardinality(failures) > 0 THEN
        RAISE WARNING 'bounce_mgmt maintenance: % of its steps failed: %', cardinality(failures),
              array_to_string(failures, '; ')
              USING HINT = 'The other steps ran; see run_maintenance().failures.';
    END IF;
    duration := clock_timestamp() - t0;
END
$$;
COMMENT ON FUNCTION @extschema@.run_maintenance() IS
    'for pg_cron: retry provider removals, fold counters, apply escalation rules, create partitions ahead, record threshold crossings in alerts (WARNING + NOTIFY on settings.notify_channel; per recipient-domain group too), observe and close win-back campaigns, drop raw events past settings.event_retention; a failed step is reported in failures and the others still run';
