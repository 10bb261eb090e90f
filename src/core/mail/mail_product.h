/*
 * mail_product.h — names the mail system that wrote a bounce and says whether a message looks like one
 * (mail_product.def).  Must not parse anything: substring tests on what the caller hands in.
 */
#ifndef BM_MAIL_PRODUCT_H
#define BM_MAIL_PRODUCT_H

#include <stdbool.h>

#include "event.h"
#include "mail_header.h"

/* The product name ("Postfix", "Exim", ...) or NULL; body is the report text (may be empty). */
const char *bm_product_detect(const bm_hblock *h, bm_str from, bm_str subject, bm_str body);

/* Does the message look like a bounce (sender, subject or fields of one)? */
bool		bm_product_bounce_like(const bm_hblock *h, bm_str from, bm_str subject);

#endif							/* BM_MAIL_PRODUCT_H */
