/*
 * mail_mime.c — one-pass MIME structure reader with an explicit stack of open multiparts.
 * Must not recurse, decode bodies, or do more than O(depth) work per line that starts with "--".
 */
#include "mail_mime.h"

#include <string.h>
#include <strings.h>

typedef struct open_multipart
{
	bm_str		boundary;
	int			part;
} open_multipart;

bool
bm_mime_type_is_message(const char *type)
{
	return strcmp(type, "message/rfc822") == 0 || strcmp(type, "message/global") == 0 ||
		strcmp(type, "text/rfc822-headers") == 0 || strcmp(type, "message/global-headers") == 0 ||
		strcmp(type, "message/partial") == 0;
}

/* Fills type/charset/boundary/cte/attachment of p from its (part or message) header block. */
static void
describe(bm_mime_part *p, const bm_hblock *h, const char *default_type)
{
	bm_str		ct = bm_hdr_get(h, "content-type");
	bm_str		cte = bm_str_trim(bm_hdr_get(h, "content-transfer-encoding"));
	bm_str		cd = bm_str_trim(bm_hdr_get(h, "content-disposition"));

	bm_mime_type(ct, p->type, sizeof(p->type));
	if (p->type[0] == '\0' || strchr(p->type, '/') == NULL)
		strcpy(p->type, default_type);
	p->charset = bm_mime_param(ct, "charset");
	p->boundary = strncmp(p->type, "multipart/", 10) == 0 ? bm_mime_param(ct, "boundary") : BM_STR_NULL;
	if (p->boundary.ptr != NULL && (p->boundary.len == 0 || p->boundary.len > 200))
		p->boundary = BM_STR_NULL;	/* RFC 2046: 1..70 characters; be lenient, but not absurd */
	p->cte = BM_CTE_IDENTITY;
	if (bm_str_iprefix(cte, "quoted-printable"))
		p->cte = BM_CTE_QP;
	else if (bm_str_iprefix(cte, "base64"))
		p->cte = BM_CTE_BASE64;
	else if (cte.ptr != NULL && cte.len > 0 && !bm_str_iprefix(cte, "7bit") && !bm_str_iprefix(cte, "8bit") &&
			 !bm_str_iprefix(cte, "binary"))
		p->cte = BM_CTE_OTHER;
	p->attachment = bm_str_iprefix(cd, "attachment");
}

