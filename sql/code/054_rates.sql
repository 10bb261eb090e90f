-- 054_rates.sql — the functions, views and triggers of sql/schema/054_rates.sql (re-runnable: every upgrade runs it again).

-- Records sends the provider does not report (bulk form: record_sends).  Invalid addresses are counted
-- nowhere and reported by the return value (the number of sends counted).
CREATE OR REPLACE FUNCTION @extschema@.record_sends(emails text[], sent_at timestamptz DEFAULT pg_catalog.now())
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    d date := (sent_at AT TIME ZONE 'UTC')::date;
    n bigint;
BEGIN
    IF sent_at IS NULL THEN
        RAISE EXCEPTION 'sent_at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- the range ingestion accepts for events: no send is counted in year 1, in 294276 or at infinity
    IF NOT isfinite(sent_at) OR sent_at < '2000-01-01 00:00:00+00' OR sent_at > now() + interval '1 day' THEN
        RAISE EXCEPTION 'sent_at out of range: %', sent_at
              USING ERRCODE = 'datetime_field_overflow',
                    DETAIL = 'Sends are counted from 2000-01-01 to one day ahead of now.';
    END IF;
    WITH x AS (
        SELECT split_part(@extschema@.normalize_email(e), '@', 2) AS domain, count(*) AS sends
          FROM unnest(emails) AS e
         WHERE @extschema@.normalize_email(e) IS NOT NULL
         GROUP BY 1
    ), r AS (
        INSERT INTO @extschema@.recorded_sends AS s (day, domain, sends)
        SELECT d, x.domain, x.sends FROM x ORDER BY x.domain
        ON CONFLICT (day, domain) DO UPDATE SET sends = s.sends + excluded.sends
    ), t AS (
        INSERT INTO @extschema@.daily_totals AS t (day, source, sent)
        SELECT d, 'recorded', sum(x.sends) FROM x HAVING count(*) > 0
        ON CONFLICT (day, source) DO UPDATE SET sent = t.sent + excluded.sent
    )
    SELECT coalesce(sum(x.sends), 0) INTO n FROM x;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.record_sends(text[], timestamptz) IS
    'count sends made through a provider that reports none (the rate denominator); returns how many were counted';

CREATE OR REPLACE FUNCTION @extschema@.record_send(email text, sent_at timestamptz DEFAULT pg_catalog.now())
    RETURNS bigint
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT @extschema@.record_sends(ARRAY[email], sent_at) $$;
COMMENT ON FUNCTION @extschema@.record_send(text, timestamptz) IS
    'count one send made through a provider that reports none';

-- The rates per bucket (whole UTC days, or '1 month') and optionally per domain or provider.
-- sent = the larger of (sends reported by providers + recorded sends) and (deliveries + bounces), per
-- bucket and key, so providers that report no sends still get a denominator.
CREATE OR REPLACE FUNCTION @extschema@.bounce_rates(bucket interval, "from" timestamptz, "to" timestamptz,
                                         "by" text DEFAULT NULL)
    RETURNS TABLE (bucket_start date, key text, sent bigint, delivered bigint, hard bigint, soft bigint,
                   complaints bigint, hard_rate numeric, complaint_rate numeric,
                   verdict @extschema@.rate_verdict)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    d0    date := ("from" AT TIME ZONE 'UTC')::date;
    d1    date := ("to" AT TIME ZONE 'UTC')::date
                  + CASE WHEN ("to" AT TIME ZONE 'UTC')::time = '00:00' THEN 0 ELSE 1 END;
    days  integer;
    monthly boolean := bucket = interval '1 month';
BEGIN
    IF bucket IS NULL OR "from" IS NULL OR "to" IS NULL THEN
        RAISE EXCEPTION 'bucket, from and to must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF "to" < "from" THEN
        RAISE EXCEPTION 'the period ends before it starts'
              USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = format('from = %s, to = %s', "from", "to");
    END IF;
    IF NOT monthly THEN
        IF extract(month FROM bucket) <> 0 OR extract(year FROM bucket) <> 0
           OR extract(epoch FROM bucket) < 86400 OR extract(epoch FROM bucket) % 86400 <> 0 THEN
            RAISE EXCEPTION 'bucket must be a whole number of days, or 1 month: %', bucket
                  USING ERRCODE = 'invalid_parameter_value',
                        DETAIL = 'Counters are kept per UTC day.',
                        HINT = 'Use ''1 day'', ''7 days'' or ''1 month''.';
        END IF;
        days := (extract(epoch FROM bucket) / 86400)::integer;
    END IF;
    IF "by" IS NOT NULL AND "by" NOT IN ('domain', 'provider') THEN
        RAISE EXCEPTION 'unknown grouping "%"', "by"
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'by must be NULL, ''domain'' or ''provider''.';
    END IF;

    RETURN QUERY
    WITH rows AS (
        -- per day and key: reported sends, recorded sends, outcomes
        SELECT t.day, CASE WHEN "by" = 'provider' THEN t.source END AS key,
               t.sent, t.delivered, t.hard, t.soft, t.complaints
          FROM @extschema@.daily_totals t
         WHERE "by" IS DISTINCT FROM 'domain' AND t.day >= d0 AND t.day < d1
        UNION ALL
        SELECT c.day, c.domain, c.sent, c.delivered, c.hard, c.soft, c.complaints
          FROM @extschema@.daily_counts c
         WHERE "by" = 'domain' AND c.day >= d0 AND c.day < d1
        UNION ALL
        SELECT r.day, r.domain, r.sends, 0, 0, 0, 0
          FROM @extschema@.recorded_sends r
         WHERE "by" = 'domain' AND r.day >= d0 AND r.day < d1
    ), bucketed AS (
        SELECT CASE WHEN monthly THEN date_trunc('month', r.day)::date
                    ELSE d0 + ((r.day - d0) / days) * days END AS b,
               r.key, sum(r.sent)::bigint AS sent, sum(r.delivered)::bigint AS delivered,
               sum(r.hard)::bigint AS hard, sum(r.soft)::bigint AS soft, sum(r.complaints)::bigint AS complaints
          FROM rows r
         GROUP BY 1, 2
    )
    SELECT b.b, b.key, x.base, b.delivered, b.hard, b.soft, b.complaints,
           round(b.hard::numeric / nullif(x.base, 0), 6),
           round(b.complaints::numeric / nullif(x.base, 0), 6),
           @extschema@.rate_verdict(x.base, b.hard::numeric / nullif(x.base, 0),
                                    b.complaints::numeric / nullif(x.base, 0))
      FROM bucketed b
     CROSS JOIN LATERAL (SELECT greatest(b.sent, b.delivered + b.hard + b.soft) AS base) x
     ORDER BY b.b, b.key;
