/* test_payload_mailjet.c — Mailjet event webhooks, grouped and single (providers/mailjet.c). */
#include "unit.h"
#include "payload_harness.h"

#define MJ BM_PROVIDER_MAILJET

TEST(mailjet_grouped_bounce_and_blocked)
{
	capture		c;

	capture_fixture(&c, "mailjet/webhook_bounce_and_blocked_grouped.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MJ, 2, 0, 0);
	/* MessageID 12345678901234567 > 2^53 keeps its digits */
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "invalid@invalid", .at = INT64_C(1498093527000000),
				 .id = "mj:12345678901234567:bounce:1498093527", .ptype = "bounce", .psub = "domain",
				 .diag = "invalid domain", .msgid = "12345678901234567",
				 .flags = BM_EVF_PROVIDER_HARD | BM_EVF_PROVIDER_SUPPRESSED | BM_EVF_DERIVED_ID);
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_DROPPED, .email = "bad@example.com", .at = INT64_C(1498093527000000),
				 .id = "mj:12345678901234567:blocked:1498093527", .ptype = "blocked", .psub = "domain",
				 .diag = "typofix", .msgid = "12345678901234567", .flags = BM_EVF_NO_RATE | BM_EVF_DERIVED_ID);
	capture_free(&c);
}

TEST(mailjet_single_object_and_sent)
{
	capture		c;
	const char *p =
		"{\"event\":\"sent\",\"time\":1433333949,\"MessageID\":19421777835146490,\"Message_GUID\":\"1ab23cd4\","
		"\"email\":\"api@mailjet.com\",\"mj_campaign_id\":7257,\"mj_contact_id\":4,\"customcampaign\":\"\","
		"\"mj_message_id\":\"19421777835146490\",\"smtp_reply\":\"sent (250 2.0.0 OK 1433333948 fa5si855896wjc.199 - gsmtp)\","
		"\"CustomID\":\"helloworld\",\"Payload\":\"\"}";
	const char *soft =
		"[{\"event\":\"bounce\",\"time\":1433333949,\"MessageID\":1,\"email\":\"a@x.com\",\"mj_contact_id\":4,"
		"\"hard_bounce\":false,\"blocked\":false,\"error_related_to\":\"recipient\",\"error\":\"quota exceeded\"},"
		"{\"event\":\"spam\",\"time\":1433333949,\"MessageID\":2,\"email\":\"a@x.com\",\"mj_contact_id\":4,\"source\":\"JMRPP\"},"
		"{\"event\":\"unsub\",\"time\":1433333949,\"MessageID\":3,\"email\":\"a@x.com\",\"mj_contact_id\":4}]";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MJ, 1, 0, 0);
	/* Mailjet's "sent" is the receiving server's acceptance */
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_DELIVERED, .email = "api@mailjet.com", .at = INT64_C(1433333949000000),
				 .id = "mj:19421777835146490:sent:1433333949", .ptype = "sent",
				 .diag = "sent (250 2.0.0 OK 1433333948 fa5si855896wjc.199 - gsmtp)",
				 .msgid = "19421777835146490", .flags = BM_EVF_DERIVED_ID);
	capture_free(&c);

	capture_run(&c, soft, strlen(soft), MJ);
	CHECK_RUN(c, BM_PAYLOAD_OK, MJ, 3, 0, 0);
	CHECK_INT(c.ev[0].ev.flags, BM_EVF_PROVIDER_SOFT | BM_EVF_DERIVED_ID);
	CHECK_INT(c.ev[1].ev.type, BM_ET_COMPLAINT);
	CHECK_INT(c.ev[2].ev.type, BM_ET_UNSUBSCRIBE);
	capture_free(&c);
}
