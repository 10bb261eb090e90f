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
#include "payload.h"
#include "smtp_reply.h"
#include "timefmt.h"
#include "mail_arena.h"
#include "mail_autoreply.h"
#include "mail_charset.h"
#include "mail_decode.h"
#include "mail_dsn.h"
#include "mail_header.h"
#include "mail_mime.h"
#include "mail_product.h"
#include "mail_stage.h"
#include "mail_text.h"

struct bm_mail_parser
{
	bm_arena	arena;
	bm_charset_cache cc;
	bm_parser  *payload;		/* JSON reader for SES notifications by e-mail (created on first use) */
	bm_mail_recipient *recs;
	int			nrecs;
	int			reccap;
	size_t		decoded;		/* bytes decoded for the current message (BM_MAIL_MAX_DECODED_BYTES) */
	const char *fallback_cs;
	bool		oom;
};

/* One message: the email, or a bounce forwarded inside it. */
typedef struct msg_view
{
	const char *msg;
	size_t		start;
	size_t		end;
	bm_mime		mime;
	bm_str		from;			/* decoded From */
	bm_str		from_addr;		/* its address, normalized */
	bm_str		subject;		/* decoded Subject */
	bm_str		message_id;
	int64_t		date;
	const bm_hblock *orig;		/* the returned message's header block, when attached */
	bm_str		text;			/* the report text (UTF-8) */
	const char *product;
	bool		bounce_like;
	bm_text_report tr;
} msg_view;

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------------------------------------------
 * Small helpers
 * --------------------------------------------------------------------------------------------------------- */

static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static void *
palloc(bm_mail_parser *p, size_t n)
{
	void	   *r = bm_arena_alloc(&p->arena, n);

	if (r == NULL)
		p->oom = true;
	return r;
}

/*
 * s as valid UTF-8 with every run of white space (and control characters) one space, trimmed, at most cap
 * bytes (cut on a character boundary).  With lower, ASCII letters are lower-cased.
 */
static bm_str
collapse(bm_mail_parser *p, bm_str s, size_t cap, bool lower)
{
	char	   *tmp;
	char	   *out;
	size_t		n,
				o = 0;
	bool		sp = false;

	if (s.ptr == NULL || s.len == 0)
		return (bm_str) {"", 0};
	n = s.len * 3 < cap + 16 ? s.len * 3 : cap + 16;
	tmp = palloc(p, n + 1);
	if (tmp == NULL)
		return (bm_str) {"", 0};
	n = bm_utf8_sanitize(s.ptr, s.len < n ? s.len : n, tmp, n, NULL);
	out = tmp;					/* in place: the output never outruns the input */
	for (size_t i = 0; i < n && o < cap; i++)
	{
		char		c = tmp[i];

		if (is_space(c) || ((unsigned char) c < 0x20) || c == 0x7f)
		{
			sp = o > 0;
			continue;
		}
		if (sp)
		{
			if (o + 1 >= cap)
				break;
			out[o++] = ' ';
			sp = false;
		}
		if (lower && c >= 'A' && c <= 'Z')
			c = (char) (c + 32);
		out[o++] = c;
	}
	/* never end inside a UTF-8 sequence */
	while (o > 0 && !bm_utf8_valid(out, o))
		o--;
	out[o] = '\0';
	return (bm_str) {out, o};
}

/*
 * A multi-line reply written on one line keeps its first "550-5.7.1" and loses the repetitions
 * ("550-5.7.1 [ip] Messages with multiple 550-5.7.1 addresses in From:" -> "... multiple addresses ..."), as
 * the reply parser does for bare diagnostics.  In place: s is an arena copy.
 */
