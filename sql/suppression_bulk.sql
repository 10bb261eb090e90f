-- suppression_bulk: bulk and portable suppression lists (issue 11) — suppress / unsuppress / mark_notified
-- over arrays (all or nothing), a reason given for an already suppressed address appended to its open
-- period; CSV import of SendGrid's, Amazon SES's, Postmark's and Mailgun's suppression exports; the export
-- of the open suppressions for \copy, read back.
\pset null '(null)'
SET search_path = bounce_mgmt, public;
SET TimeZone = 'UTC';
UPDATE settings SET event_retention = '100 years';
-- notes are stamped with who and when: shown as <who>, <when>
CREATE FUNCTION pg_temp.stamped(note text) RETURNS text LANGUAGE sql AS $$
    SELECT regexp_replace(note, '\(' || current_user || ', [0-9-]{10} [0-9:]{8}Z\)', '(<who>, <when>)', 'g') $$;

-- bulk suppress: new periods for the new addresses; a reason for an open period is appended to its note
SELECT inserted FROM ingest('[{"email": "hard@bulk.example", "event": "bounce", "occurred_at": "2026-01-10T00:00:00Z",
                               "id": "sb-1", "diagnostic": "550 5.1.1 user unknown"}]', 'generic');
SELECT suppress(ARRAY['a@bulk.example', 'B <b@bulk.example>', 'hard@bulk.example', 'A@BULK.example'],
                'list clean-up 2026-01') AS opened;
SELECT suppress(ARRAY['a@bulk.example'], 'asked again by phone') AS opened_again;
SELECT email, cause, pg_temp.stamped(note) AS note FROM suppressions WHERE email LIKE '%@bulk.example' ORDER BY email;
SELECT suppress('{}'::text[], 'nothing') AS nothing_opened;
-- all or nothing: one bad element, a NULL array or a missing reason does nothing (never a silent no-op)
\set VERBOSITY terse
SELECT suppress(ARRAY['c@bulk.example', 'not an address'], 'x');
SELECT suppress(ARRAY['c@bulk.example', NULL], 'x');
SELECT suppress(NULL::text[], 'x');
SELECT suppress(ARRAY['c@bulk.example'], NULL);
SELECT suppress(ARRAY['c@bulk.example'], E'\u3000');
\set VERBOSITY default
SELECT count(*) AS c_untouched FROM suppressions WHERE email = 'c@bulk.example';

-- bulk notices (an address needs a bounce on record) and bulk lifting
SELECT mark_notified(ARRAY['hard@bulk.example'], 'mypage_banner') AS notices;
SELECT mark_notified(ARRAY['hard@bulk.example', 'HARD@bulk.example'], 'sms') AS notices;
SELECT email, notifications, channels FROM notices WHERE email = 'hard@bulk.example';
\set VERBOSITY terse
SELECT mark_notified(ARRAY['hard@bulk.example', 'a@bulk.example'], 'sms');
SELECT mark_notified(ARRAY['hard@bulk.example'], NULL);
SELECT mark_notified(NULL::text[], 'sms');
\set VERBOSITY default
SELECT unsuppress(ARRAY['a@bulk.example', 'b@bulk.example', 'never@bulk.example'], 'list restored', false) AS lifted;
SELECT unsuppress(ARRAY['a@bulk.example'], 'again', false) AS lifted_again;
SELECT email, closed_at IS NOT NULL AS closed, close_note FROM suppressions WHERE email IN ('a@bulk.example', 'b@bulk.example')
 ORDER BY email;
\set VERBOSITY terse
SELECT unsuppress(ARRAY['hard@bulk.example'], NULL);
SELECT unsuppress(ARRAY['hard@bulk.example', '@'], 'x');
\set VERBOSITY default

-- CSV: SendGrid's files do not say which list they are (kind); a hard bounce is suppressed, a full mailbox
-- or a block only recorded as SendGrid's listing; a bad address is reported, the rest imported
SELECT * FROM import_suppressions(E'email,created,reason,status\r\n'
    'sg-gone@csv.example,1700000000,"550 5.1.1 The email account that you tried to reach does not exist.",5.1.1\r\n'
    'sg-full@csv.example,1700000001,"452 4.2.2 The email account that you tried to reach is over quota.",4.2.2\r\n'
    'sg-none@csv.example,1700000002,,\r\n'
    'not an address,1700000003,"550 5.1.1 user unknown",5.1.1\r\n', 'sendgrid', 'bounces');
SELECT * FROM import_suppressions(E'email,created\nsg-unsub@csv.example,1700000000\n', 'sendgrid', 'unsubscribes');
SELECT * FROM import_suppressions(E'email,created,ip\nsg-spam@csv.example,1700000000,192.0.2.1\n', 'sendgrid', 'spam_reports');
-- Amazon SES (ListSuppressedDestinations: EmailAddress, Reason, LastUpdateTime)
SELECT * FROM import_suppressions(E'EmailAddress,Reason,LastUpdateTime\n'
    'ses-bounce@csv.example,BOUNCE,2024-01-02T03:04:05Z\nses-complaint@csv.example,COMPLAINT,2024-01-02T03:04:05.123Z\n'
    'ses-other@csv.example,OTHER,2024-01-02T03:04:05Z\n', 'ses');
