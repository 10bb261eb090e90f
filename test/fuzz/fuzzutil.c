/*
 * fuzzutil.c — checks shared by the fuzz targets: UTF-8 well-formedness, written independently of the
 * core's own validator so that the targets do not check the core against itself.
 */
#include "fuzzutil.h"

int
fuzz_utf8_ok(const unsigned char *p, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		unsigned char c = p[i];
		size_t		k;

		if (c < 0x80)
		{
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 2;
		else if (c >= 0xe0 && c <= 0xef)
			k = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 4;
		else
			return 0;
		if (i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++)
		{
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
		}
		if ((c == 0xe0 && p[i + 1] < 0xa0) || (c == 0xed && p[i + 1] > 0x9f) ||
			(c == 0xf0 && p[i + 1] < 0x90) || (c == 0xf4 && p[i + 1] > 0x8f))
			return 0;
		i += k;
	}
	return 1;
}
