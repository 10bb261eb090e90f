#!/usr/bin/env bash
# run.sh — the README's ways of getting bounce emails in, run for real: the mail filter a Postfix pipe
# transport, a .forward or procmail hands each bounce to (scripts/bm-ingest-email, one message on stdin),
# and the one-off import of a Maildir folder and an mbox file (scripts/import_mail.sh), with corpus
# emails and one message that is not an email.  Needs PGHOST/PGPORT/PGUSER of a server with the extension.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
eml="$repo/test/fixtures/sisimai/eml"
export PGDATABASE=bm_mail_import
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
psql() { command psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
fail() { echo "FAIL: $*"; exit 1; }

psql -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $PGDATABASE" -c "CREATE DATABASE $PGDATABASE"
psql -c "CREATE EXTENSION bounce_mgmt" -c "UPDATE bounce_mgmt.settings SET event_retention = '100 years'"

# the filter: one message on stdin, the summary on stdout; the same message again is a duplicate
got=$("$repo/scripts/bm-ingest-email" < "$eml/rfc3464-01.eml" | cut -d' ' -f2-)
[ "$got" = "1 1 0 0" ] || fail "bm-ingest-email: '$got'"
got=$("$repo/scripts/bm-ingest-email" < "$eml/rfc3464-01.eml" | cut -d' ' -f2-)
[ "$got" = "1 0 1 0" ] || fail "bm-ingest-email again: '$got'"
# not an email: exit 75, so the MTA keeps it and tries again later (and the error on stderr)
set +e
echo "no header at all" | "$repo/scripts/bm-ingest-email" > /dev/null 2> "$work/err"
code=$?
set -e
[ $code = 75 ] && grep -q "not an email message" "$work/err" || fail "bm-ingest-email on junk: exit $code, $(cat "$work/err")"

# a Maildir folder (cur/ and new/) and an mbox file of corpus emails, plus a file that is not an email
mkdir -p "$work/Maildir/cur" "$work/Maildir/new" "$work/Maildir/tmp"
cp "$eml/lhost-postfix-01.eml" "$work/Maildir/cur/1.host:2,S"
cp "$eml/lhost-exim-01.eml" "$work/Maildir/new/2.host"
echo "junk" > "$work/Maildir/new/3.host"
for f in lhost-qmail-01 lhost-gmail-01 arf-01; do
	echo "From MAILER-DAEMON Mon Nov 30 10:00:00 2026"
	sed 's/^From />From /' "$eml/$f.eml"
	echo
done > "$work/bounces.mbox"
"$repo/scripts/import_mail.sh" "$work/Maildir" "$work/bounces.mbox" > "$work/import.out"
total=$(tail -4 "$work/import.out" | grep -E '^ *[0-9]+ *\|' | tr -d ' ')
[ "$total" = "6|5|5|0|0|1" ] || { cat "$work/import.out"; fail "import_mail totals: '$total'"; }
stored=$(psql -c "SELECT count(*) FROM bounce_mgmt.events WHERE provider = 'email'")
[ "$stored" = 6 ] || fail "events stored: $stored"
echo "mail in: the filter stored a bounce once (then a duplicate, junk refused with exit 75); import_mail.sh read 3 Maildir files and 3 mbox messages: 5 events, 1 refused"
