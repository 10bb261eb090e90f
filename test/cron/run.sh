#!/usr/bin/env bash
# run.sh — run_maintenance() under pg_cron, for real: in the throwaway cluster (pg_cron preloaded,
# cron.database_name = bm_cron, background workers) it schedules maintenance every minute, waits for a run
# (up to 90 s: pg_cron 1.4 schedules whole minutes), then checks cron.job_run_details and the run's effects
# (a soft-bounce escalation opened, partitions created ahead); in the same minute a CALL sync() against
# the local test server (test/http/server.py), which must commit page by page under pg_cron too; then
# checks the alert NOTIFY in a session that LISTENs.  Needs PGHOST/PGPORT/PGUSER.
#
#   test/cron/run.sh           schedule, wait, check
#   test/cron/run.sh start     schedule only and return (the test server keeps running)
#   test/cron/run.sh check     wait for the runs scheduled by `start`, check, stop the server
#   test/cron/run.sh stop      stop the server of an unfinished `start`
# cluster_tests.sh starts it first and checks it last, so the wait for the minute overlaps the other tests.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mode=${1:-all}
db=bm_cron
psql() { command psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
state="$here/../../build/cron-test"

start() {
mkdir -p "$state"
rm -f "$state/port" "$state/pid"
python3 "$here/../http/server.py" --port 0 --portfile "$state/port" >/dev/null 2>&1 </dev/null &
echo $! >"$state/pid"
for _ in $(seq 1 50); do [ -s "$state/port" ] && break; sleep 0.1; done
[ -s "$state/port" ] || { echo "FAIL: the test server did not start" >&2; exit 1; }
port=$(cat "$state/port")

"$here/fresh_db.sh" "$db"
psql -d "$db" -v port="$port" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION pg_cron;
CREATE EXTENSION bounce_mgmt;
UPDATE bounce_mgmt.settings SET event_retention = '100 years';
INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url) VALUES ('cron-sg', 'sendgrid', 'http://127.0.0.1:' || :'port' || '/n=1200');
INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('cron-sg', 'SG.cron-key');
-- three soft bounces of a disabled mailbox within 30 days: maintenance must escalate the address
SELECT bounce_mgmt.ingest(jsonb_build_array(
    jsonb_build_object('email', 'cron@example.org', 'occurred_at', now() - interval '9 days', 'event', 'bounce',
                       'diagnostic', '550 5.2.1 The email account that you tried to reach is disabled.'),
    jsonb_build_object('email', 'cron@example.org', 'occurred_at', now() - interval '5 days', 'event', 'bounce',
                       'diagnostic', '550 5.2.1 The email account that you tried to reach is disabled.'),
    jsonb_build_object('email', 'cron@example.org', 'occurred_at', now() - interval '1 day', 'event', 'bounce',
                       'diagnostic', '550 5.2.1 The email account that you tried to reach is disabled.')
  )::text, 'generic');
-- both jobs in one transaction, so pg_cron's launcher loads them in one reload of its job list (two jobs
-- scheduled a moment apart: pg_cron 1.4 has sometimes run the first and never loaded the second)
BEGIN;
SELECT cron.schedule('bounce_mgmt-sync', '* * * * *', $$CALL bounce_mgmt.sync('cron-sg')$$);
SELECT cron.schedule('bounce_mgmt-maintenance', '* * * * *', 'SELECT bounce_mgmt.run_maintenance()');
COMMIT;
SQL
date +%s >"$state/started"
}

stop_server() {
	[ -s "$state/pid" ] && kill "$(cat "$state/pid")" 2>/dev/null || true
	rm -rf "$state"
}

