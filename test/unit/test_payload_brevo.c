/* test_payload_brevo.c — Brevo transactional webhooks (providers/brevo.c). */
#include "unit.h"
#include "payload_harness.h"

#define BR BM_PROVIDER_BREVO
#define BR_MSGID "<201803011158.9876543210@smtp-relay.mailin.fr>"

TEST(brevo_hard_bounce)
{
	capture		c;

	capture_fixture(&c, "brevo/webhook_hard_bounce.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BR, 1, 0, 0);
	/* ts_epoch is in milliseconds */
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "not-a-user@example.com", .at = INT64_C(1520363423000000),
				 .id = "brevo:" BR_MSGID ":hard_bounce:1520363423000:not-a-user@example.com", .ptype = "hard_bounce",
				 .diag = " RecipientError: 550 5.5.0 Requested action not taken: mailbox unavailable.",
				 .msgid = BR_MSGID, .flags = BM_EVF_PROVIDER_HARD | BM_EVF_DERIVED_ID);
	capture_free(&c);
}

TEST(brevo_soft_bounce_and_blocked)
{
	capture		c;

	capture_fixture(&c, "brevo/webhook_soft_bounce.json", BR);
	CHECK_RUN(c, BM_PAYLOAD_OK, BR, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "recipient@no-mx.example.com",
				 .at = INT64_C(1520363423000000),
				 .id = "brevo:" BR_MSGID ":soft_bounce:1520363423000:recipient@no-mx.example.com",
				 .ptype = "soft_bounce", .diag = "undefined Unable to find MX of domain no-mx.example.com",
				 .msgid = BR_MSGID, .flags = BM_EVF_PROVIDER_SOFT | BM_EVF_DERIVED_ID);
	capture_free(&c);

	capture_fixture(&c, "brevo/webhook_blocked.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BR, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_DROPPED, .email = "recipient@example.com", .at = INT64_C(1520363423000000),
				 .id = "brevo:" BR_MSGID ":blocked:1520363423000:recipient@example.com", .ptype = "blocked",
				 .diag = "blocked : due to blacklist user", .msgid = BR_MSGID,
				 .flags = BM_EVF_NO_RATE | BM_EVF_DERIVED_ID);
	capture_free(&c);
}

TEST(brevo_batched_and_timestamps)
{
	capture		c;
	const char *p =
		"[{\"event\":\"delivered\",\"email\":\"a@x.com\",\"id\":1,\"ts_event\":1604933654,\"message-id\":\"<m>\"},"
		"{\"event\":\"unique_opened\",\"email\":\"a@x.com\",\"id\":1,\"ts\":1604933655,\"message-id\":\"<m>\"},"
		"{\"event\":\"request\",\"email\":\"a@x.com\",\"id\":1,\"date\":\"2020-10-09 00:00:00\",\"message-id\":\"<m>\"},"
		"{\"event\":\"invalid_email\",\"email\":\"a@x.com\",\"ts_epoch\":1604933654123,\"message-id\":\"<m>\"}]";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BR, 3, 1, 0);
	CHECK_INT(c.ev[0].ev.type, BM_ET_DELIVERED);
	CHECK_INT(c.ev[0].ev.occurred_at, INT64_C(1604933654000000));
	CHECK_INT(c.ev[1].ev.type, BM_ET_OPEN);
	/* `date` is CET/CEST without an offset: not used, so no timestamp at all */
	CHECK_STR(c.rej[0].field, "ts");
	CHECK_STR(c.rej[0].reason, "missing field");
	CHECK_INT(c.ev[2].ev.type, BM_ET_DROPPED);
	CHECK_INT(c.ev[2].ev.occurred_at, INT64_C(1604933654123000));
	CHECK_STR(c.ev[2].id, "brevo:<m>:invalid_email:1604933654123:a@x.com");
	capture_free(&c);
}
