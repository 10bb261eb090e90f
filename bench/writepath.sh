#!/usr/bin/env bash
# writepath.sh — the write path's figures (issue 9) in one run, in a throwaway cluster; `bench/run.sh
# writepath` calls it.  Output: stdout and bench/out/writepath.txt.
#   1. one SES/SNS notification = one ingest() call of one event, against a plain single-row
#      INSERT ... ON CONFLICT of the same row into the same events table: pgbench -M prepared, 1/2/4 clients;
#   2. the wait of a one-event webhook beside a transaction that ingested and is still open, and beside a
#      CALL sync() whose provider answers slowly (test/http/server.py, slowlater=3);
#   3. 20 batches of 10,000 SendGrid events: ingest(), the hand-written SQL ingester, and COPY of the same
#      rows into the same table with the same indexes (best of 3 runs, each from empty tables).
# Measurements, not tests: nothing fails on a slow machine.  WRITEPATH_SECONDS (default 10) per pgbench run.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
ensure_deps
build_and_install
mkdir -p "$REPO_ROOT/bench/out"
work=$(mktemp -d)
chmod 777 "$work"   # the server writes and reads the COPY file there
python3 "$REPO_ROOT/test/http/server.py" --port 0 --portfile "$work/port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
export BM_PORT=$(cat "$work/port") BM_WORK="$work" BM_SECONDS=${WRITEPATH_SECONDS:-10}
say "benchmark writepath (server on 127.0.0.1:$BM_PORT, ${BM_SECONDS} s per pgbench run)"
with_throwaway_cluster bash "$REPO_ROOT/bench/writepath_run.sh" | tee "$REPO_ROOT/bench/out/writepath.txt"
