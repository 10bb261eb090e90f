/* test_payload_sendgrid.c — SendGrid Event Webhook and suppression list payloads (providers/sendgrid.c). */
#include "unit.h"
#include "payload_harness.h"

#define SG BM_PROVIDER_SENDGRID
#define SG_MSGID "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"
#define T1513299569 INT64_C(1513299569000000)
#define HARD_SUPP (BM_EVF_PROVIDER_HARD | BM_EVF_PROVIDER_SUPPRESSED)
#define SOFT_SUPP (BM_EVF_PROVIDER_SOFT | BM_EVF_PROVIDER_SUPPRESSED)

TEST(sendgrid_docs_batch_every_event)
{
	capture		c;

	capture_fixture(&c, "sendgrid/event_webhook_batch_docs.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SG, 12, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_SENT, .email = "example@test.com", .at = T1513299569,
				 .id = "rbtnWrG1DVDGGGFHFyun0A==", .ptype = "processed",
				 .msgid = "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000");
	/* a drop to an already-listed address: dropped, not a new bounce */
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_DROPPED, .email = "example@test.com", .at = T1513299569,
				 .id = "zmzJhfJgAfUSOW80yEbPyw==", .ptype = "dropped", .psub = "Bounced Address",
				 .status = "5.0.0", .msgid = SG_MSGID, .flags = BM_EVF_NO_RATE | BM_EVF_PROVIDER_SUPPRESSED);
	EXPECT_EVENT(&c.ev[2], .type = BM_ET_DELIVERED, .email = "example@test.com", .at = T1513299569,
				 .id = "rWVYmVk90MjZJ9iohOBa3w==", .ptype = "delivered", .diag = "250 OK", .msgid = SG_MSGID);
	EXPECT_EVENT(&c.ev[3], .type = BM_ET_DEFERRED, .email = "example@test.com", .at = T1513299569,
				 .id = "t7LEShmowp86DTdUW8M-GQ==", .ptype = "deferred", .diag = "400 try again later",
				 .msgid = SG_MSGID, .attempt = 5, .flags = BM_EVF_PROVIDER_SOFT);
	/* the docs' bounce and blocked examples share one sg_event_id: both are emitted */
	EXPECT_EVENT(&c.ev[4], .type = BM_ET_BOUNCE, .email = "example@test.com", .at = T1513299569,
				 .id = "6g4ZI7SA-xmRDv57GoPIPw==", .ptype = "bounce", .status = "5.0.0",
				 .diag = "500 unknown recipient", .msgid = SG_MSGID, .flags = HARD_SUPP);
	EXPECT_EVENT(&c.ev[5], .type = BM_ET_BOUNCE, .email = "example@test.com", .at = T1513299569,
				 .id = "6g4ZI7SA-xmRDv57GoPIPw==", .ptype = "blocked", .status = "5.0.0",
				 .diag = "500 unknown recipient", .msgid = SG_MSGID, .flags = SOFT_SUPP);
	EXPECT_EVENT(&c.ev[6], .type = BM_ET_OPEN, .email = "example@test.com", .at = T1513299569,
				 .id = "FOTFFO0ecsBE-zxFXfs6WA==", .ptype = "open", .msgid = SG_MSGID);
	EXPECT_EVENT(&c.ev[7], .type = BM_ET_CLICK, .email = "example@test.com", .at = T1513299569,
				 .id = "kCAi1KttyQdEKHhdC-nuEA==", .ptype = "click", .msgid = SG_MSGID);
	EXPECT_EVENT(&c.ev[8], .type = BM_ET_COMPLAINT, .email = "example@test.com", .at = T1513299569,
				 .id = "37nvH5QBz858KGVYCM4uOA==", .ptype = "spamreport", .msgid = SG_MSGID);
	EXPECT_EVENT(&c.ev[9], .type = BM_ET_UNSUBSCRIBE, .email = "example@test.com", .at = T1513299569,
				 .id = "zz_BjPgU_5pS-J8vlfB1sg==", .ptype = "unsubscribe", .msgid = SG_MSGID);
	EXPECT_EVENT(&c.ev[10], .type = BM_ET_UNSUBSCRIBE, .email = "example@test.com", .at = T1513299569,
				 .id = "ahSCB7xYcXFb-hEaawsPRw==", .ptype = "group_unsubscribe", .psub = "list:asm_group:10",
				 .msgid = SG_MSGID);
	/* an event we have no type for is kept as other */
	EXPECT_EVENT(&c.ev[11], .type = BM_ET_OTHER, .email = "example@test.com", .at = T1513299569,
				 .id = "w_u0vJhLT-OFfprar5N93g==", .ptype = "group_resubscribe", .psub = "list:asm_group:10",
				 .msgid = SG_MSGID);
	/* raw is the element's exact text in the payload */
	CHECK(c.ev[0].raw != NULL && c.ev[0].raw[0] == '{' && strstr(c.ev[0].raw, "\"pool\"") != NULL);
	CHECK_INT(strlen(c.ev[11].raw), 504);	/* from its "{" to its "}" */
	capture_free(&c);
}

