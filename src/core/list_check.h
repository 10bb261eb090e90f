/*
 * list_check.h — list-import hygiene ("never buy lists"): checks one address of a list before the first send
 * for syntax a mail system takes, role accounts, disposable domains, typos of big providers' domains and
 * reserved names.  Pure C, no allocation: the verdict is written into the caller's struct and its strings
 * point into static tables.  Whether an address is already suppressed is the SQL layer's part.
 */
#ifndef BM_LIST_CHECK_H
#define BM_LIST_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "address.h"

/* RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets, so an address is at most 254. */
#define BM_LIST_ADDRESS_MAX		254

/* Why the address is not one a mail system takes (list_syntax.def); BM_LIST_SYNTAX_OK when it is. */
typedef enum bm_list_syntax
{
#define BM_LIST_SYNTAX(ident, name, text) BM_LIST_SYNTAX_##ident,
#include "list_syntax.def"
#undef BM_LIST_SYNTAX
	BM_LIST_SYNTAX_COUNT
} bm_list_syntax;

typedef enum bm_list_risk
{
	BM_LIST_RISK_OK = 0,		/* nothing found */
	BM_LIST_RISK_WARN,			/* deliverable, but look first: role account, quoted local part, a far typo */
	BM_LIST_RISK_BAD			/* will bounce or never reach a person: invalid, disposable, typo, reserved */
} bm_list_risk;

#define BM_LIST_RISK_COUNT		3

typedef enum bm_list_typo
{
	BM_LIST_TYPO_NONE = 0,
	BM_LIST_TYPO_PROVIDER,		/* close to a big provider's domain: the suggestion is that domain */
	BM_LIST_TYPO_TLD			/* a top-level domain that does not exist ("x.con"): the suggestion fixes it */
} bm_list_typo;

#define BM_LIST_TYPO_COUNT		3

typedef struct bm_list_verdict
{
	bm_list_syntax syntax;
	bm_list_risk risk;
	const char *why;			/* the finding that set the risk, for an operator ("no problem found") */

	/* the normalized address (address.c: trimmed, "Name <addr>" unwrapped, lower case); "" unless valid */
	char		address[BM_ADDRESS_BUF];
	size_t		address_len;
	size_t		domain_off;		/* address + domain_off is the domain (0 unless valid) */
	bool		quoted_local;	/* "john doe"@x.com: valid, but many systems refuse it (warn) */

	/* findings on a valid address; NULL / none / "" when absent */
	const char *role;			/* role_accounts.def entry the local part (without +tag) matched */
	const char *disposable;		/* disposable_domains.def entry: the domain or a parent of it */
	const char *reserved;		/* reserved_domains.def entry: the domain or a parent of it */
	bm_list_typo typo;
	int			typo_distance;	/* edits between the domain and the suggestion (1 or 2), 0 without */
	char		suggestion[BM_ADDRESS_DOMAIN_MAX + 1];	/* the domain that was probably meant */
} bm_list_verdict;

/* Counts per category over many verdicts (bm_list_summary_add); zero-initialize before use. */
typedef struct bm_list_summary
{
	uint64_t	total;
	uint64_t	valid;
	uint64_t	syntax[BM_LIST_SYNTAX_COUNT];	/* syntax[BM_LIST_SYNTAX_OK] == valid */
	uint64_t	risk[BM_LIST_RISK_COUNT];
	uint64_t	role;
	uint64_t	disposable;
	uint64_t	reserved;
	uint64_t	typo;
	uint64_t	quoted_local;
} bm_list_summary;

/*
 * Checks addr[0..len) (an address as found on a list: "Jane <J@X.com>" is fine; need not be NUL-terminated;
 * NULL with len 0 is the empty address) and fills *out completely.  Every field is set on every call.
 */
void		bm_list_check(const char *addr, size_t len, bm_list_verdict *out);

void		bm_list_summary_add(bm_list_summary *sum, const bm_list_verdict *v);

/* Is domain[0..len) (lower case) one of big_domains.def? */
bool		bm_list_is_big_domain(const char *domain, size_t len);

/*
 * The typo rule alone, for tests and explanations: the big provider's domain that domain[0..len) (lower case,
 * valid) is a likely typo of, NULL when none or when it is one itself; *distance gets the edit count.  Unlike
 * bm_list_check it ignores near_domains.def and does not fix the top-level domain first.
 */
const char *bm_list_nearest_provider(const char *domain, size_t len, int *distance);

const char *bm_list_syntax_name(bm_list_syntax s);	/* "bad_domain" */
const char *bm_list_syntax_text(bm_list_syntax s);	/* for an operator */
const char *bm_list_risk_name(bm_list_risk r);		/* "ok", "warn", "bad" */
const char *bm_list_typo_name(bm_list_typo t);		/* "none", "provider", "tld" */

#endif							/* BM_LIST_CHECK_H */
