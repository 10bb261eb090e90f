-- 055_maintenance.sql — run_maintenance() for pg_cron: escalation, partitions ahead, retention of raw
-- events (counters kept), threshold alerts (table + WARNING + NOTIFY), retries of provider removals.

CREATE TYPE @extschema@.alert_kind AS ENUM ('hard_bounce_rate', 'complaint_rate', 'sender_incident', 'webhook_refusals', 'provider_listed');

CREATE TABLE @extschema@.alerts (
    alert_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    raised_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    kind          @extschema@.alert_kind NOT NULL,
    level         @extschema@.rate_verdict NOT NULL,
    scope         text NOT NULL DEFAULT '',
    value         numeric,
    threshold     numeric,
    period_from   timestamptz NOT NULL,
    period_to     timestamptz NOT NULL,
    details       jsonb
);
CREATE INDEX alerts_kind_scope ON @extschema@.alerts (kind, scope, raised_at DESC);
COMMENT ON TABLE @extschema@.alerts IS
    'threshold crossings found by run_maintenance(): rates at review/pause level over settings.alert_window, and sender incidents';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.alerts', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.alerts_alert_id_seq', '');
