/*
 * fuzz_timefmt.c — libFuzzer target for timestamp parsing: any bytes parse or are rejected without
 * reading past the input; what parses is inside 1970..2100 and survives format -> parse unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy = malloc(size ? size : 1);
	char		buf[32];
	int64_t		us = -1,
				back = -2;
	bm_time_status st;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	st = bm_time_parse(copy, size, &us);
	if ((unsigned) st > BM_TIME_RANGE)
		abort();
	if (st == BM_TIME_OK)
	{
		if (us < BM_TIME_MIN_US || us > BM_TIME_MAX_US)
			abort();
		if (bm_time_format(us, buf) != 27)
			abort();
		if (bm_time_parse(buf, 27, &back) != BM_TIME_OK || back != us)
			abort();
	}
	else if (us != -1)
		abort();				/* *us untouched on error */
	if (size >= 8)
	{
		int64_t		v;

		memcpy(&v, data, 8);
		us = -1;
		st = bm_time_from_unix(v, &us);
		if (st == BM_TIME_OK && (us < BM_TIME_MIN_US || us > BM_TIME_MAX_US))
			abort();
	}
	free(copy);
	return 0;
}
