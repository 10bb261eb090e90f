/* test_api_page.c — unit tests of the API page reader (src/core/api_page.c): counts, totals, next links,
 * error messages, and bodies that are not JSON (truncated, HTML, trailing garbage). */
#include "unit.h"
#include "api_page.h"

static bm_api_page pg;

static bool
rd(const char *s)
{
	return bm_api_page_read(s, strlen(s), &pg);
}

TEST(api_page_sendgrid_list)
{
	CHECK(rd("[{\"created\": 1, \"email\": \"a@x.org\"}, {\"created\": 2, \"email\": \"b@x.org\"}]\n"));
	CHECK_INT(pg.items, 2);
	CHECK_INT(pg.total, -1);
	CHECK_STR(pg.next, "");
	CHECK(rd("[]"));
	CHECK_INT(pg.items, 0);
}

TEST(api_page_postmark_and_mailgun)
{
	CHECK(rd("{\"TotalCount\": 253, \"Bounces\": [{\"ID\": 1}, {\"ID\": 2}, {\"ID\": 3}]}"));
	CHECK_INT(pg.items, 3);
	CHECK_INT(pg.total, 253);
	CHECK(rd("{\"items\": [{\"address\": \"a@x.org\"}], \"paging\": {\"next\": \"http://h/v3/d/bounces?page=p2\", \"previous\": \"x\"}}"));
	CHECK_INT(pg.items, 1);
	CHECK_STR(pg.next, "http://h/v3/d/bounces?page=p2");
}

TEST(api_page_error_messages)
{
	CHECK(rd("{\"errors\": [{\"field\": null, \"message\": \"authorization required\"}]}"));
	CHECK_STR(pg.message, "authorization required");
	CHECK_INT(pg.items, -1);
	CHECK(rd("{\"ErrorCode\": 10, \"Message\": \"Bad or missing Server API token.\"}"));
	CHECK_STR(pg.message, "Bad or missing Server API token.");
	CHECK(rd("{\"message\": \"Invalid private key\"}"));
	CHECK_STR(pg.message, "Invalid private key");
}

TEST(api_page_not_json)
{
	CHECK(!rd("[{\"created\": 1, \"email\": \"a@x"));
	CHECK(!rd("<html><body>busy</body></html>"));
	CHECK(!rd("[1] [2]"));
	CHECK(!rd(""));
	/* nesting beyond the limit is refused, not recursed into */
	{
		char		deep[200];

		memset(deep, '[', 100);
		memset(deep + 100, ']', 100);
		CHECK(!bm_api_page_read(deep, sizeof(deep), &pg));
	}
}

TEST(api_page_postmark_window_facts)
{
	CHECK(rd("{\"TotalCount\": 3, \"Bounces\": ["
			 "{\"ID\": 9007199254740995, \"BouncedAt\": \"2026-01-01T00:00:02.0000000Z\"},"
			 "{\"ID\": 9007199254740994, \"BouncedAt\": \"2025-12-31T19:00:00.5-05:00\"},"
			 "{\"ID\": 9007199254740993, \"BouncedAt\": \"not a time\"}]}"));
	CHECK_STR(pg.first_id, "9007199254740995");
	/* 2025-12-31T19:00:00.5-05:00 is 2026-01-01T00:00:00.5Z, the earliest readable one */
	CHECK_INT(pg.oldest_us, 1767225600500000LL);
	CHECK(rd("{\"TotalCount\": 0, \"Bounces\": []}"));
	CHECK_STR(pg.first_id, "");
	CHECK_INT(pg.oldest_us, -1);
	/* string IDs of digits are taken, anything else is not */
	CHECK(rd("{\"Bounces\": [{\"ID\": \"42\"}]}"));
	CHECK_STR(pg.first_id, "42");
	CHECK(rd("{\"Bounces\": [{\"ID\": \"4 2\"}]}"));
	CHECK_STR(pg.first_id, "");
	CHECK(rd("{\"Bounces\": [{\"ID\": -1}]}"));
	CHECK_STR(pg.first_id, "");
	/* SendGrid lists say nothing about it */
	CHECK(rd("[{\"created\": 1, \"email\": \"a@x.org\"}]"));
	CHECK_STR(pg.first_id, "");
	CHECK_INT(pg.oldest_us, -1);
}

TEST(api_page_postmark_order)
{
	CHECK(rd("{\"Bounces\": [{\"BouncedAt\": \"2026-01-01T00:00:09Z\"}, {\"BouncedAt\": \"2026-01-01T00:00:09Z\"},"
			 "{\"BouncedAt\": \"x\"}, {\"BouncedAt\": \"2026-01-01T00:00:01Z\"}]}"));
	CHECK(pg.newest_first);
	CHECK(rd("{\"Bounces\": [{\"BouncedAt\": \"2026-01-01T00:00:01Z\"}, {\"BouncedAt\": \"2026-01-01T00:00:02Z\"}]}"));
	CHECK(!pg.newest_first);
}

