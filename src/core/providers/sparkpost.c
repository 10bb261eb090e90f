/*
 * sparkpost.c — SparkPost adapter: webhook batches, a JSON array of {msys: {<class>: {type, ...}}} with
 * class message_event / track_event / unsubscribe_event / gen_event / relay_event.  Mapping:
 *
 *   bounce, out_of_band -> bounce       delay -> deferred        delivery -> delivered
 *   injection -> sent                   spam_complaint -> complaint
 *   policy_rejection, generation_failure, generation_rejection -> dropped
 *   list_unsubscribe, link_unsubscribe -> unsubscribe
 *   open, initial_open, amp_open, amp_initial_open -> open      click, amp_click -> click
 *   anything else -> other;   {"msys": {}} (SparkPost's webhook test ping) -> note sparkpost_test_ping
 *   email rcpt_to; occurred_at timestamp (epoch seconds as a string); provider_type type;
 *   provider_subtype bounce_class (as text), "machine" for an open whose user_agent_parsed.is_prefetched
 *   is true (a mail client or privacy proxy fetched the pixel ahead of the reader);
 *   diagnostic raw_reason, else reason; reply_code error_code;
 *   attempt num_retries; message_id message_id; provider_event_id event_id (else "sp:" + FNV-1a of
 *   type|rcpt_to|timestamp|message_id, DERIVED_ID).
 *   Flags from bounce_class, per SparkPost's "Bounce Classification Codes" table
 *   (support.sparkpost.com/docs/deliverability/bounce-classification-codes): category Hard (10, 30, 90)
 *   -> PROVIDER_HARD; Soft (20-24, 40, 60, 70, 100) and Block (50-54) -> PROVIDER_SOFT ("soft, block
 *   and undetermined are usually temporary"); 60 Auto-Reply -> also AUTO_REPLY | NO_RATE; Admin
 *   (25 Admin Failure, 26 Smart Send Suppression, 80 Subscribe) -> NO_RATE (SparkPost's own policy,
 *   reported apart from hard/soft bounces); 1 Undetermined and unknown classes -> no flag.
 */
#include "adapter.h"

static const bm_name_map sparkpost_events[] = {
	{"bounce", BM_ET_BOUNCE},
	{"out_of_band", BM_ET_BOUNCE},
	{"delay", BM_ET_DEFERRED},
	{"delivery", BM_ET_DELIVERED},
	{"injection", BM_ET_SENT},
	{"spam_complaint", BM_ET_COMPLAINT},
	{"policy_rejection", BM_ET_DROPPED},
	{"generation_failure", BM_ET_DROPPED},
	{"generation_rejection", BM_ET_DROPPED},
	{"list_unsubscribe", BM_ET_UNSUBSCRIBE},
	{"link_unsubscribe", BM_ET_UNSUBSCRIBE},
	{"open", BM_ET_OPEN},
	{"initial_open", BM_ET_OPEN},
	{"amp_open", BM_ET_OPEN},
	{"amp_initial_open", BM_ET_OPEN},
	{"click", BM_ET_CLICK},
	{"amp_click", BM_ET_CLICK},
	{NULL, 0}
};

static uint32_t
sparkpost_class_flags(int64_t cls)
{
	switch (cls)
	{
		case 10:
		case 30:
		case 90:
			return BM_EVF_PROVIDER_HARD;
		case 20:
		case 21:
		case 22:
		case 23:
		case 24:
		case 40:
		case 70:
		case 100:
		case 50:
		case 51:
		case 52:
		case 53:
		case 54:
			return BM_EVF_PROVIDER_SOFT;
		case 60:
			return BM_EVF_PROVIDER_SOFT | BM_EVF_AUTO_REPLY | BM_EVF_NO_RATE;
		case 25:
		case 26:
		case 80:
			return BM_EVF_NO_RATE;
		default:
			return 0;
	}
}

/* "msys.<class>.<field>" in c->field. */
static const char *
sparkpost_field(bm_ctx *c, bm_str cls, const char *field)
{
	bm_str		s;

	bm_sb_reset(&c->field);
	bm_sb_addz(&c->field, "msys.");
	bm_sb_add_str(&c->field, cls);
	if (field[0])
	{
		bm_sb_add(&c->field, ".", 1);
		bm_sb_addz(&c->field, field);
	}
	s = bm_sb_str(&c->field);
	return s.ptr ? s.ptr : field;
}

