/*
 * mail_mime.h — the MIME structure of one message in a single pass: the parts, their types and where
 * their bodies are, without decoding anything.  Must not recurse, nor copy a body, nor look inside an
 * attached message beyond its header block.
 */
#ifndef BM_MAIL_MIME_H
#define BM_MAIL_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"
#include "mail_arena.h"
#include "mail_header.h"

/* Limits (defaults; bm_mime_limits can lower them). */
#define BM_MAIL_MAX_DEPTH			32	/* nested multiparts; deeper is an error (explicit stack, no recursion) */
#define BM_MAIL_MAX_PARTS			1000	/* MIME parts of one message, the message itself included */
#define BM_MAIL_MAX_HEADER_FIELDS	256 /* fields kept of the message's (and an attached message's) header */
#define BM_MAIL_MAX_HEADER_BYTES	(256 * 1024)	/* bytes of a header block whose fields are kept */
#define BM_MAIL_MAX_PART_FIELDS		24	/* fields looked at in a part's own header */
#define BM_MAIL_MAX_EMBEDDED		4	/* attached messages (message/rfc822, text/rfc822-headers) whose
										 * header block is read */
#define BM_MIME_TYPE_MAX			48

typedef enum bm_cte
{
	BM_CTE_IDENTITY = 0,		/* 7bit, 8bit, binary, none */
	BM_CTE_QP,
	BM_CTE_BASE64,
	BM_CTE_OTHER				/* x-uuencode and the like: kept raw */
} bm_cte;

typedef struct bm_mime_part
{
	int			parent;			/* index of the enclosing multipart, -1 for the message itself */
	int			depth;			/* 0 for the message, 1 for its parts, ... */
	char		type[BM_MIME_TYPE_MAX];	/* lower-case media type, "text/plain" when none is given */
	bm_str		charset;		/* the charset parameter as written (NULL ptr: none) */
	bm_str		boundary;		/* multiparts only */
	bm_cte		cte;
	bool		attachment;		/* Content-Disposition: attachment */
	size_t		start;			/* offset of the part's header (of the message for part 0) */
	size_t		body;			/* offset of the body */
	size_t		end;			/* offset just past the body (the line break before a delimiter excluded) */
	bm_hblock  *embedded;		/* message/rfc822, message/global, text/rfc822-headers (the first
								 * BM_MAIL_MAX_EMBEDDED): the attached header block; else NULL */
} bm_mime_part;

typedef struct bm_mime
{
	bm_hblock	header;			/* the message's own header block */
	bm_mime_part *parts;		/* parts[0] is the message itself; in document order */
	int			nparts;
	bool		unterminated;	/* a multipart ended without its closing delimiter */
	bool		header_truncated;	/* some header block held more than the limits: fields skipped */
} bm_mime;

typedef struct bm_mime_limits
{
	int			max_depth;		/* 0: BM_MAIL_MAX_DEPTH */
	int			max_parts;		/* 0: BM_MAIL_MAX_PARTS */
} bm_mime_limits;

typedef enum bm_mime_status
{
	BM_MIME_OK = 0,
	BM_MIME_NOT_EMAIL,			/* the input does not start with a header field */
	BM_MIME_TOO_DEEP,			/* multipart nesting beyond max_depth (at *err_offset) */
	BM_MIME_TOO_MANY_PARTS,		/* more than max_parts parts (at *err_offset) */
	BM_MIME_NO_MEMORY
} bm_mime_status;

/*
 * Reads the structure of the message msg[start..len).  An mbox "From " line before the header is skipped.
 * Delimiter lines are matched against every open multipart (an unterminated inner part ends at its
 * parent's delimiter).  One pass over the input; the work per delimiter-like line is bounded by
 * max_depth.  On error *err_offset is the offset of the offending line.
 */
bm_mime_status bm_mime_read(bm_arena *a, const char *msg, size_t len, size_t start, const bm_mime_limits *lim,
							bm_mime *out, size_t *err_offset);

/* Is the part of this media type one whose body is (or starts with) a header block? */
bool		bm_mime_type_is_message(const char *type);

#endif							/* BM_MAIL_MIME_H */
