/*
 * bounce_mail.c — the bounce-email parser: reads the MIME structure, then the first reader that finds
 * recipients wins: ARF report, DSN (message/delivery-status, or DSN fields written into the text), an
 * Amazon SES notification sent by e-mail, the human-readable report of a non-standard bounce, and
 * finally the RFC 3834 auto-reply check.  A bounce forwarded as an attachment is read inside it.  Every
 * record is then normalized (address, UTF-8, caps) and classified with its SMTP command as context.
 * Must not decode parts it does not need, nor keep more than the limits of bounce_mail.h.
 */
#include "bounce_mail.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "mail_parser.h"
#include "mail_product.h"

/* ---------------------------------------------------------------------------------------------------------
 * Reading a message
 * --------------------------------------------------------------------------------------------------------- */

static bm_mail_status
set_error(bm_mail_error *err, bm_mail_status st, size_t offset, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static bm_mail_status
set_error(bm_mail_error *err, bm_mail_status st, size_t offset, const char *what, const char *fmt, ...)
{
	va_list		ap;

	if (err == NULL)
		return st;
	err->status = st;
	err->offset = offset;
	snprintf(err->what, sizeof(err->what), "%s", what);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return st;
}

/* The report text: the first text/plain part that is not an attachment, else the first text/html. */
static const bm_mime_part *
report_part(const bm_mime *m)
{
	const bm_mime_part *html = NULL;

	/* a single body; or a multipart in which no delimiter was found: its body is all there is */
	if (m->nparts == 1)
		return (strncmp(m->parts[0].type, "text/", 5) == 0 || strncmp(m->parts[0].type, "multipart/", 10) == 0) &&
			!bm_mime_type_is_message(m->parts[0].type) ? &m->parts[0] : NULL;
	for (int i = 1; i < m->nparts; i++)
	{
		const bm_mime_part *q = &m->parts[i];

		if (q->attachment && strcmp(q->type, "text/plain") != 0)
			continue;
		if (strcmp(q->type, "text/plain") == 0 && !q->attachment)
			return q;
		if (strcmp(q->type, "text/html") == 0 && html == NULL && !q->attachment)
			html = q;
	}
	return html;
}

static bm_mail_status
read_view(bm_mail_parser *p, const char *msg, size_t start, size_t end, const bm_mail_opts *opts,
		  msg_view *v, bm_mail_error *err)
{
	bm_mime_limits lim = {opts ? opts->max_depth : 0, opts ? opts->max_parts : 0};
	size_t		eoff = 0;
	bm_mime_status ms;
	const bm_mime_part *rp;

	memset(v, 0, sizeof(*v));
	v->msg = msg;
	v->start = start;
	v->end = end;
	v->date = BM_TIME_NONE;
	ms = bm_mime_read(&p->arena, msg, end, start, &lim, &v->mime, &eoff);
	switch (ms)
	{
		case BM_MIME_OK:
			break;
		case BM_MIME_NOT_EMAIL:
			return set_error(err, BM_MAIL_NOT_EMAIL, eoff, "message header",
							 "not an email: no header field at byte offset %zu", eoff);
		case BM_MIME_TOO_DEEP:
			return set_error(err, BM_MAIL_LIMIT, eoff, "MIME nesting",
							 "MIME multiparts nested deeper than %d at byte offset %zu",
							 opts && opts->max_depth > 0 && opts->max_depth < BM_MAIL_MAX_DEPTH
							 ? opts->max_depth : BM_MAIL_MAX_DEPTH, eoff);
		case BM_MIME_TOO_MANY_PARTS:
			return set_error(err, BM_MAIL_LIMIT, eoff, "MIME parts",
							 "more than %d MIME parts: part at byte offset %zu",
							 opts && opts->max_parts > 0 && opts->max_parts < BM_MAIL_MAX_PARTS
							 ? opts->max_parts : BM_MAIL_MAX_PARTS, eoff);
		case BM_MIME_NO_MEMORY:
			p->oom = true;
			return set_error(err, BM_MAIL_NO_MEMORY, start, "memory", "out of memory reading the MIME structure");
	}
	v->from = bm_hdr_decode(&p->arena, &p->cc, bm_hdr_get(&v->mime.header, "from"), p->fallback_cs, 1024);
	v->subject = bm_hdr_decode(&p->arena, &p->cc, bm_hdr_get(&v->mime.header, "subject"), p->fallback_cs, 1024);
	v->from_addr = mp_header_address(p, v->from);
	v->message_id = mp_msgid(p, bm_hdr_get(&v->mime.header, "message-id"));
	v->date = mp_date(p, bm_hdr_get(&v->mime.header, "date"));
	for (int i = 0; i < v->mime.nparts; i++)
		if (v->mime.parts[i].embedded != NULL)
		{
			v->orig = v->mime.parts[i].embedded;
			break;
		}
	rp = report_part(&v->mime);
	if (rp != NULL)
		v->text = mp_part_text(p, v, rp, BM_MAIL_MAX_TEXT_BYTES);
	if (v->text.ptr == NULL)
		v->text = (bm_str) {"", 0};
	v->product = bm_product_detect(&v->mime.header, v->from, v->subject, v->text);
	v->bounce_like = strcmp(v->mime.parts[0].type, "multipart/report") == 0 || v->product != NULL ||
		bm_product_bounce_like(&v->mime.header, v->from, v->subject);
	if (!bm_text_scan(&p->arena, v->text.ptr, v->text.len, BM_MAIL_MAX_RECIPIENTS, &v->tr))
		p->oom = true;
	return p->oom ? set_error(err, BM_MAIL_NO_MEMORY, start, "memory", "out of memory") : BM_MAIL_OK;
}

/* ---------------------------------------------------------------------------------------------------------
 * Records: normalization and verdict
 * --------------------------------------------------------------------------------------------------------- */

/*
 * Amazon SES's DSN wraps the receiving server's reply in its own words: "Diagnostic-Code: smtp; 5.1.0 -
 * Unknown address error 550-'5.7.1 <x>... Access denied' (delivery attempts: 0)".  The status and phrase
 * before the quote are SES's category (it writes "5.1.0 - Unknown address error" for a "5.2.2 ... Mailbox
 * Full" as well); the quoted text after the reply code is the server's own reply.  Finds that code and
 * reply; false when the diagnostic is not in this form.
 */
static bool
ses_relayed_reply(bm_str d, int *code, bm_str *reply)
{
	bm_status	st;
	size_t		n = bm_status_scan(d.ptr, d.len, &st);
	const char *q,
			   *end;

	if (n == 0 || d.len < n + 3 || memcmp(d.ptr + n, " - ", 3) != 0)
		return false;
	for (size_t i = n + 3; i + 5 <= d.len; i++)
	{
		q = d.ptr + i;
		if ((q[0] == '4' || q[0] == '5') && q[1] >= '0' && q[1] <= '9' && q[2] >= '0' && q[2] <= '9' &&
			q[3] == '-' && q[4] == '\'' && (i == n + 3 || d.ptr[i - 1] == ' '))
		{
			end = d.ptr + d.len;
			while (end > q + 5 && end[-1] != '\'')
				end--;
			if (end <= q + 5)
				return false;
			*code = (q[0] - '0') * 100 + (q[1] - '0') * 10 + (q[2] - '0');
			*reply = (bm_str) {q + 5, (size_t) (end - 1 - (q + 5))};
			return reply->len > 0;
		}
	}
	return false;
}

static void
finish(bm_mail_parser *p, const msg_view *v, bm_mail_recipient *r)
{
	char	   *buf = mp_alloc(p, BM_ADDRESS_BUF);
	size_t		ol,
				dom;
	bm_classify_ctx ctx = {r->smtp_command};
	bm_str		ra = bm_str_trim(r->recipient_original);

	if (buf == NULL)
		return;
	r->recipient_original = mp_field(p, ra);
	if (ra.len > 0 && bm_address_normalize(ra.ptr, ra.len, buf, &ol, &dom) == BM_ADDR_OK)
		r->recipient = (bm_str) {buf, ol};
	else
		r->recipient = (bm_str) {"", 0};
	r->diagnostic = mp_strip_continuations(mp_field(p, r->diagnostic));
	r->remote_mta = mp_field(p, r->remote_mta);
	r->reporting_mta = mp_field(p, r->reporting_mta);
	r->original_message_id = mp_field(p, r->original_message_id);
	r->message_id = v->message_id.ptr ? v->message_id : (bm_str) {"", 0};
	if (r->action.ptr == NULL)
		r->action = (bm_str) {"", 0};
	if (r->diagnostic_type.ptr == NULL)
		r->diagnostic_type = (bm_str) {"", 0};
	if (r->feedback_type.ptr == NULL)
		r->feedback_type = (bm_str) {"", 0};

	if (r->event_type == BM_ET_COMPLAINT || r->event_type == BM_ET_UNSUBSCRIBE || r->auto_reply)
	{
		memset(&r->verdict, 0, sizeof(r->verdict));
		r->verdict.reason = r->auto_reply ? BM_R_VACATION : BM_R_FEEDBACK;
		r->verdict.bounce_class = BM_NOT_BOUNCE;
		r->verdict.evidence = BM_EV_TEXT;
		r->verdict.pattern_id = -1;
		r->verdict.status = r->status;
		return;
	}
	{
		int			code;
		bm_str		reply;

		if (v->product != NULL && strcmp(v->product, "AmazonSES") == 0 &&
			ses_relayed_reply(r->diagnostic, &code, &reply))
		{
			/* the server's reply decides, with its own status; SES's status only when it has none */
			bm_classify_ex(reply.ptr, reply.len, code, BM_STATUS_NONE, &ctx, &r->verdict);
			if (r->verdict.status == BM_STATUS_NONE && r->status != BM_STATUS_NONE)
			{
				r->verdict.status = r->status;
				r->verdict.bounce_class = bm_reason_class(r->verdict.reason, r->verdict.reply_code, r->status);
			}
		}
		else
			bm_classify_ex(r->diagnostic.ptr, r->diagnostic.len, 0, r->status, &ctx, &r->verdict);
	}
	r->reply_code = r->verdict.reply_code;
	r->status = r->verdict.status;
	/* what the email adds when the text says nothing specific */
	if (r->verdict.reason == BM_R_ON_HOLD || r->verdict.reason == BM_R_UNDEFINED)
	{
		bm_reason	why = BM_REASON_COUNT;

		if (bm_str_ieq(r->diagnostic_type, "x-unix"))
			why = BM_R_MAILER_ERROR;	/* "Diagnostic-Code: X-Unix; 255": the local delivery program failed */
		else if (v->product != NULL && (strcmp(v->product, "EZweb") == 0 || strcmp(v->product, "KDDI") == 0) &&
				 bm_str_ieq(bm_str_trim(bm_hdr_get(&v->mime.header, "x-spasign")), "ng"))
			why = BM_R_FILTERED;	/* au marks the returns of its reception filter "X-SPASIGN: NG" (written
									 * by its filter hosts, "Received: from wfilter115"); the text is only
									 * "Each of the following recipients was rejected by a remote mail
									 * server." (bounceHammer and Sisimai read the header so too) */
		else if (bm_str_ieq(r->action, "delayed"))
			why = BM_R_EXPIRED; /* a delay notice: delivery keeps failing, the MTA keeps trying */
		if (why != BM_REASON_COUNT)
		{
			r->verdict.reason = why;
			r->verdict.evidence = BM_EV_TEXT;
			r->verdict.bounce_class = bm_reason_class(why, r->reply_code, r->status);
		}
	}
	if (bm_str_ieq(r->action, "delayed") && r->event_type == BM_ET_BOUNCE)
		r->event_type = BM_ET_DEFERRED;
	else if (bm_str_ieq(r->action, "delivered") || bm_str_ieq(r->action, "relayed") ||
			 bm_str_ieq(r->action, "expanded"))
	{
		r->event_type = BM_ET_DELIVERED;
		if (r->verdict.reason != BM_R_DELIVERED)
		{
			r->verdict.reason = BM_R_DELIVERED;
			r->verdict.bounce_class = BM_NOT_BOUNCE;
		}
	}
	else if (r->verdict.reason == BM_R_DELIVERED && r->event_type == BM_ET_BOUNCE)
		r->event_type = BM_ET_DELIVERED;
}

/* Is a record a duplicate of an earlier one (same recipient) of this message? */
static bool
duplicate(const bm_mail_parser *p, int i)
{
	const bm_mail_recipient *r = &p->recs[i];

	if (r->recipient.len == 0)
		return false;
	for (int k = 0; k < i; k++)
		if (p->recs[k].recipient.len == r->recipient.len &&
			memcmp(p->recs[k].recipient.ptr, r->recipient.ptr, r->recipient.len) == 0 &&
			p->recs[k].event_type == r->event_type)
			return true;
	return false;
}

/* ---------------------------------------------------------------------------------------------------------
 * API
 * --------------------------------------------------------------------------------------------------------- */

bm_mail_parser *
bm_mail_parser_create(void)
{
	bm_mail_parser *p = calloc(1, sizeof(bm_mail_parser));

	if (p == NULL)
		return NULL;
	bm_arena_init(&p->arena, BM_MAIL_ARENA_CAP);
	bm_charset_cache_init(&p->cc);
	return p;
}

void
bm_mail_parser_destroy(bm_mail_parser *p)
{
	if (p == NULL)
		return;
	bm_arena_free(&p->arena);
	bm_charset_cache_free(&p->cc);
	bm_parser_destroy(p->payload);
	free(p);
}

size_t
bm_mail_parser_held_bytes(const bm_mail_parser *p)
{
	return p ? p->arena.held : 0;
}

size_t
bm_mail_parser_peak_bytes(const bm_mail_parser *p)
{
	return p ? p->arena.peak : 0;
}

const char *
bm_mail_status_name(bm_mail_status st)
{
	switch (st)
	{
		case BM_MAIL_OK:
			return "ok";
		case BM_MAIL_NOT_EMAIL:
			return "not an email";
		case BM_MAIL_BAD_ARGUMENT:
			return "invalid argument";
		case BM_MAIL_LIMIT:
			return "limit exceeded";
		case BM_MAIL_NO_MEMORY:
			return "out of memory";
	}
	return "unknown";
}

/* The attached message to read when the email itself yields nothing: a bounce forwarded as message/rfc822. */
const bm_mime_part *
mp_forwarded_bounce(const msg_view *v)
{
	for (int i = 1; i < v->mime.nparts; i++)
	{
		const bm_mime_part *q = &v->mime.parts[i];

		if (q->embedded != NULL && strcmp(q->type, "message/rfc822") == 0 && q->cte != BM_CTE_BASE64)
		{
			bm_str		ct = bm_hdr_get(q->embedded, "content-type");
			bm_str		from = bm_hdr_get(q->embedded, "from");
			bm_str		subj = bm_hdr_get(q->embedded, "subject");

			if (bm_str_icontains(ct, "multipart/report") || bm_product_bounce_like(q->embedded, from, subj))
				return q;
		}
	}
	return NULL;
}

bm_mail_status
bm_mail_parse(bm_mail_parser *p, const char *msg, size_t len, const bm_mail_opts *opts,
			  bm_mail_emit_fn emit, void *ctx, bm_mail_error *err)
{
	size_t		max = opts && opts->max_message_bytes > 0 ? opts->max_message_bytes : BM_MAIL_MAX_MESSAGE_BYTES;
	size_t		start = 0,
				end = len;
	msg_view	v;
	bm_mail_status st;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (p == NULL || (msg == NULL && len > 0))
		return set_error(err, BM_MAIL_BAD_ARGUMENT, 0, "argument", "no parser or no message");
	bm_arena_reset(&p->arena);
	p->recs = NULL;
	p->nrecs = p->reccap = 0;
	p->decoded = 0;
	p->oom = false;
	p->fallback_cs = opts ? opts->fallback_charset : NULL;
	if (p->fallback_cs != NULL && !bm_charset_known(&p->cc, p->fallback_cs, strlen(p->fallback_cs)))
		return set_error(err, BM_MAIL_BAD_ARGUMENT, 0, "charset",
						 "unknown charset \"%.40s\" for undeclared 8-bit text", p->fallback_cs);
	if (len > max)
		return set_error(err, BM_MAIL_LIMIT, max, "message size",
						 "message of %zu bytes is larger than the limit of %zu bytes", len, max);

	for (int depth = 0; depth <= BM_MAIL_MAX_FORWARD_DEPTH; depth++)
	{
		const bm_mime_part *fb = NULL;
		const bm_mime_part *fwd;

		st = read_view(p, msg, start, end, opts, &v, err);
		if (st != BM_MAIL_OK)
			return depth == 0 ? st : (st == BM_MAIL_NO_MEMORY ? st : BM_MAIL_OK);
		for (int i = 1; i < v.mime.nparts && fb == NULL; i++)
			if (strcmp(v.mime.parts[i].type, "message/feedback-report") == 0)
				fb = &v.mime.parts[i];
		if (fb != NULL)
			mp_read_arf(p, &v, fb);
		if (p->nrecs == 0)
			mp_read_dsn(p, &v);
		if (p->nrecs == 0)
			mp_read_ses_json(p, &v);
		if (p->nrecs == 0)
			mp_read_text(p, &v);
		if (p->nrecs == 0)
			mp_read_autoreply(p, &v);
		if (p->oom)
			return set_error(err, BM_MAIL_NO_MEMORY, start, "memory", "out of memory (parser limit %zu bytes)",
							 (size_t) BM_MAIL_ARENA_CAP);
		if (p->nrecs > 0 || (fwd = mp_forwarded_bounce(&v)) == NULL)
			break;
		start = fwd->body;
		end = fwd->end;
		while (start < end && (msg[start] == '\n' || msg[start] == '\r'))
			start++;
	}
	for (int i = 0; i < p->nrecs; i++)
		finish(p, &v, &p->recs[i]);
	if (p->oom)
		return set_error(err, BM_MAIL_NO_MEMORY, 0, "memory", "out of memory (parser limit %zu bytes)",
						 (size_t) BM_MAIL_ARENA_CAP);
	{
		int			index = 0;

		for (int i = 0; i < p->nrecs; i++)
		{
			bm_mail_recipient *r = &p->recs[i];

			if ((r->recipient.len == 0 && r->event_type != BM_ET_COMPLAINT) || duplicate(p, i))
				continue;
			r->index = ++index;
			if (emit != NULL)
				emit(ctx, r);
		}
	}
	return BM_MAIL_OK;
}
