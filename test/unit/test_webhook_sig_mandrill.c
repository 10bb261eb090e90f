/* test_webhook_sig_mandrill.c — Mandrill's X-Mandrill-Signature (src/core/sig/mandrill.c) on the
 * constructed vectors of test/fixtures/providers/mandrill/signed_webhook (made by make_vector.py with
 * Python's hmac/hashlib/base64 per Mailchimp's documented algorithm): valid, tampered, wrong URL and key,
 * repeated fields, bad encodings; and the verified body ingests as the Mandrill events it holds. */
#include <stdlib.h>

#include "payload_harness.h"
#include "sig_harness.h"

#define MD_VEC "mandrill/signed_webhook/vector.json"

typedef struct md_vec
{
	char	   *url;
	char	   *key;
	char	   *sig;
	char	   *sig_fields;
	char	   *body;
	size_t		body_len;
	char	   *body_fields;
	size_t		body_fields_len;
} md_vec;

static void
md_load(md_vec *v)
{
	v->url = vec_get(MD_VEC, "url");
	v->key = vec_get(MD_VEC, "key");
	v->sig = vec_get(MD_VEC, "signature");
	v->sig_fields = vec_get(MD_VEC, "signature_fields");
	v->body = load_fixture("mandrill/signed_webhook/body.raw", &v->body_len);
	v->body_fields = load_fixture("mandrill/signed_webhook/body_fields.raw", &v->body_fields_len);
}

static void
md_free(md_vec *v)
{
	free(v->url);
	free(v->key);
	free(v->sig);
	free(v->sig_fields);
	free(v->body);
	free(v->body_fields);
}

static bm_sig_result
md_check(const md_vec *v, const char *body, const char *sig, const char *url, const char *key,
		 bm_sig_info *info)
{
	bm_sig_result r = bm_sig_mandrill(S(body), S(sig), S(url), S(key), info);

	CHECK_NO_SECRET(info, v->key);
	return r;
}

TEST(sig_mandrill_vectors)
{
	md_vec		v;
	bm_sig_info info;
	capture		c;

	md_load(&v);
	CHECK_SIG(md_check(&v, v.body, v.sig, v.url, v.key, &info), &info, BM_SIG_VALID);
	CHECK_INT(info.timestamp, BM_SIG_NO_TIME);
	/* three fields in unsorted order, '+', %26 and UTF-8 in the values */
	CHECK_SIG(md_check(&v, v.body_fields, v.sig_fields, v.url, v.key, &info), &info, BM_SIG_VALID);
	/* the body that verified is the one the ingestion reads */
	capture_run(&c, v.body, v.body_len, BM_PROVIDER_AUTO);
	CHECK_RUN(c, BM_PAYLOAD_OK, BM_PROVIDER_MANDRILL, 1, 0, 0);
	capture_free(&c);
	md_free(&v);
}

TEST(sig_mandrill_tampered)
{
	md_vec		v;
	bm_sig_info info;
	char	   *t;

	md_load(&v);
	t = replace_once(v.body, "hard_bounce", "soft_bounce");
	CHECK_SIG(md_check(&v, t, v.sig, v.url, v.key, &info), &info, BM_SIG_INVALID);
	CHECK_STR(info.field, BM_SIG_MANDRILL_SIGNATURE_HEADER);
	free(t);
	/* another encoding of the same text still verifies (the values are decoded first) */
	t = replace_once(v.body, "Webhook+Test", "Webhook%20Test");
	CHECK_SIG(md_check(&v, t, v.sig, v.url, v.key, &info), &info, BM_SIG_VALID);
	free(t);
	/* a field added, one removed, the URL with a trailing slash or without its query, another key */
	t = replace_once(v.body_fields, "&Alpha=a%2Bb%3Dc", "");
	CHECK_SIG(md_check(&v, t, v.sig_fields, v.url, v.key, &info), &info, BM_SIG_INVALID);
	free(t);
	t = replace_once(v.body, "mandrill_events=", "extra=&mandrill_events=");
	CHECK_SIG(md_check(&v, t, v.sig, v.url, v.key, &info), &info, BM_SIG_INVALID);
	free(t);
	CHECK_SIG(md_check(&v, v.body, v.sig, "https://example.com/webhooks/mandrill/?source=bounce_mgmt", v.key,
					   &info), &info, BM_SIG_INVALID);
	CHECK_SIG(md_check(&v, v.body, v.sig, "https://example.com/webhooks/mandrill", v.key, &info), &info,
			  BM_SIG_INVALID);
	CHECK_SIG(md_check(&v, v.body, v.sig, v.url, "test-only-9f2c71e8d4a65b30e1c7a8", &info), &info,
			  BM_SIG_INVALID);
	CHECK_SIG(md_check(&v, v.body, v.sig_fields, v.url, v.key, &info), &info, BM_SIG_INVALID);
	md_free(&v);
}

