/*
 * address.c — normalize and validate recipient email addresses (trim, strip a display name and <>,
 * lower-case, check the shape).  Pure C: no allocation, no locale, never reads outside [in, in + len).
 *
 * Why the WHOLE address is lower-cased: RFC 5321 lets a receiving system treat the local part as case
 * sensitive, but no mailbox provider that matters does, and the ESPs whose events we ingest (SendGrid,
 * SES, Mailgun, Postmark, ...) match their suppression lists case-insensitively.  Keeping "Jane@X.com"
 * and "jane@x.com" apart would split one mailbox's bounce history in two and let a suppressed address
 * through under another spelling.  The spelling as given is kept in bm_event.email_original.
 *
 * Only ASCII letters are folded: UTF-8 (EAI, RFC 6531) addresses pass through byte for byte, because
 * Unicode case folding depends on tables and locale and mailbox providers do not agree on it.
 *
 * What is checked, deliberately no more (real-world addresses break the stricter RFC 5322 grammar, e.g.
 * Japanese carrier addresses with consecutive dots "taro..yamada.@docomo.ne.jp" are deliverable):
 * exactly one '@' outside double quotes; a non-empty local part of at most 64 bytes; a non-empty domain
 * of at most 255 bytes without empty labels (or a "[...]" literal); no white space, control characters
 * or RFC 5322 specials outside quotes; well-formed UTF-8.  A dotless domain ("invalid@invalid", which
 * SendGrid reports in its "dropped: Invalid" events) is accepted: it is syntactically a domain.
 */
#include "address.h"

#include <stdint.h>

static inline bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline bool
is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* RFC 5322 specials that may not appear unquoted in a local part ('"' and '@' are handled apart). */
static inline bool
is_local_special(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' ||
		c == '\\' || c == ',' || c == ';' || c == ':';
}

static inline bool
is_domain_special(unsigned char c)
{
	return is_local_special(c) || c == '"' || c == '@';
}

/* Length of the well-formed UTF-8 sequence at p[0..n) (p[0] >= 0x80), or 0 when it is malformed. */
static size_t
utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];

	if (c >= 0xc2 && c <= 0xdf)
		return (n >= 2 && (p[1] & 0xc0) == 0x80) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef)
	{
		unsigned char lo = (c == 0xe0) ? 0xa0 : 0x80;
		unsigned char hi = (c == 0xed) ? 0x9f : 0xbf;	/* no surrogates */

		return (n >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80) ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4)
	{
		unsigned char lo = (c == 0xf0) ? 0x90 : 0x80;
		unsigned char hi = (c == 0xf4) ? 0x8f : 0xbf;	/* <= U+10FFFF */

		return (n >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 &&
				(p[3] & 0xc0) == 0x80) ? 4 : 0;
	}
	return 0;
}

/*
 * Length of the UTF-8 encoded invisible character at p[0..n): Unicode white space (U+00A0, U+1680,
 * U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) or a zero-width format character (U+200B..U+200D,
 * U+2060, U+FEFF); 0 when p does not start with one.  Copied from web forms and spreadsheets, they make
 * "x@example.com\u00a0" a different string from a suppressed "x@example.com".
 */
static size_t
invisible_len(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	if (n < 3)
		return 0;
	if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)	/* U+1680 */
		return 3;
	if (p[0] == 0xe2 && p[1] == 0x80 &&
		((p[2] >= 0x80 && p[2] <= 0x8d) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
		return 3;				/* U+2000..U+200D, U+2028, U+2029, U+202F */
	if (p[0] == 0xe2 && p[1] == 0x81 && (p[2] == 0x9f || p[2] == 0xa0))
		return 3;				/* U+205F, U+2060 */
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)	/* U+3000 ideographic space */
		return 3;
	if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)	/* U+FEFF */
		return 3;
	return 0;
}

/* Length of the invisible character ending at e (see invisible_len), looking back from e within [s, e). */
static size_t
invisible_len_before(const unsigned char *s, const unsigned char *e)
{
	if (e - s >= 2 && invisible_len(e - 2, 2) == 2)
		return 2;
	if (e - s >= 3 && invisible_len(e - 3, 3) == 3)
		return 3;
	return 0;
}

/* Trims white space, Unicode white space and zero-width characters on both ends of [*s, *e). */
static void
trim(const unsigned char **s, const unsigned char **e)
{
	for (;;)
	{
		size_t		k;

		if (*s < *e && is_space(**s))
			(*s)++;
		else if ((k = invisible_len(*s, (size_t) (*e - *s))) > 0)
			*s += k;
		else
			break;
	}
	for (;;)
	{
		size_t		k;

		if (*e > *s && is_space((*e)[-1]))
			(*e)--;
		else if ((k = invisible_len_before(*s, *e)) > 0)
			*e -= k;
		else
			break;
	}
}

/*
 * If [*s, *e) is "Display Name <addr>" or "<addr>", narrows it to addr.  Quotes (with backslash
 * escapes) are honoured so that a '<' or '@' inside a quoted display name does not count.
 */
static bm_address_status
strip_angle_brackets(const unsigned char **s, const unsigned char **e)
{
	const unsigned char *p;
	const unsigned char *lt = NULL;
	bool		in_quote = false;
	int			lts = 0,
				gts = 0;

	for (p = *s; p < *e; p++)
	{
		if (in_quote)
		{
			if (*p == '\\' && p + 1 < *e)
				p++;
			else if (*p == '"')
				in_quote = false;
		}
		else if (*p == '"')
			in_quote = true;
		else if (*p == '<')
		{
			lt = p;
			lts++;
		}
		else if (*p == '>')
			gts++;
	}
	if (in_quote)
		return BM_ADDR_BAD_SYNTAX;
	if (lts == 0 && gts == 0)
		return BM_ADDR_OK;
	/* exactly one "<...>", at the end: "a <b@c> trailing", "a <b@c", "<a><b>" are not addresses */
	if (lts != 1 || gts != 1 || (*e)[-1] != '>')
		return BM_ADDR_BAD_SYNTAX;
	*s = lt + 1;
	*e = *e - 1;
	trim(s, e);
	return BM_ADDR_OK;
}

