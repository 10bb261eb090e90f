-- parse_smtp_reply: reply code, enhanced status and message from the texts providers and MTAs really send.
SET search_path = bounce_mgmt, public;
\pset null '(null)'

SELECT t.label, p.reply_code, p.status, p.message
  FROM (VALUES
    ('ses diagnosticCode',  'smtp; 550 5.1.1 <jane@example.com>... User unknown'),
    ('postfix recipient',   'smtp; 550 5.1.1 <x@y.example>: Recipient address rejected: User unknown in virtual alias table'),
    ('gmail multi-line',    '550-5.1.1 The email account that you tried to reach does not exist. Please try
550-5.1.1 double-checking the recipient''s email address for typos or
550-5.1.1 unnecessary spaces. Learn more at
550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si123 - gsmtp'),
    ('postfix said:',       'host mx.example.com[192.0.2.1] said: 552 5.2.2 <neko@example.com>: user is over quota (in reply to RCPT TO command)'),
    ('exchange ##',         '#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##'),
    ('remote server',       'Remote Server returned ''550 4.4.7 QUEUE.Expired; message expired'''),
    ('colon after code',    '550: 5.2.2 <mailboxfull@example.org>... Mailbox Full'),
    ('code only',           '554 delivery error: dd This user doesn''t have a yahoo.com account'),
    ('status only',         'Sorry, I couldn''t find a mail exchanger or IP address. (#5.4.4)'),
    ('no code at all',      'Host or domain name not found. Name service error for name=example.jp type=A: Host not found'),
    ('ip is not a status',  'Connection to 10.5.1.1 timed out after 300 seconds'),
    ('numbers in prose',    'Gmail will retry for 47 more hours. Message size 10485760 exceeds the limit'),
    ('microsoft S3150',     '550 5.7.1 Unfortunately, messages from [192.0.2.1] weren''t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).'),
    ('yahoo TSS04',         '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints'),
    ('delivered',           '250 2.0.0 OK 1700000000 a1si123456qkb.2 - gsmtp'),
    ('empty',               ''),
    ('white space',         '   ')
  ) AS t(label, diagnostic)
 CROSS JOIN LATERAL parse_smtp_reply(t.diagnostic) AS p;

-- STRICT: NULL in, NULL out
SELECT * FROM parse_smtp_reply(NULL);

-- 1 MB of text with the reply at the end, and a text of NUL-free garbage bytes: no crash, linear time
SELECT p.reply_code, p.status, length(p.message) AS message_length
  FROM parse_smtp_reply(repeat('lorem ipsum ', 87381) || '550 5.1.1 user unknown') AS p;
SELECT p.reply_code, p.status, length(p.message) > 0 AS has_message
  FROM parse_smtp_reply(repeat('5.5.5.5 550-', 100000)) AS p;
