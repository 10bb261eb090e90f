/*
 * smtp_reply.c — finds the SMTP reply code and RFC 3463 enhanced status in a diagnostic text and extracts the
 * human message; one pass, no allocation, never past len, refusing look-alikes (IPs, dates, sizes, "(S3150)").
 */
#include "smtp_reply.h"

#include <stdint.h>
#include <string.h>

/* One candidate token found in the text. */
typedef struct reply_token
{
	bool		found;
	size_t		start;			/* offset of the first byte */
	size_t		end;			/* offset just after the last byte */
	int			code;			/* reply code (code tokens and pairs) */
	bm_status	status;			/* enhanced status (status tokens and pairs) */
} reply_token;

static inline bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static inline unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char) (c + 32) : c;
}

/*
 * May a code or status start right after byte c?  Only after white space and the punctuation MTAs put in
 * front of replies ("said: 550", "<<< 550", "#550", "'550", "(#5.1.1)", "[#4.1.9]", "ERROR_CODE :550",
 * "Reason: 550") - not after letters, digits, '.', '-', '/', '_' (IP addresses, "S3150", versions, ids).
 */
static inline bool
may_precede(unsigned char c)
{
	if (is_space(c))
		return true;
	switch (c)
	{
		case ':':
		case ';':
		case ',':
		case '<':
		case '>':
		case '#':
		case '(':
		case '[':
		case '{':
		case '\'':
		case '"':
		case '|':
		case '*':
		case '\0':
			return true;
		default:
			return false;
	}
}

static inline bool
boundary_before(const unsigned char *p, size_t i)
{
	return i == 0 || may_precede(p[i - 1]);
}

/* A status may also follow '=' ("dsn=5.1.1" in MTA log lines); a bare number after '=' is a size or an id. */
static inline bool
status_boundary_before(const unsigned char *p, size_t i)
{
	return i == 0 || may_precede(p[i - 1]) || p[i - 1] == '=';
}

/* Words that make a number a quantity rather than a reply code ("in 250 minutes", "after 421 attempts"). */
static bool
followed_by_unit(const unsigned char *p, size_t len, size_t i)
{
	static const char *const units[] = {
		"minute", "minutes", "min", "mins", "second", "seconds", "sec", "secs", "hour", "hours", "hrs",
		"day", "days", "attempt", "attempts", "times", "byte", "bytes", "kb", "mb", "ms", "retries",
		"tries", "percent", "%"
	};
	size_t		w = i;

	while (w < len && is_space(p[w]))
		w++;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
	{
		size_t		ul = strlen(units[u]);
		size_t		k;

		if (len - w < ul)
			continue;
		for (k = 0; k < ul; k++)
			if (lower(p[w + k]) != (unsigned char) units[u][k])
				break;
		if (k == ul && (w + ul == len || !is_alpha(p[w + ul])))
			return true;
	}
	return false;
}

/*
 * An enhanced status at p[i] on word boundaries: "5.1.1" but not "10.5.1.1", "4.16.55.1", "v5.2.0",
 * "5.1.1234".  Returns its length (0 when there is none) and the status.
 */
static size_t
status_at(const unsigned char *p, size_t len, size_t i, bool after_code, bm_status *st)
{
	size_t		n;

	/* right after a reply code the separator ("550-5.1.1", "550 #5.1.0") is the boundary */
	if (!after_code && !status_boundary_before(p, i))
		return 0;
	n = bm_status_scan((const char *) p + i, len - i, st);
	if (n == 0)
		return 0;
	if (i + n < len)
	{
		unsigned char c = p[i + n];

		if (is_alpha(c) || c == '_' || c == '/' || c == '@')
			return 0;
		/* a fourth dotted number: an IP address or a version, not a status */
		if ((c == '.' || c == ',') && i + n + 1 < len && is_digit(p[i + n + 1]))
			return 0;
	}
	return n;
}

/* A reply code at p[i]: three digits, [2-5][0-5][0-9], on word boundaries.  Returns the code or 0. */
static int
code_digits_at(const unsigned char *p, size_t len, size_t i)
{
	if (len - i < 3 || !boundary_before(p, i))
		return 0;
	if (p[i] < '2' || p[i] > '5' || p[i + 1] < '0' || p[i + 1] > '5' || !is_digit(p[i + 2]))
		return 0;
	if (i + 3 < len && (is_digit(p[i + 3]) || is_alpha(p[i + 3])))
		return 0;
	return (p[i] - '0') * 100 + (p[i + 1] - '0') * 10 + (p[i + 2] - '0');
}

/*
 * A reply code followed by its enhanced status ("550 5.1.1", "550-5.1.1", "550: 5.2.2", "550 #5.1.0").
 * Fills tok and returns true when found.
 */
