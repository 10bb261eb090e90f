/*
 * classify.h — the bounce verdict: from a diagnostic text, a reply code and an enhanced status to a class
 * (hard / soft / not a bounce) and a reason.  Pure C, no PostgreSQL headers, no allocation per call,
 * one pass over the text (case and white space folded on the fly, all phrases matched at once).
 */
#ifndef BM_CLASSIFY_H
#define BM_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "smtp_status.h"

/* Order matches the SQL enum bounce_mgmt.bounce_class. */
typedef enum bm_bounce_class
{
	BM_HARD = 0,
	BM_SOFT,
	BM_NOT_BOUNCE
} bm_bounce_class;

/* Who has to act on a bounce of a given reason (see reasons.def). */
typedef enum bm_fault
{
	BM_FAULT_ADDRESS = 0,
	BM_FAULT_MAILBOX,
	BM_FAULT_SENDER,
	BM_FAULT_TRANSIENT,
	BM_FAULT_NONE,
	BM_FAULT_UNKNOWN
} bm_fault;

typedef enum bm_reason
{
#define BM_REASON(ident, sql_name, cls, fault, sisimai) BM_R_##ident,
#include "reasons.def"
#undef BM_REASON
	BM_REASON_COUNT
} bm_reason;

/* What decided the verdict (order matches the SQL enum bounce_mgmt.bounce_evidence). */
typedef enum bm_evidence
{
	BM_EV_NONE = 0,				/* nothing usable: reason undefined */
	BM_EV_TEXT,					/* a phrase of the diagnostic text */
	BM_EV_STATUS,				/* the enhanced status code */
	BM_EV_REPLY_CODE,			/* the bare reply code (the seed's table) */
	BM_EV_OVERRIDE,				/* an operator's rule (set by the PostgreSQL layer, never by the core) */
	BM_EV_PROVIDER				/* only the provider's own verdict (set by ingestion, never by the core) */
} bm_evidence;

typedef struct bm_verdict
{
	bm_bounce_class bounce_class;
	bm_reason	reason;
	int			reply_code;		/* the code actually used: the caller's, else the one found in the text; 0 none */
	bm_status	status;			/* likewise; BM_STATUS_NONE when none */
	bm_evidence evidence;
	int			pattern_id;		/* index of the deciding phrase in the pattern table, or -1 */
} bm_verdict;

/*
 * Classifies one bounce.  reply_code 0 and status BM_STATUS_NONE mean "not given": they are then taken
 * from the text.  text may be NULL when len is 0.  Never fails; an empty text with no codes gives
 * reason undefined.
 */
void		bm_classify(const char *text, size_t len, int reply_code, bm_status status, bm_verdict *out);

/* The SMTP command a reply answered (a bounce email's transcript or DSN says it; a bare diagnostic rarely). */
typedef enum bm_smtp_command
{
	BM_SMTP_NONE = 0,			/* not known */
	BM_SMTP_CONNECT,			/* the greeting, before any command */
	BM_SMTP_HELO,
	BM_SMTP_EHLO,
	BM_SMTP_MAIL,				/* MAIL FROM */
	BM_SMTP_RCPT,				/* RCPT TO */
	BM_SMTP_DATA,				/* DATA or the end of the data (".") */
	BM_SMTP_BDAT,
	BM_SMTP_COMMAND_COUNT
} bm_smtp_command;

/* "CONNECT", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT"; NULL for BM_SMTP_NONE. */
const char *bm_smtp_command_name(bm_smtp_command cmd);

/* What a bounce email says beyond the diagnostic (all optional: zero means unknown). */
typedef struct bm_classify_ctx
{
	bm_smtp_command command;	/* the command the reply answered */
} bm_classify_ctx;

/*
 * bm_classify with context.  A known command replaces the stage markers of the text: at CONNECT/HELO/EHLO
 * an address or weak verdict becomes blocked, at MAIL sender_rejected (no recipient is known yet), and a
 * user_unknown answered after DATA/BDAT becomes filtered (the mailbox was accepted at RCPT; a content
 * filter refused) -- unless a specific status (X.1.1) or a provider's unambiguous sentence (a STRONG
 * phrase: Yahoo's "This user doesn't have a yahoo.com account") decided it: with pipelining an MTA
 * reads the RCPT reply after sending DATA, so a real unknown user stays hard.  At RCPT, or with no
 * command, the text decides as in bm_classify.
 * ctx NULL (or all zero) gives exactly bm_classify's verdict.
 */
void		bm_classify_ex(const char *text, size_t len, int reply_code, bm_status status,
						   const bm_classify_ctx *ctx, bm_verdict *out);

/* Class for a reason, refined by the status/reply class: any 4xx code or 4.x.x status makes it soft. */
bm_bounce_class bm_reason_class(bm_reason reason, int reply_code, bm_status status);

/* true when the reply code is 4xx or the status 4.x.x: the receiving server says the failure may pass. */
bool		bm_is_transient(int reply_code, bm_status status);

/* Names and attributes of a reason (from reasons.def). */
const char *bm_reason_name(bm_reason reason);
const char *bm_reason_sisimai_name(bm_reason reason);
bm_fault	bm_reason_fault(bm_reason reason);
const char *bm_fault_name(bm_fault fault);
const char *bm_class_name(bm_bounce_class cls);

/* Looks a reason up by its SQL name; returns BM_REASON_COUNT when unknown. */
bm_reason	bm_reason_from_name(const char *name, size_t len);

/* Number of built-in phrases, and the phrase/example text of one (for the reference table and tests). */
int			bm_pattern_count(void);
const char *bm_pattern_text(int pattern_id);
bm_reason	bm_pattern_reason(int pattern_id);

#endif							/* BM_CLASSIFY_H */
