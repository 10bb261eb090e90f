/* test_payload_driver.c — the payload driver on bad input: syntax errors and truncation with exact offsets,
 * nesting limits, wrong shapes, strict JSON, UTF-8, BOM, parser reuse, a sink that longjmps (payload.c). */
#include <setjmp.h>
#include <stdlib.h>

#include "unit.h"
#include "payload_harness.h"

static void
run_str(capture *c, const char *p, bm_provider prov)
{
	capture_run(c, p, strlen(p), prov);
}

TEST(driver_not_json)
{
	capture		c;

	run_str(&c, "hello", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SYNTAX);
	CHECK_INT(c.err.offset, 0);
	CHECK_STR(c.err.message, "invalid JSON at byte 0: unexpected character");
	capture_free(&c);

	run_str(&c, "", BM_PROVIDER_SENDGRID);
	CHECK_INT(c.status, BM_PAYLOAD_SYNTAX);
	CHECK_INT(c.err.offset, 0);
	CHECK_STR(c.err.message, "invalid JSON at byte 0: empty payload");
	capture_free(&c);

	run_str(&c, " \r\n\t ", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SYNTAX);
	CHECK_INT(c.err.offset, 5);
	capture_free(&c);

	capture_run(&c, NULL, 0, BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SYNTAX);
	capture_free(&c);

	run_str(&c, "<html>502 Bad Gateway</html>", BM_PROVIDER_SES);
	CHECK_INT(c.status, BM_PAYLOAD_SYNTAX);
	CHECK_INT(c.err.offset, 0);
	capture_free(&c);
}

TEST(driver_syntax_errors_have_exact_offsets)
{
	static const struct
	{
		const char *json;
		size_t		offset;
	}			cases[] = {
		{"[1,]", 3},
		{"[1 2]", 3},
		{"[] x", 3},
		{"{} {}", 3},
		{"[{\"a\":1,}]", 8},
		{"[{\"a\" 1}]", 6},
		{"[{a:1}]", 2},
		{"['x']", 1},
		{"[-NaN]", 2},
		{"[nan]", 2},
		{"[01]", 3},					/* json-c: where the number ends */
		{"[1e]", 3},
		{"[.5]", 1},
		{"[+1]", 1},
		{"[tru]", 4},
		{"[True]", 1},
		{"[nul", 4},
		{"[\"\\x\"]", 3},
		{"[\"\\u12G4\"]", 6},
		{"[\"\xff\"]", 2},
		{"[\"a\xc3\x28\"]", 3},
		{"[\"\xed\xa0\x80\"]", 2},	/* UTF-8-encoded surrogate */
		{"[\"\xc0\xaf\"]", 2},		/* overlong */
		{"[\"\xf4\x90\x80\x80\"]", 2},	/* > U+10FFFF */
		{"[\"\xff\" x]", 2},			/* bad UTF-8 before a syntax error comes first */
		{"[\"\xe2\x82\"]", 2},			/* a cut sequence before the quote */
		{"[\v1]", 1},					/* only JSON white space */
		{"[1,\f2]", 3},
		{"[/* c */]", 1},
		{"\xef\xbb\xbf[1 x]", 6},		/* offsets count the BOM */
		{"[\"abc", 5},
		{"[\"a\xc3", 4},				/* truncated inside a UTF-8 sequence: end of input */
		{"[1", 2},
		{"[", 1},
		{"{\"a\":", 5},
	};

	/* json-c takes a NUL byte for the end of the input: an error at the NUL, wherever it is */
	static const struct
	{
		const char *json;
		size_t		len;
		size_t		offset;
	}			nuls[] = {
		{"[1\0,2]", 6, 2},
		{"[1\0]", 4, 2},
		{"[\"a\0b\"]", 7, 3},
		{"[{\"a\0\":1}]", 10, 4},
		{"[tr\0ue]", 8, 3},
		{"[1]\0", 4, 3},
		{"{\"a\":1}\0", 8, 7},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		capture		c;

		run_str(&c, cases[i].json, BM_PROVIDER_SENDGRID);
		if (c.status != BM_PAYLOAD_SYNTAX || c.err.offset != cases[i].offset)
			unit_fail(__FILE__, __LINE__, "case %zu \"%s\": status %d offset %zu, expected SYNTAX at %zu (%s)",
					  i, cases[i].json, c.status, c.err.offset, cases[i].offset, c.err.message);
		capture_free(&c);
	}
	for (size_t i = 0; i < sizeof(nuls) / sizeof(nuls[0]); i++)
	{
		capture		c;

		capture_run(&c, nuls[i].json, nuls[i].len, BM_PROVIDER_SENDGRID);
		if (c.status != BM_PAYLOAD_SYNTAX || c.err.offset != nuls[i].offset)
			unit_fail(__FILE__, __LINE__, "NUL case %zu: status %d offset %zu, expected SYNTAX at %zu (%s)",
					  i, c.status, c.err.offset, nuls[i].offset, c.err.message);
		capture_free(&c);
	}
}

