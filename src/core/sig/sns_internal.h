/*
 * sns_internal.h — the SNS pieces shared by sns_url.c, sns_msg.c, sns_cert.c and sns.c: the parsed
 * message and certificate handles behind webhook_sig.h's opaque types, and the SNS host grammar.
 */
#ifndef BM_SNS_INTERNAL_H
#define BM_SNS_INTERNAL_H

#include <openssl/x509.h>

#include "json/json.h"
#include "sig_internal.h"

struct bm_sns_msg
{
	bj_doc		doc;			/* owns the decoded strings the fields point to */
	bm_sns_fields f;
	int			version;		/* SignatureVersion: 1 or 2 */
	int64_t		timestamp;		/* Timestamp in unix seconds */
	unsigned char *sig;			/* Signature, base64-decoded */
	size_t		siglen;
	char	   *to_sign;		/* the string to sign */
	size_t		to_sign_len;
};

struct bm_sns_trust
{
	X509_STORE *store;			/* trust anchors */
	STACK_OF(X509) *untrusted;	/* intermediates offered for chain building */
	unsigned	flags;			/* BM_SNS_TRUST_* */
};

struct bm_sns_cert
{
	X509	   *cert;			/* the signing certificate (chain checked at load) */
	char	   *url;			/* the SigningCertURL it was fetched from */
	size_t		url_len;
};

/* An SNS host split up: sns.<region>.amazonaws.com[.cn]. */
typedef struct bm_sns_host
{
	bm_str		host;			/* the whole host */
	bm_str		region;			/* e.g. "us-east-1" */
	bool		china;			/* the .amazonaws.com.cn domain */
} bm_sns_host;

/* Why a SigningCertURL / SubscribeURL breaks the rule (a phrase to put after the field name), or NULL. */
const char *bm_sns_cert_url_problem(bm_str url);
const char *bm_sns_subscribe_url_problem(bm_str url);

/* The host of a URL on an SNS host (false otherwise). */
bool		bm_sns_url_host(bm_str url, bm_sns_host *out);

#endif							/* BM_SNS_INTERNAL_H */
