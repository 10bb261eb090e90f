/*
 * mail_dsn.h — the fields of an RFC 3464 message/delivery-status body (per-message and per-recipient
 * groups) and of an RFC 5965 message/feedback-report body.  Must not interpret them (no verdicts here).
 */
#ifndef BM_MAIL_DSN_H
#define BM_MAIL_DSN_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"
#include "mail_arena.h"

typedef struct bm_dsn_rcpt
{
	bm_str		final_recipient;	/* address part of "rfc822; x@y" (type dropped), unfolded */
	bm_str		original_recipient;
	bm_str		actual_recipient;	/* X-Actual-Recipient (Sendmail, Exchange) */
	bm_str		action;
	bm_str		status;
	bm_str		remote_mta;		/* name part of "dns; mx.example.com" */
	bm_str		diagnostic;		/* text after "smtp;" */
	bm_str		diagnostic_type;	/* "smtp", "x-unix", ... */
	bm_str		last_attempt_date;
	bm_str		will_retry_until;
} bm_dsn_rcpt;

typedef struct bm_dsn
{
	bm_str		reporting_mta;
	bm_str		received_from_mta;
	bm_str		arrival_date;
	bm_str		original_message_id;	/* X-Original-Message-ID (Exchange) */
	bm_dsn_rcpt *rcpts;
	int			n;
} bm_dsn;

/*
 * Parses a delivery-status body text[0..len) (already transfer-decoded; values are unfolded arena copies
 * or slices of text).  Groups are separated by blank lines; a recipient field seen twice in one group
 * starts a new recipient (reports that forget the blank line).  At most max_rcpts recipients are kept.
 * Appends to out (call with out zeroed first; several delivery-status parts can add to one bm_dsn).
 * Returns false only when the arena is exhausted.
 */
bool		bm_dsn_parse(bm_arena *a, const char *text, size_t len, int max_rcpts, bm_dsn *out);

typedef struct bm_arf
{
	bm_str		feedback_type;
	bm_str		user_agent;
	bm_str		original_mail_from;
	bm_str		original_rcpt_to[16];	/* Original-Rcpt-To (may repeat) */
	int			nrcpt;
	bm_str		removal_recipient;	/* opt-out reports */
	bm_str		arrival_date;	/* Arrival-Date or Received-Date */
	bm_str		source_ip;
	bm_str		reporting_mta;
	bm_str		reported_domain;
	bm_str		authentication_results;
} bm_arf;

/* Parses a feedback-report body; false only when the arena is exhausted. */
bool		bm_arf_parse(bm_arena *a, const char *text, size_t len, bm_arf *out);

/* The part of a typed DSN value after "type;" ("rfc822; x@y" -> "x@y"), trimmed; *type gets "rfc822". */
bm_str		bm_dsn_typed_value(bm_str v, bm_str *type);

#endif							/* BM_MAIL_DSN_H */
