-- 040_partitions.sql — the monthly partitions of events: create_partition() (SECURITY DEFINER: only the
-- table's owner may add partitions) and create_partitions().  Bounds are computed in UTC and written into
-- the DDL in an explicit ISO form, never through the caller's TimeZone / DateStyle.

-- Creates the monthly (UTC) partition of events holding `at` (no-op when it exists); returns true when
-- created.  The definer part is this one statement; its inputs are a timestamp and the catalog.
CREATE OR REPLACE FUNCTION @extschema@.create_partition("at" timestamptz) RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
    AS $$
DECLARE
    lo   timestamp;
    name text;
BEGIN
    IF NOT isfinite("at") OR "at" < '1970-01-01 00:00:00+00' OR "at" >= '10000-01-01 00:00:00+00' THEN
        RAISE EXCEPTION 'no events partition for %', "at"
              USING ERRCODE = 'datetime_field_overflow',
                    DETAIL = 'Partitions cover the years 1970 to 9999.';
    END IF;
    lo := date_trunc('month', "at" AT TIME ZONE 'UTC');
    name := 'events_' || to_char(lo, 'YYYY_MM');
    IF to_regclass('@extschema@.' || name) IS NOT NULL THEN
        RETURN false;
    END IF;
    -- the name is built from a date, not from input text; the bounds are explicit UTC literals
    EXECUTE format('CREATE TABLE @extschema@.%I PARTITION OF @extschema@.events FOR VALUES FROM (%L) TO (%L)',
                   name, to_char(lo, 'YYYY-MM-DD HH24:MI:SS') || '+00',
                   to_char(lo + interval '1 month', 'YYYY-MM-DD HH24:MI:SS') || '+00');
    RETURN true;
EXCEPTION WHEN duplicate_table OR unique_violation THEN
    -- created meanwhile by a concurrent ingestion
    RETURN false;
END
$$;
COMMENT ON FUNCTION @extschema@.create_partition(timestamptz) IS
    'create the monthly (UTC) partition of events that holds the given time, if missing';

-- Creates this month's partition and `ahead` months after it (0 to 36); returns how many were created.
CREATE OR REPLACE FUNCTION @extschema@.create_partitions(ahead integer DEFAULT 3) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF ahead < 0 OR ahead > 36 THEN
        RAISE EXCEPTION 'ahead must be between 0 and 36 months, not %', ahead
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN (SELECT count(*) FILTER (WHERE @extschema@.create_partition(now() + m * interval '1 month'))::integer
              FROM generate_series(0, ahead) AS m);
END
$$;
COMMENT ON FUNCTION @extschema@.create_partitions(integer) IS
    'create the events partitions of this month and the next `ahead` months (run_maintenance calls it)';
