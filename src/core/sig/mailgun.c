/*
 * mailgun.c — Mailgun's webhook signature: HMAC-SHA256(signing key, timestamp ‖ token) in hex, read from
 * the body's "signature" object (webhook_sig.h).  Reports the token for the caller's replay check.
 */
#include "sig_internal.h"

#include <string.h>

#include <openssl/crypto.h>

#include "json/json.h"

#define MG_SIG_FIELD	"signature.signature"
#define MG_TS_FIELD		"signature.timestamp"
#define MG_TOKEN_FIELD	"signature.token"
#define MG_KEY_FIELD	"signing key"

bm_sig_result
bm_sig_mailgun_fields(bm_str timestamp, bm_str token, bm_str signature, bm_str signing_key, int64_t now,
					  int64_t max_skew, bm_sig_info *info)
{
	unsigned char given[32];
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t		given_len;
	size_t		mac_len;
	int64_t		ts;
	bm_str		parts[2];
	bool		match;

	bm_sig_info_reset(info);
	if (timestamp.ptr == NULL || timestamp.len == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MG_TS_FIELD, "timestamp missing");
	if (!bm_sig_parse_unix(timestamp, &ts))
		return bm_sig_fail(info, BM_SIG_MALFORMED, MG_TS_FIELD,
						   "timestamp is not a unix time in seconds (1 to 12 digits)");
	info->timestamp = ts;
	if (token.ptr == NULL || token.len == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MG_TOKEN_FIELD, "token missing");
	if (token.len > BM_SIG_TOKEN_MAX)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MG_TOKEN_FIELD, "token is longer than %d bytes",
						   BM_SIG_TOKEN_MAX);
	if (memchr(token.ptr, '\0', token.len) != NULL)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MG_TOKEN_FIELD, "token contains a NUL byte");
	memcpy(info->token, token.ptr, token.len);
	info->token[token.len] = '\0';
	if (signature.ptr == NULL || signature.len == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MG_SIG_FIELD, "signature missing");
	if (signature.len != 64 || !bm_hex_decode(signature, given, sizeof(given), &given_len))
		return bm_sig_fail(info, BM_SIG_MALFORMED, MG_SIG_FIELD,
						   "signature is not 64 hexadecimal digits (HMAC-SHA256)");
	if (signing_key.ptr == NULL || signing_key.len == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, MG_KEY_FIELD, "webhook signing key is empty");

	parts[0] = timestamp;
	parts[1] = token;
	if (bm_hmac("SHA256", signing_key, parts, 2, mac, &mac_len) != 1)
		return bm_sig_error(info, MG_SIG_FIELD);
	match = bm_const_eq(mac, mac_len, given, given_len);
	OPENSSL_cleanse(mac, sizeof(mac));
	if (!match)
		return bm_sig_fail(info, BM_SIG_INVALID, MG_SIG_FIELD,
						   "signature does not match the timestamp, token and signing key");
	if (bm_sig_outside_window(ts, now, max_skew))
		return bm_sig_fail(info, BM_SIG_STALE, MG_TS_FIELD,
						   "timestamp is more than %lld seconds away from now", (long long) max_skew);
	return bm_sig_ok(info);
}

/* A member that is a JSON string (or, for the timestamp, a number): its bytes, else ptr NULL. */
static bm_str
member(const bj_doc *d, bj_ref obj, const char *key, bool number_ok)
{
	bj_ref		r = bj_get_n(d, obj, key, strlen(key));

	if (bj_is(d, r, BJ_STRING) || (number_ok && bj_is(d, r, BJ_NUMBER)))
		return (bm_str) {bj_at(d, r)->str, bj_at(d, r)->len};
	return BM_STR_NULL;
}

bm_sig_result
bm_sig_mailgun(bm_str body, bm_str signing_key, int64_t now, int64_t max_skew, bm_sig_info *info)
{
	bj_doc		d;
	bj_ref		root = 0;
	bj_ref		sig;
	bm_sig_result r;

	bm_sig_info_reset(info);
	bj_doc_init(&d);
	r = bm_sig_parse_body(&d, body, &root, info);
	if (r != BM_SIG_VALID)
		;						/* info says why */
	else if (!bj_is(&d, (sig = bj_get(&d, root, "signature")), BJ_OBJECT))
		r = bm_sig_fail(info, BM_SIG_MALFORMED, "signature", "body has no \"signature\" object");
	else
		r = bm_sig_mailgun_fields(member(&d, sig, "timestamp", true), member(&d, sig, "token", false),
								  member(&d, sig, "signature", false), signing_key, now, max_skew, info);
	bj_doc_free(&d);
	return r;
}
