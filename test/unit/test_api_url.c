/* test_api_url.c — unit tests of the URL origin checks (src/core/api_url.c) that keep API keys on the
 * account's own host: origins, default ports, case, user info, scheme downgrades. */
#include "unit.h"
#include "api_url.h"

TEST(api_url_origin_len)
{
	CHECK_INT(bm_url_origin_len("https://api.sendgrid.com/v3/x?y=1"), 24);
	CHECK_INT(bm_url_origin_len("http://127.0.0.1:8080"), 21);
	CHECK_INT(bm_url_origin_len("HTTP://h?q"), 8);
	CHECK_INT(bm_url_origin_len("http://[::1]:80/a"), 15);
	CHECK_INT(bm_url_origin_len("ftp://h/x"), 0);
	CHECK_INT(bm_url_origin_len("http:///x"), 0);
	CHECK_INT(bm_url_origin_len("http://:80/x"), 0);
	CHECK_INT(bm_url_origin_len("https://api:key@h/x"), 0);
	CHECK_INT(bm_url_origin_len("http://h x/"), 0);
	CHECK_INT(bm_url_origin_len("/relative/path"), 0);
	CHECK_INT(bm_url_origin_len(""), 0);
	CHECK_INT(bm_url_origin_len(NULL), 0);
}

TEST(api_url_same_origin)
{
	CHECK(bm_url_same_origin("https://api.mailgun.net/v3/d/bounces", "https://API.Mailgun.NET/v3/d/bounces?page=x"));
	CHECK(bm_url_same_origin("https://h/a", "https://h:443/b"));
	CHECK(bm_url_same_origin("http://h:80/a", "http://h"));
	CHECK(bm_url_same_origin("http://127.0.0.1:5000/ok", "http://127.0.0.1:5000/other"));
	/* another host, another port, a downgrade to http, a look-alike host */
	CHECK(!bm_url_same_origin("https://api.mailgun.net/v3", "https://evil.example/v3"));
	CHECK(!bm_url_same_origin("http://127.0.0.1:5000/a", "http://127.0.0.1:5001/a"));
	CHECK(!bm_url_same_origin("https://h/a", "http://h/a"));
	CHECK(!bm_url_same_origin("https://api.mailgun.net/", "https://api.mailgun.net.evil.example/"));
	CHECK(!bm_url_same_origin("https://h/", "https://h@evil.example/"));
	CHECK(!bm_url_same_origin("https://h/", "/relative"));
	CHECK(!bm_url_same_origin("https://h:443/", "https://h:4430/"));
}

TEST(api_url_loopback_and_https)
{
	CHECK(bm_url_is_loopback("http://127.0.0.1:5000/n=1"));
	CHECK(bm_url_is_loopback("http://127.1.2.3/"));
	CHECK(bm_url_is_loopback("http://LOCALHOST:8080"));
	CHECK(bm_url_is_loopback("http://[::1]:80/a"));
	CHECK(bm_url_is_loopback("http://[::1]"));
	/* look-alikes and other hosts */
	CHECK(!bm_url_is_loopback("http://127.0.0.1.evil.example/"));
	CHECK(!bm_url_is_loopback("http://localhost.evil.example/"));
	CHECK(!bm_url_is_loopback("http://127.0.0/"));
	CHECK(!bm_url_is_loopback("http://127.0.0.256/"));
	CHECK(!bm_url_is_loopback("http://127.0.0.1./"));
	CHECK(!bm_url_is_loopback("http://128.0.0.1/"));
	CHECK(!bm_url_is_loopback("http://[::1x]/"));
	CHECK(!bm_url_is_loopback("http://[::2]/"));
	CHECK(!bm_url_is_loopback("http://api.sendgrid.com/"));
	CHECK(!bm_url_is_loopback("http://user@127.0.0.1/"));
	CHECK(!bm_url_is_loopback(NULL));
	CHECK(bm_url_is_https("https://api.sendgrid.com"));
	CHECK(bm_url_is_https("HTTPS://h/x"));
	CHECK(!bm_url_is_https("http://api.sendgrid.com"));
	CHECK(!bm_url_is_https("https:///x"));
}
