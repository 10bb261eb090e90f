#!/usr/bin/env bash
# package.sh — the Debian package postgresql-<major>-bounce-mgmt, built from a clean export of HEAD, and its
# tests.  Uncommitted changes are not in the package.
#
#   scripts/package.sh            build into build/deb/ (dpkg-buildpackage -b, which also runs the regression
#                                 tests on the package tree), lintian, check the contents (dpkg-deb -c),
#                                 extract the package (dpkg -x) into build/deb/root and run the regression and
#                                 pg_cron tests on a private copy of the server to which only the package's
#                                 files are added (scripts/sandbox.sh with SANDBOX_OVERLAY).  Installs nothing
#                                 into the system but missing build dependencies (as root).
#   scripts/package.sh --install  for CI machines and throwaway boxes, as root: the same build and checks, then
#                                 apt-get install the .deb into the system (it stays installed), run the
#                                 package's autopkgtests (debian/tests: pg_regress + isolation, pg_cron)
#                                 against the installed files and check dpkg -L and dpkg --verify.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install=false
case "${1:-}" in
	--install) install=true ;;
	'') ;;
	*) die "usage: scripts/package.sh [--install]" ;;
esac
if $install && ! is_root; then
	die "--install installs the package into the system: run it as root, on a CI machine or a throwaway box"
fi
# the tests contain UTF-8 text; pg_virtualenv's clusters take their encoding from the locale
export LANG=C.UTF-8 LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive

out=$REPO_ROOT/build/deb
pkgsrc=$REPO_ROOT/build/pkgsrc
version=$(git -C "$REPO_ROOT" show HEAD:bounce_mgmt.control \
	| sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p")
[ -n "$version" ] || die "no default_version in HEAD's bounce_mgmt.control"
src=$pkgsrc/bounce-mgmt-$version

# dpkg-parsechangelog, dpkg-buildpackage (dpkg-dev), JSON::PP (perl), lintian
ensure_packages dpkg-dev perl lintian

if [ -n "$(git -C "$REPO_ROOT" status --porcelain --untracked-files=no)" ]; then
	say "warning: uncommitted changes are not packaged (the package is built from HEAD)"
fi

# ---- a clean export of HEAD ------------------------------------------------------------------------------
# the previous run's sandbox cluster lives in the previous export: stop it before removing that
for old in "$pkgsrc"/*/scripts/sandbox.sh; do
	if [ -x "$old" ]; then "$old" --stop; fi
done
rm -rf "$pkgsrc" "$out"
mkdir -p "$src" "$out"
git -C "$REPO_ROOT" archive HEAD | tar -x -C "$src"
say "exported $(git -C "$REPO_ROOT" rev-parse --short HEAD) to ${src#"$REPO_ROOT"/}"

# ---- the version is the same in bounce_mgmt.control, META.json and debian/changelog ----------------------
meta=$(perl -MJSON::PP -e 'local $/; my $m = eval { JSON::PP->new->decode(<STDIN>) } or die "META.json: $@";
	my $p = $m->{provides}{bounce_mgmt} or die "META.json: no provides.bounce_mgmt\n";
	print join(" ", $m->{version}, $p->{version}, $p->{file}), "\n"' < "$src/META.json") \
	|| die "META.json is not valid JSON or lacks provides.bounce_mgmt"
read -r meta_version meta_provides_version meta_file <<< "$meta"
deb_version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
deb_upstream=${deb_version#*:}
deb_upstream=${deb_upstream%-*}
for v in "META.json version=$meta_version" "META.json provides.bounce_mgmt.version=$meta_provides_version" \
	"debian/changelog upstream version=$deb_upstream"; do
	[ "${v#*=}" = "$version" ] || die "version mismatch: bounce_mgmt.control default_version=$version, $v"
done
[ "$meta_file" = "sql/bounce_mgmt--$version.sql" ] \
	|| die "META.json provides.bounce_mgmt.file=$meta_file, expected sql/bounce_mgmt--$version.sql"
say "version $version in bounce_mgmt.control, META.json and debian/changelog ($deb_version)"

# ---- build dependencies, then the package -----------------------------------------------------------------
if ! (cd "$src" && dpkg-checkbuilddeps) 2>/dev/null; then
	if as_root true 2>/dev/null; then
		say "installing the build dependencies of debian/control"
		as_root apt-get update -qq
		as_root apt-get build-dep -y -qq "$src"
	else
		(cd "$src" && dpkg-checkbuilddeps) || true
		printf '\nMissing build dependencies. Run as root:\n\n    sudo apt-get build-dep %s\n\n' "$src" >&2
		exit 1
	fi
fi
majors=$(cd "$src" && pg_buildext supported-versions)
[ -n "$majors" ] || die "debian/pgversions names no PostgreSQL major that is supported here"
# the sandbox and the pg_cron test need the server and pg_cron of every major
for major in $majors; do ensure_packages "postgresql-$major" "postgresql-$major-cron"; done

say "dpkg-buildpackage -us -uc -b (log: build/deb/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1; then
	tail -60 "$out/build.log"
	die "dpkg-buildpackage failed; full log in build/deb/build.log"
fi
grep -E '^(### |test |ok |not ok |(# )? *All [0-9]+ tests passed)' "$out/build.log" | grep -v '^### End' || true
mv "$pkgsrc"/*.deb "$pkgsrc"/*.buildinfo "$pkgsrc"/*.changes "$out/"
arch=$(dpkg --print-architecture)
changes=$out/bounce-mgmt_${deb_version#*:}_$arch.changes

say "lintian"
lintian --display-info --pedantic --fail-on error "$changes"

# ---- what each package must contain ------------------------------------------------------------------------
# Asked of the Makefile (DATA: released scripts, DATA_built: the generated install and upgrade scripts) and,
# independently, every sql/bounce_mgmt--*.sql that is in git.
expected_files() {
	local major=$1 f
	echo "usr/lib/postgresql/$major/lib/bounce_mgmt.so"
	echo "usr/share/postgresql/$major/extension/bounce_mgmt.control"
	{
		make -s --no-print-directory -C "$src" PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" \
			--eval 'print-sql: ; @echo $(DATA) $(DATA_built)' print-sql | tr ' ' '\n'
		(cd "$src" && ls sql/bounce_mgmt--*.sql)
	} | grep . | sort -u | while read -r f; do
		echo "usr/share/postgresql/$major/extension/${f##*/}"
	done
}

