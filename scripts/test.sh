#!/usr/bin/env bash
# test.sh — every test: C unit tests of the core, then a libFuzzer smoke run of every parser beside the tests
# that need a server (scripts/cluster_tests.sh in a throwaway cluster: pg_regress, isolation, stress, upgrade,
# dump/restore, security, accuracy, mail, HTTP sync, pg_cron, the demo and README's SQL).
# Usage: scripts/test.sh           (FUZZ_SECONDS=2 per fuzz target by default, 0 skips; as root it installs
#                                   missing Debian packages itself)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

FUZZ_SECONDS=${FUZZ_SECONDS:-2}
ensure_deps test
build_and_install

say "C unit tests"
make -C "$REPO_ROOT" -s -j2 unit

# The fuzz smoke run is one process at a time and the SQL suites mostly wait on the server, pg_cron and the
# test HTTP server, so the two run side by side; the fuzz output goes to a log, shown at the end.
fuzz_log="$REPO_ROOT/build/fuzz-smoke.log"
fuzz_pid=""
if [ "$FUZZ_SECONDS" = 0 ]; then
	say "fuzz smoke run skipped (FUZZ_SECONDS=0)"
else
	mkdir -p "$REPO_ROOT/build"
	say "fuzz smoke run ($FUZZ_SECONDS s per target) in the background, log: build/fuzz-smoke.log"
	# (its own process group, so that a failing SQL test stops it and its fuzzer)
	setsid bash -c 'make -C "$1" -s -j2 fuzz-build && make -C "$1" -s fuzz FUZZ_SECONDS="$2"' fuzz \
		"$REPO_ROOT" "$FUZZ_SECONDS" >"$fuzz_log" 2>&1 &
	fuzz_pid=$!
	trap 'kill -- -$fuzz_pid 2>/dev/null || true' EXIT
fi

say "SQL tests in a throwaway cluster"
# cron.database_name must exist before pg_cron's launcher looks for it: the in-cluster script creates it.
with_throwaway_cluster "$REPO_ROOT/scripts/cluster_tests.sh"

if [ -n "$fuzz_pid" ]; then
	say "waiting for the fuzz smoke run"
	if ! wait "$fuzz_pid"; then
		tail -80 "$fuzz_log"
		die "the fuzz smoke run failed (log: build/fuzz-smoke.log)"
	fi
	trap - EXIT
	cat "$fuzz_log"
fi

say "all tests passed"
