-- bounce_email: parse_bounce_email() and ingest_email() on corpus emails (test/fixtures/sisimai/eml): a
-- standard DSN, MTA texts (Postfix, Exim, qmail, Sendmail, Gmail, a Japanese carrier), an ARF complaint, an
-- RFC 3834 auto-reply and a delayed DSN; the write path (dedupe, suppressions, counters, quarantine,
-- replay); bad input.
SET client_min_messages = warning;
SET timezone = 'UTC';
SET search_path = bounce_mgmt, public;
\pset null '(null)'
UPDATE settings SET event_retention = '100 years';
CREATE TEMP TABLE mails (file text PRIMARY KEY, body bytea NOT NULL);
\set dir 'test/fixtures/sisimai/eml/'
\set f1 `cat test/fixtures/sisimai/eml/rfc3464-01.eml | base64 -w0`
\set f2 `cat test/fixtures/sisimai/eml/lhost-postfix-03.eml | base64 -w0`
\set f3 `cat test/fixtures/sisimai/eml/lhost-exim-01.eml | base64 -w0`
\set f4 `cat test/fixtures/sisimai/eml/lhost-qmail-01.eml | base64 -w0`
\set f5 `cat test/fixtures/sisimai/eml/lhost-gmail-01.eml | base64 -w0`
\set f6 `cat test/fixtures/sisimai/eml/rhost-nttdocomo-01.eml | base64 -w0`
\set f7 `cat test/fixtures/sisimai/eml/arf-01.eml | base64 -w0`
\set f8 `cat test/fixtures/sisimai/eml/rfc3834-01.eml | base64 -w0`
\set f9 `cat test/fixtures/sisimai/eml/lhost-opensmtpd-06.eml | base64 -w0`
INSERT INTO mails VALUES
    ('rfc3464-01', decode(:'f1', 'base64')), ('lhost-postfix-03', decode(:'f2', 'base64')),
    ('lhost-exim-01', decode(:'f3', 'base64')), ('lhost-qmail-01', decode(:'f4', 'base64')),
    ('lhost-gmail-01', decode(:'f5', 'base64')), ('rhost-nttdocomo-01', decode(:'f6', 'base64')),
    ('arf-01', decode(:'f7', 'base64')), ('rfc3834-01', decode(:'f8', 'base64')),
    ('lhost-opensmtpd-06', decode(:'f9', 'base64'));

-- one row per recipient: who, what happened, our verdict (with the SMTP command the reply answered), and
-- which reader understood the email
SELECT m.file, p.recipient, p.event_type, p.action, p.bounce_class, p.reason, p.fault, p.reply_code, p.status,
       p.smtp_command, p.decoder, p.auto_reply, p.feedback_type
  FROM mails m, parse_bounce_email(m.body) p ORDER BY m.file, p.recipient;
-- the rest of the columns, for the DSN
SELECT recipient_original, diagnostic, remote_mta, reporting_mta, occurred_at, original_message_id, message_id,
       evidence
  FROM mails m, parse_bounce_email(m.body) p WHERE m.file = 'rfc3464-01';
-- the text form gives the same rows as the bytea form for a UTF-8/ASCII email
SELECT count(*) AS same_rows FROM mails m,
       LATERAL (SELECT * FROM parse_bounce_email(convert_from(m.body, 'UTF8'))
                EXCEPT SELECT * FROM parse_bounce_email(m.body)) d
 WHERE m.file = 'rfc3464-01';

-- raw 8-bit mail in an undeclared charset (Shift_JIS here): the bytea form with the charset to assume
SELECT recipient, reason, diagnostic FROM parse_bounce_email(
  convert_to(E'From: MAILER-DAEMON@mx.example.jp\nTo: sender@example.com\nSubject: Returned mail\nDate: Mon, 30 Nov 2026 10:00:00 +0900\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=zz\n\n--zz\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.jp\n\nFinal-Recipient: rfc822; nobody@example.jp\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 ユーザーが存在しません\n\n--zz--\n', 'SJIS'),
  'shift_jis');

-- not a bounce: an ordinary email gives no row and no error; not an email at all is 22P02
SELECT count(*) AS rows FROM parse_bounce_email(E'From: a@example.com\nTo: b@example.com\nSubject: hello\n\nhi\n');
SELECT count(*) FROM parse_bounce_email(NULL::text);
\set VERBOSITY default
SELECT * FROM parse_bounce_email('just some text, no header');
SELECT * FROM parse_bounce_email('\x00ff00ff'::bytea, 'no-such-charset');
\set VERBOSITY terse

-- ingest_email: each email through the write path (provider email)
SELECT m.file, r.events, r.inserted, r.duplicates, r.quarantined
  FROM mails m, ingest_email(m.body) r ORDER BY m.file;
-- delivered twice: nothing new
SELECT sum(r.inserted) AS inserted_again, sum(r.duplicates) AS duplicates
  FROM mails m, ingest_email(m.body) r;
SELECT e.email, e.event_type, e.bounce_class, e.reason, e.provider_type, e.provider_subtype, e.auto_reply,
       e.raw ->> 'smtp_command' AS smtp_command
  FROM events e WHERE e.provider = 'email' ORDER BY e.email, e.event_type;
-- hard bounces and the complaint are suppressed; the soft ones, the deferral and the auto-reply are not
SELECT email, cause, reason FROM suppressions
 WHERE closed_at IS NULL AND email IN (SELECT email FROM events WHERE provider = 'email') ORDER BY email;
-- counted under provider email (the auto-reply is excluded from rates)
SELECT provider, sum(hard) AS hard, sum(soft) AS soft, sum(deferred) AS deferred, sum(complaints) AS complaints,
       sum(excluded) AS excluded
  FROM hourly_counts WHERE provider = 'email' GROUP BY provider;
-- the batch of an email that is not a bounce says so
SELECT events, inserted FROM ingest_email(E'From: a@example.com\nSubject: hi\n\nhello\n');
SELECT notes FROM ingest_batches ORDER BY batch_id DESC LIMIT 1;

-- ingest() does not take emails; the JSON providers do not include email
SELECT * FROM ingest('[]', 'email');

-- bad input: clear errors (with where), bounded work
\set VERBOSITY default
SELECT * FROM ingest_email('');
-- 10,000 MIME parts and nesting 1,000 deep: refused at the limit (54000) with where
SELECT count(*) FROM parse_bounce_email(
    E'From: a@example.com\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n'
    || (SELECT string_agg(E'--b\nContent-Type: text/plain\n\npart ' || i || E'\n', '') FROM generate_series(1, 10000) i)
    || E'--b--\n');
SELECT count(*) FROM parse_bounce_email(
    E'From: a@example.com\nMIME-Version: 1.0\n'
    || (SELECT string_agg('Content-Type: multipart/mixed; boundary=b' || i || E'\n\n--b' || i || E'\n', '')
          FROM generate_series(1, 1000) i)
    || E'Content-Type: text/plain\n\nx\n');
-- broken base64 and an unterminated boundary: read as far as they go
SELECT count(*) AS rows FROM parse_bounce_email(
    E'From: MAILER-DAEMON@example.com\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!not base64***\n--x\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; gone@example.com\nAction: failed\nStatus: 5.1.1\n');
