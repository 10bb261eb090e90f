/* test_mail_mime.c — unit tests of the MIME layer of the bounce-email parser (src/core/mail/mail_*.c). */
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"
#include "mail/mail_arena.h"
#include "mail/mail_charset.h"
#include "mail/mail_decode.h"
#include "mail/mail_header.h"
#include "mail/mail_mime.h"
#include "mail_harness.h"

static bm_arena arena;

static const char *
cstr(bm_str s)
{
	static char buf[4][1024];
	static int	k;
	char	   *b = buf[k++ % 4];

	if (s.ptr == NULL)
		return "(null)";
	snprintf(b, 1024, "%.*s", (int) s.len, s.ptr);
	return b;
}

static bm_str
decode_header(const char *raw)
{
	bm_charset_cache cc;
	bm_str		r;

	bm_charset_cache_init(&cc);
	r = bm_hdr_decode(&arena, &cc, (bm_str) {raw, strlen(raw)}, NULL, 1024);
	bm_charset_cache_free(&cc);
	return r;
}

TEST(mail_header_folding_and_lookup)
{
	const char *m = "Subject: a long\r\n\tfolded   subject\r\nX-Empty:\r\nTo: <a@b.example>\r\n"
		"content-TYPE : text/plain\r\n\r\nbody";
	bm_hblock	h;

	bm_arena_init(&arena, 1 << 20);
	CHECK(bm_hdr_parse(&arena, m, strlen(m), 0, 64, 1 << 16, &h));
	CHECK_INT(h.n, 4);
	CHECK_STR(m + h.body, "body");
	CHECK_STR(cstr(bm_hdr_unfold(&arena, bm_hdr_get(&h, "subject"))), "a long folded subject");
	CHECK_STR(cstr(bm_hdr_unfold(&arena, bm_hdr_get(&h, "x-empty"))), "");
	/* obsolete "Name : value" is a field; lookups ignore case */
	CHECK_STR(cstr(bm_str_trim(bm_hdr_get(&h, "Content-Type"))), "text/plain");
	CHECK(bm_hdr_get(&h, "from").ptr == NULL);

	/* LF-only and a lone CR end lines too; a header block without body */
	m = "A: 1\nB: 2\n continued\rC: 3";
	CHECK(bm_hdr_parse(&arena, m, strlen(m), 0, 64, 1 << 16, &h));
	CHECK_INT(h.n, 3);
	CHECK_STR(cstr(bm_hdr_unfold(&arena, bm_hdr_get(&h, "b"))), "2 continued");
	CHECK_INT(h.body, strlen(m));

	/* a line that is no field ends the block; the field limit skips the rest but finds the end */
	m = "A: 1\nnot a field\nB: 2\n";
	CHECK(bm_hdr_parse(&arena, m, strlen(m), 0, 64, 1 << 16, &h));
	CHECK_INT(h.n, 1);
	CHECK_STR(m + h.body, "not a field\nB: 2\n");
	m = "A: 1\nB: 2\nC: 3\n\nbody";
	CHECK(bm_hdr_parse(&arena, m, strlen(m), 0, 2, 1 << 16, &h));
	CHECK_INT(h.n, 2);
	CHECK(h.truncated);
	CHECK_STR(m + h.body, "body");
	bm_arena_free(&arena);
}

TEST(mail_header_unindented_parameter_line)
{
	/* Verizon / Apache James write "multipart/alternative;\nboundary=..." without indentation */
	const char *m = "Content-Type: multipart/alternative;\nboundary=\"XX\"\n\n--XX\n";
	bm_hblock	h;
	bm_str		ct;

	bm_arena_init(&arena, 1 << 20);
	CHECK(bm_hdr_parse(&arena, m, strlen(m), 0, 64, 1 << 16, &h));
	CHECK_INT(h.n, 1);
	ct = bm_hdr_get(&h, "content-type");
	CHECK_STR(cstr(bm_mime_param(ct, "boundary")), "XX");
	/* but not after a value that does not end with ';' */
	m = "Subject: x\nboundary=\"XX\"\n\n";
	CHECK(bm_hdr_parse(&arena, m, strlen(m), 0, 64, 1 << 16, &h));
	CHECK_STR(m + h.body, "boundary=\"XX\"\n\n");
	bm_arena_free(&arena);
}