static bm_str
strip_continuations(bm_str s)
{
	char	   *t = (char *) s.ptr;
	size_t		n = s.len,
				o = 0,
				i = 0;
	size_t		first = (size_t) -1;
	char		code[3];

	for (size_t k = 0; k + 4 <= n && first == (size_t) -1; k++)
		if ((t[k] == '4' || t[k] == '5') && t[k + 1] >= '0' && t[k + 1] <= '9' && t[k + 2] >= '0' &&
			t[k + 2] <= '9' && t[k + 3] == '-' && (k == 0 || t[k - 1] == ' ' || t[k - 1] == ';' || t[k - 1] == ':'))
			first = k;
	if (first == (size_t) -1)
		return s;
	memcpy(code, t + first, 3);
	while (i < n)
	{
		if (i > first && t[i - 1] == ' ' && i + 4 <= n && memcmp(t + i, code, 3) == 0 &&
			(t[i + 3] == '-' || t[i + 3] == ' '))
		{
			size_t		j = i + 4;
			bm_status	st;
			size_t		sl = bm_status_scan(t + j, n - j, &st);

			if (t[i + 3] == '-' || sl > 0)
			{
				j += sl;
				while (j < n && t[j] == ' ')
					j++;
				if (o > 0 && t[o - 1] == ' ' && j >= n)
					o--;
				i = j;
				continue;
			}
		}
		t[o++] = t[i++];
	}
	t[o] = '\0';
	return (bm_str) {t, o};
}

/* A copy of at most BM_MAIL_MAX_FIELD_BYTES of s, valid UTF-8, white space collapsed. */
static bm_str
field(bm_mail_parser *p, bm_str s)
{
	return collapse(p, s, BM_MAIL_MAX_FIELD_BYTES, false);
}

/* A message id without white space and the angle brackets. */
static bm_str
msgid(bm_mail_parser *p, bm_str raw)
{
	bm_str		v = bm_str_trim(raw);
	const char *lt;

	if (v.ptr == NULL)
		return BM_STR_NULL;
	lt = memchr(v.ptr, '<', v.len);
	if (lt != NULL)
	{
		const char *gt = memchr(lt, '>', (size_t) (v.ptr + v.len - lt));

		v.len = (size_t) ((gt ? gt : v.ptr + v.len) - lt - 1);
		v.ptr = lt + 1;
	}
	v = field(p, v);
	for (size_t i = 0; i < v.len; i++)
		if (v.ptr[i] == ' ')
			return (bm_str) {v.ptr, i};
	return v;
}

static int64_t
parse_date(bm_mail_parser *p, bm_str raw)
{
	bm_str		v = bm_hdr_unfold(&p->arena, raw);
	int64_t		us;

	if (v.ptr == NULL || v.len == 0 || bm_time_parse(v.ptr, v.len, &us) != BM_TIME_OK)
		return BM_TIME_NONE;
	return us;
}

/* The address in a header value ("Name <a@b>", "a@b (Name)"), normalized into the arena. */
static bm_str
header_address(bm_mail_parser *p, bm_str v)
{
	size_t		as,
				ae,
				ol,
				dom;
	char	   *buf;

	if (v.ptr == NULL || !bm_text_find_address(v.ptr, v.len, 0, &as, &ae))
		return BM_STR_NULL;
	buf = palloc(p, BM_ADDRESS_BUF);
	if (buf == NULL || bm_address_normalize(v.ptr + as, ae - as, buf, &ol, &dom) != BM_ADDR_OK)
		return BM_STR_NULL;
	return (bm_str) {buf, ol};
}

/* Does s contain the text of a (case-insensitively)? */
static bool
memmem_ci(bm_str s, bm_str a)
{
	if (a.len == 0 || s.len < a.len)
		return false;
	for (size_t i = 0; i + a.len <= s.len; i++)
		if (strncasecmp(s.ptr + i, a.ptr, a.len) == 0)
			return true;
	return false;
}

static bm_mail_recipient *
new_rec(bm_mail_parser *p, const char *decoder)
{
	bm_mail_recipient *r;

	if (p->nrecs >= BM_MAIL_MAX_RECIPIENTS)
		return NULL;
	if (p->nrecs == p->reccap)
	{
		int			ncap = p->reccap ? p->reccap * 2 : 8;
		bm_mail_recipient *nr = palloc(p, sizeof(bm_mail_recipient) * (size_t) ncap);

		if (nr == NULL)
			return NULL;
		if (p->nrecs > 0)
			memcpy(nr, p->recs, sizeof(bm_mail_recipient) * (size_t) p->nrecs);
		p->recs = nr;
		p->reccap = ncap;
	}
	r = &p->recs[p->nrecs++];
	memset(r, 0, sizeof(*r));
	r->occurred_at = BM_TIME_NONE;
	r->decoder = decoder;
	r->event_type = BM_ET_BOUNCE;
	return r;
}

