#!/usr/bin/env bash
# run.sh — the write path under concurrent load: 3 pgbench clients each ingest 20 batches at once, picked
# from 40 heavily overlapping payloads (a webhook receiver retrying deliveries while others arrive), then
# every derived count is checked against the events themselves: each event id stored once, the batches'
# inserted counts, the per-address counters, and bounce_rates() (hourly counters, before and after
# maintenance folds them) equal to counts over events.  Needs PGHOST/PGPORT/PGUSER of a running server.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
db=bm_stress
PGBENCH=${PGBENCH:-$("${PG_CONFIG:-pg_config}" --bindir)/pgbench}
psql() { command psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

psql -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d "$db" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION bounce_mgmt;
-- payload k (1..40): events 25k .. 25k+199 of 400 addresses; every 7th a hard bounce, every 11th a
-- complaint, every 13th a soft bounce, the rest delivered; all within the last two days
CREATE TABLE payloads (k int PRIMARY KEY, body text NOT NULL);
INSERT INTO payloads
SELECT k, (SELECT jsonb_agg(jsonb_build_object(
               'email', 'user' || (g % 400) || '@example.com',
               'occurred_at', extract(epoch FROM date_trunc('hour', now()) - interval '36 hours')::bigint + g * 60,
               'event', CASE WHEN g % 7 = 0 THEN 'bounce' WHEN g % 11 = 0 THEN 'complaint'
                             WHEN g % 13 = 0 THEN 'bounce' ELSE 'delivered' END,
               'diagnostic', CASE WHEN g % 7 = 0 THEN '550 5.1.1 user unknown'
                                  WHEN g % 13 = 0 THEN '452 4.2.2 mailbox full' END,
               'id', 'ev-' || g) ORDER BY g)::text
             FROM generate_series(25 * k, 25 * k + 199) g)
  FROM generate_series(1, 40) k;
SQL

cat > "$work/bm_stress.pgbench" <<'EOF2'
\set k random(1, 40)
SELECT inserted FROM bounce_mgmt.ingest((SELECT body FROM payloads WHERE k = :k), 'generic');
EOF2
"$PGBENCH" -n -d "$db" -c 3 -j 3 -t 20 -f "$work/bm_stress.pgbench" > "$work/bm_stress.out" 2>&1 \
	|| { cat "$work/bm_stress.out"; echo "FAIL: pgbench"; exit 1; }
grep -q "^number of transactions actually processed: 60/60" "$work/bm_stress.out" \
	|| { cat "$work/bm_stress.out"; echo "FAIL: not all 60 batches went through"; exit 1; }

check() {
	psql -d "$db" <<'SQL'
WITH e AS (
    SELECT count(*) AS events, count(DISTINCT provider_event_id) AS ids,
           count(*) FILTER (WHERE event_type = 'delivered') AS delivered,
           count(*) FILTER (WHERE bounce_class = 'hard') AS hard,
           count(*) FILTER (WHERE bounce_class = 'soft') AS soft,
           count(*) FILTER (WHERE event_type = 'complaint') AS complaints
      FROM bounce_mgmt.events),
r AS (
    SELECT sum(delivered) AS delivered, sum(hard) AS hard, sum(soft) AS soft, sum(complaints) AS complaints
      FROM bounce_mgmt.bounce_rates('1 day', now() - interval '7 days', now() + interval '1 day')),
a AS (SELECT sum(hard_bounces) AS hard, sum(soft_bounces) AS soft, sum(complaints) AS complaints
        FROM bounce_mgmt.addresses),
b AS (SELECT sum(inserted) AS inserted, count(*) AS batches FROM bounce_mgmt.ingest_batches)
SELECT concat_ws(' ', e.events, e.ids, e.delivered, e.hard, e.soft, e.complaints, '|',
                 r.delivered, r.hard, r.soft, r.complaints, '|', a.hard, a.soft, a.complaints, '|', b.inserted, b.batches),
       e.events = e.ids AND e.events = b.inserted AND b.batches = 60
       AND (e.delivered, e.hard, e.soft, e.complaints) = (r.delivered, r.hard, r.soft, r.complaints)
       AND (e.hard, e.soft, e.complaints) = (a.hard, a.soft, a.complaints)
  FROM e, r, a, b;
SQL
}
got=$(check)
case "$got" in *"|t") ;; *) echo "FAIL: counts differ after the concurrent batches: $got"; exit 1;; esac
psql -d "$db" -c "SET client_min_messages = error" -c "SELECT counters_folded FROM bounce_mgmt.run_maintenance()" > /dev/null
again=$(check)
case "$again" in *"|t") ;; *) echo "FAIL: counts differ after maintenance folded the counters: $again"; exit 1;; esac
echo "stress: 3 clients x 20 overlapping batches: events ids delivered hard soft complaints | bounce_rates | addresses | batches: ${got%|t}; same after maintenance"
