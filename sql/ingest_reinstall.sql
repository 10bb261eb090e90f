-- ingest_reinstall: the flush's internal row source refuses direct calls, and ingestion keeps working
-- when the extension is dropped and created again in the same session (its saved statements are
-- re-planned against the new tables, types and functions; enum labels are looked up per call).
-- Last in the schedule: it leaves a fresh, empty extension behind.
SET search_path = bounce_mgmt, public;
SET timezone = 'UTC';
\pset null '(null)'

-- called directly, outside ingestion: an error, not a read of stale memory
SELECT * FROM ingest_flush_rows();
SELECT ingest_flush_rows();

-- one ingestion in this session, so the saved plans exist
SELECT events, inserted FROM ingest('[{"email": "before@example.com", "occurred_at": 1700000000, "event": "bounce", "id": "re-1", "diagnostic": "550 5.1.1 user unknown"}]', 'generic');

-- CASCADE: an earlier test left an application table whose trigger uses user_email_changed()
DROP EXTENSION bounce_mgmt CASCADE;
CREATE EXTENSION bounce_mgmt;
SELECT count(*) AS events_after_recreate FROM events;

-- the same session ingests into the new objects: new enum OIDs, new function, new tables
SELECT events, inserted, duplicates FROM ingest('[{"email": "after@example.com", "occurred_at": 1700000000, "event": "bounce", "id": "re-2", "diagnostic": "550 5.1.1 user unknown"},
  {"email": "after@example.com", "occurred_at": 1700000100, "event": "delivered", "id": "re-3"}]', 'generic');
SELECT provider, provider_event_id, event_type, bounce_class, reason, evidence, reply_code, status
  FROM events ORDER BY provider_event_id;
SELECT email, hard_bounces, last_class, last_reason, last_delivered_at FROM addresses;
SELECT day, provider, domain, delivered, hard FROM daily_counts;
