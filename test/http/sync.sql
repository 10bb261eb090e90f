-- sync: provider API lists pulled through ingestion against the local test server (server.py), with
-- pagination, idempotent re-runs, the cursor, 429 / 5xx / 401 / truncated / HTML answers, timeouts and
-- cancel; and removals from the providers' lists (unsuppress, retries by maintenance).
SET client_min_messages = notice;
SET timezone = 'UTC';
\pset null '(null)'
CREATE EXTENSION bounce_mgmt;
-- the test server's lists start on 2026-01-01: keep events that far back (list entries older than the
-- retention are kept as listings only, checked at the end)
UPDATE bounce_mgmt.settings SET event_retention = '100 years';
\set base 'http://127.0.0.1:' :port
-- what the latest CALL did: its row in sync_runs
\set run 'SELECT run_id, account, status, pages, fetched, inserted, duplicates, quarantined, sqlstate FROM bounce_mgmt.sync_runs ORDER BY run_id DESC LIMIT 1;'
-- an account and its key (keys live in provider_keys, write-only for the admin role)
CREATE FUNCTION pg_temp.account(name text, provider text, base_url text, api_key text, options jsonb DEFAULT '{}')
    RETURNS boolean LANGUAGE sql AS $$
    INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url, options)
    VALUES (name, provider::bounce_mgmt.provider, base_url, options);
    INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES (name, api_key) RETURNING true;
$$;
SELECT bool_and(pg_temp.account(a.name, a.provider, a.base_url, a.api_key, a.options::jsonb)) FROM (VALUES
    ('sg',          'sendgrid', :'base' || '/n=1200',     'SG.secret-key-1', '{}'),
    ('pm',          'postmark', :'base' || '/n=1200',     'pm-secret-key-2', '{}'),
    ('mg',          'mailgun',  :'base' || '/n=250',      'mg-secret-key-3', '{"domain": "mg.example.org"}'),
    ('sg-429',      'sendgrid', :'base' || '/429=2',      'SG.secret-key-4', '{}'),
    ('sg-429x',     'sendgrid', :'base' || '/429forever', 'SG.secret-key-5', '{}'),
    ('sg-500',      'sendgrid', :'base' || '/500=2',      'SG.secret-key-6', '{}'),
    ('sg-500x',     'sendgrid', :'base' || '/500forever', 'SG.secret-key-7', '{}'),
    ('sg-401',      'sendgrid', :'base' || '/401',        'SG.secret-key-8', '{}'),
    ('sg-truncated','sendgrid', :'base' || '/truncated',  'SG.secret-key-9', '{}'),
    ('sg-html',     'sendgrid', :'base' || '/html',       'SG.secret-key-10', '{}'),
    ('sg-slow',     'sendgrid', :'base' || '/slow=5',     'SG.secret-key-11', '{}'),
    ('pm-big',      'postmark', :'base' || '/n=12000',    'pm-secret-key-13', '{}'),
    ('sg-bad',      'sendgrid', :'base' || '/badentry',   'SG.secret-key-14', '{}'),
    ('sg-429date',  'sendgrid', :'base' || '/429date=1',  'SG.secret-key-15', '{}'),
    ('sg-redirect', 'sendgrid', :'base' || '/redirect',   'SG.secret-key-16', '{}'),
    ('pm-away',     'postmark', :'base' || '/redirect-away', 'pm-secret-key-17', '{}'),
    ('sg-echo',     'sendgrid', :'base' || '/echo401',  'SG.secret-key-20', '{}'),
    ('pm-echo',     'postmark', :'base' || '/echo401',  'pm-secret-key-21', '{}'),
    ('mg-echo',     'mailgun',  :'base' || '/echo401',  'mg-secret-key-22', '{"domain": "mg.example.org"}'),
    ('sg-same',     'sendgrid', :'base' || '/samepage', 'SG.secret-key-23', '{}'),
    ('mg-loop',     'mailgun',  :'base' || '/mgloop',   'mg-secret-key-24', '{"domain": "mg.example.org"}'),
    ('sg-endless',  'sendgrid', :'base' || '/n=100000000', 'SG.secret-key-25', '{}'),
    ('sg-big',      'sendgrid', :'base' || '/bigpage',  'SG.secret-key-26', '{}')
  ) AS a(name, provider, base_url, api_key, options);
