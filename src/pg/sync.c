/*
 * sync.c — CALL sync(account, since): pulls a provider's suppression lists (SendGrid bounces and blocks,
 * Postmark bounces, Mailgun bounces, Amazon SES's account-level suppression list) page by page over its
 * API into the ingestion path.  What differs between the providers — a page's URL, the position after it,
 * the position as stored — is each one's table of operations (sync_provider.h, sync_<provider>.c); this
 * file is the run around them.
 *
 * Called on its own (psql, pg_cron), each page is stored and committed together with the run's position
 * in sync_runs: while the provider is waited on, the backend holds no lock, row or snapshot a webhook could
 * need, and a sync that fails at page k keeps pages 1..k-1 — the next CALL without since resumes at page k.
 * Inside a transaction block (or a function) the same procedure runs in that one transaction instead.
 * One sync per account at a time (a session advisory lock).  The procedure runs with its caller's rights
 * and takes the extension owner's only for its database steps (run_as_owner.h): reading the key, storing
 * pages, the run row and the cursor.
 */
#include "postgres.h"

#include <string.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "api_page.h"
#include "bm_pg.h"
#include "http.h"
#include "ingest.h"
#include "provider_account.h"
#include "run_as_owner.h"
#include "sync.h"
#include "sync_provider.h"

PG_FUNCTION_INFO_V1(bm_sync_proc);

#define SYNC_LOCK_CLASS 1651340153	/* "bmsy": pg_locks shows classid 1651340153, objid = hash of the name */
#define RESUME_RUN_COLUMNS 3		/* run_id, since, until: resume's columns before the provider's */

static int	sync_overlap = 300;		/* seconds the cursor is moved back (late-listed entries) */
static int	sync_max_pages = 2000;	/* pages one run may read */

