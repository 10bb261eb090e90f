/*
 * sync.c — sync(account, since) pulls a provider's suppression lists page by page over its API (SendGrid
 * bounces and blocks, Postmark bounces, Mailgun bounces) into the ingestion path, and provider_remove()
 * takes an address off the provider's list.  Accounts and their keys come from provider_accounts; a key
 * only ever goes into a request header or basic-auth field, never into a URL, message or log line.
 */
#include "postgres.h"

#include <string.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "pgtime.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "api_page.h"
#include "api_url.h"
#include "bm_pg.h"
#include "http.h"
#include "ingest.h"
#include "sync.h"

PG_FUNCTION_INFO_V1(bm_sync_sql);
PG_FUNCTION_INFO_V1(bm_provider_remove_sql);

#define PAGE_SIZE 500
#define POSTMARK_MAX_OFFSET 10000	/* Postmark: count + offset may not pass 10,000 */

static int	sync_overlap = 300;		/* seconds the cursor is moved back (late-listed entries) */
static int	sync_max_pages = 2000;	/* pages one sync() may read */

void
bm_sync_init(void)
{
	DefineCustomIntVariable("bounce_mgmt.sync_overlap",
							"Seconds before the account's cursor a sync asks for again (entries the provider lists late).",
							"Entries already stored are counted as duplicates, not stored twice.",
							&sync_overlap, 300, 0, 86400, PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("bounce_mgmt.sync_max_pages",
							"Pages one sync() may read before it stops with an error.",
							"A provider that never stops returning full pages cannot keep a sync running forever.",
							&sync_max_pages, 2000, 1, 1000000, PGC_USERSET, 0, NULL, NULL, NULL);
}

typedef struct account
{
	char	   *name;
	bm_provider provider;
	char	   *base_url;		/* without a trailing slash */
	char	   *api_key;
	char	   *domain;			/* Mailgun */
	bool		has_cursor;
	TimestampTz cursor;
} account;

typedef struct sync_totals
{
	int32		pages;
	int32		fetched;
	int32		inserted;
	int32		duplicates;
	int32		quarantined;
	uint64	   *seen;			/* a hash of each page's body, to notice a provider going round in circles */
} sync_totals;

/* 64-bit FNV-1a of a page body. */
static uint64
page_hash(const char *p, int n)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);

	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned char) p[i]) * UINT64CONST(0x100000001b3);
	return h;
}

/*
 * Refuses a page beyond bounce_mgmt.sync_max_pages, and a page with entries whose body equals an earlier
 * page of this sync (a provider that repeats a page, or a paging.next loop): either would never end.
 */
static void
check_progress(const account *acc, const char *what, const char *url, sync_totals *tot, const bm_http_response *resp,
			   long items)
{
	uint64		h;

	if (tot->pages >= sync_max_pages)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("sync of account \"%s\" stopped after %d pages (bounce_mgmt.sync_max_pages)", acc->name,
						tot->pages),
				 errdetail("%s: the provider still had more pages; next GET %s.", what, url),
				 errhint("Sync a shorter period with since, or raise bounce_mgmt.sync_max_pages.")));
	if (items <= 0)
		return;
	if (tot->seen == NULL)
		tot->seen = palloc(sizeof(uint64) * sync_max_pages);
	h = page_hash(resp->body.data, resp->body.len);
	for (int i = 0; i < tot->pages; i++)
		if (tot->seen[i] == h)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sync of account \"%s\" stopped: %s page %d repeats page %d", acc->name, what,
							tot->pages + 1, i + 1),
					 errdetail("GET %s returned a page already seen in this sync; paging would never end.", url)));
	tot->seen[tot->pages] = h;
}

static char *
spi_text(HeapTuple tup, TupleDesc desc, int col)
{
	char	   *v = SPI_getvalue(tup, desc, col);

	return v ? pstrdup(v) : NULL;
}

