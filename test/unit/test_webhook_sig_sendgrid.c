/* test_webhook_sig_sendgrid.c — SendGrid's signed Event Webhook (src/core/sig/sendgrid.c) on the real
 * ECDSA P-256 vector from sendgrid-python (test/fixtures/providers/sendgrid/signed_event_webhook) and
 * inputs derived from it: tampered body, wrong key and signature, timestamps, malformed base64 and DER. */
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "payload_harness.h"
#include "sig_harness.h"

#define SG_DIR "sendgrid/signed_event_webhook/"
#define SG_VEC SG_DIR "vector.json"

typedef struct sg_vec
{
	char	   *body;
	size_t		body_len;
	char	   *key;
	char	   *sig;
	char	   *ts;
	int64_t		now;
} sg_vec;

static void
sg_load(sg_vec *v)
{
	v->body = load_fixture(SG_DIR "body.raw", &v->body_len);
	v->key = vec_get(SG_VEC, "public_key_base64_der");
	v->sig = vec_get(SG_VEC, "header_X-Twilio-Email-Event-Webhook-Signature");
	v->ts = vec_get(SG_VEC, "header_X-Twilio-Email-Event-Webhook-Timestamp");
	v->now = atoll(v->ts);
}

static void
sg_free(sg_vec *v)
{
	free(v->body);
	free(v->key);
	free(v->sig);
	free(v->ts);
}

static bm_sig_result
sg_check(const sg_vec *v, bm_str body, const char *sig, const char *ts, const char *key, bm_sig_info *info)
{
	bm_sig_result r = bm_sig_sendgrid(body, S(sig), S(ts), S(key), v->now, 300, info);

	CHECK_NO_SECRET(info, v->key);
	return r;
}

#define BODY(v) ((bm_str) {(v).body, (v).body_len})