void
bm_sync_init(void)
{
	DefineCustomIntVariable("bounce_mgmt.sync_overlap",
							"Seconds before the account's cursor a sync asks for again (entries the provider lists late).",
							"Entries already stored are counted as duplicates, not stored twice.",
							&sync_overlap, 300, 0, 86400, PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("bounce_mgmt.sync_max_pages",
							"Pages one sync may read before it stops with an error.",
							"A provider that never stops returning full pages cannot keep a sync running forever.",
							&sync_max_pages, 2000, 1, 1000000, PGC_USERSET, 0, NULL, NULL, NULL);
	bm_account_init();
}

/* The providers with an API, by bm_provider (sync_provider.h). */
static const bm_sync_ops *const sync_providers[BM_PROVIDER_COUNT] = {
	[BM_PROVIDER_SENDGRID] = &bm_sync_sendgrid,
	[BM_PROVIDER_POSTMARK] = &bm_sync_postmark,
	[BM_PROVIDER_MAILGUN] = &bm_sync_mailgun,
	[BM_PROVIDER_SES] = &bm_sync_ses,
};

const bm_sync_ops *
bm_sync_provider(bm_provider provider)
{
	return (unsigned) provider < BM_PROVIDER_COUNT ? sync_providers[provider] : NULL;
}

typedef struct seen_page
{
	uint64		hash;			/* key */
	int32		page;
} seen_page;

typedef struct sync_run
{
	bm_sync_state st;			/* the account, the window and the position: what the provider sees */
	const bm_sync_ops *ops;		/* the account's provider */
	Oid			owner;
	bool		atomic;			/* one transaction: no commits, no subtransactions */
	bool		in_step;		/* inside a page's subtransaction (heap, so it is exact after a longjmp) */
	int64		run_id;
	int64		resumed_from;	/* the failed run whose window this one finishes, or 0 */
	bool		explicit_since;
	int32		pages;
	int32		fetched;
	int32		inserted;
	int32		duplicates;
	int32		quarantined;
	HTAB	   *seen;			/* page body hashes: a provider going round in circles */
	bm_http_prefetch *pending;
	MemoryContext page_cxt;		/* one page: reset before the next */
} sync_run;

/* ---- paging: a position, its URL, the next position (the provider's operations) --------------------- */

static void
start_position(sync_run *r)
{
	memset(&r->st.pos, 0, sizeof(r->st.pos));
	if (r->ops->start != NULL)
		r->ops->start(&r->st);
}

/* The URL of the page at the run's position, in CurrentMemoryContext; NULL when the run is complete. */
static char *
page_url(const sync_run *r)
{
	if (r->st.pos.done)
		return NULL;
	return r->ops->page_url(&r->st);
}

void
bm_sync_stop_after_page(bm_sync_state *st, int sqlstate, const char *message, const char *detail,
						const char *hint)
{
	MemoryContext old = MemoryContextSwitchTo(st->run_cxt);

	st->stop.sqlstate = sqlstate;
	st->stop.message = pstrdup(message);
	st->stop.detail = detail ? pstrdup(detail) : NULL;
	st->stop.hint = hint ? pstrdup(hint) : NULL;
	MemoryContextSwitchTo(old);
	st->pos.done = true;
}

/* The position as JSON for sync_runs.position (NULL when complete). */
static char *
position_json(const sync_run *r)
{
	StringInfoData s;

	if (r->st.pos.done)
		return NULL;
	initStringInfo(&s);
	r->ops->position_json(&r->st, &s);
	return s.data;
}

/* ---- one page ---------------------------------------------------------------------------------------- */

/*
 * Refuses a page beyond bounce_mgmt.sync_max_pages, and a page with entries whose body equals an earlier
 * page of this run (a provider that repeats a page, or a paging.next loop): either would never end.
 */
static void
check_progress(sync_run *r, const char *what, const char *url, const bm_http_response *resp, long items)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);	/* 64-bit FNV-1a of the body */
	seen_page  *e;
	bool		found;

	if (r->pages >= sync_max_pages)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("sync of account \"%s\" stopped after %d pages (bounce_mgmt.sync_max_pages)",
						r->st.acc->name, r->pages),
				 errdetail("%s: the provider still had more pages; next GET %s.", what, url),
				 errhint("CALL sync again to continue from here, or raise bounce_mgmt.sync_max_pages.")));
	if (items <= 0)
		return;
	for (int i = 0; i < resp->body.len; i++)
		h = (h ^ (unsigned char) resp->body.data[i]) * UINT64CONST(0x100000001b3);
	e = hash_search(r->seen, &h, HASH_ENTER, &found);
	if (found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sync of account \"%s\" stopped: %s page %d repeats page %d", r->st.acc->name, what,
						r->pages + 1, e->page),
				 errdetail("GET %s returned a page already seen in this sync; paging would never end.", url)));
	e->page = r->pages + 1;
}

/* Fetches the page at url (the prefetched answer when there is one) and checks it is the expected JSON. */
static void
fetch(sync_run *r, const char *url, const char *what, bm_http_response *resp, bm_api_page *page)
{
	bm_http_request req;

	bm_account_authorize(r->st.acc, &req, what);
	req.method = "GET";
	req.url = url;
	if (!bm_http_prefetch_finish(r->pending, url, resp))
		bm_http_perform(&req, resp);	/* with retries, redirects and their errors */
	r->pending = NULL;
	if (strstr(resp->content_type, "json") == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("%s: the provider answered with %s, not JSON", what,
						resp->content_type[0] ? resp->content_type : "no content type"),
				 errdetail("GET %s; nothing from this page was stored.", url)));
	if (!bm_api_page_read(resp->body.data, resp->body.len, page) || page->items < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("%s: malformed response body (%d bytes)", what, resp->body.len),
				 errdetail("GET %s; nothing from this page was stored.", url)));
	check_progress(r, what, url, resp, page->items);
}

/* Sends the request for the next page now, so the provider prepares it while this page is stored. */
static void
prefetch_next(sync_run *r, const char *what)
{
	char	   *next = page_url(r);
	bm_http_request req;
	MemoryContext old;

	if (next == NULL)
		return;
	bm_account_authorize(r->st.acc, &req, what);
	req.method = "GET";
	req.url = next;
	old = MemoryContextSwitchTo(r->st.run_cxt);	/* the request outlives this page's commit */
	r->pending = bm_http_prefetch_start(&req);
	MemoryContextSwitchTo(old);
}