static bm_payload_status
sparkpost_element(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		msys = bj_get(d, o, "msys");
	bj_ref		e;
	bj_ref		ts;
	bm_str		cls;
	bm_str		type;
	bm_event	ev;
	int64_t		v;

	if (!bj_is(d, msys, BJ_OBJECT))
	{
		bm_reject_elem(c, msys ? "wrong type (an object was expected)" : "missing field", "msys");
		return BM_PAYLOAD_OK;
	}
	e = bj_first(d, msys);
	if (e == 0)
	{
		bm_emit_note(c, "sparkpost_test_ping", BM_STR_NULL);
		return BM_PAYLOAD_OK;
	}
	cls = (bm_str) {bj_at(d, e)->key, bj_at(d, e)->key_len};
	if (!bj_is(d, e, BJ_OBJECT))
	{
		bm_reject_elem(c, "wrong type (an object was expected)", sparkpost_field(c, cls, ""));
		return BM_PAYLOAD_OK;
	}
	type = bm_json_str(d, bj_get(d, e, "type"));
	if (type.ptr == NULL || type.len == 0)
	{
		bm_reject_elem(c, "missing event type", sparkpost_field(c, cls, "type"));
		return BM_PAYLOAD_OK;
	}
	ts = bj_get(d, e, "timestamp");
	if (!bm_ev_begin(c, &ev, bj_get(d, e, "rcpt_to"), sparkpost_field(c, cls, "rcpt_to")) ||
		!bm_ev_time(c, &ev, ts, sparkpost_field(c, cls, "timestamp")))
		return BM_PAYLOAD_OK;

	ev.type = bm_map_name(sparkpost_events, type, BM_ET_OTHER);
	ev.provider_type = type;
	ev.provider_subtype = bm_json_scalar_text(d, bj_get(d, e, "bounce_class"));
	if (ev.type == BM_ET_OPEN &&
		bm_json_bool(d, bm_json_path(d, e, "user_agent_parsed", "is_prefetched", NULL), false))
		ev.provider_subtype = bm_str_lit(BM_SUBTYPE_MACHINE);
	if (bm_json_int(d, bj_get(d, e, "bounce_class"), &v))
		ev.flags |= sparkpost_class_flags(v);
	ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, e, "raw_reason"));
	if (ev.diagnostic.ptr == NULL)
		ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, e, "reason"));
	ev.reply_code = bm_json_reply_code(d, bj_get(d, e, "error_code"));
	if (bm_json_int(d, bj_get(d, e, "num_retries"), &v) && v > 0 && v <= INT32_MAX)
		ev.attempt = (int) v;
	ev.message_id = bm_json_str_nonempty(d, bj_get(d, e, "message_id"));
	ev.provider_event_id = bm_json_scalar_text(d, bj_get(d, e, "event_id"));
	if (ev.provider_event_id.ptr == NULL || ev.provider_event_id.len == 0)
	{
		ev.provider_event_id = bm_hashed_id(c, "sp:", (bm_str[]) {type, ev.email, bm_json_scalar_text(d, ts),
			ev.message_id}, 4);
		ev.flags |= BM_EVF_DERIVED_ID;
	}
	bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

static bool
sparkpost_detect(const bj_doc *d, bj_ref o)
{
	return bj_is(d, bj_get(d, o, "msys"), BJ_OBJECT);
}

static bm_payload_status
sparkpost_object(bm_ctx *c, bj_ref o)
{
	if (bj_get(c->doc, o, "msys"))
		return sparkpost_element(c, o);
	return bm_shape_error(c, "$", "SparkPost payloads are a JSON array of {\"msys\": {...}} events");
}

const bm_adapter bm_adapter_sparkpost = {
	.provider = BM_PROVIDER_SPARKPOST,
	.label = "SparkPost",
	.shapes = "a JSON array of {\"msys\": {<class>_event: {...}}} events",
	.detect_object = sparkpost_detect,
	.detect_element = sparkpost_detect,
	.object = sparkpost_object,
	.element = sparkpost_element,
};
