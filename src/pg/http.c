/*
 * http.c — HTTP requests to provider APIs with libcurl, done the way a backend must (see http.h).
 * Callbacks only copy bytes into malloc'd buffers and read the interrupt flags; everything that can raise
 * an ERROR happens after curl returned and the handle and header list were freed (a PG_CATCH block frees
 * them if setting up the request fails; a prefetch's are freed by a memory context callback as well).
 * The malloc'd body becomes palloc'd as soon as curl returns (take_body), so the rest never frees it.
 * bm_http_perform judges each attempt into one outcome (done, retry, redirect, fail) and acts on it in one
 * place.  Redirects are followed here, on the same origin only, so a key never goes to another host.
 * Every provider-sourced string that reaches a message (error bodies, Location, curl's error buffer) goes
 * through bm_http_clean_text.
 */
#include "postgres.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "common/base64.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "api_page.h"
#include "api_url.h"
#include "bm_pg.h"
#include "clean_text.h"
#include "http.h"

static int	http_connect_timeout = 10;
static int	http_timeout = 60;
static int	http_retries = 3;
static int	http_max_wait = 30;
static int	http_max_redirects = 3;
static char *http_ca_file = NULL;
static int	http_max_body_kb = 32768;	/* bounce_mgmt.http_max_body: one answer's size, hence one page's memory */

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
	DefineCustomIntVariable("bounce_mgmt.http_max_body", "Largest provider API answer read (one page of a sync).",
							"Bounds a sync's memory per page; a provider page of 500 entries is well under 1 MB.",
							&http_max_body_kb, 32768, 64, 1024 * 1024, PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);
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

	if (b->len + n > (size_t) http_max_body_kb * 1024)
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
	bool		too_big;		/* the body went past bounce_mgmt.http_max_body */
	resp_headers headers;
	grow_buf	raw;			/* the body as curl delivers it (malloc'd: callbacks cannot palloc) */
	StringInfoData body;		/* the body, palloc'd, once curl returned (take_body) */
} attempt;

/* The curl resources of one request: whoever holds them frees them (release_handles) on every path. */
typedef struct handles
{
	CURLM	   *multi;			/* prefetches only */
	CURL	   *curl;
	struct curl_slist *hdrs;
	bool		in_multi;
} handles;

static void
release_handles(handles *h)
{
	if (h->in_multi)
		curl_multi_remove_handle(h->multi, h->curl);
	h->in_multi = false;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	h->curl = NULL;
	if (h->hdrs != NULL)
	{
		/* the headers may carry a key (Bearer, Postmark's token, an AWS session token): wiped before free */
		for (struct curl_slist *n = h->hdrs; n != NULL; n = n->next)
			if (n->data != NULL)
				explicit_bzero(n->data, strlen(n->data));
		curl_slist_free_all(h->hdrs);
	}
	h->hdrs = NULL;
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	h->multi = NULL;
}

/* ---- AWS Signature Version 4, signed by libcurl -------------------------------------------------------- */

#define CURL_SIGV4_MIN 0x074b00		/* 7.75.0: CURLOPT_AWS_SIGV4 */
#define CURL_SIGV4_PATH_ENCODED 0x080e00	/* 8.14.0: signs the path URI-encoded once more, as AWS does */

void
bm_http_check_sigv4(const char *what)
{
#if LIBCURL_VERSION_NUM < CURL_SIGV4_MIN
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s: requests to Amazon SES are signed with AWS Signature Version 4, which libcurl %s (bounce_mgmt was built with it) cannot do",
					what, LIBCURL_VERSION),
			 errhint("Build bounce_mgmt against libcurl 7.75 or later.")));
#else
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	if (v->version_num < CURL_SIGV4_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s: requests to Amazon SES are signed with AWS Signature Version 4, which the libcurl in use (%s) cannot do",
						what, v->version),
				 errhint("Install libcurl 7.75 or later.")));
#endif
}

/* A byte that AWS's canonical URI keeps as it is: unreserved (RFC 3986) or '/'. */
static bool
sigv4_path_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		c == '_' || c == '~' || c == '/';
}

