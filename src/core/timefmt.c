/*
 * timefmt.c — timestamp forms used by email providers, to microseconds since the Unix epoch (UTC).
 * Own calendar arithmetic (days-from-civil), so nothing depends on locale, TZ or the platform's timegm.
 *
 * Forms accepted (leading/trailing white space ignored):
 *   unix numbers     "1454442600", "1520363423000" (ms), "1666214138.4046676", "1.6662141384046676e9"
 *                    Values >= 1e11 are milliseconds: 1e11 s would be the year 5138, beyond our range,
 *                    while 1e11 ms is 1973-03-03, so the two readings never compete inside 1970..2100
 *                    (ms values before 1973-03-03 are read as seconds and then fail the range check).
 *                    The decimal text is converted exactly (no double), rounded to the nearest
 *                    microsecond, halves away from zero: Mailgun's 1666214138.4046676 -> ...138.404668,
 *                    the value PostgreSQL's to_timestamp() gives.
 *   ISO 8601 / RFC 3339   "2016-01-27T14:59:44.101Z", "2019-11-05T16:33:54.9070259Z",
 *                    "2014-01-15T16:09:19.6421112-05:00", "2024-01-02 03:04:05", "...+0900", "...+09",
 *                    "... UTC"; 'T' or ' ' between date and time, 0..9 fractional digits ('.' or ','),
 *                    seconds optional, "YYYY-MM-DD" alone is midnight.  No zone means UTC.
 *   RFC 2822         "Fri, 21 Oct 2011 11:02:55 GMT", "Wed, 27 Jan 2016 14:05:45 +0000 (UTC)": optional
 *                    weekday, 2- or 4-digit year (RFC 2822 4.3: 2 digits < 50 -> 20xx, else 19xx),
 *                    optional seconds, zone +hhmm/-hhmm or UT, UTC, GMT, Z, EST, EDT, CST, CDT, MST, MDT,
 *                    PST, PDT; an optional trailing "(comment)".  No zone means UTC.
 * Anything else, invalid fields (month 13, Feb 30, hour 24, minute 60, second > 60) and results outside
 * 1970-01-01 .. 2100-12-31T23:59:59.999999Z are errors.  A leap second ":60" is accepted and lands on the
 * next minute, as PostgreSQL does.  Huge numbers are range errors, never overflow.
 */
#include "timefmt.h"

#include <string.h>

#define USECS_PER_SEC	INT64_C(1000000)
#define SECS_PER_DAY	INT64_C(86400)

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c;
}

/*
 * Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
 * Exact for any year that fits comfortably in int64.
 */
int64_t
bm_days_from_civil(int64_t year, unsigned month, unsigned day)
{
	int64_t		y = year - (month <= 2);
	int64_t		era = (y >= 0 ? y : y - 399) / 400;
	int64_t		yoe = y - era * 400;
	int64_t		mp = (month + 9) % 12;	/* March = 0 */
	int64_t		doy = (153 * mp + 2) / 5 + (int64_t) day - 1;
	int64_t		doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
bm_civil_from_us(int64_t us, int *year, int *month, int *day)
{
	int64_t		z = us / (USECS_PER_SEC * SECS_PER_DAY) + 719468;
	int64_t		era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;
	int64_t		d = doy - (153 * mp + 2) / 5 + 1;
	int64_t		m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int) (yoe + era * 400 + (m <= 2));
	*month = (int) m;
	*day = (int) d;
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return (m == 2 && is_leap(y)) ? 29 : dim[m - 1];
}

static bm_time_status
check_range(int64_t us)
{
	return (us < BM_TIME_MIN_US || us > BM_TIME_MAX_US) ? BM_TIME_RANGE : BM_TIME_OK;
}

/* ---- unix numbers --------------------------------------------------------------------------------- */

/*
 * Exact decimal text ("123", "123.456", "1.5e9") to round(value * 10^scale) as int64, for non-negative
 * values.  Returns BM_TIME_RANGE when the result exceeds limit, BM_TIME_SYNTAX on malformed text.
 * digits: the significant digits without the decimal point, exp10: the power of ten of the last one.
 */
