/*
 * api_page.c — reads the paging facts and error messages out of provider API bodies with json-c (see
 * api_page.h).  Bounded: nesting depth 32, strings copied with truncation, never more than the body.
 */
#include "api_page.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "timefmt.h"

static void
copy_string(struct json_object *o, char *dst, size_t cap)
{
	const char *s;
	size_t		n;

	dst[0] = '\0';
	if (o == NULL || !json_object_is_type(o, json_type_string))
		return;
	s = json_object_get_string(o);
	n = (size_t) json_object_get_string_len(o);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	/* an embedded NUL ends the text */
}

static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (o != NULL && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v))
		return v;
	return NULL;
}

/* Bounces[0].ID (a JSON integer, or a string of digits) and the earliest BouncedAt of the page. */
static void
postmark_facts(struct json_object *bounces, bm_api_page *page)
{
	size_t		n = json_object_array_length(bounces);
	struct json_object *id = member(json_object_array_get_idx(bounces, 0), "ID");

	if (id != NULL && json_object_is_type(id, json_type_int))
	{
		/* json-c keeps integers up to 2^64 exact; an ID is never negative */
		if (json_object_get_int64(id) >= 0)
			snprintf(page->first_id, sizeof(page->first_id), "%lld", (long long) json_object_get_int64(id));
	}
	else if (id != NULL && json_object_is_type(id, json_type_string))
	{
		const char *s = json_object_get_string(id);
		size_t		len = (size_t) json_object_get_string_len(id);

		if (len > 0 && len < sizeof(page->first_id) && strspn(s, "0123456789") == len)
			memcpy(page->first_id, s, len + 1);
	}
	for (size_t i = 0; i < n; i++)
	{
		struct json_object *t = member(json_object_array_get_idx(bounces, i), "BouncedAt");
		int64_t		us;

		if (t != NULL && json_object_is_type(t, json_type_string) &&
			bm_time_parse(json_object_get_string(t), (size_t) json_object_get_string_len(t), &us) == BM_TIME_OK)
		{
			if (page->oldest_us >= 0 && us > page->oldest_us)
				page->newest_first = false;
			if (page->oldest_us < 0 || us < page->oldest_us)
				page->oldest_us = us;
		}
	}
}

/* One complete JSON value of body[0..len) (white space may follow), or NULL; the caller puts it. */
static struct json_object *
parse_whole(const char *body, size_t len)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;

	if (body == NULL || len == 0 || len > (size_t) 0x7fffffff)
		return NULL;
	tok = json_tokener_new_ex(32);
	if (tok == NULL)
		return NULL;
	root = json_tokener_parse_ex(tok, body, (int) len);
	jerr = json_tokener_get_error(tok);
	if (root == NULL || jerr != json_tokener_success)
	{
		/* json_tokener_continue: the body ended inside a value (truncated) */
		json_object_put(root);
		json_tokener_free(tok);
		return NULL;
	}
	/* trailing bytes other than white space make it not one JSON value */
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
	{
		if (body[i] != ' ' && body[i] != '\n' && body[i] != '\r' && body[i] != '\t')
		{
			json_object_put(root);
			json_tokener_free(tok);
			return NULL;
		}
	}
	json_tokener_free(tok);
	return root;
}

bool
bm_api_page_postmark_inactive_id(const char *body, size_t len, const char *email, char *id, size_t cap)
{
	struct json_object *root = parse_whole(body, len);
	struct json_object *list = member(root, "Bounces");
	bool		found = false;

	if (cap > 0)
		id[0] = '\0';
	if (list != NULL && json_object_is_type(list, json_type_array) && email != NULL && cap > 1)
	{
		size_t		n = json_object_array_length(list);

		for (size_t i = 0; i < n && !found; i++)
		{
			struct json_object *b = json_object_array_get_idx(list, i);
			struct json_object *e = member(b, "Email");
			struct json_object *inactive = member(b, "Inactive");
			struct json_object *bid = member(b, "ID");

			if (e == NULL || !json_object_is_type(e, json_type_string) ||
				strcasecmp(json_object_get_string(e), email) != 0 ||
				(size_t) json_object_get_string_len(e) != strlen(email) ||
				inactive == NULL || !json_object_is_type(inactive, json_type_boolean) ||
				!json_object_get_boolean(inactive) ||
				bid == NULL || !json_object_is_type(bid, json_type_int) || json_object_get_int64(bid) < 0)
				continue;
			found = snprintf(id, cap, "%lld", (long long) json_object_get_int64(bid)) < (int) cap;
			if (!found)
				id[0] = '\0';
		}
	}
	json_object_put(root);
	return found;
}

bool
bm_api_page_read(const char *body, size_t len, bm_api_page *page)
{
	struct json_object *root;
	struct json_object *v;

	page->items = -1;
	page->total = -1;
	page->next[0] = '\0';
	page->message[0] = '\0';
	page->first_id[0] = '\0';
	page->oldest_us = -1;
	page->newest_first = true;
	root = parse_whole(body, len);
	if (root == NULL)
		return false;

	if (json_object_is_type(root, json_type_array))
		page->items = (long) json_object_array_length(root);
	else if (json_object_is_type(root, json_type_object))
	{
		if ((v = member(root, "items")) != NULL && json_object_is_type(v, json_type_array))
			page->items = (long) json_object_array_length(v);
		else if ((v = member(root, "Bounces")) != NULL && json_object_is_type(v, json_type_array))
		{
			page->items = (long) json_object_array_length(v);
			postmark_facts(v, page);
		}
		if ((v = member(root, "TotalCount")) != NULL && json_object_is_type(v, json_type_int))
			page->total = (long) json_object_get_int64(v);
		if ((v = member(member(root, "paging"), "next")) != NULL)
		{
			copy_string(v, page->next, sizeof(page->next));
			if ((size_t) json_object_get_string_len(v) >= sizeof(page->next))
				page->next[0] = '\0';
		}
		if ((v = member(root, "errors")) != NULL && json_object_is_type(v, json_type_array) &&
			json_object_array_length(v) > 0)
			copy_string(member(json_object_array_get_idx(v, 0), "message"), page->message, sizeof(page->message));
		if (page->message[0] == '\0')
			copy_string(member(root, "Message"), page->message, sizeof(page->message));
		if (page->message[0] == '\0')
			copy_string(member(root, "message"), page->message, sizeof(page->message));
	}
	json_object_put(root);
	return true;
}
