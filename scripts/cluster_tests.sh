#!/usr/bin/env bash
# cluster_tests.sh — the tests that need a running server; run inside a throwaway cluster by test.sh
# (PGHOST/PGPORT/PGUSER set).  pg_regress and isolation via PGXS installcheck, the corpus accuracy check, the
# concurrent-ingestion stress check, the upgrade test from every frozen release, the sync tests against the local HTTP server, and the pg_cron run.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"

status=0
make -s installcheck PG_CONFIG="${PG_CONFIG:-pg_config}" || status=$?
if [ $status -ne 0 ]; then
	for f in regression.diffs output_iso/regression.diffs; do
		[ -f "$f" ] && { echo "---- $f"; cat "$f"; }
	done
	exit $status
fi

test/stress/run.sh
test/upgrade/run.sh
test/dump/run.sh
test/security/run.sh
test/accuracy/run.sh
test/accuracy/email_sql.sh
test/mail/run.sh
test/http/run.sh
test/cron/run.sh
test/readme/run.sh
