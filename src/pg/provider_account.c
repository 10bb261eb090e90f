/*
 * provider_account.c — reads a provider API account and its key, checks it may be used, and puts the key
 * into requests (see provider_account.h), with the provider's own checks and way of sending the key from
 * its table of operations (sync_provider.h).  A key only ever goes into a request header or basic-auth
 * field (SES: libcurl's AWS Signature Version 4 from the access key id and secret, the session token in a
 * header), never into a URL, message or log line; a plain http:// base URL is refused off this machine.
 */
#include "postgres.h"

#include <string.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "api_url.h"
#include "bm_pg.h"
#include "provider_account.h"
#include "sync_provider.h"

static bool allow_insecure_http = false;

PG_FUNCTION_INFO_V1(bm_api_url_safe_sql);

void
bm_account_init(void)
{
	DefineCustomBoolVariable("bounce_mgmt.allow_insecure_http",
							 "Allow provider accounts whose base_url is plain http:// on another machine.",
							 "Keys would cross the network unencrypted; loopback hosts (test servers) are always allowed.",
							 &allow_insecure_http, false, PGC_SUSET, 0, NULL, NULL, NULL);
}

/* A key may go to url: https, or http on a loopback host, or anything when a superuser allowed it. */
static bool
url_safe(const char *url)
{
	return bm_url_is_https(url) || bm_url_is_loopback(url) || allow_insecure_http;
}

/* api_url_safe(url text) RETURNS boolean: the check of provider_accounts' trigger */
Datum
bm_api_url_safe_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(url_safe(text_to_cstring(PG_GETARG_TEXT_PP(0))));
}

static char *
spi_text(HeapTuple tup, TupleDesc desc, int col)
{
	char	   *v = SPI_getvalue(tup, desc, col);

	return v ? pstrdup(v) : NULL;
}

bm_account *
bm_account_load(const char *name)
{
	Datum		arg = CStringGetTextDatum(name);
	Oid			argtype = TEXTOID;
	MemoryContext outer = CurrentMemoryContext;
	bm_account *acc;
	const bm_sync_ops *ops;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	rc = SPI_execute_with_args("SELECT a.provider::text, a.base_url, k.api_key, a.options ->> 'domain', a.last_synced_at,"
							   "       k.api_secret, k.session_token, a.options ->> 'region'"
							   "  FROM " BM_SCHEMA ".provider_accounts a"
							   "  LEFT JOIN " BM_SCHEMA ".provider_keys k ON k.account = a.name"
							   " WHERE a.name = $1",
							   1, &argtype, &arg, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "bounce_mgmt: reading provider_accounts failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("provider account \"%s\" does not exist", name),
				 errhint("Add it to bounce_mgmt.provider_accounts.")));
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		MemoryContext spi = MemoryContextSwitchTo(outer);
		char	   *prov = spi_text(tup, desc, 1);
		bool		isnull;
		Datum		c;

		acc = palloc0(sizeof(bm_account));
		acc->name = pstrdup(name);
		if (!bm_provider_from_name(prov, strlen(prov), &acc->provider))
			elog(ERROR, "bounce_mgmt: unknown provider %s", prov);
		acc->base_url = spi_text(tup, desc, 2);
		acc->api_key = spi_text(tup, desc, 3);
		acc->domain = spi_text(tup, desc, 4);
		c = SPI_getbinval(tup, desc, 5, &isnull);
		acc->has_cursor = !isnull;
		acc->cursor = isnull ? 0 : DatumGetTimestampTz(c);
		acc->api_secret = spi_text(tup, desc, 6);
		acc->session_token = spi_text(tup, desc, 7);
		acc->region = spi_text(tup, desc, 8);
		MemoryContextSwitchTo(spi);
	}
	SPI_finish();
	if (acc->api_key == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("provider account \"%s\" has no API key", name),
				 errhint("INSERT INTO bounce_mgmt.provider_keys (account, api_key) VALUES ('%s', ...), passing the key as a bind parameter.",
						 name)));
	if (acc->base_url == NULL || acc->base_url[0] == '\0')
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("provider account \"%s\" has no base_url", name)));
	while (strlen(acc->base_url) > 0 && acc->base_url[strlen(acc->base_url) - 1] == '/')
		acc->base_url[strlen(acc->base_url) - 1] = '\0';
	if (!url_safe(acc->base_url))
	{
		bm_account_forget_key(acc);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("provider account \"%s\": the key would be sent unencrypted to %s", name, acc->base_url),
				 errdetail("base_url is plain http:// on another machine."),
				 errhint("Use https://, or have a superuser set bounce_mgmt.allow_insecure_http = on.")));
	}
	/* the provider's own: Mailgun's sending domain; SES's region and secret, and a libcurl that signs */
	ops = bm_sync_provider(acc->provider);
	if (ops != NULL && ops->check_account != NULL)
		ops->check_account(acc);
	return acc;
}

static void
wipe(char **secret)
{
	if (*secret != NULL)
	{
		memset(*secret, 0, strlen(*secret));
		pfree(*secret);
		*secret = NULL;
	}
}

void
bm_account_forget_key(bm_account *acc)
{
	if (acc != NULL)
	{
		wipe(&acc->api_key);
		wipe(&acc->api_secret);
		wipe(&acc->session_token);
	}
}

void
bm_account_authorize(const bm_account *acc, bm_http_request *req, const char *what)
{
	const bm_sync_ops *ops;

	memset(req, 0, sizeof(*req));
	req->what = what;
	ops = bm_sync_provider(acc->provider);
	if (ops == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s accounts have no API access here", bm_provider_name(acc->provider)),
				 errhint("Supported: sendgrid, postmark, mailgun, ses.")));
	ops->authorize(acc, req);
}
