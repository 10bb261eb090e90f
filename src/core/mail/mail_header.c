/*
 * mail_header.c — header blocks located in place, unfolding, RFC 2047 decoding, MIME parameters.
 * Must not copy the message: fields are slices; only unfolded or decoded values are arena copies.
 */
#include "mail_header.h"

#include <string.h>
#include <strings.h>

#include "mail_decode.h"

static inline char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
}

static inline bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool
bm_str_iprefix(bm_str s, const char *lit)
{
	size_t		n = strlen(lit);

	if (s.ptr == NULL || s.len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s.ptr[i]) != lit[i])
			return false;
	return true;
}

bool
bm_str_ieq(bm_str s, const char *lit)
{
	return s.len == strlen(lit) && bm_str_iprefix(s, lit);
}

bool
bm_str_icontains(bm_str s, const char *lit)
{
	size_t		n = strlen(lit);

	if (s.ptr == NULL || n == 0 || s.len < n)
		return s.ptr != NULL && n == 0;
	for (size_t i = 0; i + n <= s.len; i++)
	{
		size_t		k = 0;

		if (lower(s.ptr[i]) != lit[0])
			continue;
		while (k < n && lower(s.ptr[i + k]) == lit[k])
			k++;
		if (k == n)
			return true;
	}
	return false;
}

