/*
 * fuzz_list_check.c — libFuzzer target for list-import hygiene: any bytes give a well-formed verdict without
 * reading past the input; a valid address is lower-case printable ASCII within the RFC 5321 limits with a
 * host-name domain; every finding is really in the address; a suggestion differs from the domain and, for a
 * provider typo, is a big domain; the risk matches the findings; checking the normalized address again gives
 * the same verdict.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "list_check.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Is d[0..n) the domain entry or below it? */
static int
at_or_below(const char *d, size_t n, const char *entry)
{
	size_t		len = strlen(entry);

	return n >= len && memcmp(d + n - len, entry, len) == 0 && (n == len || d[n - len - 1] == '.');
}

static void
check_invalid(const bm_list_verdict *v)
{
	if (v->address[0] != '\0' || v->address_len != 0 || v->domain_off != 0 || v->quoted_local)
		abort();
	if (v->role || v->disposable || v->reserved || v->typo != BM_LIST_TYPO_NONE || v->suggestion[0] != '\0' ||
		v->typo_distance != 0)
		abort();
	if (v->risk != (v->syntax == BM_LIST_SYNTAX_NON_ASCII ? BM_LIST_RISK_WARN : BM_LIST_RISK_BAD))
		abort();
}

static void
check_valid(const bm_list_verdict *v)
{
	const char *dom = v->address + v->domain_off;
	size_t		n = v->address_len,
				dn,
				local_len;
	bool		findings;

	if (n == 0 || n > BM_LIST_ADDRESS_MAX || strlen(v->address) != n)
		abort();
	if (v->domain_off < 2 || v->domain_off >= n || v->address[v->domain_off - 1] != '@')
		abort();
	local_len = v->domain_off - 1;
	dn = n - v->domain_off;
	if (local_len > BM_ADDRESS_LOCAL_MAX)
		abort();
	/* lower-case printable ASCII; white space only inside a quoted local part */
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) v->address[i];

		if (c >= 0x80 || c < 0x20 || c == 0x7f || (c >= 'A' && c <= 'Z'))
			abort();
		if (c == ' ' && !(v->quoted_local && i < local_len))
			abort();
	}
	/* the domain is a host name: LDH labels, at least one dot, no dot at either end */
	if (strspn(dom, "abcdefghijklmnopqrstuvwxyz0123456789-.") != dn || strchr(dom, '.') == NULL ||
		dom[0] == '.' || dom[dn - 1] == '.' || strstr(dom, "..") != NULL)
		abort();
	if (v->quoted_local != (v->address[0] == '"'))
		abort();

	/* findings are in the address */
	if (v->role != NULL)
	{
		size_t		rl = strlen(v->role);

		if (rl > local_len || memcmp(v->address, v->role, rl) != 0 ||
			(rl < local_len && v->address[rl] != '+'))
			abort();
	}
	if (v->disposable != NULL && !at_or_below(dom, dn, v->disposable))
		abort();
	if (v->reserved != NULL && !at_or_below(dom, dn, v->reserved))
		abort();
	if (v->typo != BM_LIST_TYPO_NONE)
	{
		size_t		sn = strlen(v->suggestion);

		if (sn == 0 || (sn == dn && memcmp(v->suggestion, dom, dn) == 0))
			abort();		/* a suggestion differs from the domain */
		if (bm_list_is_big_domain(dom, dn) || v->reserved != NULL)
			abort();		/* a big domain is never a typo; a reserved one is not looked at */
		if (v->typo_distance < 1 || v->typo_distance > 2)
			abort();
		if (v->typo == BM_LIST_TYPO_PROVIDER && !bm_list_is_big_domain(v->suggestion, sn))
			abort();
		if (v->typo == BM_LIST_TYPO_TLD &&
			(v->typo_distance != 1 || bm_list_is_big_domain(v->suggestion, sn) || sn + 1 < dn || sn > dn + 1))
			abort();
	}
	else if (v->suggestion[0] != '\0' || v->typo_distance != 0)
		abort();

	findings = v->role || v->disposable || v->reserved || v->typo != BM_LIST_TYPO_NONE || v->quoted_local;
	if ((v->risk == BM_LIST_RISK_OK) == findings)
		abort();
	if ((v->disposable || v->reserved) && v->risk != BM_LIST_RISK_BAD)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy = malloc(size ? size : 1);
	bm_list_verdict v,
				again;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	memset(&v, 0xa5, sizeof(v));
	bm_list_check(copy, size, &v);
	free(copy);

	if ((unsigned) v.syntax >= BM_LIST_SYNTAX_COUNT || (unsigned) v.risk >= BM_LIST_RISK_COUNT ||
		(unsigned) v.typo >= BM_LIST_TYPO_COUNT || v.why == NULL || v.why[0] == '\0')
		abort();
	if (v.syntax != BM_LIST_SYNTAX_OK)
	{
		check_invalid(&v);
		return 0;
	}
	check_valid(&v);

	/* the normalized address checks the same */
	bm_list_check(v.address, v.address_len, &again);
	if (again.syntax != BM_LIST_SYNTAX_OK || again.address_len != v.address_len ||
		strcmp(again.address, v.address) != 0 || again.domain_off != v.domain_off ||
		again.role != v.role || again.disposable != v.disposable || again.reserved != v.reserved ||
		again.typo != v.typo || strcmp(again.suggestion, v.suggestion) != 0 ||
		again.typo_distance != v.typo_distance || again.risk != v.risk || again.why != v.why ||
		again.quoted_local != v.quoted_local)
		abort();
	return 0;
}
