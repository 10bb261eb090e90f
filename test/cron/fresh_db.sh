#!/usr/bin/env bash
# fresh_db.sh <db> — an empty database named cron.database_name for the pg_cron and README tests, without
# dropping it: a DROP DATABASE of pg_cron's database ends its scheduler for the life of the server, so a
# second run in the same cluster (scripts/sandbox.sh) would wait for a job that never runs.  Created when
# missing; otherwise what the tests put there is removed (pg_cron too: its job tables go with it, and the
# scheduler waits until it is created again).  Needs PGHOST/PGPORT/PGUSER.
set -euo pipefail
db=$1
psql() { command psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
if [ "$(psql -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$db'")" = 0 ]; then
	psql -d postgres -c "CREATE DATABASE $db"
else
	psql -d "$db" -c "SET client_min_messages = warning" \
		-c "DROP EXTENSION IF EXISTS bounce_mgmt CASCADE" -c "DROP EXTENSION IF EXISTS pg_cron CASCADE" \
		-c "DROP TABLE IF EXISTS users" -c "DROP SCHEMA IF EXISTS ops CASCADE"
fi
