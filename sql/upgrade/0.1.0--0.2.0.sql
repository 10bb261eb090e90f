-- upgrade/0.1.0--0.2.0.sql — the state migration from release 0.1.0 to 0.2.0: tables, types, indexes and
-- data that changed.  make appends sql/code/*.sql to it (every function, view, trigger and grant of
-- 0.2.0), giving sql/bounce_mgmt--0.1.0--0.2.0.sql.  test/upgrade/run.sh checks that an upgraded
-- database has the same catalog as a fresh install and still answers the same.
\echo Use "ALTER EXTENSION bounce_mgmt UPDATE" to load this file. \quit

-- ---- security (issue 15) ------------------------------------------------------------------------------

-- Provider keys move to a table of their own: a failed constraint on provider_accounts printed the whole
-- row, key included, in its DETAIL and the server log.  The view reading the old column goes first (the
-- code part below creates it again).
DROP VIEW @extschema@.provider_accounts_public;
CREATE TABLE @extschema@.provider_keys (
    account        text PRIMARY KEY REFERENCES @extschema@.provider_accounts (name)
                   ON UPDATE CASCADE ON DELETE CASCADE,
    api_key        text NOT NULL,
    api_secret     text,
    session_token  text
);
COMMENT ON TABLE @extschema@.provider_keys IS
    'API credentials of provider_accounts: api_key (SendGrid, Postmark, Mailgun key; SES access key id), api_secret (SES secret access key), session_token (SES, temporary credentials)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.provider_keys', '');
INSERT INTO @extschema@.provider_keys (account, api_key)
SELECT a.name, a.api_key FROM @extschema@.provider_accounts a ORDER BY a.name;
ALTER TABLE @extschema@.provider_accounts DROP COLUMN api_key;
COMMENT ON TABLE @extschema@.provider_accounts IS
    'provider API accounts for sync() and removals; their keys are in provider_keys (write-only for bounce_mgmt_admin)';

-- classify_rules patterns are checked by a row trigger (length, compile, no back-references) instead of a
-- CHECK that compiled any pattern, however large
ALTER TABLE @extschema@.classify_rules DROP CONSTRAINT classify_rules_pattern_check;

-- settings and escalation rules: values the old CHECKs accepted but run_maintenance() could not compute
-- with ('178000000 years') are brought into range first
UPDATE @extschema@.settings
   SET event_retention = least(event_retention, interval '100 years'),
       notice_cooldown = least(notice_cooldown, interval '10 years'),
       alert_window = least(alert_window, interval '1 year'),
       alert_min_sent = least(alert_min_sent, 1000000000),
       incident_min_count = least(incident_min_count, 1000000000);
ALTER TABLE @extschema@.settings
    DROP CONSTRAINT settings_event_retention_check,
    ADD CONSTRAINT settings_event_retention_check
        CHECK (event_retention >= interval '1 day' AND event_retention <= interval '100 years'),
    DROP CONSTRAINT settings_notice_cooldown_check,
    ADD CONSTRAINT settings_notice_cooldown_check
        CHECK (notice_cooldown >= interval '0' AND notice_cooldown <= interval '10 years'),
    DROP CONSTRAINT settings_alert_window_check,
    ADD CONSTRAINT settings_alert_window_check
        CHECK (alert_window >= interval '1 day' AND alert_window <= interval '1 year'),
    DROP CONSTRAINT settings_alert_min_sent_check,
    ADD CONSTRAINT settings_alert_min_sent_check CHECK (alert_min_sent >= 0 AND alert_min_sent <= 1000000000),
    DROP CONSTRAINT settings_incident_min_count_check,
    ADD CONSTRAINT settings_incident_min_count_check
        CHECK (incident_min_count >= 1 AND incident_min_count <= 1000000000);
-- (least() would turn NULL, "no such condition", into the bound: CASE keeps NULL)
UPDATE @extschema@.escalation_rules
   SET soft_bounces = CASE WHEN soft_bounces > 1000 THEN 1000 ELSE soft_bounces END,
       within = CASE WHEN within > interval '5 years' THEN interval '5 years' ELSE within END,
       persisting = CASE WHEN persisting > interval '5 years' THEN interval '5 years' ELSE persisting END;
ALTER TABLE @extschema@.escalation_rules
    DROP CONSTRAINT escalation_rules_soft_bounces_check,
    ADD CONSTRAINT escalation_rules_soft_bounces_check CHECK (soft_bounces >= 1 AND soft_bounces <= 1000),
    DROP CONSTRAINT escalation_rules_within_check,
    ADD CONSTRAINT escalation_rules_within_check CHECK (within > interval '0' AND within <= interval '5 years'),
    DROP CONSTRAINT escalation_rules_persisting_check,
    ADD CONSTRAINT escalation_rules_persisting_check
        CHECK (persisting > interval '0' AND persisting <= interval '5 years');

-- the users-table trigger becomes C and runs with the caller's rights (it was SECURITY DEFINER and read
-- the whole row through to_jsonb(), running the caller's casts as the extension's owner); apply_escalation
-- no longer uses temporary tables; run_maintenance() runs with the caller's rights: all in the code below
