/*
 * test_smtp_reply.c — unit tests of the reply parser and message extractor (src/core/smtp_reply.c): real MTA and
 * provider texts, look-alikes that must be refused, hostile input (empty, NUL, invalid UTF-8, 1 MB).
 */
#include <stdlib.h>

#include "unit.h"
#include "smtp_reply.h"

/* Parses s; returns the code and writes the status as text ("" for none) and the message into msg. */
static int
parse(const char *s, char *status_text, char *msg)
{
	bm_reply	r;
	size_t		len = strlen(s);
	char	   *buf = malloc(len + 1);

	bm_reply_parse(s, len, &r);
	bm_status_format(r.status, status_text);
	bm_reply_message(s, len, &r, buf);
	if (msg != NULL)
		strcpy(msg, buf);
	free(buf);
	return r.reply_code;
}

#define CHECK_REPLY(text, code, status) \
	do { char st_[BM_STATUS_TEXT_MAX]; \
		 CHECK_INT(parse(text, st_, NULL), code); \
		 CHECK_STR(st_, status); } while (0)

#define CHECK_MESSAGE(text, message) \
	do { char st_[BM_STATUS_TEXT_MAX]; static char m_[4096]; \
		 parse(text, st_, m_); \
		 CHECK_STR(m_, message); } while (0)

TEST(reply_plain_and_smtp_prefix)
{
	CHECK_REPLY("550 5.1.1 <x@example.com>... User unknown", 550, "5.1.1");
	CHECK_REPLY("smtp; 550 5.1.1 <x@y>: Recipient address rejected: User unknown in local recipient table", 550, "5.1.1");
	CHECK_REPLY("SMTP; 452 4.2.2 The email account that you tried to reach is over quota", 452, "4.2.2");
	CHECK_REPLY("smtp;550 5.7.1 Relaying denied", 550, "5.7.1");
	CHECK_MESSAGE("smtp; 550 5.1.1 <x@y>: Recipient address rejected: User unknown in local recipient table",
				  "<x@y>: Recipient address rejected: User unknown in local recipient table");
}

TEST(reply_gmail_multiline)
{
	const char *gmail = "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
		"550-5.1.1 double-checking the recipient's email address for typos or\r\n"
		"550-5.1.1 unnecessary spaces. Learn more at\r\n"
		"550 5.1.1  https://support.google.com/mail/?p=NoSuchUser d2si1234567wrb.45 - gsmtp";

	CHECK_REPLY(gmail, 550, "5.1.1");
	CHECK_MESSAGE(gmail, "The email account that you tried to reach does not exist. Please try double-checking the "
				  "recipient's email address for typos or unnecessary spaces. Learn more at "
				  "https://support.google.com/mail/?p=NoSuchUser d2si1234567wrb.45 - gsmtp");
	/* Sisimai-style squeezed form */
	CHECK_REPLY("550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail.", 550,
				"5.7.1");
	CHECK_MESSAGE("550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail.",
				  "[192.0.2.1] Our system has detected that this message is likely unsolicited mail.");
	/* continuation lines without a status */
	CHECK_MESSAGE("550-Mailbox unavailable\n550-please check\n550 the address",
				  "Mailbox unavailable please check 550 the address");
}

TEST(reply_quoted_after_host_said)
{
	CHECK_REPLY("host mx.example.com[192.0.2.1] said: 550 5.1.1 <x@example.com>: Recipient address rejected: "
				"User unknown (in reply to RCPT TO command)", 550, "5.1.1");
	CHECK_REPLY("SMTP error from remote mail server after RCPT TO:<x@example.jp>: host mx.example.jp "
				"[192.0.2.153]: 550 5.2.1 <x@example.jp>... User Unknown", 550, "5.2.1");
	CHECK_REPLY("mail-inbound.example.net [192.0.2.25] did not like our RCPT TO:550 5.1.2 <x@example.net>: "
				"Recipient address rejected: Bad destination system address", 550, "5.1.2");
	CHECK_REPLY("192.0.2.153 does not like recipient. Remote host said: 550 5.1.1 <x@example.jp>... User Unknown "
				"Giving up on 192.0.2.153.", 550, "5.1.1");
	CHECK_REPLY(">>> RCPT TO:<x@example.org> <<< 553 Invalid recipient x@example.org (Mode: normal)", 553, "");
}

TEST(reply_exchange_forms)
{
	CHECK_REPLY("#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", 550, "5.1.1");
	CHECK_MESSAGE("#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", "RESOLVER.ADR.RecipNotFound; not found");
	CHECK_MESSAGE("#550 5.7.1 RESOLVER.RST.AuthRequired; authentication required ##rfc822;x@example.jp",
				  "RESOLVER.RST.AuthRequired; authentication required");
	CHECK_REPLY("Remote Server returned '550 4.4.7 QUEUE.Expired; message expired'", 550, "4.4.7");
	CHECK_REPLY("Reported error: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
				550, "5.1.10");
}

