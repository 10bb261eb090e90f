/*
 * postmark.c — Postmark adapter: webhooks (one object, RecordType Bounce / SpamComplaint / Delivery /
 * Open / Click / SubscriptionChange) and Bounces API pages {TotalCount, Bounces:[...]}.  Mapping:
 *
 * Bounce records (RecordType Bounce, or no RecordType: API page items, older webhooks), by Type:
 *   HardBounce, BadEmailAddress          -> bounce, PROVIDER_HARD
 *   SoftBounce, DnsError                 -> bounce, PROVIDER_SOFT
 *   Transient                            -> deferred (PROVIDER_SOFT)
 *   AutoResponder, ChallengeVerification -> bounce, AUTO_REPLY | NO_RATE
 *   SpamComplaint (Type or RecordType)   -> complaint (the docs example carries TypeCode 512, which is
 *                                           SpamNotification's code; the Type string decides)
 *   Unsubscribe                          -> unsubscribe
 *   SMTPApiError, TemplateRenderingFailed, Unconfirmed -> dropped (Postmark never sent it)
 *   Subscribe, AddressChange, OpenRelayTest, VirusNotification, InboundError -> other
 *   anything else (Unknown, SpamNotification, Blocked, ManuallyDeactivated, DMARCPolicy, new types)
 *                                        -> bounce (it came through the bounce feed)
 *   email Email; occurred_at BouncedAt (7 fractional digits, offsets); provider_type Type;
 *   provider_subtype TypeCode as text; diagnostic Details, else Description; message_id MessageID;
 *   provider_event_id ID, its exact digits (IDs exceed 2^53); Inactive true -> PROVIDER_SUPPRESSED;
 *   API page items -> LIST_ENTRY.
 * Other record types (email Recipient, falling back to Email):
 *   Delivery -> delivered at DeliveredAt (diagnostic Details); Open -> open, Click -> click at
 *   ReceivedAt; SubscriptionChange at ChangedAt: SuppressSending true -> PROVIDER_SUPPRESSED and, when
 *   SuppressionReason is ManualSuppression, unsubscribe (else other: a bounce or complaint already
 *   reported it); provider_type RecordType.
 * Without an ID: "pm:" RecordType ":" MessageID ":" email ":" occurred_at µs (DERIVED_ID).
 * A /deliverystats response (bounce counts, no addresses) is a SHAPE error.
 */
#include "adapter.h"

typedef struct postmark_type
{
	const char *name;
	bm_event_type type;
	uint32_t	flags;
} postmark_type;

static const postmark_type postmark_types[] = {
	{"HardBounce", BM_ET_BOUNCE, BM_EVF_PROVIDER_HARD},
	{"BadEmailAddress", BM_ET_BOUNCE, BM_EVF_PROVIDER_HARD},
	{"SoftBounce", BM_ET_BOUNCE, BM_EVF_PROVIDER_SOFT},
	{"DnsError", BM_ET_BOUNCE, BM_EVF_PROVIDER_SOFT},
	{"Transient", BM_ET_DEFERRED, BM_EVF_PROVIDER_SOFT},
	{"AutoResponder", BM_ET_BOUNCE, BM_EVF_AUTO_REPLY | BM_EVF_NO_RATE},
	{"ChallengeVerification", BM_ET_BOUNCE, BM_EVF_AUTO_REPLY | BM_EVF_NO_RATE},
	{"SpamComplaint", BM_ET_COMPLAINT, 0},
	{"Unsubscribe", BM_ET_UNSUBSCRIBE, 0},
	{"SMTPApiError", BM_ET_DROPPED, 0},
	{"TemplateRenderingFailed", BM_ET_DROPPED, 0},
	{"Unconfirmed", BM_ET_DROPPED, 0},
	{"Subscribe", BM_ET_OTHER, 0},
	{"AddressChange", BM_ET_OTHER, 0},
	{"OpenRelayTest", BM_ET_OTHER, 0},
	{"VirusNotification", BM_ET_OTHER, 0},
	{"InboundError", BM_ET_OTHER, 0},
	{NULL, BM_ET_BOUNCE, 0}
};

static void
postmark_id(bm_ctx *c, bm_event *ev, const bj_doc *d, bj_ref rec, bm_str record_type)
{
	bj_ref		id = bj_get(d, rec, "ID");

	/* a number keeps its exact JSON digits; a string is taken as is */
	if ((bj_is(d, id, BJ_NUMBER) && (bj_at(d, id)->flags & BJ_F_INTEGER)) || bj_is(d, id, BJ_STRING))
	{
		ev->provider_event_id = bm_json_scalar_text(d, id);
		if (ev->provider_event_id.len > 0)
			return;
	}
	bm_sb_reset(&c->id);
	bm_sb_addz(&c->id, "pm:");
	bm_sb_add_str(&c->id, record_type);
	bm_sb_add(&c->id, ":", 1);
	bm_sb_add_str(&c->id, ev->message_id);
	bm_sb_add(&c->id, ":", 1);
	bm_sb_add_str(&c->id, ev->email);
	bm_sb_add(&c->id, ":", 1);
	bm_sb_add_i64(&c->id, ev->occurred_at);
	ev->provider_event_id = bm_sb_str(&c->id);
	ev->flags |= BM_EVF_DERIVED_ID;
}

