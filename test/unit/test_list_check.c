/*
 * test_list_check.c — unit tests of list-import hygiene (src/core/list_check.c): each category with
 * real-world addresses, the tricky inputs, and checks of the data tables themselves (order, overlaps,
 * the near-domain list's reason to exist).
 */
#include <stdlib.h>

#include "unit.h"
#include "list_check.h"

static bm_list_verdict v;

static const bm_list_verdict *
check(const char *s)
{
	memset(&v, 0x5a, sizeof(v));	/* every field must be set by the call */
	bm_list_check(s, strlen(s), &v);
	return &v;
}

/* An independent restricted Damerau-Levenshtein distance, to check the data tables with. */
static int
osa(const char *a, const char *b)
{
	int			n = (int) strlen(a),
				m = (int) strlen(b);
	int			d[32][32];

	if (n > 30 || m > 30)
		return 99;
	for (int i = 0; i <= n; i++)
		d[i][0] = i;
	for (int j = 0; j <= m; j++)
		d[0][j] = j;
	for (int i = 1; i <= n; i++)
		for (int j = 1; j <= m; j++)
		{
			int			x = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < x)
				x = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < x)
				x = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < x)
				x = d[i - 2][j - 2] + 1;
			d[i][j] = x;
		}
	return d[n][m];
}

#define CHECK_OK(in, normalized) \
	do { \
		check(in); \
		CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK); \
		CHECK_STR(v.address, normalized); \
		CHECK_INT(v.risk, BM_LIST_RISK_OK); \
		CHECK_STR(v.why, "no problem found"); \
	} while (0)

#define CHECK_INVALID(in, expected_syntax) \
	do { \
		check(in); \
		CHECK_INT(v.syntax, expected_syntax); \
		CHECK_STR(v.address, ""); \
		CHECK_INT(v.address_len, 0); \
		CHECK(v.role == NULL && v.disposable == NULL && v.reserved == NULL); \
		CHECK_INT(v.typo, BM_LIST_TYPO_NONE); \
		CHECK_INT(v.risk, (expected_syntax) == BM_LIST_SYNTAX_NON_ASCII ? BM_LIST_RISK_WARN : BM_LIST_RISK_BAD); \
		CHECK(v.why != NULL && v.why[0] != '\0'); \
	} while (0)

#define CHECK_TYPO(in, kind, suggested, distance, risk_level) \
	do { \
		check(in); \
		CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK); \
		CHECK_INT(v.typo, kind); \
		CHECK_STR(v.suggestion, suggested); \
		CHECK_INT(v.typo_distance, distance); \
		CHECK_INT(v.risk, risk_level); \
	} while (0)

#define CHECK_NO_TYPO(in) \
	do { \
		check(in); \
		CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK); \
		CHECK_INT(v.typo, BM_LIST_TYPO_NONE); \
		CHECK_STR(v.suggestion, ""); \
	} while (0)

/* ---- valid addresses ---- */

TEST(list_check_valid_addresses)
{
	CHECK_OK("taro.yamada@docomo.ne.jp", "taro.yamada@docomo.ne.jp");
	CHECK_OK("Jane.Doe@Gmail.COM", "jane.doe@gmail.com");
	CHECK_OK("  Jane Doe <Jane.Doe+news@Outlook.JP>\r\n", "jane.doe+news@outlook.jp");
	CHECK_OK("hanako@xn--wgv71a119e.jp", "hanako@xn--wgv71a119e.jp");	/* an IDN domain in its ASCII form */
	/* Japanese carriers' old dotted local parts are deliverable (address.c) */
	CHECK_OK("taro..yamada.@docomo.ne.jp", "taro..yamada.@docomo.ne.jp");
	CHECK_OK("o'brien@company.ie", "o'brien@company.ie");
	check("jane.doe@gmail.com");
	CHECK_STR(v.address + v.domain_off, "gmail.com");
	CHECK_INT(v.address_len, 18);
	CHECK(!v.quoted_local);
}

/* ---- syntax: each reason ---- */

TEST(list_check_empty)
{
	CHECK_INVALID("", BM_LIST_SYNTAX_EMPTY);
	CHECK_INVALID("  \t ", BM_LIST_SYNTAX_EMPTY);
	CHECK_INVALID("<>", BM_LIST_SYNTAX_EMPTY);
	bm_list_check(NULL, 0, &v);
	CHECK_INT(v.syntax, BM_LIST_SYNTAX_EMPTY);
	CHECK_STR(v.address, "");
	bm_list_check(NULL, 7, &v);		/* NULL is empty whatever the length says */
	CHECK_INT(v.syntax, BM_LIST_SYNTAX_EMPTY);
	/* the length is authoritative: nothing is read past it */
	bm_list_check("a@gmail.com", 0, &v);
	CHECK_INT(v.syntax, BM_LIST_SYNTAX_EMPTY);
	bm_list_check("info@gmail.comXYZ", 14, &v);
	CHECK_STR(v.address, "info@gmail.com");
}