TEST(mail_header_encoded_words)
{
	bm_arena_init(&arena, 1 << 20);
	CHECK_STR(cstr(decode_header("=?UTF-8?B?0JLQsNGI0LU=?= x")), "Ваше x");
	CHECK_STR(cstr(decode_header("=?iso-8859-15?Q?Delivery_Status_Notification_=28Failure=29?=")),
			  "Delivery Status Notification (Failure)");
	/* white space between adjacent encoded words disappears, around plain text it stays */
	CHECK_STR(cstr(decode_header("=?utf-8?q?a?= =?utf-8?q?b?=  c =?utf-8?q?d?=")), "ab c d");
	/* Japanese charsets, as carriers and Exchange write them */
	CHECK_STR(cstr(decode_header("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=")), "テスト");
	CHECK_STR(cstr(decode_header("=?Shift_JIS?B?g2WDWINn?=")), "テスト");
	CHECK_STR(cstr(decode_header("=?EUC-JP?B?pcaluaXI?=")), "テスト");
	CHECK_STR(cstr(decode_header("=?iso-8859-1?B?3G7vY/Zk6Q==?=")), "Ünïcödé");
	CHECK_STR(cstr(decode_header("=?windows-1252?Q?=80?=")), "€");
	/* RFC 2231 language suffix */
	CHECK_STR(cstr(decode_header("=?utf-8*en?q?ok?=")), "ok");
	/* broken words stay as they are; an unknown charset and raw 8-bit bytes end as valid UTF-8 */
	CHECK_STR(cstr(decode_header("=?utf-8?x?abc?= =?utf-8?b?")), "=?utf-8?x?abc?= =?utf-8?b?");
	CHECK_STR(cstr(decode_header("=?x-unknown-cs?q?abc?=")), "abc");
	CHECK_STR(cstr(decode_header("caf\xe9")), "caf\xef\xbf\xbd");
	CHECK(bm_utf8_valid(decode_header("=?utf-8?b?/w==?=").ptr, decode_header("=?utf-8?b?/w==?=").len));
	bm_arena_free(&arena);
}

TEST(mail_mime_parameters)
{
	bm_str		v = {"multipart/report; report-type=delivery-status;\n\tboundary=\"a;b=c\"; x=1",
		strlen("multipart/report; report-type=delivery-status;\n\tboundary=\"a;b=c\"; x=1")};
	char		type[48];

	CHECK_STR(cstr(bm_mime_param(v, "boundary")), "a;b=c");
	CHECK_STR(cstr(bm_mime_param(v, "report-type")), "delivery-status");
	CHECK_STR(cstr(bm_mime_param(v, "x")), "1");
	CHECK(bm_mime_param(v, "charset").ptr == NULL);
	bm_mime_type(v, type, sizeof(type));
	CHECK_STR(type, "multipart/report");
	v = (bm_str) {"Text/Plain; CHARSET=ISO-2022-JP; name*=utf-8''t%C3%A9st", 55};
	bm_mime_type(v, type, sizeof(type));
	CHECK_STR(type, "text/plain");
	CHECK_STR(cstr(bm_mime_param(v, "charset")), "ISO-2022-JP");
	CHECK_STR(cstr(bm_mime_param(v, "name")), "t%C3%A9st");
}