# check_listing <major> <file with one path per line>: every expected file is in the listing
check_listing() {
	local major=$1 listing=$2 f missing=0
	while read -r f; do
		grep -qxF "$f" "$listing" || { echo "missing from the package: /$f" >&2; missing=1; }
	done < <(expected_files "$major")
	return $missing
}

debs=()
for major in $majors; do
	deb=$out/postgresql-$major-bounce-mgmt_${deb_version#*:}_$arch.deb
	[ -f "$deb" ] || die "dpkg-buildpackage did not produce ${deb#"$REPO_ROOT"/}"
	dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' > "$out/contents-$major.txt"
	check_listing "$major" "$out/contents-$major.txt" || die "${deb##*/} lacks files (dpkg-deb -c)"
	say "${deb##*/}: $(wc -l < "$out/contents-$major.txt") files, every expected one present (dpkg-deb -c)"
	sed 's|^|  /|' "$out/contents-$major.txt" | grep -v '/bitcode/bounce_mgmt/'
	debs+=("$deb")
done

if ! $install; then
	# ---- the extracted package on a private copy of the server -----------------------------------------------
	# The export's own scripts/sandbox.sh: its server copy and cluster live in the export (build/sandbox there),
	# apart from the working tree's sandbox.  The export holds no build (dpkg-buildpackage ended with make
	# clean) and installcheck builds nothing, so the extension the tests load can only be the package's.
	trap '"$src/scripts/sandbox.sh" --stop' EXIT
	for major in $majors; do
		rm -rf "$out/root"
		dpkg -x "$out/postgresql-$major-bounce-mgmt_${deb_version#*:}_$arch.deb" "$out/root"
		say "PostgreSQL $major: regression tests on a server copy with the extracted package (build/deb/root)"
		[ ! -e "$src/bounce_mgmt.so" ] || die "the export holds a build of its own: the test would not be the package's"
		if ! (cd "$src" && SANDBOX_OVERLAY="$out/root" PG_MAJOR=$major scripts/sandbox.sh make -s installcheck); then
			for f in "$src/regression.diffs" "$src/output_iso/regression.diffs"; do
				[ -f "$f" ] && { echo "---- $f"; cat "$f"; }
			done
			die "regression tests failed against the package's files"
		fi
		say "PostgreSQL $major: pg_cron runs run_maintenance() of the package's extension"
		(cd "$src" && SANDBOX_OVERLAY="$out/root" PG_MAJOR=$major scripts/sandbox.sh test/cron/run.sh)
		# the server copy's extension files are the package's, byte for byte
		(cd "$out/root" && find usr/lib/postgresql usr/share/postgresql -type f) | while read -r f; do
			cmp -s "$out/root/$f" "$src/build/sandbox/root/$f" || die "the server copy's /$f is not the package's"
		done
		[ ! -e "$src/bounce_mgmt.so" ] || die "the tests built the extension from source"
		"$src/scripts/sandbox.sh" --reset   # the next major gets a server copy of its own
	done
	say "package tests passed: ${debs[*]##*/} (not installed; --install does that on a throwaway machine)"
	exit 0
fi

# ---- --install: the package in the system, its autopkgtests against the installed files -------------------
say "apt-get install ${debs[*]##*/}"
apt-get install -y -qq "${debs[@]}"
for major in $majors; do
	pkg=postgresql-$major-bounce-mgmt
	dpkg -L "$pkg" | sed 's|^/||' > "$out/installed-$major.txt"
	check_listing "$major" "$out/installed-$major.txt" || die "dpkg -L $pkg lacks files"
	dpkg --verify "$pkg" || die "installed files of $pkg differ from the package (dpkg --verify)"
	say "$pkg installed; dpkg -L lists every expected file, dpkg --verify finds them unchanged"
done
# debian/tests, as autopkgtest runs them: from the source tree, with the extension of the installed package
# (pg_buildext installcheck tests every installed postgresql-<major>-bounce-mgmt; installcheck builds nothing)
say "autopkgtest installcheck: pg_regress + isolation against the installed package"
(cd "$src" && debian/tests/installcheck)
say "autopkgtest cron: pg_cron runs run_maintenance() of the installed package"
(cd "$src" && debian/tests/cron)
[ ! -e "$src/bounce_mgmt.so" ] || die "the tests built the extension from source"
for major in $majors; do
	dpkg --verify "postgresql-$major-bounce-mgmt" || die "the tests changed the installed files"
done
say "package installed and tested: ${debs[*]##*/} (it stays installed; apt-get purge $(printf 'postgresql-%s-bounce-mgmt ' $majors)removes it)"