static void
spi_exec(const char *sql, int nargs, Oid *types, Datum *args, const char *nulls, int expect)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, args, nulls, false, 0);

	if (rc != expect)
		elog(ERROR, "bounce_mgmt: sync bookkeeping failed (%s): %s", SPI_result_code_string(rc), sql);
}

/* Stores the page (as the owner) with the run's totals and position. */
static void
store_page(sync_run *r, const char *body, int len, long items)
{
	bm_owner_scope scope;
	char	   *pos = position_json(r);
	Oid			types[7] = {INT8OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, TEXTOID};
	Datum		args[7];
	char		nulls[8] = "      n";

	bm_owner_enter(&scope, r->owner);
	if (items > 0)
	{
		bm_ingest_options opts;
		bm_ingest_result res;

		memset(&opts, 0, sizeof(opts));
		opts.provider = r->st.acc->provider;
		opts.source = psprintf("sync:%s", r->st.acc->name);
		/* a single bad entry is kept in ingest_errors (counted as quarantined), so one odd entry at the
		 * provider cannot block every later sync of the account */
		opts.all_or_nothing = false;
		bm_ingest_payload(body, (size_t) len, &opts, &res);
		r->inserted += res.inserted;
		r->duplicates += res.duplicates;
		r->quarantined += res.quarantined;
	}
	r->pages++;
	r->fetched += (int32) items;
	args[0] = Int64GetDatum(r->run_id);
	args[1] = Int32GetDatum(r->pages);
	args[2] = Int32GetDatum(r->fetched);
	args[3] = Int32GetDatum(r->inserted);
	args[4] = Int32GetDatum(r->duplicates);
	args[5] = Int32GetDatum(r->quarantined);
	args[6] = pos ? CStringGetTextDatum(pos) : (Datum) 0;
	if (pos)
		nulls[6] = ' ';
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	spi_exec("UPDATE " BM_SCHEMA ".sync_runs SET pages = $2, fetched = $3, inserted = $4, duplicates = $5,"
			 " quarantined = $6, position = $7::jsonb, updated_at = pg_catalog.clock_timestamp() WHERE run_id = $1",
			 7, types, args, nulls, SPI_OK_UPDATE);
	SPI_finish();
	bm_owner_leave(&scope);
}

/* One page: fetch, plan the next (and send its request), store, with the run's position. */
static void
sync_page(sync_run *r, const char *url)
{
	const char *what = r->ops->page_what(&r->st);
	bm_http_response resp;
	bm_api_page page;

	fetch(r, url, what, &resp, &page);
	r->ops->advance(&r->st, url, &page);
	prefetch_next(r, what);
	store_page(r, resp.body.data, resp.body.len, page.items);
	ereport(NOTICE,
			(errmsg("bounce_mgmt sync %s: %s page %d, %ld entries (%d so far)", r->st.acc->name, what,
					r->pages, page.items, r->fetched)));
	if (r->st.note != NULL)
		ereport(NOTICE, (errmsg_internal("%s", r->st.note)));
	r->st.note = NULL;
}

/* ---- the run: its row, its transactions -------------------------------------------------------------- */

/* A step of the run in a subtransaction of its own, so that a failure can still be written down. */
typedef struct step
{
	MemoryContext cxt;
	ResourceOwner owner;
} step;

static void
step_begin(sync_run *r, step *s)
{
	s->cxt = CurrentMemoryContext;
	s->owner = CurrentResourceOwner;
	if (r->atomic)
		return;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(s->cxt);
	r->in_step = true;
}

/* Ends the step and commits it (with everything since the last commit). */
static void
step_commit(sync_run *r, step *s)
{
	if (r->atomic)
		return;
	ReleaseCurrentSubTransaction();
	r->in_step = false;
	MemoryContextSwitchTo(s->cxt);
	CurrentResourceOwner = s->owner;
	SPI_commit();
}

