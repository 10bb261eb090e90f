-- bulk: one webhook with many recipients costs memory and time linear in its size.  An SES notification
-- with 100,000 bouncedRecipients grew a backend to 24 GB (each event kept the whole 4 MB notification);
-- now each event keeps its own recipient entry, and bad recipients quarantine the element once.
SET client_min_messages = warning;
-- fixed dates below: keep events that far back
UPDATE bounce_mgmt.settings SET event_retention = '100 years';
CREATE TEMP TABLE big AS
SELECT jsonb_build_object('notificationType', 'Bounce',
         'mail', jsonb_build_object('messageId', 'big-1', 'timestamp', '2026-01-07T00:00:00Z',
                                    'destination', jsonb_agg('r' || g || '@example.com')),
         'bounce', jsonb_build_object('bounceType', 'Permanent', 'bounceSubType', 'General',
                                      'feedbackId', 'fb-big-1', 'timestamp', '2026-01-07T00:00:00Z',
                                      'bouncedRecipients', jsonb_agg(jsonb_build_object(
                                          'emailAddress', CASE WHEN g % 1000 = 0 THEN 'broken' || g ELSE 'r' || g || '@example.com' END,
                                          'status', '5.1.1', 'action', 'failed',
                                          'diagnosticCode', 'smtp; 550 5.1.1 user unknown')))
       )::text AS body
  FROM generate_series(1, 20000) g;
SELECT length(body) > 3000000 AS over_3mb FROM big;
SELECT events, inserted, quarantined FROM bounce_mgmt.ingest((SELECT body FROM big), 'ses');
-- linear: the stored raw JSON of all events together is about the size of the notification, not 20,000 times it
SELECT count(*) AS events, sum(pg_column_size(raw)) < 2 * (SELECT length(body) FROM big) AS raw_linear,
       max(length(raw::text)) < 200 AS raw_is_the_recipient
  FROM bounce_mgmt.events WHERE message_id = 'big-1';
SELECT raw FROM bounce_mgmt.events WHERE provider_event_id = 'fb-big-1:r1@example.com';
-- the 20 bad recipients: one quarantined row for the element, saying how many more were refused
SELECT count(*) AS rows, min(reason) AS reason, min(field) AS first_field
  FROM bounce_mgmt.ingest_errors WHERE provider = 'ses';
-- and within a generous bound of time (the old quadratic path needed minutes for 4,000 recipients)
SELECT duration < interval '60 seconds' AS linear_time FROM bounce_mgmt.ingest_batches ORDER BY batch_id DESC LIMIT 1;
