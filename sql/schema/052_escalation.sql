-- 052_escalation.sql — when bounces suppress an address: at once for a hard bounce or a complaint (the
-- ingestion flush calls open_suppressions() for the addresses it updated), and by editable rules for soft bounces
-- (N within a window, or persisting past a duration; per-reason overrides), applied by run_maintenance()
-- and re-applied to past events after a rule change by apply_escalation(reapply => true).

CREATE TABLE @extschema@.escalation_rules (
    rule_id      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reason       @extschema@.bounce_reason,
    escalates    boolean NOT NULL DEFAULT true,
    soft_bounces integer CHECK (soft_bounces >= 1),
    within       interval CHECK (within > interval '0'),
    persisting   interval CHECK (persisting > interval '0'),
    enabled      boolean NOT NULL DEFAULT true,
    note         text,
    CONSTRAINT escalation_rules_has_condition
        CHECK (NOT escalates OR (soft_bounces IS NOT NULL AND within IS NOT NULL) OR persisting IS NOT NULL),
    CONSTRAINT escalation_rules_count_has_window CHECK ((soft_bounces IS NULL) = (within IS NULL))
);
COMMENT ON TABLE @extschema@.escalation_rules IS
    'soft-bounce escalation: rules with reason NULL apply to every soft reason that has no rule of its own; a reason''s own rules replace them (escalates = false: that reason never escalates). Sender-side reasons never escalate, whatever the rules say.';
INSERT INTO @extschema@.escalation_rules (reason, escalates, soft_bounces, within, persisting, note) VALUES
    (NULL, true, 3, '30 days', NULL,
     'repeated soft bounces (the source document''s 複数回発生): 3 within 30 days, counted since the last delivery'),
    (NULL, true, NULL, NULL, '72 hours',
     'soft bounces persisting over 72 hours (SendGrid stops retrying and blocks the address)'),
    ('mailbox_full', true, 5, '30 days', '14 days',
     'a full mailbox is the owner''s problem and often temporary: 5 within 30 days, or full for 14 days'),
    ('system_error', true, 5, '14 days', NULL,
     'the receiving system''s own trouble says little about the address'),
    ('system_full', false, NULL, NULL, NULL, 'the receiving system is out of storage: not the address'),
    ('network_error', false, NULL, NULL, NULL, 'DNS/routing trouble on the way: not the address'),
    ('greylisted', false, NULL, NULL, NULL, 'greylisting passes on retry'),
    ('on_hold', false, NULL, NULL, NULL, 'undecided failures do not escalate');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.escalation_rules', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.escalation_rules_rule_id_seq', '');

-- Soft reasons that may escalate an address: not the sender's problems, not drops to listed addresses.
CREATE VIEW @extschema@.escalating_reasons AS
    SELECT r.reason
      FROM @extschema@.bounce_reasons r
     WHERE r.bounce_class = 'soft' AND r.fault NOT IN ('sender', 'none');

-- Opens suppressions for the given addresses (arrays of equal length), skipping those already open and
-- evidence older than the address's last lifted suppression (an unsuppress() is not undone by old news).
CREATE FUNCTION @extschema@.open_suppressions(emails text[], causes @extschema@.suppression_cause[],
                                              reasons @extschema@.bounce_reason[], event_ids bigint[],
                                              evidence_at timestamptz[])
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    n integer;
BEGIN
    INSERT INTO @extschema@.suppressions AS s (email, domain, cause, reason, event_id)
    SELECT c.email, split_part(c.email, '@', 2), c.cause, c.reason, c.event_id
      FROM unnest(emails, causes, reasons, event_ids, evidence_at) AS c(email, cause, reason, event_id, at)
     WHERE NOT EXISTS (SELECT 1 FROM @extschema@.suppressions l
                        WHERE l.email = c.email AND l.closed_at IS NOT NULL
                          AND l.closed_at >= coalesce(c.at, '-infinity'))
     ORDER BY c.email
    ON CONFLICT (email) WHERE closed_at IS NULL DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Applies the escalation rules to soft bounces since `since` (default: the longest rule window back from
-- now) and opens the suppressions they call for.  reapply => true re-evaluates every retained event and
-- also lifts escalations that the current rules no longer support (after a rule change).  Counts only
-- bounces after the address's last delivery and after its last lifted suppression.
CREATE FUNCTION @extschema@.apply_escalation(since timestamptz DEFAULT NULL, reapply boolean DEFAULT false,
                                             OUT opened integer, OUT lifted integer)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    r      record;
    n      integer;
    start  timestamptz;
