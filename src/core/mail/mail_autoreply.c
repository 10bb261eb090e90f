/*
 * mail_autoreply.c — RFC 3834 auto-reply detection from header fields and the Subject
 * (mail_autoreply.def).  Must not read the body nor allocate.
 */
#include "mail_autoreply.h"

#include <string.h>

typedef struct header_sign
{
	const char *field;
	const char *prefix;
} header_sign;

static const header_sign header_signs[] = {
#define BM_AUTOREPLY_HEADER(f, v) {f, v},
#define BM_AUTOREPLY_SUBJECT(p)
#define BM_AUTOREPLY_NOT_FROM(l)
#include "mail_autoreply.def"
#undef BM_AUTOREPLY_HEADER
#undef BM_AUTOREPLY_SUBJECT
#undef BM_AUTOREPLY_NOT_FROM
};

static const char *const subject_signs[] = {
#define BM_AUTOREPLY_HEADER(f, v)
#define BM_AUTOREPLY_SUBJECT(p) p,
#define BM_AUTOREPLY_NOT_FROM(l)
#include "mail_autoreply.def"
#undef BM_AUTOREPLY_HEADER
#undef BM_AUTOREPLY_SUBJECT
#undef BM_AUTOREPLY_NOT_FROM
};

static const char *const not_from[] = {
#define BM_AUTOREPLY_HEADER(f, v)
#define BM_AUTOREPLY_SUBJECT(p)
#define BM_AUTOREPLY_NOT_FROM(l) l,
#include "mail_autoreply.def"
#undef BM_AUTOREPLY_HEADER
#undef BM_AUTOREPLY_SUBJECT
#undef BM_AUTOREPLY_NOT_FROM
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

bool
bm_autoreply_detect(const bm_hblock *h, bm_str subject, bm_str from_addr)
{
	bool		sign = false;

	for (size_t i = 0; i < NELEM(not_from); i++)
		if (bm_str_iprefix(from_addr, not_from[i]) && from_addr.len > strlen(not_from[i]) &&
			from_addr.ptr[strlen(not_from[i])] == '@')
			return false;
	for (size_t i = 0; i < NELEM(header_signs) && !sign; i++)
	{
		bm_str		v = bm_str_trim(bm_hdr_get(h, header_signs[i].field));

		if (v.ptr != NULL && bm_str_iprefix(v, header_signs[i].prefix))
			sign = true;
	}
	subject = bm_str_trim(subject);
	for (size_t i = 0; i < NELEM(subject_signs) && !sign; i++)
		if (bm_str_iprefix(subject, subject_signs[i]))
			sign = true;
	return sign;
}
