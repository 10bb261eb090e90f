-- ingest: every provider fixture (test/fixtures/providers/) stored with our verdict next to the
-- provider's, timestamps in every form, exact ids, dedupe on re-delivery, per-address state and counters.
SET search_path = bounce_mgmt, public;
-- the fixtures are years old: keep events that far back (the default, 180 days, quarantines older ones)
UPDATE settings SET event_retention = '100 years';
SET timezone = 'UTC';
\pset null '(null)'
CREATE TEMP VIEW last_batch AS
    SELECT e.provider_event_id AS id, e.event_type AS type, e.email, e.bounce_class AS class, e.reason,
           e.evidence, e.reply_code AS code, e.status, e.provider_type AS ptype, e.provider_subtype AS psub,
           e.occurred_at, concat_ws(',', CASE WHEN rate_excluded THEN 'excluded' END,
                                    CASE WHEN auto_reply THEN 'auto_reply' END,
                                    CASE WHEN list_entry THEN 'list' END,
                                    CASE WHEN provider_suppressed THEN 'provider_suppressed' END) AS flags
      FROM events e WHERE e.batch_id = (SELECT max(batch_id) FROM ingest_batches)
     ORDER BY e.occurred_at, e.provider_event_id;

-- SendGrid Event Webhook: every event type; bounce vs blocked share an id in the docs (a duplicate)
\set f `cat test/fixtures/providers/sendgrid/event_webhook_batch_docs.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
-- the webhook retried: nothing new
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
\set f `cat test/fixtures/providers/sendgrid/event_webhook_batch_anymail.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f', 'sendgrid');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/sendgrid/event_webhook_blocked_no_status_real.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/sendgrid/event_webhook_current_docs_style.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
SELECT notes FROM ingest_batches ORDER BY batch_id DESC LIMIT 1;
-- SendGrid suppression lists (API): bounces and blocks
\set f `cat test/fixtures/providers/sendgrid/suppression_bounces_list_response.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/sendgrid/suppression_blocks_list_response.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;

-- Amazon SES: SNS envelopes, raw notifications, event publishing
\set f `cat test/fixtures/providers/ses/sns_notification_bounce_permanent_onaccountsuppressionlist.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/sns_notification_bounce_permanent_with_dsn_anymail.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
-- this capture reuses the feedbackId of the one above (the fixture was edited from it): a duplicate by our
-- key, so it is ingested once as is and once with a fresh feedbackId to show its verdict
\set f `cat test/fixtures/providers/ses/sns_notification_bounce_transient_unknown_subtype.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT events, inserted, duplicates, quarantined FROM ingest(replace(:'f', '0100017e6dde5726', 'copy017e6dde5726'));
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/sns_subscription_confirmation_awsdoc.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT provider, notes[1] LIKE 'sns_subscription_confirmation: https://sns.%' AS reported
  FROM ingest_batches ORDER BY batch_id DESC LIMIT 1;
\set f `cat test/fixtures/providers/ses/raw_bounce_permanent_with_dsn_awsdoc.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f', 'ses');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/raw_bounce_permanent_no_dsn_two_recipients_awsdoc.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/raw_bounce_permanent_general_simulator.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/raw_bounce_permanent_suppressionlist_simulator.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/raw_bounce_transient_general_ooto_simulator.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/raw_complaint_abuse_simulator.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/raw_complaint_with_feedback_awsdoc.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/raw_delivery_awsdoc.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/eventpub_bounce_permanent_awsdoc.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/ses/eventpub_delivery_delay_awsdoc.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;

