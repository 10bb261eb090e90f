/*
 * ses.c — Amazon SES adapter: SNS HTTP envelopes (the SES JSON is the string "Message"), raw
 * notifications ("notificationType") and configuration-set event publishing ("eventType").  One event
 * per recipient.  Mapping:
 *
 *   SNS Type Notification      -> Message parsed as JSON (a trailing newline is fine); a Message that is
 *                                 not a JSON object text (SES's "Successfully validated SNS topic ..."
 *                                 test) -> note sns_text_message; invalid JSON -> the envelope rejected
 *   SNS SubscriptionConfirmation / UnsubscribeConfirmation -> note with the SubscribeURL, no events
 *   notificationType AmazonSnsSubscriptionSucceeded -> note ses_subscription_succeeded
 *
 *   type       recipients                               event      occurred_at            provider_type / subtype
 *   Bounce     bounce.bouncedRecipients[].emailAddress  bounce     bounce.timestamp       bounceType / bounceSubType
 *   Complaint  complaint.complainedRecipients[]...      complaint  complaint.timestamp    complaintFeedbackType / complaintSubType
 *   Delivery   delivery.recipients[]                    delivered  delivery.timestamp     "Delivery" / -
 *   DeliveryDelay deliveryDelay.delayedRecipients[]...  deferred   deliveryDelay.timestamp "DeliveryDelay" / delayType
 *   Send       mail.destination[]                       sent       mail.timestamp         "Send" / -
 *   Reject     mail.destination[]                       dropped    mail.timestamp         "Reject" / -  (diagnostic reject.reason)
 *   Open       mail.destination[]                       open       open.timestamp         "Open" / -
 *   Click      mail.destination[]                       click      click.timestamp        "Click" / -
 *   Rendering Failure mail.destination[]                other      mail.timestamp         (diagnostic failure.errorMessage)
 *   Subscription mail.destination[]                     unsubscribe when newTopicPreferences.unsubscribeAll or a topic
 *                                                       OptOut, else other; subscription.timestamp; subtype source
 *   anything else: mail.destination[] -> other, at mail.timestamp
 *   (a missing bounce/complaint/delivery/delay timestamp falls back to mail.timestamp)
 *   A complaint whose complaintFeedbackType is "not-spam" is the opposite of a complaint -> other.
 *
 *   status / diagnostic  per recipient: status and diagnosticCode (bounce, delay); smtpResponse (delivery)
 *   reply_code           never (SES has no structured reply code; diagnosticCode is parsed later)
 *   message_id           mail.messageId
 *   provider_event_id    bounce/complaint: feedbackId ":" email; delivery: messageId ":delivery:" email;
 *                        others: messageId ":" type ":" email (+ ":" deliveryDelay.timestamp for delays);
 *                        BM_EVF_DERIVED_ID unless feedbackId is part of it
 *   flags     Permanent -> PROVIDER_HARD, Transient -> PROVIDER_SOFT;
 *             bounceSubType OnAccountSuppressionList -> NO_RATE | PROVIDER_SUPPRESSED (SES does not count it
 *             in the bounce rate), Suppressed -> PROVIDER_SUPPRESSED;
 *             Transient/General with no status, action or diagnosticCode for the recipient (out-of-office
 *             auto-replies, as the mailbox simulator's ooto@ shows) -> AUTO_REPLY | NO_RATE;
 *             complaintSubType OnAccountSuppressionList -> NO_RATE.  Unknown subtypes are kept as they are.
 *   raw       the whole SNS envelope when there is one, else the notification object — for a notification
 *             with one recipient.  With several, each event keeps only its recipient's own entry (bounced /
 *             complained / delayed recipient object; none for plain address lists): storing the whole
 *             notification with every recipient made memory and storage quadratic (100,000 recipients
 *             in a 4 MB notification grew a backend to 24 GB).  Refused recipients still quarantine the
 *             whole element, once (ingestion merges the rejects of one element).
 *   An SNS Message holding a JSON array (not one notification) is refused; plain text is a note.
 *
 * Account-level suppression list pages (SESv2 ListSuppressedDestinations, what sync reads):
 * {"SuppressedDestinationSummaries": [{EmailAddress, Reason, LastUpdateTime}], "NextToken"?}, one event per
 * summary, its raw the summary:
 *   Reason BOUNCE    -> bounce, PROVIDER_HARD (SES lists an address after a hard bounce)
 *   Reason COMPLAINT -> complaint
 *   any other Reason, or none -> the summary is quarantined (a reason SES adds later is not guessed at)
 *   occurred_at        LastUpdateTime (epoch seconds as AWS's JSON writes them, 1.767225601355E9, or text)
 *   provider_type      Reason as given
 *   provider_event_id  "list:<Reason>:<address>:<LastUpdateTime as µs>"
 *   flags              LIST_ENTRY | PROVIDER_SUPPRESSED | DERIVED_ID (+ PROVIDER_HARD for BOUNCE)
 */
