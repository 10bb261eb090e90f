-- definer: the roads to superuser of the security review, replayed as non-superuser login roles, and the
-- same class of attack against every SECURITY DEFINER function: caller-made casts, temporary tables and
-- functions shadowing the extension's names, a hostile search_path.  After each, no role is superuser.
SET client_min_messages = warning;
DROP ROLE IF EXISTS r_writer, r_admin, r_reader;
CREATE ROLE r_writer LOGIN NOSUPERUSER IN ROLE bounce_mgmt_writer;
CREATE ROLE r_admin LOGIN NOSUPERUSER IN ROLE bounce_mgmt_admin;
CREATE ROLE r_reader LOGIN NOSUPERUSER IN ROLE bounce_mgmt_reader;
CREATE SCHEMA evil AUTHORIZATION r_writer;
RESET client_min_messages;
-- fixed dates below: keep events that far back
UPDATE bounce_mgmt.settings SET event_retention = '100 years';
CREATE VIEW attack_result AS
    SELECT rolname, rolsuper FROM pg_roles WHERE rolname IN ('r_writer', 'r_admin', 'r_reader') ORDER BY 1;
-- a hard bounce and an open notice for the trigger to resolve
SELECT inserted FROM bounce_mgmt.ingest('[{"email": "a@example.com", "occurred_at": "2026-01-05T00:00:00Z",
    "event": "bounce", "diagnostic": "550 5.1.1 user unknown", "id": "d-1"}]', 'generic');

-- 1. the users-table trigger and a cast the writer made: the trigger reads only its column, so the cast
--    never runs (it would announce itself with a NOTICE), and whatever runs, runs as the writer
SET SESSION AUTHORIZATION r_writer;
CREATE TYPE pg_temp.evil AS ENUM ('x');
CREATE FUNCTION pg_temp.evil_to_json(pg_temp.evil) RETURNS json LANGUAGE plpgsql
  AS $$ BEGIN RAISE NOTICE 'evil cast ran as %', current_user; EXECUTE 'ALTER ROLE r_writer SUPERUSER'; RETURN '"x"'; END $$;
CREATE CAST (pg_temp.evil AS json) WITH FUNCTION pg_temp.evil_to_json(pg_temp.evil);
CREATE TEMP TABLE users (id int, email text, tag pg_temp.evil);
INSERT INTO users VALUES (1, 'a@example.com', 'x');
CREATE TRIGGER t AFTER UPDATE OF email ON users FOR EACH ROW EXECUTE FUNCTION bounce_mgmt.user_email_changed();
UPDATE users SET email = 'b@example.com';
SELECT email, resolution, new_email FROM bounce_mgmt.notices WHERE email = 'a@example.com';
-- the trigger pointed at a column of the caller's type: refused, not converted
CREATE TEMP TABLE users2 (id int, email pg_temp.evil);
INSERT INTO users2 VALUES (1, 'x');
CREATE TRIGGER t2 AFTER UPDATE ON users2 FOR EACH ROW EXECUTE FUNCTION bounce_mgmt.user_email_changed();
UPDATE users2 SET id = 2;
-- BEFORE, statement level, INSERT: refused with an error, never a silently skipped update
CREATE TEMP TABLE users3 (id int, email text);
INSERT INTO users3 VALUES (1, 'c@example.com');
CREATE TRIGGER t3 BEFORE UPDATE OF email ON users3 FOR EACH ROW EXECUTE FUNCTION bounce_mgmt.user_email_changed();
UPDATE users3 SET email = 'd@example.com';
SELECT email FROM users3;
DROP TRIGGER t3 ON users3;
CREATE TRIGGER t3 AFTER INSERT ON users3 FOR EACH ROW EXECUTE FUNCTION bounce_mgmt.user_email_changed();
INSERT INTO users3 VALUES (2, 'e@example.com');
DROP TRIGGER t3 ON users3;
CREATE TRIGGER t3 AFTER UPDATE ON users3 FOR EACH STATEMENT EXECUTE FUNCTION bounce_mgmt.user_email_changed();
UPDATE users3 SET email = 'f@example.com';
DISCARD TEMP;
RESET SESSION AUTHORIZATION;
SELECT * FROM attack_result;

-- 2. run_maintenance() and a temporary table the admin made beforehand, with a trigger: maintenance runs
--    with the admin's own rights and makes no temporary tables; every extension table name is shadowed in
--    pg_temp too, with triggers, before each SECURITY DEFINER function is called
SET SESSION AUTHORIZATION r_admin;
CREATE FUNCTION pg_temp.grab() RETURNS trigger LANGUAGE plpgsql
  AS $$ BEGIN RAISE NOTICE 'grab ran as %', current_user; EXECUTE 'ALTER ROLE ' || session_user || ' SUPERUSER'; RETURN NULL; END $$;
CREATE TEMP TABLE bm_soft_events (email text, domain text, reason bounce_mgmt.bounce_reason,
  event_id bigint, occurred_at timestamptz, is_bounce boolean);
