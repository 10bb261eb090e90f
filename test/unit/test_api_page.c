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
