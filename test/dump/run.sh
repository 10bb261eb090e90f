#!/usr/bin/env bash
# run.sh — dump and restore: a database that used every feature (workload.sql) is dumped with
# pg_dump -Fc and restored into a new database with pg_restore --single-transaction --exit-on-error;
# every table, partition, sequence and the main answers must be the same (compare.sql).  A plain-format
# dump restored with psql must work as well.  Needs PGHOST/PGPORT/PGUSER of a running server.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/build/dump"
mkdir -p "$out"
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }

for db in bm_dump_src bm_dump_dst bm_dump_plain; do psql -d postgres -c "DROP DATABASE IF EXISTS $db"; done
psql -d postgres -c "CREATE DATABASE bm_dump_src"
psql -d bm_dump_src -c "CREATE EXTENSION bounce_mgmt"
psql -d bm_dump_src -v fixtures="$repo/test/fixtures/providers" -f "$here/workload.sql" > "$out/workload.out"
psql -d bm_dump_src -f "$here/compare.sql" > "$out/before.txt"

pg_dump -Fc -d bm_dump_src -f "$out/dump.custom"
psql -d postgres -c "CREATE DATABASE bm_dump_dst"
pg_restore --single-transaction --exit-on-error -d bm_dump_dst "$out/dump.custom" 2> "$out/restore.err" \
	|| { echo "dump test: pg_restore failed:"; cat "$out/restore.err"; exit 1; }
psql -d bm_dump_dst -f "$here/compare.sql" > "$out/after.txt"

pg_dump -Fp -d bm_dump_src -f "$out/dump.sql"
psql -d postgres -c "CREATE DATABASE bm_dump_plain"
psql -d bm_dump_plain -v ON_ERROR_STOP=1 --single-transaction -f "$out/dump.sql" > /dev/null 2> "$out/plain.err" \
	|| { echo "dump test: the plain dump did not restore:"; cat "$out/plain.err"; exit 1; }
psql -d bm_dump_plain -f "$here/compare.sql" > "$out/after_plain.txt"

status=0
for f in after after_plain; do
	if ! diff -u "$out/before.txt" "$out/$f.txt" > "$out/$f.diff"; then
		echo "dump test: the restored database ($f) differs (- original, + restored):"; head -60 "$out/$f.diff"; status=1
	fi
done
[ $status -eq 0 ] && echo "dump test: pg_dump -Fc / pg_restore --single-transaction --exit-on-error and a plain dump restore every table, partition, sequence and answer ($(wc -l < "$out/before.txt") lines compared)"
exit $status
