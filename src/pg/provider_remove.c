/*
 * provider_remove.c — provider_remove(account, email) takes an address off the provider's bounce list:
 * SendGrid DELETE, Postmark activation of the address's inactive bounce, Mailgun DELETE, SES DELETE from
 * the account's suppression list (each provider's request: sync_<provider>.c).  One request (two for
 * Postmark) within the caller's transaction; retry_provider_removals() records failures and retries.
 */
#include "postgres.h"

#include <string.h>

#include "fmgr.h"
#include "utils/builtins.h"

#include "http.h"
#include "provider_account.h"
#include "sync_provider.h"

PG_FUNCTION_INFO_V1(bm_provider_remove_sql);

/*
 * The request that takes email off acc's list (the provider's, sync_provider.h), made: true when the
 * provider removed it, false when it does not list it.
 */
static bool
remove_at_provider(const bm_account *acc, const char *email)
{
	const bm_sync_ops *ops = bm_sync_provider(acc->provider);
	bm_http_request req;
	bm_http_response resp;

	if (ops == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("removal is not available for %s accounts", bm_provider_name(acc->provider))));
	if (!ops->removal(acc, email, &req))
		return false;
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
