/*
 * test_mail_limits.c — the bounce-email parser on bad and huge input: not an email, binary junk, a 100 MB
 * message, 10,000 MIME parts, nesting 1,000 deep, 50 MB of attachments in bounded memory (the arena's
 * peak counter), broken base64, unknown charsets, parser reuse.
 */
#include <stdlib.h>

#include "unit.h"
#include "mail_harness.h"

/* A DSN bounce with `pad` bytes of base64 attachment after the report (the attachment is not decoded). */
static char *
bounce_with_attachment(size_t pad, size_t *len)
{
	const char *head =
		"From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\n"
		"Content-Type: multipart/mixed; boundary=\"B\"\n\n"
		"--B\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"
		"--R\nContent-Type: text/plain\n\n<user@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 "
		"user unknown (in reply to RCPT TO command)\n"
		"--R\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; user@example.com\n"
		"Action: failed\nStatus: 5.1.1\n--R--\n"
		"--B\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
		"Content-Disposition: attachment; filename=big.bin\n\n";
	const char *tail = "\n--B--\n";
	size_t		hl = strlen(head),
				tl = strlen(tail);
	char	   *m = malloc(hl + pad + tl + 1);

	if (m == NULL)
		return NULL;
	memcpy(m, head, hl);
	for (size_t i = 0; i < pad; i++)
		m[hl + i] = (i % 77 == 76) ? '\n' : "QUJDRA"[i % 6];
	memcpy(m + hl + pad, tail, tl + 1);
	*len = hl + pad + tl;
	return m;
}

