/*
 * sns_cert.c — what SNS signing certificates are trusted (trust store + intermediates) and the check of
 * one fetched certificate into a cacheable handle: chain, purpose, SNS names, RSA key (webhook_sig.h).
 */
#include "sns_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define CERT_FIELD		"certificate"
#define MAX_PEM_CERTS	500		/* a CA bundle holds ~150 */
#define MAX_CERT_CHAIN	10		/* certificates in a fetched SNS file */
#define MIN_RSA_BITS	2048

/*
 * Appends the PEM certificates of pem to into (at most max).  1 when the text held only certificates
 * (text between the blocks is ignored, as PEM readers do), 0 when a block is not a readable certificate
 * or there are more than max, -1 out of memory.  *count receives the number appended.
 */
static int
read_pem_certs(bm_str pem, STACK_OF(X509) *into, size_t max, size_t *count)
{
	BIO		   *bio;
	int			rc = 1;

	*count = 0;
	if (pem.len > INT_MAX)
		return 0;
	if ((bio = BIO_new_mem_buf(pem.len > 0 ? pem.ptr : "", (int) pem.len)) == NULL)
		return -1;
	for (;;)
	{
		X509	   *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		unsigned long e;

		if (x == NULL)
		{
			e = ERR_peek_last_error();
			if (!(ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE))
				rc = (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE) ? -1 : 0;
			break;
		}
		if (*count >= max || !sk_X509_push(into, x))
		{
			rc = (*count >= max) ? 0 : -1;
			X509_free(x);
			break;
		}
		(*count)++;
	}
	BIO_free(bio);
	bm_crypto_clear_errors();
	return rc;
}

/* Adds every certificate of pem to the store as a trust anchor. */
static bm_sig_result
add_anchors(X509_STORE *store, bm_str pem, bm_sig_info *info)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	size_t		n = 0;
	int			rc;
	bm_sig_result r = BM_SIG_VALID;

	if (certs == NULL)
		return bm_sig_error(info, "CA PEM");
	rc = read_pem_certs(pem, certs, MAX_PEM_CERTS, &n);
	if (rc < 0)
		r = bm_sig_error(info, "CA PEM");
	else if (rc == 0 || n == 0)
		r = bm_sig_fail(info, BM_SIG_MALFORMED, "CA PEM", "CA PEM text is not a list of PEM certificates");
	for (int i = 0; r == BM_SIG_VALID && i < sk_X509_num(certs); i++)
	{
		if (X509_STORE_add_cert(store, sk_X509_value(certs, i)) != 1)
		{
			unsigned long e = ERR_peek_last_error();

			/* the same certificate twice is fine */
			if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE)
				r = bm_sig_error(info, "CA PEM");
		}
	}
	sk_X509_pop_free(certs, X509_free);
	bm_crypto_clear_errors();
	return r;
}

bm_sig_result
bm_sns_trust_create(const char *ca_file, bm_str ca_pem, bm_str intermediates, unsigned flags,
					bm_sns_trust **out, bm_sig_info *info)
{
	bm_sns_trust *t;
	bm_sig_result r = BM_SIG_VALID;

	bm_sig_info_reset(info);
	*out = NULL;
	if ((t = calloc(1, sizeof(bm_sns_trust))) == NULL)
		return bm_sig_error(info, "");
	t->flags = flags;
	if ((t->store = X509_STORE_new()) == NULL || (t->untrusted = sk_X509_new_null()) == NULL)
		r = bm_sig_error(info, "");
	else if (ca_file != NULL && X509_STORE_load_file(t->store, ca_file) != 1)
		r = bm_sig_fail(info, BM_SIG_MALFORMED, "CA file", "cannot read the CA file as PEM certificates");
	else if (ca_pem.ptr != NULL)
		r = add_anchors(t->store, ca_pem, info);
	if (r == BM_SIG_VALID && sk_X509_OBJECT_num(X509_STORE_get0_objects(t->store)) <= 0)
		r = bm_sig_fail(info, BM_SIG_MALFORMED, "CA file", "no trust anchor: give a CA file or CA PEM text");
	if (r == BM_SIG_VALID && intermediates.ptr != NULL)
	{
		size_t		n;
		int			rc = read_pem_certs(intermediates, t->untrusted, MAX_PEM_CERTS, &n);

		if (rc < 0)
			r = bm_sig_error(info, "intermediates");
		else if (rc == 0 || n == 0)
			r = bm_sig_fail(info, BM_SIG_MALFORMED, "intermediates",
							"intermediate PEM text is not a list of PEM certificates");
	}
	bm_crypto_clear_errors();
	if (r != BM_SIG_VALID)
	{
		bm_sns_trust_free(t);
		return r;
	}
	*out = t;
	return bm_sig_ok(info);
}

