#!/usr/bin/env bash
# run.sh — sync() and provider removals against test/http/server.py on 127.0.0.1 (never the internet):
# starts the server on a free port, runs test/http/sync.sql in a scratch database of the current server
# with psql, and compares the output (the port replaced by PORT) with test/http/expected/sync.out.
# Needs PGHOST/PGPORT/PGUSER of a server with the extension installed (run inside the throwaway cluster).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'kill $server_pid 2>/dev/null || true; rm -rf "$work"' EXIT

python3 "$here/server.py" --port 0 --portfile "$work/port" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "FAIL: the test HTTP server did not start"; cat "$work/server.log"; exit 1; }
port=$(cat "$work/port")

db=bm_http
command psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
command psql -X -a -q -d "$db" -v port="$port" -f "$here/sync.sql" 2>&1 \
	| sed -e "s/127\.0\.0\.1:$port/127.0.0.1:PORT/g" -e 's/^psql:[^ ]*sync.sql:[0-9]*: //' > "$work/sync.out" || true
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
echo "sync tests passed (local server on 127.0.0.1:$port)"
