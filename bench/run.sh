#!/usr/bin/env bash
# run.sh — run benchmarks in a throwaway cluster: bench/run.sh [name ...]  (default: classify).
#   SQL benchmarks (bench/<name>.sql): classify, ingest, lifecycle, big_payload
#   scripted ones (bench/<name>.sh): writepath (issue 9's figures), sync, email
# Builds and installs the extension first (as scripts/demo.sh does).  Results go to stdout and
# bench/out/<name>.txt.  Benchmarks are measurements, not tests: they never fail on a slow machine.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(classify)
ensure_deps
build_and_install
mkdir -p "$REPO_ROOT/bench/out"
for n in "${names[@]}"; do
	if [ -x "$REPO_ROOT/bench/$n.sh" ]; then
		"$REPO_ROOT/bench/$n.sh"
		continue
	fi
	[ -f "$REPO_ROOT/bench/$n.sql" ] || die "no benchmark bench/$n.sql or bench/$n.sh"
	say "benchmark $n"
	with_throwaway_cluster bash -c '
		set -e
		createdb bm_bench
		psql -X -q -v ON_ERROR_STOP=1 -d bm_bench -v repo="'"$REPO_ROOT"'" -f "'"$REPO_ROOT"'/bench/'"$n"'.sql"
	' | tee "$REPO_ROOT/bench/out/$n.txt"
done
