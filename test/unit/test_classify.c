/*
 * test_classify.c — unit tests of the verdict (src/core/classify.c) and its phrase matcher: real Gmail, Outlook,
 * Yahoo, Postfix, Exim, Japanese carrier texts, evidence and class rules, names, hostile input.
 */
#include <stdlib.h>

#include "unit.h"
#include "classify.h"
#include "phrase_match.h"

static bm_verdict
classify3(const char *text, int code, bm_status st)
{
	bm_verdict	v;

	memset(&v, 0x5a, sizeof(v));
	bm_classify(text, text ? strlen(text) : 0, code, st, &v);
	return v;
}

static bm_verdict
classify(const char *text)
{
	return classify3(text, 0, BM_STATUS_NONE);
}

#define ST(c, s, d) bm_status_make(c, s, d)

/* reason name and class name of a verdict, for readable failures */
#define CHECK_VERDICT(text_, reason_, class_) \
	do { bm_verdict v_ = classify(text_); \
		 CHECK_STR(bm_reason_name(v_.reason), reason_); \
		 CHECK_STR(bm_class_name(v_.bounce_class), class_); } while (0)

/* ---------------------------------------------------------------------------------------------------------
 * The cases the project must get right
 * --------------------------------------------------------------------------------------------------------- */

TEST(classify_microsoft_block_list_is_soft)
{
	bm_verdict	v = classify("550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your "
							 "Internet service provider since part of their network is on our block list (S3150). "
							 "You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.");

	CHECK_STR(bm_reason_name(v.reason), "blocked");
	CHECK_INT(v.bounce_class, BM_SOFT);
	CHECK_INT(v.reply_code, 550);
	CHECK_INT(v.status, ST(5, 7, 1));
	CHECK_INT(v.evidence, BM_EV_TEXT);
	CHECK(v.pattern_id >= 0 && bm_pattern_reason(v.pattern_id) == BM_R_BLOCKED);
	CHECK_INT(bm_reason_fault(v.reason), BM_FAULT_SENDER);
}

TEST(classify_gmail)
{
	CHECK_VERDICT("550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail. To "
				  "reduce the amount of spam sent to Gmail, this message has been blocked. Please visit "
				  "https://support.google.com/mail/?p=UnsolicitedMessageError for more information.",
				  "spam_detected", "soft");
	CHECK_VERDICT("550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
				  "550-5.1.1 double-checking the recipient's email address for typos or\n"
				  "550-5.1.1 unnecessary spaces. Learn more at\n"
				  "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si2 - gsmtp", "user_unknown", "hard");
	CHECK_VERDICT("452-4.2.2 The email account that you tried to reach is over quota. Please direct\n"
				  "452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp", "mailbox_full", "soft");
	CHECK_VERDICT("550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy. "
				  "Please contact the administrator of example.com domain", "auth_failure", "soft");
	CHECK_VERDICT("550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all "
				  "senders to authenticate with either SPF or DKIM.", "auth_failure", "soft");
	CHECK_VERDICT("550 5.7.26 The MAIL FROM domain [example.com] has an SPF record with a hard fail policy (-all) "
				  "but it fails to pass SPF checks with the ip: [192.0.2.1].", "auth_failure", "soft");
	CHECK_VERDICT("550-5.7.1 [192.0.2.1] Our system has detected that this message is likely suspicious due to the "
				  "very low reputation of the sending IP address. To best protect our users from spam, the message "
				  "has been blocked.", "bad_reputation", "soft");
	CHECK_VERDICT("550 5.2.1 The email account that you tried to reach is disabled.", "suspended", "soft");
	CHECK_VERDICT("550-5.2.1 The user you are trying to contact is receiving mail at a rate that prevents "
				  "additional messages from being delivered.", "rate_limited", "soft");
	CHECK_VERDICT("550-5.7.1 This message is not RFC 5322 compliant. There are multiple Subject headers.",
				  "not_compliant_rfc", "soft");
	CHECK_VERDICT("552-5.7.0 This message was blocked because its content presents a potential security issue.",
				  "policy_violation", "soft");
	CHECK_VERDICT("421-4.7.0 TLS required for RCPT domain, closing connection.", "failed_starttls", "soft");
	CHECK_VERDICT("** Address not found ** Your message wasn't delivered to x@example.it because the address "
				  "couldn't be found. Check for typos or unnecessary spaces and try again.", "user_unknown", "hard");
	CHECK_VERDICT("** Delivery incomplete ** There was a temporary problem delivering your message to x@example.jp. "
				  "Gmail will retry for 47 more hours.", "expired", "soft");
	CHECK_VERDICT("** Address not found ** Your message wasn't delivered to x@gmal.com because the domain gmal.com "
				  "couldn't be found. The response was: DNS Error: 1 DNS type 'mx' lookup of gmal.com responded with "
				  "code NXDOMAIN", "network_error", "soft");
}

