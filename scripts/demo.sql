-- demo.sql — what scripts/demo.sh shows: bounce_mgmt classifying real bounce texts, ingesting providers'
-- payloads and bounce emails, rates, notices, and keeping the list current (a win-back campaign).  Run by psql
-- in a throwaway database (and by test/demo/run.sh, which checks what it shows).
\set QUIET on
\pset border 2
\pset linestyle unicode
\pset null '·'
SET client_min_messages = warning;
CREATE EXTENSION bounce_mgmt;

\echo
\echo '== 1. Classifying real bounce texts ============================================================='
\echo 'hard = the address itself is dead (ask the user for a new one); soft = retry, or the SENDER must act'
\echo
SELECT t.source, left(regexp_replace(t.diagnostic, '\s+', ' ', 'g'), 64) AS "diagnostic (start)",
       c.bounce_class AS class, c.reason, c.fault AS "who acts", c.reply_code AS code, c.status
  FROM (VALUES
    ('Gmail',      '550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient''s email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si123.45 - gsmtp'),
    ('Gmail',      '550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.'),
    ('Gmail',      '550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain''s DMARC policy.'),
    ('Gmail',      '452-4.2.2 The email account that you tried to reach is over quota.'),
    ('Outlook',    '550 5.7.1 Unfortunately, messages from [192.0.2.1] weren''t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).'),
    ('Outlook',    '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302).'),
    ('Exchange',   '#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##'),
    ('Yahoo',      '554 delivery error: dd This user doesn''t have a yahoo.com account (someone@yahoo.com) [0] - mta1543.mail.ne1.yahoo.com'),
    ('Yahoo',      '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints'),
    ('iCloud',     'host mx01.mail.icloud.com[17.57.152.9] said: 552 5.2.2 <someone@icloud.com>: user is over quota (in reply to RCPT TO command)'),
    ('Postfix',    'host mx.example.jp[192.0.2.10] said: 550 5.1.1 <kijitora@example.jp>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)'),
    ('Postfix',    '450 4.2.0 <neko@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html'),
    ('Postfix',    'Host or domain name not found. Name service error for name=example.invalid type=A: Host not found'),
    ('Spamhaus',   '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org'),
    ('docomo',     '550 Unknown user someone@docomo.ne.jp'),
    ('SES',        'smtp; 550 5.1.1 user unknown'),
    ('SendGrid',   'Bounced Address'),
    ('(no text)',  NULL),
    ('auto-reply', 'I am out of the office until Monday with limited access to email.')
  ) AS t(source, diagnostic)
 CROSS JOIN LATERAL bounce_mgmt.classify(t.diagnostic,
                                         CASE WHEN t.diagnostic IS NULL THEN 550 END) AS c;

\echo
\echo '== 2. The seed document''s reply-code table, with the verdict for a bare code ========================='
SELECT reply_code AS code, meaning, bounce_class AS class, reason
  FROM bounce_mgmt.smtp_reply_codes WHERE in_seed ORDER BY reply_code;

\echo
\echo '== 3. An operator fixes a misclassification without a release ======================================'
INSERT INTO bounce_mgmt.classify_rules (pattern, reason, note)
VALUES ('mailbox (is )?disabled by the owner', 'user_unknown', 'our users'' provider says this for closed accounts');
SELECT c.bounce_class AS class, c.reason, c.evidence, c.rule_id
  FROM bounce_mgmt.classify('550 Mailbox disabled by the owner') AS c;
DELETE FROM bounce_mgmt.classify_rules;

