#!/usr/bin/env bash
# format.sh — PostgreSQL's pgindent over this repository's C files, with its typedefs (typedefs.list,
# from scripts/typedefs.sh) added to PostgreSQL's own list.
#   scripts/format.sh [--check] [file...]     default: every .c/.h of src/, test/unit/, test/fuzz/,
#                                             test/accuracy/ and bench/ (not the .def data tables)
# --check changes nothing and fails when a file would change or typedefs.list is stale (for CI).
# pgindent and pg_bsd_indent come with PostgreSQL's source tree (16 or later: src/tools/pgindent/pgindent
# and src/tools/pg_bsd_indent, built with the tree); Debian packages neither.  Point PG_SRC at such a tree
# (pg_bsd_indent built in it, or on PATH), or put pgindent and pg_bsd_indent on PATH and PG_TYPEDEFS at
# PostgreSQL's typedefs.list.  Without them the script says so and fails: it never formats by another rule.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
check=false
if [ "${1:-}" = --check ]; then check=true; shift; fi

pgindent=${PGINDENT:-}
if [ -z "$pgindent" ] && [ -n "${PG_SRC:-}" ]; then
	pgindent=$PG_SRC/src/tools/pgindent/pgindent
	: "${PG_TYPEDEFS:=$PG_SRC/src/tools/pgindent/typedefs.list}"
	[ -x "$PG_SRC/src/tools/pg_bsd_indent/pg_bsd_indent" ] && export PATH="$PG_SRC/src/tools/pg_bsd_indent:$PATH"
fi
[ -n "$pgindent" ] || pgindent=$(command -v pgindent || true)
if [ -z "$pgindent" ] || ! command -v pg_bsd_indent >/dev/null || [ ! -f "${PG_TYPEDEFS:-}" ]; then
	echo "format.sh: needs pgindent, pg_bsd_indent and PostgreSQL's typedefs.list (set PG_SRC to a built" >&2
	echo "PostgreSQL 16+ source tree, or PGINDENT and PG_TYPEDEFS); none of them is packaged by Debian." >&2
	exit 2
fi

# typedefs.list must list what the sources define
mkdir -p build
scripts/typedefs.sh build/typedefs.current >/dev/null
if ! cmp -s build/typedefs.current typedefs.list; then
	if $check; then echo "format.sh: typedefs.list is stale: run scripts/typedefs.sh" >&2; exit 1; fi
	cp build/typedefs.current typedefs.list
fi
cat "$PG_TYPEDEFS" typedefs.list | LC_ALL=C sort -u > build/typedefs.all

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
	mapfile -t files < <(find src test/unit test/fuzz test/accuracy bench -name '*.[ch]' -not -path 'test/fuzz/corpus/*' | LC_ALL=C sort)
fi
if $check; then
	"$pgindent" --typedefs=build/typedefs.all --diff "${files[@]}" > build/format.diff || true
	if [ -s build/format.diff ]; then cat build/format.diff; echo "format.sh: the files above need formatting" >&2; exit 1; fi
	echo "format.sh: ${#files[@]} files formatted"
else
	"$pgindent" --typedefs=build/typedefs.all "${files[@]}"
fi