TEST(mail_transfer_decodings)
{
	char		out[64];
	bool		trunc = false;
	size_t		n;

	/* base64: line breaks, spaces and junk are skipped, padding too; a short tail keeps its whole bytes */
	n = bm_base64_decode("SGVs\r\nbG8g\n d29y*bGQ=\n", 21, out, sizeof(out), &trunc);
	CHECK_INT(n, 11);
	CHECK(memcmp(out, "Hello world", 11) == 0);
	CHECK(!trunc);
	n = bm_base64_decode("SGVsbG", 6, out, sizeof(out), NULL);
	CHECK_INT(n, 4);
	CHECK(memcmp(out, "Hell", 4) == 0);
	n = bm_base64_decode("SGVsbG8gd29ybGQ=", 16, out, 5, &trunc);
	CHECK_INT(n, 5);
	CHECK(trunc);

	/* quoted-printable: soft breaks (with trailing white space, CRLF or LF), either hex case, stray '=' */
	n = bm_qp_decode("Final-Reci=\npient: a=3Db =  \r\nc=3d=ZZ=", 38, out, sizeof(out), false, NULL);
	out[n] = '\0';
	CHECK_STR(out, "Final-Recipient: a=b c==ZZ");
	n = bm_qp_decode("a_b=20c", 7, out, sizeof(out), true, NULL);
	out[n] = '\0';
	CHECK_STR(out, "a b c");
	trunc = false;
	n = bm_qp_decode("abcdef", 6, out, 3, false, &trunc);
	CHECK_INT(n, 3);
	CHECK(trunc);
}

TEST(mail_charset_conversion)
{
	bm_charset_cache cc;
	char		out[64];
	bool		unknown = false,
				trunc = false;
	size_t		n;

	bm_charset_cache_init(&cc);
	n = bm_charset_to_utf8(&cc, "iso-2022-jp", 11, "\x1b$B%F%9%H\x1b(B", 12, out, sizeof(out), &unknown, NULL);
	CHECK_INT(n, 9);
	CHECK(memcmp(out, "テスト", 9) == 0);
	n = bm_charset_to_utf8(&cc, "Shift_JIS", 9, "\x83\x65\x83\x58\x83\x67", 6, out, sizeof(out), NULL, NULL);
	CHECK(n == 9 && memcmp(out, "テスト", 9) == 0);
	/* NEC special characters under the plain Shift_JIS label (CP932): circled 1 */
	n = bm_charset_to_utf8(&cc, "shift_jis", 9, "\x87\x40", 2, out, sizeof(out), NULL, NULL);
	CHECK(n == 3 && memcmp(out, "\xe2\x91\xa0", 3) == 0);
	n = bm_charset_to_utf8(&cc, "euc-jp", 6, "\xa5\xc6\xa5\xb9\xa5\xc8", 6, out, sizeof(out), NULL, NULL);
	CHECK(n == 9 && memcmp(out, "テスト", 9) == 0);
	n = bm_charset_to_utf8(&cc, "windows-1251", 12, "\xcf\xf0\xe8", 3, out, sizeof(out), NULL, NULL);
	CHECK(n == 6 && memcmp(out, "При", 6) == 0);
	n = bm_charset_to_utf8(&cc, "ISO-8859-2", 10, "\xb1", 1, out, sizeof(out), NULL, NULL);
	CHECK(n == 2 && memcmp(out, "ą", 2) == 0);
	/* invalid bytes in the declared charset become U+FFFD; the output is cut on a character boundary */
	n = bm_charset_to_utf8(&cc, "utf-8", 5, "a\xff" "b", 3, out, sizeof(out), NULL, NULL);
	CHECK(n == 5 && memcmp(out, "a\xef\xbf\xbd" "b", 5) == 0);
	n = bm_charset_to_utf8(&cc, "euc-jp", 6, "\xa5\xc6\xa5\xb9\xa5\xc8", 6, out, 7, NULL, &trunc);
	CHECK_INT(n, 6);
	CHECK(trunc);
	/* unknown or hostile names are not handed to iconv */
	unknown = false;
	n = bm_charset_to_utf8(&cc, "x-no-such-charset", 17, "ok\xe9", 3, out, sizeof(out), &unknown, NULL);
	CHECK(unknown);
	CHECK(n == 5 && memcmp(out, "ok\xef\xbf\xbd", 5) == 0);
	unknown = false;
	n = bm_charset_to_utf8(&cc, "../../etc/x", 11, "ok", 2, out, sizeof(out), &unknown, NULL);
	CHECK(unknown && n == 2);
	CHECK(!bm_charset_known(&cc, "x-no-such-charset", 17));
	CHECK(bm_charset_known(&cc, "ISO-2022-JP", 11));
	/* NUL never reaches the output */
	n = bm_charset_to_utf8(&cc, NULL, 0, "a\0b", 3, out, sizeof(out), NULL, NULL);
	CHECK(n == 5 && memchr(out, '\0', n) == NULL);
	bm_charset_cache_free(&cc);
}

