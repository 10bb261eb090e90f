#!/usr/bin/env bash
# run.sh — sync() and provider removals against test/http/server.py on 127.0.0.1 (never the internet):
# starts the server on a free port, runs test/http/sync.sql in a scratch database of the current server
# with psql, and compares the output (the port replaced by PORT, the times in query strings by T) with
# test/http/expected/sync.out; then cancels a sync in flight with pg_cancel_backend.
# Needs PGHOST/PGPORT/PGUSER of a server with the extension installed (run inside the throwaway cluster).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'kill $server_pid 2>/dev/null || true; rm -rf "$work"' EXIT

python3 "$here/server.py" --selftest
python3 "$here/server.py" --port 0 --portfile "$work/port" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "FAIL: the test HTTP server did not start"; cat "$work/server.log"; exit 1; }
port=$(cat "$work/port")

db=bm_http
command psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
command psql -X -a -q -d "$db" -v port="$port" -f "$here/sync.sql" 2>&1 \
	| sed -e "s/127\.0\.0\.1:$port/127.0.0.1:PORT/g" -e "s/localhost:$port/localhost:PORT/g" \
		-e 's/^psql:[^ ]*sync.sql:[0-9]*: //' \
		-e 's/\(start_time\|end_time\)=[0-9]*/\1=T/g' -e 's/\(fromdate\|todate\)=[0-9T:-]*/\1=T/g' \
		-e 's/\(StartDate\|EndDate\)=[0-9T%AZ-]*/\1=T/g' -e 's/NextToken=[^& ]*/NextToken=TOKEN/g' > "$work/sync.out" || true
mkdir -p "$here/results"
cp "$work/sync.out" "$here/results/sync.out"
if ! diff -u "$here/expected/sync.out" "$here/results/sync.out" > "$here/results/sync.diff"; then
	echo "FAIL: sync tests differ from test/http/expected/sync.out:"
	cat "$here/results/sync.diff"
	exit 1
fi
# no key in the server's log (method and path only), in any message, or in the server's own log
if grep -q "secret-key" "$work/server.log" \
	|| grep -E '^(ERROR|WARNING|NOTICE|DETAIL|HINT|CONTEXT)' "$here/results/sync.out" | grep -q "secret-key"; then
	echo "FAIL: an API key appeared in a message or a log"; exit 1
fi

# a query cancel (pg_cancel_backend) stops a transfer in progress within a second, with SQLSTATE 57014;
# meanwhile pg_stat_activity shows the account's name, never its key
command psql -X -q -d "$db" -c "INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url)
	VALUES ('cancel-me', 'sendgrid', 'http://127.0.0.1:$port/slow=10')" \
	-c "INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('cancel-me', 'SG.secret-key-cancel')"
command psql -X -q -d "$db" -v VERBOSITY=sqlstate -c "CALL bounce_mgmt.sync('cancel-me')" > "$work/cancel.out" 2>&1 &
client=$!
sleep 1
seen=$(command psql -X -At -d "$db" -c "SELECT count(*) FILTER (WHERE query LIKE '%cancel-me%'),
	count(*) FILTER (WHERE query LIKE '%secret-key%') FROM pg_stat_activity WHERE pid <> pg_backend_pid()")
t0=$(date +%s%N)
command psql -X -At -d "$db" -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity
	WHERE query LIKE '%sync(''cancel-me'')%' AND pid <> pg_backend_pid()" > /dev/null
wait $client || true
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ "$seen" != "1|0" ] || ! grep -q "57014" "$work/cancel.out" || [ "$ms" -gt 1500 ]; then
	echo "FAIL: cancel during a transfer (pg_stat_activity: $seen, after ${ms} ms):"; cat "$work/cancel.out"; exit 1
fi
run=$(command psql -X -At -d "$db" -c "SELECT status || ' ' || sqlstate FROM bounce_mgmt.sync_runs
	WHERE account = 'cancel-me' ORDER BY run_id DESC LIMIT 1")
if [ "$run" != "failed 57014" ]; then
	echo "FAIL: the cancelled run is recorded as '$run', not 'failed 57014'"; exit 1
fi
echo "cancel: the transfer stopped ${ms} ms after pg_cancel_backend with $(tr -d '\n' < "$work/cancel.out"); its run: $run"

# a sync waiting on a slow provider between two pages holds nothing a webhook needs: no lock but its
# advisory lock, no transaction id, no snapshot; a webhook for an address of the page it just stored is
# not kept waiting; a second sync of the same account is refused at once (55P03)
command psql -X -q -d "$db" -c "INSERT INTO bounce_mgmt.provider_accounts (name, provider, base_url)
	VALUES ('slow-beside', 'sendgrid', 'http://127.0.0.1:$port/slowlater=2')" \
	-c "INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('slow-beside', 'SG.secret-key-beside')" \
	-c "UPDATE bounce_mgmt.settings SET event_retention = '100 years'"
command psql -X -q -d "$db" -c "SET client_min_messages = warning" -c "CALL bounce_mgmt.sync('slow-beside')" \
	> "$work/beside.out" 2>&1 &
client=$!
pages=0
for _ in $(seq 1 50); do
	pages=$(command psql -X -At -d "$db" -c "SELECT coalesce(max(pages), 0) FROM bounce_mgmt.sync_runs
		WHERE account = 'slow-beside' AND status = 'running'")
	[ "$pages" -ge 1 ] && break
	sleep 0.1
done
held=$(command psql -X -At -d "$db" -c "SELECT (SELECT string_agg(DISTINCT l.locktype, ',' ORDER BY l.locktype)
	FROM pg_locks l WHERE l.pid = a.pid) || ' xid=' || coalesce(a.backend_xid::text, '-')
	|| ' xmin=' || coalesce(a.backend_xmin::text, '-')
	FROM pg_stat_activity a WHERE a.query LIKE 'CALL bounce_mgmt.sync(''slow-beside'')%'")
webhook_ms=$(command psql -X -At -d "$db" <<'SQL' | tail -1
SELECT clock_timestamp() AS t0 \gset
SELECT inserted FROM bounce_mgmt.ingest('[{"email": "bounced0@example.org", "event": "bounce", "timestamp": 1767225600,
    "sg_event_id": "beside-1", "reason": "550 5.1.1 no such user", "status": "5.1.1", "type": "bounce"}]', 'sendgrid');
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000);
SQL
)
second=$(command psql -X -q -d "$db" -v VERBOSITY=sqlstate -c "CALL bounce_mgmt.sync('slow-beside')" 2>&1 || true)
wait $client || true
final=$(command psql -X -At -d "$db" -c "SELECT status || ' ' || pages || ' ' || fetched FROM bounce_mgmt.sync_runs
	WHERE account = 'slow-beside' ORDER BY run_id DESC LIMIT 1")
if [ "$pages" -lt 1 ] || [ "$held" != "advisory,virtualxid xid=- xmin=-" ] || [ "$webhook_ms" -gt 500 ] \
	|| [ "$second" != "ERROR:  55P03" ] || [ "$final" != "done 4 1200" ]; then
	echo "FAIL: sync beside a webhook: pages=$pages held='$held' webhook=${webhook_ms}ms second='$second' final='$final'"
	cat "$work/beside.out"; exit 1
fi
echo "beside a sync waiting on its provider: it held '$held'; a webhook took ${webhook_ms} ms; a second sync: $second"
echo "sync tests passed (local server on 127.0.0.1:$port)"
