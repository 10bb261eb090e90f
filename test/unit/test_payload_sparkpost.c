/* test_payload_sparkpost.c — SparkPost webhook batches (providers/sparkpost.c). */
#include "unit.h"
#include "payload_harness.h"

#define SP BM_PROVIDER_SPARKPOST

TEST(sparkpost_bounce_and_delay)
{
	capture		c;

	capture_fixture(&c, "sparkpost/webhook_batch_bounce_and_delay.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SP, 2, 0, 0);
	/* bounce_class 10 (Invalid Recipient) is a hard class */
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "bounce@example.com", .at = INT64_C(1464824548000000),
				 .id = "84345317653491230", .ptype = "bounce", .psub = "10", .code = 550,
				 .diag = "550 5.1.1 <bounce@example.com>: Recipient address rejected: User unknown",
				 .msgid = "0004e3724f57753a3561", .flags = BM_EVF_PROVIDER_HARD);
	/* bounce_class 21 (DNS Failure) is soft; num_retries is the attempt */
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_DEFERRED, .email = "recipient@nomx.example.com",
				 .at = INT64_C(1464825748000000), .id = "84345317653675522", .ptype = "delay", .psub = "21",
				 .code = 454, .diag = "454 4.4.4 [internal] no MX or A for domain",
				 .msgid = "0004e3724f57753a3861", .attempt = 1, .flags = BM_EVF_PROVIDER_SOFT);
	capture_free(&c);
}

TEST(sparkpost_classes_and_event_types)
{
	capture		c;
	const char *p =
		"[{\"msys\":{}},"
		"{\"msys\":{\"message_event\":{\"type\":\"out_of_band\",\"bounce_class\":\"60\",\"rcpt_to\":\"a@x.com\",\"timestamp\":\"1464824548\",\"event_id\":\"1\"}}},"
		"{\"msys\":{\"message_event\":{\"type\":\"policy_rejection\",\"bounce_class\":\"25\",\"rcpt_to\":\"a@x.com\",\"timestamp\":\"1464824548\",\"event_id\":\"2\"}}},"
		"{\"msys\":{\"message_event\":{\"type\":\"bounce\",\"bounce_class\":\"50\",\"rcpt_to\":\"a@x.com\",\"timestamp\":\"1464824548\",\"event_id\":\"3\"}}},"
		"{\"msys\":{\"track_event\":{\"type\":\"initial_open\",\"rcpt_to\":\"a@x.com\",\"timestamp\":\"1464824548\",\"event_id\":\"4\"}}},"
		"{\"msys\":{\"unsubscribe_event\":{\"type\":\"list_unsubscribe\",\"rcpt_to\":\"a@x.com\",\"timestamp\":\"1464824548\",\"event_id\":\"5\"}}},"
		"{\"msys\":{\"gen_event\":{\"type\":\"generation_failure\",\"rcpt_to\":\"a@x.com\",\"timestamp\":\"1464824548\"}}},"
		"{\"msys\":{\"message_event\":{\"type\":\"delivery\",\"timestamp\":\"1464824548\"}}},"
		"{\"msys\":{\"message_event\":{\"rcpt_to\":\"a@x.com\",\"timestamp\":\"1464824548\"}}},"
		"{\"msys\":[]},"
		"{\"cust\":{}}"
		"]";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SP, 6, 4, 1);
	CHECK_STR(c.notes[0].kind, "sparkpost_test_ping");
	CHECK_INT(c.ev[0].ev.type, BM_ET_BOUNCE);
	CHECK_INT(c.ev[0].ev.flags, BM_EVF_PROVIDER_SOFT | BM_EVF_AUTO_REPLY | BM_EVF_NO_RATE);
	CHECK_INT(c.ev[1].ev.type, BM_ET_DROPPED);
	CHECK_INT(c.ev[1].ev.flags, BM_EVF_NO_RATE);
	CHECK_INT(c.ev[2].ev.flags, BM_EVF_PROVIDER_SOFT);
	CHECK_INT(c.ev[3].ev.type, BM_ET_OPEN);
	CHECK_INT(c.ev[4].ev.type, BM_ET_UNSUBSCRIBE);
	CHECK_INT(c.ev[5].ev.type, BM_ET_DROPPED);
	CHECK_INT(c.ev[5].ev.flags, BM_EVF_NO_RATE | BM_EVF_DERIVED_ID);
	CHECK(strncmp(c.ev[5].id, "sp:", 3) == 0);
	CHECK_STR(c.rej[0].field, "msys.message_event.rcpt_to");
	CHECK_STR(c.rej[0].reason, "missing field");
	CHECK_STR(c.rej[1].field, "msys.message_event.type");
	CHECK_STR(c.rej[1].reason, "missing event type");
	CHECK_STR(c.rej[2].field, "msys");
	CHECK_STR(c.rej[2].reason, "wrong type (an object was expected)");
	CHECK_STR(c.rej[3].field, "msys");
	CHECK_STR(c.rej[3].reason, "missing field");
	capture_free(&c);
}
