/*
 * webhook_sig.h — webhook signature verification for SendGrid (ECDSA P-256), Mailgun (HMAC-SHA256),
 * Mandrill (HMAC-SHA1) and Amazon SNS (SHA1/SHA256withRSA with an X.509 chain), on OpenSSL's libcrypto.
 * Pure C, no PostgreSQL headers, no clock reads, no network: the caller extracts the header values,
 * fetches SNS certificates and passes the current time.  Implementation in src/core/sig/.
 *
 * Every verifier returns a bm_sig_result and fills a bm_sig_info.  Messages never contain key, secret or
 * input bytes (only field names, lengths and OpenSSL's static reason texts), so they may be logged.
 * Checks run in this order: inputs (MALFORMED, BAD_CERT_URL, UNSUPPORTED_VERSION, TOPIC_NOT_ALLOWED), then
 * certificate (CERT_INVALID), then the signature (INVALID), and only for an authentic message the time
 * window (STALE): STALE therefore means "genuine but too old or too far ahead", i.e. a likely replay.
 * Every comparison of secret-derived bytes is constant-time (CRYPTO_memcmp).  No function keeps libcrypto
 * errors on the thread's error queue (the backend's own TLS code reads that queue).
 *
 * Left to the caller (the SQL layer): finding header values case-insensitively (HTTP names are); passing
 * the body exactly as received; remembering Mailgun tokens (info->token) and refusing one seen within the
 * window; fetching SNS certificates (only after bm_sns_parse accepted the URL; https, no redirects, a size
 * limit) and the issuing intermediate (bm_sns_cert_issuer_url, bm_sns_trust_add_intermediate), or
 * shipping it; caching the bm_sns_trust per session and bm_sns_cert handles per SigningCertURL; keeping
 * secrets out of its own errors and logs.
 */
#ifndef BM_WEBHOOK_SIG_H
#define BM_WEBHOOK_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* Header names the SQL layer extracts (HTTP header names are case-insensitive: match them so). */
#define BM_SIG_SENDGRID_SIGNATURE_HEADER	"X-Twilio-Email-Event-Webhook-Signature"
#define BM_SIG_SENDGRID_TIMESTAMP_HEADER	"X-Twilio-Email-Event-Webhook-Timestamp"
#define BM_SIG_MANDRILL_SIGNATURE_HEADER	"X-Mandrill-Signature"

/* The system CA bundle on Debian/Ubuntu (pass it to bm_sns_trust_create explicitly). */
#define BM_SIG_DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

typedef enum bm_sig_result
{
	BM_SIG_VALID = 0,
	BM_SIG_INVALID,				/* the signature does not match: wrong key, altered body or header */
	BM_SIG_STALE,				/* authentic, but the signed timestamp is outside the allowed window */
	BM_SIG_MALFORMED,			/* an input is missing or unusable: info->field, info->message */
	BM_SIG_BAD_CERT_URL,		/* SNS: SigningCertURL or SubscribeURL breaks the scheme/host/path rule */
	BM_SIG_TOPIC_NOT_ALLOWED,	/* SNS: TopicArn is not in the allowed list */
	BM_SIG_CERT_INVALID,		/* SNS: certificate unreadable, chain not trusted, expired, or not SNS's */
	BM_SIG_UNSUPPORTED_VERSION, /* SNS: SignatureVersion other than "1" and "2" */
	BM_SIG_ERROR,				/* out of memory or an unexpected libcrypto failure (not the sender's fault) */
	BM_SIG_RESULT_COUNT
} bm_sig_result;

#define BM_SIG_NO_TIME		INT64_MIN	/* bm_sig_info.timestamp when there is none */
#define BM_SIG_TOKEN_MAX	256			/* longest Mailgun token accepted */

typedef struct bm_sig_info
{
	bm_sig_result result;		/* the value returned */
	const char *field;			/* the input concerned ("X-Mandrill-Signature", "signature.token",
								 * "SigningCertURL", "webhook key", ...); "" when none.  Static text. */
	char		message[192];	/* a sentence for the user; "" for VALID */
	int64_t		timestamp;		/* the signed timestamp in unix seconds once parsed, else BM_SIG_NO_TIME */
	char		token[BM_SIG_TOKEN_MAX + 1];	/* Mailgun: the signed token, NUL-terminated, once parsed (keep
												 * it to refuse a replay); "" otherwise */
} bm_sig_info;

/* "valid", "invalid", "stale", "malformed", "bad_cert_url", "topic_not_allowed", "cert_invalid",
 * "unsupported_version", "error"; NULL for an unknown value. */
const char *bm_sig_result_name(bm_sig_result r);

/*
 * Time windows: now is the caller's current time in unix seconds; a signed timestamp t is STALE when
 * |now - t| > max_skew.  max_skew <= 0 disables the check.
 */