#include "adapter.h"

typedef enum ses_list
{
	SES_RECIPIENT_OBJECTS,		/* [{emailAddress, status?, diagnosticCode?, action?}] */
	SES_RECIPIENT_STRINGS		/* ["a@b", ...] */
} ses_list;

typedef struct ses_event
{
	bm_str		kind;			/* eventType / notificationType */
	bm_event_type type;
	bj_ref		list;			/* recipients array */
	const char *list_field;		/* its path, for rejects */
	ses_list	list_kind;
	bj_ref		time;			/* timestamp node */
	const char *time_field;
	bm_str		provider_type;
	bm_str		provider_subtype;
	bm_str		diagnostic;		/* shared by every recipient (delivery smtpResponse, reject reason) */
	bm_str		feedback_id;
	bm_str		message_id;
	bm_str		delay_ts;		/* deliveryDelay.timestamp text */
	uint32_t	flags;
	bool		transient_general;	/* to spot auto-replies */
} ses_event;

static bool
ses_subscription_opt_out(const bj_doc *d, bj_ref sub)
{
	bj_ref		prefs = bj_get(d, sub, "newTopicPreferences");
	bj_ref		topics;

	if (bm_json_bool(d, bj_get(d, prefs, "unsubscribeAll"), false))
		return true;
	topics = bj_get(d, prefs, "topicSubscriptionStatus");
	for (bj_ref t = bj_first(d, topics); t != 0; t = bj_next(d, t))
	{
		if (bj_str_eq(d, bj_get(d, t, "subscriptionStatus"), "OptOut"))
			return true;
	}
	return false;
}

/* The notification's time is obj.timestamp (path names it in rejects) when that is present. */
static void
ses_use_time(const bj_doc *d, bj_ref obj, const char *path, ses_event *e)
{
	bj_ref		t = bj_get(d, obj, "timestamp");

	if (t != 0 && !bj_is(d, t, BJ_NULL))
	{
		e->time = t;
		e->time_field = path;
	}
}

/* The recipients are the objects of part.member (path for rejects). */
static void
ses_recipient_objects(const bj_doc *d, bj_ref part, const char *member, const char *path, ses_event *e)
{
	e->list = bj_get_n(d, part, member, strlen(member));
	e->list_field = path;
	e->list_kind = SES_RECIPIENT_OBJECTS;
}

/* Bounce: bounceType / bounceSubType, the provider's hard/soft verdict and suppression flags. */
static void
ses_bounce(const bj_doc *d, bj_ref n, ses_event *e)
{
	bj_ref		part = bj_get(d, n, "bounce");

	e->type = BM_ET_BOUNCE;
	ses_recipient_objects(d, part, "bouncedRecipients", "bounce.bouncedRecipients", e);
	ses_use_time(d, part, "bounce.timestamp", e);
	e->provider_type = bm_json_str(d, bj_get(d, part, "bounceType"));
	e->provider_subtype = bm_json_str(d, bj_get(d, part, "bounceSubType"));
	e->feedback_id = bm_json_str_nonempty(d, bj_get(d, part, "feedbackId"));
	if (bm_str_eq(e->provider_type, "Permanent"))
		e->flags |= BM_EVF_PROVIDER_HARD;
	else if (bm_str_eq(e->provider_type, "Transient"))
	{
		e->flags |= BM_EVF_PROVIDER_SOFT;
		e->transient_general = bm_str_eq(e->provider_subtype, "General");
	}
	if (bm_str_eq(e->provider_subtype, "OnAccountSuppressionList"))
		e->flags |= BM_EVF_NO_RATE | BM_EVF_PROVIDER_SUPPRESSED;
	else if (bm_str_eq(e->provider_subtype, "Suppressed"))
		e->flags |= BM_EVF_PROVIDER_SUPPRESSED;
}