static bm_time_status
scaled_value(const char *digits, size_t nd, int64_t exp10, int scale, int64_t limit, int64_t *out)
{
	int64_t		shift = exp10 + scale;	/* value*10^scale = D * 10^shift */
	int64_t		v = 0;
	size_t		keep;
	bool		round_up = false;

	/* skip leading zeros so that the digit count measures magnitude */
	while (nd > 0 && digits[0] == '0')
	{
		digits++;
		nd--;
	}
	if (nd == 0)
	{
		*out = 0;
		return BM_TIME_OK;
	}
	if (shift >= 0)
	{
		/* magnitude = nd + shift digits; anything beyond 19 digits overflows int64 */
		if ((int64_t) nd + shift > 19)
			return BM_TIME_RANGE;
		keep = nd;
	}
	else
	{
		int64_t		drop = -shift;

		if (drop > (int64_t) nd)
		{
			/* D < 10^nd, so the value is below 0.1 of a unit and rounds to 0 */
			*out = 0;
			return BM_TIME_OK;
		}
		keep = nd - (size_t) drop;
		if (keep > 19)
			return BM_TIME_RANGE;
		round_up = keep < nd && digits[keep] >= '5';
		shift = 0;
	}
	for (size_t i = 0; i < keep; i++)
	{
		int			dgt = digits[i] - '0';

		if (v > (INT64_MAX - dgt) / 10)
			return BM_TIME_RANGE;
		v = v * 10 + dgt;
	}
	for (int64_t i = 0; i < shift; i++)
	{
		if (v > INT64_MAX / 10)
			return BM_TIME_RANGE;
		v *= 10;
	}
	if (round_up)
	{
		if (v == INT64_MAX)
			return BM_TIME_RANGE;
		v++;
	}
	if (v > limit)
		return BM_TIME_RANGE;
	*out = v;
	return BM_TIME_OK;
}

/* s is all of: digits [ '.' digits ] [ (e|E) [+-] digits ], digits before and after the '.'. */
static bm_time_status
parse_unix_number(const char *s, size_t len, int64_t *us)
{
	char		digits[64];
	size_t		nd = 0;
	size_t		i = 0;
	int64_t		frac_digits = 0;
	int64_t		exp10 = 0;
	int64_t		seconds_int;
	bool		any = false;
	bool		significant = false;
	bm_time_status st;
	int64_t		v;

	if (len > 0 && s[0] == '-')
	{
		/* a negative number is before 1970 ("-0" is 0); a malformed one stays a syntax error.
		 * s[1] must be a digit, so this recursion is one level deep at most. */
		if (len < 2 || !is_digit(s[1]))
			return BM_TIME_SYNTAX;
		st = parse_unix_number(s + 1, len - 1, &v);
		if (st == BM_TIME_OK && v == 0)
		{
			*us = 0;
			return BM_TIME_OK;
		}
		return (st == BM_TIME_OK || st == BM_TIME_RANGE) ? BM_TIME_RANGE : BM_TIME_SYNTAX;
	}
	for (; i < len && is_digit(s[i]); i++)
	{
		any = true;
		if (s[i] != '0')
			significant = true;
		if (!significant)
			continue;
		if (nd >= sizeof(digits))
			return BM_TIME_RANGE;	/* more than 64 integer digits */
		digits[nd++] = s[i];
	}
	if (i < len && s[i] == '.')
	{
		i++;
		if (!any || i >= len || !is_digit(s[i]))
			return BM_TIME_SYNTAX;
		for (; i < len && is_digit(s[i]); i++)
		{
			any = true;
			/* fraction digits beyond what we can keep do not change a microsecond result much; keep
			 * 30 after the point at most, which is far beyond the 6 (+1 for rounding) that matter */
			if (frac_digits >= 30)
				continue;
			if (s[i] != '0')
				significant = true;
			frac_digits++;
			if (!significant)
				continue;
			if (nd >= sizeof(digits))
				return BM_TIME_RANGE;
			digits[nd++] = s[i];
		}
	}
	if (!any)
		return BM_TIME_SYNTAX;
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		bool		neg = false;
		bool		exp_any = false;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			neg = (s[i++] == '-');
		for (; i < len && is_digit(s[i]); i++)
		{
			exp_any = true;
			if (exp10 < 100000)
				exp10 = exp10 * 10 + (s[i] - '0');
		}
		if (!exp_any)
			return BM_TIME_SYNTAX;
		if (neg)
			exp10 = -exp10;
	}
	if (i != len)
		return BM_TIME_SYNTAX;
	/* value = D * 10^(exp10 - frac_digits), D = the kept significant digits */
	exp10 -= frac_digits;

	/* integer seconds, to apply the millisecond heuristic (values >= 1e11 are milliseconds) */
	st = scaled_value(digits, nd, exp10, 0, INT64_MAX, &seconds_int);
	if (st == BM_TIME_RANGE || (st == BM_TIME_OK && seconds_int >= BM_TIME_MS_THRESHOLD))
	{
		/* the rounded value may reach 1e11 while the truncated one does not: both are out of range
		 * as seconds, and as milliseconds 1e11 is 1973; use the millisecond reading */
		st = scaled_value(digits, nd, exp10, 3, BM_TIME_MAX_US, &v);
	}
	else
		st = scaled_value(digits, nd, exp10, 6, BM_TIME_MAX_US, &v);
	if (st != BM_TIME_OK)
		return st;
	*us = v;
	return BM_TIME_OK;
}