TEST(reply_odd_separators)
{
	CHECK_REPLY("550: 5.2.2 <x@example.jp>... Mailbox Full", 550, "5.2.2");
	CHECK_REPLY("550 #5.1.0 Address rejected.", 550, "5.1.0");
	CHECK_REPLY("A message that you sent could not be delivered. x@example.jp Invalid Address, ERROR_CODE :550, "
				"ERROR_CODE :5.1.1 <x@example.jp>... User Unknown", 550, "5.1.1");
	CHECK_REPLY("Error: Invalid user address Error message below:550 - Requested action not taken: no such user here",
				550, "");
	CHECK_REPLY("550: : User unknown", 550, "");
	CHECK_REPLY("[550 5.1.1 User unknown]", 550, "5.1.1");
}

TEST(reply_qmail_annotations)
{
	char		msg[256];
	char		st[BM_STATUS_TEXT_MAX];

	CHECK_REPLY("Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)", 0, "5.4.4");
	CHECK_REPLY("Resources temporarily unavailable, please try again later [#4.1.9].", 0, "4.1.9");
	CHECK_REPLY("552 sorry, mailbox x@example.org is over quota temporarily (#5.1.1)", 552, "5.1.1");
	/* the annotation closes the text: the message is the whole text */
	parse("Sorry, no mailbox here by that name. (#5.1.1)", st, msg);
	CHECK_STR(msg, "Sorry, no mailbox here by that name. (#5.1.1)");
	parse("552 sorry, mailbox x is over quota temporarily (#5.1.1)", st, msg);
	CHECK_STR(msg, "sorry, mailbox x is over quota temporarily (#5.1.1)");
}

TEST(reply_first_failure_pair_wins)
{
	/* Sendmail transcripts repeat the reply and add later ones */
	CHECK_REPLY("550 5.1.1 <x@example.org>... User Unknown 503 5.0.0 Need RCPT (recipient) 550 5.1.1 <x>... User Unknown",
				550, "5.1.1");
	/* a pair beats an earlier lone code */
	CHECK_REPLY("554 554 5.7.0 Header error (state 18).", 554, "5.7.0");
	/* a failure beats an earlier success */
	CHECK_REPLY("250 2.1.0 Sender ok 550 5.1.1 User unknown", 550, "5.1.1");
	CHECK_REPLY("354 End data with <CR><LF>.<CR><LF> 451 4.3.0 Error: queue file write error", 451, "4.3.0");
	/* without a pair, the first failure code and the first failure status */
	CHECK_REPLY("450 busy - please try later 551 not our user 503 need RCPT command [data] 551 not our user", 450, "");
	/* success only */
	CHECK_REPLY("250 2.0.0 OK 1700000000 x1si1234567.1 - gsmtp", 250, "2.0.0");
	CHECK_REPLY("250 2.6.0 Message received", 250, "2.6.0");
}

TEST(reply_no_code_at_all)
{
	char		msg[256];
	char		st[BM_STATUS_TEXT_MAX];

	CHECK_REPLY("Unknown Recipient", 0, "");
	CHECK_REPLY("Host or domain name not found. Name service error for name=example.invalid type=A: Host not found",
				0, "");
	CHECK_REPLY("I am out of the office until Monday.", 0, "");
	CHECK_INT(parse("retry timeout exceeded", st, msg), 0);
	CHECK_STR(msg, "retry timeout exceeded");
}

TEST(reply_refuses_look_alikes)
{
	/* IP addresses */
	CHECK_REPLY("connect to example.com[192.0.2.1]:25: Connection timed out", 0, "");
	CHECK_REPLY("10.5.1.1", 0, "");
	CHECK_REPLY("host 203.0.113.225 said nothing", 0, "");
	CHECK_REPLY("[2001:db8::450:1] said: 550 User unknown", 550, "");
	CHECK_REPLY("Yahoo - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", 0, "");
	/* dates, times, sizes, durations, ids */
	CHECK_REPLY("Thu, 29 Apr 2010 23:45:10 +0900", 0, "");
	CHECK_REPLY("2024-06-11T09:04:02.679Z", 0, "");
	CHECK_REPLY("Message size exceeds fixed maximum message size (10485760)", 0, "");
	CHECK_REPLY("Gmail will retry for 47 more hours.", 0, "");
	CHECK_REPLY("Message expired: unable to deliver in 250 minutes", 0, "");
	CHECK_REPLY("Delivery failed 421 times", 0, "");
	CHECK_REPLY("part of their network is on our block list (S3150).", 0, "");
	CHECK_REPLY("421 4.7.0 [TSS04] Messages from x temporarily deferred", 421, "4.7.0");
	CHECK_REPLY("[TSS04] [S3150] OFR_416 [416] LPN007_416 IB607 SIZE=222:", 0, "");
	CHECK_REPLY("Mozilla/5.0.1 v5.2.0 5.1.1234 5.1.1.1 55.1.1 5.1", 0, "");
	CHECK_REPLY("digits 5501 and 25 and 2 and 6000", 0, "");
	CHECK_REPLY("user550@example.com 550@example.com", 0, "");
	/* not a code: first digit or second digit out of range */
	CHECK_REPLY("650 nope 199 no 560 no", 0, "");
}

