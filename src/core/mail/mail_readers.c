/*
 * mail_readers.c — the readers that find a bounce email's recipients: ARF report, DSN fields (parts or
 * written into the text), the report text of non-standard bounces, SES JSON by e-mail, RFC 3834 replies.
 * Must not classify (bounce_mail.c does) nor read parts the reader does not need.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "smtp_reply.h"
#include "mail_autoreply.h"
#include "mail_dsn.h"
#include "mail_parser.h"
#include "mail_product.h"
#include "mail_stage.h"

/* ---------------------------------------------------------------------------------------------------------
 * Readers
 * --------------------------------------------------------------------------------------------------------- */

/* The returned message's header: attached, or written after the report in the text. */
void
mp_original_header(bm_mail_parser *p, const msg_view *v, bm_hblock *out, bool *found)
{
	*found = false;
	if (v->orig != NULL)
	{
		*out = *v->orig;
		*found = true;
		return;
	}
	if (v->tr.original_header != BM_TEXT_NONE &&
		bm_hdr_is_field_line(v->text.ptr + v->tr.original_header,
							 v->text.len - v->tr.original_header > 200 ? 200 : v->text.len - v->tr.original_header))
	{
		if (bm_hdr_parse(&p->arena, v->text.ptr, v->text.len, v->tr.original_header, 64, 64 * 1024, out))
			*found = out->n > 0;
		else
			p->oom = true;
	}
}



/* The text recipient for an address (case-insensitive), or NULL. */
static const bm_text_rcpt *
text_rcpt_for(const bm_text_report *tr, bm_str addr)
{
	bm_str		a = bm_str_trim(addr);

	while (a.len > 0 && a.ptr[0] == '<')
		a.ptr++, a.len--;
	while (a.len > 0 && a.ptr[a.len - 1] == '>')
		a.len--;
	for (int i = 0; i < tr->n; i++)
		if (tr->r[i].addr.len == a.len && strncasecmp(tr->r[i].addr.ptr, a.ptr, a.len) == 0)
			return &tr->r[i];
	return NULL;
}

static bm_str
text_error(const msg_view *v, const bm_text_rcpt *t)
{
	if (t == NULL || t->err_start == BM_TEXT_NONE || t->err_end <= t->err_start)
		return BM_STR_NULL;
	return (bm_str) {v->text.ptr + t->err_start, t->err_end - t->err_start};
}

/* ARF (RFC 5965): one complaint record per reported recipient. */
void
mp_read_arf(bm_mail_parser *p, msg_view *v, const bm_mime_part *fb)
{
	bm_arf		arf;
	bm_str		body = mp_part_text(p, v, fb, BM_MAIL_MAX_TEXT_BYTES);
	bm_str		addrs[16];
	int			naddr = 0;
	bm_hblock	oh;
	bool		have_oh;
	int64_t		when;

	if (body.ptr == NULL || !bm_arf_parse(&p->arena, body.ptr, body.len, &arf))
		return;
	for (int i = 0; i < arf.nrcpt && naddr < 16; i++)
		addrs[naddr++] = arf.original_rcpt_to[i];
	if (naddr == 0 && arf.removal_recipient.ptr != NULL)
		addrs[naddr++] = arf.removal_recipient;
	mp_original_header(p, v, &oh, &have_oh);
	if (naddr == 0 && have_oh)
	{
		bm_str		to = bm_hdr_unfold(&p->arena, bm_hdr_get(&oh, "to"));
		size_t		pos = 0,
					as,
					ae;

		while (to.ptr != NULL && naddr < 16 && bm_text_find_address(to.ptr, to.len, pos, &as, &ae))
		{
			addrs[naddr++] = (bm_str) {to.ptr + as, ae - as};
			pos = ae;
		}
	}
	if (naddr == 0)
		addrs[naddr++] = (bm_str) {"", 0};	/* the report names no recipient */
	when = mp_date(p, arf.arrival_date);
	for (int i = 0; i < naddr; i++)
	{
		bm_mail_recipient *r = mp_new_record(p, "ARF");

		if (r == NULL)
			return;
		r->recipient_original = addrs[i];
		r->event_type = BM_ET_COMPLAINT;
		r->feedback_type = mp_collapse(p, arf.feedback_type, 64, true);
		r->diagnostic = v->text;
		r->reporting_mta = arf.reporting_mta;
		r->occurred_at = when != BM_TIME_NONE ? when : v->date;
		if (have_oh)
			r->original_message_id = mp_msgid(p, bm_hdr_get(&oh, "message-id"));
	}
}