bm_time_status
bm_time_from_unix(int64_t value, int64_t *us)
{
	int64_t		v;

	if (value < 0)
		return BM_TIME_RANGE;
	if (value >= BM_TIME_MS_THRESHOLD)
	{
		if (value > BM_TIME_MAX_US / 1000)
			return BM_TIME_RANGE;
		v = value * 1000;
	}
	else
		v = value * USECS_PER_SEC;	/* < 1e11 * 1e6, no overflow */
	if (check_range(v) != BM_TIME_OK)
		return BM_TIME_RANGE;
	*us = v;
	return BM_TIME_OK;
}

/* ---- shared field readers ------------------------------------------------------------------------- */

/* Reads exactly n digits at s[*i]; false when fewer are there. */
static bool
read_digits(const char *s, size_t len, size_t *i, int n, unsigned *out)
{
	unsigned	v = 0;

	if (*i + (size_t) n > len)
		return false;
	for (int k = 0; k < n; k++)
	{
		char		c = s[*i + (size_t) k];

		if (!is_digit(c))
			return false;
		v = v * 10 + (unsigned) (c - '0');
	}
	*i += (size_t) n;
	*out = v;
	return true;
}

/* Reads 1..max digits. */
static bool
read_1_to_n_digits(const char *s, size_t len, size_t *i, int max, unsigned *out, int *count)
{
	unsigned	v = 0;
	int			n = 0;

	while (*i < len && n < max && is_digit(s[*i]))
	{
		v = v * 10 + (unsigned) (s[*i] - '0');
		(*i)++;
		n++;
	}
	if (n == 0)
		return false;
	*out = v;
	if (count)
		*count = n;
	return true;
}

/* "hh:mm" and an optional ":ss" at s[*i] (hh, mm, ss exactly two digits); *has_ss says whether the
 * seconds were there (ss is left as it was otherwise). */
static bool
read_clock(const char *s, size_t len, size_t *i, unsigned *hh, unsigned *mm, unsigned *ss, bool *has_ss)
{
	*has_ss = false;
	if (!read_digits(s, len, i, 2, hh) || *i >= len || s[(*i)++] != ':' || !read_digits(s, len, i, 2, mm))
		return false;
	if (*i < len && s[*i] == ':')
	{
		(*i)++;
		if (!read_digits(s, len, i, 2, ss))
			return false;
		*has_ss = true;
	}
	return true;
}