\echo
\echo '== 4. Ingesting the providers'' real payloads (test/fixtures/providers) ============================='
\echo 'each file as the provider sent it; the provider is detected from the payload'
-- the fixtures and corpus emails are years old: keep events that far back (by default events older than
-- settings.event_retention, 180 days, are refused, because their month may already be dropped)
UPDATE bounce_mgmt.settings SET event_retention = '100 years';
CREATE TEMP TABLE fixture_files (name text);
\set fixtures :repo '/test/fixtures/providers'
\set ls_cmd 'cd ' :'fixtures' ' && ls */*.json | grep -v -e error_ -e signature -e classifications -e deliverystats'
\set copy_cmd '\\copy fixture_files FROM PROGRAM ' :'ls_cmd'
:copy_cmd
SELECT f.name AS file, i.events, i.inserted, i.duplicates, i.quarantined
  FROM fixture_files f
 CROSS JOIN LATERAL bounce_mgmt.ingest(pg_read_file(:'fixtures' || '/' || f.name)) i
 ORDER BY f.name;
\echo
\echo 'our verdict next to the provider''s: the address verdict is ours (a block list is the sender''s problem)'
SELECT provider, event_type AS event, email, provider_type || coalesce('/' || provider_subtype, '') AS "provider says",
       bounce_class AS class, reason, left(diagnostic, 50) AS diagnostic
  FROM bounce_mgmt.events
 WHERE event_type IN ('bounce', 'dropped') ORDER BY provider, occurred_at LIMIT 20;

\echo
\echo '== 4b. Bounce emails as the mail servers sent them (a DSN, Postfix, Exim, qmail, a complaint, an out-of-office) =='
\set eml :repo '/test/fixtures/sisimai/eml/'
SELECT f AS email, p.recipient, p.event_type AS event, p.bounce_class AS class, p.reason, p.smtp_command AS "failed at",
       p.decoder
  FROM unnest(ARRAY['rfc3464-01.eml', 'lhost-postfix-03.eml', 'lhost-exim-01.eml', 'lhost-qmail-01.eml',
                    'arf-01.eml', 'rfc3834-01.eml']) f
 CROSS JOIN LATERAL bounce_mgmt.parse_bounce_email(pg_read_binary_file(:'eml' || f)) p;
SELECT f AS email, i.events, i.inserted, i.duplicates, i.quarantined
  FROM unnest(ARRAY['rfc3464-01.eml', 'lhost-postfix-03.eml', 'lhost-exim-01.eml', 'lhost-qmail-01.eml',
                    'arf-01.eml', 'rfc3834-01.eml']) f
 CROSS JOIN LATERAL bounce_mgmt.ingest_email(pg_read_binary_file(:'eml' || f)) i;

\echo
\echo '== 5. Four weeks of mail from an application (SendGrid webhooks, an SES complaint via SNS) ========'
-- the application's own users table
CREATE TABLE users (id serial PRIMARY KEY, name text, email text NOT NULL);
INSERT INTO users (name, email)
SELECT 'user ' || g, 'user' || g || '@' || (ARRAY['gmail.example', 'yahoo.example', 'docomo.example', 'corp.example'])[1 + g % 4]
  FROM generate_series(1, 2000) g;
