/*
 * test_mail_rules.c — the bounce-email reader's rules for what an email says beyond the diagnostic, each on
 * a minimal email written for it: the stage a transcript shows, which recipient a transcript reply belongs
 * to, where a report states the reason, product headers and relayed replies.
 */
#include <stdio.h>

#include "unit.h"
#include "mail_harness.h"

/* A Sendmail bounce: report text (with its transcript) and a DSN part for one recipient. */
static mh_result *
sendmail(const char *text, const char *diag)
{
	static char m[8192];

	snprintf(m, sizeof(m),
			 "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
			 "Subject: Returned mail: see transcript for details\n"
			 "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
			 "--B\n\n%s\n"
			 "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
			 "Final-Recipient: RFC822; rcpt@example.com\nAction: failed\nStatus: 5.0.0\n"
			 "Diagnostic-Code: SMTP; %s\n--B--\n", text, diag);
	return mh_parse_str(m);
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
