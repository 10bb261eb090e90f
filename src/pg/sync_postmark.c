/*
 * sync_postmark.c — Postmark's API for sync and removals (sync_provider.h).  /bounces pages with
 * count/offset within fromdate/todate, which it reads as US Eastern local time to the second, and
 * count + offset may not pass 10,000: past that, the window's upper end (todate) moves down to the
 * earliest bounce seen and paging starts again at offset 0, which relies on Postmark listing the newest
 * bounces first (every page is checked for it).  The key goes in the X-Postmark-Server-Token header; a
 * removal activates the address's inactive bounce, found by a lookup first.
 */
#include "postgres.h"

#include <string.h>

#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "sync_provider.h"

#define POSTMARK_MAX_OFFSET 10000	/* Postmark: count + offset may not pass 10,000 */

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

static const char *
postmark_page_what(const bm_sync_state *st)
{
	return "Postmark bounces";
}

static void
postmark_start(bm_sync_state *st)
{
	st->pos.upper = st->until;
	st->pos.oldest_us = -1;
	st->pos.ordered = true;
}

static char *
postmark_page_url(const bm_sync_state *st)
{
	/*
	 * fromdate an hour earlier than asked: Eastern local times repeat for an hour when daylight saving
	 * time ends, and Postmark may read the later one; the repeats are duplicates.
	 */
	return psprintf("%s/bounces?count=%d&offset=%lld%s&todate=%s", st->acc->base_url, BM_SYNC_PAGE_SIZE,
					(long long) st->pos.offset,
					st->have_since ? psprintf("&fromdate=%s", postmark_time(st->since - USECS_PER_HOUR, false)) : "",
					postmark_time(st->pos.upper, true));
}

static void
postmark_advance(bm_sync_state *st, const char *url, const bm_api_page *page)
{
	bm_sync_pos *p = &st->pos;
	long		n = page->items;
	char	   *to;
	TimestampTz next;

	if (!page->newest_first)
		p->ordered = false;
	if (page->oldest_us >= 0 && (p->oldest_us < 0 || page->oldest_us < p->oldest_us))
		p->oldest_us = page->oldest_us;
	if (n < BM_SYNC_PAGE_SIZE || (page->total >= 0 && p->offset + n >= page->total))
	{
		p->done = true;
		return;
	}
	p->offset += BM_SYNC_PAGE_SIZE;
	if (p->offset + BM_SYNC_PAGE_SIZE <= POSTMARK_MAX_OFFSET)
		return;
	to = postmark_time(p->upper, true);
	if (!p->ordered || p->oldest_us < 0)
	{
		bm_sync_stop_after_page(st, ERRCODE_INVALID_PARAMETER_VALUE,
								psprintf("Postmark bounces: more than %d bounces up to %s, and the pages are not newest first",
										 POSTMARK_MAX_OFFSET, to),
								psprintf("Postmark returns at most %d bounces per query; a narrower time window needs the newest-first order.",
										 POSTMARK_MAX_OFFSET),
								"Sync with a later since, in steps.");
		return;
	}
	/* the earliest BouncedAt seen (unix microseconds) as a timestamptz */
	next = (TimestampTz) p->oldest_us -
		((TimestampTz) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * USECS_PER_SEC);
	if (next + USECS_PER_SEC > p->upper)
	{
		bm_sync_stop_after_page(st, ERRCODE_PROGRAM_LIMIT_EXCEEDED,
								psprintf("Postmark bounces: more than %d bounces within one second (up to %s)",
										 POSTMARK_MAX_OFFSET, to),
								"Postmark's dates have a resolution of one second; the list cannot be paged further.",
								NULL);
		return;
	}
	st->note = psprintf("bounce_mgmt sync %s: Postmark allows %d bounces per query; continuing with bounces up to %s (US Eastern)",
						st->acc->name, POSTMARK_MAX_OFFSET, postmark_time(next, true));
	p->upper = next;
	p->offset = 0;
	p->oldest_us = -1;
	p->ordered = true;
}

static void
postmark_position_json(const bm_sync_state *st, StringInfo out)
{
	const bm_sync_pos *p = &st->pos;

	appendStringInfo(out, "{\"todate\": \"%s\", \"offset\": %lld, \"oldest_us\": %lld, \"ordered\": %s}",
					 timestamptz_to_str(p->upper), (long long) p->offset, (long long) p->oldest_us,
					 p->ordered ? "true" : "false");
}

static bool
postmark_resume(bm_sync_state *st, const Datum *v, const bool *isnull)
{
	if (isnull[0] || isnull[1] || isnull[2] || isnull[3] || DatumGetInt64(v[0]) < 0 ||
		DatumGetInt64(v[0]) + BM_SYNC_PAGE_SIZE > POSTMARK_MAX_OFFSET)
		return false;
	st->pos.offset = DatumGetInt64(v[0]);
	st->pos.upper = DatumGetTimestampTz(v[1]);
	st->pos.oldest_us = DatumGetInt64(v[2]);
	st->pos.ordered = DatumGetBool(v[3]);
	return true;
}

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

static bool
postmark_removal(const bm_account *acc, const char *email, bm_http_request *req)
{
	char	   *id = postmark_inactive_bounce(acc, email);

	if (id == NULL)
		return false;			/* nothing inactive to activate */
	bm_account_authorize(acc, req, "Postmark bounce activation");
	req->method = "PUT";
	req->url = psprintf("%s/bounces/%s/activate", acc->base_url, id);
	return true;
}

static void
postmark_authorize(const bm_account *acc, bm_http_request *req)
{
	req->header = psprintf("X-Postmark-Server-Token: %s", acc->api_key ? acc->api_key : "");
}

const bm_sync_ops bm_sync_postmark = {
	.page_what = postmark_page_what,
	.start = postmark_start,
	.page_url = postmark_page_url,
	.advance = postmark_advance,
	.position_json = postmark_position_json,
	.resume_columns = "(position ->> 'offset')::bigint, (position ->> 'todate')::timestamptz,"
	" (position ->> 'oldest_us')::bigint, (position ->> 'ordered')::boolean",
	.resume = postmark_resume,
	.removal = postmark_removal,
	.check_account = NULL,
	.authorize = postmark_authorize,
};
