-- ingest_errors: bad input gets a clear error (SQLSTATE, position or field, hint) and loses nothing: bad
-- elements are quarantined with the reason while the rest lands, and can be replayed; all_or_nothing
-- fails the whole batch instead.
SET search_path = bounce_mgmt, public;
-- the fixtures are years old: keep events that far back (the default, 180 days, quarantines older ones)
UPDATE settings SET event_retention = '100 years';
SET timezone = 'UTC';
\pset null '(null)'
\set VERBOSITY default

-- not JSON, truncated: 22P02 with the byte offset
SELECT * FROM ingest('this is not json', 'sendgrid');
SELECT * FROM ingest('[{"email": "a@example.com", "timestamp": 1700000000, "event": "delivered", "sg_event_id": "x"', 'sendgrid');
DO $$
BEGIN
    PERFORM bounce_mgmt.ingest('[1, 2', 'sendgrid');
EXCEPTION WHEN invalid_text_representation THEN
    RAISE NOTICE 'caught %', SQLSTATE;
END $$;
-- an SNS notification whose Message is plain text (not an SES event) is reported as a note, not an error
SELECT events, inserted, duplicates, quarantined FROM ingest('{"Type": "Notification", "TopicArn": "arn:aws:sns:x", "MessageId": "m", "Message": "not json"}');
SELECT notes FROM ingest_batches ORDER BY batch_id DESC LIMIT 1;
-- valid JSON of the wrong shape: the provider and the field
SELECT * FROM ingest('{"items": 5}', 'mailgun');
SELECT * FROM ingest('"just a string"', 'postmark');
-- nobody's shape, and an unknown provider name: the known providers are listed
SELECT * FROM ingest('[{"hello": "world"}]');
SELECT * FROM ingest('[]', 'sendmail');
-- nesting is bounded
SELECT * FROM ingest(repeat('[', 10000) || repeat(']', 10000), 'generic');
-- NULL payload
SELECT * FROM ingest(NULL::text);
-- an empty array is an empty batch
SELECT events, inserted, duplicates, quarantined FROM ingest('[]', 'sendgrid');
SELECT events, inserted, duplicates, quarantined FROM ingest('[]');

-- one element without an email, one with a timestamp in 2150, one whose raw JSON jsonb cannot hold
-- (\u0000): kept in ingest_errors with the reason; the good elements land
SELECT events, inserted, duplicates, quarantined FROM ingest($$[
  {"emial": "typo@example.com", "occurred_at": 1700000000, "event": "bounce", "diagnostic": "550 5.1.1 user unknown", "id": "e-1"},
  {"email": "good@example.com", "occurred_at": 1700000000, "event": "bounce", "diagnostic": "550 5.1.1 user unknown", "id": "e-2"},
  {"email": "future@example.com", "occurred_at": "2150-01-01T00:00:00Z", "event": "delivered", "id": "e-3"},
  {"email": "nul@example.com", "occurred_at": 1700000000, "event": "bounce", "diagnostic": "bad\u0000byte", "id": "e-4"},
  {"email": "good2@example.com", "occurred_at": 1700000001, "event": "delivered", "id": "e-5"}
]$$, 'generic');
SELECT error_id, provider, element_index, reason, field, left(raw, 40) AS raw_start
  FROM ingest_errors ORDER BY error_id;
SELECT email FROM events WHERE provider = 'generic' ORDER BY email;

-- replay: an operator corrects the element (the cause), replays everything unreplayed
UPDATE ingest_errors SET raw = replace(raw, '"emial"', '"email"') WHERE raw LIKE '%"emial"%';
SELECT error_id, replayed, batch_id IS NOT NULL AS has_batch, message FROM replay_errors() ORDER BY error_id;
SELECT error_id, replayed_at IS NOT NULL AS replayed, replay_batch_id IS NOT NULL AS has_batch
  FROM ingest_errors ORDER BY error_id;
SELECT email, bounce_class, reason FROM events WHERE email = 'typo@example.com';
-- replaying again: nothing left to do for the replayed one
SELECT count(*) AS tried FROM replay_errors((SELECT array_agg(error_id) FROM ingest_errors WHERE replayed_at IS NOT NULL));

-- all_or_nothing: one bad element fails the call and nothing of the batch is stored
SELECT * FROM ingest($$[
  {"email": "aon-good@example.com", "occurred_at": 1700000000, "event": "bounce", "id": "a-1"},
  {"occurred_at": 1700000000, "event": "bounce", "id": "a-2"}
]$$, 'generic', all_or_nothing => true);
SELECT count(*) AS aon_rows FROM events WHERE email LIKE 'aon-%';

-- keep_raw off: the event is stored without its raw element
SET bounce_mgmt.keep_raw = off;
SELECT inserted FROM ingest('[{"email": "noraw@example.com", "occurred_at": 1700000000, "event": "delivered", "id": "r-1"}]', 'generic');
RESET bounce_mgmt.keep_raw;
SELECT inserted FROM ingest('[{"email": "raw@example.com", "occurred_at": 1700000000, "event": "delivered", "id": "r-2"}]', 'generic');
SELECT email, raw IS NULL AS raw_null, raw ->> 'id' AS raw_id FROM events WHERE email IN ('noraw@example.com', 'raw@example.com') ORDER BY email;

-- the jsonb overload
SELECT events, inserted FROM ingest('[{"email": "j@example.com", "occurred_at": 1700000000, "event": "bounce", "id": "j-1", "diagnostic": "552 5.2.2 mailbox full"}]'::jsonb, 'generic');

-- a large batch: 20,000 events in one call (several flushes), then again (all duplicates)
SELECT events, inserted, duplicates, quarantined FROM ingest(
    (SELECT jsonb_agg(jsonb_build_object('email', 'bulk' || g || '@example.org', 'occurred_at', 1700000000 + g,
                                          'event', CASE WHEN g % 10 = 0 THEN 'bounce' ELSE 'delivered' END,
                                          'diagnostic', CASE WHEN g % 10 = 0 THEN '550 5.1.1 user unknown' END,
                                          'id', 'bulk-' || g))::text
       FROM generate_series(1, 20000) g), 'generic');
SELECT events, inserted, duplicates, quarantined FROM ingest(
    (SELECT jsonb_agg(jsonb_build_object('email', 'bulk' || g || '@example.org', 'occurred_at', 1700000000 + g,
                                          'event', CASE WHEN g % 10 = 0 THEN 'bounce' ELSE 'delivered' END,
                                          'id', 'bulk-' || g))::text
       FROM generate_series(1, 20000) g), 'generic');
SELECT count(*) AS bulk_addresses, sum(hard_bounces) AS bulk_hard FROM addresses WHERE domain = 'example.org';
