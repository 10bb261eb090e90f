/* test_payload_mailgun.c — Mailgun webhooks, Events API pages and the bounces list (providers/mailgun.c). */
#include "unit.h"
#include "payload_harness.h"

#define MG BM_PROVIDER_MAILGUN

static void
expect_suppress_bounce(const cap_event *e, int line)
{
	expect_event(__FILE__, line, e, &(const ev_expect) {
		.type = BM_ET_DROPPED, .email = "slava@mailgun.com", .at = INT64_C(1529701969818328),
			.id = "pl271FzxTTmGRW8Uj3dUWw:2018-06-22", .ptype = "failed/permanent", .psub = "suppress-bounce",
		/* code 605 is Mailgun-internal: no reply code; the empty message falls back to description */
			.diag = "Not delivering to previously bounced address",
			.msgid = "20180622211249.1.2A6098970A380E12@example.org", .attempt = 1, .flags = BM_EVF_NO_RATE});
}

static void
expect_delayed_bounce(const cap_event *e, int line)
{
	/* float seconds 1666214138.4046676 kept to the microsecond (rounded) */
	expect_event(__FILE__, line, e, &(const ev_expect) {
		.type = BM_ET_BOUNCE, .email = "christest123@test.com", .at = INT64_C(1666214138404668),
			.id = "ZDMqRgjLTDi6rQcy7K60aA:2022-10-19", .ptype = "failed/permanent", .psub = "generic",
			.code = 550, .status = "5.1.1",
			.diag = "smtp; 550-5.1.1 The email account that you tried to reach does not exist.",
			.msgid = "20221019211537.93011d31ea99c5a8@test.com",
			.flags = BM_EVF_PROVIDER_HARD | BM_EVF_PROVIDER_SUPPRESSED});
}

static void
expect_temporary(const cap_event *e, int line)
{
	expect_event(__FILE__, line, e, &(const ev_expect) {
		.type = BM_ET_DEFERRED, .email = "test@test.com", .at = INT64_C(1665066523871657),
			.id = "xYrATi63Rke8EC_s7EoJeA:2022-10-06", .ptype = "failed/temporary", .psub = "generic",
			.code = 451, .status = "4.7.652",
			.diag = "4.7.652 The mail server [xxx.xxx.xxx.xxx] has exceeded the maximum number of connections.",
			.msgid = "20221006142837.1618e01bf42da9fa@test.com", .attempt = 1, .flags = BM_EVF_PROVIDER_SOFT});
}

