-- keys: provider API keys never appear in an error, a log line or a column an ordinary role can read.
-- They live in provider_keys (account, key columns only), checked by a trigger before any constraint can
-- print the row; admins write them and see only which accounts have one.
SET client_min_messages = warning;
DROP ROLE IF EXISTS r_admin, r_reader;
CREATE ROLE r_admin LOGIN NOSUPERUSER IN ROLE bounce_mgmt_admin;
CREATE ROLE r_reader LOGIN NOSUPERUSER IN ROLE bounce_mgmt_reader;
RESET client_min_messages;
SET SESSION AUTHORIZATION r_admin;
INSERT INTO bounce_mgmt.provider_accounts (name, provider) VALUES ('sg-main', 'sendgrid');
INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('sg-main', 'SG.THE-SECRET-KEY');
-- every constraint failure names the column; none prints the key (the first printed the whole row)
UPDATE bounce_mgmt.provider_accounts SET created_at = NULL WHERE name = 'sg-main';
UPDATE bounce_mgmt.provider_keys SET api_key = NULL WHERE account = 'sg-main';
UPDATE bounce_mgmt.provider_keys SET api_key = ' SG.THE-SECRET-KEY' WHERE account = 'sg-main';
INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES (NULL, 'SG.THE-SECRET-KEY');
INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('sg-main', 'SG.THE-SECRET-KEY');
INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('nope', 'SG.THE-SECRET-KEY');
-- write-only for the admin: which accounts have a key, never the key
SELECT account FROM bounce_mgmt.provider_keys;
SELECT api_key FROM bounce_mgmt.provider_keys;
UPDATE bounce_mgmt.provider_keys SET api_key = 'SG.NEW-KEY' WHERE account = 'sg-main' RETURNING api_key;
UPDATE bounce_mgmt.provider_keys SET api_key = 'SG.NEW-KEY' WHERE account = 'sg-main';
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION r_reader;
SELECT name, provider, has_key FROM bounce_mgmt.provider_accounts_public;
SELECT count(*) FROM bounce_mgmt.provider_keys;
RESET SESSION AUTHORIZATION;
-- a sync that cannot reach the (non-routable) host: the error names the account and URL, not the key
SET SESSION AUTHORIZATION r_admin;
-- (a key never follows its account to another host: changing base_url removes it, and the admin cannot
-- move a key to another account either)
UPDATE bounce_mgmt.provider_accounts SET base_url = 'http://127.0.0.1:9' WHERE name = 'sg-main';
SELECT name, has_key FROM bounce_mgmt.provider_accounts_public;
INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url) VALUES ('elsewhere', 'sendgrid', 'http://127.0.0.2:9');
INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('sg-main', 'SG.NEW-KEY');
UPDATE bounce_mgmt.provider_keys SET account = 'elsewhere' WHERE account = 'sg-main';
SET bounce_mgmt.http_retries = 0;
SET bounce_mgmt.http_connect_timeout = 2;
DO $$
DECLARE
    m text; d text; h text;
BEGIN
    CALL bounce_mgmt.sync('sg-main');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RAISE NOTICE 'sync failed with %; key in message, detail or hint: %', SQLSTATE,
                 concat(m, d, h) LIKE '%SG.NEW-KEY%';
END
$$;
-- the same CALL on its own: the failed run is recorded (the procedure writes sync_runs as the owner, the
-- admin only reads it), with the error and no key
\set VERBOSITY sqlstate
CALL bounce_mgmt.sync('sg-main');
\set VERBOSITY default
SELECT account, status, sqlstate, run_by, error LIKE '%SG.NEW-KEY%' AS key_in_error FROM bounce_mgmt.sync_runs;
INSERT INTO bounce_mgmt.sync_runs (account, until, explicit_since) VALUES ('sg-main', now(), false);
SELECT current_user, current_setting('search_path') AS search_path;
RESET SESSION AUTHORIZATION;
SELECT api_key = 'SG.NEW-KEY' AS key_stored FROM bounce_mgmt.provider_keys;
DELETE FROM bounce_mgmt.provider_accounts;
SELECT count(*) AS runs_left FROM bounce_mgmt.sync_runs;
SELECT count(*) AS keys_left FROM bounce_mgmt.provider_keys;
DROP ROLE r_admin, r_reader;