/* Writes the run down as failed with the error, and commits that (not in one-transaction mode). */
static void
record_failure(sync_run *r, int sqlstate, const char *message, bool keep_position)
{
	bm_owner_scope scope;
	Oid			types[4] = {INT8OID, TEXTOID, TEXTOID, BOOLOID};
	Datum		args[4] = {Int64GetDatum(r->run_id), CStringGetTextDatum(unpack_sql_state(sqlstate)),
	CStringGetTextDatum(message), BoolGetDatum(keep_position)};

	bm_owner_enter(&scope, r->owner);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	spi_exec("UPDATE " BM_SCHEMA ".sync_runs SET status = 'failed', finished_at = pg_catalog.clock_timestamp(),"
			 " updated_at = pg_catalog.clock_timestamp(), sqlstate = $2, error = $3,"
			 " position = CASE WHEN $4 THEN position END WHERE run_id = $1",
			 4, types, args, NULL, SPI_OK_UPDATE);
	SPI_finish();
	bm_owner_leave(&scope);
	if (!r->atomic)
		SPI_commit();
}

/*
 * The run's first step: the account and key, the run row (resuming the account's last run when it failed
 * with a position and since is not given), committed.
 */
static void
start_run(sync_run *r, const char *name, bool since_given, TimestampTz since_arg)
{
	bm_owner_scope scope;
	Datum		name_d = CStringGetTextDatum(name);
	Oid			t1 = TEXTOID;
	MemoryContext old;

	bm_check_extension_version();
	bm_owner_enter(&scope, r->owner);
	old = MemoryContextSwitchTo(r->st.run_cxt);
	r->st.acc = bm_account_load(name);
	MemoryContextSwitchTo(old);
	r->ops = bm_sync_provider(r->st.acc->provider);
	if (r->ops == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("sync is not available for %s accounts", bm_provider_name(r->st.acc->provider)),
				 errhint("Supported: sendgrid, postmark, mailgun, ses.")));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	/* one transaction: the account row waits a second one-transaction sync until this one's commit */
	spi_exec("SELECT 1 FROM " BM_SCHEMA ".provider_accounts WHERE name = $1 FOR NO KEY UPDATE", 1, &t1, &name_d,
			 NULL, SPI_OK_SELECT);
	/* the advisory lock is ours: a run still 'running' belongs to a session that ended */
	spi_exec("UPDATE " BM_SCHEMA ".sync_runs SET status = 'failed', finished_at = pg_catalog.clock_timestamp(),"
			 " sqlstate = '57P01', error = 'interrupted: its session ended before the run finished'"
			 " WHERE account = $1 AND status = 'running'", 1, &t1, &name_d, NULL, SPI_OK_UPDATE);
	r->explicit_since = since_given;
	r->st.until = GetCurrentTimestamp();
	r->resumed_from = 0;
	start_position(r);
	if (since_given)
	{
		r->st.have_since = true;
		r->st.since = since_arg;
	}
	else
	{
		spi_exec(psprintf("SELECT run_id, since, until, %s"
						  "  FROM " BM_SCHEMA ".sync_runs WHERE account = $1"
						  "   AND run_id = (SELECT max(run_id) FROM " BM_SCHEMA ".sync_runs WHERE account = $1)"
						  "   AND status = 'failed' AND NOT explicit_since AND position IS NOT NULL",
						  r->ops->resume_columns),
				 1, &t1, &name_d, NULL, SPI_OK_SELECT);
		if (SPI_processed == 1)
		{
			HeapTuple	tup = SPI_tuptable->vals[0];
			TupleDesc	d = SPI_tuptable->tupdesc;
			bool	   *n = palloc(d->natts * sizeof(bool));
			Datum	   *v = palloc(d->natts * sizeof(Datum));
			bool		usable;

			for (int i = 0; i < d->natts; i++)
				v[i] = SPI_getbinval(tup, d, i + 1, &n[i]);
			/* the provider's columns: its position */
			usable = r->ops->resume(&r->st, v + RESUME_RUN_COLUMNS, n + RESUME_RUN_COLUMNS);
			if (usable && !n[2])
			{
				r->resumed_from = DatumGetInt64(v[0]);
				r->st.have_since = !n[1];
				r->st.since = n[1] ? 0 : DatumGetTimestampTz(v[1]);
				r->st.until = DatumGetTimestampTz(v[2]);
			}
			else
				start_position(r);
		}
		if (r->resumed_from == 0)
		{
			r->st.have_since = r->st.acc->has_cursor;
			/* entries listed late: dedupe drops the repeats */
			r->st.since = r->st.acc->cursor - (TimestampTz) sync_overlap * USECS_PER_SEC;
		}
	}
	{
		Oid			types[6] = {TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, BOOLOID, INT8OID, TEXTOID};
		Datum		args[6] = {name_d, TimestampTzGetDatum(r->st.since), TimestampTzGetDatum(r->st.until),
		BoolGetDatum(r->explicit_since), Int64GetDatum(r->resumed_from), (Datum) 0};
		char		nulls[7] = "      ";
		char	   *pos = position_json(r);
		bool		isnull;

		if (!r->st.have_since)
			nulls[1] = 'n';
		if (r->resumed_from == 0)
			nulls[4] = 'n';
		if (pos)
			args[5] = CStringGetTextDatum(pos);
		else
			nulls[5] = 'n';
		spi_exec("INSERT INTO " BM_SCHEMA ".sync_runs (account, since, until, explicit_since, resumed_from, position)"
				 " VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING run_id",
				 6, types, args, nulls, SPI_OK_INSERT_RETURNING);
		r->run_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	SPI_finish();
	bm_owner_leave(&scope);
	if (r->resumed_from != 0)
		ereport(NOTICE,
				(errmsg("bounce_mgmt sync %s: resuming run %lld where it failed", name, (long long) r->resumed_from)));
}