/*
 * url and the request's target, for a libcurl that signs the URL's path as it is.  AWS signs the path
 * URI-encoded once more (the "%40" of an escaped address as "%2540"; only S3 is signed as sent); libcurl does
 * the same only from 8.14.0 on.  With an older one, curl is given the URL with that encoded path (what it
 * signs) and CURLOPT_REQUEST_TARGET the path and query as meant (what it sends); both carry the same query,
 * which the callers build in AWS's canonical form (names sorted, values escaped by curl_easy_escape).  NULL
 * when the path has nothing to encode (the URL is then signed as sent).
 */
static char *
sigv4_signed_url(const char *url, char **target)
{
	const char *authority = strstr(url, "://");
	const char *path = authority ? strchr(authority + 3, '/') : NULL;
	size_t		plen;
	StringInfoData s;
	bool		change = false;

	*target = NULL;
	if (path == NULL)
		return NULL;
	plen = strcspn(path, "?#");
	for (size_t i = 0; i < plen; i++)
		change = change || !sigv4_path_byte((unsigned char) path[i]);
	if (!change)
		return NULL;
	initStringInfo(&s);
	appendBinaryStringInfo(&s, url, (int) (path - url));
	for (size_t i = 0; i < plen; i++)
	{
		if (sigv4_path_byte((unsigned char) path[i]))
			appendStringInfoChar(&s, path[i]);
		else
			appendStringInfo(&s, "%%%02X", (unsigned char) path[i]);
	}
	appendStringInfoString(&s, path + plen);
	*target = pstrdup(path);
	return s.data;
}

/* CURLOPT_AWS_SIGV4 with the access key id and secret, and the URL (see sigv4_signed_url). */
static void
setup_sigv4(const bm_http_request *req, const char *url, handles *h)
{
	char	   *target = NULL;
	char	   *signed_url = NULL;

	bm_http_check_sigv4(req->what);
#if LIBCURL_VERSION_NUM >= CURL_SIGV4_MIN
	if (curl_easy_setopt(h->curl, CURLOPT_AWS_SIGV4, req->aws_sigv4) != CURLE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s: this libcurl (%s) refused AWS Signature Version 4 signing", req->what, curl_version()),
				 errhint("libcurl must be built with its crypto (HMAC-SHA256) support.")));
#endif
	curl_easy_setopt(h->curl, CURLOPT_USERNAME, req->basic_user ? req->basic_user : "");
	curl_easy_setopt(h->curl, CURLOPT_PASSWORD, req->basic_password ? req->basic_password : "");
	if (curl_version_info(CURLVERSION_NOW)->version_num < CURL_SIGV4_PATH_ENCODED)
		signed_url = sigv4_signed_url(url, &target);
	curl_easy_setopt(h->curl, CURLOPT_URL, signed_url ? signed_url : url);
	if (target)
		curl_easy_setopt(h->curl, CURLOPT_REQUEST_TARGET, target);
}

/* Sets up the easy handle of a request into h (which the caller releases, also when this raises). */
static void
setup_easy(const bm_http_request *req, const char *url, attempt *a, handles *h)
{
	memset(a, 0, sizeof(*a));
	a->headers.retry_after = -1;
	a->headers.ratelimit_reset = -1;
	h->curl = curl_easy_init();
	if (h->curl == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("could not create a libcurl handle")));
	h->hdrs = curl_slist_append(h->hdrs, "Accept: application/json");
	if (req->bearer && h->hdrs != NULL)
	{
		char	   *auth = psprintf("Authorization: Bearer %s", req->bearer);
		struct curl_slist *n = curl_slist_append(h->hdrs, auth);

		explicit_bzero(auth, strlen(auth));	/* curl keeps its own copy */
		pfree(auth);
		if (n == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		h->hdrs = n;
	}
	if (req->header && h->hdrs != NULL)
	{
		struct curl_slist *n = curl_slist_append(h->hdrs, req->header);

		if (n == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		h->hdrs = n;
	}
	if (h->hdrs == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, req->method);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->hdrs);
	if (req->aws_sigv4)
		setup_sigv4(req, url, h);
	else
		curl_easy_setopt(h->curl, CURLOPT_URL, url);
	if (req->basic_user && !req->aws_sigv4)
	{
		curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
		curl_easy_setopt(h->curl, CURLOPT_USERNAME, req->basic_user);
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD, req->basic_password ? req->basic_password : "");
	}
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(h->curl, CURLOPT_REDIR_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif

	/*
	 * Redirects are followed by bm_http_perform, on the same origin only (curl would send a custom header
	 * such as Postmark's token to any host).
	 */
	curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, (long) http_connect_timeout);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, (long) http_timeout);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (http_ca_file && http_ca_file[0])
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, http_ca_file);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, a->errbuf);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &a->raw);
	curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, &a->headers);
	curl_easy_setopt(h->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, "bounce_mgmt/0.1 (PostgreSQL extension)");
}

