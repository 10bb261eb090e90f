/*
 * mail_parser.h — what the bounce-mail parser's files share (internal): the parser object, the view of one
 * message, field helpers (mail_fields.c) and the readers (mail_readers.c).  Not part of the API.
 */
#ifndef BM_MAIL_PARSER_H
#define BM_MAIL_PARSER_H

#include "bounce_mail.h"
#include "mail_arena.h"
#include "mail_charset.h"
#include "mail_header.h"
#include "mail_mime.h"
#include "mail_text.h"
#include "payload.h"

struct bm_mail_parser
{
	bm_arena	arena;
	bm_charset_cache cc;
	bm_parser  *payload;		/* JSON reader for SES notifications by e-mail (created on first use) */
	bm_mail_recipient *recs;
	int			nrecs;
	int			reccap;
	size_t		decoded;		/* bytes decoded for the current message (BM_MAIL_MAX_DECODED_BYTES) */
	const char *fallback_cs;
	bool		oom;
};

/* One message: the email, or a bounce forwarded inside it. */
typedef struct msg_view
{
	const char *msg;
	size_t		start;
	size_t		end;
	bm_mime		mime;
	bm_str		from;			/* decoded From */
	bm_str		from_addr;		/* its address, normalized */
	bm_str		subject;		/* decoded Subject */
	bm_str		message_id;
	int64_t		date;
	const bm_hblock *orig;		/* the returned message's header block, when attached */
	bm_str		text;			/* the report text (UTF-8) */
	const char *product;
	bool		bounce_like;
	bm_text_report tr;
} msg_view;

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* mail_fields.c: strings, dates, addresses, part bodies (every result in the parser's arena) */
void	   *mp_alloc(bm_mail_parser *p, size_t n);	/* sets p->oom on failure */
bm_str		mp_collapse(bm_mail_parser *p, bm_str s, size_t cap, bool lower);
bm_str		mp_strip_continuations(bm_str s);
bm_str		mp_field(bm_mail_parser *p, bm_str s);
bm_str		mp_msgid(bm_mail_parser *p, bm_str raw);
int64_t		mp_date(bm_mail_parser *p, bm_str raw);
bm_str		mp_header_address(bm_mail_parser *p, bm_str v);
bool		mp_contains(bm_str s, bm_str a);
bm_mail_recipient *mp_new_record(bm_mail_parser *p, const char *decoder);
bm_str		mp_part_text(bm_mail_parser *p, const msg_view *v, const bm_mime_part *part, size_t cap);

/* mail_readers.c: each adds the records it finds to p->recs */
void		mp_original_header(bm_mail_parser *p, const msg_view *v, bm_hblock *out, bool *found);
void		mp_read_arf(bm_mail_parser *p, msg_view *v, const bm_mime_part *fb);
void		mp_read_dsn(bm_mail_parser *p, msg_view *v);
void		mp_read_text(bm_mail_parser *p, msg_view *v);
void		mp_read_ses_json(bm_mail_parser *p, msg_view *v);
void		mp_read_autoreply(bm_mail_parser *p, msg_view *v);

/* bounce_mail.c */
const bm_mime_part *mp_forwarded_bounce(const msg_view *v);

#endif							/* BM_MAIL_PARSER_H */