TEST(reply_status_word_boundaries)
{
	CHECK_REPLY("Status: 5.1.1 (bad destination mailbox)", 0, "5.1.1");
	CHECK_REPLY("dsn=5.1.1, status=bounced", 0, "5.1.1");
	CHECK_REPLY("5.1.1.", 0, "5.1.1");
	CHECK_REPLY("x5.1.1", 0, "");
	CHECK_REPLY("5.1.1x", 0, "");
	CHECK_REPLY("4.7.650 rate limited", 0, "4.7.650");
	CHECK_REPLY("3.1.1 2.x.1", 0, "");
}

TEST(reply_empty_and_degenerate)
{
	bm_reply	r;
	char		buf[8];

	r.reply_code = 123;
	bm_reply_parse("", 0, &r);
	CHECK_INT(r.reply_code, 0);
	CHECK_INT(r.status, BM_STATUS_NONE);
	CHECK_INT(r.message_start, 0);
	bm_reply_parse(NULL, 0, &r);
	CHECK_INT(r.reply_code, 0);
	CHECK_INT(bm_reply_message(NULL, 0, &r, buf), 0);
	CHECK_STR(buf, "");
	CHECK_REPLY("550", 550, "");
	CHECK_MESSAGE("550", "");
	CHECK_REPLY("5", 0, "");
	CHECK_REPLY("55", 0, "");
	CHECK_REPLY("5.1", 0, "");
	CHECK_REPLY("5.", 0, "");
	CHECK_REPLY("5.1.", 0, "");
	CHECK_REPLY("0123456789", 0, "");
	CHECK_REPLY("550 5.1.1", 550, "5.1.1");
	CHECK_MESSAGE("550 5.1.1", "");
	CHECK_MESSAGE("   \t\r\n  ", "");
	CHECK_MESSAGE("smtp;", "");
}

TEST(reply_nul_bytes_and_invalid_utf8)
{
	const char	text[] = "550 5.1.1 \0<x@y>\0 user\xff\xfe unknown \xc3\x28 \xe3\x81";
	size_t		len = sizeof(text) - 1;
	bm_reply	r;
	char		buf[sizeof(text)];
	size_t		n;

	bm_reply_parse(text, len, &r);
	CHECK_INT(r.reply_code, 550);
	CHECK_INT(r.status, bm_status_make(5, 1, 1));
	n = bm_reply_message(text, len, &r, buf);
	CHECK(n <= len);
	CHECK_INT(buf[n], '\0');
	CHECK_STR(buf, "<x@y> user\xff\xfe unknown \xc3\x28 \xe3\x81");
	/* a NUL right before the code is a boundary */
	bm_reply_parse("x\0" "550 5.2.2 full", 15, &r);
	CHECK_INT(r.reply_code, 550);
}

TEST(reply_reads_only_len_bytes)
{
	bm_reply	r;

	/* the code is cut in the middle: "55" of "550" */
	bm_reply_parse("55", 2, &r);
	CHECK_INT(r.reply_code, 0);
	bm_reply_parse("550 5.1.1 xyz", 7, &r);	/* "550 5.1" */
	CHECK_INT(r.reply_code, 550);
	CHECK_INT(r.status, BM_STATUS_NONE);
	bm_reply_parse("550 5.1.1 xyz", 9, &r);	/* "550 5.1.1" */
	CHECK_INT(r.status, bm_status_make(5, 1, 1));
}

TEST(reply_one_megabyte)
{
	size_t		len = 1024 * 1024;
	char	   *big = malloc(len);
	char	   *buf = malloc(len + 1);
	bm_reply	r;
	size_t		n;

	for (size_t i = 0; i < len; i++)
		big[i] = "192.0.2.1 23:45 2024 x "[i % 23];
	memcpy(big + len - 29, " 452 4.2.2 over quota        ", 29);
	bm_reply_parse(big, len, &r);
	CHECK_INT(r.reply_code, 452);
	CHECK_INT(r.status, bm_status_make(4, 2, 2));
	n = bm_reply_message(big, len, &r, buf);
	CHECK_STR(buf, "over quota");
	CHECK_INT(n, 10);
	/* all white space */
	memset(big, ' ', len);
	bm_reply_parse(big, len, &r);
	CHECK_INT(r.reply_code, 0);
	CHECK_INT(bm_reply_message(big, len, &r, buf), 0);
	free(big);
	free(buf);
}