/* ---------------------------------------------------------------------------------------------------------
 * Part bodies
 * --------------------------------------------------------------------------------------------------------- */

/* Text of an HTML body: tags dropped (block ends become line breaks), a few entities, no script/style. */
static size_t
html_to_text(const char *in, size_t n, char *out)
{
	size_t		o = 0;

	for (size_t i = 0; i < n;)
	{
		if (in[i] == '<')
		{
			size_t		j = i + 1;
			bool		skip_block = false;

			while (j < n && in[j] != '>')
				j++;
			if (j - i >= 6 && (strncasecmp(in + i, "<style", 6) == 0 || strncasecmp(in + i, "<scrip", 6) == 0))
				skip_block = true;
			if (j - i >= 3 && (strncasecmp(in + i, "<br", 3) == 0 || strncasecmp(in + i, "</p", 3) == 0 ||
							   strncasecmp(in + i, "</div", 5) == 0 || strncasecmp(in + i, "</tr", 4) == 0 ||
							   strncasecmp(in + i, "</li", 4) == 0 || strncasecmp(in + i, "<p", 2) == 0))
				out[o++] = '\n';
			i = j < n ? j + 1 : n;
			if (skip_block)
			{
				/* to the matching end tag */
				while (i < n && !(in[i] == '<' && i + 1 < n && in[i + 1] == '/'))
					i++;
			}
			continue;
		}
		if (in[i] == '&')
		{
			static const struct
			{
				const char *ent;
				char		c;
			}			ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
			{"&nbsp;", ' '}, {"&#39;", '\''}, {"&apos;", '\''}};
			bool		done = false;

			for (size_t k = 0; k < NELEM(ents) && !done; k++)
			{
				size_t		el = strlen(ents[k].ent);

				if (n - i >= el && strncasecmp(in + i, ents[k].ent, el) == 0)
				{
					out[o++] = ents[k].c;
					i += el;
					done = true;
				}
			}
			if (done)
				continue;
		}
		out[o++] = in[i++];
	}
	return o;
}

/*
 * The body of a part, transfer-decoded and converted to UTF-8, at most cap bytes; NULL ptr when the
 * message's decoding budget is spent.  A body that needs no work is returned as a slice of the message.
 */