/* The host that answered, from an error text: "host X said", "host X [ip]", "X [ip] did not like". */
static bm_str
remote_from_text(bm_str s)
{
	static const char *const lead[] = {"remote host ", "host "};

	if (s.ptr == NULL)
		return BM_STR_NULL;
	for (size_t k = 0; k < NELEM(lead); k++)
	{
		size_t		ll = strlen(lead[k]);

		for (size_t i = 0; i + ll < s.len; i++)
		{
			size_t		j,
						e;

			if (strncasecmp(s.ptr + i, lead[k], ll) != 0 || (i > 0 && !is_space(s.ptr[i - 1]) && s.ptr[i - 1] != '('))
				continue;
			j = i + ll;
			e = j;
			while (e < s.len && !is_space(s.ptr[e]) && s.ptr[e] != '[' && s.ptr[e] != ':' && s.ptr[e] != ',')
				e++;
			while (e > j && s.ptr[e - 1] == '.')
				e--;
			if (e > j && memchr(s.ptr + j, '.', e - j) != NULL)
				return (bm_str) {s.ptr + j, e - j};
		}
	}
	{
		/* "mx.example.com [192.0.2.1] did not like our ..." (dma) */
		const char *d = NULL;

		for (size_t i = 0; i + 14 < s.len && d == NULL; i++)
			if (strncasecmp(s.ptr + i, "] did not like", 14) == 0)
				d = s.ptr + i;
		if (d != NULL)
		{
			const char *b = d;
			const char *e;

			while (b > s.ptr && *b != '[')
				b--;
			e = b;
			while (e > s.ptr && is_space(e[-1]))
				e--;
			b = e;
			while (b > s.ptr && !is_space(b[-1]))
				b--;
			if (e > b)
				return (bm_str) {b, (size_t) (e - b)};
		}
	}
	return BM_STR_NULL;
}

/* The command a record's texts name: the diagnostic, its text paragraph, the transcript. */
static bm_smtp_command
command_of(bm_mail_parser *p, bm_str diag, bm_str para, const bm_text_rcpt *t, const bm_text_report *tr)
{
	bm_smtp_command c = BM_SMTP_NONE;
	bm_str		low;

	if (diag.len > 0)
	{
		low = mp_collapse(p, diag, BM_MAIL_MAX_FIELD_BYTES, true);
		c = bm_stage_find(low.ptr, low.len);
	}
	if (c == BM_SMTP_NONE && para.ptr != NULL && para.len > 0)
	{
		low = mp_collapse(p, para, BM_MAIL_MAX_FIELD_BYTES, true);
		c = bm_stage_find(low.ptr, low.len);
	}
	if (c == BM_SMTP_NONE && t != NULL)
		c = t->command;
	/* a transcript error that names no recipient: the end of DATA concerns every recipient of the
	 * transaction; an earlier stage only when the report has one recipient (else it may be another host's
	 * conversation: Sendmail V5 "While talking to x:" blocks) */
	if (c == BM_SMTP_NONE && tr != NULL && (tr->n <= 1 || tr->command == BM_SMTP_DATA))
		c = tr->command;
	return c;
}

/* Is s one address (address.h accepts it, "<x@y>" too) with a dotted domain? */
static bool
is_address(bm_str s)
{
	char		buf[BM_ADDRESS_BUF];
	size_t		ol,
				dom;
	bm_str		t = bm_str_trim(s);

	return t.len > 0 && bm_address_normalize(t.ptr, t.len, buf, &ol, &dom) == BM_ADDR_OK &&
		memchr(buf + dom, '.', ol - dom) != NULL;
}

/* The address of a DSN recipient: Final-Recipient, else Original-Recipient, X-Actual-Recipient; when none
 * of them is an address, the first address inside one of them ("|/usr/bin/x kijitora@example.com"). */