/* After the transfer: status, content type, redirect target, whether it connected. */
static void
collect_info(CURL *curl, attempt *a)
{
	char	   *ct = NULL;
	double		connect_time = 0;

	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a->status);
	if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != NULL)
		strlcpy(a->content_type, ct, sizeof(a->content_type));
	ct = NULL;
	if (curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &ct) == CURLE_OK && ct != NULL &&
		strlen(ct) < sizeof(a->redirect))
		strlcpy(a->redirect, ct, sizeof(a->redirect));
	a->connected = curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME, &connect_time) == CURLE_OK &&
		connect_time > 0;
}

/* Frees the malloc'd body (the one place it is freed, on every path). */
static void
release_raw(attempt *a)
{
	free(a->raw.data);
	a->raw.data = NULL;
	a->raw.len = a->raw.cap = 0;
}

/* Moves the body curl delivered into palloc'd memory (a->body). */
static void
take_body(attempt *a)
{
	a->too_big = a->raw.too_big;
	initStringInfo(&a->body);
	if (a->raw.data != NULL)
		appendBinaryStringInfo(&a->body, a->raw.data, (int) a->raw.len);
	release_raw(a);
}

/* One attempt at url: a->body is palloc'd afterwards, every curl resource and malloc'd byte released. */
static void
perform_once(const bm_http_request *req, const char *url, attempt *a)
{
	/* in palloc'd memory, not a local: it is changed inside PG_TRY and read after a longjmp */
	handles    *h = palloc0(sizeof(handles));

	PG_TRY();
	{
		setup_easy(req, url, a, h);
		a->rc = curl_easy_perform(h->curl);
		collect_info(h->curl, a);
		release_handles(h);
		take_body(a);
	}
	PG_CATCH();
	{
		release_handles(h);
		release_raw(a);
		PG_RE_THROW();
	}
	PG_END_TRY();
	pfree(h);
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

/* ---- provider text: scrubbed, valid in the database encoding, bounded ------------------------------ */

#define BM_HTTP_TEXT_MAX	511		/* bytes of provider text kept in a message */
#define BM_HTTP_TEXT_SCAN	65536	/* bytes of it looked at (the rest could never be shown; a key cut
									 * there is caught as a trailing prefix) */
/*
 * The secrets of a request: the key (bearer, header value, basic-auth password) and its basic-auth form;
 * for AWS the access key id, the secret and the session token (the header's value).
 */
#define BM_HTTP_MAX_SECRETS 5
static int
request_secrets(const bm_http_request *req, const char **out, char **owned)
{
	int			n = 0;

	*owned = NULL;
	if (req->bearer)
		out[n++] = req->bearer;
	if (req->basic_password)
		out[n++] = req->basic_password;
	if (req->aws_sigv4 && req->basic_user)
		out[n++] = req->basic_user;
	if (req->header != NULL && strchr(req->header, ':') != NULL)
	{
		const char *v = strchr(req->header, ':') + 1;

		while (*v == ' ')
			v++;
		out[n++] = v;
	}
	if (req->basic_user != NULL && req->basic_password != NULL && !req->aws_sigv4)
	{
		char	   *plain = psprintf("%s:%s", req->basic_user, req->basic_password);
		int			len = strlen(plain);
		char	   *b64 = palloc(pg_b64_enc_len(len) + 1);
		int			k = pg_b64_encode(plain, len, b64, pg_b64_enc_len(len));

		memset(plain, 0, len);
		pfree(plain);
		if (k > 0)
		{
			b64[k] = '\0';
			out[n++] = b64;
			*owned = b64;
		}
		else
			pfree(b64);
	}
	return n;
}