/*
 * What json-c 0.16 accepts beyond RFC 8259 even in strict mode, and the driver therefore accepts (see
 * json/json.c): NaN / Infinity / -Infinity, "1.", leading zeros in "00" and after '-', raw control
 * characters in strings, lone surrogates in \u escapes (U+FFFD).  Harmless for events; jsonb refuses
 * some of these raw texts, and the storage layer quarantines such elements.
 */
TEST(driver_json_c_leniency)
{
	capture		c;
	const char *p = "[{\"event\":\"bounce\",\"email\":\"a@x.com\",\"timestamp\":1,\"sg_event_id\":\"e\","
		"\"reason\":\"a\tb \\ud800 \\udc00\\ud800\\u0041\",\"x\":[NaN,Infinity,-Infinity,1.,1.e5,00,-01,-0]},"
		"{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":NaN},"
		"{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":-Infinity},"
		"{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":1.,\"sg_event_id\":\"f\"}]";

	run_str(&c, p, BM_PROVIDER_SENDGRID);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 1, 3, 0);
	CHECK_STR(c.ev[0].diag, "a\tb \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd" "A");
	CHECK(strstr(c.ev[0].raw, "[NaN,Infinity,-Infinity,1.,1.e5,00,-01,-0]") != NULL);	/* raw: the source */
	for (size_t i = 0; i < c.nrej; i++)
	{
		/* the timestamp parser wants digits: NaN, -Infinity and "1." are not times */
		CHECK_INT(c.rej[i].index, i + 1);
		CHECK_STR(c.rej[i].field, "timestamp");
		CHECK(strncmp(c.rej[i].reason, "unparseable timestamp: ", 23) == 0);
	}
	capture_free(&c);
}

/* Cuts every fixture at every byte: the result is a syntax error at an offset <= the cut (or OK when
 * only trailing white space was cut), and the events passed before the error are a prefix of the
 * events of the whole payload. */
static void
truncate_everywhere(const char *rel)
{
	size_t		len;
	char	   *full = load_fixture(rel, &len);
	capture		whole;
	size_t		end = len;
	bm_parser  *p = bm_parser_create();
	bm_payload_opts opts = {BM_PROVIDER_AUTO, 0, false, 0};
	int			failures = 0;

	capture_run(&whole, full, len, BM_PROVIDER_AUTO);
	while (end > 0 && (full[end - 1] == '\n' || full[end - 1] == '\r' || full[end - 1] == ' '))
		end--;
	for (size_t k = 0; k < len; k++)
	{
		capture		c;
		char	   *cut = malloc(k ? k : 1);	/* exact size: ASan sees any read past the cut */

		memcpy(cut, full, k);
		opts.provider = whole.detected;
		capture_run_with(&c, p, cut, k, &opts);
		if (k >= end)
		{
			if (c.status != whole.status)
			{
				unit_fail(__FILE__, __LINE__, "%s cut at %zu: status %d", rel, k, c.status);
				failures++;
			}
		}
		else if (c.status != BM_PAYLOAD_SYNTAX || c.err.offset != k)
		{
			/* a cut payload is always "unexpected end of input" exactly at the cut */
			unit_fail(__FILE__, __LINE__, "%s cut at %zu: status %d offset %zu (%s)", rel, k, c.status,
					  c.err.offset, c.err.message);
			failures++;
		}
		if (c.nev > whole.nev || c.invariant_failures)
		{
			unit_fail(__FILE__, __LINE__, "%s cut at %zu: %zu events", rel, k, c.nev);
			failures++;
		}
		for (size_t i = 0; i < c.nev && i < whole.nev; i++)
		{
			if (strcmp(c.ev[i].id, whole.ev[i].id) != 0)
			{
				unit_fail(__FILE__, __LINE__, "%s cut at %zu: event %zu differs", rel, k, i);
				failures++;
			}
		}
		capture_free(&c);
		free(cut);
		if (failures > 5)
			break;
	}
	bm_parser_destroy(p);
	capture_free(&whole);
	free(full);
}

