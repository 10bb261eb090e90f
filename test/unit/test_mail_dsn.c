/* test_mail_dsn.c — unit tests of the DSN (RFC 3464) and ARF (RFC 5965) readers and of whole reports. */
#include "unit.h"
#include "mail/mail_arena.h"
#include "mail/mail_dsn.h"
#include "mail_harness.h"

static const char *
cs(bm_str s)
{
	static char buf[8][512];
	static int	k;
	char	   *b = buf[k++ % 8];

	if (s.ptr == NULL)
		return "(null)";
	snprintf(b, 512, "%.*s", (int) s.len, s.ptr);
	return b;
}

TEST(mail_dsn_fields)
{
	const char *t =
		"Reporting-MTA: dns; mx.example.jp\nReceived-From-MTA: DNS; [192.0.2.31]\n"
		"Arrival-Date: Thu, 29 Apr 2009 23:45:01 +0900 (JST)\nX-Original-Message-ID: <orig@example.jp>\n\n"
		"Original-Recipient: rfc822;Kijitora@Example.COM\nFinal-Recipient: RFC822; <kijitora@example.com>\n"
		"X-Actual-Recipient: rfc822; k@internal.example.com\nAction: failed\nStatus: 5.1.1 (bad mailbox)\n"
		"Remote-MTA: DNS; mx.example.com\nDiagnostic-Code: SMTP; 550 5.1.1 <kijitora@example.com>...\n"
		"    User unknown\nLast-Attempt-Date: Thu, 29 Apr 2009 23:45:02 +0900\n"
		"Will-Retry-Until: Fri, 30 Apr 2009 23:45:02 +0900\n\n"
		"Final-Recipient: rfc822; second@example.com\nAction: delayed\nStatus: 4.4.7\n";
	bm_arena	a;
	bm_dsn		d;

	bm_arena_init(&a, 1 << 20);
	memset(&d, 0, sizeof(d));
	CHECK(bm_dsn_parse(&a, t, strlen(t), 10, &d));
	CHECK_STR(cs(d.reporting_mta), "mx.example.jp");
	CHECK_STR(cs(d.received_from_mta), "[192.0.2.31]");
	CHECK_STR(cs(d.arrival_date), "Thu, 29 Apr 2009 23:45:01 +0900 (JST)");
	CHECK_STR(cs(d.original_message_id), "<orig@example.jp>");
	CHECK_INT(d.n, 2);
	CHECK_STR(cs(d.rcpts[0].original_recipient), "Kijitora@Example.COM");
	CHECK_STR(cs(d.rcpts[0].final_recipient), "<kijitora@example.com>");
	CHECK_STR(cs(d.rcpts[0].actual_recipient), "k@internal.example.com");
	CHECK_STR(cs(d.rcpts[0].action), "failed");
	CHECK_STR(cs(d.rcpts[0].status), "5.1.1 (bad mailbox)");
	CHECK_STR(cs(d.rcpts[0].remote_mta), "mx.example.com");
	CHECK_STR(cs(d.rcpts[0].diagnostic_type), "SMTP");
	CHECK_STR(cs(d.rcpts[0].diagnostic), "550 5.1.1 <kijitora@example.com>... User unknown");
	CHECK_STR(cs(d.rcpts[0].last_attempt_date), "Thu, 29 Apr 2009 23:45:02 +0900");
	CHECK_STR(cs(d.rcpts[0].will_retry_until), "Fri, 30 Apr 2009 23:45:02 +0900");
	CHECK_STR(cs(d.rcpts[1].final_recipient), "second@example.com");
	CHECK_STR(cs(d.rcpts[1].action), "delayed");

	/* no blank line between recipients (seen in the wild): a repeated recipient field starts the next */
	t = "Final-Recipient: rfc822; a@example.com\nAction: failed\nFinal-Recipient: rfc822; b@example.com\n"
		"Action: failed\nStatus: 5.0.0\n";
	memset(&d, 0, sizeof(d));
	CHECK(bm_dsn_parse(&a, t, strlen(t), 10, &d));
	CHECK_INT(d.n, 2);
	CHECK_STR(cs(d.rcpts[1].final_recipient), "b@example.com");
	CHECK_STR(cs(d.rcpts[1].status), "5.0.0");
	/* the recipient limit holds; a group without recipient is per-message */
	memset(&d, 0, sizeof(d));
	CHECK(bm_dsn_parse(&a, t, strlen(t), 1, &d));
	CHECK_INT(d.n, 1);
	t = "Action: failed\nStatus: 5.0.0\n\nprose, not fields\n";
	memset(&d, 0, sizeof(d));
	CHECK(bm_dsn_parse(&a, t, strlen(t), 10, &d));
	CHECK_INT(d.n, 0);
	bm_arena_free(&a);
}

