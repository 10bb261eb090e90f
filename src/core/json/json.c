/*
 * json.c — JSON values through json-c into the flat bj_node array (see json.h).
 *
 * json-c parses, one value per bj_parse, with one tokener reused by the bj_doc (strict mode; trailing
 * data is left to the caller, which streams a top-level array element by element).  This file maps
 * json-c's errors to offsets and messages, and flattens the json-c tree into nodes iteratively (an
 * explicit stack, no recursion).  What json-c does not do for its caller, done here:
 *   - strict UTF-8: json-c's JSON_TOKENER_VALIDATE_UTF8 lets overlong forms, UTF-8-encoded surrogates
 *     and code points above U+10FFFF through (and reports a bad sequence where it ends), so the flag is
 *     not used: the source text of every parsed value is checked here (RFC 3629), cheaply, at the exact
 *     offset of the bad sequence;
 *   - nesting: json-c counts scalars as levels too and stops at the first value too deep rather than at
 *     the bracket.  Its tokener gets one level more than the container limit; the flattening catches the
 *     one extra level of EMPTY containers json-c then lets through, and a small scan of the text json-c
 *     has read finds the offending bracket (only when there is one);
 *   - integers: json-c clamps integers beyond 64 bits to INT64_MIN / UINT64_MAX.  When either value
 *     shows up, the integers are found in the source text and the nodes get their exact text back; in
 *     the one case where nodes and text cannot be matched (json-c collapsed a repeated member name) and
 *     a value did change, BJ_RANGE: the caller rejects the element instead of using a changed value;
 *   - the end of the input: a number there could go on, so json-c waits; a NUL sentinel ends it.
 * json-c 0.16 accepts, even in strict mode, some things RFC 8259 does not; they are accepted here,
 * harmless for the adapters (the storage layer quarantines elements whose raw text jsonb refuses):
 * NaN, Infinity, -Infinity (kept as that text), "1." and "1.e5", leading zeros in "00" and after a minus
 * ("-01" is the integer -1), raw control characters in strings, lone UTF-16 surrogates in \u escapes
 * (decoded as U+FFFD).  json-c keeps member names as C strings: a name with \u0000 is cut there.
 */
#include "json.h"

#include <limits.h>
#include <locale.h>
#include <stdlib.h>

#include <json-c/json.h>

#define BJ_CHUNK_MIN	(16 * 1024)
#define BJ_KEEP_NODES	(64 * 1024)	/* bj_doc_trim keeps at most this many nodes ... */
#define BJ_KEEP_BYTES	(1024 * 1024)	/* ... and this much number text */
#define BJ_SLICE		(1024 * 1024)	/* bytes handed to json-c per call (values longer than a slice are
										 * read in several, so a size limit stops json-c on time) */

struct bj_chunk
{
	bj_chunk   *next;
	size_t		cap;
	size_t		used;
	char		data[];
};

/* An open container while flattening: its node, and where its json-c children are read from. */
struct bj_frame
{
	bj_ref		node;
	bj_ref		last;			/* last child linked so far */
	json_object *jo;
	struct lh_entry *member;	/* OBJECT: next member, NULL at the end */
	size_t		index;			/* ARRAY: next element ... */
	size_t		length;			/* ... of that many */
};

/* ---- memory ----------------------------------------------------------------------------------------- */

void
bj_doc_init(bj_doc *d)
{
	memset(d, 0, sizeof(*d));
}

/* Frees every chunk of the arena except keep (which may be NULL). */
static void
free_chunks_except(bj_doc *d, bj_chunk *keep)
{
	bj_chunk   *c = d->chunks;

	while (c)
	{
		bj_chunk   *next = c->next;

		if (c != keep)
			free(c);
		c = next;
	}
	if (keep)
		keep->next = NULL;
	d->chunks = d->cur = keep;
}

/*
 * Releases the json-c values and keeps only the newest (largest) arena chunk: chunks grow
 * geometrically, so after a few values the arena is one chunk big enough for every value seen.
 */
void
bj_doc_reset(bj_doc *d)
{
	for (uint32_t i = 0; i < d->nroots; i++)
		json_object_put(d->roots[i]);
	d->nroots = 0;
	d->beyond = false;
	d->n = d->cap > 0 ? 1 : 0;
	if (d->chunks && d->chunks->next)
		free_chunks_except(d, d->cur);
	if (d->cur)
		d->cur->used = 0;
}

