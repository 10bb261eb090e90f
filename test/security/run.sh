#!/usr/bin/env bash
# run.sh — the security suite: replays the attack classes of the security review (issue 15) against the
# installed extension as non-superuser login roles, and the bad-input matrix.  pg_regress with its own
# input folder; results in build/security/.  Needs PGHOST/PGPORT/PGUSER (a superuser) of a running server.
# Afterwards README's bad-input table must equal what scripts/bad_input_matrix.sh makes of the results.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
PG_CONFIG=${PG_CONFIG:-pg_config}
regress="$("$PG_CONFIG" --pkglibdir)/pgxs/src/test/regress/pg_regress"
out="$repo/build/security"
mkdir -p "$out"
tests=$(grep -v '^#' "$here/schedule")
status=0
"$regress" --inputdir="$here" --outputdir="$out" --bindir="$("$PG_CONFIG" --bindir)" \
	--dbname=bm_security --load-extension=bounce_mgmt $tests || status=$?
if [ $status -ne 0 ]; then
	[ -f "$out/regression.diffs" ] && cat "$out/regression.diffs"
	exit $status
fi
"$repo/scripts/bad_input_matrix.sh" --check
