-- 052_escalation.sql — the functions, views and triggers of sql/schema/052_escalation.sql (re-runnable: every upgrade runs it again).

-- Soft reasons that may escalate an address: not the sender's problems, not drops to listed addresses.
CREATE OR REPLACE VIEW @extschema@.escalating_reasons AS
    SELECT r.reason
      FROM @extschema@.bounce_reasons r
     WHERE r.bounce_class = 'soft' AND r.fault NOT IN ('sender', 'none');

-- Opens suppressions for the given addresses (arrays of equal length), skipping those already open and
-- evidence older than the address's last lifted suppression (an unsuppress() is not undone by old news).
-- The addresses' open periods are locked first, in address order: an unsuppress() in flight holds its row,
-- and once it commits the insert (a new statement, so a new snapshot in READ COMMITTED) sees the lifted
-- period and leaves the address alone; under REPEATABLE READ the lock fails with 40001 instead, to retry.
-- In C (src/pg/suppression_open.c): ingestion calls the same code without a function call.
CREATE OR REPLACE FUNCTION @extschema@.open_suppressions(emails text[], causes @extschema@.suppression_cause[],
                                              reasons @extschema@.bounce_reason[], event_ids bigint[],
                                              evidence_at timestamptz[], rule_ids integer[] DEFAULT NULL,
                                              notes text[] DEFAULT NULL)
    RETURNS integer
    AS 'MODULE_PATHNAME', 'bm_open_suppressions_sql'
    LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.open_suppressions(text[], @extschema@.suppression_cause[], @extschema@.bounce_reason[], bigint[], timestamptz[], integer[], text[]) IS
    'open suppressions for the addresses (arrays of equal length) unless already open or lifted after the evidence: what ingestion and apply_escalation do (src/pg/suppression_open.c)';

-- Applies the escalation rules to soft bounces since `since` (default: the longest rule window back from
-- now) and opens the suppressions they call for.  reapply => true re-evaluates every retained event and
-- also lifts escalations that the current rules no longer support (after a rule change).  Counts only
-- bounces after the address's last delivery and after its last lifted suppression.  One statement: the
-- window's soft events are read once (a materialized CTE) and every enabled rule is applied to them.
CREATE OR REPLACE FUNCTION @extschema@.apply_escalation(since timestamptz DEFAULT NULL, reapply boolean DEFAULT false,
                                             OUT opened integer, OUT lifted integer)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    start  timestamptz;
    em     text[];
    ca     @extschema@.suppression_cause[];
    re     @extschema@.bounce_reason[];
    ev     bigint[];
    at     timestamptz[];
    ru     integer[];
    nt     text[];
BEGIN
    IF reapply THEN
        start := '-infinity';
    ELSE
        start := coalesce(since,
                          now() - (SELECT coalesce(max(greatest(coalesce(e.within, '0'), coalesce(e.persisting, '0'))),
                                                   '30 days')
                                     FROM @extschema@.escalation_rules e WHERE e.enabled)
                                - interval '1 day');
    END IF;

    WITH soft AS MATERIALIZED (
        -- the soft bounces and deferrals that can count (escalating reasons, after the address's last
        -- delivery and last lifted suppression, not already suppressed for another cause)
        SELECT e.email, e.domain, e.reason, e.event_id, e.occurred_at, e.event_type = 'bounce' AS is_bounce
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
                              AND o.cause NOT IN ('repeated_soft', 'persistent_soft'))
    ), hits AS MATERIALIZED (
        -- per rule, the first event at which each address meets it
        SELECT DISTINCT ON (r.rule_id, x.email) x.email, x.domain,
               CASE WHEN r.soft_bounces IS NOT NULL AND x.n_in_window >= r.soft_bounces
                    THEN 'repeated_soft' ELSE 'persistent_soft' END::@extschema@.suppression_cause AS cause,
               x.reason, x.event_id, r.rule_id, x.occurred_at
          FROM @extschema@.escalation_rules r
         CROSS JOIN LATERAL (
            SELECT e.email, e.domain, e.reason, e.event_id, e.occurred_at,
                   count(*) FILTER (WHERE e.is_bounce) OVER w AS n_in_window,
                   e.occurred_at - min(e.occurred_at) OVER (PARTITION BY e.email) AS persisted
              FROM soft e
             WHERE CASE WHEN r.reason IS NULL
                        THEN NOT EXISTS (SELECT 1 FROM @extschema@.escalation_rules o
                                          WHERE o.reason = e.reason AND o.enabled)
                        ELSE e.reason = r.reason END
            WINDOW w AS (PARTITION BY e.email ORDER BY e.occurred_at
                         RANGE BETWEEN coalesce(r.within, interval '0') PRECEDING AND CURRENT ROW)
          ) x
         WHERE r.enabled AND r.escalates
           AND ((r.soft_bounces IS NOT NULL AND x.n_in_window >= r.soft_bounces)
                OR (r.persisting IS NOT NULL AND x.persisted >= r.persisting))
         ORDER BY r.rule_id, x.email, x.occurred_at
    ), lift AS (
        UPDATE @extschema@.suppressions s
           SET closed_at = now(), closed_by = current_user,
               close_note = 'escalation rules re-applied: no longer met'
         WHERE reapply AND s.closed_at IS NULL AND s.cause IN ('repeated_soft', 'persistent_soft')
           AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.email = s.email)
        RETURNING 1
    ), pick AS (
        -- per address the earliest rule hit
        SELECT DISTINCT ON (h.email) h.email, h.cause, h.reason, h.event_id, h.rule_id, h.occurred_at,
               'escalated by rule ' || h.rule_id || ' at the bounce of '
               || to_char(h.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"') AS note
          FROM hits h
         ORDER BY h.email, h.occurred_at, h.rule_id
    )
    SELECT array_agg(p.email ORDER BY p.email), array_agg(p.cause ORDER BY p.email),
           array_agg(p.reason ORDER BY p.email), array_agg(p.event_id ORDER BY p.email),
           array_agg(p.occurred_at ORDER BY p.email), array_agg(p.rule_id ORDER BY p.email),
           array_agg(p.note ORDER BY p.email), (SELECT count(*) FROM lift)
      INTO em, ca, re, ev, at, ru, nt, lifted
      FROM pick p;
    -- opened as ingestion opens them: the open periods locked first, then inserted with a new snapshot,
    -- so an unsuppress() running meanwhile is not undone by the evidence it lifted
    opened := CASE WHEN em IS NULL THEN 0
                   ELSE @extschema@.open_suppressions(em, ca, re, ev, at, ru, nt) END;
END
$$;
COMMENT ON FUNCTION @extschema@.apply_escalation(timestamptz, boolean) IS
    'apply escalation_rules to recent soft bounces (run_maintenance calls it); reapply => true re-evaluates all retained events after a rule change and lifts escalations no longer supported';

CREATE OR REPLACE TRIGGER escalation_rules_restore BEFORE INSERT ON @extschema@.escalation_rules
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_row_replace();
CREATE OR REPLACE TRIGGER escalation_rules_keep BEFORE DELETE ON @extschema@.escalation_rules
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_row_keep();
CREATE OR REPLACE TRIGGER escalation_rules_keep_all BEFORE TRUNCATE ON @extschema@.escalation_rules
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.seeded_row_keep();
