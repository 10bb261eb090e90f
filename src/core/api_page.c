/*
 * api_page.c — reads the paging facts and error messages out of provider API bodies through the core's
 * JSON layer (json/json.h; see api_page.h).  Bounded: nesting depth 32, strings copied with truncation,
 * never more than the body.  Integers keep their exact digits (Postmark IDs go beyond 2^53).
 */
#include "api_page.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/json.h"
#include "timefmt.h"

#define API_PAGE_MAX_DEPTH 32

/* A string member's bytes into dst[cap] (cut to fit; an embedded NUL ends the text); "" otherwise. */
static void
copy_string(const bj_doc *d, bj_ref r, char *dst, size_t cap)
{
	size_t		n;

	dst[0] = '\0';
	if (!bj_is(d, r, BJ_STRING))
		return;
	n = bj_at(d, r)->len;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, bj_at(d, r)->str, n);
	dst[n] = '\0';
}

/* The member of object o named key, or 0 (also when o is not an object). */
static bj_ref
member(const bj_doc *d, bj_ref o, const char *key)
{
	return bj_get_n(d, o, key, strlen(key));
}

/* The node's value as a non-negative integer's decimal digits (a JSON integer, or with strings_ok a string
 * of digits) into dst[cap]; false when it is anything else or does not fit. */
static bool
id_digits(const bj_doc *d, bj_ref r, bool strings_ok, char *dst, size_t cap)
{
	const bj_node *n;

	if (r == 0)
		return false;
	n = bj_at(d, r);
	if (!(n->type == BJ_NUMBER && (n->flags & BJ_F_INTEGER)) && !(strings_ok && n->type == BJ_STRING))
		return false;
	if (n->len == 0 || n->len >= cap || strspn(n->str, "0123456789") < n->len)
		return false;
	memcpy(dst, n->str, n->len);
	dst[n->len] = '\0';
	return true;
}

/* A JSON integer that fits in 64 bits, else -1 (what the page fields use for "absent"). */
static long
int_or_minus_one(const bj_doc *d, bj_ref r)
{
	const bj_node *n;
	char		buf[24];
	char	   *end;
	long long	v;

	if (!bj_is(d, r, BJ_NUMBER) || !(bj_at(d, r)->flags & BJ_F_INTEGER) || (bj_at(d, r)->flags & BJ_F_BEYOND))
		return -1;
	n = bj_at(d, r);
	if (n->len >= sizeof(buf))
		return -1;
	memcpy(buf, n->str, n->len);
	buf[n->len] = '\0';
	v = strtoll(buf, &end, 10);
	return *end == '\0' ? (long) v : -1;
}

/* Bounces[0].ID (a JSON integer, or a string of digits) and the earliest BouncedAt of the page. */
static void
postmark_facts(const bj_doc *d, bj_ref bounces, bm_api_page *page)
{
	if (!id_digits(d, member(d, bj_first(d, bounces), "ID"), true, page->first_id, sizeof(page->first_id)))
		page->first_id[0] = '\0';
	for (bj_ref b = bj_first(d, bounces); b != 0; b = bj_next(d, b))
	{
		bj_ref		t = member(d, b, "BouncedAt");
		int64_t		us;

		if (bj_is(d, t, BJ_STRING) && bm_time_parse(bj_at(d, t)->str, bj_at(d, t)->len, &us) == BM_TIME_OK)
		{
			if (page->oldest_us >= 0 && us > page->oldest_us)
				page->newest_first = false;
			if (page->oldest_us < 0 || us < page->oldest_us)
				page->oldest_us = us;
		}
	}
}

/* Parses one complete JSON value of body[0..len) (white space may follow) into d: its root, or 0. */
static bj_ref
parse_whole(bj_doc *d, const char *body, size_t len)
{
	bj_ref		root = 0;
	bj_error	err;
	bj_status	st;
	size_t		pos = 0;

	if (body == NULL || len == 0)
		return 0;
	st = bj_parse(d, body, len, &pos, API_PAGE_MAX_DEPTH, &root, &err);
	if ((st != BJ_OK && st != BJ_RANGE) || bj_type_of(d, root) == BJ_NULL)
		return 0;				/* BJ_RANGE: parsed, an integer beyond 64 bits kept as its text; the
								 * literal null says nothing */
	/* trailing bytes other than white space make it not one JSON value */
	for (; pos < len; pos++)
	{
		if (body[pos] != ' ' && body[pos] != '\n' && body[pos] != '\r' && body[pos] != '\t')
			return 0;
	}
	return root;
}

