/*
 * fuzz_smtp_reply.c — libFuzzer target for the reply parser: any bytes must parse without reading past the
 * input; the code, status and message it reports must be well formed and the message no longer than the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_reply.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bm_reply	r;
	bm_reply	again;
	char	   *copy;
	char	   *msg;
	size_t		n;

	/* copy to an exact-size heap block so ASan catches any read past the end */
	copy = malloc(size ? size : 1);
	msg = malloc(size + 1);
	if (copy == NULL || msg == NULL)
	{
		free(copy);
		free(msg);
		return 0;
	}
	memcpy(copy, data, size);

	bm_reply_parse(copy, size, &r);
	if (r.reply_code != 0 && (r.reply_code < 200 || r.reply_code > 559))
		abort();
	if (r.status != BM_STATUS_NONE && !bm_status_is_valid(r.status))
		abort();
	if (r.message_start > size)
		abort();
	if (r.reply_code == 0 && r.status == BM_STATUS_NONE && r.message_start != 0)
		abort();

	n = bm_reply_message(copy, size, &r, msg);
	if (n > size || msg[n] != '\0' || strlen(msg) > n)
		abort();
	/* white space folded: no leading, trailing or doubled spaces */
	if (n > 0 && (msg[0] == ' ' || msg[n - 1] == ' '))
		abort();
	for (size_t i = 1; i < n; i++)
		if (msg[i] == ' ' && msg[i - 1] == ' ')
			abort();

	/* deterministic, and no state kept between calls */
	bm_reply_parse(copy, size, &again);
	if (again.reply_code != r.reply_code || again.status != r.status || again.message_start != r.message_start)
		abort();

	free(copy);
	free(msg);
	return 0;
}
