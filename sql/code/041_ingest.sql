-- 041_ingest.sql — ingest() (text and jsonb), the replay of quarantined elements, and the event row the
-- library writes.

-- The columns ingestion writes into events, as the library knows them (src/pg/event_row.def): the
-- regression test compares them with the table in the catalog, and ingestion refuses to run when they differ.
CREATE OR REPLACE FUNCTION @extschema@.event_row_columns(OUT ord integer, OUT name text, OUT type text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'bm_event_row_columns_sql'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION @extschema@.event_row_columns() IS
    'the columns of bounce_mgmt.events the library writes, in order (src/pg/event_row.def)';

CREATE OR REPLACE FUNCTION @extschema@.ingest(payload text, provider text DEFAULT NULL, all_or_nothing boolean DEFAULT false,
                                   OUT batch_id bigint, OUT events integer, OUT inserted integer,
                                   OUT duplicates integer, OUT quarantined integer)
    AS 'MODULE_PATHNAME', 'bm_ingest_sql'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.ingest(text, text, boolean) IS
    'store a provider''s webhook batch or API page (provider NULL = detect it): deduplicated events, per-address state, daily counters; refused elements go to ingest_errors (all_or_nothing: the call fails instead)';

CREATE OR REPLACE FUNCTION @extschema@.ingest(payload jsonb, provider text DEFAULT NULL, all_or_nothing boolean DEFAULT false,
                                   OUT batch_id bigint, OUT events integer, OUT inserted integer,
                                   OUT duplicates integer, OUT quarantined integer)
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.ingest(payload::text, provider, all_or_nothing) $$;
COMMENT ON FUNCTION @extschema@.ingest(jsonb, text, boolean) IS
    'ingest() for a payload already parsed as jsonb (note: jsonb drops duplicate keys and reorders members)';

-- Re-ingests quarantined elements (all unreplayed ones when error_ids is NULL) after the cause was fixed
-- (a classification rule, a setting, a corrected element).  Each element is tried as it was sent and, if
-- its provider wants a batch, wrapped in an array; those that now land are marked replayed with the new
-- batch.  Returns one row per element tried.
CREATE OR REPLACE FUNCTION @extschema@.replay_errors(error_ids bigint[] DEFAULT NULL)
    RETURNS TABLE (error_id bigint, replayed boolean, batch_id bigint, message text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    e   @extschema@.ingest_errors;
    r   record;
    msg text;
BEGIN
    FOR e IN SELECT * FROM @extschema@.ingest_errors x
              WHERE x.replayed_at IS NULL AND (error_ids IS NULL OR x.error_id = ANY (error_ids))
              ORDER BY x.error_id
    LOOP
        error_id := e.error_id;
        replayed := false;
        batch_id := NULL;
        message := NULL;
        BEGIN
            IF e.provider = 'email' THEN
                -- a bounce email: read again whole; still refused is still a failure (nothing kept twice)
                SELECT * INTO r FROM @extschema@.ingest_email(e.raw);
                IF r.quarantined > 0 THEN
                    RAISE EXCEPTION 'the email is still refused (% of its recipients)', r.quarantined
                          USING ERRCODE = 'invalid_parameter_value';
                END IF;
            ELSE
                BEGIN
                    SELECT * INTO r FROM @extschema@.ingest(e.raw, e.provider::text, all_or_nothing => true);
                EXCEPTION WHEN invalid_parameter_value THEN
                    -- providers whose payloads are arrays of events: the element alone is the wrong shape
                    SELECT * INTO r FROM @extschema@.ingest('[' || e.raw || ']', e.provider::text, all_or_nothing => true);
                END;
            END IF;
            UPDATE @extschema@.ingest_errors x
               SET replayed_at = now(), replay_batch_id = r.batch_id
             WHERE x.error_id = e.error_id;
            replayed := true;
            batch_id := r.batch_id;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            message := msg;
        END;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.replay_errors(bigint[]) IS
    're-ingest quarantined elements (all unreplayed when NULL); marks those that land, reports why the others still fail';
