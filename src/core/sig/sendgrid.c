/*
 * sendgrid.c — SendGrid's signed Event Webhook: ECDSA P-256 / SHA-256 over timestamp header ‖ raw body,
 * the key given as base64 DER SubjectPublicKeyInfo (webhook_sig.h).  Reads no clock, keeps nothing.
 */
#include "sig_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define SG_SIG_FIELD	BM_SIG_SENDGRID_SIGNATURE_HEADER
#define SG_TS_FIELD		BM_SIG_SENDGRID_TIMESTAMP_HEADER
#define SG_KEY_FIELD	"public key"

/* A key pasted from the settings page may end in a newline: drop white space of any kind around it. */
static bm_str
trim_key(bm_str s)
{
	while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t' || s.ptr[0] == '\r' || s.ptr[0] == '\n'))
	{
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t' ||
						 s.ptr[s.len - 1] == '\r' || s.ptr[s.len - 1] == '\n'))
		s.len--;
	return s;
}

/* The public key as EVP_PKEY: a PEM "PUBLIC KEY" block, or base64 of the DER SubjectPublicKeyInfo. */
static bm_sig_result
parse_key(bm_str key, EVP_PKEY **out, bm_sig_info *info)
{
	static const char pem_start[] = "-----BEGIN PUBLIC KEY-----";
	EVP_PKEY   *pkey = NULL;

	*out = NULL;
	if (key.len >= sizeof(pem_start) - 1 && memcmp(key.ptr, pem_start, sizeof(pem_start) - 1) == 0)
	{
		BIO		   *bio;

		if (key.len > INT_MAX)
			return bm_sig_fail(info, BM_SIG_MALFORMED, SG_KEY_FIELD, "public key is too long");
		if ((bio = BIO_new_mem_buf(key.ptr, (int) key.len)) == NULL)
			return bm_sig_error(info, SG_KEY_FIELD);
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		BIO_free(bio);
		if (pkey == NULL)
		{
			bm_crypto_clear_errors();
			return bm_sig_fail(info, BM_SIG_MALFORMED, SG_KEY_FIELD, "public key is not a PEM public key");
		}
	}
	else
	{
		unsigned char *der;
		const unsigned char *p;
		size_t		len;
		int			rc = bm_b64_decode(key, &der, &len);

		if (rc < 0)
			return bm_sig_error(info, SG_KEY_FIELD);
		if (rc == 0)
			return bm_sig_fail(info, BM_SIG_MALFORMED, SG_KEY_FIELD, "public key is not base64");
		p = der;
		pkey = d2i_PUBKEY(NULL, &p, (long) len);
		if (pkey != NULL && p != der + len)
		{
			EVP_PKEY_free(pkey);
			pkey = NULL;
		}
		free(der);
		if (pkey == NULL)
		{
			bm_crypto_clear_errors();
			return bm_sig_fail(info, BM_SIG_MALFORMED, SG_KEY_FIELD,
							   "public key is not a DER SubjectPublicKeyInfo (truncated or not a key)");
		}
	}
	{
		char		group[64];

		if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
			EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL) != 1 ||
			strcmp(group, SN_X9_62_prime256v1) != 0)
		{
			EVP_PKEY_free(pkey);
			bm_crypto_clear_errors();
			return bm_sig_fail(info, BM_SIG_MALFORMED, SG_KEY_FIELD, "public key is not an ECDSA P-256 key");
		}
	}
	*out = pkey;
	return BM_SIG_VALID;
}

/* True when der is exactly one DER ECDSA-Sig-Value (SEQUENCE of two INTEGERs), nothing after it. */
static bool
is_ecdsa_der(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	ECDSA_SIG  *sig = d2i_ECDSA_SIG(NULL, &p, (long) len);
	bool		ok = (sig != NULL && p == der + len);

	ECDSA_SIG_free(sig);
	bm_crypto_clear_errors();
	return ok;
}

/* A required header: MALFORMED when missing or empty. */
static bool
header_present(bm_str v, const char *field, const char *what, bm_sig_info *info)
{
	if (v.ptr == NULL)
		bm_sig_fail(info, BM_SIG_MALFORMED, field, "%s header missing", what);
	else if (v.len == 0)
		bm_sig_fail(info, BM_SIG_MALFORMED, field, "%s header is empty", what);
	else
		return true;
	return false;
}

bm_sig_result
bm_sig_sendgrid(bm_str body, bm_str signature, bm_str timestamp, bm_str public_key, int64_t now,
				int64_t max_skew, bm_sig_info *info)
{
	EVP_PKEY   *pkey = NULL;
	unsigned char *sig = NULL;
	size_t		siglen;
	int64_t		ts;
	int			rc;
	bm_sig_result r;

	bm_sig_info_reset(info);
	signature = bm_sig_trim(signature);
	timestamp = bm_sig_trim(timestamp);
	public_key = trim_key(public_key);
	if (body.ptr == NULL)
		body = (bm_str) {"", 0};

	if (!header_present(signature, SG_SIG_FIELD, "signature", info) ||
		!header_present(timestamp, SG_TS_FIELD, "timestamp", info))
		return info->result;
	if (!bm_sig_parse_unix(timestamp, &ts))
		return bm_sig_fail(info, BM_SIG_MALFORMED, SG_TS_FIELD,
						   "timestamp header is not a unix time in seconds (1 to 12 digits)");
	info->timestamp = ts;
	if (public_key.ptr == NULL || public_key.len == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, SG_KEY_FIELD, "public key is missing");

	rc = bm_b64_decode(signature, &sig, &siglen);
	if (rc < 0)
		return bm_sig_error(info, SG_SIG_FIELD);
	if (rc == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, SG_SIG_FIELD, "signature is not base64");
	if (!is_ecdsa_der(sig, siglen))
	{
		free(sig);
		return bm_sig_fail(info, BM_SIG_MALFORMED, SG_SIG_FIELD,
						   "signature is not a DER-encoded ECDSA signature (%zu bytes)", siglen);
	}
	r = parse_key(public_key, &pkey, info);
	if (r != BM_SIG_VALID)
	{
		free(sig);
		return r;
	}

	{
		bm_str		parts[2] = {timestamp, body};

		rc = bm_digest_verify(pkey, "SHA256", parts, 2, sig, siglen);
	}
	EVP_PKEY_free(pkey);
	free(sig);
	if (rc < 0)
		return bm_sig_error(info, SG_SIG_FIELD);
	if (rc == 0)
		return bm_sig_fail(info, BM_SIG_INVALID, SG_SIG_FIELD,
						   "signature does not match the body, timestamp and public key");
	if (bm_sig_outside_window(ts, now, max_skew))
		return bm_sig_fail(info, BM_SIG_STALE, SG_TS_FIELD,
						   "timestamp is more than %lld seconds away from now", (long long) max_skew);
	return bm_sig_ok(info);
}
