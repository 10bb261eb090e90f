/*
 * sns_url.c — which URLs an SNS message may point us to (webhook_sig.h): SigningCertURL and SubscribeURL
 * must be https on sns.<region>.amazonaws.com(.cn), nothing else, so no fetch can be steered elsewhere.
 */
#include "sns_internal.h"

#include <string.h>

#define SNS_URL_MAX 2048

typedef struct url_parts
{
	bm_sns_host h;
	bm_str		path;			/* from the first '/' up to '?', '#' or the end; may be empty */
	bm_str		query;			/* after '?', up to '#'; ptr NULL without '?' */
	bool		fragment;		/* a '#' is present */
} url_parts;

static bool
lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [a-z]{1,16} "-" [0-9]{1,2} at s[i..n): the tail of a region ("east-1", "southeast-7"). */
static bool
region_tail(const char *s, size_t i, size_t n)
{
	size_t		start = i;
	size_t		d;

	while (i < n && lower(s[i]) && i - start < 16)
		i++;
	if (i == start || i >= n || s[i] != '-')
		return false;
	i++;
	for (d = 0; i < n && digit(s[i]) && d < 2; d++)
		i++;
	return d > 0 && i == n;
}

/* [a-z]{2}(-gov)?-[a-z]{1,16}-[0-9]{1,2} */
static bool
region_ok(const char *s, size_t n)
{
	if (n < 6 || !lower(s[0]) || !lower(s[1]) || s[2] != '-')
		return false;
	if (n > 7 && memcmp(s + 2, "-gov-", 5) == 0 && region_tail(s, 7, n))
		return true;
	return region_tail(s, 3, n);
}

/* sns.<region>.amazonaws.com, or sns.cn-<...>.amazonaws.com.cn */
static bool
host_ok(bm_str host, bm_sns_host *out)
{
	static const char com[] = ".amazonaws.com";
	static const char cn[] = ".amazonaws.com.cn";
	const char *s = host.ptr;
	size_t		n = host.len;
	size_t		suffix;
	bool		china;

	if (n > sizeof(cn) - 1 && memcmp(s + n - (sizeof(cn) - 1), cn, sizeof(cn) - 1) == 0)
	{
		suffix = sizeof(cn) - 1;
		china = true;
	}
	else if (n > sizeof(com) - 1 && memcmp(s + n - (sizeof(com) - 1), com, sizeof(com) - 1) == 0)
	{
		suffix = sizeof(com) - 1;
		china = false;
	}
	else
		return false;
	if (n < 4 + suffix || memcmp(s, "sns.", 4) != 0 || !region_ok(s + 4, n - 4 - suffix))
		return false;
	/* the China partition has its own domain, and only it uses it */
	if (china != (memcmp(s + 4, "cn-", 3) == 0))
		return false;
	out->host = host;
	out->region = (bm_str) {s + 4, n - 4 - suffix};
	out->china = china;
	return true;
}

/* Splits an https URL on an SNS host; NULL, or the reason it is not one. */
static const char *
split_url(bm_str url, url_parts *u)
{
	static const char https[] = "https://";
	const char *s = url.ptr;
	size_t		n = url.len;
	size_t		a = sizeof(https) - 1;
	size_t		e;
	size_t		colon;
	bm_str		host;

	memset(u, 0, sizeof(*u));
	if (s == NULL || n == 0)
		return "is missing";
	if (n > SNS_URL_MAX)
		return "is longer than 2048 bytes";
	for (size_t i = 0; i < n; i++)
	{
		if ((unsigned char) s[i] <= ' ' || (unsigned char) s[i] >= 0x7f)
			return "contains a space, a control or a non-ASCII character";
	}
	if (n < a || memcmp(s, https, a) != 0)
		return "is not an https:// URL";
	for (e = a; e < n && s[e] != '/' && s[e] != '?' && s[e] != '#'; e++)
	{
		if (s[e] == '@')
			return "carries user info";
	}
	for (colon = a; colon < e && s[colon] != ':'; colon++)
		;
	if (colon < e && !(e - colon == 4 && memcmp(s + colon, ":443", 4) == 0))
		return "has a port other than 443";
	host = (bm_str) {s + a, colon - a};
	if (!host_ok(host, &u->h))
		return "is not on an Amazon SNS host (sns.<region>.amazonaws.com or .amazonaws.com.cn)";
	{
		size_t		q = e;

		while (q < n && s[q] != '?' && s[q] != '#')
			q++;
		u->path = (bm_str) {s + e, q - e};
		if (q < n && s[q] == '?')
		{
			size_t		f = q + 1;

			while (f < n && s[f] != '#')
				f++;
			u->query = (bm_str) {s + q + 1, f - q - 1};
			q = f;
		}
		u->fragment = q < n;
	}
	return NULL;
}

