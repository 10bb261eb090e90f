/*
 * http.c — HTTP requests to provider APIs with libcurl, done the way a backend must (see http.h).
 * Callbacks only copy bytes into malloc'd buffers and read the interrupt flags; everything that can raise
 * an ERROR happens after curl_easy_perform() returned and the handle and header list were freed (a
 * PG_CATCH block frees them if setting up the request fails).
 */
#include "postgres.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "api_page.h"
#include "api_url.h"
#include "bm_pg.h"
#include "http.h"

static int	http_connect_timeout = 10;
static int	http_timeout = 60;
static int	http_retries = 3;
static int	http_max_wait = 30;
static int	http_max_redirects = 3;
static char *http_ca_file = NULL;

#define BM_HTTP_MAX_BODY (256 * 1024 * 1024)

typedef struct grow_buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		too_big;
} grow_buf;

typedef struct resp_headers
{
	double		retry_after;	/* seconds to wait from Retry-After, -1 when absent or unreadable */
	double		ratelimit_reset;	/* seconds to wait from X-RateLimit-Reset, -1 likewise */
} resp_headers;

void
bm_http_init(void)
{
	DefineCustomIntVariable("bounce_mgmt.http_connect_timeout", "Seconds to wait for a provider API connection.",
							NULL, &http_connect_timeout, 10, 1, 600, PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("bounce_mgmt.http_timeout", "Seconds a provider API request may take in total.",
							NULL, &http_timeout, 60, 1, 3600, PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("bounce_mgmt.http_retries", "Retries of a provider API request after a 5xx or a connection failure.",
							NULL, &http_retries, 3, 0, 10, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("bounce_mgmt.http_max_wait", "Seconds a request may wait in total for a provider's rate limit (429).",
							NULL, &http_max_wait, 30, 0, 3600, PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("bounce_mgmt.http_max_redirects", "Redirects a provider API request may follow.",
							NULL, &http_max_redirects, 3, 0, 20, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("bounce_mgmt.http_ca_file", "CA bundle for TLS verification of provider APIs (empty: the system's).",
							   NULL, &http_ca_file, "", PGC_SUSET, 0, NULL, NULL, NULL);
	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
		elog(WARNING, "bounce_mgmt: curl_global_init failed; provider API calls will fail");
}

/* ---- callbacks: no palloc, no ereport ---------------------------------------------------------------- */

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	grow_buf   *b = (grow_buf *) userdata;
	size_t		n = size * nmemb;

	if (b->len + n > BM_HTTP_MAX_BODY)
	{
		b->too_big = true;
		return 0;				/* aborts the transfer */
	}
	if (b->len + n + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap : 16384;
		char	   *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->data, cap);
		if (p == NULL)
			return 0;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* Seconds to wait from a Retry-After (delta seconds or an HTTP date) or X-RateLimit-Reset (a unix time,
 * or delta seconds when small) header value; -1 when unreadable. */
static double
wait_from_header(const char *v, size_t n, bool reset)
{
	char		buf[64];
	char	   *end;
	long		num;

	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	num = strtol(buf, &end, 10);
	if (end != buf && *end == '\0')
	{
		if (num < 0)
			return -1;
		if (reset && num >= 1000000000L)
			return (double) num - (double) time(NULL);
		return (double) num;
	}
	if (!reset)
	{
		time_t		t = curl_getdate(buf, NULL);

		if (t != (time_t) -1)
			return (double) t - (double) time(NULL);
	}
	return -1;
}

static size_t
on_header(char *buffer, size_t size, size_t nitems, void *userdata)
{
	resp_headers *h = (resp_headers *) userdata;
	size_t		n = size * nitems;

	if (n > 12 && strncasecmp(buffer, "Retry-After:", 12) == 0)
		h->retry_after = wait_from_header(buffer + 12, n - 12, false);
	else if (n > 18 && strncasecmp(buffer, "X-RateLimit-Reset:", 18) == 0)
		h->ratelimit_reset = wait_from_header(buffer + 18, n - 18, true);
	return n;
}

static int
on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	/* a cancel or statement_timeout sets QueryCancelPending: stop, and report it after curl returns */
	return (QueryCancelPending || ProcDiePending) ? 1 : 0;
}

/* ---- one attempt ------------------------------------------------------------------------------------ */

typedef struct attempt
{
	CURLcode	rc;
	long		status;
	char		errbuf[CURL_ERROR_SIZE];
	char		content_type[128];
	char		redirect[2048];	/* Location of a 3xx, resolved against the URL; "" when none */
	bool		connected;		/* the TCP (and TLS) connection was made */
	resp_headers headers;
	grow_buf	body;
} attempt;

static void
perform_once(const bm_http_request *req, const char *url, attempt *a)
{
	CURL	   *volatile curl = NULL;
	struct curl_slist *volatile hdrs = NULL;

	memset(a, 0, sizeof(*a));
	a->headers.retry_after = -1;
	a->headers.ratelimit_reset = -1;
	PG_TRY();
	{
		char	   *ct = NULL;
		char	   *auth = NULL;

		curl = curl_easy_init();
		if (curl == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("could not create a libcurl handle")));
		hdrs = curl_slist_append(hdrs, "Accept: application/json");
		if (req->bearer)
		{
			auth = psprintf("Authorization: Bearer %s", req->bearer);
			hdrs = curl_slist_append(hdrs, auth);
			memset(auth, 0, strlen(auth));	/* curl keeps its own copy */
			pfree(auth);
		}
		if (req->header)
			hdrs = curl_slist_append(hdrs, req->header);
		if (hdrs == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		curl_easy_setopt(curl, CURLOPT_URL, url);
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method);
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, (struct curl_slist *) hdrs);
		if (req->basic_user)
		{
			curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
			curl_easy_setopt(curl, CURLOPT_USERNAME, req->basic_user);
			curl_easy_setopt(curl, CURLOPT_PASSWORD, req->basic_password ? req->basic_password : "");
		}
		curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
		curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
		curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
		curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
		/* redirects are followed by bm_http_perform, on the same origin only (curl would send a custom
		 * header such as Postmark's token to any host) */
		curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long) http_connect_timeout);
		curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long) http_timeout);
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
		if (http_ca_file && http_ca_file[0])
			curl_easy_setopt(curl, CURLOPT_CAINFO, http_ca_file);
		curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, a->errbuf);
		curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a->body);
		curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(curl, CURLOPT_HEADERDATA, &a->headers);
		curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(curl, CURLOPT_USERAGENT, "bounce_mgmt/0.1 (PostgreSQL extension)");

		a->rc = curl_easy_perform(curl);
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a->status);
		if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != NULL)
			strlcpy(a->content_type, ct, sizeof(a->content_type));
		ct = NULL;
		if (curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &ct) == CURLE_OK && ct != NULL &&
			strlen(ct) < sizeof(a->redirect))
			strlcpy(a->redirect, ct, sizeof(a->redirect));
		{
			double		connect_time = 0;

			a->connected = curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME, &connect_time) == CURLE_OK &&
				connect_time > 0;
		}
	}
	PG_CATCH();
	{
		if (hdrs != NULL)
			curl_slist_free_all((struct curl_slist *) hdrs);
		if (curl != NULL)
			curl_easy_cleanup(curl);
		free(a->body.data);
		a->body.data = NULL;
		PG_RE_THROW();
	}
	PG_END_TRY();
	curl_slist_free_all((struct curl_slist *) hdrs);
	curl_easy_cleanup(curl);
}

