# common.sh — shared by scripts/demo.sh and scripts/test.sh (sourced, not run): find the PostgreSQL server,
# install missing Debian packages (as root) or say exactly what to run, build and install the extension,
# and run a command inside a throwaway cluster with pg_cron preloaded.

set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as root: directly when root, through passwordless sudo when available.
as_root() {
	if is_root; then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo "$@"
	else
		return 126
	fi
}

# The major version of the newest installed PostgreSQL server (Debian layout /usr/lib/postgresql/<major>).
pg_major() {
	local v best=""
	if [ -n "${PG_MAJOR:-}" ]; then echo "$PG_MAJOR"; return; fi
	for d in /usr/lib/postgresql/*/bin/postgres; do
		[ -x "$d" ] || continue
		v=$(basename "$(dirname "$(dirname "$d")")")
		if [ -z "$best" ] || [ "$v" -gt "$best" ]; then best=$v; fi
	done
	[ -n "$best" ] || die "no PostgreSQL server found under /usr/lib/postgresql (apt-get install postgresql)"
	echo "$best"
}

# Installs the Debian packages that are missing; as non-root without sudo, prints the command and fails.
ensure_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing missing packages: ${missing[*]}"
	if as_root true 2>/dev/null; then
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
	else
		printf '\nMissing packages. Run as root:\n\n    sudo apt-get update && sudo apt-get install -y %s\n\nthen run this command again.\n' \
			"${missing[*]}" >&2
		exit 1
	fi
}

# Packages to build the extension and run it (the demo); "test" adds what the test suite needs.
ensure_deps() {
	local major
	major=$(pg_major)
	local pkgs=(make gcc pkg-config "postgresql-server-dev-$major" libcurl4-openssl-dev libjson-c-dev libssl-dev
	            "postgresql-$major-cron" postgresql-common)
	if [ "${1:-}" = test ]; then
		pkgs+=(clang libclang-rt-dev "postgresql-$major" python3)
	fi
	ensure_packages "${pkgs[@]}"
	export PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config"
	export PATH="/usr/lib/postgresql/$major/bin:$PATH"
}

build_and_install() {
	say "building bounce_mgmt"
	make -C "$REPO_ROOT" -s -j2 PG_CONFIG="$PG_CONFIG"
	say "installing bounce_mgmt into $("$PG_CONFIG" --pkglibdir)"
	if ! as_root make -C "$REPO_ROOT" -s install PG_CONFIG="$PG_CONFIG"; then
		printf '\nInstalling needs root. Run:\n\n    sudo make -C %s install PG_CONFIG=%s\n\nthen run this command again.\n' \
			"$REPO_ROOT" "$PG_CONFIG" >&2
		exit 1
	fi
}

# Runs "$@" inside a throwaway cluster (pg_virtualenv): PGHOST/PGPORT/PGUSER/PGPASSWORD are set for it.
# pg_cron is preloaded and uses background workers (its libpq connection cannot log in there); the cluster
# is thrown away, so it does not sync to disk.
with_throwaway_cluster() {
	local major
	major=$(pg_major)
	pg_virtualenv -t -v "$major" \
		-o "shared_preload_libraries=pg_cron" \
		-o "cron.database_name=${CRON_DATABASE:-bm_cron}" \
		-o "cron.use_background_workers=on" \
		-o "max_worker_processes=16" \
		-o "max_prepared_transactions=10" \
		-o "fsync=off" -o "synchronous_commit=off" -o "full_page_writes=off" \
		"$@"
}
