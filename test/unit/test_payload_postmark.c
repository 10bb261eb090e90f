/* test_payload_postmark.c — Postmark webhooks and the Bounces API page (providers/postmark.c). */
#include "unit.h"
#include "payload_harness.h"

#define PM BM_PROVIDER_POSTMARK
#define T20191105 INT64_C(1572971634907026)	/* 2019-11-05T16:33:54.9070259Z, rounded to the µs */

TEST(postmark_hard_bounce_docs_big_id)
{
	capture		c;

	capture_fixture(&c, "postmark/webhook_bounce_hard_docs.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, PM, 1, 0, 0);
	/* ID 4323372036854775807 > 2^53: its exact digits, never through a double */
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "john@example.com", .at = T20191105,
				 .id = "4323372036854775807", .ptype = "HardBounce", .psub = "1", .diag = "Test bounce details",
				 .msgid = "883953f4-6105-42a2-a16a-77a8eac79483",
				 .flags = BM_EVF_PROVIDER_HARD | BM_EVF_PROVIDER_SUPPRESSED);
	capture_free(&c);
}

TEST(postmark_hard_bounce_anymail_offset)
{
	capture		c;

	capture_fixture(&c, "postmark/webhook_bounce_hard_anymail.json", PM);
	CHECK_RUN(c, BM_PAYLOAD_OK, PM, 1, 0, 0);
	/* 2016-04-27T16:28:50.3963933-04:00 */
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "bounce@example.com", .at = INT64_C(1461788930396393),
				 .id = "901542550", .ptype = "HardBounce", .psub = "1",
				 .diag = "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
				 .msgid = "2706ee8a-737c-4285-b032-ccd317af53ed",
				 .flags = BM_EVF_PROVIDER_HARD | BM_EVF_PROVIDER_SUPPRESSED);
	capture_free(&c);
}

TEST(postmark_soft_bounce_constructed)
{
	capture		c;

	capture_fixture(&c, "postmark/webhook_bounce_soft_constructed.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, PM, 1, 0, 0);
	/* Inactive false: not suppressed */
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "john@example.com", .at = T20191105,
				 .id = "4323372036854775807", .ptype = "SoftBounce", .psub = "4096", .diag = "Test bounce details",
				 .msgid = "883953f4-6105-42a2-a16a-77a8eac79483", .flags = BM_EVF_PROVIDER_SOFT);
	capture_free(&c);
}

TEST(postmark_spam_complaint_with_typecode_512)
{
	capture		c;

	capture_fixture(&c, "postmark/webhook_spam_complaint_docs.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, PM, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_COMPLAINT, .email = "john@example.com", .at = T20191105,
				 .id = "42", .ptype = "SpamComplaint", .psub = "512", .diag = "Test spam complaint details",
				 .msgid = "00000000-0000-0000-0000-000000000000", .flags = BM_EVF_PROVIDER_SUPPRESSED);
	capture_free(&c);
}

TEST(postmark_bounces_api_page)
{
	capture		c;

	capture_fixture(&c, "postmark/bounces_api_list.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, PM, 2, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "anything@blackhole.postmarkap.com",
				 .at = INT64_C(1389820159642111), .id = "692560173", .ptype = "HardBounce", .psub = "1",
				 .diag = "action: failed\r\n", .msgid = "2c1b63fe-43f2-4db5-91b0-8bdfa44a9316",
				 .flags = BM_EVF_PROVIDER_HARD | BM_EVF_LIST_ENTRY);
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_BOUNCE, .email = "vicelcown@yahoo.com", .at = INT64_C(1382104199825358),
				 .id = "676862817", .ptype = "HardBounce", .psub = "1",
				 .diag = "smtp;554 delivery error: dd This user doesn't have a yahoo.com account (vicelcown@yahoo.com)"
				 " [0] - mta1543.mail.ne1.yahoo.com",
				 .msgid = "623b2e90-82d0-4050-ae9e-2c3a734ba091",
				 .flags = BM_EVF_PROVIDER_HARD | BM_EVF_LIST_ENTRY | BM_EVF_PROVIDER_SUPPRESSED);
	capture_free(&c);
}

