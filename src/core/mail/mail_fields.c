/*
 * mail_fields.c — the bounce-mail parser's field helpers: collapsed UTF-8 copies with caps, message ids,
 * dates, addresses, records, part bodies decoded on demand.  Must not decode more than a part's cap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "timefmt.h"
#include "mail_decode.h"
#include "mail_parser.h"

/* ---------------------------------------------------------------------------------------------------------
 * Small helpers
 * --------------------------------------------------------------------------------------------------------- */

void *
mp_alloc(bm_mail_parser *p, size_t n)
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
bm_str
mp_collapse(bm_mail_parser *p, bm_str s, size_t cap, bool lower)
{
	char	   *tmp;
	char	   *out;
	size_t		n,
				o = 0;
	bool		sp = false;

	if (s.ptr == NULL || s.len == 0)
		return (bm_str) {"", 0};
	n = s.len * 3 < cap + 16 ? s.len * 3 : cap + 16;
	tmp = mp_alloc(p, n + 1);
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
bm_str
mp_strip_continuations(bm_str s)
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
bm_str
mp_field(bm_mail_parser *p, bm_str s)
{
	return mp_collapse(p, s, BM_MAIL_MAX_FIELD_BYTES, false);
}

/* A message id without white space and the angle brackets. */
bm_str
mp_msgid(bm_mail_parser *p, bm_str raw)
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
	v = mp_field(p, v);
	for (size_t i = 0; i < v.len; i++)
		if (v.ptr[i] == ' ')
			return (bm_str) {v.ptr, i};
	return v;
}

int64_t
mp_date(bm_mail_parser *p, bm_str raw)
{
	bm_str		v = bm_hdr_unfold(&p->arena, raw);
	int64_t		us;

	if (v.ptr == NULL || v.len == 0 || bm_time_parse(v.ptr, v.len, &us) != BM_TIME_OK)
		return BM_TIME_NONE;
	return us;
}

/* The address in a header value ("Name <a@b>", "a@b (Name)"), normalized into the arena. */
bm_str
mp_header_address(bm_mail_parser *p, bm_str v)
{
	size_t		as,
				ae,
				ol,
				dom;
	char	   *buf;

	if (v.ptr == NULL || !bm_text_find_address(v.ptr, v.len, 0, &as, &ae))
		return BM_STR_NULL;
	buf = mp_alloc(p, BM_ADDRESS_BUF);
	if (buf == NULL || bm_address_normalize(v.ptr + as, ae - as, buf, &ol, &dom) != BM_ADDR_OK)
		return BM_STR_NULL;
	return (bm_str) {buf, ol};
}

/* Does s contain the text of a (case-insensitively)? */
bool
mp_contains(bm_str s, bm_str a)
{
	if (a.len == 0 || s.len < a.len)
		return false;
	for (size_t i = 0; i + a.len <= s.len; i++)
		if (strncasecmp(s.ptr + i, a.ptr, a.len) == 0)
			return true;
	return false;
}

bm_mail_recipient *
mp_new_record(bm_mail_parser *p, const char *decoder)
{
	bm_mail_recipient *r;

	if (p->nrecs >= BM_MAIL_MAX_RECIPIENTS)
		return NULL;
	if (p->nrecs == p->reccap)
	{
		int			ncap = p->reccap ? p->reccap * 2 : 8;
		bm_mail_recipient *nr = mp_alloc(p, sizeof(bm_mail_recipient) * (size_t) ncap);

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
bm_str
mp_part_text(bm_mail_parser *p, const msg_view *v, const bm_mime_part *part, size_t cap)
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

	dec = mp_alloc(p, (rawlen < cap ? rawlen : cap) + 1);
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
	out = mp_alloc(p, outcap + 1);
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

