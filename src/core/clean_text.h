/*
 * clean_text.h — provider-sourced text made safe to show (clean_text.c): credentials removed, then every
 * byte that is not text written as \xNN, then cut.  Pure C; the PostgreSQL layer (http.c,
 * bm_http_clean_text) brings the request's secrets and the database encoding.
 */
#ifndef BM_CLEAN_TEXT_H
#define BM_CLEAN_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Secrets shorter than this (and shorter prefixes of a secret) are not redacted: they mean nothing. */
#define BM_SECRET_MIN 4

/*
 * Copies s[0..len) into out[cap] (NUL-terminated, cap >= 1) with the credentials removed: every occurrence
 * of each secret, and a prefix of one (BM_SECRET_MIN bytes or more) that the text ends with, become
 * "[redacted]"; what follows "Bearer " or "Basic " (ASCII case-insensitive) up to a space, quote, comma or
 * line end becomes "...".  Nothing else changes; a result longer than cap - 1 is cut (the secrets are
 * gone by then).  Returns its length.  cap >= 3 * len + 16 never cuts.
 */
size_t		bm_text_scrub(const char *s, size_t len, const char *const *secrets, int nsecrets, char *out,
						  size_t cap);

/*
 * Copies s[0..len) into out[cap] (NUL-terminated, cap >= 8) as printable text: tab, line feed, carriage
 * return and printable ASCII as they are; with utf8, well-formed UTF-8 sequences (RFC 3629) as they are;
 * every other byte (controls, NUL, DEL, bytes of ill-formed sequences, and without utf8 every byte above
 * 0x7f) as the four characters \xNN.  When it does not fit, it is cut at a character boundary and "..."
 * ends it.  Returns the length written.  The result is valid in any server encoding without utf8, and
 * valid UTF-8 with it.
 */
size_t		bm_text_escape(const char *s, size_t len, bool utf8, char *out, size_t cap);

#endif							/* BM_CLEAN_TEXT_H */
