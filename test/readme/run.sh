#!/usr/bin/env bash
# run.sh — every ```sql block of README.md runs, in order, as written, in one database (bm_cron: the pg_cron
# recipes need the database cron.database_name names).  The variables the README says to pass as psql
# variables (:'webhook_body', :'sg_key' ...) are set here to real values (test/fixtures); the accounts the
# README creates are pointed at the local test server (test/http/server.py) before the sync examples, since
# nothing here may reach the internet.  A block may show an error on purpose: its "-- ERROR:  <message>"
# comment must match; any other ERROR fails the test.  Needs PGHOST/PGPORT/PGUSER of a server with the
# extension and pg_cron preloaded.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
python3 "$repo/test/http/server.py" --port 0 --portfile "$work/port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
db=bm_cron
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
"$repo/test/cron/fresh_db.sh" "$db"
fx="$repo/test/fixtures/providers"
psql -d "$db" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION pg_cron;
CREATE EXTENSION bounce_mgmt;
-- what the README assumes the application has: a users table (with the time of the last login)
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, last_login_at timestamptz);
INSERT INTO users VALUES (1, 'jane@example.com'), (2, 'vip@example.com');
CREATE SCHEMA ops;
SQL

# the psql variables the README's blocks use
cat > "$work/vars.sql" <<EOF2
\\set webhook_body \`cat $fx/sendgrid/event_webhook_batch_docs.json\`
\\set sendgrid_verification_key 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=='
\\set body \`cat $fx/sendgrid/signed_event_webhook/body.raw\`
\\set headers_as_jsonb '{"X-Twilio-Email-Event-Webhook-Signature": "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=", "X-Twilio-Email-Event-Webhook-Timestamp": "1600112502"}'
\\set sg_key 'SG.readme-key'
\\set pm_token 'readme-postmark-token'
\\set mg_key 'readme-mailgun-key'
\\set aws_access_key_id 'AKIAREADMEEXAMPLE'
\\set aws_secret_access_key 'readme-aws-secret'
\\set csv 'email,created,reason,status\\ngone@example.org,1700000000,"550 5.1.1 user unknown",5.1.1\\nfull@example.org,1700000000,"552 5.2.2 mailbox full",5.2.2\\n'
\\set ses_csv 'EmailAddress,Reason,LastUpdateTime\\nses-gone@example.org,BOUNCE,2026-11-01T10:00:00Z\\nses-spam@example.org,COMPLAINT,2026-11-02T10:00:00Z\\n'
\\set our_csv 'email,cause,reason,suppressed_since,evidence_at,opened_by,note\\nmoved@example.org,hard_bounce,user_unknown,2026-11-01 10:00:00+00,2026-11-01 10:00:00+00,ops,from the old database\\n'
EOF2

python3 - "$repo/README.md" "$work" <<'PY'
import re, sys
readme, work = sys.argv[1], sys.argv[2]
blocks = re.findall(r'```sql\n(.*?)```', open(readme).read(), re.S)
for i, b in enumerate(blocks):
    open(f"{work}/block{i:02d}.sql", "w").write(b)

PY
n=$(ls "$work"/block*.sql | wc -l)
cd "$work"	# files a block writes (\copy ... TO 'suppressions.csv') go to the scratch folder
status=0
for f in "$work"/block*.sql; do
	i=$(basename "$f" .sql)
	out=$(cat "$work/vars.sql" "$f" | command psql -X -q -d "$db" -v ON_ERROR_STOP=0 2>&1 || true)
	# every ERROR must be one the block shows on purpose
	while IFS= read -r line; do
		msg=${line#ERROR:  }
		if ! grep -qF -- "-- ERROR:  $msg" "$f"; then
			echo "FAIL: README $i: unexpected $line"; echo "$out" | head -20; status=1
		fi
	done < <(grep '^ERROR:' <<< "$out" || true)
	while IFS= read -r want; do
		grep -qF -- "ERROR:  ${want#-- ERROR:  }" <<< "$out" || { echo "FAIL: README $i: expected $want"; status=1; }
	done < <(grep -- '^-- ERROR:  ' "$f" || true)
	# the sync examples talk to the local test server, not the providers (keys go with base_url changes)
	if grep -q "INSERT INTO bounce_mgmt.provider_keys" "$f"; then
		psql -d "$db" -c "SET client_min_messages = warning" \
			-c "UPDATE bounce_mgmt.provider_accounts SET base_url = 'http://127.0.0.1:$port/n=1200'" \
			-c "INSERT INTO bounce_mgmt.provider_keys (account, api_key, api_secret) SELECT name, 'readme-key', 'readme-secret' FROM bounce_mgmt.provider_accounts"
	fi
done
psql -d "$db" -c "SELECT count(cron.unschedule(jobid)) FROM cron.job" > /dev/null
[ $status -eq 0 ] && echo "README: all $n SQL blocks ran as written, in order"
exit $status