TEST(classify_outlook_and_exchange)
{
	CHECK_VERDICT("550 5.5.0 Requested action not taken: mailbox unavailable", "user_unknown", "hard");
	CHECK_VERDICT("550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302)", "user_unknown", "hard");
	CHECK_VERDICT("#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", "user_unknown", "hard");
	CHECK_VERDICT("550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
				  "user_unknown", "hard");
	CHECK_VERDICT("550 5.4.1 Recipient address rejected: Access denied. AS(201806281)", "user_unknown", "hard");
	CHECK_VERDICT("550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list "
				  "please visit https://sender.office.com/", "blocked", "soft");
	CHECK_VERDICT("550 5.7.509 Access denied, sending domain [EXAMPLE.COM] does not pass DMARC verification and has a "
				  "DMARC policy of reject.", "auth_failure", "soft");
	CHECK_VERDICT("451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation. "
				  "For e-mail delivery information, see https://postmaster.live.com (S775)", "bad_reputation", "soft");
	CHECK_VERDICT("Remote Server returned '550 4.4.7 QUEUE.Expired; message expired'", "expired", "soft");
	CHECK_VERDICT("#550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient ##", "exceed_limit",
				  "soft");
	CHECK_VERDICT("554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException", "mailbox_full", "soft");
	CHECK_VERDICT("550 SC-001 (BAY0-MC1-F21) Unfortunately, messages from 192.0.2.1 weren't sent. Please contact "
				  "your Internet service provider.", "blocked", "soft");
	CHECK_VERDICT("550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.", "blocked", "soft");
}

TEST(classify_yahoo_aol_apple)
{
	CHECK_VERDICT("421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user "
				  "complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", "bad_reputation", "soft");
	CHECK_VERDICT("554 delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0] - "
				  "mta1061.mail.ne1.yahoo.com", "user_unknown", "hard");
	CHECK_VERDICT("554 delivery error: dd Sorry your message to x@yahoo.co.jp cannot be delivered. This account has "
				  "been disabled or discontinued [#102]. - mta1.mail.bf1.yahoo.com", "suspended", "soft");
	CHECK_VERDICT("554 5.7.9 Message not accepted for policy reasons.  See https://senders.yahooinc.com/error-codes",
				  "policy_violation", "soft");
	CHECK_VERDICT("553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's "
				  "list; see http://postmaster.yahoo.com/550-bl23.html", "blocked", "soft");
	CHECK_VERDICT("554 5.7.1 Your message was rejected due to example.com's DMARC policy. See "
				  "https://support.apple.com/en-us/HT204137 for info", "auth_failure", "soft");
	CHECK_VERDICT("550 5.1.1 <x@icloud.com>: inactive email address", "user_unknown", "hard");
	CHECK_VERDICT("554 st11p00im-smtpin005.me.com ESMTP not accepting connections", "blocked", "soft");
}

TEST(classify_greylisting)
{
	CHECK_VERDICT("450 4.2.0 <x@example.com>: Recipient address rejected: Greylisted, see "
				  "http://postgrey.schweikert.ch/help/example.com.html", "greylisted", "soft");
	CHECK_VERDICT("451 4.7.1 Please try again later", "greylisted", "soft");
	CHECK_VERDICT("451 4.7.1 Greylisting in action, please come back later", "greylisted", "soft");
	CHECK_STR(bm_reason_sisimai_name(BM_R_GREYLISTED), "speeding");
}

TEST(classify_block_lists)
{
	CHECK_VERDICT("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; "
				  "https://www.spamhaus.org/query/ip/192.0.2.1", "blocked", "soft");
	CHECK_VERDICT("554 Service unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation, see "
				  "http://www.barracudanetworks.com/reputation/?r=1&ip=192.0.2.1", "blocked", "soft");
	CHECK_VERDICT("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using bl.spamcop.net; Blocked - see "
				  "http://www.spamcop.net/bl.shtml?192.0.2.1", "blocked", "soft");
	CHECK_VERDICT("554 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.1", "blocked", "soft");
	CHECK_VERDICT("host r2.example.org[198.51.100.18] refused to talk to me: 554 Blocked - see "
				  "https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.225", "blocked", "soft");
	CHECK_VERDICT("553 http://www.spamhaus.org/query/bl?ip=192.0.2.222", "blocked", "soft");
	/* a block list never becomes hard, whatever code comes with it */
	CHECK_VERDICT("550 5.1.1 <x@example.com>: blocked using zen.spamhaus.org", "blocked", "soft");
}

TEST(classify_ptr_relay_size_account)
{
	CHECK_VERDICT("450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]", "require_ptr", "soft");
	CHECK_VERDICT("550 5.7.25 [192.0.2.1] The IP address sending this message does not have a PTR record setup, or "
				  "the corresponding forward DNS entry does not point to the sending IP.", "require_ptr", "soft");
	CHECK_VERDICT("554 5.7.1 <x@example.org>: Relay access denied", "no_relaying", "soft");
	CHECK_VERDICT("550 5.7.1 Unable to relay", "no_relaying", "soft");
	CHECK_VERDICT("552 5.3.4 Message too large", "message_too_big", "soft");
	CHECK_VERDICT("552 Message too large", "message_too_big", "soft");
	CHECK_VERDICT("552 5.3.4 Error: message file too big", "message_too_big", "soft");
	CHECK_VERDICT("552 5.2.3 Message size exceeds fixed maximum message size (10485760)", "exceed_limit", "soft");
	CHECK_VERDICT("552 5.2.3 Message length exceeds administrative limit", "exceed_limit", "soft");
	CHECK_VERDICT("550 5.2.1 Mailbox is inactive", "suspended", "soft");
	CHECK_VERDICT("550 Mailbox is frozen. See http://mail.i.ua/err/3/", "suspended", "soft");
	CHECK_VERDICT("525 5.7.13 Disabled recipient address", "suspended", "soft");
}

