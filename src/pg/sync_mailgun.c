/*
 * sync_mailgun.c — Mailgun's API for sync and removals (sync_provider.h).  The sending domain's bounces
 * list is paged by link: each page's paging.next is the URL of the next one, followed on the account's
 * own origin only, until an empty page or a link to the page itself; it takes no time window (the repeats
 * are duplicates).  The key is the password of basic auth as user "api"; removal is a DELETE of the
 * address from the domain's bounces.
 */
#include "postgres.h"

#include <string.h>

#include "utils/builtins.h"
#include "utils/json.h"

#include "api_url.h"
#include "sync_provider.h"

static const char *
mailgun_page_what(const bm_sync_state *st)
{
	return "Mailgun bounces";
}

static void
mailgun_start(bm_sync_state *st)
{
	st->pos.next = MemoryContextStrdup(st->run_cxt,
									   psprintf("%s/v3/%s/bounces?limit=%d", st->acc->base_url,
												bm_http_escape(st->acc->domain), BM_SYNC_PAGE_SIZE));
}

static char *
mailgun_page_url(const bm_sync_state *st)
{
	return st->pos.next ? pstrdup(st->pos.next) : NULL;
}

static void
mailgun_advance(bm_sync_state *st, const char *url, const bm_api_page *page)
{
	if (page->items <= 0 || page->next[0] == '\0' || strcmp(page->next, url) == 0)
		st->pos.done = true;
	else if (!bm_url_same_origin(page->next, st->acc->base_url))
		/* the key must not go anywhere else */
		bm_sync_stop_after_page(st, ERRCODE_INVALID_PARAMETER_VALUE,
								"Mailgun bounces: the next page is outside the account's base URL",
								psprintf("next: %s", page->next),
								"Set base_url to the API host the provider pages on.");
	else
		st->pos.next = MemoryContextStrdup(st->run_cxt, page->next);
}

static void
mailgun_position_json(const bm_sync_state *st, StringInfo out)
{
	appendStringInfoString(out, "{\"next\": ");
	escape_json(out, st->pos.next ? st->pos.next : "");
	appendStringInfoChar(out, '}');
}

static bool
mailgun_resume(bm_sync_state *st, const Datum *v, const bool *isnull)
{
	char	   *next = isnull[0] ? NULL : TextDatumGetCString(v[0]);

	/* the key goes to the account's own origin only, whatever the row says */
	if (next == NULL || !bm_url_same_origin(next, st->acc->base_url))
		return false;
	st->pos.next = MemoryContextStrdup(st->run_cxt, next);
	return true;
}

static bool
mailgun_removal(const bm_account *acc, const char *email, bm_http_request *req)
{
	bm_account_authorize(acc, req, "Mailgun bounce removal");
	req->method = "DELETE";
	req->url = psprintf("%s/v3/%s/bounces/%s", acc->base_url, bm_http_escape(acc->domain),
						bm_http_escape(email));
	return true;
}

static void
mailgun_check_account(bm_account *acc)
{
	if (acc->domain == NULL || acc->domain[0] == '\0')
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("Mailgun account \"%s\" has no sending domain", acc->name),
						errhint("Set options to '{\"domain\": \"mg.example.com\"}'.")));
}

static void
mailgun_authorize(const bm_account *acc, bm_http_request *req)
{
	req->basic_user = "api";
	req->basic_password = acc->api_key;
}

const bm_sync_ops bm_sync_mailgun = {
	.page_what = mailgun_page_what,
	.start = mailgun_start,
	.page_url = mailgun_page_url,
	.advance = mailgun_advance,
	.position_json = mailgun_position_json,
	.resume_columns = "position ->> 'next'",
	.resume = mailgun_resume,
	.removal = mailgun_removal,
	.check_account = mailgun_check_account,
	.authorize = mailgun_authorize,
};
