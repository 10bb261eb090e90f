#!/usr/bin/env bash
# sandbox.sh — the developer loop without touching the system: a private copy of the PostgreSQL server in
# build/sandbox/root (PostgreSQL finds its share and lib folders relative to its binaries), the extension
# installed into it with DESTDIR, and a cluster of its own (socket in build/sandbox, pg_cron preloaded).
# Several checkouts (git worktrees) can each run one at the same time.
#
#   scripts/sandbox.sh make installcheck REGRESS=ingest ISOLATION=
#   scripts/sandbox.sh psql -c 'SELECT bounce_mgmt.classify($$550 5.1.1 user unknown$$)'
#   scripts/sandbox.sh --stop            stop the sandbox cluster (it keeps running between commands)
#   scripts/sandbox.sh --reset           remove build/sandbox entirely
#   SANDBOX_OVERLAY=build/deb/root scripts/sandbox.sh make installcheck
#                                        the files of an extracted package instead of the working tree's build
#
# The command runs with PGHOST/PGPORT/PGUSER/PG_CONFIG set, after `make install` (or the overlay) into the
# copy.  The server runs as user postgres when called as root (initdb refuses root).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SB="$REPO_ROOT/build/sandbox"
major=$(pg_major)
sys_bin=/usr/lib/postgresql/$major/bin
root="$SB/root"
bin="$root$sys_bin"
data="$SB/data"
sock="$SB"
log="$SB/server.log"
# a port of its own per checkout
port=$((20000 + $(printf '%s' "$REPO_ROOT" | cksum | cut -d' ' -f1) % 20000))

run_as_owner() {
	if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
	[ -f "$data/postmaster.pid" ] && run_as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
}

case "${1:-}" in
	--stop) stop; exit 0 ;;
	--reset) stop; rm -rf "$SB"; exit 0 ;;
esac
[ $# -gt 0 ] || die "usage: scripts/sandbox.sh <command...> | --stop | --reset"

# the server copy: refreshed when the system's server changes
if [ ! -x "$bin/postgres" ] || [ "$sys_bin/postgres" -nt "$bin/postgres" ]; then
	stop
	rm -rf "$root" "$data"
	mkdir -p "$root/usr/lib/postgresql" "$root/usr/share/postgresql"
	cp -a "/usr/lib/postgresql/$major" "$root/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$major" "$root/usr/share/postgresql/"
fi

# the extension, built against the system headers, installed into the copy; or, with SANDBOX_OVERLAY=<dir>,
# the files of an extracted package (scripts/package.sh) copied over the copy instead, after removing the
# bounce_mgmt files the copy took from the system, so that the package's files are the only ones
if [ -n "${SANDBOX_OVERLAY:-}" ]; then
	[ -d "$SANDBOX_OVERLAY/usr/lib/postgresql/$major/lib" ] \
		|| die "SANDBOX_OVERLAY=$SANDBOX_OVERLAY has no usr/lib/postgresql/$major/lib"
	rm -rf "$root/usr/lib/postgresql/$major/lib/bounce_mgmt.so" \
		"$root/usr/lib/postgresql/$major/lib/bitcode/bounce_mgmt" \
		"$root/usr/lib/postgresql/$major/lib/bitcode/bounce_mgmt.index.bc" \
		"$root/usr/share/postgresql/$major/extension/bounce_mgmt.control" \
		"$root/usr/share/postgresql/$major/extension/bounce_mgmt--"*.sql
	cp -a "$SANDBOX_OVERLAY/." "$root/"
else
	make -C "$REPO_ROOT" -s -j2 PG_CONFIG="$sys_bin/pg_config" >/dev/null
	make -C "$REPO_ROOT" -s install PG_CONFIG="$sys_bin/pg_config" DESTDIR="$root" >/dev/null
fi

if [ ! -f "$data/PG_VERSION" ]; then
	mkdir -p "$data"
	is_root && chown -R postgres: "$SB"
	run_as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
	cat >> "$data/postgresql.conf" <<-EOF
	listen_addresses = ''
	port = $port
	unix_socket_directories = '$sock'
	shared_preload_libraries = 'pg_cron'
	cron.database_name = 'bm_cron'
	cron.use_background_workers = on
	max_worker_processes = 16
	max_prepared_transactions = 10
	fsync = off
	EOF
fi
is_root && chown -R postgres: "$data" "$SB"
# the socket directory: trust authentication, so only its owner (and root) may reach the server
chmod 700 "$SB"
if ! run_as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
	run_as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w start >/dev/null || { tail -20 "$log"; exit 1; }
fi

export PGHOST="$sock" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
export PG_CONFIG="$sys_bin/pg_config" PATH="$sys_bin:$PATH" BM_PKGLIBDIR="$root/usr/lib/postgresql/$major/lib"
"$@"