/* Reads the account (locking its row: one sync per account at a time). */
static account *
load_account(const char *name, bool lock)
{
	Datum		arg = CStringGetTextDatum(name);
	Oid			argtype = TEXTOID;
	MemoryContext outer = CurrentMemoryContext;
	account    *acc;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	rc = SPI_execute_with_args(lock ?
							   "SELECT a.provider::text, a.base_url, k.api_key, a.options ->> 'domain', a.last_synced_at"
							   "  FROM " BM_SCHEMA ".provider_accounts a"
							   "  LEFT JOIN " BM_SCHEMA ".provider_keys k ON k.account = a.name"
							   " WHERE a.name = $1 FOR UPDATE OF a" :
							   "SELECT a.provider::text, a.base_url, k.api_key, a.options ->> 'domain', a.last_synced_at"
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

		acc = palloc0(sizeof(account));
		acc->name = pstrdup(name);
		if (!bm_provider_from_name(prov, strlen(prov), &acc->provider))
			elog(ERROR, "bounce_mgmt: unknown provider %s", prov);
		acc->base_url = spi_text(tup, desc, 2);
		acc->api_key = spi_text(tup, desc, 3);
		acc->domain = spi_text(tup, desc, 4);
		c = SPI_getbinval(tup, desc, 5, &isnull);
		acc->has_cursor = !isnull;
		acc->cursor = isnull ? 0 : DatumGetTimestampTz(c);
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
	if (acc->provider == BM_PROVIDER_MAILGUN && (acc->domain == NULL || acc->domain[0] == '\0'))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("Mailgun account \"%s\" has no sending domain", name),
						errhint("Set options to '{\"domain\": \"mg.example.com\"}'.")));
	return acc;
}

static void
forget_key(account *acc)
{
	if (acc->api_key)
	{
		memset(acc->api_key, 0, strlen(acc->api_key));
		pfree(acc->api_key);
		acc->api_key = NULL;
	}
}

/* Request fields for the account's provider: the key goes into a header or basic auth only. */
static void
authorize(const account *acc, bm_http_request *req, const char *what)
{
	memset(req, 0, sizeof(*req));
	req->what = what;
	switch (acc->provider)
	{
		case BM_PROVIDER_SENDGRID:
			req->bearer = acc->api_key;
			break;
		case BM_PROVIDER_POSTMARK:
			req->header = psprintf("X-Postmark-Server-Token: %s", acc->api_key ? acc->api_key : "");
			break;
		case BM_PROVIDER_MAILGUN:
			req->basic_user = "api";
			req->basic_password = acc->api_key;
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("sync is not available for %s accounts", bm_provider_name(acc->provider)),
					 errhint("Supported: sendgrid, postmark, mailgun.")));
	}
}

/* t as Postmark's dates are read: local time in US Eastern, to the second (rounded up when `up`). */
static char *
postmark_time(TimestampTz t, bool up)
{
	static pg_tz *eastern = NULL;
	pg_time_t	s = timestamptz_to_time_t(t);
	struct pg_tm *tm;
	char		buf[32];

	if (up && t % USECS_PER_SEC != 0)
		s++;
	if (eastern == NULL && (eastern = pg_tzset("America/New_York")) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("time zone \"America/New_York\" is not available"),
				 errdetail("Postmark reads fromdate and todate in US Eastern time.")));
	tm = pg_localtime(&s, eastern);
	pg_strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", tm);
	return pstrdup(buf);
}

/*
 * Fetches one page (taking the answer of *pending when that was a prefetch of this url), checks it is JSON
 * of the expected kind, starts the prefetch of the next page into *pending (next_if_full when this page is
 * full, or with next_link the page's own paging.next on the account's origin), and ingests the page.
 * Returns its entry count.
 */
