/*
 * json.h — the core's one JSON layer (private to src/core), used by the payload driver and the provider
 * adapters, the webhook signature code (sig/) and the API page reader (api_page.c): json-c
 * parses one value at a time (a reusable tokener, strict mode), and the json-c tree is flattened into an
 * array of bj_nodes the callers walk and look up.  Strings point into the json-c objects (no copy),
 * numbers are kept as their exact text, and every json-c object, the tokener and all memory are owned
 * by a bj_doc, reused between values and freed by bj_doc_reset / bj_doc_free.
 */
#ifndef BM_JSON_H
#define BM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct json_object;
struct json_tokener;

typedef enum bj_type
{
	BJ_NULL = 0,
	BJ_FALSE,
	BJ_TRUE,
	BJ_NUMBER,
	BJ_STRING,
	BJ_ARRAY,
	BJ_OBJECT
} bj_type;

/* A node index; 0 means "absent" (node 0 is a reserved placeholder). */
typedef uint32_t bj_ref;

#define BJ_F_INTEGER	0x01	/* number written without fraction or exponent */
#define BJ_F_HAS_NUL	0x02	/* string contains a NUL byte (from "\u0000") */
#define BJ_F_BEYOND		0x04	/* integer beyond 64 bits: json-c changed its value, str is its source text */

typedef struct bj_node
{
	const char *str;			/* STRING: the decoded bytes (valid UTF-8, owned by json-c); NUMBER: its JSON
								 * text; ARRAY/OBJECT: the exact source text when the node is the root of a
								 * parsed value, else NULL (bj_text serializes it) */
	size_t		len;
	const char *key;			/* member name when the node is an object member, else NULL */
	uint32_t	key_len;
	bj_ref		next;			/* next sibling in the parent, 0 for the last */
	uint32_t	count;			/* ARRAY/OBJECT: number of children (the first one is this node + 1) */
	uint8_t		type;			/* bj_type */
	uint8_t		flags;			/* BJ_F_* */
	struct json_object *jo;		/* ARRAY/OBJECT: the json-c value (for bj_text) */
} bj_node;

typedef struct bj_chunk bj_chunk;
typedef struct bj_frame bj_frame;

typedef struct bj_doc
{
	bj_node    *nodes;
	uint32_t	n;				/* nodes in use (node 0 is the placeholder) */
	uint32_t	cap;
	bj_chunk   *chunks;			/* arena for number texts */
	bj_chunk   *cur;
	bj_frame   *stack;			/* open containers while flattening */
	uint32_t	stack_cap;
	struct json_object **roots; /* json-c trees of the values parsed since the last reset */
	uint32_t	nroots;
	uint32_t	roots_cap;
	struct json_tokener *tok;	/* reused between values; recreated when the depth limit changes */
	int			tok_depth;
	bool		beyond;			/* some node has BJ_F_BEYOND (since the last reset) */
	size_t		max_value_bytes;	/* bj_parse refuses a value longer than this (BJ_TOO_BIG); 0: no limit */
} bj_doc;

typedef enum bj_status
{
	BJ_OK = 0,
	BJ_SYNTAX,
	BJ_TOO_DEEP,
	BJ_RANGE,					/* valid JSON, parsed, but an integer lies outside the 64-bit range: json-c
								 * would have changed its value, so the value must not be used as is */
	BJ_TOO_BIG,					/* the value goes on beyond d->max_value_bytes: json-c stopped there */
	BJ_NO_MEMORY
} bj_status;

typedef struct bj_error
{
	size_t		offset;			/* byte offset in the parsed text */
	const char *message;		/* "unexpected end of input", "invalid UTF-8 in a string", ... */
} bj_error;

void		bj_doc_init(bj_doc *d);
void		bj_doc_free(bj_doc *d);
/* Forgets all nodes and json-c values (keeps the memory for the next value). */
void		bj_doc_reset(bj_doc *d);
/* Gives back memory beyond a modest working set (after an unusually large value). */
void		bj_doc_trim(bj_doc *d);

/* The largest nesting limit bj_parse applies (a larger max_depth is taken as this): json-c frees and
 * serializes values recursively. */
#define BJ_MAX_DEPTH	1000

/*
 * Parses one JSON value of text[*pos..len), after optional white space, and appends it to d.  On
 * success *root is its node and *pos the offset just past it (what follows is not looked at beyond the
 * white space after the value).  Nesting deeper than max_depth containers is BJ_TOO_DEEP at the
 * offending bracket.  A value longer than d->max_value_bytes is BJ_TOO_BIG, err->offset where it starts:
 * json-c is fed the text in slices and stops as soon as it has read that many bytes without reaching the
 * value's end, so memory stays bounded by the limit, not by the value.  BJ_RANGE: the value was parsed
 * (*root, *pos and err are set) but holds an integer beyond 64 bits.  Iterative: the C stack does not
 * grow with the input's nesting.  Node pointers are invalidated by a later bj_parse on d.
 */
bj_status	bj_parse(bj_doc *d, const char *text, size_t len, size_t *pos, int max_depth, bj_ref *root,
					 bj_error *err);

/*
 * The JSON text of a node: a number's text, an array's or object's source text (the root of a parsed
 * value) or its json-c serialization (nested containers: no white space, same members and values); NULL
 * for other nodes, when out of memory, and for a nested container holding a BJ_F_BEYOND integer (json-c
 * would write its changed value).  Valid until bj_doc_reset.
 */
const char *bj_text(const bj_doc *d, bj_ref r, size_t *len);

static inline const bj_node *
bj_at(const bj_doc *d, bj_ref r)
{
	return &d->nodes[r];
}

static inline bj_type
bj_type_of(const bj_doc *d, bj_ref r)
{
	return r ? (bj_type) d->nodes[r].type : BJ_NULL;
}

static inline bool
bj_is(const bj_doc *d, bj_ref r, bj_type t)
{
	return r != 0 && d->nodes[r].type == t;
}

/* First child of an array/object, or 0. */
static inline bj_ref
bj_first(const bj_doc *d, bj_ref r)
{
	return (r != 0 && d->nodes[r].count > 0) ? r + 1 : 0;
}

static inline bj_ref
bj_next(const bj_doc *d, bj_ref r)
{
	return d->nodes[r].next;
}

/* The member of object obj named key (json-c keeps the LAST of repeated names, as JSON.parse and jsonb
 * do), or 0 when obj is not an object or has no such member. */
bj_ref		bj_get_n(const bj_doc *d, bj_ref obj, const char *key, size_t key_len);

#define bj_get(d, obj, lit) bj_get_n((d), (obj), (lit), sizeof(lit) - 1)

/* True when the node is a string equal to lit. */
#define bj_str_eq(d, r, lit) bj_str_eq_n((d), (r), (lit), sizeof(lit) - 1)

static inline bool
bj_str_eq_n(const bj_doc *d, bj_ref r, const char *s, size_t n)
{
	return bj_is(d, r, BJ_STRING) && d->nodes[r].len == n && memcmp(d->nodes[r].str, s, n) == 0;
}

#endif							/* BM_JSON_H */