TEST(mail_dsn_typed_values)
{
	bm_str		type;

	CHECK_STR(cs(bm_dsn_typed_value((bm_str) {" rfc822; x@y.example ", 21}, &type)), "x@y.example");
	CHECK_STR(cs(type), "rfc822");
	/* a ';' inside an address is no type separator */
	CHECK_STR(cs(bm_dsn_typed_value((bm_str) {"\"a;b\"@y.example", 15}, &type)), "\"a;b\"@y.example");
	CHECK(type.ptr == NULL);
}

TEST(mail_arf_fields)
{
	const char *t = "Feedback-Type: abuse\nUser-Agent: SomeGenerator/1.0\nVersion: 1\n"
		"Original-Mail-From: <somespammer@example.net>\nOriginal-Rcpt-To: <user@example.com>\n"
		"Original-Rcpt-To: <user2@example.com>\nArrival-Date: Thu, 8 Mar 2005 14:00:00 EDT\n"
		"Reporting-MTA: dns; mail.example.com\nSource-IP: 192.0.2.1\nReported-Domain: example.net\n"
		"Authentication-Results: mail.example.com; spf=fail smtp.mail=somespammer@example.com\n";
	bm_arena	a;
	bm_arf		f;

	bm_arena_init(&a, 1 << 20);
	CHECK(bm_arf_parse(&a, t, strlen(t), &f));
	CHECK_STR(cs(f.feedback_type), "abuse");
	CHECK_STR(cs(f.user_agent), "SomeGenerator/1.0");
	CHECK_STR(cs(f.original_mail_from), "<somespammer@example.net>");
	CHECK_INT(f.nrcpt, 2);
	CHECK_STR(cs(f.original_rcpt_to[1]), "<user2@example.com>");
	CHECK_STR(cs(f.arrival_date), "Thu, 8 Mar 2005 14:00:00 EDT");
	CHECK_STR(cs(f.reporting_mta), "mail.example.com");
	CHECK_STR(cs(f.source_ip), "192.0.2.1");
	CHECK_STR(cs(f.reported_domain), "example.net");
	CHECK(strstr(cs(f.authentication_results), "spf=fail") != NULL);
	bm_arena_free(&a);
}

/* A minimal RFC 3464 report around the given per-recipient fields. */
static mh_result *
report(const char *text, const char *fields)
{
	return mh_parse_report("MAILER-DAEMON@mx.example.org (Mail Delivery System)", text, fields);
}

