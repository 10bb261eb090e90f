/*
 * info.c — results and their report (bm_sig_info) for every verifier, and the small input helpers they
 * share: header-value trimming, unix timestamps, the time window.  No libcrypto, no allocation.
 */
#include "sig_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const result_names[BM_SIG_RESULT_COUNT] = {
	[BM_SIG_VALID] = "valid",
	[BM_SIG_INVALID] = "invalid",
	[BM_SIG_STALE] = "stale",
	[BM_SIG_MALFORMED] = "malformed",
	[BM_SIG_BAD_CERT_URL] = "bad_cert_url",
	[BM_SIG_TOPIC_NOT_ALLOWED] = "topic_not_allowed",
	[BM_SIG_CERT_INVALID] = "cert_invalid",
	[BM_SIG_UNSUPPORTED_VERSION] = "unsupported_version",
	[BM_SIG_ERROR] = "error",
};

const char *
bm_sig_result_name(bm_sig_result r)
{
	if ((unsigned) r >= BM_SIG_RESULT_COUNT)
		return NULL;
	return result_names[r];
}

void
bm_sig_info_reset(bm_sig_info *info)
{
	info->result = BM_SIG_ERROR;
	info->field = "";
	info->message[0] = '\0';
	info->timestamp = BM_SIG_NO_TIME;
	info->token[0] = '\0';
}

bm_sig_result
bm_sig_fail(bm_sig_info *info, bm_sig_result result, const char *field, const char *fmt,...)
{
	va_list		ap;

	info->result = result;
	info->field = field ? field : "";
	va_start(ap, fmt);
	vsnprintf(info->message, sizeof(info->message), fmt, ap);
	va_end(ap);
	return result;
}

bm_sig_result
bm_sig_ok(bm_sig_info *info)
{
	info->result = BM_SIG_VALID;
	info->field = "";
	info->message[0] = '\0';
	return BM_SIG_VALID;
}

bm_sig_result
bm_sig_error(bm_sig_info *info, const char *field)
{
	return bm_sig_fail(info, BM_SIG_ERROR, field, "out of memory or libcrypto failure");
}

bm_str
bm_sig_trim(bm_str s)
{
	if (s.ptr == NULL)
		return s;
	while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t'))
	{
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
		s.len--;
	return s;
}

bool
bm_sig_parse_unix(bm_str s, int64_t *out)
{
	int64_t		v = 0;

	if (s.ptr == NULL || s.len == 0 || s.len > 12)
		return false;
	for (size_t i = 0; i < s.len; i++)
	{
		if (s.ptr[i] < '0' || s.ptr[i] > '9')
			return false;
		v = v * 10 + (s.ptr[i] - '0');
	}
	*out = v;
	return true;
}

bool
bm_sig_outside_window(int64_t t, int64_t now, int64_t max_skew)
{
	if (max_skew <= 0)
		return false;
	/* t is at most 12 digits here (or derived from a bounded ISO date); now is the caller's clock */
	if (now >= t)
		return (uint64_t) now - (uint64_t) t > (uint64_t) max_skew;
	return (uint64_t) t - (uint64_t) now > (uint64_t) max_skew;
}

bm_sig_result
bm_sig_parse_body(bj_doc *d, bm_str body, bj_ref *root, bm_sig_info *info)
{
	bj_error	je = {0, ""};
	bj_status	js;
	size_t		pos = 0;

	if (body.ptr == NULL)
		body = (bm_str) {"", 0};
	*root = 0;
	js = bj_parse(d, body.ptr, body.len, &pos, 64, root, &je);
	if (js == BJ_NO_MEMORY)
		return bm_sig_error(info, "body");
	if (js != BJ_OK && js != BJ_RANGE)
		return bm_sig_fail(info, BM_SIG_MALFORMED, "body", "body is not JSON (byte %zu: %s)", je.offset,
						   je.message);
	for (size_t i = pos; i < body.len; i++)
	{
		char		c = body.ptr[i];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return bm_sig_fail(info, BM_SIG_MALFORMED, "body", "body has data after the JSON value (byte %zu)",
							   pos);
	}
	return BM_SIG_VALID;
}
