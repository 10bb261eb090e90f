-- 050_settings.sql — the functions, views and triggers of sql/schema/050_settings.sql (re-runnable: every upgrade runs it again).

-- The verdict for one pair of rates against given thresholds: no_data without sends; pause or review when
-- a metric reaches that level with at least its minimum volume; low_volume when a metric lacks that
-- volume (and none says review or pause); else ok.  (The CASE yields text, cast last: 'low_volume' is
-- new in 0.2.0, and a literal of it would be an unsafe use of a new enum value during the upgrade.)
CREATE OR REPLACE FUNCTION @extschema@.rate_verdict(sent bigint, hard_rate numeric, complaint_rate numeric,
                                         hard_review numeric, hard_pause numeric, hard_min bigint,
                                         complaint_review numeric, complaint_pause numeric, complaint_min bigint)
    RETURNS @extschema@.rate_verdict
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT (CASE
              WHEN coalesce(sent, 0) = 0 THEN 'no_data'
              WHEN (sent >= hard_min AND hard_rate >= hard_pause)
                   OR (sent >= complaint_min AND complaint_rate >= complaint_pause) THEN 'pause'
              WHEN (sent >= hard_min AND hard_rate >= hard_review)
                   OR (sent >= complaint_min AND complaint_rate >= complaint_review) THEN 'review'
              WHEN sent < hard_min OR sent < complaint_min THEN 'low_volume'
              ELSE 'ok'
            END)::text::@extschema@.rate_verdict
$$;

-- The thresholds in force per recipient-domain group, one row per group (every group of rate_thresholds
-- and domain_groups, and '' = the whole account): a group without a row of its own for a metric takes the
-- account's.
CREATE OR REPLACE FUNCTION @extschema@.rate_levels()
    RETURNS TABLE (domain_group text, hard_review numeric, hard_pause numeric, hard_min bigint,
                   complaint_review numeric, complaint_pause numeric, complaint_min bigint)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT g.grp, coalesce(h.review, ah.review), coalesce(h.pause, ah.pause), coalesce(h.min_sent, ah.min_sent),
           coalesce(c.review, ac.review), coalesce(c.pause, ac.pause), coalesce(c.min_sent, ac.min_sent)
      FROM (SELECT '' AS grp
            UNION SELECT t.domain_group FROM @extschema@.rate_thresholds t
            UNION SELECT d.domain_group FROM @extschema@.domain_groups d) g
      JOIN @extschema@.rate_thresholds ah ON ah.metric = 'hard_bounce' AND ah.domain_group = ''
      JOIN @extschema@.rate_thresholds ac ON ac.metric = 'complaint' AND ac.domain_group = ''
      LEFT JOIN @extschema@.rate_thresholds h ON h.metric = 'hard_bounce' AND h.domain_group = g.grp
      LEFT JOIN @extschema@.rate_thresholds c ON c.metric = 'complaint' AND c.domain_group = g.grp
$$;
COMMENT ON FUNCTION @extschema@.rate_levels() IS
    'the rate thresholds in force per recipient-domain group ('''' = the whole account), the account''s where a group has no row of its own';

-- The verdict for one pair of rates of a recipient-domain group ('' or NULL: the whole account).
CREATE OR REPLACE FUNCTION @extschema@.rate_verdict(sent bigint, hard_rate numeric, complaint_rate numeric,
                                         domain_group text)
    RETURNS @extschema@.rate_verdict
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT @extschema@.rate_verdict(sent, hard_rate, complaint_rate, l.hard_review, l.hard_pause, l.hard_min,
                                    l.complaint_review, l.complaint_pause, l.complaint_min)
      FROM @extschema@.rate_levels() l
     WHERE l.domain_group IN ('', coalesce(rate_verdict.domain_group, ''))
     ORDER BY l.domain_group DESC
     LIMIT 1
$$;

-- The account's verdict (Amazon SES's rules): the worse of the two metrics.
CREATE OR REPLACE FUNCTION @extschema@.rate_verdict(sent bigint, hard_rate numeric, complaint_rate numeric)
    RETURNS @extschema@.rate_verdict
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT @extschema@.rate_verdict(sent, hard_rate, complaint_rate, '') $$;

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
            DELETE FROM @extschema@.rate_thresholds t
             WHERE t.metric = NEW.metric AND t.domain_group = NEW.domain_group;
        WHEN 'domain_groups' THEN
            -- a domain inserted again moves to the new row's group; one the extension installed stays builtin
            NEW.builtin := NEW.builtin OR EXISTS (SELECT 1 FROM @extschema@.domain_groups d
                                                   WHERE d.domain = NEW.domain AND d.builtin);
            DELETE FROM @extschema@.domain_groups d WHERE d.domain = NEW.domain;
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
    IF TG_LEVEL = 'ROW' AND TG_TABLE_NAME IN ('escalation_rules', 'domain_groups') THEN
        IF NOT OLD.builtin THEN
            RETURN OLD;         -- the operator's own rules and domains go as they came
        END IF;
    END IF;
    RAISE EXCEPTION 'the rows bounce_mgmt installs in %.% cannot be deleted', TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'invalid_parameter_value',
                HINT = CASE TG_TABLE_NAME
                         WHEN 'escalation_rules' THEN 'Disable a rule instead: UPDATE bounce_mgmt.escalation_rules SET enabled = false WHERE rule_id = ...; delete your own rules with DELETE ... WHERE NOT builtin.'
                         WHEN 'domain_groups' THEN 'Move the domain to another group with UPDATE instead; delete your own domains with DELETE ... WHERE NOT builtin.'
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
CREATE OR REPLACE TRIGGER domain_groups_restore BEFORE INSERT ON @extschema@.domain_groups
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_row_replace();
CREATE OR REPLACE TRIGGER domain_groups_keep BEFORE DELETE ON @extschema@.domain_groups
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_row_keep();
CREATE OR REPLACE TRIGGER domain_groups_keep_all BEFORE TRUNCATE ON @extschema@.domain_groups
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.seeded_row_keep();