TEST(list_check_no_at_and_bad_syntax)
{
	CHECK_INVALID("jane.example.com", BM_LIST_SYNTAX_NO_AT);
	CHECK_INVALID("Jane Doe", BM_LIST_SYNTAX_NO_AT);
	CHECK_STR(v.why, "no '@' in the address");
	/* a full-width at sign from a Japanese IME is no '@' */
	CHECK_INVALID("taro\xef\xbc\xa0" "docomo.ne.jp", BM_LIST_SYNTAX_NO_AT);
	/* two addresses in one cell of a spreadsheet */
	CHECK_INVALID("jane@gmail.com, bob@yahoo.com", BM_LIST_SYNTAX_BAD_SYNTAX);
	CHECK_INVALID("a@b@c.com", BM_LIST_SYNTAX_BAD_SYNTAX);
	CHECK_INVALID("Jane <jane@gmail.com", BM_LIST_SYNTAX_BAD_SYNTAX);
	CHECK_INVALID("\"jane@gmail.com", BM_LIST_SYNTAX_BAD_SYNTAX);
}

TEST(list_check_bad_local_part)
{
	CHECK_INVALID("@gmail.com", BM_LIST_SYNTAX_BAD_LOCAL);
	CHECK_INVALID("jane doe@gmail.com", BM_LIST_SYNTAX_BAD_LOCAL);
	CHECK_INVALID("mailto:jane@gmail.com", BM_LIST_SYNTAX_BAD_LOCAL);
	CHECK_INVALID("jane,doe@gmail.com", BM_LIST_SYNTAX_BAD_LOCAL);
	CHECK_INVALID("a\"b\"@x.co.jp", BM_LIST_SYNTAX_BAD_LOCAL);
	CHECK_STR(v.why, "quoted and unquoted text mixed in the local part");
	CHECK_INVALID("\"a\"b@x.co.jp", BM_LIST_SYNTAX_BAD_LOCAL);
	CHECK_INVALID("\"\"@x.co.jp", BM_LIST_SYNTAX_BAD_LOCAL);
	CHECK_STR(v.why, "an empty quoted local part");
}

TEST(list_check_quoted_local_part)
{
	check("\"john doe\"@Example.co.jp");
	CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK);
	CHECK_STR(v.address, "\"john doe\"@example.co.jp");
	CHECK(v.quoted_local);
	CHECK_INT(v.risk, BM_LIST_RISK_WARN);
	CHECK_STR(v.why, "a quoted local part: many mail systems refuse it");
	/* an escaped quote inside stays one quoted string */
	check("\"a\\\"b\"@x.co.jp");
	CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK);
	CHECK(v.quoted_local);
	/* a quoted "info" is not matched as a role */
	check("\"info\"@x.co.jp");
	CHECK(v.role == NULL);
}

TEST(list_check_bad_domain)
{
	CHECK_INVALID("jane@", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@localhost", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_STR(v.why, "a domain without a dot: a local host name, not on the internet");
	CHECK_INVALID("jane@gmailcom", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@gmail..com", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@gmail.com.", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@.gmail.com", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@gmail .com", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@gmail,com", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@my_company.com", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@-company.com", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@company-.co.jp", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_STR(v.why, "a label of the domain starts or ends with '-'");
	CHECK_INVALID("jane@gmail.c", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@company.123", BM_LIST_SYNTAX_BAD_DOMAIN);
	CHECK_INVALID("jane@x.co.jp/", BM_LIST_SYNTAX_BAD_DOMAIN);
	/* a label of 63 characters is fine, 64 is not (RFC 1035) */
	{
		char		buf[200];

		strcpy(buf, "jane@");
		memset(buf + 5, 'a', 63);
		strcpy(buf + 68, ".jp");
		check(buf);
		CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK);
		memset(buf + 5, 'a', 64);
		strcpy(buf + 69, ".jp");
		CHECK_INVALID(buf, BM_LIST_SYNTAX_BAD_DOMAIN);
		CHECK_STR(v.why, "a label of the domain is longer than 63 characters");
	}
}

TEST(list_check_ip_literal)
{
	CHECK_INVALID("jane@[192.0.2.1]", BM_LIST_SYNTAX_IP_LITERAL);
	CHECK_INVALID("jane@[IPv6:2001:db8::1]", BM_LIST_SYNTAX_IP_LITERAL);
	CHECK_INVALID("jane@192.0.2.1", BM_LIST_SYNTAX_IP_LITERAL);
	CHECK_STR(v.why, "an IP address instead of a domain");
	/* digits in labels are fine as long as the top-level label is not all digits */
	check("jane@163.com");
	CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK);
	check("jane@1.2.3.example.jp");
	CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK);
}

