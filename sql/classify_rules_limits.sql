-- classify_rules_limits: what a rule may cost every backend that compiles it (audit #15).
SET client_min_messages = warning;
DELETE FROM bounce_mgmt.classify_rules;
RESET client_min_messages;
\set VERBOSITY terse
-- 21 characters that take about a second to compile: refused at insert (2201B)
INSERT INTO bounce_mgmt.classify_rules (pattern, reason) VALUES ('(?:.{1,255}){1,255}X', 'filtered');
\set VERBOSITY default
-- ordinary patterns compile in well under the limit
INSERT INTO bounce_mgmt.classify_rules (pattern, reason) VALUES ('mailbox (is )?disabled', 'user_unknown');
-- at most 500 enabled pattern rules are loaded (by priority), with a WARNING; code-only rules are free
INSERT INTO bounce_mgmt.classify_rules (priority, pattern, reason)
SELECT 200 + g, 'zzq' || g || 'q', 'filtered' FROM generate_series(1, 500) g;
INSERT INTO bounce_mgmt.classify_rules (reply_code, reason) VALUES (551, 'user_unknown'), (553, 'user_unknown');
SELECT (bounce_mgmt.classify('550 5.1.1 mailbox is disabled')).reason;
SELECT rules FROM bounce_mgmt.classify_rules_cache();
-- the 501st pattern rule (lowest priority) is the one left out
SELECT (bounce_mgmt.classify('zzq500q', 550)).evidence AS last_rule,
       (bounce_mgmt.classify('zzq499q', 550)).evidence AS rule_499;
UPDATE bounce_mgmt.classify_rules SET enabled = false WHERE pattern = 'mailbox (is )?disabled';
SELECT (bounce_mgmt.classify('zzq500q', 550)).evidence AS last_rule_now;
SELECT rules FROM bounce_mgmt.classify_rules_cache();
SET client_min_messages = warning;
DELETE FROM bounce_mgmt.classify_rules;
RESET client_min_messages;
