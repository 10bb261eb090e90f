#!/usr/bin/env bash
# hygiene.sh — list hygiene's figures (issue 11) in one run; `bench/run.sh hygiene` calls it.  Output:
# stdout and bench/out/hygiene.txt.
#   1. the write path with engagement upkeep (bench/hygiene_writepath.sql): writepath's 20 SendGrid batches
#      of 10,000 events through ingest(), this tree against the build just before list hygiene
#      (HYGIENE_BASELINE, default 843b220: no engagement, no unsubscribes), each build in a sandbox of its
#      own (scripts/sandbox.sh; the baseline's tree is exported to build/bench-hygiene/<commit>), driven
#      from a third database through dblink so that the two alternate batch by batch; HYGIENE_ROUNDS rounds
#      (default 5), each from empty tables after a checkpoint; COPY of each build's own flattened event
#      rows is the floor.  Medians, and the medians of the new / old ratios per run and per batch.
#   2. bench/hygiene_lists.sql (HYGIENE_LISTS=0 skips it): stale_recipients, can_send by purpose,
#      winback_start and the win-back steps of run_maintenance() over 1,000,000 addresses, in this tree's
#      sandbox.
# Measurements, not tests: nothing fails on a slow machine.  Sandboxes this script started are stopped at
# the end, and its databases dropped (HYGIENE_KEEP=1 keeps both).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
ensure_deps
mkdir -p "$REPO_ROOT/bench/out"
rounds=${HYGIENE_ROUNDS:-5}
db=bm_bench_hyg
commit=$(git -C "$REPO_ROOT" rev-parse --verify -q "${HYGIENE_BASELINE:-843b220}^{commit}") \
	|| die "hygiene.sh needs the git history: no commit ${HYGIENE_BASELINE:-843b220} in $REPO_ROOT"
base="$REPO_ROOT/build/bench-hygiene/${commit:0:12}"
if [ ! -f "$base/.exported" ]; then
	say "exporting the baseline ${commit:0:12} to $base"
	rm -rf "$base"
	mkdir -p "$base"
	git -C "$REPO_ROOT" archive "$commit" | tar -x -C "$base"
	touch "$base/.exported"
fi
work=$(mktemp -d)
chmod 777 "$work"   # the servers write and read the COPY files there

declare -A tree=([new]="$REPO_ROOT" [old]="$base") host port started
for side in new old; do
	[ -f "${tree[$side]}/build/sandbox/data/postmaster.pid" ] && started[$side]=0 || started[$side]=1
done
cleanup() {
	for side in new old; do
		[ -n "${port[$side]:-}" ] || continue
		if [ "${HYGIENE_KEEP:-0}" != 1 ]; then
			for d in "$db" "${db}_driver" "${db}_lists"; do
				PGOPTIONS='-c client_min_messages=warning' \
					dropdb -h "${host[$side]}" -p "${port[$side]}" -U postgres --if-exists "$d" || true
			done
		fi
		[ "${started[$side]}" = 1 ] && "${tree[$side]}/scripts/sandbox.sh" --stop
	done
	rm -rf "$work"
}
trap cleanup EXIT
for side in new old; do
	say "building and starting the $side build's sandbox (${tree[$side]})"
	read -r host[$side] port[$side] < <("${tree[$side]}/scripts/sandbox.sh" bash -c 'echo "$PGHOST $PGPORT"')
	[ -n "${port[$side]}" ] || die "the $side sandbox did not start"
done
q() { # side, psql arguments
	local side=$1
	shift
	PGOPTIONS='-c client_min_messages=warning' \
		psql -X -q -At -v ON_ERROR_STOP=1 -h "${host[$side]}" -p "${port[$side]}" -U postgres "$@"
}
for side in new old; do
	q "$side" -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
	q "$side" -d "$db" -f "$REPO_ROOT/bench/hygiene_setup.sql" > /dev/null
done

# ---- 1. the write path, the two builds alternating (bench/hygiene_writepath.sql) -----------------------
conn() { echo "host=${host[$1]} port=${port[$1]} user=postgres dbname=$db"; }
{
	say "benchmark hygiene, 1: $rounds rounds of 20 batches, this tree (new) and ${commit:0:12} (old) alternating"
	q new -d postgres -c "DROP DATABASE IF EXISTS ${db}_driver" -c "CREATE DATABASE ${db}_driver"
	PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h "${host[new]}" -p "${port[new]}" \
		-U postgres -d "${db}_driver" -v new_conn="$(conn new)" -v old_conn="$(conn old)" -v rounds="$rounds" \
		-v work="$work" -v baseline="${commit:0:12}" -f "$REPO_ROOT/bench/hygiene_writepath.sql"
	# ---- 2. over 1,000,000 addresses ------------------------------------------------------------------
	[ "${HYGIENE_LISTS:-1}" = 1 ] || exit 0
	say "benchmark hygiene, 2: bench/hygiene_lists.sql over 1,000,000 addresses"
	q new -d postgres -c "DROP DATABASE IF EXISTS ${db}_lists" -c "CREATE DATABASE ${db}_lists"
	PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h "${host[new]}" -p "${port[new]}" \
		-U postgres -d "${db}_lists" -f "$REPO_ROOT/bench/hygiene_lists.sql"
} | tee "$REPO_ROOT/bench/out/hygiene.txt"
