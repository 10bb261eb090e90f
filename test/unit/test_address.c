/* test_address.c — unit tests of email address normalization and validation (src/core/address.c). */
#include "unit.h"
#include "address.h"

static char out[BM_ADDRESS_BUF];
static size_t out_len,
			dom_off;

static bm_address_status
norm(const char *s)
{
	memset(out, 'x', sizeof(out));
	return bm_address_normalize(s, strlen(s), out, &out_len, &dom_off);
}

#define CHECK_NORM(in, expected, expected_domain) \
	do { \
		CHECK_INT(norm(in), BM_ADDR_OK); \
		CHECK_STR(out, expected); \
		CHECK_INT(out_len, strlen(expected)); \
		CHECK_STR(out + dom_off, expected_domain); \
	} while (0)

TEST(address_plain_and_case)
{
	CHECK_NORM("jane@example.com", "jane@example.com", "example.com");
	/* the whole address is lower-cased, local part included (see address.c) */
	CHECK_NORM("J@X.com", "j@x.com", "x.com");
	CHECK_NORM("Jane.Doe+Tag@Example.COM", "jane.doe+tag@example.com", "example.com");
	/* SendGrid's "dropped: Invalid" example: a dotless domain is still a domain */
	CHECK_NORM("invalid@invalid", "invalid@invalid", "invalid");
}

TEST(address_trim_and_display_name)
{
	CHECK_NORM("  jane@example.com\r\n", "jane@example.com", "example.com");
	CHECK_NORM("Jane <J@X.com>", "j@x.com", "x.com");
	CHECK_NORM("<jane@example.com>", "jane@example.com", "example.com");
	CHECK_NORM("  \"Doe, Jane\" < Jane@Example.com >  ", "jane@example.com", "example.com");
	/* a '<' or '@' inside a quoted display name does not count */
	CHECK_NORM("\"a<b@c\" <x@y.org>", "x@y.org", "y.org");
	CHECK_NORM("\"John Doe\" <john@example.com>", "john@example.com", "example.com");
	CHECK_NORM("=?utf-8?b?SmFuZQ==?= <relay@unfck.email>", "relay@unfck.email", "unfck.email");
}

TEST(address_quoted_local_part_and_literals)
{
	CHECK_NORM("\"john doe\"@example.com", "\"john doe\"@example.com", "example.com");
	CHECK_NORM("\"a@b\"@Example.com", "\"a@b\"@example.com", "example.com");
	CHECK_NORM("\"a\\\"b\"@x.com", "\"a\\\"b\"@x.com", "x.com");
	CHECK_NORM("user@[192.0.2.1]", "user@[192.0.2.1]", "[192.0.2.1]");
	CHECK_NORM("user@[IPv6:2001:db8::1]", "user@[ipv6:2001:db8::1]", "[ipv6:2001:db8::1]");
}

TEST(address_real_world_dots)
{
	/* Japanese carrier addresses break RFC 5322 dot-atoms but are deliverable */
	CHECK_NORM("taro..yamada.@docomo.ne.jp", "taro..yamada.@docomo.ne.jp", "docomo.ne.jp");
	CHECK_NORM(".lead@ezweb.ne.jp", ".lead@ezweb.ne.jp", "ezweb.ne.jp");
}

TEST(address_utf8_passes_through)
{
	/* EAI: only ASCII letters are folded */
	CHECK_NORM("J\xc3\xb6rg@B\xc3\xbc" "cher.DE", "j\xc3\xb6rg@b\xc3\xbc" "cher.de", "b\xc3\xbc" "cher.de");
	CHECK_NORM("\xe7\x94\xb0\xe4\xb8\xad@\xe4\xbe\x8b\xe3\x81\x88.jp",
			   "\xe7\x94\xb0\xe4\xb8\xad@\xe4\xbe\x8b\xe3\x81\x88.jp", "\xe4\xbe\x8b\xe3\x81\x88.jp");
	/* malformed UTF-8: overlong, lone continuation, surrogate, truncated, > U+10FFFF */
	CHECK_INT(norm("a\xc0\xaf@x.com"), BM_ADDR_BAD_UTF8);
	CHECK_INT(norm("a\x80@x.com"), BM_ADDR_BAD_UTF8);
	CHECK_INT(norm("a\xed\xa0\x80@x.com"), BM_ADDR_BAD_UTF8);
	CHECK_INT(norm("a@x.com\xe2\x82"), BM_ADDR_BAD_UTF8);
	CHECK_INT(norm("a\xf4\x90\x80\x80@x.com"), BM_ADDR_BAD_UTF8);
}