SELECT pg_temp.account('sg-default', 'sendgrid', NULL, 'SG.secret-key-12');
SELECT name, provider, base_url, has_key FROM bounce_mgmt.provider_accounts_public ORDER BY name;
-- bad rows are refused with errors that name the column: a key in the URL (URLs appear in messages),
-- anything but http(s), a Mailgun account without its domain, a provider without an API sync; an account
-- without a key can be stored, but not synced
INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url, options)
VALUES ('userinfo', 'mailgun', 'https://api:secret-key-0@api.mailgun.net', '{"domain": "mg.example.org"}');
INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url)
VALUES ('ftp', 'sendgrid', 'ftp://api.sendgrid.com');
INSERT INTO bounce_mgmt.provider_accounts (name, provider) VALUES ('nokey', 'postmark');
CALL bounce_mgmt.sync('nokey');
DELETE FROM bounce_mgmt.provider_accounts WHERE name = 'nokey';
INSERT INTO bounce_mgmt.provider_accounts (name, provider) VALUES ('mg2', 'mailgun');
INSERT INTO bounce_mgmt.provider_accounts (name, provider) VALUES ('ses', 'ses');
INSERT INTO bounce_mgmt.provider_accounts (name, provider) VALUES ('sp', 'sparkpost');
UPDATE bounce_mgmt.provider_accounts SET base_url = 'https://api.sendgrid.com/v3?x=1' WHERE name = 'sg-default';

-- SendGrid: bounces and blocks, 500 per page until a short page; a NOTICE per page
CALL bounce_mgmt.sync('sg');
:run
SELECT provider_type, count(*), count(DISTINCT email), min(occurred_at), bool_and(list_entry) AS list
  FROM bounce_mgmt.events WHERE provider = 'sendgrid' GROUP BY 1 ORDER BY 1;