static bm_address_status
check_domain(const unsigned char *d, size_t n)
{
	size_t		label = 0;

	if (n == 0)
		return BM_ADDR_DOMAIN_EMPTY;
	if (n > BM_ADDRESS_DOMAIN_MAX)
		return BM_ADDR_DOMAIN_TOO_LONG;
	if (d[0] == '[')
	{
		/* domain literal: "[192.0.2.1]" or "[IPv6:...]" */
		if (n < 3 || d[n - 1] != ']')
			return BM_ADDR_BAD_SYNTAX;
		for (size_t i = 1; i < n - 1; i++)
		{
			if (is_control(d[i]) || is_space(d[i]) || d[i] == '[' || d[i] == ']' || d[i] == '\\')
				return BM_ADDR_BAD_CHAR;
		}
		return BM_ADDR_OK;
	}
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = d[i];

		if (c == '.')
		{
			if (label == 0)
				return BM_ADDR_DOMAIN_LABEL;
			label = 0;
			continue;
		}
		if (is_control(c) || is_space(c) || is_domain_special(c))
			return BM_ADDR_BAD_CHAR;
		label++;
	}
	return label == 0 ? BM_ADDR_DOMAIN_LABEL : BM_ADDR_OK;
}

bm_address_status
bm_address_normalize(const char *in, size_t len, char *out, size_t *out_len, size_t *domain_off)
{
	const unsigned char *s = (const unsigned char *) in;
	const unsigned char *e;
	const unsigned char *at = NULL;
	const unsigned char *p;
	bm_address_status st;
	bool		in_quote = false;
	int			ats = 0;
	size_t		local_len,
				n;

	if (in == NULL)
		return BM_ADDR_EMPTY;
	e = s + len;
	trim(&s, &e);
	if (s == e)
		return BM_ADDR_EMPTY;
	st = strip_angle_brackets(&s, &e);
	if (st != BM_ADDR_OK)
		return st;
	if (s == e)
		return BM_ADDR_EMPTY;

	/* one pass over the address: quotes, '@', characters of the local part, UTF-8 */
	for (p = s; p < e; p++)
	{
		unsigned char c = *p;

		if (c >= 0x80)
		{
			size_t		k = utf8_seq_len(p, (size_t) (e - p));

			if (k == 0)
				return BM_ADDR_BAD_UTF8;
			/* an invisible character inside an address (quoted or not) only ever disguises another one */
			if (invisible_len(p, k) > 0)
				return BM_ADDR_BAD_CHAR;
			p += k - 1;
			continue;
		}
		if (in_quote)
		{
			if (is_control(c))
				return BM_ADDR_BAD_CHAR;
			if (c == '\\')
			{
				if (p + 1 >= e || is_control(p[1]))
					return BM_ADDR_BAD_SYNTAX;
				p++;
			}
			else if (c == '"')
				in_quote = false;
			continue;
		}
		if (c == '"')
		{
			if (at != NULL)
				return BM_ADDR_BAD_CHAR;	/* quotes in the domain */
			in_quote = true;
		}
		else if (c == '@')
		{
			ats++;
			at = p;
		}
		else if (at == NULL && (is_control(c) || is_space(c) || is_local_special(c)))
			return BM_ADDR_BAD_CHAR;
	}
	if (in_quote)
		return BM_ADDR_BAD_SYNTAX;
	if (ats == 0)
		return BM_ADDR_NO_AT;
	if (ats > 1)
		return BM_ADDR_MANY_AT;

	local_len = (size_t) (at - s);
	if (local_len == 0)
		return BM_ADDR_LOCAL_EMPTY;
	if (local_len > BM_ADDRESS_LOCAL_MAX)
		return BM_ADDR_LOCAL_TOO_LONG;
	st = check_domain(at + 1, (size_t) (e - at - 1));
	if (st != BM_ADDR_OK)
		return st;

	n = (size_t) (e - s);		/* <= 64 + 1 + 255, checked above */
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = s[i];

		out[i] = (char) ((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
	}
	out[n] = '\0';
	*out_len = n;
	*domain_off = local_len + 1;
	return BM_ADDR_OK;
}

const char *
bm_address_status_text(bm_address_status st)
{
	switch (st)
	{
		case BM_ADDR_OK:
			return "valid address";
		case BM_ADDR_EMPTY:
			return "empty address";
		case BM_ADDR_NO_AT:
			return "no '@' in the address";
		case BM_ADDR_MANY_AT:
			return "more than one '@' in the address";
		case BM_ADDR_LOCAL_EMPTY:
			return "empty local part";
		case BM_ADDR_LOCAL_TOO_LONG:
			return "local part longer than 64 bytes";
		case BM_ADDR_DOMAIN_EMPTY:
			return "empty domain";
		case BM_ADDR_DOMAIN_TOO_LONG:
			return "domain longer than 255 bytes";
		case BM_ADDR_DOMAIN_LABEL:
			return "empty label in the domain";
		case BM_ADDR_BAD_CHAR:
			return "white space, control character or special character in the address";
		case BM_ADDR_BAD_UTF8:
			return "invalid UTF-8 in the address";
		case BM_ADDR_BAD_SYNTAX:
			return "unbalanced quotes or angle brackets in the address";
	}
	return "invalid address";
}
