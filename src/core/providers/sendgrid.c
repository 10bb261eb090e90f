/*
 * sendgrid.c — SendGrid adapter: Event Webhook batches and the /v3/suppression/bounces and /blocks list
 * responses (both bare JSON arrays).  Mapping (README's provider table summarizes it; keep both in step):
 *
 * Event Webhook element {event, email, timestamp (s or ms), sg_event_id, sg_message_id, smtp-id, ...}:
 *   processed -> sent           delivered -> delivered       deferred -> deferred
 *   bounce    -> bounce         dropped   -> dropped         spamreport -> complaint
 *   unsubscribe, group_unsubscribe -> unsubscribe            open -> open     click -> click
 *   anything else (group_resubscribe, ...) -> other; account_status_change (no email) -> a note
 *   provider_type      the event name; for bounce: `type` ("bounce", the default, or "blocked")
 *   provider_subtype   bounce: bounce_classification; dropped: reason ("Bounced Address",
 *                      "Unsubscribed Address", "Invalid", "Spam Reporting Address", ...); open with
 *                      sg_machine_open true (Apple Mail Privacy Protection): "machine";
 *                      group_unsubscribe, group_resubscribe: "list:asm_group:" asm_group_id
 *   diagnostic         bounce: reason; other events: response (delivered, deferred)
 *   status             `status` when it is a valid enhanced code (bounce, dropped; may be missing)
 *   reply_code         never (SendGrid has no structured reply code; the text is parsed later)
 *   attempt            `attempt`, a string or a number
 *   message_id         sg_message_id, else smtp-id
 *   provider_event_id  sg_event_id; when missing "sg:" + 16 hex digits of FNV-1a over
 *                      email|event|timestamp|message id|type|reason|status   (BM_EVF_DERIVED_ID)
 *   flags              bounce: PROVIDER_HARD for type bounce, PROVIDER_SOFT for blocked, and
 *                      PROVIDER_SUPPRESSED (SendGrid puts the address on its bounce/block list);
 *                      dropped: NO_RATE (a drop to a listed address is not a new bounce), and
 *                      PROVIDER_SUPPRESSED when the reason names one of SendGrid's lists (Bounced /
 *                      Spam Reporting / Unsubscribed Address, Invalid): SendGrid still lists it
 *   Two events may share an sg_event_id (the docs' bounce and blocked examples do): both are emitted,
 *   deduplication is the storage's job.
 *
 * Suppression list element {created, email, reason, status} (an element with "created" and no "event"):
 *   -> bounce, provider_type "blocked" when status is 4.x.x (the /blocks list) else "bounce",
 *   provider_subtype none, diagnostic reason, status status (required), occurred_at created,
 *   provider_event_id "list:<type>:<email>:<created as given>",
 *   flags LIST_ENTRY | PROVIDER_SUPPRESSED | DERIVED_ID, plus PROVIDER_SOFT (blocked) / PROVIDER_HARD.
 */
#include "adapter.h"

static const bm_name_map sendgrid_events[] = {
	{"processed", BM_ET_SENT},
	{"delivered", BM_ET_DELIVERED},
	{"deferred", BM_ET_DEFERRED},
	{"bounce", BM_ET_BOUNCE},
	{"dropped", BM_ET_DROPPED},
	{"spamreport", BM_ET_COMPLAINT},
	{"unsubscribe", BM_ET_UNSUBSCRIBE},
	{"group_unsubscribe", BM_ET_UNSUBSCRIBE},
	{"open", BM_ET_OPEN},
	{"click", BM_ET_CLICK},
	{NULL, 0}
};