static bm_str
dsn_address(const bm_dsn_rcpt *d)
{
	const bm_str *c[3] = {&d->final_recipient, &d->original_recipient, &d->actual_recipient};

	for (int k = 0; k < 3; k++)
		if (is_address(*c[k]))
			return *c[k];
	for (int k = 0; k < 3; k++)
	{
		size_t		as,
					ae;

		if (c[k]->len > 0 && bm_text_find_address(c[k]->ptr, c[k]->len, 0, &as, &ae))
			return (bm_str) {c[k]->ptr + as, ae - as};
	}
	return d->final_recipient.len > 0 ? d->final_recipient : d->original_recipient;
}

/* The address of a header value when it names exactly one. */
static bm_str
only_address(bm_mail_parser *p, bm_str raw)
{
	bm_str		v = bm_hdr_unfold(&p->arena, raw);
	size_t		as,
				ae,
				as2,
				ae2;

	if (v.ptr == NULL || !bm_text_find_address(v.ptr, v.len, 0, &as, &ae) ||
		bm_text_find_address(v.ptr, v.len, ae, &as2, &ae2))
		return BM_STR_NULL;
	return (bm_str) {v.ptr + as, ae - as};
}

/* The comment of a DSN Status value ("5.0.0 (permanent failure)" -> "permanent failure"), or empty. */
static bm_str
status_comment(bm_str st)
{
	const char *o = st.ptr ? memchr(st.ptr, '(', st.len) : NULL;
	const char *c;

	if (o == NULL)
		return (bm_str) {"", 0};
	c = st.ptr + st.len;
	while (c > o && c[-1] != ')')
		c--;
	if (c <= o + 1)
		return (bm_str) {"", 0};
	return bm_str_trim((bm_str) {o + 1, (size_t) (c - 1 - o - 1)});
}

/* A multi-line transcript reply without its "<<< " line marks. */
static bm_str
without_transcript_marks(bm_mail_parser *p, bm_str s)
{
	char	   *out = mp_alloc(p, s.len + 1);
	size_t		o = 0;

	if (out == NULL)
		return s;
	for (size_t i = 0; i < s.len; i++)
	{
		if ((i == 0 || s.ptr[i - 1] == '\n') && s.len - i >= 4 && memcmp(s.ptr + i, "<<< ", 4) == 0)
			i += 3;
		else
			out[o++] = s.ptr[i];
	}
	out[o] = '\0';
	return (bm_str) {out, o};
}