/*
 * The run's last step: done, and the cursor moved to the window's end — unless since was given and starts
 * after the cursor (the gap between them was not read) or the cursor is already later.
 */
static void
finish_run(sync_run *r, const char *unused)
{
	bm_owner_scope scope;
	Oid			types[5] = {INT8OID, TEXTOID, TIMESTAMPTZOID, BOOLOID, TIMESTAMPTZOID};
	Datum		args[5] = {Int64GetDatum(r->run_id), CStringGetTextDatum(r->st.acc->name),
		TimestampTzGetDatum(r->st.until), BoolGetDatum(r->explicit_since), TimestampTzGetDatum(r->st.since)};

	bm_owner_enter(&scope, r->owner);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	spi_exec("UPDATE " BM_SCHEMA ".sync_runs SET status = 'done', position = NULL,"
			 " finished_at = pg_catalog.clock_timestamp(), updated_at = pg_catalog.clock_timestamp() WHERE run_id = $1",
			 1, types, args, NULL, SPI_OK_UPDATE);
	spi_exec("UPDATE " BM_SCHEMA ".provider_accounts SET last_sync = pg_catalog.clock_timestamp(),"
			 " last_synced_at = CASE WHEN $4 AND (last_synced_at IS NULL OR $5 > last_synced_at) THEN last_synced_at"
			 "                       ELSE GREATEST(last_synced_at, $3) END"
			 " WHERE name = $2", 5, types, args, NULL, SPI_OK_UPDATE);
	SPI_finish();
	bm_owner_leave(&scope);
	ereport(NOTICE,
			(errmsg("bounce_mgmt sync %s: run %lld done: %d pages, %d entries, %d new, %d duplicates, %d quarantined",
					r->st.acc->name, (long long) r->run_id, r->pages, r->fetched, r->inserted, r->duplicates,
					r->quarantined)));
}

/*
 * Runs fn(r) as a step: in a subtransaction, committed with everything since the last commit.  A failure
 * is written down in the run's row (keeping the position: the next CALL resumes there) and committed,
 * then raised.  In one-transaction mode it is simply raised.
 */
static void
run_step(sync_run *r, void (*fn) (sync_run *r, const char *url), const char *url)
{
	step		s;

	step_begin(r, &s);
	PG_TRY();
	{
		fn(r, url);
		step_commit(r, &s);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		if (r->atomic)
			PG_RE_THROW();
		MemoryContextSwitchTo(r->st.run_cxt);
		edata = CopyErrorData();
		FlushErrorState();
		if (r->in_step)			/* else the commit itself failed, and SPI_commit started a new one */
			RollbackAndReleaseCurrentSubTransaction();
		r->in_step = false;
		MemoryContextSwitchTo(r->st.run_cxt);
		CurrentResourceOwner = s.owner;
		record_failure(r, edata->sqlerrcode, edata->message, true);
		ReThrowError(edata);
	}
	PG_END_TRY();
}

