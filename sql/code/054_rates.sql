-- 054_rates.sql — the functions, views and triggers of sql/schema/054_rates.sql (re-runnable: every upgrade runs it again).

-- Records sends the provider does not report (bulk form: record_sends).  Invalid addresses are counted
-- nowhere and reported by the return value (the number of sends counted).  Appends counter rows (never
-- updates one), so the application's many concurrent transactions never wait for each other here; the
-- addresses' last send (engagement, issue 11) is appended the same way.
CREATE OR REPLACE FUNCTION @extschema@.record_sends(emails text[], sent_at timestamptz DEFAULT pg_catalog.now())
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
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
        INSERT INTO @extschema@.hourly_counts (hour, provider, domain, sent)
        SELECT date_trunc('hour', sent_at, 'UTC'), NULL, x.domain, x.sends FROM x
    ), t AS (
        INSERT INTO @extschema@.hourly_totals (hour, source, sent)
        SELECT date_trunc('hour', sent_at, 'UTC'), 'recorded', sum(x.sends) FROM x HAVING count(*) > 0
    ), g AS (
        INSERT INTO @extschema@.engagement_recent (email, first_seen_at, last_sent_at)
        SELECT DISTINCT a.addr, least(sent_at, now()), sent_at
          FROM (SELECT @extschema@.normalize_email(e) AS addr FROM unnest(emails) AS e) a
         WHERE a.addr IS NOT NULL
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

-- The rates per bucket (whole days of time zone tz, or '1 month') and optionally per domain, provider or
-- recipient-domain group (domain_groups; key NULL = the other domains).
-- sent = the larger of (sends reported by providers + recorded sends) and (deliveries + bounces), per
-- bucket and key, so providers that report no sends still get a denominator.  The verdict applies the
-- thresholds of the key's domain group (a domain's, or the group's) where it has rows of its own, else the
-- account's (rate_levels()).  Counters are kept per UTC
-- hour, so the days of any time zone whose offset is a whole number of hours (JST, CET, EST ...) are
-- exact; in zones offset by 30 or 45 minutes a day starts at the UTC hour before local midnight.
CREATE OR REPLACE FUNCTION @extschema@.bounce_rates(bucket interval, "from" timestamptz, "to" timestamptz,
                                         "by" text DEFAULT NULL, tz text DEFAULT 'UTC')
    RETURNS TABLE (bucket_start date, key text, sent bigint, delivered bigint, hard bigint, soft bigint,
                   complaints bigint, hard_rate numeric, complaint_rate numeric,
                   verdict @extschema@.rate_verdict)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    d0      date;
    d1      date;
    h0      timestamptz;
    h1      timestamptz;
    days    integer;
    -- '1 month' exactly: interval equality would also take '30 days' for a month
    monthly boolean := extract(year FROM bucket) = 0 AND extract(month FROM bucket) = 1
                       AND extract(day FROM bucket) = 0 AND extract(epoch FROM bucket) = 30 * 86400;
BEGIN
    IF bucket IS NULL OR "from" IS NULL OR "to" IS NULL OR tz IS NULL THEN
        RAISE EXCEPTION 'bucket, from, to and tz must not be NULL' USING ERRCODE = 'null_value_not_allowed';
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
                        DETAIL = 'Counters are kept per hour; buckets are days of the given time zone.',
                        HINT = 'Use ''1 day'', ''7 days'' or ''1 month''.';
        END IF;
        days := (extract(epoch FROM bucket) / 86400)::integer;
    END IF;
    IF "by" IS NOT NULL AND "by" NOT IN ('domain', 'provider', 'domain_group') THEN
        RAISE EXCEPTION 'unknown grouping "%"', "by"
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'by must be NULL, ''domain'', ''provider'' or ''domain_group''.';
    END IF;
    -- whole local days: from the day of "from" to the day of "to" (included unless "to" is midnight)
    d0 := ("from" AT TIME ZONE tz)::date;
    d1 := ("to" AT TIME ZONE tz)::date + CASE WHEN ("to" AT TIME ZONE tz)::time = '00:00' THEN 0 ELSE 1 END;
    h0 := d0::timestamp AT TIME ZONE tz;
    h1 := d1::timestamp AT TIME ZONE tz;

    RETURN QUERY
    WITH rows AS (
        -- per hour and key: reported sends, recorded sends, outcomes
        SELECT t.hour, CASE WHEN "by" = 'provider' THEN t.source END AS key,
               t.sent, t.delivered, t.hard, t.soft, t.complaints
          FROM @extschema@.hourly_totals t
         WHERE ("by" IS NULL OR "by" = 'provider') AND t.hour >= h0 AND t.hour < h1
        UNION ALL
        SELECT c.hour, CASE WHEN "by" = 'domain' THEN c.domain ELSE g.domain_group END,
               c.sent, c.delivered, c.hard, c.soft, c.complaints
          FROM @extschema@.hourly_counts c
          LEFT JOIN @extschema@.domain_groups g ON "by" = 'domain_group' AND g.domain = c.domain
         WHERE "by" IN ('domain', 'domain_group') AND c.hour >= h0 AND c.hour < h1
    ), bucketed AS (
        SELECT CASE WHEN monthly THEN date_trunc('month', (r.hour AT TIME ZONE tz)::date)::date
                    ELSE d0 + (((r.hour AT TIME ZONE tz)::date - d0) / days) * days END AS b,
               r.key, sum(r.sent)::bigint AS sent, sum(r.delivered)::bigint AS delivered,
               sum(r.hard)::bigint AS hard, sum(r.soft)::bigint AS soft, sum(r.complaints)::bigint AS complaints
          FROM rows r
         GROUP BY 1, 2
    )
    SELECT b.b, b.key, x.base, b.delivered, b.hard, b.soft, b.complaints,
           round(b.hard::numeric / nullif(x.base, 0), 6),
           round(b.complaints::numeric / nullif(x.base, 0), 6),
           @extschema@.rate_verdict(x.base, b.hard::numeric / nullif(x.base, 0),
                                    b.complaints::numeric / nullif(x.base, 0), l.hard_review, l.hard_pause,
                                    l.hard_min, l.complaint_review, l.complaint_pause, l.complaint_min)
      FROM bucketed b
     CROSS JOIN LATERAL (SELECT greatest(b.sent, b.delivered + b.hard + b.soft) AS base) x
      LEFT JOIN @extschema@.domain_groups dg ON "by" = 'domain' AND dg.domain = b.key
      JOIN @extschema@.rate_levels() l
        ON l.domain_group = CASE "by" WHEN 'domain' THEN coalesce(dg.domain_group, '')
                                      WHEN 'domain_group' THEN coalesce(b.key, '') ELSE '' END
     ORDER BY b.b, b.key;
END
$$;
COMMENT ON FUNCTION @extschema@.bounce_rates(interval, timestamptz, timestamptz, text, text) IS
    'hard-bounce and complaint rates per bucket (whole days of time zone tz, or 1 month) and optionally per domain, provider or domain_group, with the verdict against rate_thresholds (the key''s domain group''s where it has its own); read from hourly counters, never from raw events';

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
-- are not bad users.  Days are UTC days; attempts per day and provider as bounce_rates() counts them.
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
    span AS (SELECT (("from" AT TIME ZONE 'UTC')::date)::timestamp AT TIME ZONE 'UTC' AS h0,
                    ((("to" AT TIME ZONE 'UTC')::date + 1)::timestamp) AT TIME ZONE 'UTC' AS h1),
    per_provider AS (
        SELECT (c.hour AT TIME ZONE 'UTC')::date AS day, c.provider, c.domain,
               sum(c.sent) AS sent, sum(c.delivered) AS delivered, sum(c.hard) AS hard, sum(c.soft) AS soft,
               sum(c.sender_side) AS sender_side
          FROM @extschema@.hourly_counts c, span
         WHERE c.hour >= span.h0 AND c.hour < span.h1
         GROUP BY 1, 2, 3
    ),
    c AS (
        SELECT p.day, p.domain,
               sum(greatest(p.sent, p.delivered + p.hard + p.soft))::bigint AS attempts,
               sum(p.sender_side)::bigint AS sender_side
          FROM per_provider p
         GROUP BY p.day, p.domain
        HAVING sum(p.sender_side) > 0
    )
    SELECT c.day, c.domain, c.attempts, c.sender_side,
           round(c.sender_side::numeric / nullif(c.attempts, 0), 4), r.reason, r.n
      FROM c CROSS JOIN s
      LEFT JOIN LATERAL (
            SELECT rc.reason, sum(rc.n)::bigint AS n
              FROM @extschema@.hourly_reason_counts rc
              JOIN @extschema@.bounce_reasons br ON br.reason = rc.reason AND br.fault = 'sender'
             WHERE rc.hour >= c.day::timestamp AT TIME ZONE 'UTC'
               AND rc.hour < (c.day + 1)::timestamp AT TIME ZONE 'UTC' AND rc.domain = c.domain
             GROUP BY rc.reason ORDER BY sum(rc.n) DESC, rc.reason LIMIT 1) r ON true
     WHERE c.sender_side >= s.min_count
       AND c.sender_side::numeric / nullif(c.attempts, 0) >= s.min_share
     ORDER BY c.day, c.sender_side DESC, c.domain
$$;
COMMENT ON FUNCTION @extschema@.sender_incidents(timestamptz, timestamptz, numeric, integer) IS
    'per day and receiving domain: refusals for sender-side reasons above a share of the day''s mail (settings.incident_min_share / incident_min_count) — the sender must act';
