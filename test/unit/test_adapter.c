/* test_adapter.c — the helpers shared by the provider adapters (src/core/providers/adapter.c): derived
 * ids (hashed and joined; the stored events are found again by them, so their bytes are fixed here),
 * integer text, the hard/soft verdict of Brevo's and Mandrill's event names. */
#include <stdint.h>

#include "unit.h"
#include "providers/adapter.h"

static char *
dup_str(bm_str s)
{
	static char buf[256];

	if (s.ptr == NULL)
		return NULL;
	memcpy(buf, s.ptr, s.len);
	buf[s.len] = '\0';
	return buf;
}

TEST(adapter_hashed_id)
{
	bm_ctx		c;

	memset(&c, 0, sizeof(c));
	/* FNV-1a 64 of "a@x.com|delivered||m1": an absent part hashes as empty, parts joined by '|' */
	CHECK_STR(dup_str(bm_hashed_id(&c, "sg:", (bm_str[]) {bm_str_lit("a@x.com"), bm_str_lit("delivered"),
		BM_STR_NULL, bm_str_lit("m1")}, 4)), "sg:f222aff25bb02a61");
	/* no part: the FNV offset basis; two empty parts: one separator */
	CHECK_STR(dup_str(bm_hashed_id(&c, "x:", NULL, 0)), "x:cbf29ce484222325");
	CHECK_STR(dup_str(bm_hashed_id(&c, "", (bm_str[]) {BM_STR_NULL, bm_str_lit("")}, 2)), "af63f14c8602103b");
	bm_sb_free(&c.id);
}

TEST(adapter_joined_id)
{
	bm_ctx		c;
	char		num[24];

	memset(&c, 0, sizeof(c));
	CHECK_STR(dup_str(bm_joined_id(&c, "list:", (bm_str[]) {bm_str_lit("bounce"), bm_str_lit("a@x.com"),
		bm_i64_str(num, 1700000000000000)}, 3)), "list:bounce:a@x.com:1700000000000000");
	CHECK_STR(dup_str(bm_joined_id(&c, "mj:", (bm_str[]) {BM_STR_NULL, bm_str_lit("sent"), bm_str_lit("17")}, 3)),
			  "mj::sent:17");
	CHECK_STR(dup_str(bm_joined_id(&c, "", (bm_str[]) {bm_str_lit("id")}, 1)), "id");
	/* each call starts afresh in the same buffer */
	CHECK_STR(dup_str(bm_joined_id(&c, "p", NULL, 0)), "p");
	bm_sb_free(&c.id);
}

TEST(adapter_i64_str_and_bounce_names)
{
	char		num[24];

	CHECK_STR(dup_str(bm_i64_str(num, 0)), "0");
	CHECK_STR(dup_str(bm_i64_str(num, -42)), "-42");
	CHECK_STR(dup_str(bm_i64_str(num, INT64_MIN)), "-9223372036854775808");
	CHECK_STR(dup_str(bm_i64_str(num, INT64_MAX)), "9223372036854775807");
	CHECK_INT(bm_bounce_name_flags(bm_str_lit("hard_bounce")), BM_EVF_PROVIDER_HARD);
	CHECK_INT(bm_bounce_name_flags(bm_str_lit("soft_bounce")), BM_EVF_PROVIDER_SOFT);
	CHECK_INT(bm_bounce_name_flags(bm_str_lit("hard_bounces")), 0);
	CHECK_INT(bm_bounce_name_flags(BM_STR_NULL), 0);
}