/*
 * SendGrid Event Webhook (signed): ECDSA P-256 with SHA-256 over timestamp ‖ body.
 *   body       the raw request body, byte for byte (a re-serialized JSON body does not verify)
 *   signature  X-Twilio-Email-Event-Webhook-Signature: base64 of the DER ECDSA signature
 *   timestamp  X-Twilio-Email-Event-Webhook-Timestamp: unix seconds, digits only
 *   public_key the verification key from SendGrid's settings: base64 of the DER SubjectPublicKeyInfo
 *              (a "-----BEGIN PUBLIC KEY-----" PEM block is accepted too); must be a P-256 key
 * Header values may carry surrounding spaces/tabs; a ptr of NULL means "header missing".
 */
bm_sig_result bm_sig_sendgrid(bm_str body, bm_str signature, bm_str timestamp, bm_str public_key,
							  int64_t now, int64_t max_skew, bm_sig_info *info);

/*
 * Mailgun webhook (JSON body {"signature": {"timestamp", "token", "signature"}, "event-data": ...}):
 * HMAC-SHA256 keyed with the webhook signing key over timestamp ‖ token, as lowercase hex (either case is
 * accepted).  info->token receives the token once it has been read (also on INVALID/STALE): the caller
 * keeps the tokens of accepted webhooks and refuses one it has seen (Mailgun's replay advice).
 */
bm_sig_result bm_sig_mailgun(bm_str body, bm_str signing_key, int64_t now, int64_t max_skew,
							 bm_sig_info *info);
/* The same check on the three values already extracted (e.g. from a legacy form-encoded webhook). */
bm_sig_result bm_sig_mailgun_fields(bm_str timestamp, bm_str token, bm_str signature, bm_str signing_key,
									int64_t now, int64_t max_skew, bm_sig_info *info);

/*
 * Mandrill (Mailchimp Transactional): X-Mandrill-Signature = base64(HMAC-SHA1(webhook key, data)) where
 * data = the webhook URL exactly as configured in Mandrill ‖ for each POST field sorted by name (byte
 * order): name ‖ value, both percent-decoded.  body is the raw application/x-www-form-urlencoded body.
 * A field name that occurs twice is MALFORMED (so the field the ingestion reads is the one verified).
 */
bm_sig_result bm_sig_mandrill(bm_str body, bm_str signature, bm_str webhook_url, bm_str webhook_key,
							  bm_sig_info *info);

/* ---- Amazon SNS ------------------------------------------------------------------------------------ */

/*
 * The URL rules.  SigningCertURL: https only, host exactly sns.<region>.amazonaws.com (or
 * sns.cn-<...>.amazonaws.com.cn for the China regions), region [a-z]{2}(-gov)?-[a-z]{1,16}-[0-9]{1,2}, lower
 * case, no user info, no port but :443, path of [A-Za-z0-9._-] segments ending in ".pem", no query, no
 * fragment.  SubscribeURL: the same scheme and host rule, path "/", a query carrying
 * Action=ConfirmSubscription, no fragment.  BM_SIG_VALID or BM_SIG_BAD_CERT_URL.
 */
bm_sig_result bm_sns_check_cert_url(bm_str url, bm_sig_info *info);
bm_sig_result bm_sns_check_subscribe_url(bm_str url, bm_sig_info *info);

/* A parsed SNS HTTP(S) message (Notification, SubscriptionConfirmation, UnsubscribeConfirmation). */
typedef struct bm_sns_msg bm_sns_msg;

/* Its members (decoded JSON strings; ptr NULL when absent).  Valid until bm_sns_msg_free. */
typedef struct bm_sns_fields
{
	bm_str		type;
	bm_str		message_id;
	bm_str		topic_arn;
	bm_str		subject;
	bm_str		message;
	bm_str		timestamp;
	bm_str		signature_version;
	bm_str		signature;
	bm_str		signing_cert_url;
	bm_str		subscribe_url;
	bm_str		token;
	bm_str		unsubscribe_url;
} bm_sns_fields;

typedef struct bm_sns_policy
{
	const bm_str *topics;		/* allowed TopicArn values (exact match); NULL or ntopics 0: any topic */
	size_t		ntopics;
	int64_t		max_skew;		/* seconds between Timestamp and now; <= 0: not checked.  SNS retries a
								 * delivery for up to an hour by default, so keep it above that. */
} bm_sns_policy;

/*
 * Step 1, before any certificate is fetched: parses the body (the JSON POSTed by SNS), checks that the
 * members needed for the message type are strings, SignatureVersion (UNSUPPORTED_VERSION), the Signature's
 * base64, SigningCertURL and, for confirmations, SubscribeURL (BAD_CERT_URL), and the TopicArn against
 * policy (may be NULL).  On VALID *out is the message (free with bm_sns_msg_free), else NULL.
 */