SELECT last_synced_at IS NOT NULL AS cursor_set FROM bounce_mgmt.provider_accounts WHERE name = 'sg';
-- run again (start_time is the cursor less bounce_mgmt.sync_overlap): nothing new, nothing doubled
CALL bounce_mgmt.sync('sg');
:run
-- an explicit since: entries created from 00:15 on (300 of each list), all stored already
CALL bounce_mgmt.sync('sg', '2026-01-01 00:15:00+00');
:run
-- Postmark: count/offset pages; IDs beyond 2^53 kept exact
CALL bounce_mgmt.sync('pm');
:run
SELECT min(provider_event_id), max(provider_event_id), count(*) FROM bounce_mgmt.events WHERE provider = 'postmark';
-- Postmark reads fromdate in US Eastern time, and sync asks from an hour earlier (DST's repeated hour):
-- since 01:10 UTC means from 00:10 UTC = 19:10 EST, bounces 600..1199 (read as UTC it would be none)
CALL bounce_mgmt.sync('pm', '2026-01-01 01:10:00+00');
:run
-- more than 10,000 bounces: Postmark refuses offsets past 10,000, so the window's end moves down
CALL bounce_mgmt.sync('pm-big');
:run
SELECT count(*) AS stored, count(DISTINCT provider_event_id) AS distinct_ids FROM bounce_mgmt.events
 WHERE provider = 'postmark';
-- Mailgun: follows paging.next until an empty page
CALL bounce_mgmt.sync('mg');
:run
SELECT count(*), min(reply_code), min(diagnostic) FROM bounce_mgmt.events WHERE provider = 'mailgun';
-- every list entry's address is suppressed now (hard bounces at the provider)
SELECT count(*) AS suppressed FROM bounce_mgmt.suppressions WHERE closed_at IS NULL;

-- a run commits page by page: one that fails at its third page keeps the first two and its position, the
-- cursor stays, and the next CALL resumes at that page (then goes on from the moved cursor in a new run)
SELECT pg_temp.account('sg-fail', 'sendgrid', :'base' || '/failat=1000', 'SG.secret-key-27'),
       pg_temp.account('pm-fail', 'postmark', :'base' || '/failat=1000', 'pm-secret-key-28'),
       pg_temp.account('mg-fail', 'mailgun', :'base' || '/failat=1000', 'mg-secret-key-29', '{"domain": "mg.example.org"}');
SET bounce_mgmt.http_retries = 0;
SET client_min_messages = warning;
CALL bounce_mgmt.sync('sg-fail');
CALL bounce_mgmt.sync('pm-fail');
CALL bounce_mgmt.sync('mg-fail');
RESET bounce_mgmt.http_retries;
SET client_min_messages = notice;
SELECT account, status, pages, fetched, inserted, sqlstate, position - 'todate' AS position
  FROM bounce_mgmt.sync_runs WHERE account LIKE '%-fail' ORDER BY run_id;
SELECT count(*) AS kept FROM bounce_mgmt.events WHERE email LIKE 'resume%';
SELECT name, last_synced_at IS NULL AS cursor_unmoved FROM bounce_mgmt.provider_accounts
 WHERE name LIKE '%-fail' ORDER BY name;
\set healed `python3 -c "import urllib.request as u; print(u.urlopen(':base/heal').status)"`
SET client_min_messages = warning;
CALL bounce_mgmt.sync('sg-fail');
CALL bounce_mgmt.sync('pm-fail');
CALL bounce_mgmt.sync('mg-fail');
SET client_min_messages = notice;
SELECT account, status, resumed_from IS NOT NULL AS resumed, pages, fetched, inserted, duplicates,
       position - 'todate' AS position
  FROM bounce_mgmt.sync_runs WHERE account LIKE '%-fail' ORDER BY run_id;
-- every entry once: SendGrid 1,200 bounces + 1,200 blocks, Postmark 1,200, Mailgun 1,200
SELECT provider, count(*), count(DISTINCT (email, provider_type)) FROM bounce_mgmt.events
 WHERE email LIKE 'resume%' GROUP BY provider ORDER BY provider;
SELECT name, last_synced_at IS NOT NULL AS cursor_moved FROM bounce_mgmt.provider_accounts
 WHERE name LIKE '%-fail' ORDER BY name;
-- one sync per account at a time: a second CALL of the same account fails at once (session 2 is the
-- shell test in run.sh); here: a run left 'running' by a session that ended is closed by the next one
INSERT INTO bounce_mgmt.sync_runs (account, until, explicit_since) VALUES ('sg-fail', now(), false)
RETURNING run_id AS stale \gset
SET client_min_messages = warning;
CALL bounce_mgmt.sync('sg-fail');
SET client_min_messages = notice;
SELECT status, sqlstate, error FROM bounce_mgmt.sync_runs WHERE run_id = :stale;

-- inside a transaction block the same CALL runs in that one transaction: ROLLBACK leaves nothing
SELECT pg_temp.account('sg-tx', 'sendgrid', :'base' || '/n=1500', 'SG.secret-key-30');
SELECT count(*) AS events_before FROM bounce_mgmt.events \gset
BEGIN;
SET LOCAL client_min_messages = warning;
CALL bounce_mgmt.sync('sg-tx');
:run
ROLLBACK;
SELECT count(*) - :events_before AS stored,
       (SELECT count(*) FROM bounce_mgmt.sync_runs WHERE account = 'sg-tx') AS runs
  FROM bounce_mgmt.events;
-- and committed, it stores what a CALL on its own would: 300 new entries in each list
BEGIN;
SET LOCAL client_min_messages = warning;
CALL bounce_mgmt.sync('sg-tx');
COMMIT;
:run

-- since: a finite time in the past; an explicit since moves the cursor only when it starts at or before
-- it (else the gap between them is still unread)
CALL bounce_mgmt.sync('sg', 'infinity');
CALL bounce_mgmt.sync('sg', now() + interval '1 day');
UPDATE bounce_mgmt.provider_accounts SET last_synced_at = '2026-01-01 00:10:00+00' WHERE name = 'sg';
SET client_min_messages = warning;
CALL bounce_mgmt.sync('sg', '2026-01-01 00:15:00+00');
SELECT last_synced_at FROM bounce_mgmt.provider_accounts WHERE name = 'sg';
CALL bounce_mgmt.sync('sg', '2026-01-01 00:05:00+00');
SET client_min_messages = notice;
SELECT last_synced_at > '2026-06-01' AS cursor_moved FROM bounce_mgmt.provider_accounts WHERE name = 'sg';

-- keys cross the network encrypted: plain http:// is refused unless the host is this machine (the test
-- server) or a superuser allows it; a key never follows its account to another base_url or provider
INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url) VALUES ('plain', 'sendgrid', 'http://api.sendgrid.com');
SET bounce_mgmt.allow_insecure_http = on;
INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url) VALUES ('plain', 'sendgrid', 'http://api.sendgrid.com');
INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('plain', 'SG.secret-key-31');
RESET bounce_mgmt.allow_insecure_http;
CALL bounce_mgmt.sync('plain');
UPDATE bounce_mgmt.provider_accounts SET base_url = 'https://api.sendgrid.com' WHERE name = 'plain';
UPDATE bounce_mgmt.provider_accounts SET options = '{"note": "same host"}' WHERE name = 'sg';
SELECT name, has_key FROM bounce_mgmt.provider_accounts_public WHERE name IN ('plain', 'sg') ORDER BY name;
DELETE FROM bounce_mgmt.provider_accounts WHERE name = 'plain';

