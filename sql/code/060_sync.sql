-- 060_sync.sql — the functions, views and triggers of sql/schema/060_sync.sql (re-runnable: every upgrade runs it again).

-- Checks a row before the constraints do (and fills in the provider's public API host when base_url is
-- omitted), so that errors name the column and never print the row.
CREATE OR REPLACE FUNCTION @extschema@.provider_accounts_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NEW.name IS NULL OR NEW.name !~ '^[A-Za-z0-9_.-]{1,63}$' THEN
        RAISE EXCEPTION 'invalid provider account name: %', coalesce('"' || NEW.name || '"', 'NULL')
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = '1 to 63 letters, digits, "_", "." or "-".';
    END IF;
    IF NEW.provider IS NULL OR NEW.provider NOT IN ('sendgrid', 'postmark', 'mailgun', 'ses') THEN
        RAISE EXCEPTION 'provider account "%": provider % has no API sync', NEW.name, coalesce(NEW.provider::text, 'NULL')
              USING ERRCODE = 'invalid_parameter_value', HINT = 'Supported: sendgrid, postmark, mailgun, ses.';
    END IF;
    -- SES: the region names the endpoint and is part of every request's signature
    IF NEW.provider = 'ses' AND coalesce(NEW.options ->> 'region', '') !~ '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$' THEN
        RAISE EXCEPTION 'SES account "%" needs its AWS region in options', NEW.name
              USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = 'region: ' || coalesce(NEW.options ->> 'region', 'NULL'),
                    HINT = 'options => ''{"region": "eu-west-1"}'': the region of the SES account whose suppression list is read.';
    END IF;
    IF NEW.base_url IS NULL AND TG_OP = 'INSERT' THEN
        NEW.base_url := CASE NEW.provider WHEN 'sendgrid' THEN 'https://api.sendgrid.com'
                                          WHEN 'postmark' THEN 'https://api.postmarkapp.com'
                                          WHEN 'mailgun' THEN 'https://api.mailgun.net'
                                          WHEN 'ses' THEN 'https://email.' || (NEW.options ->> 'region') || '.amazonaws.com' END;
    END IF;
    -- a new region takes a base_url that was the old region's default along (the key stays behind, below)
    IF TG_OP = 'UPDATE' AND NEW.provider = 'ses' AND OLD.provider = 'ses' AND NEW.base_url = OLD.base_url
       AND NEW.options ->> 'region' IS DISTINCT FROM OLD.options ->> 'region'
       AND OLD.base_url = 'https://email.' || (OLD.options ->> 'region') || '.amazonaws.com' THEN
        NEW.base_url := 'https://email.' || (NEW.options ->> 'region') || '.amazonaws.com';
    END IF;
    IF NEW.base_url IS NULL OR NEW.base_url !~ '^https?://[^/@?#[:space:]]+(/[^?#[:space:]]*)?$' THEN
        RAISE EXCEPTION 'provider account "%": invalid base_url', NEW.name
              USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = CASE WHEN NEW.base_url ~ '^[a-z]+://[^/]*@' THEN 'It holds user info (the key goes in a header, never in the URL).'
                                  ELSE 'base_url: ' || coalesce(NEW.base_url, 'NULL') END,
                    HINT = 'An http:// or https:// URL without user info, query or fragment, e.g. https://api.sendgrid.com.';
    END IF;
    IF NOT @extschema@.api_url_safe(NEW.base_url) THEN
        RAISE EXCEPTION 'provider account "%": the key would be sent unencrypted to %', NEW.name, NEW.base_url
              USING ERRCODE = 'invalid_authorization_specification',
                    DETAIL = 'base_url is plain http:// on another machine.',
                    HINT = 'Use https://, or have a superuser set bounce_mgmt.allow_insecure_http = on.';
    END IF;
    -- the key was given for a host: it never follows the account to another one
    IF TG_OP = 'UPDATE' AND (NEW.base_url IS DISTINCT FROM OLD.base_url OR NEW.provider IS DISTINCT FROM OLD.provider) THEN
        DELETE FROM @extschema@.provider_keys k WHERE k.account = OLD.name;
        IF FOUND THEN
            RAISE NOTICE 'provider account "%": its API key was removed with the change of base_url or provider', NEW.name
                  USING HINT = 'Store the key for the new endpoint in bounce_mgmt.provider_keys.';
        END IF;
    END IF;
    NEW.options := coalesce(NEW.options, '{}');
    IF pg_catalog.jsonb_typeof(NEW.options) <> 'object' THEN
        RAISE EXCEPTION 'provider account "%": options must be a JSON object', NEW.name
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NEW.provider = 'mailgun' AND coalesce(NEW.options ->> 'domain', '') !~ '^[A-Za-z0-9.-]+$' THEN
        RAISE EXCEPTION 'Mailgun account "%" needs its sending domain in options', NEW.name
              USING ERRCODE = 'invalid_parameter_value', HINT = 'options => ''{"domain": "mg.example.com"}''';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER provider_accounts_check BEFORE INSERT OR UPDATE ON @extschema@.provider_accounts
    FOR EACH ROW EXECUTE FUNCTION @extschema@.provider_accounts_check();

