#!/usr/bin/env bash
# sync.sh — benchmark of sync() against test/http/server.py on 127.0.0.1 (bench/sync.sql), in a throwaway
# cluster.  Output: stdout and bench/out/sync.txt.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
ensure_deps
build_and_install
mkdir -p "$REPO_ROOT/bench/out"
work=$(mktemp -d)
python3 "$REPO_ROOT/test/http/server.py" --port 0 --portfile "$work/port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
say "benchmark sync (server on 127.0.0.1:$port)"
with_throwaway_cluster bash -c "set -e; createdb bm_bench; psql -X -q -v ON_ERROR_STOP=1 -d bm_bench -v port=$port -f '$REPO_ROOT/bench/sync.sql'" \
	| tee "$REPO_ROOT/bench/out/sync.txt"
