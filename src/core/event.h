/*
 * event.h — one normalized recipient event (bm_event) as the provider adapters produce it, and the
 * provider / event-type vocabularies.  Pure C, no PostgreSQL or json-c headers: the storage layer turns
 * bm_events into rows, the adapters fill them.
 */
#ifndef BM_EVENT_H
#define BM_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smtp_status.h"

/* A byte slice: not NUL-terminated; ptr == NULL means absent (len 0 and ptr != NULL means empty). */
typedef struct bm_str
{
	const char *ptr;
	size_t		len;
} bm_str;

#define BM_STR_NULL ((bm_str) {NULL, 0})

/* Providers; order matches the SQL enum bounce_mgmt.provider.  Append only. */
typedef enum bm_provider
{
	BM_PROVIDER_SENDGRID = 0,
	BM_PROVIDER_SES,
	BM_PROVIDER_MAILGUN,
	BM_PROVIDER_POSTMARK,
	BM_PROVIDER_GENERIC,
	BM_PROVIDER_SPARKPOST,
	BM_PROVIDER_MAILJET,
	BM_PROVIDER_BREVO,
	BM_PROVIDER_MANDRILL,
	BM_PROVIDER_EMAIL,			/* bounce emails (DSN, ARF, MTA texts) read by src/core/mail; no JSON */
	BM_PROVIDER_COUNT,
	BM_PROVIDER_AUTO = BM_PROVIDER_COUNT	/* "detect it from the payload" (argument only) */
} bm_provider;

/* Event types; order matches the SQL enum bounce_mgmt.event_type.  Append only. */
typedef enum bm_event_type
{
	BM_ET_SENT = 0,				/* accepted by the provider for delivery (SendGrid processed, SES Send) */
	BM_ET_DELIVERED,
	BM_ET_DEFERRED,				/* temporary failure, the provider retries */
	BM_ET_BOUNCE,				/* the provider gave up on this recipient (or a bounce-list entry) */
	BM_ET_DROPPED,				/* not attempted: already suppressed, invalid, rejected by the provider */
	BM_ET_COMPLAINT,
	BM_ET_UNSUBSCRIBE,
	BM_ET_OPEN,
	BM_ET_CLICK,
	BM_ET_OTHER,				/* any other provider event, kept rather than rejected */
	BM_ET_COUNT
} bm_event_type;

/* Flags on an event. */
#define BM_EVF_NO_RATE		0x0001	/* excluded from rate denominators/numerators as the provider excludes it
									 * (SES OnAccountSuppressionList, auto-replies, drops to listed addresses) */
#define BM_EVF_AUTO_REPLY	0x0002	/* an auto-reply (out of office) reported as a bounce */
#define BM_EVF_LIST_ENTRY	0x0004	/* from a suppression-list API (bounces/blocks list), not an event feed */
#define BM_EVF_PROVIDER_HARD 0x0008	/* the provider calls it permanent/hard */
#define BM_EVF_PROVIDER_SOFT 0x0010	/* the provider calls it temporary/soft */
#define BM_EVF_DERIVED_ID	0x0020	/* provider_event_id was derived (the provider gives none) */
#define BM_EVF_PROVIDER_SUPPRESSED 0x0040	/* the provider says it now suppresses the address (Postmark
											 * Inactive, SendGrid bounce/block list entry, Mailgun bounce) */
#define BM_EVF_PART_RAW		0x0080	/* adapter-internal: raw is this event's own part of the element (or
									 * absent), not the whole element; see bm_emit */

#define BM_TIME_NONE INT64_MIN		/* occurred_at missing */

/*
 * provider_subtype values the adapters set themselves, for the write path to read (ingest_store.c):
 *   BM_SUBTYPE_MACHINE  an open (or click) the provider flags as made by a machine, not the recipient:
 *                       Apple Mail Privacy Protection's prefetch, Gmail's image proxy, a link scanner
 *                       (SendGrid sg_machine_open, Mailgun client-info.bot, SparkPost
 *                       user_agent_parsed.is_prefetched, Brevo proxy_open) — never engagement;
 *   BM_SUBTYPE_LIST     prefix of an unsubscribe that concerns one list only ("list:asm_group:10", a
 *                       SendGrid unsubscribe group), and of the "other" event that resubscribes to it; an
 *                       unsubscribe without it is from every marketing list.
 */
#define BM_SUBTYPE_MACHINE	"machine"
#define BM_SUBTYPE_LIST		"list:"

typedef struct bm_event
{
	bm_provider provider;
	bm_event_type type;
	bm_str		provider_event_id;	/* dedupe key, unique per provider (derived when the provider has none) */
	bm_str		provider_type;	/* the provider's own primary verdict: SendGrid "bounce"/"blocked"/event name,
								 * SES bounceType "Permanent", Postmark Type "HardBounce", Mailgun
								 * "failed/permanent", ... (README has the table per provider) */
	bm_str		provider_subtype;	/* its secondary verdict: SES bounceSubType "General", SendGrid
									 * bounce_classification or drop reason, Mailgun reason, Postmark
									 * TypeCode, SparkPost bounce_class, ... */
	bm_str		email;			/* normalized: trimmed, <> stripped, lower-cased */
	bm_str		email_original; /* as the provider spelled it */
	bm_str		domain;			/* the part of email after '@' */
	int64_t		occurred_at;	/* microseconds since 1970-01-01 00:00:00 UTC, or BM_TIME_NONE */
	int			reply_code;		/* from the provider's structured field, 0 when none */
	bm_status	status;			/* from the provider's structured field, BM_STATUS_NONE when none */
	bm_str		diagnostic;		/* the SMTP response / reason text */
	bm_str		message_id;		/* the provider's message id (or the Message-ID) */
	int			attempt;		/* delivery attempt number when given, else 0 */
	bm_str		raw;			/* what is kept with the event: the JSON text of its element, or only its own part
								 * of an element that reports several recipients (SES) */
	bm_str		element;		/* the JSON text of the whole element, for quarantine and replay */
	uint32_t	raw_ref;		/* raw as parsed: a node for bm_payload_walk(), valid during the sink call; 0
								 * when raw is absent */
	uint32_t	flags;			/* BM_EVF_* */
} bm_event;

const char *bm_provider_name(bm_provider provider);
/* Looks up "sendgrid", "ses", ... (case-insensitive); false when unknown. */
bool		bm_provider_from_name(const char *name, size_t len, bm_provider *out);
/* "sendgrid, ses, mailgun, ..." for error hints. */
const char *bm_provider_list(void);
const char *bm_event_type_name(bm_event_type type);

#endif							/* BM_EVENT_H */