-- Checks a key row before its constraints can print it: the account first (a NOT NULL failure of the key
-- column would show the row with the key), then the key.  Never shows a key.
CREATE OR REPLACE FUNCTION @extschema@.provider_keys_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NEW.account IS NULL THEN
        RAISE EXCEPTION 'provider key: account must not be NULL' USING ERRCODE = 'not_null_violation';
    END IF;
    IF NEW.api_key IS NULL OR NEW.api_key ~ '^\s*$' OR NEW.api_key ~ '\s' THEN
        RAISE EXCEPTION 'provider account "%": api_key is empty or holds white space', NEW.account
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'Paste the key alone, without quotes, spaces or line breaks.';
    END IF;
    IF NEW.api_secret ~ '^\s*$|\s' OR NEW.session_token ~ '^\s*$|\s' THEN
        RAISE EXCEPTION 'provider account "%": api_secret or session_token is empty or holds white space', NEW.account
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NEW.api_secret IS NULL
       AND EXISTS (SELECT 1 FROM @extschema@.provider_accounts a WHERE a.name = NEW.account AND a.provider = 'ses') THEN
        RAISE EXCEPTION 'SES account "%": api_secret (the secret access key) is missing', NEW.account
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'SES keys are api_key = the access key id, api_secret = the secret access key, and session_token for temporary credentials.';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER provider_keys_check BEFORE INSERT OR UPDATE ON @extschema@.provider_keys
    FOR EACH ROW EXECUTE FUNCTION @extschema@.provider_keys_check();

CREATE OR REPLACE VIEW @extschema@.provider_accounts_public AS
    SELECT a.name, a.provider, a.base_url, a.options, a.last_synced_at, a.last_sync, a.created_at,
           EXISTS (SELECT 1 FROM @extschema@.provider_keys k WHERE k.account = a.name) AS has_key
      FROM @extschema@.provider_accounts a;
COMMENT ON VIEW @extschema@.provider_accounts_public IS 'provider_accounts and whether each has a key (never the key)';

-- Not SECURITY DEFINER and without a SET clause: a procedure with either cannot commit.  It runs with the
-- caller's rights and takes the owner's, with search_path pinned, only for its database steps (see
-- src/pg/run_as_owner.h and README "Security").
CREATE OR REPLACE PROCEDURE @extschema@.sync(account text, since timestamptz DEFAULT NULL)
    AS 'MODULE_PATHNAME', 'bm_sync_proc'
    LANGUAGE C;
COMMENT ON PROCEDURE @extschema@.sync(text, timestamptz) IS
    'pull the account''s bounce (and SendGrid block) lists or SES suppression list from the provider API into events, committing page by page (see sync_runs); since defaults to the account''s cursor, and a failed run is resumed';

