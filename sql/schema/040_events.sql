-- 040_events.sql — the event store: providers, event types, one row per ingest() call, the events table
-- partitioned by month, per-address state, hourly counters, and the elements that could not be ingested.
-- Ingestion (src/pg/ingest.c, src/pg/ingest_store.c) is the only writer of events, addresses and counters.
-- Every unique key of a per-address table starts with email, the distribution column for Citus.

CREATE TYPE @extschema@.provider AS ENUM
    ('sendgrid', 'ses', 'mailgun', 'postmark', 'generic', 'sparkpost', 'mailjet', 'brevo', 'mandrill', 'email');
COMMENT ON TYPE @extschema@.provider IS 'the email providers whose payloads ingest() understands, and email: bounce emails (ingest_email())';

CREATE TYPE @extschema@.event_type AS ENUM
    ('sent', 'delivered', 'deferred', 'bounce', 'dropped', 'complaint', 'unsubscribe', 'open', 'click', 'other');
COMMENT ON TYPE @extschema@.event_type IS
    'normalized event types: sent (accepted by the provider), delivered, deferred (temporary failure, retried), bounce (the provider gave up, or a bounce-list entry), dropped (not attempted), complaint, unsubscribe, open, click, other';

-- one row per ingest() call
CREATE TABLE @extschema@.ingest_batches (
    batch_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider      @extschema@.provider,
    source        text NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    duration      interval,
    payload_bytes bigint NOT NULL,
    events        integer NOT NULL DEFAULT 0,
    inserted      integer NOT NULL DEFAULT 0,
    duplicates    integer NOT NULL DEFAULT 0,
    quarantined   integer NOT NULL DEFAULT 0,
    notes         text[],
    ingested_by   name NOT NULL DEFAULT session_user
);
COMMENT ON TABLE @extschema@.ingest_batches IS 'one row per ingest() call (and per replay / sync page): provider, counts, duration';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ingest_batches', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ingest_batches_batch_id_seq', '');

CREATE SEQUENCE @extschema@.events_event_id_seq CACHE 1000;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.events_event_id_seq', '');

CREATE TABLE @extschema@.events (
    event_id            bigint NOT NULL,
    provider            @extschema@.provider NOT NULL,
    provider_event_id   text COLLATE "C" NOT NULL,
    occurred_at         timestamptz NOT NULL,
    event_type          @extschema@.event_type NOT NULL,
    email               text NOT NULL,
    domain              text NOT NULL,
    bounce_class        @extschema@.bounce_class,
    reason              @extschema@.bounce_reason,
    evidence            @extschema@.bounce_evidence,
    reply_code          smallint,
    status              @extschema@.smtp_status,
    provider_type       text,
    provider_subtype    text,
    diagnostic          text,
    message_id          text,
    attempt             integer,
    rate_excluded       boolean NOT NULL DEFAULT false,
    auto_reply          boolean NOT NULL DEFAULT false,
    list_entry          boolean NOT NULL DEFAULT false,
    provider_suppressed boolean NOT NULL DEFAULT false,
    email_original      text,
    batch_id            bigint NOT NULL,
    raw                 jsonb
) PARTITION BY RANGE (occurred_at);
COMMENT ON TABLE @extschema@.events IS
    'one row per recipient event from a provider, deduplicated on (provider, provider_event_id); partitioned by month of occurred_at (retention = dropping partitions)';
COMMENT ON COLUMN @extschema@.events.provider_event_id IS
    'the provider''s event id, or a documented derived key where it gives none (README: ingestion)';
COMMENT ON COLUMN @extschema@.events.email IS
    'normalized: trimmed, "Name <addr>" unwrapped, ASCII lower-cased; email_original keeps the provider''s spelling';
COMMENT ON COLUMN @extschema@.events.rate_excluded IS
    'not counted in rates, as the provider does not count it (SES OnAccountSuppressionList, auto-replies, drops to listed addresses)';
COMMENT ON COLUMN @extschema@.events.list_entry IS 'from a suppression-list API (bounces/blocks list), not an event feed';
-- No index on the parent: each monthly partition gets its own (create_partition()): the dedupe key, unique
-- on (email, occurred_at, provider, provider_event_id) — led by email, so per-address look-ups by time use
-- it and Citus can distribute by email — and a BRIN index on occurred_at.  Indexes on the parent would be
-- created by CREATE EXTENSION while pg_dump also dumps the partitions' own, so a restore failed.
-- No pg_extension_config_dump for events: its partitions are created by ingestion and maintenance, not by
-- the extension script, so they are ordinary tables that pg_dump dumps with their data and indexes.

-- per-address state, maintained by ingestion: rows only for addresses that had a bounce, deferral,
-- drop or complaint; deliveries update existing rows
CREATE TABLE @extschema@.addresses (
    email              text PRIMARY KEY,
    domain             text NOT NULL,
    first_bounce_at    timestamptz,
    last_bounce_at     timestamptz,
    hard_bounces       integer NOT NULL DEFAULT 0,
    soft_bounces       integer NOT NULL DEFAULT 0,
    deferrals          integer NOT NULL DEFAULT 0,
    drops              integer NOT NULL DEFAULT 0,
    complaints         integer NOT NULL DEFAULT 0,
    last_class         @extschema@.bounce_class,
    last_reason        @extschema@.bounce_reason,
    last_diagnostic    text,
    last_event_id      bigint,
    last_hard_at       timestamptz,
    last_hard_reason   @extschema@.bounce_reason,
    last_hard_event_id bigint,
    last_complaint_at  timestamptz,
    last_delivered_at  timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.addresses IS
    'one row per address with negative events (bounce, deferral, drop, complaint): counts by class, first/last bounce, last reason and diagnostic, last delivery';
CREATE INDEX addresses_domain ON @extschema@.addresses (domain);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.addresses', '');

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

-- elements that could not be ingested, kept with the reason until replayed
CREATE TABLE @extschema@.ingest_errors (
    error_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id        bigint NOT NULL,
    provider        @extschema@.provider,
    element_index   integer,
    raw             text NOT NULL,
    reason          text NOT NULL,
    field           text,
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    replayed_at     timestamptz,
    replay_batch_id bigint
);
COMMENT ON TABLE @extschema@.ingest_errors IS
    'quarantined elements: the raw JSON text, why it was refused (reason, field), its batch; replay_errors() re-ingests them';
CREATE INDEX ingest_errors_open ON @extschema@.ingest_errors (error_id) WHERE replayed_at IS NULL;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ingest_errors', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ingest_errors_error_id_seq', '');
