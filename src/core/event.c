/*
 * event.c — names of the provider and event-type vocabularies of event.h (the SQL enums use the same
 * spellings, in the same order).  Pure C, no allocation.
 */
#include "event.h"

#include <string.h>

static const char *const provider_names[BM_PROVIDER_COUNT] = {
	[BM_PROVIDER_SENDGRID] = "sendgrid",
	[BM_PROVIDER_SES] = "ses",
	[BM_PROVIDER_MAILGUN] = "mailgun",
	[BM_PROVIDER_POSTMARK] = "postmark",
	[BM_PROVIDER_GENERIC] = "generic",
	[BM_PROVIDER_SPARKPOST] = "sparkpost",
	[BM_PROVIDER_MAILJET] = "mailjet",
	[BM_PROVIDER_BREVO] = "brevo",
	[BM_PROVIDER_MANDRILL] = "mandrill",
	[BM_PROVIDER_EMAIL] = "email",
};

static const char *const event_type_names[BM_ET_COUNT] = {
	[BM_ET_SENT] = "sent",
	[BM_ET_DELIVERED] = "delivered",
	[BM_ET_DEFERRED] = "deferred",
	[BM_ET_BOUNCE] = "bounce",
	[BM_ET_DROPPED] = "dropped",
	[BM_ET_COMPLAINT] = "complaint",
	[BM_ET_UNSUBSCRIBE] = "unsubscribe",
	[BM_ET_OPEN] = "open",
	[BM_ET_CLICK] = "click",
	[BM_ET_OTHER] = "other",
};

const char *
bm_provider_name(bm_provider provider)
{
	if ((unsigned) provider < BM_PROVIDER_COUNT)
		return provider_names[provider];
	return provider == BM_PROVIDER_AUTO ? "auto" : "unknown";
}

static bool
equal_ci(const char *a, size_t len, const char *b)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		char		c = a[i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c + ('a' - 'A'));
		if (b[i] == '\0' || c != b[i])
			return false;
	}
	return b[i] == '\0';
}

/* "auto" gives BM_PROVIDER_AUTO, so SQL callers can pass the provider argument through unchanged. */
bool
bm_provider_from_name(const char *name, size_t len, bm_provider *out)
{
	if (name == NULL)
		return false;
	for (int p = 0; p < BM_PROVIDER_COUNT; p++)
	{
		if (equal_ci(name, len, provider_names[p]))
		{
			*out = (bm_provider) p;
			return true;
		}
	}
	if (equal_ci(name, len, "auto"))
	{
		*out = BM_PROVIDER_AUTO;
		return true;
	}
	return false;
}

/* The providers whose JSON payloads ingest() reads ("email" is ingest_email()'s). */
const char *
bm_provider_list(void)
{
	return "sendgrid, ses, mailgun, postmark, generic, sparkpost, mailjet, brevo, mandrill";
}

const char *
bm_event_type_name(bm_event_type type)
{
	if ((unsigned) type < BM_ET_COUNT)
		return event_type_names[type];
	return "unknown";
}