static bool
pair_at(const unsigned char *p, size_t len, size_t i, int code, reply_token *tok)
{
	size_t		j = i + 3;
	size_t		seps = 0;
	size_t		n;
	bm_status	st;

	while (j < len && seps < 3 && (p[j] == ' ' || p[j] == '-' || p[j] == ':' || p[j] == '#' || p[j] == '\t'))
	{
		j++;
		seps++;
	}
	if (seps == 0 || j >= len)
		return false;
	n = status_at(p, len, j, true, &st);
	if (n == 0)
		return false;
	tok->found = true;
	tok->start = i;
	tok->end = j + n;
	tok->code = code;
	tok->status = st;
	return true;
}

/* A reply code standing alone ("550 Unknown user", "<<< 550", "ERROR_CODE :550,", "550-Mailbox ..."). */
static bool
lone_code_ok(const unsigned char *p, size_t len, size_t i)
{
	size_t		j = i + 3;

	if (j == len)
		return true;
	switch (p[j])
	{
		case '-':
		case ',':
		case ';':
		case '\'':
			return true;
		case ':':
			/* "550: ..." but not the middle of an IPv6 address ("2001:db8::450:1") */
			return j + 1 == len || is_space(p[j + 1]);
		default:
			break;
	}
	if (!is_space(p[j]))
		return false;
	return !followed_by_unit(p, len, j);
}

/* Does any of the eight bytes of w lie in '2'..'5' (0x32..0x35)?  (SWAR "has byte between", exclusive.) */
static inline bool
has_reply_digit(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t	x = w & low7;

	return (((ones * (127 + 0x36)) - x) & ~w & (x + ones * (127 - 0x31)) & high) != 0;
}

/* Index for the token tables below: failures (4xx/5xx) first, then anything else (2xx/3xx). */
static inline int
token_rank(int first_digit)
{
	return (first_digit == 4 || first_digit == 5) ? 0 : 1;
}

/* What one scan of a text found: the first pair, lone code and lone status of each rank (token_rank). */
typedef struct reply_found
{
	reply_token pair[2];
	reply_token code[2];
	reply_token status[2];
} reply_found;

/* An enhanced status on its own at p[i] ("5.1.1"), noted when first of its rank; where the scan goes on. */
static size_t
note_status(const unsigned char *p, size_t len, size_t i, reply_found *f)
{
	bm_status	st;
	size_t		n = status_at(p, len, i, false, &st);
	int			r;

	if (n == 0)
		return i + 1;
	r = token_rank((int) bm_status_class(st));
	if (!f->status[r].found)
	{
		f->status[r].found = true;
		f->status[r].start = i;
		f->status[r].end = i + n;
		f->status[r].status = st;
	}
	return i + n;
}

/*
 * A reply code at p[i], with its status ("550 5.1.1") or alone ("550 Unknown user"), noted when first of
 * its rank; where the scan goes on (len after a failure pair: nothing after it can change the result).
 */
static size_t
note_code(const unsigned char *p, size_t len, size_t i, reply_found *f)
{
	int			rc = code_digits_at(p, len, i);
	reply_token tok;
	int			r;

	if (rc == 0)
		return i + 1;
	r = token_rank(rc / 100);
	memset(&tok, 0, sizeof(tok));
	if (pair_at(p, len, i, rc, &tok))
	{
		if (!f->pair[r].found)
			f->pair[r] = tok;
		return r == 0 ? len : tok.end;
	}
	if (lone_code_ok(p, len, i) && !f->code[r].found)
	{
		f->code[r].found = true;
		f->code[r].start = i;
		f->code[r].end = i + 3;
		f->code[r].code = rc;
	}
	return i + 3;
}

/* One pass over the text for candidate codes, statuses and pairs. */
static void
scan_candidates(const unsigned char *p, size_t len, reply_found *f)
{
	for (size_t i = 0; i < len;)
	{
		/* skip eight bytes at a time while none of them is a '2'..'5' */
		if (len - i >= 8)
		{
			uint64_t	w;

			memcpy(&w, p + i, sizeof(w));
			if (!has_reply_digit(w))
			{
				i += 8;
				continue;
			}
		}
		if (p[i] < '2' || p[i] > '5')
			i++;
		else if (i + 1 < len && p[i + 1] == '.')
			i = note_status(p, len, i, f);
		else
			i = note_code(p, len, i, f);
	}
}

/* The reply from the candidates: the first failure pair wins; else the first failure code and status,
 * wherever they are; failures (rank 0) before anything else. */