/* Complaint: a complaint unless its feedback type is "not-spam". */
static void
ses_complaint(const bj_doc *d, bj_ref n, ses_event *e)
{
	bj_ref		part = bj_get(d, n, "complaint");

	ses_recipient_objects(d, part, "complainedRecipients", "complaint.complainedRecipients", e);
	ses_use_time(d, part, "complaint.timestamp", e);
	e->provider_type = bm_json_str(d, bj_get(d, part, "complaintFeedbackType"));
	e->provider_subtype = bm_json_str(d, bj_get(d, part, "complaintSubType"));
	e->feedback_id = bm_json_str_nonempty(d, bj_get(d, part, "feedbackId"));
	e->type = bm_str_eq(e->provider_type, "not-spam") ? BM_ET_OTHER : BM_ET_COMPLAINT;
	if (bm_str_eq(e->provider_subtype, "OnAccountSuppressionList"))
		e->flags |= BM_EVF_NO_RATE;
}

/* Delivery: delivery.recipients (plain addresses), smtpResponse as the diagnostic. */
static void
ses_delivery(const bj_doc *d, bj_ref n, ses_event *e)
{
	bj_ref		part = bj_get(d, n, "delivery");

	e->type = BM_ET_DELIVERED;
	e->list = bj_get(d, part, "recipients");
	e->list_field = "delivery.recipients";
	ses_use_time(d, part, "delivery.timestamp", e);
	e->diagnostic = bm_json_str(d, bj_get(d, part, "smtpResponse"));
}

/* DeliveryDelay: deferred, delayType as the subtype, its timestamp in the id. */
static void
ses_delay(const bj_doc *d, bj_ref n, ses_event *e)
{
	bj_ref		part = bj_get(d, n, "deliveryDelay");

	e->type = BM_ET_DEFERRED;
	ses_recipient_objects(d, part, "delayedRecipients", "deliveryDelay.delayedRecipients", e);
	ses_use_time(d, part, "deliveryDelay.timestamp", e);
	e->provider_subtype = bm_json_str(d, bj_get(d, part, "delayType"));
	e->delay_ts = bm_json_str(d, bj_get(d, part, "timestamp"));
}

static void
ses_send(const bj_doc *d, bj_ref n, ses_event *e)
{
	e->type = BM_ET_SENT;
}

static void
ses_reject(const bj_doc *d, bj_ref n, ses_event *e)
{
	e->type = BM_ET_DROPPED;
	e->diagnostic = bm_json_str(d, bm_json_path(d, n, "reject", "reason", NULL));
}

static void
ses_open(const bj_doc *d, bj_ref n, ses_event *e)
{
	e->type = BM_ET_OPEN;
	ses_use_time(d, bj_get(d, n, "open"), "open.timestamp", e);
}

static void
ses_click(const bj_doc *d, bj_ref n, ses_event *e)
{
	e->type = BM_ET_CLICK;
	ses_use_time(d, bj_get(d, n, "click"), "click.timestamp", e);
}

static void
ses_rendering_failure(const bj_doc *d, bj_ref n, ses_event *e)
{
	e->diagnostic = bm_json_str(d, bm_json_path(d, n, "failure", "errorMessage", NULL));
}

/* Subscription: an unsubscribe when the recipient opted out of everything or of a topic. */
static void
ses_subscription(const bj_doc *d, bj_ref n, ses_event *e)
{
	bj_ref		part = bj_get(d, n, "subscription");

	ses_use_time(d, part, "subscription.timestamp", e);
	e->type = ses_subscription_opt_out(d, part) ? BM_ET_UNSUBSCRIBE : BM_ET_OTHER;
	e->provider_subtype = bm_json_str(d, bj_get(d, part, "source"));
}