TEST(sig_mandrill_malformed)
{
	md_vec		v;
	bm_sig_info info;
	char	   *t;

	md_load(&v);
	CHECK_SIG(bm_sig_mandrill(S(v.body), BM_STR_NULL, S(v.url), S(v.key), &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.message, "signature header missing");
	CHECK_SIG(md_check(&v, v.body, "", v.url, v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK_SIG(md_check(&v, v.body, "HkpZwYF9VOuy6RbGBBgkSBU6HVA", v.url, v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK_SIG(md_check(&v, v.body, "HkpZwYF9VOuy6RbGBBgk*BU6HVA=", v.url, v.key, &info), &info,
			  BM_SIG_MALFORMED);
	/* base64 of 32 bytes: a SHA-256 HMAC is not what Mandrill sends */
	CHECK_SIG(md_check(&v, v.body, "+O5W77RweNUI3HEAolvFWBnHKDFUcYNIl5ps8gjAQXo=", v.url, v.key, &info), &info,
			  BM_SIG_MALFORMED);
	CHECK(strstr(info.message, "32 bytes") != NULL);
	CHECK_SIG(md_check(&v, v.body, v.sig, "", v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.field, "webhook URL");
	CHECK_SIG(md_check(&v, v.body, v.sig, v.url, "", &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.field, "webhook key");
	/* a repeated field (also when only its decoded name repeats), a broken escape */
	t = replace_once(v.body, "mandrill_events=", "mandrill_events=x&mandrill_events=");
	CHECK_SIG(md_check(&v, t, v.sig, v.url, v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK_STR(info.field, "body");
	free(t);
	t = replace_once(v.body, "mandrill_events=", "mandrill%5Fevents=x&mandrill_events=");
	CHECK_SIG(md_check(&v, t, v.sig, v.url, v.key, &info), &info, BM_SIG_MALFORMED);
	free(t);
	t = replace_once(v.body, "%5B", "%5");
	CHECK_SIG(md_check(&v, t, v.sig, v.url, v.key, &info), &info, BM_SIG_MALFORMED);
	CHECK(strstr(info.message, "byte 16") != NULL);
	free(t);
	/* an empty body is a body without fields: only the URL is signed */
	CHECK_SIG(md_check(&v, "", v.sig, v.url, v.key, &info), &info, BM_SIG_INVALID);
	md_free(&v);
}

TEST(sig_mandrill_third_party_vector)
{
	/*
	 * An independent vector: a public Django project's Mandrill webhook test (poleno.mail, WebhookViewTest
	 * .test_post_request_with_valid_signature) posts mandrill_events=[] to a webhook configured as
	 * https://testhost/ with key "testkey" and signature mOvq6ELcRGPELc0BwAFZn/PLZQA=.
	 */
	bm_sig_info info;

	CHECK_SIG(bm_sig_mandrill(S("mandrill_events=%5B%5D"), S("mOvq6ELcRGPELc0BwAFZn/PLZQA="), S("https://testhost/"),
							  S("testkey"), &info), &info, BM_SIG_VALID);
	CHECK_NO_SECRET(&info, "testkey");
	CHECK_SIG(bm_sig_mandrill(S("mandrill_events=%5B+%5D"), S("mOvq6ELcRGPELc0BwAFZn/PLZQA="), S("https://testhost/"),
							  S("testkey"), &info), &info, BM_SIG_INVALID);
	CHECK_NO_SECRET(&info, "testkey");
}