/* Builds the result from validated fields; offset_min is the zone's offset east of UTC in minutes. */
static bm_time_status
compose(int64_t year, unsigned mon, unsigned day, unsigned hh, unsigned mm, unsigned ss, int64_t frac_us,
		int64_t offset_min, int64_t *us)
{
	int64_t		secs;
	int64_t		v;

	if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon) || hh > 23 || mm > 59 || ss > 60)
		return BM_TIME_SYNTAX;
	/* cheap pre-check so the arithmetic below cannot overflow */
	if (year < 1969 || year > 2101)
		return BM_TIME_RANGE;
	secs = bm_days_from_civil(year, mon, day) * SECS_PER_DAY + hh * 3600 + mm * 60 + ss - offset_min * 60;
	v = secs * USECS_PER_SEC + frac_us;
	if (check_range(v) != BM_TIME_OK)
		return BM_TIME_RANGE;
	*us = v;
	return BM_TIME_OK;
}

/* ---- ISO 8601 / RFC 3339 -------------------------------------------------------------------------- */

/*
 * Fractional seconds: 1..9 digits after '.' or ',' at s[*i], to microseconds rounded half up.  May return
 * 1000000 (".9999995"): compose() carries it into the seconds.
 */
static bool
read_fraction(const char *s, size_t len, size_t *i, int64_t *frac_us)
{
	int64_t		v = 0;
	int			n = 0;
	bool		round_up = false;

	while (*i < len && is_digit(s[*i]))
	{
		if (n < 6)
			v = v * 10 + (s[*i] - '0');
		else if (n == 6)
			round_up = s[*i] >= '5';
		n++;
		(*i)++;
	}
	if (n == 0 || n > 9)
		return false;
	for (int k = n; k < 6; k++)
		v *= 10;
	*frac_us = v + (round_up ? 1 : 0);
	return true;
}

