-- 040_partitions.sql — the monthly partitions of events: create_partition() (SECURITY DEFINER: only the
-- table's owner may add partitions) and create_partitions().  Bounds are computed in UTC and written into
-- the DDL in an explicit ISO form, never through the caller's TimeZone / DateStyle.

-- Creates the monthly (UTC) partition of events holding `at` (no-op when it exists); returns true when
-- created.  Created apart and then attached, with its own indexes (the dedupe key, a BRIN on
-- occurred_at): attaching takes a lock that ingestion into the other months does not wait for, and
-- pg_dump restores the indexes with the partition.  An existing partition whose bounds are not its UTC
-- month (made by 0.1.0 under the caller's TimeZone) is reported, not used.
CREATE OR REPLACE FUNCTION @extschema@.create_partition("at" timestamptz) RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
    AS $$
DECLARE
    lo     timestamp;
    name   text;
    lo_lit text;
    hi_lit text;
    bounds text;
BEGIN
    IF NOT isfinite("at") OR "at" < '1970-01-01 00:00:00+00' OR "at" >= '10000-01-01 00:00:00+00' THEN
        RAISE EXCEPTION 'no events partition for %', "at"
              USING ERRCODE = 'datetime_field_overflow',
                    DETAIL = 'Partitions cover the years 1970 to 9999.';
    END IF;
    lo := date_trunc('month', "at" AT TIME ZONE 'UTC');
    name := 'events_' || to_char(lo, 'YYYY_MM');
    lo_lit := to_char(lo, 'YYYY-MM-DD HH24:MI:SS') || '+00';
    hi_lit := to_char(lo + interval '1 month', 'YYYY-MM-DD HH24:MI:SS') || '+00';
    SELECT pg_get_expr(c.relpartbound, c.oid) INTO bounds
      FROM pg_class c WHERE c.oid = to_regclass('@extschema@.' || name);
    IF FOUND THEN
        IF bounds IS DISTINCT FROM format('FOR VALUES FROM (%L) TO (%L)', lo_lit, hi_lit) THEN
            RAISE EXCEPTION 'partition %.% does not cover the UTC month %', '@extschema@', name, to_char(lo, 'YYYY-MM')
                  USING ERRCODE = 'object_not_in_prerequisite_state',
                        DETAIL = format('Its bounds are %s.', coalesce(bounds, '(not attached)')),
                        HINT = 'It was made with the session''s time zone (before 0.2.0): detach it, create the month again with create_partition(), and move its rows over.';
        END IF;
        RETURN false;
    END IF;
    -- the name is built from a date, not from input text; the bounds are explicit UTC literals
    EXECUTE format('CREATE TABLE @extschema@.%I (LIKE @extschema@.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                   name);
    EXECUTE format('CREATE UNIQUE INDEX %I ON @extschema@.%I (email, occurred_at, provider, provider_event_id)',
                   name || '_key', name);
    EXECUTE format('CREATE INDEX %I ON @extschema@.%I USING brin (occurred_at)', name || '_occurred_at', name);
    EXECUTE format('ALTER TABLE @extschema@.events ATTACH PARTITION @extschema@.%I FOR VALUES FROM (%L) TO (%L)',
                   name, lo_lit, hi_lit);
    RETURN true;
EXCEPTION WHEN duplicate_table OR duplicate_object OR unique_violation THEN
    -- created meanwhile by a concurrent ingestion: its table (42P07), its row type when that one committed
    -- between our two catalog checks ("type ... already exists", 42710), or a catalog row we waited for
    -- (23505)
    RETURN false;
END
$$;
COMMENT ON FUNCTION @extschema@.create_partition(timestamptz) IS
    'create the monthly (UTC) partition of events that holds the given time, with its indexes, if missing';

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
    -- whole UTC months from this one (not the session's time zone's)
    RETURN (SELECT count(*) FILTER (WHERE @extschema@.create_partition(
                       (date_trunc('month', now() AT TIME ZONE 'UTC') + m * interval '1 month') AT TIME ZONE 'UTC'))::integer
              FROM generate_series(0, ahead) AS m);
END
$$;
COMMENT ON FUNCTION @extschema@.create_partitions(integer) IS
    'create the events partitions of this month and the next `ahead` months (run_maintenance calls it)';