TEST(list_check_length_limits)
{
	char		buf[600];
	size_t		n;

	/* local part: 64 bytes ok, 65 too long */
	memset(buf, 'a', 64);
	strcpy(buf + 64, "@x.co.jp");
	check(buf);
	CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK);
	memset(buf, 'a', 65);
	strcpy(buf + 65, "@x.co.jp");
	CHECK_INVALID(buf, BM_LIST_SYNTAX_TOO_LONG);

	/* address: 254 bytes ok, 255 too long (RFC 5321 path limit), though address.c takes up to 320 */
	strcpy(buf, "a@");
	while ((n = strlen(buf)) < 254 - 3)
	{
		size_t		k = (254 - 3 - n) < 40 ? 254 - 3 - n : 40;

		memset(buf + n, 'b', k);
		buf[n + k] = '\0';
		if (strlen(buf) < 254 - 4)
			strcat(buf, ".");
	}
	strcat(buf, ".jp");
	CHECK_INT(strlen(buf), 254);
	check(buf);
	CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK);
	CHECK_INT(v.address_len, 254);
	memmove(buf + 1, buf, strlen(buf) + 1);	/* one more byte in the local part */
	CHECK_INT(strlen(buf), 255);
	CHECK_INVALID(buf, BM_LIST_SYNTAX_TOO_LONG);
	CHECK_STR(v.why, "address longer than 254 characters (RFC 5321)");

	/* domain of 256 bytes: address.c's own limit */
	strcpy(buf, "a@");
	for (int i = 0; i < 4; i++)
	{
		n = strlen(buf);
		memset(buf + n, 'c', 63);
		buf[n + 63] = '\0';
		strcat(buf, ".");
	}
	strcat(buf, "jp");
	CHECK_INT(strlen(buf) - 2, 258);
	CHECK_INVALID(buf, BM_LIST_SYNTAX_TOO_LONG);
}

TEST(list_check_non_ascii)
{
	/* EAI local part, IDN domain in Unicode form, Japanese address: not checked, a warning */
	CHECK_INVALID("j\xc3\xb6rg@b\xc3\xbc" "cher.de", BM_LIST_SYNTAX_NON_ASCII);
	CHECK_INVALID("\xe7\x94\xb0\xe4\xb8\xad@\xe4\xbe\x8b\xe3\x81\x88.jp", BM_LIST_SYNTAX_NON_ASCII);
	CHECK_INVALID("taro@\xe4\xbe\x8b\xe3\x81\x88.jp", BM_LIST_SYNTAX_NON_ASCII);
	/* full-width letters from an IME */
	CHECK_INVALID("\xef\xbd\x94\xef\xbd\x81\xef\xbd\x92\xef\xbd\x8f@docomo.ne.jp", BM_LIST_SYNTAX_NON_ASCII);
	/* malformed UTF-8 too (Shift_JIS bytes from an old spreadsheet) */
	CHECK_INVALID("\x93\x63\x92\x86@docomo.ne.jp", BM_LIST_SYNTAX_NON_ASCII);
	/* a non-ASCII display name around an ASCII address is fine */
	CHECK_OK("\xe7\x94\xb0\xe4\xb8\xad \xe5\xa4\xaa\xe9\x83\x8e <Taro.Tanaka@Docomo.ne.jp>", "taro.tanaka@docomo.ne.jp");
}

/* ---- role accounts ---- */