static bm_str
part_text(bm_mail_parser *p, const msg_view *v, const bm_mime_part *part, size_t cap)
{
	const char *raw = v->msg + part->body;
	size_t		rawlen = part->end > part->body ? part->end - part->body : 0;
	size_t		n;
	char	   *dec;
	char	   *out;
	size_t		outcap;
	bool		html = strcmp(part->type, "text/html") == 0;

	if (p->decoded >= BM_MAIL_MAX_DECODED_BYTES)
		return BM_STR_NULL;
	if (cap > BM_MAIL_MAX_DECODED_BYTES - p->decoded)
		cap = BM_MAIL_MAX_DECODED_BYTES - p->decoded;
	/* the input needed for cap output bytes: base64 4/3, otherwise at most one byte per byte (+ QP) */
	if (part->cte == BM_CTE_BASE64)
	{
		if (rawlen / 4 * 3 > cap + 3)
		{
			/* decode more raw than cap/3*4 to allow for line breaks: two bytes of input per output byte */
			if (rawlen > cap * 2)
				rawlen = cap * 2;
		}
	}
	else if (rawlen > cap * 3)
		rawlen = cap * 3;		/* QP needs at most 3 input bytes per output byte */

	if (part->cte == BM_CTE_IDENTITY && !html &&
		(part->charset.ptr == NULL || bm_str_ieq(bm_str_trim(part->charset), "us-ascii") ||
		 bm_str_ieq(bm_str_trim(part->charset), "utf-8")) && rawlen <= cap &&
		memchr(raw, '\0', rawlen) == NULL && bm_utf8_valid(raw, rawlen))
	{
		p->decoded += rawlen;
		return (bm_str) {raw, rawlen};
	}

	dec = palloc(p, (rawlen < cap ? rawlen : cap) + 1);
	if (dec == NULL)
		return BM_STR_NULL;
	if (part->cte == BM_CTE_BASE64)
		n = bm_base64_decode(raw, rawlen, dec, cap, NULL);
	else if (part->cte == BM_CTE_QP)
		n = bm_qp_decode(raw, rawlen, dec, cap, false, NULL);
	else
	{
		n = rawlen < cap ? rawlen : cap;
		memcpy(dec, raw, n);
	}
	if (html)
		n = html_to_text(dec, n, dec);
	outcap = n * 3 + 16 < cap ? n * 3 + 16 : cap;
	out = palloc(p, outcap + 1);
	if (out == NULL)
		return BM_STR_NULL;
	if (part->charset.ptr != NULL && part->charset.len > 0)
		n = bm_charset_to_utf8(&p->cc, part->charset.ptr, part->charset.len, dec, n, out, outcap, NULL, NULL);
	else if (p->fallback_cs != NULL && !bm_utf8_valid(dec, n))
		n = bm_charset_to_utf8(&p->cc, p->fallback_cs, strlen(p->fallback_cs), dec, n, out, outcap, NULL, NULL);
	else
		n = bm_utf8_sanitize(dec, n, out, outcap, NULL);
	out[n] = '\0';
	p->decoded += n;
	return (bm_str) {out, n};
}

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
	v->from_addr = header_address(p, v->from);
	v->message_id = msgid(p, bm_hdr_get(&v->mime.header, "message-id"));
	v->date = parse_date(p, bm_hdr_get(&v->mime.header, "date"));
	for (int i = 0; i < v->mime.nparts; i++)
		if (v->mime.parts[i].embedded != NULL)
		{
			v->orig = v->mime.parts[i].embedded;
			break;
		}
	rp = report_part(&v->mime);
	if (rp != NULL)
		v->text = part_text(p, v, rp, BM_MAIL_MAX_TEXT_BYTES);
	if (v->text.ptr == NULL)
		v->text = (bm_str) {"", 0};
	v->product = bm_product_detect(&v->mime.header, v->from, v->subject, v->text);
	v->bounce_like = strcmp(v->mime.parts[0].type, "multipart/report") == 0 || v->product != NULL ||
		bm_product_bounce_like(&v->mime.header, v->from, v->subject);
	if (!bm_text_scan(&p->arena, v->text.ptr, v->text.len, BM_MAIL_MAX_RECIPIENTS, &v->tr))
		p->oom = true;
	return p->oom ? set_error(err, BM_MAIL_NO_MEMORY, start, "memory", "out of memory") : BM_MAIL_OK;
}

/* The returned message's header: attached, or written after the report in the text. */
static void
original_header(bm_mail_parser *p, const msg_view *v, bm_hblock *out, bool *found)
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

/* ---------------------------------------------------------------------------------------------------------
 * Readers
 * --------------------------------------------------------------------------------------------------------- */

