/*
 * test_mail_rules.c — the bounce-email reader's rules for what an email says beyond the diagnostic, each on
 * a minimal email written for it: the stage a transcript shows, which recipient a transcript reply belongs
 * to, where a report states the reason, product headers and relayed replies.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "mail_harness.h"

/* A Sendmail bounce: report text (with its transcript) and a DSN part for one recipient. */
static mh_result *
sendmail(const char *text, const char *diag)
{
	char		fields[1024];

	snprintf(fields, sizeof(fields), "Final-Recipient: RFC822; rcpt@example.com\r\nAction: failed\r\n"
			 "Status: 5.0.0\r\nDiagnostic-Code: SMTP; %s\r\n", diag);
	return mh_parse_report("Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>", text, fields);
}

/* The record's recipient, command, reply code, reason and a piece of its diagnostic. */
static void
check_record(const mh_rec *r, const char *recipient, bm_smtp_command command, int reply_code, const char *in_diag,
			 bm_reason reason)
{
	CHECK_STR(r->recipient, recipient);
	CHECK_INT(r->command, command);
	CHECK_INT(r->reply_code, reply_code);
	CHECK(strstr(r->diagnostic, in_diag) != NULL);
	CHECK_INT(r->reason, reason);
}

TEST(mail_rule_sendmail_greeting_refused)
{
	/* "... while talking to x.:" then "<<< 554 ..." with no ">>> " line: Sendmail logs every command it sends,
	 * so the 554 answered the connection (RFC 5321 3.1: no service for this client) */
	mh_result  *r = sendmail("   ----- Transcript of session follows -----\n"
							 "... while talking to mx1.example.com.:\n"
							 "<<< 554 IP=192.0.2.1 - A problem occurred. (Ask postmaster@example.com)\n"
							 "... while talking to mx2.example.com.:\n"
							 "<<< 554 IP=192.0.2.1 - A problem occurred. (Ask postmaster@example.com)\n"
							 "554 5.0.0 Service unavailable\n",
							 "554 IP=192.0.2.1 - A problem occurred. (Ask postmaster@example.com)");

	CHECK_INT(r->n, 1);		/* the contact address in the greeting is no recipient */
	CHECK_STR(r->r[0].recipient, "rcpt@example.com");
	CHECK_INT(r->r[0].command, BM_SMTP_CONNECT);
	CHECK_INT(r->r[0].reason, BM_R_BLOCKED);
	CHECK_INT(r->r[0].cls, BM_SOFT);

	/* a 4xx greeting ("busy") says nothing about the client: no stage */
	r = sendmail("   ----- Transcript of session follows -----\n"
				 "... while talking to mx1.example.com.:\n<<< 421 busy - please try later\n",
				 "421 busy - please try later");
	CHECK_INT(r->r[0].command, BM_SMTP_NONE);
	/* a later conversation that sent commands: the greeting is not the stage */
	r = sendmail("   ----- Transcript of session follows -----\n"
				 "... while talking to mx1.example.com.:\n<<< 554 go away\n"
				 "... while talking to mx2.example.com.:\n>>> DATA\n<<< 551 not our user\n",
				 "551 not our user");
	CHECK(r->r[0].command != BM_SMTP_CONNECT);
}

/* au's report: one recipient with its conversation; `gap` goes between the recipient line and it. */
static mh_result *
au_block(const char *gap)
{
	char		m[1024];

	snprintf(m, sizeof(m), "From: Postmaster@ezweb.ne.jp\nSubject: Mail System Error - Returned Mail\n\n"
			 "Each of the following recipients was rejected by a remote\nmail server.\n\n"
			 "    Recipient: <rcpt@example.com>\n%s"
			 "    >>> MAIL FROM:<sender@example.org>\n"
			 "    <<< 550 SC-004 Unfortunately, messages from 192.0.2.1 weren't sent.\n", gap);
	return mh_parse_str(m);
}

TEST(mail_rule_reply_in_a_recipients_block)
{
	/* au: each recipient is listed with its own conversation, no blank line between; the reply refused MAIL
	 * FROM for the sending IP: the recipient's, and a block (not the report's "rejected by a remote mail
	 * server" sentence, not sender_rejected from the stage alone) */
	mh_result  *r = au_block("");

	CHECK_INT(r->n, 1);
	check_record(&r->r[0], "rcpt@example.com", BM_SMTP_MAIL, 550, "SC-004", BM_R_BLOCKED);
	/* after a blank line the reply is no longer the recipient's own: the report's */
	r = au_block("\n");
	CHECK_INT(r->n, 1);
	CHECK_INT(r->r[0].command, BM_SMTP_MAIL);
}

TEST(mail_rule_sendmail_v5_summary_takes_the_reply_above)
{
	/* Sendmail V5 writes "554 <x>... Remote protocol error" right after the reply that caused it; the
	 * next recipient, after a line of its own, keeps its own error */
	mh_result  *r = mh_parse_str("From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
								 "Subject: Returned mail: Remote protocol error\n\n"
								 "   ----- Transcript of session follows -----\n"
								 "While talking to mx.example.com:\n"
								 ">>> MAIL From:<sender@example.org>\n"
								 "<<< 501 <sender@example.org>... no access from mail server [192.0.2.55] which is an open relay.\n"
								 "554 <a@example.com>... Remote protocol error\n"
								 "554 <b@example.com>... Remote protocol error\n"
								 "550 example.net (smtp)... 550 Host unknown\n"
								 "554 <c@example.net>... 550 Host unknown (Authoritative answer from name server)\n\n"
								 "   ----- Unsent message follows -----\n"
								 "Received: by mx.example.org; (5.65/1.37) id 0000000;\n");

	CHECK_INT(r->n, 3);
	check_record(&r->r[0], "a@example.com", BM_SMTP_MAIL, 501, "open relay", BM_R_BLOCKED);
	check_record(&r->r[1], "b@example.com", BM_SMTP_MAIL, 501, "open relay", BM_R_BLOCKED);
	CHECK_STR(r->r[2].recipient, "c@example.net");
	CHECK_INT(r->r[2].reason, BM_R_HOST_UNKNOWN);
	CHECK(r->r[2].command != BM_SMTP_MAIL);
}