TEST(list_check_role_accounts)
{
	check("info@bounce-mgmt.co.jp");
	CHECK_STR(v.role, "info");
	CHECK_INT(v.risk, BM_LIST_RISK_WARN);
	CHECK_STR(v.why, "a role account: a shared mailbox, not a person who opted in");
	/* upper case and a plus tag */
	check("Info+Newsletter2024@Company.co.jp");
	CHECK_STR(v.role, "info");
	CHECK_STR(v.address, "info+newsletter2024@company.co.jp");
	check("SALES@company.com");
	CHECK_STR(v.role, "sales");
	check("no-reply@company.com");
	CHECK_STR(v.role, "no-reply");
	check("noreply@company.com");
	CHECK_STR(v.role, "noreply");
	check("do_not_reply@company.com");
	CHECK_STR(v.role, "do_not_reply");
	check("postmaster@company.com");
	CHECK_STR(v.role, "postmaster");
	check("abuse@company.com");
	CHECK_STR(v.role, "abuse");
	check("webmaster@company.com");
	CHECK_STR(v.role, "webmaster");
	/* Japanese department names */
	check("soumu@company.co.jp");
	CHECK_STR(v.role, "soumu");
	check("saiyo@company.co.jp");
	CHECK_STR(v.role, "saiyo");
	check("otoiawase@company.co.jp");
	CHECK_STR(v.role, "otoiawase");
	/* the first and the last entry of the table (binary search bounds) */
	check("abuse@x.co.jp");
	CHECK_STR(v.role, "abuse");
	check("www@x.co.jp");
	CHECK_STR(v.role, "www");
	/* people, not roles: a role name inside a longer local part, a prefix of one, an empty base */
	check("information.desk.tanaka@company.co.jp");
	CHECK(v.role == NULL);
	check("infos@company.co.jp");
	CHECK(v.role == NULL);
	check("inf@company.co.jp");
	CHECK(v.role == NULL);
	check("+info@company.co.jp");
	CHECK(v.role == NULL);
	check("taro.sales@company.co.jp");
	CHECK(v.role == NULL);
	CHECK_INT(v.risk, BM_LIST_RISK_OK);
}

/* ---- disposable domains ---- */

TEST(list_check_disposable)
{
	const char *const known[] = {"mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com",
	"sharklasers.com", "trashmail.com", "temp-mail.org", "maildrop.cc"};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
	{
		char		buf[100];

		snprintf(buf, sizeof(buf), "jane@%s", known[i]);
		check(buf);
		CHECK_STR(v.disposable, known[i]);
		CHECK_INT(v.risk, BM_LIST_RISK_BAD);
		CHECK_STR(v.why, "a disposable (throw-away) mailbox domain");
	}
	/* upper case, and a subdomain of a disposable domain */
	check("Jane@MAILINATOR.COM");
	CHECK_STR(v.disposable, "mailinator.com");
	check("jane@inbox.team.mailinator.com");
	CHECK_STR(v.disposable, "mailinator.com");
	/* a domain that only ends in the same letters is not below it */
	check("jane@xmailinator.com");
	CHECK(v.disposable == NULL);
	/* the first and the last entry of the table (binary search bounds) */
	check("jane@0-mail.com");
	CHECK_STR(v.disposable, "0-mail.com");
	/* big providers are not disposable */
	check("jane@gmail.com");
	CHECK(v.disposable == NULL);
	check("jane@docomo.ne.jp");
	CHECK(v.disposable == NULL);
}

TEST(list_check_reserved)
{
	check("test@example.com");
	CHECK_STR(v.reserved, "example.com");
	CHECK_INT(v.risk, BM_LIST_RISK_BAD);
	CHECK_INT(v.typo, BM_LIST_TYPO_NONE);
	check("none@none.invalid");
	CHECK_STR(v.reserved, "invalid");
	check("printer@office.local");
	CHECK_STR(v.reserved, "local");
	check("a@mail.example.org");
	CHECK_STR(v.reserved, "example.org");
	check("a@router.home.arpa");
	CHECK_STR(v.reserved, "home.arpa");
	/* a domain that merely contains the word */
	check("a@myexample.com");
	CHECK(v.reserved == NULL);
	check("a@test.co.jp");
	CHECK(v.reserved == NULL);
}

/* ---- typos ---- */

