/* test_clean_text.c — provider text made safe to show (src/core/clean_text.c): credentials removed before
 * any cut, a key the text was cut in the middle of, Bearer/Basic tokens, bad bytes as \xNN, cuts at a
 * character boundary. */
#include "unit.h"
#include "clean_text.h"

static const char *const keys[] = {"SG.secretKEY123", "key-0123456789abcdef", "YXBpOmtleQ=="};

static const char *
scrub(const char *s)
{
	static char out[512];

	bm_text_scrub(s, strlen(s), keys, 3, out, sizeof(out));
	return out;
}

TEST(clean_text_scrub_keys_everywhere)
{
	CHECK_STR(scrub("invalid key SG.secretKEY123 (SG.secretKEY123)"), "invalid key [redacted] ([redacted])");
	CHECK_STR(scrub("api:key-0123456789abcdef@host"), "api:[redacted]@host");
	CHECK_STR(scrub("Authorization: Basic YXBpOmtleQ=="), "Authorization: Basic ...");
	CHECK_STR(scrub("no secret here"), "no secret here");
	/* what follows Bearer / Basic, in any case, even a key we do not know */
	CHECK_STR(scrub("got 'BEARER abc.def', expected bearer x,y"), "got 'BEARER ...', expected bearer ...,y");
	CHECK_STR(scrub("Bearer "), "Bearer ");
	/* a text that ends inside a key (the provider cut its echo): the prefix goes too */
	CHECK_STR(scrub("the key SG.secr"), "the key [redacted]");
	CHECK_STR(scrub("the key SG."), "the key SG.");	/* 3 bytes: too short to mean anything */
	/* short "secrets" are never redacted */
	{
		const char *const tiny[] = {"abc"};
		char		out[64];

		bm_text_scrub("abc abc", 7, tiny, 1, out, sizeof(out));
		CHECK_STR(out, "abc abc");
	}
}

TEST(clean_text_scrub_before_cut)
{
	/* the old order (cut at 511 bytes, then redact) left a prefix of a key that straddled the cut */
	char		in[600];
	char		scrubbed[2048];
	char		shown[512];

	memset(in, 'a', sizeof(in));
	memcpy(in + 500, "SG.secretKEY123", 15);
	bm_text_scrub(in, sizeof(in), keys, 3, scrubbed, sizeof(scrubbed));
	bm_text_escape(scrubbed, strlen(scrubbed), true, shown, sizeof(shown));
	CHECK(strstr(shown, "SG.s") == NULL);
	CHECK(strstr(shown, "[redac") != NULL);
	CHECK_INT(strlen(shown), 511);
	CHECK_STR(shown + 508, "...");
}

TEST(clean_text_escape_bytes)
{
	char		out[128];

	/* the 400 reply of the audit: bytes that are not UTF-8 */
	bm_text_escape("bad \xff\xfe reply", 12, true, out, sizeof(out));
	CHECK_STR(out, "bad \\xff\\xfe reply");
	/* controls, NUL and DEL; tab and line breaks stay */
	bm_text_escape("a\0b\x1b[31m\x7f\tc\r\n", 13, true, out, sizeof(out));
	CHECK_STR(out, "a\\x00b\\x1b[31m\\x7f\tc\r\n");
	/* well-formed UTF-8 stays; overlongs, surrogates and cut sequences do not */
	bm_text_escape("caf\xc3\xa9 \xe6\x97\xa5", 9, true, out, sizeof(out));
	CHECK_STR(out, "caf\xc3\xa9 \xe6\x97\xa5");
	bm_text_escape("\xc0\xaf \xed\xa0\x80 \xe6\x97", 9, true, out, sizeof(out));
	CHECK_STR(out, "\\xc0\\xaf \\xed\\xa0\\x80 \\xe6\\x97");
	/* not a UTF-8 database: every byte above 0x7f is escaped */
	bm_text_escape("caf\xc3\xa9", 5, false, out, sizeof(out));
	CHECK_STR(out, "caf\\xc3\\xa9");
}

TEST(clean_text_cut)
{
	char		out[12];

	/* fits exactly: no "..." */
	CHECK_INT(bm_text_escape("abcdefghijk", 11, true, out, sizeof(out)), 11);
	CHECK_STR(out, "abcdefghijk");
	/* one more: cut with "..." within the buffer */
	CHECK_INT(bm_text_escape("abcdefghijkl", 12, true, out, sizeof(out)), 11);
	CHECK_STR(out, "abcdefgh...");
	/* never inside a UTF-8 sequence or an escape */
	bm_text_escape("abcdef\xe6\x97\xa5xyz", 12, true, out, sizeof(out));
	CHECK_STR(out, "abcdef...");
	bm_text_escape("abcde\x01xyzxyz", 12, true, out, sizeof(out));
	CHECK_STR(out, "abcde...");
}