/* Adds a part; NULL when the arena is exhausted.  *cap is the current capacity of m->parts. */
static bm_mime_part *
add_part(bm_arena *a, bm_mime *m, int *cap)
{
	bm_mime_part *p;

	if (m->nparts == *cap)
	{
		int			ncap = *cap ? *cap * 2 : 8;
		bm_mime_part *np = bm_arena_alloc(a, sizeof(bm_mime_part) * (size_t) ncap);

		if (np == NULL)
			return NULL;
		if (m->nparts > 0)
			memcpy(np, m->parts, sizeof(bm_mime_part) * (size_t) m->nparts);
		m->parts = np;
		*cap = ncap;
	}
	p = &m->parts[m->nparts++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* Reads the header block an attached message starts with (only for the first few). */
static bool
read_embedded(bm_arena *a, const char *msg, size_t len, bm_mime *m, bm_mime_part *p, int *nembedded)
{
	bm_hblock  *h;

	if (!bm_mime_type_is_message(p->type) || p->cte == BM_CTE_BASE64 || *nembedded >= BM_MAIL_MAX_EMBEDDED)
		return true;
	h = bm_arena_alloc(a, sizeof(bm_hblock));
	if (h == NULL)
		return false;
	/* skip blank lines some MTAs put before the attached header */
	{
		size_t		b = p->body;

		while (b < len && (msg[b] == '\n' || msg[b] == '\r'))
			b++;
		if (!bm_hdr_parse(a, msg, len, b, BM_MAIL_MAX_HEADER_FIELDS, BM_MAIL_MAX_HEADER_BYTES, h))
			return false;
	}
	if (h->truncated)
		m->header_truncated = true;
	p->embedded = h;
	(*nembedded)++;
	return true;
}

/* Start of the next line after offset q (past CRLF, LF or CR), or len. */
static size_t
next_line(const char *msg, size_t len, size_t q)
{
	while (q < len && msg[q] != '\n' && msg[q] != '\r')
		q++;
	if (q < len && msg[q] == '\r')
	{
		q++;
		if (q < len && msg[q] == '\n')
			q++;
	}
	else if (q < len)
		q++;
	return q;
}

/* The body of a part ends before the line break that precedes the delimiter line at q. */
static size_t
end_before(const char *msg, size_t body, size_t q)
{
	if (q > body && msg[q - 1] == '\n')
		q--;
	if (q > body && msg[q - 1] == '\r')
		q--;
	return q < body ? body : q;
}

/*
 * Does the line at q ("--" already seen) delimit the multipart with boundary b?  *closing is set for
 * "--b--".  Transport padding (white space) may follow.
 */
static bool
is_delimiter(const char *msg, size_t len, size_t q, bm_str b, bool *closing)
{
	size_t		i = q + 2;

	if (len - i < b.len || memcmp(msg + i, b.ptr, b.len) != 0)
		return false;
	i += b.len;
	*closing = false;
	if (i + 1 < len && msg[i] == '-' && msg[i + 1] == '-')
	{
		*closing = true;
		i += 2;
	}
	while (i < len && (msg[i] == ' ' || msg[i] == '\t'))
		i++;
	return i == len || msg[i] == '\n' || msg[i] == '\r';
}

/* Is there a line "--b" (or "--b--") in msg[from..len)? */
static bool
has_delimiter(const char *msg, size_t len, size_t from, bm_str b)
{
	size_t		p = from;
	bool		closing;

	while (p < len)
	{
		const char *hit = memchr(msg + p, '-', len - p);
		size_t		q;

		if (hit == NULL)
			return false;
		q = (size_t) (hit - msg);
		if (q + 1 < len && msg[q + 1] == '-' && (q == 0 || msg[q - 1] == '\n' || msg[q - 1] == '\r') &&
			is_delimiter(msg, len, q, b, &closing))
			return true;
		p = q + 1;
	}
	return false;
}

/* The first "--token" line of msg[from..len) whose next line is a Content-* header field; NULL ptr if none. */
static bm_str
guess_boundary(const char *msg, size_t len, size_t from)
{
	size_t		p = from;

	while (p < len)
	{
		const char *hit = memchr(msg + p, '-', len - p);
		size_t		q,
					e,
					n;

		if (hit == NULL)
			break;
		q = (size_t) (hit - msg);
		p = q + 1;
		if (q + 2 >= len || msg[q + 1] != '-' || (q > 0 && msg[q - 1] != '\n' && msg[q - 1] != '\r'))
			continue;
		e = q + 2;
		while (e < len && msg[e] != '\n' && msg[e] != '\r' && msg[e] != ' ' && msg[e] != '\t')
			e++;
		n = next_line(msg, len, q);
		if (e - (q + 2) == 0 || e - (q + 2) > 200 || len - n < 8 || strncasecmp(msg + n, "content-", 8) != 0)
			continue;
		return (bm_str) {msg + q + 2, e - (q + 2)};
	}
	return BM_STR_NULL;
}

/* bm_mime_read's state: the multiparts open around the current position, and the leaf being read. */
typedef struct mime_reader
{
	bm_arena   *a;
	const char *msg;
	size_t		len;
	bm_mime    *out;
	int			cap;			/* room in out->parts */
	int			max_depth;
	int			max_parts;
	open_multipart stack[BM_MAIL_MAX_DEPTH];
	int			sp;
	int			cur;			/* the leaf part whose body is being read, or -1 */
	int			nembedded;
	bm_hfield	scratch[BM_MAIL_MAX_PART_FIELDS];
} mime_reader;

/*
 * The message's own header (after an mbox "From " line): parts[0].  NOT_EMAIL when the first line is no
 * header field.
 */
static bm_mime_status
read_message_header(mime_reader *r, size_t p, size_t *err_offset)
{
	const char *msg = r->msg;
	size_t		len = r->len;
	size_t		e;
	bm_mime_part *top;

	if (len - p > 5 && memcmp(msg + p, "From ", 5) == 0)
		p = next_line(msg, len, p);
	e = p;
	while (e < len && msg[e] != '\n' && msg[e] != '\r')
		e++;
	if (!bm_hdr_is_field_line(msg + p, e - p))
	{
		*err_offset = p;
		return BM_MIME_NOT_EMAIL;
	}
	if (!bm_hdr_parse(r->a, msg, len, p, BM_MAIL_MAX_HEADER_FIELDS, BM_MAIL_MAX_HEADER_BYTES, &r->out->header))
		return BM_MIME_NO_MEMORY;
	r->out->header_truncated = r->out->header.truncated;
	top = add_part(r->a, r->out, &r->cap);
	if (top == NULL)
		return BM_MIME_NO_MEMORY;
	top->parent = -1;
	top->start = p;
	top->body = r->out->header.body;
	top->end = len;
	describe(top, &r->out->header, "text/plain");
	return BM_MIME_OK;
}

/*
 * The next delimiter line of an open multipart at or after *p: true with its offset (*q), the multipart's
 * stack index (*k) and whether it closes it; false at the end of the input.
 */
static bool
next_delimiter(const mime_reader *r, size_t *p, size_t *q, int *k, bool *closing)
{
	const char *msg = r->msg;
	size_t		len = r->len;

	while (*p < len)
	{
		const char *hit = memchr(msg + *p, '-', len - *p);

		if (hit == NULL)
			return false;
		*q = (size_t) (hit - msg);
		/* a delimiter is "--" at the start of a line */
		if (*q + 1 >= len || msg[*q + 1] != '-' || (*q > 0 && msg[*q - 1] != '\n' && msg[*q - 1] != '\r'))
		{
			*p = *q + 1;
			continue;
		}
		*closing = false;
		for (*k = r->sp - 1; *k >= 0; (*k)--)
			if (is_delimiter(msg, len, *q, r->stack[*k].boundary, closing))
				return true;
		*p = *q + 2;
	}
	return false;
}

/* A delimiter of the multipart at stack index k at offset q ends the leaf being read and the inner
 * multiparts left open. */
static void
end_parts_before(mime_reader *r, int k, size_t q)
{
	bm_mime    *out = r->out;

	if (r->cur >= 0)
	{
		out->parts[r->cur].end = end_before(r->msg, out->parts[r->cur].body, q);
		r->cur = -1;
	}
	while (r->sp - 1 > k)
	{
		bm_mime_part *mp = &out->parts[r->stack[--r->sp].part];

		mp->end = end_before(r->msg, mp->body, q);
		out->unterminated = true;
	}
}

/*
 * A part of the multipart at stack index k, its header at hstart (after the delimiter at q): added, and
 * opened as a multipart or read as a leaf.  *p is set to its body.
 */
static bm_mime_status
open_part(mime_reader *r, int k, size_t q, size_t hstart, size_t *p, size_t *err_offset)
{
	bm_mime    *out = r->out;
	bm_hblock	ph;
	bm_mime_part *np;

	if (out->nparts >= r->max_parts)
	{
		*err_offset = q;
		return BM_MIME_TOO_MANY_PARTS;
	}
	ph.fields = r->scratch;
	bm_hdr_parse(NULL, r->msg, r->len, hstart, BM_MAIL_MAX_PART_FIELDS, BM_MAIL_MAX_HEADER_BYTES, &ph);
	np = add_part(r->a, out, &r->cap);
	if (np == NULL)
		return BM_MIME_NO_MEMORY;
	np->parent = r->stack[k].part;
	np->depth = k + 1;
	np->start = hstart;
	np->body = ph.body;
	np->end = r->len;
	/* RFC 2046 5.1.5: the default type inside multipart/digest is message/rfc822 */
	describe(np, &ph, strcmp(out->parts[r->stack[k].part].type, "multipart/digest") == 0
			 ? "message/rfc822" : "text/plain");
	*p = np->body;
	if (np->boundary.ptr != NULL)
	{
		if (r->sp >= r->max_depth)
		{
			*err_offset = q;
			return BM_MIME_TOO_DEEP;
		}
		r->stack[r->sp++] = (open_multipart) {np->boundary, out->nparts - 1};
		return BM_MIME_OK;
	}
	r->cur = out->nparts - 1;
	if (!read_embedded(r->a, r->msg, r->len, out, np, &r->nembedded))
		return BM_MIME_NO_MEMORY;
	return BM_MIME_OK;
}

bm_mime_status
bm_mime_read(bm_arena *a, const char *msg, size_t len, size_t start, const bm_mime_limits *lim,
			 bm_mime *out, size_t *err_offset)
{
	mime_reader r;
	bm_mime_part *top;
	bm_mime_status st;
	size_t		p;

	memset(out, 0, sizeof(*out));
	*err_offset = start;
	r.a = a;
	r.msg = msg;
	r.len = len;
	r.out = out;
	r.cap = 0;
	r.max_depth = lim && lim->max_depth > 0 && lim->max_depth < BM_MAIL_MAX_DEPTH ? lim->max_depth
		: BM_MAIL_MAX_DEPTH;
	r.max_parts = lim && lim->max_parts > 0 && lim->max_parts < BM_MAIL_MAX_PARTS ? lim->max_parts
		: BM_MAIL_MAX_PARTS;
	r.sp = 0;
	r.cur = -1;
	r.nembedded = 0;

	st = read_message_header(&r, start, err_offset);
	if (st != BM_MIME_OK)
		return st;
	top = &out->parts[0];
	if (top->boundary.ptr == NULL)
		return read_embedded(a, msg, len, out, top, &r.nembedded) ? BM_MIME_OK : BM_MIME_NO_MEMORY;
	r.stack[r.sp++] = (open_multipart) {top->boundary, 0};
	p = top->body;
	if (!has_delimiter(msg, len, p, top->boundary))
	{
		/*
		 * No line of the body delimits the declared boundary (a header and body written by different
		 * programs): take the first "--token" line followed by a Content-* field as the boundary instead.
		 */
		bm_str		guess = guess_boundary(msg, len, p);

		if (guess.ptr != NULL)
			r.stack[0].boundary = top->boundary = guess;
	}

	while (r.sp > 0 && p < len)
	{
		size_t		q,
					hstart;
		int			k;
		bool		closing;

		if (!next_delimiter(&r, &p, &q, &k, &closing))
			break;
		end_parts_before(&r, k, q);
		hstart = next_line(msg, len, q);
		if (closing)
		{
			bm_mime_part *mp = &out->parts[r.stack[--r.sp].part];

			mp->end = end_before(msg, mp->body, q);
			p = hstart;
			continue;
		}
		st = open_part(&r, k, q, hstart, &p, err_offset);
		if (st != BM_MIME_OK)
			return st;
	}
	if (r.sp > 0)
		out->unterminated = true;	/* the open parts end with the input (end = len already) */
	return BM_MIME_OK;
}
