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

-- ---- what a restore does to the rows CREATE EXTENSION seeds ---------------------------------------------
-- pg_restore runs CREATE EXTENSION (which seeds settings, rate_thresholds and the built-in escalation
-- rules) and then loads the dumped rows of those tables: a dumped row with the key of a seeded one
-- replaces it, so the operator's values come back (a restore failed with duplicate keys, and an edited
-- notice_cooldown came back as the default).  The seeded rows cannot be deleted (only edited or, for
-- rules, disabled), so every restored database has them.
CREATE OR REPLACE FUNCTION @extschema@.seeded_row_replace() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    CASE TG_TABLE_NAME
        WHEN 'settings' THEN
            DELETE FROM @extschema@.settings s WHERE s.singleton = NEW.singleton;
        WHEN 'rate_thresholds' THEN
            DELETE FROM @extschema@.rate_thresholds t WHERE t.metric = NEW.metric;
        WHEN 'escalation_rules' THEN
            DELETE FROM @extschema@.escalation_rules r WHERE r.rule_id = NEW.rule_id;
    END CASE;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION @extschema@.seeded_row_keep() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    -- seeded_row_replace() deletes from inside a trigger: that is allowed
    IF pg_trigger_depth() > 1 THEN
        RETURN OLD;
    END IF;
    IF TG_LEVEL = 'ROW' AND TG_TABLE_NAME = 'escalation_rules' THEN
        IF NOT OLD.builtin THEN
            RETURN OLD;         -- the operator's own rules go as they came
        END IF;
    END IF;
    RAISE EXCEPTION 'the rows bounce_mgmt installs in %.% cannot be deleted', TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'invalid_parameter_value',
                HINT = CASE TG_TABLE_NAME
                         WHEN 'escalation_rules' THEN 'Disable a rule instead: UPDATE bounce_mgmt.escalation_rules SET enabled = false WHERE rule_id = ...; delete your own rules with DELETE ... WHERE NOT builtin.'
                         ELSE 'Change their values with UPDATE instead.' END;
    RETURN OLD;
END
$$;

CREATE OR REPLACE TRIGGER settings_restore BEFORE INSERT ON @extschema@.settings
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_row_replace();
CREATE OR REPLACE TRIGGER settings_keep BEFORE DELETE ON @extschema@.settings
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_row_keep();
CREATE OR REPLACE TRIGGER settings_keep_all BEFORE TRUNCATE ON @extschema@.settings
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.seeded_row_keep();
CREATE OR REPLACE TRIGGER rate_thresholds_restore BEFORE INSERT ON @extschema@.rate_thresholds
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_row_replace();
CREATE OR REPLACE TRIGGER rate_thresholds_keep BEFORE DELETE ON @extschema@.rate_thresholds
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_row_keep();
CREATE OR REPLACE TRIGGER rate_thresholds_keep_all BEFORE TRUNCATE ON @extschema@.rate_thresholds
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.seeded_row_keep();