/* Sleeps up to `seconds`, waking for interrupts (a cancel ends the wait with 57014). */
static void
wait_seconds(double seconds)
{
	TimestampTz until = GetCurrentTimestamp() + (TimestampTz) (seconds * USECS_PER_SEC);

	while (GetCurrentTimestamp() < until)
	{
		CHECK_FOR_INTERRUPTS();
		pg_usleep(50000L);
	}
}

static const char *
provider_message(const attempt *a, char *buf, size_t cap)
{
	bm_api_page page;

	if (a->body.data != NULL && bm_api_page_read(a->body.data, a->body.len, &page) && page.message[0])
	{
		strlcpy(buf, page.message, cap);
		return buf;
	}
	return NULL;
}

/* Failures that may pass: the server could not be reached, or the exchange broke off. */
static bool
transient(CURLcode rc)
{
	switch (rc)
	{
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_CONNECT:
		case CURLE_OPERATION_TIMEDOUT:
		case CURLE_SEND_ERROR:
		case CURLE_RECV_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_PARTIAL_FILE:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
			return true;
		default:
			return false;
	}
}

/* The text for a transport failure: our own words for a timeout (curl's carry the elapsed milliseconds). */
static const char *
transport_error(const attempt *a, char *buf, size_t cap)
{
	if (a->rc == CURLE_OPERATION_TIMEDOUT && !a->connected)
		snprintf(buf, cap, "could not connect within %d s (bounce_mgmt.http_connect_timeout)",
				 http_connect_timeout);
	else if (a->rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(buf, cap, "no complete answer within %d s (bounce_mgmt.http_timeout)", http_timeout);
	else
		strlcpy(buf, a->errbuf[0] ? a->errbuf : curl_easy_strerror(a->rc), cap);
	return buf;
}

void
bm_http_perform(const bm_http_request *req, bm_http_response *resp)
{
	int			failures = 0;
	int			redirects = 0;
	double		waited = 0;
	char	   *url = pstrdup(req->url);

	for (;;)
	{
		attempt		a;
		char		msgbuf[512];
		const char *msg;

		CHECK_FOR_INTERRUPTS();
		perform_once(req, url, &a);

		if (a.rc == CURLE_ABORTED_BY_CALLBACK || ((QueryCancelPending || ProcDiePending) && a.rc != CURLE_OK))
		{
			free(a.body.data);
			CHECK_FOR_INTERRUPTS();		/* raises 57014 (cancel, statement_timeout) or terminates */
			ereport(ERROR,
					(errcode(ERRCODE_QUERY_CANCELED),
					 errmsg("%s: request cancelled", req->what)));
		}
		if (a.rc == CURLE_WRITE_ERROR && a.body.too_big)
		{
			free(a.body.data);
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: response body larger than %d MB", req->what, BM_HTTP_MAX_BODY / (1024 * 1024)),
					 errdetail("%s %s", req->method, url)));
		}
		if (a.rc != CURLE_OK)
		{
			free(a.body.data);
			transport_error(&a, msgbuf, sizeof(msgbuf));
			if (transient(a.rc) && failures++ < http_retries)
			{
				ereport(NOTICE,
						(errmsg("%s: %s; retrying (%d of %d)", req->what, msgbuf, failures, http_retries)));
				wait_seconds(0.5 * (1 << (failures - 1)));
				continue;
			}
			if (!transient(a.rc))
				failures++;
			ereport(ERROR,
					(errcode(a.rc == CURLE_OPERATION_TIMEDOUT ? ERRCODE_CONNECTION_FAILURE
							 : ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION),
					 errmsg("%s: %s", req->what, msgbuf),
					 errdetail("%s %s, %d attempt%s.", req->method, url, failures, failures == 1 ? "" : "s"),
					 errhint("Check the account's base_url and the bounce_mgmt.http_* settings.")));
		}
		if (a.status >= 300 && a.status < 400)
		{
			free(a.body.data);
			if (a.redirect[0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: HTTP %ld from the provider without a usable Location", req->what, a.status),
						 errdetail("%s %s", req->method, url)));
			if (!bm_url_same_origin(url, a.redirect))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: the provider redirected to another host or scheme; not followed", req->what),
						 errdetail("%s %s answered HTTP %ld, Location: %s", req->method, url, a.status, a.redirect),
						 errhint("The API key is only sent to the account's base_url: set base_url to the address the provider redirects to.")));
			if (redirects++ >= http_max_redirects)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: more than %d redirects", req->what, http_max_redirects),
						 errdetail("%s %s answered HTTP %ld, Location: %s", req->method, url, a.status, a.redirect),
						 errhint("Raise bounce_mgmt.http_max_redirects, or set the account's base_url to the final address.")));
			url = pstrdup(a.redirect);
			continue;
		}
		if (a.status == 429)
		{
			double		delay = 1;

			free(a.body.data);
			if (a.headers.retry_after >= 0)
				delay = a.headers.retry_after;
			else if (a.headers.ratelimit_reset >= 0)
				delay = a.headers.ratelimit_reset;
			if (delay < 0.2)
				delay = 0.2;
			if (waited + delay > http_max_wait)
				ereport(ERROR,
						(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
						 errmsg("%s: the provider's rate limit (HTTP 429) did not clear within %d s", req->what,
								http_max_wait),
						 errdetail("%s %s; the provider asked to wait %.0f s more.", req->method, url, delay),
						 errhint("Run it again later, or raise bounce_mgmt.http_max_wait.")));
			ereport(NOTICE, (errmsg("%s: rate limited (HTTP 429); waiting %.1f s", req->what, delay)));
			wait_seconds(delay);
			waited += delay;
			continue;
		}
		if (a.status >= 500)
		{
			msg = provider_message(&a, msgbuf, sizeof(msgbuf));
			free(a.body.data);
			if (failures++ < http_retries)
			{
				ereport(NOTICE, (errmsg("%s: HTTP %ld; retrying (%d of %d)", req->what, a.status, failures,
										http_retries)));
				wait_seconds(0.5 * (1 << (failures - 1)));
				continue;
			}
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_FAILURE),
					 errmsg("%s: HTTP %ld from the provider%s%s", req->what, a.status, msg ? ": " : "", msg ? msg : ""),
					 errdetail("%s %s, %d attempts.", req->method, url, failures)));
		}
		if (a.status == 404 && req->not_found_ok)
		{
			free(a.body.data);
			resp->status = a.status;
			resp->content_type[0] = '\0';
			initStringInfo(&resp->body);
			return;
		}
		if (a.status >= 400 || a.status < 200)
		{
			msg = provider_message(&a, msgbuf, sizeof(msgbuf));
			free(a.body.data);
			ereport(ERROR,
					(errcode(a.status == 401 || a.status == 403 ? ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION
							 : ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: HTTP %ld from the provider%s%s", req->what, a.status, msg ? ": " : "", msg ? msg : ""),
					 errdetail("%s %s", req->method, url),
					 (a.status == 401 || a.status == 403) ? errhint("Check the account's API key (bounce_mgmt.provider_accounts).") : 0));
		}
		/* success: hand the body over in palloc'd memory (the malloc'd copy is freed on every path) */
		resp->status = a.status;
		strlcpy(resp->content_type, a.content_type, sizeof(resp->content_type));
		PG_TRY();
		{
			initStringInfo(&resp->body);
			if (a.body.data != NULL)
				appendBinaryStringInfo(&resp->body, a.body.data, (int) a.body.len);
		}
		PG_CATCH();
		{
			free(a.body.data);
			PG_RE_THROW();
		}
		PG_END_TRY();
		free(a.body.data);
		return;
	}
}

char *
bm_http_escape(const char *s)
{
	char	   *e = curl_easy_escape(NULL, s, 0);
	char	   *r;

	if (e == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	r = pstrdup(e);
	curl_free(e);
	return r;
}