-- 429 with Retry-After: waits and goes on; 5xx: retried with backoff
CALL bounce_mgmt.sync('sg-429');
:run
CALL bounce_mgmt.sync('sg-500');
:run
-- Retry-After as an HTTP date (2 s ahead, to the second: the wait is over 1 s; its NOTICE varies, so hidden)
SELECT clock_timestamp() AS t0 \gset
SET client_min_messages = warning;
CALL bounce_mgmt.sync('sg-429date');
:run
RESET client_min_messages;
SELECT clock_timestamp() - :'t0' BETWEEN interval '1 s' AND interval '5 s' AS waited_as_asked;
-- a redirect on the same host is followed; one to another host is not (the key would go with it)
CALL bounce_mgmt.sync('sg-redirect');
:run
SET bounce_mgmt.http_max_redirects = 0;
CALL bounce_mgmt.sync('sg-redirect');
:run
RESET bounce_mgmt.http_max_redirects;
CALL bounce_mgmt.sync('pm-away');
:run

-- a provider that quotes the key back in its 401 message: the key is scrubbed from the ERROR (and so from
-- the server log), for a bearer token, a Postmark token header and Mailgun's basic auth
CALL bounce_mgmt.sync('sg-echo');
:run
CALL bounce_mgmt.sync('pm-echo');
:run
CALL bounce_mgmt.sync('mg-echo');
:run
-- a provider that never stops: the same full page for every offset, a paging.next loop, endless pages
CALL bounce_mgmt.sync('sg-same');
:run
CALL bounce_mgmt.sync('mg-loop');
:run
SET client_min_messages = warning;
SET bounce_mgmt.sync_max_pages = 5;
CALL bounce_mgmt.sync('sg-endless');
:run
RESET bounce_mgmt.sync_max_pages;
-- a page larger than bounce_mgmt.http_max_body is refused before it is parsed (memory per page)
SET bounce_mgmt.http_max_body = '1MB';
CALL bounce_mgmt.sync('sg-big');
:run
RESET bounce_mgmt.http_max_body;
SET client_min_messages = notice;
-- each failed run kept the pages it committed before its failure, and nothing else
SELECT r.account, r.status, r.pages, r.inserted,
       (SELECT count(*) FROM bounce_mgmt.events e JOIN bounce_mgmt.ingest_batches b USING (batch_id)
         WHERE b.source = 'sync:' || r.account) AS stored
  FROM bounce_mgmt.sync_runs r WHERE r.account IN ('sg-same', 'mg-loop', 'sg-endless', 'sg-big') ORDER BY r.run_id;
