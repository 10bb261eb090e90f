-- writepath_setup.sql — the data and baselines of bench/writepath.sh (issue 9's figures), in database
-- bm_bench: an SES bounce notification over SNS as one webhook call (one event; @N@ makes each call's
-- address and ids unique), the same event as a plain INSERT ... ON CONFLICT into the same events table,
-- 20 SendGrid batches of 10,000 events, and a hand-written SQL ingester doing the same work with
-- jsonb_array_elements and INSERT ... ON CONFLICT (events, per-address state, hourly counters,
-- suppressions).
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION bounce_mgmt;
SET jit = off;
ALTER DATABASE bm_bench SET jit = off;
SELECT bounce_mgmt.create_partitions(1) IS NOT NULL AS partitions;

-- one SNS notification holding one SES bounce, dated an hour ago
CREATE TABLE sns_template (body text NOT NULL);
INSERT INTO sns_template
SELECT jsonb_build_object(
    'Type', 'Notification', 'MessageId', 'sns-@N@', 'TopicArn', 'arn:aws:sns:us-east-1:123456789012:ses-events',
    'Timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'Message', jsonb_build_object(
        'notificationType', 'Bounce',
        'bounce', jsonb_build_object(
            'bounceType', 'Permanent', 'bounceSubType', 'General', 'reportingMTA', 'dsn; a1-2.smtp-out.amazonses.com',
            'timestamp', to_char((now() - interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'feedbackId', 'feedback-@N@',
            'bouncedRecipients', jsonb_build_array(jsonb_build_object(
                'emailAddress', 'user@N@@example.com', 'action', 'failed', 'status', '5.1.1',
                'diagnosticCode', 'smtp; 550 5.1.1 <user@N@@example.com>... User unknown'))),
        'mail', jsonb_build_object(
            'timestamp', to_char((now() - interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'source', 'news@sender.example', 'messageId', 'msg-@N@',
            'destination', jsonb_build_array('user@N@@example.com')))::text)::text;

-- the same event as one plain row (the columns ingest() fills for it, raw included)
CREATE FUNCTION plain_insert(n bigint) RETURNS void LANGUAGE sql AS $f$
    INSERT INTO bounce_mgmt.events (event_id, provider, provider_event_id, occurred_at, event_type, email, domain,
                                    bounce_class, reason, evidence, reply_code, status, provider_type,
                                    provider_subtype, diagnostic, message_id, email_original, batch_id, raw)
    VALUES (nextval('bounce_mgmt.events_event_id_seq'), 'ses', 'feedback-' || n || ':user' || n || '@example.com',
            date_trunc('second', now() - interval '1 hour'), 'bounce', 'user' || n || '@example.com', 'example.com',
            'hard', 'user_unknown', 'status', 550, '5.1.1', 'Permanent', 'General',
            'smtp; 550 5.1.1 <user' || n || '@example.com>... User unknown', 'msg-' || n,
            'user' || n || '@example.com', 0,
            jsonb_build_object('emailAddress', 'user' || n || '@example.com', 'action', 'failed', 'status', '5.1.1',
                               'diagnosticCode', 'smtp; 550 5.1.1 <user' || n || '@example.com>... User unknown'))
    ON CONFLICT DO NOTHING
$f$;

-- 20 SendGrid batches of 10,000 events (45 % processed, 45 % delivered, 10 % bounces), 40,000 addresses
\ir sendgrid_batches.sql
\ir sql_ingester.sql

CREATE FUNCTION reset_tables() RETURNS void LANGUAGE sql AS $f$
    TRUNCATE bounce_mgmt.events, bounce_mgmt.addresses, bounce_mgmt.hourly_counts, bounce_mgmt.hourly_reason_counts,
             bounce_mgmt.hourly_totals, bounce_mgmt.provider_listings, bounce_mgmt.ingest_batches,
             bounce_mgmt.ingest_errors, bounce_mgmt.suppressions, bounce_mgmt.notices,
             bounce_mgmt.engagement, bounce_mgmt.engagement_recent, bounce_mgmt.unsubscribes;
$f$;
VACUUM ANALYZE batches;

-- section 1 runs on tables in use, not freshly truncated ones: 4 of the batches stored (40,000 events,
-- 20,000 addresses, their bounces and suppressions) and ANALYZEd.  Plans are made from the statistics; on
-- tables truncated and never analyzed the planner reads them as empty and picks sequential scans that
-- grow with every call of a 10-second run (in a real database autovacuum analyzes a table within a
-- minute of it growing from empty).
CREATE FUNCTION prime_tables() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM reset_tables();
    PERFORM bounce_mgmt.ingest(b.body, 'sendgrid') FROM batches b WHERE b.n BETWEEN 16 AND 19 ORDER BY b.n;
    ANALYZE bounce_mgmt.events, bounce_mgmt.addresses, bounce_mgmt.suppressions, bounce_mgmt.notices,
            bounce_mgmt.hourly_counts, bounce_mgmt.hourly_totals, bounce_mgmt.hourly_reason_counts,
            bounce_mgmt.provider_listings, bounce_mgmt.ingest_batches, bounce_mgmt.engagement_recent,
            bounce_mgmt.unsubscribes;
END
$f$;