TEST(classify_host_unknown_and_transients)
{
	CHECK_VERDICT("Host or domain name not found. Name service error for name=example.invalid type=A: Host not found",
				  "host_unknown", "hard");
	CHECK_VERDICT("550 5.1.2 <x@example.org>... Host unknown (Name server: example.org: host not found)",
				  "host_unknown", "hard");
	CHECK_VERDICT("Unrouteable address", "host_unknown", "hard");
	CHECK_VERDICT("Name service error for domain example.com: Host not found, try again", "network_error", "soft");
	CHECK_VERDICT("connect to example.org[192.0.2.1]:25: Connection timed out", "expired", "soft");
	CHECK_VERDICT("connect to example.org[192.0.2.1]:25: No route to host", "network_error", "soft");
	CHECK_VERDICT("retry timeout exceeded", "expired", "soft");
	CHECK_VERDICT("554 5.4.6 Hop count exceeded - possible mail loop", "network_error", "soft");
	CHECK_VERDICT("451 4.3.0 Error: queue file write error", "system_error", "soft");
	CHECK_VERDICT("452 4.4.5 Insufficient disk space; try again later", "system_full", "soft");
	CHECK_VERDICT("Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)", "not_accept", "hard");
	CHECK_VERDICT("550 Host does not accept mail", "not_accept", "hard");
}

TEST(classify_japanese_carriers)
{
	/* NTT docomo */
	CHECK_VERDICT("550 Unknown user x@docomo.ne.jp", "user_unknown", "hard");
	CHECK_VERDICT("552 Too much mail data x@docomo.ne.jp", "mailbox_full", "soft");
	CHECK_VERDICT("host mfsmax.docomo.ne.jp[203.0.112.222] said: 552 Too many recipients (in reply to RCPT TO command)",
				  "too_many_connections", "soft");
	CHECK_VERDICT("host mfsmax.docomo.ne.jp[203.138.180.112] said: 504 Command parameter not implemented",
				  "syntax_error", "soft");
	/* au (KDDI): a missing mailbox at RCPT, the reception filter after DATA */
	CHECK_VERDICT("host lsean.ezweb.ne.jp[27.85.176.228] said: 550 <x@ezweb.ne.jp>: User unknown (in reply to RCPT "
				  "TO command)", "user_unknown", "hard");
	CHECK_VERDICT("host lsean.ezweb.ne.jp[27.85.176.228] said: 550 : User unknown (in reply to end of DATA command)",
				  "filtered", "soft");
	CHECK_VERDICT("The user(s) account is disabled. <x@ezweb.ne.jp>: 550 user unknown", "suspended", "soft");
	CHECK_VERDICT("As their mailbox is full.", "mailbox_full", "soft");
	CHECK_VERDICT("Your message was not delivered within 0 days and 1 hours. Remote host is not responding.",
				  "expired", "soft");
	/* Japanese wording */
	CHECK_VERDICT("<x@example.ne.jp> のユーザーは登録されていません", "user_unknown", "hard");
	CHECK_VERDICT("ユーザー x (x@example.co.jp) は Domino ディレクトリには見つかりません", "user_unknown", "hard");
	CHECK_VERDICT("Please use the smtp server of your ISP.", "blocked", "soft");
}

TEST(classify_mta_classics)
{
	CHECK_VERDICT("Sorry, no mailbox here by that name. (#5.1.1)", "user_unknown", "hard");
	CHECK_VERDICT("550 5.1.1 <x@example.jp>... User Unknown", "user_unknown", "hard");
	CHECK_VERDICT("SMTP error from remote mail server after RCPT TO:<x@example.jp>: host mx.example.jp [192.0.2.1]: "
				  "550 5.1.1 unknown or illegal alias: x@example.jp", "user_unknown", "hard");
	CHECK_VERDICT("550 5.1.6 recipient no longer on server: x@example.go.jp", "has_moved", "hard");
	CHECK_VERDICT("551 User not local; please try <y@example.com>", "has_moved", "hard");
	CHECK_VERDICT("Envelope expired", "expired", "soft");
	CHECK_VERDICT("pipe to |/usr/local/bin/x x@example.com", "mailer_error", "soft");
	CHECK_VERDICT("554 5.3.0 unknown mailer error 255", "mailer_error", "soft");
	CHECK_VERDICT("550 5.6.9 improper use of 8-bit data in message header", "content_error", "soft");
	CHECK_VERDICT("554 5.7.0 Reject, id=22222-22 - SPAM. See http://example.com/block", "spam_detected", "soft");
	CHECK_VERDICT("550 Virus Detected; Content Rejected", "virus_detected", "soft");
	CHECK_VERDICT("501 5.1.8 Sender address rejected", "sender_rejected", "soft");
	CHECK_VERDICT("553 5.1.8 <x@example.jp>... Domain of sender address x@example.jp does not exist",
				  "sender_rejected", "soft");
}