TEST(api_page_postmark_inactive_id)
{
	const char *body =
		"{\"TotalCount\": 3, \"Bounces\": ["
		"{\"ID\": 11, \"Email\": \"xjane@example.org\", \"Inactive\": true},"
		"{\"ID\": 12, \"Email\": \"Jane@Example.org\", \"Inactive\": false},"
		"{\"ID\": 9007199254740993, \"Email\": \"jane@example.org\", \"Inactive\": true}]}";
	char		id[24];

	/* emailFilter matched a longer address and an active bounce: only the exact, inactive one counts */
	CHECK(bm_api_page_postmark_inactive_id(body, strlen(body), "JANE@example.org", id, sizeof(id)));
	CHECK_STR(id, "9007199254740993");
	CHECK(!bm_api_page_postmark_inactive_id(body, strlen(body), "jan@example.org", id, sizeof(id)));
	CHECK_STR(id, "");
	/* too small a buffer is no answer, not a cut-off ID */
	CHECK(!bm_api_page_postmark_inactive_id(body, strlen(body), "jane@example.org", id, 5));
	CHECK(!bm_api_page_postmark_inactive_id("{\"Bounces\": [", 13, "jane@example.org", id, sizeof(id)));
	CHECK(!bm_api_page_postmark_inactive_id("[]", 2, "jane@example.org", id, sizeof(id)));
}

TEST(api_page_shared_json_layer)
{
	/* read through the core's JSON layer: integer IDs keep their exact digits, even beyond 64 bits */
	CHECK(rd("{\"Bounces\": [{\"ID\": 18446744073709551616}]}"));
	CHECK_STR(pg.first_id, "18446744073709551616");
	CHECK(rd("{\"TotalCount\": 9223372036854775807, \"Bounces\": []}"));
	CHECK_INT(pg.total, 9223372036854775807LL);
	/* the literal null and bodies that are not valid UTF-8 are not pages */
	CHECK(!rd("null"));
	CHECK(!rd("{\"message\": \"bad \xff\xfe bytes\"}"));
	/* an embedded NUL ends a copied string */
	CHECK(bm_api_page_read("{\"message\": \"a\\u0000b\"}", 23, &pg));
	CHECK_STR(pg.message, "a");
}

TEST(api_page_ses_suppression_list)
{
	char		long_token[BM_API_PAGE_TOKEN_MAX + 64];
	char		body[BM_API_PAGE_TOKEN_MAX + 128];

	CHECK(rd("{\"SuppressedDestinationSummaries\": [{\"EmailAddress\": \"a@x.org\", \"Reason\": \"BOUNCE\"},"
			 "{\"EmailAddress\": \"b@x.org\", \"Reason\": \"COMPLAINT\"}], \"NextToken\": \"AAEC+/==\"}"));
	CHECK_INT(pg.items, 2);
	CHECK_STR(pg.next_token, "AAEC+/==");
	CHECK(!pg.next_token_too_long);
	CHECK_STR(pg.next, "");
	/* the last page has no token; an empty page may have one */
	CHECK(rd("{\"SuppressedDestinationSummaries\": []}"));
	CHECK_INT(pg.items, 0);
	CHECK_STR(pg.next_token, "");
	CHECK(rd("{\"SuppressedDestinationSummaries\": [], \"NextToken\": \"t2\"}"));
	CHECK_INT(pg.items, 0);
	CHECK_STR(pg.next_token, "t2");
	/* a token that would not fit, or holds a NUL, is never cut: it is said to be there */
	memset(long_token, 'A', BM_API_PAGE_TOKEN_MAX + 1);
	long_token[BM_API_PAGE_TOKEN_MAX + 1] = '\0';
	snprintf(body, sizeof(body), "{\"SuppressedDestinationSummaries\": [], \"NextToken\": \"%s\"}", long_token);
	CHECK(rd(body));
	CHECK_STR(pg.next_token, "");
	CHECK(pg.next_token_too_long);
	long_token[BM_API_PAGE_TOKEN_MAX] = '\0';
	snprintf(body, sizeof(body), "{\"SuppressedDestinationSummaries\": [], \"NextToken\": \"%s\"}", long_token);
	CHECK(rd(body));
	CHECK_INT(strlen(pg.next_token), BM_API_PAGE_TOKEN_MAX);
	CHECK(!pg.next_token_too_long);
	CHECK(rd("{\"SuppressedDestinationSummaries\": [], \"NextToken\": \"a\\u0000b\"}"));
	CHECK_STR(pg.next_token, "");
	CHECK(pg.next_token_too_long);
	/* SES's error bodies: {"message": ...} */
	CHECK(rd("{\"message\": \"The request signature we calculated does not match the signature you provided.\"}"));
	CHECK_STR(pg.message, "The request signature we calculated does not match the signature you provided.");
	CHECK_INT(pg.items, -1);
}
