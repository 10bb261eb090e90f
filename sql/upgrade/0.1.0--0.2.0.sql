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

-- ---- the write path without a global lock (issue 9) ---------------------------------------------------

-- rows reach the flush statement as an ephemeral relation: the SQL-to-C hop is gone; functions whose
-- arguments or results change are created again by the code below
DROP FUNCTION @extschema@.ingest_flush_rows();
DROP FUNCTION @extschema@.bounce_rates(interval, timestamptz, timestamptz, text);
DROP FUNCTION @extschema@.run_maintenance();

-- events: indexes per partition instead of on the parent (a dump restored the parent's with CREATE
-- EXTENSION and the partitions' own again: "multiple primary keys"), and the dedupe key led by email
-- (Citus distributes by it; it serves per-address look-ups too, so the separate email index goes)
ALTER TABLE @extschema@.events DROP CONSTRAINT events_pkey;
DROP INDEX @extschema@.events_email;
DROP INDEX @extschema@.events_occurred_at;
DO $$
DECLARE
    p text;
BEGIN
    FOR p IN SELECT c.relname FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = '@extschema@.events'::pg_catalog.regclass ORDER BY 1
    LOOP
        EXECUTE pg_catalog.format('CREATE UNIQUE INDEX %I ON @extschema@.%I (email, occurred_at, provider, provider_event_id)',
                                  p || '_key', p);
        EXECUTE pg_catalog.format('CREATE INDEX %I ON @extschema@.%I USING brin (occurred_at)', p || '_occurred_at', p);
    END LOOP;
END
$$;

-- counters: insert-only hourly rows instead of daily rows every ingestion updated; the daily history
-- moves over as one row per day at 00:00 UTC (exact for UTC days, as before)
-- Counters per UTC hour x provider x recipient domain: what rates are computed from.  Insert-only: every
-- ingestion appends one row per hour, provider and domain it touched (no row is ever updated, so
-- concurrent ingestions never wait for each other here); readers sum; maintenance compacts the rows of a
-- key into one (compacted = true).  provider NULL: sends recorded by the application (record_sends).
CREATE TABLE @extschema@.hourly_counts (
    hour         timestamptz NOT NULL,
    provider     @extschema@.provider,
    domain       text NOT NULL,
    sent         bigint NOT NULL DEFAULT 0,
    delivered    bigint NOT NULL DEFAULT 0,
    hard         bigint NOT NULL DEFAULT 0,
    soft         bigint NOT NULL DEFAULT 0,
    deferred     bigint NOT NULL DEFAULT 0,
    dropped      bigint NOT NULL DEFAULT 0,
    complaints   bigint NOT NULL DEFAULT 0,
    unsubscribes bigint NOT NULL DEFAULT 0,
    sender_side  bigint NOT NULL DEFAULT 0,
    excluded     bigint NOT NULL DEFAULT 0,
    compacted    boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.hourly_counts IS
    'event counts per UTC hour, provider (NULL: recorded sends) and recipient domain, insert-only and summed by readers (hard/soft: bounces the provider counts; sender_side: soft bounces for reasons the sender must fix; excluded: rate-excluded events and list entries)';
CREATE INDEX hourly_counts_hour ON @extschema@.hourly_counts (hour);
CREATE INDEX hourly_counts_new ON @extschema@.hourly_counts (hour) WHERE NOT compacted;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.hourly_counts', '');

CREATE TABLE @extschema@.hourly_reason_counts (
    hour       timestamptz NOT NULL,
    provider   @extschema@.provider NOT NULL,
    domain     text NOT NULL,
    reason     @extschema@.bounce_reason NOT NULL,
    n          bigint NOT NULL DEFAULT 0,
    compacted  boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.hourly_reason_counts IS
    'bounces and deferrals per UTC hour, provider, recipient domain and reason (insert-only, like hourly_counts)';
CREATE INDEX hourly_reason_counts_hour ON @extschema@.hourly_reason_counts (hour);
CREATE INDEX hourly_reason_counts_new ON @extschema@.hourly_reason_counts (hour) WHERE NOT compacted;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.hourly_reason_counts', '');

-- hourly_counts summed over domains, per hour and source (a provider's name, or 'recorded'): what
-- bounce_rates() reads unless it splits by domain, so a 30-day question reads a few thousand rows
CREATE TABLE @extschema@.hourly_totals (
    hour         timestamptz NOT NULL,
    source       text NOT NULL,
    sent         bigint NOT NULL DEFAULT 0,
    delivered    bigint NOT NULL DEFAULT 0,
    hard         bigint NOT NULL DEFAULT 0,
    soft         bigint NOT NULL DEFAULT 0,
    complaints   bigint NOT NULL DEFAULT 0,
    sender_side  bigint NOT NULL DEFAULT 0,
    compacted    boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.hourly_totals IS
    'hourly_counts summed over domains per UTC hour and source (provider name, or ''recorded''), insert-only like hourly_counts';
CREATE INDEX hourly_totals_hour ON @extschema@.hourly_totals (hour);
CREATE INDEX hourly_totals_new ON @extschema@.hourly_totals (hour) WHERE NOT compacted;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.hourly_totals', '');

INSERT INTO @extschema@.hourly_counts (hour, provider, domain, sent, delivered, hard, soft, deferred, dropped,
                                       complaints, unsubscribes, sender_side, excluded, compacted)
SELECT c.day::timestamp AT TIME ZONE 'UTC', c.provider, c.domain, c.sent, c.delivered, c.hard, c.soft, c.deferred,
       c.dropped, c.complaints, c.unsubscribes, c.sender_side, c.excluded, true
  FROM @extschema@.daily_counts c
UNION ALL
SELECT r.day::timestamp AT TIME ZONE 'UTC', NULL, r.domain, r.sends, 0, 0, 0, 0, 0, 0, 0, 0, 0, true
  FROM @extschema@.recorded_sends r;
INSERT INTO @extschema@.hourly_reason_counts (hour, provider, domain, reason, n, compacted)
SELECT c.day::timestamp AT TIME ZONE 'UTC', c.provider, c.domain, c.reason, c.n, true
  FROM @extschema@.daily_reason_counts c;
INSERT INTO @extschema@.hourly_totals (hour, source, sent, delivered, hard, soft, complaints, sender_side, compacted)
SELECT t.day::timestamp AT TIME ZONE 'UTC', t.source, t.sent, t.delivered, t.hard, t.soft, t.complaints,
       t.sender_side, true
  FROM @extschema@.daily_totals t;
-- leaving the extension first takes them off its list of tables pg_dump dumps (DROP alone leaves it there)
ALTER EXTENSION bounce_mgmt DROP TABLE @extschema@.daily_counts;
ALTER EXTENSION bounce_mgmt DROP TABLE @extschema@.daily_reason_counts;
ALTER EXTENSION bounce_mgmt DROP TABLE @extschema@.daily_totals;
ALTER EXTENSION bounce_mgmt DROP TABLE @extschema@.recorded_sends;
DROP TABLE @extschema@.daily_counts, @extschema@.daily_reason_counts, @extschema@.daily_totals,
           @extschema@.recorded_sends;

-- the providers' own lists, kept beyond event retention (unsuppress() looked for them in events, which
-- retention drops)
CREATE TABLE @extschema@.provider_listings (
    email          text NOT NULL,
    provider       @extschema@.provider NOT NULL,
    listed_at      timestamptz NOT NULL,
    reason         @extschema@.bounce_reason,
    diagnostic     text,
    first_seen_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_seen_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    cleared_at     timestamptz,
    PRIMARY KEY (email, provider)
);
COMMENT ON TABLE @extschema@.provider_listings IS
    'addresses on a provider''s own suppression list (the provider drops mail to them): listed_at = the newest listing event, cleared_at = taken off by provider_remove (NULL while listed)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.provider_listings', '');
INSERT INTO @extschema@.provider_listings (email, provider, listed_at, reason, diagnostic)
SELECT DISTINCT ON (e.email, e.provider) e.email, e.provider, e.occurred_at, e.reason, e.diagnostic
  FROM @extschema@.events e WHERE e.provider_suppressed
 ORDER BY e.email, e.provider, e.occurred_at DESC;
UPDATE @extschema@.provider_listings l SET cleared_at = r.done_at
  FROM @extschema@.provider_removals r JOIN @extschema@.provider_accounts a ON a.name = r.account
 WHERE r.email = l.email AND a.provider = l.provider AND r.done_at >= l.listed_at;

-- suppressions and notices: keys led by email; suppressions say when the address failed
ALTER TABLE @extschema@.suppressions DROP CONSTRAINT suppressions_pkey;
ALTER TABLE @extschema@.suppressions ADD COLUMN evidence_at timestamptz;
ALTER TABLE @extschema@.suppressions ADD PRIMARY KEY (email, suppression_id);
UPDATE @extschema@.suppressions s SET evidence_at = e.occurred_at
  FROM @extschema@.events e WHERE e.event_id = s.event_id;
COMMENT ON COLUMN @extschema@.suppressions.opened_at IS
    'when the suppression was recorded (ingestion or operator time); see evidence_at for when the address failed';
COMMENT ON COLUMN @extschema@.suppressions.evidence_at IS
    'when the bounce or complaint that opened it happened (the event''s own time; for an escalation, the bounce that met the rule); NULL for operator suppressions';
ALTER TABLE @extschema@.notices DROP CONSTRAINT notices_pkey;
ALTER TABLE @extschema@.notices ADD PRIMARY KEY (email, notice_id);

-- ---- dump and restore (issue 13) --------------------------------------------------------------------------

-- the rules the extension installs are marked (restores replace them by key; they cannot be deleted)
ALTER TABLE @extschema@.escalation_rules ADD COLUMN builtin boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN @extschema@.escalation_rules.builtin IS
    'a rule the extension installs: edit or disable it (enabled = false), it cannot be deleted';
UPDATE @extschema@.escalation_rules SET builtin = true WHERE rule_id <= 8;
-- provider_removals' ids restarted at 1 after a restore (its sequence was not dumped), so the next removal
-- collided with a restored one
SELECT pg_catalog.pg_extension_config_dump('@extschema@.provider_removals_removal_id_seq', '');

-- ---- sync as a procedure (issue 9) ------------------------------------------------------------------------

-- sync() becomes CALL sync(): it commits each page with its position in sync_runs, so a slow provider holds
-- nothing a webhook needs and a failed run resumes where it stopped
DROP FUNCTION @extschema@.sync(text, timestamptz);
-- One row per sync run: its window, totals, and (while it runs, or when it failed) the position of the
-- next page, from which the next CALL sync(account) resumes.  Written by sync() only (as the owner).
CREATE TABLE @extschema@.sync_runs (
    run_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account        text NOT NULL REFERENCES @extschema@.provider_accounts (name) ON UPDATE CASCADE ON DELETE CASCADE,
    status         text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    since          timestamptz,
    until          timestamptz NOT NULL,
    explicit_since boolean NOT NULL,
    resumed_from   bigint,
    pages          integer NOT NULL DEFAULT 0,
    fetched        integer NOT NULL DEFAULT 0,
    inserted       integer NOT NULL DEFAULT 0,
    duplicates     integer NOT NULL DEFAULT 0,
    quarantined    integer NOT NULL DEFAULT 0,
    position       jsonb,
    sqlstate       text,
    error          text,
    run_by         name NOT NULL DEFAULT session_user,
    started_at     timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    updated_at     timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    finished_at    timestamptz
);
CREATE INDEX sync_runs_account ON @extschema@.sync_runs (account, run_id);
COMMENT ON TABLE @extschema@.sync_runs IS
    'sync runs: window [since, until], pages and entries so far, status, the error of a failed run and the position the next CALL sync(account) resumes from';
COMMENT ON COLUMN @extschema@.sync_runs.position IS
    'where the next page starts (SendGrid list and offset, Postmark todate and offset, Mailgun next URL); NULL once done';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.sync_runs', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.sync_runs_run_id_seq', '');

-- open_suppressions() takes the escalation rule and note as well (apply_escalation() goes through it)
DROP FUNCTION @extschema@.open_suppressions(text[], @extschema@.suppression_cause[], @extschema@.bounce_reason[],
                                            bigint[], timestamptz[]);

-- ---- bounce emails (issue 10) ---------------------------------------------------------------------------
ALTER TYPE @extschema@.provider ADD VALUE 'email';
COMMENT ON TYPE @extschema@.provider IS 'the email providers whose payloads ingest() understands, and email: bounce emails (ingest_email())';

-- ---- webhook signatures (issue 12) -------------------------------------------------------------------------
ALTER TYPE @extschema@.alert_kind ADD VALUE 'webhook_refusals';
ALTER TYPE @extschema@.alert_kind ADD VALUE 'provider_listed';
CREATE TABLE @extschema@.webhook_secrets (
    name             text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,63}$'),
    provider         @extschema@.provider NOT NULL CHECK (provider IN ('sendgrid', 'mailgun', 'mandrill', 'ses')),
    secret           text,
    webhook_url      text,
    sns_topics       text[],
    sns_certificates text,
    max_skew         interval CHECK (max_skew IS NULL OR (max_skew > interval '0' AND max_skew <= interval '7 days')),
    keep_rejected    boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.webhook_secrets IS
    'webhook verification settings by name: secret (SendGrid verification key, Mailgun signing key, Mandrill webhook key; none for SES/SNS), Mandrill''s webhook_url, SNS topics allowed, extra SNS certificates, the time window, and whether refused bodies are kept';
COMMENT ON COLUMN @extschema@.webhook_secrets.secret IS
    'SendGrid: the verification key (base64 DER or PEM); Mailgun: the HTTP webhook signing key; Mandrill: the webhook key; NULL for ses (SNS signs with certificates)';
COMMENT ON COLUMN @extschema@.webhook_secrets.max_skew IS
    'how far the signed timestamp may be from now (SendGrid, Mailgun: 5 minutes; SNS: 1 hour, as SNS retries); NULL: not checked';
COMMENT ON COLUMN @extschema@.webhook_secrets.keep_rejected IS
    'keep the body and headers of refused webhooks in webhook_rejections (opt-in: they may hold personal data)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_secrets', '');

CREATE TABLE @extschema@.webhook_tokens (
    token        text PRIMARY KEY,
    secret_name  text NOT NULL,
    seen_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.webhook_tokens IS
    'Mailgun tokens of webhooks already accepted: the same token again is a replay (run_maintenance forgets them after 7 days)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_tokens', '');

CREATE TABLE @extschema@.webhook_rejections (
    rejection_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    secret_name   text NOT NULL,
    provider      @extschema@.provider,
    result        text NOT NULL,
    field         text,
    message       text,
    body          text,
    headers       jsonb
);
CREATE INDEX webhook_rejections_received ON @extschema@.webhook_rejections (received_at);
COMMENT ON TABLE @extschema@.webhook_rejections IS
    'webhooks whose signature did not verify: why (result, field, message) and, where the secret keeps them, the body and headers; run_maintenance alerts on a burst (a key rotation gone wrong)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_rejections', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_rejections_rejection_id_seq', '');

CREATE TABLE @extschema@.sns_certificates (
    url         text PRIMARY KEY,
    pem         text NOT NULL,
    fetched_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.sns_certificates IS
    'SNS signing certificates by SigningCertURL, fetched over https from sns.<region>.amazonaws.com (or stored by an admin to pin one); every use verifies the chain again';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.sns_certificates', '');

-- ---- SES suppression list (issue 12) ----
-- provider ses may have an account: sync() reads its account-level suppression list (SESv2), and
-- provider_remove() deletes from it
ALTER TABLE @extschema@.provider_accounts DROP CONSTRAINT provider_accounts_provider_check,
    ADD CONSTRAINT provider_accounts_provider_check CHECK (provider IN ('sendgrid', 'postmark', 'mailgun', 'ses'));
COMMENT ON COLUMN @extschema@.provider_accounts.base_url IS
    'the API root: https://api.sendgrid.com, https://api.postmarkapp.com, https://api.mailgun.net (https://api.eu.mailgun.net), https://email.<region>.amazonaws.com';
COMMENT ON COLUMN @extschema@.provider_accounts.options IS 'Mailgun: {"domain": "mg.example.com"}; SES: {"region": "eu-west-1"}';
COMMENT ON COLUMN @extschema@.sync_runs.position IS
    'where the next page starts (SendGrid list and offset, Postmark todate and offset, Mailgun next URL, SES NextToken); NULL once done';

-- ---- list hygiene (issue 11) ----
-- The new tables (engagement, unsubscribes, win-back campaigns, domain groups and the mailbox providers'
-- threshold rows) are sql/schema/070_hygiene.sql, which make appends after this file.  Here: what changes.

-- suppressions opened when a win-back campaign gets no response; verdicts below a threshold's minimum volume
-- (new enum values: nothing in this transaction may use them, so the code below casts them from text)
ALTER TYPE @extschema@.suppression_cause ADD VALUE 'inactive';
COMMENT ON TYPE @extschema@.suppression_cause IS
    'why an address was suppressed: hard_bounce (the address is bad), complaint (its owner reported spam), repeated_soft / persistent_soft (soft bounces escalated by escalation_rules), operator (suppress()), inactive (no response to a win-back campaign)';
ALTER TYPE @extschema@.rate_verdict ADD VALUE 'low_volume' AFTER 'no_data';

-- threshold rows per recipient-domain group ('' = the whole account, as before) with a minimum volume: the
-- account's rows need 100 sends, as a fresh install's (and as alerts already did, settings.alert_min_sent):
-- 0.1.0 said pause for 1 complaint in 35 sends
ALTER TABLE @extschema@.rate_thresholds
    ADD COLUMN domain_group text NOT NULL DEFAULT '' CHECK (domain_group = '' OR domain_group ~ '^[a-z][a-z0-9_]{0,62}$'),
    ADD COLUMN min_sent bigint NOT NULL DEFAULT 0 CHECK (min_sent >= 0 AND min_sent <= 1000000000),
    DROP CONSTRAINT rate_thresholds_pkey,
    ADD PRIMARY KEY (metric, domain_group);
UPDATE @extschema@.rate_thresholds SET min_sent = 100;
COMMENT ON TABLE @extschema@.rate_thresholds IS
    'rate levels (fractions, 0.05 = 5 %) at which bounce_rates() says review or pause and maintenance raises alerts; domain_group '''' is the whole account, a group name the recipient domains of that group (domain_groups); below min_sent sends the verdict is low_volume';

-- (engagement and unsubscribes are filled from the retained events at the end of 070_hygiene.sql)
