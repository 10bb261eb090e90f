/* mail_harness.c — parse-and-copy helpers for the bounce-email unit tests (see mail_harness.h). */
#include "mail_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"
#include "unit.h"

static mh_result result;

static void
copy(char *dst, size_t cap, bm_str s)
{
	size_t		n = s.len < cap - 1 ? s.len : cap - 1;

	if (s.ptr == NULL)
		unit_fail(__FILE__, __LINE__, "a record string is NULL");
	if (n > 0)
		memcpy(dst, s.ptr, n);
	dst[n] = '\0';
}

static void
emit(void *ctx, const bm_mail_recipient *r)
{
	mh_result  *res = ctx;
	mh_rec	   *x;

	if (res->n >= MH_MAX)
	{
		res->n++;
		return;
	}
	x = &res->r[res->n++];
	copy(x->recipient, sizeof(x->recipient), r->recipient);
	copy(x->recipient_original, sizeof(x->recipient_original), r->recipient_original);
	copy(x->action, sizeof(x->action), r->action);
	copy(x->diagnostic, sizeof(x->diagnostic), r->diagnostic);
	copy(x->diagnostic_type, sizeof(x->diagnostic_type), r->diagnostic_type);
	copy(x->remote_mta, sizeof(x->remote_mta), r->remote_mta);
	copy(x->reporting_mta, sizeof(x->reporting_mta), r->reporting_mta);
	copy(x->original_message_id, sizeof(x->original_message_id), r->original_message_id);
	copy(x->message_id, sizeof(x->message_id), r->message_id);
	copy(x->feedback_type, sizeof(x->feedback_type), r->feedback_type);
	snprintf(x->decoder, sizeof(x->decoder), "%s", r->decoder ? r->decoder : "(null)");
	x->status[0] = '\0';
	if (r->status != BM_STATUS_NONE)
		bm_status_format(r->status, x->status);
	x->event_type = r->event_type;
	x->command = r->smtp_command;
	x->reply_code = r->reply_code;
	x->occurred_at = r->occurred_at;
	x->auto_reply = r->auto_reply;
	x->reason = r->verdict.reason;
	x->cls = r->verdict.bounce_class;
	x->index = r->index;
}

mh_result *
mh_parse(const char *msg, size_t len, const bm_mail_opts *opts)
{
	bm_mail_parser *p = bm_mail_parser_create();

	memset(&result, 0, sizeof(result));
	if (p == NULL)
	{
		unit_fail(__FILE__, __LINE__, "bm_mail_parser_create failed");
		return &result;
	}
	result.status = bm_mail_parse(p, msg, len, opts, emit, &result, &result.err);
	result.peak = bm_mail_parser_peak_bytes(p);
	bm_mail_parser_destroy(p);
	return &result;
}

mh_result *
mh_parse_str(const char *msg)
{
	return mh_parse(msg, strlen(msg), NULL);
}

mh_result *
mh_parse_report(const char *from, const char *text, const char *fields)
{
	static char m[16384];

	snprintf(m, sizeof(m),
			 "From: %s\r\n"
			 "To: sender@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n"
			 "Date: Thu, 29 Apr 2021 23:45:32 +0900\r\nMessage-Id: <bounce-1@mx.example.org>\r\n"
			 "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
			 "--B\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n%s\r\n"
			 "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n%s\r\n"
			 "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig-1@example.org>\r\n"
			 "To: rcpt@example.com\r\n\r\n--B--\r\n", from, text, fields);
	return mh_parse_str(m);
}

char *
mh_corpus(const char *name, size_t *len)
{
	char		path[512];

	snprintf(path, sizeof(path), "../fixtures/sisimai/eml/%s", name);
	return tc_read_file(path, len);
}

mh_result *
mh_parse_corpus(const char *name)
{
	size_t		len = 0;
	char	   *msg = mh_corpus(name, &len);
	mh_result  *res;

	if (msg == NULL)
	{
		unit_fail(__FILE__, __LINE__, "cannot read corpus email %s", name);
		memset(&result, 0, sizeof(result));
		result.status = BM_MAIL_NOT_EMAIL;
		return &result;
	}
	res = mh_parse(msg, len, NULL);
	free(msg);
	return res;
}