TEST(address_rejects)
{
	CHECK_INT(norm(""), BM_ADDR_EMPTY);
	CHECK_INT(norm("   "), BM_ADDR_EMPTY);
	CHECK_INT(norm("<>"), BM_ADDR_EMPTY);
	CHECK_INT(norm("Jane <  >"), BM_ADDR_EMPTY);
	CHECK_INT(norm("jane.example.com"), BM_ADDR_NO_AT);
	CHECK_INT(norm("a@b@c.com"), BM_ADDR_MANY_AT);
	CHECK_INT(norm("@example.com"), BM_ADDR_LOCAL_EMPTY);
	CHECK_INT(norm("jane@"), BM_ADDR_DOMAIN_EMPTY);
	CHECK_INT(norm("jane@.example.com"), BM_ADDR_DOMAIN_LABEL);
	CHECK_INT(norm("jane@example..com"), BM_ADDR_DOMAIN_LABEL);
	CHECK_INT(norm("jane@example.com."), BM_ADDR_DOMAIN_LABEL);
	CHECK_INT(norm("ja ne@example.com"), BM_ADDR_BAD_CHAR);
	CHECK_INT(norm("jane@exa mple.com"), BM_ADDR_BAD_CHAR);
	CHECK_INT(norm("ja\tne@example.com"), BM_ADDR_BAD_CHAR);
	CHECK_INT(norm("jane@exam\x01ple.com"), BM_ADDR_BAD_CHAR);
	CHECK_INT(norm("ja\x7fne@example.com"), BM_ADDR_BAD_CHAR);
	CHECK_INT(norm("ja,ne@example.com"), BM_ADDR_BAD_CHAR);
	CHECK_INT(norm("jane@exa\"mple.com"), BM_ADDR_BAD_SYNTAX);
	CHECK_INT(norm("jane@\"x\".com"), BM_ADDR_BAD_CHAR);
	CHECK_INT(norm("jane@[1.2.3.4"), BM_ADDR_BAD_SYNTAX);
	CHECK_INT(norm("\"jane@example.com"), BM_ADDR_BAD_SYNTAX);
	CHECK_INT(norm("Jane <jane@example.com"), BM_ADDR_BAD_SYNTAX);
	CHECK_INT(norm("Jane jane@example.com>"), BM_ADDR_BAD_SYNTAX);
	CHECK_INT(norm("<jane@example.com> trailing"), BM_ADDR_BAD_SYNTAX);
	CHECK_INT(norm("<a@b.com><c@d.com>"), BM_ADDR_BAD_SYNTAX);
	CHECK_INT(norm("a>b@c.com"), BM_ADDR_BAD_SYNTAX);
}

TEST(address_length_limits)
{
	char		buf[600];

	/* local part: 64 bytes ok, 65 not */
	memset(buf, 'a', 64);
	strcpy(buf + 64, "@x.com");
	CHECK_INT(norm(buf), BM_ADDR_OK);
	memset(buf, 'a', 65);
	strcpy(buf + 65, "@x.com");
	CHECK_INT(norm(buf), BM_ADDR_LOCAL_TOO_LONG);
	/* domain: 255 bytes ok (four labels of 63 and three dots), 256 not */
	strcpy(buf, "a@");
	for (int i = 0; i < 4; i++)
	{
		size_t		n = strlen(buf);

		memset(buf + n, 'b', 63);
		buf[n + 63] = '\0';
		if (i < 3)
			strcat(buf, ".");
	}
	CHECK_INT(strlen(buf) - 2, 255);
	CHECK_INT(norm(buf), BM_ADDR_OK);
	CHECK_INT(out_len, 257);
	strcat(buf, "c");
	CHECK_INT(norm(buf), BM_ADDR_DOMAIN_TOO_LONG);
}

TEST(address_never_reads_past_len)
{
	/* the length is authoritative: "a@b.com" cut to "a@b" (no NUL at the cut) */
	CHECK_INT(bm_address_normalize("a@b.comXXXX", 3, out, &out_len, &dom_off), BM_ADDR_OK);
	CHECK_STR(out, "a@b");
	CHECK_INT(bm_address_normalize("a@", 1, out, &out_len, &dom_off), BM_ADDR_NO_AT);
	CHECK_INT(bm_address_normalize(NULL, 0, out, &out_len, &dom_off), BM_ADDR_EMPTY);
}

TEST(address_status_texts)
{
	for (int st = BM_ADDR_OK; st <= BM_ADDR_BAD_SYNTAX; st++)
	{
		const char *t = bm_address_status_text((bm_address_status) st);

		CHECK(t != NULL && t[0] != '\0');
	}
	CHECK_STR(bm_address_status_text(BM_ADDR_NO_AT), "no '@' in the address");
}

/* Unicode white space and zero-width characters (pasted from forms): trimmed at the ends, refused inside. */
TEST(address_invisible_characters)
{
	CHECK_NORM("x@example.com\xc2\xa0", "x@example.com", "example.com");			/* U+00A0 */
	CHECK_NORM("\xc2\xa0x@example.com", "x@example.com", "example.com");
	CHECK_NORM("x@example.com\xe2\x80\x8b", "x@example.com", "example.com");		/* U+200B */
	CHECK_NORM("\xef\xbb\xbfx@example.com", "x@example.com", "example.com");		/* BOM */
	CHECK_NORM("\xe3\x80\x80x@example.com\xe3\x80\x80 \xe2\x81\xa0", "x@example.com", "example.com");
	CHECK_NORM(" <x@example.com>\xc2\xa0", "x@example.com", "example.com");
	CHECK_INT(norm("x\xe2\x80\x8b@example.com"), BM_ADDR_BAD_CHAR);
	CHECK_INT(norm("x@exa\xc2\xa0mple.com"), BM_ADDR_BAD_CHAR);
	CHECK_INT(norm("\"a\xe2\x80\x8d\"@example.com"), BM_ADDR_BAD_CHAR);
	CHECK_INT(norm("\xc2\xa0\xe2\x80\x8b"), BM_ADDR_EMPTY);
	/* other UTF-8 still passes through */
	CHECK_NORM("\xe5\xa4\xaa\xe9\x83\x8e@example.jp", "\xe5\xa4\xaa\xe9\x83\x8e@example.jp", "example.jp");
}
