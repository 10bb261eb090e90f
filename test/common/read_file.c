/*
 * read_file.c — one whole file into memory, for the test and benchmark programs.
 */
#include "read_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

char *
tc_read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf = NULL;
	long		n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
		(buf = malloc((size_t) n + 1)) != NULL)
	{
		if (fread(buf, 1, (size_t) n, f) == (size_t) n)
		{
			buf[n] = '\0';
			*len = (size_t) n;
		}
		else
		{
			free(buf);
			buf = NULL;
			errno = EIO;
		}
	}
	fclose(f);
	return buf;
}