-- a bad entry in a page is quarantined with its reason; the rest of the page is stored
CALL bounce_mgmt.sync('sg-bad');
:run
SELECT count(*) AS kept, min(reason) AS reason FROM bounce_mgmt.ingest_errors e
  JOIN bounce_mgmt.ingest_batches b USING (batch_id) WHERE b.source = 'sync:sg-bad';
-- lasting failures at the first page: clear errors, nothing stored, the cursor does not move
\set VERBOSITY default
SET bounce_mgmt.http_max_wait = 2;
CALL bounce_mgmt.sync('sg-429x');
:run
RESET bounce_mgmt.http_max_wait;
SET bounce_mgmt.http_retries = 1;
CALL bounce_mgmt.sync('sg-500x');
:run
RESET bounce_mgmt.http_retries;
CALL bounce_mgmt.sync('sg-401');
:run
SELECT count(*) AS batches_before FROM bounce_mgmt.ingest_batches \gset
CALL bounce_mgmt.sync('sg-truncated');
:run
CALL bounce_mgmt.sync('sg-html');
:run
SELECT count(*) - :batches_before AS batches_stored_by_failures FROM bounce_mgmt.ingest_batches;
SELECT name, last_synced_at IS NULL AS cursor_unmoved FROM bounce_mgmt.provider_accounts
 WHERE name IN ('sg-429x', 'sg-500x', 'sg-401', 'sg-truncated', 'sg-html') ORDER BY name;
CALL bounce_mgmt.sync('nobody');
CALL bounce_mgmt.sync(NULL);

-- a slow server: the request timeout, and statement_timeout / cancel stop the transfer within a second
SET bounce_mgmt.http_timeout = 1;
SET bounce_mgmt.http_retries = 0;
CALL bounce_mgmt.sync('sg-slow');
:run
RESET bounce_mgmt.http_timeout;
RESET bounce_mgmt.http_retries;
SELECT clock_timestamp() AS t0 \gset
SET statement_timeout = '1s';
CALL bounce_mgmt.sync('sg-slow');
:run
RESET statement_timeout;
SELECT clock_timestamp() - :'t0' < interval '2 s' AS stopped_within_a_second;
-- the same while the next page's prefetch is waiting (the first page is quick); the prefetch's socket
-- and curl handles are gone afterwards (counted in /proc: this test runs on Linux)
SELECT pg_temp.account('sg-slowlater', 'sendgrid', :'base' || '/slowlater=5', 'SG.secret-key-18');
SELECT pg_backend_pid() AS bpid \gset
\set sockets_before `ls -l /proc/:bpid/fd | grep -c socket`
SELECT clock_timestamp() AS t0 \gset
SET statement_timeout = '1s';
CALL bounce_mgmt.sync('sg-slowlater');
:run
RESET statement_timeout;
SELECT clock_timestamp() - :'t0' < interval '2 s' AS stopped_within_a_second;
\set sockets_after `ls -l /proc/:bpid/fd | grep -c socket`
SELECT :sockets_after = :sockets_before AS no_socket_left_open;
-- an ERROR while the next page's prefetch is in flight (ingestion refuses the page's shape): the
-- prefetch's socket is closed by the memory context callback
SELECT pg_temp.account('sg-wrongshape', 'sendgrid', :'base' || '/wrongshape', 'SG.secret-key-19');
CALL bounce_mgmt.sync('sg-wrongshape');
:run
\set sockets_after `ls -l /proc/:bpid/fd | grep -c socket`
SELECT :sockets_after = :sockets_before AS no_socket_left_open;

