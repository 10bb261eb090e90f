-- 050_settings.sql — the functions, views and triggers of sql/schema/050_settings.sql (re-runnable: every upgrade runs it again).

-- The verdict for one pair of rates: the worse of the two metrics.
CREATE OR REPLACE FUNCTION @extschema@.rate_verdict(sent bigint, hard_rate numeric, complaint_rate numeric)
    RETURNS @extschema@.rate_verdict
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE
             WHEN coalesce(sent, 0) = 0 THEN 'no_data'
             WHEN hard_rate >= h.pause OR complaint_rate >= c.pause THEN 'pause'
             WHEN hard_rate >= h.review OR complaint_rate >= c.review THEN 'review'
             ELSE 'ok'
           END::@extschema@.rate_verdict
      FROM @extschema@.rate_thresholds h, @extschema@.rate_thresholds c
     WHERE h.metric = 'hard_bounce' AND c.metric = 'complaint'
$$;

-- Every backend caches the settings ingestion reads (the retention horizon): a change sends a cache
-- invalidation, which each backend receives at commit.
CREATE OR REPLACE FUNCTION @extschema@.settings_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'bm_classify_rules_changed' LANGUAGE C;
CREATE OR REPLACE TRIGGER settings_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.settings
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.settings_changed();
