-- inputs: the bad-input matrix — each entry point with hostile or malformed input, and the outcome:
-- ok (with the value when there is one) or the SQLSTATE of its clear error.  README's table "Bad input"
-- is generated from this file's expected output (scripts/bad_input_matrix.sh).
SET client_min_messages = warning;
-- a suppressed address for the look-alike checks
SELECT bounce_mgmt.suppress('x@example.com', 'security test') > 0 AS suppressed;
CREATE TEMP TABLE users (id int, email text);
INSERT INTO users VALUES (1, 'u@example.com');
CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION bounce_mgmt.user_email_changed();

CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v text;
BEGIN
    EXECUTE sql INTO v;
    RETURN 'ok' || coalesce(' → ' || left(v, 40), '');
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;

SELECT m.entry, m.input, pg_temp.try(m.sql) AS outcome
  FROM (SELECT v.*, row_number() OVER () AS ord FROM (VALUES
    ('ingest', 'not JSON', $$SELECT inserted FROM bounce_mgmt.ingest('hello', 'sendgrid')$$),
    ('ingest', 'JSON cut short', $$SELECT inserted FROM bounce_mgmt.ingest('[{"email": "a@example.com"', 'sendgrid')$$),
    ('ingest', 'nesting 100 deep', $$SELECT inserted FROM bounce_mgmt.ingest(repeat('[', 100) || repeat(']', 100), 'sendgrid')$$),
    ('ingest', 'a JSON object where SendGrid sends an array', $$SELECT inserted FROM bounce_mgmt.ingest('{"email": "a@example.com"}', 'sendgrid')$$),
    ('ingest', 'unknown provider name', $$SELECT inserted FROM bounce_mgmt.ingest('[]', 'smtp2go')$$),
    ('ingest', 'payload NULL', $$SELECT inserted FROM bounce_mgmt.ingest(NULL::text, 'sendgrid')$$),
    ('ingest', 'empty array', $$SELECT events FROM bounce_mgmt.ingest('[]', 'sendgrid')$$),
    ('ingest', 'event without an address', $$SELECT quarantined FROM bounce_mgmt.ingest('[{"event": "bounce", "timestamp": 1700000000}]', 'sendgrid')$$),
    ('ingest', E'\\u0000 in a field', $$SELECT quarantined FROM bounce_mgmt.ingest('[{"email": "a@example.com", "event": "bounce", "timestamp": 1700000000, "reason": "x\u0000y"}]', 'sendgrid')$$),
    ('ingest', 'event dated 1999', $$SELECT quarantined FROM bounce_mgmt.ingest('[{"email": "a@example.com", "event": "bounce", "timestamp": 915148800}]', 'sendgrid')$$),
    ('ingest', 'SNS Message holding a JSON array', $$SELECT quarantined FROM bounce_mgmt.ingest('{"Type": "Notification", "MessageId": "m", "TopicArn": "t", "Message": "[1, 2]"}', 'ses')$$),
    ('ingest', 'all_or_nothing with one bad element', $$SELECT inserted FROM bounce_mgmt.ingest('[{"email": "ok@example.com", "event": "delivered", "timestamp": 1700000000}, {"event": "bounce"}]', 'sendgrid', true)$$),
    ('classify', 'NULL text, no codes', $$SELECT bounce_mgmt.classify(NULL)::text$$),
    ('classify', 'reply code 99', $$SELECT bounce_mgmt.classify('x', 99)::text$$),
    ('classify', 'user unknown with 450 and 5.1.1', $$SELECT (bounce_mgmt.classify('user unknown', 450, '5.1.1')).bounce_class::text$$),
    ('smtp_status', '9.9.9', $$SELECT '9.9.9'::bounce_mgmt.smtp_status::text$$),
    ('normalize_email', 'trailing U+00A0', $$SELECT bounce_mgmt.normalize_email('x@example.com' || chr(160))$$),
    ('normalize_email', 'trailing U+200B', $$SELECT bounce_mgmt.normalize_email('x@example.com' || chr(8203))$$),
    ('normalize_email', 'U+200B inside', $$SELECT coalesce(bounce_mgmt.normalize_email('x' || chr(8203) || '@example.com'), 'NULL')$$),
    ('can_send', 'suppressed address + U+00A0', $$SELECT bounce_mgmt.can_send('x@example.com' || chr(160))::text$$),
    ('suppress', 'reason NULL', $$SELECT bounce_mgmt.suppress('y@example.com', NULL)::text$$),
    ('suppress', 'reason white space', $$SELECT bounce_mgmt.suppress('y@example.com', E' \t\n ')::text$$),
    ('unsuppress', 'reason white space', $$SELECT bounce_mgmt.unsuppress('x@example.com', E' \t\n ')::text$$),
    ('unsuppress', 'reason U+3000 only', $$SELECT bounce_mgmt.unsuppress('x@example.com', chr(12288))::text$$),
    ('mark_notified', 'channel NULL', $$SELECT bounce_mgmt.mark_notified('x@example.com', NULL)::text$$),
    ('record_send', 'sent_at infinity', $$SELECT bounce_mgmt.record_send('a@example.com', 'infinity')::text$$),
    ('record_send', 'sent_at year 1', $$SELECT bounce_mgmt.record_send('a@example.com', '0001-01-01')::text$$),
    ('record_send', 'sent_at year 294276', $$SELECT bounce_mgmt.record_send('a@example.com', '294276-01-01')::text$$),
    ('record_send', 'sent_at NULL', $$SELECT bounce_mgmt.record_send('a@example.com', NULL)::text$$),
    ('bounce_rates', $$bucket '1 day 00:00:00.000001'$$, $$SELECT count(*)::text FROM bounce_mgmt.bounce_rates('1 day 00:00:00.000001', now() - interval '2 days', now())$$),
    ('bounce_rates', $$bucket '36 hours'$$, $$SELECT count(*)::text FROM bounce_mgmt.bounce_rates('36 hours', now() - interval '2 days', now())$$),
    ('bounce_rates', 'to before from', $$SELECT count(*)::text FROM bounce_mgmt.bounce_rates('1 day', now(), now() - interval '2 days')$$),
    ('bounce_rates', $$by 'country'$$, $$SELECT count(*)::text FROM bounce_mgmt.bounce_rates('1 day', now() - interval '2 days', now(), 'country')$$),
    ('create_partition', 'infinity', $$SELECT bounce_mgmt.create_partition('infinity')::text$$),
    ('create_partitions', '100000 months ahead', $$SELECT bounce_mgmt.create_partitions(100000)::text$$),
    ('classify_rules', 'back-reference (.{2,})\1', $$INSERT INTO bounce_mgmt.classify_rules (pattern, reason) VALUES ('(.{2,})\1', 'filtered') RETURNING 'x'$$),
    ('classify_rules', 'pattern of 1 MB', $$INSERT INTO bounce_mgmt.classify_rules (pattern, reason) VALUES (repeat('a|', 500000), 'filtered') RETURNING 'x'$$),
    ('classify_rules', 'sender-side reason made hard', $$INSERT INTO bounce_mgmt.classify_rules (pattern, reason, bounce_class) VALUES ('S3150', 'blocked', 'hard') RETURNING 'x'$$),
    ('settings', $$alert_window '178000000 years'$$, $$UPDATE bounce_mgmt.settings SET alert_window = '178000000 years' RETURNING 'x'$$),
    ('escalation_rules', $$within '178000000 years'$$, $$UPDATE bounce_mgmt.escalation_rules SET within = '178000000 years' WHERE within IS NOT NULL RETURNING 'x'$$),
    ('escalation_rules', 'DELETE a built-in rule', $$DELETE FROM bounce_mgmt.escalation_rules WHERE builtin RETURNING 'x'$$),
    ('settings', 'DELETE the settings row', $$DELETE FROM bounce_mgmt.settings RETURNING 'x'$$),
    ('rate_thresholds', 'TRUNCATE', $$TRUNCATE bounce_mgmt.rate_thresholds$$),
    ('provider_keys', 'api_key NULL', $$INSERT INTO bounce_mgmt.provider_keys VALUES ('nope', NULL) RETURNING 'x'$$),
    ('sync', 'unknown account', $$CALL bounce_mgmt.sync('no-such-account')$$),
    ('sync', 'since in the future', $$CALL bounce_mgmt.sync('no-such-account', now() + interval '1 hour')$$),
    ('parse_bounce_email', 'not an email', $$SELECT count(*)::text FROM bounce_mgmt.parse_bounce_email('no header here')$$),
    ('parse_bounce_email', 'an ordinary email (not a bounce)', $$SELECT count(*)::text FROM bounce_mgmt.parse_bounce_email(E'From: a@example.com\n\nhi')$$),
    ('parse_bounce_email', 'binary junk', $$SELECT count(*)::text FROM bounce_mgmt.parse_bounce_email('\x00fffe01'::bytea)$$),
    ('parse_bounce_email', 'unknown charset', $$SELECT count(*)::text FROM bounce_mgmt.parse_bounce_email('\x41'::bytea, 'klingon')$$),
    ('parse_bounce_email', '10,000 MIME parts', $$SELECT count(*)::text FROM bounce_mgmt.parse_bounce_email(E'From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n' || repeat(E'--b\n\nx\n', 10000))$$),
    ('parse_bounce_email', 'MIME nesting 1,000 deep', $$SELECT count(*)::text FROM bounce_mgmt.parse_bounce_email(E'From: a@example.com\n' || (SELECT string_agg('Content-Type: multipart/mixed; boundary=b' || i || E'\n\n--b' || i || E'\n', '') FROM generate_series(1, 1000) i))$$),
    ('ingest_email', 'empty message', $$SELECT inserted::text FROM bounce_mgmt.ingest_email('')$$),
    ('verify_webhook', 'secret_name NULL', $$SELECT bounce_mgmt.verify_webhook('sendgrid', '[]', NULL, NULL)::text$$),
    ('verify_webhook', 'unknown secret', $$SELECT bounce_mgmt.verify_webhook('sendgrid', '[]', NULL, 'nope')::text$$),
    ('verify_webhook', 'provider smtp2go', $$SELECT bounce_mgmt.verify_webhook('smtp2go', '[]', NULL, 'nope')::text$$),
    ('verify_webhook', 'headers not an object', $$SELECT bounce_mgmt.verify_webhook('sendgrid', '[]', '[1, 2]', 'nope')::text$$),
    ('can_send', 'purpose NULL', $$SELECT bounce_mgmt.can_send('a@example.com', NULL)::text$$),
    ('can_send', $$purpose 'newsletter'$$, $$SELECT bounce_mgmt.can_send('a@example.com', 'newsletter')::text$$),
    ('record_activity', 'kind NULL', $$SELECT bounce_mgmt.record_activity('a@example.com', now(), NULL)::text$$),
    ('record_activity', 'at infinity', $$SELECT bounce_mgmt.record_activity('a@example.com', 'infinity', 'login')::text$$),
    ('record_unsubscribe', 'email NULL', $$SELECT bounce_mgmt.record_unsubscribe(NULL)::text$$),
    ('stale_recipients', 'both intervals NULL', $$SELECT count(*)::text FROM bounce_mgmt.stale_recipients(NULL, NULL)$$),
    ('winback_start', 'emails NULL (array_agg of no rows)', $$SELECT bounce_mgmt.winback_start('w', NULL)::text$$),
    ('winback_start', 'empty array', $$SELECT bounce_mgmt.winback_start('w', '{}')::text$$),
    ('winback_start', 'respond_within 2 years', $$SELECT bounce_mgmt.winback_start('w', ARRAY['a@example.com'], '2 years')::text$$),
    ('winback_confirm', 'email NULL', $$SELECT bounce_mgmt.winback_confirm(NULL)::text$$),
    ('suppress', 'array with a non-address', $$SELECT bounce_mgmt.suppress(ARRAY['y@example.com', 'nope'], 'x')::text$$),
    ('suppress', 'array NULL', $$SELECT bounce_mgmt.suppress(NULL::text[], 'x')::text$$),
    ('unsuppress', 'array, reason NULL', $$SELECT bounce_mgmt.unsuppress(ARRAY['x@example.com'], NULL)::text$$),
    ('mark_notified', 'array NULL', $$SELECT bounce_mgmt.mark_notified(NULL::text[], 'sms')::text$$),
    ('import_suppressions', 'unterminated quote', $$SELECT rows_read::text FROM bounce_mgmt.import_suppressions(E'email\n"a@example.com\n', 'sendgrid', 'bounces')$$),
    ('import_suppressions', 'unknown source', $$SELECT rows_read::text FROM bounce_mgmt.import_suppressions(E'email\na@example.com\n', 'smtp2go')$$),
    ('import_suppressions', 'no email column', $$SELECT rows_read::text FROM bounce_mgmt.import_suppressions(E'name\na\n', 'ses')$$),
    ('import_suppressions', 'csv NULL', $$SELECT rows_read::text FROM bounce_mgmt.import_suppressions(NULL, 'ses')$$),
    ('check_list', 'NULL element', $$SELECT count(*) FILTER (WHERE NOT valid)::text FROM bounce_mgmt.check_list(ARRAY[NULL])$$),
    ('domain_groups', 'DELETE an installed domain', $$DELETE FROM bounce_mgmt.domain_groups WHERE builtin RETURNING 'x'$$),
    ('user_email_changed', 'attached BEFORE UPDATE', $$UPDATE users SET email = 'v@example.com' RETURNING 'x'$$)
  ) AS v(entry, input, sql)) AS m
 ORDER BY m.ord;