TEST(list_check_typo_of_big_provider)
{
	/* one edit: swap, missing, extra, wrong letter */
	CHECK_TYPO("jane@gmial.com", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_STR(v.why, "probably a typo of a big mailbox provider's domain");
	CHECK_TYPO("jane@gmai.com", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@gmaill.com", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@gnail.com", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@hotmial.com", BM_LIST_TYPO_PROVIDER, "hotmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@outlok.com", BM_LIST_TYPO_PROVIDER, "outlook.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@icoud.com", BM_LIST_TYPO_PROVIDER, "icloud.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@yahooo.com", BM_LIST_TYPO_PROVIDER, "yahoo.com", 1, BM_LIST_RISK_BAD);
	/* the suffix: .con is fixed by tld_typos.def, .co / .cm / .cmo are one edit from .com */
	CHECK_TYPO("jane@gmail.con", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@gmail.co", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@gmail.cm", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@gmail.cmo", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@hotmail.co", BM_LIST_TYPO_PROVIDER, "hotmail.com", 1, BM_LIST_RISK_BAD);
	/* short names: no edit in the name, but the suffix may be mistyped */
	CHECK_TYPO("jane@aol.co", BM_LIST_TYPO_PROVIDER, "aol.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@me.con", BM_LIST_TYPO_PROVIDER, "me.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@gmx.ne", BM_LIST_TYPO_PROVIDER, "gmx.net", 1, BM_LIST_RISK_BAD);
	/* an edit across the dot */
	CHECK_TYPO("jane@gmai.lcom", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@gmailc.om", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	{
		int			d;

		/* "jane@gmailcom" is a bad domain (no dot) before any typo check; the rule alone still sees it */
		CHECK_STR(bm_list_nearest_provider("gmailcom", 8, &d), "gmail.com");
		CHECK_INT(d, 1);
		CHECK(bm_list_nearest_provider("aolcom", 6, &d) == NULL);	/* short name: no edit but in the suffix */
		CHECK_INT(d, 0);
	}
	/* long names: two edits, a warning only */
	CHECK_TYPO("jane@gogglemial.com", BM_LIST_TYPO_PROVIDER, "googlemail.com", 2, BM_LIST_RISK_WARN);
	/* a TLD that does not exist and a name typo: both, so certain */
	CHECK_TYPO("jane@gmial.con", BM_LIST_TYPO_PROVIDER, "gmail.com", 2, BM_LIST_RISK_BAD);
	/* but not a fixed TLD and two more edits (found by the fuzzer): the TLD fix alone */
	CHECK_TYPO("e@googema-l.ccom", BM_LIST_TYPO_TLD, "googema-l.com", 1, BM_LIST_RISK_BAD);
	/* upper case and a display name */
	CHECK_TYPO("Jane <JANE@GMIAL.COM>", BM_LIST_TYPO_PROVIDER, "gmail.com", 1, BM_LIST_RISK_BAD);
	CHECK_STR(v.address, "jane@gmial.com");
}

TEST(list_check_typo_japan)
{
	CHECK_TYPO("taro@docomo.ne.jo", BM_LIST_TYPO_PROVIDER, "docomo.ne.jp", 1, BM_LIST_RISK_BAD);
	/* docomo's corporate domain: two edits in the suffix */
	CHECK_TYPO("taro@docomo.co.jp", BM_LIST_TYPO_NONE, "", 0, BM_LIST_RISK_OK);
	CHECK_TYPO("taro@docono.ne.jp", BM_LIST_TYPO_PROVIDER, "docomo.ne.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@docomo.ne.jpp", BM_LIST_TYPO_PROVIDER, "docomo.ne.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@ezweb.ne.jo", BM_LIST_TYPO_PROVIDER, "ezweb.ne.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@ezwed.ne.jp", BM_LIST_TYPO_PROVIDER, "ezweb.ne.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@sofbank.ne.jp", BM_LIST_TYPO_PROVIDER, "softbank.ne.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@i.softbank.pj", BM_LIST_TYPO_PROVIDER, "i.softbank.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@softbank.jp", BM_LIST_TYPO_PROVIDER, "i.softbank.jp", 2, BM_LIST_RISK_WARN);
	CHECK_TYPO("taro@yahoo.co.jo", BM_LIST_TYPO_PROVIDER, "yahoo.co.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@yaho.co.jp", BM_LIST_TYPO_PROVIDER, "yahoo.co.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@hotmial.co.jp", BM_LIST_TYPO_PROVIDER, "hotmail.co.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@sonet.ne.jp", BM_LIST_TYPO_PROVIDER, "so-net.ne.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@bigrobe.ne.jp", BM_LIST_TYPO_PROVIDER, "biglobe.ne.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@nifty.con", BM_LIST_TYPO_PROVIDER, "nifty.com", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("taro@ocn.ne.jo", BM_LIST_TYPO_PROVIDER, "ocn.ne.jp", 1, BM_LIST_RISK_BAD);
}

TEST(list_check_typo_of_tld_only)
{
	/* no provider near, but the top-level domain does not exist */
	CHECK_TYPO("jane@bounce-mgmt.con", BM_LIST_TYPO_TLD, "bounce-mgmt.com", 1, BM_LIST_RISK_BAD);
	CHECK_STR(v.why, "the top-level domain does not exist: probably a typo");
	CHECK_TYPO("jane@company.co.jo", BM_LIST_TYPO_TLD, "company.co.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@univ.ac.jo", BM_LIST_TYPO_TLD, "univ.ac.jp", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@company.nte", BM_LIST_TYPO_TLD, "company.net", 1, BM_LIST_RISK_BAD);
	CHECK_TYPO("jane@company.ogr", BM_LIST_TYPO_TLD, "company.org", 1, BM_LIST_RISK_BAD);
	/* fixed to a near domain: the TLD fix stands, no provider is suggested */
	CHECK_TYPO("jane@email.con", BM_LIST_TYPO_TLD, "email.com", 1, BM_LIST_RISK_BAD);
	/* real suffixes are left alone when no provider is near: Colombia, Cameroon, Oman, Jordan */
	CHECK_NO_TYPO("jane@company.co");
	CHECK_NO_TYPO("jane@company.cm");
	CHECK_NO_TYPO("jane@company.om");
	CHECK_NO_TYPO("jane@company.com.jo");
	/* the wrong suffix must be whole labels */
	CHECK_NO_TYPO("jane@falcon.de");
	CHECK_NO_TYPO("jane@bacon.co.jp");
}

TEST(list_check_no_false_typo)
{
	/* real domains near big ones: exact big domains, near_domains.def, regional siblings missing from the list */
	const char *const real[] = {
		"gmx.com", "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.co.uk", "mail.com", "email.com", "ymail.com",
		"y7mail.com", "cloud.com", "me.com", "mac.com", "aol.de", "live.cn", "live.ca", "live.ie", "live.cl",
		"hotmail.se", "hotmail.es", "yahoo.co.kr", "yahoo.co.in", "yahoo.co.id", "yahoo.co.il", "outlook.at",
		"yandex.ua", "yandex.by", "web.de", "mail.ru", "docomo.co.jp", "disney.co.jp", "au.com", "softbank.ne.jp",
		"i.softbank.jp", "ymobile.ne.jp", "y-mobile.ne.jp", "ymobile1.ne.jp", "emobile.ne.jp", "nifty.ne.jp",
		"biz.ezweb.ne.jp", "ezweb.ne.jp", "prontomail.com", "hockeymail.com", "online.de", "myfastmail.com",
	};

	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++)
	{
		char		buf[100];

		snprintf(buf, sizeof(buf), "jane@%s", real[i]);
		check(buf);
		if (v.typo != BM_LIST_TYPO_NONE)
			unit_fail(__FILE__, __LINE__, "%s taken for a typo of %s", real[i], v.suggestion);
		CHECK_INT(v.syntax, BM_LIST_SYNTAX_OK);
	}
	/* "gmx.com" vs "gmail.com" is two edits in a 5-letter name: not a typo */
	CHECK_NO_TYPO("jane@gmx.com");
	/* short names have real neighbours: no edit in them counts */
	CHECK_NO_TYPO("jane@ao.com");
	CHECK_NO_TYPO("jane@aod.com");
	CHECK_NO_TYPO("jane@msm.com");
	CHECK_NO_TYPO("jane@ai.com");
}

TEST(list_check_every_big_domain_is_fine)
{
	static const char *const big[] = {
#define BM_BIG_DOMAIN(name, suffix) name "." suffix,
#include "big_domains.def"
#undef BM_BIG_DOMAIN
	};

	CHECK(sizeof(big) / sizeof(big[0]) >= 100);
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
	{
		char		buf[100];
		int			d;

		snprintf(buf, sizeof(buf), "Taro.Yamada@%s", big[i]);
		check(buf);
		if (v.syntax != BM_LIST_SYNTAX_OK || v.risk != BM_LIST_RISK_OK)
			unit_fail(__FILE__, __LINE__, "%s: %s", big[i], v.why);
		CHECK(bm_list_is_big_domain(big[i], strlen(big[i])));
		CHECK(bm_list_nearest_provider(big[i], strlen(big[i]), &d) == NULL);
		CHECK_INT(d, 0);
		for (size_t j = 0; j < i; j++)
		{
			if (strcmp(big[i], big[j]) == 0)
				unit_fail(__FILE__, __LINE__, "%s twice in big_domains.def", big[i]);
		}
	}
	CHECK(!bm_list_is_big_domain("gmail.co", 8));
	CHECK(!bm_list_is_big_domain("gmail.comm", 10));
}

TEST(list_check_near_domains_are_needed)
{
	/* each entry would be taken for a typo of exactly the big domain it names, without it */
	static const char *const near[][2] = {
#define BM_NEAR_DOMAIN(domain, near) {domain, near},
#include "near_domains.def"
#undef BM_NEAR_DOMAIN
	};

	for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++)
	{
		int			d;
		const char *p = bm_list_nearest_provider(near[i][0], strlen(near[i][0]), &d);

		CHECK_STR(p, near[i][1]);
		CHECK(d == 1 || d == 2);
		CHECK(!bm_list_is_big_domain(near[i][0], strlen(near[i][0])));
	}
}

/* ---- the data tables ---- */

TEST(list_check_role_table_sorted)
{
	static const char *const roles[] = {
#define BM_ROLE_ACCOUNT(local) local,
#include "role_accounts.def"
#undef BM_ROLE_ACCOUNT
	};
	size_t		n = sizeof(roles) / sizeof(roles[0]);

	CHECK(n >= 80);
	for (size_t i = 0; i < n; i++)
	{
		char		buf[100];

		if (i > 0 && strcmp(roles[i - 1], roles[i]) >= 0)
			unit_fail(__FILE__, __LINE__, "role_accounts.def: \"%s\" before \"%s\"", roles[i - 1], roles[i]);
		/* every entry is found, as itself, and has no '+' or upper case */
		snprintf(buf, sizeof(buf), "%s+x@company.co.jp", roles[i]);
		check(buf);
		if (v.role != roles[i])
			unit_fail(__FILE__, __LINE__, "role \"%s\" not found", roles[i]);
		CHECK(strpbrk(roles[i], "+@ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL);
	}
}

TEST(list_check_disposable_table)
{
	static const char *const disposable[] = {
#define BM_DISPOSABLE_DOMAIN(domain) domain,
#include "disposable_domains.def"
#undef BM_DISPOSABLE_DOMAIN
	};
	static const char *const near[] = {
#define BM_NEAR_DOMAIN(domain, near) domain,
#include "near_domains.def"
#undef BM_NEAR_DOMAIN
	};
	size_t		n = sizeof(disposable) / sizeof(disposable[0]);

	CHECK(n >= 5000);
	for (size_t i = 0; i < n; i++)
	{
		char		buf[300];

		if (i > 0 && strcmp(disposable[i - 1], disposable[i]) >= 0)
			unit_fail(__FILE__, __LINE__, "disposable_domains.def: \"%s\" before \"%s\"", disposable[i - 1],
					  disposable[i]);
		/* a valid domain, found as itself, and no big provider */
		snprintf(buf, sizeof(buf), "x@%s", disposable[i]);
		check(buf);
		if (v.syntax != BM_LIST_SYNTAX_OK || v.disposable != disposable[i])
			unit_fail(__FILE__, __LINE__, "disposable \"%s\": %s", disposable[i], v.why);
		if (bm_list_is_big_domain(disposable[i], strlen(disposable[i])))
			unit_fail(__FILE__, __LINE__, "big domain %s is on the disposable list", disposable[i]);
		for (size_t j = 0; j < sizeof(near) / sizeof(near[0]); j++)
		{
			if (strcmp(near[j], disposable[i]) == 0)
				unit_fail(__FILE__, __LINE__, "near domain %s is on the disposable list", near[j]);
		}
	}
}

TEST(list_check_tld_typo_table)
{
	static const char *const typos[][2] = {
#define BM_TLD_TYPO(wrong, right) {wrong, right},
#include "tld_typos.def"
#undef BM_TLD_TYPO
	};

	for (size_t i = 0; i < sizeof(typos) / sizeof(typos[0]); i++)
	{
		char		buf[100];

		/* one edit each, and what it fixes to is no typo itself */
		if (osa(typos[i][0], typos[i][1]) != 1)
			unit_fail(__FILE__, __LINE__, "%s -> %s is not one edit", typos[i][0], typos[i][1]);
		snprintf(buf, sizeof(buf), "x@example-shop.%s", typos[i][0]);
		check(buf);
		CHECK_INT(v.typo, BM_LIST_TYPO_TLD);
		CHECK(strlen(v.suggestion) == strlen("example-shop.") + strlen(typos[i][1]));
		snprintf(buf, sizeof(buf), "x@example-shop.%s", typos[i][1]);
		CHECK_NO_TYPO(buf);
	}
}

TEST(list_check_osa_reference)
{
	/* the reference distance used above */
	CHECK_INT(osa("gmail", "gmial"), 1);
	CHECK_INT(osa("gmail", "gmx"), 3);
	CHECK_INT(osa("ca", "abc"), 3);	/* OSA, not unrestricted Damerau-Levenshtein (2) */
	CHECK_INT(osa("", "abc"), 3);
}

/* ---- several findings, reuse, summary, names ---- */

TEST(list_check_several_findings)
{
	/* a role at a typo'd domain: the typo (BAD) explains the risk, the role is still reported */
	check("info@docomo.ne.jo");
	CHECK_STR(v.role, "info");
	CHECK_INT(v.typo, BM_LIST_TYPO_PROVIDER);
	CHECK_INT(v.risk, BM_LIST_RISK_BAD);
	CHECK_STR(v.why, "probably a typo of a big mailbox provider's domain");
	/* typo-squatting catch-alls are on the disposable list too: both are reported */
	check("jane@gmial.com");
	CHECK_STR(v.disposable, "gmial.com");
	CHECK_STR(v.suggestion, "gmail.com");
	/* a role at a disposable domain */
	check("admin@yopmail.com");
	CHECK_STR(v.role, "admin");
	CHECK_STR(v.why, "a disposable (throw-away) mailbox domain");
	/* a reserved domain is not also a typo */
	check("info@example.con");
	CHECK(v.reserved == NULL);
	CHECK_INT(v.typo, BM_LIST_TYPO_TLD);
}

TEST(list_check_verdict_reused)
{
	bm_list_verdict w;

	bm_list_check("info@gmial.com", 14, &w);
	CHECK(w.role != NULL && w.typo != BM_LIST_TYPO_NONE);
	bm_list_check("taro@docomo.ne.jp", 17, &w);
	CHECK(w.role == NULL && w.disposable == NULL && w.reserved == NULL);
	CHECK_INT(w.typo, BM_LIST_TYPO_NONE);
	CHECK_STR(w.suggestion, "");
	CHECK_INT(w.typo_distance, 0);
	CHECK_INT(w.risk, BM_LIST_RISK_OK);
	bm_list_check("\"x y\"@a.jp", 10, &w);
	CHECK(w.quoted_local);
	bm_list_check("bad", 3, &w);
	CHECK(!w.quoted_local);
	CHECK_INT(w.domain_off, 0);
}

TEST(list_check_summary)
{
	const char *const list[] = {
		"taro@docomo.ne.jp", "hanako@gmail.com", "info@company.co.jp", "jane@gmial.com", "x@mailinator.com",
		"not an address", "", "test@example.com", "jorg@b\xc3\xbc" "cher.de", "\"a b\"@company.co.jp",
		"sales@yopmail.com",
	};
	bm_list_summary sum;

	memset(&sum, 0, sizeof(sum));
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
	{
		bm_list_check(list[i], strlen(list[i]), &v);
		bm_list_summary_add(&sum, &v);
	}
	CHECK_INT(sum.total, 11);
	CHECK_INT(sum.valid, 8);
	CHECK_INT(sum.syntax[BM_LIST_SYNTAX_OK], 8);
	CHECK_INT(sum.syntax[BM_LIST_SYNTAX_NO_AT], 1);
	CHECK_INT(sum.syntax[BM_LIST_SYNTAX_BAD_LOCAL], 0);
	CHECK_INT(sum.syntax[BM_LIST_SYNTAX_EMPTY], 1);
	CHECK_INT(sum.syntax[BM_LIST_SYNTAX_NON_ASCII], 1);
	CHECK_INT(sum.role, 2);
	CHECK_INT(sum.disposable, 3);	/* gmial.com is a typo-squatting catch-all on the list */
	CHECK_INT(sum.typo, 1);
	CHECK_INT(sum.reserved, 1);
	CHECK_INT(sum.quoted_local, 1);
	CHECK_INT(sum.risk[BM_LIST_RISK_OK], 2);
	CHECK_INT(sum.risk[BM_LIST_RISK_WARN], 3);	/* info@, the quoted one, non-ASCII */
	CHECK_INT(sum.risk[BM_LIST_RISK_BAD], 6);
}

TEST(list_check_names)
{
	CHECK_STR(bm_list_syntax_name(BM_LIST_SYNTAX_OK), "ok");
	CHECK_STR(bm_list_syntax_name(BM_LIST_SYNTAX_BAD_DOMAIN), "bad_domain");
	CHECK_STR(bm_list_syntax_name(BM_LIST_SYNTAX_NON_ASCII), "non_ascii");
	CHECK_STR(bm_list_syntax_name(BM_LIST_SYNTAX_COUNT), "unknown");
	for (int s = 0; s < BM_LIST_SYNTAX_COUNT; s++)
		CHECK(strlen(bm_list_syntax_text((bm_list_syntax) s)) > 5);
	CHECK_STR(bm_list_risk_name(BM_LIST_RISK_OK), "ok");
	CHECK_STR(bm_list_risk_name(BM_LIST_RISK_WARN), "warn");
	CHECK_STR(bm_list_risk_name(BM_LIST_RISK_BAD), "bad");
	CHECK_STR(bm_list_typo_name(BM_LIST_TYPO_NONE), "none");
	CHECK_STR(bm_list_typo_name(BM_LIST_TYPO_PROVIDER), "provider");
	CHECK_STR(bm_list_typo_name(BM_LIST_TYPO_TLD), "tld");
}