TEST(sig_sendgrid_real_vector)
{
	sg_vec		v;
	bm_sig_info info;
	char		sha[65];
	unsigned char md[32];
	unsigned int mdlen;
	char	   *want_len = vec_get(SG_VEC, "body_length_bytes");
	char	   *want_sha = vec_get(SG_VEC, "body_sha256_hex");

	sg_load(&v);
	/* the body is the byte-exact one the vector signs (trailing CRLF included) */
	CHECK_INT(v.body_len, atoll(want_len));
	EVP_Digest(v.body, v.body_len, md, &mdlen, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(sha + 2 * i, 3, "%02x", md[i]);
	CHECK_STR(sha, want_sha);
	free(want_len);
	free(want_sha);

	CHECK_SIG(sg_check(&v, BODY(v), v.sig, v.ts, v.key, &info), &info, BM_SIG_VALID);
	CHECK_INT(info.timestamp, 1600112502);
	CHECK_STR(info.token, "");
	/* no window at all; header white space; the key as a PEM block */
	CHECK_SIG(bm_sig_sendgrid(BODY(v), S(v.sig), S(v.ts), S(v.key), 0, 0, &info), &info, BM_SIG_VALID);
	{
		char		padded[256];
		char		pem[512];

		snprintf(padded, sizeof(padded), " \t%s ", v.sig);
		CHECK_SIG(sg_check(&v, BODY(v), padded, v.ts, v.key, &info), &info, BM_SIG_VALID);
		snprintf(pem, sizeof(pem), "-----BEGIN PUBLIC KEY-----\n%.64s\n%s\n-----END PUBLIC KEY-----\n",
				 v.key, v.key + 64);
		CHECK_SIG(sg_check(&v, BODY(v), v.sig, v.ts, pem, &info), &info, BM_SIG_VALID);
	}
	sg_free(&v);
}

TEST(sig_sendgrid_tampered)
{
	sg_vec		v;
	bm_sig_info info;
	char	   *wrong_key,
			   *wrong_sig,
			   *wrong_body;

	sg_load(&v);
	wrong_key = vec_get(SG_VEC, "negative_cases.wrong_public_key_base64_der");
	wrong_sig = vec_get(SG_VEC, "negative_cases.wrong_signature");
	wrong_body = vec_get(SG_VEC, "negative_cases.wrong_body");

	/* a body byte changed, the trailing CRLF dropped (a re-serialized body), the test's wrong body */
	v.body[10] ^= 0x01;
	CHECK_SIG(sg_check(&v, BODY(v), v.sig, v.ts, v.key, &info), &info, BM_SIG_INVALID);
	CHECK_STR(info.field, BM_SIG_SENDGRID_SIGNATURE_HEADER);
	v.body[10] ^= 0x01;
	CHECK_SIG(sg_check(&v, (bm_str) {v.body, v.body_len - 2}, v.sig, v.ts, v.key, &info), &info,
			  BM_SIG_INVALID);
	CHECK_SIG(sg_check(&v, S(wrong_body), v.sig, v.ts, v.key, &info), &info, BM_SIG_INVALID);
	CHECK_SIG(sg_check(&v, BM_STR_NULL, v.sig, v.ts, v.key, &info), &info, BM_SIG_INVALID);
	/* another key, another signature, another (well-formed) timestamp */
	CHECK_SIG(sg_check(&v, BODY(v), v.sig, v.ts, wrong_key, &info), &info, BM_SIG_INVALID);
	CHECK_SIG(sg_check(&v, BODY(v), wrong_sig, v.ts, v.key, &info), &info, BM_SIG_INVALID);
	CHECK_SIG(sg_check(&v, BODY(v), v.sig, "1600112503", v.key, &info), &info, BM_SIG_INVALID);
	free(wrong_key);
	free(wrong_sig);
	free(wrong_body);
	sg_free(&v);
}

TEST(sig_sendgrid_window)
{
	sg_vec		v;
	bm_sig_info info;

	sg_load(&v);
	CHECK_SIG(bm_sig_sendgrid(BODY(v), S(v.sig), S(v.ts), S(v.key), v.now + 300, 300, &info), &info,
			  BM_SIG_VALID);
	CHECK_SIG(bm_sig_sendgrid(BODY(v), S(v.sig), S(v.ts), S(v.key), v.now + 301, 300, &info), &info,
			  BM_SIG_STALE);
	CHECK_STR(info.field, BM_SIG_SENDGRID_TIMESTAMP_HEADER);
	CHECK_SIG(bm_sig_sendgrid(BODY(v), S(v.sig), S(v.ts), S(v.key), v.now - 301, 300, &info), &info,
			  BM_SIG_STALE);
	/* the window only speaks for authentic messages: a forged one is INVALID, not STALE */
	v.body[3] ^= 0x20;
	CHECK_SIG(bm_sig_sendgrid(BODY(v), S(v.sig), S(v.ts), S(v.key), v.now + 9999, 300, &info), &info,
			  BM_SIG_INVALID);
	sg_free(&v);
}

TEST(sig_sendgrid_malformed)
{
	sg_vec		v;
	bm_sig_info info;
	unsigned char *der;
	size_t		len;
	char	   *trunc_sig,
			   *trunc_key,
			   *long_sig;

	sg_load(&v);
	/* headers missing or empty, a timestamp that is not digits (sendgrid-python's wrong_timestamp) */
	CHECK_SIG(bm_sig_sendgrid(BODY(v), BM_STR_NULL, S(v.ts), S(v.key), v.now, 300, &info), &info,
			  BM_SIG_MALFORMED);
	CHECK_STR(info.field, BM_SIG_SENDGRID_SIGNATURE_HEADER);
	CHECK_STR(info.message, "signature header missing");
	CHECK_SIG(sg_check(&v, BODY(v), "  ", v.ts, v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.message, "signature header is empty");
	CHECK_SIG(bm_sig_sendgrid(BODY(v), S(v.sig), BM_STR_NULL, S(v.key), v.now, 300, &info), &info,
			  BM_SIG_MALFORMED);
	CHECK_STR(info.field, BM_SIG_SENDGRID_TIMESTAMP_HEADER);
	CHECK_SIG(sg_check(&v, BODY(v), v.sig, "timestamp", v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK_SIG(sg_check(&v, BODY(v), v.sig, "-1600112502", v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK_SIG(sg_check(&v, BODY(v), v.sig, "1600112502000000", v.key, &info), &info, BM_SIG_MALFORMED);

	/* the signature: not base64, not padded, not DER, truncated DER, DER with trailing bytes */
	CHECK_SIG(sg_check(&v, BODY(v), "MEUC!IGHQVtGj+Y3L", v.ts, v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.message, "signature is not base64");
	CHECK_SIG(sg_check(&v, BODY(v), "MEUCIGHQVtG", v.ts, v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK_SIG(sg_check(&v, BODY(v), "bm90IERFUg==", v.ts, v.key, &info), &info, BM_SIG_MALFORMED);
	der = b64_decode(v.sig, &len);
	trunc_sig = b64_encode(der, len - 5);
	CHECK_SIG(sg_check(&v, BODY(v), trunc_sig, v.ts, v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK(strstr(info.message, "DER") != NULL);
	der = realloc(der, len + 1);
	der[len] = 0;
	long_sig = b64_encode(der, len + 1);
	CHECK_SIG(sg_check(&v, BODY(v), long_sig, v.ts, v.key, &info), &info, BM_SIG_MALFORMED);
	free(der);

	/* the key: missing, not base64, truncated DER, not a P-256 key */
	CHECK_SIG(sg_check(&v, BODY(v), v.sig, v.ts, "", &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.field, "public key");
	CHECK_SIG(sg_check(&v, BODY(v), v.sig, v.ts, "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4md", &info),
			  &info, BM_SIG_MALFORMED);
	der = b64_decode(v.key, &len);
	trunc_key = b64_encode(der, len - 9);
	CHECK_SIG(sg_check(&v, BODY(v), v.sig, v.ts, trunc_key, &info), &info, BM_SIG_MALFORMED);
	CHECK(strstr(info.message, "SubjectPublicKeyInfo") != NULL);
	free(der);
	CHECK_SIG(sg_check(&v, BODY(v), v.sig, v.ts, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
					   &info), &info, BM_SIG_MALFORMED);
	{
		EVP_PKEY   *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		unsigned char *spki = NULL;
		int			n = p384 ? i2d_PUBKEY(p384, &spki) : -1;
		char	   *k;

		CHECK(n > 0);
		k = b64_encode(spki, (size_t) n);
		CHECK_SIG(sg_check(&v, BODY(v), v.sig, v.ts, k, &info), &info, BM_SIG_MALFORMED);
		CHECK_STR(info.message, "public key is not an ECDSA P-256 key");
		free(k);
		OPENSSL_free(spki);
		EVP_PKEY_free(p384);
	}
	free(trunc_sig);
	free(trunc_key);
	free(long_sig);
	sg_free(&v);
}
