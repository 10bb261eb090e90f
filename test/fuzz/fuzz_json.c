/*
 * fuzz_json.c — libFuzzer target for the JSON layer (json/json.c: json-c into bj_nodes).  The first
 * input byte picks the nesting limit, the rest is parsed as a stream of values (as the driver reads a
 * top-level array).  Checked: offsets stay inside the input and point at what they say (a bracket for
 * TOO_DEEP, an integer for RANGE); the node tree is well formed (children counts match the sibling
 * chains, members have names, arrays elements do not, nesting within the limit); strings are valid UTF-8
 * with BJ_F_HAS_NUL exactly when they hold a NUL; numbers look like numbers; a root container's text is
 * its exact source slice; and parsing that slice again, or the serialization bj_text gives a nested
 * container, yields the same nodes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"

#include "json/json.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
number_ok(const bj_node *n)
{
	size_t		i = 0;

	if (n->len == 0)
		return 0;
	if (!(n->flags & BJ_F_INTEGER))
	{
		/* a double keeps the text json-c read; json-c also takes NaN and (-)Infinity */
		if ((n->len == 3 && memcmp(n->str, "NaN", 3) == 0) || (n->len == 8 && memcmp(n->str, "Infinity", 8) == 0) ||
			(n->len == 9 && memcmp(n->str, "-Infinity", 9) == 0))
			return 1;
		for (i = 0; i < n->len; i++)
		{
			if (!strchr("0123456789.eE+-", n->str[i]) || n->str[i] == '\0')
				return 0;
		}
		return 1;
	}
	if (n->str[0] == '-')
		i++;
	if (i == n->len)
		return 0;
	for (; i < n->len; i++)
	{
		if (n->str[i] < '0' || n->str[i] > '9')
			return 0;
	}
	return 1;
}

/* Number of nodes in the subtree of r, r included (depth first: a container adds its children). */
static size_t
subtree_size(const bj_doc *d, bj_ref r)
{
	size_t		left = 1,
				n = 0;

	for (bj_ref i = r; left > 0; left--, i++, n++)
	{
		if (d->nodes[i].type == BJ_ARRAY || d->nodes[i].type == BJ_OBJECT)
			left += d->nodes[i].count;
	}
	return n;
}

/* The subtrees a (in da) and b (in db) hold the same values (container texts are not compared). */
static int
same_tree(const bj_doc *da, bj_ref a, const bj_doc *db, bj_ref b)
{
	size_t		n = subtree_size(da, a);

	if (subtree_size(db, b) != n)
		return 0;
	for (size_t k = 0; k < n; k++)
	{
		const bj_node *x = bj_at(da, a + k);
		const bj_node *y = bj_at(db, b + k);

		if (x->type != y->type || x->count != y->count || x->flags != y->flags ||
			(k > 0 && (x->key == NULL) != (y->key == NULL)) ||
			(k > 0 && x->key && (x->key_len != y->key_len || memcmp(x->key, y->key, x->key_len) != 0)))
			return 0;
		if ((x->type == BJ_STRING || x->type == BJ_NUMBER) &&
			(x->len != y->len || memcmp(x->str, y->str, x->len) != 0))
			return 0;
	}
	return 1;
}