TEST(mail_dsn_report_records)
{
	mh_result  *r = report("<rcpt@example.com>: host mx.example.com[192.0.2.1] said: 550 5.7.1 Message rejected"
						   " as spam (in reply to end of DATA command)",
						   "Final-Recipient: rfc822; RCPT@Example.com\r\nAction: failed\r\nStatus: 5.7.1\r\n"
						   "Diagnostic-Code: smtp; 550 5.7.1 Message rejected as spam\r\n"
						   "Last-Attempt-Date: Thu, 29 Apr 2021 23:45:31 +0900\r\n");

	CHECK_INT(r->status, BM_MAIL_OK);
	CHECK_INT(r->n, 1);
	CHECK_INT(r->r[0].index, 1);
	CHECK_STR(r->r[0].recipient, "rcpt@example.com");
	CHECK_STR(r->r[0].recipient_original, "RCPT@Example.com");
	CHECK_STR(r->r[0].decoder, "RFC3464");
	CHECK_INT(r->r[0].command, BM_SMTP_DATA);	/* from the text part */
	CHECK_STR(r->r[0].remote_mta, "mx.example.com");
	CHECK_STR(r->r[0].reporting_mta, "mx.example.org");
	CHECK_STR(r->r[0].original_message_id, "orig-1@example.org");
	CHECK_STR(r->r[0].message_id, "bounce-1@mx.example.org");
	CHECK_INT(r->r[0].occurred_at, INT64_C(1619707531000000));	/* Last-Attempt-Date, UTC */
	CHECK_INT(r->r[0].reason, BM_R_SPAM_DETECTED);
	CHECK_INT(r->r[0].cls, BM_SOFT);

	/* Action: delayed is a deferral; a bare 4.x.x with nothing said is "expired" (still retrying) */
	r = report("", "Final-Recipient: rfc822; rcpt@example.com\r\nAction: delayed\r\nStatus: 4.4.1\r\n");
	CHECK_INT(r->n, 1);
	CHECK_INT(r->r[0].event_type, BM_ET_DEFERRED);
	CHECK_INT(r->r[0].cls, BM_SOFT);
	CHECK_STR(r->r[0].status, "4.4.1");
	/* delivered / relayed / expanded are not failures */
	r = report("", "Final-Recipient: rfc822; rcpt@example.com\r\nAction: relayed\r\nStatus: 2.0.0\r\n");
	CHECK_INT(r->r[0].event_type, BM_ET_DELIVERED);
	CHECK_INT(r->r[0].cls, BM_NOT_BOUNCE);
	/* X-Unix exit codes: the local delivery program failed */
	r = report("", "Final-Recipient: rfc822; rcpt@example.com\r\nAction: failed\r\nStatus: 5.0.0\r\n"
			   "Diagnostic-Code: X-Unix; 255\r\n");
	CHECK_INT(r->r[0].reason, BM_R_MAILER_ERROR);
	CHECK_STR(r->r[0].diagnostic_type, "x-unix");
	/* a Status comment is the diagnostic when there is none */
	r = report("", "Final-Recipient: rfc822; rcpt@example.com\r\nAction: failed\r\n"
			   "Status: 5.0.0 (example.com: host name lookup failure)\r\n");
	CHECK_STR(r->r[0].diagnostic, "example.com: host name lookup failure");
	CHECK_INT(r->r[0].reason, BM_R_NETWORK_ERROR);
	/* a recipient that is no address (a pipe, a file) takes the returned message's only To */
	r = report("", "Final-Recipient: rfc822; |/usr/bin/procmail\r\nAction: failed\r\n\r\n"
			   "Final-Recipient: rfc822; ok@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n");
	CHECK_INT(r->n, 2);
	CHECK_STR(r->r[0].recipient, "rcpt@example.com");
	CHECK_STR(r->r[1].recipient, "ok@example.com");
	CHECK_INT(r->r[1].index, 2);
	/* without one, the record is dropped and the others keep consecutive indexes */
	r = mh_parse_str("From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; boundary=B\n\n"
					 "--B\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; |/usr/bin/x\n"
					 "Action: failed\n\nFinal-Recipient: rfc822; ok@example.com\nAction: failed\n--B--\n");
	CHECK_INT(r->n, 1);
	CHECK_STR(r->r[0].recipient, "ok@example.com");
	CHECK_INT(r->r[0].index, 1);
}

TEST(mail_not_a_bounce_gives_no_record)
{
	mh_result  *r = mh_parse_str("From: friend@example.com\nTo: me@example.org\nSubject: lunch?\n\n"
								 "kijitora@example.com: are you coming?\n");

	CHECK_INT(r->status, BM_MAIL_OK);
	CHECK_INT(r->n, 0);
	/* an auto-reply from a system sender is not a vacation notice */
	r = mh_parse_str("From: MAILER-DAEMON@example.com\nAuto-Submitted: auto-replied\nSubject: x\n\nhello\n");
	CHECK_INT(r->n, 0);
}