static bool
path_char(char c)
{
	return lower(c) || (c >= 'A' && c <= 'Z') || digit(c) || c == '.' || c == '_' || c == '-';
}

/* "/" segments of [A-Za-z0-9._-]+, none "." or "..", the last a name ending in ".pem" */
static bool
pem_path_ok(bm_str p)
{
	size_t		i = 0;

	if (p.len < 6 || p.ptr[0] != '/' || memcmp(p.ptr + p.len - 4, ".pem", 4) != 0 ||
		p.ptr[p.len - 5] == '/')
		return false;
	while (i < p.len)
	{
		size_t		start = ++i;	/* past the '/' */

		while (i < p.len && p.ptr[i] != '/')
		{
			if (!path_char(p.ptr[i]))
				return false;
			i++;
		}
		if (i == start || (i - start == 1 && p.ptr[start] == '.') ||
			(i - start == 2 && p.ptr[start] == '.' && p.ptr[start + 1] == '.'))
			return false;
	}
	return true;
}

/* The query holds the parameter Action=ConfirmSubscription. */
static bool
confirm_action(bm_str q)
{
	static const char want[] = "Action=ConfirmSubscription";
	size_t		wl = sizeof(want) - 1;
	size_t		i = 0;

	while (i < q.len)
	{
		size_t		end = i;

		while (end < q.len && q.ptr[end] != '&')
			end++;
		if (end - i == wl && memcmp(q.ptr + i, want, wl) == 0)
			return true;
		i = end + 1;
	}
	return false;
}

const char *
bm_sns_cert_url_problem(bm_str url)
{
	url_parts	u;
	const char *why = split_url(url, &u);

	if (why != NULL)
		return why;
	if (u.query.ptr != NULL || u.fragment)
		return "has a query or a fragment";
	if (!pem_path_ok(u.path))
		return "path is not a plain path ending in .pem";
	return NULL;
}

const char *
bm_sns_subscribe_url_problem(bm_str url)
{
	url_parts	u;
	const char *why = split_url(url, &u);

	if (why != NULL)
		return why;
	if (u.fragment)
		return "has a fragment";
	if (u.path.len != 1 || u.query.ptr == NULL || !confirm_action(u.query))
		return "is not /?Action=ConfirmSubscription&...";
	return NULL;
}

bm_sig_result
bm_sns_check_cert_url(bm_str url, bm_sig_info *info)
{
	const char *why = bm_sns_cert_url_problem(url);

	bm_sig_info_reset(info);
	if (why != NULL)
		return bm_sig_fail(info, BM_SIG_BAD_CERT_URL, "SigningCertURL", "SigningCertURL %s", why);
	return bm_sig_ok(info);
}

bm_sig_result
bm_sns_check_subscribe_url(bm_str url, bm_sig_info *info)
{
	const char *why = bm_sns_subscribe_url_problem(url);

	bm_sig_info_reset(info);
	if (why != NULL)
		return bm_sig_fail(info, BM_SIG_BAD_CERT_URL, "SubscribeURL", "SubscribeURL %s", why);
	return bm_sig_ok(info);
}

bool
bm_sns_url_host(bm_str url, bm_sns_host *out)
{
	url_parts	u;

	if (split_url(url, &u) != NULL)
		return false;
	*out = u.h;
	return true;
}
