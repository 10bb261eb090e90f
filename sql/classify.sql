-- classify: class and reason of real bounce texts, evidence precedence, given codes, bad input, and the
-- library's reason table agreeing with the SQL enums.
SET search_path = bounce_mgmt, public;
\pset null '(null)'

-- the SQL enum and the library list the same reasons in the same order
SELECT count(*) AS reasons,
       bool_and(e.reason::text = c.reason) AS same_names_same_order
  FROM unnest(enum_range(NULL::bounce_reason)) WITH ORDINALITY AS e(reason, n)
  FULL JOIN (SELECT reason, row_number() OVER () AS n FROM reason_catalog()) AS c USING (n);

-- real texts: the big mailbox providers, MTAs, Japanese carriers
SELECT t.label, c.bounce_class, c.reason, c.fault, c.reply_code, c.status, c.evidence
  FROM (VALUES
    ('gmail no such user',  '550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient''s email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si123 - gsmtp'),
    ('gmail spam',          '550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.'),
    ('gmail dmarc',         '550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain''s DMARC policy. Please contact the administrator of example.jp domain.'),
    ('gmail over quota',    '452-4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp'),
    ('gmail disabled',      '550-5.2.1 The email account that you tried to reach is disabled. Learn more at https://support.google.com/mail/?p=DisabledUser'),
    ('gmail rate',          '421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address.'),
    ('outlook S3150',       '550 5.7.1 Unfortunately, messages from [192.0.2.1] weren''t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).'),
    ('outlook 5.5.0',       '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302).'),
    ('outlook banned ip',   '550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/'),
    ('exchange not found',  '#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##'),
    ('yahoo no account',    '554 delivery error: dd This user doesn''t have a yahoo.com account (x@yahoo.com) [0] - mta1543.mail.ne1.yahoo.com'),
    ('yahoo TSS04',         '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints'),
    ('icloud quota',        'host mx01.mail.icloud.com[17.57.152.9] said: 552 5.2.2 <x@icloud.com>: user is over quota (in reply to RCPT TO command)'),
    ('postfix unknown',     'host mx.example.jp[192.0.2.10] said: 550 5.1.1 <k@example.jp>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)'),
    ('postgrey',            '450 4.2.0 <n@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html'),
    ('ptr',                 '450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]'),
    ('spamhaus',            '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org'),
    ('relay',               '554 5.7.1 <k@example.org>: Relay access denied'),
    ('too big',             '552 5.3.4 Message too big for system'),
    ('host not found',      'Host or domain name not found. Name service error for name=example.invalid type=A: Host not found'),
    ('docomo',              '550 Unknown user someone@docomo.ne.jp'),
    ('ses simulator',       'smtp; 550 5.1.1 user unknown'),
    ('sendgrid drop',       'Bounced Address'),
    ('auto reply',          'I am out of the office until Monday with limited access to email.'),
    ('delivered',           '250 2.0.0 OK 1700000000 a1si123456qkb.2 - gsmtp')
  ) AS t(label, diagnostic)
 CROSS JOIN LATERAL classify(t.diagnostic) AS c;

-- sender-side problems are never hard, whatever the code says
SELECT count(*) AS sender_side_hard
  FROM (VALUES
    ('550 5.7.1 Unfortunately, messages from [192.0.2.1] weren''t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).'),
    ('550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail.'),
    ('550 5.7.26 Unauthenticated email from example.jp is not accepted due to domain''s DMARC policy'),
    ('554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org'),
    ('550 5.7.1 Relaying denied')
  ) AS t(d)
 CROSS JOIN LATERAL classify(t.d) AS c
 WHERE c.bounce_class = 'hard';

-- bare reply codes fall back to the source document's table; bare statuses to the registry meaning
SELECT code, (classify(NULL, code)).bounce_class, (classify(NULL, code)).reason, (classify(NULL, code)).evidence
  FROM unnest(ARRAY[450, 451, 452, 500, 501, 550, 551, 552, 553, 554]) AS code;
SELECT s, (classify('', NULL, s::smtp_status)).bounce_class, (classify('', NULL, s::smtp_status)).reason
  FROM unnest(ARRAY['5.1.1', '5.1.2', '5.1.10', '5.2.2', '4.2.2', '5.7.26', '4.7.0', '5.0.0', '2.0.0']) AS s;

-- given codes win over codes found in the text, and are reported as the ones used
SELECT (c).reply_code, (c).status, (c).reason
  FROM (SELECT classify('smtp; 550 5.1.1 user unknown', 452, '4.2.2') AS c) s;
SELECT (c).reply_code, (c).status, (c).reason
  FROM (SELECT classify('smtp; 550 5.1.1 user unknown') AS c) s;

-- bad input: NULLs, empty, white space, out-of-range code, 1 MB of text
SELECT classify(NULL) IS NULL AS all_null_is_null;
SELECT (classify('')).reason AS empty, (classify('   ')).reason AS blank, (classify('')).evidence;
SELECT classify('x', 99);
SELECT classify('x', 600);
SELECT (c).bounce_class, (c).reason
  FROM (SELECT classify(repeat('padding text ', 80660) || ' 550 5.1.1 user unknown') AS c) s;
SELECT (c).reason FROM (SELECT classify(repeat(E'\u00e9\u65e5', 200000)) AS c) s;

-- a transient reply code or status anywhere keeps the verdict soft, even beside a 5.x.x status or a
-- permanent-sounding text (security issue 15 item 6: these opened hard-bounce suppressions)
SELECT d, r, s, (classify(d, r, s::smtp_status)).bounce_class, (classify(d, r, s::smtp_status)).reason
  FROM (VALUES ('user unknown', 450, '5.1.1'), (NULL, 450, '5.1.1'), ('421 5.1.1 user unknown', NULL, NULL),
               ('550 4.1.1 user unknown', NULL, NULL), ('550 5.1.1 user unknown', NULL, NULL)) AS t(d, r, s);

-- with the SMTP command the reply answered (a bounce email says so): a "user unknown" at DATA is a
-- content filter, at RCPT a dead address; a refusal at MAIL FROM is the sender's; at the greeting a block
SELECT cmd, (c).bounce_class, (c).reason, (c).fault
  FROM unnest(ARRAY['RCPT', 'DATA', 'MAIL', 'CONNECT', NULL]) cmd,
       LATERAL (SELECT classify('550 <x@example.com>... User unknown', NULL, NULL, cmd) AS c) x;
-- a specific status (5.1.1) still decides: with pipelining an MTA reads the RCPT reply after sending DATA
SELECT (classify('550 5.1.1 <x@example.com>... User unknown', NULL, NULL, 'DATA')).reason AS with_status;
SELECT (classify('550 5.1.1 user unknown', 550, '5.1.1', 'data')).reason AS lower_case_ok;
SELECT classify('550 user unknown', NULL, NULL, 'QUIT');