-- Whether a provider account's base_url may receive its key: https://, or http:// on a loopback host (a
-- test server), or anything when a superuser set bounce_mgmt.allow_insecure_http.
CREATE OR REPLACE FUNCTION @extschema@.api_url_safe(url text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'bm_api_url_safe_sql'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION @extschema@.api_url_safe(text) IS
    'true when a key may be sent to url: https, loopback http, or bounce_mgmt.allow_insecure_http';

CREATE OR REPLACE FUNCTION @extschema@.provider_remove(account text, email text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'bm_provider_remove_sql'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.provider_remove(text, text) IS
    'take the address off the account''s bounce list at the provider (SendGrid DELETE, Postmark activate, Mailgun DELETE, SES suppression list DELETE)';

-- Queues the removal of an address from every account whose provider lists it (provider_listings, kept
-- by ingestion beyond event retention).  Returns how many were queued.
CREATE OR REPLACE FUNCTION @extschema@.queue_provider_removals(email text) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    addr text := @extschema@.normalize_email(email);
    n    integer;
BEGIN
    INSERT INTO @extschema@.provider_removals AS r (account, email)
    SELECT a.name, addr
      FROM @extschema@.provider_accounts a
     WHERE EXISTS (SELECT 1 FROM @extschema@.provider_listings l
                    WHERE l.email = addr AND l.provider = a.provider AND l.cleared_at IS NULL)
     ORDER BY a.name
    ON CONFLICT (account, email) WHERE done_at IS NULL DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Tries the pending removals that are due (of one address, or all); a failure is recorded and retried
-- later with backoff (1 minute doubling, at most a day), never raised.  Returns how many succeeded.
CREATE OR REPLACE FUNCTION @extschema@.retry_provider_removals(only_email text DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    r  @extschema@.provider_removals;
    ok integer := 0;
    msg text;
BEGIN
    FOR r IN SELECT * FROM @extschema@.provider_removals x
              WHERE x.done_at IS NULL AND x.next_attempt_at <= now()
                AND (only_email IS NULL OR x.email = only_email)
              ORDER BY x.removal_id
              FOR UPDATE SKIP LOCKED
    LOOP
        BEGIN
            -- false: the provider no longer lists the address, which is as good as removed
            PERFORM @extschema@.provider_remove(r.account, r.email);
            UPDATE @extschema@.provider_removals SET done_at = now(), attempts = attempts + 1, last_error = NULL
             WHERE removal_id = r.removal_id;
            UPDATE @extschema@.provider_listings l SET cleared_at = now()
              FROM @extschema@.provider_accounts a
             WHERE a.name = r.account AND l.email = r.email AND l.provider = a.provider AND l.cleared_at IS NULL;
            ok := ok + 1;
        EXCEPTION WHEN query_canceled THEN
            RAISE;
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            UPDATE @extschema@.provider_removals
               SET attempts = attempts + 1, last_error = msg,
                   -- (2^attempts minutes would overflow an interval from 38 attempts on)
                   next_attempt_at = now() + least(interval '1 day', interval '1 minute' * power(2, least(attempts, 11)))
             WHERE removal_id = r.removal_id;
            RAISE NOTICE 'bounce_mgmt: removing % from %''s list failed (will retry): %', r.email, r.account, msg;
        END;
    END LOOP;
    RETURN ok;
END
$$;
COMMENT ON FUNCTION @extschema@.retry_provider_removals(text) IS
    'try the due removals from providers'' lists; failures are recorded in provider_removals and retried with backoff';

-- Addresses a provider still lists (and so drops mail to) although bounce_mgmt would send to them: no
-- open suppression here, a listing not cleared there.  After unsuppress() without a provider account to
-- take the address off the provider's list, this is where it shows — with the provider to clear.
CREATE OR REPLACE VIEW @extschema@.provider_listed AS
    SELECT l.email, l.provider, l.listed_at, l.reason, l.diagnostic, l.last_seen_at,
           EXISTS (SELECT 1 FROM @extschema@.provider_accounts a WHERE a.provider = l.provider) AS has_account,
           EXISTS (SELECT 1 FROM @extschema@.provider_removals r JOIN @extschema@.provider_accounts a ON a.name = r.account
                    WHERE r.email = l.email AND a.provider = l.provider AND r.done_at IS NULL) AS removal_pending
      FROM @extschema@.provider_listings l
     WHERE l.cleared_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM @extschema@.suppressions s WHERE s.email = l.email AND s.closed_at IS NULL);
COMMENT ON VIEW @extschema@.provider_listed IS
    'mailable addresses (no open suppression) that a provider still lists and drops: clear them at the provider (provider_remove) or in its dashboard';
