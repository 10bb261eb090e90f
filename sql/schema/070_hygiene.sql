-- 070_hygiene.sql — list hygiene (issue 11): engagement per address, unsubscribes that outlive event
-- retention, win-back campaigns, and the recipient-domain groups the mailbox providers' rules apply to.
-- Every unique key of a per-address table includes email (Citus); none has a foreign key.
-- since 0.2.0: the Makefile appends this file to the upgrade from 0.1.0 as well (new objects only).

-- The last contact of each kind with an address, for every address that was sent to, beyond event
-- retention.  The write path (and record_sends()) only appends to engagement_recent, one row per address a
-- flush touched (no row is updated, no index kept: a webhook never waits for another here);
-- run_maintenance() folds those rows into engagement (compact_engagement()); readers read both through the
-- view engagement_current.  record_activities() writes engagement itself (the activity's kind).
CREATE TABLE @extschema@.engagement (
    email                 text PRIMARY KEY,
    domain                text NOT NULL,
    first_seen_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_sent_at          timestamptz,
    last_delivered_at     timestamptz,
    last_open_at          timestamptz,
    last_machine_open_at  timestamptz,
    last_click_at         timestamptz,
    last_activity_at      timestamptz,
    last_activity_kind    text,
    last_bounce_at        timestamptz
) WITH (fillfactor = 90);
COMMENT ON TABLE @extschema@.engagement IS
    'per address: the last send, delivery, human open, machine open (never engagement), human click, recorded activity (reply, login, purchase ...) and bounce; kept beyond event retention';
COMMENT ON COLUMN @extschema@.engagement.first_seen_at IS
    'when bounce_mgmt first recorded anything of the address: the start of its silence while it never engaged';
COMMENT ON COLUMN @extschema@.engagement.last_machine_open_at IS
    'the last open the provider flagged as automated (Apple Mail Privacy Protection and the like): not engagement';
COMMENT ON COLUMN @extschema@.engagement.last_activity_kind IS
    'what record_activities() was told the last activity was (reply, login, purchase, winback_confirm ...)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.engagement', '');

CREATE TABLE @extschema@.engagement_recent (
    email                 text NOT NULL,
    first_seen_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_sent_at          timestamptz,
    last_delivered_at     timestamptz,
    last_open_at          timestamptz,
    last_machine_open_at  timestamptz,
    last_click_at         timestamptz,
    last_bounce_at        timestamptz
);
COMMENT ON TABLE @extschema@.engagement_recent IS
    'engagement rows appended by the write path and record_sends() since the last compact_engagement() (insert-only, folded into engagement by run_maintenance(); read them through engagement_current)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.engagement_recent', '');

-- Unsubscribes and complaints per address and list ('' = every marketing list), beyond event retention:
-- can_send(email, 'marketing') honours them, transactional mail does not.
CREATE TYPE @extschema@.unsubscribe_via AS ENUM ('unsubscribe', 'one_click', 'complaint', 'application', 'import');
COMMENT ON TYPE @extschema@.unsubscribe_via IS
    'how an unsubscribe was learnt: unsubscribe (a provider event), one_click (RFC 8058, recorded by the application), complaint (a spam report), application (record_unsubscribe), import (a provider''s export)';
