#!/usr/bin/env bash
# writepath_run.sh — the body of bench/writepath.sh, run inside the throwaway cluster (PGHOST/PGPORT set;
# BM_PORT = the test HTTP server, BM_WORK = a scratch folder, BM_SECONDS = seconds per pgbench run).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
db=bm_bench
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$here/writepath_setup.sql"

# ---- 1. one event per call ---------------------------------------------------------------------------
cat > "$BM_WORK/ingest.pgbench" <<'EOF'
\set n random(1, 2000000000)
SELECT inserted FROM bounce_mgmt.ingest(replace((SELECT body FROM sns_template), '@N@', :n::text), 'ses');
EOF
cat > "$BM_WORK/insert.pgbench" <<'EOF'
\set n random(1, 2000000000)
INSERT INTO bounce_mgmt.events (event_id, provider, provider_event_id, occurred_at, event_type, email, domain,
                                bounce_class, reason, evidence, reply_code, status, provider_type,
                                provider_subtype, diagnostic, message_id, email_original, batch_id, raw)
SELECT nextval('bounce_mgmt.events_event_id_seq'), 'ses', 'feedback-' || n || '/user' || n || '@example.com',
       date_trunc('second', now() - interval '1 hour'), 'bounce', 'user' || n || '@example.com', 'example.com',
       'hard', 'user_unknown', 'status', 550, '5.1.1', 'Permanent', 'General',
       'smtp; 550 5.1.1 <user' || n || '@example.com>... User unknown', 'msg-' || n, 'user' || n || '@example.com', 0,
       jsonb_build_object('emailAddress', 'user' || n || '@example.com', 'action', 'failed', 'status', '5.1.1',
                          'diagnosticCode', 'smtp; 550 5.1.1 <user' || n || '@example.com>... User unknown')
  FROM (SELECT (:n)::bigint AS n) v
ON CONFLICT DO NOTHING;
EOF
tps() { # script clients -> "tps latency_ms"
	pgbench -n -M prepared -d "$db" -c "$2" -j "$2" -T "$BM_SECONDS" -f "$BM_WORK/$1.pgbench" 2>&1 \
		| awk '/^latency average/ {lat=$4} /^tps = / {tps=$3} END {printf "%.0f %.3f\n", tps, lat}'
}
q -c "CREATE TABLE one_event (what text, clients int, tps numeric, latency_ms numeric)"
for c in 1 2 4; do
	for what in insert ingest; do
		q -c "SELECT prime_tables()" > /dev/null
		read -r t l < <(tps "$what" "$c")
		q -c "INSERT INTO one_event VALUES ('$what', $c, $t, $l)"
	done
done

# ---- 2. a webhook beside an open ingesting transaction, and beside a slow sync ------------------------
webhook_ms() { # the time of one one-event ingest() in a fresh session, after a warm-up call
	q <<'SQL' | tail -1
SELECT inserted FROM bounce_mgmt.ingest(replace((SELECT body FROM sns_template), '@N@', '900000001'), 'ses') \g /dev/null
SELECT clock_timestamp() AS t0 \gset
SELECT inserted FROM bounce_mgmt.ingest(replace((SELECT body FROM sns_template), '@N@', (900000002 + random() * 1e6)::int::text), 'ses') \g /dev/null
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000, 1);
SQL
}
q -c "SELECT reset_tables()" > /dev/null
alone=$(webhook_ms)
q <<'SQL' > /dev/null 2>&1 &
BEGIN;
SELECT inserted FROM bounce_mgmt.ingest(replace((SELECT body FROM sns_template), '@N@', '800000001'), 'ses');
SELECT pg_sleep(4);
COMMIT;
SQL
opener=$!
sleep 1
beside_open=$(webhook_ms)
wait $opener
q -c "INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url) VALUES ('slow', 'sendgrid', 'http://127.0.0.1:$BM_PORT/slowlater=3')" \
  -c "INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('slow', 'SG.bench-key')" \
  -c "UPDATE bounce_mgmt.settings SET event_retention = '100 years'"
psql -X -q -d "$db" -c "SET client_min_messages = warning" -c "CALL bounce_mgmt.sync('slow')" > /dev/null 2>&1 &
syncer=$!
for _ in $(seq 1 50); do
	[ "$(q -c "SELECT coalesce(max(pages), 0) FROM bounce_mgmt.sync_runs WHERE status = 'running'")" -ge 1 ] && break
	sleep 0.1
done
beside_sync=$(webhook_ms)
wait $syncer || true

# ---- 3. batches of 10,000 ----------------------------------------------------------------------------
q -c "CREATE TABLE batch_runs (method text, run int, seconds numeric)"
batch_run() { # method run
	local body
	case $1 in
		ingest) body="SELECT bounce_mgmt.ingest(body, 'sendgrid') FROM batches WHERE n = :n;" ;;
		sql) body="SELECT sql_ingest(body) FROM batches WHERE n = :n;" ;;
	esac
	{
		echo "SELECT reset_tables() \\g /dev/null"
		echo "SELECT clock_timestamp() AS t0 \\gset"
		if [ "$1" = copy ]; then
			echo "COPY bounce_mgmt.events FROM '$BM_WORK/events.copy';"
		else
			for n in $(seq 0 19); do echo "\\set n $n"; echo "$body"; done
		fi
		echo "INSERT INTO batch_runs VALUES ('$1', $2, round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 3));"
	} | psql -X -q -v ON_ERROR_STOP=1 -d "$db" > /dev/null
}
for r in 1 2 3; do
	batch_run ingest "$r"
	[ "$r" = 1 ] && q -c "COPY (SELECT * FROM bounce_mgmt.events) TO '$BM_WORK/events.copy'" && chmod 644 "$BM_WORK/events.copy"
	batch_run sql "$r"
	batch_run copy "$r"
done
events=$(q -c "SELECT count(*) FROM bounce_mgmt.events")

# ---- report ------------------------------------------------------------------------------------------
psql -X -q -d "$db" <<SQL
\pset border 2
\echo
\echo '1. one SES bounce notification (SNS) per call: ingest() vs a plain INSERT ... ON CONFLICT of the same row'
SELECT i.clients, p.tps AS "INSERT tps", i.tps AS "ingest() tps", p.latency_ms AS "INSERT ms", i.latency_ms AS "ingest() ms",
       round(i.latency_ms / p.latency_ms, 2) AS "ingest / INSERT (time)"
  FROM one_event i JOIN one_event p ON p.clients = i.clients AND p.what = 'insert'
 WHERE i.what = 'ingest' ORDER BY i.clients;
\echo '2. one webhook (one-event ingest(), ms): alone; beside an open transaction that ingested; beside a CALL sync() waiting on a slow provider'
SELECT $alone AS alone_ms, $beside_open AS beside_open_transaction_ms, $beside_sync AS beside_slow_sync_ms;
\echo '3. 20 SendGrid batches of 10,000 events ($events events stored): best of 3, each run from empty tables'
SELECT method, min(seconds) AS best_s, string_agg(seconds::text, ', ' ORDER BY run) AS runs,
       round(min(seconds) / (SELECT min(seconds) FROM batch_runs WHERE method = 'copy'), 2) AS "/ COPY"
  FROM batch_runs GROUP BY method ORDER BY best_s;
SQL
