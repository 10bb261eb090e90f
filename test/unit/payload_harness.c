/*
 * payload_harness.c — fixture loading and a copying sink for the payload tests (payload_harness.h).
 * The sink also checks the invariants of every event: non-empty email with exactly the domain after
 * its '@', a valid type, a time inside 1970..2100, raw inside the payload.
 */
#include "payload_harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"
#include "timefmt.h"
#include "unit.h"

static char *
dup_str(bm_str s)
{
	char	   *p;

	if (s.ptr == NULL)
		return NULL;
	p = malloc(s.len + 1);
	if (p == NULL)
		abort();
	memcpy(p, s.ptr, s.len);
	p[s.len] = '\0';
	return p;
}

static void *
grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 16;
	arr = realloc(arr, *cap * elem);
	if (arr == NULL)
		abort();
	return arr;
}

static bool
check_event(capture *c, const bm_event *e)
{
	const char *at;

	if (e->email.ptr == NULL || e->email.len == 0 || e->domain.ptr == NULL || e->domain.len == 0)
		return false;
	at = memchr(e->email.ptr, '@', e->email.len);
	if (at == NULL || e->domain.ptr != at + 1 || e->domain.ptr + e->domain.len != e->email.ptr + e->email.len)
		return false;
	if ((unsigned) e->type >= BM_ET_COUNT || (unsigned) e->provider >= BM_PROVIDER_COUNT)
		return false;
	if (e->occurred_at < BM_TIME_MIN_US || e->occurred_at > BM_TIME_MAX_US)
		return false;
	if (e->email_original.ptr == NULL || e->provider_event_id.ptr == NULL || e->provider_event_id.len == 0)
		return false;
	/* raw is a slice of the payload, or (form bodies, JSON nested in strings) an object text the parser
	 * decoded: at least it must look like one */
	if (c->payload && e->raw.ptr &&
		(e->raw.ptr < c->payload || e->raw.ptr + e->raw.len > c->payload + c->payload_len) &&
		!(e->raw.len >= 2 && e->raw.ptr[0] == '{' && e->raw.ptr[e->raw.len - 1] == '}'))
		return false;
	return true;
}

static void
sink_event(void *ctx, const bm_event *e)
{
	capture    *c = ctx;
	cap_event  *ce;

	if (!check_event(c, e))
		c->invariant_failures++;
	c->ev = grow(c->ev, &c->cap_ev, c->nev, sizeof(cap_event));
	ce = &c->ev[c->nev++];
	memset(ce, 0, sizeof(*ce));
	ce->ev = *e;
	ce->email = dup_str(e->email);
	ce->email_original = dup_str(e->email_original);
	ce->domain = dup_str(e->domain);
	ce->id = dup_str(e->provider_event_id);
	ce->ptype = dup_str(e->provider_type);
	ce->psub = dup_str(e->provider_subtype);
	ce->diag = dup_str(e->diagnostic);
	ce->msgid = dup_str(e->message_id);
	ce->raw = dup_str(e->raw);
	if (e->status)
		bm_status_format(e->status, ce->status);
	/* the copies outlive the call; the slices in ce->ev must not be used */
	ce->ev.email = ce->ev.email_original = ce->ev.domain = BM_STR_NULL;
	ce->ev.provider_event_id = ce->ev.provider_type = ce->ev.provider_subtype = BM_STR_NULL;
	ce->ev.diagnostic = ce->ev.message_id = ce->ev.raw = BM_STR_NULL;
}

static void
sink_reject(void *ctx, const bm_reject *r)
{
	capture    *c = ctx;
	cap_reject *cr;

	c->rej = grow(c->rej, &c->cap_rej, c->nrej, sizeof(cap_reject));
	cr = &c->rej[c->nrej++];
	cr->index = r->element_index;
	cr->raw = dup_str(r->raw);
	cr->reason = dup_str((bm_str) {r->reason, r->reason ? strlen(r->reason) : 0});
	cr->field = dup_str((bm_str) {r->field, r->field ? strlen(r->field) : 0});
	cr->provider = r->provider;
	if (r->raw.ptr == NULL || r->reason == NULL || r->field == NULL)
		c->invariant_failures++;
}

