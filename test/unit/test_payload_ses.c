/* test_payload_ses.c — Amazon SES payloads: SNS envelopes, raw notifications, event publishing (providers/ses.c). */
#include "unit.h"
#include "payload_harness.h"

#define SES BM_PROVIDER_SES
#define T20160127 INT64_C(1453906778237000)	/* 2016-01-27T14:59:38.237Z */

TEST(ses_sns_onaccountsuppressionlist)
{
	capture		c;
	size_t		len;
	char	   *body = load_fixture("ses/sns_notification_bounce_permanent_onaccountsuppressionlist.json", &len);

	capture_run(&c, body, len, BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "relayuser@test.com", .at = INT64_C(1642520794000000),
				 .id = "0100017e6dde5726-6164bdc9-7da9-42f7-ba58-8f4692799d89-000000:relayuser@test.com",
				 .ptype = "Permanent", .psub = "OnAccountSuppressionList", .status = "5.1.1",
				 .diag = "Amazon SES did not send the message to this address because it is on the suppression list "
				 "for your account. For more information about removing addresses from the suppression list, see "
				 "the Amazon SES Developer Guide at "
				 "https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html",
				 .msgid = "0100017e6dde5594-4912fac5-bd85-4358-98d4-7b8d8b89fc60-000000",
				 .flags = BM_EVF_PROVIDER_HARD | BM_EVF_NO_RATE | BM_EVF_PROVIDER_SUPPRESSED);
	/* raw is the whole SNS envelope (without the file's final newline, which is not part of the value) */
	CHECK_INT(strlen(c.ev[0].raw), len - 1);
	CHECK(strncmp(c.ev[0].raw, body, len - 1) == 0);
	capture_free(&c);
	free(body);
}

TEST(ses_sns_with_dsn_and_trailing_newline)
{
	capture		c;

	capture_fixture(&c, "ses/sns_notification_bounce_permanent_with_dsn_anymail.json", SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "jane@example.com", .at = INT64_C(1453906784101000),
				 .id = "00000138111222aa-44455566-cccc-cccc-cccc-ddddaaaa068a-000000:jane@example.com",
				 .ptype = "Permanent", .psub = "General", .status = "5.1.1",
				 .diag = "smtp; 550 5.1.1 <jane@example.com>... User unknown",
				 .msgid = "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
				 .flags = BM_EVF_PROVIDER_HARD);
	capture_free(&c);
}

