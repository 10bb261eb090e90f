#!/usr/bin/env bash
# cluster_tests.sh — the tests that need a running server; run inside a throwaway cluster by test.sh
# (PGHOST/PGPORT/PGUSER set).  pg_regress and isolation via PGXS installcheck, the corpus accuracy check, the
# concurrent-ingestion stress check, the upgrade test from every frozen release, the sync tests against the
# local HTTP server, the pg_cron run, the demo and every SQL block of README.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"

status=0
t0=$SECONDS
make -s installcheck PG_CONFIG="${PG_CONFIG:-pg_config}" || status=$?
if [ $status -ne 0 ]; then
	for f in regression.diffs output_iso/regression.diffs; do
		[ -f "$f" ] && { echo "---- $f"; cat "$f"; }
	done
	exit $status
fi
echo "-- installcheck took $((SECONDS - t0)) s"

# each step with its time; the pg_cron test is scheduled first and checked last, so its wait for the next
# whole minute overlaps the other suites
step() {
	local t0=$SECONDS
	"$@"
	echo "-- $* took $((SECONDS - t0)) s"
}
test/cron/run.sh start
trap 'test/cron/run.sh stop' EXIT
step test/stress/run.sh
step test/upgrade/run.sh
step test/dump/run.sh
step test/security/run.sh
step test/accuracy/run.sh
step test/accuracy/email_sql.sh
step test/mail/run.sh
step test/http/run.sh
step test/cron/run.sh check
step test/demo/run.sh
step test/readme/run.sh