/* The notification kinds (eventType / notificationType) and what each reads; others are "other". */
static const struct
{
	const char *kind;
	void		(*describe) (const bj_doc *d, bj_ref n, ses_event *e);
}			ses_kinds[] = {
	{"Bounce", ses_bounce},
	{"Complaint", ses_complaint},
	{"Delivery", ses_delivery},
	{"DeliveryDelay", ses_delay},
	{"Send", ses_send},
	{"Reject", ses_reject},
	{"Open", ses_open},
	{"Click", ses_click},
	{"Rendering Failure", ses_rendering_failure},
	{"Subscription", ses_subscription},
};

/* Fills *e from the notification n; false (after a reject) when it cannot produce events. */
static bool
ses_describe(bm_ctx *c, bj_ref n, ses_event *e)
{
	const bj_doc *d = c->doc;
	bj_ref		mail = bj_get(d, n, "mail");
	bm_str		k;

	/* the defaults: mail.destination at mail.timestamp, "other" */
	memset(e, 0, sizeof(*e));
	e->message_id = bm_json_str_nonempty(d, bj_get(d, mail, "messageId"));
	e->list = bj_get(d, mail, "destination");
	e->list_field = "mail.destination";
	e->list_kind = SES_RECIPIENT_STRINGS;
	e->time = bj_get(d, mail, "timestamp");
	e->time_field = "mail.timestamp";
	e->type = BM_ET_OTHER;

	k = bm_json_str(d, bj_get(d, n, "eventType"));
	if (k.ptr == NULL)
		k = bm_json_str(d, bj_get(d, n, "notificationType"));
	e->kind = k;
	if (k.ptr == NULL || k.len == 0)
	{
		bm_reject_elem(c, "missing event type", "eventType");
		return false;
	}
	e->provider_type = k;
	for (size_t i = 0; i < sizeof(ses_kinds) / sizeof(ses_kinds[0]); i++)
	{
		if (bm_str_eq(k, ses_kinds[i].kind))
		{
			ses_kinds[i].describe(d, n, e);
			break;
		}
	}

	if (!bj_is(d, e->list, BJ_ARRAY))
	{
		bm_reject_elem(c, e->list ? "wrong type (an array was expected)" : "missing field", e->list_field);
		return false;
	}
	if (bj_at(d, e->list)->count == 0)
	{
		bm_reject_elem(c, "no recipients", e->list_field);
		return false;
	}
	return true;
}

/* feedbackId:email for bounces and complaints; else messageId:kind:email (deliveries "delivery", delays
 * with the delay's timestamp after it), DERIVED_ID. */
static void
ses_event_id(bm_ctx *c, const ses_event *e, bm_event *ev)
{
	if ((e->type == BM_ET_BOUNCE || bm_str_eq(e->kind, "Complaint")) && e->feedback_id.ptr)
	{
		ev->provider_event_id = bm_joined_id(c, "", (bm_str[]) {e->feedback_id, ev->email}, 2);
		return;
	}
	ev->provider_event_id = bm_joined_id(c, "", (bm_str[]) {
		e->message_id.ptr ? e->message_id : bm_str_lit("no-message-id"),
		e->type == BM_ET_DELIVERED ? bm_str_lit("delivery") : e->kind, ev->email, e->delay_ts},
										 e->type == BM_ET_DEFERRED ? 4 : 3);
	ev->flags |= BM_EVF_DERIVED_ID;
}

