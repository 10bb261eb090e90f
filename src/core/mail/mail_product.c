/*
 * mail_product.c — product names and bounce signs of mail_product.def, matched as case-insensitive
 * substrings of From, Subject, the report text, or field presence.  Must not allocate.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "mail_product.h"

#include <string.h>

#include <stddef.h>

enum
{
	BM_IN_FROM, BM_IN_SUBJECT, BM_IN_BODY, BM_IN_FIELD
};

typedef struct sign
{
	const char *name;
	int			where;
	const char *phrase;
} sign;

static const sign products[] = {
#define BM_PRODUCT(name, where, phrase) {name, where, phrase},
#define BM_BOUNCE_SIGN(where, phrase)
#include "mail_product.def"
#undef BM_PRODUCT
#undef BM_BOUNCE_SIGN
};

static const sign bounce_signs[] = {
#define BM_PRODUCT(name, where, phrase)
#define BM_BOUNCE_SIGN(where, phrase) {NULL, where, phrase},
#include "mail_product.def"
#undef BM_PRODUCT
#undef BM_BOUNCE_SIGN
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Body tests look at the first 4 kB of the report only: product banners are at its top. */
#define BODY_WINDOW 4096

static bool
matches(const sign *s, const bm_hblock *h, bm_str from, bm_str subject, bm_str body)
{
	switch (s->where)
	{
		case BM_IN_FROM:
			return bm_str_icontains(from, s->phrase);
		case BM_IN_SUBJECT:
			return bm_str_icontains(subject, s->phrase);
		case BM_IN_BODY:
			/* body is the lower-cased window (bm_product_detect) */
			return body.len > 0 && memmem(body.ptr, body.len, s->phrase, strlen(s->phrase)) != NULL;
		case BM_IN_FIELD:
			return bm_hdr_get(h, s->phrase).ptr != NULL;
	}
	return false;
}

const char *
bm_product_detect(const bm_hblock *h, bm_str from, bm_str subject, bm_str body)
{
	char		low[BODY_WINDOW];
	size_t		n = body.len < BODY_WINDOW ? body.len : BODY_WINDOW;

	for (size_t i = 0; i < n; i++)
		low[i] = (body.ptr[i] >= 'A' && body.ptr[i] <= 'Z') ? (char) (body.ptr[i] + 32) : body.ptr[i];
	for (size_t i = 0; i < NELEM(products); i++)
		if (matches(&products[i], h, from, subject, (bm_str) {low, n}))
			return products[i].name;
	return NULL;
}

bool
bm_product_bounce_like(const bm_hblock *h, bm_str from, bm_str subject)
{
	for (size_t i = 0; i < NELEM(bounce_signs); i++)
		if (matches(&bounce_signs[i], h, from, subject, BM_STR_NULL))
			return true;
	return false;
}