TEST(classify_sendgrid_mailgun_ses)
{
	CHECK_VERDICT("Bounced Address", "suppressed", "soft");
	CHECK_VERDICT("Unsubscribed Address", "suppressed", "soft");
	CHECK_VERDICT("Spam Reporting Address", "suppressed", "soft");
	CHECK_VERDICT("Invalid", "user_unknown", "hard");
	CHECK_VERDICT("500 unknown recipient", "user_unknown", "hard");
	CHECK_VERDICT("Not delivering to previously bounced address", "suppressed", "soft");
	CHECK_VERDICT("suppress-bounce", "suppressed", "soft");
	CHECK_VERDICT("blocked : due to blacklist user", "suppressed", "soft");
	CHECK_VERDICT("Amazon SES has suppressed sending to this address because it is on the account-level suppression "
				  "list.", "suppressed", "soft");
	CHECK_VERDICT("454 4.4.4 [internal] no MX or A for domain", "host_unknown", "soft");	/* 4xx: soft */
	CHECK_VERDICT("unable to resolve MX record for example.com: servfail", "network_error", "soft");
	CHECK_VERDICT("greylisted", "greylisted", "soft");
	/* "invalid" inside a longer text is not SendGrid's drop reason */
	CHECK_VERDICT("Invalid SMTPAPI header", "undefined", "soft");
}

TEST(classify_not_bounces)
{
	CHECK_VERDICT("250 2.0.0 OK 1700000000 x1si123 - gsmtp", "delivered", "not_bounce");
	CHECK_VERDICT("250 2.6.0 Message received", "delivered", "not_bounce");
	CHECK_VERDICT("2.0.0", "delivered", "not_bounce");
	CHECK_VERDICT("250 OK", "delivered", "not_bounce");
	CHECK_VERDICT("I am out of the office until Monday. I will have limited access to email.", "vacation", "not_bounce");
	CHECK_VERDICT("Automatic reply: Re: your order", "vacation", "not_bounce");
	CHECK_VERDICT("This is an email abuse report for an email message received from IP 192.0.2.1 on Thu, 29 Apr 2010",
				  "feedback", "not_bounce");
	CHECK_VERDICT("This is an authentication failure report for an email message received from IP 192.0.2.1. "
				  "The message below did not meet the sending domain's dmarc policy.", "feedback", "not_bounce");
	/* a 2.X.X status means delivered, whatever the text */
	CHECK_INT(classify3("user unknown", 0, ST(2, 1, 5)).reason, BM_R_DELIVERED);
}

/* ---------------------------------------------------------------------------------------------------------
 * Evidence rules
 * --------------------------------------------------------------------------------------------------------- */

TEST(classify_caller_codes_win)
{
	bm_verdict	v;

	/* the caller's status wins over the text's and goes into the verdict */
	v = classify3("550 5.7.1 <x>: Recipient address rejected", 0, ST(5, 1, 1));
	CHECK_INT(v.status, ST(5, 1, 1));
	CHECK_INT(v.reply_code, 550);	/* the code still comes from the text */
	CHECK_INT(v.reason, BM_R_USER_UNKNOWN);
	CHECK_INT(v.evidence, BM_EV_STATUS);
	/* the caller's code wins over the text's */
	v = classify3("550 5.2.2 mailbox full", 452, BM_STATUS_NONE);
	CHECK_INT(v.reply_code, 452);
	CHECK_INT(v.status, ST(5, 2, 2));
	/* codes alone, no text */
	v = classify3(NULL, 550, BM_STATUS_NONE);
	CHECK_INT(v.reason, BM_R_USER_UNKNOWN);
	CHECK_INT(v.evidence, BM_EV_REPLY_CODE);
	CHECK_INT(v.bounce_class, BM_HARD);
	v = classify3("", 0, ST(5, 2, 2));
	CHECK_INT(v.reason, BM_R_MAILBOX_FULL);
	CHECK_INT(v.evidence, BM_EV_STATUS);
	v = classify3(NULL, 0, ST(4, 4, 7));
	CHECK_INT(v.reason, BM_R_EXPIRED);
	/* invalid caller values are ignored */
	v = classify3("550 5.1.1 user unknown", 999, (bm_status) 0xffffffffu);
	CHECK_INT(v.reply_code, 550);
	CHECK_INT(v.status, ST(5, 1, 1));
	v = classify3("", -5, ST(7, 1, 1));
	CHECK_INT(v.reply_code, 0);
	CHECK_INT(v.status, BM_STATUS_NONE);
	CHECK_INT(v.reason, BM_R_UNDEFINED);
}

TEST(classify_specific_status_beats_ordinary_phrase)
{
	/* 5.2.0 (the mailbox exists) over "user unknown"; 5.2.2 over nothing */
	CHECK_INT(classify("550 5.2.0 <x@y>... User unknown").reason, BM_R_FILTERED);
	CHECK_INT(classify3("550 Unknown user x@example.ne.jp", 0, ST(5, 2, 0)).reason, BM_R_FILTERED);
	/* a strong phrase beats even a specific status */
	CHECK_INT(classify("552 sorry, mailbox x@example.org is over quota temporarily (#5.1.1)").reason,
			  BM_R_MAILBOX_FULL);
	CHECK_INT(classify("550 5.1.1 <x@example.com> - 192.0.2.1 has sent to too many recipients this hour. IB607").reason,
			  BM_R_RATE_LIMITED);
	CHECK_INT(classify("550 5.1.1 RCP-P2 http://postmaster.facebook.com/response_codes Refused due to recipient "
					   "preferences").reason, BM_R_FILTERED);
	/* a generic status yields to any phrase */
	CHECK_INT(classify("550 5.0.0 <x>... User unknown").reason, BM_R_USER_UNKNOWN);
	CHECK_INT(classify("554 5.7.1 Service unavailable; blocked using cbl.abuseat.org").reason, BM_R_BLOCKED);
	/* a moderate status yields to a normal phrase, not to a weak one */
	CHECK_INT(classify("550 5.2.1 <x@example.jp>... User Unknown").reason, BM_R_USER_UNKNOWN);
	CHECK_INT(classify("450 4.4.7 Deferred: Connection refused by mx.example.jp.").reason, BM_R_EXPIRED);
}

