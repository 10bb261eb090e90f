/*
 * list_check_bench.c — how fast bm_list_check goes through a list: 1,000,000 generated addresses (a fixed
 * seed) shaped like an imported list — people at big providers and at company domains, typos of the big
 * domains, disposable domains, role accounts, some junk — checked one after the other, once to warm up and
 * then timed.  Not built by make; from the repository root:
 *
 *   cc -O2 -Isrc/core bench/list_check_bench.c src/core/list_check.c src/core/address.c -o build/list_check_bench
 *   build/list_check_bench [count]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "list_check.h"

static const char *const big[] = {
#define BM_BIG_DOMAIN(name, suffix) name "." suffix,
#include "big_domains.def"
#undef BM_BIG_DOMAIN
};

static const char *const disposable[] = {
#define BM_DISPOSABLE_DOMAIN(domain) domain,
#include "disposable_domains.def"
#undef BM_DISPOSABLE_DOMAIN
};

static const char *const roles[] = {"info", "sales", "support", "noreply", "soumu", "admin"};
static const char *const suffixes[] = {"com", "co.jp", "ne.jp", "net", "org", "de", "jp", "co.uk"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static unsigned long long rng = 88172645463325252ULL;

static unsigned
next(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned) (rng % n);
}

static void
word(char *out, int min, int max)
{
	int			len = min + (int) next((unsigned) (max - min + 1));

	for (int i = 0; i < len; i++)
		out[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[next(i == 0 ? 26 : 36)];
	out[len] = '\0';
}

/* one edit at a random place of a big domain: swap, drop, double or replace a letter */
static void
typo_of(char *out, const char *d)
{
	size_t		n = strlen(d),
				i = next((unsigned) n - 1);

	strcpy(out, d);
	switch (next(4))
	{
		case 0:
			out[i] = d[i + 1];
			out[i + 1] = d[i];
			break;
		case 1:
			memmove(out + i, out + i + 1, n - i);
			break;
		case 2:
			memmove(out + i + 1, out + i, n - i + 1);
			break;
		default:
			out[i] = "abcdefghijklmnopqrstuvwxyz"[next(26)];
	}
}

static void
make_address(char *out, size_t size)
{
	char		local[40],
				domain[300],
				w[40];
	unsigned	kind = next(100);

	word(local, 3, 12);
	if (next(3) == 0)
	{
		word(w, 2, 8);
		strcat(local, ".");
		strcat(local, w);
	}
	if (kind < 45)
		strcpy(domain, big[next(NELEM(big))]);
	else if (kind < 75)
	{
		word(w, 4, 14);
		snprintf(domain, sizeof(domain), "%s.%s", w, suffixes[next(NELEM(suffixes))]);
	}
	else if (kind < 83)
		typo_of(domain, big[next(NELEM(big))]);
	else if (kind < 88)
		strcpy(domain, disposable[next(NELEM(disposable))]);
	else if (kind < 93)
	{
		strcpy(local, roles[next(NELEM(roles))]);
		word(w, 4, 14);
		snprintf(domain, sizeof(domain), "%s.co.jp", w);
	}
	else if (kind < 96)
	{
		snprintf(out, size, "%s %s <%s@%s>", local, local, local, big[next(NELEM(big))]);
		return;
	}
	else
	{
		snprintf(out, size, "%s at %s", local, big[next(NELEM(big))]);	/* junk */
		return;
	}
	snprintf(out, size, "%s@%s", local, domain);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	size_t		count = argc > 1 ? (size_t) atol(argv[1]) : 1000000;
	char	  (*addrs)[128] = malloc(count * sizeof(*addrs));
	size_t	   *lens = malloc(count * sizeof(*lens));
	bm_list_verdict v;
	bm_list_summary sum;
	double		t0,
				t1;

	if (addrs == NULL || lens == NULL)
		return 1;
	for (size_t i = 0; i < count; i++)
	{
		make_address(addrs[i], sizeof(addrs[i]));
		lens[i] = strlen(addrs[i]);
	}
	for (size_t i = 0; i < count && i < 100000; i++)	/* warm-up */
		bm_list_check(addrs[i], lens[i], &v);

	memset(&sum, 0, sizeof(sum));
	t0 = now();
	for (size_t i = 0; i < count; i++)
	{
		bm_list_check(addrs[i], lens[i], &v);
		bm_list_summary_add(&sum, &v);
	}
	t1 = now();

	printf("%zu addresses in %.3f s: %.0f addresses/s, %.2f us each\n", count, t1 - t0,
		   (double) count / (t1 - t0), (t1 - t0) * 1e6 / (double) count);
	printf("valid %llu, invalid %llu; role %llu, disposable %llu, typo %llu, reserved %llu; ok %llu, warn %llu, bad %llu\n",
		   (unsigned long long) sum.valid, (unsigned long long) (sum.total - sum.valid),
		   (unsigned long long) sum.role, (unsigned long long) sum.disposable, (unsigned long long) sum.typo,
		   (unsigned long long) sum.reserved, (unsigned long long) sum.risk[BM_LIST_RISK_OK],
		   (unsigned long long) sum.risk[BM_LIST_RISK_WARN], (unsigned long long) sum.risk[BM_LIST_RISK_BAD]);
	free(addrs);
	free(lens);
	return 0;
}
