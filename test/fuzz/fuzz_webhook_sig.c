/*
 * fuzz_webhook_sig.c — libFuzzer target for the webhook signature verifiers (src/core/sig/).  The first
 * input byte picks what runs, the rest is split at "\n@@\n" into up to five fields (body, header values,
 * key, URL, PEM).  After every call: the result is in range and agrees with the report, the message is
 * NUL-terminated and empty only for VALID, and libcrypto's error queue is empty.  SNS runs use the
 * TEST-ONLY PKI of test/fixtures/providers/ses/sns_signing (loaded once; the fuzzer runs from the
 * repository root) so fuzzed messages reach the certificate and signature checks.
 */
#define _GNU_SOURCE				/* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "read_file.h"
#include "webhook_sig.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS		5
#define SEP			"\n@@\n"
#define SIGN_DIR	"test/fixtures/providers/ses/sns_signing/"
#define FUZZ_NOW	INT64_C(1772359500)	/* 2026-03-01T10:05:00Z: the test PKI is valid */

static bm_sns_trust *trust;
static char *leaf_pem;
static size_t leaf_len;
static int	loaded;

static void
load_pki(void)
{
	size_t		ilen = 0;
	char	   *inter;
	bm_sig_info info;

	loaded = 1;
	inter = tc_read_file(SIGN_DIR "test_intermediate.pem", &ilen);
	leaf_pem = tc_read_file(SIGN_DIR "leaf.pem", &leaf_len);
	if (inter == NULL || leaf_pem == NULL ||
		bm_sns_trust_create(SIGN_DIR "test_root_ca.pem", BM_STR_NULL, (bm_str) {inter, ilen}, 0, &trust,
							&info) != BM_SIG_VALID)
		fprintf(stderr, "fuzz_webhook_sig: no test PKI in " SIGN_DIR " (run from the repository root)\n");
	free(inter);
}

/* The report is consistent with the result, and libcrypto kept nothing on its error queue. */
static void
check(bm_sig_result r, const bm_sig_info *info)
{
	size_t		mlen = strnlen(info->message, sizeof(info->message));

	if ((unsigned) r >= BM_SIG_RESULT_COUNT || info->result != r || bm_sig_result_name(r) == NULL ||
		mlen >= sizeof(info->message) || (r == BM_SIG_VALID) != (mlen == 0) || info->field == NULL ||
		strnlen(info->token, sizeof(info->token)) >= sizeof(info->token) || ERR_peek_error() != 0)
		__builtin_trap();
}

/* SNS: parse, then the certificate (the field's PEM, else the test leaf) and the signature. */
static void
run_sns(bm_str body, bm_str pem, bm_str topic)
{
	bm_sns_policy policy = {&topic, topic.len > 0 ? 1 : 0, 3600};
	bm_sns_msg *msg = NULL;
	bm_sns_cert *cert = NULL;
	bm_sig_info info;
	bm_sig_result r;
	bm_str		s;

	r = bm_sns_parse(body, &policy, &msg, &info);
	check(r, &info);
	if (r != BM_SIG_VALID)
	{
		if (msg != NULL)
			__builtin_trap();
		return;
	}
	/* the string to sign ends with the Type member */
	s = bm_sns_msg_string_to_sign(msg);
	if (s.len < 7 || s.ptr[s.len - 1] != '\n' || bm_sns_msg_fields(msg)->type.ptr == NULL)
		__builtin_trap();
	if (pem.len == 0 && leaf_pem != NULL)
		pem = (bm_str) {leaf_pem, leaf_len};
	r = bm_sns_cert_load(trust, bm_sns_msg_fields(msg)->signing_cert_url, pem, FUZZ_NOW, &cert, &info);
	check(r, &info);
	if ((r == BM_SIG_VALID) != (cert != NULL))
		__builtin_trap();
	if (cert != NULL)
	{
		r = bm_sns_verify(msg, cert, &policy, FUZZ_NOW, &info);
		check(r, &info);
	}
	bm_sns_cert_free(cert);
	bm_sns_msg_free(msg);
}

