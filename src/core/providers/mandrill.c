/*
 * mandrill.c — Mandrill (Mailchimp Transactional) webhooks: the JSON array Mandrill posts in the form
 * field mandrill_events (payload.c decodes the form body), or that array as JSON; also the object
 * {"mandrill_events": "<JSON text>" or [...]} a form decoder may have produced.  Mapping:
 *
 *   send -> sent                  deferral -> deferred
 *   hard_bounce -> bounce, PROVIDER_HARD            soft_bounce -> bounce, PROVIDER_SOFT
 *   spam -> complaint             unsub -> unsubscribe          reject -> dropped
 *   open -> open                  click -> click                anything else -> other
 *   Sync events ({type: "whitelist"/"blacklist", action, reject: {...}}, no "event") -> note mandrill_sync
 *   email msg.email; occurred_at ts (else msg.ts; epoch seconds); provider_type event;
 *   provider_subtype msg.bounce_description ("bad_mailbox", "mailbox_full", ...);
 *   diagnostic msg.diag, else the last msg.smtp_events[].diag, else msg.bounce_description;
 *   message_id msg._id, else _id;
 *   provider_event_id _id ":" event ":" ts (as given), DERIVED_ID (_id is the message's id: Mandrill has
 *   no event id; its _id is per recipient).
 */
#include "adapter.h"

static const bm_name_map mandrill_events[] = {
	{"send", BM_ET_SENT},
	{"deferral", BM_ET_DEFERRED},
	{"hard_bounce", BM_ET_BOUNCE},
	{"soft_bounce", BM_ET_BOUNCE},
	{"spam", BM_ET_COMPLAINT},
	{"unsub", BM_ET_UNSUBSCRIBE},
	{"reject", BM_ET_DROPPED},
	{"open", BM_ET_OPEN},
	{"click", BM_ET_CLICK},
	{NULL, 0}
};

static bm_payload_status
mandrill_element(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		msg = bj_get(d, o, "msg");
	bj_ref		ts = bj_get(d, o, "ts");
	const char *ts_field = "ts";
	bm_str		event = bm_json_str(d, bj_get(d, o, "event"));
	bm_str		id;
	bm_event	ev;

	if (event.ptr == NULL || event.len == 0)
	{
		bm_str		type = bm_json_str(d, bj_get(d, o, "type"));

		if (type.ptr && bj_get(d, o, "action"))
		{
			bm_str		action = bm_json_str(d, bj_get(d, o, "action"));

			bm_sb_reset(&c->aux);
			bm_sb_add_str(&c->aux, type);
			bm_sb_add(&c->aux, "/", 1);
			bm_sb_add_str(&c->aux, action);
			bm_emit_note(c, "mandrill_sync", bm_sb_str(&c->aux));
			return BM_PAYLOAD_OK;
		}
		bm_reject_elem(c, "missing event type", "event");
		return BM_PAYLOAD_OK;
	}
	if (!bj_is(d, msg, BJ_OBJECT))
	{
		bm_reject_elem(c, msg ? "wrong type (an object was expected)" : "missing field", "msg");
		return BM_PAYLOAD_OK;
	}
	if (ts == 0)
	{
		ts = bj_get(d, msg, "ts");
		ts_field = "msg.ts";
	}
	if (!bm_ev_begin(c, &ev, bj_get(d, msg, "email"), "msg.email") || !bm_ev_time(c, &ev, ts, ts_field))
		return BM_PAYLOAD_OK;
	ev.type = bm_map_name(mandrill_events, event, BM_ET_OTHER);
	ev.flags |= bm_bounce_name_flags(event);
	ev.provider_type = event;
	ev.provider_subtype = bm_json_str_nonempty(d, bj_get(d, msg, "bounce_description"));
	ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, msg, "diag"));
	if (ev.diagnostic.ptr == NULL)
	{
		bj_ref		smtp = bj_get(d, msg, "smtp_events");

		for (bj_ref r = bj_first(d, smtp); r != 0; r = bj_next(d, r))
		{
			bm_str		s = bm_json_str_nonempty(d, bj_get(d, r, "diag"));

			if (s.ptr)
				ev.diagnostic = s;
		}
	}
	if (ev.diagnostic.ptr == NULL)
		ev.diagnostic = ev.provider_subtype;
	id = bm_json_str_nonempty(d, bj_get(d, o, "_id"));
	ev.message_id = bm_json_str_nonempty(d, bj_get(d, msg, "_id"));
	if (ev.message_id.ptr == NULL)
		ev.message_id = id;
	if (id.ptr == NULL)
		id = ev.message_id;
	/* no _id at all: the address (a fourth part) keeps ids of different recipients apart */
	ev.provider_event_id = bm_joined_id(c, "", (bm_str[]) {id, event, bm_json_scalar_text(d, ts), ev.email},
										id.ptr == NULL ? 4 : 3);
	ev.flags |= BM_EVF_DERIVED_ID;
	bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

static bm_payload_status
mandrill_object(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		me = bj_get(d, o, "mandrill_events");

	if (bj_is(d, me, BJ_STRING))
	{
		bm_payload_status st;
		bj_ref		arr = bm_parse_nested(c, bm_json_str(d, me), "mandrill_events", &st);

		if (arr == 0)
			return st;
		me = arr;
	}
	if (bj_is(d, me, BJ_ARRAY))
		return bm_each_item(c, me, mandrill_element);
	if (me)
		return bm_shape_error(c, "$.mandrill_events", "Mandrill: mandrill_events is not a JSON array");
	if (bj_get(d, o, "event") && bj_get(d, o, "msg"))
		return mandrill_element(c, o);
	return bm_shape_error(c, "$", "Mandrill payloads are the mandrill_events array (JSON, or the "
						  "form-encoded body mandrill_events=...)");
}

static bool
mandrill_detect_element(const bj_doc *d, bj_ref o)
{
	return bj_is(d, bj_get(d, o, "msg"), BJ_OBJECT) && bj_get(d, o, "event");
}

static bool
mandrill_detect_object(const bj_doc *d, bj_ref o)
{
	return bj_get(d, o, "mandrill_events") != 0 || mandrill_detect_element(d, o);
}

const bm_adapter bm_adapter_mandrill = {
	.provider = BM_PROVIDER_MANDRILL,
	.label = "Mandrill",
	.shapes = "the mandrill_events JSON array (or the form-encoded body mandrill_events=...)",
	.detect_object = mandrill_detect_object,
	.detect_element = mandrill_detect_element,
	.object = mandrill_object,
	.element = mandrill_element,
};