TEST(driver_truncation_at_every_byte)
{
	static const char *const fixtures[] = {
		"sendgrid/event_webhook_batch_docs.json",
		"sendgrid/event_webhook_batch_anymail.json",
		"sendgrid/signed_event_webhook/body.raw",
		"sendgrid/suppression_blocks_list_response.json",
		"ses/sns_notification_bounce_permanent_with_dsn_anymail.json",
		"ses/raw_bounce_permanent_no_dsn_two_recipients_awsdoc.json",
		"ses/eventpub_delivery_delay_awsdoc.json",
		"mailgun/events_api_page_failed.json",
		"mailgun/bounces_api_list.json",
		"postmark/webhook_bounce_hard_docs.json",
		"postmark/bounces_api_list.json",
		"sparkpost/webhook_batch_bounce_and_delay.json",
		"mailjet/webhook_bounce_and_blocked_grouped.json",
		"brevo/webhook_hard_bounce.json",
		"mandrill/mandrill_events_hard_bounce.json",
	};

	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		truncate_everywhere(fixtures[i]);
}

TEST(driver_nesting_limits)
{
	capture		c;
	size_t		n = 100000;
	char	   *deep = malloc(2 * n + 1);

	/* 100000 '[': too deep at the 65th bracket (the default limit is 64 levels), no recursion */
	memset(deep, '[', n);
	capture_run(&c, deep, n, BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_TOO_DEEP);
	CHECK_INT(c.err.offset, 64);
	CHECK_STR(c.err.field, "$[0]");
	capture_free(&c);

	/* 64 levels are fine (and an array of arrays is then rejected element by element) */
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	capture_run(&c, deep, 128, BM_PROVIDER_SENDGRID);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 0, 1, 0);
	capture_free(&c);

	/* objects nested 100000 deep */
	{
		size_t		k = 0;

		for (size_t i = 0; i < 20000; i++)
		{
			memcpy(deep + k, "{\"a\":", 5);
			k += 5;
		}
		capture_run(&c, deep, k, BM_PROVIDER_AUTO);
		CHECK_INT(c.status, BM_PAYLOAD_TOO_DEEP);
		CHECK_INT(c.err.offset, 64 * 5);
		capture_free(&c);
	}

	/* a caller-chosen limit */
	{
		bm_parser  *p = bm_parser_create();
		bm_payload_opts opts = {BM_PROVIDER_SENDGRID, 2, true, 0};
		const char *ok = "[{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":1}]";
		const char *deeper = "[{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":1,\"x\":[]}]";

		capture_run_with(&c, p, ok, strlen(ok), &opts);
		CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 1, 0, 0);
		capture_free(&c);
		capture_run_with(&c, p, deeper, strlen(deeper), &opts);
		CHECK_INT(c.status, BM_PAYLOAD_TOO_DEEP);
		CHECK_INT(c.err.offset, strlen(deeper) - 4);	/* the "[" of "x" */
		capture_free(&c);
		bm_parser_destroy(p);
	}

	/* JSON nested in an SNS Message string has the same limit: the envelope is rejected */
	{
		char	   *sns = malloc(300 + 2 * 200);
		size_t		k = (size_t) sprintf(sns, "{\"Type\":\"Notification\",\"MessageId\":\"x\",\"Message\":\"{\\\"a\\\":");

		for (int i = 0; i < 100; i++)
			sns[k++] = '[';
		strcpy(sns + k, "\"}");
		capture_run(&c, sns, strlen(sns), BM_PROVIDER_AUTO);
		CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SES, 0, 1, 0);
		CHECK_STR(c.rej[0].reason, "nested JSON too deep at byte 68: nesting too deep");
		capture_free(&c);
		free(sns);
	}
	free(deep);
}