/* A certificate file, its issuer URL, and a trust built from fuzzed PEM (and DER) text. */
static void
run_cert(bm_str pem, bm_str url, bm_str ca_pem)
{
	bm_sns_cert *cert = NULL;
	bm_sns_trust *t = NULL;
	bm_sig_info info;
	bm_sig_result r;
	char		issuer[256];

	r = bm_sns_cert_load(trust, url.len ? url : (bm_str) {"https://sns.us-east-1.amazonaws.com/x.pem", 41}, pem,
						 FUZZ_NOW, &cert, &info);
	check(r, &info);
	bm_sns_cert_free(cert);
	r = bm_sns_cert_issuer_url(pem, issuer, sizeof(issuer), &info);
	check(r, &info);
	if (r == BM_SIG_VALID && strncmp(issuer, "http", 4) != 0)
		__builtin_trap();
	if (ca_pem.len > 0)
	{
		r = bm_sns_trust_create(NULL, ca_pem, pem, BM_SNS_TRUST_PARTIAL_CHAIN, &t, &info);
		check(r, &info);
		if ((r == BM_SIG_VALID) != (t != NULL))
			__builtin_trap();
		if (t != NULL)
		{
			r = bm_sns_trust_add_intermediate(t, url, &info);	/* DER or PEM */
			check(r, &info);
		}
		bm_sns_trust_free(t);
	}
}

/* True when the authority of an https URL (from "https://" to the first '/', '?' or '#') holds an '@'
 * (user info: the host would be what follows it).  An '@' in the query is data, not user info. */
static bool
authority_has_at(bm_str url)
{
	for (size_t i = 8; i < url.len && url.ptr[i] != '/' && url.ptr[i] != '?' && url.ptr[i] != '#'; i++)
		if (url.ptr[i] == '@')
			return true;
	return false;
}

static void
run_urls(bm_str url)
{
	bm_sig_info info;
	bm_sig_result r;

	r = bm_sns_check_cert_url(url, &info);
	check(r, &info);
	if (r == BM_SIG_VALID && (url.len < 25 || memcmp(url.ptr, "https://sns.", 12) != 0 ||
							  memcmp(url.ptr + url.len - 4, ".pem", 4) != 0 || memchr(url.ptr, '@', url.len) ||
							  memchr(url.ptr, '?', url.len) || memchr(url.ptr, '#', url.len)))
		__builtin_trap();
	r = bm_sns_check_subscribe_url(url, &info);
	check(r, &info);
	if (r == BM_SIG_VALID && (memcmp(url.ptr, "https://sns.", 12) != 0 || authority_has_at(url)))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bm_str		f[NFIELDS];
	const char *p;
	const char *end;
	char	   *copy;
	bm_sig_info info;
	int			n = 0;

	if (!loaded)
		load_pki();
	if (size < 1)
		return 0;
	/* fields point into a copy of exactly the input (ASan sees any read past a field's end) */
	if ((copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data, size);
	p = copy + 1;
	end = copy + size;
	for (int i = 0; i < NFIELDS; i++)
		f[i] = (bm_str) {NULL, 0};
	while (n < NFIELDS)
	{
		const char *sep = (n < NFIELDS - 1) ? memmem(p, (size_t) (end - p), SEP, 4) : NULL;

		f[n++] = (bm_str) {p, (size_t) ((sep ? sep : end) - p)};
		if (sep == NULL)
			break;
		p = sep + 4;
	}
	switch (data[0] % 7)
	{
		case 0:
			check(bm_sig_sendgrid(f[0], f[1], f[2], f[3], 1600112502, 300, &info), &info);
			break;
		case 1:
			check(bm_sig_mailgun(f[0], f[1], 1529006854, 300, &info), &info);
			break;
		case 2:
			check(bm_sig_mailgun_fields(f[0], f[1], f[2], f[3], 1529006854, 300, &info), &info);
			break;
		case 3:
			check(bm_sig_mandrill(f[0], f[1], f[2], f[3], &info), &info);
			break;
		case 4:
			run_sns(f[0], f[1], f[2]);
			break;
		case 5:
			run_cert(f[0], f[1], f[2]);
			break;
		default:
			run_urls(f[0]);
			break;
	}
	free(copy);
	return 0;
}
