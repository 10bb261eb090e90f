/*
 * mailjet.c — Mailjet adapter: Event API webhooks, a single event object or, with "group events", a
 * JSON array of them: {event, time, MessageID, email, mj_campaign_id, ...}.  Mapping:
 *
 *   sent -> delivered (Mailjet's "sent" means the recipient's server accepted the message)
 *   bounce -> bounce (hard_bounce true -> PROVIDER_HARD, else PROVIDER_SOFT; blocked true ->
 *             PROVIDER_SUPPRESSED: Mailjet now blocks the address)
 *   blocked -> dropped        spam -> complaint        unsub -> unsubscribe
 *   open -> open              click -> click           anything else -> other
 *   email email; occurred_at time (epoch seconds); provider_type event; provider_subtype
 *   error_related_to ("recipient", "domain", "content", ...); diagnostic error ("user unknown",
 *   "typofix", ...), for sent events smtp_reply; message_id MessageID with its exact digits (they exceed
 *   2^53), else mj_message_id;
 *   provider_event_id "mj:" MessageID ":" event ":" time (as given), DERIVED_ID (Mailjet has no event id;
 *   its MessageID is per recipient).
 */
#include "adapter.h"

static const bm_name_map mailjet_events[] = {
	{"sent", BM_ET_DELIVERED},
	{"bounce", BM_ET_BOUNCE},
	{"blocked", BM_ET_DROPPED},
	{"spam", BM_ET_COMPLAINT},
	{"unsub", BM_ET_UNSUBSCRIBE},
	{"open", BM_ET_OPEN},
	{"click", BM_ET_CLICK},
	{NULL, 0}
};

static bm_payload_status
mailjet_element(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		time = bj_get(d, o, "time");
	bm_str		event = bm_json_str(d, bj_get(d, o, "event"));
	bm_event	ev;

	if (event.ptr == NULL || event.len == 0)
	{
		bm_reject_elem(c, "missing event type", "event");
		return BM_PAYLOAD_OK;
	}
	if (!bm_ev_begin(c, &ev, bj_get(d, o, "email"), "email") || !bm_ev_time(c, &ev, time, "time"))
		return BM_PAYLOAD_OK;
	ev.type = bm_map_name(mailjet_events, event, BM_ET_OTHER);
	ev.provider_type = event;
	ev.provider_subtype = bm_json_str_nonempty(d, bj_get(d, o, "error_related_to"));
	ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, o, "error"));
	if (ev.type == BM_ET_DELIVERED && ev.diagnostic.ptr == NULL)
		ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, o, "smtp_reply"));
	if (ev.type == BM_ET_BOUNCE)
	{
		ev.flags |= bm_json_bool(d, bj_get(d, o, "hard_bounce"), false)
			? BM_EVF_PROVIDER_HARD : BM_EVF_PROVIDER_SOFT;
		if (bm_json_bool(d, bj_get(d, o, "blocked"), false))
			ev.flags |= BM_EVF_PROVIDER_SUPPRESSED;
	}
	ev.message_id = bm_json_scalar_text(d, bj_get(d, o, "MessageID"));
	if (ev.message_id.ptr == NULL || ev.message_id.len == 0)
		ev.message_id = bm_json_scalar_text(d, bj_get(d, o, "mj_message_id"));
	/* no MessageID at all: the address (a fourth part) keeps ids of different recipients apart */
	ev.provider_event_id = bm_joined_id(c, "mj:", (bm_str[]) {ev.message_id, event,
		bm_json_scalar_text(d, time), ev.email}, ev.message_id.len == 0 ? 4 : 3);
	ev.flags |= BM_EVF_DERIVED_ID;
	bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

static bool
mailjet_detect(const bj_doc *d, bj_ref o)
{
	if (bj_get(d, o, "MessageID") &&
		(bj_get(d, o, "mj_campaign_id") || bj_get(d, o, "mj_contact_id") || bj_get(d, o, "mj_message_id")))
		return true;
	return bj_get(d, o, "event") && bj_get(d, o, "time") && bj_get(d, o, "MessageID");
}

const bm_adapter bm_adapter_mailjet = {
	.provider = BM_PROVIDER_MAILJET,
	.label = "Mailjet",
	.shapes = "an event object {event, time, MessageID, email, ...} or a JSON array of them",
	.detect_object = mailjet_detect,
	.detect_element = mailjet_detect,
	.object = mailjet_element,
	.element = mailjet_element,
};