END
$$;
COMMENT ON FUNCTION @extschema@.bounce_rates(interval, timestamptz, timestamptz, text) IS
    'hard-bounce and complaint rates per bucket (whole UTC days or 1 month) and optionally per domain or provider, with the verdict against rate_thresholds; read from counters, never from raw events';

CREATE OR REPLACE FUNCTION @extschema@.bounce_rate("from" timestamptz, "to" timestamptz,
                                        OUT sent bigint, OUT hard bigint, OUT complaints bigint,
                                        OUT hard_rate numeric, OUT complaint_rate numeric,
                                        OUT verdict @extschema@.rate_verdict)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce(sum(x.sent), 0)::bigint, coalesce(sum(x.hard), 0)::bigint, coalesce(sum(x.complaints), 0)::bigint,
           round(sum(x.hard)::numeric / nullif(sum(x.sent), 0), 6),
           round(sum(x.complaints)::numeric / nullif(sum(x.sent), 0), 6),
           @extschema@.rate_verdict(sum(x.sent)::bigint, sum(x.hard)::numeric / nullif(sum(x.sent), 0),
                                    sum(x.complaints)::numeric / nullif(sum(x.sent), 0))
      FROM @extschema@.bounce_rates(
               greatest(interval '1 day',
                        ((("to" AT TIME ZONE 'UTC')::date - ("from" AT TIME ZONE 'UTC')::date + 1) || ' days')::interval),
               "from", "to") x
$$;
COMMENT ON FUNCTION @extschema@.bounce_rate(timestamptz, timestamptz) IS
    'the hard-bounce and complaint rate over one period, with the verdict';

-- Receiving domains that refused much of the day's mail for reasons that are the sender's to fix
-- (block lists, spam filters, authentication, reputation, rate limits): the sender must act; these
-- are not bad users.
CREATE OR REPLACE FUNCTION @extschema@.sender_incidents("from" timestamptz, "to" timestamptz,
                                             min_share numeric DEFAULT NULL, min_count integer DEFAULT NULL)
    RETURNS TABLE (day date, domain text, attempts bigint, sender_side bigint, share numeric,
                   top_reason @extschema@.bounce_reason, top_reason_count bigint)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH s AS (SELECT coalesce(min_share, x.incident_min_share) AS min_share,
                      coalesce(min_count, x.incident_min_count) AS min_count
                 FROM @extschema@.settings x),
    c AS (
        SELECT c.day, c.domain,
               sum(greatest(c.sent, c.delivered + c.hard + c.soft))::bigint AS attempts,
               sum(c.sender_side)::bigint AS sender_side
          FROM @extschema@.daily_counts c
         WHERE c.day >= ("from" AT TIME ZONE 'UTC')::date AND c.day <= ("to" AT TIME ZONE 'UTC')::date
           AND c.sender_side > 0
         GROUP BY c.day, c.domain
    )
    SELECT c.day, c.domain, c.attempts, c.sender_side,
           round(c.sender_side::numeric / nullif(c.attempts, 0), 4), r.reason, r.n
      FROM c CROSS JOIN s
      LEFT JOIN LATERAL (
            SELECT rc.reason, sum(rc.n)::bigint AS n
              FROM @extschema@.daily_reason_counts rc
              JOIN @extschema@.bounce_reasons br ON br.reason = rc.reason AND br.fault = 'sender'
             WHERE rc.day = c.day AND rc.domain = c.domain
             GROUP BY rc.reason ORDER BY sum(rc.n) DESC, rc.reason LIMIT 1) r ON true
     WHERE c.sender_side >= s.min_count
       AND c.sender_side::numeric / nullif(c.attempts, 0) >= s.min_share
     ORDER BY c.day, c.sender_side DESC, c.domain
$$;
COMMENT ON FUNCTION @extschema@.sender_incidents(timestamptz, timestamptz, numeric, integer) IS
    'per day and receiving domain: refusals for sender-side reasons above a share of the day''s mail (settings.incident_min_share / incident_min_count) — the sender must act';
