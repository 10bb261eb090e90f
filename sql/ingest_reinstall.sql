-- ingest_reinstall: ingestion keeps working when the extension is dropped and created again in the same
-- session (its saved statements are re-planned against the new tables, types and functions; the enum
-- labels and the event row are looked up again after the catalog changed), and the columns the library
-- writes are exactly those of the events table.  Last in the schedule: it leaves a fresh, empty extension
-- behind.
SET search_path = bounce_mgmt, public;
SET timezone = 'UTC';
\pset null '(null)'

-- the event row the library writes (src/pg/event_row.def) is the events table's, column for column
SELECT c.ord, c.name, c.type
  FROM event_row_columns() c
  FULL JOIN (SELECT (row_number() OVER (ORDER BY a.attnum))::int AS ord, a.attname::text AS name,
                    format_type(a.atttypid, a.atttypmod) AS type
               FROM pg_attribute a
              WHERE a.attrelid = 'bounce_mgmt.events'::regclass AND a.attnum > 0 AND NOT a.attisdropped
                AND a.attname NOT IN ('event_id', 'batch_id')) t ON t.ord = c.ord
 WHERE (c.ord, c.name, c.type)::text IS DISTINCT FROM (t.ord, t.name, t.type)::text;
SELECT count(*) AS columns_written FROM event_row_columns();

-- one ingestion in this session, so the saved plans exist (fixed dates: retention is made long enough)
UPDATE settings SET event_retention = '100 years';
SELECT events, inserted FROM ingest('[{"email": "before@example.com", "occurred_at": "2026-11-01T10:00:00Z", "event": "bounce", "id": "re-1", "diagnostic": "550 5.1.1 user unknown"}]', 'generic');

-- CASCADE: an earlier test left an application table whose trigger uses user_email_changed()
DROP EXTENSION bounce_mgmt CASCADE;
CREATE EXTENSION bounce_mgmt;
SELECT count(*) AS events_after_recreate FROM events;
UPDATE settings SET event_retention = '100 years';

-- the same session ingests into the new objects: new enum OIDs, new function, new tables
SELECT events, inserted, duplicates FROM ingest('[{"email": "after@example.com", "occurred_at": "2026-11-01T10:00:00Z", "event": "bounce", "id": "re-2", "diagnostic": "550 5.1.1 user unknown"},
  {"email": "after@example.com", "occurred_at": "2026-11-01T10:01:40Z", "event": "delivered", "id": "re-3"}]', 'generic');
SELECT provider, provider_event_id, event_type, bounce_class, reason, evidence, reply_code, status
  FROM events ORDER BY provider_event_id;
SELECT email, hard_bounces, last_class, last_reason, last_delivered_at FROM addresses;
SELECT hour, provider, domain, sum(delivered) AS delivered, sum(hard) AS hard FROM hourly_counts GROUP BY 1, 2, 3;
