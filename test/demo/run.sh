#!/usr/bin/env bash
# run.sh — scripts/demo.sql (the main job's script) in a fresh database of the running server, so the demo
# cannot rot: every statement must succeed, and the figures it shows must be the ones it is about — events
# stored, rates with verdicts, notices, a win-back campaign closed with its non-responders removed, a
# marketing unsubscribe honoured, a bought list's typo found.  Needs PGHOST/PGPORT/PGUSER (a superuser).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
db=bm_demo_test
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
out=$(psql -d "$db" -v repo="$repo" -f "$repo/scripts/demo.sql" 2>&1) || { echo "$out" | tail -20; echo "FAIL: demo.sql"; exit 1; }
fail=0
want() {	# want <what> <extended regex>
	grep -Eq -- "$2" <<< "$out" || { echo "FAIL: demo: $1 (no line matching /$2/)"; fail=1; }
}
want "a fixture stored" '│ sendgrid/[a-z_]+\.json +│ +[1-9][0-9]* │ +[1-9]'
want "a weekly verdict" '│ (ok|review|pause) +│$'
want "a notice to show" '│ hard +│ user_unknown'
want "the win-back closed with removals" '│ demo win-back │ +[1-9][0-9]* │ .* │ +[1-9][0-9]* │ t +│$'
want "inactive suppressions" '│ inactive +│ +[1-9]'
want "a marketing unsubscribe" '│ t +│ f +│ f +│$'
want "a typo found" '│ taro@gmial\.com .*│ gmail\.com'
psql -d postgres -c "DROP DATABASE $db"
[ $fail -eq 0 ] && echo "demo: scripts/demo.sql ran, and shows what it is about"
exit $fail
