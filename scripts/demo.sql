-- demo.sql — what scripts/demo.sh shows: bounce_mgmt classifying real bounce texts as providers and mail
-- servers send them.  Run by psql in a throwaway database.
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