TEST(driver_shapes)
{
	capture		c;

	run_str(&c, "\"just a string\"", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_STR(c.err.field, "$");
	CHECK_STR(c.err.message, "provider payloads are a JSON array or object, got a JSON string");
	capture_free(&c);

	run_str(&c, "42", BM_PROVIDER_POSTMARK);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_INT(c.err.provider, BM_PROVIDER_POSTMARK);
	CHECK_STR(c.err.message, "Postmark payloads are a JSON array or object, got a JSON number");
	capture_free(&c);

	run_str(&c, "null", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	capture_free(&c);

	run_str(&c, "[{\"foo\":1}]", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_UNDETECTED);
	CHECK_STR(c.err.field, "$[0]");
	CHECK_INT(c.err.provider, BM_PROVIDER_AUTO);
	CHECK_INT(c.detected, BM_PROVIDER_AUTO);
	capture_free(&c);

	run_str(&c, "[1, {\"event\":\"open\"}]", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_UNDETECTED);
	capture_free(&c);

	/* an API error body instead of events: its message quoted, without and with the named provider */
	run_str(&c, "{\"errors\":[{\"message\":\"authorization required\"}]}", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_UNDETECTED);
	CHECK_STR(c.err.message, "the payload is an API error response (\"authorization required\"), not events");
	capture_free(&c);
	run_str(&c, "{\"errors\":[{\"message\":\"authorization required\"}]}", BM_PROVIDER_SENDGRID);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_STR(c.err.message,
			  "SendGrid: the payload is an API error response (\"authorization required\"), not events");
	CHECK_STR(c.err.field, "$");
	capture_free(&c);

	run_str(&c, "{\"foo\":1}", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_UNDETECTED);
	CHECK_STR(c.err.message, "cannot tell the provider from the JSON object's members; pass one of: sendgrid, ses, "
			  "mailgun, postmark, generic, sparkpost, mailjet, brevo, mandrill");
	capture_free(&c);

	run_str(&c, "[{\"msys\":{}}]", BM_PROVIDER_POSTMARK);
	CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
	CHECK_STR(c.err.message, "Postmark payloads are a JSON object (a webhook record, or a Bounces API page "
			  "{TotalCount, Bounces}); got a JSON array");
	capture_free(&c);
}

TEST(driver_empty_array_bom_whitespace)
{
	capture		c;

	run_str(&c, "[]", BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_AUTO, 0, 0, 0);
	capture_free(&c);

	run_str(&c, " \n[ \t\r\n ] \n", BM_PROVIDER_SENDGRID);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 0, 0, 0);
	capture_free(&c);

	run_str(&c, "\xef\xbb\xbf\r\n[{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":1,\"sg_event_id\":\"e\"}]\r\n",
			BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 1, 0, 0);
	CHECK_STR(c.ev[0].raw, "{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":1,\"sg_event_id\":\"e\"}");
	capture_free(&c);

	/* a BOM alone, or in the middle, is not JSON white space */
	run_str(&c, "\xef\xbb\xbf", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SYNTAX);
	capture_free(&c);
	run_str(&c, "[\xef\xbb\xbf]", BM_PROVIDER_AUTO);
	CHECK_INT(c.status, BM_PAYLOAD_SYNTAX);
	CHECK_INT(c.err.offset, 1);
	capture_free(&c);
}

TEST(driver_duplicate_keys_nul_huge_numbers)
{
	capture		c;
	/* the last of duplicate members wins (as in JSON.parse and jsonb) */
	const char *dup = "[{\"event\":\"bounce\",\"email\":\"first@x.com\",\"email\":\"second@x.com\",\"timestamp\":1,"
		"\"timestamp\":1513299569,\"sg_event_id\":\"e\"}]";
	/* \u0000: a text field is cut there (PostgreSQL text cannot hold NUL); an address with NUL is invalid */
	const char *nul = "[{\"event\":\"bounce\",\"email\":\"a@x.com\",\"timestamp\":1,\"reason\":\"abc\\u0000def\","
		"\"sg_event_id\":\"e\"},{\"event\":\"bounce\",\"email\":\"a@x.com\\u0000b\",\"timestamp\":1}]";
	const char *huge = "[{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":1e400},"
		"{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":-99999999999999999999999999},"
		"{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":99999999999999999999999999999999999},"
		"{\"event\":\"deferred\",\"email\":\"a@x.com\",\"timestamp\":1,\"attempt\":99999999999999999999},"
		"{\"event\":\"open\",\"email\":\"a@x.com\",\"timestamp\":1.5e9}]";
	const char *escapes = "[{\"event\":\"bounce\",\"email\":\"\\u0041\\u00e9@x.com\",\"timestamp\":1,"
		"\"reason\":\"\\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\",\"sg_event_id\":\"e\"}]";

	run_str(&c, dup, BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 1, 0, 0);
	CHECK_STR(c.ev[0].email, "second@x.com");
	CHECK_INT(c.ev[0].ev.occurred_at, INT64_C(1513299569000000));
	capture_free(&c);

	run_str(&c, nul, BM_PROVIDER_SENDGRID);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 1, 1, 0);
	CHECK_STR(c.ev[0].diag, "abc");
	CHECK_STR(c.rej[0].field, "email");
	capture_free(&c);

	run_str(&c, huge, BM_PROVIDER_SENDGRID);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 2, 3, 0);
	CHECK_STR(c.rej[0].reason, "unparseable timestamp: timestamp outside 1970..2100");
	CHECK_STR(c.rej[1].reason, "unparseable timestamp: timestamp outside 1970..2100");
	CHECK_STR(c.rej[2].reason, "unparseable timestamp: timestamp outside 1970..2100");
	CHECK_INT(c.ev[0].ev.attempt, 0);	/* out of range: ignored */
	CHECK_INT(c.ev[1].ev.occurred_at, INT64_C(1500000000000000));
	capture_free(&c);

	run_str(&c, escapes, BM_PROVIDER_SENDGRID);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 1, 0, 0);
	CHECK_STR(c.ev[0].email, "a\xc3\xa9@x.com");
	CHECK_STR(c.ev[0].email_original, "A\xc3\xa9@x.com");
	CHECK_STR(c.ev[0].diag, "\xf0\x9f\x98\x80 \"q\" \\ / \b\f\n\r\t");
	capture_free(&c);
}

