/*
 * mail_stage.h — which SMTP command a bounce text says the error answered: stage phrases (mail_stage.def)
 * and transcript command lines (">>> RCPT To:<x>").  Pure functions; must not allocate.
 */
#ifndef BM_MAIL_STAGE_H
#define BM_MAIL_STAGE_H

#include <stddef.h>

#include "classify.h"

/*
 * The command named by the stage phrase furthest into low[0..len) (lower-case text, white space collapsed
 * to single spaces); BM_SMTP_NONE when none.
 */
bm_smtp_command bm_stage_find(const char *low, size_t len);

/* The command a transcript line's command word names ("RCPT To:<x>", "DATA", "MAIL From:", "EHLO x",
 * "." for the end of data); BM_SMTP_NONE for others (QUIT, RSET, ...). */
bm_smtp_command bm_stage_command_word(const char *s, size_t len);

#endif							/* BM_MAIL_STAGE_H */