-- Amazon SES: the account-level suppression list (SESv2 ListSuppressedDestinations), every request signed
-- with AWS Signature Version 4 by libcurl; the test server verifies each signature as AWS does and
-- answers 403 when it does not.  The credentials go in as psql variables (bind parameters from a driver).
\set ses_key 'AKIASESTEST000000001'
\set ses_secret 'ses-secret-key/wJalrXUtnFEMI+K7MDENG'
\set ses_temp_key 'ASIASESTEST000000002'
\set ses_temp_secret 'ses-secret-key-temp/bPxRfiCYEXAMPLEKEY'
\set ses_token 'IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHsession-secret-key-token=='
CREATE FUNCTION pg_temp.ses_account(name text, base_url text, region text, api_key text, api_secret text,
                                    session_token text DEFAULT NULL)
    RETURNS boolean LANGUAGE sql AS $$
    INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url, options)
    VALUES (name, 'ses', base_url, jsonb_build_object('region', region));
    INSERT INTO bounce_mgmt.provider_keys (account, api_key, api_secret, session_token)
    VALUES (name, api_key, api_secret, session_token) RETURNING true;
$$;
-- the error a CALL raises, caught (to check what it shows when it cannot be printed as it is)
CREATE FUNCTION pg_temp.sync_error(account text, OUT e_state text, OUT e_message text, OUT e_detail text,
                                   OUT e_hint text)
    LANGUAGE plpgsql AS $$
BEGIN
    CALL bounce_mgmt.sync(account);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS e_state = RETURNED_SQLSTATE, e_message = MESSAGE_TEXT, e_detail = PG_EXCEPTION_DETAIL,
                            e_hint = PG_EXCEPTION_HINT;
END
$$;
-- an SES account needs its region (a valid one: it is part of every signature) and its secret access key;
-- base_url defaults to https://email.<region>.amazonaws.com and follows a change of region (without the key)
INSERT INTO bounce_mgmt.provider_accounts (name, provider, options) VALUES ('ses-bad', 'ses', '{"region": "eu-west-1:s3"}');
INSERT INTO bounce_mgmt.provider_accounts (name, provider, options) VALUES ('ses-default', 'ses', '{"region": "eu-central-1"}');
INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('ses-default', :'ses_key');
INSERT INTO bounce_mgmt.provider_keys (account, api_key, api_secret) VALUES ('ses-default', :'ses_key', :'ses_secret');
SELECT name, base_url, has_key FROM bounce_mgmt.provider_accounts_public WHERE name = 'ses-default';
UPDATE bounce_mgmt.provider_accounts SET options = '{"region": "us-east-1"}' WHERE name = 'ses-default';
SELECT name, base_url, has_key FROM bounce_mgmt.provider_accounts_public WHERE name = 'ses-default';
DELETE FROM bounce_mgmt.provider_accounts WHERE name = 'ses-default';
SELECT pg_temp.ses_account('ses',        :'base' || '/n=2500',       'eu-west-1', :'ses_key', :'ses_secret'),
       pg_temp.ses_account('ses-temp',   :'base' || '/n=30',         'eu-west-1', :'ses_temp_key', :'ses_temp_secret', :'ses_token'),
       pg_temp.ses_account('ses-gaps',   :'base' || '/sesgaps',      'eu-west-1', :'ses_key', :'ses_secret'),
       pg_temp.ses_account('ses-fail',   :'base' || '/sesfail=1000', 'eu-west-1', :'ses_key', :'ses_secret'),
       pg_temp.ses_account('ses-loop',   :'base' || '/sesloop',      'eu-west-1', :'ses_key', :'ses_secret'),
       pg_temp.ses_account('ses-region', :'base' || '/ok',           'us-east-1', :'ses_key', :'ses_secret'),
       pg_temp.ses_account('ses-wrong',  :'base' || '/ok',           'eu-west-1', :'ses_temp_key', :'ses_secret', :'ses_token'),
       pg_temp.ses_account('ses-echo',   :'base' || '/echo401',      'eu-west-1', :'ses_temp_key', :'ses_temp_secret', :'ses_token');
-- 1,000 entries a page (PageSize), paged by NextToken (base64: its '+', '/' and '=' escaped in the signed
-- query), EndDate the start of the sync; BOUNCE -> a hard bounce SES calls permanent, COMPLAINT -> complaint
CALL bounce_mgmt.sync('ses');
:run
SELECT event_type, provider_type, bounce_class, count(*), count(DISTINCT email), min(occurred_at), max(occurred_at),
       bool_and(list_entry) AS list
  FROM bounce_mgmt.events WHERE provider = 'ses' GROUP BY 1, 2, 3 ORDER BY 1;