/* DSN records (RFC 3464): from message/delivery-status parts, else from DSN fields in the text. */
void
mp_read_dsn(bm_mail_parser *p, msg_view *v)
{
	bm_dsn		dsn;
	bm_hblock	oh;
	bool		have_oh;
	int64_t		arrival;

	memset(&dsn, 0, sizeof(dsn));
	for (int i = 1; i < v->mime.nparts; i++)
	{
		const bm_mime_part *q = &v->mime.parts[i];
		bm_str		body;

		if (strcmp(q->type, "message/delivery-status") != 0 && strcmp(q->type, "message/global-delivery-status") != 0)
			continue;
		body = mp_part_text(p, v, q, BM_MAIL_MAX_TEXT_BYTES);
		if (body.ptr != NULL && !bm_dsn_parse(&p->arena, body.ptr, body.len, BM_MAIL_MAX_RECIPIENTS, &dsn))
			p->oom = true;
	}
	if (dsn.n == 0 && v->tr.dsn_fields != BM_TEXT_NONE)
	{
		if (!bm_dsn_parse(&p->arena, v->text.ptr + v->tr.dsn_fields, v->tr.report_end > v->tr.dsn_fields
						  ? v->tr.report_end - v->tr.dsn_fields : 0, BM_MAIL_MAX_RECIPIENTS, &dsn))
			p->oom = true;
	}
	if (dsn.n == 0)
		return;
	mp_original_header(p, v, &oh, &have_oh);
	arrival = mp_date(p, dsn.arrival_date);
	for (int i = 0; i < dsn.n; i++)
	{
		const bm_dsn_rcpt *d = &dsn.rcpts[i];
		bm_mail_recipient *r = mp_new_record(p, v->product != NULL && v->tr.n > 0 ? v->product : "RFC3464");
		const bm_text_rcpt *t;
		bm_str		para;
		int64_t		last;

		if (r == NULL)
			return;
		r->recipient_original = dsn_address(d);
		t = text_rcpt_for(&v->tr, r->recipient_original);
		if (t == NULL && d->original_recipient.len > 0)
			t = text_rcpt_for(&v->tr, d->original_recipient);
		if (t == NULL && v->tr.n == 1 && dsn.n == 1)
			t = &v->tr.r[0];
		if (!is_address(r->recipient_original))
		{
			/* a pipe, a file or a bare domain ("|/usr/bin/procmail", "@mx.example.org"): the address the
			 * text names for it, else the returned message's only recipient */
			if (t == NULL && i < v->tr.n && dsn.n == v->tr.n)
				t = &v->tr.r[i];
			if (t != NULL)
				r->recipient_original = t->addr;
			else if (have_oh)
				r->recipient_original = only_address(p, bm_hdr_get(&oh, "to"));
		}
		para = text_error(v, t);
		r->action = mp_collapse(p, d->action, 32, true);
		r->diagnostic = d->diagnostic;
		{
			/* Sendmail keeps the first line of a multi-line reply in Diagnostic-Code; its transcript has all */
			bm_str		full = t != NULL && t->reply.len > 0 ? t->reply : dsn.n == 1 ? v->tr.reply : BM_STR_NULL;

			if (full.len > d->diagnostic.len && d->diagnostic.len >= 3 && memchr(full.ptr, '\n', full.len) &&
				memcmp(full.ptr, bm_str_trim(d->diagnostic).ptr, 3) == 0)
				r->diagnostic = without_transcript_marks(p, full);
		}
		r->diagnostic_type = mp_collapse(p, d->diagnostic_type, 32, true);
		if (r->diagnostic.len == 0)
			r->diagnostic = para.len > 0 ? para : t != NULL && t->reply.len > 0 ? t->reply : v->tr.reply;
		if (r->diagnostic.len == 0)
			r->diagnostic = status_comment(d->status);	/* "Status: 4.0.0 (x: host name lookup failure)" */
		if (r->diagnostic.len == 0 && dsn.n == 1)
			r->diagnostic = (bm_str) {v->text.ptr, v->tr.report_end};	/* the whole report says it */
		if (d->status.len > 0)
		{
			bm_status	st;
			bm_str		s = bm_str_trim(d->status);

			if (bm_status_scan(s.ptr, s.len, &st) > 0)
				r->status = st;
		}
		r->smtp_command = command_of(p, d->diagnostic, para, t, &v->tr);
		r->remote_mta = d->remote_mta.len > 0 ? d->remote_mta : remote_from_text(para.len ? para : r->diagnostic);
		if (r->remote_mta.len == 0)
			r->remote_mta = v->tr.remote_mta;
		r->reporting_mta = dsn.reporting_mta;
		last = mp_date(p, d->last_attempt_date);
		r->occurred_at = last != BM_TIME_NONE ? last : arrival != BM_TIME_NONE ? arrival : v->date;
		if (have_oh)
			r->original_message_id = mp_msgid(p, bm_hdr_get(&oh, "message-id"));
		else if (dsn.original_message_id.len > 0)
			r->original_message_id = mp_msgid(p, dsn.original_message_id);
	}
}

/*
 * The one address a report text names besides the bounce's own sender and recipient ("Invalid final
 * delivery userid: x@y"); NULL ptr when it names none or several.
 */
static bm_str
lone_address(const msg_view *v, bm_str region)
{
	size_t		pos = 0,
				as,
				ae;
	bm_str		found = BM_STR_NULL;
	bm_str		to = bm_hdr_get(&v->mime.header, "to");

	while (region.ptr != NULL && bm_text_find_address(region.ptr, region.len, pos, &as, &ae))
	{
		bm_str		a = {region.ptr + as, ae - as};

		pos = ae;
		if (to.ptr != NULL && mp_contains(to, a))
			continue;
		if (v->from_addr.len == a.len && strncasecmp(v->from_addr.ptr, a.ptr, a.len) == 0)
			continue;
		if (found.ptr != NULL && !(found.len == a.len && strncasecmp(found.ptr, a.ptr, a.len) == 0))
			return BM_STR_NULL;
		found = a;
	}
	return found;
}

/* Does the text carry an SMTP reply code or enhanced status? */
static bool
has_reply_code(bm_str s)
{
	bm_reply	r;

	if (s.len == 0)
		return false;
	bm_reply_parse(s.ptr, s.len, &r);
	return r.reply_code >= 400 || bm_status_class(r.status) >= 4;
}

