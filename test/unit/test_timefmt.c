/* test_timefmt.c — unit tests of provider timestamp parsing (src/core/timefmt.c). */
#include <stdint.h>

#include "unit.h"
#include "timefmt.h"

static int64_t
tp(const char *s)
{
	int64_t		us = -42;

	if (bm_time_parse(s, strlen(s), &us) != BM_TIME_OK)
		return -1;
	return us;
}

static bm_time_status
tst(const char *s)
{
	int64_t		us = -42;
	bm_time_status st = bm_time_parse(s, strlen(s), &us);

	if (st != BM_TIME_OK && us != -42)
		unit_fail(__FILE__, __LINE__, "\"%s\": *us written on error", s);
	return st;
}

TEST(time_unix_seconds_and_millis)
{
	CHECK_INT(tp("1454442600"), INT64_C(1454442600000000));
	CHECK_INT(tp("  1513299569\n"), INT64_C(1513299569000000));
	CHECK_INT(tp("0"), 0);
	/* >= 1e11 is milliseconds (Brevo ts_epoch) */
	CHECK_INT(tp("1520363423000"), INT64_C(1520363423000000));
	CHECK_INT(tp("100000000000"), INT64_C(100000000000000));	/* 1e11 ms = 1973-03-03 */
	CHECK_INT(tp("99999999999"), -1);	/* 1e11 - 1 s: year 5138 */
	CHECK_INT(tst("99999999999"), BM_TIME_RANGE);
	CHECK_INT(tp("4133980799"), INT64_C(4133980799000000));	/* 2100-12-31T23:59:59Z */
	CHECK_INT(tst("4133980800"), BM_TIME_RANGE);
	CHECK_INT(tst("4133980800000"), BM_TIME_RANGE);
	CHECK_INT(tp("4133980799999"), INT64_C(4133980799999000));

	int64_t		us = 0;

	CHECK_INT(bm_time_from_unix(1461095246, &us), BM_TIME_OK);
	CHECK_INT(us, INT64_C(1461095246000000));
	CHECK_INT(bm_time_from_unix(INT64_C(1520363423000), &us), BM_TIME_OK);
	CHECK_INT(us, INT64_C(1520363423000000));
	CHECK_INT(bm_time_from_unix(-1, &us), BM_TIME_RANGE);
	CHECK_INT(bm_time_from_unix(INT64_MAX, &us), BM_TIME_RANGE);
	CHECK_INT(bm_time_from_unix(INT64_MIN, &us), BM_TIME_RANGE);
}

TEST(time_float_seconds_exact)
{
	/* Mailgun: 7 fractional digits, rounded half up to the microsecond (PostgreSQL's to_timestamp
	 * gives the same) */
	CHECK_INT(tp("1666214138.4046676"), INT64_C(1666214138404668));
	CHECK_INT(tp("1529701969.818328"), INT64_C(1529701969818328));
	CHECK_INT(tp("1665066523.871657"), INT64_C(1665066523871657));
	CHECK_INT(tp("1534110422.389832"), INT64_C(1534110422389832));
	CHECK_INT(tp("1.5"), INT64_C(1500000));
	CHECK_INT(tp("1.0000005"), INT64_C(1000001));
	CHECK_INT(tp("1.0000004999999999999999"), INT64_C(1000000));
	CHECK_INT(tp("1.9999995"), INT64_C(2000000));	/* carry into the seconds */
	CHECK_INT(tp("0.0000001"), 0);
	CHECK_INT(tp("1.6662141384046676e9"), INT64_C(1666214138404668));
	CHECK_INT(tp("1.6662141384046676E+9"), INT64_C(1666214138404668));
	CHECK_INT(tp("16662141384046676e-7"), INT64_C(1666214138404668));
	CHECK_INT(tp("1520363423000.5"), INT64_C(1520363423000500));	/* ms with a fraction */
	CHECK_INT(tp("000001454442600"), INT64_C(1454442600000000));	/* leading zeros are magnitude 0 */
	CHECK_INT(tp("1e-100000"), 0);
	CHECK_INT(tst("1e100000"), BM_TIME_RANGE);
	CHECK_INT(tst("1e19"), BM_TIME_RANGE);
	CHECK_INT(tst("123456789012345678901234567890"), BM_TIME_RANGE);
	CHECK_INT(tst("99999999999999999999999999999999999999999999999999999999999999999999999"), BM_TIME_RANGE);
	CHECK_INT(tst("-1"), BM_TIME_RANGE);
	CHECK_INT(tst("-1454442600"), BM_TIME_RANGE);
	CHECK_INT(tp("-0"), 0);
	CHECK_INT(tst("-"), BM_TIME_SYNTAX);
	CHECK_INT(tst("--1"), BM_TIME_SYNTAX);
	CHECK_INT(tst("+1"), BM_TIME_SYNTAX);
	CHECK_INT(tst("1."), BM_TIME_SYNTAX);
	CHECK_INT(tst(".5"), BM_TIME_SYNTAX);
	CHECK_INT(tst("1e"), BM_TIME_SYNTAX);
	CHECK_INT(tst("1e+"), BM_TIME_SYNTAX);
	CHECK_INT(tst("1.2.3"), BM_TIME_SYNTAX);
	CHECK_INT(tst("12-3"), BM_TIME_SYNTAX);
}

