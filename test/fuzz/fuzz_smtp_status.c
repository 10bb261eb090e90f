/*
 * fuzz_smtp_status.c — libFuzzer target for the enhanced status parser: any bytes must parse or be
 * rejected without reading past the input, and whatever parses must format and re-parse to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_status.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bm_status	st;
	bm_status	again;
	char		buf[BM_STATUS_TEXT_MAX];
	size_t		n;

	/* copy to an exact-size heap block so ASan catches any read past the end */
	char	   *copy = malloc(size ? size : 1);

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (bm_status_parse(copy, size, &st))
	{
		if (!bm_status_is_valid(st))
			abort();
		n = bm_status_format(st, buf);
		if (!bm_status_parse(buf, n, &again) || again != st)
			abort();
	}
	bm_status_scan(copy, size, &st);
	free(copy);
	return 0;
}
