#!/usr/bin/env bash
# run.sh — run benchmarks in a throwaway cluster: bench/run.sh <name...> runs bench/<name>.sql for each
# name; without one it lists the benchmarks and runs nothing (they take minutes to hours each).
# Builds and installs the extension first (as scripts/demo.sh does).  Results go to stdout and
# bench/out/<name>.txt.  Benchmarks are measurements, not tests: they never fail on a slow machine.
# bench/sync.sh and bench/email.sh have their own drivers.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	echo "usage: bench/run.sh <name...>    each runs bench/<name>.sql in a throwaway cluster:"
	for f in "$REPO_ROOT"/bench/*.sql; do
		n=$(basename "$f" .sql)
		[ "$n" = sync ] && continue		# run by bench/sync.sh, which starts the HTTP server it needs
		printf '  %-12s %s\n' "$n" "$(sed -n '1s/^-- [^ ]* — //p' "$f")"
	done
	echo "also: bench/sync.sh (sync() against the local test server), bench/email.sh (bounce emails, no server)"
	exit 0
fi
ensure_deps
build_and_install
mkdir -p "$REPO_ROOT/bench/out"
for n in "${names[@]}"; do
	[ -f "$REPO_ROOT/bench/$n.sql" ] || die "no benchmark bench/$n.sql"
	say "benchmark $n"
	with_throwaway_cluster bash -c '
		set -e
		createdb bm_bench
		psql -X -q -v ON_ERROR_STOP=1 -d bm_bench -v repo="'"$REPO_ROOT"'" -f "'"$REPO_ROOT"'/bench/'"$n"'.sql"
	' | tee "$REPO_ROOT/bench/out/$n.txt"
done
