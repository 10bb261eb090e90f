/* test_payload_limits.c — the element size limit of the payload driver (bm_payload_opts.max_element_bytes,
 * BM_PAYLOAD_TOO_BIG): checked while json-c reads, exact at the limit, offsets of the element, every
 * top-level form, and the memory it saves on a large Mailgun page. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"
#include "payload_harness.h"

static void
run_limited(capture *c, const char *payload, size_t len, bm_provider prov, size_t max)
{
	bm_parser  *p = bm_parser_create();
	bm_payload_opts opts = {prov, 0, true, max};

	capture_run_with(c, p, payload, len, &opts);
	bm_parser_destroy(p);
}

/* A Mailgun Bounces API page of n entries (about 110 bytes each), malloc'd; *len its length. */
static char *
mailgun_page(size_t n, size_t *len)
{
	char	   *s = malloc(n * 128 + 64);
	size_t		k = 0;

	k += (size_t) sprintf(s, "{\"items\":[");
	for (size_t i = 0; i < n; i++)
		k += (size_t) sprintf(s + k, "%s{\"address\":\"u%zu@example.com\",\"code\":\"550\",\"error\":\"no such user\","
							  "\"created_at\":\"Fri, 21 Oct 2011 11:02:55 UTC\"}", i ? "," : "", i);
	k += (size_t) sprintf(s + k, "],\"paging\":{}}");
	*len = k;
	return s;
}

TEST(limits_exact_at_the_limit)
{
	const char *el = "{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1700000000}";
	size_t		n = strlen(el);
	char		buf[256];
	capture		c;

	/* [el,el]: each element is n bytes; a limit of n passes, n - 1 stops at the first element */
	snprintf(buf, sizeof(buf), "[%s, %s]", el, el);
	run_limited(&c, buf, strlen(buf), BM_PROVIDER_GENERIC, n);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_GENERIC, 2, 0, 0);
	capture_free(&c);
	run_limited(&c, buf, strlen(buf), BM_PROVIDER_GENERIC, n - 1);
	CHECK_INT(c.status, BM_PAYLOAD_TOO_BIG);
	CHECK_INT(c.err.offset, 1);
	CHECK_STR(c.err.field, "$[0]");
	CHECK_INT(c.nev, 0);
	capture_free(&c);
}

TEST(limits_element_offsets_and_events_before)
{
	char	   *buf = malloc(4096);
	size_t		k = 0;
	capture		c;

	/* a small element, a 3000-byte one, a small one: the limit stops at the second, after the first */
	k += (size_t) sprintf(buf, "[{\"event\":\"bounce\",\"email\":\"a@x.com\",\"occurred_at\":1700000000},\n  "
						  "{\"event\":\"bounce\",\"email\":\"b@x.com\",\"occurred_at\":1700000000,\"diagnostic\":\"");
	memset(buf + k, 'x', 3000);
	k += 3000;
	k += (size_t) sprintf(buf + k, "\"},{\"event\":\"bounce\",\"email\":\"c@x.com\",\"occurred_at\":1700000000}]");
	run_limited(&c, buf, k, BM_PROVIDER_AUTO, 1000);
	CHECK_INT(c.status, BM_PAYLOAD_TOO_BIG);
	CHECK_INT(c.detected, BM_PROVIDER_GENERIC);
	CHECK_INT(c.err.offset, 66);
	CHECK_STR(c.err.field, "$[1]");
	CHECK_STR(c.err.message, "the JSON element at byte 66 is larger than 1000 bytes");
	CHECK_INT(c.nev, 1);
	CHECK_STR(c.ev[0].email, "a@x.com");
	capture_free(&c);
	/* without a limit in the options, the default (32 MB) lets it through */
	run_limited(&c, buf, k, BM_PROVIDER_AUTO, 0);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_GENERIC, 3, 0, 0);
	capture_free(&c);
	free(buf);
}