static bm_payload_status
sendgrid_list_entry(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		created = bj_get(d, o, "created");
	bj_ref		status = bj_get(d, o, "status");
	bm_event	ev;
	bool		blocked;

	if (!bm_ev_begin(c, &ev, bj_get(d, o, "email"), "email") ||
		!bm_ev_time(c, &ev, created, "created"))
		return BM_PAYLOAD_OK;
	ev.status = bm_json_status(d, status);
	if (ev.status == BM_STATUS_NONE)
	{
		bm_reject_elem(c, status ? "invalid enhanced status code" : "missing field", "status");
		return BM_PAYLOAD_OK;
	}
	blocked = bm_status_class(ev.status) == 4;
	ev.type = BM_ET_BOUNCE;
	ev.provider_type = bm_str_lit(blocked ? "blocked" : "bounce");
	ev.diagnostic = bm_json_str(d, bj_get(d, o, "reason"));
	ev.flags = BM_EVF_LIST_ENTRY | BM_EVF_PROVIDER_SUPPRESSED | BM_EVF_DERIVED_ID |
		(blocked ? BM_EVF_PROVIDER_SOFT : BM_EVF_PROVIDER_HARD);
	ev.provider_event_id = bm_joined_id(c, "list:", (bm_str[]) {ev.provider_type, ev.email,
		bm_json_scalar_text(d, created)}, 3);
	bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

/* "list:asm_group:<asm_group_id>" (in c->aux), the unsubscribe group an event concerns; absent without one. */
static bm_str
sendgrid_group(bm_ctx *c, bj_ref o)
{
	bm_str		group = bm_json_scalar_text(c->doc, bj_get(c->doc, o, "asm_group_id"));

	if (group.ptr == NULL || group.len == 0)
		return BM_STR_NULL;
	bm_sb_reset(&c->aux);
	bm_sb_addz(&c->aux, BM_SUBTYPE_LIST "asm_group:");
	bm_sb_add_str(&c->aux, group);
	return bm_sb_str(&c->aux);
}

static bm_payload_status
sendgrid_element(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		event_node = bj_get(d, o, "event");
	bj_ref		ts = bj_get(d, o, "timestamp");
	bj_ref		id;
	bm_str		event;
	bm_str		type;
	bm_str		reason;
	bm_event	ev;
	int64_t		attempt;

	if (event_node == 0)
	{
		if (bj_get(d, o, "created"))
			return sendgrid_list_entry(c, o);
		bm_reject_elem(c, "missing field", "event");
		return BM_PAYLOAD_OK;
	}
	event = bm_json_str(d, event_node);
	if (event.ptr == NULL || event.len == 0)
	{
		bm_reject_elem(c, "missing event type", "event");
		return BM_PAYLOAD_OK;
	}
	if (bm_str_eq(event, "account_status_change"))
	{
		/* account-level (e.g. compliance_suspend), no recipient: worth telling, not an event */
		bm_emit_note(c, "sendgrid_account_status_change", bm_json_str(d, bj_get(d, o, "type")));
		return BM_PAYLOAD_OK;
	}
	if (!bm_ev_begin(c, &ev, bj_get(d, o, "email"), "email") || !bm_ev_time(c, &ev, ts, "timestamp"))
		return BM_PAYLOAD_OK;

	ev.type = bm_map_name(sendgrid_events, event, BM_ET_OTHER);
	ev.provider_type = event;
	type = bm_json_str(d, bj_get(d, o, "type"));
	reason = bm_json_str(d, bj_get(d, o, "reason"));
	ev.status = bm_json_status(d, bj_get(d, o, "status"));
	ev.message_id = bm_json_str_nonempty(d, bj_get(d, o, "sg_message_id"));
	if (ev.message_id.ptr == NULL)
		ev.message_id = bm_json_str_nonempty(d, bj_get(d, o, "smtp-id"));
	if (bm_json_int(d, bj_get(d, o, "attempt"), &attempt) && attempt > 0 && attempt <= INT32_MAX)
		ev.attempt = (int) attempt;

	switch (ev.type)
	{
		case BM_ET_BOUNCE:
			if (type.ptr && type.len > 0)
				ev.provider_type = type;
			else
				ev.provider_type = bm_str_lit("bounce");
			ev.provider_subtype = bm_json_str(d, bj_get(d, o, "bounce_classification"));
			ev.diagnostic = reason;
			ev.flags |= BM_EVF_PROVIDER_SUPPRESSED |
				(bm_str_eq(ev.provider_type, "blocked") ? BM_EVF_PROVIDER_SOFT : BM_EVF_PROVIDER_HARD);
			break;
		case BM_ET_DROPPED:
			ev.provider_subtype = reason;
			/* dropped because the address is on one of SendGrid's suppression lists: it still lists it */
			if (bm_str_eq(reason, "Bounced Address") || bm_str_eq(reason, "Spam Reporting Address") ||
				bm_str_eq(reason, "Unsubscribed Address") || bm_str_eq(reason, "Invalid"))
				ev.flags |= BM_EVF_PROVIDER_SUPPRESSED;
			break;
		case BM_ET_OPEN:
			if (bm_json_bool(d, bj_get(d, o, "sg_machine_open"), false))
				ev.provider_subtype = bm_str_lit(BM_SUBTYPE_MACHINE);
			break;
		default:
			ev.diagnostic = bm_json_str(d, bj_get(d, o, "response"));
			break;
	}

	if (bm_str_eq(event, "group_unsubscribe") || bm_str_eq(event, "group_resubscribe"))
		ev.provider_subtype = sendgrid_group(c, o);

	id = bj_get(d, o, "sg_event_id");
	ev.provider_event_id = bm_json_str_nonempty(d, id);
	if (ev.provider_event_id.ptr == NULL)
	{
		ev.provider_event_id = bm_hashed_id(c, "sg:", (bm_str[]) {ev.email, event, bm_json_scalar_text(d, ts),
			ev.message_id, type, reason, bm_json_str(d, bj_get(d, o, "status"))}, 7);
		ev.flags |= BM_EVF_DERIVED_ID;
	}
	bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

static bool
sendgrid_detect_element(const bj_doc *d, bj_ref o)
{
	if (bj_get(d, o, "sg_event_id") || bj_get(d, o, "sg_message_id") || bj_get(d, o, "smtp-id"))
		return true;
	if (bj_get(d, o, "event") == 0)
		return bj_get(d, o, "created") && bj_get(d, o, "email");
	return bj_get(d, o, "email") && bj_get(d, o, "timestamp");
}

const bm_adapter bm_adapter_sendgrid = {
	.provider = BM_PROVIDER_SENDGRID,
	.label = "SendGrid",
	.shapes = "a JSON array (an Event Webhook batch, or a /v3/suppression/bounces or /blocks list)",
	.detect_object = NULL,
	.detect_element = sendgrid_detect_element,
	.object = NULL,
	.element = sendgrid_element,
};
