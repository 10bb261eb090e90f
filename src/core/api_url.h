/*
 * api_url.h — small URL facts the provider sync needs, without PostgreSQL (api_url.c): the origin
 * ("scheme://host[:port]") of an http(s) URL, and whether a redirect or next-page link stays on the same
 * origin (an API key must never be sent to another host, nor downgraded from https to http), and whether
 * a plain http:// URL stays on this machine.
 */
#ifndef BM_API_URL_H
#define BM_API_URL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Length of the origin prefix of url ("http://h:1" of "http://h:1/a?b"), or 0 when url is not an
 * absolute http:// or https:// URL with a non-empty host, or carries user info ("user:pass@host").
 */
size_t		bm_url_origin_len(const char *url);

/* True when both are http(s) URLs with the same scheme, host and port (ASCII case-insensitive). */
bool		bm_url_same_origin(const char *a, const char *b);

/*
 * True when a key may be sent to url without TLS: an http(s) URL whose host is loopback (localhost,
 * 127.0.0.0/8 written as four decimal parts, [::1]) — the test servers.  https URLs need no such check.
 */
bool		bm_url_is_loopback(const char *url);

/* True for an absolute https:// URL with a host (bm_url_origin_len > 0). */
bool		bm_url_is_https(const char *url);

#endif							/* BM_API_URL_H */
