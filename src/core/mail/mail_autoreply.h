/*
 * mail_autoreply.h — is this message an RFC 3834 auto-reply (out of office, vacation)?  Headers only
 * (mail_autoreply.def); must not be asked before the bounce readers had their chance.
 */
#ifndef BM_MAIL_AUTOREPLY_H
#define BM_MAIL_AUTOREPLY_H

#include <stdbool.h>

#include "event.h"
#include "mail_header.h"

/*
 * True when the header block h (with its decoded Subject and From address) says auto-reply, and the
 * sender is not a system address (mailer-daemon, postmaster, root).
 */
bool		bm_autoreply_detect(const bm_hblock *h, bm_str subject, bm_str from_addr);

#endif							/* BM_MAIL_AUTOREPLY_H */