/* True when bounce object b is the inactive one of email (ASCII case-insensitive, exact length). */
static bool
postmark_inactive_match(const bj_doc *d, bj_ref b, const char *email)
{
	bj_ref		e = member(d, b, "Email");

	return bj_is(d, e, BJ_STRING) && bj_at(d, e)->len == strlen(email) &&
		strncasecmp(bj_at(d, e)->str, email, bj_at(d, e)->len) == 0 &&
		bj_is(d, member(d, b, "Inactive"), BJ_TRUE);
}

bool
bm_api_page_postmark_inactive_id(const char *body, size_t len, const char *email, char *id, size_t cap)
{
	bj_doc		d;
	bj_ref		list;
	bool		found = false;

	if (cap > 0)
		id[0] = '\0';
	bj_doc_init(&d);
	list = member(&d, parse_whole(&d, body, len), "Bounces");
	if (bj_is(&d, list, BJ_ARRAY) && email != NULL && cap > 1)
	{
		for (bj_ref b = bj_first(&d, list); b != 0 && !found; b = bj_next(&d, b))
		{
			if (postmark_inactive_match(&d, b, email))
				found = id_digits(&d, member(&d, b, "ID"), false, id, cap);
		}
		if (!found)
			id[0] = '\0';
	}
	bj_doc_free(&d);
	return found;
}

/* The facts of an object body (a top-level array only has its length). */
static void
object_facts(const bj_doc *d, bj_ref root, bm_api_page *page)
{
	bj_ref		v;

	if (bj_is(d, v = member(d, root, "items"), BJ_ARRAY))
		page->items = (long) bj_at(d, v)->count;
	else if (bj_is(d, v = member(d, root, "Bounces"), BJ_ARRAY))
	{
		page->items = (long) bj_at(d, v)->count;
		postmark_facts(d, v, page);
	}
	else if (bj_is(d, v = member(d, root, "SuppressedDestinationSummaries"), BJ_ARRAY))
		page->items = (long) bj_at(d, v)->count;
	if (bj_is(d, v = member(d, root, "NextToken"), BJ_STRING))
	{
		/* cut or truncated at a NUL, the token would ask for another page than the provider meant */
		if (bj_at(d, v)->len > BM_API_PAGE_TOKEN_MAX || (bj_at(d, v)->flags & BJ_F_HAS_NUL))
			page->next_token_too_long = true;
		else
			copy_string(d, v, page->next_token, sizeof(page->next_token));
	}
	page->total = int_or_minus_one(d, member(d, root, "TotalCount"));
	if (bj_is(d, v = member(d, member(d, root, "paging"), "next"), BJ_STRING))
	{
		copy_string(d, v, page->next, sizeof(page->next));
		if (bj_at(d, v)->len >= sizeof(page->next))
			page->next[0] = '\0';
	}
	if (bj_is(d, v = member(d, root, "errors"), BJ_ARRAY))
		copy_string(d, member(d, bj_first(d, v), "message"), page->message, sizeof(page->message));
	if (page->message[0] == '\0')
		copy_string(d, member(d, root, "Message"), page->message, sizeof(page->message));
	if (page->message[0] == '\0')
		copy_string(d, member(d, root, "message"), page->message, sizeof(page->message));
}

bool
bm_api_page_read(const char *body, size_t len, bm_api_page *page)
{
	bj_doc		d;
	bj_ref		root;

	page->items = -1;
	page->total = -1;
	page->next[0] = '\0';
	page->next_token[0] = '\0';
	page->next_token_too_long = false;
	page->message[0] = '\0';
	page->first_id[0] = '\0';
	page->oldest_us = -1;
	page->newest_first = true;
	bj_doc_init(&d);
	root = parse_whole(&d, body, len);
	if (bj_is(&d, root, BJ_ARRAY))
		page->items = (long) bj_at(&d, root)->count;
	else if (bj_is(&d, root, BJ_OBJECT))
		object_facts(&d, root, page);
	bj_doc_free(&d);
	return root != 0;
}