TEST(mail_rule_reason_above_a_list_title)
{
	/* au: the reason is the paragraph above "The following recipients did not receive this message:" */
	static const char fmt[] = "From: Postmaster@ezweb.ne.jp\nSubject: Mail System Error - Returned Mail\n\n"
		"Your message was not delivered within 0 days and 1 hours.\nRemote host is not responding.\n\n"
		"The following recipients did not receive this message:\n%s<rcpt@example.com>\n";
	char		m[512];
	mh_result  *r;

	snprintf(m, sizeof(m), fmt, "\n");	/* the recipient in a paragraph of its own */
	r = mh_parse_str(m);
	CHECK_INT(r->n, 1);
	CHECK(strstr(r->r[0].diagnostic, "not delivered within") != NULL);
	CHECK_INT(r->r[0].reason, BM_R_EXPIRED);
	snprintf(m, sizeof(m), fmt, "");	/* right under the title */
	r = mh_parse_str(m);
	CHECK_INT(r->r[0].reason, BM_R_EXPIRED);
	/* a title that is a sentence of several lines is no list title: nothing above it is taken */
	r = mh_parse_str("From: Postmaster@ezweb.ne.jp\nSubject: Mail System Error - Returned Mail\n\n"
					 "Your message was not delivered within 0 days and 1 hours.\n\n"
					 "Your message could not be delivered\nto these recipients:\n\n<rcpt@example.com>\n");
	CHECK_INT(r->n, 1);
	CHECK(strstr(r->r[0].diagnostic, "not delivered within") == NULL);
}

/* An Amazon SES DSN (its older form) with one recipient and the given Diagnostic-Code. */
static mh_result *
ses(const char *diag)
{
	char		fields[1024];

	snprintf(fields, sizeof(fields), "Final-Recipient: rfc822;rcpt@example.co.jp\r\nAction: failed\r\n"
			 "Status: 5.0.0 (permanent failure)\r\nDiagnostic-Code: smtp; %s\r\n", diag);
	return mh_parse_report("MAILER-DAEMON@email-bounces.amazonses.com",
						   "The following message to <rcpt@example.co.jp> was undeliverable.", fields);
}

TEST(mail_rule_ses_relayed_reply)
{
	/* SES's own "5.1.0 - Unknown address error" is its category; the quoted reply is the server's: a 5.7.1
	 * "Access denied" is a refusal, not a missing address */
	mh_result  *r = ses("5.1.0 - Unknown address error 550-'5.7.1 <bounce-1@email-bounces.amazonses.com>... "
						"Access denied' (delivery attempts: 0)");

	CHECK_INT(r->n, 1);
	CHECK(strstr(r->r[0].diagnostic, "Unknown address error") != NULL);	/* the diagnostic stays as sent */
	CHECK_INT(r->r[0].reply_code, 550);
	CHECK_STR(r->r[0].status, "5.7.1");
	CHECK_INT(r->r[0].reason, BM_R_SECURITY_ERROR);
	CHECK_INT(r->r[0].cls, BM_SOFT);
	/* the same category around a full mailbox */
	r = ses("5.1.0 - Unknown address error 550-'5.2.2 <rcpt@example.co.jp>... Mailbox Full' (delivery attempts: 0)");
	CHECK_STR(r->r[0].status, "5.2.2");
	CHECK_INT(r->r[0].reason, BM_R_MAILBOX_FULL);
	/* a quoted reply without a status keeps the DSN's; the text decides */
	r = ses("5.3.0 - Other mail system problem 550-'Unknown user rcpt@example.co.jp' (delivery attempts: 0)");
	CHECK_STR(r->r[0].status, "5.0.0");
	CHECK_INT(r->r[0].reason, BM_R_USER_UNKNOWN);
	CHECK_INT(r->r[0].cls, BM_HARD);
}

TEST(mail_rule_au_filter_header)
{
	/* au's reception filter returns mail with "X-SPASIGN: NG" and no reason in the text: filtered */
	static const char fmt[] = "From: <Postmaster@ezweb.ne.jp>\nSubject: Mail System Error - Returned Mail\n%s\n"
		"<rcpt@ezweb.ne.jp>\n\nEach of the following recipients was rejected by a remote mail server.\n";
	char		m[512];
	mh_result  *r;

	snprintf(m, sizeof(m), fmt, "X-SPASIGN: NG\n");
	r = mh_parse_str(m);
	CHECK_INT(r->n, 1);
	CHECK_INT(r->r[0].reason, BM_R_FILTERED);
	CHECK_INT(r->r[0].cls, BM_SOFT);
	/* without the header the text says nothing */
	snprintf(m, sizeof(m), fmt, "");
	r = mh_parse_str(m);
	CHECK(r->r[0].reason != BM_R_FILTERED);
	/* the header never overrules what the text says ("User unknown") */
	r = mh_parse_str("From: <Postmaster@ezweb.ne.jp>\nSubject: Mail System Error - Returned Mail\nX-SPASIGN: NG\n\n"
					 "<rcpt@ezweb.ne.jp>: 550 <rcpt@ezweb.ne.jp>: User unknown\n");
	CHECK_INT(r->r[0].reason, BM_R_USER_UNKNOWN);
}
