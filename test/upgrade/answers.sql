-- answers.sql — what a database answers, printed before and after an upgrade (test/upgrade/run.sh):
-- every table's rows that an upgrade must keep, and the main questions (rates, can_send, notices).
\set ON_ERROR_STOP on
\pset pager off
SET search_path = bounce_mgmt, public;
SET TimeZone = 'UTC';
SELECT 'events', count(*), count(DISTINCT (provider, provider_event_id)), sum(hashtext(email)) FROM events;
SELECT provider, event_type, bounce_class, reason, count(*) FROM events GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
SELECT email, hard_bounces, soft_bounces, deferrals, drops, complaints, last_class, last_reason,
       last_bounce_at, last_delivered_at FROM addresses ORDER BY email;
SELECT email, cause, reason, opened_at IS NOT NULL AS opened, closed_at IS NOT NULL AS closed, note, close_note
  FROM suppressions ORDER BY email, suppression_id;
-- the counters per UTC day, whichever tables hold them (0.1.0: daily rows; later: hourly rows)
SELECT extversion = '0.1.0' AS daily_tables FROM pg_extension WHERE extname = 'bounce_mgmt' \gset
\if :daily_tables
SELECT day, provider, domain, sent, delivered, hard, soft, deferred, dropped, complaints, unsubscribes,
       sender_side, excluded FROM daily_counts ORDER BY 1, 2, 3;
SELECT * FROM daily_reason_counts ORDER BY 1, 2, 3, 4;
SELECT * FROM daily_totals ORDER BY 1, 2;
SELECT * FROM recorded_sends ORDER BY 1, 2;
\else
SELECT (hour AT TIME ZONE 'UTC')::date AS day, provider, domain, sum(sent) AS sent, sum(delivered) AS delivered,
       sum(hard) AS hard, sum(soft) AS soft, sum(deferred) AS deferred, sum(dropped) AS dropped,
       sum(complaints) AS complaints, sum(unsubscribes) AS unsubscribes, sum(sender_side) AS sender_side,
       sum(excluded) AS excluded
  FROM hourly_counts WHERE provider IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT (hour AT TIME ZONE 'UTC')::date AS day, provider, domain, reason, sum(n) AS n
  FROM hourly_reason_counts GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
SELECT (hour AT TIME ZONE 'UTC')::date AS day, source, sum(sent) AS sent, sum(delivered) AS delivered,
       sum(hard) AS hard, sum(soft) AS soft, sum(complaints) AS complaints, sum(sender_side) AS sender_side
  FROM hourly_totals GROUP BY 1, 2 ORDER BY 1, 2;
SELECT (hour AT TIME ZONE 'UTC')::date AS day, domain, sum(sent) AS sends
  FROM hourly_counts WHERE provider IS NULL GROUP BY 1, 2 ORDER BY 1, 2;
\endif
SELECT email, kind, reason, notifications, channels, resolution FROM notices ORDER BY email;
SELECT count(*), count(*) FILTER (WHERE replayed_at IS NULL) FROM ingest_errors;
SELECT count(*) FROM ingest_batches;
SELECT kind, level, scope FROM alerts ORDER BY 1, 2, 3;
SELECT notice_cooldown, alert_min_sent FROM settings;
-- the account's thresholds, the rows 0.1.0 has (0.2.0 adds rows per recipient-domain group: Gmail, Yahoo)
SELECT metric, review, pause FROM rate_thresholds t WHERE coalesce(to_jsonb(t) ->> 'domain_group', '') = '' ORDER BY 1;
SELECT pattern, reason FROM classify_rules ORDER BY rule_id;
SELECT reason, soft_bounces, within, persisting FROM escalation_rules ORDER BY rule_id;
SELECT name, provider, base_url FROM provider_accounts ORDER BY name;
-- the rates (not the verdict: 0.2.0 gives none below 100 sends, low_volume, where 0.1.0 judged 1 send;
-- run.sh checks the account's minimum volume after the update)
SELECT bucket_start, key, sent, delivered, hard, soft, complaints, hard_rate, complaint_rate
  FROM bounce_rates('1 day', now() - interval '400 days', now()) WHERE sent > 0;
SELECT email, can_send(email), is_suppressed(email) FROM (SELECT DISTINCT email FROM events) e ORDER BY 1;
SELECT email, kind, reason, bounces FROM pending_notices ORDER BY email;