CREATE TRIGGER grab BEFORE TRUNCATE ON bm_soft_events FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.grab();
CREATE TEMP TABLE bm_escalation_hits (LIKE bm_soft_events);
CREATE TRIGGER grab BEFORE TRUNCATE ON bm_escalation_hits FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.grab();
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = 'bounce_mgmt'::regnamespace AND c.relkind IN ('r', 'p', 'v')
    LOOP
        EXECUTE format('CREATE TEMP TABLE %I (x int)', t);
        EXECUTE format('CREATE TRIGGER grab BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON pg_temp.%I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.grab()', t);
    END LOOP;
END
$$;
SELECT escalated >= 0 AS ran, failures FROM bounce_mgmt.run_maintenance();
SELECT bounce_mgmt.create_partition('2026-02-01') IS NOT NULL AS created;
SELECT count(*) >= 0 AS dropped FROM bounce_mgmt.drop_event_partitions('2001-01-01');
SELECT bounce_mgmt.provider_remove('no-such-account', 'a@example.com');
DISCARD TEMP;
RESET SESSION AUTHORIZATION;
SELECT * FROM attack_result;

-- 3. the writer: shadowing tables, temporary functions with the names of functions the definer code calls,
--    and a search_path that puts the writer's own schema first
SET SESSION AUTHORIZATION r_writer;
CREATE FUNCTION pg_temp.grab() RETURNS trigger LANGUAGE plpgsql
  AS $$ BEGIN RAISE NOTICE 'grab ran as %', current_user; EXECUTE 'ALTER ROLE ' || session_user || ' SUPERUSER'; RETURN NULL; END $$;
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = 'bounce_mgmt'::regnamespace AND c.relkind IN ('r', 'p', 'v')
    LOOP
        EXECUTE format('CREATE TEMP TABLE %I (x int)', t);
        EXECUTE format('CREATE TRIGGER grab BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON pg_temp.%I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.grab()', t);
    END LOOP;
END
$$;
CREATE FUNCTION pg_temp.now() RETURNS timestamptz LANGUAGE plpgsql
  AS $$ BEGIN EXECUTE 'ALTER ROLE r_writer SUPERUSER'; RETURN '2000-01-01'; END $$;
CREATE FUNCTION pg_temp.split_part(text, text, int) RETURNS text LANGUAGE plpgsql
  AS $$ BEGIN EXECUTE 'ALTER ROLE r_writer SUPERUSER'; RETURN ''; END $$;
CREATE TABLE evil.events (x int);
CREATE TRIGGER grab BEFORE INSERT ON evil.events FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.grab();
CREATE FUNCTION evil.nextval(regclass) RETURNS bigint LANGUAGE plpgsql
  AS $$ BEGIN EXECUTE 'ALTER ROLE r_writer SUPERUSER'; RETURN 1; END $$;
SET search_path = evil, pg_temp, public;
SELECT inserted, quarantined FROM bounce_mgmt.ingest('[{"email": "w@example.com", "occurred_at": "2026-01-06T00:00:00Z",
    "event": "bounce", "diagnostic": "550 5.1.1 user unknown", "id": "d-2"},
    {"email": "w2@example.com", "occurred_at": "2026-01-06T00:00:00Z", "event": "complaint", "id": "d-3"}]', 'generic');
SELECT count(*) > 0 AS has_notices FROM bounce_mgmt.pending_notices(min_soft_bounces => 1);
SELECT bounce_mgmt.mark_notified('w@example.com', 'sms') > 0 AS notified;
RESET search_path;
DISCARD TEMP;
RESET SESSION AUTHORIZATION;
SELECT * FROM attack_result;

-- 4. the reader: pending_notices (SECURITY DEFINER) under the same shadowing
SET SESSION AUTHORIZATION r_reader;
CREATE FUNCTION pg_temp.grab() RETURNS trigger LANGUAGE plpgsql
  AS $$ BEGIN EXECUTE 'ALTER ROLE r_reader SUPERUSER'; RETURN NULL; END $$;
CREATE TEMP TABLE events (x int);
CREATE TEMP TABLE addresses (x int);
CREATE TEMP TABLE suppressions (x int);
SET search_path = pg_temp, public;
SELECT email, kind FROM bounce_mgmt.pending_notices(min_soft_bounces => 1) ORDER BY email;
SELECT email, cause FROM bounce_mgmt.suppressions WHERE closed_at IS NULL ORDER BY email;
RESET search_path;
DISCARD TEMP;
RESET SESSION AUTHORIZATION;
SELECT * FROM attack_result;

-- the SECURITY DEFINER functions are exactly those README's Security section audits
SELECT p.oid::regprocedure AS definer_function, array_to_string(p.proconfig, ', ') AS settings
  FROM pg_proc p WHERE p.pronamespace = 'bounce_mgmt'::regnamespace AND p.prosecdef ORDER BY 1;

SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;
DROP VIEW attack_result;
DROP OWNED BY r_writer, r_admin, r_reader;
DROP ROLE r_writer, r_admin, r_reader;
