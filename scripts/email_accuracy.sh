#!/usr/bin/env bash
# email_accuracy.sh — accuracy of the bounce-email parser on the 591 Sisimai corpus emails (pure C, no
# server, a second or two): recipients found, hard/soft and reason agreement against
# test/fixtures/sisimai/expected.tsv, disagreements with our notes (test/accuracy/email_disputes.tsv) in
# build/accuracy/email_disagreements.tsv.  Fails below the gates, which sit just under today's figures
# (found 99.21 %, hard/soft 93.81 %, reason 90.32 %), so any regression fails.  The project targets are
# found >= 99 % and reason >= 90 % (met) and hard/soft >= 97 % (not met): 26 of the 39 hard/soft
# disagreements are "the text says the user does not exist" rows that Sisimai labels filtered (or
# suspend) from its per-product decoders (McAfee, X1/X2, Zoho, MessagingServer, SurfControl,
# MailFoundry...) or because the email names no SMTP command, with nothing in the email to show a filter;
# 5 are recipients Sisimai reports and we do not (list-manager notices, a second message in one file, two
# addresses the email spells otherwise); email_disputes.tsv has our reading of every disagreement.
# Run by `make email-accuracy` (which builds build/email/email_accuracy first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MIN_FOUND=${MIN_FOUND:-99.2}
MIN_HARD=${MIN_HARD:-93.8}
MIN_REASON=${MIN_REASON:-90.3}
make -s build/email/email_accuracy
mkdir -p build/accuracy
fx=test/fixtures/sisimai
exec build/email/email_accuracy "$fx/eml" "$fx/expected.tsv" "$fx/details.tsv" test/accuracy/email_disputes.tsv \
	build/accuracy/email_disagreements.tsv "$MIN_FOUND" "$MIN_HARD" "$MIN_REASON"
