-- 040_partitions.sql — the functions, views and triggers of sql/schema/040_events.sql (re-runnable: every upgrade runs it again).

-- Creates the monthly partition of events holding `at` (no-op when it exists); returns true when created.
CREATE OR REPLACE FUNCTION @extschema@.create_partition("at" timestamptz) RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    lo   timestamptz := date_trunc('month', "at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    hi   timestamptz := (date_trunc('month', "at" AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
    name text := 'events_' || to_char(lo AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
    IF to_regclass('@extschema@.' || name) IS NOT NULL THEN
        RETURN false;
    END IF;
    -- the name is built from a date, not from input text
    EXECUTE format('CREATE TABLE @extschema@.%I PARTITION OF @extschema@.events FOR VALUES FROM (%L) TO (%L)',
                   name, lo, hi);
    RETURN true;
END
$$;
COMMENT ON FUNCTION @extschema@.create_partition(timestamptz) IS
    'create the monthly (UTC) partition of events that holds the given time, if missing';

-- Creates this month's partition and `ahead` months after it; returns how many were created.
CREATE OR REPLACE FUNCTION @extschema@.create_partitions(ahead integer DEFAULT 3) RETURNS integer
    LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT count(*) FILTER (WHERE @extschema@.create_partition(now() + m * interval '1 month'))::integer
      FROM generate_series(0, greatest(ahead, 0)) AS m
$$;
COMMENT ON FUNCTION @extschema@.create_partitions(integer) IS
    'create the events partitions of this month and the next `ahead` months (run_maintenance calls it)';