static bm_mime
read_mime(const char *m, int max_depth, int max_parts, bm_mime_status *st, size_t *eoff)
{
	bm_mime		mime;
	bm_mime_limits lim = {max_depth, max_parts};

	*st = bm_mime_read(&arena, m, strlen(m), 0, &lim, &mime, eoff);
	return mime;
}

TEST(mail_mime_structure)
{
	/* nested multiparts, CRLF, an attached message whose own boundary is not followed */
	const char *m =
		"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=\"OUT\"\r\n\r\npreamble\r\n"
		"--OUT\r\nContent-Type: multipart/alternative; boundary=IN\r\n\r\n"
		"--IN\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain\r\n"
		"--IN\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--IN--\r\n"
		"--OUT\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <x@y>\r\nContent-Type: multipart/mixed; "
		"boundary=ORIG\r\n\r\n--ORIG\r\n\r\nbody\r\n--ORIG--\r\n"
		"--OUT--\r\nepilogue\r\n";
	bm_mime_status st;
	size_t		eoff;
	bm_mime		mime;

	bm_arena_init(&arena, 1 << 20);
	mime = read_mime(m, 0, 0, &st, &eoff);
	CHECK_INT(st, BM_MIME_OK);
	CHECK_INT(mime.nparts, 5);
	CHECK_STR(mime.parts[0].type, "multipart/mixed");
	CHECK_STR(mime.parts[1].type, "multipart/alternative");
	CHECK_INT(mime.parts[2].parent, 1);
	CHECK_INT(mime.parts[2].depth, 2);
	CHECK_STR(mime.parts[2].type, "text/plain");
	CHECK(strncmp(m + mime.parts[2].body, "plain", mime.parts[2].end - mime.parts[2].body) == 0 &&
		  mime.parts[2].end - mime.parts[2].body == 5);
	CHECK_STR(mime.parts[3].type, "text/html");
	CHECK_STR(mime.parts[4].type, "message/rfc822");
	CHECK_INT(mime.parts[4].parent, 0);
	CHECK(mime.parts[4].embedded != NULL);
	CHECK_STR(cstr(bm_str_trim(bm_hdr_get(mime.parts[4].embedded, "message-id"))), "<x@y>");
	CHECK(!mime.unterminated);
	bm_arena_free(&arena);
}