static long
fetch_page(const account *acc, const char *url, const char *what, sync_totals *tot, bm_api_page *page,
		   bm_http_prefetch **pending, const char *next_if_full, bool next_link)
{
	bm_http_request req;
	bm_http_response resp;
	bm_ingest_options opts;
	bm_ingest_result res;
	char	   *source;
	bool		got = false;

	authorize(acc, &req, what);
	req.method = "GET";
	req.url = url;
	if (*pending != NULL)
	{
		got = bm_http_prefetch_finish(*pending, url, &resp);
		*pending = NULL;
	}
	if (!got)
		bm_http_perform(&req, &resp);	/* with retries, redirects and their errors */
	if (strstr(resp.content_type, "json") == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("%s: the provider answered with %s, not JSON", what,
						resp.content_type[0] ? resp.content_type : "no content type"),
				 errdetail("GET %s; nothing from this page was stored.", url)));
	if (!bm_api_page_read(resp.body.data, resp.body.len, page) || page->items < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("%s: malformed response body (%d bytes)", what, resp.body.len),
				 errdetail("GET %s; nothing from this page was stored.", url)));
	check_progress(acc, what, url, tot, &resp, page->items);
	{
		const char *next = NULL;

		if (next_if_full != NULL && page->items >= PAGE_SIZE)
			next = next_if_full;
		else if (next_link && page->items > 0 && page->next[0] != '\0' && strcmp(page->next, url) != 0 &&
				 bm_url_same_origin(page->next, acc->base_url))
			next = page->next;
		if (next != NULL)
		{
			req.url = next;
			*pending = bm_http_prefetch_start(&req);
		}
	}
	source = psprintf("sync:%s", acc->name);
	memset(&opts, 0, sizeof(opts));
	opts.provider = acc->provider;
	opts.source = source;
	/* a page that is not JSON or not the provider's shape stores nothing (ERROR); a single bad entry is
	 * kept in ingest_errors with its reason (counted as quarantined) so one odd entry at the provider
	 * cannot block every later sync of the account */
	opts.all_or_nothing = false;
	if (page->items > 0)
	{
		bm_ingest_payload(resp.body.data, resp.body.len, &opts, &res);
		tot->inserted += res.inserted;
		tot->duplicates += res.duplicates;
		tot->quarantined += res.quarantined;
	}
	tot->pages++;
	tot->fetched += (int32) page->items;
	ereport(NOTICE,
			(errmsg("bounce_mgmt sync %s: %s page %d, %ld entries (%d so far)", acc->name, what, tot->pages,
					page->items, tot->fetched)));
	pfree(resp.body.data);
	pfree(source);
	return page->items;
}

static void
sync_sendgrid(const account *acc, bool have_since, TimestampTz since, TimestampTz now, sync_totals *tot)
{
	static const char *const lists[] = {"bounces", "blocks"};

	for (int l = 0; l < 2; l++)
	{
		char	   *what = psprintf("SendGrid %s list", lists[l]);
		char	   *window;
		bm_http_prefetch *pending = NULL;
		char	   *url;

		/* end_time fixes the list while we page through it; what is listed later is the next sync's */
		if (have_since)
			window = psprintf("&start_time=%lld&end_time=%lld", (long long) timestamptz_to_time_t(since),
							  (long long) timestamptz_to_time_t(now));
		else
			window = psprintf("&end_time=%lld", (long long) timestamptz_to_time_t(now));
		url = psprintf("%s/v3/suppression/%s?limit=%d&offset=%d%s", acc->base_url, lists[l], PAGE_SIZE, 0,
					   window);

		for (long offset = 0;; offset += PAGE_SIZE)
		{
			bm_api_page page;
			char	   *next = psprintf("%s/v3/suppression/%s?limit=%d&offset=%ld%s", acc->base_url, lists[l],
										PAGE_SIZE, offset + PAGE_SIZE, window);

			if (fetch_page(acc, url, what, tot, &page, &pending, next, false) < PAGE_SIZE)
				break;
			pfree(url);
			url = next;
		}
		bm_http_prefetch_cancel(pending);
	}
}

/*
 * Postmark pages with count/offset, but count + offset may not pass 10,000: past that, the window's upper
 * end (todate) moves down to the earliest bounce seen so far and paging starts again at offset 0.  That
 * relies on Postmark listing the newest bounces first, which every page is checked for.
 */