TEST(classify_bare_reply_code_table)
{
	static const struct
	{
		int			code;
		bm_reason	reason;
		bm_bounce_class cls;
	}			seed[] = {
		{450, BM_R_ON_HOLD, BM_SOFT},
		{451, BM_R_SYSTEM_ERROR, BM_SOFT},
		{452, BM_R_SYSTEM_FULL, BM_SOFT},
		{500, BM_R_SYNTAX_ERROR, BM_SOFT},
		{501, BM_R_SYNTAX_ERROR, BM_SOFT},
		{502, BM_R_SYNTAX_ERROR, BM_SOFT},
		{503, BM_R_SYNTAX_ERROR, BM_SOFT},
		{504, BM_R_SYNTAX_ERROR, BM_SOFT},
		{550, BM_R_USER_UNKNOWN, BM_HARD},
		{551, BM_R_HAS_MOVED, BM_HARD},
		{552, BM_R_MAILBOX_FULL, BM_SOFT},
		{553, BM_R_USER_UNKNOWN, BM_HARD},
		{554, BM_R_SYSTEM_ERROR, BM_SOFT},
		{250, BM_R_DELIVERED, BM_NOT_BOUNCE},
		{421, BM_R_ON_HOLD, BM_SOFT},
		{542, BM_R_ON_HOLD, BM_SOFT},
		{354, BM_R_UNDEFINED, BM_SOFT},
	};

	for (size_t i = 0; i < sizeof(seed) / sizeof(seed[0]); i++)
	{
		bm_verdict	v = classify3(NULL, seed[i].code, BM_STATUS_NONE);
		char		text[8];

		if (v.reason != seed[i].reason || v.bounce_class != seed[i].cls)
			unit_fail(__FILE__, __LINE__, "code %d: %s/%s", seed[i].code, bm_reason_name(v.reason),
					  bm_class_name(v.bounce_class));
		/* the same code found in the text */
		snprintf(text, sizeof(text), "%d", seed[i].code);
		v = classify(text);
		CHECK_INT(v.reason, seed[i].reason);
		CHECK_INT(v.reply_code, seed[i].code);
	}
}

TEST(classify_no_evidence_is_undefined)
{
	bm_verdict	v;

	v = classify("");
	CHECK_INT(v.reason, BM_R_UNDEFINED);
	CHECK_INT(v.evidence, BM_EV_NONE);
	CHECK_INT(v.pattern_id, -1);
	CHECK_INT(v.reply_code, 0);
	CHECK_INT(v.status, BM_STATUS_NONE);
	CHECK_INT(v.bounce_class, BM_SOFT);
	v = classify3(NULL, 0, BM_STATUS_NONE);
	CHECK_INT(v.reason, BM_R_UNDEFINED);
	CHECK_INT(classify("I'm only sleeping.").reason, BM_R_UNDEFINED);
	CHECK_INT(classify("   \t\r\n ").reason, BM_R_UNDEFINED);
}

TEST(classify_smtp_stage_markers)
{
	bm_verdict	v;

	/* refusal at connection/HELO: blocked */
	v = classify("host mx.example.com [192.0.2.1] SMTP error from remote mail server after initial connection: 550 "
				 "Access denied");
	CHECK_INT(v.reason, BM_R_BLOCKED);
	CHECK_INT(v.evidence, BM_EV_TEXT);
	CHECK(v.pattern_id >= 0 && bm_pattern_reason(v.pattern_id) == BM_R_BLOCKED);
	CHECK_INT(classify("SMTP error from remote mail server after EHLO x.example.com: 550 Rejected").reason, BM_R_BLOCKED);
	CHECK_INT(classify("Connected to 192.0.2.1 but my name was rejected. Remote host said: 501 5.0.0 Invalid domain "
					   "name").reason, BM_R_BLOCKED);
	/* at MAIL FROM no recipient is known: "unknown" is the sender */
	CHECK_INT(classify("SMTP error from remote mail server after MAIL FROM:<x@example.com> SIZE=1022: 553 5.1.0 "
					   "example.com does not exist").reason, BM_R_SENDER_REJECTED);
	CHECK_INT(classify("host mail.example.ne.jp[192.0.2.2] said: 550 5.7.1 Access denied (in reply to MAIL FROM "
					   "command)").reason, BM_R_SENDER_REJECTED);
	/* ... but a clear phrase stays */
	CHECK_INT(classify("SMTP error from remote mail server after MAIL FROM:<x@example.com>: 550 Bad SPF records for "
					   "[example.com:192.0.2.2]").reason, BM_R_AUTH_FAILURE);
	/* "user unknown" answered to the end of DATA: a content filter */
	CHECK_INT(classify("host mail.example.net[192.0.2.78] said: 550 Unknown user x@example.net (in reply to end of "
					   "DATA command)").reason, BM_R_FILTERED);
	/* ... and answered to RCPT TO it is the mailbox */
	CHECK_INT(classify("host mail.example.net[192.0.2.78] said: 550 Unknown user x@example.net (in reply to RCPT TO "
					   "command)").reason, BM_R_USER_UNKNOWN);
	/* a specific status is not overruled by the stage */
	CHECK_INT(classify("host x said: 550 5.1.1 <x@y>... User Unknown (in reply to end of DATA command)").reason,
			  BM_R_USER_UNKNOWN);
}