TEST(mail_limits_not_an_email_and_junk)
{
	mh_result  *r = mh_parse("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NULL);

	CHECK_INT(r->status, BM_MAIL_NOT_EMAIL);
	CHECK_INT(r->err.offset, 0);
	CHECK(strstr(r->err.message, "not an email") != NULL);
	CHECK_INT(r->n, 0);
	r = mh_parse("", 0, NULL);
	CHECK_INT(r->status, BM_MAIL_NOT_EMAIL);
	/* header-looking junk is a best-effort parse: no record, no error */
	r = mh_parse_str("X: \x01\x02\xff\xfe\n\n\xff\xfe\xfd--\n--\n");
	CHECK_INT(r->status, BM_MAIL_OK);
	CHECK_INT(r->n, 0);
}

TEST(mail_limits_100_mb_message)
{
	size_t		len;
	char	   *m = bounce_with_attachment((size_t) 100 * 1024 * 1024, &len);
	bm_mail_opts opts;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	/* the default limit (64 MB) refuses it with 54000-class status, naming the limit */
	mh_result  *r = mh_parse(m, len, NULL);

	CHECK_INT(r->status, BM_MAIL_LIMIT);
	CHECK_STR(r->err.what, "message size");
	CHECK_INT(r->err.offset, BM_MAIL_MAX_MESSAGE_BYTES);
	/* a caller that allows it gets the bounce, in bounded memory */
	memset(&opts, 0, sizeof(opts));
	opts.max_message_bytes = (size_t) 128 * 1024 * 1024;
	r = mh_parse(m, len, &opts);
	CHECK_INT(r->status, BM_MAIL_OK);
	CHECK_INT(r->n, 1);
	CHECK_STR(r->r[0].recipient, "user@example.com");
	CHECK_INT(r->r[0].command, BM_SMTP_RCPT);
	CHECK(r->peak < 1024 * 1024);
	free(m);
}

TEST(mail_limits_50_mb_attachment_bounded_memory)
{
	size_t		len;
	char	   *m = bounce_with_attachment((size_t) 50 * 1024 * 1024, &len);
	mh_result  *r;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	r = mh_parse(m, len, NULL);
	CHECK_INT(r->status, BM_MAIL_OK);
	CHECK_INT(r->n, 1);
	CHECK_INT(r->r[0].cls, BM_HARD);
	/* the attachment is skipped, not decoded: the parser's memory stays that of a small bounce */
	CHECK(r->peak < 512 * 1024);
	free(m);
}

TEST(mail_limits_10000_parts)
{
	size_t		cap = 10000 * 40 + 200,
				o = 0;
	char	   *m = malloc(cap);
	mh_result  *r;
	bm_mail_opts opts;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	o += (size_t) snprintf(m + o, cap - o, "From: MAILER-DAEMON@x.example\nContent-Type: multipart/mixed; boundary=P\n\n");
	for (int i = 0; i < 10000; i++)
		o += (size_t) snprintf(m + o, cap - o, "--P\nContent-Type: text/plain\n\npart\n");
	o += (size_t) snprintf(m + o, cap - o, "--P--\n");
	r = mh_parse(m, o, NULL);
	CHECK_INT(r->status, BM_MAIL_LIMIT);
	CHECK_STR(r->err.what, "MIME parts");
	CHECK(r->err.offset > 0 && r->err.offset < o && strncmp(m + r->err.offset, "--P\n", 4) == 0);
	CHECK_INT(r->n, 0);
	/* a lower limit from the caller */
	memset(&opts, 0, sizeof(opts));
	opts.max_parts = 10;
	r = mh_parse(m, o, &opts);
	CHECK_INT(r->status, BM_MAIL_LIMIT);
	CHECK(strstr(r->err.message, "more than 10 MIME parts") != NULL);
	free(m);
}

TEST(mail_limits_nesting_1000_deep)
{
	size_t		cap = 1000 * 80 + 200,
				o = 0;
	char	   *m = malloc(cap);
	mh_result  *r;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	o += (size_t) snprintf(m + o, cap - o, "From: MAILER-DAEMON@x.example\nContent-Type: multipart/mixed; boundary=b0\n\n");
	for (int i = 1; i <= 1000; i++)
		o += (size_t) snprintf(m + o, cap - o, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i - 1, i);
	r = mh_parse(m, o, NULL);
	CHECK_INT(r->status, BM_MAIL_LIMIT);
	CHECK_STR(r->err.what, "MIME nesting");
	CHECK(strstr(r->err.message, "deeper than 32") != NULL);
	CHECK(strncmp(m + r->err.offset, "--b31\n", 6) == 0);	/* opens the 33rd multipart */
	free(m);
}

TEST(mail_limits_broken_encodings)
{
	/* broken base64 and an unknown charset in the report text: best effort, valid UTF-8 out */
	mh_result  *r = mh_parse_str(
		"From: MAILER-DAEMON@x.example\nSubject: Mail delivery failed\nContent-Type: multipart/mixed; boundary=Q\n\n"
		"--Q\nContent-Type: text/plain; charset=x-klingon\nContent-Transfer-Encoding: base64\n\n"
		"PHVzZXJAZXhhbXBsZS5jb20+OiA1NTAgNS4xLjEg*!!dXNlciB1bmtub3du\n/w==\n--Q--\n");

	CHECK_INT(r->status, BM_MAIL_OK);
	CHECK_INT(r->n, 1);
	CHECK_STR(r->r[0].recipient, "user@example.com");
	CHECK(strstr(r->r[0].diagnostic, "550 5.1.1 user unknown") != NULL);
	CHECK(strstr(r->r[0].diagnostic, "\xef\xbf\xbd") != NULL);	/* the stray 0xff byte */
	/* an unknown fallback charset for the bytea overload is the caller's error (22023) */
	bm_mail_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.fallback_charset = "x-klingon";
	r = mh_parse("Subject: x\n\n", 12, &opts);
	CHECK_INT(r->status, BM_MAIL_BAD_ARGUMENT);
	CHECK_STR(r->err.what, "charset");
	/* a known one decodes undeclared 8-bit text */
	opts.fallback_charset = "windows-1252";
	r = mh_parse_str("From: MAILER-DAEMON@x.example\nSubject: Mail delivery failed\n\n<user@example.com>: caf\xe9 full\n");
	CHECK_INT(r->n, 1);
	CHECK(strstr(r->r[0].diagnostic, "caf\xef\xbf\xbd") != NULL);
	r = mh_parse("From: MAILER-DAEMON@x.example\nSubject: Mail delivery failed\n\n<user@example.com>: caf\xe9 full\n",
				 88, &opts);
	CHECK_INT(r->n, 1);
	CHECK(strstr(r->r[0].diagnostic, "caf\xc3\xa9") != NULL);
}

TEST(mail_limits_parser_reuse_keeps_memory_flat)
{
	size_t		len;
	char	   *m = mh_corpus("lhost-postfix-01.eml", &len);
	bm_mail_parser *p = bm_mail_parser_create();
	size_t		held_after_first = 0;

	CHECK(m != NULL && p != NULL);
	if (m == NULL || p == NULL)
	{
		free(m);
		bm_mail_parser_destroy(p);
		return;
	}
	for (int i = 0; i < 1000; i++)
	{
		CHECK_INT(bm_mail_parse(p, m, len, NULL, NULL, NULL, NULL), BM_MAIL_OK);
		if (i == 0)
			held_after_first = bm_mail_parser_held_bytes(p);
	}
	CHECK(bm_mail_parser_held_bytes(p) <= held_after_first);
	bm_mail_parser_destroy(p);
	bm_mail_parser_destroy(NULL);
	free(m);
}
