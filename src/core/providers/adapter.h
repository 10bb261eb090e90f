/*
 * adapter.h — the contract between the payload driver (payload.c) and the provider adapters
 * (providers/<provider>.c), and the helpers they share (adapter.c).  Private to src/core.
 *
 * An adapter turns one JSON value it was handed (an array element, or the top-level object) into
 * bm_events, rejects and notes through the bm_ctx helpers below.  It never allocates: every string it
 * hands out points into the payload, into the bj_doc (decoded strings) or into the ctx scratch buffers,
 * all owned by the bm_parser, so a sink callback that longjmps loses nothing.
 *
 * Policies applied to every event by bm_emit (so adapters cannot disagree on them):
 *   - dropped events get BM_EVF_NO_RATE (no provider counts a message it never attempted in its bounce
 *     or delivery rates);
 *   - deferred events get BM_EVF_PROVIDER_SOFT (a deferral is the provider saying "temporary");
 *   - raw (and raw_ref, its parsed node) is the element's JSON text when opts->keep_raw, else absent —
 *     unless the adapter set its own part of the element and BM_EVF_PART_RAW (SES notifications with
 *     several recipients); element is always the element's JSON text (what a quarantine keeps).
 * Reject field names are paths relative to the element ("email", "bounce.bouncedRecipients[1]
 * .emailAddress"); "" means the element itself.
 * Note kinds: sns_subscription_confirmation, sns_unsubscribe_confirmation (detail: SubscribeURL),
 * sns_text_message, ses_subscription_succeeded (detail: the text), sendgrid_account_status_change
 * (detail: its type), sparkpost_test_ping, mandrill_sync (detail: "type/action").
 */
#ifndef BM_ADAPTER_H
#define BM_ADAPTER_H

#include <stdbool.h>
#include <stdint.h>

#include "address.h"
#include "event.h"
#include "json/json.h"
#include "payload.h"
#include "smtp_status.h"
#include "timefmt.h"

/* A growable byte buffer (derived ids, reject reasons); memory owned by the parser. */
typedef struct bm_sbuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		oom;			/* an append failed; the content is incomplete */
} bm_sbuf;

typedef struct bm_adapter bm_adapter;

typedef struct bm_ctx
{
	bj_doc	   *doc;
	const bm_payload_opts *opts;
	const bm_sink *sink;
	bm_payload_error *err;
	const bm_adapter *adapter;
	bm_provider provider;
	int			max_depth;		/* effective nesting limit (for JSON nested in strings, e.g. SNS) */
	size_t		index;			/* element index reported in rejects */
	bm_str		raw;			/* JSON text of the current element */
	bj_ref		raw_ref;		/* its parsed node */
	char		email[BM_ADDRESS_BUF];	/* the current event's normalized address */
	bm_sbuf		id;				/* the current event's derived id */
	bm_sbuf		msg;			/* reject reasons */
	bm_sbuf		field;			/* reject field paths (bm_field_index) */
	bm_sbuf		aux;			/* the current event's composed strings (e.g. "failed/permanent") */
} bm_ctx;

struct bm_adapter
{
	bm_provider provider;
	const char *label;			/* "SendGrid", for messages */
	const char *shapes;			/* what the provider sends, completing "<label> payloads are ..." */
	/* AUTO detection from the top-level object / the first array element (NULL: never) */
	bool		(*detect_object) (const bj_doc *d, bj_ref obj);
	bool		(*detect_element) (const bj_doc *d, bj_ref obj);
	/* handlers (NULL: that top-level shape is a BM_PAYLOAD_SHAPE error for this provider); element()
	 * is only called with objects (the driver rejects other elements) */
	bm_payload_status (*object) (bm_ctx *c, bj_ref obj);
	bm_payload_status (*element) (bm_ctx *c, bj_ref obj);
};

