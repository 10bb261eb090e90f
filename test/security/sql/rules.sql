-- rules: an operator's classify rule can cost bounded time only, and cannot break README's class rules.
-- Refused at insert: long patterns, back-references and lookaround (superlinear matching), hard verdicts
-- for sender-side reasons and transient replies.  Applied: patterns see the first 4 kB of a diagnostic,
-- any length works, a cancel is 57014.
SET client_min_messages = warning;
DROP ROLE IF EXISTS r_admin;
CREATE ROLE r_admin LOGIN NOSUPERUSER IN ROLE bounce_mgmt_admin;
RESET client_min_messages;
SET SESSION AUTHORIZATION r_admin;
SET search_path = bounce_mgmt;
\set VERBOSITY terse
-- (.{2,})\1 made a 1,600-character diagnostic take 13 s per classify(); lookahead is as bad
INSERT INTO classify_rules (pattern, reason) VALUES ('(.{2,})\1', 'filtered');
INSERT INTO classify_rules (pattern, reason) VALUES ('(?=.*(?=.*x))', 'filtered');
INSERT INTO classify_rules (pattern, reason) VALUES ('(?<!no )such user', 'user_unknown');
-- a 1 MB alternation spent more than 10 minutes in the insert-time check: refused at once now
INSERT INTO classify_rules (pattern, reason)
SELECT string_agg('word' || g, '|'), 'filtered' FROM generate_series(1, 100000) g;
INSERT INTO classify_rules (pattern, reason) VALUES (repeat('a', 1001), 'filtered');
INSERT INTO classify_rules (pattern, reason) VALUES ('[unclosed', 'filtered');
-- README: sender-side reasons and transient replies are never hard
INSERT INTO classify_rules (pattern, reason, bounce_class) VALUES ('S3150', 'blocked', 'hard');
INSERT INTO classify_rules (reply_code, reason, bounce_class) VALUES (450, 'user_unknown', 'hard');
INSERT INTO classify_rules (status, reason, bounce_class) VALUES ('4.1.1', 'user_unknown', 'hard');
UPDATE classify_rules SET bounce_class = 'hard' WHERE false;
\set VERBOSITY default
-- allowed: 1,000 characters, and a hard rule that a 4xx reply still keeps soft when it matches one
INSERT INTO classify_rules (pattern, reason) VALUES (repeat('b', 1000), 'filtered');
INSERT INTO classify_rules (pattern, reason, bounce_class, note)
VALUES ('mailbox unavailable for policy', 'user_unknown', 'hard', 'security test');
SELECT d, (classify(d)).bounce_class, (classify(d)).reason, (classify(d)).evidence
  FROM (VALUES ('550 5.1.1 mailbox unavailable for policy'), ('450 4.1.1 mailbox unavailable for policy')) t(d);
-- any length: the rules see the first 4 kB (300 MB failed with "invalid memory alloc request size")
SELECT (c).bounce_class, (c).reason
  FROM (SELECT classify(repeat('a', 300 * 1024 * 1024) || ' 550 5.1.1 user unknown') AS c) s;
SELECT (classify(repeat('x', 5000) || ' mailbox unavailable for policy', 550)).evidence AS past_4kB;
-- a cancel while rules are matched is 57014, not "regular expression failed" (2201B)
INSERT INTO classify_rules (pattern, reason) VALUES ('[ab]*a[ab]{20}c', 'filtered');
SET statement_timeout = '300ms';
SELECT count((bounce_mgmt.classify(t.x || n)).reason) FROM generate_series(1, 1000000) n,
    (SELECT string_agg(CASE WHEN g % 3 = 0 THEN 'a' ELSE 'b' END, '') AS x FROM generate_series(1, 4000) g) t;
RESET statement_timeout;
DELETE FROM classify_rules;
RESET search_path;
RESET SESSION AUTHORIZATION;

-- a rule stored before these checks (inserted with the trigger disabled) is skipped with a WARNING, not
-- compiled into every classify()
ALTER TABLE bounce_mgmt.classify_rules DISABLE TRIGGER classify_rules_check;
INSERT INTO bounce_mgmt.classify_rules (pattern, reason) VALUES ('(x+)\1', 'filtered');
ALTER TABLE bounce_mgmt.classify_rules ENABLE TRIGGER classify_rules_check;
SELECT (bounce_mgmt.classify('550 5.1.1 xx user unknown')).reason;
DELETE FROM bounce_mgmt.classify_rules;
DROP ROLE r_admin;
