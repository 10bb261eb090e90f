/*
 * sns.c — an SNS message's signature with a checked certificate handle (SHA1withRSA or SHA256withRSA,
 * PKCS#1 v1.5, over the string to sign), the time window, and the one-call form (webhook_sig.h).
 */
#include "sns_internal.h"

#include <string.h>

/* The handle is still within its validity period at now (it may have been cached since the load). */
static bm_sig_result
cert_current(const bm_sns_cert *cert, int64_t now, bm_sig_info *info)
{
	time_t		t = (time_t) now;
	int			before = X509_cmp_time(X509_get0_notBefore(cert->cert), &t);
	int			after = X509_cmp_time(X509_get0_notAfter(cert->cert), &t);

	bm_crypto_clear_errors();
	if (before == 0 || after == 0)
		return bm_sig_fail(info, BM_SIG_CERT_INVALID, "certificate", "certificate validity is unreadable");
	if (before > 0)
		return bm_sig_fail(info, BM_SIG_CERT_INVALID, "certificate", "certificate is not yet valid");
	if (after < 0)
		return bm_sig_fail(info, BM_SIG_CERT_INVALID, "certificate", "certificate has expired");
	return BM_SIG_VALID;
}

bm_sig_result
bm_sns_verify(const bm_sns_msg *msg, const bm_sns_cert *cert, const bm_sns_policy *policy, int64_t now,
			  bm_sig_info *info)
{
	bm_str		to_sign;
	int			rc;
	bm_sig_result r;

	bm_sig_info_reset(info);
	if (msg == NULL || cert == NULL)
		return bm_sig_fail(info, BM_SIG_MALFORMED, msg ? "certificate" : "body",
						   "no parsed message or certificate given");
	info->timestamp = msg->timestamp;
	if (msg->f.signing_cert_url.len != cert->url_len ||
		memcmp(msg->f.signing_cert_url.ptr, cert->url, cert->url_len) != 0)
		return bm_sig_fail(info, BM_SIG_CERT_INVALID, "SigningCertURL",
						   "the certificate was loaded from another URL than this message's SigningCertURL");
	if ((r = cert_current(cert, now, info)) != BM_SIG_VALID)
		return r;
	to_sign = bm_sns_msg_string_to_sign(msg);
	rc = bm_digest_verify(X509_get0_pubkey(cert->cert), msg->version == 1 ? "SHA1" : "SHA256",
						  &to_sign, 1, msg->sig, msg->siglen);
	if (rc < 0)
		return bm_sig_error(info, "Signature");
	if (rc == 0)
		return bm_sig_fail(info, BM_SIG_INVALID, "Signature",
						   "Signature does not match the message and the certificate");
	if (policy != NULL && bm_sig_outside_window(msg->timestamp, now, policy->max_skew))
		return bm_sig_fail(info, BM_SIG_STALE, "Timestamp", "Timestamp is more than %lld seconds away from now",
						   (long long) policy->max_skew);
	return bm_sig_ok(info);
}

bm_sig_result
bm_sig_sns(bm_str body, bm_str cert_pem, const bm_sns_trust *trust, const bm_sns_policy *policy,
		   int64_t now, bm_sig_info *info)
{
	bm_sns_msg *msg = NULL;
	bm_sns_cert *cert = NULL;
	bm_sig_result r;

	r = bm_sns_parse(body, policy, &msg, info);
	if (r == BM_SIG_VALID)
		r = bm_sns_cert_load(trust, msg->f.signing_cert_url, cert_pem, now, &cert, info);
	if (r == BM_SIG_VALID)
		r = bm_sns_verify(msg, cert, policy, now, info);
	bm_sns_cert_free(cert);
	bm_sns_msg_free(msg);
	return r;
}
