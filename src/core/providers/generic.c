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

static bm_payload_status
generic_element(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		event_node = opt(d, o, "event");
	bj_ref		r;
	bm_str		event = bm_json_str(d, event_node);
	bm_event	ev;
	bm_event_type type;
	int64_t		v;

	if (event_node == 0)
	{
		bm_reject_elem(c, "missing event type", "event");
		return BM_PAYLOAD_OK;
	}
	if (event.ptr == NULL)
	{
		bm_reject_elem(c, "wrong type (a string was expected)", "event");
		return BM_PAYLOAD_OK;
	}
	if (!generic_event_type(event, &type))
	{
		bm_reject_elem2(c, "unknown event type: ", event, "event");
		return BM_PAYLOAD_OK;
	}
	if (!bm_ev_begin(c, &ev, opt(d, o, "email"), "email") ||
		!bm_ev_time(c, &ev, opt(d, o, "occurred_at"), "occurred_at"))
		return BM_PAYLOAD_OK;
	ev.type = type;

	if ((r = opt(d, o, "reply_code")) != 0)
	{
		ev.reply_code = bm_json_reply_code(d, r);
		if (ev.reply_code == 0)
		{
			bm_reject_elem(c, "invalid reply_code (an integer 200..599 was expected)", "reply_code");
			return BM_PAYLOAD_OK;
		}
	}
	if ((r = opt(d, o, "status")) != 0)
	{
		ev.status = bm_json_status(d, r);
		if (ev.status == BM_STATUS_NONE)
		{
			bm_reject_elem(c, "invalid status (an enhanced status code such as \"5.1.1\" was expected)",
						   "status");
			return BM_PAYLOAD_OK;
		}
	}
	if ((r = opt(d, o, "diagnostic")) != 0)
	{
		if (!bj_is(d, r, BJ_STRING))
		{
			bm_reject_elem(c, "wrong type (a string was expected)", "diagnostic");
			return BM_PAYLOAD_OK;
		}
		ev.diagnostic = bm_json_str(d, r);
	}
	if ((r = opt(d, o, "message_id")) != 0)
	{
		if (!bj_is(d, r, BJ_STRING))
		{
			bm_reject_elem(c, "wrong type (a string was expected)", "message_id");
			return BM_PAYLOAD_OK;
		}
		ev.message_id = bm_json_str(d, r);
	}
	if ((r = opt(d, o, "attempt")) != 0)
	{
		if (!bm_json_int(d, r, &v) || v < 1 || v > INT32_MAX)
		{
			bm_reject_elem(c, "invalid attempt (a positive integer was expected)", "attempt");
			return BM_PAYLOAD_OK;
		}
		ev.attempt = (int) v;
	}
	if ((r = opt(d, o, "id")) != 0)
	{
		if (!bj_is(d, r, BJ_STRING) &&
			!(bj_is(d, r, BJ_NUMBER) && (bj_at(d, r)->flags & BJ_F_INTEGER)))
		{
			bm_reject_elem(c, "wrong type (a string or an integer was expected)", "id");
			return BM_PAYLOAD_OK;
		}
		ev.provider_event_id = bm_json_scalar_text(d, r);
		if (ev.provider_event_id.len == 0)
		{
			bm_reject_elem(c, "empty id", "id");
			return BM_PAYLOAD_OK;
		}
	}
	else
	{
		char		at[24];
		char		code[24];
		char		status_text[BM_STATUS_TEXT_MAX];
		size_t		sl = ev.status ? bm_status_format(ev.status, status_text) : 0;

		ev.provider_event_id = bm_hashed_id(c, "gen:", (bm_str[]) {ev.email, bm_i64_str(at, ev.occurred_at),
			event, ev.reply_code ? bm_i64_str(code, ev.reply_code) : BM_STR_NULL, {status_text, sl},
			ev.diagnostic}, 6);
		ev.flags |= BM_EVF_DERIVED_ID;
	}
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
