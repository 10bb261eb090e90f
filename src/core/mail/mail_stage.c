/*
 * mail_stage.c — finds the SMTP command a bounce text names (phrases of mail_stage.def, transcript
 * command words).  Must not allocate; one memmem per phrase over the given text.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "mail_stage.h"

#include <string.h>

typedef struct stage_phrase
{
	const char *text;
	size_t		len;
	bm_smtp_command cmd;
} stage_phrase;

static const stage_phrase phrases[] = {
#define BM_STAGE(text, cmd) {text, sizeof(text) - 1, cmd},
#include "mail_stage.def"
#undef BM_STAGE
};

bm_smtp_command
bm_stage_find(const char *low, size_t len)
{
	bm_smtp_command best = BM_SMTP_NONE;
	size_t		best_at = 0;

	if (low == NULL || len == 0)
		return BM_SMTP_NONE;
	for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
	{
		const char *p = low;
		size_t		left = len;
		const char *hit;
		const char *last = NULL;

		while (left >= phrases[i].len && (hit = memmem(p, left, phrases[i].text, phrases[i].len)) != NULL)
		{
			last = hit;
			left -= (size_t) (hit + 1 - p);
			p = hit + 1;
		}
		if (last != NULL && (best == BM_SMTP_NONE || (size_t) (last - low) >= best_at))
		{
			best = phrases[i].cmd;
			best_at = (size_t) (last - low);
		}
	}
	return best;
}

static bool
word_is(const char *s, size_t len, const char *w)
{
	size_t		n = strlen(w);

	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++)
	{
		char		c = s[i];

		if (c >= 'a' && c <= 'z')
			c = (char) (c - 32);
		if (c != w[i])
			return false;
	}
	return len == n || s[n] == ' ' || s[n] == ':' || s[n] == '\t' || s[n] == '<';
}

bm_smtp_command
bm_stage_command_word(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	if (word_is(s, len, "RCPT"))
		return BM_SMTP_RCPT;
	if (word_is(s, len, "DATA") || (len >= 1 && s[0] == '.' && (len == 1 || s[1] == ' ' || s[1] == '\r')))
		return BM_SMTP_DATA;
	if (word_is(s, len, "MAIL"))
		return BM_SMTP_MAIL;
	if (word_is(s, len, "EHLO"))
		return BM_SMTP_EHLO;
	if (word_is(s, len, "HELO"))
		return BM_SMTP_HELO;
	if (word_is(s, len, "BDAT"))
		return BM_SMTP_BDAT;
	return BM_SMTP_NONE;
}