TEST(ses_sns_transient_unknown_subtype_tolerated)
{
	capture		c;

	capture_fixture(&c, "ses/sns_notification_bounce_transient_unknown_subtype.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	CHECK_STR(c.ev[0].ptype, "Transient");
	CHECK_STR(c.ev[0].psub, "SRETeamEatenByDinosaurs");
	CHECK_STR(c.ev[0].status, "5.1.1");
	CHECK_INT(c.ev[0].ev.flags, BM_EVF_PROVIDER_SOFT);	/* has DSN fields: not an auto-reply */
	{
		const char *prefix = "Amazon SES did not send the message to this address because a bad tropical";

		CHECK(strncmp(c.ev[0].diag, prefix, strlen(prefix)) == 0);
	}
	capture_free(&c);
}

TEST(ses_sns_subscription_confirmation_is_a_note)
{
	capture		c;

	capture_fixture(&c, "ses/sns_subscription_confirmation_awsdoc.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 0, 0, 1);
	CHECK_STR(c.notes[0].kind, "sns_subscription_confirmation");
	CHECK_STR(c.notes[0].detail, "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn="
			  "arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37...");
	capture_free(&c);
}

TEST(ses_raw_bounces)
{
	capture		c;

	capture_fixture(&c, "ses/raw_bounce_permanent_with_dsn_awsdoc.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "jane@example.com", .at = T20160127,
				 .id = "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000:jane@example.com",
				 .ptype = "Permanent", .psub = "General", .status = "5.1.1",
				 .diag = "smtp; 550 5.1.1 <jane@example.com>... User",
				 .msgid = "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
				 .flags = BM_EVF_PROVIDER_HARD);
	capture_free(&c);

	/* two recipients in one notification, no DSN fields: two events, one feedbackId */
	capture_fixture(&c, "ses/raw_bounce_permanent_no_dsn_two_recipients_awsdoc.json", SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 2, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "jane@example.com", .at = T20160127,
				 .id = "00000137860315fd-869464a4-8680-4114-98d3-716fe35851f9-000000:jane@example.com",
				 .ptype = "Permanent", .psub = "General",
				 .msgid = "00000137860315fd-34208509-5b74-41f3-95c5-22c1edc3c924-000000",
				 .flags = BM_EVF_PROVIDER_HARD);
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_BOUNCE, .email = "richard@example.com", .at = T20160127,
				 .id = "00000137860315fd-869464a4-8680-4114-98d3-716fe35851f9-000000:richard@example.com",
				 .ptype = "Permanent", .psub = "General",
				 .msgid = "00000137860315fd-34208509-5b74-41f3-95c5-22c1edc3c924-000000",
				 .flags = BM_EVF_PROVIDER_HARD);
	/* several recipients: each event keeps its own entry, not the whole notification (linear in size) */
	CHECK_STR(c.ev[0].raw, "{\"emailAddress\":\"jane@example.com\"}");
	CHECK_STR(c.ev[1].raw, "{\"emailAddress\":\"richard@example.com\"}");
	capture_free(&c);

	capture_fixture(&c, "ses/raw_bounce_permanent_general_simulator.json", SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "bounce@simulator.amazonses.com",
				 .at = INT64_C(1659548095000000),
				 .id = "0100018264c6525d-e8967b05-82f8-4575-9413-34faff769528-000000:bounce@simulator.amazonses.com",
				 .ptype = "Permanent", .psub = "General", .status = "5.1.1", .diag = "smtp; 550 5.1.1 user unknown",
				 .msgid = "0100018264c6505e-66ca92ab-0593-41de-8df9-38b09a02a206-000000",
				 .flags = BM_EVF_PROVIDER_HARD);
	capture_free(&c);

	/* the simulator's suppression-list address arrives as an ordinary Permanent/General bounce */
	capture_fixture(&c, "ses/raw_bounce_permanent_suppressionlist_simulator.json", SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	CHECK_STR(c.ev[0].email, "suppressionlist@simulator.amazonses.com");
	CHECK_STR(c.ev[0].diag, "smtp; 550 5.1.1 user unknown ( blacklisted address: suppressionlist@simulator.amazonses.com )");
	CHECK_INT(c.ev[0].ev.flags, BM_EVF_PROVIDER_HARD);
	capture_free(&c);
}

TEST(ses_out_of_office_is_an_auto_reply)
{
	capture		c;

	capture_fixture(&c, "ses/raw_bounce_transient_general_ooto_simulator.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "ooto@simulator.amazonses.com",
				 .at = INT64_C(1659548176000000),
				 .id = "0100018264c790f6-4eca7ee8-dd82-4f94-8b91-3b4917f769ec-000000:ooto@simulator.amazonses.com",
				 .ptype = "Transient", .psub = "General",
				 .msgid = "0100018264c78eba-a9093e0f-c835-49b7-ae65-36cfc8f953e8-000000",
				 .flags = BM_EVF_PROVIDER_SOFT | BM_EVF_AUTO_REPLY | BM_EVF_NO_RATE);
	capture_free(&c);
}

TEST(ses_complaints)
{
	capture		c;

	capture_fixture(&c, "ses/raw_complaint_abuse_simulator.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	/* complaintSubType null: no subtype */
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_COMPLAINT, .email = "complaint@simulator.amazonses.com",
				 .at = INT64_C(1659548311000000),
				 .id = "0100018264c9a044-451ca066-90ad-47ac-ae48-df21fb8a2fe8-000000:complaint@simulator.amazonses.com",
				 .ptype = "abuse", .msgid = "0100018264c99e08-1aae1638-c00a-4c2b-93dd-acf9752adf56-000000");
	capture_free(&c);

	capture_fixture(&c, "ses/raw_complaint_with_feedback_awsdoc.json", SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_COMPLAINT, .email = "richard@example.com", .at = T20160127,
				 .id = "000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000:richard@example.com",
				 .ptype = "abuse", .msgid = "000001378603177f-7a5433e7-8edb-42ae-af10-f0181f34d6ee-000000");
	capture_free(&c);

	capture_fixture(&c, "ses/raw_complaint_without_feedback_awsdoc.json", SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_COMPLAINT, .email = "richard@example.com", .at = T20160127,
				 .id = "0000013786031775-fea503bc-7497-49e1-881b-a0379bb037d3-000000:richard@example.com",
				 .msgid = "0000013786031775-163e3910-53eb-4c8e-a04a-f29debf88a84-000000");
	capture_free(&c);
}

TEST(ses_deliveries)
{
	capture		c;

	capture_fixture(&c, "ses/raw_delivery_awsdoc.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_DELIVERED, .email = "jane@example.com", .at = T20160127,
				 .id = "0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000:delivery:jane@example.com",
				 .ptype = "Delivery", .diag = "250 ok:  Message 64111812 accepted",
				 .msgid = "0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000",
				 .flags = BM_EVF_DERIVED_ID);
	capture_free(&c);

	capture_fixture(&c, "ses/raw_delivery_success_simulator.json", SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_DELIVERED, .email = "success@simulator.amazonses.com",
				 .at = INT64_C(1659547905690000),
				 .id = "0100018264c36c7b-ac2351f4-6f04-48b4-b7e8-6103fd770c00-000000:delivery:success@simulator.amazonses.com",
				 .ptype = "Delivery", .diag = "250 2.6.0 Message received",
				 .msgid = "0100018264c36c7b-ac2351f4-6f04-48b4-b7e8-6103fd770c00-000000",
				 .flags = BM_EVF_DERIVED_ID);
	capture_free(&c);
}

TEST(ses_event_publishing)
{
	capture		c;
	const char *msgid = "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000";

	capture_fixture(&c, "ses/eventpub_bounce_permanent_awsdoc.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "recipient@example.com", .at = INT64_C(1501893662669000),
				 .id = "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000:recipient@example.com",
				 .ptype = "Permanent", .psub = "General", .status = "5.1.1", .diag = "smtp; 550 5.1.1 user unknown",
				 .msgid = msgid, .flags = BM_EVF_PROVIDER_HARD);
	capture_free(&c);

	capture_fixture(&c, "ses/eventpub_complaint_awsdoc.json", SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_COMPLAINT, .email = "recipient@example.com", .at = INT64_C(1501893662669000),
				 .id = "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000:recipient@example.com",
				 .ptype = "abuse", .msgid = msgid);
	capture_free(&c);

	capture_fixture(&c, "ses/eventpub_delivery_delay_awsdoc.json", SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_DEFERRED, .email = "recipient@example.com", .at = INT64_C(1592267140095000),
				 .id = "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000:DeliveryDelay:"
				 "recipient@example.com:2020-06-16T00:25:40.095Z",
				 .ptype = "DeliveryDelay", .psub = "TransientCommunicationFailure", .status = "4.4.1",
				 .diag = "smtp; 421 4.4.1 Unable to connect to remote host", .msgid = msgid,
				 .flags = BM_EVF_PROVIDER_SOFT | BM_EVF_DERIVED_ID);
	capture_free(&c);
}

TEST(ses_event_publishing_other_types)
{
	capture		c;
	const char *p =
		"{\"eventType\":\"Send\",\"mail\":{\"timestamp\":\"2024-01-02T03:04:05.000Z\",\"messageId\":\"m1\","
		"\"destination\":[\"A@x.com\",\"b@x.com\"]},\"send\":{}}";
	const char *rej =
		"{\"eventType\":\"Reject\",\"mail\":{\"timestamp\":\"2024-01-02T03:04:05Z\",\"messageId\":\"m2\","
		"\"destination\":[\"a@x.com\"]},\"reject\":{\"reason\":\"Bad content\"}}";
	const char *sub =
		"{\"eventType\":\"Subscription\",\"mail\":{\"timestamp\":\"2024-01-02T03:04:05Z\",\"messageId\":\"m3\","
		"\"destination\":[\"a@x.com\"]},\"subscription\":{\"contactList\":\"L\",\"timestamp\":"
		"\"2024-01-02T03:05:05Z\",\"source\":\"UnsubscribeHeader\",\"newTopicPreferences\":{\"unsubscribeAll\":"
		"false,\"topicSubscriptionStatus\":[{\"topicName\":\"T\",\"subscriptionStatus\":\"OptOut\"}]}}}";
	const char *open =
		"{\"eventType\":\"Open\",\"mail\":{\"timestamp\":\"2024-01-02T03:04:05Z\",\"messageId\":\"m4\","
		"\"destination\":[\"a@x.com\"]},\"open\":{\"timestamp\":\"2024-01-02T04:00:00Z\"}}";
	const char *rf =
		"{\"eventType\":\"Rendering Failure\",\"mail\":{\"timestamp\":\"2024-01-02T03:04:05Z\",\"messageId\":\"m5\","
		"\"destination\":[\"a@x.com\"]},\"failure\":{\"errorMessage\":\"Attribute 'x' is not present\"}}";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 2, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_SENT, .email = "a@x.com", .orig = "A@x.com", .at = INT64_C(1704164645000000),
				 .id = "m1:Send:a@x.com", .ptype = "Send", .msgid = "m1", .flags = BM_EVF_DERIVED_ID);
	CHECK_STR(c.ev[1].id, "m1:Send:b@x.com");
	capture_free(&c);

	capture_run(&c, rej, strlen(rej), SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_DROPPED, .email = "a@x.com", .at = INT64_C(1704164645000000),
				 .id = "m2:Reject:a@x.com", .ptype = "Reject", .diag = "Bad content", .msgid = "m2",
				 .flags = BM_EVF_DERIVED_ID | BM_EVF_NO_RATE);
	capture_free(&c);

	capture_run(&c, sub, strlen(sub), SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_UNSUBSCRIBE, .email = "a@x.com", .at = INT64_C(1704164705000000),
				 .id = "m3:Subscription:a@x.com", .ptype = "Subscription", .psub = "UnsubscribeHeader",
				 .msgid = "m3", .flags = BM_EVF_DERIVED_ID);
	capture_free(&c);

	capture_run(&c, open, strlen(open), SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	CHECK_INT(c.ev[0].ev.type, BM_ET_OPEN);
	CHECK_INT(c.ev[0].ev.occurred_at, INT64_C(1704168000000000));
	capture_free(&c);

	capture_run(&c, rf, strlen(rf), SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
	CHECK_INT(c.ev[0].ev.type, BM_ET_OTHER);
	CHECK_STR(c.ev[0].diag, "Attribute 'x' is not present");
	CHECK_STR(c.ev[0].ptype, "Rendering Failure");
	capture_free(&c);
}

TEST(ses_notes_and_bad_envelopes)
{
	capture		c;
	const char *text_msg =
		"{\"Type\":\"Notification\",\"MessageId\":\"x\",\"TopicArn\":\"t\","
		"\"Message\":\"Successfully validated SNS topic for Amazon SES event destination.\"}";
	const char *bad_inner =
		"{\"Type\":\"Notification\",\"MessageId\":\"x\",\"TopicArn\":\"t\",\"Message\":\"{\\\"notificationType\\\":\"}";
	const char *succeeded =
		"{\"notificationType\":\"AmazonSnsSubscriptionSucceeded\",\"message\":\"You have successfully subscribed\"}";
	const char *unsub =
		"{\"Type\":\"UnsubscribeConfirmation\",\"MessageId\":\"x\",\"TopicArn\":\"t\",\"SubscribeURL\":\"https://u\"}";
	const char *no_recipients =
		"{\"notificationType\":\"Bounce\",\"mail\":{\"messageId\":\"m\"},\"bounce\":{\"bounceType\":\"Permanent\","
		"\"bouncedRecipients\":[],\"timestamp\":\"2024-01-02T03:04:05Z\"}}";
	const char *bad_recipient =
		"{\"notificationType\":\"Bounce\",\"mail\":{\"messageId\":\"m\"},\"bounce\":{\"bounceType\":\"Permanent\","
		"\"feedbackId\":\"f\",\"bouncedRecipients\":[{\"emailAddress\":\"ok@x.com\"},{\"emailAddress\":\"nope\"},{}],"
		"\"timestamp\":\"2024-01-02T03:04:05Z\"}}";

	capture_run(&c, text_msg, strlen(text_msg), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 0, 0, 1);
	CHECK_STR(c.notes[0].kind, "sns_text_message");
	CHECK_STR(c.notes[0].detail, "Successfully validated SNS topic for Amazon SES event destination.");
	capture_free(&c);

	/* a Message holding a JSON array is not a notification: refused (quarantined), not silently dropped */
	{
		const char *array_msg =
			"{\"Type\":\"Notification\",\"MessageId\":\"x\",\"TopicArn\":\"t\",\"Message\":\" [{\\\"a\\\":1}]\"}";

		capture_run(&c, array_msg, strlen(array_msg), BM_PROVIDER_AUTO);
		CHECK_RUN(c, BM_PAYLOAD_OK, SES, 0, 1, 0);
		CHECK_STR(c.rej[0].field, "Message");
		CHECK_STR(c.rej[0].raw, array_msg);
		capture_free(&c);
	}

	/* the inner JSON is broken: the envelope is quarantined, the payload itself is fine */
	capture_run(&c, bad_inner, strlen(bad_inner), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 0, 1, 0);
	CHECK_STR(c.rej[0].field, "Message");
	CHECK_STR(c.rej[0].reason, "nested JSON invalid at byte 20: unexpected end of input");
	CHECK_STR(c.rej[0].raw, bad_inner);
	capture_free(&c);

	capture_run(&c, succeeded, strlen(succeeded), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 0, 0, 1);
	CHECK_STR(c.notes[0].kind, "ses_subscription_succeeded");
	capture_free(&c);

	capture_run(&c, unsub, strlen(unsub), SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 0, 0, 1);
	CHECK_STR(c.notes[0].kind, "sns_unsubscribe_confirmation");
	CHECK_STR(c.notes[0].detail, "https://u");
	capture_free(&c);

	capture_run(&c, no_recipients, strlen(no_recipients), SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 0, 1, 0);
	CHECK_STR(c.rej[0].reason, "no recipients");
	CHECK_STR(c.rej[0].field, "bounce.bouncedRecipients");
	capture_free(&c);

	capture_run(&c, bad_recipient, strlen(bad_recipient), SES);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 2, 0);
	CHECK_STR(c.ev[0].id, "f:ok@x.com");
	CHECK_STR(c.rej[0].field, "bounce.bouncedRecipients[1].emailAddress");
	CHECK_STR(c.rej[0].reason, "invalid email address: no '@' in the address");
	CHECK_STR(c.rej[1].field, "bounce.bouncedRecipients[2].emailAddress");
	CHECK_STR(c.rej[1].reason, "missing field");
	capture_free(&c);
}

TEST(ses_wrong_shapes)
{
	capture		c;
	const char *arr = "[{\"notificationType\":\"Bounce\"}]";
	const char *obj = "{\"hello\":\"world\"}";
	const char *unknown_type = "{\"Type\":\"Weird\",\"MessageId\":\"x\"}";

	capture_run(&c, arr, strlen(arr), SES);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_STR(c.err.field, "$");
	CHECK_STR(c.err.message, "SES payloads are a JSON object (an SNS envelope, an SES notification / event "
			  "publishing record, or a suppression list page); got a JSON array");
	capture_free(&c);

	capture_run(&c, obj, strlen(obj), SES);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK(strstr(c.err.message, "SES") != NULL);
	capture_free(&c);

	capture_run(&c, unknown_type, strlen(unknown_type), SES);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_STR(c.err.field, "$.Type");
	CHECK_STR(c.err.message, "SES: unknown SNS message Type \"Weird\"");
	capture_free(&c);
}

/* SESv2 ListSuppressedDestinations pages (what sync reads): one list entry per summary */
TEST(ses_suppression_list_page)
{
	capture		c;
	const char *page =
		"{\"SuppressedDestinationSummaries\": ["
		"{\"EmailAddress\": \"Jane@Example.com\", \"Reason\": \"BOUNCE\", \"LastUpdateTime\": 1.767225601355E9},"
		"{\"EmailAddress\": \"joe@example.com\", \"Reason\": \"COMPLAINT\", \"LastUpdateTime\": \"2026-01-01T00:00:02Z\"},"
		"{\"EmailAddress\": \"x@example.com\", \"Reason\": \"SPAMTRAP\", \"LastUpdateTime\": 1767225603},"
		"{\"EmailAddress\": \"y@example.com\", \"LastUpdateTime\": 1767225603},"
		"{\"EmailAddress\": \"y@example.com\", \"Reason\": 1, \"LastUpdateTime\": 1767225603},"
		"{\"EmailAddress\": \"nope\", \"Reason\": \"BOUNCE\", \"LastUpdateTime\": 1767225603},"
		"{\"EmailAddress\": \"z@example.com\", \"Reason\": \"BOUNCE\"},"
		"7], \"NextToken\": \"AAEC+/==\"}";
	uint32_t	list = BM_EVF_LIST_ENTRY | BM_EVF_PROVIDER_SUPPRESSED | BM_EVF_DERIVED_ID;

	capture_run(&c, page, strlen(page), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 2, 6, 0);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "jane@example.com", .orig = "Jane@Example.com",
				 .at = INT64_C(1767225601355000), .id = "list:BOUNCE:jane@example.com:1767225601355000",
				 .ptype = "BOUNCE", .flags = list | BM_EVF_PROVIDER_HARD);
	CHECK_STR(c.ev[0].raw, "{\"EmailAddress\":\"Jane@Example.com\",\"Reason\":\"BOUNCE\",\"LastUpdateTime\":1.767225601355E9}");
	EXPECT_EVENT(&c.ev[1], .type = BM_ET_COMPLAINT, .email = "joe@example.com", .at = INT64_C(1767225602000000),
				 .id = "list:COMPLAINT:joe@example.com:1767225602000000", .ptype = "COMPLAINT", .flags = list);
	/* a reason SES adds later is quarantined, not guessed at; so are summaries missing what an event needs */
	CHECK_INT(c.rej[0].index, 2);
	CHECK_STR(c.rej[0].field, "Reason");
	CHECK_STR(c.rej[0].reason, "unknown suppression reason (BOUNCE or COMPLAINT expected): SPAMTRAP");
	CHECK_STR(c.rej[1].field, "Reason");
	CHECK_STR(c.rej[1].reason, "missing field");
	CHECK_STR(c.rej[2].field, "Reason");
	CHECK_STR(c.rej[2].reason, "wrong type (a string was expected)");
	CHECK_STR(c.rej[3].field, "EmailAddress");
	CHECK_STR(c.rej[3].reason, "invalid email address: no '@' in the address");
	CHECK_STR(c.rej[4].field, "LastUpdateTime");
	CHECK_STR(c.rej[4].reason, "missing field");
	CHECK_INT(c.rej[5].index, 7);
	CHECK_STR(c.rej[5].reason, "element is not a JSON object");
	capture_free(&c);
}

TEST(ses_suppression_list_ids_are_stable)
{
	capture		c;
	/* the same listing, its time written another way (as a later page may): the same id, a duplicate */
	const char *a = "{\"SuppressedDestinationSummaries\": [{\"EmailAddress\": \"jane@example.com\", "
		"\"Reason\": \"BOUNCE\", \"LastUpdateTime\": 1767225601.355}]}";
	const char *b = "{\"NextToken\": null, \"SuppressedDestinationSummaries\": [{\"LastUpdateTime\": "
		"\"2026-01-01T00:00:01.355Z\", \"Reason\": \"BOUNCE\", \"EmailAddress\": \"JANE@example.com\"}]}";
	const char *empty = "{\"SuppressedDestinationSummaries\": [], \"NextToken\": \"x\"}";
	const char *not_array = "{\"SuppressedDestinationSummaries\": {\"EmailAddress\": \"jane@example.com\"}}";

	for (int i = 0; i < 2; i++)
	{
		const char *page = i == 0 ? a : b;

		capture_run(&c, page, strlen(page), i == 0 ? SES : BM_PROVIDER_AUTO);
		CHECK_RUN(c, BM_PAYLOAD_OK, SES, 1, 0, 0);
		CHECK_STR(c.ev[0].id, "list:BOUNCE:jane@example.com:1767225601355000");
		capture_free(&c);
	}
	/* an empty page (SES may return one with a NextToken) is no event and no error */
	capture_run(&c, empty, strlen(empty), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, SES, 0, 0, 0);
	capture_free(&c);
	capture_run(&c, not_array, strlen(not_array), SES);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_STR(c.err.field, "$.SuppressedDestinationSummaries");
	CHECK_STR(c.err.message, "SES: SuppressedDestinationSummaries is not a JSON array");
	capture_free(&c);
}