extern const bm_adapter bm_adapter_sendgrid;
extern const bm_adapter bm_adapter_ses;
extern const bm_adapter bm_adapter_mailgun;
extern const bm_adapter bm_adapter_postmark;
extern const bm_adapter bm_adapter_generic;
extern const bm_adapter bm_adapter_sparkpost;
extern const bm_adapter bm_adapter_mailjet;
extern const bm_adapter bm_adapter_brevo;
extern const bm_adapter bm_adapter_mandrill;

/* ---- scratch buffers -------------------------------------------------------------------------------- */

void		bm_sb_reset(bm_sbuf *b);
void		bm_sb_add(bm_sbuf *b, const char *s, size_t n);
void		bm_sb_addz(bm_sbuf *b, const char *s);
void		bm_sb_add_str(bm_sbuf *b, bm_str s);
void		bm_sb_add_i64(bm_sbuf *b, int64_t v);
void		bm_sb_add_hex64(bm_sbuf *b, uint64_t v);	/* 16 lower-case hex digits */
void		bm_sb_free(bm_sbuf *b);
/* The content as a slice (NUL-terminated in memory); BM_STR_NULL after an allocation failure. */
bm_str		bm_sb_str(bm_sbuf *b);

/* 64-bit FNV-1a, for derived ids: h = BM_FNV_INIT, then fold every piece in. */
#define BM_FNV_INIT UINT64_C(0xcbf29ce484222325)
uint64_t	bm_fnv1a(uint64_t h, const void *p, size_t n);

/*
 * Derived event ids, for providers without an event id of their own, built in c->id (valid until the next
 * one).  The parts and their order ARE the id (a stored event is found again by it): never reorder them.
 * An absent part (ptr NULL) counts as empty.
 *   bm_hashed_id: prefix + 16 lower-case hex digits of FNV-1a over the parts joined by '|'
 *                 ("sg:", "sp:", "mg:", "gen:" ids: an event re-sent gets the same id);
 *   bm_joined_id: prefix + the parts joined by ':' ("list:bounce:<email>:<created>", "mj:...", ...).
 * BM_STR_NULL when out of memory (the driver reports it).
 */
bm_str		bm_hashed_id(bm_ctx *c, const char *prefix, const bm_str *parts, size_t nparts);
bm_str		bm_joined_id(bm_ctx *c, const char *prefix, const bm_str *parts, size_t nparts);
/* An integer's decimal text in buf, as an id part. */
bm_str		bm_i64_str(char buf[24], int64_t v);

/* The provider's own hard/soft verdict in an event name: PROVIDER_HARD for "hard_bounce", PROVIDER_SOFT
 * for "soft_bounce" (Brevo's and Mandrill's names), else 0. */
uint32_t	bm_bounce_name_flags(bm_str event);

/* ---- reading JSON values ---------------------------------------------------------------------------- */

/* A string node as a slice, cut at the first NUL (PostgreSQL text cannot hold one); else BM_STR_NULL. */
bm_str		bm_json_str(const bj_doc *d, bj_ref r);
/* Like bm_json_str, but BM_STR_NULL also for "" (for "text else other text" fallbacks). */
bm_str		bm_json_str_nonempty(const bj_doc *d, bj_ref r);
/* A string's content or a number's exact JSON text (ids such as Postmark's ID > 2^53); else NULL. */
bm_str		bm_json_scalar_text(const bj_doc *d, bj_ref r);
/* An integer number, or a string of digits (optionally signed, blanks around), that fits in int64. */
bool		bm_json_int(const bj_doc *d, bj_ref r, int64_t *out);
/* A reply code from a number or digit string; 0 when absent or outside 200..599. */
int			bm_json_reply_code(const bj_doc *d, bj_ref r);
/* An enhanced status from a string ("5.1.1"); BM_STATUS_NONE when absent or malformed. */
bm_status	bm_json_status(const bj_doc *d, bj_ref r);
/* true / false, or the strings "true" / "false"; def when absent or anything else. */
bool		bm_json_bool(const bj_doc *d, bj_ref r, bool def);
/* Path lookup through nested objects: bm_json_path(d, obj, "delivery-status", "code", NULL). */
bj_ref		bm_json_path(const bj_doc *d, bj_ref obj,...);