/* text[0..len) with the request's credentials removed (bm_text_scrub), palloc'd. */
static char *
scrub_secrets(const char *text, size_t len, const bm_http_request *req)
{
	const char *secrets[BM_HTTP_MAX_SECRETS];
	char	   *owned;
	int			n = request_secrets(req, secrets, &owned);
	size_t		cap = len * 3 + 16;	/* "[redacted]" for a secret of BM_SECRET_MIN bytes or more */
	char	   *out = palloc(cap);

	bm_text_scrub(text, len, secrets, n, out, cap);
	if (owned)
		pfree(owned);
	return out;
}

char *
bm_http_clean_text(const char *s, size_t len, const bm_http_request *req)
{
	char	   *scrubbed;
	char	   *out;

	if (s == NULL)
		return NULL;
	/* first, on the whole text: a cut must not leave half of a key */
	scrubbed = scrub_secrets(s, Min(len, (size_t) BM_HTTP_TEXT_SCAN), req);
	out = palloc(BM_HTTP_TEXT_MAX + 1);
	bm_text_escape(scrubbed, strlen(scrubbed), GetDatabaseEncoding() == PG_UTF8, out, BM_HTTP_TEXT_MAX + 1);
	pfree(scrubbed);
	return out;
}

/* The message of an error body (SendGrid errors[0].message, Postmark Message, Mailgun message), cleaned. */
static char *
provider_message(const StringInfoData *body, const bm_http_request *req)
{
	bm_api_page page;

	if (body->len > 0 && bm_api_page_read(body->data, body->len, &page) && page.message[0])
		return bm_http_clean_text(page.message, strlen(page.message), req);
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
static char *
transport_error(const attempt *a, const bm_http_request *req)
{
	const char *curl_text;

	if (a->rc == CURLE_OPERATION_TIMEDOUT && !a->connected)
		return psprintf("could not connect within %d s (bounce_mgmt.http_connect_timeout)", http_connect_timeout);
	if (a->rc == CURLE_OPERATION_TIMEDOUT)
		return psprintf("no complete answer within %d s (bounce_mgmt.http_timeout)", http_timeout);
	/* curl's error buffer may quote what the server sent */
	curl_text = a->errbuf[0] ? a->errbuf : curl_easy_strerror(a->rc);
	return bm_http_clean_text(curl_text, strlen(curl_text), req);
}

/* ---- one request: each attempt judged into an outcome, acted on in one place ------------------------- */

/* What an attempt means for the request. */
typedef enum outcome_kind
{
	OUTCOME_DONE,				/* the answer (2xx, or a 404 that is one) */
	OUTCOME_RETRY,				/* wait, then try again */
	OUTCOME_REDIRECT,			/* try again at another URL of the same origin */
	OUTCOME_FAIL				/* raise the error described */
} outcome_kind;

typedef struct outcome
{
	outcome_kind kind;
	double		wait;			/* RETRY: seconds */
	char	   *notice;			/* RETRY: said before waiting */
	char	   *location;		/* REDIRECT: the URL, scrubbed */
	bool		cancelled;		/* FAIL: a cancel or statement_timeout (raised as such) */
	int			sqlerrcode;		/* FAIL: */
	char	   *message;
	char	   *detail;
	char	   *hint;
} outcome;

/* The state of a request across attempts. */
typedef struct request_state
{
	char	   *url;			/* the URL of the next attempt */
	int			failures;		/* transport failures and 5xx answers so far */
	int			redirects;
	double		waited;			/* seconds waited on 429s */
} request_state;

static void
fail(outcome *o, int sqlerrcode, char *message, char *detail, char *hint)
{
	o->kind = OUTCOME_FAIL;
	o->sqlerrcode = sqlerrcode;
	o->message = message;
	o->detail = detail;
	o->hint = hint;
}

/* A transport failure: retried when it may pass, else 08001 (08006 for a timeout). */
static void
judge_transport(const bm_http_request *req, request_state *rs, const attempt *a, outcome *o)
{
	char	   *text = transport_error(a, req);

	if (transient(a->rc) && rs->failures++ < http_retries)
	{
		o->kind = OUTCOME_RETRY;
		o->notice = psprintf("%s: %s; retrying (%d of %d)", req->what, text, rs->failures, http_retries);
		o->wait = 0.5 * (1 << (rs->failures - 1));
		return;
	}
	if (!transient(a->rc))
		rs->failures++;
	fail(o, a->rc == CURLE_OPERATION_TIMEDOUT ? ERRCODE_CONNECTION_FAILURE
		 : ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
		 psprintf("%s: %s", req->what, text),
		 psprintf("%s %s, %d attempt%s.", req->method, rs->url, rs->failures, rs->failures == 1 ? "" : "s"),
		 pstrdup("Check the account's base_url and the bounce_mgmt.http_* settings."));
}

/* A 3xx: followed on the same origin, up to http_max_redirects times. */
static void
judge_redirect(const bm_http_request *req, request_state *rs, const attempt *a, outcome *o)
{
	char	   *follow = scrub_secrets(a->redirect, strlen(a->redirect), req);
	char	   *shown = bm_http_clean_text(a->redirect, strlen(a->redirect), req);

	if (follow[0] == '\0')
		fail(o, ERRCODE_INVALID_PARAMETER_VALUE,
			 psprintf("%s: HTTP %ld from the provider without a usable Location", req->what, a->status),
			 psprintf("%s %s", req->method, rs->url), NULL);
	else if (!bm_url_same_origin(rs->url, follow))
		fail(o, ERRCODE_INVALID_PARAMETER_VALUE,
			 psprintf("%s: the provider redirected to another host or scheme; not followed", req->what),
			 psprintf("%s %s answered HTTP %ld, Location: %s", req->method, rs->url, a->status, shown),
			 pstrdup("The API key is only sent to the account's base_url: set base_url to the address the provider redirects to."));
	else if (rs->redirects++ >= http_max_redirects)
		fail(o, ERRCODE_INVALID_PARAMETER_VALUE,
			 psprintf("%s: more than %d redirects", req->what, http_max_redirects),
			 psprintf("%s %s answered HTTP %ld, Location: %s", req->method, rs->url, a->status, shown),
			 pstrdup("Raise bounce_mgmt.http_max_redirects, or set the account's base_url to the final address."));
	else
	{
		o->kind = OUTCOME_REDIRECT;
		o->location = follow;
	}
}

/* A 429: waited out (Retry-After, X-RateLimit-Reset) within http_max_wait seconds in total. */
static void
judge_rate_limit(const bm_http_request *req, request_state *rs, const attempt *a, outcome *o)
{
	double		delay = 1;

	if (a->headers.retry_after >= 0)
		delay = a->headers.retry_after;
	else if (a->headers.ratelimit_reset >= 0)
		delay = a->headers.ratelimit_reset;
	if (delay < 0.2)
		delay = 0.2;
	if (rs->waited + delay > http_max_wait)
	{
		fail(o, ERRCODE_CONFIGURATION_LIMIT_EXCEEDED,
			 psprintf("%s: the provider's rate limit (HTTP 429) did not clear within %d s", req->what, http_max_wait),
			 psprintf("%s %s; the provider asked to wait %.0f s more.", req->method, rs->url, delay),
			 pstrdup("Run it again later, or raise bounce_mgmt.http_max_wait."));
		return;
	}
	rs->waited += delay;
	o->kind = OUTCOME_RETRY;
	o->wait = delay;
	o->notice = psprintf("%s: rate limited (HTTP 429); waiting %.1f s", req->what, delay);
}

/* A 5xx: retried http_retries times, then 08006 with the provider's message. */
static void
judge_server_error(const bm_http_request *req, request_state *rs, const attempt *a, outcome *o)
{
	char	   *msg;

	if (rs->failures++ < http_retries)
	{
		o->kind = OUTCOME_RETRY;
		o->notice = psprintf("%s: HTTP %ld; retrying (%d of %d)", req->what, a->status, rs->failures, http_retries);
		o->wait = 0.5 * (1 << (rs->failures - 1));
		return;
	}
	msg = provider_message(&a->body, req);
	fail(o, ERRCODE_CONNECTION_FAILURE,
		 psprintf("%s: HTTP %ld from the provider%s%s", req->what, a->status, msg ? ": " : "", msg ? msg : ""),
		 psprintf("%s %s, %d %s.", req->method, rs->url, rs->failures, rs->failures == 1 ? "attempt" : "attempts"), NULL);
}

/* Another answer that is not a 2xx: 28000 for 401/403, 22023 for the rest, with the provider's message. */
static void
judge_client_error(const bm_http_request *req, request_state *rs, const attempt *a, outcome *o)
{
	char	   *msg = provider_message(&a->body, req);
	bool		auth = a->status == 401 || a->status == 403;

	fail(o, auth ? ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION : ERRCODE_INVALID_PARAMETER_VALUE,
		 psprintf("%s: HTTP %ld from the provider%s%s", req->what, a->status, msg ? ": " : "", msg ? msg : ""),
		 psprintf("%s %s", req->method, rs->url),
		 auth ? pstrdup("Check the account's API key (bounce_mgmt.provider_keys).") : NULL);
}

/* What attempt a means for the request (a's body is palloc'd: see perform_once). */
static void
judge(const bm_http_request *req, request_state *rs, const attempt *a, outcome *o)
{
	memset(o, 0, sizeof(*o));
	if (a->rc == CURLE_ABORTED_BY_CALLBACK || ((QueryCancelPending || ProcDiePending) && a->rc != CURLE_OK))
	{
		o->cancelled = true;
		fail(o, ERRCODE_QUERY_CANCELED, psprintf("%s: request cancelled", req->what), NULL, NULL);
	}
	else if (a->rc == CURLE_WRITE_ERROR && a->too_big)
		fail(o, ERRCODE_PROGRAM_LIMIT_EXCEEDED,
			 psprintf("%s: response body larger than %d kB (bounce_mgmt.http_max_body)", req->what, http_max_body_kb),
			 psprintf("%s %s; nothing from it was stored.", req->method, rs->url),
			 pstrdup("Raise bounce_mgmt.http_max_body if the provider's pages really are that large."));
	else if (a->rc != CURLE_OK)
		judge_transport(req, rs, a, o);
	else if (a->status >= 300 && a->status < 400)
		judge_redirect(req, rs, a, o);
	else if (a->status == 429)
		judge_rate_limit(req, rs, a, o);
	else if (a->status >= 500)
		judge_server_error(req, rs, a, o);
	else if (a->status >= 200 && a->status < 300)
		o->kind = OUTCOME_DONE;
	else if (a->status == 404 && req->not_found_ok)
		o->kind = OUTCOME_DONE;
	else
		judge_client_error(req, rs, a, o);
}

/* Raises the error of a FAIL outcome (a cancel as the cancel itself: 57014, or the termination). */
static void
raise_failure(const outcome *o)
{
	if (o->cancelled)
		CHECK_FOR_INTERRUPTS();
	ereport(ERROR,
			(errcode(o->sqlerrcode),
			 errmsg_internal("%s", o->message),
			 o->detail ? errdetail_internal("%s", o->detail) : 0,
			 o->hint ? errhint("%s", o->hint) : 0));
}

void
bm_http_perform(const bm_http_request *req, bm_http_response *resp)
{
	request_state rs = {pstrdup(req->url), 0, 0, 0};

	for (;;)
	{
		attempt		a;
		outcome		o;

		CHECK_FOR_INTERRUPTS();
		perform_once(req, rs.url, &a);
		judge(req, &rs, &a, &o);
		switch (o.kind)
		{
			case OUTCOME_DONE:
				resp->status = a.status;
				strlcpy(resp->content_type, a.content_type, sizeof(resp->content_type));
				if (a.status == 404)
				{
					/* not_found_ok: the answer is the status alone */
					resp->content_type[0] = '\0';
					resetStringInfo(&a.body);
				}
				resp->body = a.body;
				return;
			case OUTCOME_RETRY:
				pfree(a.body.data);
				ereport(NOTICE, (errmsg_internal("%s", o.notice)));
				wait_seconds(o.wait);
				break;
			case OUTCOME_REDIRECT:
				pfree(a.body.data);
				rs.url = o.location;
				break;
			case OUTCOME_FAIL:
				raise_failure(&o);
				break;
		}
	}
}

/* ---- prefetch: the next page's request goes out while the current page is stored ------------------ */

/* Waits up to ms for activity on the multi handle (curl_multi_poll needs libcurl 7.66). */
static void
multi_wait(CURLM *multi, int ms)
{
#if LIBCURL_VERSION_NUM >= 0x074200
	curl_multi_poll(multi, NULL, 0, ms, NULL);
#else
	int			fds = 0;

	if (curl_multi_wait(multi, NULL, 0, ms, &fds) == CURLM_OK && fds == 0)
		pg_usleep(ms * 1000L);	/* nothing to wait on yet (curl_multi_wait returns at once) */
#endif
}

struct bm_http_prefetch
{
	handles		h;
	attempt		a;
	char	   *url;
	bool		finished;
	MemoryContextCallback cb;	/* frees the curl resources if the context goes first (an ERROR) */
};

static void
prefetch_release(void *arg)
{
	bm_http_prefetch *p = (bm_http_prefetch *) arg;

	release_handles(&p->h);
	release_raw(&p->a);
}

bm_http_prefetch *
bm_http_prefetch_start(const bm_http_request *req)
{
	bm_http_prefetch *p = palloc0(sizeof(bm_http_prefetch));
	TimestampTz until = GetCurrentTimestamp() + 100 * 1000;
	int			running = 1;

	p->url = pstrdup(req->url);
	p->cb.func = prefetch_release;
	p->cb.arg = p;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &p->cb);
	setup_easy(req, p->url, &p->a, &p->h);
	p->h.multi = curl_multi_init();
	if (p->h.multi == NULL || curl_multi_add_handle(p->h.multi, p->h.curl) != CURLM_OK)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("could not create a libcurl multi handle")));
	p->h.in_multi = true;

	/* send the request now (waiting up to 100 ms for that), so the provider prepares the page meanwhile */
	while (running > 0 && GetCurrentTimestamp() < until && !QueryCancelPending && !ProcDiePending)
	{
		long		sent = 0;

		if (curl_multi_perform(p->h.multi, &running) != CURLM_OK)
			break;
		if (curl_easy_getinfo(p->h.curl, CURLINFO_REQUEST_SIZE, &sent) == CURLE_OK && sent > 0)
			break;
		multi_wait(p->h.multi, 10);
	}
	return p;
}