void
bj_doc_free(bj_doc *d)
{
	bj_doc_reset(d);
	free_chunks_except(d, NULL);
	if (d->tok)
		json_tokener_free(d->tok);
	free(d->roots);
	free(d->nodes);
	free(d->stack);
	memset(d, 0, sizeof(*d));
}

/* Also drops the tokener, whose buffer has grown to the longest string seen (it is made again when
 * needed, for the price of a few small allocations per payload). */
void
bj_doc_trim(bj_doc *d)
{
	bj_doc_reset(d);
	if (d->cap > BJ_KEEP_NODES)
	{
		free(d->nodes);
		d->nodes = NULL;
		d->n = d->cap = 0;
	}
	if (d->cur && d->cur->cap > BJ_KEEP_BYTES)
		free_chunks_except(d, NULL);
	if (d->stack_cap > 1024)
	{
		free(d->stack);
		d->stack = NULL;
		d->stack_cap = 0;
	}
	if (d->tok)
	{
		json_tokener_free(d->tok);
		d->tok = NULL;
	}
}

/* Bump allocation in the current chunk; a new chunk (at least twice the current) when it is full. */
static char *
arena_alloc(bj_doc *d, size_t len)
{
	bj_chunk   *c = d->cur;
	bj_chunk   *nc;
	size_t		cap;

	if (c && c->cap - c->used >= len)
	{
		char	   *p = c->data + c->used;

		c->used += len;
		return p;
	}
	cap = BJ_CHUNK_MIN;
	if (c && c->cap <= SIZE_MAX / 4)
		cap = c->cap * 2;
	if (cap < len)
		cap = len;
	if (cap > SIZE_MAX - sizeof(bj_chunk))
		return NULL;
	nc = malloc(sizeof(bj_chunk) + cap);
	if (nc == NULL)
		return NULL;
	nc->cap = cap;
	nc->used = len;
	nc->next = d->chunks;		/* newest first; order does not matter otherwise */
	d->chunks = nc;
	d->cur = nc;
	return nc->data;
}

/* Appends a zeroed node; 0 when out of memory (or past 2^32 - 1 nodes). */
static bj_ref
new_node(bj_doc *d)
{
	bj_node    *nn;

	if (d->n >= d->cap)
	{
		uint32_t	ncap = d->cap ? d->cap * 2 : 256;

		if (d->cap >= UINT32_MAX / 2)
			return 0;
		nn = realloc(d->nodes, (size_t) ncap * sizeof(bj_node));
		if (nn == NULL)
			return 0;
		d->nodes = nn;
		d->cap = ncap;
		if (d->n == 0)
		{
			memset(&d->nodes[0], 0, sizeof(bj_node));	/* the placeholder */
			d->n = 1;
		}
	}
	memset(&d->nodes[d->n], 0, sizeof(bj_node));
	return d->n++;
}

/* Takes ownership of a parsed json-c value (freed by bj_doc_reset); puts it when out of memory. */
static bool
keep_root(bj_doc *d, json_object *jo)
{
	if (jo == NULL)
		return true;			/* the literal null */
	if (d->nroots == d->roots_cap)
	{
		uint32_t	ncap = d->roots_cap ? d->roots_cap * 2 : 8;
		json_object **nr = realloc(d->roots, (size_t) ncap * sizeof(json_object *));

		if (nr == NULL)
		{
			json_object_put(jo);
			return false;
		}
		d->roots = nr;
		d->roots_cap = ncap;
	}
	d->roots[d->nroots++] = jo;
	return true;
}

/* ---- lookups ---------------------------------------------------------------------------------------- */

bj_ref
bj_get_n(const bj_doc *d, bj_ref obj, const char *key, size_t key_len)
{
	bj_ref		r;
	uint32_t	k;

	if (!bj_is(d, obj, BJ_OBJECT))
		return 0;
	/* json-c keeps one member per name (the last value), so the first match is the only one */
	for (r = obj + 1, k = d->nodes[obj].count; k > 0; k--, r = d->nodes[r].next)
	{
		const bj_node *n = &d->nodes[r];

		if (n->key_len == key_len && (key_len == 0 || (n->key[0] == key[0] &&
													   memcmp(n->key, key, key_len) == 0)))
			return r;
	}
	return 0;
}

