/*
 * smtp_status.c — parse and format RFC 3463 enhanced status codes.
 * Pure C; never allocates, never reads past the given length.
 */
#include "smtp_status.h"

#include <stdio.h>

bool
bm_status_is_valid(bm_status st)
{
	unsigned	cls = bm_status_class(st);

	return (cls == 2 || cls == 4 || cls == 5) && st < 6000000u;
}

/* Reads 1..3 digits at p; returns the count read (0 when p[0] is not a digit). */
static size_t
scan_number(const char *p, size_t len, unsigned *value)
{
	size_t		n = 0;
	unsigned	v = 0;

	while (n < len && n < 3 && p[n] >= '0' && p[n] <= '9')
	{
		v = v * 10 + (unsigned) (p[n] - '0');
		n++;
	}
	*value = v;
	return n;
}

size_t
bm_status_scan(const char *p, size_t len, bm_status *out)
{
	unsigned	subject,
				detail;
	size_t		pos,
				n;

	if (len < 5 || (p[0] != '2' && p[0] != '4' && p[0] != '5') || p[1] != '.')
		return 0;
	pos = 2;
	n = scan_number(p + pos, len - pos, &subject);
	if (n == 0)
		return 0;
	pos += n;
	if (pos >= len || p[pos] != '.')
		return 0;
	pos++;
	n = scan_number(p + pos, len - pos, &detail);
	if (n == 0)
		return 0;
	pos += n;
	/* a fourth digit means this is not a status ("5.1.1234") */
	if (pos < len && p[pos] >= '0' && p[pos] <= '9')
		return 0;
	*out = bm_status_make((unsigned) (p[0] - '0'), subject, detail);
	return pos;
}

bool
bm_status_parse(const char *s, size_t len, bm_status *out)
{
	bm_status	st;

	if (len == 0 || bm_status_scan(s, len, &st) != len)
		return false;
	*out = st;
	return true;
}

size_t
bm_status_format(bm_status st, char *buf)
{
	int			n;

	if (!bm_status_is_valid(st))
	{
		buf[0] = '\0';
		return 0;
	}
	n = snprintf(buf, BM_STATUS_TEXT_MAX, "%u.%u.%u",
				 bm_status_class(st), bm_status_subject(st), bm_status_detail(st));
	return (size_t) n;
}
