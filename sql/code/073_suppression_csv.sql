-- 073_suppression_csv.sql — portable suppression lists (issue 11): CSV import of the suppression exports of
-- SendGrid, Amazon SES (ListSuppressedDestinations), Postmark and Mailgun (and of bounce_mgmt's own export),
-- and the export of the open suppressions for \copy.  The CSV and timestamps are read in C
-- (src/pg/csv_sql.c over src/core/csv.c and timefmt.c).

CREATE OR REPLACE FUNCTION @extschema@.read_csv(csv text)
    RETURNS TABLE (line bigint, fields text[])
    AS 'MODULE_PATHNAME', 'bm_read_csv_sql'
    LANGUAGE C IMMUTABLE STRICT;
COMMENT ON FUNCTION @extschema@.read_csv(text) IS
    'the records of a CSV text (RFC 4180), the header included: line where each starts, and its fields';

CREATE OR REPLACE FUNCTION @extschema@.provider_time(value text) RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'bm_provider_time_sql'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.provider_time(text) IS
    'a timestamp as providers write them (unix seconds or milliseconds, ISO 8601, RFC 2822); NULL when it is none';

-- The position in a CSV header (names lower-cased, without spaces and punctuation) of the first of names
-- it has; NULL when it has none.
CREATE OR REPLACE FUNCTION @extschema@.csv_column(header text[], names text[]) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT array_position(header, n.name) FROM unnest(names) WITH ORDINALITY AS n(name, o)
     WHERE array_position(header, n.name) IS NOT NULL ORDER BY n.o LIMIT 1
$$;

-- The rows of a provider's suppression export, read (import_suppressions() explains the sources and kinds):
-- each with its line, normalized address (NULL: not an address), what it is (bounce, complaint,
-- unsubscribe, manual, or cause:<suppression cause> for bounce_mgmt's own file; NULL: unknown), time, text,
-- enhanced status, the lists an unsubscribe concerns ('' = every list), the note (bounce_mgmt) and, for a
-- bounce, our classifier's class and reason.  Columns are found by name, case, spaces and punctuation ignored.
CREATE OR REPLACE FUNCTION @extschema@.suppression_csv_rows(csv text, source text, kind text)
    RETURNS TABLE (line bigint, email text, what text, at timestamptz, detail text, status @extschema@.smtp_status,
                   lists text[], note text, bounce_class @extschema@.bounce_class, reason @extschema@.bounce_reason)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    hdr      text[];
    i_email  int;
    i_at     int;
    i_detail int;
    i_status int;
    i_kind   int;
    i_origin int;
    i_tags   int;
    i_note   int;
    fixed    text;
BEGIN
    IF csv IS NULL OR source IS NULL THEN
        RAISE EXCEPTION 'csv and source must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF source NOT IN ('sendgrid', 'ses', 'postmark', 'mailgun', 'bounce_mgmt') THEN
        RAISE EXCEPTION 'unknown source "%"', source
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'source is sendgrid, ses, postmark, mailgun or bounce_mgmt.';
    END IF;
    SELECT array_agg(lower(regexp_replace(u.h, '[^A-Za-z0-9]', '', 'g')) ORDER BY u.o) INTO hdr
      FROM (SELECT c.fields FROM @extschema@.read_csv(csv) c LIMIT 1) f, unnest(f.fields) WITH ORDINALITY AS u(h, o);
    IF hdr IS NULL THEN
        RAISE EXCEPTION 'the CSV is empty' USING ERRCODE = 'invalid_parameter_value',
              HINT = 'An export starts with a header line naming its columns.';
    END IF;
    -- the columns, by the first of the names the exports use that the header has
    i_email := @extschema@.csv_column(hdr, ARRAY['emailaddress', 'email', 'address', 'recipient']);
    i_at := @extschema@.csv_column(hdr, ARRAY['evidenceat', 'created', 'createdat', 'lastupdatetime', 'date', 'timestamp']);
    i_detail := @extschema@.csv_column(hdr, CASE source WHEN 'ses' THEN '{}'::text[]
                                                        WHEN 'postmark' THEN ARRAY['details', 'description']
                                                        ELSE ARRAY['reason', 'error', 'details', 'description'] END);
    i_status := @extschema@.csv_column(hdr, ARRAY['status', 'code']);
    i_kind := array_position(hdr, CASE source WHEN 'ses' THEN 'reason' WHEN 'postmark' THEN 'suppressionreason'
                                              WHEN 'bounce_mgmt' THEN 'cause' END);
    i_origin := array_position(hdr, 'origin');
    i_tags := array_position(hdr, 'tags');
    i_note := array_position(hdr, 'note');
    IF i_email IS NULL THEN
        RAISE EXCEPTION 'no email column in the % export', source
              USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = 'Header: ' || array_to_string(hdr, ', '),
                    HINT = 'The address column is one of EmailAddress, Email, Address or Recipient.';
    END IF;
    IF source IN ('ses', 'postmark', 'bounce_mgmt') AND i_kind IS NULL THEN
        RAISE EXCEPTION 'no % column in the % export', CASE source WHEN 'ses' THEN 'Reason'
                        WHEN 'postmark' THEN 'SuppressionReason' ELSE 'cause' END, source
              USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Header: ' || array_to_string(hdr, ', ');
    END IF;
    -- what the whole file is, where the file does not say it per row
    fixed := CASE
               WHEN source = 'sendgrid' THEN
                   CASE kind WHEN 'bounces' THEN 'bounce' WHEN 'blocks' THEN 'bounce' WHEN 'invalid_emails' THEN 'bounce'
                             WHEN 'spam_reports' THEN 'complaint' WHEN 'unsubscribes' THEN 'unsubscribe' END
               WHEN source = 'mailgun' THEN
                   CASE coalesce(kind, CASE WHEN i_status IS NOT NULL OR i_detail IS NOT NULL THEN 'bounces'
                                            WHEN i_tags IS NOT NULL THEN 'unsubscribes' ELSE 'complaints' END)
                        WHEN 'bounces' THEN 'bounce' WHEN 'complaints' THEN 'complaint' WHEN 'unsubscribes' THEN 'unsubscribe' END
             END;
    IF (source IN ('sendgrid', 'mailgun') AND fixed IS NULL) OR (source NOT IN ('sendgrid', 'mailgun') AND kind IS NOT NULL) THEN
        RAISE EXCEPTION 'kind % does not go with source %', coalesce('"' || kind || '"', 'NULL'), source
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = CASE source
                             WHEN 'sendgrid' THEN 'SendGrid exports do not say which list they are: kind is bounces, blocks, spam_reports, invalid_emails or unsubscribes.'
                             WHEN 'mailgun' THEN 'kind is bounces, complaints or unsubscribes (or NULL: read from the header).'
                             ELSE 'The ' || source || ' export says per row what each is: leave kind NULL.' END;
    END IF;
    RETURN QUERY
    WITH x AS (
        SELECT r.line, @extschema@.normalize_email(r.fields[i_email]) AS email,
               CASE source
                   WHEN 'ses' THEN CASE upper(btrim(r.fields[i_kind])) WHEN 'BOUNCE' THEN 'bounce'
                                                                       WHEN 'COMPLAINT' THEN 'complaint' END
                   WHEN 'postmark' THEN CASE btrim(r.fields[i_kind])
                                            WHEN 'HardBounce' THEN 'bounce' WHEN 'SpamComplaint' THEN 'complaint'
                                            WHEN 'ManualSuppression' THEN
                                                CASE WHEN btrim(r.fields[i_origin]) = 'Recipient' THEN 'unsubscribe'
                                                     ELSE 'manual' END END
                   WHEN 'bounce_mgmt' THEN
                       CASE WHEN btrim(r.fields[i_kind]) IN (SELECT e::text FROM unnest(enum_range(NULL::@extschema@.suppression_cause)) e)
                            THEN 'cause:' || btrim(r.fields[i_kind]) END
                   ELSE fixed
               END AS what,
               @extschema@.provider_time(r.fields[i_at]) AS at,
               nullif(btrim(r.fields[i_detail]), '') AS detail,
               CASE WHEN btrim(r.fields[i_status]) ~ '^[245]\.[0-9]{1,3}\.[0-9]{1,3}$'
                    THEN btrim(r.fields[i_status])::@extschema@.smtp_status END AS status,
               CASE WHEN fixed = 'unsubscribe' AND source = 'mailgun'
                         AND coalesce(btrim(r.fields[i_tags], ' "[]'), '') NOT IN ('', '*')
                    THEN ARRAY(SELECT DISTINCT 'tag:' || btrim(t, ' "[]') FROM unnest(string_to_array(r.fields[i_tags], ',')) t
                                WHERE btrim(t, ' "[]') NOT IN ('', '*'))
                    ELSE ARRAY[''] END AS lists,
               nullif(btrim(r.fields[i_note]), '') AS note
          FROM @extschema@.read_csv(csv) WITH ORDINALITY AS r(line, fields, n)
         WHERE r.n > 1
    )
    SELECT x.line, x.email, x.what, x.at, x.detail, x.status, x.lists, x.note, c.bounce_class, c.reason
      FROM x
      LEFT JOIN LATERAL @extschema@.classify(coalesce(x.detail, ''), NULL::integer, x.status) c
             ON x.what = 'bounce' AND x.email IS NOT NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.suppression_csv_rows(text, text, text) IS
    'the rows of a provider''s suppression export as import_suppressions() reads them: address, what it is, time, text, status, lists, our verdict for bounces';

-- Imports a provider's suppression export.  source: sendgrid (kind bounces, blocks, spam_reports,
-- invalid_emails or unsubscribes: SendGrid's files do not say which list they are), ses (Reason BOUNCE /
-- COMPLAINT), postmark (SuppressionReason HardBounce / SpamComplaint / ManualSuppression with its Origin),
-- mailgun (kind bounces, complaints or unsubscribes; by default read from the header: code or error columns
-- are bounces, tags unsubscribes, else complaints), bounce_mgmt (suppression_export()'s own file).  What each
-- row becomes:
--   a bounce: suppressed (hard_bounce) when our classifier calls its text hard or finds no evidence (the
--     provider listed it as permanent), else only the provider's listing (a block, a full mailbox, a
--     sender-side refusal is not the address's fault);
--   a complaint: suppressed (complaint) and unsubscribed from every list;
--   an unsubscribe: unsubscribed from every list (Mailgun tags: from those tags' lists, 'tag:<tag>');
--   a manual suppression (Postmark, by the account): suppressed (operator);
--   bounce_mgmt: suppressed with the cause and reason of the file.
-- Every provider row is recorded in provider_listings too (the provider drops mail to it until unsuppress()
-- removes it there).  Suppressions open through open_suppressions(): an address already suppressed keeps its
-- period; one an operator lifted after the export's date stays lifted.  Rows whose address or kind cannot be
-- read are counted as invalid (their lines in a NOTICE).  Malformed CSV (22P02), an unknown source or kind,
-- or a header without the columns needed (22023) import nothing.  Two statements, in the write path's lock
-- order: unsubscribes and listings, then suppressions.
CREATE OR REPLACE FUNCTION @extschema@.import_suppressions(csv text, source text, kind text DEFAULT NULL)
    RETURNS TABLE (rows_read bigint, invalid bigint, suppressed bigint, kept bigint, listed_only bigint,
                   unsubscribed bigint)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    bad    text;
    listed bigint;
BEGIN
    WITH x AS MATERIALIZED (
        SELECT * FROM @extschema@.suppression_csv_rows(csv, source, kind)
    ), ok AS (
        SELECT * FROM x WHERE x.email IS NOT NULL AND x.what IS NOT NULL
    ), u AS (
        -- unsubscribes (and complaints: unsubscribed from every list), in (email, list) order
        INSERT INTO @extschema@.unsubscribes AS un (email, list, via, provider, detail, unsubscribed_at)
        SELECT DISTINCT ON (ok.email, l.list) ok.email, l.list,
               CASE ok.what WHEN 'complaint' THEN 'complaint' ELSE 'import' END::@extschema@.unsubscribe_via,
               source::@extschema@.provider, 'import: ' || source || ' export', coalesce(ok.at, now())
          FROM ok CROSS JOIN LATERAL unnest(ok.lists) AS l(list)
         WHERE ok.what IN ('unsubscribe', 'complaint') AND source <> 'bounce_mgmt'
         ORDER BY ok.email, l.list, ok.at DESC NULLS LAST
        ON CONFLICT (email, list) DO UPDATE
           SET via = excluded.via, provider = excluded.provider, detail = excluded.detail,
               unsubscribed_at = excluded.unsubscribed_at, recorded_at = now()
         WHERE excluded.unsubscribed_at > un.unsubscribed_at
        RETURNING 1
    ), lst AS (
        -- the provider lists them, in address order
        INSERT INTO @extschema@.provider_listings AS l (email, provider, listed_at, reason, diagnostic)
        SELECT DISTINCT ON (ok.email) ok.email, source::@extschema@.provider, coalesce(ok.at, now()),
               CASE ok.what WHEN 'bounce' THEN nullif(ok.reason, 'undefined') WHEN 'complaint' THEN 'feedback' END, ok.detail
          FROM ok WHERE source <> 'bounce_mgmt'
         ORDER BY ok.email, ok.at DESC NULLS LAST
        ON CONFLICT (email, provider) DO UPDATE SET
          listed_at = GREATEST(l.listed_at, excluded.listed_at),
          reason = CASE WHEN excluded.listed_at >= l.listed_at THEN excluded.reason ELSE l.reason END,
          diagnostic = CASE WHEN excluded.listed_at >= l.listed_at THEN excluded.diagnostic ELSE l.diagnostic END,
          last_seen_at = now()
        RETURNING 1
    )
    -- u is read before lst: unsubscribes, then listings (the write path's lock order)
    SELECT (SELECT count(*) FROM x), (SELECT count(*) FROM x WHERE x.email IS NULL OR x.what IS NULL),
           (SELECT count(*) FROM u), (SELECT count(*) FROM lst),
           (SELECT count(*) FROM (SELECT ok.email FROM ok GROUP BY ok.email
                                  HAVING bool_and(ok.what = 'bounce' AND ok.bounce_class <> 'hard'
                                                  AND ok.reason <> 'undefined')) s),
           (SELECT string_agg(x.line::text, ', ' ORDER BY x.line) FROM x WHERE x.email IS NULL OR x.what IS NULL)
      INTO rows_read, invalid, unsubscribed, listed, listed_only, bad;

    -- one suppression candidate per address: the newest row that calls for one
    WITH cand AS MATERIALIZED (
        SELECT DISTINCT ON (r.email) r.email,
               CASE WHEN r.what = 'bounce' THEN 'hard_bounce' WHEN r.what = 'complaint' THEN 'complaint'
                    WHEN r.what = 'manual' THEN 'operator' ELSE substr(r.what, 7) END AS cause,
               CASE WHEN r.what = 'bounce' THEN nullif(r.reason::text, 'undefined')
                    WHEN r.what = 'complaint' THEN 'feedback'
                    WHEN btrim(r.detail) IN (SELECT e::text FROM unnest(enum_range(NULL::@extschema@.bounce_reason)) e)
                    THEN btrim(r.detail) END AS reason,
               r.at,
               coalesce(r.note, format('imported from the %s export (line %s)%s', source, r.line,
                                       coalesce(': ' || r.detail, ''))) AS note
          FROM @extschema@.suppression_csv_rows(csv, source, kind) r
         WHERE r.email IS NOT NULL
           AND (r.what IN ('complaint', 'manual') OR r.what LIKE 'cause:%'
                OR (r.what = 'bounce' AND (r.bounce_class = 'hard' OR r.reason = 'undefined')))
         ORDER BY r.email, r.at DESC NULLS LAST
    ), opened AS (
        SELECT @extschema@.open_suppressions(
                   array_agg(cand.email ORDER BY cand.email),
                   array_agg(cand.cause::@extschema@.suppression_cause ORDER BY cand.email),
                   array_agg(cand.reason::@extschema@.bounce_reason ORDER BY cand.email),
                   array_agg(NULL::bigint ORDER BY cand.email),
                   array_agg(cand.at ORDER BY cand.email), NULL,
                   array_agg(cand.note ORDER BY cand.email)) AS n
          FROM cand HAVING count(*) > 0
    )
    SELECT coalesce((SELECT opened.n FROM opened), 0), (SELECT count(*) FROM cand)
      INTO suppressed, kept;
    kept := kept - suppressed;
    IF bad IS NOT NULL THEN
        RAISE NOTICE 'left out % of % rows: their address or kind could not be read', invalid, rows_read
              USING DETAIL = 'Lines: ' || left(bad, 500) || CASE WHEN length(bad) > 500 THEN ' ...' ELSE '' END;
    END IF;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION @extschema@.import_suppressions(text, text, text) IS
    'import a provider''s suppression export (sendgrid with kind, ses, postmark, mailgun, or bounce_mgmt''s own): hard bounces and complaints suppressed, unsubscribes recorded, every row recorded as the provider''s listing; counts what happened';

-- The open suppressions with cause and reason, for \copy (SELECT * FROM bounce_mgmt.suppression_export())
-- TO 'suppressions.csv' CSV HEADER; import_suppressions(csv, 'bounce_mgmt') reads the file back.
CREATE OR REPLACE FUNCTION @extschema@.suppression_export()
    RETURNS TABLE (email text, cause @extschema@.suppression_cause, reason @extschema@.bounce_reason,
                   suppressed_since timestamptz, evidence_at timestamptz, opened_by name, note text)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT s.email, s.cause, s.reason, s.opened_at, s.evidence_at, s.opened_by, s.note
      FROM @extschema@.suppressions s
     WHERE s.closed_at IS NULL
     ORDER BY s.email
$$;
COMMENT ON FUNCTION @extschema@.suppression_export() IS
    'the open suppressions (email, cause, reason, since, evidence time, by whom, note), for \copy ... TO ... CSV HEADER; import_suppressions(csv, ''bounce_mgmt'') reads them back';