-- Mailgun: webhooks (suppress-bounce is a drop), Events API page, Bounces API list
\set f `cat test/fixtures/providers/mailgun/webhook_failed_permanent_suppress_bounce.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/mailgun/webhook_failed_temporary_greylisted_anymail.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/mailgun/events_api_page_failed.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/mailgun/bounces_api_list.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;

-- Postmark: bounce webhook (ID beyond 2^53 kept exact), spam complaint, Bounces API page
\set f `cat test/fixtures/providers/postmark/webhook_bounce_hard_docs.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
-- constructed from the docs example above with the same ID and time: a duplicate, so also with another ID
\set f `cat test/fixtures/providers/postmark/webhook_bounce_soft_constructed.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT events, inserted, duplicates, quarantined FROM ingest(replace(:'f', '4323372036854775807', '9223372036854775806'));
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/postmark/webhook_spam_complaint_docs.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/postmark/bounces_api_list.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;

-- SparkPost, Mailjet, Brevo, Mandrill (form body)
\set f `cat test/fixtures/providers/sparkpost/webhook_batch_bounce_and_delay.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/mailjet/webhook_bounce_and_blocked_grouped.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/brevo/webhook_hard_bounce.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;
\set f `cat test/fixtures/providers/mandrill/mandrill_events_hard_bounce.json`
SELECT events, inserted, duplicates, quarantined FROM ingest(:'f');
SELECT * FROM last_batch;

-- the generic format: every timestamp form, original spelling kept, normalized email
SELECT events, inserted, duplicates, quarantined FROM ingest($$[
  {"email": " Jane.Doe@Example.COM ", "occurred_at": 1700000000, "event": "bounce", "reply_code": 550,
   "status": "5.1.1", "diagnostic": "smtp; 550 5.1.1 user unknown", "id": "g-1"},
  {"email": "ms@example.com", "occurred_at": 1700000000123, "event": "deferred", "diagnostic": "452 4.2.2 mailbox full", "id": "g-2"},
  {"email": "float@example.com", "occurred_at": 1700000000.5, "event": "delivered", "id": "g-3"},
  {"email": "iso7@example.com", "occurred_at": "2023-11-14T22:13:20.1234567Z", "event": "sent", "id": "g-4"},
  {"email": "rfc2822@example.com", "occurred_at": "Tue, 14 Nov 2023 22:13:20 +0000", "event": "complaint", "id": "g-5"},
  {"email": "noid@example.com", "occurred_at": "2023-11-14T22:13:20+09:00", "event": "bounce", "diagnostic": "550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"}
]$$, 'generic');
SELECT id ~ '^gen:[0-9a-f]{16}$' OR id LIKE 'g-%' AS id_ok, type, email, class, reason, code, status, occurred_at
  FROM last_batch;
SELECT email, email_original FROM events WHERE email = 'jane.doe@example.com';

-- per-address state: one row per address with a bounce, deferral, drop or complaint
SELECT count(*) AS addresses, sum(hard_bounces) AS hard, sum(soft_bounces) AS soft,
       sum(deferrals) AS deferrals, sum(drops) AS drops, sum(complaints) AS complaints
  FROM addresses;
SELECT email, hard_bounces, soft_bounces, deferrals, complaints, last_class, last_reason, last_hard_reason
  FROM addresses WHERE email IN ('jane.doe@example.com', 'noid@example.com', 'rfc2822@example.com', 'ms@example.com')
 ORDER BY email;
-- deliveries do not create address rows
SELECT count(*) AS delivered_only_rows FROM addresses WHERE email = 'float@example.com';
-- the counters agree with the stored events
SELECT (SELECT sum(hard) FROM hourly_counts) AS hard_counted,
       (SELECT count(*) FROM events WHERE event_type = 'bounce' AND bounce_class = 'hard'
                                      AND NOT rate_excluded AND NOT list_entry) AS hard_events,
       (SELECT sum(sent) FROM hourly_counts) AS sent_counted,
       (SELECT count(*) FROM events WHERE event_type = 'sent' AND NOT rate_excluded) AS sent_events,
       (SELECT sum(excluded) FROM hourly_counts) AS excluded_counted,
       (SELECT count(*) FROM events WHERE rate_excluded OR list_entry) AS excluded_events;
-- every batch is on record
SELECT count(*) AS batches, sum(events) AS events, sum(inserted) AS inserted, sum(duplicates) AS duplicates,
       sum(quarantined) AS quarantined, bool_and(duration IS NOT NULL) AS timed
  FROM ingest_batches;
-- partitions by month (UTC) were created as needed
SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'bounce_mgmt.events'::regclass ORDER BY 1;
