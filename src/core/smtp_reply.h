/*
 * smtp_reply.h — find the SMTP reply code and enhanced status in a diagnostic text as providers and MTAs
 * really send it ("smtp; 550 5.1.1 <x@y>: ...", multi-line "550-5.1.1 ...", Exchange "#550 5.1.1 ...##",
 * "host mx[ip] said: 550 ...", "Remote Server returned '550 ...'"), and extract the human message.
 * Pure C, no PostgreSQL headers, no allocation, bounded stack, linear time.
 */
#ifndef BM_SMTP_REPLY_H
#define BM_SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "smtp_status.h"

typedef struct bm_reply
{
	int			reply_code;		/* 200..599, or 0 when the text carries none */
	bm_status	status;			/* enhanced status, or BM_STATUS_NONE */
	size_t		message_start;	/* offset in the text where the message after the chosen reply begins
								 * (the whole text when nothing was found) */
} bm_reply;

/* Finds the reply code and enhanced status that best describe the text.  Never fails. */
void		bm_reply_parse(const char *text, size_t len, bm_reply *out);

/*
 * Writes the human message into buf (capacity at least len + 1; NUL-terminated): the text from
 * r->message_start with the "smtp;" diagnostic type, the repeated multi-line prefixes ("550-5.1.1 ",
 * "550 5.1.1 ") and Exchange's "#...##" markers removed and white space collapsed to single spaces.
 * Returns the message length (0 when nothing is left).
 */
size_t		bm_reply_message(const char *text, size_t len, const bm_reply *r, char *buf);

#endif							/* BM_SMTP_REPLY_H */