bool
bm_http_prefetch_finish(bm_http_prefetch *p, const char *url, bm_http_response *resp)
{
	int			running = 1;
	bool		done = false;
	bool		ok;
	CURLMsg    *msg;
	int			left;

	if (p == NULL || p->finished)
		return false;
	p->finished = true;
	if (strcmp(p->url, url) != 0)
	{
		prefetch_release(p);
		return false;
	}
	while (running > 0 && !QueryCancelPending && !ProcDiePending)
	{
		if (curl_multi_perform(p->h.multi, &running) != CURLM_OK || running == 0)
			break;
		multi_wait(p->h.multi, 100);	/* a signal ends the wait early */
	}
	while ((msg = curl_multi_info_read(p->h.multi, &left)) != NULL)
	{
		if (msg->msg == CURLMSG_DONE)
		{
			p->a.rc = msg->data.result;
			done = true;
		}
	}
	if (done)
		collect_info(p->h.curl, &p->a);
	ok = done && p->a.rc == CURLE_OK && p->a.status >= 200 && p->a.status < 300;
	if (ok)
	{
		/* the callback frees the malloc'd body should palloc fail */
		resp->status = p->a.status;
		strlcpy(resp->content_type, p->a.content_type, sizeof(resp->content_type));
		take_body(&p->a);
		resp->body = p->a.body;
	}
	prefetch_release(p);
	if (!ok)
		CHECK_FOR_INTERRUPTS();	/* a cancel stops here (57014); anything else is the caller's to redo */
	return ok;
}

void
bm_http_prefetch_cancel(bm_http_prefetch *p)
{
	if (p != NULL && !p->finished)
	{
		p->finished = true;
		prefetch_release(p);
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
