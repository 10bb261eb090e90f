/*
 * read_file.h — one whole file into memory, for the test and benchmark programs (unit tests, fuzz targets,
 * the email accuracy harness and benchmark).
 */
#ifndef BM_TEST_READ_FILE_H
#define BM_TEST_READ_FILE_H

#include <stddef.h>

/* The file's bytes plus a terminating NUL (malloc'd; *len excludes the NUL), or NULL with errno set. */
char	   *tc_read_file(const char *path, size_t *len);

#endif
