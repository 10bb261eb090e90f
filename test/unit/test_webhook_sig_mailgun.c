/* test_webhook_sig_mailgun.c — Mailgun's webhook signature (src/core/sig/mailgun.c) on the constructed
 * HMAC-SHA256 vector (test/fixtures/providers/mailgun/signature_vector_constructed.json): valid, tampered,
 * stale, wrong key, the token handed back for the replay check, malformed bodies and fields. */
#include <ctype.h>
#include <stdlib.h>

#include "payload_harness.h"
#include "sig_harness.h"

#define MG_VEC "mailgun/signature_vector_constructed.json"

typedef struct mg_vec
{
	char	   *key;
	char	   *ts;
	char	   *token;
	char	   *sig;
	int64_t		now;
} mg_vec;

static void
mg_load(mg_vec *v)
{
	v->key = vec_get(MG_VEC, "signing_key");
	v->ts = vec_get(MG_VEC, "timestamp");
	v->token = vec_get(MG_VEC, "token");
	v->sig = vec_get(MG_VEC, "signature_hex_hmac_sha256_of_timestamp_concat_token");
	v->now = atoll(v->ts) + 10;
}

static void
mg_free(mg_vec *v)
{
	free(v->key);
	free(v->ts);
	free(v->token);
	free(v->sig);
}

/* A webhook body around the vector's signature object (timestamp as a JSON string, or a number). */
static char *
mg_body(const char *ts, const char *token, const char *sig, bool ts_number)
{
	char	   *b = malloc(1024);

	if (b == NULL)
		abort();
	snprintf(b, 1024, "{\"signature\": {\"timestamp\": %s%s%s, \"token\": \"%s\", \"signature\": \"%s\"},\n"
			 " \"event-data\": {\"event\": \"failed\", \"severity\": \"permanent\", \"recipient\": \"a@example.com\"}}\n",
			 ts_number ? "" : "\"", ts, ts_number ? "" : "\"", token, sig);
	return b;
}

static bm_sig_result
mg_check(const mg_vec *v, const char *body, const char *key, int64_t now, bm_sig_info *info)
{
	bm_sig_result r = bm_sig_mailgun(S(body), S(key), now, 300, info);

	CHECK_NO_SECRET(info, v->key);
	return r;
}

TEST(sig_mailgun_vector)
{
	mg_vec		v;
	bm_sig_info info;
	char	   *b;

	mg_load(&v);
	b = mg_body(v.ts, v.token, v.sig, false);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_VALID);
	CHECK_STR(info.token, v.token);
	CHECK_INT(info.timestamp, 1529006854);
	free(b);
	/* the timestamp as a JSON number; the signature in upper case */
	b = mg_body(v.ts, v.token, v.sig, true);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_VALID);
	free(b);
	for (char *p = v.sig; *p; p++)
		*p = (char) toupper((unsigned char) *p);
	b = mg_body(v.ts, v.token, v.sig, false);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_VALID);
	free(b);
	/* the three values directly (a legacy form-encoded webhook) */
	CHECK_SIG(bm_sig_mailgun_fields(S(v.ts), S(v.token), S(v.sig), S(v.key), v.now, 300, &info), &info,
			  BM_SIG_VALID);
	mg_free(&v);
}