/*
 * json-c gives integers beyond 64 bits as INT64_MIN / UINT64_MAX; the parser puts their source text back
 * (ids keep their digits).  When json-c collapsed a repeated member name the nodes cannot be matched with
 * the text: an element whose integer changed is then rejected, never used with another value.
 */
TEST(driver_integers_beyond_64_bits)
{
	capture		c;
	const char *p =
		"[{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1,\"id\":-123456789012345678901234567890,"
		"\"n\":[18446744073709551615,18446744073709551616,-9223372036854775808,-9223372036854775809,1e999]},"
		"{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1,\"id\":18446744073709551616,\"x\":1,\"x\":2},"
		"{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1,\"id\":-00009223372036854775809},"
		"{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1,\"id\":18446744073709551615,\"x\":1,\"x\":2},"
		"{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1,\"id\":-9223372036854775808},"
		"{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1,\"id\":9223372036854775807},"
		"{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1,\"id\":-0}]";

	run_str(&c, p, BM_PROVIDER_GENERIC);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_GENERIC, 6, 1, 0);
	CHECK_STR(c.ev[0].id, "-123456789012345678901234567890");
	CHECK_STR(c.ev[1].id, "-00009223372036854775809");
	CHECK_STR(c.ev[2].id, "18446744073709551615");	/* exactly UINT64_MAX: json-c's value is right */
	CHECK_STR(c.ev[3].id, "-9223372036854775808");
	CHECK_STR(c.ev[4].id, "9223372036854775807");
	CHECK_STR(c.ev[5].id, "0");		/* json-c's integer: -0 is 0 */
	CHECK_INT(c.rej[0].index, 1);
	CHECK_STR(c.rej[0].reason, "integer outside the 64-bit range");
	CHECK_STR(c.rej[0].field, "");
	CHECK(strncmp(c.rej[0].raw, "{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1,\"id\":18446744073709551616,", 67) == 0);
	capture_free(&c);

	/* an item of an API page gets json-c's serialization as raw, or the whole page when that would
	 * write a changed integer */
	{
		const char *page = "{\"TotalCount\":2,\"Bounces\":["
			"{\"ID\":1,\"Type\":\"HardBounce\",\"TypeCode\":1,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"},"
			"{\"ID\":99999999999999999999,\"Type\":\"HardBounce\",\"TypeCode\":1,\"Email\":\"b@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"}"
			"]}";

		run_str(&c, page, BM_PROVIDER_POSTMARK);
		CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_POSTMARK, 2, 0, 0);
		CHECK_STR(c.ev[0].raw, "{\"ID\":1,\"Type\":\"HardBounce\",\"TypeCode\":1,\"Email\":\"a@x.com\",\"BouncedAt\":\"2024-01-02T03:04:05Z\"}");
		CHECK_STR(c.ev[1].id, "99999999999999999999");
		CHECK_STR(c.ev[1].raw, page);
		capture_free(&c);
	}

	/* a top-level object is rejected the same way, and so is JSON nested in a string (an integer in a
	 * member json-c dropped for a later one of the same name changed nothing: no reject for that) */
	run_str(&c, "{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1,\"id\":1e3,\"a\":-99999999999999999999,\"b\":0,\"b\":1}",
			BM_PROVIDER_GENERIC);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_GENERIC, 0, 1, 0);
	CHECK_STR(c.rej[0].reason, "integer outside the 64-bit range");
	capture_free(&c);
	run_str(&c, "{\"Type\":\"Notification\",\"MessageId\":\"x\",\"Message\":\"{\\\"a\\\":99999999999999999999,\\\"b\\\":1,\\\"b\\\":1}\"}",
			BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SES, 0, 1, 0);
	CHECK_STR(c.rej[0].reason, "nested JSON invalid at byte 5: integer outside the 64-bit range");
	capture_free(&c);
}

