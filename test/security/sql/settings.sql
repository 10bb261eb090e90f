-- settings: what the caller's session settings and the operator's values can do to the extension.
-- Partition bounds never go through the caller's TimeZone / DateStyle; bounded intervals keep
-- run_maintenance() computing; partition functions refuse what they cannot create.
SET client_min_messages = warning;
DROP ROLE IF EXISTS r_writer, r_admin;
CREATE ROLE r_writer LOGIN NOSUPERUSER IN ROLE bounce_mgmt_writer;
CREATE ROLE r_admin LOGIN NOSUPERUSER IN ROLE bounce_mgmt_admin;
RESET client_min_messages;
-- fixed dates below: keep events that far back
UPDATE bounce_mgmt.settings SET event_retention = '100 years';

-- a writer in India with a US date style ingests March and then April 2025 ("IST" once read as Israel time
-- made the March partition end at 03:30 UTC on April 1st, and every April event failed with 42P17)
SET SESSION AUTHORIZATION r_writer;
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'SQL, MDY';
SET IntervalStyle = 'sql_standard';
SELECT inserted FROM bounce_mgmt.ingest('[{"email": "tz@example.com", "occurred_at": "2025-03-31T23:00:00Z",
    "event": "delivered", "id": "tz-1"}]', 'generic');
SELECT inserted FROM bounce_mgmt.ingest('[{"email": "tz@example.com", "occurred_at": "2025-04-01T01:00:00Z",
    "event": "delivered", "id": "tz-2"}]', 'generic');
RESET SESSION AUTHORIZATION;
RESET TimeZone;
RESET DateStyle;
RESET IntervalStyle;
SET TimeZone = 'UTC';
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bounds
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'bounce_mgmt.events'::regclass AND c.relname IN ('events_2025_03', 'events_2025_04')
 ORDER BY 1;
SELECT tableoid::regclass, occurred_at FROM bounce_mgmt.events WHERE email = 'tz@example.com' ORDER BY 2;

-- partition functions refuse what they cannot create
\set VERBOSITY terse
SELECT bounce_mgmt.create_partition('infinity');
SELECT bounce_mgmt.create_partition('-infinity');
SELECT bounce_mgmt.create_partition('294276-01-01');
SELECT bounce_mgmt.create_partitions(100000);
SELECT bounce_mgmt.create_partitions(-1);
\set VERBOSITY default
-- retention drops the right months whatever the caller's settings
SET TimeZone = 'Pacific/Chatham';
SET DateStyle = 'German';
SELECT bounce_mgmt.drop_event_partitions('2025-04-01 00:00:00+00') AS dropped;
RESET DateStyle;
SET TimeZone = 'UTC';
SELECT count(*) AS april_left FROM bounce_mgmt.events WHERE email = 'tz@example.com';

-- operator values are bounded: run_maintenance() computes with the largest ones accepted
SET SESSION AUTHORIZATION r_admin;
\set VERBOSITY terse
UPDATE bounce_mgmt.escalation_rules SET within = '178000000 years' WHERE reason IS NULL AND within IS NOT NULL;
UPDATE bounce_mgmt.escalation_rules SET persisting = '6 years' WHERE persisting IS NOT NULL;
UPDATE bounce_mgmt.escalation_rules SET soft_bounces = 1001 WHERE soft_bounces IS NOT NULL;
UPDATE bounce_mgmt.settings SET alert_window = '178000000 years';
UPDATE bounce_mgmt.settings SET event_retention = '101 years';
UPDATE bounce_mgmt.settings SET notice_cooldown = '11 years';
\set VERBOSITY default
UPDATE bounce_mgmt.escalation_rules SET within = '5 years' WHERE reason IS NULL AND within IS NOT NULL;
UPDATE bounce_mgmt.settings SET alert_window = '1 year', event_retention = '100 years', notice_cooldown = '10 years';
SELECT escalated >= 0 AS ran, partitions_dropped, failures FROM bounce_mgmt.run_maintenance();
RESET SESSION AUTHORIZATION;

SET client_min_messages = warning;
DROP ROLE r_writer, r_admin;