/* Non-standard bounces: the recipients the report text names, with their error paragraphs. */
void
mp_read_text(bm_mail_parser *p, msg_view *v)
{
	const bm_text_report *tr = &v->tr;
	const char *decoder = v->product != NULL ? v->product : "text";
	bm_hblock	oh;
	bool		have_oh;
	bm_str		region = {v->text.ptr, tr->report_end};
	int			first = p->nrecs;

	bm_str		failed = bm_hdr_unfold(&p->arena, bm_hdr_get(&v->mime.header, "x-failed-recipients"));
	bool		filter = false;

	if (!v->bounce_like)
		return;
	mp_original_header(p, v, &oh, &have_oh);
	/*
	 * X-Failed-Recipients (Exim, Google) lists the failures: when the text names some of them, the other
	 * addresses it names are not failures.  Google Groups' text names only the sender ("Hello x@y,"): the
	 * header alone counts there.
	 */
	for (int i = 0; i < tr->n && failed.len > 0 && !filter; i++)
		filter = mp_contains(failed, tr->r[i].addr);
	if (failed.len > 0 && v->product != NULL && strcmp(v->product, "GoogleGroups") == 0)
		filter = true;
	for (int i = 0; i < tr->n; i++)
	{
		const bm_text_rcpt *t = &tr->r[i];
		bm_str		err = text_error(v, t);
		bm_mail_recipient *r;

		if (filter && !mp_contains(failed, t->addr))
			continue;
		r = mp_new_record(p, decoder);
		if (r == NULL)
			return;
		r->recipient_original = t->addr;
		r->diagnostic = err.len > 0 ? err : t->reply.len > 0 ? t->reply : tr->reply;
		if (tr->n == 1 && t->line_start > 0 && !has_reply_code(r->diagnostic))
		{
			/* "Error message below: 550 ... / Message details: ... RCPT TO: x" (Apache James, Verizon):
			 * the error comes before the line that names the recipient */
			bm_str		before = {v->text.ptr, t->line_start};

			if (has_reply_code(before))
				r->diagnostic = before;
		}
		r->smtp_command = command_of(p, err, BM_STR_NULL, t, tr);
		if (r->smtp_command == BM_SMTP_NONE && tr->n == 1)
			r->smtp_command = command_of(p, region, BM_STR_NULL, NULL, NULL);
		r->remote_mta = remote_from_text(r->diagnostic);
		if (r->remote_mta.len == 0)
			r->remote_mta = tr->remote_mta;
	}
	if (p->nrecs == first)
	{
		/* no recipient named: X-Failed-Recipients, else the one address the report names, else the
		 * returned message's To (unless the returned message is itself a bounce: read that instead) */
		bm_str		list = failed;
		size_t		pos = 0,
					as,
					ae;

		if (list.ptr == NULL || list.len == 0)
			list = lone_address(v, region);
		if ((list.ptr == NULL || list.len == 0) && have_oh && !mp_forwarded_bounce(v))
			list = bm_hdr_unfold(&p->arena, bm_hdr_get(&oh, "to"));
		if (region.len == 0 && failed.len == 0)
			return;
		while (list.ptr != NULL && bm_text_find_address(list.ptr, list.len, pos, &as, &ae))
		{
			bm_mail_recipient *r = mp_new_record(p, decoder);

			if (r == NULL)
				return;
			r->recipient_original = (bm_str) {list.ptr + as, ae - as};
			r->diagnostic = tr->reply.len > 0 ? tr->reply : region;
			r->smtp_command = command_of(p, r->diagnostic, BM_STR_NULL, NULL, tr);
			r->remote_mta = tr->remote_mta.len > 0 ? tr->remote_mta : remote_from_text(region);
			pos = ae;
		}
	}
	for (int i = first; i < p->nrecs; i++)
	{
		bm_mail_recipient *r = &p->recs[i];

		r->action = tr->delayed ? (bm_str) {"delayed", 7} : (bm_str) {"failed", 6};
		r->occurred_at = v->date;
		if (have_oh)
			r->original_message_id = mp_msgid(p, bm_hdr_get(&oh, "message-id"));
	}
}

/* Amazon SES notifications sent by e-mail (SNS e-mail subscriptions): the JSON in the body. */
typedef struct ses_ctx
{
	bm_mail_parser *p;
	msg_view   *v;
} ses_ctx;