TEST(sig_mailgun_tampered_stale_wrong_key)
{
	mg_vec		v;
	bm_sig_info info;
	char	   *b;

	mg_load(&v);
	/* token or timestamp changed, the key of another account */
	b = mg_body(v.ts, "805a8ccd2ce932be8e98c221fe701c1b4a0afcb8bbd57726de", v.sig, false);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_INVALID);
	CHECK_STR(info.field, "signature.signature");
	CHECK_STR(info.token, "805a8ccd2ce932be8e98c221fe701c1b4a0afcb8bbd57726de");
	free(b);
	b = mg_body("1529006855", v.token, v.sig, false);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_INVALID);
	free(b);
	b = mg_body(v.ts, v.token, v.sig, false);
	CHECK_SIG(mg_check(&v, b, "key-8221462f0c915af3f6f2e2df7aa5a494", v.now, &info), &info, BM_SIG_INVALID);
	CHECK_SIG(mg_check(&v, b, "key-8221462f0c915af3f6f2e2df7aa5a49", v.now, &info), &info, BM_SIG_INVALID);
	/* stale: 5 minutes and 1 second either way; the token still comes back for the replay check */
	CHECK_SIG(mg_check(&v, b, v.key, atoll(v.ts) + 301, &info), &info, BM_SIG_STALE);
	CHECK_STR(info.field, "signature.timestamp");
	CHECK_STR(info.token, v.token);
	CHECK_SIG(mg_check(&v, b, v.key, atoll(v.ts) - 301, &info), &info, BM_SIG_STALE);
	CHECK_SIG(mg_check(&v, b, v.key, atoll(v.ts) + 300, &info), &info, BM_SIG_VALID);
	CHECK_SIG(bm_sig_mailgun(S(b), S(v.key), atoll(v.ts) + 86400 * 365, 0, &info), &info, BM_SIG_VALID);
	free(b);
	mg_free(&v);
}

TEST(sig_mailgun_malformed)
{
	mg_vec		v;
	bm_sig_info info;
	char	   *b;
	char		long_token[BM_SIG_TOKEN_MAX + 2];

	mg_load(&v);
	CHECK_SIG(mg_check(&v, "{\"signature\": ", v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.field, "body");
	CHECK_SIG(mg_check(&v, "", v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	CHECK_SIG(bm_sig_mailgun(BM_STR_NULL, S(v.key), v.now, 300, &info), &info, BM_SIG_MALFORMED);
	CHECK_SIG(mg_check(&v, "{\"event-data\": {}}", v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.field, "signature");
	CHECK_SIG(mg_check(&v, "{\"signature\": \"abc\"}", v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	CHECK_SIG(mg_check(&v, "{\"signature\": {}} x", v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	CHECK_SIG(mg_check(&v, "{\"signature\": {\"token\": \"t\", \"signature\": \"s\"}}", v.key, v.now, &info),
			  &info, BM_SIG_MALFORMED);
	CHECK_STR(info.field, "signature.timestamp");

	b = mg_body("15290068.54", v.token, v.sig, true);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	free(b);
	b = mg_body(v.ts, "", v.sig, false);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.field, "signature.token");
	free(b);
	memset(long_token, 'a', sizeof(long_token) - 1);
	long_token[sizeof(long_token) - 1] = '\0';
	b = malloc(2048);
	snprintf(b, 2048, "{\"signature\": {\"timestamp\": \"%s\", \"token\": \"%s\", \"signature\": \"%s\"}}",
			 v.ts, long_token, v.sig);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	free(b);
	b = mg_body(v.ts, "abc\\u0000def", v.sig, false);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	free(b);
	/* the signature: not hex, too short, too long */
	b = mg_body(v.ts, v.token, "g8ee56efb47078d508dc7100a25bc55819c7283154718348979a6cf208c0417a", false);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.field, "signature.signature");
	free(b);
	b = mg_body(v.ts, v.token, "f8ee56efb47078d508dc7100a25bc558", false);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	free(b);
	b = mg_body(v.ts, v.token, "f8ee56efb47078d508dc7100a25bc55819c7283154718348979a6cf208c0417a00", false);
	CHECK_SIG(mg_check(&v, b, v.key, v.now, &info), &info, BM_SIG_MALFORMED);
	free(b);
	/* no key */
	b = mg_body(v.ts, v.token, v.sig, false);
	CHECK_SIG(mg_check(&v, b, "", v.now, &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.field, "signing key");
	free(b);
	mg_free(&v);
}

TEST(sig_mailgun_docs_fixture)
{
	/* the documentation sample's signature object, checked with our test key: read, and not valid */
	size_t		len;
	char	   *body = load_fixture("mailgun/webhook_failed_permanent_suppress_bounce.json", &len);
	mg_vec		v;
	bm_sig_info info;

	mg_load(&v);
	CHECK_SIG(bm_sig_mailgun((bm_str) {body, len}, S(v.key), 0, 0, &info), &info, BM_SIG_INVALID);
	CHECK(info.token[0] != '\0');
	CHECK_NO_SECRET(&info, v.key);
	free(body);
	mg_free(&v);
}
