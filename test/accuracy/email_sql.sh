#!/usr/bin/env bash
# email_sql.sh — the bounce-email reader through SQL: all 591 Sisimai corpus emails
# (test/fixtures/sisimai/eml) go through parse_bounce_email() and ingest_email() in a scratch database,
# and the agreement with Sisimai's verdicts (expected.tsv, recipients from details.tsv, matched by address)
# must equal what the pure-C check (scripts/email_accuracy.sh) finds: the SQL layer adds nothing and
# loses nothing.  Every email is stored without an error; ingesting them all again stores nothing new.
# Needs PGHOST/PGPORT/PGUSER of a server with the extension.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fx="$here/../fixtures/sisimai"
mkdir -p "$here/../../build/accuracy"
db=bm_email_accuracy
psql() { command psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

psql -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d "$db" -c "CREATE EXTENSION bounce_mgmt" -c "UPDATE bounce_mgmt.settings SET event_retention = '100 years'" \
	-c "CREATE TABLE mails (file text PRIMARY KEY, b64 text NOT NULL)" \
	-c "CREATE TABLE expected (file text, idx int, status text, replycode text, reason text, hardbounce boolean, diagnostic text)" \
	-c "CREATE TABLE details (file text, idx int, softbounce text, status_pseudo text, decodedby text, diagnostictype text,
	                          command text, action text, feedbacktype text, recipient text, rhost text, diagnostic_source text)"
# the server reads the files itself (one statement, no process per email)
psql -d "$db" -v dir="$(cd "$fx/eml" && pwd)/" <<'SQL'
INSERT INTO mails SELECT f, encode(pg_read_binary_file(:'dir' || f), 'base64') FROM pg_ls_dir(:'dir') f WHERE f LIKE '%.eml';
SQL
psql -d "$db" -c "\\copy expected FROM '$fx/expected.tsv' WITH (FORMAT csv, DELIMITER E'\\t', QUOTE E'\\x01', HEADER true)" \
	-c "\\copy details FROM '$fx/details.tsv' WITH (FORMAT csv, DELIMITER E'\\t', QUOTE E'\\x01', HEADER true)"

got=$(psql -d "$db" <<'SQL'
SET client_min_messages = error;
CREATE TABLE ours AS
    SELECT m.file, p.recipient, p.bounce_class, c.sisimai_name
      FROM mails m, bounce_mgmt.parse_bounce_email(decode(m.b64, 'base64')) p
      JOIN bounce_mgmt.reason_catalog() c ON c.reason = p.reason::text;
WITH e AS (
    SELECT x.file, x.idx, x.reason, x.hardbounce, lower(d.recipient) AS recipient
      FROM expected x JOIN details d USING (file, idx))
SELECT count(*) || ' ' || count(o.file) || ' '
       || count(*) FILTER (WHERE (o.bounce_class = 'hard') = e.hardbounce) || ' '
       || count(*) FILTER (WHERE o.sisimai_name = e.reason)
  FROM e LEFT JOIN LATERAL (
        SELECT * FROM ours o
         WHERE o.file = e.file
           AND (o.recipient = e.recipient
                -- a report naming no recipient: Sisimai writes a placeholder address
                OR (o.recipient IS NULL AND e.recipient = 'undisclosed-recipient-in-headers@libsisimai.org.invalid'))
         LIMIT 1) o
    ON true;
SQL
)
read -r total found hard reason <<< "$got"
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", 100 * a / b }'; }
echo "email accuracy through SQL: recipients found $(pct "$found" "$total") % ($found/$total), hard/soft $(pct "$hard" "$total") % ($hard/$total), reason $(pct "$reason" "$total") % ($reason/$total)"

# the same figures as the C check's (its build and run take a second; it fails below its gates)
"$here/../../scripts/email_accuracy.sh" > "$here/../../build/accuracy/email_c.txt" 2>&1 \
	|| { tail -5 "$here/../../build/accuracy/email_c.txt"; echo "FAIL: the bounce-email accuracy gate"; exit 1; }
c=$(sed -n 's/^recipients found .*(\([0-9]*\)\/[0-9]*).*/found \1/p; s/^hard\/soft agreement .*(\([0-9]*\)\/[0-9]*).*/hard \1/p; s/^reason agreement .*(\([0-9]*\)\/[0-9]*).*/reason \1/p' "$here/../../build/accuracy/email_c.txt" | tr '\n' ' ')
[ "$c" = "found $found hard $hard reason $reason " ] \
	|| { echo "FAIL: the SQL figures differ from the C check's ($c)"; exit 1; }

# every email through the write path, twice: no error, nothing stored twice
stored=$(psql -d "$db" <<'SQL'
SET client_min_messages = error;
CREATE TABLE first AS SELECT m.file, r.* FROM mails m, bounce_mgmt.ingest_email(decode(m.b64, 'base64')) r;
CREATE TABLE again AS SELECT m.file, r.* FROM mails m, bounce_mgmt.ingest_email(decode(m.b64, 'base64')) r;
SELECT (SELECT sum(inserted) FROM first) || ' ' || (SELECT sum(quarantined) FROM first) || ' '
       || (SELECT sum(inserted) FROM again) || ' ' || (SELECT count(*) FROM bounce_mgmt.events);
SQL
)
read -r ins quar ins2 events <<< "$stored"
[ "$ins2" = 0 ] && [ "$ins" = "$events" ] || { echo "FAIL: ingest_email stored $ins then $ins2 again ($events events)"; exit 1; }
echo "ingest_email: 591 emails stored $ins events ($quar recipients quarantined); all of them again: $ins2 new"