CREATE TABLE @extschema@.unsubscribes (
    email            text NOT NULL,
    list             text NOT NULL DEFAULT '' CHECK (pg_catalog.length(list) <= 200),
    via              @extschema@.unsubscribe_via NOT NULL,
    provider         @extschema@.provider,
    detail           text,
    unsubscribed_at  timestamptz NOT NULL,
    resubscribed_at  timestamptz,
    recorded_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (email, list)
);
COMMENT ON TABLE @extschema@.unsubscribes IS
    'unsubscribes and complaints per address and list ('''' = every marketing list; asm_group:<id> = a SendGrid unsubscribe group): in force while resubscribed_at is NULL or older than unsubscribed_at';
COMMENT ON COLUMN @extschema@.unsubscribes.detail IS
    'the provider''s event name (unsubscribe, group_unsubscribe, list_unsubscribe ...) or the application''s note';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.unsubscribes', '');

-- Win-back campaigns as data: who was asked, what came back, who was removed.
CREATE TABLE @extschema@.winback_campaigns (
    campaign_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    started_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    respond_within  interval NOT NULL CHECK (respond_within > interval '0' AND respond_within <= interval '1 year'),
    deadline        timestamptz NOT NULL,
    started_by      name NOT NULL DEFAULT current_user,
    closed_at       timestamptz,
    closed_by       name,
    CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);
COMMENT ON TABLE @extschema@.winback_campaigns IS
    'win-back campaigns (winback_start): members must respond (click, reply, recorded activity, winback_confirm) by deadline = started_at + respond_within, or run_maintenance() suppresses them (cause inactive) when it closes the campaign';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.winback_campaigns', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.winback_campaigns_campaign_id_seq', '');

-- The key leads with the campaign: a new campaign's members are appended at the right-hand end of its
-- index in address order (no page splits across older campaigns' keys, one index to maintain), every
-- reader of a campaign uses its prefix, and an address's rows are found through the campaigns (few).
CREATE TABLE @extschema@.winback_members (
    email         text NOT NULL,
    campaign_id   bigint NOT NULL,
    sent_at       timestamptz,
    delivered_at  timestamptz,
    bounced_at    timestamptz,
    responded_at  timestamptz,
    response      text,
    removed_at    timestamptz,
    PRIMARY KEY (campaign_id, email)
);
COMMENT ON TABLE @extschema@.winback_members IS
    'the addresses of each win-back campaign and what is known of them: the campaign mail sent, delivered or bounced, the first response after delivery (click, an activity kind, confirm), removal at close';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.winback_members', '');

-- Recipient domains that share one mailbox provider's rules (rate_thresholds.domain_group).  The rows the
-- extension installs (builtin) can be moved to another group but not deleted; operators add their own.
CREATE TABLE @extschema@.domain_groups (
    domain        text PRIMARY KEY CHECK (domain ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
    domain_group  text NOT NULL CHECK (domain_group ~ '^[a-z][a-z0-9_]{0,62}$'),
    builtin       boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.domain_groups IS
    'recipient domains grouped by the mailbox provider whose rules apply to them (gmail: Gmail and Googlemail; yahoo: Yahoo''s and AOL''s domains, not Yahoo! JAPAN)';
INSERT INTO @extschema@.domain_groups (domain, domain_group, builtin)
SELECT d, g, true
  FROM (VALUES ('gmail.com', 'gmail'), ('googlemail.com', 'gmail'),
               ('yahoo.com', 'yahoo'), ('yahoo.co.uk', 'yahoo'), ('yahoo.fr', 'yahoo'), ('yahoo.de', 'yahoo'),
               ('yahoo.es', 'yahoo'), ('yahoo.it', 'yahoo'), ('yahoo.ca', 'yahoo'), ('yahoo.com.au', 'yahoo'),
               ('yahoo.com.br', 'yahoo'), ('yahoo.com.mx', 'yahoo'), ('yahoo.co.in', 'yahoo'), ('yahoo.in', 'yahoo'),
               ('ymail.com', 'yahoo'), ('rocketmail.com', 'yahoo'), ('aol.com', 'yahoo'), ('aol.co.uk', 'yahoo'),
               ('aol.de', 'yahoo'), ('aol.fr', 'yahoo'), ('aim.com', 'yahoo'), ('verizon.net', 'yahoo')) AS x(d, g)
 ORDER BY d;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.domain_groups', '');

-- The mailbox providers' bulk-sender rules (February 2024): keep the spam (complaint) rate under 0.1 %,
-- never reach 0.3 %.  Gmail applies them to senders of 5,000 messages a day to its users (Yahoo names no
-- number; the same is used): a bucket with fewer sends to the group gets the verdict low_volume.
INSERT INTO @extschema@.rate_thresholds (metric, review, pause, source, domain_group, min_sent) VALUES
    ('complaint', 0.001, 0.003, 'Gmail bulk-sender rules: spam rate under 0.1 %, never 0.3 % or more', 'gmail', 5000),
    ('complaint', 0.001, 0.003, 'Yahoo sender requirements: spam rate under 0.1 %, never 0.3 % or more', 'yahoo', 5000);

-- An upgraded database starts from what its retained events and its addresses hold (a fresh one has none):
-- the last send, delivery, click and bounce of each address, its unsubscribes and complaints.  Opens stored
-- before 0.2.0 carry no machine-open flag, so they are not carried over.
INSERT INTO @extschema@.engagement (email, domain, first_seen_at, last_sent_at, last_delivered_at, last_click_at,
                                    last_bounce_at)
SELECT x.email, pg_catalog.min(x.domain), coalesce(pg_catalog.min(x.first), pg_catalog.now()), pg_catalog.max(x.sent),
       pg_catalog.max(x.delivered), pg_catalog.max(x.click), pg_catalog.max(x.bounce)
  FROM (SELECT e.email, e.domain, e.occurred_at AS first,
               CASE WHEN e.event_type = 'sent' THEN e.occurred_at END AS sent,
               CASE WHEN e.event_type = 'delivered' THEN e.occurred_at END AS delivered,
               CASE WHEN e.event_type = 'click' THEN e.occurred_at END AS click,
               CASE WHEN e.event_type = 'bounce' AND e.bounce_class IN ('hard', 'soft')
                         AND NOT (e.rate_excluded OR e.list_entry) THEN e.occurred_at END AS bounce
          FROM @extschema@.events e
         WHERE e.event_type IN ('sent', 'delivered', 'click', 'bounce')
        UNION ALL
        SELECT a.email, a.domain, a.first_bounce_at, NULL, a.last_delivered_at, NULL, a.last_hard_at
          FROM @extschema@.addresses a
         WHERE a.last_delivered_at IS NOT NULL OR a.last_hard_at IS NOT NULL) x
 GROUP BY x.email
 ORDER BY x.email;
INSERT INTO @extschema@.unsubscribes (email, list, via, provider, detail, unsubscribed_at)
SELECT DISTINCT ON (x.email, x.list) x.email, x.list, x.via, x.provider, x.detail, x.at
  FROM (SELECT e.email,
               CASE WHEN e.provider_type = 'group_unsubscribe' AND e.raw ? 'asm_group_id'
                    THEN 'asm_group:' || (e.raw ->> 'asm_group_id') ELSE '' END AS list,
               CASE WHEN e.event_type = 'complaint' THEN 'complaint' ELSE 'unsubscribe' END::@extschema@.unsubscribe_via AS via,
               e.provider, e.provider_type AS detail, e.occurred_at AS at
          FROM @extschema@.events e
         WHERE e.event_type IN ('unsubscribe', 'complaint')
        UNION ALL
        SELECT a.email, '', 'complaint', NULL, NULL, a.last_complaint_at
          FROM @extschema@.addresses a WHERE a.last_complaint_at IS NOT NULL) x
 ORDER BY x.email, x.list, x.at DESC;
