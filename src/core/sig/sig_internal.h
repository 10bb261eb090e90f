/*
 * sig_internal.h — what the signature verifiers (src/core/sig/) share and nobody else uses: filling a
 * bm_sig_info, header-value trimming, and the libcrypto wrappers of crypto.c (EVP only, no own crypto).
 */
#ifndef BM_SIG_INTERNAL_H
#define BM_SIG_INTERNAL_H

#include <openssl/evp.h>

#include "json/json.h"
#include "webhook_sig.h"

/* Resets info for a new verification (every verifier calls it first). */
void		bm_sig_info_reset(bm_sig_info *info);

/* Sets info->result/field/message (printf-style; callers pass field names and lengths, never input or
 * key bytes) and returns result. */
bm_sig_result bm_sig_fail(bm_sig_info *info, bm_sig_result result, const char *field, const char *fmt,...)
			__attribute__((format(printf, 4, 5)));

/* VALID, clearing any message. */
bm_sig_result bm_sig_ok(bm_sig_info *info);

/* Out of memory / unexpected libcrypto failure, with a fixed message. */
bm_sig_result bm_sig_error(bm_sig_info *info, const char *field);

/* Drops surrounding spaces and tabs (HTTP optional white space) of a header value; NULL stays NULL. */
bm_str		bm_sig_trim(bm_str s);

/* A unix-seconds timestamp of 1..12 ASCII digits; false otherwise. */
bool		bm_sig_parse_unix(bm_str s, int64_t *out);

/* STALE check: |now - t| > max_skew with max_skew > 0 (no overflow). */
bool		bm_sig_outside_window(int64_t t, int64_t now, int64_t max_skew);

/*
 * Parses body (NULL reads as empty) as one JSON value and nothing after it into d (bj_doc_init'ed by the
 * caller, who frees it); VALID with *root set, else MALFORMED (or ERROR) with info filled for field "body".
 */
bm_sig_result bm_sig_parse_body(bj_doc *d, bm_str body, bj_ref *root, bm_sig_info *info);

/* ---- crypto.c: libcrypto wrappers ------------------------------------------------------------------ */

/*
 * Strict base64 (standard alphabet, '=' padding, length a multiple of 4, no white space) into a new
 * buffer (*out, free with free()).  1 decoded, 0 not base64 (or empty), -1 out of memory.
 */
int			bm_b64_decode(bm_str in, unsigned char **out, size_t *outlen);

/* Hex digits (either case, even count) into out (room for in.len / 2): 1, or 0 when not hex. */
int			bm_hex_decode(bm_str in, unsigned char *out, size_t outcap, size_t *outlen);

/*
 * HMAC over the concatenation of parts with EVP_MAC ("SHA1", "SHA256"); out needs EVP_MAX_MD_SIZE bytes.
 * 1 done, -1 libcrypto failure (the error queue is cleared).  key must not be empty.
 */
int			bm_hmac(const char *digest, bm_str key, const bm_str *parts, size_t nparts,
					unsigned char *out, size_t *outlen);

/*
 * EVP_DigestVerify with pkey over the concatenation of parts: 1 the signature matches, 0 it does not
 * (any verification failure, malformed signatures included), -1 libcrypto could not start (out of memory).
 */
int			bm_digest_verify(EVP_PKEY *pkey, const char *digest, const bm_str *parts, size_t nparts,
							 const unsigned char *sig, size_t siglen);

/* Equal lengths and equal bytes, in time independent of the contents (CRYPTO_memcmp). */
bool		bm_const_eq(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen);

/* Forgets whatever libcrypto left on this thread's error queue. */
void		bm_crypto_clear_errors(void);

#endif							/* BM_SIG_INTERNAL_H */