/* Zone names of RFC 2822 4.3 (and "UTC"), in minutes east of UTC. */
static bool
zone_name(const char *s, size_t n, int64_t *offset_min)
{
	static const struct
	{
		const char *name;
		int			minutes;
	}			zones[] = {
		{"ut", 0}, {"utc", 0}, {"gmt", 0}, {"z", 0},
		{"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
		{"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
	};

	if (n == 0 || n > 3)
		return false;
	for (size_t k = 0; k < sizeof(zones) / sizeof(zones[0]); k++)
	{
		const char *z = zones[k].name;
		size_t		zl = strlen(z);
		size_t		j;

		if (zl != n)
			continue;
		for (j = 0; j < n && lower(s[j]) == z[j]; j++)
			;
		if (j == n)
		{
			*offset_min = zones[k].minutes;
			return true;
		}
	}
	return false;
}

/* Numeric zone "+hh:mm", "+hhmm", "+hh" at s[*i] (sign included). */
static bool
numeric_zone(const char *s, size_t len, size_t *i, int64_t *offset_min)
{
	bool		neg = s[*i] == '-';
	unsigned	hh,
				mm = 0;

	(*i)++;
	if (!read_digits(s, len, i, 2, &hh))
		return false;
	if (*i < len && s[*i] == ':')
	{
		(*i)++;
		if (!read_digits(s, len, i, 2, &mm))
			return false;
	}
	else if (*i < len && is_digit(s[*i]))
	{
		if (!read_digits(s, len, i, 2, &mm))
			return false;
	}
	if (hh > 23 || mm > 59)
		return false;
	*offset_min = (int64_t) (hh * 60 + mm) * (neg ? -1 : 1);
	return true;
}

static bm_time_status
parse_iso(const char *s, size_t len, int64_t *us)
{
	size_t		i = 0;
	unsigned	year,
				mon,
				day,
				hh = 0,
				mm = 0,
				ss = 0;
	int64_t		frac_us = 0;
	int64_t		offset_min = 0;
	bool		has_ss;

	if (!read_digits(s, len, &i, 4, &year) || i >= len || s[i++] != '-' ||
		!read_digits(s, len, &i, 2, &mon) || i >= len || s[i++] != '-' ||
		!read_digits(s, len, &i, 2, &day))
		return BM_TIME_SYNTAX;
	if (i < len)
	{
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return BM_TIME_SYNTAX;
		i++;
		if (!read_clock(s, len, &i, &hh, &mm, &ss, &has_ss))
			return BM_TIME_SYNTAX;
		if (has_ss && i < len && (s[i] == '.' || s[i] == ','))
		{
			i++;
			if (!read_fraction(s, len, &i, &frac_us))
				return BM_TIME_SYNTAX;
		}
		/* zone: "Z", "+hh:mm", "+hhmm", "+hh", optionally after one space, or a zone name */
		if (i < len && s[i] == ' ')
			i++;
		if (i < len)
		{
			if (s[i] == '+' || s[i] == '-')
			{
				if (!numeric_zone(s, len, &i, &offset_min))
					return BM_TIME_SYNTAX;
			}
			else
			{
				if (!zone_name(s + i, len - i, &offset_min))
					return BM_TIME_SYNTAX;
				i = len;
			}
		}
		if (i != len)
			return BM_TIME_SYNTAX;
	}
	return compose(year, mon, day, hh, mm, ss, frac_us, offset_min, us);
}

/* ---- RFC 2822 ------------------------------------------------------------------------------------- */

static void
skip_ws(const char *s, size_t len, size_t *i)
{
	while (*i < len && is_ws(s[*i]))
		(*i)++;
}

/* Index (0..n-1) of the 3-letter name at s[*i] in names (lower case), or -1. */
static int
match_name3(const char *s, size_t len, size_t *i, const char *const *names, int n)
{
	if (*i + 3 > len)
		return -1;
	for (int k = 0; k < n; k++)
	{
		if (lower(s[*i]) == names[k][0] && lower(s[*i + 1]) == names[k][1] &&
			lower(s[*i + 2]) == names[k][2])
		{
			*i += 3;
			return k;
		}
	}
	return -1;
}

static bm_time_status
parse_rfc2822(const char *s, size_t len, int64_t *us)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"};
	size_t		i = 0;
	unsigned	day,
				year,
				hh,
				mm,
				ss = 0;
	int			mon,
				ydigits;
	int64_t		offset_min = 0;
	bool		has_ss;

	if (i < len && !is_digit(s[i]))
	{
		if (match_name3(s, len, &i, days, 7) < 0)
			return BM_TIME_SYNTAX;
		skip_ws(s, len, &i);
		if (i >= len || s[i++] != ',')
			return BM_TIME_SYNTAX;
		skip_ws(s, len, &i);
	}
	if (!read_1_to_n_digits(s, len, &i, 2, &day, NULL))
		return BM_TIME_SYNTAX;
	skip_ws(s, len, &i);
	if ((mon = match_name3(s, len, &i, months, 12)) < 0)
		return BM_TIME_SYNTAX;
	skip_ws(s, len, &i);
	if (!read_1_to_n_digits(s, len, &i, 4, &year, &ydigits) || ydigits == 1)
		return BM_TIME_SYNTAX;
	if (i < len && is_digit(s[i]))
		return BM_TIME_SYNTAX;
	if (ydigits == 2)
		year += year < 50 ? 2000 : 1900;
	else if (ydigits == 3)
		year += 1900;
	if (i >= len || !is_ws(s[i]))
		return BM_TIME_SYNTAX;
	skip_ws(s, len, &i);
	if (!read_clock(s, len, &i, &hh, &mm, &ss, &has_ss))
		return BM_TIME_SYNTAX;
	skip_ws(s, len, &i);
	if (i < len && s[i] != '(')
	{
		if (s[i] == '+' || s[i] == '-')
		{
			size_t		start = i;

			if (!numeric_zone(s, len, &i, &offset_min) || i - start != 5)
				return BM_TIME_SYNTAX;	/* RFC 2822 zones are exactly [+-]hhmm */
		}
		else
		{
			size_t		start = i;

			while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
				i++;
			if (!zone_name(s + start, i - start, &offset_min))
				return BM_TIME_SYNTAX;
		}
		skip_ws(s, len, &i);
	}
	if (i < len && s[i] == '(')
	{
		/* a trailing comment, e.g. "(UTC)"; no nesting needed in practice but tolerated */
		int			depth = 0;

		for (; i < len; i++)
		{
			if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0)
			{
				i++;
				break;
			}
		}
		if (depth != 0)
			return BM_TIME_SYNTAX;
		skip_ws(s, len, &i);
	}
	if (i != len)
		return BM_TIME_SYNTAX;
	return compose(year, (unsigned) mon + 1, day, hh, mm, ss, 0, offset_min, us);
}

