-- privileges: the whole flow as non-superusers with an empty search_path (writer ingests and notifies,
-- admin suppresses and maintains, reader reads), and what each role may not do.  PUBLIC gets nothing.
\pset null '(null)'
SET client_min_messages = warning;
CREATE ROLE regress_bm_app LOGIN IN ROLE bounce_mgmt_writer;
CREATE ROLE regress_bm_ops LOGIN IN ROLE bounce_mgmt_admin;
CREATE ROLE regress_bm_dash LOGIN IN ROLE bounce_mgmt_reader;
CREATE ROLE regress_bm_nobody LOGIN;
RESET client_min_messages;

-- the application (writer), with an empty search_path
SET ROLE regress_bm_app;
SET search_path = '';
SELECT events, inserted, quarantined FROM bounce_mgmt.ingest(pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('email', 'priv-hard@example.jp', 'occurred_at', pg_catalog.now() - interval '2 days',
                                  'event', 'bounce', 'diagnostic', '550 5.1.1 user unknown'),
    pg_catalog.jsonb_build_object('email', 'priv-ok@example.jp', 'occurred_at', pg_catalog.now() - interval '2 days',
                                  'event', 'delivered'))::text, 'generic');
SELECT bounce_mgmt.record_send('priv-ok@example.jp') AS recorded;
SELECT bounce_mgmt.can_send('priv-hard@example.jp') AS hard_can_send, bounce_mgmt.can_send('priv-ok@example.jp') AS ok_can_send;
SELECT email, kind FROM bounce_mgmt.pending_notices WHERE email LIKE 'priv-%';
SELECT bounce_mgmt.mark_notified('priv-hard@example.jp', 'mypage_banner') > 0 AS notified;
SELECT notified_by = current_user AS recorded_who FROM bounce_mgmt.notices WHERE email = 'priv-hard@example.jp';
-- a writer may not lift suppressions, change rules or run maintenance
\set VERBOSITY terse
SELECT bounce_mgmt.unsuppress('priv-hard@example.jp', 'x');
UPDATE bounce_mgmt.escalation_rules SET soft_bounces = 1;
SELECT bounce_mgmt.run_maintenance();
DELETE FROM bounce_mgmt.suppressions;
\set VERBOSITY default
RESET ROLE;

-- the operator (admin), with an empty search_path
SET ROLE regress_bm_ops;
SET search_path = '';
SELECT bounce_mgmt.unsuppress('priv-hard@example.jp', 'user fixed the mailbox') AS lifted;
SELECT closed_by = current_user AS recorded_who FROM bounce_mgmt.suppressions WHERE email = 'priv-hard@example.jp';
SELECT bounce_mgmt.suppress('priv-ops@example.jp', 'asked by phone') > 0 AS suppressed;
SELECT escalated IS NOT NULL AS ran, failures FROM bounce_mgmt.run_maintenance();
UPDATE bounce_mgmt.settings SET notice_cooldown = '3 days';
RESET ROLE;

-- the dashboard (reader): reads rates, notices and can_send; writes nothing
SET ROLE regress_bm_dash;
SET search_path = '';
SELECT sent >= 0 AS has_rates FROM bounce_mgmt.bounce_rate(pg_catalog.now() - interval '7 days', pg_catalog.now());
SELECT count(*) >= 0 AS reads_notices FROM bounce_mgmt.pending_notices;
SELECT bounce_mgmt.can_send('priv-ops@example.jp') AS ops_can_send;
\set VERBOSITY terse
SELECT bounce_mgmt.ingest('[]', 'generic');
SELECT bounce_mgmt.mark_notified('priv-hard@example.jp', 'sms');
SELECT bounce_mgmt.record_send('x@example.jp');
SELECT count(*) FROM bounce_mgmt.events;
INSERT INTO bounce_mgmt.suppressions (email, domain, cause) VALUES ('x@example.jp', 'example.jp', 'operator');
\set VERBOSITY default
RESET ROLE;

-- someone with no bounce_mgmt role reaches nothing
SET ROLE regress_bm_nobody;
\set VERBOSITY terse
SELECT bounce_mgmt.can_send('priv-ops@example.jp');
SELECT count(*) FROM bounce_mgmt.suppressions;
\set VERBOSITY default
RESET ROLE;

-- every function of the extension pins its search_path, except C functions (fully qualified SQL inside)
SELECT p.proname, l.lanname
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'bounce_mgmt'::regnamespace
   AND l.lanname <> 'c'
   AND NOT coalesce(p.proconfig::text[] @> ARRAY['search_path=pg_catalog, pg_temp'], false)
 ORDER BY 1;
-- and SECURITY DEFINER only where documented
SELECT p.proname FROM pg_proc p
 WHERE p.pronamespace = 'bounce_mgmt'::regnamespace AND p.prosecdef ORDER BY 1;

SET client_min_messages = warning;
DROP OWNED BY regress_bm_app, regress_bm_ops, regress_bm_dash, regress_bm_nobody;
DROP ROLE regress_bm_app, regress_bm_ops, regress_bm_dash, regress_bm_nobody;
