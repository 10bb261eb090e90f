#!/usr/bin/env bash
# demo.sh — the main job, end to end, on a throwaway cluster: install what is missing, build and install
# the extension, start a temporary PostgreSQL with pg_cron preloaded, run scripts/demo.sql, tear it down.
# Usage: scripts/demo.sh          (as root it installs missing Debian packages itself)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_deps
build_and_install
say "starting a throwaway PostgreSQL $(pg_major) cluster and running the demo"
with_throwaway_cluster bash -c '
	set -e
	createdb bm_demo
	psql -X -q -v ON_ERROR_STOP=1 -d bm_demo -v repo="'"$REPO_ROOT"'" -f "'"$REPO_ROOT"'/scripts/demo.sql"
'
