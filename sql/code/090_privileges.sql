-- 090_privileges.sql — least privilege by default: nothing in schema bounce_mgmt is usable by PUBLIC;
-- three NOLOGIN roles carry the access an application needs (granted to its login roles):
--   bounce_mgmt_reader  rates, notices, can_send / is_suppressed, reference tables
--   bounce_mgmt_writer  + ingest, record_send(s), mark_notified, raw events and ingestion history
--   bounce_mgmt_admin   + suppress / unsuppress, rules, settings, thresholds, maintenance, replay,
--                       provider accounts and their API keys, sync
-- SECURITY DEFINER is kept to the few functions that must act as the extension's owner (README
-- "Security" lists each with its audit): ingest() and ingest_email() write the event store, which no
-- role may write directly (the sync procedure, which commits and so cannot be a definer, takes the owner's rights in C
-- for its database steps only); create_partition() and drop_event_partitions() add and drop partitions; pending_notices()
-- reads raw events for readers.  Every other function runs with the caller's rights, so history columns
-- (opened_by, closed_by, notified_by) record who acted.  This file runs again on every upgrade.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['bounce_mgmt_reader', 'bounce_mgmt_writer', 'bounce_mgmt_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
    -- reader < writer < admin (granted once: granting again would only say so in a NOTICE)
    IF NOT pg_catalog.pg_has_role('bounce_mgmt_writer', 'bounce_mgmt_reader', 'MEMBER') THEN
        GRANT bounce_mgmt_reader TO bounce_mgmt_writer;
    END IF;
    IF NOT pg_catalog.pg_has_role('bounce_mgmt_admin', 'bounce_mgmt_writer', 'MEMBER') THEN
        GRANT bounce_mgmt_writer TO bounce_mgmt_admin;
    END IF;
END
$$;

REVOKE ALL ON SCHEMA @extschema@ FROM PUBLIC;
GRANT USAGE ON SCHEMA @extschema@ TO bounce_mgmt_reader;
REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE EXECUTE ON ALL ROUTINES IN SCHEMA @extschema@ FROM PUBLIC;

-- pure functions and the type's support functions stay callable by whoever can reach the schema
GRANT EXECUTE ON FUNCTION
    @extschema@.classify(text, integer, @extschema@.smtp_status),
    @extschema@.classify(text, integer, @extschema@.smtp_status, text),
    @extschema@.parse_smtp_reply(text),
    @extschema@.parse_bounce_email(text), @extschema@.parse_bounce_email(bytea, text),
    @extschema@.reason_catalog(),
    @extschema@.classify_rules_cache(),
    @extschema@.normalize_email(text),
    @extschema@.smtp_status(integer, integer, integer),
    @extschema@.smtp_status_class(@extschema@.smtp_status),
    @extschema@.smtp_status_subject(@extschema@.smtp_status),
    @extschema@.smtp_status_detail(@extschema@.smtp_status),
    @extschema@.smtp_status_eq(@extschema@.smtp_status, @extschema@.smtp_status),
    @extschema@.smtp_status_ne(@extschema@.smtp_status, @extschema@.smtp_status),
    @extschema@.smtp_status_lt(@extschema@.smtp_status, @extschema@.smtp_status),
    @extschema@.smtp_status_le(@extschema@.smtp_status, @extschema@.smtp_status),
    @extschema@.smtp_status_gt(@extschema@.smtp_status, @extschema@.smtp_status),
    @extschema@.smtp_status_ge(@extschema@.smtp_status, @extschema@.smtp_status),
    @extschema@.smtp_status_cmp(@extschema@.smtp_status, @extschema@.smtp_status),
    @extschema@.smtp_status_hash(@extschema@.smtp_status),
    @extschema@.smtp_status_hash_extended(@extschema@.smtp_status, bigint)
    TO PUBLIC;

-- reader
GRANT SELECT ON
    @extschema@.bounce_reasons, @extschema@.smtp_reply_codes, @extschema@.smtp_enhanced_codes,
    @extschema@.classify_rules, @extschema@.escalation_rules, @extschema@.escalating_reasons,
    @extschema@.settings, @extschema@.rate_thresholds,
    @extschema@.addresses, @extschema@.suppressions, @extschema@.notices, @extschema@.pending_notices,
    @extschema@.hourly_counts, @extschema@.hourly_reason_counts, @extschema@.hourly_totals,
    @extschema@.provider_listings, @extschema@.alerts
    TO bounce_mgmt_reader;
GRANT EXECUTE ON FUNCTION
    @extschema@.require_note(text, text, text),
    @extschema@.is_suppressed(text), @extschema@.can_send(text), @extschema@.suppression_status(text[]),
    @extschema@.pending_notices(integer, interval, interval),
    @extschema@.notice_for(text, integer, interval, interval),
    @extschema@.bounce_rates(interval, timestamptz, timestamptz, text, text),
    @extschema@.bounce_rate(timestamptz, timestamptz),
    @extschema@.sender_incidents(timestamptz, timestamptz, numeric, integer),
    @extschema@.rate_verdict(bigint, numeric, numeric),
    @extschema@.notice_kind_for(@extschema@.suppression_cause, @extschema@.bounce_class)
    TO bounce_mgmt_reader;
-- list hygiene (issue 11): engagement, unsubscribes, win-back campaigns, domain groups and their verdicts
GRANT SELECT ON @extschema@.engagement, @extschema@.engagement_recent, @extschema@.engagement_current,
    @extschema@.unsubscribes, @extschema@.winback_campaigns,
    @extschema@.winback_members, @extschema@.domain_groups
    TO bounce_mgmt_reader;
GRANT EXECUTE ON FUNCTION
    @extschema@.can_send(text, text), @extschema@.stale_recipients(interval, interval),
    @extschema@.winback_evidence(bigint), @extschema@.winback_report(text),
    @extschema@.rate_levels(), @extschema@.rate_verdict(bigint, numeric, numeric, text),
    @extschema@.rate_verdict(bigint, numeric, numeric, numeric, numeric, bigint, numeric, numeric, bigint),
    @extschema@.require_addresses(text[]), @extschema@.require_address(text),
    @extschema@.require_event_time(timestamptz, text),
    @extschema@.check_list(text[]), @extschema@.check_list_summary(text[]), @extschema@.suppression_export()
    TO bounce_mgmt_reader;

-- writer
GRANT SELECT ON @extschema@.events, @extschema@.ingest_batches, @extschema@.ingest_errors TO bounce_mgmt_writer;
GRANT INSERT, UPDATE ON @extschema@.notices TO bounce_mgmt_writer;
-- counters: appended by record_sends() (the application's own sends), never updated
GRANT INSERT ON @extschema@.hourly_counts, @extschema@.hourly_totals TO bounce_mgmt_writer;
GRANT EXECUTE ON FUNCTION
    @extschema@.event_row_columns(),
    @extschema@.ingest(text, text, boolean), @extschema@.ingest(jsonb, text, boolean),
    @extschema@.ingest_email(text), @extschema@.ingest_email(bytea, text),
    @extschema@.record_send(text, timestamptz), @extschema@.record_sends(text[], timestamptz),
    @extschema@.mark_notified(text, text)
    TO bounce_mgmt_writer;
-- list hygiene (issue 11): the application's own signals, unsubscribes and win-back campaigns; the
-- engagement and unsubscribe columns the write path keeps from provider events stay the owner's
GRANT INSERT (email, domain, first_seen_at, last_activity_at, last_activity_kind), UPDATE (last_activity_at, last_activity_kind)
    ON @extschema@.engagement TO bounce_mgmt_writer;
GRANT INSERT (email, first_seen_at, last_sent_at) ON @extschema@.engagement_recent TO bounce_mgmt_writer;
GRANT INSERT (email, list, via, unsubscribed_at), UPDATE (via, provider, detail, unsubscribed_at, resubscribed_at, recorded_at)
    ON @extschema@.unsubscribes TO bounce_mgmt_writer;
GRANT INSERT (name, respond_within, deadline) ON @extschema@.winback_campaigns TO bounce_mgmt_writer;
GRANT INSERT (email, campaign_id), UPDATE (responded_at, response) ON @extschema@.winback_members TO bounce_mgmt_writer;
GRANT EXECUTE ON FUNCTION
    @extschema@.record_activities(text[], timestamptz[], text), @extschema@.record_activity(text, timestamptz, text),
    @extschema@.record_unsubscribe(text, text, boolean, timestamptz), @extschema@.record_resubscribe(text, text, timestamptz),
    @extschema@.winback_start(text, text[], interval), @extschema@.winback_confirm(text),
    @extschema@.mark_notified(text[], text)
    TO bounce_mgmt_writer;

-- admin
GRANT INSERT, UPDATE, DELETE ON @extschema@.classify_rules, @extschema@.escalation_rules
    TO bounce_mgmt_admin;
GRANT UPDATE ON @extschema@.settings, @extschema@.rate_thresholds TO bounce_mgmt_admin;
GRANT INSERT, UPDATE ON @extschema@.suppressions TO bounce_mgmt_admin;
-- maintenance folds the counter rows (compact_counters) and clears listings a removal took care of
GRANT DELETE ON @extschema@.hourly_counts, @extschema@.hourly_reason_counts, @extschema@.hourly_totals
    TO bounce_mgmt_admin;
GRANT INSERT ON @extschema@.hourly_reason_counts TO bounce_mgmt_admin;
GRANT UPDATE (cleared_at) ON @extschema@.provider_listings TO bounce_mgmt_admin;
GRANT EXECUTE ON FUNCTION
    @extschema@.suppress(text, text), @extschema@.unsuppress(text, text, boolean),
    @extschema@.apply_escalation(timestamptz, boolean), @extschema@.replay_errors(bigint[]),
    @extschema@.open_suppressions(text[], @extschema@.suppression_cause[], @extschema@.bounce_reason[], bigint[],
                                  timestamptz[], integer[], text[]),
    @extschema@.create_partition(timestamptz), @extschema@.create_partitions(integer)
    TO bounce_mgmt_admin;
GRANT UPDATE ON @extschema@.ingest_errors TO bounce_mgmt_admin;
-- list hygiene (issue 11): bulk operator calls, CSV import of providers' suppression exports, domain groups,
-- win-back campaigns closed by maintenance
GRANT EXECUTE ON FUNCTION
    @extschema@.suppress(text[], text), @extschema@.unsuppress(text[], text, boolean),
    @extschema@.winback_observe(bigint), @extschema@.winback_close_expired(), @extschema@.compact_engagement(),
    @extschema@.raise_group_alerts(text, bigint, bigint, bigint, timestamptz, timestamptz, integer),
    @extschema@.read_csv(text), @extschema@.provider_time(text), @extschema@.csv_column(text[], text[]),
    @extschema@.suppression_csv_rows(text, text, text),
    @extschema@.import_suppressions(text, text, text)
    TO bounce_mgmt_admin;
GRANT UPDATE (sent_at, delivered_at, bounced_at, removed_at) ON @extschema@.winback_members TO bounce_mgmt_admin;
GRANT DELETE ON @extschema@.engagement_recent TO bounce_mgmt_admin;
GRANT INSERT (first_seen_at, last_sent_at, last_delivered_at, last_open_at, last_machine_open_at, last_click_at, last_bounce_at),
      UPDATE (first_seen_at, last_sent_at, last_delivered_at, last_open_at, last_machine_open_at, last_click_at, last_bounce_at)
    ON @extschema@.engagement TO bounce_mgmt_admin;
GRANT UPDATE (closed_at, closed_by) ON @extschema@.winback_campaigns TO bounce_mgmt_admin;
GRANT INSERT (domain, domain_group), UPDATE (domain_group), DELETE ON @extschema@.domain_groups TO bounce_mgmt_admin;
GRANT INSERT (email, provider, listed_at, reason, diagnostic), UPDATE (listed_at, reason, diagnostic, last_seen_at)
    ON @extschema@.provider_listings TO bounce_mgmt_admin;
GRANT INSERT (via, provider, detail) ON @extschema@.unsubscribes TO bounce_mgmt_admin;
-- provider accounts: the keys are the admin's alone; others see provider_accounts_public
GRANT SELECT ON @extschema@.provider_accounts_public, @extschema@.provider_removals, @extschema@.sync_runs,
    @extschema@.provider_listed TO bounce_mgmt_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.provider_accounts TO bounce_mgmt_admin;
-- keys are write-only: admins set and replace them, and see which accounts have one, never the key
-- (UPDATE of the credentials only: moving a key to another account would send it to that account's host)
GRANT INSERT, DELETE ON @extschema@.provider_keys TO bounce_mgmt_admin;
GRANT UPDATE (api_key, api_secret, session_token) ON @extschema@.provider_keys TO bounce_mgmt_admin;
GRANT SELECT (account) ON @extschema@.provider_keys TO bounce_mgmt_admin;
GRANT INSERT, UPDATE ON @extschema@.provider_removals TO bounce_mgmt_admin;
GRANT EXECUTE ON PROCEDURE @extschema@.sync(text, timestamptz) TO bounce_mgmt_admin;
GRANT EXECUTE ON FUNCTION
    @extschema@.api_url_safe(text), @extschema@.provider_remove(text, text),
    @extschema@.queue_provider_removals(text), @extschema@.retry_provider_removals(text)
    TO bounce_mgmt_admin;

-- webhook signatures: receivers verify (and ingest) with a secret's name; secrets are the admin's to write
-- and never to read back; refused webhooks are for admins (bodies may hold personal data)
GRANT EXECUTE ON FUNCTION @extschema@.verify_webhook(text, text, jsonb, text),
    @extschema@.ingest_verified(text, jsonb, text) TO bounce_mgmt_writer;
GRANT EXECUTE ON FUNCTION @extschema@.sns_confirm_subscription(text, text) TO bounce_mgmt_admin;
GRANT INSERT, UPDATE, DELETE ON @extschema@.webhook_secrets TO bounce_mgmt_admin;
GRANT SELECT (name, provider, webhook_url, sns_topics, sns_certificates, max_skew, keep_rejected, created_at)
    ON @extschema@.webhook_secrets TO bounce_mgmt_admin;
GRANT SELECT, DELETE ON @extschema@.webhook_rejections TO bounce_mgmt_admin;
-- (maintenance forgets old Mailgun tokens with the admin's rights)
GRANT SELECT, DELETE ON @extschema@.webhook_tokens TO bounce_mgmt_admin;
GRANT SELECT, INSERT, DELETE ON @extschema@.sns_certificates TO bounce_mgmt_admin;

-- maintenance runs with the admin's own rights; only the partition DDL inside it is SECURITY DEFINER
GRANT INSERT ON @extschema@.alerts TO bounce_mgmt_admin;
GRANT EXECUTE ON FUNCTION @extschema@.run_maintenance(), @extschema@.drop_event_partitions(timestamptz),
    @extschema@.compact_counters(),
    @extschema@.raise_alert(@extschema@.alert_kind, @extschema@.rate_verdict, text, numeric, numeric,
                            timestamptz, timestamptz, jsonb)
    TO bounce_mgmt_admin;

-- the trigger function applications attach to their users table (resolves notices only)
GRANT EXECUTE ON FUNCTION @extschema@.user_email_changed() TO bounce_mgmt_writer;
