/*
 * address.h — normalize and validate one recipient email address as providers report it ("Jane
 * <J@X.com>" -> "j@x.com").  Pure C, no allocation: the result is written into a caller buffer.
 */
#ifndef BM_ADDRESS_H
#define BM_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define BM_ADDRESS_LOCAL_MAX	64	/* RFC 5321 4.5.3.1.1 */
#define BM_ADDRESS_DOMAIN_MAX	255 /* RFC 5321 4.5.3.1.2 */
#define BM_ADDRESS_MAX		(BM_ADDRESS_LOCAL_MAX + 1 + BM_ADDRESS_DOMAIN_MAX)
#define BM_ADDRESS_BUF		(BM_ADDRESS_MAX + 1)	/* output buffer size: the address and a NUL */

typedef enum bm_address_status
{
	BM_ADDR_OK = 0,
	BM_ADDR_EMPTY,				/* nothing but white space, or "<>" */
	BM_ADDR_NO_AT,				/* no '@' outside quotes */
	BM_ADDR_MANY_AT,			/* more than one '@' outside quotes */
	BM_ADDR_LOCAL_EMPTY,
	BM_ADDR_LOCAL_TOO_LONG,		/* more than 64 bytes */
	BM_ADDR_DOMAIN_EMPTY,
	BM_ADDR_DOMAIN_TOO_LONG,	/* more than 255 bytes */
	BM_ADDR_DOMAIN_LABEL,		/* empty domain label: "x@.com", "x@a..com", "x@a.com." */
	BM_ADDR_BAD_CHAR,			/* white space, control character or a special outside quotes */
	BM_ADDR_BAD_UTF8,			/* bytes >= 0x80 that are not well-formed UTF-8 */
	BM_ADDR_BAD_SYNTAX			/* unbalanced quotes or angle brackets, text after '>' ... */
} bm_address_status;

/*
 * Normalizes in[0..len): trims white space, takes the address out of a "Display Name <addr>" or
 * "<addr>" form, lower-cases ASCII letters of the whole address and validates it.  On BM_ADDR_OK,
 * writes the address NUL-terminated to out (at least BM_ADDRESS_BUF bytes), its length to *out_len and
 * the offset of the domain (just after the '@') to *domain_off.  On error, out is unspecified.
 */
bm_address_status bm_address_normalize(const char *in, size_t len, char *out, size_t *out_len,
									   size_t *domain_off);

/* A short English phrase for a status ("no '@' in the address"). */
const char *bm_address_status_text(bm_address_status st);

#endif							/* BM_ADDRESS_H */