-- SendGrid: processed + delivered for most, user unknown for a few dead addresses, a block-list week at
-- corp.example (the sender's problem), mailbox-full streaks at docomo.example
SELECT sum(i.inserted) AS sendgrid_events
  FROM generate_series(0, 27) d
 CROSS JOIN LATERAL (
    SELECT jsonb_agg(e)::text AS body FROM (
        SELECT jsonb_build_object('email', u.email, 'timestamp', extract(epoch FROM now() - (28 - d) * interval '1 day')::bigint + u.id,
                                  'event', ev, 'sg_event_id', md5(d || ev || u.id), 'sg_message_id', d || '.' || u.id,
                                  'type', CASE WHEN ev = 'bounce' THEN 'bounce' END,
                                  'status', CASE WHEN ev = 'bounce' AND u.email LIKE '%corp.example' THEN '5.7.1'
                                                 WHEN ev = 'bounce' AND u.email LIKE '%docomo.example' THEN '5.2.2'
                                                 WHEN ev = 'bounce' THEN '5.1.1' END,
                                  'reason', CASE WHEN ev = 'bounce' AND u.email LIKE '%corp.example' THEN '550 5.7.1 Unfortunately, messages from [192.0.2.1] weren''t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).'
                                                 WHEN ev = 'bounce' AND u.email LIKE '%docomo.example' THEN '552 5.2.2 Mailbox full'
                                                 WHEN ev = 'bounce' THEN '550 5.1.1 The email account that you tried to reach does not exist.' END) AS e
          FROM users u
         CROSS JOIN LATERAL (VALUES ('processed'),
                   (CASE WHEN u.id % 97 = 0 AND d >= 3 THEN 'bounce'                                   -- dead addresses
                         WHEN u.email LIKE '%corp.example' AND d BETWEEN 20 AND 21 AND u.id % 5 <> 0 THEN 'bounce'  -- block list
                         WHEN u.email LIKE '%docomo.example' AND u.id % 89 = 2 AND d % 4 = 0 THEN 'bounce'  -- full mailbox
                         ELSE 'delivered' END)) v(ev)
         WHERE u.id % 7 = d % 7) s) b
 CROSS JOIN LATERAL bounce_mgmt.ingest(b.body, 'sendgrid') i;
-- SES: a complaint, via the SNS envelope
SELECT inserted AS ses_complaint FROM bounce_mgmt.ingest(jsonb_build_object(
    'Type', 'Notification', 'MessageId', 'demo-1', 'TopicArn', 'arn:aws:sns:us-east-1:123456789012:ses',
    'Message', jsonb_build_object('notificationType', 'Complaint',
        'complaint', jsonb_build_object('feedbackId', 'demo-feedback-1', 'complaintFeedbackType', 'abuse',
                                        'timestamp', now() - interval '2 days',
                                        'complainedRecipients', jsonb_build_array(jsonb_build_object('emailAddress', 'user5@yahoo.example'))),
        'mail', jsonb_build_object('messageId', 'demo-mail-1', 'timestamp', now() - interval '2 days',
                                   'destination', jsonb_build_array('user5@yahoo.example')))::text)::text);
SELECT * FROM bounce_mgmt.run_maintenance() \gset
\echo
\echo 'run_maintenance(): escalated' :escalated 'addresses, created' :partitions_created 'partitions, raised' :alerts 'alerts'

\echo
\echo '== 6. Bounce and complaint rates per week, with the verdict against SES''s thresholds ============='
SELECT bucket_start AS week, sent, delivered, hard, soft, complaints,
       round(100 * hard_rate, 2) AS "hard %", round(100 * complaint_rate, 3) AS "complaint %", verdict
  FROM bounce_mgmt.bounce_rates('7 days', now() - interval '28 days', now());
\echo 'per recipient domain, whole period:'
SELECT key AS domain, sent, hard, soft, round(100 * hard_rate, 2) AS "hard %", verdict
  FROM bounce_mgmt.bounce_rates('30 days', now() - interval '28 days', now(), 'domain')
 ORDER BY hard DESC, key LIMIT 6;

\echo
\echo '== 7. Sender incidents: the SENDER must act (block list, reputation), not the users ================'
SELECT day, domain, attempts, sender_side AS refused, round(100 * share) AS "%", top_reason
  FROM bounce_mgmt.sender_incidents(now() - interval '28 days', now());

\echo
\echo '== 8. Users who need an address-change notice (my-page banner), joined with the users table ======'
SELECT u.id, u.name, u.email, p.kind, p.reason, p.bounces, p.last_bounce_at::date AS last_bounce,
       left(p.last_diagnostic, 40) AS diagnostic
  FROM users u JOIN bounce_mgmt.pending_notices p ON p.email = bounce_mgmt.normalize_email(u.email)
 ORDER BY p.kind, u.id LIMIT 12;
SELECT count(*) AS "users to notify", count(*) FILTER (WHERE NOT bounce_mgmt.can_send(u.email)) AS "of them not mailable"
  FROM users u JOIN bounce_mgmt.pending_notices p ON p.email = bounce_mgmt.normalize_email(u.email);

\echo
\echo '== 9. Banners shown; user 97 changed the address; an operator lifted user 388''s suppression ======'
SELECT count(bounce_mgmt.mark_notified(email, 'mypage_banner')) AS "banners shown"
  FROM users WHERE id IN (97, 194);
CREATE TRIGGER bounce_mgmt_email_changed AFTER UPDATE OF email ON users
    FOR EACH ROW EXECUTE FUNCTION bounce_mgmt.user_email_changed();
UPDATE users SET email = 'user97.new@yahoo.example' WHERE id = 97;
SELECT bounce_mgmt.unsuppress(email, 'user confirmed the address by phone') AS lifted FROM users WHERE id = 388;
SELECT email, kind, notifications, channels, resolution, new_email FROM bounce_mgmt.notices ORDER BY notice_id;
SELECT email, cause, reason, opened_at::date AS since, closed_at IS NOT NULL AS lifted, closed_by, close_note
  FROM bounce_mgmt.suppressions WHERE email ~ '^user(97|194|388)@' ORDER BY email;
\echo 'can_send for those users now:'
SELECT id, email, bounce_mgmt.can_send(email) FROM users WHERE id IN (1, 97, 194, 388) ORDER BY id;

\echo
\echo '== 10. Keeping the list current: silent recipients, a win-back mailing, unsubscribes ==============='
\echo 'the application knows what the providers cannot: logins (record_activities); clicks come in as events'
ALTER TABLE users ADD COLUMN last_login_at timestamptz;
UPDATE users SET last_login_at = now() - (id % 90) * interval '1 day';
SELECT bounce_mgmt.record_activities(array_agg(email ORDER BY id), array_agg(last_login_at ORDER BY id), 'login')
       AS "logins recorded"
  FROM users WHERE last_login_at >= now() - interval '10 days';
-- a week of clicks from some users; Apple Mail Privacy Protection opens (flagged by SendGrid) are not engagement
SELECT sum(i.inserted) AS "clicks and opens"
  FROM (SELECT jsonb_agg(jsonb_build_object('email', u.email, 'timestamp', extract(epoch FROM now() - interval '3 days')::bigint + u.id,
                                            'event', CASE WHEN u.id % 2 = 0 THEN 'click' ELSE 'open' END,
                                            'sg_machine_open', u.id % 2 = 1, 'sg_event_id', 'eng-' || u.id))::text AS body
          FROM users u WHERE u.id % 11 = 0) b
 CROSS JOIN LATERAL bounce_mgmt.ingest(b.body, 'sendgrid') i;
\echo 'who needs a check before the next mailing: no human open, click or activity for 14 days, and no login for 30'
SELECT count(*) AS "not engaged for 14 days",
       count(*) FILTER (WHERE u.last_login_at < now() - interval '30 days') AS "and no login for 30 days"
  FROM bounce_mgmt.stale_recipients(NULL, '14 days') s
  JOIN users u ON bounce_mgmt.normalize_email(u.email) = s.email;
\echo 'a win-back mail to those (they must click, log in or confirm within 14 days after it is delivered):'
SELECT bounce_mgmt.winback_start('demo win-back', array_agg(u.email)) AS campaign
  FROM bounce_mgmt.stale_recipients(NULL, '14 days') s
  JOIN users u ON bounce_mgmt.normalize_email(u.email) = s.email
 WHERE u.last_login_at < now() - interval '30 days' \gset
-- the mail goes out: all sent, delivered but for a few dead addresses; one in four clicks, a few log in, one confirms
SELECT sum(i.inserted) AS "win-back events"
  FROM (SELECT jsonb_agg(jsonb_build_object('email', m.email, 'timestamp', extract(epoch FROM now())::bigint + k,
                                            'event', ev, 'sg_event_id', 'wb-' || ev || '-' || m.email,
                                            'type', CASE WHEN ev = 'bounce' THEN 'bounce' END,
                                            'status', CASE WHEN ev = 'bounce' THEN '5.1.1' END,
                                            'reason', CASE WHEN ev = 'bounce' THEN '550 5.1.1 user unknown' END))::text AS body
          FROM bounce_mgmt.winback_members m
         CROSS JOIN LATERAL (VALUES (0, 'processed'),
                                    (1, CASE WHEN hashtext(m.email) % 25 = 1 THEN 'bounce' ELSE 'delivered' END),
                                    (2, CASE WHEN hashtext(m.email) % 4 = 0 AND hashtext(m.email) % 25 <> 1 THEN 'click' END)) v(k, ev)
         WHERE m.campaign_id = :campaign AND v.ev IS NOT NULL) b
 CROSS JOIN LATERAL bounce_mgmt.ingest(b.body, 'sendgrid') i;
SELECT bounce_mgmt.record_activity(m.email, now() + interval '5 seconds', 'login') AS "logged in"
  FROM bounce_mgmt.winback_members m WHERE m.campaign_id = :campaign ORDER BY m.email LIMIT 3;
SELECT bounce_mgmt.winback_confirm(max(m.email)) AS "confirmed (campaigns)"
  FROM bounce_mgmt.winback_members m WHERE m.campaign_id = :campaign;
SELECT winback_removed FROM bounce_mgmt.run_maintenance();   -- records what it sees; the campaign is still open
\echo 'two weeks later (the demo lets the deadline pass now): maintenance closes it and removes the silent'
UPDATE bounce_mgmt.winback_campaigns SET deadline = now() - interval '1 second' WHERE campaign_id = :campaign;
SELECT winback_removed FROM bounce_mgmt.run_maintenance();
SELECT campaign, members, sent, delivered, bounced, responded, removed, closed_at IS NOT NULL AS closed
  FROM bounce_mgmt.winback_report('demo win-back');
SELECT cause, count(*) AS "open suppressions" FROM bounce_mgmt.suppressions WHERE closed_at IS NULL GROUP BY cause ORDER BY cause;
\echo 'unsubscribes last beyond event retention: marketing mail honours them, a password reset does not'
-- three users the win-back kept: the second unsubscribes from all marketing, the third from SendGrid group 10
SELECT array_agg(email ORDER BY id) AS kept FROM (SELECT u.id, u.email FROM users u
  WHERE bounce_mgmt.can_send(u.email) ORDER BY u.id LIMIT 3) k \gset
SELECT sum(inserted) AS unsubscribes FROM bounce_mgmt.ingest(jsonb_build_array(
    jsonb_build_object('email', (:'kept'::text[])[2], 'timestamp', extract(epoch FROM now())::bigint, 'event', 'unsubscribe', 'sg_event_id', 'unsub-2'),
    jsonb_build_object('email', (:'kept'::text[])[3], 'timestamp', extract(epoch FROM now())::bigint, 'event', 'group_unsubscribe', 'asm_group_id', 10, 'sg_event_id', 'unsub-3'))::text, 'sendgrid');
SELECT e AS email, bounce_mgmt.can_send(e, 'transactional') AS transactional,
       bounce_mgmt.can_send(e, 'marketing') AS marketing,
       bounce_mgmt.can_send(e, 'marketing:asm_group:10') AS "marketing (group 10)"
  FROM unnest(:'kept'::text[]) e;

\echo
\echo '== 11. A list someone wants to import: check it before the first mailing (never buy lists) =========='
SELECT ord, input, risk, why, suggestion, suppressed
  FROM bounce_mgmt.check_list(ARRAY['taro@gmial.com', 'info@shop.example.jp', 'hanako@docomo.ne.jo',
                                    'user97@yahoo.example', 'x@mailinator.com', 'not an address', 'ok@example.co.jp'])
 ORDER BY ord;
