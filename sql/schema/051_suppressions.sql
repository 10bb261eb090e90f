-- 051_suppressions.sql — the suppression list with history: one row per period during which an address
-- must not be mailed (opened by a hard bounce, a complaint, escalated soft bounces or an operator; closed,
-- never deleted, when lifted), the per-address checks (C: src/pg/suppression.c) and the operator functions.

CREATE TYPE @extschema@.suppression_cause AS ENUM
    ('hard_bounce', 'complaint', 'repeated_soft', 'persistent_soft', 'operator', 'inactive');
COMMENT ON TYPE @extschema@.suppression_cause IS
    'why an address was suppressed: hard_bounce (the address is bad), complaint (its owner reported spam), repeated_soft / persistent_soft (soft bounces escalated by escalation_rules), operator (suppress()), inactive (no response to a win-back campaign)';

CREATE TABLE @extschema@.suppressions (
    suppression_id bigint GENERATED ALWAYS AS IDENTITY,
    email          text NOT NULL,
    domain         text NOT NULL,
    cause          @extschema@.suppression_cause NOT NULL,
    reason         @extschema@.bounce_reason,
    event_id       bigint,
    rule_id        integer,
    opened_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    opened_by      name NOT NULL DEFAULT current_user,
    note           text,
    closed_at      timestamptz,
    closed_by      name,
    close_note     text,
    evidence_at    timestamptz,
    PRIMARY KEY (email, suppression_id),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL)),
    CHECK (closed_at IS NULL OR closed_at >= opened_at)
);
COMMENT ON TABLE @extschema@.suppressions IS
    'suppression periods: open while closed_at IS NULL; closed periods are history (who lifted it, why)';
COMMENT ON COLUMN @extschema@.suppressions.opened_at IS
    'when the suppression was recorded (ingestion or operator time); see evidence_at for when the address failed';
COMMENT ON COLUMN @extschema@.suppressions.evidence_at IS
    'when the bounce or complaint that opened it happened (the event''s own time; for an escalation, the bounce that met the rule); NULL for operator suppressions';
-- at most one open period per address; the index can_send() probes
CREATE UNIQUE INDEX suppressions_open_email ON @extschema@.suppressions (email) WHERE closed_at IS NULL;
CREATE INDEX suppressions_email ON @extschema@.suppressions (email, opened_at);
-- lifted periods: "was this address unsuppressed after this evidence?"
CREATE INDEX suppressions_closed_email ON @extschema@.suppressions (email, closed_at) WHERE closed_at IS NOT NULL;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.suppressions', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.suppressions_suppression_id_seq', '');
