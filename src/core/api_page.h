/*
 * api_page.h — what the sync needs to know about one provider API response body, without PostgreSQL:
 * how many entries the page holds, the total the provider reports, the next page's URL (Mailgun) or token
 * (SES), the message of an error body, and for Postmark the first bounce ID and the earliest bounce time
 * (its paging window).  Pure C on the core's JSON layer (api_page.c); the entries themselves are parsed
 * by the adapters.
 */
#ifndef BM_API_PAGE_H
#define BM_API_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#define BM_API_PAGE_TOKEN_MAX 4096	/* bytes of a paging token kept (SES NextToken) */

typedef struct bm_api_page
{
	long		items;			/* entries on the page: a top-level array's length, or the length of the
								 * "items" (Mailgun), "Bounces" (Postmark) or "SuppressedDestinationSummaries"
								 * (SES) array; -1 when none of them */
	long		total;			/* "TotalCount" (Postmark), -1 when absent */
	char		next[2048];		/* "paging"."next" (Mailgun), "" when absent or too long */
	char		next_token[BM_API_PAGE_TOKEN_MAX + 1];	/* "NextToken" (SES), "" when absent or too long */
	bool		next_token_too_long;	/* a NextToken of more than BM_API_PAGE_TOKEN_MAX bytes (or with a
										 * NUL): there is a next page, but it cannot be asked for */
	char		message[512];	/* error bodies: errors[0].message (SendGrid), "Message" (Postmark),
								 * "message" (Mailgun); "" when none */
	char		first_id[24];	/* Postmark: "Bounces"[0]."ID" as decimal digits, "" when absent */
	long long	oldest_us;		/* Postmark: the earliest "BouncedAt" of the page, microseconds since
								 * 1970 UTC; -1 when no entry has a readable one */
	bool		newest_first;	/* Postmark: the readable BouncedAt values never increase down the page */
} bm_api_page;

/* Reads body[0..len); false when it is not one complete JSON value (then *page says nothing). */
bool		bm_api_page_read(const char *body, size_t len, bm_api_page *page);

/*
 * Postmark: the ID of the inactive bounce of `email` (compared ASCII case-insensitively) in a /bounces
 * body, as decimal digits into id[cap]; false when there is none (or the body is not JSON).  The API's
 * emailFilter matches substrings, so the address is checked here.
 */
bool		bm_api_page_postmark_inactive_id(const char *body, size_t len, const char *email, char *id,
											 size_t cap);

#endif							/* BM_API_PAGE_H */
