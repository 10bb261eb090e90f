#!/usr/bin/env bash
# run.sh — accuracy of bounce_mgmt.classify() on the Sisimai corpus (test/fixtures/sisimai/expected.tsv):
# feeds every row's diagnostic, reply code and status (Sisimai's invented X.0.9NN pseudo statuses left
# out) to classify() in a scratch database of the current server, prints hard/soft and reason agreement,
# writes the disagreements (with our notes from disputes.tsv) to build/accuracy/disagreements.tsv (inputs
# stay in test/, outputs go to the ignored build/), and fails below 94 % hard/soft or 89.9 % reason
# agreement (today 94.11 % and 89.97 %).  The project target for hard/soft is 97 %; it is not met: 30
# rows say "user unknown" in words and Sisimai labels them filtered (soft) from outside the text (its
# per-MTA decoders, the SMTP transcript), while it labels the same wording userunknown (hard) in 144
# other rows.  See README "Accuracy" and disputes.tsv.  The gates sit just under today's figures so any
# regression fails.  Needs PGHOST/PGPORT/PGUSER of a server with the extension.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
corpus="$here/../fixtures/sisimai/expected.tsv"
disputes="$here/disputes.tsv"
out="$(cd "$here/../.." && pwd)/build/accuracy/disagreements.tsv"
mkdir -p "$(dirname "$out")"
db=bm_accuracy
MIN_HARD=${MIN_HARD:-94.0}
TARGET_HARD=97.0
MIN_REASON=${MIN_REASON:-89.9}

psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }

psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d "$db" <<'SQL'
CREATE EXTENSION bounce_mgmt;
CREATE TABLE corpus (file text, idx int, status text, replycode text, reason text, hardbounce boolean,
                     diagnostic text);
CREATE TABLE disputes (file text, idx int, our_reason text, note text);
SQL
# tab-separated, no quoting: CSV mode with a quote character that never occurs
psql -d "$db" -c "\\copy corpus FROM '$corpus' WITH (FORMAT csv, DELIMITER E'\\t', HEADER true, QUOTE E'\\x01')"
if [ -f "$disputes" ]; then
	psql -d "$db" -c "\\copy disputes FROM '$disputes' WITH (FORMAT csv, DELIMITER E'\\t', HEADER true, QUOTE E'\\x01')"
fi

psql -d "$db" <<'SQL'
CREATE TABLE verdicts AS
SELECT c.*, v.bounce_class AS our_class, v.reason AS our_reason, r.sisimai_name AS our_sisimai,
       v.evidence
  FROM corpus c
 CROSS JOIN LATERAL bounce_mgmt.classify(
           nullif(c.diagnostic, ''),
           nullif(c.replycode, '')::int,
           CASE WHEN c.status ~ '^[245]\.[0-9]+\.[0-9]+$' AND c.status !~ '^[45]\.0\.9[0-9][0-9]$'
                THEN c.status::bounce_mgmt.smtp_status END) AS v
  JOIN bounce_mgmt.reason_catalog() r ON r.reason = v.reason::text;
SQL

read -r rows hard_pct reason_pct < <(psql -d "$db" -At -F ' ' -c "
SELECT count(*),
       round(100.0 * count(*) FILTER (WHERE (our_class = 'hard') = hardbounce) / count(*), 2),
       round(100.0 * count(*) FILTER (WHERE our_sisimai = reason) / count(*), 2)
  FROM verdicts")

{
	printf 'file\tindex\tsisimai_reason\tsisimai_hard\tour_reason\tour_class\tevidence\tnote\tdiagnostic\n'
	psql -d "$db" -At -F $'\t' -c "
	SELECT v.file, v.idx, v.reason, v.hardbounce, v.our_reason, v.our_class, v.evidence,
	       coalesce(d.note, ''), left(regexp_replace(v.diagnostic, '\s+', ' ', 'g'), 300)
	  FROM verdicts v LEFT JOIN disputes d ON d.file = v.file AND d.idx = v.idx
	 WHERE v.our_sisimai <> v.reason OR (v.our_class = 'hard') <> v.hardbounce
	 ORDER BY v.reason, v.file, v.idx"
} > "$out"

echo "accuracy on $rows Sisimai corpus rows: hard/soft agreement ${hard_pct}% (minimum $MIN_HARD, target $TARGET_HARD), reason agreement ${reason_pct}% (minimum $MIN_REASON)"
echo "disagreements: $(($(wc -l < "$out") - 1)) rows in ${out#$PWD/}"
psql -d "$db" -At -c "
SELECT '  ' || reason || ': ' || count(*) FILTER (WHERE our_sisimai = reason) || '/' || count(*)
  FROM verdicts GROUP BY reason ORDER BY count(*) DESC, reason" | paste -sd' ' | fold -s -w 110
psql -d postgres -c "DROP DATABASE $db"

awk -v h="$hard_pct" -v r="$reason_pct" -v mh="$MIN_HARD" -v mr="$MIN_REASON" \
	'BEGIN { exit !(h + 0 >= mh + 0 && r + 0 >= mr + 0) }' || { echo "FAIL: accuracy below the minimum"; exit 1; }