/* ---------------------------------------------------------------------------------------------------------
 * Class rules
 * --------------------------------------------------------------------------------------------------------- */

TEST(classify_class_rules)
{
	/* not_accept: hard with 5xx or no code, soft with 4xx */
	CHECK_INT(bm_reason_class(BM_R_NOT_ACCEPT, 550, BM_STATUS_NONE), BM_HARD);
	CHECK_INT(bm_reason_class(BM_R_NOT_ACCEPT, 0, BM_STATUS_NONE), BM_HARD);
	CHECK_INT(bm_reason_class(BM_R_NOT_ACCEPT, 421, BM_STATUS_NONE), BM_SOFT);
	CHECK_INT(bm_reason_class(BM_R_NOT_ACCEPT, 0, ST(4, 0, 0)), BM_SOFT);
	/* every address reason: a transient reply never makes it hard; the status class decides before the code */
	CHECK_INT(bm_reason_class(BM_R_USER_UNKNOWN, 450, ST(4, 1, 1)), BM_SOFT);
	/* a mixed pair is transient too: either side saying 4 keeps the address (issue 15) */
	CHECK_INT(bm_reason_class(BM_R_USER_UNKNOWN, 450, ST(5, 1, 1)), BM_SOFT);
	CHECK_INT(bm_reason_class(BM_R_USER_UNKNOWN, 550, ST(4, 1, 1)), BM_SOFT);
	CHECK_INT(bm_reason_class(BM_R_USER_UNKNOWN, 421, BM_STATUS_NONE), BM_SOFT);
	CHECK_INT(bm_reason_class(BM_R_USER_UNKNOWN, 550, ST(5, 1, 1)), BM_HARD);
	CHECK_INT(classify("421 5.1.1 user unknown").bounce_class, BM_SOFT);
	CHECK_INT(bm_reason_class(BM_R_HOST_UNKNOWN, 0, ST(4, 4, 4)), BM_SOFT);
	CHECK_INT(classify("450 4.1.1 <x@example.org>: Recipient address rejected: User unknown in virtual alias "
					   "table").bounce_class, BM_SOFT);
	/* soft reasons never become hard, not-a-bounce stays so */
	CHECK_INT(bm_reason_class(BM_R_MAILBOX_FULL, 552, ST(5, 2, 2)), BM_SOFT);
	CHECK_INT(bm_reason_class(BM_R_DELIVERED, 550, ST(5, 1, 1)), BM_NOT_BOUNCE);
	CHECK_INT(bm_reason_class(BM_R_VACATION, 0, BM_STATUS_NONE), BM_NOT_BOUNCE);
	CHECK_INT(bm_reason_class(BM_R_FEEDBACK, 0, BM_STATUS_NONE), BM_NOT_BOUNCE);
	CHECK_INT(bm_reason_class(BM_REASON_COUNT, 0, BM_STATUS_NONE), BM_SOFT);
	/* everything the sender must fix is soft, with any code */
	for (int r = 0; r < BM_REASON_COUNT; r++)
		if (bm_reason_fault((bm_reason) r) == BM_FAULT_SENDER &&
			bm_reason_class((bm_reason) r, 550, ST(5, 1, 1)) != BM_SOFT)
			unit_fail(__FILE__, __LINE__, "sender-side reason %s is hard", bm_reason_name((bm_reason) r));
	/* hard are exactly the address reasons */
	for (int r = 0; r < BM_REASON_COUNT; r++)
		if ((bm_reason_class((bm_reason) r, 0, BM_STATUS_NONE) == BM_HARD) !=
			(bm_reason_fault((bm_reason) r) == BM_FAULT_ADDRESS))
			unit_fail(__FILE__, __LINE__, "reason %s: class and fault disagree", bm_reason_name((bm_reason) r));
}

/* ---------------------------------------------------------------------------------------------------------
 * Names and the pattern table
 * --------------------------------------------------------------------------------------------------------- */

TEST(classify_reason_names)
{
	CHECK_STR(bm_reason_name(BM_R_USER_UNKNOWN), "user_unknown");
	CHECK_STR(bm_reason_name(BM_R_TOO_MANY_CONN), "too_many_connections");
	CHECK_STR(bm_reason_name(BM_R_UNDEFINED), "undefined");
	CHECK_STR(bm_reason_sisimai_name(BM_R_SUSPENDED), "suspend");
	CHECK_STR(bm_reason_sisimai_name(BM_R_MESSAGE_TOO_BIG), "mesgtoobig");
	CHECK_STR(bm_reason_name(BM_REASON_COUNT), "undefined");
	CHECK_STR(bm_reason_name((bm_reason) -1), "undefined");
	CHECK_STR(bm_class_name(BM_HARD), "hard");
	CHECK_STR(bm_class_name(BM_NOT_BOUNCE), "not_bounce");
	CHECK_STR(bm_class_name((bm_bounce_class) 9), "soft");
	CHECK_STR(bm_fault_name(BM_FAULT_ADDRESS), "address");
	CHECK_STR(bm_fault_name(BM_FAULT_UNKNOWN), "unknown");
	CHECK_STR(bm_fault_name((bm_fault) 42), "unknown");
	for (int r = 0; r < BM_REASON_COUNT; r++)
	{
		const char *n = bm_reason_name((bm_reason) r);

		CHECK_INT(bm_reason_from_name(n, strlen(n)), r);
		CHECK(bm_reason_sisimai_name((bm_reason) r)[0] != '\0');
	}
	CHECK_INT(bm_reason_from_name("user_unknow", 11), BM_REASON_COUNT);
	CHECK_INT(bm_reason_from_name("user_unknownx", 13), BM_REASON_COUNT);
	CHECK_INT(bm_reason_from_name("user_unknownx", 12), BM_R_USER_UNKNOWN);
	CHECK_INT(bm_reason_from_name(NULL, 0), BM_REASON_COUNT);
	CHECK_INT(bm_reason_from_name("", 0), BM_REASON_COUNT);
}

