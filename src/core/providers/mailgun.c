/*
 * mailgun.c — Mailgun adapter: webhooks {signature, event-data}, Events API pages {items:[event-data],
 * paging} and suppression list pages {items:[{address, ...}], paging}.  Mapping:
 *
 *   accepted -> sent      delivered -> delivered      complained -> complaint
 *   unsubscribed -> unsubscribe      opened -> open   clicked -> click      rejected -> dropped
 *   failed, reason suppress-bounce / suppress-unsubscribe / suppress-complaint (any "suppress-*")
 *          -> dropped (Mailgun did not send: the address is on a list; not a new bounce)
 *   failed, severity temporary -> deferred (PROVIDER_SOFT)
 *   failed, otherwise (permanent, or no severity) -> bounce (PROVIDER_HARD | PROVIDER_SUPPRESSED when
 *          permanent: Mailgun adds the address to its bounce list)
 *   anything else (stored, list_member_uploaded, ...) -> other
 *   email              recipient
 *   occurred_at        timestamp (float seconds, kept to the microsecond)
 *   provider_type      event, "/" severity when present ("failed/permanent")
 *   provider_subtype   reason ("generic", "bounce", "greylisted", "suppress-bounce", ...); "machine" for
 *                      an open or click with client-info.bot set (Mailgun's bot detection: apple, gmail, ...)
 *   diagnostic         delivery-status.message, else delivery-status.description (when empty)
 *   reply_code         delivery-status.code when 200..599 (Mailgun's internal 605 is ignored)
 *   status             delivery-status.enhanced-code, else delivery-status.bounce-code
 *   attempt            delivery-status.attempt-no
 *   message_id         message.headers.message-id
 *   provider_event_id  id ":" the UTC day of timestamp ("YYYY-MM-DD": Mailgun event ids are unique per
 *                      day only); without an id, "mg:" + 16 hex digits of FNV-1a over
 *                      event|recipient|timestamp|message-id|severity|reason (DERIVED_ID)
 *   raw                the whole webhook body; for API pages the item
 *
 * Suppression list items (no "event", an "address"), occurred_at created_at (RFC 2822), all with
 * LIST_ENTRY | PROVIDER_SUPPRESSED | DERIVED_ID and id "list:<list>:<address>:<created_at as µs>":
 *   with "code" or "error" (GET /<domain>/bounces) -> bounce, provider_type "bounce",
 *        reply_code code (a string), diagnostic error
 *   with "tags" (GET /<domain>/unsubscribes)          -> unsubscribe, provider_type "unsubscribe"
 *   otherwise (GET /<domain>/complaints)              -> complaint, provider_type "complaint"
 */
#include "adapter.h"

static const bm_name_map mailgun_events[] = {
	{"accepted", BM_ET_SENT},
	{"delivered", BM_ET_DELIVERED},
	{"failed", BM_ET_BOUNCE},	/* refined below */
	{"complained", BM_ET_COMPLAINT},
	{"unsubscribed", BM_ET_UNSUBSCRIBE},
	{"opened", BM_ET_OPEN},
	{"clicked", BM_ET_CLICK},
	{"rejected", BM_ET_DROPPED},
	{NULL, 0}
};

/* The UTC day of us as "YYYY-MM-DD" in day (Mailgun event ids are unique per day only). */
static bm_str
utc_day(int64_t us, char day[11])
{
	int			y,
				m,
				dd;

	bm_civil_from_us(us, &y, &m, &dd);
	day[0] = (char) ('0' + y / 1000 % 10);
	day[1] = (char) ('0' + y / 100 % 10);
	day[2] = (char) ('0' + y / 10 % 10);
	day[3] = (char) ('0' + y % 10);
	day[4] = '-';
	day[5] = (char) ('0' + m / 10);
	day[6] = (char) ('0' + m % 10);
	day[7] = '-';
	day[8] = (char) ('0' + dd / 10);
	day[9] = (char) ('0' + dd % 10);
	day[10] = '\0';
	return (bm_str) {day, 10};
}

