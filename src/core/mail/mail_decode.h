/*
 * mail_decode.h — Content-Transfer-Encoding decoders (base64, quoted-printable, RFC 2047 "Q") into a
 * caller buffer.  Pure functions: no allocation, output never longer than the input or outcap.
 */
#ifndef BM_MAIL_DECODE_H
#define BM_MAIL_DECODE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Base64: bytes outside the alphabet (line breaks, spaces, junk, '=' padding) are skipped; a trailing
 * partial group yields the whole bytes it holds.  Stops when outcap bytes are written (*truncated set).
 * Returns the number of bytes written.
 */
size_t		bm_base64_decode(const char *in, size_t len, char *out, size_t outcap, bool *truncated);

/*
 * Quoted-printable (RFC 2045 6.7): "=XX" (either case) is a byte, "=" at the end of a line (trailing
 * white space allowed) is a soft line break, any other "=" stays as it is.  With q_header, '_' is a space
 * (RFC 2047 "Q" encoding).  Stops at outcap (*truncated set).  Returns the number of bytes written.
 */
size_t		bm_qp_decode(const char *in, size_t len, char *out, size_t outcap, bool q_header, bool *truncated);

#endif							/* BM_MAIL_DECODE_H */
