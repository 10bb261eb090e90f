/*
 * smtp_status.h — RFC 3463 enhanced status codes ("class.subject.detail") as one packed integer.
 * Pure C, no PostgreSQL headers: shared by the SQL type, the reply parser and the classifier.
 */
#ifndef BM_SMTP_STATUS_H
#define BM_SMTP_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * class * 1000000 + subject * 1000 + detail.  Class is 2, 4 or 5; subject and detail are 0..999.
 * Numeric order of the packed value is the (class, subject, detail) order.  0 means "no status".
 */
typedef uint32_t bm_status;

#define BM_STATUS_NONE      ((bm_status) 0)
#define BM_STATUS_TEXT_MAX  10          /* "5.999.999" plus the terminating NUL */

static inline bm_status
bm_status_make(unsigned cls, unsigned subject, unsigned detail)
{
	return (bm_status) (cls * 1000000u + subject * 1000u + detail);
}

static inline unsigned bm_status_class(bm_status st)   { return st / 1000000u; }
static inline unsigned bm_status_subject(bm_status st) { return (st / 1000u) % 1000u; }
static inline unsigned bm_status_detail(bm_status st)  { return st % 1000u; }

/* True when st encodes a valid status: class 2, 4 or 5, subject and detail <= 999. */
bool		bm_status_is_valid(bm_status st);

/*
 * Strict parse of a whole string: exactly DIGIT "." 1*3DIGIT "." 1*3DIGIT (RFC 3463 grammar), class
 * in {2,4,5}, nothing before or after.  Returns false (and leaves *out alone) on anything else.
 */
bool		bm_status_parse(const char *s, size_t len, bm_status *out);

/*
 * Reads a status at the start of p (no word-boundary checks: callers do those).  Returns the number of
 * bytes consumed, or 0 when p does not start with a status.
 */
size_t		bm_status_scan(const char *p, size_t len, bm_status *out);

/* Canonical text ("5.1.1"), NUL-terminated, into buf (at least BM_STATUS_TEXT_MAX bytes). Returns length. */
size_t		bm_status_format(bm_status st, char *buf);

#endif							/* BM_SMTP_STATUS_H */