static void
ses_event(void *c, const bm_event *ev)
{
	ses_ctx    *s = c;
	bm_mail_parser *p = s->p;
	bm_mail_recipient *r;

	if (ev->type != BM_ET_BOUNCE && ev->type != BM_ET_COMPLAINT && ev->type != BM_ET_DELIVERED &&
		ev->type != BM_ET_DEFERRED)
		return;
	r = mp_new_record(p, "AmazonSES");
	if (r == NULL)
		return;
	r->recipient_original = mp_field(p, ev->email_original.len ? ev->email_original : ev->email);
	r->event_type = ev->type;
	r->diagnostic = mp_field(p, bm_dsn_typed_value(ev->diagnostic, &r->diagnostic_type));	/* "smtp; 550 ..." */
	r->diagnostic_type = mp_collapse(p, r->diagnostic_type, 32, true);
	r->status = ev->status;
	r->action = ev->type == BM_ET_BOUNCE ? (bm_str) {"failed", 6} : ev->type == BM_ET_DEFERRED
		? (bm_str) {"delayed", 7} : ev->type == BM_ET_DELIVERED ? (bm_str) {"delivered", 9} : (bm_str) {"", 0};
	if (ev->type == BM_ET_COMPLAINT)
		r->feedback_type = mp_collapse(p, ev->provider_type, 64, true);
	r->occurred_at = ev->occurred_at;
	r->original_message_id = mp_field(p, ev->message_id);
	if (ev->flags & BM_EVF_AUTO_REPLY)
		r->auto_reply = true;
}

static void
ses_reject(void *c, const bm_reject *rej)
{
}

void
mp_read_ses_json(bm_mail_parser *p, msg_view *v)
{
	bm_str		t = bm_str_trim(v->text);
	char	   *clean;
	size_t		n = 0;
	bm_payload_opts po = {BM_PROVIDER_SES, 0, false, 0};
	ses_ctx		sc = {p, v};
	bm_sink		sink = {&sc, ses_event, ses_reject, NULL};
	bm_payload_error perr;
	bm_provider det;
	const char *end;

	if (t.len < 2 || t.ptr[0] != '{' || strcmp(v->product ? v->product : "", "AmazonSES") != 0)
		return;
	/* the JSON object ends at the last '}' before the SNS footer; SNS wraps long lines with "!\n " */
	end = t.ptr + t.len;
	while (end > t.ptr && end[-1] != '}')
		end--;
	clean = mp_alloc(p, (size_t) (end - t.ptr) + 1);
	if (clean == NULL)
		return;
	for (const char *q = t.ptr; q < end; q++)
	{
		if (*q == '!' && q + 2 < end && q[1] == '\n' && q[2] == ' ')
		{
			q += 2;
			continue;
		}
		if (*q == '\n' || *q == '\r')
			continue;
		clean[n++] = *q;
	}
	if (p->payload == NULL && (p->payload = bm_parser_create()) == NULL)
	{
		p->oom = true;
		return;
	}
	bm_parse_payload(p->payload, clean, n, &po, &sink, &det, &perr);
}

/* RFC 3834 auto-reply: one record for the sender of the reply. */
void
mp_read_autoreply(bm_mail_parser *p, msg_view *v)
{
	bm_mail_recipient *r;
	bm_str		body = v->text;

	bool		unsubscribe;

	if (v->bounce_like || !bm_autoreply_detect(&v->mime.header, v->subject, v->from_addr))
		return;
	if (v->from_addr.len == 0)
		return;
	/* Apple Mail's List-Unsubscribe by mail: "Apple Mail sent this email to unsubscribe from the message" */
	unsubscribe = bm_str_ieq(bm_str_trim(v->subject), "unsubscribe") &&
		bm_str_icontains(v->text, "sent this email to unsubscribe");
	r = mp_new_record(p, unsubscribe ? "Unsubscribe" : "RFC3834");
	if (r == NULL)
		return;
	r->recipient_original = v->from_addr;
	if (unsubscribe)
	{
		r->event_type = BM_ET_UNSUBSCRIBE;
		r->feedback_type = (bm_str) {"opt-out", 7};
	}
	else
	{
		r->event_type = BM_ET_OTHER;
		r->auto_reply = true;
	}
	if (body.len > 512)
		body.len = 512;
	r->diagnostic = body;
	r->occurred_at = v->date;
	r->original_message_id = mp_msgid(p, bm_hdr_get(&v->mime.header, "in-reply-to"));
}

