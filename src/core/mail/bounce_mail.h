/*
 * bounce_mail.h — the bounce-email parser's API: one email (RFC 3464 DSN, RFC 5965 ARF complaint, the
 * non-standard bounces of real MTAs, RFC 3834 auto-reply) in, one record per recipient out through a
 * callback.  Pure C, no PostgreSQL headers; every byte it produces is owned by the bm_mail_parser.
 *
 * A caller that longjmps out of the callback (PostgreSQL's ereport) loses nothing as long as it calls
 * bm_mail_parser_destroy() from its cleanup path (a memory-context reset callback).
 */
#ifndef BM_BOUNCE_MAIL_H
#define BM_BOUNCE_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "event.h"
#include "smtp_status.h"

/*
 * Limits.  Nesting and part counts are in mail_mime.h (BM_MAIL_MAX_DEPTH 32, BM_MAIL_MAX_PARTS 1000,
 * BM_MAIL_MAX_HEADER_FIELDS 256, BM_MAIL_MAX_HEADER_BYTES 256 kB); these are the parser's own.
 */
#define BM_MAIL_MAX_MESSAGE_BYTES	((size_t) 64 * 1024 * 1024)	/* default size limit of one message */
#define BM_MAIL_MAX_TEXT_BYTES		(256 * 1024)	/* decoded bytes kept of one text or report part */
#define BM_MAIL_MAX_DECODED_BYTES	(2 * 1024 * 1024)	/* decoded bytes kept of all parts of one message */
#define BM_MAIL_MAX_RECIPIENTS		1000	/* recipient records of one message; the rest are dropped */
#define BM_MAIL_MAX_FIELD_BYTES		4096	/* any one output string (diagnostic, MTA names, ids) */
#define BM_MAIL_MAX_FORWARD_DEPTH	2	/* a bounce attached to a message (forwarded) is read this deep */
#define BM_MAIL_ARENA_CAP			((size_t) 32 * 1024 * 1024)	/* the parser's memory, whatever the input */

typedef struct bm_mail_parser bm_mail_parser;

typedef struct bm_mail_recipient
{
	int			index;			/* 1-based position among the records of this message */
	bm_str		recipient;		/* normalized with address.h (lower case, no <>); empty when the email
								 * names no recipient (an ARF report with the address redacted) */
	bm_str		recipient_original; /* as the email spells it */
	bm_event_type event_type;	/* BM_ET_BOUNCE, BM_ET_DEFERRED (Action: delayed, delay warnings),
								 * BM_ET_COMPLAINT (ARF), BM_ET_DELIVERED (Action: delivered/relayed/
								 * expanded), BM_ET_OTHER (auto-reply), BM_ET_UNSUBSCRIBE (an
								 * unsubscribe request by mail: Apple Mail's List-Unsubscribe) */
	bm_str		action;			/* DSN Action: failed, delayed, delivered, relayed, expanded (lower case);
								 * for non-DSN bounces what the text says; empty when unknown */
	int			reply_code;		/* from the verdict: the code found, 0 when none */
	bm_status	status;			/* likewise; BM_STATUS_NONE when none */
	bm_str		diagnostic;		/* UTF-8, white space collapsed; empty when none */
	bm_str		diagnostic_type;	/* "smtp", "x-unix", ... (DSN Diagnostic-Code type); may be empty */
	bm_smtp_command smtp_command;	/* the command the error answered, BM_SMTP_NONE when not said */
	bm_str		remote_mta;		/* the host that answered (DSN Remote-MTA or the text); may be empty */
	bm_str		reporting_mta;	/* the host that wrote the report */
	int64_t		occurred_at;	/* µs since 1970 UTC (Last-Attempt-Date, Arrival-Date, Date); BM_TIME_NONE */
	bm_str		original_message_id;	/* Message-ID of the message that bounced (without <>) */
	bm_str		message_id;		/* Message-ID of the bounce email itself (without <>) */
	bm_str		feedback_type;	/* ARF Feedback-Type (abuse, opt-out, auth-failure, ...), lower case */
	bool		auto_reply;		/* an RFC 3834 auto-reply (out of office), not a failure */
	const char *decoder;		/* which reader produced it: "RFC3464", "ARF", "RFC3834", "Postfix",
								 * "Exim", "qmail", "Sendmail", ... (static string) */
	bm_verdict	verdict;		/* bm_classify_ex on diagnostic/codes with the SMTP command as context */
} bm_mail_recipient;

typedef enum bm_mail_status
{
	BM_MAIL_OK = 0,				/* parsed; zero or more records emitted (zero: not a bounce) */
	BM_MAIL_NOT_EMAIL,			/* not an email at all (no header field at the start): SQLSTATE 22P02 */
	BM_MAIL_BAD_ARGUMENT,		/* an option is invalid (unknown fallback charset): 22023 */
	BM_MAIL_LIMIT,				/* size, nesting or part count beyond the limits: 54000 */
	BM_MAIL_NO_MEMORY			/* malloc failed or the arena cap was reached: 53200 */
} bm_mail_status;

typedef struct bm_mail_error
{
	bm_mail_status status;
	size_t		offset;			/* byte offset in the message where the problem is */
	char		what[48];		/* the limit or item concerned: "message size", "MIME nesting", ... */
	char		message[256];	/* a sentence for the user */
} bm_mail_error;

typedef struct bm_mail_opts
{
	size_t		max_message_bytes;	/* 0: BM_MAIL_MAX_MESSAGE_BYTES */
	int			max_depth;		/* 0: BM_MAIL_MAX_DEPTH (lower values only) */
	int			max_parts;		/* 0: BM_MAIL_MAX_PARTS (lower values only) */
	const char *fallback_charset;	/* charset of undeclared 8-bit text that is not UTF-8 (the bytea
									 * overload's argument); NULL: such bytes become U+FFFD */
} bm_mail_opts;

typedef void (*bm_mail_emit_fn) (void *ctx, const bm_mail_recipient *r);

bm_mail_parser *bm_mail_parser_create(void);	/* NULL when out of memory */
void		bm_mail_parser_destroy(bm_mail_parser *p);	/* frees everything; NULL is a no-op */

/*
 * Parses one email and calls emit for every recipient record, in the email's order, after the whole
 * message has been read (an error is reported before any record is emitted).  The strings of a record
 * are valid until the next bm_mail_parse or bm_mail_parser_destroy on the same parser.  opts may be NULL.
 * Returns BM_MAIL_OK, or the error also written to *err (err may be NULL).
 */
bm_mail_status bm_mail_parse(bm_mail_parser *p, const char *msg, size_t len, const bm_mail_opts *opts,
							 bm_mail_emit_fn emit, void *ctx, bm_mail_error *err);

/* Memory counters of the parser's arena: bytes held now and the peak since creation. */
size_t		bm_mail_parser_held_bytes(const bm_mail_parser *p);
size_t		bm_mail_parser_peak_bytes(const bm_mail_parser *p);

const char *bm_mail_status_name(bm_mail_status st);

#endif							/* BM_BOUNCE_MAIL_H */
