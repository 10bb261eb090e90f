/*
 * fuzz_clean_text.c — libFuzzer target for provider text made safe to show (src/core/clean_text.c): after
 * bm_text_scrub no secret is left (not even as a trailing prefix); after bm_text_escape the text is
 * well-formed UTF-8 without control characters other than tab and line breaks, within its buffer, and the
 * ASCII mode leaves ASCII only.  The first byte picks the buffer size.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean_text.h"
#include "fuzzutil.h"

static const char *const secrets[] = {"SG.fuzzKEY", "key-abc123", "Zm9vOmJhcg=="};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t		cap;
	char	   *in;
	char	   *scrubbed;
	char	   *out;
	size_t		n;

	if (size < 1)
		return 0;
	cap = 8 + data[0];
	in = malloc(size - 1 ? size - 1 : 1);	/* exact size: ASan sees any read past the end */
	memcpy(in, data + 1, size - 1);
	scrubbed = malloc(3 * (size - 1) + 16);
	n = bm_text_scrub(in, size - 1, secrets, 3, scrubbed, 3 * (size - 1) + 16);
	if (n != strlen(scrubbed) && memchr(scrubbed, '\0', n) == NULL)
		abort();
	for (int k = 0; k < 3; k++)
	{
		size_t		sl = strlen(secrets[k]);

		if (memmem(scrubbed, n, secrets[k], sl) != NULL)
			abort();
		for (size_t p = BM_SECRET_MIN; p < sl && p <= n; p++)
			if (memcmp(scrubbed + n - p, secrets[k], p) == 0)
				abort();
	}
	for (int utf8 = 0; utf8 < 2; utf8++)
	{
		out = malloc(cap);
		n = bm_text_escape(scrubbed, strlen(scrubbed), utf8, out, cap);
		if (n >= cap || strlen(out) != n || !fuzz_utf8_ok((const unsigned char *) out, n))
			abort();
		for (size_t i = 0; i < n; i++)
		{
			unsigned char c = (unsigned char) out[i];

			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f || (!utf8 && c >= 0x80))
				abort();
		}
		free(out);
	}
	free(scrubbed);
	free(in);
	return 0;
}