/* reject field names inside a webhook carry the "event-data." prefix */
#define MGF(webhook, f) ((webhook) ? "event-data." f : f)

static bm_payload_status
mailgun_event(bm_ctx *c, bj_ref e, bool webhook)
{
	const bj_doc *d = c->doc;
	bj_ref		ds = bj_get(d, e, "delivery-status");
	bj_ref		ts = bj_get(d, e, "timestamp");
	bm_str		event = bm_json_str(d, bj_get(d, e, "event"));
	bm_str		severity = bm_json_str_nonempty(d, bj_get(d, e, "severity"));
	bm_str		reason = bm_json_str_nonempty(d, bj_get(d, e, "reason"));
	bm_str		id = bm_json_str_nonempty(d, bj_get(d, e, "id"));
	bm_event	ev;
	int64_t		attempt;

	if (event.ptr == NULL || event.len == 0)
	{
		bm_reject_elem(c, "missing event type", MGF(webhook, "event"));
		return BM_PAYLOAD_OK;
	}
	if (!bm_ev_begin(c, &ev, bj_get(d, e, "recipient"), MGF(webhook, "recipient")) ||
		!bm_ev_time(c, &ev, ts, MGF(webhook, "timestamp")))
		return BM_PAYLOAD_OK;

	ev.type = bm_map_name(mailgun_events, event, BM_ET_OTHER);
	if (bm_str_eq(event, "failed"))
	{
		if (reason.ptr && reason.len >= 9 && memcmp(reason.ptr, "suppress-", 9) == 0)
			ev.type = BM_ET_DROPPED;
		else if (bm_str_eq(severity, "temporary"))
			ev.type = BM_ET_DEFERRED;
		else if (bm_str_eq(severity, "permanent"))
			ev.flags |= BM_EVF_PROVIDER_HARD | BM_EVF_PROVIDER_SUPPRESSED;
	}
	if (severity.ptr)
	{
		bm_sb_reset(&c->aux);
		bm_sb_add_str(&c->aux, event);
		bm_sb_add(&c->aux, "/", 1);
		bm_sb_add_str(&c->aux, severity);
		ev.provider_type = bm_sb_str(&c->aux);
	}
	else
		ev.provider_type = event;
	ev.provider_subtype = reason;
	/* Mailgun's bot detection names the machine (apple, gmail, generic) that opened or clicked */
	if ((ev.type == BM_ET_OPEN || ev.type == BM_ET_CLICK) &&
		bm_json_str_nonempty(d, bm_json_path(d, e, "client-info", "bot", NULL)).ptr != NULL)
		ev.provider_subtype = bm_str_lit(BM_SUBTYPE_MACHINE);
	ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, ds, "message"));
	if (ev.diagnostic.ptr == NULL)
		ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, ds, "description"));
	ev.reply_code = bm_json_reply_code(d, bj_get(d, ds, "code"));
	ev.status = bm_json_status(d, bj_get(d, ds, "enhanced-code"));
	if (ev.status == BM_STATUS_NONE)
		ev.status = bm_json_status(d, bj_get(d, ds, "bounce-code"));
	if (bm_json_int(d, bj_get(d, ds, "attempt-no"), &attempt) && attempt > 0 && attempt <= INT32_MAX)
		ev.attempt = (int) attempt;
	ev.message_id = bm_json_str_nonempty(d, bm_json_path(d, e, "message", "headers", "message-id", NULL));

	if (id.ptr)
	{
		char		day[11];

		ev.provider_event_id = bm_joined_id(c, "", (bm_str[]) {id, utc_day(ev.occurred_at, day)}, 2);
	}
	else
	{
		ev.provider_event_id = bm_hashed_id(c, "mg:", (bm_str[]) {event, ev.email, bm_json_scalar_text(d, ts),
			ev.message_id, severity, reason}, 6);
		ev.flags |= BM_EVF_DERIVED_ID;
	}
	bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

