/*
 * unit.h — a tiny self-registering unit-test framework for the pure-C core (no PostgreSQL needed).
 * TEST(name) { CHECK(...); } in any test_*.c; unit_main.c runs them all and prints "N passed, N failed".
 */
#ifndef BM_UNIT_H
#define BM_UNIT_H

#include <stdio.h>
#include <string.h>

typedef void (*unit_fn) (void);

void		unit_register(const char *name, const char *file, unit_fn fn);
void		unit_fail(const char *file, int line, const char *fmt,...) __attribute__((format(printf, 3, 4)));

#define TEST(name) \
	static void name(void); \
	__attribute__((constructor)) static void register_##name(void) { unit_register(#name, __FILE__, name); } \
	static void name(void)

#define CHECK(cond) \
	do { if (!(cond)) unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); } while (0)

#define CHECK_INT(actual, expected) \
	do { long long a_ = (long long) (actual), e_ = (long long) (expected); \
		 if (a_ != e_) unit_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #actual, a_, e_); } while (0)

#define CHECK_STR(actual, expected) \
	do { const char *a_ = (actual), *e_ = (expected); \
		 if ((a_ == NULL) != (e_ == NULL) || (a_ && strcmp(a_, e_) != 0)) \
			 unit_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #actual, a_ ? a_ : "(null)", e_ ? e_ : "(null)"); } while (0)

#endif							/* BM_UNIT_H */
