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
# the 100 pages once more, one per line, for the ingest()-only comparison (COPY FROM PROGRAM)
export BM_FETCH_PAGES="for o in \$(seq 0 500 49500); do curl -sf 'http://127.0.0.1:$port/bounces=50000/v3/suppression/bounces?limit=500&offset='\$o; echo; done"
say "benchmark sync (server on 127.0.0.1:$port)"
with_throwaway_cluster bash -c "set -e; createdb bm_bench; psql -X -q -v ON_ERROR_STOP=1 -d bm_bench -v port=$port -v fetch_pages=\"\$BM_FETCH_PAGES\" -f '$REPO_ROOT/bench/sync.sql'" \
	| tee "$REPO_ROOT/bench/out/sync.txt"
