/* fuzz_api_page.c — libFuzzer target for the API page reader (SES NextToken included) and the Postmark
 * bounce ID lookup (src/core/api_page.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api_page.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bm_api_page page;

	if (bm_api_page_read((const char *) data, size, &page))
	{
		/* the strings are always terminated within their buffers */
		if (strlen(page.next) >= sizeof(page.next) || strlen(page.message) >= sizeof(page.message) ||
			strlen(page.first_id) >= sizeof(page.first_id) || strlen(page.next_token) >= sizeof(page.next_token))
			__builtin_trap();
		/* a token is either kept whole or said to be too long, never both */
		if (page.next_token_too_long && page.next_token[0] != '\0')
			__builtin_trap();
	}
	{
		char		id[24];

		if (bm_api_page_postmark_inactive_id((const char *) data, size, "a@b.c", id, sizeof(id)) &&
			(id[0] == '\0' || strlen(id) >= sizeof(id)))
			__builtin_trap();
	}
	return 0;
}