static bm_payload_status
ses_notification(bm_ctx *c, bj_ref n)
{
	const bj_doc *d = c->doc;
	ses_event	e;
	int64_t		when;
	size_t		i = 0;
	bool		several;

	if (bj_str_eq(d, bj_get(d, n, "notificationType"), "AmazonSnsSubscriptionSucceeded"))
	{
		bm_emit_note(c, "ses_subscription_succeeded", bm_json_str(d, bj_get(d, n, "message")));
		return BM_PAYLOAD_OK;
	}
	if (!ses_describe(c, n, &e) || !bm_time_node(c, e.time, e.time_field, &when))
		return BM_PAYLOAD_OK;
	several = bj_at(d, e.list)->count > 1;

	for (bj_ref r = bj_first(d, e.list); r != 0; r = bj_next(d, r), i++)
	{
		bm_event	ev;
		bool		ok;

		if (e.list_kind == SES_RECIPIENT_OBJECTS)
		{
			bj_ref		addr = bj_get(d, r, "emailAddress");

			ok = bm_ev_begin(c, &ev, addr, bm_field_index(c, e.list_field, i, "emailAddress"));
		}
		else
			ok = bm_ev_begin(c, &ev, r, bm_field_index(c, e.list_field, i, NULL));
		if (!ok)
			continue;
		ev.type = e.type;
		ev.occurred_at = when;
		ev.provider_type = e.provider_type;
		ev.provider_subtype = e.provider_subtype;
		ev.message_id = e.message_id;
		ev.diagnostic = e.diagnostic;
		ev.flags = e.flags;
		if (e.list_kind == SES_RECIPIENT_OBJECTS)
		{
			bj_ref		status = bj_get(d, r, "status");
			bj_ref		diag = bj_get(d, r, "diagnosticCode");

			ev.status = bm_json_status(d, status);
			ev.diagnostic = bm_json_str(d, diag);
			if (e.transient_general && status == 0 && diag == 0 && bj_get(d, r, "action") == 0)
				ev.flags |= BM_EVF_AUTO_REPLY | BM_EVF_NO_RATE;
		}
		ses_event_id(c, &e, &ev);
		if (several)
		{
			size_t		len = 0;
			const char *text = e.list_kind == SES_RECIPIENT_OBJECTS ? bj_text(d, r, &len) : NULL;

			ev.raw = text ? (bm_str) {text, len} : BM_STR_NULL;
			ev.raw_ref = text ? r : 0;
			ev.flags |= BM_EVF_PART_RAW;
		}
		bm_emit(c, &ev);
	}
	return BM_PAYLOAD_OK;
}

/* One summary of a suppression list page: {EmailAddress, Reason, LastUpdateTime}. */
static bm_payload_status
ses_list_entry(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bj_ref		reason_node = bj_get(d, o, "Reason");
	bm_str		reason = bm_json_str(d, reason_node);
	bm_event	ev;
	char		us[24];

	if (!bm_ev_begin(c, &ev, bj_get(d, o, "EmailAddress"), "EmailAddress") ||
		!bm_ev_time(c, &ev, bj_get(d, o, "LastUpdateTime"), "LastUpdateTime"))
		return BM_PAYLOAD_OK;
	if (bm_str_eq(reason, "BOUNCE"))
	{
		ev.type = BM_ET_BOUNCE;
		ev.flags = BM_EVF_PROVIDER_HARD;
	}
	else if (bm_str_eq(reason, "COMPLAINT"))
		ev.type = BM_ET_COMPLAINT;
	else
	{
		if (reason_node == 0 || reason.ptr == NULL)
			bm_reject_elem(c, reason_node ? "wrong type (a string was expected)" : "missing field", "Reason");
		else
			bm_reject_elem2(c, "unknown suppression reason (BOUNCE or COMPLAINT expected): ", reason, "Reason");
		return BM_PAYLOAD_OK;
	}
	ev.provider_type = reason;
	ev.flags |= BM_EVF_LIST_ENTRY | BM_EVF_PROVIDER_SUPPRESSED | BM_EVF_DERIVED_ID;
	ev.provider_event_id = bm_joined_id(c, "list:", (bm_str[]) {reason, ev.email, bm_i64_str(us, ev.occurred_at)}, 3);
	bm_emit(c, &ev);
	return BM_PAYLOAD_OK;
}