bm_str
bm_str_trim(bm_str s)
{
	if (s.ptr == NULL)
		return s;
	while (s.len > 0 && is_space(s.ptr[0]))
		s.ptr++, s.len--;
	while (s.len > 0 && is_space(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

bool
bm_hdr_is_field_line(const char *line, size_t len)
{
	size_t		i = 0;

	while (i < len && line[i] > ' ' && line[i] < 127 && line[i] != ':')
		i++;
	if (i == 0 || i > 100)
		return false;
	while (i < len && is_wsp(line[i]))
		i++;					/* obsolete "Name : value" */
	return i < len && line[i] == ':';
}

/*
 * End of the line at p (offset of its CR/LF, or len) and the start of the next line.  CRLF, LF and a lone
 * CR (old Mac files) all end a line.  A byte loop, not memchr('\n'): a CR-only input must stay linear.
 */
static inline size_t
line_end(const char *msg, size_t len, size_t p, size_t *next)
{
	size_t		e = p;

	while (e < len && msg[e] != '\n' && msg[e] != '\r')
		e++;
	if (e < len && msg[e] == '\r' && e + 1 < len && msg[e + 1] == '\n')
		*next = e + 2;
	else
		*next = e < len ? e + 1 : len;
	return e;
}

/* "name=value" with a token name: a MIME parameter on a line of its own. */
static bool
looks_like_parameter(const char *line, size_t ll)
{
	size_t		i = 0;

	while (i < ll && ((line[i] >= 'a' && line[i] <= 'z') || (line[i] >= 'A' && line[i] <= 'Z') || line[i] == '-' ||
					  line[i] == '*' || (line[i] >= '0' && line[i] <= '9')))
		i++;
	return i > 0 && i < ll && line[i] == '=';
}

static char
last_nonspace(bm_str v)
{
	size_t		n = v.len;

	while (n > 0 && (v.ptr[n - 1] == ' ' || v.ptr[n - 1] == '\t' || v.ptr[n - 1] == '\r' || v.ptr[n - 1] == '\n'))
		n--;
	return n > 0 ? v.ptr[n - 1] : '\0';
}

bool
bm_hdr_parse(bm_arena *a, const char *msg, size_t len, size_t pos, int max_fields, size_t max_bytes,
			 bm_hblock *out)
{
	size_t		p = pos;
	int			cap = 0;
	bm_hfield  *cur = NULL;		/* the field continuation lines extend */
	bool		in_field = false;
	bm_hfield  *given = a == NULL ? out->fields : NULL;

	memset(out, 0, sizeof(*out));
	if (a == NULL)
	{
		out->fields = given;	/* the caller's array of max_fields fields */
		cap = given != NULL ? max_fields : 0;
	}
	out->start = pos;
	out->body = len;
	while (p < len)
	{
		size_t		next;
		size_t		e = line_end(msg, len, p, &next);
		const char *line = msg + p;
		size_t		ll = e - p;

		if (ll == 0)
		{
			out->body = next;
			return true;
		}
		if (is_wsp(line[0]))
		{
			if (!in_field)
			{
				out->body = p;
				return true;
			}
			if (cur != NULL)
				cur->value.len = (size_t) (msg + e - cur->value.ptr);
		}
		else if (bm_hdr_is_field_line(line, ll))
		{
			in_field = true;
			cur = NULL;
			if (out->n < max_fields && p - pos < max_bytes)
			{
				const char *colon = memchr(line, ':', ll);
				size_t		nl = (size_t) (colon - line);

				if (out->n == cap && a == NULL)
				{
					out->truncated = true;
					p = next;
					continue;
				}
				if (out->n == cap)
				{
					int			ncap = cap ? cap * 2 : 32;
					bm_hfield  *nf;

					if (ncap > max_fields)
						ncap = max_fields;
					nf = bm_arena_alloc(a, sizeof(bm_hfield) * (size_t) ncap);
					if (nf == NULL)
						return false;
					if (out->n > 0)
						memcpy(nf, out->fields, sizeof(bm_hfield) * (size_t) out->n);
					out->fields = nf;
					cap = ncap;
				}
				while (nl > 0 && is_wsp(line[nl - 1]))
					nl--;
				cur = &out->fields[out->n++];
				cur->name.ptr = line;
				cur->name.len = nl;
				cur->value.ptr = colon + 1;
				cur->value.len = (size_t) (line + ll - (colon + 1));
			}
			else
				out->truncated = true;
		}
		else if (cur != NULL && cur->value.len > 0 && ll < 1000 && looks_like_parameter(line, ll) &&
				 last_nonspace(cur->value) == ';')
		{
			/* "Content-Type: multipart/alternative;\nboundary=..." : an unindented parameter line that
			 * some mailers write (Verizon, Apache James) continues the field */
			cur->value.len = (size_t) (msg + e - cur->value.ptr);
		}
		else
		{
			out->body = p;
			return true;
		}
		p = next;
	}
	out->body = len;
	return true;
}

static bool
name_is(bm_str n, const char *name)
{
	return n.len == strlen(name) && strncasecmp(n.ptr, name, n.len) == 0;
}

bm_str
bm_hdr_get(const bm_hblock *b, const char *name)
{
	for (int i = 0; i < b->n; i++)
		if (name_is(b->fields[i].name, name))
			return b->fields[i].value;
	return BM_STR_NULL;
}

bm_str
bm_hdr_get_last(const bm_hblock *b, const char *name)
{
	for (int i = b->n - 1; i >= 0; i--)
		if (name_is(b->fields[i].name, name))
			return b->fields[i].value;
	return BM_STR_NULL;
}

bm_str
bm_hdr_unfold(bm_arena *a, bm_str raw)
{
	bm_str		t = bm_str_trim(raw);
	bool		clean = true;
	char	   *buf;
	size_t		o = 0;
	bool		pending_space = false;

	if (t.ptr == NULL)
		return t;
	for (size_t i = 0; i < t.len && clean; i++)
	{
		char		c = t.ptr[i];

		if (c == '\r' || c == '\n' || c == '\t' || (c == ' ' && i + 1 < t.len && t.ptr[i + 1] == ' '))
			clean = false;
	}
	if (clean)
		return t;
	buf = bm_arena_alloc(a, t.len + 1);
	if (buf == NULL)
		return BM_STR_NULL;
	for (size_t i = 0; i < t.len; i++)
	{
		char		c = t.ptr[i];

		if (is_space(c))
		{
			pending_space = true;
			continue;
		}
		if (pending_space && o > 0)
			buf[o++] = ' ';
		pending_space = false;
		buf[o++] = c;
	}
	buf[o] = '\0';
	return (bm_str) {buf, o};
}

/* Appends plain (not encoded) header text: valid UTF-8 as it is, else converted from the fallback charset. */
static size_t
append_plain(bm_charset_cache *cc, const char *s, size_t n, const char *fallback_cs, char *out, size_t room)
{
	if (bm_utf8_valid(s, n) || fallback_cs == NULL)
		return bm_utf8_sanitize(s, n, out, room, NULL);
	return bm_charset_to_utf8(cc, fallback_cs, strlen(fallback_cs), s, n, out, room, NULL, NULL);
}

/*
 * Parses an encoded word at s[0..n) ("=?cs?E?text?="); on success sets its parts and returns its length.
 */
static size_t
encoded_word(const char *s, size_t n, bm_str *cs, char *enc, bm_str *text)
{
	size_t		i = 2,
				q1,
				q2;

	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	while (i < n && s[i] != '?' && !is_space(s[i]))
		i++;
	if (i >= n || s[i] != '?' || i == 2)
		return 0;
	q1 = i;
	if (q1 + 2 >= n || s[q1 + 2] != '?')
		return 0;
	*enc = lower(s[q1 + 1]);
	if (*enc != 'b' && *enc != 'q')
		return 0;
	q2 = q1 + 3;
	for (i = q2; i + 1 < n; i++)
	{
		if (s[i] == '?' && s[i + 1] == '=')
		{
			cs->ptr = s + 2;
			cs->len = q1 - 2;
			/* RFC 2231 language suffix: charset*lang */
			for (size_t k = 0; k < cs->len; k++)
				if (cs->ptr[k] == '*')
					cs->len = k;
			text->ptr = s + q2;
			text->len = i - q2;
			return i + 2;
		}
		if (s[i] == '\r' || s[i] == '\n')
			return 0;
	}
	return 0;
}

bm_str
bm_hdr_decode(bm_arena *a, bm_charset_cache *cc, bm_str raw, const char *fallback_cs, size_t cap)
{
	bm_str		v = bm_hdr_unfold(a, raw);
	size_t		outcap;
	char	   *out;
	char	   *tmp;
	size_t		o = 0;
	size_t		i = 0;
	size_t		plain_start = 0;
	bool		last_was_word = false;

	if (v.ptr == NULL)
		return v;
	outcap = v.len * 4 + 16;
	if (outcap > cap)
		outcap = cap;
	out = bm_arena_alloc(a, outcap + 1);
	tmp = bm_arena_alloc(a, v.len + 1);
	if (out == NULL || tmp == NULL)
		return BM_STR_NULL;
	while (i < v.len)
	{
		bm_str		cs,
					text;
		char		enc;
		size_t		wl;

		if (v.ptr[i] != '=' || i + 1 >= v.len || v.ptr[i + 1] != '?' ||
			(wl = encoded_word(v.ptr + i, v.len - i, &cs, &enc, &text)) == 0)
		{
			i++;
			continue;
		}
		/* plain text before the word; only white space between two words is dropped */
		if (i > plain_start)
		{
			bool		only_ws = true;

			for (size_t k = plain_start; k < i && only_ws; k++)
				only_ws = is_space(v.ptr[k]);
			if (!(only_ws && last_was_word))
				o += append_plain(cc, v.ptr + plain_start, i - plain_start, fallback_cs, out + o, outcap - o);
		}
		{
			size_t		dl = enc == 'b' ? bm_base64_decode(text.ptr, text.len, tmp, v.len, NULL)
				: bm_qp_decode(text.ptr, text.len, tmp, v.len, true, NULL);

			o += bm_charset_to_utf8(cc, cs.ptr, cs.len, tmp, dl, out + o, outcap - o, NULL, NULL);
		}
		i += wl;
		plain_start = i;
		last_was_word = true;
	}
	if (plain_start < v.len)
		o += append_plain(cc, v.ptr + plain_start, v.len - plain_start, fallback_cs, out + o, outcap - o);
	out[o] = '\0';
	return (bm_str) {out, o};
}

/* Skips a quoted string starting at s[i] == '"'; returns the index after the closing quote (or n). */
static size_t
skip_quoted(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++)
	{
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

bm_str
bm_mime_param(bm_str v, const char *name)
{
	const char *s = v.ptr;
	size_t		n = v.len;
	size_t		i = 0;
	size_t		nl = strlen(name);

	if (s == NULL)
		return BM_STR_NULL;
	for (;;)
	{
		size_t		ns,
					ne,
					vs,
					ve;
		bool		star = false;
		bool		quoted = false;

		/* to the next ';' outside quotes */
		while (i < n && s[i] != ';')
			i = s[i] == '"' ? skip_quoted(s, n, i) : i + 1;
		if (i >= n)
			return BM_STR_NULL;
		i++;
		while (i < n && is_space(s[i]))
			i++;
		ns = i;
		while (i < n && s[i] != '=' && s[i] != ';' && !is_space(s[i]))
			i++;
		ne = i;
		while (i < n && is_space(s[i]))
			i++;
		if (i >= n || s[i] != '=')
			continue;
		i++;
		while (i < n && is_space(s[i]))
			i++;
		vs = i;
		if (i < n && s[i] == '"')
		{
			quoted = true;
			i = skip_quoted(s, n, i);
			vs++;
			ve = i > vs && s[i - 1] == '"' ? i - 1 : i;
		}
		else
		{
			while (i < n && s[i] != ';' && !is_space(s[i]))
				i++;
			ve = i;
		}
		/* name, name*, name*0, name*0* */
		if (ne - ns >= nl && bm_str_iprefix((bm_str) {s + ns, ne - ns}, name))
		{
			size_t		k = ns + nl;

			if (k < ne && s[k] == '*')
			{
				star = true;
				k++;
				if (k < ne && s[k] == '0')
					k++;
				if (k < ne && s[k] == '*')
					k++;
			}
			if (k == ne)
			{
				if (star && !quoted)
				{
					/* charset'language'value */
					const char *q1 = memchr(s + vs, '\'', ve - vs);
					const char *q2 = q1 ? memchr(q1 + 1, '\'', (size_t) (s + ve - q1 - 1)) : NULL;

					if (q2 != NULL)
						vs = (size_t) (q2 + 1 - s);
				}
				return (bm_str) {s + vs, ve - vs};
			}
		}
	}
}

void
bm_mime_type(bm_str v, char *buf, size_t bufsize)
{
	size_t		o = 0;
	size_t		i = 0;

	if (bufsize == 0)
		return;
	if (v.ptr != NULL)
	{
		while (i < v.len && is_space(v.ptr[i]))
			i++;
		for (; i < v.len && o + 1 < bufsize; i++)
		{
			char		c = v.ptr[i];

			if (c == ';' || is_space(c) || c == '"' || c == '(')
				break;
			buf[o++] = lower(c);
		}
	}
	buf[o] = '\0';
}
