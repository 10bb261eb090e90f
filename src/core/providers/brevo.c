/*
 * brevo.c — Brevo (formerly Sendinblue) transactional webhooks: one object per event, or a JSON array
 * of them ("batched" webhooks).  Mapping:
 *
 *   hard_bounce -> bounce, PROVIDER_HARD       soft_bounce -> bounce, PROVIDER_SOFT
 *   blocked, invalid_email -> dropped          deferred -> deferred      delivered -> delivered
 *   request, sent -> sent                      spam, complaint -> complaint
 *   unsubscribed -> unsubscribe                opened, unique_opened, proxy_open, unique_proxy_open -> open
 *   click -> click                             error and anything else -> other
 *   email email; provider_type event; diagnostic reason; message_id message-id; provider_subtype "machine"
 *   for proxy_open and unique_proxy_open (opens Brevo saw through Apple's Mail Privacy Protection proxy);
 *   occurred_at ts_epoch (MILLIseconds, UTC), else ts_event, else ts (seconds).  `date` is not used: Brevo
 *   documents it in CET/CEST without an offset.
 *   provider_event_id "brevo:" message-id ":" event ":" occurred_at in ms (= ts_epoch) ":" email,
 *   DERIVED_ID.  Brevo's `id` member is the webhook's id (the same for every event), so it cannot serve;
 *   its message-id is per message, not per recipient, hence the address at the end.
 */
#include "adapter.h"

static const bm_name_map brevo_events[] = {
	{"hard_bounce", BM_ET_BOUNCE},
	{"soft_bounce", BM_ET_BOUNCE},
	{"blocked", BM_ET_DROPPED},
	{"invalid_email", BM_ET_DROPPED},
	{"deferred", BM_ET_DEFERRED},
	{"delivered", BM_ET_DELIVERED},
	{"request", BM_ET_SENT},
	{"sent", BM_ET_SENT},
	{"spam", BM_ET_COMPLAINT},
	{"complaint", BM_ET_COMPLAINT},
	{"unsubscribed", BM_ET_UNSUBSCRIBE},
	{"opened", BM_ET_OPEN},
	{"unique_opened", BM_ET_OPEN},
	{"proxy_open", BM_ET_OPEN},
	{"unique_proxy_open", BM_ET_OPEN},
	{"click", BM_ET_CLICK},
	{NULL, 0}
};

static bm_payload_status
brevo_element(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bm_str		event = bm_json_str(d, bj_get(d, o, "event"));
	bj_ref		ts = bj_get(d, o, "ts_epoch");
	const char *ts_field = "ts_epoch";
	bm_event	ev;
	char		ms[24];

	if (event.ptr == NULL || event.len == 0)
	{
		bm_reject_elem(c, "missing event type", "event");
		return BM_PAYLOAD_OK;
	}
	if (ts == 0)
	{
		ts = bj_get(d, o, "ts_event");
		ts_field = "ts_event";
	}
	if (ts == 0)
	{
		ts = bj_get(d, o, "ts");
		ts_field = "ts";
	}
	if (!bm_ev_begin(c, &ev, bj_get(d, o, "email"), "email") || !bm_ev_time(c, &ev, ts, ts_field))
		return BM_PAYLOAD_OK;
	ev.type = bm_map_name(brevo_events, event, BM_ET_OTHER);
	ev.flags |= bm_bounce_name_flags(event);
	ev.provider_type = event;
	if (bm_str_eq(event, "proxy_open") || bm_str_eq(event, "unique_proxy_open"))
		ev.provider_subtype = bm_str_lit(BM_SUBTYPE_MACHINE);
	ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, o, "reason"));
	ev.message_id = bm_json_str_nonempty(d, bj_get(d, o, "message-id"));
	ev.provider_event_id = bm_joined_id(c, "brevo:", (bm_str[]) {ev.message_id, event,
		bm_i64_str(ms, ev.occurred_at / 1000), ev.email}, 4);
	ev.flags |= BM_EVF_DERIVED_ID;
	bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

static bool
brevo_detect(const bj_doc *d, bj_ref o)
{
	return bj_get(d, o, "event") && bj_get(d, o, "email") &&
		(bj_get(d, o, "ts_epoch") || bj_get(d, o, "ts_event") || bj_get(d, o, "message-id"));
}

const bm_adapter bm_adapter_brevo = {
	.provider = BM_PROVIDER_BREVO,
	.label = "Brevo",
	.shapes = "an event object {event, email, ts_epoch, message-id, ...} or a JSON array of them",
	.detect_object = brevo_detect,
	.detect_element = brevo_detect,
	.object = brevo_element,
	.element = brevo_element,
};
