/* test_smtp_status.c — unit tests of the enhanced status code parser/formatter (src/core/smtp_status.c). */
#include "unit.h"
#include "smtp_status.h"

static bm_status
parse(const char *s)
{
	bm_status	st = 12345;

	return bm_status_parse(s, strlen(s), &st) ? st : BM_STATUS_NONE;
}

TEST(status_parses_valid_codes)
{
	char		buf[BM_STATUS_TEXT_MAX];

	CHECK_INT(parse("5.1.1"), 5001001);
	CHECK_INT(parse("2.0.0"), 2000000);
	CHECK_INT(parse("4.7.650"), 4007650);
	CHECK_INT(parse("5.999.999"), 5999999);
	bm_status_format(parse("5.7.26"), buf);
	CHECK_STR(buf, "5.7.26");
	/* leading zeros are allowed by RFC 3463's 1*3digit; output is canonical */
	bm_status_format(parse("5.01.001"), buf);
	CHECK_STR(buf, "5.1.1");
}

TEST(status_rejects_bad_text)
{
	const char *bad[] = {"", "5", "5.", "5.1", "5.1.", "3.1.1", "6.0.0", "0.0.0", "5.1.1.1", "5.1000.1",
		"5.1.1000", " 5.1.1", "5.1.1 ", "5..1", "5.a.1", "55.1.1", "5.1.-1", "+5.1.1", "5,1,1"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		bm_status	st = 777;

		if (bm_status_parse(bad[i], strlen(bad[i]), &st))
			unit_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
		CHECK_INT(st, 777);
	}
}

TEST(status_scan_stops_at_boundary)
{
	bm_status	st = 0;

	CHECK_INT(bm_status_scan("5.1.1 user unknown", 18, &st), 5);
	CHECK_INT(st, 5001001);
	CHECK_INT(bm_status_scan("4.4.7)", 6, &st), 5);
	CHECK_INT(bm_status_scan("5.1.1234", 8, &st), 0);
	CHECK_INT(bm_status_scan("5.1", 3, &st), 0);
	/* never reads past len: "5.1.1" cut to "5.1." */
	CHECK_INT(bm_status_scan("5.1.1", 4, &st), 0);
}

TEST(status_validity_and_format_of_invalid)
{
	char		buf[BM_STATUS_TEXT_MAX] = "x";

	CHECK(bm_status_is_valid(bm_status_make(4, 0, 0)));
	CHECK(!bm_status_is_valid(BM_STATUS_NONE));
	CHECK(!bm_status_is_valid(bm_status_make(3, 0, 0)));
	CHECK(!bm_status_is_valid(7000000));
	CHECK_INT(bm_status_format(BM_STATUS_NONE, buf), 0);
	CHECK_STR(buf, "");
}
