/*
 * mail_harness.h — helpers for the bounce-email unit tests: parse a message and keep copies of its
 * records; read a corpus email from test/fixtures/sisimai/eml.
 */
#ifndef BM_MAIL_HARNESS_H
#define BM_MAIL_HARNESS_H

#include <stddef.h>

#include "mail/bounce_mail.h"

#define MH_MAX 16

typedef struct mh_rec
{
	char		recipient[400];
	char		recipient_original[400];
	char		action[32];
	char		diagnostic[4200];
	char		diagnostic_type[32];
	char		remote_mta[300];
	char		reporting_mta[300];
	char		original_message_id[300];
	char		message_id[300];
	char		feedback_type[64];
	char		decoder[32];
	char		status[16];
	bm_event_type event_type;
	bm_smtp_command command;
	int			reply_code;
	int64_t		occurred_at;
	bool		auto_reply;
	bm_reason	reason;
	bm_bounce_class cls;
	int			index;
} mh_rec;

typedef struct mh_result
{
	bm_mail_status status;
	bm_mail_error err;
	int			n;
	mh_rec		r[MH_MAX];
	size_t		peak;			/* the parser's peak arena bytes */
} mh_result;

/* Parses msg with a fresh parser (opts may be NULL) into res (static storage: one result at a time). */
mh_result  *mh_parse(const char *msg, size_t len, const bm_mail_opts *opts);
mh_result  *mh_parse_str(const char *msg);

/*
 * Parses a minimal RFC 3464 report from `from`: a text/plain part with `text`, a message/delivery-status
 * part with one recipient's `fields`, the returned message's header (Message-ID <orig-1@example.org>, To
 * rcpt@example.com).  The bounce's own Message-ID is <bounce-1@mx.example.org>.
 */
mh_result  *mh_parse_report(const char *from, const char *text, const char *fields);

/* A corpus email (test/fixtures/sisimai/eml/<name>), malloc'ed; *len set.  NULL when missing. */
char	   *mh_corpus(const char *name, size_t *len);
/* Parses a corpus email; fails the test when it cannot be read. */
mh_result  *mh_parse_corpus(const char *name);

#endif							/* BM_MAIL_HARNESS_H */
