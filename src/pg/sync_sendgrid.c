/*
 * sync_sendgrid.c — SendGrid's API for sync and removals (sync_provider.h).  Two suppression lists are
 * read one after the other, bounces then blocks, each paged with limit/offset until a short page; the
 * window is start_time/end_time in unix seconds.  The key is a bearer token; removal is a DELETE of the
 * address from the bounces list.
 */
#include "postgres.h"

#include <string.h>

#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "sync_provider.h"

static const char *const sendgrid_lists[] = {"bounces", "blocks"};
#define SENDGRID_LISTS ((int) lengthof(sendgrid_lists))

static const char *
sendgrid_page_what(const bm_sync_state *st)
{
	return st->pos.list == 0 ? "SendGrid bounces list" : "SendGrid blocks list";
}

static char *
sendgrid_page_url(const bm_sync_state *st)
{
	const bm_sync_pos *p = &st->pos;

	/* end_time fixes the list while we page through it; what is listed later is the next run's */
	char	   *window = st->have_since ?
		psprintf("&start_time=%lld&end_time=%lld", (long long) timestamptz_to_time_t(st->since),
				 (long long) timestamptz_to_time_t(st->until)) :
		psprintf("&end_time=%lld", (long long) timestamptz_to_time_t(st->until));

	if (p->list >= SENDGRID_LISTS)
		return NULL;
	return psprintf("%s/v3/suppression/%s?limit=%d&offset=%lld%s", st->acc->base_url,
					sendgrid_lists[p->list], BM_SYNC_PAGE_SIZE, (long long) p->offset, window);
}

static void
sendgrid_advance(bm_sync_state *st, const char *url, const bm_api_page *page)
{
	bm_sync_pos *p = &st->pos;

	if (page->items < BM_SYNC_PAGE_SIZE)
	{
		p->list++;
		p->offset = 0;
		p->done = p->list >= SENDGRID_LISTS;
	}
	else
		p->offset += BM_SYNC_PAGE_SIZE;
}

static void
sendgrid_position_json(const bm_sync_state *st, StringInfo out)
{
	appendStringInfo(out, "{\"list\": \"%s\", \"offset\": %lld}", sendgrid_lists[st->pos.list],
					 (long long) st->pos.offset);
}

static bool
sendgrid_resume(bm_sync_state *st, const Datum *v, const bool *isnull)
{
	char	   *list = isnull[0] ? NULL : TextDatumGetCString(v[0]);
	bool		usable = list != NULL && !isnull[1] && DatumGetInt64(v[1]) >= 0;

	st->pos.list = list && strcmp(list, "blocks") == 0 ? 1 : 0;
	usable = usable && strcmp(list, sendgrid_lists[st->pos.list]) == 0;
	st->pos.offset = isnull[1] ? 0 : DatumGetInt64(v[1]);
	return usable;
}

static bool
sendgrid_removal(const bm_account *acc, const char *email, bm_http_request *req)
{
	bm_account_authorize(acc, req, "SendGrid bounce removal");
	req->method = "DELETE";
	req->url = psprintf("%s/v3/suppression/bounces/%s", acc->base_url, bm_http_escape(email));
	return true;
}

static void
sendgrid_authorize(const bm_account *acc, bm_http_request *req)
{
	req->bearer = acc->api_key;
}

const bm_sync_ops bm_sync_sendgrid = {
	.page_what = sendgrid_page_what,
	.start = NULL,				/* the first page of the bounces list: offset 0 */
	.page_url = sendgrid_page_url,
	.advance = sendgrid_advance,
	.position_json = sendgrid_position_json,
	.resume_columns = "position ->> 'list', (position ->> 'offset')::bigint",
	.resume = sendgrid_resume,
	.removal = sendgrid_removal,
	.check_account = NULL,
	.authorize = sendgrid_authorize,
};
