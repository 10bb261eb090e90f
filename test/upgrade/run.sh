#!/usr/bin/env bash
# run.sh — the upgrade test: for every frozen release listed in test/upgrade/releases, build that release's
# library from git, install it, create the extension at that version and use every feature
# (workload.sql), record what the database answers (answers.sql), put the current library back,
# ALTER EXTENSION bounce_mgmt UPDATE, and check (1) the answers are the same and (2) the catalog equals a
# fresh install of the current version (schema_snapshot.sql).  Needs a running server (PGHOST/PGPORT/
# PGUSER of a throwaway cluster), git history (the release commits), and root to swap the library.
# Called by scripts/cluster_tests.sh; output goes to build/upgrade/.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/build/upgrade"
PG_CONFIG=${PG_CONFIG:-pg_config}
# the server's library folder (scripts/sandbox.sh points it at its private copy)
libdir=${BM_PKGLIBDIR:-$("$PG_CONFIG" --pkglibdir)}
current_so="$repo/bounce_mgmt.so"
mkdir -p "$out"
[ -f "$current_so" ] || { echo "upgrade test: build the extension first ($current_so missing)"; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# the current library goes back in place whatever happens
restore_current() { as_root install -m 755 "$current_so" "$libdir/bounce_mgmt.so"; }
trap restore_current EXIT

fresh_db=bm_upgrade_fresh
psql -d postgres -c "DROP DATABASE IF EXISTS $fresh_db" -c "CREATE DATABASE $fresh_db"
psql -d "$fresh_db" -c "CREATE EXTENSION bounce_mgmt"
psql -d "$fresh_db" -f "$here/schema_snapshot.sql" > "$out/fresh.snapshot"
current=$(psql -At -d "$fresh_db" -c "SELECT extversion FROM pg_extension WHERE extname = 'bounce_mgmt'")

status=0
while read -r version commit; do
	case "$version" in ''|'#'*) continue ;; esac
	echo "upgrade test: $version (commit $commit) -> $current"
	if ! git -C "$repo" cat-file -e "$commit^{commit}" 2>/dev/null; then
		git -C "$repo" fetch -q --unshallow 2>/dev/null || true
	fi
	git -C "$repo" cat-file -e "$commit^{commit}" 2>/dev/null \
		|| { echo "upgrade test: commit $commit of release $version is not in this clone's history"; exit 1; }

	# the old library, built from the release's sources (no JIT bitcode: not needed here)
	src="$out/src-$version"
	rm -rf "$src" && mkdir -p "$src"
	git -C "$repo" archive "$commit" | tar -x -C "$src"
	make -C "$src" -s -j2 PG_CONFIG="$PG_CONFIG" with_llvm=no bounce_mgmt.so > "$out/build-$version.log" 2>&1 \
		|| { tail -30 "$out/build-$version.log"; exit 1; }
	as_root install -m 755 "$src/bounce_mgmt.so" "$libdir/bounce_mgmt.so"

	db=bm_upgrade_from_${version//./_}
	psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
	psql -d "$db" -c "ALTER DATABASE $db SET jit = off" -c "CREATE EXTENSION bounce_mgmt VERSION '$version'"
	psql -d "$db" -v fixtures="$repo/test/fixtures/providers" -f "$here/workload.sql" > "$out/workload-$version.out"
	psql -d "$db" -f "$here/answers.sql" > "$out/answers-$version-before.out"

	# the new library; before the update, ingestion refuses to run with a clear error (55000), then the
	# update in a new session
	restore_current
	refused=$(command psql -X -q -At -v VERBOSITY=sqlstate -d "$db" -c "SELECT inserted FROM bounce_mgmt.ingest('[]', 'sendgrid')" 2>&1 || true)
	[ "$refused" = "ERROR:  55000" ] || { echo "upgrade test: ingest() with the $version SQL and the new library: '$refused', not 55000"; status=1; }
	psql -d "$db" -c "ALTER EXTENSION bounce_mgmt UPDATE"
	got=$(psql -At -d "$db" -c "SELECT extversion FROM pg_extension WHERE extname = 'bounce_mgmt'")
	[ "$got" = "$current" ] || { echo "upgrade test: $version updated to $got, not $current"; status=1; }
	psql -d "$db" -f "$here/answers.sql" > "$out/answers-$version-after.out"
	# the seeded thresholds' minimum volume as a fresh install has it (a new column the update fills)
	q="SELECT string_agg(metric || ' ' || domain_group || ' ' || min_sent, ', ' ORDER BY metric, domain_group) FROM bounce_mgmt.rate_thresholds"
	[ "$(psql -At -d "$db" -c "$q")" = "$(psql -At -d "$fresh_db" -c "$q")" ] \
		|| { echo "upgrade test: rate_thresholds.min_sent after the update: $(psql -At -d "$db" -c "$q")"; status=1; }
	psql -d "$db" -f "$here/schema_snapshot.sql" > "$out/upgraded-$version.snapshot"

	if ! diff -u "$out/answers-$version-before.out" "$out/answers-$version-after.out" > "$out/answers-$version.diff"; then
		echo "upgrade test: $version -> $current changed what the database answers:"; head -80 "$out/answers-$version.diff"
		status=1
	fi
	if ! diff -u "$out/fresh.snapshot" "$out/upgraded-$version.snapshot" > "$out/schema-$version.diff"; then
		echo "upgrade test: $version -> $current differs from a fresh install (- fresh, + upgraded):"
		head -120 "$out/schema-$version.diff"
		status=1
	fi
	[ $status -eq 0 ] && echo "upgrade test: $version -> $current: same answers, same catalog as a fresh install ($(wc -l < "$out/fresh.snapshot") facts)"
done < "$here/releases"
exit $status
