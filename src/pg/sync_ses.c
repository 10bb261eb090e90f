/*
 * sync_ses.c — Amazon SES's API (SESv2) for sync and removals (sync_provider.h).  The account-level
 * suppression list is read with ListSuppressedDestinations within StartDate/EndDate, up to 1000 entries a
 * page, following NextToken until a page has none (a short or empty page with a token is not the end).
 * Every request is signed by libcurl (AWS Signature Version 4 from the access key id and secret, a session
 * token in a header it signs along); removal is DeleteSuppressedDestination.
 */
#include "postgres.h"

#include <string.h>

#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/timestamp.h"

#include "sync_provider.h"

#define SES_PAGE_SIZE 1000			/* SESv2 ListSuppressedDestinations: PageSize at most 1000 */

/* t as SES's StartDate / EndDate: ISO 8601 in UTC to the second (rounded up when `up`), URL-escaped. */
static char *
ses_time(TimestampTz t, bool up)
{
	pg_time_t	s = timestamptz_to_time_t(t);
	char		buf[32];

	if (up && t % USECS_PER_SEC != 0)
		s++;
	pg_strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", pg_gmtime(&s));
	return bm_http_escape(buf);
}

static const char *
ses_page_what(const bm_sync_state *st)
{
	return "SES suppression list";
}

static char *
ses_page_url(const bm_sync_state *st)
{
	const char *token = st->pos.token;

	/*
	 * The request is signed: its parameters go in AWS's canonical form, sorted by name and escaped by curl
	 * (as the signature's canonical query string has them).  EndDate fixes the list while it is paged, as
	 * SendGrid's end_time does.
	 */
	return psprintf("%s/v2/email/suppression/addresses?EndDate=%s%s%s&PageSize=%d%s%s", st->acc->base_url,
					ses_time(st->until, true), token ? "&NextToken=" : "", token ? bm_http_escape(token) : "",
					SES_PAGE_SIZE, st->have_since ? "&StartDate=" : "",
					st->have_since ? ses_time(st->since, false) : "");
}

static void
ses_advance(bm_sync_state *st, const char *url, const bm_api_page *page)
{
	bm_sync_pos *p = &st->pos;

	if (page->next_token_too_long)
		bm_sync_stop_after_page(st, ERRCODE_PROGRAM_LIMIT_EXCEEDED,
								psprintf("SES suppression list: a NextToken of more than %d bytes (or holding a NUL)",
										 BM_API_PAGE_TOKEN_MAX),
								psprintf("GET %s; this page was stored, the pages after it cannot be asked for.", url),
								"Sync with a later since, in steps.");
	else if (page->next_token[0] == '\0')
		p->done = true;
	else if (p->token != NULL && strcmp(p->token, page->next_token) == 0)
		bm_sync_stop_after_page(st, ERRCODE_INVALID_PARAMETER_VALUE,
								"SES suppression list: the provider answered with the NextToken it was asked for",
								psprintf("GET %s; paging would never end.", url), NULL);
	else
	{
		if (p->token != NULL)
			pfree(p->token);
		p->token = MemoryContextStrdup(st->run_cxt, page->next_token);
	}
}

static void
ses_position_json(const bm_sync_state *st, StringInfo out)
{
	/* null: the first page of the window */
	appendStringInfoString(out, "{\"next_token\": ");
	if (st->pos.token)
		escape_json(out, st->pos.token);
	else
		appendStringInfoString(out, "null");
	appendStringInfoChar(out, '}');
}

static bool
ses_resume(bm_sync_state *st, const Datum *v, const bool *isnull)
{
	/* {"next_token": null} is the window's first page */
	if (isnull[0] || !DatumGetBool(v[0]))
		return false;
	if (!isnull[1])
		st->pos.token = MemoryContextStrdup(st->run_cxt, TextDatumGetCString(v[1]));
	return true;
}

static bool
ses_removal(const bm_account *acc, const char *email, bm_http_request *req)
{
	/* DeleteSuppressedDestination; a 404 (NotFoundException) is "not on the list" */
	bm_account_authorize(acc, req, "SES suppression list removal");
	req->method = "DELETE";
	req->url = psprintf("%s/v2/email/suppression/addresses/%s", acc->base_url, bm_http_escape(email));
	return true;
}

/* An SES account: a region fit for the signature's scope, the secret, and a libcurl that signs. */
static void
ses_check_account(bm_account *acc)
{
	const char *r = acc->region;

	/* the region goes into "aws:amz:<region>:ses" (curl splits at ':') and the credential scope */
	if (r == NULL || r[0] == '\0' || strlen(r) > 32 || strspn(r, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(r))
	{
		bm_account_forget_key(acc);
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("SES account \"%s\" has no valid AWS region", acc->name),
						errhint("Set options to '{\"region\": \"eu-west-1\"}'.")));
	}
	if (acc->api_secret == NULL)
	{
		bm_account_forget_key(acc);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("SES account \"%s\" has no secret access key", acc->name),
				 errhint("UPDATE bounce_mgmt.provider_keys SET api_secret = $1 WHERE account = '%s', passing the secret as a bind parameter.",
						 acc->name)));
	}
	PG_TRY();
	{
		bm_http_check_sigv4(psprintf("SES account \"%s\"", acc->name));
	}
	PG_CATCH();
	{
		bm_account_forget_key(acc);
		PG_RE_THROW();
	}
	PG_END_TRY();
}

static void
ses_authorize(const bm_account *acc, bm_http_request *req)
{
	/* libcurl signs (AWS Signature Version 4); the token is a header it signs along */
	req->aws_sigv4 = psprintf("aws:amz:%s:ses", acc->region);
	req->basic_user = acc->api_key;
	req->basic_password = acc->api_secret;
	if (acc->session_token)
		req->header = psprintf("X-Amz-Security-Token: %s", acc->session_token);
}

const bm_sync_ops bm_sync_ses = {
	.page_what = ses_page_what,
	.start = NULL,				/* the window's first page: no NextToken */
	.page_url = ses_page_url,
	.advance = ses_advance,
	.position_json = ses_position_json,
	.resume_columns = "position ? 'next_token', position ->> 'next_token'",
	.resume = ses_resume,
	.removal = ses_removal,
	.check_account = ses_check_account,
	.authorize = ses_authorize,
};
