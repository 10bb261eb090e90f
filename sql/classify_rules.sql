-- classify_rules: operators' overrides win over the built-in verdict, are validated on insert, and are
-- loaded once per session and reloaded only when the table changes.
SET search_path = bounce_mgmt, public;
\pset null '(null)'

SELECT (classify('550 Mailbox disabled by the owner')).reason AS before_rule;
SELECT rules, loads FROM classify_rules_cache();

-- many calls, one load
SELECT count(*) FROM generate_series(1, 1000) g, LATERAL classify('550 5.1.1 user unknown ' || g) c;
SELECT rules, loads FROM classify_rules_cache();

INSERT INTO classify_rules (pattern, reason, note)
VALUES ('mailbox (is )?disabled by the owner', 'user_unknown', 'this provider says it for closed accounts');
-- the change is seen at once in this session, with one reload
SELECT c.bounce_class, c.reason, c.evidence, c.rule_id IS NOT NULL AS has_rule
  FROM classify('550 Mailbox disabled by the owner') c;
SELECT rules, loads FROM classify_rules_cache();

-- a rule can force the class, match on codes only, and priority decides between matches
INSERT INTO classify_rules (priority, reply_code, status, reason, bounce_class, note)
VALUES (50, 550, '5.7.1', 'blocked', 'soft', 'every 550 5.7.1 from our main receiver is a block');
INSERT INTO classify_rules (priority, pattern, reason, bounce_class)
VALUES (10, 'acme-corp-filter', 'filtered', 'hard');
SELECT c.bounce_class, c.reason, c.evidence
  FROM classify('550 5.7.1 message refused by acme-corp-filter') c;
SELECT c.bounce_class, c.reason, c.evidence
  FROM classify('550 5.7.1 some other text') c;
SELECT c.bounce_class, c.reason, c.evidence
  FROM classify('some other text', 550, '5.7.1') c;
-- codes found in the text count for code conditions; other codes do not match
SELECT c.reason, c.evidence FROM classify('554 5.7.1 some other text') c;

-- a disabled rule is ignored; a deleted one too
UPDATE classify_rules SET enabled = false WHERE pattern = 'acme-corp-filter';
SELECT c.bounce_class, c.reason FROM classify('550 5.7.1 message refused by acme-corp-filter') c;
DELETE FROM classify_rules WHERE reply_code = 550;
SELECT c.reason, c.evidence FROM classify('550 5.7.1 message refused by acme-corp-filter') c;

-- a transaction that adds a rule and rolls back leaves no trace
BEGIN;
INSERT INTO classify_rules (pattern, reason) VALUES ('user unknown', 'mailbox_full');
SELECT (classify('550 5.1.1 user unknown')).reason AS inside_transaction;
ROLLBACK;
SELECT (classify('550 5.1.1 user unknown')).reason AS after_rollback;

-- bad rules are refused at insert time (terse: the failing row would show a timestamp)
\set VERBOSITY terse
INSERT INTO classify_rules (pattern, reason) VALUES ('(unclosed', 'user_unknown');
INSERT INTO classify_rules (reason) VALUES ('user_unknown');
INSERT INTO classify_rules (reply_code, reason) VALUES (999, 'user_unknown');
INSERT INTO classify_rules (pattern, reason) VALUES ('x', 'no_such_reason');

\set VERBOSITY default

TRUNCATE classify_rules;
SELECT (classify('550 Mailbox disabled by the owner')).evidence AS after_truncate;