static bm_payload_status
postmark_record(bm_ctx *c, bj_ref rec, bool list_entry)
{
	const bj_doc *d = c->doc;
	bm_str		rt = bm_json_str_nonempty(d, bj_get(d, rec, "RecordType"));
	bool		bounce_record = rt.ptr == NULL || bm_str_eq(rt, "Bounce") || bm_str_eq(rt, "SpamComplaint");
	bm_event	ev;

	if (bounce_record)
	{
		bm_str		type = bm_json_str(d, bj_get(d, rec, "Type"));
		const postmark_type *pt;

		if (!bm_ev_begin(c, &ev, bj_get(d, rec, "Email"), "Email") ||
			!bm_ev_time(c, &ev, bj_get(d, rec, "BouncedAt"), "BouncedAt"))
			return BM_PAYLOAD_OK;
		for (pt = postmark_types; pt->name && !bm_str_eq(type, pt->name); pt++)
			;
		ev.type = pt->type;
		ev.flags = pt->flags;
		if (bm_str_eq(rt, "SpamComplaint"))
		{
			ev.type = BM_ET_COMPLAINT;
			ev.flags = 0;
		}
		ev.provider_type = type;
		ev.provider_subtype = bm_json_scalar_text(d, bj_get(d, rec, "TypeCode"));
		ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, rec, "Details"));
		if (ev.diagnostic.ptr == NULL)
			ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, rec, "Description"));
		if (bm_json_bool(d, bj_get(d, rec, "Inactive"), false))
			ev.flags |= BM_EVF_PROVIDER_SUPPRESSED;
		if (list_entry)
			ev.flags |= BM_EVF_LIST_ENTRY;
	}
	else
	{
		bj_ref		email = bj_get(d, rec, "Recipient");
		const char *email_field = "Recipient";
		const char *time_field;
		bm_event_type t = BM_ET_OTHER;

		if (email == 0)
		{
			email = bj_get(d, rec, "Email");
			email_field = "Email";
		}
		if (bm_str_eq(rt, "Delivery"))
		{
			t = BM_ET_DELIVERED;
			time_field = "DeliveredAt";
		}
		else if (bm_str_eq(rt, "Open") || bm_str_eq(rt, "Click"))
		{
			t = bm_str_eq(rt, "Open") ? BM_ET_OPEN : BM_ET_CLICK;
			time_field = "ReceivedAt";
		}
		else if (bm_str_eq(rt, "SubscriptionChange"))
			time_field = "ChangedAt";
		else
			time_field = bj_get(d, rec, "ReceivedAt") ? "ReceivedAt" : "ChangedAt";
		if (!bm_ev_begin(c, &ev, email, email_field) ||
			!bm_ev_time(c, &ev, bj_get_n(d, rec, time_field, strlen(time_field)), time_field))
			return BM_PAYLOAD_OK;
		ev.type = t;
		ev.provider_type = rt;
		if (bm_str_eq(rt, "Delivery"))
			ev.diagnostic = bm_json_str_nonempty(d, bj_get(d, rec, "Details"));
		if (bm_str_eq(rt, "SubscriptionChange"))
		{
			ev.provider_subtype = bm_json_str(d, bj_get(d, rec, "SuppressionReason"));
			if (bm_json_bool(d, bj_get(d, rec, "SuppressSending"), false))
			{
				ev.flags |= BM_EVF_PROVIDER_SUPPRESSED;
				if (bm_str_eq(ev.provider_subtype, "ManualSuppression"))
					ev.type = BM_ET_UNSUBSCRIBE;
			}
		}
	}
	ev.message_id = bm_json_str_nonempty(d, bj_get(d, rec, "MessageID"));
	postmark_id(c, &ev, d, rec, rt.ptr ? rt : bm_str_lit("Bounce"));
	bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

static bm_payload_status
postmark_list_item(bm_ctx *c, bj_ref o)
{
	return postmark_record(c, o, true);
}

static bm_payload_status
postmark_object(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		bounces = bj_get(d, o, "Bounces");

	if (bounces && bj_get(d, o, "InactiveMails"))
		return bm_shape_error(c, "$.Bounces", "Postmark: this is a /deliverystats response (bounce counts "
							  "per type), not bounce records; fetch /bounces instead");
	if (bounces)
	{
		if (!bj_is(d, bounces, BJ_ARRAY))
			return bm_shape_error(c, "$.Bounces", "Postmark: Bounces is not a JSON array");
		return bm_each_item(c, bounces, postmark_list_item);
	}
	if (bj_get(d, o, "RecordType") || bj_get(d, o, "BouncedAt") || bj_get(d, o, "Email"))
		return postmark_record(c, o, false);
	{
		bm_str		m = bm_json_str(d, bj_get(d, o, "Message"));

		char		msg[256];

		if (m.ptr && bj_get(d, o, "ErrorCode"))
		{
			bm_api_error_text(msg, sizeof(msg), "Postmark", m);
			return bm_shape_error(c, "$", "%s", msg);
		}
	}
	return bm_shape_error(c, "$", "Postmark payloads are a webhook record (RecordType) or a Bounces API "
						  "page {TotalCount, Bounces}; this object is neither");
}

static bool
postmark_detect_object(const bj_doc *d, bj_ref o)
{
	if (bj_is(d, bj_get(d, o, "RecordType"), BJ_STRING))
		return true;
	if (bj_is(d, bj_get(d, o, "Bounces"), BJ_ARRAY) &&
		(bj_get(d, o, "TotalCount") || bj_get(d, o, "InactiveMails")))
		return true;
	return bj_get(d, o, "BouncedAt") && bj_get(d, o, "TypeCode");
}

const bm_adapter bm_adapter_postmark = {
	.provider = BM_PROVIDER_POSTMARK,
	.label = "Postmark",
	.shapes = "a JSON object (a webhook record, or a Bounces API page {TotalCount, Bounces})",
	.detect_object = postmark_detect_object,
	.detect_element = NULL,
	.object = postmark_object,
	.element = NULL,
};