void
bm_sns_trust_free(bm_sns_trust *trust)
{
	if (trust == NULL)
		return;
	X509_STORE_free(trust->store);
	sk_X509_pop_free(trust->untrusted, X509_free);
	free(trust);
}

/* ---- one certificate ---------------------------------------------------------------------------------- */

/* X509_verify_cert of leaf with the trust's intermediates and extra (the fetched file's other certs). */
static bm_sig_result
check_chain(const bm_sns_trust *trust, X509 *leaf, STACK_OF(X509) *extra, int64_t now, bm_sig_info *info)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_dup(trust->untrusted);
	bm_sig_result r = BM_SIG_VALID;

	if (ctx == NULL || untrusted == NULL)
		r = bm_sig_error(info, CERT_FIELD);
	for (int i = 0; r == BM_SIG_VALID && i < sk_X509_num(extra); i++)
	{
		if (!sk_X509_push(untrusted, sk_X509_value(extra, i)))
			r = bm_sig_error(info, CERT_FIELD);
	}
	if (r == BM_SIG_VALID && X509_STORE_CTX_init(ctx, trust->store, leaf, untrusted) != 1)
		r = bm_sig_error(info, CERT_FIELD);
	if (r == BM_SIG_VALID && X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER) != 1)
		r = bm_sig_error(info, CERT_FIELD);
	if (r == BM_SIG_VALID)
	{
		X509_STORE_CTX_set_time(ctx, 0, (time_t) now);
		if (trust->flags & BM_SNS_TRUST_PARTIAL_CHAIN)
			X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_PARTIAL_CHAIN);
		if (X509_verify_cert(ctx) != 1)
			r = bm_sig_fail(info, BM_SIG_CERT_INVALID, CERT_FIELD, "certificate chain not trusted: %s",
							X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	}
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);	/* the certificates belong to trust and extra */
	bm_crypto_clear_errors();
	return r;
}

/*
 * The certificate names the SNS signing service for the URL's host: the host itself, or one of the names
 * AWS's SDKs expect per region (aws-sdk-java-v2 SnsHostProvider: sns.amazonaws.com by default,
 * sns-signing.<region>.amazonaws.com for newer regions, sns-<region>.amazonaws.com.cn in China,
 * sns-us-gov-west-1.amazonaws.com for both GovCloud regions).  Subject alternative names are matched
 * (the common name only without any), exactly, without wildcards.
 */
static bool
names_sns(X509 *leaf, const bm_sns_host *h)
{
	const char *domain = h->china ? "amazonaws.com.cn" : "amazonaws.com";
	char		names[5][128];
	int			len[5];
	int			n = 0;
	int			reg = (int) h->region.len;

	len[n++] = snprintf(names[0], sizeof(names[0]), "%.*s", (int) h->host.len, h->host.ptr);
	len[n++] = snprintf(names[1], sizeof(names[0]), "sns.%s", domain);
	len[n++] = snprintf(names[2], sizeof(names[0]), "sns-signing.%.*s.%s", reg, h->region.ptr, domain);
	len[n++] = snprintf(names[3], sizeof(names[0]), "sns-%.*s.%s", reg, h->region.ptr, domain);
	if (h->region.len > 7 && memcmp(h->region.ptr, "us-gov-", 7) == 0)
		len[n++] = snprintf(names[4], sizeof(names[0]), "sns-us-gov-west-1.%s", domain);
	for (int i = 0; i < n; i++)
	{
		/* a name that did not fit is not tried (a cut name must never match) */
		if (len[i] > 0 && (size_t) len[i] < sizeof(names[0]) &&
			X509_check_host(leaf, names[i], (size_t) len[i], X509_CHECK_FLAG_NO_WILDCARDS, NULL) == 1)
			return true;
	}
	return false;
}

/* The leaf itself: not a CA, an SNS name, an RSA key of at least 2048 bits. */
static bm_sig_result
check_leaf(X509 *leaf, const bm_sns_host *h, bm_sig_info *info)
{
	EVP_PKEY   *key = X509_get0_pubkey(leaf);
	bm_sig_result r = BM_SIG_VALID;

	if (X509_check_ca(leaf) != 0)
		r = bm_sig_fail(info, BM_SIG_CERT_INVALID, CERT_FIELD, "certificate is a CA certificate");
	else if (!names_sns(leaf, h))
		r = bm_sig_fail(info, BM_SIG_CERT_INVALID, CERT_FIELD,
						"certificate is not issued to an Amazon SNS name for this region");
	else if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		r = bm_sig_fail(info, BM_SIG_CERT_INVALID, CERT_FIELD, "certificate key is not RSA");
	else if (EVP_PKEY_get_bits(key) < MIN_RSA_BITS)
		r = bm_sig_fail(info, BM_SIG_CERT_INVALID, CERT_FIELD, "certificate RSA key is shorter than %d bits",
						MIN_RSA_BITS);
	bm_crypto_clear_errors();
	return r;
}