SELECT provider_event_id, occurred_at FROM bounce_mgmt.events WHERE provider = 'ses' ORDER BY occurred_at LIMIT 2;
SELECT count(*) AS listed_by_ses FROM bounce_mgmt.provider_listings WHERE provider = 'ses' AND cleared_at IS NULL;
SELECT count(*) AS suppressed FROM bounce_mgmt.suppressions WHERE closed_at IS NULL AND email LIKE 'suppressed%';
-- again (StartDate: the cursor less the overlap): nothing new; an explicit since: entries from 00:30 on
CALL bounce_mgmt.sync('ses');
:run
CALL bounce_mgmt.sync('ses', '2026-01-01 00:30:00+00');
:run
-- temporary credentials: the session token goes in X-Amz-Security-Token, signed with the rest
CALL bounce_mgmt.sync('ses-temp');
:run
-- a page may be empty and still have a NextToken: only a page without one ends the list
CALL bounce_mgmt.sync('ses-gaps');
:run
-- a run that fails at its second page keeps the first and the NextToken of the second; the next CALL
-- resumes there, in the same window (the server refuses a token with another window), then goes on
SET bounce_mgmt.http_retries = 0;
SET client_min_messages = warning;
CALL bounce_mgmt.sync('ses-fail');
RESET bounce_mgmt.http_retries;
SET client_min_messages = notice;
SELECT status, pages, fetched, inserted, sqlstate, position ->> 'next_token' IS NOT NULL AS has_token
  FROM bounce_mgmt.sync_runs WHERE account = 'ses-fail' ORDER BY run_id;
SELECT count(*) AS kept FROM bounce_mgmt.events WHERE email LIKE 'sesresume%';
\set healed `python3 -c "import urllib.request as u; print(u.urlopen(':base/heal/sesfail=1000').status)"`
SET client_min_messages = warning;
CALL bounce_mgmt.sync('ses-fail');
SET client_min_messages = notice;
SELECT status, resumed_from IS NOT NULL AS resumed, pages, fetched, inserted, duplicates,
       position ->> 'next_token' IS NOT NULL AS has_token
  FROM bounce_mgmt.sync_runs WHERE account = 'ses-fail' ORDER BY run_id;
SELECT count(*), count(DISTINCT email) FROM bounce_mgmt.events WHERE email LIKE 'sesresume%';
-- a NextToken answered with itself would page forever: the run stops after storing that page
CALL bounce_mgmt.sync('ses-loop');
:run
-- the credential scope names the account's region: the wrong one is refused (403, 28000)
CALL bounce_mgmt.sync('ses-region');
:run
-- a wrong secret: SES answers 403 quoting the canonical request it expected (with the session token); the
-- ERROR (28000) shows neither the secret, the token nor the access key id; nor does a provider that echoes
-- the Authorization header (with the access key id) back
SELECT e_state, split_part(e_message, E'\n', 1) AS message, e_hint,
       strpos(e_message || e_detail, :'ses_secret') = 0 AND strpos(e_message || e_detail, :'ses_temp_secret') = 0 AS no_secret,
       strpos(e_message || e_detail, :'ses_token') = 0 AS no_token,
       strpos(e_message || e_detail, :'ses_temp_key') = 0 AS no_key_id,
       e_message LIKE '%x-amz-security-token:[redacted]%' AS token_redacted
  FROM pg_temp.sync_error('ses-wrong');
SELECT e_state, split_part(e_message, ':', 1) AS message, strpos(e_message || e_detail, :'ses_temp_key') = 0 AS no_key_id,
       e_message LIKE '%Authorization: AWS4-HMAC-SHA256 Credential=[redacted]/%' AS key_id_redacted
  FROM pg_temp.sync_error('ses-echo');

-- no key in a run's recorded error either
SELECT count(*) FILTER (WHERE error LIKE '%secret-key%') AS keys_in_errors, count(*) FILTER (WHERE status = 'failed') AS failed_runs
  FROM bounce_mgmt.sync_runs;