TEST(sendgrid_anymail_batch)
{
	capture		c;

	capture_fixture(&c, "sendgrid/event_webhook_batch_anymail.json", SG);
	CHECK_RUN(c, BM_PAYLOAD_OK, SG, 7, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_SENT, .email = "recipient@example.com",
				 .at = INT64_C(1461095246000000), .id = "ZyjAM5rnQmuI1KFInHQ3Nw", .ptype = "processed",
				 .msgid = "wrfRRvF7Q0GgwUo2CvDmEA.filter0425p1mdw1.13037.57168B4A1D.0");
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_DELIVERED, .email = "recipient@example.com",
				 .at = INT64_C(1461095250000000), .id = "nOSv8m0eTQ-vxvwNwt3fZQ", .ptype = "delivered",
				 .diag = "250 2.0.0 OK 1461095248 m143si2210036ioe.159 - gsmtp ",
				 .msgid = "wrfRRvF7Q0GgwUo2CvDmEA.filter0425p1mdw1.13037.57168B4A1D.0");
	EXPECT_EVENT(&c.ev[2], .type = BM_ET_DROPPED, .email = "invalid@invalid", .at = INT64_C(1461095250000000),
				 .id = "3NPOePGOTkeM_U3fgWApfg", .ptype = "dropped", .psub = "Invalid",
				 .msgid = "filter0093p1las1.9128.5717FB8127.0", .flags = BM_EVF_NO_RATE | BM_EVF_PROVIDER_SUPPRESSED);
	EXPECT_EVENT(&c.ev[3], .type = BM_ET_DROPPED, .email = "example@example.com", .at = T1513299569,
				 .id = "zmzJhfJgAfUSOW80yEbPyw==", .ptype = "dropped", .psub = "Bounced Address",
				 .status = "5.0.0", .msgid = SG_MSGID, .flags = BM_EVF_NO_RATE | BM_EVF_PROVIDER_SUPPRESSED);
	EXPECT_EVENT(&c.ev[4], .type = BM_ET_DROPPED, .email = "unsubscribe@example.com",
				 .at = INT64_C(1461095250000000), .id = "oxy9OLwMTAy5EsuZn1qhIg", .ptype = "dropped",
				 .psub = "Unsubscribed Address", .msgid = "filter0199p1las1.4745.5717FB6F5.0",
				 .flags = BM_EVF_NO_RATE | BM_EVF_PROVIDER_SUPPRESSED);
	EXPECT_EVENT(&c.ev[5], .type = BM_ET_BOUNCE, .email = "noreply@example.com",
				 .at = INT64_C(1461095250000000), .id = "lC0Rc-FuQmKbnxCWxX1jRQ", .ptype = "bounce",
				 .status = "5.1.1", .diag = "550 5.1.1 The email account that you tried to reach does not exist.",
				 .msgid = "Lli-03HcQ5-JLybO9fXsJg.filter0077p1las1.21536.5717FC482.0", .flags = HARD_SUPP);
	/* attempt as a string */
	EXPECT_EVENT(&c.ev[6], .type = BM_ET_DEFERRED, .email = "recipient@example.com",
				 .at = INT64_C(1461200990000000), .id = "b_syL5UiTvWC_Ky5L6Bs5Q", .ptype = "deferred",
				 .diag = "Email was deferred due to the following reason(s): [IPs were throttled by recipient server]",
				 .msgid = "u9Gvi3mzT6iC2poAb58_qQ.filter0465p1mdw1.8054.5718271B40.0", .attempt = 1,
				 .flags = BM_EVF_PROVIDER_SOFT);
	capture_free(&c);
}