static const bm_mime_part *forwarded_bounce(const msg_view *v);

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
static void
read_arf(bm_mail_parser *p, msg_view *v, const bm_mime_part *fb)
{
	bm_arf		arf;
	bm_str		body = part_text(p, v, fb, BM_MAIL_MAX_TEXT_BYTES);
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
	original_header(p, v, &oh, &have_oh);
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
	when = parse_date(p, arf.arrival_date);
	for (int i = 0; i < naddr; i++)
	{
		bm_mail_recipient *r = new_rec(p, "ARF");

		if (r == NULL)
			return;
		r->recipient_original = addrs[i];
		r->event_type = BM_ET_COMPLAINT;
		r->feedback_type = collapse(p, arf.feedback_type, 64, true);
		r->diagnostic = v->text;
		r->reporting_mta = arf.reporting_mta;
		r->occurred_at = when != BM_TIME_NONE ? when : v->date;
		if (have_oh)
			r->original_message_id = msgid(p, bm_hdr_get(&oh, "message-id"));
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
		low = collapse(p, diag, BM_MAIL_MAX_FIELD_BYTES, true);
		c = bm_stage_find(low.ptr, low.len);
	}
	if (c == BM_SMTP_NONE && para.ptr != NULL && para.len > 0)
	{
		low = collapse(p, para, BM_MAIL_MAX_FIELD_BYTES, true);
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
	char	   *out = palloc(p, s.len + 1);
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
static void
read_dsn(bm_mail_parser *p, msg_view *v)
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
		body = part_text(p, v, q, BM_MAIL_MAX_TEXT_BYTES);
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
	original_header(p, v, &oh, &have_oh);
	arrival = parse_date(p, dsn.arrival_date);
	for (int i = 0; i < dsn.n; i++)
	{
		const bm_dsn_rcpt *d = &dsn.rcpts[i];
		bm_mail_recipient *r = new_rec(p, v->product != NULL && v->tr.n > 0 ? v->product : "RFC3464");
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
		r->action = collapse(p, d->action, 32, true);
		r->diagnostic = d->diagnostic;
		{
			/* Sendmail keeps the first line of a multi-line reply in Diagnostic-Code; its transcript has all */
			bm_str		full = t != NULL && t->reply.len > 0 ? t->reply : dsn.n == 1 ? v->tr.reply : BM_STR_NULL;

			if (full.len > d->diagnostic.len && d->diagnostic.len >= 3 && memchr(full.ptr, '\n', full.len) &&
				memcmp(full.ptr, bm_str_trim(d->diagnostic).ptr, 3) == 0)
				r->diagnostic = without_transcript_marks(p, full);
		}
		r->diagnostic_type = collapse(p, d->diagnostic_type, 32, true);
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
		last = parse_date(p, d->last_attempt_date);
		r->occurred_at = last != BM_TIME_NONE ? last : arrival != BM_TIME_NONE ? arrival : v->date;
		if (have_oh)
			r->original_message_id = msgid(p, bm_hdr_get(&oh, "message-id"));
		else if (dsn.original_message_id.len > 0)
			r->original_message_id = msgid(p, dsn.original_message_id);
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
		if (to.ptr != NULL && memmem_ci(to, a))
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
static void
read_text(bm_mail_parser *p, msg_view *v)
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
	original_header(p, v, &oh, &have_oh);
	/*
	 * X-Failed-Recipients (Exim, Google) lists the failures: when the text names some of them, the other
	 * addresses it names are not failures.  Google Groups' text names only the sender ("Hello x@y,"): the
	 * header alone counts there.
	 */
	for (int i = 0; i < tr->n && failed.len > 0 && !filter; i++)
		filter = memmem_ci(failed, tr->r[i].addr);
	if (failed.len > 0 && v->product != NULL && strcmp(v->product, "GoogleGroups") == 0)
		filter = true;
	for (int i = 0; i < tr->n; i++)
	{
		const bm_text_rcpt *t = &tr->r[i];
		bm_str		err = text_error(v, t);
		bm_mail_recipient *r;

		if (filter && !memmem_ci(failed, t->addr))
			continue;
		r = new_rec(p, decoder);
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
		if ((list.ptr == NULL || list.len == 0) && have_oh && !forwarded_bounce(v))
			list = bm_hdr_unfold(&p->arena, bm_hdr_get(&oh, "to"));
		if (region.len == 0 && failed.len == 0)
			return;
		while (list.ptr != NULL && bm_text_find_address(list.ptr, list.len, pos, &as, &ae))
		{
			bm_mail_recipient *r = new_rec(p, decoder);

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
			r->original_message_id = msgid(p, bm_hdr_get(&oh, "message-id"));
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
	r = new_rec(p, "AmazonSES");
	if (r == NULL)
		return;
	r->recipient_original = field(p, ev->email_original.len ? ev->email_original : ev->email);
	r->event_type = ev->type;
	r->diagnostic = field(p, bm_dsn_typed_value(ev->diagnostic, &r->diagnostic_type));	/* "smtp; 550 ..." */
	r->diagnostic_type = collapse(p, r->diagnostic_type, 32, true);
	r->status = ev->status;
	r->action = ev->type == BM_ET_BOUNCE ? (bm_str) {"failed", 6} : ev->type == BM_ET_DEFERRED
		? (bm_str) {"delayed", 7} : ev->type == BM_ET_DELIVERED ? (bm_str) {"delivered", 9} : (bm_str) {"", 0};
	if (ev->type == BM_ET_COMPLAINT)
		r->feedback_type = collapse(p, ev->provider_type, 64, true);
	r->occurred_at = ev->occurred_at;
	r->original_message_id = field(p, ev->message_id);
	if (ev->flags & BM_EVF_AUTO_REPLY)
		r->auto_reply = true;
}

static void
ses_reject(void *c, const bm_reject *rej)
{
}

static void
read_ses_json(bm_mail_parser *p, msg_view *v)
{
	bm_str		t = bm_str_trim(v->text);
	char	   *clean;
	size_t		n = 0;
	bm_payload_opts po = {BM_PROVIDER_SES, 0, false};
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
	clean = palloc(p, (size_t) (end - t.ptr) + 1);
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
static void
read_autoreply(bm_mail_parser *p, msg_view *v)
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
	r = new_rec(p, unsubscribe ? "Unsubscribe" : "RFC3834");
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
	r->original_message_id = msgid(p, bm_hdr_get(&v->mime.header, "in-reply-to"));
}

/* ---------------------------------------------------------------------------------------------------------
 * Records: normalization and verdict
 * --------------------------------------------------------------------------------------------------------- */

static void
finish(bm_mail_parser *p, const msg_view *v, bm_mail_recipient *r)
{
	char	   *buf = palloc(p, BM_ADDRESS_BUF);
	size_t		ol,
				dom;
	bm_classify_ctx ctx = {r->smtp_command};
	bm_str		ra = bm_str_trim(r->recipient_original);

	if (buf == NULL)
		return;
	r->recipient_original = field(p, ra);
	if (ra.len > 0 && bm_address_normalize(ra.ptr, ra.len, buf, &ol, &dom) == BM_ADDR_OK)
		r->recipient = (bm_str) {buf, ol};
	else
		r->recipient = (bm_str) {"", 0};
	r->diagnostic = strip_continuations(field(p, r->diagnostic));
	r->remote_mta = field(p, r->remote_mta);
	r->reporting_mta = field(p, r->reporting_mta);
	r->original_message_id = field(p, r->original_message_id);
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
	bm_classify_ex(r->diagnostic.ptr, r->diagnostic.len, 0, r->status, &ctx, &r->verdict);
	r->reply_code = r->verdict.reply_code;
	r->status = r->verdict.status;
	/* what the email adds when the text says nothing specific */
	if (r->verdict.reason == BM_R_ON_HOLD || r->verdict.reason == BM_R_UNDEFINED)
	{
		bm_reason	why = BM_REASON_COUNT;

		if (bm_str_ieq(r->diagnostic_type, "x-unix"))
			why = BM_R_MAILER_ERROR;	/* "Diagnostic-Code: X-Unix; 255": the local delivery program failed */
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
static const bm_mime_part *
forwarded_bounce(const msg_view *v)
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
			read_arf(p, &v, fb);
		if (p->nrecs == 0)
			read_dsn(p, &v);
		if (p->nrecs == 0)
			read_ses_json(p, &v);
		if (p->nrecs == 0)
			read_text(p, &v);
		if (p->nrecs == 0)
			read_autoreply(p, &v);
		if (p->oom)
			return set_error(err, BM_MAIL_NO_MEMORY, start, "memory", "out of memory (parser limit %zu bytes)",
							 (size_t) BM_MAIL_ARENA_CAP);
		if (p->nrecs > 0 || (fwd = forwarded_bounce(&v)) == NULL)
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
