/*
 * form.c — application/x-www-form-urlencoded field lookup, iteration and percent-decoding (form.h).
 * Shared by the Mandrill payload path (payload.c) and Mandrill's signature check (sig/mandrill.c).
 */
#include "form.h"

#include <string.h>

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

bool
bm_form_find(const char *t, size_t len, const char *name, size_t *vs, size_t *ve)
{
	size_t		nl = strlen(name);
	size_t		i = 0;

	while (i < len)
	{
		size_t		end = i;

		while (end < len && t[end] != '&')
			end++;
		if (end - i > nl && memcmp(t + i, name, nl) == 0 && t[i + nl] == '=')
		{
			*vs = i + nl + 1;
			*ve = end;
			return true;
		}
		i = end + 1;
	}
	return false;
}

void
bm_form_iter_init(bm_form_iter *it, const char *body, size_t len)
{
	it->body = body;
	it->len = body ? len : 0;
	it->pos = 0;
}

bool
bm_form_next(bm_form_iter *it, bm_str *name, bm_str *value)
{
	while (it->pos < it->len)
	{
		const char *t = it->body;
		size_t		start = it->pos;
		size_t		end = start;
		size_t		eq;

		while (end < it->len && t[end] != '&')
			end++;
		it->pos = end + 1;
		if (end == start)
			continue;			/* "&&" or a leading/trailing '&' */
		for (eq = start; eq < end && t[eq] != '='; eq++)
			;
		*name = (bm_str) {t + start, eq - start};
		*value = (eq < end) ? (bm_str) {t + eq + 1, end - eq - 1} : (bm_str) {t + end, 0};
		return true;
	}
	return false;
}

bool
bm_form_decode(const char *src, size_t len, char *dst, size_t *dst_len, size_t *bad)
{
	size_t		n = 0;

	for (size_t i = 0; i < len; i++)
	{
		char		ch = src[i];

		if (ch == '+')
			ch = ' ';
		else if (ch == '%')
		{
			int			hi = i + 1 < len ? hexval(src[i + 1]) : -1;
			int			lo = i + 2 < len ? hexval(src[i + 2]) : -1;

			if (hi < 0 || lo < 0)
			{
				*bad = i;
				return false;
			}
			ch = (char) (hi * 16 + lo);
			i += 2;
		}
		dst[n++] = ch;
	}
	*dst_len = n;
	return true;
}

size_t
bm_form_encoded_offset(const char *t, size_t vs, size_t ve, size_t dec)
{
	size_t		i = vs;

	while (dec > 0 && i < ve)
	{
		i += (t[i] == '%') ? 3 : 1;
		dec--;
	}
	return i < ve ? i : ve;
}
