/*
 * provider_remove.c — provider_remove(account, email) takes an address off the provider's bounce list:
 * SendGrid DELETE, Postmark activation of the address's inactive bounce, Mailgun DELETE, SES DELETE from
 * the account's suppression list.  One request (two for Postmark) within the caller's transaction;
 * retry_provider_removals() records failures and retries.
 */
#include "postgres.h"

#include <string.h>

#include "fmgr.h"
#include "utils/builtins.h"

#include "api_page.h"
#include "http.h"
#include "provider_account.h"

PG_FUNCTION_INFO_V1(bm_provider_remove_sql);

/*
 * Postmark activates a bounce by its ID: the inactive bounce of the address as the API lists it now
 * (emailFilter matches substrings; the exact address is picked out), else NULL.
 */
static char *
postmark_inactive_bounce(const bm_account *acc, const char *email)
{
	bm_http_request req;
	bm_http_response resp;
	char		id[24];

	bm_account_authorize(acc, &req, "Postmark bounce lookup");
	req.method = "GET";
	req.url = psprintf("%s/bounces?count=500&offset=0&inactive=true&emailFilter=%s", acc->base_url,
					   bm_http_escape(email));
	bm_http_perform(&req, &resp);
	if (strstr(resp.content_type, "json") == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("Postmark bounce lookup: the provider answered with %s, not JSON",
						resp.content_type[0] ? resp.content_type : "no content type"),
				 errdetail("GET %s", req.url)));
	if (bm_api_page_postmark_inactive_id(resp.body.data, resp.body.len, email, id, sizeof(id)))
		return pstrdup(id);
	return NULL;
}

/*
 * The request that takes email off acc's list, made: true when the provider removed it, false when it
 * does not list it.
 */
static bool
remove_at_provider(const bm_account *acc, const char *email)
{
	bm_http_request req;
	bm_http_response resp;

	switch (acc->provider)
	{
		case BM_PROVIDER_SENDGRID:
			bm_account_authorize(acc, &req, "SendGrid bounce removal");
			req.method = "DELETE";
			req.url = psprintf("%s/v3/suppression/bounces/%s", acc->base_url, bm_http_escape(email));
			break;
		case BM_PROVIDER_POSTMARK:
			{
				char	   *id = postmark_inactive_bounce(acc, email);

				if (id == NULL)
					return false;	/* nothing inactive to activate */
				bm_account_authorize(acc, &req, "Postmark bounce activation");
				req.method = "PUT";
				req.url = psprintf("%s/bounces/%s/activate", acc->base_url, id);
			}
			break;
		case BM_PROVIDER_MAILGUN:
			bm_account_authorize(acc, &req, "Mailgun bounce removal");
			req.method = "DELETE";
			req.url = psprintf("%s/v3/%s/bounces/%s", acc->base_url, bm_http_escape(acc->domain),
							   bm_http_escape(email));
			break;
		case BM_PROVIDER_SES:
			/* DeleteSuppressedDestination; a 404 (NotFoundException) is "not on the list" */
			bm_account_authorize(acc, &req, "SES suppression list removal");
			req.method = "DELETE";
			req.url = psprintf("%s/v2/email/suppression/addresses/%s", acc->base_url, bm_http_escape(email));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("removal is not available for %s accounts", bm_provider_name(acc->provider))));
	}
	req.not_found_ok = true;
	bm_http_perform(&req, &resp);
	pfree(resp.body.data);
	return resp.status != 404;
}

/*
 * provider_remove(account text, email text): takes the address off the provider's bounce list.  True when
 * removed; false when the provider does not list it (a 404, or no inactive Postmark bounce) — done either
 * way.  Any other failure is an ERROR (retry_provider_removals() records it and tries again later).  The
 * key is wiped on every path.
 */
Datum
bm_provider_remove_sql(PG_FUNCTION_ARGS)
{
	char	   *name;
	char	   *email;
	bm_account *acc;
	volatile bool removed = false;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("account and email must not be NULL")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	email = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (email[0] == '\0' || strchr(email, '@') == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid email address: \"%s\"", email)));
	acc = bm_account_load(name);
	PG_TRY();
	{
		removed = remove_at_provider(acc, email);
	}
	PG_FINALLY();
	{
		bm_account_forget_key(acc);
	}
	PG_END_TRY();
	PG_RETURN_BOOL(removed);
}