TEST(limits_top_level_object_sns_and_form)
{
	size_t		len;
	char	   *page = mailgun_page(100, &len);
	capture		c;
	char		sns[512];
	const char *form = "mandrill_events=%5B%7B%22event%22%3A%22hard_bounce%22%2C%22msg%22%3A%7B%22email%22%3A"
		"%22a%40x.com%22%7D%2C%22ts%22%3A1700000000%7D%5D";

	/* an API page is one element: the whole object counts */
	run_limited(&c, page, len, BM_PROVIDER_AUTO, 5000);
	CHECK_INT(c.status, BM_PAYLOAD_TOO_BIG);
	CHECK_INT(c.err.offset, 0);
	CHECK_STR(c.err.field, "$");
	CHECK_INT(c.nev, 0);
	capture_free(&c);
	run_limited(&c, page, len, BM_PROVIDER_AUTO, len);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_MAILGUN, 100, 0, 0);
	capture_free(&c);
	free(page);

	/* an SNS envelope is one element, its Message string within it */
	snprintf(sns, sizeof(sns), "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"TopicArn\":\"t\",\"Message\":"
			 "\"{\\\"notificationType\\\":\\\"Bounce\\\",\\\"bounce\\\":{\\\"bounceType\\\":\\\"Permanent\\\","
			 "\\\"feedbackId\\\":\\\"f\\\",\\\"bouncedRecipients\\\":[{\\\"emailAddress\\\":\\\"a@x.com\\\"}],"
			 "\\\"timestamp\\\":\\\"2023-11-14T22:13:20Z\\\"},\\\"mail\\\":{\\\"messageId\\\":\\\"m\\\"}}\"}");
	run_limited(&c, sns, strlen(sns), BM_PROVIDER_AUTO, 100);
	CHECK_INT(c.status, BM_PAYLOAD_TOO_BIG);
	capture_free(&c);
	run_limited(&c, sns, strlen(sns), BM_PROVIDER_AUTO, strlen(sns));
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_SES, 1, 0, 0);
	capture_free(&c);

	/* a Mandrill form field: the offset points into the form body */
	run_limited(&c, form, strlen(form), BM_PROVIDER_AUTO, 20);
	CHECK_INT(c.status, BM_PAYLOAD_TOO_BIG);
	CHECK_INT(c.err.offset, 19);	/* "%7B" at byte 19 starts the array's first element */
	CHECK_STR(c.err.field, "mandrill_events");
	capture_free(&c);
	run_limited(&c, form, strlen(form), BM_PROVIDER_AUTO, 0);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_MANDRILL, 1, 0, 0);
	capture_free(&c);
}

/* Peak resident memory (VmHWM) in kB; -1 when /proc cannot tell. */
static long
peak_rss_kb(void)
{
	FILE	   *f = fopen("/proc/self/status", "r");
	char		line[256];
	long		kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

/* Resets the peak to the current resident size (Linux: "5" into clear_refs); false when not possible. */
static bool
reset_peak_rss(void)
{
	FILE	   *f = fopen("/proc/self/clear_refs", "w");
	bool		ok;

	if (f == NULL)
		return false;
	ok = fputs("5", f) >= 0;
	return fclose(f) == 0 && ok;
}

TEST(limits_large_page_memory_bounded)
{
	/* a 64 MB Mailgun page (600,000 entries): json-c's tree of it would take about 12 times that; with a
	 * 1 MB limit, reading stops after the first megabyte */
	size_t		len;
	char	   *page = mailgun_page(600000, &len);
	long		before;
	long		after;
	capture		c;

	CHECK(len > 64 * 1000 * 1000);
	if (!reset_peak_rss() || (before = peak_rss_kb()) < 0)
		before = -1;
	run_limited(&c, page, len, BM_PROVIDER_MAILGUN, 1024 * 1024);
	CHECK_INT(c.status, BM_PAYLOAD_TOO_BIG);
	CHECK_INT(c.err.offset, 0);
	CHECK_INT(c.nev, 0);
	after = peak_rss_kb();
	if (before >= 0 && after >= 0)
	{
		/* the limit, json-c's tree of it and the parser's buffers: far below the page itself */
		if (after - before > 32 * 1024)
			unit_fail(__FILE__, __LINE__, "peak resident memory grew by %ld kB", after - before);
	}
	capture_free(&c);
	free(page);
}
