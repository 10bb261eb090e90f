/*
 * unit_main.c — runs every TEST() linked into the binary; prints failures and "N passed, N failed".
 * Exit status 0 only when nothing failed.  An optional argument runs only tests whose name contains it.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "unit.h"

#define UNIT_MAX_TESTS 4096

typedef struct unit_case
{
	const char *name;
	const char *file;
	unit_fn		fn;
} unit_case;

static unit_case cases[UNIT_MAX_TESTS];
static int	ncases;
static int	current_failures;

void
unit_register(const char *name, const char *file, unit_fn fn)
{
	if (ncases >= UNIT_MAX_TESTS)
	{
		fprintf(stderr, "too many unit tests\n");
		exit(2);
	}
	cases[ncases].name = name;
	cases[ncases].file = file;
	cases[ncases].fn = fn;
	ncases++;
}

void
unit_fail(const char *file, int line, const char *fmt,...)
{
	va_list		ap;

	current_failures++;
	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int
case_order(const void *a, const void *b)
{
	const unit_case *x = a;
	const unit_case *y = b;
	int			c = strcmp(x->file, y->file);

	return c != 0 ? c : strcmp(x->name, y->name);
}

int
main(int argc, char **argv)
{
	int			passed = 0;
	int			failed = 0;

	qsort(cases, (size_t) ncases, sizeof(unit_case), case_order);
	for (int i = 0; i < ncases; i++)
	{
		if (argc > 1 && strstr(cases[i].name, argv[1]) == NULL)
			continue;
		current_failures = 0;
		cases[i].fn();
		if (current_failures == 0)
			passed++;
		else
		{
			failed++;
			fprintf(stderr, "FAIL %s (%s)\n", cases[i].name, cases[i].file);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