-- Postmark (EmailAddress, SuppressionReason, Origin, CreatedAt): a recipient's manual suppression is an
-- unsubscribe, the account's an operator suppression
SELECT * FROM import_suppressions(E'EmailAddress,SuppressionReason,Origin,CreatedAt\n'
    'pm-hard@csv.example,HardBounce,Recipient,2024-01-02T03:04:05-05:00\n'
    'pm-unsub@csv.example,ManualSuppression,Recipient,2024-01-02T03:04:05-05:00\n'
    'pm-manual@csv.example,ManualSuppression,Customer,2024-01-02T03:04:05-05:00\n'
    'pm-spam@csv.example,SpamComplaint,Recipient,2024-01-02T03:04:05-05:00\n', 'postmark');
-- Mailgun: bounces (code, error), unsubscribes (tags: "*" every list, else those tags), complaints
SELECT * FROM import_suppressions(E'address,code,error,created_at\n'
    'mg-gone@csv.example,550,"5.1.1 No such user","Fri, 03 May 2013 18:26:47 UTC"\n', 'mailgun');
SELECT * FROM import_suppressions(E'address,tags,created_at\n'
    'mg-all@csv.example,"[""*""]","Fri, 03 May 2013 18:26:47 UTC"\n'
    'mg-news@csv.example,"[""news"", ""deals""]","Fri, 03 May 2013 18:26:47 UTC"\n', 'mailgun');
SELECT * FROM import_suppressions(E'address,created_at\nmg-spam@csv.example,"Fri, 03 May 2013 18:26:47 UTC"\n', 'mailgun');
SELECT email, cause, reason, evidence_at, note FROM suppressions WHERE email LIKE '%@csv.example' ORDER BY email;
SELECT email, list, via, provider, unsubscribed_at FROM unsubscribes WHERE email LIKE '%@csv.example' ORDER BY email, list;
SELECT email, provider, listed_at, reason FROM provider_listings WHERE email LIKE '%@csv.example' ORDER BY email;
SELECT can_send('mg-news@csv.example', 'marketing') AS news_marketing,
       can_send('mg-news@csv.example', 'marketing:tag:news') AS news_tag,
       can_send('pm-unsub@csv.example', 'transactional') AS pm_unsub_transactional;
-- the same file again: nothing new
SELECT * FROM import_suppressions(E'EmailAddress,Reason,LastUpdateTime\n'
    'ses-bounce@csv.example,BOUNCE,2024-01-02T03:04:05Z\nses-complaint@csv.example,COMPLAINT,2024-01-02T03:04:05.123Z\n', 'ses');
-- an operator lifted an address after the export was made: the import keeps it lifted
SELECT unsuppress('ses-bounce@csv.example', 'user fixed the mailbox', false) AS lifted;
SELECT suppressed, kept FROM import_suppressions(E'EmailAddress,Reason,LastUpdateTime\nses-bounce@csv.example,BOUNCE,2024-01-02T03:04:05Z\n', 'ses');
SELECT can_send('ses-bounce@csv.example') AS still_lifted;

-- what does not import: nothing at all
\set VERBOSITY terse
SELECT * FROM import_suppressions(NULL, 'ses');
SELECT * FROM import_suppressions('', 'ses');
SELECT * FROM import_suppressions(E'EmailAddress,Reason\n"x@csv.example,BOUNCE\n', 'ses');
SELECT * FROM import_suppressions(E'Name,When\nx,1\n', 'ses');
SELECT * FROM import_suppressions(E'EmailAddress,LastUpdateTime\nx@csv.example,1\n', 'ses');
SELECT * FROM import_suppressions(E'email,created\nx@csv.example,1\n', 'sendgrid');
SELECT * FROM import_suppressions(E'email,created\nx@csv.example,1\n', 'sendgrid', 'bounce');
SELECT * FROM import_suppressions(E'EmailAddress,Reason\nx@csv.example,BOUNCE\n', 'ses', 'bounces');
SELECT * FROM import_suppressions(E'email\nx@csv.example\n', 'sparkpost');
\set VERBOSITY default
SELECT count(*) AS x_untouched FROM suppressions WHERE email = 'x@csv.example';

-- the export of open suppressions (\copy ... CSV HEADER), read back into a database that does not have them
\copy (SELECT * FROM bounce_mgmt.suppression_export() WHERE email LIKE '%@csv.example') TO 'results/suppression_export.csv' CSV HEADER
SELECT count(*) = (SELECT count(*) FROM suppressions WHERE closed_at IS NULL) AS every_open_one FROM suppression_export();
CREATE TEMP TABLE exported AS SELECT * FROM suppression_export() WHERE email LIKE '%@csv.example';
SELECT email, cause, reason, note FROM exported WHERE cause <> 'hard_bounce' ORDER BY email;
-- (as if in another database: these suppressions were never there)
DELETE FROM suppressions WHERE email LIKE '%@csv.example';
\set body `cat results/suppression_export.csv`
SELECT * FROM import_suppressions(:'body', 'bounce_mgmt');
SELECT count(*) AS same_rows, (SELECT count(*) FROM exported) AS exported
  FROM exported x JOIN suppression_export() y USING (email, cause)
 WHERE x.reason IS NOT DISTINCT FROM y.reason AND x.note IS NOT DISTINCT FROM y.note
   AND x.evidence_at IS NOT DISTINCT FROM y.evidence_at;
