#!/usr/bin/env bash
# typedefs.sh — writes typedefs.list: the type names this repository defines (typedef ... name; and
# } name; in src/ and test/), one per line, sorted.  pgindent needs them to format declarations
# ("bm_event	ev;", not "bm_event ev;"); scripts/format.sh passes them with PostgreSQL's own list.
# Run it after adding a typedef; scripts/format.sh --check fails when the list is stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-typedefs.list}
find src test bench -name '*.[ch]' -not -path 'test/fuzz/corpus/*' -print0 |
	xargs -0 cat |
	tr -d '\r' |
	sed -n -E \
		-e 's/^[[:space:]]*typedef[[:space:]].*[[:space:]*]([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*;.*$/\1/p' \
		-e 's/^[[:space:]]*typedef[[:space:]].*\([[:space:]]*\*[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\).*$/\1/p' \
		-e 's/^[[:space:]]*}[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*;.*$/\1/p' |
	LC_ALL=C sort -u > "$out.tmp"
mv "$out.tmp" "$out"
echo "typedefs.sh: $(wc -l < "$out") names in $out"