TEST(classify_pattern_table_is_clean)
{
	int			n = bm_pattern_count();

	CHECK(n > 300);
	CHECK(bm_pattern_text(-1) == NULL);
	CHECK(bm_pattern_text(n) == NULL);
	CHECK_INT(bm_pattern_reason(n), BM_REASON_COUNT);
	for (int i = 0; i < n; i++)
	{
		const char *t = bm_pattern_text(i);
		size_t		len = strlen(t);

		if (len == 0 || (unsigned) bm_pattern_reason(i) >= BM_REASON_COUNT)
			unit_fail(__FILE__, __LINE__, "pattern %d is empty or has no reason", i);
		for (size_t k = 0; k < len; k++)
			if ((t[k] >= 'A' && t[k] <= 'Z') || t[k] == '\t' || t[k] == '\n' ||
				(t[k] == ' ' && t[k + 1] == ' '))
				unit_fail(__FILE__, __LINE__, "pattern \"%s\" is not lower case with single spaces", t);
		for (int j = 0; j < i; j++)
			if (strcmp(bm_pattern_text(j), t) == 0)
				unit_fail(__FILE__, __LINE__, "pattern \"%s\" appears twice", t);
		/* each phrase finds itself; a stage marker shows on a "user unknown" (anchors aside) */
		if (t[0] != '^' && t[len - 1] != '$')
		{
			char		text[256];
			bm_verdict	v;

			snprintf(text, sizeof(text), "zz %s zz", t);
			v = classify(text);
			if (v.pattern_id < 0)
			{
				snprintf(text, sizeof(text), "zz %s 550 unknown user", t);
				v = classify(text);
			}
			if (v.pattern_id < 0 || bm_pattern_reason(v.pattern_id) != bm_pattern_reason(i))
				unit_fail(__FILE__, __LINE__, "pattern \"%s\" does not find itself (%s)", t,
						  v.pattern_id < 0 ? "nothing" : bm_pattern_text(v.pattern_id));
		}
	}
}

/* ---------------------------------------------------------------------------------------------------------
 * Hostile input
 * --------------------------------------------------------------------------------------------------------- */

TEST(classify_hostile_input)
{
	const char	nul[] = "550 5.1.1 \0user\0 unknown\0";
	const char	bad_utf8[] = "\xff\xfe\xc3\x28 550 \xe3\x81 mailbox full\xf0\x9f \xc0\xaf";
	bm_verdict	v;

	bm_classify(nul, sizeof(nul) - 1, 0, BM_STATUS_NONE, &v);
	CHECK_INT(v.reason, BM_R_USER_UNKNOWN);	/* NUL counts as white space */
	bm_classify(bad_utf8, sizeof(bad_utf8) - 1, 0, BM_STATUS_NONE, &v);
	CHECK_INT(v.reason, BM_R_MAILBOX_FULL);
	CHECK_INT(v.reply_code, 550);
	CHECK_INT(classify("0123456789").reason, BM_R_UNDEFINED);
	CHECK_INT(classify("5.1").reason, BM_R_UNDEFINED);
	CHECK_INT(classify("10.5.1.1").reason, BM_R_UNDEFINED);
	CHECK_INT(classify("10.5.1.1").status, BM_STATUS_NONE);
	CHECK_INT(classify("Thu, 29 Apr 2010 23:45:10 +0900").reason, BM_R_UNDEFINED);
	CHECK_INT(classify("2010-04-29 23:45:10").reply_code, 0);
	CHECK_INT(classify("retry for 47 more hours").reply_code, 0);
	/* the length is the limit, not a NUL */
	bm_classify("user unknown", 4, 0, BM_STATUS_NONE, &v);
	CHECK_INT(v.reason, BM_R_UNDEFINED);
}

TEST(classify_one_megabyte)
{
	size_t		len = 1024 * 1024;
	char	   *big = malloc(len);
	bm_verdict	v;

	/* filler that keeps the automaton busy (near misses of many phrases), the evidence at the very end */
	for (size_t i = 0; i < len; i++)
		big[i] = "user unknow mailbox ful over quot blocked usin 192.0.2.1 "[i % 57];
	memcpy(big + len - 16, " mailbox is full", 16);
	bm_classify(big, len, 0, BM_STATUS_NONE, &v);
	CHECK_INT(v.reason, BM_R_MAILBOX_FULL);
	/* one long white space run between the words of a phrase counts as one space */
	memset(big, ' ', len);
	memcpy(big, "user", 4);
	memcpy(big + len - 7, "unknown", 7);
	bm_classify(big, len, 0, BM_STATUS_NONE, &v);
	CHECK_INT(v.reason, BM_R_USER_UNKNOWN);
	free(big);
}

/* ---------------------------------------------------------------------------------------------------------
 * The phrase matcher on its own
 * --------------------------------------------------------------------------------------------------------- */

