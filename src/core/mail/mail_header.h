/*
 * mail_header.h — RFC 5322 header blocks: fields located in place (no copy), unfolding, RFC 2047 encoded
 * words, MIME parameters (Content-Type boundary, charset).  Must not copy a field it is not asked for.
 */
#ifndef BM_MAIL_HEADER_H
#define BM_MAIL_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"
#include "mail_arena.h"
#include "mail_charset.h"

typedef struct bm_hfield
{
	bm_str		name;			/* as written, in the message */
	bm_str		value;			/* raw: after the colon, folding line breaks included, in the message */
} bm_hfield;

typedef struct bm_hblock
{
	bm_hfield  *fields;			/* arena; NULL when no field was kept */
	int			n;
	size_t		start;			/* offset of the first field line */
	size_t		body;			/* offset just after the blank line (or of the first non-header line) */
	bool		truncated;		/* more fields (or bytes) than the limits: the extra ones were skipped */
} bm_hblock;

/*
 * Reads the header block at msg[pos..len): field lines and their continuation lines, up to an empty line
 * (CRLF, LF or CR line ends), the end of the input, or a line that is neither a field nor a continuation.
 * Keeps at most max_fields fields (0 keeps none: only finds the end) and only the first max_bytes bytes
 * of the block; beyond them the block is scanned to its end but fields are skipped (out->truncated).
 * With a == NULL the fields go into the caller's array out->fields (max_fields entries), nothing is
 * allocated.  Returns false only when the arena is exhausted.
 */
bool		bm_hdr_parse(bm_arena *a, const char *msg, size_t len, size_t pos, int max_fields, size_t max_bytes,
						 bm_hblock *out);

/* Is line[0..len) a header field line ("Name: ...", name of printable ASCII without ':' or space)? */
bool		bm_hdr_is_field_line(const char *line, size_t len);

/* The raw value of the first (or, with last, the last) field of that name (case-insensitive); NULL ptr if none. */
bm_str		bm_hdr_get(const bm_hblock *b, const char *name);
bm_str		bm_hdr_get_last(const bm_hblock *b, const char *name);

/* The value with folding removed (CR/LF dropped, each run of white space one space) and trimmed: a slice of
 * the message when there was nothing to change, else an arena copy.  NULL ptr on arena exhaustion. */
bm_str		bm_hdr_unfold(bm_arena *a, bm_str raw);

/*
 * The unfolded value with RFC 2047 encoded words (=?charset?B|Q?...?=) decoded and every byte converted to
 * valid UTF-8 (raw 8-bit bytes are taken as UTF-8, or as fallback_cs when they are not), at most cap bytes.
 * White space between adjacent encoded words is dropped.  Arena copy; NULL ptr on arena exhaustion.
 */
bm_str		bm_hdr_decode(bm_arena *a, bm_charset_cache *cc, bm_str raw, const char *fallback_cs, size_t cap);

/*
 * MIME parameter of a structured value ("multipart/report; boundary="x"; report-type=delivery-status"):
 * the value of parameter name (case-insensitive), quotes removed (backslash escapes kept as they are),
 * RFC 2231 "name*" and "name*0" forms accepted (the charset'lang' prefix dropped, not percent-decoded).
 * A slice of v; NULL ptr when absent.
 */
bm_str		bm_mime_param(bm_str v, const char *name);

/* The media type of a Content-Type value, lower-cased into buf ("text/plain"); "" when none. */
void		bm_mime_type(bm_str v, char *buf, size_t bufsize);

/* Case-insensitive compare of s with a NUL-terminated lower-case literal: equal, prefix, contains. */
bool		bm_str_ieq(bm_str s, const char *lit);
bool		bm_str_iprefix(bm_str s, const char *lit);
bool		bm_str_icontains(bm_str s, const char *lit);

/* s without leading and trailing white space (CR/LF included). */
bm_str		bm_str_trim(bm_str s);

#endif							/* BM_MAIL_HEADER_H */
