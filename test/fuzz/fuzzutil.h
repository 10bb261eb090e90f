/*
 * fuzzutil.h — checks shared by the fuzz targets (the Makefile links every file of test/fuzz that is not
 * a fuzz_ target into each target).  Must not depend on any core module: the targets check the core.
 */
#ifndef BM_FUZZUTIL_H
#define BM_FUZZUTIL_H

#include <stddef.h>

/* 1 when p[0..n) is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF), else 0. */
int			fuzz_utf8_ok(const unsigned char *p, size_t n);

#endif							/* BM_FUZZUTIL_H */
