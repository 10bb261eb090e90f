/*
 * test_payload_engagement.c — what the adapters tell the write path about engagement (event.h
 * BM_SUBTYPE_*): opens and clicks the provider flags as a machine's (Apple Mail Privacy Protection,
 * bot detection) and unsubscribes limited to one list.
 */
#include "unit.h"
#include "payload_harness.h"

TEST(sendgrid_machine_open_and_groups)
{
	capture		c;
	const char *p =
		"[{\"email\":\"a@x.com\",\"timestamp\":1700000000,\"event\":\"open\",\"sg_event_id\":\"o1\","
		"\"sg_machine_open\":true},"
		"{\"email\":\"a@x.com\",\"timestamp\":1700000001,\"event\":\"open\",\"sg_event_id\":\"o2\","
		"\"sg_machine_open\":false},"
		"{\"email\":\"a@x.com\",\"timestamp\":1700000002,\"event\":\"open\",\"sg_event_id\":\"o3\"},"
		"{\"email\":\"a@x.com\",\"timestamp\":1700000003,\"event\":\"group_unsubscribe\",\"sg_event_id\":\"u1\","
		"\"asm_group_id\":42},"
		"{\"email\":\"a@x.com\",\"timestamp\":1700000004,\"event\":\"group_unsubscribe\",\"sg_event_id\":\"u2\"},"
		"{\"email\":\"a@x.com\",\"timestamp\":1700000005,\"event\":\"unsubscribe\",\"sg_event_id\":\"u3\","
		"\"asm_group_id\":42},"
		"{\"email\":\"a@x.com\",\"timestamp\":1700000006,\"event\":\"group_resubscribe\",\"asm_group_id\":\"7\"}]";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 7, 0, 0);
	CHECK_INT(c.ev[0].ev.type, BM_ET_OPEN);
	CHECK_STR(c.ev[0].psub, BM_SUBTYPE_MACHINE);
	CHECK_STR(c.ev[1].psub, NULL);
	CHECK_STR(c.ev[2].psub, NULL);
	CHECK_INT(c.ev[3].ev.type, BM_ET_UNSUBSCRIBE);
	CHECK_STR(c.ev[3].psub, "list:asm_group:42");
	/* a group unsubscribe that names no group is taken as it comes: from every list */
	CHECK_STR(c.ev[4].psub, NULL);
	/* the global unsubscribe is global even when the mail belonged to a group */
	CHECK_STR(c.ev[5].psub, NULL);
	CHECK_INT(c.ev[6].ev.type, BM_ET_OTHER);
	CHECK_STR(c.ev[6].psub, "list:asm_group:7");
	/* its derived id is unaffected by the composed subtype (separate buffers) */
	CHECK(strncmp(c.ev[6].id, "sg:", 3) == 0 && strlen(c.ev[6].id) == 19);
	capture_free(&c);
}

TEST(mailgun_bot_opens_and_clicks)
{
	capture		c;
	const char *p =
		"{\"items\":["
		"{\"event\":\"opened\",\"id\":\"a\",\"timestamp\":1700000000,\"recipient\":\"r@x.com\","
		"\"client-info\":{\"client-name\":\"unknown\",\"user-agent\":\"Mozilla/5.0\",\"bot\":\"apple\"}},"
		"{\"event\":\"opened\",\"id\":\"b\",\"timestamp\":1700000000,\"recipient\":\"r@x.com\","
		"\"client-info\":{\"client-name\":\"Thunderbird\",\"bot\":\"\"}},"
		"{\"event\":\"clicked\",\"id\":\"c\",\"timestamp\":1700000000,\"recipient\":\"r@x.com\","
		"\"client-info\":{\"bot\":\"generic\"}},"
		"{\"event\":\"clicked\",\"id\":\"d\",\"timestamp\":1700000000,\"recipient\":\"r@x.com\"},"
		"{\"event\":\"delivered\",\"id\":\"e\",\"timestamp\":1700000000,\"recipient\":\"r@x.com\","
		"\"client-info\":{\"bot\":\"apple\"}}"
		"],\"paging\":{}}";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_MAILGUN, 5, 0, 0);
	CHECK_STR(c.ev[0].psub, BM_SUBTYPE_MACHINE);
	CHECK_STR(c.ev[1].psub, NULL);
	CHECK_INT(c.ev[2].ev.type, BM_ET_CLICK);
	CHECK_STR(c.ev[2].psub, BM_SUBTYPE_MACHINE);
	CHECK_STR(c.ev[3].psub, NULL);
	/* only opens and clicks: a delivery is a delivery */
	CHECK_STR(c.ev[4].psub, NULL);
	capture_free(&c);
}

TEST(sparkpost_prefetched_open)
{
	capture		c;
	const char *p =
		"[{\"msys\":{\"track_event\":{\"type\":\"open\",\"event_id\":\"1\",\"rcpt_to\":\"r@x.com\","
		"\"timestamp\":\"1700000000\",\"user_agent_parsed\":{\"is_prefetched\":true,\"is_proxy\":true}}}},"
		"{\"msys\":{\"track_event\":{\"type\":\"initial_open\",\"event_id\":\"2\",\"rcpt_to\":\"r@x.com\","
		"\"timestamp\":\"1700000000\",\"user_agent_parsed\":{\"is_prefetched\":false}}}},"
		"{\"msys\":{\"track_event\":{\"type\":\"click\",\"event_id\":\"3\",\"rcpt_to\":\"r@x.com\","
		"\"timestamp\":\"1700000000\",\"user_agent_parsed\":{\"is_prefetched\":true}}}}]";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SPARKPOST, 3, 0, 0);
	CHECK_STR(c.ev[0].psub, BM_SUBTYPE_MACHINE);
	CHECK_STR(c.ev[1].psub, NULL);
	/* a prefetched click is not a thing SparkPost reports: only opens are read for it */
	CHECK_STR(c.ev[2].psub, NULL);
	capture_free(&c);
}

TEST(brevo_proxy_open)
{
	capture		c;
	const char *p =
		"[{\"event\":\"proxy_open\",\"email\":\"a@x.com\",\"ts_epoch\":1604933654000,\"message-id\":\"<m>\"},"
		"{\"event\":\"unique_proxy_open\",\"email\":\"a@x.com\",\"ts_epoch\":1604933654001,\"message-id\":\"<m>\"},"
		"{\"event\":\"opened\",\"email\":\"a@x.com\",\"ts_epoch\":1604933654002,\"message-id\":\"<m>\"}]";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_BREVO, 3, 0, 0);
	CHECK_INT(c.ev[0].ev.type, BM_ET_OPEN);
	CHECK_STR(c.ev[0].psub, BM_SUBTYPE_MACHINE);
	CHECK_STR(c.ev[1].psub, BM_SUBTYPE_MACHINE);
	CHECK_STR(c.ev[2].psub, NULL);
	capture_free(&c);
}
