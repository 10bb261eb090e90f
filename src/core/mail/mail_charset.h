/*
 * mail_charset.h — text in a declared charset to valid UTF-8 (glibc iconv, descriptors cached per parser),
 * with a bounded output buffer.  Must not allocate per byte, nor ever produce invalid UTF-8.
 */
#ifndef BM_MAIL_CHARSET_H
#define BM_MAIL_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#define BM_CHARSET_NAME_MAX		40	/* longer charset names are not charsets: treated as unknown */
#define BM_CHARSET_CACHE_SIZE	8	/* open iconv descriptors kept per parser */

typedef struct bm_charset_cache
{
	struct
	{
		char		name[BM_CHARSET_NAME_MAX + 1];	/* the iconv name it was opened for */
		void	   *cd;			/* iconv_t, or NULL for a name iconv does not know */
		unsigned	used;		/* last-use tick, for eviction */
	}			e[BM_CHARSET_CACHE_SIZE];
	int			n;
	unsigned	tick;
} bm_charset_cache;

void		bm_charset_cache_init(bm_charset_cache *cc);
void		bm_charset_cache_free(bm_charset_cache *cc);

/*
 * Converts in[0..len), declared as charset cs[0..cslen) (NULL/empty: none declared), to UTF-8 in
 * out[0..outcap).  US-ASCII, UTF-8 and undeclared text is checked as UTF-8; a charset iconv does not know
 * is treated the same way and *unknown is set.  Bytes that do not convert, and NULs, become U+FFFD or '?'.  Output stops at
 * outcap on a character boundary (*truncated set).  Returns the output length; the output is always valid
 * UTF-8.  unknown and truncated may be NULL.
 */
size_t		bm_charset_to_utf8(bm_charset_cache *cc, const char *cs, size_t cslen, const char *in, size_t len,
							   char *out, size_t outcap, bool *unknown, bool *truncated);

/* True when iconv can convert from the charset named cs (after alias mapping). */
bool		bm_charset_known(bm_charset_cache *cc, const char *cs, size_t cslen);

/* Copies in to out replacing each invalid UTF-8 byte and each NUL by U+FFFD; stops at outcap (char boundary). */
size_t		bm_utf8_sanitize(const char *in, size_t len, char *out, size_t outcap, bool *truncated);

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when p[0..avail) does not start with one. */
size_t		bm_utf8_seq_len(const unsigned char *p, size_t avail);

/* True when s[0..len) is valid UTF-8. */
bool		bm_utf8_valid(const char *s, size_t len);

#endif							/* BM_MAIL_CHARSET_H */
