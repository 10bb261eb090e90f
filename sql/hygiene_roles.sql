-- hygiene_roles: list hygiene (issue 11) as non-superusers with an empty search_path — the application
-- (writer) records activities and unsubscribes and runs win-back campaigns, the operator (admin) bulk-edits
-- suppressions, imports an export, edits domain groups and runs maintenance, the dashboard (reader) reads;
-- and what each may not do.
\pset null '(null)'
SET client_min_messages = warning;
CREATE ROLE regress_hy_app LOGIN IN ROLE bounce_mgmt_writer;
CREATE ROLE regress_hy_ops LOGIN IN ROLE bounce_mgmt_admin;
CREATE ROLE regress_hy_dash LOGIN IN ROLE bounce_mgmt_reader;
CREATE ROLE regress_hy_nobody LOGIN;
RESET client_min_messages;

SET ROLE regress_hy_app;
SET search_path = '';
SET client_min_messages = warning;
SELECT bounce_mgmt.winback_start('roles', ARRAY['hy-a@roles.example', 'hy-b@roles.example']) > 0 AS started;
RESET client_min_messages;
SELECT inserted FROM bounce_mgmt.ingest(pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('email', 'hy-a@roles.example', 'event', 'delivered', 'id', 'hy-1',
                                  'occurred_at', pg_catalog.now()),
    pg_catalog.jsonb_build_object('email', 'hy-b@roles.example', 'event', 'delivered', 'id', 'hy-2',
                                  'occurred_at', pg_catalog.now()))::text, 'generic');
SELECT bounce_mgmt.record_activity('hy-a@roles.example', pg_catalog.now(), 'login') AS activity;
SELECT bounce_mgmt.record_sends(ARRAY['hy-c@roles.example'], pg_catalog.now()) AS sends;
SELECT bounce_mgmt.record_unsubscribe('hy-c@roles.example', 'weekly') AS unsubscribed;
SELECT bounce_mgmt.record_resubscribe('hy-c@roles.example', 'weekly') AS resubscribed;
SELECT bounce_mgmt.winback_confirm('hy-a@roles.example') AS confirmed;
SELECT bounce_mgmt.can_send('hy-c@roles.example', 'marketing') AS marketing;
-- not the writer's: suppressions, imports, maintenance, the columns the write path keeps
\set VERBOSITY terse
SELECT bounce_mgmt.suppress(ARRAY['hy-a@roles.example'], 'x');
SELECT * FROM bounce_mgmt.import_suppressions('email' || chr(10) || 'x@roles.example', 'sendgrid', 'bounces');
SELECT bounce_mgmt.winback_close_expired();
UPDATE bounce_mgmt.engagement SET last_click_at = pg_catalog.now();
UPDATE bounce_mgmt.winback_members SET removed_at = pg_catalog.now();
INSERT INTO bounce_mgmt.domain_groups (domain, domain_group) VALUES ('x.example', 'x');
\set VERBOSITY default
RESET ROLE;

SET ROLE regress_hy_ops;
SET search_path = '';
SELECT bounce_mgmt.suppress(ARRAY['hy-d@roles.example', 'hy-e@roles.example'], 'ops: bulk') AS opened;
SELECT bounce_mgmt.unsuppress(ARRAY['hy-e@roles.example'], 'ops: lifted', false) AS lifted;
SELECT suppressed FROM bounce_mgmt.import_suppressions(
    'EmailAddress,Reason,LastUpdateTime' || pg_catalog.chr(10) || 'hy-f@roles.example,BOUNCE,2024-01-02T03:04:05Z', 'ses');
INSERT INTO bounce_mgmt.domain_groups (domain, domain_group) VALUES ('roles.example', 'roles');
UPDATE bounce_mgmt.rate_thresholds SET min_sent = 500 WHERE domain_group = '';
-- (the campaign's deadline passes)
RESET ROLE;
UPDATE bounce_mgmt.winback_campaigns SET deadline = pg_catalog.now() + interval '1 second' WHERE name = 'roles';
SELECT pg_catalog.pg_sleep(1.5);
SET ROLE regress_hy_ops;
SELECT winback_removed, failures FROM bounce_mgmt.run_maintenance();
SELECT email, opened_by = current_user AS by_me FROM bounce_mgmt.suppressions
 WHERE email LIKE 'hy-%' AND closed_at IS NULL ORDER BY email;
UPDATE bounce_mgmt.rate_thresholds SET min_sent = 100 WHERE domain_group = '';
DELETE FROM bounce_mgmt.domain_groups WHERE domain = 'roles.example';
\set VERBOSITY terse
UPDATE bounce_mgmt.domain_groups SET builtin = false WHERE domain = 'gmail.com';
\set VERBOSITY default
RESET ROLE;

SET ROLE regress_hy_dash;
SET search_path = '';
SELECT campaign, members, responded, removed FROM bounce_mgmt.winback_report('roles');
SELECT count(*) >= 0 AS reads_stale FROM bounce_mgmt.stale_recipients('180 days', '365 days');
SELECT bounce_mgmt.can_send('hy-a@roles.example', 'marketing') AS a_marketing,
       bounce_mgmt.can_send('hy-b@roles.example', 'transactional') AS b_removed;
SELECT valid, suppressed FROM bounce_mgmt.check_list_summary(ARRAY['hy-d@roles.example', 'x']);
SELECT count(*) > 0 AS exports FROM bounce_mgmt.suppression_export();
SELECT verdict FROM bounce_mgmt.bounce_rate('2001-01-01', '2001-01-02');
SELECT count(*) AS rows FROM bounce_mgmt.bounce_rates('1 day', '2001-01-01', '2001-01-02', 'domain_group');
\set VERBOSITY terse
SELECT bounce_mgmt.record_activity('hy-a@roles.example', pg_catalog.now(), 'login');
SELECT bounce_mgmt.winback_start('dash', ARRAY['hy-a@roles.example']);
SELECT bounce_mgmt.record_unsubscribe('hy-a@roles.example');
SELECT bounce_mgmt.compact_engagement();
\set VERBOSITY default
RESET ROLE;

SET ROLE regress_hy_nobody;
\set VERBOSITY terse
SELECT bounce_mgmt.can_send('hy-a@roles.example', 'marketing');
SELECT bounce_mgmt.check_list(ARRAY['x@roles.example']);
SELECT count(*) FROM bounce_mgmt.engagement;
\set VERBOSITY default
RESET ROLE;

SET client_min_messages = warning;
DROP OWNED BY regress_hy_app, regress_hy_ops, regress_hy_dash, regress_hy_nobody;
DROP ROLE regress_hy_app, regress_hy_ops, regress_hy_dash, regress_hy_nobody;