const char *
bj_text(const bj_doc *d, bj_ref r, size_t *len)
{
	const bj_node *n;

	if (r == 0)
		return NULL;
	n = &d->nodes[r];
	if (n->type != BJ_NUMBER && n->type != BJ_ARRAY && n->type != BJ_OBJECT)
		return NULL;
	if (n->str)
	{
		*len = n->len;
		return n->str;
	}
	if (d->beyond)
	{
		/* the subtree, depth first: each node read takes one off, a container adds its children */
		for (size_t left = n->count, i = r + 1; left > 0; left--, i++)
		{
			if (d->nodes[i].flags & BJ_F_BEYOND)
				return NULL;
			if (d->nodes[i].type == BJ_ARRAY || d->nodes[i].type == BJ_OBJECT)
				left += d->nodes[i].count;
		}
	}
	/* a nested container: json-c serializes it into a buffer of its own (freed with the value) */
	return json_object_to_json_string_length(n->jo, JSON_C_TO_STRING_PLAIN |
											 JSON_C_TO_STRING_NOSLASHESCAPE, len);
}

/* ---- checks of the source text ---------------------------------------------------------------------- */

static inline bool
is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/*
 * Offset of the first ill-formed UTF-8 sequence in p[pos..end) (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or end.  A sequence cut by end is fine when its bytes so far are
 * (the input may go on).  Plain ASCII is skipped 8 bytes at a time.
 */
