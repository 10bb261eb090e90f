-- 052_escalation.sql — when bounces suppress an address: at once for a hard bounce or a complaint (the
-- ingestion flush calls open_suppressions() for the addresses it updated), and by editable rules for soft bounces
-- (N within a window, or persisting past a duration; per-reason overrides), applied by run_maintenance()
-- and re-applied to past events after a rule change by apply_escalation(reapply => true).

CREATE TABLE @extschema@.escalation_rules (
    rule_id      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reason       @extschema@.bounce_reason,
    escalates    boolean NOT NULL DEFAULT true,
    soft_bounces integer CHECK (soft_bounces >= 1 AND soft_bounces <= 1000),
    within       interval CHECK (within > interval '0' AND within <= interval '5 years'),
    persisting   interval CHECK (persisting > interval '0' AND persisting <= interval '5 years'),
    enabled      boolean NOT NULL DEFAULT true,
    note         text,
    builtin      boolean NOT NULL DEFAULT false,
    CONSTRAINT escalation_rules_has_condition
        CHECK (NOT escalates OR (soft_bounces IS NOT NULL AND within IS NOT NULL) OR persisting IS NOT NULL),
    CONSTRAINT escalation_rules_count_has_window CHECK ((soft_bounces IS NULL) = (within IS NULL))
);
COMMENT ON TABLE @extschema@.escalation_rules IS
    'soft-bounce escalation: rules with reason NULL apply to every soft reason that has no rule of its own; a reason''s own rules replace them (escalates = false: that reason never escalates). Sender-side reasons never escalate, whatever the rules say.';
COMMENT ON COLUMN @extschema@.escalation_rules.builtin IS
    'a rule the extension installs: edit or disable it (enabled = false), it cannot be deleted';
INSERT INTO @extschema@.escalation_rules (reason, escalates, soft_bounces, within, persisting, note, builtin) VALUES
    (NULL, true, 3, '30 days', NULL,
     'repeated soft bounces (the source document''s 複数回発生): 3 within 30 days, counted since the last delivery', true),
    (NULL, true, NULL, NULL, '72 hours',
     'soft bounces persisting over 72 hours (SendGrid stops retrying and blocks the address)', true),
    ('mailbox_full', true, 5, '30 days', '14 days',
     'a full mailbox is the owner''s problem and often temporary: 5 within 30 days, or full for 14 days', true),
    ('system_error', true, 5, '14 days', NULL,
     'the receiving system''s own trouble says little about the address', true),
    ('system_full', false, NULL, NULL, NULL, 'the receiving system is out of storage: not the address', true),
    ('network_error', false, NULL, NULL, NULL, 'DNS/routing trouble on the way: not the address', true),
    ('greylisted', false, NULL, NULL, NULL, 'greylisting passes on retry', true),
    ('on_hold', false, NULL, NULL, NULL, 'undecided failures do not escalate', true);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.escalation_rules', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.escalation_rules_rule_id_seq', '');
