/*
 * fuzz_payload.c — libFuzzer target for the payload driver and every adapter.  The first input byte picks
 * the provider (or AUTO), keep_raw and a small nesting limit; the rest is the payload.  Every event,
 * reject and note is checked (see check_*), every slice is read byte by byte (ASan catches a slice
 * outside its buffer), and the parser is destroyed after every run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"

#include "payload.h"
#include "timefmt.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct counts
{
	size_t		events;
	size_t		rejects;
	size_t		notes;
	bm_provider expected;		/* the provider every event must carry (AUTO: any one) */
	bm_provider seen;
	uint64_t	sum;			/* keeps the byte reads from being optimized away */
} counts;

static void
touch(counts *c, bm_str s)
{
	if (s.ptr == NULL)
	{
		if (s.len != 0)
			abort();
		return;
	}
	for (size_t i = 0; i < s.len; i++)
		c->sum += (unsigned char) s.ptr[i];
	if (!fuzz_utf8_ok((const unsigned char *) s.ptr, s.len))
		abort();
}

static void
touch_cstr(counts *c, const char *s)
{
	if (s == NULL)
		abort();
	touch(c, (bm_str) {s, strlen(s)});
}

static void
on_event(void *ctx, const bm_event *e)
{
	counts	   *c = ctx;
	const char *at;

	c->events++;
	if ((unsigned) e->type >= BM_ET_COUNT || (unsigned) e->provider >= BM_PROVIDER_COUNT)
		abort();
	if (c->expected != BM_PROVIDER_AUTO && e->provider != c->expected)
		abort();
	if (c->seen != BM_PROVIDER_AUTO && e->provider != c->seen)
		abort();				/* one payload, one provider */
	c->seen = e->provider;
	if (e->email.ptr == NULL || e->email.len == 0 || e->email.len > 320)
		abort();
	at = NULL;
	for (size_t i = 0; i < e->email.len; i++)
	{
		if (e->email.ptr[i] == '@')
			at = e->email.ptr + i;
		if (e->email.ptr[i] >= 'A' && e->email.ptr[i] <= 'Z')
			abort();			/* normalized: lower case */
	}
	if (at == NULL || e->domain.ptr != at + 1 || e->domain.len == 0 ||
		e->domain.ptr + e->domain.len != e->email.ptr + e->email.len)
		abort();
	if (e->occurred_at < BM_TIME_MIN_US || e->occurred_at > BM_TIME_MAX_US)
		abort();
	if (e->provider_event_id.ptr == NULL || e->provider_event_id.len == 0 || e->email_original.ptr == NULL)
		abort();
	if (e->reply_code != 0 && (e->reply_code < 200 || e->reply_code > 599))
		abort();
	if (e->status != BM_STATUS_NONE && !bm_status_is_valid(e->status))
		abort();
	if (e->attempt < 0)
		abort();
	touch(c, e->email);
	touch(c, e->email_original);
	touch(c, e->provider_event_id);
	touch(c, e->provider_type);
	touch(c, e->provider_subtype);
	touch(c, e->diagnostic);
	touch(c, e->message_id);
	touch(c, e->raw);
	/* the element is always there (quarantine keeps it); raw is never longer than it */
	if (e->element.ptr == NULL || (e->raw.ptr != NULL && e->raw.len > e->element.len))
		abort();
	if ((e->flags & BM_EVF_PART_RAW) != 0)
		abort();				/* adapter-internal, cleared by bm_emit */
	touch(c, e->element);
}

static void
on_reject(void *ctx, const bm_reject *r)
{
	counts	   *c = ctx;

	c->rejects++;
	if (r->raw.ptr == NULL)
		abort();
	touch(c, r->raw);
	touch_cstr(c, r->reason);
	touch_cstr(c, r->field);
}

static void
on_note(void *ctx, const bm_note *n)
{
	counts	   *c = ctx;

	c->notes++;
	touch_cstr(c, n->kind);
	touch(c, n->detail);
}

static bm_payload_status
run(const char *payload, size_t len, const bm_payload_opts *opts, counts *c, bm_payload_error *err)
{
	bm_parser  *p = bm_parser_create();
	bm_sink		sink = {c, on_event, on_reject, on_note};
	bm_provider detected;
	bm_payload_status st;

	if (p == NULL)
		abort();
	st = bm_parse_payload(p, payload, len, opts, &sink, &detected, err);
	if (st != err->status)
		abort();
	if ((st == BM_PAYLOAD_SYNTAX || st == BM_PAYLOAD_TOO_DEEP) && err->offset > len)
		abort();
	if (memchr(err->message, '\0', sizeof(err->message)) == NULL ||
		memchr(err->field, '\0', sizeof(err->field)) == NULL)
		abort();
	if (opts->provider != BM_PROVIDER_AUTO && detected != opts->provider)
		abort();
	if (c->seen != BM_PROVIDER_AUTO && detected != c->seen)
		abort();
	bm_parser_destroy(p);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bm_payload_opts opts;
	bm_payload_error err1,
				err2;
	counts		c1,
				c2;
	char	   *copy;
	bm_payload_status st1,
				st2;
	unsigned	sel;

	if (size < 1)
		return 0;
	sel = data[0];
	/* 0..8 a JSON provider, 9 AUTO (bounce emails, provider 9 since then, are not JSON payloads) */
	opts.provider = (sel % 10) < BM_PROVIDER_EMAIL ? (bm_provider) (sel % 10) : BM_PROVIDER_AUTO;
	opts.keep_raw = (sel / 10) % 2;
	opts.max_depth = (sel / 20) % 3 == 2 ? 4 : 0;
	opts.max_element_bytes = (sel / 60) % 2 ? 64 : 0;	/* a small element limit, or the default */
	/* exact-size heap copy: ASan reports any read past the end */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);

	memset(&c1, 0, sizeof(c1));
	c1.expected = c1.seen = BM_PROVIDER_AUTO;
	if (opts.provider != BM_PROVIDER_AUTO)
		c1.expected = opts.provider;
	c2 = c1;
	st1 = run(copy, size - 1, &opts, &c1, &err1);
	/* deterministic: a second run gives the same result */
	st2 = run(copy, size - 1, &opts, &c2, &err2);
	if (st1 != st2 || c1.events != c2.events || c1.rejects != c2.rejects || c1.notes != c2.notes ||
		err1.offset != err2.offset)
		abort();
	free(copy);
	return 0;
}
