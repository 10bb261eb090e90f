/*
 * api_url.c — origin of an http(s) URL and same-origin checks (see api_url.h).  Ports are compared as
 * written, except that an explicit default port (:80 for http, :443 for https) equals no port.
 */
#include "api_url.h"

#include <string.h>
#include <strings.h>

/* Length of the scheme prefix ("http://" 7, "https://" 8), or 0. */
static size_t
scheme_len(const char *url)
{
	if (strncasecmp(url, "http://", 7) == 0)
		return 7;
	if (strncasecmp(url, "https://", 8) == 0)
		return 8;
	return 0;
}

size_t
bm_url_origin_len(const char *url)
{
	size_t		s;
	size_t		i;

	if (url == NULL || (s = scheme_len(url)) == 0)
		return 0;
	for (i = s; url[i] != '\0' && url[i] != '/' && url[i] != '?' && url[i] != '#'; i++)
	{
		if (url[i] == '@' || url[i] == '\\' || (unsigned char) url[i] <= ' ')
			return 0;			/* user info, or a character no host has */
	}
	if (i == s || url[s] == ':')
		return 0;				/* no host */
	return i;
}

/* host[:port] of an origin, with an explicit default port dropped: sets *len. */
static const char *
authority(const char *url, size_t origin_len, size_t *len)
{
	size_t		s = scheme_len(url);
	const char *a = url + s;
	size_t		n = origin_len - s;
	const char *dflt = (s == 7) ? ":80" : ":443";
	size_t		dl = strlen(dflt);

	if (n > dl && strncmp(a + n - dl, dflt, dl) == 0)
		n -= dl;
	*len = n;
	return a;
}

bool
bm_url_same_origin(const char *a, const char *b)
{
	size_t		oa = bm_url_origin_len(a);
	size_t		ob = bm_url_origin_len(b);
	size_t		la;
	size_t		lb;
	const char *ha;
	const char *hb;

	if (oa == 0 || ob == 0 || scheme_len(a) != scheme_len(b))
		return false;
	ha = authority(a, oa, &la);
	hb = authority(b, ob, &lb);
	return la == lb && strncasecmp(ha, hb, la) == 0;
}

bool
bm_url_is_https(const char *url)
{
	return bm_url_origin_len(url) > 0 && scheme_len(url) == 8;
}

/* "127.a.b.c" with decimal parts 0..255 and nothing else (no port). */
static bool
ipv4_loopback(const char *h, size_t n)
{
	int			parts = 0;
	size_t		i = 0;

	if (n < 4 || strncmp(h, "127.", 4) != 0)
		return false;
	while (i < n)
	{
		int			v = 0;
		size_t		d = 0;

		while (i < n && h[i] >= '0' && h[i] <= '9' && d < 3)
			v = v * 10 + (h[i++] - '0'), d++;
		if (d == 0 || v > 255)
			return false;
		parts++;
		if (i == n)
			break;
		if (h[i] != '.')
			return false;
		i++;
		if (i == n)
			return false;		/* a trailing dot */
	}
	return parts == 4;
}

bool
bm_url_is_loopback(const char *url)
{
	size_t		o = bm_url_origin_len(url);
	size_t		s;
	const char *h;
	size_t		n;

	if (o == 0)
		return false;
	s = scheme_len(url);
	h = url + s;
	n = o - s;
	if (n > 0 && h[0] == '[')
		return n >= 5 && strncmp(h, "[::1]", 5) == 0 && (n == 5 || h[5] == ':');
	for (size_t i = 0; i < n; i++)
		if (h[i] == ':')
		{
			n = i;				/* the port */
			break;
		}
	if (n == 9 && strncasecmp(h, "localhost", 9) == 0)
		return true;
	return ipv4_loopback(h, n);
}
