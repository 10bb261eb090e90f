#!/usr/bin/env bash
# email.sh — bounce-email decoding speed: the C parser (src/core/mail, driver bench/email_bench.c) against
# Sisimai 4.25 for Perl (Debian libsisimai-perl; a benchmark-only dependency, not the extension's) on the
# same 591 corpus emails (test/fixtures/sisimai/eml), in the same run, on this machine.  No server needed.
#   bench/email.sh [rounds]      rounds per side (default 5 for Perl; the C side runs 40x as many)
# Prints emails/s of each, records per pass and the ratio; writes bench/out/email.txt.  Both sides get
# the files from memory or the page cache after a warm-up pass; Perl's module loading is not timed.
# Sisimai is told to keep delivered and vacation results too, as the C parser reports them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-5}
eml=test/fixtures/sisimai/eml
mkdir -p bench/out
make -s build/email/email_bench
if ! perl -MSisimai -e 1 2>/dev/null; then
	echo "email.sh: Sisimai for Perl is not installed (apt-get install libsisimai-perl)" >&2
	exit 1
fi
n=$(ls "$eml"/*.eml | wc -l)
{
	echo "bounce-email decoding, $n emails ($(du -sh "$eml" | cut -f1)), $(nproc) CPU(s), $(date -u +%FT%TZ)"
	c_line=$(build/email/email_bench $((rounds * 40)) "$eml"/*.eml)
	p_line=$(perl -MSisimai -MTime::HiRes=time -e '
		my ($dir, $rounds) = @ARGV;
		my $v = Sisimai->make($dir, delivered => 1, vacation => 1);		# warm-up, loads every module
		my $n = 0;
		my $t = time;
		for (1 .. $rounds) { $v = Sisimai->make($dir, delivered => 1, vacation => 1); $n = scalar(@$v); }
		my $s = time - $t;
		printf "perl_emails=%d perl_seconds=%.4f perl_emails_per_s=%.0f perl_records_per_pass=%d sisimai=%s\n",
			'"$n"' * $rounds, $s, '"$n"' * $rounds / $s, $n, $Sisimai::VERSION;
	' "$eml" "$rounds")
	echo "C parser:  $c_line"
	echo "Sisimai:   $p_line"
	c_rate=$(sed -n 's/.*c_emails_per_s=\([0-9]*\).*/\1/p' <<<"$c_line")
	p_rate=$(sed -n 's/.*perl_emails_per_s=\([0-9]*\).*/\1/p' <<<"$p_line")
	awk -v c="$c_rate" -v p="$p_rate" 'BEGIN { printf "emails/s: C %d, Sisimai %d, ratio %.1fx (target >= 20x)\n", c, p, c / p }'
} | tee bench/out/email.txt
