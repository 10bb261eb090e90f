-- 072_domain_groups.sql — the mailbox providers' rules per recipient-domain group (issue 11): Gmail's and
-- Yahoo's bulk-sender spam-rate limits are rows of rate_thresholds with a domain_group; bounce_rates(...,
-- 'domain_group') and the verdicts apply them (sql/code/054_rates.sql, rate_levels()); run_maintenance()
-- raises their alerts through this function.

-- Raises an alert for each metric the group has a threshold row of its own for, when its rate over the
-- period reaches review or pause with at least the row's minimum volume and min_sent (the settings' alert
-- floor).  Returns the number of new alerts (scope "domain_group <group>").
CREATE OR REPLACE FUNCTION @extschema@.raise_group_alerts(grp text, sent bigint, hard bigint, complaints bigint,
                                                          period_from timestamptz, period_to timestamptz,
                                                          min_sent integer)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    t    @extschema@.rate_thresholds;
    rate numeric;
    n    integer := 0;
BEGIN
    FOR t IN SELECT * FROM @extschema@.rate_thresholds x WHERE x.domain_group = grp ORDER BY x.metric LOOP
        rate := CASE t.metric WHEN 'hard_bounce' THEN hard ELSE complaints END::numeric / nullif(sent, 0);
        CONTINUE WHEN sent < greatest(t.min_sent, min_sent) OR rate IS NULL OR rate < t.review;
        n := n + @extschema@.raise_alert(
                     CASE t.metric WHEN 'hard_bounce' THEN 'hard_bounce_rate' ELSE 'complaint_rate' END::@extschema@.alert_kind,
                     CASE WHEN rate >= t.pause THEN 'pause' ELSE 'review' END::@extschema@.rate_verdict,
                     'domain_group ' || grp, round(rate, 6),
                     CASE WHEN rate >= t.pause THEN t.pause ELSE t.review END, period_from, period_to,
                     jsonb_build_object('sent', sent, 'hard', hard, 'complaints', complaints,
                                        'source', t.source))::integer;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.raise_group_alerts(text, bigint, bigint, bigint, timestamptz, timestamptz, integer) IS
    'run_maintenance(): alerts for a recipient-domain group''s own thresholds (Gmail, Yahoo) reached with their minimum volume';