/* Checks the nodes of the value at root; depths within limit; the text it came from is text[start..end). */
static void
check_tree(bj_doc *d, bj_ref root, const char *text, size_t size, size_t start, size_t end, int limit)
{
	const bj_node *rn = bj_at(d, root);
	size_t		n = subtree_size(d, root);
	uint32_t   *open = calloc(n + 1, sizeof(uint32_t));	/* children still to come per open container */
	size_t		sp = 0;

	if (root + n != d->n)
		abort();				/* the value's nodes are the last ones appended */
	if (rn->key != NULL || rn->next != 0)
		abort();
	if (rn->type == BJ_ARRAY || rn->type == BJ_OBJECT)
	{
		if (rn->str != text + start || rn->len != end - start ||
			rn->str[0] != (rn->type == BJ_ARRAY ? '[' : '{') ||
			rn->str[rn->len - 1] != (rn->type == BJ_ARRAY ? ']' : '}'))
			abort();
	}
	for (bj_ref r = root; r < root + n; r++)
	{
		const bj_node *x = bj_at(d, r);

		/* the chain of the children of a container starts right after it and has count links */
		if (x->type == BJ_ARRAY || x->type == BJ_OBJECT)
		{
			uint32_t	k = 0;

			for (bj_ref c = bj_first(d, r); c != 0; c = bj_next(d, c))
			{
				if (c <= r || c >= root + n)
					abort();
				if ((x->type == BJ_OBJECT) != (bj_at(d, c)->key != NULL))
					abort();
				if (bj_at(d, c)->key && strlen(bj_at(d, c)->key) != bj_at(d, c)->key_len)
					abort();
				if (++k > x->count)
					abort();
			}
			if (k != x->count)
				abort();
		}
		if (x->type == BJ_STRING)
		{
			if (x->str == NULL || !fuzz_utf8_ok((const unsigned char *) x->str, x->len) ||
				((memchr(x->str, '\0', x->len) != NULL) != ((x->flags & BJ_F_HAS_NUL) != 0)))
				abort();
		}
		if (x->type == BJ_NUMBER && !number_ok(x))
			abort();
		if ((x->flags & BJ_F_BEYOND) && (x->str < text || x->str + x->len > text + size))
			abort();			/* an integer beyond 64 bits is its source text */

		/* depth: pop the containers whose children are all seen, then count this one in */
		while (sp > 0 && open[sp - 1] == 0)
			sp--;
		if (sp > 0)
			open[sp - 1]--;
		if (x->type == BJ_ARRAY || x->type == BJ_OBJECT)
		{
			open[sp++] = x->count;
			if (sp > (size_t) limit)
				abort();
		}
	}
	free(open);

	/* nested containers: json-c's serialization parses back to the same nodes */
	for (bj_ref r = root + 1; r < root + n; r++)
	{
		const char *t;
		size_t		tl,
					pos = 0;
		bj_doc		d2;
		bj_ref		r2;
		bj_error	e2;

		if (bj_at(d, r)->type != BJ_ARRAY && bj_at(d, r)->type != BJ_OBJECT)
			continue;
		t = bj_text(d, r, &tl);
		if (t == NULL)
			continue;			/* it holds a changed integer */
		bj_doc_init(&d2);
		if (bj_parse(&d2, t, tl, &pos, 1000, &r2, &e2) != BJ_OK || pos != tl || !same_tree(d, r, &d2, r2))
			abort();
		bj_doc_free(&d2);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int			limit;
	char	   *text;
	bj_doc		doc;
	size_t		pos = 0;

	if (size < 1)
		return 0;
	limit = data[0] % 10 == 9 ? 64 : data[0] % 10;
	size--;
	text = malloc(size ? size : 1);	/* exact size: ASan sees any read past the end */
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size);
	bj_doc_init(&doc);

	/* values one after the other, as many as parse (the doc keeps them all, as for nested JSON) */
	for (int round = 0; round < 4 && pos < size; round++)
	{
		bj_ref		root = 0;
		bj_error	err;
		size_t		start = pos;
		bj_status	st = bj_parse(&doc, text, size, &pos, limit, &root, &err);

		if (st == BJ_NO_MEMORY)
			abort();
		if (st == BJ_SYNTAX || st == BJ_TOO_DEEP)
		{
			if (err.offset > size || err.offset < start || err.message == NULL)
				abort();
			if (st == BJ_TOO_DEEP && text[err.offset] != '[' && text[err.offset] != '{')
				abort();
			break;
		}
		if (pos > size || pos <= start)
			abort();
		while (start < pos && (text[start] == ' ' || text[start] == '\n' || text[start] == '\r' ||
							   text[start] == '\t'))
			start++;
		if (st == BJ_RANGE && (err.offset < start || err.offset >= pos ||
							   (text[err.offset] != '-' && (text[err.offset] < '0' || text[err.offset] > '9'))))
			abort();
		check_tree(&doc, root, text, size, start, pos, limit);

		/* the value's text alone parses to the same nodes */
		{
			bj_doc		d2;
			bj_ref		r2;
			bj_error	e2;
			size_t		p2 = 0;

			bj_doc_init(&d2);
			if (bj_parse(&d2, text + start, pos - start, &p2, limit, &r2, &e2) != st ||
				p2 != pos - start || !same_tree(&doc, root, &d2, r2))
				abort();
			bj_doc_free(&d2);
		}
		/* what the driver does between array elements */
		while (pos < size && (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\r' || text[pos] == '\t' ||
							  text[pos] == ','))
			pos++;
	}
	bj_doc_free(&doc);
	free(text);
	return 0;
}
