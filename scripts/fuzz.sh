#!/usr/bin/env bash
# fuzz.sh — runs libFuzzer targets built by make (build/fuzz/bin/fuzz_*); called by `make fuzz` and
# `make fuzz-long`, not meant to be run by hand.
#   scripts/fuzz.sh smoke <seconds> <binaries...>   each target for <seconds> on its seed corpus (CI)
#   scripts/fuzz.sh long  <runs>    <binaries...>   each target for <runs> executions; new inputs that add
#                                                   coverage are merged back into test/fuzz/corpus/<name>
# FUZZ_TARGETS=payload,json limits the run to those targets.  A crash prints the log tail and fails; the
# reproducer stays in build/fuzz/ (crash-*), to be added to the corpus once fixed.
set -euo pipefail
mode=$1 amount=$2
shift 2
cd "$(dirname "${BASH_SOURCE[0]}")/.."

summary=()
for bin in "$@"; do
	name=$(basename "$bin")
	short=${name#fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ] && [[ ",$FUZZ_TARGETS," != *",$short,"* ]]; then continue; fi
	seeds=test/fuzz/corpus/$short
	work=build/fuzz/work-$short
	log=build/fuzz/$name.log
	mkdir -p "$work" "$seeds"
	if [ "$mode" = smoke ]; then
		limit=(-max_total_time="$amount")
	else
		limit=(-runs="$amount")
	fi
	echo "fuzz: $name ($mode, ${limit[*]})"
	if ! "$bin" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=build/fuzz/ "$work" "$seeds" >"$log" 2>&1; then
		tail -60 "$log"
		echo "fuzz: $name FAILED (log: $log)"
		exit 1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	if [ "$mode" = long ]; then
		# keep what adds coverage: merge the grown work corpus into the tracked seeds
		before=$(ls "$seeds" | wc -l)
		"$bin" -merge=1 "$seeds" "$work" >"build/fuzz/$name.merge.log" 2>&1
		after=$(ls "$seeds" | wc -l)
		summary+=("$name execs=$execs cov=$cov seeds=$before->$after")
	else
		summary+=("$name execs=$execs cov=$cov")
	fi
done
printf '  %s\n' "${summary[@]}"
