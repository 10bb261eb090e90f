/*
 * crypto.c — the libcrypto calls of the signature verifiers (sig_internal.h): strict base64 and hex
 * decoding, HMAC through EVP_MAC, signature checks through EVP_DigestVerify, constant-time equality.
 * Nothing cryptographic is computed here by hand; every object is freed and the error queue cleared.
 */
#include "sig_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/params.h>

void
bm_crypto_clear_errors(void)
{
	ERR_clear_error();
}

static bool
b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '+' || c == '/';
}

int
bm_b64_decode(bm_str in, unsigned char **out, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *) in.ptr;
	size_t		pad = 0;
	unsigned char *buf;
	int			n;

	*out = NULL;
	*outlen = 0;
	if (s == NULL || in.len == 0 || in.len % 4 != 0 || in.len > INT_MAX / 2)
		return 0;
	if (s[in.len - 1] == '=')
		pad = (s[in.len - 2] == '=') ? 2 : 1;
	for (size_t i = 0; i < in.len - pad; i++)
	{
		if (!b64_char(s[i]))
			return 0;
	}
	buf = malloc(in.len / 4 * 3);
	if (buf == NULL)
		return -1;
	/* EVP_DecodeBlock decodes whole quads and counts the padding as zero bytes */
	n = EVP_DecodeBlock(buf, s, (int) in.len);
	if (n < 0 || (size_t) n != in.len / 4 * 3)
	{
		free(buf);
		bm_crypto_clear_errors();
		return 0;
	}
	*out = buf;
	*outlen = (size_t) n - pad;
	return 1;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
bm_hex_decode(bm_str in, unsigned char *out, size_t outcap, size_t *outlen)
{
	*outlen = 0;
	if (in.ptr == NULL || in.len == 0 || in.len % 2 != 0 || in.len / 2 > outcap)
		return 0;
	for (size_t i = 0; i < in.len; i += 2)
	{
		int			hi = hexval((unsigned char) in.ptr[i]);
		int			lo = hexval((unsigned char) in.ptr[i + 1]);

		if (hi < 0 || lo < 0)
			return 0;
		out[i / 2] = (unsigned char) (hi * 16 + lo);
	}
	*outlen = in.len / 2;
	return 1;
}

int
bm_hmac(const char *digest, bm_str key, const bm_str *parts, size_t nparts, unsigned char *out,
		size_t *outlen)
{
	EVP_MAC    *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM	params[2];
	int			rc = -1;

	*outlen = 0;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *) digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (key.ptr == NULL || key.len == 0)
		goto done;
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
		(ctx = EVP_MAC_CTX_new(mac)) == NULL ||
		EVP_MAC_init(ctx, (const unsigned char *) key.ptr, key.len, params) != 1)
		goto done;
	for (size_t i = 0; i < nparts; i++)
	{
		if (parts[i].len > 0 &&
			EVP_MAC_update(ctx, (const unsigned char *) parts[i].ptr, parts[i].len) != 1)
			goto done;
	}
	if (EVP_MAC_final(ctx, out, outlen, EVP_MAX_MD_SIZE) != 1)
		goto done;
	rc = 1;
done:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	bm_crypto_clear_errors();
	return rc;
}

int
bm_digest_verify(EVP_PKEY *pkey, const char *digest, const bm_str *parts, size_t nparts,
				 const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int			rc = -1;

	if (ctx == NULL || EVP_DigestVerifyInit_ex(ctx, NULL, digest, NULL, NULL, pkey, NULL) != 1)
		goto done;
	rc = 0;
	for (size_t i = 0; i < nparts; i++)
	{
		if (parts[i].len > 0 && EVP_DigestVerifyUpdate(ctx, parts[i].ptr, parts[i].len) != 1)
			goto done;
	}
	if (EVP_DigestVerifyFinal(ctx, sig, siglen) == 1)
		rc = 1;
done:
	EVP_MD_CTX_free(ctx);
	bm_crypto_clear_errors();
	return rc;
}

bool
bm_const_eq(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	if (alen != blen)
		return false;			/* lengths are public (a digest size) */
	return CRYPTO_memcmp(a, b, alen) == 0;
}
