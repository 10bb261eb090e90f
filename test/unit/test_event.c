/* test_event.c — provider and event-type names (src/core/event.c). */
#include "unit.h"
#include "event.h"

TEST(event_provider_names_round_trip)
{
	for (int p = 0; p < BM_PROVIDER_COUNT; p++)
	{
		const char *name = bm_provider_name((bm_provider) p);
		bm_provider back = BM_PROVIDER_AUTO;

		CHECK(bm_provider_from_name(name, strlen(name), &back));
		CHECK_INT(back, p);
		/* the list names the JSON providers: all but email */
		CHECK((strstr(bm_provider_list(), name) != NULL) == (p != BM_PROVIDER_EMAIL));
	}
	CHECK_STR(bm_provider_name(BM_PROVIDER_EMAIL), "email");
	CHECK_STR(bm_provider_name(BM_PROVIDER_SENDGRID), "sendgrid");
	CHECK_STR(bm_provider_name(BM_PROVIDER_MANDRILL), "mandrill");
	CHECK_STR(bm_provider_name(BM_PROVIDER_AUTO), "auto");
	CHECK_STR(bm_provider_name((bm_provider) 99), "unknown");
	CHECK_STR(bm_provider_list(), "sendgrid, ses, mailgun, postmark, generic, sparkpost, mailjet, brevo, mandrill");
}

TEST(event_provider_from_name_edge_cases)
{
	bm_provider p = BM_PROVIDER_SENDGRID;

	CHECK(bm_provider_from_name("SES", 3, &p));
	CHECK_INT(p, BM_PROVIDER_SES);
	CHECK(bm_provider_from_name("PostMark", 8, &p));
	CHECK_INT(p, BM_PROVIDER_POSTMARK);
	CHECK(bm_provider_from_name("auto", 4, &p));
	CHECK_INT(p, BM_PROVIDER_AUTO);
	/* the length is authoritative */
	CHECK(bm_provider_from_name("sesame", 3, &p));
	CHECK_INT(p, BM_PROVIDER_SES);
	p = BM_PROVIDER_GENERIC;
	CHECK(!bm_provider_from_name("sesame", 6, &p));
	CHECK(!bm_provider_from_name("se", 2, &p));
	CHECK(!bm_provider_from_name("", 0, &p));
	CHECK(!bm_provider_from_name(NULL, 0, &p));
	CHECK_INT(p, BM_PROVIDER_GENERIC);
}

TEST(event_type_names)
{
	static const char *const names[] = {"sent", "delivered", "deferred", "bounce", "dropped", "complaint",
	"unsubscribe", "open", "click", "other"};

	CHECK_INT(sizeof(names) / sizeof(names[0]), BM_ET_COUNT);
	for (int t = 0; t < BM_ET_COUNT; t++)
		CHECK_STR(bm_event_type_name((bm_event_type) t), names[t]);
	CHECK_STR(bm_event_type_name(BM_ET_COUNT), "unknown");
}