TEST(sendgrid_blocked_without_status)
{
	capture		c;

	capture_fixture(&c, "sendgrid/event_webhook_blocked_no_status_real.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SG, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "noemail@this.does.not.exist.tld",
				 .at = INT64_C(1740300320000000), .id = "Ym91bmNlLTQtNTA0ODUxOTUtZXVvMmlLeGRTYXlQRjRZRTQtLUk3QS0w",
				 .ptype = "blocked", .psub = "Unclassified",
				 .diag = "unable to get mx info: failed to get IPs from PTR record: lookup <nil>: unrecognized address",
				 .msgid = "euo2iKxdSayPF4YE4--I7A.recvd-5f54b5d587-pczjm-1-67BADEEA-6.0", .flags = SOFT_SUPP);
	capture_free(&c);
}

TEST(sendgrid_current_docs_style_and_account_note)
{
	capture		c;

	capture_fixture(&c, "sendgrid/event_webhook_current_docs_style.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SG, 3, 0, 1);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "alex@example.com", .at = T1513299569,
				 .id = "6g4ZI7SA-xmRDv57GoPIPw==", .ptype = "bounce", .psub = "Invalid Address",
				 .status = "5.0.0", .diag = "500 unknown recipient", .msgid = SG_MSGID, .flags = HARD_SUPP);
	/* attempt as an integer */
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_DEFERRED, .email = "alex@example.com", .at = T1513299569,
				 .id = "t7LEShmowp86DTdUW8M-GQ==", .ptype = "deferred", .diag = "400 try again later",
				 .msgid = SG_MSGID, .attempt = 5, .flags = BM_EVF_PROVIDER_SOFT);
	EXPECT_EVENT(&c.ev[2], .type = BM_ET_COMPLAINT, .email = "alex@example.com", .at = T1513299569,
				 .id = "37nvH5QBz858KGVYCM4uOA==", .ptype = "spamreport", .msgid = SG_MSGID);
	/* account_status_change has no recipient: a note, not a reject */
	CHECK_STR(c.notes[0].kind, "sendgrid_account_status_change");
	CHECK_STR(c.notes[0].detail, "compliance_suspend");
	capture_free(&c);
}

TEST(sendgrid_signed_body_raw_bytes)
{
	capture		c;

	/* the byte-exact signed body (trailing CRLF) */
	capture_fixture(&c, "sendgrid/signed_event_webhook/body.raw", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SG, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_DROPPED, .email = "hello@world.com", .at = INT64_C(1600112492000000),
				 .id = "ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA", .ptype = "dropped",
				 .psub = "Bounced Address",
				 .msgid = "LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0",
				 .flags = BM_EVF_NO_RATE | BM_EVF_PROVIDER_SUPPRESSED);
	CHECK_INT(strlen(c.ev[0].raw), 323);
	capture_free(&c);
}