/* ---- entry points --------------------------------------------------------------------------------- */

bm_time_status
bm_time_parse(const char *s, size_t len, int64_t *us)
{
	size_t		n;
	size_t		k = 0;

	if (s == NULL)
		return BM_TIME_EMPTY;
	while (len > 0 && is_ws(s[0]))
	{
		s++;
		len--;
	}
	while (len > 0 && is_ws(s[len - 1]))
		len--;
	if (len == 0)
		return BM_TIME_EMPTY;

	/* "YYYY-" starts an ISO date; digits, '.', exponent only: a unix number; else RFC 2822 */
	while (k < len && is_digit(s[k]))
		k++;
	if (k == len && len <= 18)
	{
		/* the common case, plain unix seconds or milliseconds: no decimal machinery */
		int64_t		v = 0;

		for (size_t i = 0; i < len; i++)
			v = v * 10 + (s[i] - '0');
		return bm_time_from_unix(v, us);
	}
	if (k == 4 && k < len && s[k] == '-')
		return parse_iso(s, len, us);
	n = 0;
	while (n < len && (is_digit(s[n]) || s[n] == '.' || s[n] == 'e' || s[n] == 'E' ||
					   s[n] == '+' || s[n] == '-'))
		n++;
	if (n == len)
		return parse_unix_number(s, len, us);
	return parse_rfc2822(s, len, us);
}

size_t
bm_time_format(int64_t us, char *buf)
{
	int			y,
				m,
				d;
	int64_t		day_us = USECS_PER_SEC * SECS_PER_DAY;
	int64_t		rem;
	unsigned	hh,
				mi,
				ss;
	unsigned	frac;
	char	   *p = buf;
	unsigned	yy;

	if (us < 0)
		us = 0;
	if (us > BM_TIME_MAX_US * 4)
		us = BM_TIME_MAX_US * 4;	/* keep the year at four digits */
	bm_civil_from_us(us, &y, &m, &d);
	rem = us % day_us;
	hh = (unsigned) (rem / (3600 * USECS_PER_SEC));
	mi = (unsigned) (rem / (60 * USECS_PER_SEC) % 60);
	ss = (unsigned) (rem / USECS_PER_SEC % 60);
	frac = (unsigned) (rem % USECS_PER_SEC);
	yy = (unsigned) y;
	*p++ = (char) ('0' + yy / 1000 % 10);
	*p++ = (char) ('0' + yy / 100 % 10);
	*p++ = (char) ('0' + yy / 10 % 10);
	*p++ = (char) ('0' + yy % 10);
	*p++ = '-';
	*p++ = (char) ('0' + m / 10);
	*p++ = (char) ('0' + m % 10);
	*p++ = '-';
	*p++ = (char) ('0' + d / 10);
	*p++ = (char) ('0' + d % 10);
	*p++ = 'T';
	*p++ = (char) ('0' + hh / 10);
	*p++ = (char) ('0' + hh % 10);
	*p++ = ':';
	*p++ = (char) ('0' + mi / 10);
	*p++ = (char) ('0' + mi % 10);
	*p++ = ':';
	*p++ = (char) ('0' + ss / 10);
	*p++ = (char) ('0' + ss % 10);
	*p++ = '.';
	for (unsigned div = 100000; div > 0; div /= 10)
		*p++ = (char) ('0' + frac / div % 10);
	*p++ = 'Z';
	*p = '\0';
	return (size_t) (p - buf);
}

const char *
bm_time_status_text(bm_time_status st)
{
	switch (st)
	{
		case BM_TIME_OK:
			return "valid timestamp";
		case BM_TIME_EMPTY:
			return "empty timestamp";
		case BM_TIME_SYNTAX:
			return "unrecognized timestamp format";
		case BM_TIME_RANGE:
			return "timestamp outside 1970..2100";
	}
	return "invalid timestamp";
}
