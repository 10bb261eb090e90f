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

/*
 * Phrases are searched by their first STAGE_KEY bytes: one memmem per distinct key (about 20 for the
 * 55 phrases), the whole phrase only where its key occurs.  Keys are found once, on first use.
 */
#define STAGE_KEY 8
#define NPHRASES (sizeof(phrases) / sizeof(phrases[0]))

static int	key_of[NPHRASES];	/* index of the phrase whose prefix is this phrase's key */
static bool keys_ready;

static void
build_keys(void)
{
	for (size_t i = 0; i < NPHRASES; i++)
	{
		size_t		kl = phrases[i].len < STAGE_KEY ? phrases[i].len : STAGE_KEY;

		key_of[i] = (int) i;
		for (size_t j = 0; j < i; j++)
		{
			size_t		jl = phrases[j].len < STAGE_KEY ? phrases[j].len : STAGE_KEY;

			if (jl == kl && memcmp(phrases[i].text, phrases[j].text, kl) == 0)
			{
				key_of[i] = key_of[j];
				break;
			}
		}
	}
	keys_ready = true;
}

bm_smtp_command
bm_stage_find(const char *low, size_t len)
{
	bm_smtp_command best = BM_SMTP_NONE;
	size_t		best_at = 0;
	bool		key_found[NPHRASES];

	if (low == NULL || len == 0)
		return BM_SMTP_NONE;
	if (!keys_ready)
		build_keys();
	for (size_t i = 0; i < NPHRASES; i++)
	{
		const char *p = low;
		size_t		left = len;
		const char *hit;
		const char *last = NULL;

		if (key_of[i] == (int) i)
		{
			size_t		kl = phrases[i].len < STAGE_KEY ? phrases[i].len : STAGE_KEY;

			key_found[i] = len >= kl && memmem(low, len, phrases[i].text, kl) != NULL;
		}
		if (!key_found[key_of[i]])
			continue;
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