TEST(postmark_deliverystats_is_a_shape_error)
{
	capture		c;

	capture_fixture(&c, "postmark/deliverystats_response.json", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_INT(c.detected, PM);
	CHECK_INT(c.err.provider, PM);
	CHECK_STR(c.err.field, "$.Bounces");
	CHECK_STR(c.err.message, "Postmark: this is a /deliverystats response (bounce counts per type), not bounce "
			  "records; fetch /bounces instead");
	CHECK_INT(c.nev + c.nrej, 0);
	capture_free(&c);
}

TEST(postmark_types_and_record_types)
{
	capture		c;
	const char *p =
		"{\"TotalCount\":9,\"Bounces\":["
		"{\"ID\":1,\"Type\":\"Transient\",\"TypeCode\":2,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"},"
		"{\"ID\":2,\"Type\":\"AutoResponder\",\"TypeCode\":64,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"},"
		"{\"ID\":3,\"Type\":\"BadEmailAddress\",\"TypeCode\":100000,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"},"
		"{\"ID\":4,\"Type\":\"DnsError\",\"TypeCode\":256,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"},"
		"{\"ID\":5,\"Type\":\"ManuallyDeactivated\",\"TypeCode\":100002,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\",\"Inactive\":true},"
		"{\"ID\":6,\"Type\":\"Unsubscribe\",\"TypeCode\":16,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"},"
		"{\"ID\":7,\"Type\":\"SMTPApiError\",\"TypeCode\":100007,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"},"
		"{\"ID\":8,\"Type\":\"SomethingNew\",\"TypeCode\":12345,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"},"
		"{\"ID\":99999999999999999999,\"Type\":\"HardBounce\",\"TypeCode\":1,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"}"
		"]}";
	const char *delivery =
		"{\"RecordType\":\"Delivery\",\"MessageID\":\"m\",\"Recipient\":\"R@x.com\",\"DeliveredAt\":"
		"\"2024-01-02T03:04:05Z\",\"Details\":\"Test delivery webhook details\"}";
	const char *sub =
		"{\"RecordType\":\"SubscriptionChange\",\"MessageID\":\"m\",\"Recipient\":\"r@x.com\",\"ChangedAt\":"
		"\"2024-01-02T03:04:05Z\",\"SuppressSending\":true,\"SuppressionReason\":\"ManualSuppression\"}";

	capture_run(&c, p, strlen(p), PM);
	CHECK_RUN(c, BM_PAYLOAD_OK, PM, 9, 0, 0);
	CHECK_INT(c.ev[0].ev.type, BM_ET_DEFERRED);
	CHECK_INT(c.ev[0].ev.flags, BM_EVF_PROVIDER_SOFT | BM_EVF_LIST_ENTRY);
	CHECK_INT(c.ev[1].ev.type, BM_ET_BOUNCE);
	CHECK_INT(c.ev[1].ev.flags, BM_EVF_AUTO_REPLY | BM_EVF_NO_RATE | BM_EVF_LIST_ENTRY);
	CHECK_INT(c.ev[2].ev.flags, BM_EVF_PROVIDER_HARD | BM_EVF_LIST_ENTRY);
	CHECK_INT(c.ev[3].ev.flags, BM_EVF_PROVIDER_SOFT | BM_EVF_LIST_ENTRY);
	CHECK_INT(c.ev[4].ev.type, BM_ET_BOUNCE);
	CHECK_INT(c.ev[4].ev.flags, BM_EVF_PROVIDER_SUPPRESSED | BM_EVF_LIST_ENTRY);
	CHECK_INT(c.ev[5].ev.type, BM_ET_UNSUBSCRIBE);
	CHECK_INT(c.ev[6].ev.type, BM_ET_DROPPED);
	CHECK_INT(c.ev[7].ev.type, BM_ET_BOUNCE);
	CHECK_STR(c.ev[7].psub, "12345");
	/* an ID beyond uint64 still keeps its digits */
	CHECK_STR(c.ev[8].id, "99999999999999999999");
	capture_free(&c);

	capture_run(&c, delivery, strlen(delivery), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, PM, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_DELIVERED, .email = "r@x.com", .orig = "R@x.com",
				 .at = INT64_C(1704164645000000), .id = "pm:Delivery:m:r@x.com:1704164645000000",
				 .ptype = "Delivery", .diag = "Test delivery webhook details", .msgid = "m",
				 .flags = BM_EVF_DERIVED_ID);
	capture_free(&c);

	capture_run(&c, sub, strlen(sub), PM);
	CHECK_RUN(c, BM_PAYLOAD_OK, PM, 1, 0, 0);
	CHECK_INT(c.ev[0].ev.type, BM_ET_UNSUBSCRIBE);
	CHECK_STR(c.ev[0].psub, "ManualSuppression");
	CHECK_INT(c.ev[0].ev.flags, BM_EVF_PROVIDER_SUPPRESSED | BM_EVF_DERIVED_ID);
	capture_free(&c);
}

TEST(postmark_wrong_shapes_and_rejects)
{
	capture		c;
	const char *err = "{\"ErrorCode\":10,\"Message\":\"No Account or Server API tokens were supplied\"}";
	const char *noemail = "{\"RecordType\":\"Bounce\",\"ID\":1,\"Type\":\"HardBounce\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"}";
	const char *badtime = "{\"RecordType\":\"Bounce\",\"ID\":1,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-13-02T03:04:05Z\"}";

	capture_run(&c, err, strlen(err), PM);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_STR(c.err.message, "Postmark: the payload is an API error response (\"No Account or Server API tokens "
			  "were supplied\"), not events");
	capture_free(&c);

	capture_run(&c, err, strlen(err), BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_UNDETECTED);
	CHECK(strstr(c.err.message, "API error response") != NULL);
	capture_free(&c);

	capture_run(&c, noemail, strlen(noemail), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, PM, 0, 1, 0);
	CHECK_STR(c.rej[0].field, "Email");
	CHECK_STR(c.rej[0].raw, noemail);
	capture_free(&c);

	capture_run(&c, badtime, strlen(badtime), PM);
	CHECK_RUN(c, BM_PAYLOAD_OK, PM, 0, 1, 0);
	CHECK_STR(c.rej[0].field, "BouncedAt");
	CHECK_STR(c.rej[0].reason, "unparseable timestamp: unrecognized timestamp format");
	capture_free(&c);
}
