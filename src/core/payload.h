/*
 * payload.h — turn a provider's webhook / API JSON payload into normalized bm_events.  Pure C on json-c
 * (json/json.c wraps it; no PostgreSQL headers).  Every parsed node and scratch buffer is owned by
 * a bm_parser, so a caller that longjmps out of a sink callback (PostgreSQL's ereport)
 * loses nothing: it calls bm_parser_destroy() from its cleanup path and everything is freed.
 */
#ifndef BM_PAYLOAD_H
#define BM_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"

typedef struct bm_parser bm_parser;

/* An element that could not become an event: kept by the caller (quarantine) with the reason. */
typedef struct bm_reject
{
	bm_provider provider;
	size_t		element_index;	/* 0-based position of the element in the payload (or in its list) */
	bm_str		raw;			/* the element's JSON text */
	const char *reason;			/* e.g. "missing field", "invalid email address", "unparseable timestamp" */
	const char *field;			/* the JSON field concerned, e.g. "email", "timestamp", "event-data.recipient";
								 * "" when the element itself is the problem (not an object) */
} bm_reject;

/* Something to report that is neither an event nor an error (e.g. an SNS SubscriptionConfirmation). */
typedef struct bm_note
{
	bm_provider provider;
	const char *kind;			/* "sns_subscription_confirmation", "sns_unsubscribe_confirmation", ... */
	bm_str		detail;			/* e.g. the SubscribeURL the endpoint must visit */
} bm_note;

/* Callbacks; the strings they receive are valid only during the call. */
typedef struct bm_sink
{
	void	   *ctx;
	void		(*event) (void *ctx, const bm_event *ev);
	void		(*reject) (void *ctx, const bm_reject *rej);
	void		(*note) (void *ctx, const bm_note *note);	/* may be NULL */
} bm_sink;

typedef enum bm_payload_status
{
	BM_PAYLOAD_OK = 0,
	BM_PAYLOAD_SYNTAX,			/* not JSON, or truncated: err->offset says where */
	BM_PAYLOAD_TOO_DEEP,		/* nesting deeper than opts->max_depth: err->offset */
	BM_PAYLOAD_SHAPE,			/* valid JSON, but not the shape the provider sends: err->field */
	BM_PAYLOAD_UNDETECTED,		/* provider AUTO and no provider recognizes the payload */
	BM_PAYLOAD_NO_MEMORY,
	BM_PAYLOAD_TOO_BIG			/* one element (the top-level object, or one element of a top-level array)
								 * is longer than opts->max_element_bytes: err->offset is where it starts */
} bm_payload_status;

typedef struct bm_payload_error
{
	bm_payload_status status;
	size_t		offset;			/* byte offset of a syntax/depth error, or of the element too big */
	bm_provider provider;		/* the provider whose shape was expected (BM_PROVIDER_AUTO if none) */
	char		field[128];		/* JSON path of the offending field ("$", "$.items", "$[3].Message") */
	char		message[256];	/* a sentence for the user */
} bm_payload_error;

typedef struct bm_payload_opts
{
	bm_provider provider;		/* BM_PROVIDER_AUTO: detect from the payload */
	int			max_depth;		/* JSON nesting limit (0 = default 64) */
	bool		keep_raw;		/* fill bm_event.raw / bm_reject.raw (rejects always get raw) */
	size_t		max_element_bytes;	/* longest element parsed (0 = BM_PAYLOAD_DEFAULT_MAX_ELEMENT): the
									 * top-level object, one element of a top-level array, or a Mandrill
									 * form field's JSON; json-c's tree of an element takes about 12
									 * times its size, so this bounds a call's memory */
} bm_payload_opts;

#define BM_PAYLOAD_DEFAULT_MAX_ELEMENT ((size_t) 32 * 1024 * 1024)

/* The kinds of JSON value bm_payload_walk() reports. */
typedef enum bm_json_kind
{
	BM_JSON_NULL = 0,
	BM_JSON_FALSE,
	BM_JSON_TRUE,
	BM_JSON_NUMBER,				/* s: the number's JSON text */
	BM_JSON_STRING,				/* s: the decoded UTF-8 bytes (has_nul: a "\u0000" among them) */
	BM_JSON_ARRAY,
	BM_JSON_OBJECT
} bm_json_kind;

/*
 * A visitor of a parsed JSON value.  value() is called for every value in document order; key is the
 * member name when the value is an object member, else NULL.  For an array or object, value() opens it,
 * its children follow, and end() closes it.  Returning false stops the walk.
 */
typedef struct bm_json_visitor
{
	void	   *ctx;
	bool		(*value) (void *ctx, bm_json_kind kind, const char *key, size_t key_len, const char *s,
						  size_t len, bool has_nul);
	bool		(*end) (void *ctx, bm_json_kind kind);
} bm_json_visitor;

/*
 * Walks an event's raw value as the parser parsed it (ref = bm_event.raw_ref, during the sink call):
 * what is kept of an element is built from the parse, not from a second parse of its text.  Iterative.
 * Returns false when the visitor stopped, or when ref is 0.
 */
bool		bm_payload_walk(const bm_parser *parser, uint32_t ref, const bm_json_visitor *visitor);

bm_parser  *bm_parser_create(void);		/* NULL when out of memory */
void		bm_parser_destroy(bm_parser *parser);	/* frees everything still held; NULL is a no-op */

/*
 * Parses one payload and calls the sink for every event, rejected element and note, in payload order.
 * Top-level arrays are read element by element (memory bounded by the largest element, not the payload),
 * and no element is read past opts->max_element_bytes (BM_PAYLOAD_TOO_BIG).
 * Returns BM_PAYLOAD_OK, or fills *err; events already passed to the sink before an error stay passed
 * (callers that need all-or-nothing discard them).  *detected receives the provider used.
 * A parser can be reused for several payloads, one at a time.
 */
bm_payload_status bm_parse_payload(bm_parser *parser, const char *payload, size_t len,
								   const bm_payload_opts *opts, const bm_sink *sink,
								   bm_provider *detected, bm_payload_error *err);

#endif							/* BM_PAYLOAD_H */