static void
sync_postmark(const account *acc, bool have_since, TimestampTz since, TimestampTz now, sync_totals *tot)
{
	/*
	 * An hour earlier than asked: Eastern local times repeat for an hour when daylight saving time ends,
	 * and Postmark may read the later one.  The repeats are duplicates, not stored twice.
	 */
	char	   *from = have_since ? psprintf("&fromdate=%s", postmark_time(since - USECS_PER_HOUR, false)) :
		pstrdup("");
	TimestampTz upper = now;
	bm_http_prefetch *pending = NULL;

	for (;;)
	{
		char	   *to = postmark_time(upper, true);
		long long	oldest = -1;
		bool		ordered = true;

		for (long offset = 0;; offset += PAGE_SIZE)
		{
			bm_api_page page;
			long		n;
			char	   *url;
			char	   *next;

			if (offset + PAGE_SIZE > POSTMARK_MAX_OFFSET)
			{
				TimestampTz next;

				if (!ordered || oldest < 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("Postmark bounces: more than %d bounces up to %s, and the pages are not newest first",
									POSTMARK_MAX_OFFSET, to),
							 errdetail("Postmark returns at most %d bounces per query; a narrower time window needs the newest-first order.",
									   POSTMARK_MAX_OFFSET),
							 errhint("Sync with a later since, in steps.")));
				/* the earliest BouncedAt seen (unix microseconds) as a timestamptz */
				next = (TimestampTz) oldest -
					((TimestampTz) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * USECS_PER_SEC);
				if (next + USECS_PER_SEC > upper)
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("Postmark bounces: more than %d bounces within one second (up to %s)",
									POSTMARK_MAX_OFFSET, to),
							 errdetail("Postmark's dates have a resolution of one second; the list cannot be paged further.")));
				ereport(NOTICE,
						(errmsg("bounce_mgmt sync %s: Postmark allows %d bounces per query; continuing with bounces up to %s (US Eastern)",
								acc->name, POSTMARK_MAX_OFFSET, postmark_time(next, true))));
				upper = next;
				break;
			}
			url = psprintf("%s/bounces?count=%d&offset=%ld%s&todate=%s", acc->base_url, PAGE_SIZE, offset,
						   from, to);
			next = offset + 2 * PAGE_SIZE > POSTMARK_MAX_OFFSET ? NULL :
				psprintf("%s/bounces?count=%d&offset=%ld%s&todate=%s", acc->base_url, PAGE_SIZE,
						 offset + PAGE_SIZE, from, to);
			n = fetch_page(acc, url, "Postmark bounces", tot, &page, &pending, next, false);
			if (!page.newest_first)
				ordered = false;
			if (page.oldest_us >= 0 && (oldest < 0 || page.oldest_us < oldest))
				oldest = page.oldest_us;
			if (n < PAGE_SIZE || (page.total >= 0 && offset + n >= page.total))
			{
				bm_http_prefetch_cancel(pending);
				return;
			}
			pfree(url);
		}
	}
}

static void
sync_mailgun(const account *acc, sync_totals *tot)
{
	char	   *escaped = bm_http_escape(acc->domain);
	char	   *url = psprintf("%s/v3/%s/bounces?limit=%d", acc->base_url, escaped, PAGE_SIZE);
	bm_http_prefetch *pending = NULL;

	for (;;)					/* check_progress() ends a loop of links */
	{
		bm_api_page page;

		if (fetch_page(acc, url, "Mailgun bounces", tot, &page, &pending, NULL, true) <= 0 ||
			page.next[0] == '\0' || strcmp(page.next, url) == 0)
			break;
		/* follow paging.next only on the account's own host: the key must not go anywhere else */
		if (!bm_url_same_origin(page.next, acc->base_url))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("Mailgun bounces: the next page is outside the account's base URL"),
					 errdetail("next: %s", page.next),
					 errhint("Set base_url to the API host the provider pages on.")));
		url = pstrdup(page.next);
	}
	bm_http_prefetch_cancel(pending);
}