TEST(sendgrid_suppression_lists)
{
	capture		c;
	const uint32_t list = BM_EVF_LIST_ENTRY | BM_EVF_PROVIDER_SUPPRESSED | BM_EVF_DERIVED_ID;

	capture_fixture(&c, "sendgrid/suppression_bounces_list_response.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SG, 2, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "example@example.com",
				 .at = INT64_C(1250337600000000), .id = "list:bounce:example@example.com:1250337600",
				 .ptype = "bounce", .status = "5.1.1",
				 .diag = "550 5.1.1 The email account that you tried to reach does not exist. Please try "
				 "double-checking the recipient's email address for typos or unnecessary spaces. Learn more at  "
				 "https://support.google.com/mail/answer/6596 o186si2389584ioe.63 - gsmtp ",
				 .flags = list | BM_EVF_PROVIDER_HARD);
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_BOUNCE, .email = "example@example.com",
				 .at = INT64_C(1250337600000000), .id = "list:bounce:example@example.com:1250337600",
				 .ptype = "bounce", .status = "5.1.1",
				 .diag = "550 5.1.1 <testemail2@testing.com>: Recipient address rejected: User unknown in virtual alias table ",
				 .flags = list | BM_EVF_PROVIDER_HARD);
	capture_free(&c);

	capture_fixture(&c, "sendgrid/suppression_bounce_single_response.json", SG);
	CHECK_RUN(c, BM_PAYLOAD_OK, SG, 1, 0, 0);
	CHECK_STR(c.ev[0].id, "list:bounce:bounce1@test.com:1443651125");
	CHECK_INT(c.ev[0].ev.occurred_at, INT64_C(1443651125000000));
	capture_free(&c);

	/* blocks: status 4.x.x -> "blocked" */
	capture_fixture(&c, "sendgrid/suppression_blocks_list_response.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SG, 2, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "example@example.com",
				 .at = INT64_C(1443651154000000), .id = "list:blocked:example@example.com:1443651154",
				 .ptype = "blocked", .status = "4.0.0",
				 .diag = "error dialing remote address: dial tcp 10.57.152.165:25: no route to host",
				 .flags = list | BM_EVF_PROVIDER_SOFT);
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_BOUNCE, .email = "example1@example.com",
				 .at = INT64_C(1443651155000000), .id = "list:blocked:example1@example.com:1443651155",
				 .ptype = "blocked", .status = "4.0.0",
				 .diag = "unable to resolve MX record for example.com: servfail", .flags = list | BM_EVF_PROVIDER_SOFT);
	capture_free(&c);
}

TEST(sendgrid_api_responses_are_not_events)
{
	capture		c;

	/* error bodies: AUTO cannot tell, and says why; explicit sendgrid: a shape error */
	capture_fixture(&c, "sendgrid/error_401_authorization_required.json", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_UNDETECTED);
	CHECK(strstr(c.err.message, "authorization required") != NULL);
	CHECK_INT(c.nev + c.nrej, 0);
	capture_free(&c);

	capture_fixture(&c, "sendgrid/error_429_too_many_requests.json", SG);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_INT(c.err.provider, SG);
	CHECK_STR(c.err.field, "$");
	CHECK(strstr(c.err.message, "SendGrid") != NULL && strstr(c.err.message, "too many requests") != NULL);
	capture_free(&c);

	capture_fixture(&c, "sendgrid/suppression_bounce_classifications_response.json", SG);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_STR(c.err.message, "SendGrid payloads are a JSON array (an Event Webhook batch, or a "
			  "/v3/suppression/bounces or /blocks list); got a JSON object");
	capture_free(&c);

	capture_fixture(&c, "sendgrid/suppression_bounce_classifications_response.json", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_UNDETECTED);
	CHECK_STR(c.err.field, "$");
	capture_free(&c);
}

