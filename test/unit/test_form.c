/* test_form.c — unit tests of the form-urlencoded helpers (src/core/form.c): field lookup, iteration
 * over empty pieces and names without '=', percent-decoding and its error offset. */
#include "unit.h"
#include "form.h"

TEST(form_find_first_exact_name)
{
	const char *b = "xmandrill_events=1&mandrill_events=%5B%5D&mandrill_events=2";
	size_t		vs,
				ve;

	CHECK(bm_form_find(b, strlen(b), "mandrill_events", &vs, &ve));
	CHECK_INT(vs, 35);
	CHECK_INT(ve, 41);
	CHECK(!bm_form_find(b, strlen(b), "events", &vs, &ve));
	CHECK(!bm_form_find("mandrill_events", 15, "mandrill_events", &vs, &ve));
}

TEST(form_iterate_fields)
{
	const char *b = "&a=1&&b&c=&=d&";
	bm_form_iter it;
	bm_str		n,
				v;
	const char *names[] = {"a", "b", "c", ""};
	const char *values[] = {"1", "", "", "d"};
	int			i = 0;

	bm_form_iter_init(&it, b, strlen(b));
	while (bm_form_next(&it, &n, &v))
	{
		CHECK(i < 4);
		if (i >= 4)
			break;
		CHECK_INT(n.len, strlen(names[i]));
		CHECK(memcmp(n.ptr, names[i], n.len) == 0);
		CHECK_INT(v.len, strlen(values[i]));
		CHECK(v.ptr != NULL && memcmp(v.ptr, values[i], v.len) == 0);
		i++;
	}
	CHECK_INT(i, 4);
	bm_form_iter_init(&it, NULL, 5);
	CHECK(!bm_form_next(&it, &n, &v));
}

TEST(form_decode)
{
	char		out[64];
	size_t		n = 0,
				bad = 0;

	CHECK(bm_form_decode("a+b%2Bc%e2%82%AC", 16, out, &n, &bad));
	CHECK_INT(n, 8);
	CHECK(memcmp(out, "a b+c\xe2\x82\xac", 8) == 0);
	CHECK(!bm_form_decode("ab%2", 4, out, &n, &bad));
	CHECK_INT(bad, 2);
	CHECK(!bm_form_decode("%zz", 3, out, &n, &bad));
	CHECK_INT(bad, 0);
	CHECK_INT(bm_form_encoded_offset("x=%41%42c", 2, 9, 2), 8);
}
