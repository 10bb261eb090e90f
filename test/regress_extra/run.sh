#!/usr/bin/env bash
# run.sh — the regression tests of test/regress_extra/ (NAME.sql + NAME.out: pg_regress; NAME.spec +
# NAME.out: isolation tester), waiting to be moved into the main schedule (sql/, expected/, specs/).
# Needs PGHOST/PGPORT/PGUSER of a server with the extension installed: scripts/sandbox.sh test/regress_extra/run.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
PG_CONFIG=${PG_CONFIG:-pg_config}
pgxs=$("$PG_CONFIG" --pkglibdir)/pgxs/src/test
out="$repo/build/regress_extra"
rm -rf "$out"
mkdir -p "$out/sql" "$out/specs" "$out/expected"
sql=() spec=()
for f in "$here"/*.sql; do n=$(basename "$f" .sql); sql+=("$n"); cp "$f" "$out/sql/"; cp "$here/$n.out" "$out/expected/"; done
for f in "$here"/*.spec; do n=$(basename "$f" .spec); spec+=("$n"); cp "$f" "$out/specs/"; cp "$here/$n.out" "$out/expected/"; done
status=0
"$pgxs/regress/pg_regress" --inputdir="$out" --outputdir="$out" --bindir="$("$PG_CONFIG" --bindir)" \
	--dbname=bm_regress_extra --load-extension=bounce_mgmt "${sql[@]}" || status=$?
"$pgxs/isolation/pg_isolation_regress" --inputdir="$out" --outputdir="$out/iso" --bindir="$("$PG_CONFIG" --bindir)" \
	--dbname=bm_regress_extra --load-extension=bounce_mgmt "${spec[@]}" || status=$?
if [ $status -ne 0 ]; then
	cat "$out"/regression.diffs "$out"/iso/regression.diffs 2>/dev/null || true
fi
exit $status