TEST(sendgrid_element_problems_are_rejects)
{
	capture		c;
	const char *p =
		"[{\"event\":\"bounce\",\"timestamp\":1513299569,\"sg_event_id\":\"a\"},"	/* no email */
		"{\"event\":\"bounce\",\"email\":\"not an address\",\"timestamp\":1513299569},"
		"{\"event\":\"bounce\",\"email\":\"x@y.com\",\"timestamp\":\"yesterday\"},"
		"{\"event\":\"bounce\",\"email\":\"x@y.com\"},"	/* no timestamp */
		"{\"email\":\"x@y.com\",\"timestamp\":1},"	/* no event */
		"{\"event\":\"\",\"email\":\"x@y.com\",\"timestamp\":1},"
		"42,"
		"{\"event\":\"delivered\",\"email\":\"Ok@Y.com\",\"timestamp\":1513299569000},"
		"{\"created\":1443651154,\"email\":\"a@b.com\",\"reason\":\"x\"},"	/* list entry without status */
		"{\"event\":\"bounce\",\"email\":42,\"timestamp\":1}"
		"]";

	capture_run(&c, p, strlen(p), SG);
	CHECK_RUN(c, BM_PAYLOAD_OK, SG, 1, 9, 0);
	CHECK_STR(c.rej[0].reason, "missing field");
	CHECK_STR(c.rej[0].field, "email");
	CHECK_INT(c.rej[0].index, 0);
	CHECK_STR(c.rej[0].raw, "{\"event\":\"bounce\",\"timestamp\":1513299569,\"sg_event_id\":\"a\"}");
	CHECK_STR(c.rej[1].reason, "invalid email address: white space, control character or special character in the address");
	CHECK_STR(c.rej[1].field, "email");
	CHECK_STR(c.rej[2].reason, "unparseable timestamp: unrecognized timestamp format");
	CHECK_STR(c.rej[2].field, "timestamp");
	CHECK_STR(c.rej[3].reason, "missing field");
	CHECK_STR(c.rej[3].field, "timestamp");
	CHECK_STR(c.rej[4].reason, "missing field");
	CHECK_STR(c.rej[4].field, "event");
	CHECK_STR(c.rej[5].reason, "missing event type");
	CHECK_STR(c.rej[6].reason, "element is not a JSON object");
	CHECK_STR(c.rej[6].field, "");
	CHECK_STR(c.rej[6].raw, "42");
	CHECK_INT(c.rej[6].index, 6);
	CHECK_STR(c.rej[7].reason, "missing field");
	CHECK_STR(c.rej[7].field, "status");
	CHECK_INT(c.rej[7].index, 8);
	CHECK_STR(c.rej[8].reason, "wrong type (a string was expected)");
	/* the good one in the middle survives; milliseconds timestamp; derived id */
	CHECK_STR(c.ev[0].email, "ok@y.com");
	CHECK_STR(c.ev[0].email_original, "Ok@Y.com");
	CHECK_INT(c.ev[0].ev.occurred_at, INT64_C(1513299569000000));
	CHECK_INT(c.ev[0].ev.flags, BM_EVF_DERIVED_ID);
	CHECK(strncmp(c.ev[0].id, "sg:", 3) == 0 && strlen(c.ev[0].id) == 19);
	capture_free(&c);
}

TEST(sendgrid_derived_id_is_stable)
{
	capture		a,
				b;
	const char *p1 = "[{\"event\":\"bounce\",\"email\":\"X@Y.com\",\"timestamp\":1,\"reason\":\"r\"}]";
	const char *p2 = "[ {\"reason\":\"r\", \"timestamp\":1, \"email\":\"x@y.com\", \"event\":\"bounce\"} ]";
	const char *p3 = "[{\"event\":\"bounce\",\"email\":\"x@y.com\",\"timestamp\":2,\"reason\":\"r\"}]";

	capture_run(&a, p1, strlen(p1), SG);
	capture_run(&b, p2, strlen(p2), SG);
	CHECK_INT(a.nev, 1);
	CHECK_INT(b.nev, 1);
	CHECK_STR(a.ev[0].id, b.ev[0].id);	/* member order and spelling of the address do not matter */
	capture_free(&b);
	capture_run(&b, p3, strlen(p3), SG);
	CHECK(strcmp(a.ev[0].id, b.ev[0].id) != 0);
	capture_free(&a);
	capture_free(&b);
}

TEST(sendgrid_object_is_a_shape_error)
{
	capture		c;
	const char *p = "{\"event\":\"bounce\",\"email\":\"x@y.com\",\"timestamp\":1}";

	capture_run(&c, p, strlen(p), SG);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_INT(c.nev, 0);
	capture_free(&c);
}