#define PM_CAP 256
static uint16_t pm_dense[PM_CAP * 16];
static bm_pm_node pm_node[PM_CAP];
static bm_pm_edge pm_edge[2 * PM_CAP];
static int16_t pm_best[PM_CAP];
static uint32_t pm_mask[PM_CAP];
static uint16_t pm_tfail[PM_CAP];
static uint32_t pm_tfirst[PM_CAP];
static uint8_t pm_tnedges[PM_CAP];
static uint8_t pm_tflag[PM_CAP];
static int32_t pm_ta[PM_CAP];
static int32_t pm_tb[PM_CAP];
static uint8_t pm_teclass[2 * PM_CAP];
static uint16_t pm_teto[2 * PM_CAP];
static int32_t pm_tlink[2 * PM_CAP];
static uint8_t pm_tlclass[2 * PM_CAP];
static int32_t pm_tlto[2 * PM_CAP];

static bm_pm_storage
pm_storage(size_t dense_cap, int state_cap)
{
	bm_pm_storage st = {pm_dense, dense_cap, pm_node, pm_edge, pm_best, pm_mask, state_cap,
		pm_tfail, pm_tfirst, pm_tnedges, pm_tflag, pm_ta, pm_tb,
	pm_teclass, pm_teto, pm_tlink, pm_tlclass, pm_tlto};

	return st;
}

static bool
pm_build_small(bm_pm *pm, const char *const *texts, const uint8_t *rank, const uint32_t *mask, int n, size_t dense_cap)
{
	bm_pm_storage st = pm_storage(dense_cap, PM_CAP);

	return bm_pm_build(pm, &st, texts, rank, mask, n);
}

TEST(phrase_matcher_basics)
{
	static const char *const texts[] = {"user unknown", "unknown", "^invalid$", "full", " - spam", "a b c", "日本"};
	static const uint8_t rank[] = {2, 1, 2, 3, 2, 2, 2};
	static const uint32_t mask[] = {0, 0, 0, 0, 0, 0, 1};
	size_t		caps[] = {256, 256 * 4, PM_CAP * 16};	/* one dense row, a few, all dense */

	for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++)
	{
		bm_pm		pm;
		bm_pm_result r;

		CHECK(pm_build_small(&pm, texts, rank, mask, 7, caps[k]));
		/* case and white space folding, the longer phrase wins by rank, the earliest end on a tie */
		bm_pm_scan(&pm, "xx USER \t\r\n Unknown yy", 23, &r);
		CHECK_INT(r.best, 0);
		CHECK_INT(r.best_end, 19);
		bm_pm_scan(&pm, "unknown, then full", 18, &r);
		CHECK_INT(r.best, 3);
		bm_pm_scan(&pm, "a  b\0c", 6, &r);	/* NUL is white space */
		CHECK_INT(r.best, 5);
		bm_pm_scan(&pm, "ab c", 4, &r);
		CHECK_INT(r.best, -1);
		/* anchors */
		bm_pm_scan(&pm, "  Invalid \n", 11, &r);
		CHECK_INT(r.best, 2);
		bm_pm_scan(&pm, "Invalid address", 15, &r);
		CHECK_INT(r.best, -1);
		bm_pm_scan(&pm, "an invalid", 10, &r);
		CHECK_INT(r.best, -1);
		/* a leading space needs a space (or nothing matches at the very start) */
		bm_pm_scan(&pm, "id=1 - SPAM", 11, &r);
		CHECK_INT(r.best, 4);
		bm_pm_scan(&pm, "- spam", 6, &r);
		CHECK_INT(r.best, -1);
		/* UTF-8 bytes pass through; masks are ORed */
		bm_pm_scan(&pm, "\xe6\x97\xa5\xe6\x9c\xac", 6, &r);
		CHECK_INT(r.best, 6);
		CHECK_INT(r.mask, 1);
		/* nothing, and NULL with length 0 */
		bm_pm_scan(&pm, NULL, 0, &r);
		CHECK_INT(r.best, -1);
		CHECK_INT(r.mask, 0);
		/* only len bytes are read */
		bm_pm_scan(&pm, "full", 3, &r);
		CHECK_INT(r.best, -1);
	}
}

TEST(phrase_matcher_refuses_bad_tables)
{
	static const char *const empty[] = {""};
	static const char *const anchors[] = {"^$"};
	static const char *const many[] = {"abcdefghij", "bcdefghijk", "cdefghijkl"};
	static const uint8_t rank[] = {1, 1, 1};
	static const uint32_t mask[] = {0, 0, 0};
	bm_pm		pm;
	bm_pm_storage tiny = pm_storage(256, 8);
	bm_pm_result r;

	CHECK(!pm_build_small(&pm, empty, rank, mask, 1, 256));
	CHECK(!pm_build_small(&pm, anchors, rank, mask, 1, 256));
	CHECK(!bm_pm_build(&pm, &tiny, many, rank, mask, 3));	/* more states than storage */
	CHECK_INT(pm.nstates, 0);
	bm_pm_scan(&pm, "abcdefghij", 10, &r);	/* an unusable table finds nothing */
	CHECK_INT(r.best, -1);
	CHECK(pm_build_small(&pm, many, rank, mask, 0, 256));	/* no phrases at all */
	bm_pm_scan(&pm, "abcdefghij", 10, &r);
	CHECK_INT(r.best, -1);
}