BEGIN
    opened := 0;
    lifted := 0;
    IF reapply THEN
        start := '-infinity';
    ELSE
        start := coalesce(since,
                          now() - (SELECT coalesce(max(greatest(coalesce(e.within, '0'), coalesce(e.persisting, '0'))),
                                                   '30 days')
                                     FROM @extschema@.escalation_rules e WHERE e.enabled)
                                - interval '1 day');
    END IF;

    CREATE TEMP TABLE IF NOT EXISTS bm_escalation_hits (
        email text, domain text, cause @extschema@.suppression_cause, reason @extschema@.bounce_reason,
        event_id bigint, rule_id integer, occurred_at timestamptz) ON COMMIT DROP;
    TRUNCATE bm_escalation_hits;

    -- one pass over events: the soft bounces and deferrals that can count (escalating reasons, after the
    -- address's last delivery and last lifted suppression, not already suppressed for another cause)
    CREATE TEMP TABLE IF NOT EXISTS bm_soft_events (
        email text, domain text, reason @extschema@.bounce_reason, event_id bigint, occurred_at timestamptz,
        is_bounce boolean) ON COMMIT DROP;
    TRUNCATE bm_soft_events;
    INSERT INTO bm_soft_events
    SELECT e.email, e.domain, e.reason, e.event_id, e.occurred_at, e.event_type = 'bounce'
      FROM @extschema@.events e
      JOIN @extschema@.addresses a ON a.email = e.email
      LEFT JOIN (SELECT s.email, max(s.closed_at) AS at FROM @extschema@.suppressions s
                  WHERE s.closed_at IS NOT NULL GROUP BY s.email) l ON l.email = e.email
     WHERE e.occurred_at >= start
       AND e.event_type IN ('bounce', 'deferred')
       AND e.bounce_class = 'soft'
       AND NOT e.list_entry
       AND e.occurred_at > coalesce(a.last_delivered_at, '-infinity')
       AND e.occurred_at > coalesce(l.at, '-infinity')
       AND e.reason IN (SELECT reason FROM @extschema@.escalating_reasons)
       AND NOT EXISTS (SELECT 1 FROM @extschema@.suppressions o
                        WHERE o.email = e.email AND o.closed_at IS NULL
                          AND o.cause NOT IN ('repeated_soft', 'persistent_soft'));
    ANALYZE bm_soft_events;

    FOR r IN SELECT e.* FROM @extschema@.escalation_rules e WHERE e.enabled AND e.escalates ORDER BY e.rule_id LOOP
        INSERT INTO bm_escalation_hits
        SELECT DISTINCT ON (x.email) x.email, x.domain,
               CASE WHEN r.soft_bounces IS NOT NULL AND x.n_in_window >= r.soft_bounces
                    THEN 'repeated_soft' ELSE 'persistent_soft' END::@extschema@.suppression_cause,
               x.reason, x.event_id, r.rule_id, x.occurred_at
          FROM (
            SELECT e.email, e.domain, e.reason, e.event_id, e.occurred_at,
                   count(*) FILTER (WHERE e.is_bounce) OVER w AS n_in_window,
                   e.occurred_at - min(e.occurred_at) OVER (PARTITION BY e.email) AS persisted
              FROM bm_soft_events e
             WHERE CASE WHEN r.reason IS NULL
                        THEN NOT EXISTS (SELECT 1 FROM @extschema@.escalation_rules o
                                          WHERE o.reason = e.reason AND o.enabled)
                        ELSE e.reason = r.reason END
            WINDOW w AS (PARTITION BY e.email ORDER BY e.occurred_at
                         RANGE BETWEEN coalesce(r.within, interval '0') PRECEDING AND CURRENT ROW)
          ) x
         WHERE (r.soft_bounces IS NOT NULL AND x.n_in_window >= r.soft_bounces)
            OR (r.persisting IS NOT NULL AND x.persisted >= r.persisting)
         ORDER BY x.email, x.occurred_at;
    END LOOP;

    IF reapply THEN
        UPDATE @extschema@.suppressions s
           SET closed_at = now(), closed_by = current_user,
               close_note = 'escalation rules re-applied: no longer met'
         WHERE s.closed_at IS NULL AND s.cause IN ('repeated_soft', 'persistent_soft')
           AND NOT EXISTS (SELECT 1 FROM bm_escalation_hits h WHERE h.email = s.email);
        GET DIAGNOSTICS lifted = ROW_COUNT;
    END IF;

    INSERT INTO @extschema@.suppressions AS s (email, domain, cause, reason, event_id, rule_id, opened_at, note)
    SELECT DISTINCT ON (h.email) h.email, h.domain, h.cause, h.reason, h.event_id, h.rule_id, now(),
           'escalated by rule ' || h.rule_id || ' at the bounce of ' || h.occurred_at
      FROM bm_escalation_hits h
     ORDER BY h.email, h.occurred_at, h.rule_id
    ON CONFLICT (email) WHERE closed_at IS NULL DO NOTHING;
    GET DIAGNOSTICS opened = ROW_COUNT;
    TRUNCATE bm_escalation_hits, bm_soft_events;
END
$$;
COMMENT ON FUNCTION @extschema@.apply_escalation(timestamptz, boolean) IS
    'apply escalation_rules to recent soft bounces (run_maintenance calls it); reapply => true re-evaluates all retained events after a rule change and lifts escalations no longer supported';