TEST(driver_parser_reuse_and_keep_raw)
{
	bm_parser  *p = bm_parser_create();
	bm_payload_opts opts = {BM_PROVIDER_AUTO, 0, false, 0};
	capture		a,
				b;
	size_t		len1,
				len2;
	char	   *f1 = load_fixture("sendgrid/event_webhook_batch_docs.json", &len1);
	char	   *f2 = load_fixture("ses/sns_notification_bounce_permanent_with_dsn_anymail.json", &len2);

	for (int round = 0; round < 3; round++)
	{
		capture_run_with(&a, p, f1, len1, &opts);
		CHECK_RUN(a, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, 12, 0, 0);
		CHECK(a.ev[0].raw == NULL);	/* keep_raw off */
		capture_free(&a);
		capture_run_with(&b, p, f2, len2, &opts);
		CHECK_RUN(b, BM_PAYLOAD_OK, BM_PROVIDER_SES, 1, 0, 0);
		capture_free(&b);
		capture_run_with(&b, p, "[{\"a\":", 6, &opts);
		CHECK_INT(b.status, BM_PAYLOAD_SYNTAX);
		capture_free(&b);
	}
	bm_parser_destroy(p);
	bm_parser_destroy(NULL);
	free(f1);
	free(f2);
}

TEST(driver_invalid_arguments)
{
	bm_parser  *p = bm_parser_create();
	bm_sink		nosink = {NULL, NULL, NULL, NULL};
	bm_payload_error err;
	bm_provider det;
	bm_payload_opts bad = {(bm_provider) 42, 0, false, 0};

	CHECK_INT(bm_parse_payload(NULL, "[]", 2, NULL, &nosink, &det, &err), BM_PAYLOAD_SHAPE);
	CHECK_INT(bm_parse_payload(p, "[]", 2, NULL, &nosink, &det, &err), BM_PAYLOAD_SHAPE);
	CHECK_STR(err.message, "invalid arguments");
	{
		capture		c;

		capture_run_with(&c, p, "[]", 2, &bad);
		CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
		CHECK_STR(c.err.message, "unknown provider");
		capture_free(&c);
	}
	{
		/* bounce emails are not JSON payloads: a clear refusal, not a NULL adapter */
		capture		c;
		bm_payload_opts email = {BM_PROVIDER_EMAIL, 0, false, 0};

		capture_run_with(&c, p, "[]", 2, &email);
		CHECK_INT(c.status, BM_PAYLOAD_SHAPE);
		CHECK(strstr(c.err.message, "ingest_email()") != NULL);
		capture_free(&c);
	}
	bm_parser_destroy(p);
}

