/*
 * test_mail_classify.c — bm_classify_ex, the classifier with the SMTP command a bounce email names:
 * without context it gives bm_classify's verdicts (checked on every corpus diagnostic), with it the
 * stage rules apply and real unknown users stay hard.
 */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"
#include "classify.h"

static bm_verdict
ctx_verdict(const char *text, bm_smtp_command cmd)
{
	bm_classify_ctx ctx = {cmd};
	bm_verdict	v;

	bm_classify_ex(text, strlen(text), 0, BM_STATUS_NONE, &ctx, &v);
	return v;
}

TEST(mail_classify_ex_without_context_is_classify)
{
	FILE	   *f = fopen("../fixtures/sisimai/expected.tsv", "r");
	char		line[65536];
	int			rows = 0;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f))
	{
		char	   *diag = line;
		bm_verdict	a,
					b;
		bm_classify_ctx none = {BM_SMTP_NONE};

		for (int k = 0; k < 6 && diag; k++)
		{
			diag = strchr(diag, '\t');
			diag = diag ? diag + 1 : NULL;
		}
		if (diag == NULL)
			continue;
		diag[strcspn(diag, "\r\n")] = '\0';
		bm_classify(diag, strlen(diag), 0, BM_STATUS_NONE, &a);
		bm_classify_ex(diag, strlen(diag), 0, BM_STATUS_NONE, NULL, &b);
		if (memcmp(&a, &b, sizeof(a)) != 0)
			unit_fail(__FILE__, __LINE__, "NULL context changes the verdict of \"%.80s\"", diag);
		bm_classify_ex(diag, strlen(diag), 0, BM_STATUS_NONE, &none, &b);
		if (memcmp(&a, &b, sizeof(a)) != 0)
			unit_fail(__FILE__, __LINE__, "empty context changes the verdict of \"%.80s\"", diag);
		rows++;
	}
	fclose(f);
	CHECK(rows > 600);
}

TEST(mail_classify_ex_stage_rules)
{
	bm_verdict	v;

	/* after DATA, a user unknown without a specific status is a content filter (the mailbox took RCPT) */
	v = ctx_verdict("550 Unknown user kijitora@docomo.ne.jp", BM_SMTP_DATA);
	CHECK_INT(v.reason, BM_R_FILTERED);
	CHECK_INT(v.bounce_class, BM_SOFT);
	v = ctx_verdict("550 Unknown user kijitora@docomo.ne.jp", BM_SMTP_BDAT);
	CHECK_INT(v.reason, BM_R_FILTERED);
	/* ... but a specific 5.1.1 or a provider's unambiguous sentence keeps it hard */
	v = ctx_verdict("550 5.1.1 <x@example.org>... User Unknown", BM_SMTP_DATA);
	CHECK_INT(v.reason, BM_R_USER_UNKNOWN);
	CHECK_INT(v.bounce_class, BM_HARD);
	v = ctx_verdict("554 delivery error: dd This user doesn't have a yahoo.com account", BM_SMTP_DATA);
	CHECK_INT(v.reason, BM_R_USER_UNKNOWN);
	CHECK_INT(v.bounce_class, BM_HARD);
	/* at RCPT or with no command: the text decides (hard) */
	v = ctx_verdict("550 Unknown user kijitora@docomo.ne.jp", BM_SMTP_RCPT);
	CHECK_INT(v.reason, BM_R_USER_UNKNOWN);
	CHECK_INT(v.bounce_class, BM_HARD);
	v = ctx_verdict("550 Unknown user kijitora@docomo.ne.jp", BM_SMTP_NONE);
	CHECK_INT(v.bounce_class, BM_HARD);
	/* the known command replaces the text's own stage markers */
	v = ctx_verdict("550 unknown user (in reply to end of DATA command)", BM_SMTP_RCPT);
	CHECK_INT(v.reason, BM_R_USER_UNKNOWN);
	/* at MAIL FROM no recipient is known: an "unknown" is about the sender */
	v = ctx_verdict("550 5.1.1 <bounce@example.com>... User unknown", BM_SMTP_MAIL);
	CHECK_INT(v.reason, BM_R_SENDER_REJECTED);
	CHECK_INT(v.bounce_class, BM_SOFT);
	/* at the greeting or HELO a refusal is about the sending host */
	v = ctx_verdict("554 no", BM_SMTP_CONNECT);
	CHECK_INT(v.reason, BM_R_BLOCKED);
	v = ctx_verdict("550 user unknown", BM_SMTP_EHLO);
	CHECK_INT(v.reason, BM_R_BLOCKED);
	/* a strong sender-side phrase is not overridden by the stage */
	v = ctx_verdict("550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org",
					BM_SMTP_MAIL);
	CHECK(v.reason != BM_R_SENDER_REJECTED);
	CHECK_INT(v.bounce_class, BM_SOFT);
	/* out-of-range commands are ignored */
	v = ctx_verdict("550 Unknown user x", (bm_smtp_command) 99);
	CHECK_INT(v.reason, BM_R_USER_UNKNOWN);
}

