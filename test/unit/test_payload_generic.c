/* test_payload_generic.c — the documented generic format (providers/generic.c). */
#include "unit.h"
#include "payload_harness.h"

#define GEN BM_PROVIDER_GENERIC

TEST(generic_full_and_minimal)
{
	capture		c;
	const char *p =
		"[{\"email\":\"Jane <Jane@Example.com>\",\"occurred_at\":\"2024-01-02T03:04:05.123Z\",\"event\":\"bounce\","
		"\"reply_code\":550,\"status\":\"5.1.1\",\"diagnostic\":\"550 5.1.1 user unknown\",\"id\":\"evt-1\","
		"\"message_id\":\"<m1@x>\",\"attempt\":2,\"custom\":{\"ignored\":true}},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"delivered\"},"
		"{\"email\":\"a@x.com\",\"occurred_at\":\"Tue, 02 Jan 2024 03:04:05 +0000\",\"event\":\"deferred\","
		"\"reply_code\":\"451\",\"status\":null,\"id\":12345678901234567890}]";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, GEN, 3, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "jane@example.com", .orig = "Jane <Jane@Example.com>",
				 .at = INT64_C(1704164645123000), .id = "evt-1", .code = 550, .status = "5.1.1",
				 .diag = "550 5.1.1 user unknown", .msgid = "<m1@x>", .attempt = 2);
	/* derived id: "gen:" + FNV-1a 64 of "a@x.com|1704164645000000|delivered|||" */
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_DELIVERED, .email = "a@x.com", .at = INT64_C(1704164645000000),
				 .id = "gen:a2b39b19d794e5e5", .flags = BM_EVF_DERIVED_ID);
	EXPECT_EVENT(&c.ev[2], .type = BM_ET_DEFERRED, .email = "a@x.com", .at = INT64_C(1704164645000000),
				 .id = "12345678901234567890", .code = 451, .flags = BM_EVF_PROVIDER_SOFT);
	capture_free(&c);
}

TEST(generic_is_strict)
{
	capture		c;
	const char *p =
		"[{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"hard_bounce\"},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"Bounce\"},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":7},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"bounce\",\"reply_code\":605},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"bounce\",\"reply_code\":\"5xx\"},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"bounce\",\"status\":\"5.1\"},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"bounce\",\"diagnostic\":550},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"bounce\",\"id\":1.5},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"bounce\",\"id\":\"\"},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"bounce\",\"attempt\":0},"
		"{\"email\":\"a@x.com\",\"occurred_at\":1704164645,\"event\":\"bounce\",\"message_id\":[]},"
		"{\"email\":\"a@x.com\",\"occurred_at\":-5,\"event\":\"bounce\"},"
		"{\"email\":\"a@x.com\",\"occurred_at\":true,\"event\":\"bounce\"},"
		"{\"email\":\"\",\"occurred_at\":1704164645,\"event\":\"bounce\"},"
		"{\"email\":null,\"occurred_at\":1704164645,\"event\":\"bounce\"}]";
	static const char *const reasons[][2] = {
		{"unknown event type: hard_bounce", "event"},
		{"unknown event type: Bounce", "event"},
		{"missing event type", "event"},
		{"wrong type (a string was expected)", "event"},
		{"invalid reply_code (an integer 200..599 was expected)", "reply_code"},
		{"invalid reply_code (an integer 200..599 was expected)", "reply_code"},
		{"invalid status (an enhanced status code such as \"5.1.1\" was expected)", "status"},
		{"wrong type (a string was expected)", "diagnostic"},
		{"wrong type (a string or an integer was expected)", "id"},
		{"empty id", "id"},
		{"invalid attempt (a positive integer was expected)", "attempt"},
		{"wrong type (a string was expected)", "message_id"},
		{"unparseable timestamp: timestamp outside 1970..2100", "occurred_at"},
		{"unparseable timestamp: a number or a string was expected", "occurred_at"},
		{"invalid email address: empty address", "email"},
		{"missing field", "email"},
	};

	capture_run(&c, p, strlen(p), GEN);
	CHECK_RUN(c, BM_PAYLOAD_OK, GEN, 0, 16, 0);
	for (size_t i = 0; i < c.nrej && i < 16; i++)
	{
		CHECK_INT(c.rej[i].index, i);
		CHECK_STR(c.rej[i].reason, reasons[i][0]);
		CHECK_STR(c.rej[i].field, reasons[i][1]);
		CHECK_INT(c.rej[i].provider, GEN);
	}
	capture_free(&c);
}

TEST(generic_single_object)
{
	capture		c;
	const char *p = "{\"email\":\"a@x.com\",\"occurred_at\":\"2024-01-02 03:04:05\",\"event\":\"complaint\"}";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, GEN, 1, 0, 0);
	CHECK_INT(c.ev[0].ev.type, BM_ET_COMPLAINT);
	capture_free(&c);
}
