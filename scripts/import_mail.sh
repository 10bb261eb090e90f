#!/usr/bin/env bash
# import_mail.sh — a one-off import of bounce emails from Maildir folders and mbox files into
# bounce_mgmt.ingest_email(): scripts/import_mail.sh ~/Maildir/.Bounces /var/mail/bounces ...
# The database comes from the usual libpq settings (PGHOST, PGDATABASE, PGSERVICE ...).  Each message is
# ingested in its own statement; one that is not an email (or beyond a limit) is reported and skipped.
# Prints one line per message (file, events, inserted, duplicates, quarantined, error) and a total.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 <maildir-or-mbox>..." >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# every message as one file: Maildir messages as they are, mbox files split at their "From " lines
n=0
for src in "$@"; do
	if [ -d "$src" ]; then
		for d in "$src/cur" "$src/new" "$src"; do
			[ -d "$d" ] || continue
			find "$d" -maxdepth 1 -type f -print0 | while IFS= read -r -d '' f; do
				printf '%s\0' "$f"
			done
		done
	elif [ -f "$src" ]; then
		awk -v dir="$work" -v base="$(basename "$src")" '
			/^From / { n++; out = sprintf("%s/%s.%06d", dir, base, n); next }
			out != "" { sub(/^>From /, "From "); print > out }' "$src"
		find "$work" -maxdepth 1 -type f -name "$(basename "$src").*" -print0
	else
		echo "import_mail: $src is neither a Maildir folder nor an mbox file" >&2
	fi
done | sort -zu > "$work/list"

{
	cat <<'SQL'
CREATE TEMP TABLE bm_import (file text, b64 text);
CREATE FUNCTION pg_temp.try_ingest(m bytea, OUT events int, OUT inserted int, OUT duplicates int,
                                   OUT quarantined int, OUT error text) LANGUAGE plpgsql AS $$
BEGIN
    SELECT r.events, r.inserted, r.duplicates, r.quarantined INTO events, inserted, duplicates, quarantined
      FROM bounce_mgmt.ingest_email(m) r;
EXCEPTION WHEN query_canceled THEN RAISE;
WHEN OTHERS THEN
    error := SQLSTATE || ' ' || SQLERRM;
END $$;
\copy bm_import FROM STDIN
SQL
	while IFS= read -r -d '' f; do
		printf '%s\t%s\n' "$(printf '%s' "$f" | tr '\t\n\\' '   ')" "$(base64 -w0 < "$f")"
	done < "$work/list"
	cat <<'SQL'
\.
\pset footer off
CREATE TEMP TABLE bm_result AS
    SELECT i.file, r.* FROM bm_import i, pg_temp.try_ingest(decode(i.b64, 'base64')) r;
SELECT * FROM bm_result ORDER BY file;
SELECT count(*) AS messages, sum(events) AS events, sum(inserted) AS inserted, sum(duplicates) AS duplicates,
       sum(quarantined) AS quarantined, count(error) AS refused
  FROM bm_result;
SQL
} | psql -X -q -v ON_ERROR_STOP=1