-- removals at the providers: directly, and by unsuppress (queued; a failure retried by maintenance)
DELETE FROM bounce_mgmt.provider_accounts WHERE name NOT IN ('sg', 'pm', 'mg', 'sg-401', 'ses');
SELECT bounce_mgmt.provider_remove('sg', 'bounced1@example.org') AS sendgrid_removed,
       bounce_mgmt.provider_remove('pm', 'bounced1@example.org') AS postmark_activated,
       bounce_mgmt.provider_remove('mg', 'bounced1@example.org') AS mailgun_removed;
-- not listed at the provider (404; no inactive Postmark bounce): false, and nothing to retry
SELECT bounce_mgmt.provider_remove('sg', 'missing1@example.org') AS sendgrid_listed,
       bounce_mgmt.provider_remove('pm', 'never@example.org') AS postmark_listed,
       bounce_mgmt.provider_remove('mg', 'missing1@example.org') AS mailgun_listed;
SELECT bounce_mgmt.provider_remove('nobody', 'a@example.org');
SELECT bounce_mgmt.provider_remove('sg', 'not an address');
SELECT bounce_mgmt.unsuppress('bounced7@example.org', 'user fixed the mailbox') AS lifted;
SELECT account, email, attempts, done_at IS NOT NULL AS done, last_error
  FROM bounce_mgmt.provider_removals ORDER BY account;
-- the failed one is retried by maintenance once due (here: made due, and the account fixed)
UPDATE bounce_mgmt.provider_removals SET next_attempt_at = now() WHERE done_at IS NULL;
UPDATE bounce_mgmt.provider_accounts SET base_url = :'base' || '/ok' WHERE name = 'sg-401';
INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('sg-401', 'SG.secret-key-8b');
SELECT removals_done FROM bounce_mgmt.run_maintenance();
SELECT account, attempts, done_at IS NOT NULL AS done FROM bounce_mgmt.provider_removals ORDER BY account;

-- SES: DELETE from the account's suppression list (the address escaped in the signed path); unsuppress()
-- queues a removal for every SES account too
SELECT bounce_mgmt.provider_remove('ses', 'suppressed1@example.org') AS ses_removed,
       bounce_mgmt.provider_remove('ses', 'Jane+Tag@example.org') AS ses_removed_escaped,
       bounce_mgmt.provider_remove('ses', 'missing1@example.org') AS ses_listed;
\set deleted `python3 -c "import urllib.request as u; print(u.urlopen(':base/deleted').read().decode())"`
SELECT :'deleted' AS deleted_at_ses;
SELECT bounce_mgmt.unsuppress('suppressed3@example.org', 'user fixed the mailbox') AS lifted;
SELECT account, email, attempts, done_at IS NOT NULL AS done, last_error
  FROM bounce_mgmt.provider_removals WHERE account = 'ses';
SELECT provider, cleared_at IS NOT NULL AS cleared FROM bounce_mgmt.provider_listings WHERE email = 'suppressed3@example.org';

-- keys: nobody reads them back (the admin writes them); functions take the account name
SELECT has_column_privilege('bounce_mgmt_writer', 'bounce_mgmt.provider_keys', 'api_key', 'SELECT') AS writer_reads_key,
       has_column_privilege('bounce_mgmt_admin', 'bounce_mgmt.provider_keys', 'api_key', 'SELECT') AS admin_reads_key,
       has_table_privilege('bounce_mgmt_reader', 'bounce_mgmt.provider_accounts_public', 'SELECT') AS reader_sees_accounts,
       has_column_privilege('bounce_mgmt_admin', 'bounce_mgmt.provider_keys', 'account', 'UPDATE') AS admin_moves_key,
       has_function_privilege('bounce_mgmt_writer', 'bounce_mgmt.sync(text, timestamptz)', 'EXECUTE') AS writer_syncs,
       has_function_privilege('bounce_mgmt_admin', 'bounce_mgmt.sync(text, timestamptz)', 'EXECUTE') AS admin_syncs;
