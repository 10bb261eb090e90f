/*
 * generic.c — the documented format for applications with their own MTA: a JSON array (or a single
 * object) of
 *     {"email": "...", "occurred_at": <any timefmt form>, "event": "<bounce_mgmt event type>",
 *      "reply_code": 550, "status": "5.1.1", "diagnostic": "...", "id": "...", "message_id": "...",
 *      "attempt": 1}
 * email, occurred_at and event are required; the rest optional (null counts as absent); other members
 * are ignored.  The sender controls this format, so values are checked strictly and a bad one rejects
 * the element:
 *   event        one of sent, delivered, deferred, bounce, dropped, complaint, unsubscribe, open, click,
 *                other (exact, lower case)
 *   reply_code   an integer or a digit string, 200..599
 *   status       a string, RFC 3463 "class.subject.detail" with class 2, 4 or 5
 *   diagnostic, message_id   strings;   id   a string or an integer;   attempt   a positive integer
 * provider_type / provider_subtype are not set (the event type is the sender's own verdict).
 * Without an id: "gen:" + 16 hex digits of 64-bit FNV-1a over
 *     email "|" occurred_at "|" event "|" reply_code "|" status "|" diagnostic
 * where email is the normalized address, occurred_at its microseconds in decimal, reply_code decimal
 * (empty when absent), status its canonical text ("5.1.1"; empty when absent), diagnostic as given
 * (empty when absent); flag DERIVED_ID.  The same event re-sent thus gets the same id.
 */
#include "adapter.h"


static bool
generic_event_type(bm_str name, bm_event_type *out)
{
	for (int t = 0; t < BM_ET_COUNT; t++)
	{
		if (bm_str_eq(name, bm_event_type_name((bm_event_type) t)))
		{
			*out = (bm_event_type) t;
			return true;
		}
	}
	return false;
}

/* The member, or 0 when absent or null. */
static bj_ref
opt(const bj_doc *d, bj_ref o, const char *key)
{
	bj_ref		r = bj_get_n(d, o, key, strlen(key));

	return bj_is(d, r, BJ_NULL) ? 0 : r;
}

/* The event type of member "event"; false (after a reject) when missing, not a string or unknown. */
static bool
generic_type(bm_ctx *c, bj_ref o, bm_str *event, bm_event_type *type)
{
	bj_ref		r = opt(c->doc, o, "event");

	*event = bm_json_str(c->doc, r);
	if (r == 0)
		bm_reject_elem(c, "missing event type", "event");
	else if (event->ptr == NULL)
		bm_reject_elem(c, "wrong type (a string was expected)", "event");
	else if (!generic_event_type(*event, type))
		bm_reject_elem2(c, "unknown event type: ", *event, "event");
	else
		return true;
	return false;
}

/* reply_code (an integer or digit string, 200..599) and status (an enhanced status code), both optional. */
static bool
generic_codes(bm_ctx *c, bj_ref o, bm_event *ev)
{
	const bj_doc *d = c->doc;
	bj_ref		r;

	if ((r = opt(d, o, "reply_code")) != 0 && (ev->reply_code = bm_json_reply_code(d, r)) == 0)
	{
		bm_reject_elem(c, "invalid reply_code (an integer 200..599 was expected)", "reply_code");
		return false;
	}
	if ((r = opt(d, o, "status")) != 0 && (ev->status = bm_json_status(d, r)) == BM_STATUS_NONE)
	{
		bm_reject_elem(c, "invalid status (an enhanced status code such as \"5.1.1\" was expected)", "status");
		return false;
	}
	return true;
}

/* An optional string member into *out (left alone when absent); false (after a reject) for another type. */
static bool
opt_string(bm_ctx *c, bj_ref o, const char *key, bm_str *out)
{
	bj_ref		r = opt(c->doc, o, key);

	if (r == 0)
		return true;
	if (!bj_is(c->doc, r, BJ_STRING))
	{
		bm_reject_elem(c, "wrong type (a string was expected)", key);
		return false;
	}
	*out = bm_json_str(c->doc, r);
	return true;
}

/* attempt, an optional positive integer. */
static bool
generic_attempt(bm_ctx *c, bj_ref o, bm_event *ev)
{
	bj_ref		r = opt(c->doc, o, "attempt");
	int64_t		v;

	if (r == 0)
		return true;
	if (!bm_json_int(c->doc, r, &v) || v < 1 || v > INT32_MAX)
	{
		bm_reject_elem(c, "invalid attempt (a positive integer was expected)", "attempt");
		return false;
	}
	ev->attempt = (int) v;
	return true;
}

/* The sender's id (a non-empty string or an integer), else the derived one (see the header comment). */
static bool
generic_id(bm_ctx *c, bj_ref o, bm_str event, bm_event *ev)
{
	const bj_doc *d = c->doc;
	bj_ref		r = opt(d, o, "id");
	char		at[24];
	char		code[24];
	char		status_text[BM_STATUS_TEXT_MAX];
	size_t		sl;

	if (r != 0)
	{
		if (!bj_is(d, r, BJ_STRING) && !(bj_is(d, r, BJ_NUMBER) && (bj_at(d, r)->flags & BJ_F_INTEGER)))
		{
			bm_reject_elem(c, "wrong type (a string or an integer was expected)", "id");
			return false;
		}
		ev->provider_event_id = bm_json_scalar_text(d, r);
		if (ev->provider_event_id.len == 0)
		{
			bm_reject_elem(c, "empty id", "id");
			return false;
		}
		return true;
	}
	/* email|occurred_at|event|reply_code|status|diagnostic */
	sl = ev->status ? bm_status_format(ev->status, status_text) : 0;
	ev->provider_event_id = bm_hashed_id(c, "gen:", (bm_str[]) {ev->email, bm_i64_str(at, ev->occurred_at),
		event, ev->reply_code ? bm_i64_str(code, ev->reply_code) : BM_STR_NULL, {status_text, sl},
		ev->diagnostic}, 6);
	ev->flags |= BM_EVF_DERIVED_ID;
	return true;
}

/* One event, checked member by member in the order the rejects name them. */
static bm_payload_status
generic_element(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bm_str		event;
	bm_event_type type;
	bm_event	ev;

	if (!generic_type(c, o, &event, &type) ||
		!bm_ev_begin(c, &ev, opt(d, o, "email"), "email") ||
		!bm_ev_time(c, &ev, opt(d, o, "occurred_at"), "occurred_at"))
		return BM_PAYLOAD_OK;
	ev.type = type;
	if (generic_codes(c, o, &ev) &&
		opt_string(c, o, "diagnostic", &ev.diagnostic) &&
		opt_string(c, o, "message_id", &ev.message_id) &&
		generic_attempt(c, o, &ev) &&
		generic_id(c, o, event, &ev))
		bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

static bool
generic_detect(const bj_doc *d, bj_ref o)
{
	return bj_get(d, o, "event") && bj_get(d, o, "email") && bj_get(d, o, "occurred_at");
}

const bm_adapter bm_adapter_generic = {
	.provider = BM_PROVIDER_GENERIC,
	.label = "generic",
	.shapes = "a JSON array of {email, occurred_at, event, ...} objects (or one such object)",
	.detect_object = generic_detect,
	.detect_element = generic_detect,
	.object = generic_element,
	.element = generic_element,
};
