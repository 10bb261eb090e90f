/*
 * http.h — one HTTP request from inside a backend with libcurl (http.c): timeouts and TLS settings from
 * GUCs, http/https only, bounded redirects, cancel and statement_timeout honoured within a second, 429 and
 * 5xx retried within bounds.  Every curl resource is freed on every path; errors are raised only after
 * curl has returned, never from its callbacks, and never show credentials.
 */
#ifndef BM_HTTP_H
#define BM_HTTP_H

#include "postgres.h"

#include "lib/stringinfo.h"

typedef struct bm_http_request
{
	const char *method;			/* "GET", "DELETE", "PUT" */
	const char *url;			/* shown in errors and NOTICEs: must not hold a secret */
	const char *bearer;			/* Authorization: Bearer <bearer> (SendGrid), or NULL */
	const char *header;			/* one extra "Name: value" header (Postmark's token), or NULL */
	const char *basic_user;		/* HTTP basic auth (Mailgun: "api" and the key), or NULL; with aws_sigv4 the
								 * access key id */
	const char *basic_password;	/* with aws_sigv4: the secret access key */
	const char *aws_sigv4;		/* "aws:amz:<region>:<service>": libcurl signs the request with AWS Signature
								 * Version 4 (CURLOPT_AWS_SIGV4) from basic_user and basic_password instead
								 * of basic auth; a session token goes in header (X-Amz-Security-Token) */
	const char *what;			/* for messages: "SendGrid bounces list" */
	bool		not_found_ok;	/* a 404 is an answer (status 404, empty body), not an error */
} bm_http_request;

typedef struct bm_http_response
{
	long		status;
	StringInfoData body;		/* palloc'd in the caller's context */
	char		content_type[128];
} bm_http_response;

/*
 * Performs the request, retrying 429 (after Retry-After / X-RateLimit-Reset, up to
 * bounce_mgmt.http_max_wait seconds in total) and 5xx / transient connection failures
 * (bounce_mgmt.http_retries times, backing off), and following up to bounce_mgmt.http_max_redirects
 * redirects that stay on the URL's origin (scheme, host, port; another one is an error).  Returns the final 2xx response; raises an ERROR for the rest: 57014 when
 * cancelled, 08001 when the server cannot be reached, 08006 for lasting 5xx, 53400 for lasting 429,
 * 28000 for 401/403 and 22023 for other 4xx — with the provider's message when its body carries one.
 */
extern void bm_http_perform(const bm_http_request *req, bm_http_response *resp);

/*
 * Prefetch: starts a GET (sends the request) without waiting for the answer, so the provider prepares the
 * next page while the current one is stored.  The curl resources belong to CurrentMemoryContext's
 * lifetime as well (an ERROR meanwhile frees them).  finish() waits for it: true with *resp for a plain
 * 2xx answer to that url; false for anything else (another url, a failure, 429, 5xx, a redirect), after
 * which the caller does bm_http_perform() and gets its retries and errors.  A cancel raises 57014.
 */
typedef struct bm_http_prefetch bm_http_prefetch;
extern bm_http_prefetch *bm_http_prefetch_start(const bm_http_request *req);
extern bool bm_http_prefetch_finish(bm_http_prefetch *p, const char *url, bm_http_response *resp);
extern void bm_http_prefetch_cancel(bm_http_prefetch *p);

/*
 * Raises 0A000 when this libcurl cannot sign AWS Signature Version 4 requests (CURLOPT_AWS_SIGV4 needs
 * 7.75.0, at build time and at run time); what names the request or account in the message.
 */
extern void bm_http_check_sigv4(const char *what);

/*
 * Provider-sourced text (an error message, a Location header, curl's error buffer, a paging link) made fit
 * for an ERROR, the server log and a text column, in this order: the request's credentials removed from
 * the whole text (the key, its basic-auth form, an AWS access key id, secret and session token, what
 * follows "Bearer "/"Basic ", and a prefix of a key the text ends with), bytes that are not text in the database encoding and control characters written as
 * \xNN, then cut to 511 bytes at a character boundary ("..." added).  A palloc'd string; NULL for NULL.
 */
extern char *bm_http_clean_text(const char *s, size_t len, const bm_http_request *req);

/* URL-escapes s (curl_easy_escape) into a palloc'd string. */
extern char *bm_http_escape(const char *s);

extern void bm_http_init(void);

#endif							/* BM_HTTP_H */
