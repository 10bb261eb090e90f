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
