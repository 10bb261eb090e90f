-- 060_sync.sql — provider API accounts and their keys (a table of their own that no role can read), sync()
-- of their suppression lists, and removals from their lists: provider_remove() and a queue that
-- unsuppress() fills and run_maintenance() retries.

CREATE TABLE @extschema@.provider_accounts (
    name           text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,63}$'),
    provider       @extschema@.provider NOT NULL CHECK (provider IN ('sendgrid', 'postmark', 'mailgun', 'ses')),
    -- http(s) only, and no user info: the key goes in a header, and URLs appear in messages
    base_url       text NOT NULL CHECK (base_url ~ '^https?://[^/@?#[:space:]]+(/[^?#[:space:]]*)?$'),
    options        jsonb NOT NULL DEFAULT '{}',
    last_synced_at timestamptz,
    last_sync      timestamptz,
    created_at     timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.provider_accounts IS
    'provider API accounts for sync() and removals; their keys are in provider_keys (write-only for bounce_mgmt_admin)';
COMMENT ON COLUMN @extschema@.provider_accounts.base_url IS
    'the API root: https://api.sendgrid.com, https://api.postmarkapp.com, https://api.mailgun.net (https://api.eu.mailgun.net), https://email.<region>.amazonaws.com';
COMMENT ON COLUMN @extschema@.provider_accounts.options IS 'Mailgun: {"domain": "mg.example.com"}; SES: {"region": "eu-west-1"}';
COMMENT ON COLUMN @extschema@.provider_accounts.last_synced_at IS
    'the sync cursor: the next sync asks for entries since this time; it moves only when a sync commits';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.provider_accounts', '');

-- The keys, apart: no column here can fail a constraint with the row printed in the error (a BEFORE
-- trigger checks account and api_key first), and bounce_mgmt_admin may write them but read back only
-- which accounts have one.  Only sync() (as the owner, in C) and provider_remove() (SECURITY DEFINER) read them.
CREATE TABLE @extschema@.provider_keys (
    account        text PRIMARY KEY REFERENCES @extschema@.provider_accounts (name)
                   ON UPDATE CASCADE ON DELETE CASCADE,
    api_key        text NOT NULL,
    api_secret     text,
    session_token  text
);
COMMENT ON TABLE @extschema@.provider_keys IS
    'API credentials of provider_accounts: api_key (SendGrid, Postmark, Mailgun key; SES access key id), api_secret (SES secret access key), session_token (SES, temporary credentials)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.provider_keys', '');

-- Removals to do at the providers, with their attempts (history kept).
CREATE TABLE @extschema@.provider_removals (
    removal_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account         text NOT NULL REFERENCES @extschema@.provider_accounts (name) ON UPDATE CASCADE ON DELETE CASCADE,
    email           text NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    requested_by    name NOT NULL DEFAULT current_user,
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    done_at         timestamptz
);
CREATE UNIQUE INDEX provider_removals_pending ON @extschema@.provider_removals (account, email) WHERE done_at IS NULL;
COMMENT ON TABLE @extschema@.provider_removals IS
    'addresses to take off providers'' lists (queued by unsuppress); run_maintenance retries failures with backoff';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.provider_removals', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.provider_removals_removal_id_seq', '');

-- One row per sync run: its window, totals, and (while it runs, or when it failed) the position of the
-- next page, from which the next CALL sync(account) resumes.  Written by sync() only (as the owner).
CREATE TABLE @extschema@.sync_runs (
    run_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account        text NOT NULL REFERENCES @extschema@.provider_accounts (name) ON UPDATE CASCADE ON DELETE CASCADE,
    status         text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    since          timestamptz,
    until          timestamptz NOT NULL,
    explicit_since boolean NOT NULL,
    resumed_from   bigint,
    pages          integer NOT NULL DEFAULT 0,
    fetched        integer NOT NULL DEFAULT 0,
    inserted       integer NOT NULL DEFAULT 0,
    duplicates     integer NOT NULL DEFAULT 0,
    quarantined    integer NOT NULL DEFAULT 0,
    position       jsonb,
    sqlstate       text,
    error          text,
    run_by         name NOT NULL DEFAULT session_user,
    started_at     timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    updated_at     timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    finished_at    timestamptz
);
CREATE INDEX sync_runs_account ON @extschema@.sync_runs (account, run_id);
COMMENT ON TABLE @extschema@.sync_runs IS
    'sync runs: window [since, until], pages and entries so far, status, the error of a failed run and the position the next CALL sync(account) resumes from';
COMMENT ON COLUMN @extschema@.sync_runs.position IS
    'where the next page starts (SendGrid list and offset, Postmark todate and offset, Mailgun next URL, SES NextToken); NULL once done';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.sync_runs', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.sync_runs_run_id_seq', '');