TEST(mail_classify_command_names)
{
	CHECK(bm_smtp_command_name(BM_SMTP_NONE) == NULL);
	CHECK_STR(bm_smtp_command_name(BM_SMTP_CONNECT), "CONNECT");
	CHECK_STR(bm_smtp_command_name(BM_SMTP_RCPT), "RCPT");
	CHECK_STR(bm_smtp_command_name(BM_SMTP_BDAT), "BDAT");
	CHECK(bm_smtp_command_name(BM_SMTP_COMMAND_COUNT) == NULL);
}

#include "mail/mail_stage.h"

static bm_smtp_command
stage(const char *low)
{
	return bm_stage_find(low, strlen(low));
}

TEST(mail_stage_phrases)
{
	CHECK_INT(stage("host x said: 550 5.1.1 user unknown (in reply to rcpt to command)"), BM_SMTP_RCPT);
	CHECK_INT(stage("smtp error from remote mail server after end of data: 554 spam"), BM_SMTP_DATA);
	CHECK_INT(stage("smtp error from remote mail server after mail from:<a@b> size=1543:"), BM_SMTP_MAIL);
	CHECK_INT(stage("sorry, no smtp connection got far enough; most progress was rcpt to response;"), BM_SMTP_RCPT);
	CHECK_INT(stage("mx [192.0.2.1] did not like our final data: 550 5.7.26"), BM_SMTP_DATA);
	CHECK_INT(stage("remote host said: 550 5.1.1 user unknown [rcpt_to]"), BM_SMTP_RCPT);
	CHECK_INT(stage("-------smtp command data -------original message"), BM_SMTP_DATA);
	/* the last command named wins: the conversation failed there */
	CHECK_INT(stage("did not like our rcpt to: ... (in reply to end of data command)"), BM_SMTP_DATA);
	CHECK_INT(stage("550 user unknown"), BM_SMTP_NONE);
	CHECK_INT(stage(""), BM_SMTP_NONE);
	CHECK_INT(bm_stage_command_word("RCPT To:<x@y>", 13), BM_SMTP_RCPT);
	CHECK_INT(bm_stage_command_word("data", 4), BM_SMTP_DATA);
	CHECK_INT(bm_stage_command_word(".", 1), BM_SMTP_DATA);
	CHECK_INT(bm_stage_command_word("MAIL From:<x@y>", 15), BM_SMTP_MAIL);
	CHECK_INT(bm_stage_command_word("EHLO mx.example.org", 19), BM_SMTP_EHLO);
	CHECK_INT(bm_stage_command_word("QUIT", 4), BM_SMTP_NONE);
	CHECK_INT(bm_stage_command_word("DATABASE", 8), BM_SMTP_NONE);
}
