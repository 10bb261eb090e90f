/*
 * sync_provider.h — what sync(), provider_remove() and the account checks need to know of one provider's
 * API, as a table of operations per provider (sync_sendgrid.c, sync_postmark.c, sync_mailgun.c,
 * sync_ses.c), the way PostgreSQL calls a table access method or a foreign data wrapper.  sync.c keeps
 * the run itself (its transactions, its sync_runs row, the prefetch, the checks that paging ends) and asks
 * the table for the URL of the page at a position, the position after a page, and the position as JSON
 * and back; provider_remove.c asks it for the removal request, provider_account.c for the account's checks
 * and the key's place in a request.
 */
#ifndef BM_SYNC_PROVIDER_H
#define BM_SYNC_PROVIDER_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "lib/stringinfo.h"

#include "api_page.h"
#include "event.h"
#include "http.h"
#include "provider_account.h"

#define BM_SYNC_PAGE_SIZE 500		/* entries asked for per page (SES: its own maximum) */

/* Where the next page starts: stored in sync_runs.position after every page, read back to resume. */
typedef struct bm_sync_pos
{
	int			list;			/* SendGrid: index into its lists (bounces, blocks) */
	int64		offset;			/* SendGrid, Postmark */
	TimestampTz upper;			/* Postmark: todate of the current window */
	int64		oldest_us;		/* Postmark: earliest BouncedAt of the window so far (unix us), -1 none */
	bool		ordered;		/* Postmark: this window's pages came newest first */
	char	   *next;			/* Mailgun: the next page's URL */
	char	   *token;			/* SES: the next page's NextToken; NULL for the first page */
	bool		done;
} bm_sync_pos;

/* An error found while planning the next page, raised once the current page is stored. */
typedef struct bm_sync_stop
{
	int			sqlstate;
	char	   *message;
	char	   *detail;
	char	   *hint;
} bm_sync_stop;

/* What a provider's operations see of a run: the account, the window read, the position in it. */
typedef struct bm_sync_state
{
	bm_account *acc;
	MemoryContext run_cxt;		/* the run: survives its commits (what the position points to lives here) */
	bool		have_since;		/* a window start (else everything listed up to until) */
	TimestampTz since;
	TimestampTz until;
	bm_sync_pos pos;
	bm_sync_stop stop;
	char	   *note;			/* a NOTICE about the next page, given after this page's */
} bm_sync_state;

typedef struct bm_sync_ops
{
	/* "SendGrid bounces list": names the list at st->pos in NOTICEs, errors and the request */
	const char *(*page_what) (const bm_sync_state *st);

	/* The window's first page: st->pos is all zero, st->until set (NULL: all zero is the first page). */
	void		(*start) (bm_sync_state *st);

	/* The URL of the page at st->pos (not done), in CurrentMemoryContext; NULL when the run is complete. */
	char	   *(*page_url) (const bm_sync_state *st);

	/*
	 * Moves st->pos past the page just read from url: sets pos.done after the last page, or calls
	 * bm_sync_stop_after_page() when the next page cannot be asked for.  What st->pos points to is
	 * allocated in st->run_cxt.
	 */
	void		(*advance) (bm_sync_state *st, const char *url, const bm_api_page *page);

	/* Appends st->pos (not done) to out as the JSON object stored in sync_runs.position. */
	void		(*position_json) (const bm_sync_state *st, StringInfo out);

	/*
	 * Resuming a failed run: the select list that reads the position back from the jsonb column position
	 * (resume_columns), and the position made from its values, v[i] and isnull[i] in that list's order;
	 * false when they cannot be resumed from (the window starts over).
	 */
	const char *resume_columns;
	bool		(*resume) (bm_sync_state *st, const Datum *v, const bool *isnull);

	/*
	 * provider_remove(): fills in req, authorized, as the request that takes email off acc's list (a 404
	 * answer means it is not listed); false when it is not listed before any such request.
	 */
	bool		(*removal) (const bm_account *acc, const char *email, bm_http_request *req);

	/* bm_account_load(): the provider's own checks of the account, raising its error (NULL: none). */
	void		(*check_account) (bm_account *acc);

	/* Puts acc's key into req (zeroed, what set): a header or basic auth, never the URL. */
	void		(*authorize) (const bm_account *acc, bm_http_request *req);
} bm_sync_ops;

extern const bm_sync_ops bm_sync_sendgrid;
extern const bm_sync_ops bm_sync_postmark;
extern const bm_sync_ops bm_sync_mailgun;
extern const bm_sync_ops bm_sync_ses;

/* The provider's operations, or NULL when it has no API here (sync.c). */
extern const bm_sync_ops *bm_sync_provider(bm_provider provider);

/*
 * Ends the run after the current page (sync.c): pos.done is set, and the error is raised once the page
 * is stored (message, detail and hint copied).
 */
extern void bm_sync_stop_after_page(bm_sync_state *st, int sqlstate, const char *message, const char *detail,
									const char *hint);

#endif							/* BM_SYNC_PROVIDER_H */
