-- reference tables: reasons, the seed's reply codes (with the Japanese wording), the IANA registry, and
-- their default verdicts agreeing with classify().
SET search_path = bounce_mgmt, public;
\pset null '(null)'

SELECT reason, bounce_class, fault FROM bounce_reasons ORDER BY reason;
SELECT count(*) AS reasons_without_example FROM bounce_reasons WHERE example = '' AND reason <> 'undefined';

SELECT reply_code, bounce_class, reason, left(meaning_ja, 20) AS meaning_ja_start
  FROM smtp_reply_codes WHERE in_seed ORDER BY reply_code;
SELECT reply_code, note FROM smtp_reply_codes WHERE note IS NOT NULL;

SELECT count(*) AS registry_rows, count(DISTINCT (subject, detail)) AS distinct_codes, count(*) FILTER (WHERE title = '') AS untitled
  FROM smtp_enhanced_codes;
SELECT code, title, permanent_class, permanent_reason, transient_class
  FROM smtp_enhanced_codes
 WHERE (subject, detail) IN ((1, 1), (1, 2), (1, 10), (2, 2), (4, 4), (7, 1), (7, 26))
 ORDER BY subject, detail;

-- the defaults stored in the tables are what classify() says today
SELECT count(*) AS disagreeing_reply_codes
  FROM smtp_reply_codes r, LATERAL classify(NULL, r.reply_code) c
 WHERE (c.bounce_class, c.reason) IS DISTINCT FROM (r.bounce_class, r.reason);
SELECT count(*) AS disagreeing_statuses
  FROM smtp_enhanced_codes e, LATERAL classify(NULL, NULL, smtp_status(5, e.subject, e.detail)) c
 WHERE (c.bounce_class, c.reason) IS DISTINCT FROM (e.permanent_class, e.permanent_reason);

-- joining events' statuses to the registry
SELECT s AS status, e.title
  FROM unnest(ARRAY['5.1.1', '4.2.2', '5.7.26']::smtp_status[]) AS s
  LEFT JOIN smtp_enhanced_codes e ON (e.subject, e.detail) = (smtp_status_subject(s), smtp_status_detail(s));
