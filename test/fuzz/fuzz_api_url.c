/* fuzz_api_url.c — libFuzzer target for the URL origin checks (src/core/api_url.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_url.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *a = malloc(size + 1);
	size_t		half = size / 2;
	size_t		o;

	if (a == NULL)
		return 0;
	memcpy(a, data, size);
	a[size] = '\0';
	o = bm_url_origin_len(a);
	if (o > strlen(a))
		__builtin_trap();
	/* a URL is always on its own origin; split the input into two URLs as well */
	if (o > 0 && !bm_url_same_origin(a, a))
		__builtin_trap();
	a[half] = '\0';
	(void) bm_url_same_origin(a, a + half + (half < size ? 1 : 0));
	free(a);
	return 0;
}