static void
sink_note(void *ctx, const bm_note *n)
{
	capture    *c = ctx;
	cap_note   *cn;

	c->notes = grow(c->notes, &c->cap_notes, c->nnotes, sizeof(cap_note));
	cn = &c->notes[c->nnotes++];
	cn->kind = dup_str((bm_str) {n->kind, strlen(n->kind)});
	cn->detail = dup_str(n->detail);
}

char *
load_fixture(const char *rel, size_t *len)
{
	char		path[512];
	char	   *buf;

	snprintf(path, sizeof(path), "../fixtures/providers/%s", rel);
	buf = tc_read_file(path, len);
	if (buf == NULL)
	{
		fprintf(stderr, "cannot read fixture %s (run the tests from test/unit)\n", path);
		exit(2);
	}
	return buf;
}

void
capture_run_with(capture *c, bm_parser *p, const char *payload, size_t len, const bm_payload_opts *opts)
{
	bm_sink		sink = {c, sink_event, sink_reject, sink_note};

	memset(c, 0, sizeof(*c));
	c->payload = payload;
	c->payload_len = len;
	c->status = bm_parse_payload(p, payload, len, opts, &sink, &c->detected, &c->err);
}

void
capture_run(capture *c, const char *payload, size_t len, bm_provider provider)
{
	bm_parser  *p = bm_parser_create();
	bm_payload_opts opts = {provider, 0, true, 0};

	capture_run_with(c, p, payload, len, &opts);
	bm_parser_destroy(p);
}

void
capture_fixture(capture *c, const char *rel, bm_provider provider)
{
	size_t		len;
	char	   *buf = load_fixture(rel, &len);

	capture_run(c, buf, len, provider);
	c->payload = NULL;			/* buf is freed below; raw copies are kept */
	free(buf);
}

void
capture_free(capture *c)
{
	for (size_t i = 0; i < c->nev; i++)
	{
		cap_event  *e = &c->ev[i];

		free(e->email);
		free(e->email_original);
		free(e->domain);
		free(e->id);
		free(e->ptype);
		free(e->psub);
		free(e->diag);
		free(e->msgid);
		free(e->raw);
	}
	for (size_t i = 0; i < c->nrej; i++)
	{
		free(c->rej[i].raw);
		free(c->rej[i].reason);
		free(c->rej[i].field);
	}
	for (size_t i = 0; i < c->nnotes; i++)
	{
		free(c->notes[i].kind);
		free(c->notes[i].detail);
	}
	free(c->ev);
	free(c->rej);
	free(c->notes);
	memset(c, 0, sizeof(*c));
}

static void
expect_str(const char *file, int line, const char *what, const char *actual, const char *expected)
{
	if ((actual == NULL) != (expected == NULL) || (actual && strcmp(actual, expected) != 0))
		unit_fail(file, line, "%s == \"%s\", expected \"%s\"", what, actual ? actual : "(null)",
				  expected ? expected : "(null)");
}

static void
expect_int(const char *file, int line, const char *what, long long actual, long long expected)
{
	if (actual != expected)
		unit_fail(file, line, "%s == %lld, expected %lld", what, actual, expected);
}

void
expect_event(const char *file, int line, const cap_event *e, const ev_expect *x)
{
	if (e == NULL)
	{
		unit_fail(file, line, "no such event");
		return;
	}
	expect_str(file, line, "type", bm_event_type_name(e->ev.type), bm_event_type_name(x->type));
	expect_str(file, line, "email", e->email, x->email);
	expect_str(file, line, "email_original", e->email_original, x->orig ? x->orig : x->email);
	expect_int(file, line, "occurred_at", e->ev.occurred_at, x->at);
	expect_str(file, line, "provider_event_id", e->id, x->id);
	expect_str(file, line, "provider_type", e->ptype, x->ptype);
	expect_str(file, line, "provider_subtype", e->psub, x->psub);
	expect_int(file, line, "reply_code", e->ev.reply_code, x->code);
	expect_str(file, line, "status", e->status[0] ? e->status : NULL, x->status);
	expect_str(file, line, "diagnostic", e->diag, x->diag);
	expect_str(file, line, "message_id", e->msgid, x->msgid);
	expect_int(file, line, "attempt", e->ev.attempt, x->attempt);
	expect_int(file, line, "flags", (long long) e->ev.flags, (long long) x->flags);
}
