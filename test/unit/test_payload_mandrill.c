/* test_payload_mandrill.c — Mandrill webhooks: the JSON array and the form-encoded body (providers/mandrill.c,
 * payload.c). */
#include <stdio.h>

#include "unit.h"
#include "payload_harness.h"

#define MD BM_PROVIDER_MANDRILL

/* application/x-www-form-urlencoded "mandrill_events=<json>" as Mandrill posts it ('+' for spaces). */
static char *
form_encode(const char *prefix, const char *json, size_t len, size_t *out_len)
{
	size_t		pl = strlen(prefix);
	char	   *out = malloc(pl + 3 * len + 1);
	size_t		n = pl;

	memcpy(out, prefix, pl);
	for (size_t i = 0; i < len; i++)
	{
		unsigned char ch = (unsigned char) json[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			ch == '-' || ch == '_' || ch == '.' || ch == '*')
			out[n++] = (char) ch;
		else if (ch == ' ')
			out[n++] = '+';
		else
			n += (size_t) sprintf(out + n, "%%%02X", ch);
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

static void
expect_hard_bounce(const cap_event *e, int line)
{
	expect_event(__FILE__, line, e, &(const ev_expect) {
		.type = BM_ET_BOUNCE, .email = "bounce@example.com", .at = INT64_C(1461095246000000),
			.id = "abcdef012345789abcdef012345789:hard_bounce:1461095246", .ptype = "hard_bounce",
			.psub = "bad_mailbox", .diag = "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
			.msgid = "abcdef012345789abcdef012345789", .flags = BM_EVF_PROVIDER_HARD | BM_EVF_DERIVED_ID});
}

TEST(mandrill_json_array)
{
	capture		c;

	capture_fixture(&c, "mandrill/mandrill_events_hard_bounce.json", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MD, 1, 0, 0);
	expect_hard_bounce(&c.ev[0], __LINE__);
	capture_free(&c);
}

TEST(mandrill_form_encoded_body)
{
	capture		c;
	size_t		len,
				flen;
	char	   *json = load_fixture("mandrill/mandrill_events_hard_bounce.json", &len);
	char	   *form = form_encode("mandrill_events=", json, len, &flen);

	capture_run(&c, form, flen, BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MD, 1, 0, 0);
	expect_hard_bounce(&c.ev[0], __LINE__);
	/* raw is the element's decoded JSON */
	CHECK(c.ev[0].raw && strncmp(c.ev[0].raw, "{\n    \"event\": \"hard_bounce\",", 29) == 0);
	capture_free(&c);

	capture_run(&c, form, flen, MD);
	CHECK_RUN(c, BM_PAYLOAD_OK, MD, 1, 0, 0);
	capture_free(&c);
	free(form);

	/* another field first, and the JSON already decoded into an object by some framework */
	form = form_encode("foo=bar&mandrill_events=", json, len, &flen);
	capture_run(&c, form, flen, BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MD, 1, 0, 0);
	capture_free(&c);
	free(form);
	free(json);
}

TEST(mandrill_form_errors_point_into_the_body)
{
	capture		c;
	const char *bad_pct = "mandrill_events=%5B%7";
	const char *bad_json = "mandrill_events=%5B%7B%22event%22%3A+%7D%5D";	/* [{"event": }] */
	const char *empty = "mandrill_events=%5B%5D";
	const char *other_form = "foo=bar";

	capture_run(&c, bad_pct, strlen(bad_pct), BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SYNTAX);
	CHECK_INT(c.err.offset, 19);
	capture_free(&c);

	capture_run(&c, bad_json, strlen(bad_json), BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SYNTAX);
	/* decoded [{"event": } fails at '}' (decoded offset 11) = body offset 37 ("%7D") */
	CHECK_INT(c.err.offset, 37);
	CHECK_STR(c.err.field, "mandrill_events");
	CHECK_INT(c.err.provider, MD);
	capture_free(&c);

	capture_run(&c, empty, strlen(empty), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MD, 0, 0, 0);
	capture_free(&c);

	/* a form without mandrill_events is not JSON ("f" starts "false", "o" is where it fails) */
	capture_run(&c, other_form, strlen(other_form), BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SYNTAX);
	CHECK_INT(c.err.offset, 1);
	capture_free(&c);
}

TEST(mandrill_event_types_sync_and_object_forms)
{
	capture		c;
	const char *p =
		"[{\"event\":\"soft_bounce\",\"_id\":\"i1\",\"ts\":1461095211,\"msg\":{\"email\":\"a@x.com\",\"_id\":\"i1\","
		"\"bounce_description\":\"mailbox_full\",\"ts\":1461095000}},"
		"{\"event\":\"deferral\",\"_id\":\"i2\",\"ts\":1461095211,\"msg\":{\"email\":\"a@x.com\",\"smtp_events\":["
		"{\"diag\":\"451 first\"},{\"diag\":\"451 4.7.1 later\"}]}},"
		"{\"event\":\"send\",\"_id\":\"i3\",\"msg\":{\"email\":\"a@x.com\",\"ts\":1461095000}},"
		"{\"event\":\"reject\",\"_id\":\"i4\",\"ts\":1461095211,\"msg\":{\"email\":\"a@x.com\"}},"
		"{\"type\":\"blacklist\",\"action\":\"add\",\"reject\":{\"email\":\"a@x.com\"}},"
		"{\"event\":\"spam\",\"_id\":\"i5\",\"ts\":1461095211}"
		"]";
	const char *obj = "{\"mandrill_events\":\"[{\\\"event\\\":\\\"open\\\",\\\"_id\\\":\\\"i\\\",\\\"ts\\\":1461095211,"
		"\\\"msg\\\":{\\\"email\\\":\\\"a@x.com\\\"}}]\"}";

	capture_run(&c, p, strlen(p), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MD, 4, 1, 1);
	EXPECT_EVENT(&c.ev[0], .type = BM_ET_BOUNCE, .email = "a@x.com", .at = INT64_C(1461095211000000),
				 .id = "i1:soft_bounce:1461095211", .ptype = "soft_bounce", .psub = "mailbox_full",
				 .diag = "mailbox_full", .msgid = "i1", .flags = BM_EVF_PROVIDER_SOFT | BM_EVF_DERIVED_ID);
	CHECK_INT(c.ev[1].ev.type, BM_ET_DEFERRED);
	CHECK_STR(c.ev[1].diag, "451 4.7.1 later");
	CHECK_INT(c.ev[2].ev.type, BM_ET_SENT);
	CHECK_INT(c.ev[2].ev.occurred_at, INT64_C(1461095000000000));	/* msg.ts when there is no ts */
	CHECK_STR(c.ev[2].id, "i3:send:1461095000");
	CHECK_INT(c.ev[3].ev.type, BM_ET_DROPPED);
	CHECK_STR(c.notes[0].kind, "mandrill_sync");
	CHECK_STR(c.notes[0].detail, "blacklist/add");
	CHECK_STR(c.rej[0].field, "msg");
	CHECK_INT(c.rej[0].index, 5);
	capture_free(&c);

	capture_run(&c, obj, strlen(obj), BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, MD, 1, 0, 0);
	CHECK_INT(c.ev[0].ev.type, BM_ET_OPEN);
	capture_free(&c);
}