static size_t
utf8_check(const unsigned char *p, size_t pos, size_t end)
{
	while (pos < end)
	{
		unsigned char c = p[pos];
		unsigned char lo = 0x80,
					hi = 0xbf;
		size_t		need;

		if (c < 0x80)
		{
			uint64_t	w;

			while (pos + 8 <= end)
			{
				memcpy(&w, p + pos, 8);
				if ((w & UINT64_C(0x8080808080808080)) != 0)
					break;
				pos += 8;
			}
			while (pos < end && p[pos] < 0x80)
				pos++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 2;
		else if (c >= 0xe0 && c <= 0xef)
		{
			need = 3;
			lo = (c == 0xe0) ? 0xa0 : 0x80;
			hi = (c == 0xed) ? 0x9f : 0xbf;
		}
		else if (c >= 0xf0 && c <= 0xf4)
		{
			need = 4;
			lo = (c == 0xf0) ? 0x90 : 0x80;
			hi = (c == 0xf4) ? 0x8f : 0xbf;
		}
		else
			return pos;
		for (size_t k = 1; k < need; k++)
		{
			unsigned char b;

			if (pos + k >= end)
				return end;
			b = p[pos + k];
			if (k == 1 ? (b < lo || b > hi) : (b & 0xc0) != 0x80)
				return pos;
		}
		pos += need;
	}
	return end;
}

/* Offset just past the string that starts at t[pos] == '"' (escapes honoured), at most end. */
static size_t
skip_string(const char *t, size_t pos, size_t end)
{
	for (pos++; pos < end && t[pos] != '"'; pos++)
	{
		if (t[pos] == '\\')
			pos++;
	}
	return pos < end ? pos + 1 : end;
}

/* Offset of the first bracket nested deeper than limit in text json-c has read, or end. */
static size_t
deep_bracket(const char *t, size_t pos, size_t end, uint32_t limit)
{
	uint32_t	depth = 0;

	while (pos < end)
	{
		char		ch = t[pos];

		if (ch == '"')
			pos = skip_string(t, pos, end);
		else if (ch == '[' || ch == '{')
		{
			if (++depth > limit)
				return pos;
			pos++;
		}
		else
		{
			if (ch == ']' || ch == '}')
				depth--;
			pos++;
		}
	}
	return end;
}

/*
 * The next integer in text json-c has read, from *pos, that json-c gives as INT64_MIN or UINT64_MAX (it
 * is at or beyond an end of the 64-bit range): its offset, or end when there is none; *len its length,
 * *beyond whether it is really out of range.  *colons counts the ':' passed outside strings (one per
 * object member).
 */
static size_t
next_edge_int(const char *t, size_t *pos_io, size_t end, size_t *len, bool *beyond, size_t *colons)
{
	size_t		pos = *pos_io;

	while (pos < end)
	{
		char		ch = t[pos];
		size_t		at = pos;
		size_t		digits;
		const char *max;
		size_t		mn,
					n;
		int			cmp;

		if (ch == '"')
		{
			pos = skip_string(t, pos, end);
			continue;
		}
		if (ch != '-' && (ch < '0' || ch > '9'))
		{
			*colons += ch == ':';
			pos++;
			continue;
		}
		max = ch == '-' ? "9223372036854775808" : "18446744073709551615";
		pos += ch == '-';
		while (pos < end && t[pos] == '0')
			pos++;				/* json-c takes "-01" and "00" */
		digits = pos;
		while (pos < end && t[pos] >= '0' && t[pos] <= '9')
			pos++;
		if (pos < end && (t[pos] == '.' || t[pos] == 'e' || t[pos] == 'E'))
		{
			/* a double: skip the rest of it */
			while (pos < end && ((t[pos] >= '0' && t[pos] <= '9') || t[pos] == '.' || t[pos] == 'e' ||
								 t[pos] == 'E' || t[pos] == '+' || t[pos] == '-'))
				pos++;
			continue;
		}
		n = pos - digits;
		mn = strlen(max);
		cmp = n != mn ? (n > mn ? 1 : -1) : memcmp(t + digits, max, mn);
		if (cmp >= 0)
		{
			*pos_io = pos;
			*len = pos - at;
			*beyond = cmp > 0;
			return at;
		}
	}
	*pos_io = end;
	return end;
}

/* A number node json-c may have clamped (see int_text). */
static bool
edge_node(const bj_node *n)
{
	return n->type == BJ_NUMBER && (n->flags & BJ_F_INTEGER) && n->len == 20 &&
		(memcmp(n->str, "18446744073709551615", 20) == 0 || memcmp(n->str, "-9223372036854775808", 20) == 0);
}

/*
 * json-c clamps integers beyond 64 bits to INT64_MIN / UINT64_MAX.  When those values show up, the
 * nodes of the value at root (source text[start..end), members object members) get the integers' source
 * text back, in order: the nodes are in source order unless json-c collapsed repeated member names, and
 * then it kept fewer members than the text has ':' outside strings.  False, with *bad the offset of the
 * first integer beyond the range, when a value changed and its text cannot be put back.
 */
static bool
restore_edge_ints(bj_doc *d, bj_ref root, const char *text, size_t start, size_t end, size_t members,
				  size_t *bad)
{
	size_t		pos = start;
	size_t		colons = 0;
	size_t		ntext = 0;
	size_t		nnodes = 0;
	size_t		at,
				len;
	bool		beyond;

	*bad = end;
	while ((at = next_edge_int(text, &pos, end, &len, &beyond, &colons)) < end)
	{
		ntext++;
		if (beyond && *bad == end)
			*bad = at;
	}
	if (*bad == end)
		return true;			/* integers exactly at the ends of the range: their digits are right */
	for (bj_ref r = root; r < d->n; r++)
		nnodes += edge_node(&d->nodes[r]);
	if (colons != members || nnodes != ntext)
		return false;
	pos = start;
	for (bj_ref r = root; r < d->n; r++)
	{
		bj_node    *n = &d->nodes[r];

		if (!edge_node(n))
			continue;
		at = next_edge_int(text, &pos, end, &len, &beyond, &colons);
		if (at >= end || (text[at] == '-') != (n->str[0] == '-'))
			return false;
		if (beyond)
		{
			n->str = text + at;
			n->len = len;
			n->flags |= BJ_F_BEYOND;
			d->beyond = true;
		}
	}
	return true;
}

/* ---- json-c ----------------------------------------------------------------------------------------- */

/* The tokener for a json-c depth limit (reset, or made anew when the limit changed). */
static bool
tokener_ready(bj_doc *d, int depth)
{
	if (d->tok && d->tok_depth != depth)
	{
		json_tokener_free(d->tok);
		d->tok = NULL;
	}
	if (d->tok)
	{
		json_tokener_reset(d->tok);
		return true;
	}
	d->tok = json_tokener_new_ex(depth);
	if (d->tok == NULL)
		return false;
	d->tok_depth = depth;
	json_tokener_set_flags(d->tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	return true;
}

/*
 * The C locale object.  json-c switches the thread to the C locale for every parse call (numbers) by
 * duplicating the thread's current locale, which costs more than parsing a small element; when the
 * thread is in the C locale already, glibc makes all of that free.  Made once, never freed.
 */
static locale_t
c_locale(void)
{
	static locale_t c;

	if (c == (locale_t) 0)
		c = newlocale(LC_ALL_MASK, "C", (locale_t) 0);
	return c;
}

/*
 * Runs the tokener over text[start..len) in slices (json-c takes an int length; a slice never takes it past
 * max bytes of the value, max 0 meaning no limit), then, when the value may go on at the end of the input
 * (a number), over a NUL that ends it.  *stop is where json-c stopped: after success just past the value
 * and the white space after it, on an error where json-c saw it (len when the input ended too early).
 * *too_big: json-c read max bytes and wanted more.
 */
static json_object *
run_tokener(json_tokener *tok, const char *text, size_t start, size_t len, size_t max, size_t *stop,
			enum json_tokener_error *je, bool *too_big)
{
	size_t		off = start;
	size_t		end = (max > 0 && max < len - start) ? start + max : len;
	json_object *jo;
	locale_t	c = c_locale();
	locale_t	old = c ? uselocale(c) : (locale_t) 0;	/* put back below: nothing in between jumps */

	*too_big = false;
	for (;;)
	{
		size_t		want = end - off;
		int			n = (want > BJ_SLICE) ? BJ_SLICE : (int) want;
		size_t		used;

		jo = json_tokener_parse_ex(tok, text + off, n);
		*je = json_tokener_get_error(tok);
		used = json_tokener_get_parse_end(tok);
		off += used;
		if (*je != json_tokener_continue || used == 0)
			break;				/* (json-c always takes a whole piece before asking for more) */
		if (off >= end && end < len)
		{
			*too_big = true;	/* the value goes on past the limit: stop reading it */
			break;
		}
		if (off >= len)
		{
			jo = json_tokener_parse_ex(tok, "", 1);
			*je = json_tokener_get_error(tok);
			off = len;
			break;
		}
	}
	if (old)
		uselocale(old);
	if ((*je != json_tokener_success || *too_big) && jo != NULL)
	{
		json_object_put(jo);
		jo = NULL;
	}
	*stop = off;
	return jo;
}

#define FAIL(off, msg) do { err->offset = (off); err->message = (msg); return BJ_SYNTAX; } while (0)

/* A json-c error at offset at (start: where the value began) as a bj_error. */
static bj_status
tokener_error(const char *text, size_t start, size_t len, size_t at, enum json_tokener_error je,
			  uint32_t limit, bj_error *err)
{
	size_t		bad = utf8_check((const unsigned char *) text, start, at);

	/* what comes first in the text is reported first: json-c does not look at UTF-8 */
	if (bad < at)
		FAIL(bad, "invalid UTF-8 in a string");
	switch (je)
	{
		case json_tokener_error_depth:
			{
				size_t		to = at < len ? at + 1 : len;
				size_t		b = deep_bracket(text, start, to, limit);

				err->offset = b < to ? b : at;
				err->message = "nesting too deep";
				return BJ_TOO_DEEP;
			}
		case json_tokener_continue:
		case json_tokener_error_parse_eof:
			if (at < len)
			{
				/* json-c takes a NUL byte for the end of the input */
				const char *z = memchr(text + start, '\0', at + 1 - start);

				FAIL(z ? (size_t) (z - text) : at, "unexpected NUL byte");
			}
			FAIL(len, "unexpected end of input");
		case json_tokener_error_parse_null:
		case json_tokener_error_parse_boolean:
			FAIL(at, "invalid literal");
		case json_tokener_error_parse_number:
			FAIL(at, "invalid number");
		case json_tokener_error_parse_array:
			FAIL(at, "expected ',' or ']'");
		case json_tokener_error_parse_object_key_name:
			FAIL(at, "expected a string (member name)");
		case json_tokener_error_parse_object_key_sep:
			FAIL(at, "expected ':'");
		case json_tokener_error_parse_object_value_sep:
			FAIL(at, "expected ',' or '}'");
		case json_tokener_error_parse_string:
			FAIL(at, "invalid escape in a string");
		case json_tokener_error_parse_unexpected:
			FAIL(at, "unexpected character");
		default:
			FAIL(at, "invalid JSON");
	}
}

/* ---- flattening ------------------------------------------------------------------------------------- */

/* An integer's digits into the arena.  *clamped: the value is one json-c gives integers beyond 64 bits. */
static bool
int_text(bj_doc *d, bj_node *n, json_object *jo, bool *clamped)
{
	int64_t		v = json_object_get_int64(jo);
	uint64_t	mag;
	char		tmp[24];
	char	   *p = tmp + sizeof(tmp);
	char	   *buf;
	size_t		len;

	if (v == INT64_MAX)
	{
		mag = json_object_get_uint64(jo);	/* a value above INT64_MAX is kept as an unsigned one */
		*clamped |= mag == UINT64_MAX;
	}
	else if (v < 0)
	{
		mag = (uint64_t) 0 - (uint64_t) v;
		*clamped |= v == INT64_MIN;
	}
	else
		mag = (uint64_t) v;
	do
	{
		*--p = (char) ('0' + mag % 10);
		mag /= 10;
	} while (mag > 0);
	if (v < 0)
		*--p = '-';
	len = (size_t) (tmp + sizeof(tmp) - p);
	buf = arena_alloc(d, len);
	if (buf == NULL)
		return false;
	memcpy(buf, p, len);
	n->str = buf;
	n->len = len;
	n->flags |= BJ_F_INTEGER;
	return true;
}

/* Sets node r from the json-c value jo (containers get their children later). */
static bool
fill(bj_doc *d, bj_ref r, json_object *jo, bool *clamped)
{
	bj_node    *n = &d->nodes[r];

	switch (json_object_get_type(jo))
	{
		case json_type_null:
			n->type = BJ_NULL;
			return true;
		case json_type_boolean:
			n->type = json_object_get_boolean(jo) ? BJ_TRUE : BJ_FALSE;
			return true;
		case json_type_int:
			n->type = BJ_NUMBER;
			return int_text(d, n, jo, clamped);
		case json_type_double:
			/* json-c keeps the text a double was parsed from, and serializes it as that text */
			n->type = BJ_NUMBER;
			n->str = json_object_to_json_string_length(jo, JSON_C_TO_STRING_PLAIN, &n->len);
			return n->str != NULL;
		case json_type_string:
			n->type = BJ_STRING;
			n->str = json_object_get_string(jo);
			n->len = (size_t) json_object_get_string_len(jo);
			if (memchr(n->str, '\0', n->len))
				n->flags |= BJ_F_HAS_NUL;
			return true;
		case json_type_array:
			n->type = BJ_ARRAY;
			n->jo = jo;
			return true;
		case json_type_object:
			n->type = BJ_OBJECT;
			n->jo = jo;
			return true;
	}
	return false;
}

static bool
push(bj_doc *d, uint32_t sp, bj_ref node)
{
	bj_frame   *f;
	json_object *jo = d->nodes[node].jo;

	if (sp >= d->stack_cap)
	{
		uint32_t	ncap = d->stack_cap ? d->stack_cap * 2 : 32;
		bj_frame   *ns = realloc(d->stack, (size_t) ncap * sizeof(bj_frame));

		if (ns == NULL)
			return false;
		d->stack = ns;
		d->stack_cap = ncap;
	}
	f = &d->stack[sp];
	f->node = node;
	f->last = 0;
	f->jo = jo;
	f->member = NULL;
	f->index = f->length = 0;
	if (d->nodes[node].type == BJ_OBJECT)
		f->member = lh_table_head(json_object_get_object(jo));
	else
		f->length = json_object_array_length(jo);
	return true;
}

/*
 * The json-c value top into nodes, depth first (a container's first child is the next node); *members
 * counts the object members.  *too_deep: a container nested deeper than limit (json-c lets one more level of empty ones through).
 */
static bj_status
flatten(bj_doc *d, json_object *top, uint32_t limit, bj_ref *root, size_t *members, bool *too_deep,
		bool *clamped)
{
	uint32_t	sp = 0;
	bj_ref		r = new_node(d);

	if (r == 0 || !fill(d, r, top, clamped))
		return BJ_NO_MEMORY;
	*root = r;
	if (d->nodes[r].type == BJ_ARRAY || d->nodes[r].type == BJ_OBJECT)
	{
		if (limit == 0)
			*too_deep = true;
		else if (!push(d, sp++, r))
			return BJ_NO_MEMORY;
	}
	while (sp > 0)
	{
		bj_frame   *f = &d->stack[sp - 1];
		json_object *jo;
		const char *key = NULL;
		bj_node    *n;

		if (f->member)
		{
			key = lh_entry_k(f->member);
			jo = lh_entry_v(f->member);
			f->member = lh_entry_next(f->member);
		}
		else if (f->index < f->length)
			jo = json_object_array_get_idx(f->jo, f->index++);
		else
		{
			sp--;
			continue;
		}
		r = new_node(d);
		if (r == 0)
			return BJ_NO_MEMORY;
		if (f->last)
			d->nodes[f->last].next = r;
		f->last = r;
		d->nodes[f->node].count++;
		if (!fill(d, r, jo, clamped))
			return BJ_NO_MEMORY;
		n = &d->nodes[r];
		if (key)
		{
			n->key = key;
			n->key_len = (uint32_t) strlen(key);
			(*members)++;
		}
		if (n->type == BJ_ARRAY || n->type == BJ_OBJECT)
		{
			if (sp >= limit)
				*too_deep = true;	/* empty (json-c stops deeper values): no need to descend */
			else if (!push(d, sp++, r))
				return BJ_NO_MEMORY;
		}
	}
	return BJ_OK;
}

/* ---- parsing ---------------------------------------------------------------------------------------- */

bj_status
bj_parse(bj_doc *d, const char *text, size_t len, size_t *pos_io, int max_depth, bj_ref *root,
		 bj_error *err)
{
	uint32_t	limit = max_depth <= 0 ? 0 : max_depth > BJ_MAX_DEPTH ? BJ_MAX_DEPTH : (uint32_t) max_depth;
	size_t		start = *pos_io;
	size_t		end;
	size_t		bad;
	json_object *jo;
	enum json_tokener_error je;
	bool		too_big;
	bool		too_deep = false;
	bool		clamped = false;
	size_t		members = 0;
	bj_ref		r = 0;
	bj_status	st;

	while (start < len && is_ws(text[start]))
		start++;
	if (start >= len)
		FAIL(len, "unexpected end of input");
	if (!tokener_ready(d, (int) limit + 1))
		return BJ_NO_MEMORY;
	jo = run_tokener(d->tok, text, start, len, d->max_value_bytes, &end, &je, &too_big);
	if (too_big)
	{
		json_tokener_reset(d->tok);	/* drops the part of the value json-c built */
		err->offset = start;
		err->message = "value too large";
		return BJ_TOO_BIG;
	}
	if (je != json_tokener_success)
		return tokener_error(text, start, len, end, je, limit, err);
	if (!keep_root(d, jo))
		return BJ_NO_MEMORY;
	while (end > start && is_ws(text[end - 1]))
		end--;					/* json-c read the white space after the value */

	bad = utf8_check((const unsigned char *) text, start, end);
	if (bad < end)
		FAIL(bad, "invalid UTF-8 in a string");
	st = flatten(d, jo, limit, &r, &members, &too_deep, &clamped);
	if (st != BJ_OK)
		return st;
	if (too_deep)
	{
		err->offset = deep_bracket(text, start, end, limit);
		err->message = "nesting too deep";
		return BJ_TOO_DEEP;
	}
	if (d->nodes[r].type == BJ_ARRAY || d->nodes[r].type == BJ_OBJECT)
	{
		d->nodes[r].str = text + start;
		d->nodes[r].len = end - start;
	}
	*root = r;
	*pos_io = end;
	if (clamped && !restore_edge_ints(d, r, text, start, end, members, &bad))
	{
		err->offset = bad;
		err->message = "integer outside the 64-bit range";
		return BJ_RANGE;
	}
	return BJ_OK;
}