/* Runs the pages of r from its position, each committed; then the run's last step. */
static void
run_pages(sync_run *r)
{
	for (;;)
	{
		char	   *url;

		MemoryContextReset(r->page_cxt);
		MemoryContextSwitchTo(r->page_cxt);
		url = page_url(r);
		if (url == NULL)
			break;
		run_step(r, sync_page, url);
		if (r->st.stop.message != NULL)
		{
			MemoryContextSwitchTo(r->st.run_cxt);
			record_failure(r, r->st.stop.sqlstate, r->st.stop.message, false);
			ereport(ERROR,
					(errcode(r->st.stop.sqlstate), errmsg_internal("%s", r->st.stop.message),
					 r->st.stop.detail ? errdetail_internal("%s", r->st.stop.detail) : 0,
					 r->st.stop.hint ? errhint("%s", r->st.stop.hint) : 0));
		}
	}
	MemoryContextSwitchTo(r->st.run_cxt);
	run_step(r, finish_run, NULL);
}

static void
sync_account(sync_run *r, const char *name, bool since_given, TimestampTz since)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(uint64);
	ctl.entrysize = sizeof(seen_page);
	ctl.hcxt = r->st.run_cxt;
	r->seen = hash_create("bounce_mgmt sync pages", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	start_run(r, name, since_given, since);
	if (!r->atomic)
		SPI_commit();
	run_pages(r);
}

/* CALL sync(account text, since timestamptz DEFAULT NULL) */
Datum
bm_sync_proc(PG_FUNCTION_ARGS)
{
	CallContext *call = (CallContext *) fcinfo->context;
	/* a CALL of its own commits per page; in a transaction block, a function or an exception block
	 * (a subtransaction), everything stays in the caller's transaction */
	bool		atomic = !(call != NULL && IsA(call, CallContext) && !call->atomic) || IsSubTransaction();
	char	   *name;
	bool		since_given = !PG_ARGISNULL(1);
	TimestampTz since = since_given ? PG_GETARG_TIMESTAMPTZ(1) : 0;
	LOCKTAG		tag;
	MemoryContext run_cxt;
	sync_run   *volatile r = NULL;

	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("account must not be NULL")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (since_given && (TIMESTAMP_NOT_FINITE(since) || since > GetCurrentTimestamp()))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("since must be a finite time in the past"),
				 errhint("Omit since (NULL) to continue from the account's cursor; give an early time to read the whole list again.")));

	if (SPI_connect_ext(atomic ? 0 : SPI_OPT_NONATOMIC) != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	run_cxt = AllocSetContextCreate(CurrentMemoryContext, "bounce_mgmt sync", ALLOCSET_DEFAULT_SIZES);

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, SYNC_LOCK_CLASS, hash_bytes((const unsigned char *) name, strlen(name)), 2);
	if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("a sync of account \"%s\" is already running", name),
				 errhint("See bounce_mgmt.sync_runs; pg_locks shows it as an advisory lock with classid %d.",
						 SYNC_LOCK_CLASS)));
	PG_TRY();
	{
		bool		again;

		do
		{
			MemoryContext old = MemoryContextSwitchTo(run_cxt);

			r = palloc0(sizeof(sync_run));
			r->owner = bm_function_owner(fcinfo->flinfo->fn_oid);
			r->atomic = atomic;
			r->st.run_cxt = run_cxt;
			r->page_cxt = AllocSetContextCreate(run_cxt, "bounce_mgmt sync page", ALLOCSET_DEFAULT_SIZES);
			sync_account(r, name, since_given, since);
			/* a resumed window ends in the past: go on from the cursor it moved, in a run of its own */
			again = r->resumed_from != 0;
			bm_http_prefetch_cancel(r->pending);
			bm_account_forget_key(r->st.acc);
			MemoryContextSwitchTo(old);
			MemoryContextReset(run_cxt);
			r = NULL;
		} while (again);
	}
	PG_FINALLY();
	{
		if (r != NULL)
		{
			bm_http_prefetch_cancel(r->pending);
			bm_account_forget_key(r->st.acc);
		}
		LockRelease(&tag, ExclusiveLock, true);
	}
	PG_END_TRY();
	MemoryContextDelete(run_cxt);
	SPI_finish();
	PG_RETURN_VOID();
}