TEST(mailgun_webhooks)
{
	capture		c;
	size_t		len;
	char	   *body;

	body = load_fixture("mailgun/webhook_failed_permanent_suppress_bounce.json", &len);
	capture_run(&c, body, len, BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MG, 1, 0, 0);
	expect_suppress_bounce(&c.ev[0], __LINE__);
	/* raw: the whole webhook body (signature included) */
	CHECK(strncmp(c.ev[0].raw, body, strlen(c.ev[0].raw)) == 0 && strstr(c.ev[0].raw, "\"signature\"") != NULL);
	capture_free(&c);
	free(body);

	capture_fixture(&c, "mailgun/webhook_failed_permanent_delayed_bounce.json", MG);
	CHECK_RUN(c, BM_PAYLOAD_OK, MG, 1, 0, 0);
	expect_delayed_bounce(&c.ev[0], __LINE__);
	capture_free(&c);

	capture_fixture(&c, "mailgun/webhook_failed_temporary.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MG, 1, 0, 0);
	expect_temporary(&c.ev[0], __LINE__);
	capture_free(&c);
}

TEST(mailgun_anymail_webhooks_without_signature_or_id)
{
	capture		c;

	capture_fixture(&c, "mailgun/webhook_failed_permanent_anymail.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MG, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "invalid@example.com", .at = INT64_C(1534110422389832),
				 .id = c.ev[0].id, .ptype = "failed/permanent", .psub = "bounce", .code = 550,
				 .diag = "5.1.1 The email account that you tried to reach does not exist. Please try\n"
				 "5.1.1 double-checking the recipient's email address for typos",
				 .msgid = "20180812214658.1.0DF563D0B3597700@example.org", .attempt = 1,
				 .flags = BM_EVF_PROVIDER_HARD | BM_EVF_PROVIDER_SUPPRESSED | BM_EVF_DERIVED_ID);
	CHECK(strncmp(c.ev[0].id, "mg:", 3) == 0 && strlen(c.ev[0].id) == 19);
	capture_free(&c);

	capture_fixture(&c, "mailgun/webhook_failed_temporary_greylisted_anymail.json", MG);
	CHECK_RUN(c, BM_PAYLOAD_OK, MG, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_DEFERRED, .email = "undeliverable@mx.example.com",
				 .at = INT64_C(1534111899659519), .id = c.ev[0].id, .ptype = "failed/temporary",
				 .psub = "greylisted", .code = 450, .diag = "Recipient address rejected: Greylisted",
				 .msgid = "20180812214638.1.4A7D468E9BC18C5D@example.org", .attempt = 1,
				 .flags = BM_EVF_PROVIDER_SOFT | BM_EVF_DERIVED_ID);
	capture_free(&c);
}

TEST(mailgun_events_api_page)
{
	capture		c;

	capture_fixture(&c, "mailgun/events_api_page_failed.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MG, 3, 0, 0);
	expect_suppress_bounce(&c.ev[0], __LINE__);
	expect_delayed_bounce(&c.ev[1], __LINE__);
	expect_temporary(&c.ev[2], __LINE__);
	/* raw of a page item is the item */
	CHECK(c.ev[1].raw[0] == '{' && strstr(c.ev[1].raw, "\"paging\"") == NULL &&
		  strstr(c.ev[1].raw, "ZDMqRgjLTDi6rQcy7K60aA") != NULL);
	capture_free(&c);
}

TEST(mailgun_bounces_list)
{
	capture		c;

	capture_fixture(&c, "mailgun/bounces_api_list.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MG, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "alice@example.com", .at = INT64_C(1319194975000000),
				 .id = "list:bounce:alice@example.com:1319194975000000", .ptype = "bounce", .code = 550,
				 .diag = "No such mailbox",
				 .flags = BM_EVF_LIST_ENTRY | BM_EVF_PROVIDER_SUPPRESSED | BM_EVF_DERIVED_ID);
	capture_free(&c);
}

TEST(mailgun_other_events_and_lists)
{
	capture		c;
	const char *p =
		"{\"items\":["
		"{\"event\":\"delivered\",\"id\":\"a\",\"timestamp\":1700000000.5,\"recipient\":\"r@x.com\","
		"\"delivery-status\":{\"code\":250,\"message\":\"OK\",\"attempt-no\":2}},"
		"{\"event\":\"opened\",\"id\":\"b\",\"timestamp\":1700000000,\"recipient\":\"r@x.com\"},"
		"{\"event\":\"complained\",\"id\":\"c\",\"timestamp\":1700000000,\"recipient\":\"r@x.com\"},"
		"{\"event\":\"failed\",\"severity\":\"permanent\",\"reason\":\"suppress-unsubscribe\",\"id\":\"d\","
		"\"timestamp\":1700000000,\"recipient\":\"r@x.com\"},"
		"{\"event\":\"stored\",\"id\":\"e\",\"timestamp\":1700000000,\"recipient\":\"r@x.com\"},"
		"{\"address\":\"u@x.com\",\"tags\":[\"*\"],\"created_at\":\"Fri, 3 May 2013 18:26:47 UTC\"},"
		"{\"address\":\"c@x.com\",\"created_at\":\"Tue, 15 Nov 2016 08:25:40 GMT\"},"
		"{\"event\":\"failed\",\"timestamp\":1700000000},"
		"\"junk\","
		"{\"foo\":1}"
		"],\"paging\":{}}";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MG, 7, 3, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_DELIVERED, .email = "r@x.com", .at = INT64_C(1700000000500000),
				 .id = "a:2023-11-14", .ptype = "delivered", .code = 250, .diag = "OK", .attempt = 2);
	CHECK_INT(c.ev[1].ev.type, BM_ET_OPEN);
	CHECK_INT(c.ev[2].ev.type, BM_ET_COMPLAINT);
	CHECK_INT(c.ev[3].ev.type, BM_ET_DROPPED);
	CHECK_INT(c.ev[3].ev.flags, BM_EVF_NO_RATE);
	CHECK_INT(c.ev[4].ev.type, BM_ET_OTHER);
	CHECK_STR(c.ev[4].ptype, "stored");
	CHECK_INT(c.ev[5].ev.type, BM_ET_UNSUBSCRIBE);
	CHECK_STR(c.ev[5].id, "list:unsubscribe:u@x.com:1367605607000000");
	CHECK_INT(c.ev[6].ev.type, BM_ET_COMPLAINT);
	CHECK_STR(c.rej[0].field, "recipient");
	CHECK_INT(c.rej[0].index, 7);
	CHECK_STR(c.rej[1].reason, "element is not a JSON object");
	CHECK_STR(c.rej[1].raw, p);	/* a string item has no JSON text of its own: the page */
	CHECK_STR(c.rej[2].field, "event");
	capture_free(&c);
}

TEST(mailgun_wrong_shapes)
{
	capture		c;
	const char *err = "{\"message\":\"Invalid private key\"}";
	const char *arr = "[{\"event-data\":{}}]";

	capture_fixture(&c, "mailgun/signature_vector_constructed.json", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_UNDETECTED);
	capture_free(&c);

	capture_fixture(&c, "mailgun/signature_vector_constructed.json", MG);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_STR(c.err.message, "Mailgun payloads are a webhook {signature, event-data} or an API page {items, "
			  "paging}; this object has neither event-data nor items");
	capture_free(&c);

	capture_run(&c, err, strlen(err), MG);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_STR(c.err.message, "Mailgun: the payload is an API error response (\"Invalid private key\"), not events");
	capture_free(&c);

	capture_run(&c, arr, strlen(arr), MG);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_INT(c.err.provider, MG);
	capture_free(&c);
}