check() {
[ -s "$state/pid" ] || { echo "FAIL: test/cron/run.sh check without start" >&2; exit 1; }
trap stop_server EXIT

echo "waiting for pg_cron to run bounce_mgmt.run_maintenance() (up to 150 s)"
status=""
rescheduled=no
started=$(cat "$state/started")
for i in $(seq 1 150); do
	status=$(psql -d "$db" -c "SELECT status FROM cron.job_run_details d JOIN cron.job j USING (jobid)
	                            WHERE j.jobname = 'bounce_mgmt-maintenance' AND status IN ('succeeded', 'failed')
	                            ORDER BY runid DESC LIMIT 1")
	[ -n "$status" ] && break
	# pg_cron 1.4 has sometimes (2 test runs in 8) never loaded a job: a minute boundary has passed since it
	# was scheduled and the job has no run at all.  Then schedule the jobs without a run again, once (the
	# launcher reads its job list anew), and say so
	if [ "$rescheduled" = no ] && [ $(( $(date +%s) - started )) -ge 70 ]; then
		missing=$(psql -d "$db" -c "SELECT string_agg(quote_literal(jobname), ',') FROM cron.job j
		                            WHERE NOT EXISTS (SELECT FROM cron.job_run_details d WHERE d.jobid = j.jobid)")
		if [ -n "$missing" ]; then
			echo "pg_cron has not started $missing 70 s after scheduling; scheduling again (up to 60 s more)"
			echo "  its launcher: $(psql -d postgres -c "SELECT format('pid %s since %s, %s/%s, %s', pid,
			        to_char(backend_start, 'HH24:MI:SS'), wait_event_type, wait_event, state)
			        FROM pg_stat_activity WHERE backend_type = 'pg_cron launcher'")"
			psql -d "$db" -c "SELECT count(cron.schedule(jobname, schedule, command)) FROM cron.job
			                  WHERE jobname IN ($missing)" > /dev/null
		fi
		rescheduled=yes
	fi
	sleep 1
done

fail() { echo "FAIL: $*" >&2; psql -d "$db" -c "SELECT status, return_message FROM cron.job_run_details" >&2 || true; exit 1; }
[ -n "$status" ] || fail "pg_cron did not run the job within 150 s"
[ "$status" = succeeded ] || fail "the maintenance run failed"

escalated=$(psql -d "$db" -c "SELECT count(*) FROM bounce_mgmt.suppressions
                              WHERE email = 'cron@example.org' AND cause IN ('repeated_soft', 'persistent_soft')
	                              AND closed_at IS NULL")
[ "$escalated" = 1 ] || fail "the scheduled run did not escalate cron@example.org"
ahead=$(psql -d "$db" -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'bounce_mgmt.events'::regclass")
[ "$ahead" -ge 4 ] || fail "expected the current month and 3 ahead as partitions, found $ahead"
psql -d "$db" -c "SELECT cron.unschedule('bounce_mgmt-maintenance')" >/dev/null
echo "pg_cron: run_maintenance() ran ($status), escalated 1 address, $ahead event partitions"

# the sync job of the same minute: done, 6 pages, each committed on its own (6 inserting transactions)
sync=""
for _ in $(seq 1 30); do
	sync=$(psql -d "$db" -c "SELECT d.status FROM cron.job_run_details d JOIN cron.job j USING (jobid)
	                          WHERE j.jobname = 'bounce_mgmt-sync' AND d.status IN ('succeeded', 'failed')
	                          ORDER BY runid DESC LIMIT 1")
	[ -n "$sync" ] && break
	sleep 1
done
psql -d "$db" -c "SELECT cron.unschedule('bounce_mgmt-sync')" >/dev/null
[ "$sync" = succeeded ] || fail "the sync job did not succeed (status '$sync')"
run=$(psql -d "$db" -c "SELECT status || ' ' || pages || ' ' || fetched FROM bounce_mgmt.sync_runs ORDER BY run_id LIMIT 1")
xacts=$(psql -d "$db" -c "SELECT count(DISTINCT xmin::text) FROM bounce_mgmt.events WHERE list_entry")
[ "$run" = "done 6 2400" ] && [ "$xacts" = 6 ] || fail "the sync job's run: '$run', pages stored in $xacts transactions"
echo "pg_cron: CALL sync() ran ($sync): run '$run', its 6 pages committed in $xacts transactions"

# The alert NOTIFY: a session that LISTENs on the documented channel and runs maintenance over data whose
# hard-bounce rate crosses the review threshold must receive the alert as JSON.
ndb=bm_notify
psql -d postgres -c "DROP DATABASE IF EXISTS $ndb" -c "CREATE DATABASE $ndb"
out=$(command psql -X -q -At -v ON_ERROR_STOP=1 -d "$ndb" 2>&1 <<'SQL'
SET client_min_messages = error;
CREATE EXTENSION bounce_mgmt;
SELECT count(*) FROM bounce_mgmt.ingest((
    SELECT jsonb_agg(jsonb_build_object('email', 'n' || i || '@example.net', 'occurred_at', now() - interval '1 hour',
                                        'event', CASE WHEN i <= 20 THEN 'bounce' ELSE 'sent' END,
                                        'diagnostic', CASE WHEN i <= 20 THEN '550 5.1.1 user unknown' END,
                                        'id', 'n-' || i))::text
      FROM generate_series(1, 200) i), 'generic');
LISTEN bounce_mgmt_alerts;
SELECT alerts FROM bounce_mgmt.run_maintenance();
SQL
)
echo "$out" | grep -q 'Asynchronous notification "bounce_mgmt_alerts" with payload ".*hard_bounce_rate' \
	|| { echo "FAIL: no NOTIFY on bounce_mgmt_alerts"; echo "$out"; exit 1; }
echo "NOTIFY: run_maintenance() announced its alerts on channel bounce_mgmt_alerts"
}

case $mode in
	start) start ;;
	check) check ;;
	stop) stop_server ;;
	all) start; check ;;
	*) echo "usage: $0 [start|check|stop]" >&2; exit 2 ;;
esac
