-- 032_reference_verdicts.sql — fill the default verdict columns of the reference tables from the library's
-- built-in classifier, so the tables always say what classify() does with a bare code.
UPDATE @extschema@.smtp_reply_codes AS c
   SET bounce_class = v.bounce_class, reason = v.reason
  FROM @extschema@.smtp_reply_codes AS r
 CROSS JOIN LATERAL @extschema@.classify(NULL, r.reply_code) AS v
 WHERE r.reply_code = c.reply_code;

UPDATE @extschema@.smtp_enhanced_codes AS c
   SET permanent_class = p.bounce_class, permanent_reason = p.reason,
       transient_class = t.bounce_class, transient_reason = t.reason
  FROM @extschema@.smtp_enhanced_codes AS e
 CROSS JOIN LATERAL @extschema@.classify(NULL, NULL, @extschema@.smtp_status(5, e.subject, e.detail)) AS p
 CROSS JOIN LATERAL @extschema@.classify(NULL, NULL, @extschema@.smtp_status(4, e.subject, e.detail)) AS t
 WHERE (e.subject, e.detail) = (c.subject, c.detail);
