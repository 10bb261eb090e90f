/*
 * fuzz_csv.c — libFuzzer target for the CSV reader: any bytes end in BM_CSV_END or one BM_CSV_ERROR (with an
 * offset inside the input) after finitely many records; every field lies inside the buffer, is
 * NUL-terminated and holds no NUL; record line numbers never go down; the fields of a record take no more
 * bytes than the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy = malloc(size ? size : 1);
	char	   *buf = malloc(size + 1);
	bm_csv		r;
	bm_csv_field f[16];
	size_t		nf;
	size_t		records = 0;
	size_t		last_line = 0;
	bm_csv_status st;

	if (copy == NULL || buf == NULL)
		abort();
	memcpy(copy, data, size);
	bm_csv_init(&r, copy, size);
	while ((st = bm_csv_next(&r, buf, size + 1, f, 16, &nf)) == BM_CSV_RECORD)
	{
		size_t		total = 0;

		if (nf == 0 || nf > 16 || r.line < last_line || r.line == 0 || ++records > size)
			abort();
		last_line = r.line;
		for (size_t i = 0; i < nf; i++)
		{
			if (f[i].ptr < buf || f[i].ptr + f[i].len >= buf + size + 1 || f[i].ptr[f[i].len] != '\0' ||
				memchr(f[i].ptr, '\0', f[i].len) != NULL)
				abort();
			total += f[i].len + 1;
		}
		if (total > size + 1)
			abort();
	}
	if (st == BM_CSV_ERROR && (r.error == NULL || r.error_offset > size))
		abort();
	if (bm_csv_next(&r, buf, size + 1, f, 16, &nf) != st)
		abort();
	free(copy);
	free(buf);
	return 0;
}