TEST(mail_mime_broken_boundaries)
{
	bm_mime_status st;
	size_t		eoff;
	bm_mime		mime;
	/* unterminated inner part: it ends at the outer delimiter; the outer one at the end of input */
	const char *m = "Content-Type: multipart/mixed; boundary=A\n\n--A\nContent-Type: multipart/mixed; boundary=B\n\n"
		"--B\nContent-Type: text/plain\n\ninner\n--A\nContent-Type: text/plain\n\nlast\n";

	bm_arena_init(&arena, 1 << 20);
	mime = read_mime(m, 0, 0, &st, &eoff);
	CHECK_INT(st, BM_MIME_OK);
	CHECK_INT(mime.nparts, 4);
	CHECK(mime.unterminated);
	CHECK_INT(mime.parts[3].parent, 0);
	CHECK(mime.parts[2].end - mime.parts[2].body == 5);
	CHECK_INT(mime.parts[3].end, strlen(m));

	/* the declared boundary never occurs: the one the body uses is recovered */
	m = "Content-Type: multipart/report; boundary=\"declared\"\n\n--actual\nContent-Type: text/plain\n\nhi\n"
		"--actual\nContent-Type: message/delivery-status\n\nAction: failed\n--actual--\n";
	mime = read_mime(m, 0, 0, &st, &eoff);
	CHECK_INT(st, BM_MIME_OK);
	CHECK_INT(mime.nparts, 3);
	CHECK_STR(mime.parts[2].type, "message/delivery-status");

	/* no delimiter at all: one part, the whole body */
	m = "Content-Type: multipart/mixed; boundary=X\n\nno parts here\n";
	mime = read_mime(m, 0, 0, &st, &eoff);
	CHECK_INT(st, BM_MIME_OK);
	CHECK_INT(mime.nparts, 1);

	/* a boundary that is a prefix of another line is not a delimiter; transport padding is */
	m = "Content-Type: multipart/mixed; boundary=X\n\n--XY\n--X  \nContent-Type: text/plain\n\nz\n--X--\n";
	mime = read_mime(m, 0, 0, &st, &eoff);
	CHECK_INT(mime.nparts, 2);
	CHECK(mime.parts[1].end - mime.parts[1].body == 1);

	/* not an email */
	mime = read_mime("\x89PNG\r\n\x1a\n", 0, 0, &st, &eoff);
	CHECK_INT(st, BM_MIME_NOT_EMAIL);
	/* an mbox separator line is skipped */
	mime = read_mime("From MAILER-DAEMON Thu Apr 29 23:34:45 2015\nSubject: x\n\nbody", 0, 0, &st, &eoff);
	CHECK_INT(st, BM_MIME_OK);
	bm_arena_free(&arena);
}

TEST(mail_mime_limits_in_the_reader)
{
	bm_mime_status st;
	size_t		eoff = 0;
	const char *m = "Content-Type: multipart/mixed; boundary=A\n\n--A\nContent-Type: multipart/mixed; boundary=B\n\n"
		"--B\nContent-Type: multipart/mixed; boundary=C\n\n--C\n\nx\n";

	bm_arena_init(&arena, 1 << 20);
	read_mime(m, 2, 0, &st, &eoff);
	CHECK_INT(st, BM_MIME_TOO_DEEP);
	CHECK(strncmp(m + eoff, "--B\n", 4) == 0);
	read_mime(m, 3, 0, &st, &eoff);
	CHECK_INT(st, BM_MIME_OK);
	read_mime(m, 0, 3, &st, &eoff);
	CHECK_INT(st, BM_MIME_TOO_MANY_PARTS);
	CHECK(strncmp(m + eoff, "--C\n", 4) == 0);
	bm_arena_free(&arena);
}

TEST(mail_arena_counts_and_caps)
{
	bm_arena	a;
	void	   *p;

	bm_arena_init(&a, 200 * 1024);
	p = bm_arena_alloc(&a, 100);
	CHECK(p != NULL && ((uintptr_t) p & 7) == 0);
	CHECK(a.held >= BM_ARENA_CHUNK && a.peak == a.held);
	CHECK(bm_arena_alloc(&a, 100 * 1024) != NULL);	/* a private chunk */
	CHECK(bm_arena_alloc(&a, 150 * 1024) == NULL);	/* beyond the cap */
	CHECK(a.held <= 200 * 1024);
	bm_arena_reset(&a);
	CHECK_INT(a.held, BM_ARENA_CHUNK + a.held - BM_ARENA_CHUNK);
	CHECK(a.held <= BM_ARENA_CHUNK + 64);
	CHECK(a.peak > 100 * 1024);
	CHECK_STR(bm_arena_strdup(&a, "abc", 2), "ab");
	bm_arena_free(&a);
	CHECK_INT(a.held, 0);
}
