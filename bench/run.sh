#!/usr/bin/env bash
# run.sh — run benchmarks in a throwaway cluster: bench/run.sh <name...>; without a name it lists them
# and runs nothing (they take minutes each).  bench/<name>.sh when there is one (writepath, sync, email,
# hygiene: they start what they need), else bench/<name>.sql.
# Builds and installs the extension first (as scripts/demo.sh does).  Results go to stdout and
# bench/out/<name>.txt.  Benchmarks are measurements, not tests: they never fail on a slow machine.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	echo "usage: bench/run.sh <name...>    each runs in a throwaway cluster:"
	for f in "$REPO_ROOT"/bench/*.sql; do
		n=$(basename "$f" .sql)
		case "$n" in	# parts of other benchmarks
			sync|writepath_setup|sql_ingester|sendgrid_batches|hygiene_setup|hygiene_writepath) continue ;;
		esac
		printf '  %-12s %s\n' "$n" "$(sed -n '1s/^-- [^ ]* — //p' "$f")"
	done
	for f in "$REPO_ROOT"/bench/*.sh; do
		n=$(basename "$f" .sh)
		case "$n" in run|writepath_run) continue ;; esac
		printf '  %-12s %s\n' "$n" "$(sed -n '2s/^# [^ ]* — //p' "$f")"
	done
	exit 0
fi
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
