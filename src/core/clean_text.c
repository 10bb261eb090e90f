/*
 * clean_text.c — provider-sourced text (error messages, Location headers, curl's error buffer, paging
 * links) made safe for an error message, a log line and a text column: bm_text_scrub removes credentials,
 * bm_text_escape writes what is not text as \xNN and cuts.  Scrub first, on the whole text, then escape
 * and cut: a cut before the scrub could leave half of a key.  No allocation.
 */
#include "clean_text.h"

#include <string.h>

static const char redacted[] = "[redacted]";

/* Bytes written to an output that stops at cap - 1 (the rest is counted as dropped). */
typedef struct out_buf
{
	char	   *p;
	size_t		len;
	size_t		cap;
} out_buf;

static void
put(out_buf *o, const char *s, size_t n)
{
	size_t		room = o->cap - 1 - o->len;

	if (n > room)
		n = room;
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/* True when s[0..n) starts with the lower-case word w, ASCII case-insensitively. */
static bool
starts_ci(const char *s, size_t n, const char *w)
{
	size_t		k = strlen(w);

	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower(s[i]) != w[i])
			return false;
	return true;
}

/* Length of the secret at s[0..n), or 0 when none of them is there. */
static size_t
secret_at(const char *s, size_t n, const char *const *secrets, int nsecrets)
{
	for (int k = 0; k < nsecrets; k++)
	{
		size_t		sl = secrets[k] ? strlen(secrets[k]) : 0;

		if (sl >= BM_SECRET_MIN && sl <= n && memcmp(s, secrets[k], sl) == 0)
			return sl;
	}
	return 0;
}

/* True when s[0..n) (the end of the text) is a prefix of a secret, at least BM_SECRET_MIN bytes long. */
static bool
secret_prefix_ends(const char *s, size_t n, const char *const *secrets, int nsecrets)
{
	if (n < BM_SECRET_MIN)
		return false;
	for (int k = 0; k < nsecrets; k++)
	{
		size_t		sl = secrets[k] ? strlen(secrets[k]) : 0;

		if (sl >= BM_SECRET_MIN && n < sl && memcmp(s, secrets[k], n) == 0)
			return true;
	}
	return false;
}

/* Length of the credential token at s[0..n): up to a space, quote, comma or line end. */
static size_t
token_len(const char *s, size_t n)
{
	size_t		i = 0;

	while (i < n && s[i] != ' ' && s[i] != '"' && s[i] != '\'' && s[i] != ',' && s[i] != '\n' &&
		   s[i] != '\r' && s[i] != '\0')
		i++;
	return i;
}

size_t
bm_text_scrub(const char *s, size_t len, const char *const *secrets, int nsecrets, char *out, size_t cap)
{
	out_buf		o = {out, 0, cap};
	size_t		i = 0;

	while (i < len)
	{
		size_t		k;

		if ((k = secret_at(s + i, len - i, secrets, nsecrets)) > 0)
		{
			put(&o, redacted, sizeof(redacted) - 1);
			i += k;
		}
		else if (secret_prefix_ends(s + i, len - i, secrets, nsecrets))
		{
			put(&o, redacted, sizeof(redacted) - 1);
			i = len;
		}
		else if (starts_ci(s + i, len - i, "bearer ") || starts_ci(s + i, len - i, "basic "))
		{
			size_t		w = lower(s[i + 1]) == 'e' ? 7 : 6;

			put(&o, s + i, w);
			i += w;
			if ((k = token_len(s + i, len - i)) > 0)
			{
				put(&o, "...", 3);
				i += k;
			}
		}
		else
			put(&o, s + i++, 1);
	}
	out[o.len] = '\0';
	return o.len;
}

/* Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80,
				hi = 0xbf;
	size_t		need;

	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef)
	{
		need = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	}
	else if (c >= 0xf0 && c <= 0xf4)
	{
		need = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	}
	else
		return 0;
	if (need > n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < need; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return need;
}

/* The output piece for the text at u[i..len): *n bytes at the returned pointer (esc when escaped); *step
 * input bytes it stands for. */
static const char *
piece_at(const unsigned char *u, size_t i, size_t len, bool utf8, char esc[4], size_t *n, size_t *step)
{
	static const char hex[] = "0123456789abcdef";
	size_t		k;

	*n = *step = 1;
	if ((u[i] >= 0x20 && u[i] < 0x7f) || u[i] == '\t' || u[i] == '\n' || u[i] == '\r')
		return (const char *) u + i;
	if (u[i] >= 0x80 && utf8 && (k = utf8_seq(u + i, len - i)) > 0)
	{
		*n = *step = k;
		return (const char *) u + i;
	}
	esc[0] = '\\';
	esc[1] = 'x';
	esc[2] = hex[u[i] >> 4];
	esc[3] = hex[u[i] & 0xf];
	*n = 4;
	return esc;
}

size_t
bm_text_escape(const char *s, size_t len, bool utf8, char *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		room = cap - 1;
	size_t		total = 0;
	size_t		limit;
	size_t		o = 0;
	char		esc[4];
	size_t		n,
				step;

	/* the whole text fits, or it is cut where "..." still fits after it */
	for (size_t i = 0; i < len && total <= room; i += step)
	{
		(void) piece_at(u, i, len, utf8, esc, &n, &step);
		total += n;
	}
	limit = total <= room ? room : room - 3;
	for (size_t i = 0; i < len; i += step)
	{
		const char *piece = piece_at(u, i, len, utf8, esc, &n, &step);

		if (o + n > limit)
			break;
		memcpy(out + o, piece, n);
		o += n;
	}
	if (total > room)
	{
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return o;
}