bm_sig_result bm_sns_parse(bm_str body, const bm_sns_policy *policy, bm_sns_msg **out, bm_sig_info *info);
const bm_sns_fields *bm_sns_msg_fields(const bm_sns_msg *msg);
/* The string to sign ("Message\n<value>\nMessageId\n...Type\n<value>\n") as AWS documents it. */
bm_str		bm_sns_msg_string_to_sign(const bm_sns_msg *msg);
void		bm_sns_msg_free(bm_sns_msg *msg);	/* NULL is a no-op */

/*
 * What certificates are trusted: an X509_STORE plus certificates offered as untrusted intermediates.
 * Create it once per session and reuse it (loading the system bundle takes milliseconds).
 *   ca_file        a PEM bundle of trust anchors (BM_SIG_DEFAULT_CA_FILE), or NULL
 *   ca_pem         more trust anchors as PEM text (ptr NULL: none)
 *   intermediates  PEM certificates that may complete a chain but are not trusted themselves (ptr NULL:
 *                  none).  SNS serves the signing certificate alone: its issuing CA (for the 2025/26
 *                  certificates "Amazon RSA 2048 M01", named in the certificate's Authority Information
 *                  Access) is not in the system bundle, so the caller must supply it here or the chain
 *                  cannot be built.
 *   flags          BM_SNS_TRUST_PARTIAL_CHAIN: a chain may end at any certificate of the store, not only a
 *                  self-signed root (to pin an intermediate or a leaf)
 * MALFORMED when a file or PEM cannot be read or no trust anchor results; ERROR when out of memory.
 */
#define BM_SNS_TRUST_PARTIAL_CHAIN 0x01

typedef struct bm_sns_trust bm_sns_trust;

bm_sig_result bm_sns_trust_create(const char *ca_file, bm_str ca_pem, bm_str intermediates,
								  unsigned flags, bm_sns_trust **out, bm_sig_info *info);
void		bm_sns_trust_free(bm_sns_trust *trust);		/* NULL is a no-op */

/*
 * Where the issuer of a fetched signing certificate can be fetched from, to complete the chain: the
 * certificate's Authority Information Access "CA Issuers" URL, accepted only on Amazon Trust Services'
 * hosts (http or https://crt.<name>.amazontrust.com/<file>.cer or .crt, nothing else), written with its
 * NUL into buf.  The file there is a DER certificate; plain http is fine, since the chain check decides
 * whether it is trusted.  VALID, CERT_INVALID (no such URL), ERROR.
 */
bm_sig_result bm_sns_cert_issuer_url(bm_str pem, char *buf, size_t bufsize, bm_sig_info *info);

/* Adds certificates (one DER certificate, or PEM text) to the trust's untrusted intermediates. */
bm_sig_result bm_sns_trust_add_intermediate(bm_sns_trust *trust, bm_str cert, bm_sig_info *info);

/*
 * Step 2: a certificate fetched from cert_url (the message's SigningCertURL), parsed and checked once, as
 * a handle the caller may cache per URL.  Checks: cert_url rule (BAD_CERT_URL); the first PEM certificate
 * is the signing certificate (further ones count as untrusted intermediates); the chain to a trust anchor
 * at time now, purpose TLS server (X509_verify_cert); not a CA; names the SNS service (subject
 * alternative name, or common name without one, no wildcards): the cert_url host, sns.amazonaws.com,
 * sns-signing.<region>.<domain>, sns-<region>.<domain> or sns.<domain> (what AWS's SDKs expect per region);
 * an RSA key of at least 2048 bits.  Failures are CERT_INVALID with OpenSSL's reason when it has one.
 * No revocation check (CRL/OCSP), as in AWS's own validators.
 */
typedef struct bm_sns_cert bm_sns_cert;

bm_sig_result bm_sns_cert_load(const bm_sns_trust *trust, bm_str cert_url, bm_str pem, int64_t now,
							   bm_sns_cert **out, bm_sig_info *info);
void		bm_sns_cert_free(bm_sns_cert *cert);	/* NULL is a no-op */

/*
 * Step 3: the message's signature with the certificate's key (SignatureVersion 1: SHA1withRSA, 2:
 * SHA256withRSA, PKCS#1 v1.5).  CERT_INVALID when cert was loaded for another SigningCertURL or is not
 * valid at now (a cached handle can expire); INVALID on a mismatch; then STALE per policy->max_skew.
 */
bm_sig_result bm_sns_verify(const bm_sns_msg *msg, const bm_sns_cert *cert, const bm_sns_policy *policy,
							int64_t now, bm_sig_info *info);

/* Steps 1 to 3 in one call, for a caller without a certificate cache. */
bm_sig_result bm_sig_sns(bm_str body, bm_str cert_pem, const bm_sns_trust *trust,
						 const bm_sns_policy *policy, int64_t now, bm_sig_info *info);

#endif							/* BM_WEBHOOK_SIG_H */
