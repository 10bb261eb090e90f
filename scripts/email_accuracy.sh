#!/usr/bin/env bash
# email_accuracy.sh — accuracy of the bounce-email parser on the 591 Sisimai corpus emails (pure C, no
# server, a second or two): recipients found, hard/soft and reason agreement against
# test/fixtures/sisimai/expected.tsv, disagreements with our notes (test/accuracy/email_disputes.tsv) in
# build/accuracy/email_disagreements.tsv.  Fails below the gates, which sit just under today's figures.
# Run by `make email-accuracy` (which builds build/email/email_accuracy first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MIN_FOUND=${MIN_FOUND:-0}
MIN_HARD=${MIN_HARD:-0}
MIN_REASON=${MIN_REASON:-0}
[ -x build/email/email_accuracy ] || make -s build/email/email_accuracy
mkdir -p build/accuracy
fx=test/fixtures/sisimai
exec build/email/email_accuracy "$fx/eml" "$fx/expected.tsv" "$fx/details.tsv" test/accuracy/email_disputes.tsv \
	build/accuracy/email_disagreements.tsv "$MIN_FOUND" "$MIN_HARD" "$MIN_REASON"