static bm_payload_status
ses_object(bm_ctx *c, bj_ref o)
{
	const bj_doc *d = c->doc;
	bm_str		type = bm_json_str(d, bj_get(d, o, "Type"));
	bj_ref		summaries = bj_get(d, o, "SuppressedDestinationSummaries");

	if (summaries != 0)
	{
		if (!bj_is(d, summaries, BJ_ARRAY))
			return bm_shape_error(c, "$.SuppressedDestinationSummaries",
								  "SES: SuppressedDestinationSummaries is not a JSON array");
		return bm_each_item(c, summaries, ses_list_entry);
	}

	if (type.ptr != NULL)
	{
		if (bm_str_eq(type, "Notification"))
		{
			bj_ref		msg_node = bj_get(d, o, "Message");
			bm_str		msg = bm_json_str(d, msg_node);
			size_t		k = 0;
			bm_payload_status st;
			bj_ref		inner;

			if (msg.ptr == NULL)
			{
				bm_reject_elem(c, msg_node ? "wrong type (a string was expected)" : "missing field", "Message");
				return BM_PAYLOAD_OK;
			}
			while (k < msg.len && (msg.ptr[k] == ' ' || msg.ptr[k] == '\n' || msg.ptr[k] == '\r' ||
								   msg.ptr[k] == '\t'))
				k++;
			if (k < msg.len && msg.ptr[k] == '[')
			{
				bm_reject_elem(c, "the SNS Message holds a JSON array, not one SES notification (an object)",
							   "Message");
				return BM_PAYLOAD_OK;
			}
			if (k == msg.len || msg.ptr[k] != '{')
			{
				bm_emit_note(c, "sns_text_message", msg);
				return BM_PAYLOAD_OK;
			}
			inner = bm_parse_nested(c, msg, "Message", &st);
			if (inner == 0)
				return st;
			return ses_notification(c, inner);
		}
		if (bm_str_eq(type, "SubscriptionConfirmation"))
		{
			bm_emit_note(c, "sns_subscription_confirmation", bm_json_str(d, bj_get(d, o, "SubscribeURL")));
			return BM_PAYLOAD_OK;
		}
		if (bm_str_eq(type, "UnsubscribeConfirmation"))
		{
			bm_emit_note(c, "sns_unsubscribe_confirmation", bm_json_str(d, bj_get(d, o, "SubscribeURL")));
			return BM_PAYLOAD_OK;
		}
	}
	if (bj_get(d, o, "notificationType") || bj_get(d, o, "eventType"))
		return ses_notification(c, o);
	if (type.ptr != NULL)
		return bm_shape_error(c, "$.Type", "SES: unknown SNS message Type \"%.*s\"",
							  (int) (type.len > 60 ? 60 : type.len), type.ptr);
	return bm_shape_error(c, "$", "SES payloads are an SNS envelope (Type, Message), an SES "
						  "notification (notificationType or eventType) or a suppression list page "
						  "(SuppressedDestinationSummaries); this object is none of them");
}

static bool
ses_detect_object(const bj_doc *d, bj_ref o)
{
	bj_ref		t = bj_get(d, o, "Type");

	if ((bj_str_eq(d, t, "Notification") || bj_str_eq(d, t, "SubscriptionConfirmation") ||
		 bj_str_eq(d, t, "UnsubscribeConfirmation")) &&
		(bj_get(d, o, "TopicArn") || bj_get(d, o, "MessageId")))
		return true;
	if (bj_str_eq(d, bj_get(d, o, "notificationType"), "AmazonSnsSubscriptionSucceeded"))
		return true;
	if (bj_is(d, bj_get(d, o, "SuppressedDestinationSummaries"), BJ_ARRAY))
		return true;
	return (bj_is(d, bj_get(d, o, "notificationType"), BJ_STRING) ||
			bj_is(d, bj_get(d, o, "eventType"), BJ_STRING)) &&
		bj_is(d, bj_get(d, o, "mail"), BJ_OBJECT);
}

const bm_adapter bm_adapter_ses = {
	.provider = BM_PROVIDER_SES,
	.label = "SES",
	.shapes = "a JSON object (an SNS envelope, an SES notification / event publishing record, or a "
	"suppression list page)",
	.detect_object = ses_detect_object,
	.detect_element = NULL,
	.object = ses_object,
	.element = NULL,
};