static inline bool
bm_str_eq(bm_str s, const char *lit)
{
	size_t		n = strlen(lit);

	return s.ptr != NULL && s.len == n && memcmp(s.ptr, lit, n) == 0;
}

static inline bm_str
bm_str_lit(const char *lit)
{
	return (bm_str) {lit, strlen(lit)};
}

/* A provider event name -> event type table, terminated by {NULL, 0}. */
typedef struct bm_name_map
{
	const char *name;
	bm_event_type type;
} bm_name_map;

/* The type for name (exact, case-sensitive match), or def when it is not in the table. */
bm_event_type bm_map_name(const bm_name_map *map, bm_str name, bm_event_type def);

/* ---- building events -------------------------------------------------------------------------------- */

/*
 * Starts an event for the recipient in email_node: zeroes *ev, sets provider, BM_STATUS_NONE,
 * BM_TIME_NONE, and the normalized / original address and domain.  When the address is missing, not a
 * string or invalid, rejects the element (field: field) and returns false.
 */
bool		bm_ev_begin(bm_ctx *c, bm_event *ev, bj_ref email_node, const char *field);
/* Like bm_ev_begin with the address given as a slice (e.g. SES mail.destination entries). */
bool		bm_ev_begin_str(bm_ctx *c, bm_event *ev, bm_str email, const char *field);

/* Sets ev->occurred_at from a number or string node; rejects and returns false when missing/invalid. */
bool		bm_ev_time(bm_ctx *c, bm_event *ev, bj_ref node, const char *field);
/* The same check into *us, for a time shared by several recipients (checked once per element). */
bool		bm_time_node(bm_ctx *c, bj_ref node, const char *field, int64_t *us);

/*
 * Calls fn for every element of array arr as a separate element (c->index = position, c->raw = its JSON
 * text: see bj_text; the enclosing raw text when it has none); elements that are not objects are
 * rejected.  Stops at the first status other than OK.
 */
bm_payload_status bm_each_item(bm_ctx *c, bj_ref arr, bm_payload_status (*fn) (bm_ctx *c, bj_ref obj));

/*
 * Parses JSON text nested in a string (SNS "Message", a "mandrill_events" string) into c->doc.  On a
 * syntax or depth error, rejects the current element (field: field) and returns 0 with *st = OK; when
 * out of memory returns 0 with *st = BM_PAYLOAD_NO_MEMORY.
 */
bj_ref		bm_parse_nested(bm_ctx *c, bm_str text, const char *field, bm_payload_status *st);

/* Passes the event to the sink (after the policies above). */
void		bm_emit(bm_ctx *c, bm_event *ev);

/* Rejects the current element.  reason: "missing field", "invalid email address", ... */
void		bm_reject_elem(bm_ctx *c, const char *reason, const char *field);
/* bm_reject with a reason built from two parts ("unknown event type: " + the value). */
void		bm_reject_elem2(bm_ctx *c, const char *reason, bm_str detail, const char *field);

void		bm_emit_note(bm_ctx *c, const char *kind, bm_str detail);

/* A field path with an index, built in c->field: bm_field_index(c, "bounce.bouncedRecipients", 1,
 * "emailAddress") -> "bounce.bouncedRecipients[1].emailAddress".  Valid until the next call. */
const char *bm_field_index(bm_ctx *c, const char *prefix, size_t i, const char *suffix);

/* A SHAPE error for the whole payload, naming the adapter's provider. */
bm_payload_status bm_shape_error(bm_ctx *c, const char *field, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/*
 * The message of a provider's API error body passed instead of events: "[<label>: ]the payload is an API
 * error response ("<message>"), not events", the provider's message cut at 120 bytes; label may be NULL.
 */
void		bm_api_error_text(char *buf, size_t size, const char *label, bm_str message);

#endif							/* BM_ADAPTER_H */