/* A handle owning a reference to leaf and a copy of the URL. */
static bm_sig_result
make_handle(X509 *leaf, bm_str url, bm_sns_cert **out, bm_sig_info *info)
{
	bm_sns_cert *c = calloc(1, sizeof(bm_sns_cert));

	if (c == NULL || (c->url = malloc(url.len + 1)) == NULL || X509_up_ref(leaf) != 1)
	{
		if (c != NULL)
			free(c->url);
		free(c);
		return bm_sig_error(info, CERT_FIELD);
	}
	memcpy(c->url, url.ptr, url.len);
	c->url[url.len] = '\0';
	c->url_len = url.len;
	c->cert = leaf;
	*out = c;
	return BM_SIG_VALID;
}

bm_sig_result
bm_sns_cert_load(const bm_sns_trust *trust, bm_str cert_url, bm_str pem, int64_t now, bm_sns_cert **out,
				 bm_sig_info *info)
{
	STACK_OF(X509) *certs = NULL;
	X509	   *leaf;
	bm_sns_host host;
	const char *why;
	size_t		n = 0;
	int			rc;
	bm_sig_result r;

	bm_sig_info_reset(info);
	*out = NULL;
	if (trust == NULL)
		return bm_sig_fail(info, BM_SIG_MALFORMED, "trust", "no trust store given");
	if ((why = bm_sns_cert_url_problem(cert_url)) != NULL || !bm_sns_url_host(cert_url, &host))
		return bm_sig_fail(info, BM_SIG_BAD_CERT_URL, "SigningCertURL", "SigningCertURL %s",
						   why ? why : "is not on an Amazon SNS host");
	if (pem.ptr == NULL || pem.len == 0)
		return bm_sig_fail(info, BM_SIG_CERT_INVALID, CERT_FIELD, "certificate file is empty");
	if ((certs = sk_X509_new_null()) == NULL)
		return bm_sig_error(info, CERT_FIELD);
	rc = read_pem_certs(pem, certs, MAX_CERT_CHAIN, &n);
	if (rc < 0)
		r = bm_sig_error(info, CERT_FIELD);
	else if (rc == 0 || n == 0)
		r = bm_sig_fail(info, BM_SIG_CERT_INVALID, CERT_FIELD,
						"certificate file is not PEM certificates (at most %d)", MAX_CERT_CHAIN);
	else
	{
		leaf = sk_X509_shift(certs);	/* the rest are intermediates */
		r = check_chain(trust, leaf, certs, now, info);
		if (r == BM_SIG_VALID)
			r = check_leaf(leaf, &host, info);
		if (r == BM_SIG_VALID)
			r = make_handle(leaf, cert_url, out, info);
		X509_free(leaf);
	}
	sk_X509_pop_free(certs, X509_free);
	bm_crypto_clear_errors();
	return r == BM_SIG_VALID ? bm_sig_ok(info) : r;
}

void
bm_sns_cert_free(bm_sns_cert *cert)
{
	if (cert == NULL)
		return;
	X509_free(cert->cert);
	free(cert->url);
	free(cert);
}

/* ---- the issuing CA ------------------------------------------------------------------------------------ */

/* http(s)://crt.<[a-z0-9-]+>.amazontrust.com/<[A-Za-z0-9._-]+>.(cer|crt) */
static bool
amazon_issuer_url(const char *u, size_t n)
{
	static const char host_end[] = ".amazontrust.com/";
	size_t		i;
	size_t		start;

	if (n > 7 && memcmp(u, "http://", 7) == 0)
		i = 7;
	else if (n > 8 && memcmp(u, "https://", 8) == 0)
		i = 8;
	else
		return false;
	if (n - i < 4 || memcmp(u + i, "crt.", 4) != 0)
		return false;
	i += 4;
	for (start = i; i < n && ((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= '0' && u[i] <= '9') || u[i] == '-'); i++)
		;
	if (i == start || n - i < sizeof(host_end) - 1 || memcmp(u + i, host_end, sizeof(host_end) - 1) != 0)
		return false;
	i += sizeof(host_end) - 1;
	for (start = i; i < n; i++)
	{
		char		c = u[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
			  c == '_' || c == '-'))
			return false;
	}
	return n - start > 4 && (memcmp(u + n - 4, ".cer", 4) == 0 || memcmp(u + n - 4, ".crt", 4) == 0);
}