/* sync(account text, since timestamptz DEFAULT NULL) */
Datum
bm_sync_sql(PG_FUNCTION_ARGS)
{
	char	   *name;
	account    *acc;
	sync_totals tot = {0, 0, 0, 0, 0, NULL};
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	bool		have_since;
	TimestampTz since = 0;
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("account must not be NULL")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "bounce_mgmt: sync() must return a composite");
	tupdesc = BlessTupleDesc(tupdesc);

	acc = load_account(name, true);
	have_since = !PG_ARGISNULL(1) || acc->has_cursor;
	if (!PG_ARGISNULL(1))
		since = PG_GETARG_TIMESTAMPTZ(1);
	else if (acc->has_cursor)
		since = acc->cursor - (TimestampTz) sync_overlap * USECS_PER_SEC;	/* dedupe drops the repeats */

	switch (acc->provider)
	{
		case BM_PROVIDER_SENDGRID:
			sync_sendgrid(acc, have_since, since, now, &tot);
			break;
		case BM_PROVIDER_POSTMARK:
			sync_postmark(acc, have_since, since, now, &tot);
			break;
		case BM_PROVIDER_MAILGUN:
			sync_mailgun(acc, &tot);
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("sync is not available for %s accounts", bm_provider_name(acc->provider)),
					 errhint("Supported: sendgrid, postmark, mailgun.")));
	}
	forget_key(acc);

	/* the cursor moves with the data: both commit, or neither */
	{
		Oid			types[2] = {TEXTOID, TIMESTAMPTZOID};
		Datum		args[2] = {CStringGetTextDatum(name), TimestampTzGetDatum(now)};
		int			rc;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "bounce_mgmt: SPI_connect failed");
		rc = SPI_execute_with_args("UPDATE " BM_SCHEMA ".provider_accounts SET last_synced_at = $2,"
								   " last_sync = pg_catalog.now() WHERE name = $1",
								   2, types, args, NULL, false, 0);
		if (rc != SPI_OK_UPDATE)
			elog(ERROR, "bounce_mgmt: could not move the sync cursor: %s", SPI_result_code_string(rc));
		SPI_finish();
	}

	values[0] = Int32GetDatum(tot.pages);
	values[1] = Int32GetDatum(tot.fetched);
	values[2] = Int32GetDatum(tot.inserted);
	values[3] = Int32GetDatum(tot.duplicates);
	values[4] = Int32GetDatum(tot.quarantined);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * Postmark activates a bounce by its ID: the inactive bounce of the address as the API lists it now
 * (emailFilter matches substrings; the exact address is picked out), else NULL.
 */
static char *
postmark_inactive_bounce(const account *acc, const char *email)
{
	bm_http_request req;
	bm_http_response resp;
	char		id[24];

	authorize(acc, &req, "Postmark bounce lookup");
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
 * provider_remove(account text, email text): takes the address off the provider's bounce list.  True when
 * removed; false when the provider does not list it (a 404, or no inactive Postmark bounce) — done either
 * way.  Any other failure is an ERROR (retry_provider_removals() records it and tries again later).
 */
Datum
bm_provider_remove_sql(PG_FUNCTION_ARGS)
{
	char	   *name;
	char	   *email;
	account    *acc;
	bm_http_request req;
	bm_http_response resp;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("account and email must not be NULL")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	email = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (email[0] == '\0' || strchr(email, '@') == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid email address: \"%s\"", email)));
	acc = load_account(name, false);
	switch (acc->provider)
	{
		case BM_PROVIDER_SENDGRID:
			authorize(acc, &req, "SendGrid bounce removal");
			req.method = "DELETE";
			req.url = psprintf("%s/v3/suppression/bounces/%s", acc->base_url, bm_http_escape(email));
			break;
		case BM_PROVIDER_POSTMARK:
			{
				char	   *id = postmark_inactive_bounce(acc, email);

				if (id == NULL)
				{
					forget_key(acc);
					PG_RETURN_BOOL(false);	/* nothing inactive to activate */
				}
				authorize(acc, &req, "Postmark bounce activation");
				req.method = "PUT";
				req.url = psprintf("%s/bounces/%s/activate", acc->base_url, id);
			}
			break;
		case BM_PROVIDER_MAILGUN:
			authorize(acc, &req, "Mailgun bounce removal");
			req.method = "DELETE";
			req.url = psprintf("%s/v3/%s/bounces/%s", acc->base_url, bm_http_escape(acc->domain),
							   bm_http_escape(email));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("removal is not available for %s accounts", bm_provider_name(acc->provider))));
	}
	req.not_found_ok = true;
	bm_http_perform(&req, &resp);
	forget_key(acc);
	pfree(resp.body.data);
	PG_RETURN_BOOL(resp.status != 404);
}
