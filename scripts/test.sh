#!/usr/bin/env bash
# test.sh — every test: C unit tests of the core, a libFuzzer smoke run of every parser, then, in a
# throwaway cluster, pg_regress + isolation tests and the accuracy check on the Sisimai corpus.
# Usage: scripts/test.sh           (FUZZ_SECONDS=2 per fuzz target by default, 0 skips; as root it installs
#                                   missing Debian packages itself)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

FUZZ_SECONDS=${FUZZ_SECONDS:-2}
ensure_deps test
build_and_install

say "C unit tests"
make -C "$REPO_ROOT" -s -j2 unit

say "fuzz smoke run ($FUZZ_SECONDS s per target)"
make -C "$REPO_ROOT" -s -j2 fuzz-build && make -C "$REPO_ROOT" -s fuzz FUZZ_SECONDS="$FUZZ_SECONDS"

say "SQL tests in a throwaway cluster"
# cron.database_name must exist before pg_cron's launcher looks for it: the in-cluster script creates it.
with_throwaway_cluster "$REPO_ROOT/scripts/cluster_tests.sh"

say "all tests passed"
