/*
 * mail_text.h — reads the human-readable report of a bounce (the text Postfix, Exim, qmail, Sendmail,
 * Gmail, dma ... write): which recipients failed, the error text of each, transcript commands, where the
 * returned message starts.  Must not decide verdicts, nor read past the returned message's header.
 */
#ifndef BM_MAIL_TEXT_H
#define BM_MAIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "classify.h"
#include "event.h"
#include "mail_arena.h"

#define BM_TEXT_NONE		((size_t) -1)
#define BM_TEXT_FOLLOW_LINES 24	/* lines taken after a recipient named alone (its error text follows) */

typedef struct bm_text_rcpt
{
	bm_str		addr;			/* as written (no <>), a slice of the text */
	size_t		line_start;		/* offset of the line that named it first */
	size_t		err_start;		/* its error text: text[err_start..err_end) */
	size_t		err_end;
	size_t		pre_start;		/* a sentence just before the line naming it (used when nothing follows) */
	size_t		pre_end;
	bm_smtp_command command;	/* from a transcript (">>> RCPT To:" before "<<< 550 ...") */
	bm_str		reply;			/* the transcript's reply for it ("550 5.1.1 <x>... User unknown"); a
								 * multi-line reply spans its "<<< " lines */
} bm_text_rcpt;

typedef struct bm_text_report
{
	bm_text_rcpt *r;			/* arena */
	int			n;
	size_t		report_end;		/* where the returned message starts (len when it does not) */
	size_t		original_header;	/* offset of the returned message's header block, or BM_TEXT_NONE */
	size_t		dsn_fields;		/* offset of DSN fields written into the text ("Final-Recipient: ..."),
								 * or BM_TEXT_NONE */
	bm_smtp_command command;	/* transcript command of an error that names no address (DATA) */
	bm_str		reply;			/* its reply line */
	bm_str		remote_mta;		/* "... while talking to mx.example.com.:" */
	bool		delayed;		/* the report is a delay warning (mail_text.def BM_TEXT_DELAY) */
} bm_text_report;

/*
 * Scans text[0..len) (UTF-8).  At most max_rcpts recipients; the same address named twice is one
 * recipient.  Returns false only when the arena is exhausted.
 */
bool		bm_text_scan(bm_arena *a, const char *text, size_t len, int max_rcpts, bm_text_report *out);

/*
 * Finds the first email address in s[from..n): local@domain with a dotted domain.  Sets its bounds and
 * returns true.
 */
bool		bm_text_find_address(const char *s, size_t n, size_t from, size_t *start, size_t *end);

#endif							/* BM_MAIL_TEXT_H */