static void
choose_reply(const unsigned char *p, const reply_found *f, bm_reply *out)
{
	for (int r = 0; r < 2; r++)
	{
		const reply_token *cp = f->code[r].found ? &f->code[r] : NULL;
		const reply_token *sp = f->status[r].found ? &f->status[r] : NULL;

		if (f->pair[r].found)
		{
			out->reply_code = f->pair[r].code;
			out->status = f->pair[r].status;
			out->message_start = f->pair[r].end;
			return;
		}
		if (cp == NULL && sp == NULL)
			continue;
		if (cp != NULL)
			out->reply_code = cp->code;
		if (sp != NULL)
			out->status = sp->status;

		/*
		 * The message follows the earlier of the two, but a qmail-style annotation "(#5.1.1)" / "[#4.1.9]"
		 * closes the human text rather than introducing it: then the message is the text before too.
		 */
		if (sp != NULL && sp->start > 0 && p[sp->start - 1] == '#')
			sp = NULL;
		if (cp != NULL && (sp == NULL || cp->start < sp->start))
			out->message_start = cp->end;
		else if (sp != NULL)
			out->message_start = sp->end;
		return;
	}
}

void
bm_reply_parse(const char *text, size_t len, bm_reply *out)
{
	reply_found f;

	memset(&f, 0, sizeof(f));
	out->reply_code = 0;
	out->status = BM_STATUS_NONE;
	out->message_start = 0;
	if (text == NULL || len == 0)
		return;
	scan_candidates((const unsigned char *) text, len, &f);
	choose_reply((const unsigned char *) text, &f, out);
}

/* True when p[i..] starts with s (ASCII case-insensitive). */
static bool
starts_with_ci(const unsigned char *p, size_t len, size_t i, const char *s)
{
	size_t		n = strlen(s);

	if (len - i < n)
		return false;
	for (size_t k = 0; k < n; k++)
		if (lower(p[i + k]) != (unsigned char) s[k])
			return false;
	return true;
}

/*
 * Length of a repeated multi-line prefix of the chosen reply at p[i] ("550-5.1.1 ", "550 5.1.1 ", or
 * "550-" when the reply has no status), white space after it included; 0 when there is none.
 */
static size_t
continuation_prefix(const unsigned char *p, size_t len, size_t i, const bm_reply *r)
{
	size_t		j;

	if (r->reply_code < 200 || r->reply_code > 599 || len - i < 4)
		return 0;
	if (p[i] != (unsigned char) ('0' + r->reply_code / 100) ||
		p[i + 1] != (unsigned char) ('0' + r->reply_code / 10 % 10) ||
		p[i + 2] != (unsigned char) ('0' + r->reply_code % 10))
		return 0;
	j = i + 3;
	if (r->status != BM_STATUS_NONE)
	{
		bm_status	st;
		size_t		n;

		if (p[j] != '-' && p[j] != ' ')
			return 0;
		j++;
		n = bm_status_scan((const char *) p + j, len - j, &st);
		if (n == 0 || st != r->status)
			return 0;
		j += n;
		if (j < len && !is_space(p[j]))
			return 0;
	}
	else
	{
		if (p[j] != '-')
			return 0;
		j++;
	}
	while (j < len && is_space(p[j]))
		j++;
	return j - i;
}

size_t
bm_reply_message(const char *text, size_t len, const bm_reply *r, char *buf)
{
	const unsigned char *p = (const unsigned char *) text;
	size_t		i = r->message_start;
	size_t		n = 0;
	bool		pending_space = false;

	if (text == NULL || i >= len)
	{
		buf[0] = '\0';
		return 0;
	}
	/* leading white space, the "smtp;" diagnostic type and separators left over after the code */
	while (i < len && is_space(p[i]))
		i++;
	if (starts_with_ci(p, len, i, "smtp;"))
		i += 5;
	while (i < len && (is_space(p[i]) || p[i] == ':' || p[i] == '-' || p[i] == ';' || p[i] == ','))
		i++;

	while (i < len)
	{
		unsigned char c = p[i];

		if (is_space(c) || c == '\0')
		{
			pending_space = (n > 0);
			i++;
			continue;
		}
		/* at a word start: drop repeated "550-5.1.1 " prefixes and Exchange's "##" end marker */
		if (n == 0 || pending_space)
		{
			size_t		k = continuation_prefix(p, len, i, r);

			if (k > 0)
			{
				i += k;
				continue;
			}
		}
		if (c == '#' && i + 1 < len && p[i + 1] == '#')
		{
			i += 2;
			if (starts_with_ci(p, len, i, "rfc822;"))
				while (i < len && !is_space(p[i]))
					i++;
			pending_space = (n > 0);
			continue;
		}
		if (pending_space)
		{
			buf[n++] = ' ';
			pending_space = false;
		}
		buf[n++] = (char) c;
		i++;
	}
	/* Exchange's "Remote Server returned '550 ...'" leaves the closing quote: drop it when unpaired */
	if (n > 0 && (buf[n - 1] == '\'' || buf[n - 1] == '"'))
	{
		size_t		quotes = 0;

		for (size_t k = 0; k < n; k++)
			quotes += (buf[k] == buf[n - 1]);
		if (quotes % 2 == 1)
		{
			n--;
			while (n > 0 && buf[n - 1] == ' ')
				n--;
		}
	}
	buf[n] = '\0';
	return n;
}