/* A sink that longjmps out of the parser, as PostgreSQL's ereport(ERROR) does; the parser must then be
 * destroyable (LSan checks nothing leaks) and even reusable. */
static jmp_buf escape;
static int	escape_after;

static void
jumping_event(void *ctx, const bm_event *ev)
{
	(void) ctx;
	(void) ev;
	if (--escape_after == 0)
		longjmp(escape, 1);
}

static void
jumping_reject(void *ctx, const bm_reject *r)
{
	(void) ctx;
	(void) r;
	longjmp(escape, 2);
}

TEST(driver_sink_may_longjmp)
{
	size_t		len;
	char	   *f = load_fixture("mailgun/events_api_page_failed.json", &len);
	char	   *big;
	size_t		n = 0;
	bm_sink		sink = {NULL, jumping_event, jumping_reject, NULL};
	bm_payload_opts opts = {BM_PROVIDER_AUTO, 0, true, 0};

	/* a batch with long strings, so the arena holds several chunks when the sink jumps */
	big = malloc(40 * 16100 + 16);
	n += (size_t) sprintf(big, "[");
	for (int i = 0; i < 40; i++)
	{
		n += (size_t) sprintf(big + n, "%s{\"event\":\"bounce\",\"email\":\"a%d@x.com\",\"timestamp\":1,\"reason\":\"",
							  i ? "," : "", i);
		for (int k = 0; k < 8000; k++)
			n += (size_t) sprintf(big + n, "\\n");
		n += (size_t) sprintf(big + n, "\"}");
	}
	n += (size_t) sprintf(big + n, ",7]");

	for (int where = 1; where <= 3; where++)
	{
		volatile int jumped = 0;
		bm_parser  *p = bm_parser_create();
		bm_payload_error err;
		bm_provider det;

		escape_after = where;
		if (setjmp(escape) == 0)
			bm_parse_payload(p, f, len, &opts, &sink, &det, &err);
		else
			jumped = 1;
		CHECK(jumped);
		bm_parser_destroy(p);

		p = bm_parser_create();
		escape_after = where * 13;
		jumped = 0;
		if (setjmp(escape) == 0)
			bm_parse_payload(p, big, n, &opts, &sink, &det, &err);
		else
			jumped = 1;
		CHECK(jumped);
		/* reuse after the jump works, then destroy */
		{
			capture		c;

			capture_run_with(&c, p, f, len, &opts);
			CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_MAILGUN, 3, 0, 0);
			capture_free(&c);
		}
		bm_parser_destroy(p);
	}
	/* the reject callback jumps too */
	{
		bm_parser  *p = bm_parser_create();
		volatile int jumped = 0;
		bm_payload_error err;
		bm_provider det;

		escape_after = 1000;
		if (setjmp(escape) == 0)
			bm_parse_payload(p, big, n, &opts, &sink, &det, &err);
		else
			jumped = 1;
		CHECK(jumped);
		bm_parser_destroy(p);
	}
	free(big);
	free(f);
}

TEST(driver_large_array_streams)
{
	/* 50000 elements: every one is parsed and released in turn; the events come in order */
	size_t		n = 50000;
	char	   *big = malloc(n * 120 + 16);
	size_t		k = 0;
	capture		c;

	big[k++] = '[';
	for (size_t i = 0; i < n; i++)
		k += (size_t) sprintf(big + k, "%s{\"event\":\"delivered\",\"email\":\"u%zu@x.com\",\"timestamp\":%zu,\"sg_event_id\":\"%zu\"}",
							  i ? "," : "", i, 1500000000 + i, i);
	big[k++] = ']';
	capture_run(&c, big, k, BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SENDGRID, n, 0, 0);
	CHECK_STR(c.ev[n - 1].email, "u49999@x.com");
	CHECK_INT(c.ev[n - 1].ev.occurred_at, INT64_C(1500049999000000));
	capture_free(&c);
	free(big);
}