bm_sig_result
bm_sns_cert_issuer_url(bm_str pem, char *buf, size_t bufsize, bm_sig_info *info)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	AUTHORITY_INFO_ACCESS *aia = NULL;
	size_t		n = 0;
	int			rc;
	bm_sig_result r = BM_SIG_CERT_INVALID;

	bm_sig_info_reset(info);
	if (bufsize > 0)
		buf[0] = '\0';
	if (certs == NULL)
		return bm_sig_error(info, CERT_FIELD);
	rc = read_pem_certs(pem, certs, MAX_CERT_CHAIN, &n);
	if (rc < 0)
		r = bm_sig_error(info, CERT_FIELD);
	else if (rc == 0 || n == 0)
		bm_sig_fail(info, BM_SIG_CERT_INVALID, CERT_FIELD, "certificate file is not PEM certificates");
	else if ((aia = X509_get_ext_d2i(sk_X509_value(certs, 0), NID_info_access, NULL, NULL)) == NULL)
		bm_sig_fail(info, BM_SIG_CERT_INVALID, CERT_FIELD, "certificate names no issuer URL");
	for (int i = 0; aia != NULL && i < sk_ACCESS_DESCRIPTION_num(aia) && r == BM_SIG_CERT_INVALID; i++)
	{
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		const ASN1_IA5STRING *uri;

		if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers || ad->location->type != GEN_URI)
			continue;
		uri = ad->location->d.uniformResourceIdentifier;
		if (!amazon_issuer_url((const char *) ASN1_STRING_get0_data(uri), (size_t) ASN1_STRING_length(uri)) ||
			(size_t) ASN1_STRING_length(uri) >= bufsize)
			continue;
		memcpy(buf, ASN1_STRING_get0_data(uri), (size_t) ASN1_STRING_length(uri));
		buf[ASN1_STRING_length(uri)] = '\0';
		r = bm_sig_ok(info);
	}
	if (aia != NULL && r == BM_SIG_CERT_INVALID)
		bm_sig_fail(info, BM_SIG_CERT_INVALID, CERT_FIELD,
					"certificate names no issuer URL on crt.*.amazontrust.com that fits");
	AUTHORITY_INFO_ACCESS_free(aia);
	sk_X509_pop_free(certs, X509_free);
	bm_crypto_clear_errors();
	return r;
}

bm_sig_result
bm_sns_trust_add_intermediate(bm_sns_trust *trust, bm_str cert, bm_sig_info *info)
{
	static const char pem_start[] = "-----BEGIN";
	bm_sig_result r = BM_SIG_VALID;

	bm_sig_info_reset(info);
	if (trust == NULL)
		return bm_sig_fail(info, BM_SIG_MALFORMED, "trust", "no trust store given");
	if (cert.ptr == NULL || cert.len == 0)
		return bm_sig_fail(info, BM_SIG_MALFORMED, "intermediates", "intermediate certificate is empty");
	if (cert.len >= sizeof(pem_start) - 1 && memcmp(cert.ptr, pem_start, sizeof(pem_start) - 1) == 0)
	{
		size_t		n;
		int			rc = read_pem_certs(cert, trust->untrusted, MAX_CERT_CHAIN, &n);

		if (rc < 0)
			r = bm_sig_error(info, "intermediates");
		else if (rc == 0 || n == 0)
			r = bm_sig_fail(info, BM_SIG_MALFORMED, "intermediates",
							"intermediate PEM text is not a list of PEM certificates");
	}
	else
	{
		const unsigned char *p = (const unsigned char *) cert.ptr;
		X509	   *x = cert.len <= LONG_MAX ? d2i_X509(NULL, &p, (long) cert.len) : NULL;

		if (x == NULL || p != (const unsigned char *) cert.ptr + cert.len)
			r = bm_sig_fail(info, BM_SIG_MALFORMED, "intermediates",
							"intermediate is neither one DER certificate nor PEM text");
		else if (!sk_X509_push(trust->untrusted, x))
			r = bm_sig_error(info, "intermediates");
		else
			x = NULL;			/* the stack owns it */
		X509_free(x);
	}
	bm_crypto_clear_errors();
	return r == BM_SIG_VALID ? bm_sig_ok(info) : r;
}
