-- 050_settings.sql — the operator's knobs for the lifecycle: one typed settings row, and the rate
-- thresholds the verdicts and alerts compare against (defaults: Amazon SES's published review / pause
-- levels).

CREATE TABLE @extschema@.settings (
    singleton            boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    event_retention      interval NOT NULL DEFAULT '180 days'
                         CHECK (event_retention >= interval '1 day' AND event_retention <= interval '100 years'),
    partitions_ahead     integer NOT NULL DEFAULT 3 CHECK (partitions_ahead BETWEEN 1 AND 36),
    notice_cooldown      interval NOT NULL DEFAULT '7 days' CHECK (notice_cooldown >= interval '0' AND notice_cooldown <= interval '10 years'),
    alert_window         interval NOT NULL DEFAULT '7 days' CHECK (alert_window >= interval '1 day' AND alert_window <= interval '1 year'),
    alert_min_sent       integer NOT NULL DEFAULT 100 CHECK (alert_min_sent >= 0 AND alert_min_sent <= 1000000000),
    incident_min_share   numeric NOT NULL DEFAULT 0.5 CHECK (incident_min_share > 0 AND incident_min_share <= 1),
    incident_min_count   integer NOT NULL DEFAULT 10 CHECK (incident_min_count >= 1 AND incident_min_count <= 1000000000),
    notify_channel       text NOT NULL DEFAULT 'bounce_mgmt_alerts'
                         CHECK (notify_channel ~ '^[a-z_][a-z0-9_]{0,62}$')
);
INSERT INTO @extschema@.settings DEFAULT VALUES;
COMMENT ON TABLE @extschema@.settings IS
    'bounce_mgmt settings (one row): retention of raw events, partitions created ahead, notice cooldown, alert window and minimum volume, sender-incident thresholds, NOTIFY channel';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.settings', '');

CREATE TYPE @extschema@.rate_metric AS ENUM ('hard_bounce', 'complaint');
-- low_volume: fewer sends than the threshold row's min_sent, too few to say review or pause
CREATE TYPE @extschema@.rate_verdict AS ENUM ('no_data', 'low_volume', 'ok', 'review', 'pause');

-- One row per metric and domain group: '' is the whole account (Amazon SES's rules), a group name applies
-- to the recipient domains domain_groups puts in it (the mailbox providers' own rules: Gmail, Yahoo).
CREATE TABLE @extschema@.rate_thresholds (
    metric       @extschema@.rate_metric NOT NULL,
    review       numeric NOT NULL CHECK (review > 0 AND review <= 1),
    pause        numeric NOT NULL CHECK (pause > 0 AND pause <= 1),
    source       text,
    domain_group text NOT NULL DEFAULT '' CHECK (domain_group = '' OR domain_group ~ '^[a-z][a-z0-9_]{0,62}$'),
    min_sent     bigint NOT NULL DEFAULT 0 CHECK (min_sent >= 0 AND min_sent <= 1000000000),
    CHECK (review <= pause),
    PRIMARY KEY (metric, domain_group)
);
-- a verdict needs 100 sends in its bucket (as alerts do: settings.alert_min_sent): 1 complaint in 35 sends
-- is no reason to pause; below it the verdict is low_volume
INSERT INTO @extschema@.rate_thresholds (metric, review, pause, source, min_sent) VALUES
    ('hard_bounce', 0.05,  0.10,  'Amazon SES: account under review at 5 %, sending paused at 10 %', 100),
    ('complaint',   0.001, 0.005, 'Amazon SES: account under review at 0.1 %, sending paused at 0.5 %', 100);
COMMENT ON TABLE @extschema@.rate_thresholds IS
    'rate levels (fractions, 0.05 = 5 %) at which bounce_rates() says review or pause and maintenance raises alerts; domain_group '''' is the whole account, a group name the recipient domains of that group (domain_groups); below min_sent sends the verdict is low_volume';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rate_thresholds', '');