TEST(time_iso8601)
{
	/* SES, Postmark (7 digits, offsets), variants */
	CHECK_INT(tp("2016-01-27T14:59:44.101Z"), INT64_C(1453906784101000));
	CHECK_INT(tp("2019-11-05T16:33:54.9070259Z"), INT64_C(1572971634907026));
	CHECK_INT(tp("2014-01-15T16:09:19.6421112-05:00"), INT64_C(1389820159642111));
	CHECK_INT(tp("2016-04-27T16:28:50.3963933-04:00"), INT64_C(1461788930396393));
	CHECK_INT(tp("2024-01-02 03:04:05"), INT64_C(1704164645000000));
	CHECK_INT(tp("2024-01-02T03:04:05"), INT64_C(1704164645000000));
	CHECK_INT(tp("2024-01-02t03:04:05z"), INT64_C(1704164645000000));
	CHECK_INT(tp("2024-01-02T12:04:05+0900"), INT64_C(1704164645000000));
	CHECK_INT(tp("2024-01-02T12:04:05+09"), INT64_C(1704164645000000));
	CHECK_INT(tp("2024-01-02 03:04:05 UTC"), INT64_C(1704164645000000));
	CHECK_INT(tp("2024-01-02 03:04:05 +00:00"), INT64_C(1704164645000000));
	CHECK_INT(tp("2024-01-02T03:04"), INT64_C(1704164640000000));
	CHECK_INT(tp("2024-01-02"), INT64_C(1704153600000000));
	CHECK_INT(tp("2024-01-02T03:04:05,5Z"), INT64_C(1704164645500000));
	CHECK_INT(tp("2024-01-02T03:04:05.123456789Z"), INT64_C(1704164645123457));
	CHECK_INT(tp("2024-01-02T03:04:05.9999995Z"), INT64_C(1704164646000000));
	CHECK_INT(tp("1970-01-01T00:00:00Z"), 0);
	CHECK_INT(tp("1970-01-01T09:00:00+09:00"), 0);
	CHECK_INT(tp("2100-12-31T23:59:59.999999Z"), BM_TIME_MAX_US);
	CHECK_INT(tp("2024-02-29T00:00:00Z"), INT64_C(1709164800000000));
	CHECK_INT(tp("2000-02-29T00:00:00Z"), INT64_C(951782400000000));
	/* a leap second lands on the next minute */
	CHECK_INT(tp("2016-12-31T23:59:60Z"), INT64_C(1483228800000000));
	CHECK_INT(tst("1969-12-31T23:59:59Z"), BM_TIME_RANGE);
	CHECK_INT(tst("1970-01-01T00:00:00+00:01"), BM_TIME_RANGE);
	CHECK_INT(tst("2101-01-01T00:00:00Z"), BM_TIME_RANGE);
	CHECK_INT(tst("0000-01-01T00:00:00Z"), BM_TIME_RANGE);
	CHECK_INT(tst("9999-12-31T23:59:59Z"), BM_TIME_RANGE);
	CHECK_INT(tst("2023-02-29T00:00:00Z"), BM_TIME_SYNTAX);
	CHECK_INT(tst("1900-02-29T00:00:00Z"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-13-01T00:00:00Z"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-00-01T00:00:00Z"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-32T00:00:00Z"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T24:00:00Z"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T00:60:00Z"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T00:00:61Z"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T00:00:00.Z"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T00:00:00.1234567890Z"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T00:00:00+24:00"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T00:00:00+05:60"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T00:00:00+5"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T00:00:00Zjunk"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T00:00:00 XYZ"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-1-1"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01X00:00:00"), BM_TIME_SYNTAX);
	CHECK_INT(tst("2024-01-01T0:00:00"), BM_TIME_SYNTAX);
}

TEST(time_rfc2822)
{
	/* Mailgun bounces list created_at; SES Date headers */
	CHECK_INT(tp("Fri, 21 Oct 2011 11:02:55 GMT"), INT64_C(1319194975000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 14:05:45 +0000"), INT64_C(1453903545000000));
	CHECK_INT(tp("27 Jan 2016 14:05:45 +0000"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 09:05:45 EST"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 10:05:45 EDT"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 08:05:45 CST"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 09:05:45 CDT"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 07:05:45 MST"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 08:05:45 MDT"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 06:05:45 PST"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 07:05:45 PDT"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 14:05:45 UT"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed, 27 Jan 2016 14:05:45 Z"), INT64_C(1453903545000000));
	CHECK_INT(tp("wed, 27 jan 2016 23:05:45 +0900 (JST)"), INT64_C(1453903545000000));
	CHECK_INT(tp("Wed,27 Jan 2016 14:05 GMT"), INT64_C(1453903500000000));
	CHECK_INT(tp("Wed, 7 Jan 2016 14:05:45 GMT"), INT64_C(1452175545000000));
	CHECK_INT(tp("Wed, 27 Jan 16 14:05:45 GMT"), INT64_C(1453903545000000));	/* 2-digit year */
	CHECK_INT(tp("Wed, 27 Jan 2016 14:05:45"), INT64_C(1453903545000000));	/* no zone: UTC */
	CHECK_INT(tst("Wed, 27 Foo 2016 14:05:45 GMT"), BM_TIME_SYNTAX);
	CHECK_INT(tst("Xyz, 27 Jan 2016 14:05:45 GMT"), BM_TIME_SYNTAX);
	CHECK_INT(tst("Wed 27 Jan 2016 14:05:45 GMT"), BM_TIME_SYNTAX);
	CHECK_INT(tst("Wed, 27 Jan 2016 14:05:45 ABC"), BM_TIME_SYNTAX);
	CHECK_INT(tst("Wed, 27 Jan 2016 14:05:45 +00"), BM_TIME_SYNTAX);
	CHECK_INT(tst("Wed, 27 Jan 20166 14:05:45 GMT"), BM_TIME_SYNTAX);
	CHECK_INT(tst("Wed, 27 Jan 2016 14:05:45 GMT (unclosed"), BM_TIME_SYNTAX);
	CHECK_INT(tst("Wed, 27 Jan 2016 14:05:45 GMT junk"), BM_TIME_SYNTAX);
	CHECK_INT(tst("Wed, 30 Feb 2016 14:05:45 GMT"), BM_TIME_SYNTAX);
	CHECK_INT(tst("Wed, 27 Jan 1969 14:05:45 GMT"), BM_TIME_RANGE);
}

TEST(time_garbage)
{
	CHECK_INT(tst(""), BM_TIME_EMPTY);
	CHECK_INT(tst("   "), BM_TIME_EMPTY);
	CHECK_INT(tst("yesterday"), BM_TIME_SYNTAX);
	CHECK_INT(tst("NaN"), BM_TIME_SYNTAX);
	CHECK_INT(tst("Infinity"), BM_TIME_SYNTAX);
	CHECK_INT(tst("0x5f5e100"), BM_TIME_SYNTAX);
	CHECK_INT(tst("1454442600 "), BM_TIME_OK);
	CHECK_INT(tst("1454442600abc"), BM_TIME_SYNTAX);
	CHECK_INT(bm_time_parse(NULL, 0, NULL), BM_TIME_EMPTY);
	/* the length is authoritative: no NUL needed, nothing read past it */
	{
		int64_t		us = 0;

		CHECK_INT(bm_time_parse("2016-01-27T14:59:44.101Zgarbage", 24, &us), BM_TIME_OK);
		CHECK_INT(us, INT64_C(1453906784101000));
		CHECK_INT(bm_time_parse("1454442600999", 10, &us), BM_TIME_OK);
		CHECK_INT(us, INT64_C(1454442600000000));
	}
}

TEST(time_civil_and_format)
{
	char		buf[32];
	int			y,
				m,
				d;

	CHECK_INT(bm_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(bm_days_from_civil(2000, 3, 1), 11017);
	CHECK_INT(bm_days_from_civil(1969, 12, 31), -1);
	CHECK_INT(bm_days_from_civil(2100, 12, 31), 47846);
	bm_civil_from_us(INT64_C(1666214138404668), &y, &m, &d);
	CHECK_INT(y, 2022);
	CHECK_INT(m, 10);
	CHECK_INT(d, 19);
	CHECK_INT(bm_time_format(INT64_C(1572971634907026), buf), 27);
	CHECK_STR(buf, "2019-11-05T16:33:54.907026Z");
	bm_time_format(0, buf);
	CHECK_STR(buf, "1970-01-01T00:00:00.000000Z");
	bm_time_format(BM_TIME_MAX_US, buf);
	CHECK_STR(buf, "2100-12-31T23:59:59.999999Z");
	/* round trip over every day of the range (format -> parse) */
	for (int64_t day = 0; day <= 47846; day += 1)
	{
		int64_t		us = day * INT64_C(86400000000) + INT64_C(45296789012);	/* 12:34:56.789012 */
		int64_t		back = -1;

		bm_time_format(us, buf);
		if (bm_time_parse(buf, strlen(buf), &back) != BM_TIME_OK || back != us)
		{
			unit_fail(__FILE__, __LINE__, "round trip of %s failed", buf);
			break;
		}
	}
	for (int st = BM_TIME_OK; st <= BM_TIME_RANGE; st++)
		CHECK(bm_time_status_text((bm_time_status) st)[0] != '\0');
}

TEST(time_clock_forms_shared_by_iso_and_rfc2822)
{
	/* one reader of "hh:mm[:ss]" serves both forms: the same clocks pass and fail in each */
	static const struct
	{
		const char *clock;
		bool		ok;
		int64_t		secs;			/* seconds into the day */
	}			clocks[] = {
		{"12:34", true, 45240}, {"12:34:56", true, 45296}, {"23:59:60", true, 86400},
		{"12:3", false, 0}, {"1:23", false, 0}, {"12:34:5", false, 0}, {"12-34", false, 0}, {"24:00", false, 0},
	};

	for (size_t k = 0; k < sizeof(clocks) / sizeof(clocks[0]); k++)
	{
		char		iso[64],
					rfc[64];
		int64_t		us_iso = 0,
					us_rfc = 0;
		bm_time_status a,
					b;

		snprintf(iso, sizeof(iso), "2024-01-02T%sZ", clocks[k].clock);
		snprintf(rfc, sizeof(rfc), "Tue, 02 Jan 2024 %s +0000", clocks[k].clock);
		a = bm_time_parse(iso, strlen(iso), &us_iso);
		b = bm_time_parse(rfc, strlen(rfc), &us_rfc);
		CHECK_INT(a == BM_TIME_OK, clocks[k].ok);
		CHECK_INT(b == BM_TIME_OK, clocks[k].ok);
		if (clocks[k].ok)
		{
			CHECK_INT(us_iso, (INT64_C(1704153600) + clocks[k].secs) * 1000000);
			CHECK_INT(us_rfc, us_iso);
		}
	}
	/* a fraction only ever follows the seconds */
	{
		int64_t		us;

		CHECK_INT(bm_time_parse("2024-01-02T12:34:56.5Z", 22, &us), BM_TIME_OK);
		CHECK_INT(bm_time_parse("2024-01-02T12:34.5Z", 19, &us), BM_TIME_SYNTAX);
	}
}
