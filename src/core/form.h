/*
 * form.h — application/x-www-form-urlencoded bodies (Mandrill's webhook POST): find a field, walk the
 * fields, percent-decode.  Pure C, no allocation; decoding writes into a buffer the caller provides.
 */
#ifndef BM_FORM_H
#define BM_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"

/*
 * Finds the first field whose encoded name is exactly name ("name=value"): the value, still encoded, is
 * body[*vs, *ve).  False when there is none.
 */
bool		bm_form_find(const char *body, size_t len, const char *name, size_t *vs, size_t *ve);

/* Walks the fields of a body in order, still encoded; pieces between "&&" are skipped, a piece without
 * '=' is a name with an empty value (as the WHATWG form parser does). */
typedef struct bm_form_iter
{
	const char *body;
	size_t		len;
	size_t		pos;
} bm_form_iter;

void		bm_form_iter_init(bm_form_iter *it, const char *body, size_t len);
/* The next field's encoded name and value (value.ptr points just past '=', or is empty); false at the end. */
bool		bm_form_next(bm_form_iter *it, bm_str *name, bm_str *value);

/*
 * Decodes '+' (a space) and %XX of src into dst, which has room for len bytes (decoding never grows);
 * sets *dst_len.  False on a '%' not followed by two hex digits: *bad is its offset in src.
 */
bool		bm_form_decode(const char *src, size_t len, char *dst, size_t *dst_len, size_t *bad);

/* Offset in the encoded text [vs, ve) of decoded byte dec (so errors can point into the body). */
size_t		bm_form_encoded_offset(const char *text, size_t vs, size_t ve, size_t dec);

#endif							/* BM_FORM_H */