static bm_payload_status
mailgun_list_item(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		code = bj_get(d, o, "code");
	bj_ref		error = bj_get(d, o, "error");
	const char *list;
	bm_event	ev;

	if (!bm_ev_begin(c, &ev, bj_get(d, o, "address"), "address") ||
		!bm_ev_time(c, &ev, bj_get(d, o, "created_at"), "created_at"))
		return BM_PAYLOAD_OK;
	if (code || error)
	{
		list = "bounce";
		ev.type = BM_ET_BOUNCE;
		ev.reply_code = bm_json_reply_code(d, code);
		ev.diagnostic = bm_json_str(d, error);
	}
	else if (bj_get(d, o, "tags"))
	{
		list = "unsubscribe";
		ev.type = BM_ET_UNSUBSCRIBE;
	}
	else
	{
		list = "complaint";
		ev.type = BM_ET_COMPLAINT;
	}
	ev.provider_type = bm_str_lit(list);
	ev.flags = BM_EVF_LIST_ENTRY | BM_EVF_PROVIDER_SUPPRESSED | BM_EVF_DERIVED_ID;
	{
		char		us[24];

		ev.provider_event_id = bm_joined_id(c, "list:", (bm_str[]) {ev.provider_type, ev.email,
			bm_i64_str(us, ev.occurred_at)}, 3);
	}
	bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

static bm_payload_status
mailgun_item(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;

	if (bj_get(d, o, "event"))
		return mailgun_event(c, o, false);
	if (bj_get(d, o, "address"))
		return mailgun_list_item(c, o);
	bm_reject_elem(c, "missing field", "event");
	return BM_PAYLOAD_OK;
}

static bm_payload_status
mailgun_object(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		ed = bj_get(d, o, "event-data");
	bj_ref		items = bj_get(d, o, "items");

	if (ed)
	{
		if (!bj_is(d, ed, BJ_OBJECT))
			return bm_shape_error(c, "$.event-data", "Mailgun: event-data is not a JSON object");
		return mailgun_event(c, ed, true);
	}
	if (items)
	{
		if (!bj_is(d, items, BJ_ARRAY))
			return bm_shape_error(c, "$.items", "Mailgun: items is not a JSON array");
		return bm_each_item(c, items, mailgun_item);
	}
	if (bj_get(d, o, "event") && bj_get(d, o, "recipient"))
		return mailgun_event(c, o, false);	/* a bare event-data object */
	{
		bm_str		m = bm_json_str(d, bj_get(d, o, "message"));

		char		msg[256];

		if (m.ptr && bj_at(d, o)->count <= 2)
		{
			bm_api_error_text(msg, sizeof(msg), "Mailgun", m);
			return bm_shape_error(c, "$", "%s", msg);
		}
	}
	return bm_shape_error(c, "$", "Mailgun payloads are a webhook {signature, event-data} or an API page "
						  "{items, paging}; this object has neither event-data nor items");
}

static bool
mailgun_detect_object(const bj_doc *d, bj_ref o)
{
	if (bj_is(d, bj_get(d, o, "event-data"), BJ_OBJECT))
		return true;
	if (bj_is(d, bj_get(d, o, "items"), BJ_ARRAY))
		return true;
	return bj_get(d, o, "event") && bj_get(d, o, "recipient") && bj_get(d, o, "timestamp");
}

const bm_adapter bm_adapter_mailgun = {
	.provider = BM_PROVIDER_MAILGUN,
	.label = "Mailgun",
	.shapes = "a JSON object (a webhook {signature, event-data}, or an Events / suppression API page "
	"{items, paging})",
	.detect_object = mailgun_detect_object,
	.detect_element = NULL,
	.object = mailgun_object,
	.element = NULL,
};
