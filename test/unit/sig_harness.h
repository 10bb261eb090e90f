/*
 * sig_harness.h — test support for the webhook signature tests (test_webhook_sig_*.c): fixture values
 * from vector JSON files, base64 helpers for building bad inputs, and checks that a result came with a
 * consistent report and that no report ever contains secret material.
 */
#ifndef BM_SIG_HARNESS_H
#define BM_SIG_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "unit.h"
#include "webhook_sig.h"

/* The string at a dotted path ("negative_cases.wrong_signature") of ../fixtures/providers/<rel>, malloc'd;
 * aborts the run when missing. */
char	   *vec_get(const char *rel, const char *path);

/* A NUL-terminated string as a bm_str. */
static inline bm_str
S(const char *s)
{
	return (bm_str) {s, s ? strlen(s) : 0};
}

/* Base64 of bytes (malloc'd, NUL-terminated) and its inverse (malloc'd, *len set; NULL when invalid). */
char	   *b64_encode(const unsigned char *p, size_t len);
unsigned char *b64_decode(const char *s, size_t *len);

/* Replaces the first occurrence of from in text by to (malloc'd result; aborts when not found). */
char	   *replace_once(const char *text, const char *from, const char *to);

/* Unix seconds of an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SSZ". */
int64_t		unix_at(const char *iso);

void		check_result(const char *file, int line, const char *expr, bm_sig_result got,
						 const bm_sig_info *info, bm_sig_result want);
void		check_no_secret(const char *file, int line, const bm_sig_info *info, const char *secret);

/* The call returned want, info->result agrees, a failure has a message (printed when it differs), and
 * libcrypto's error queue is empty afterwards. */
#define CHECK_SIG(call, info, want) check_result(__FILE__, __LINE__, #call, (call), (info), (want))
/* Neither the message nor the field of info holds secret or any 8-byte piece of it. */
#define CHECK_NO_SECRET(info, secret) check_no_secret(__FILE__, __LINE__, (info), (secret))

#endif							/* BM_SIG_HARNESS_H */
