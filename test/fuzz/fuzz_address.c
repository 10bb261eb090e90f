/*
 * fuzz_address.c — libFuzzer target for address normalization: any bytes normalize or are rejected
 * without reading past the input; what normalizes is lower-case ASCII, within the RFC 5321 limits, has
 * its domain right after an '@', and normalizing it again changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy = malloc(size ? size : 1);
	char		out[BM_ADDRESS_BUF];
	char		again[BM_ADDRESS_BUF];
	size_t		len,
				dom,
				len2,
				dom2;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (bm_address_normalize(copy, size, out, &len, &dom) == BM_ADDR_OK)
	{
		if (len == 0 || len > BM_ADDRESS_MAX || out[len] != '\0' || strlen(out) != len)
			abort();
		if (dom < 2 || dom > len - 1 || out[dom - 1] != '@' || dom - 1 > BM_ADDRESS_LOCAL_MAX ||
			len - dom > BM_ADDRESS_DOMAIN_MAX)
			abort();
		for (size_t i = 0; i < len; i++)
		{
			if ((out[i] >= 'A' && out[i] <= 'Z') || (unsigned char) out[i] < 0x20 || out[i] == 0x7f)
				abort();
			if (out[i] == ' ' && i >= dom - 1)
				abort();		/* a space may only sit in a quoted local part */
		}
		if (bm_address_normalize(out, len, again, &len2, &dom2) != BM_ADDR_OK || len2 != len ||
			dom2 != dom || memcmp(out, again, len) != 0)
			abort();
	}
	free(copy);
	return 0;
}
