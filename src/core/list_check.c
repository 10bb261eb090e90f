/*
 * list_check.c — list-import hygiene for one address: syntax beyond address.c (RFC 5321 lengths, a domain
 * on the public internet), role accounts, disposable and reserved domains, typos of big providers' domains.
 * No allocation, no locale, no state: every table is static data from a .def file.
 *
 * Decisions, stated once:
 * - Normalization is address.c's (trim, "Name <addr>" unwrapped, ASCII lower case); this file adds only what
 *   a sender needs beyond it.  Japanese carriers' dotted local parts ("taro..yamada.@docomo.ne.jp") stay
 *   valid, as there.
 * - Non-ASCII (an SMTPUTF8 local part, or a domain not in its "xn--" form) is syntax non_ascii with risk
 *   WARN, not BAD: such addresses exist and are delivered where every hop speaks SMTPUTF8, but there are no
 *   IDNA tables here (UTS #46 mapping, Punycode) to check or convert them, and most ESPs refuse them.
 * - A quoted local part ("john doe"@x.com) is valid (RFC 5321) but a warning: many systems refuse it.
 * - The domain must look like a host on the public internet: two labels or more, letters, digits and '-',
 *   labels of 1 to 63 characters that neither start nor end with '-', a top-level label of two characters
 *   or more that is not all digits.  "[192.0.2.1]" and "192.0.2.1" are ip_literal.
 * - Typos (find_typo): see the comment there; an exact big domain or a near_domains.def entry is never one.
 * - Risk: BAD = will bounce or never reach a person (invalid syntax, reserved or disposable domain, a typo
 *   of one edit or a top-level domain that does not exist); WARN = deliverable but look first (role account,
 *   quoted local part, a typo two edits away, non-ASCII); OK = nothing found.
 */
#include "list_check.h"

#include <string.h>

/* ---------------------------------------------------------------------------------------------------------
 * Tables (the .def files)
 * --------------------------------------------------------------------------------------------------------- */

typedef struct syntax_info
{
	const char *name;
	const char *text;
} syntax_info;

static const syntax_info syntax_infos[BM_LIST_SYNTAX_COUNT] = {
#define BM_LIST_SYNTAX(ident, name, text) {name, text},
#include "list_syntax.def"
#undef BM_LIST_SYNTAX
};

/* sorted in byte order (checked by a unit test): binary search */
static const char *const role_accounts[] = {
#define BM_ROLE_ACCOUNT(local) local,
#include "role_accounts.def"
#undef BM_ROLE_ACCOUNT
};

/* sorted in byte order (generated so; checked by a unit test): binary search */
static const char *const disposable_domains[] = {
#define BM_DISPOSABLE_DOMAIN(domain) domain,
#include "disposable_domains.def"
#undef BM_DISPOSABLE_DOMAIN
};

static const char *const reserved_domains[] = {
#define BM_RESERVED_DOMAIN(domain) domain,
#include "reserved_domains.def"
#undef BM_RESERVED_DOMAIN
};

typedef struct big_domain
{
	const char *domain;			/* name "." suffix */
	uint8_t		len;
	uint8_t		name_len;
} big_domain;

static const big_domain big_domains[] = {
#define BM_BIG_DOMAIN(name, suffix) {name "." suffix, sizeof(name) + sizeof(suffix) - 1, sizeof(name) - 1},
#include "big_domains.def"
#undef BM_BIG_DOMAIN
};

static const char *const near_domains[] = {
#define BM_NEAR_DOMAIN(domain, near) domain,
#include "near_domains.def"
#undef BM_NEAR_DOMAIN
};

typedef struct tld_typo
{
	const char *wrong;
	const char *right;
	uint8_t		wrong_len;
	uint8_t		right_len;
} tld_typo;

static const tld_typo tld_typos[] = {
#define BM_TLD_TYPO(wrong, right) {wrong, right, sizeof(wrong) - 1, sizeof(right) - 1},
#include "tld_typos.def"
#undef BM_TLD_TYPO
};

#define LENGTH(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Compares key[0..n) (no NUL inside) with the NUL-terminated entry in strcmp order.
 */
static int
compare_key(const char *key, size_t n, const char *entry)
{
	int			c = strncmp(key, entry, n);

	if (c != 0)
		return c;
	return entry[n] == '\0' ? 0 : -1;
}

/* Binary search of key[0..n) in a byte-sorted table; the entry or NULL. */
static const char *
sorted_lookup(const char *const *table, size_t count, const char *key, size_t n)
{
	size_t		lo = 0,
				hi = count;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;
		int			c = compare_key(key, n, table[mid]);

		if (c == 0)
			return table[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Is d[0..n) the domain entry, or below it ("a.example.com" for "example.com")? */
static bool
is_at_or_below(const char *d, size_t n, const char *entry)
{
	size_t		len = strlen(entry);

	if (n < len || memcmp(d + n - len, entry, len) != 0)
		return false;
	return n == len || d[n - len - 1] == '.';
}

static bool
in_list(const char *const *table, size_t count, const char *d, size_t n)
{
	for (size_t i = 0; i < count; i++)
	{
		if (compare_key(d, n, table[i]) == 0)
			return true;
	}
	return false;
}

bool
bm_list_is_big_domain(const char *domain, size_t len)
{
	for (size_t i = 0; i < LENGTH(big_domains); i++)
	{
		if (big_domains[i].len == len && memcmp(big_domains[i].domain, domain, len) == 0)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------------------------------------------
 * Syntax beyond address.c
 * --------------------------------------------------------------------------------------------------------- */

/* Marks the verdict invalid: no address, no findings; non-ASCII is only a warning (see the top). */
static void
set_invalid(bm_list_verdict *out, bm_list_syntax syntax, const char *why)
{
	out->syntax = syntax;
	out->risk = (syntax == BM_LIST_SYNTAX_NON_ASCII) ? BM_LIST_RISK_WARN : BM_LIST_RISK_BAD;
	out->why = why;
	out->address[0] = '\0';
	out->address_len = 0;
	out->domain_off = 0;
	out->quoted_local = false;
}

static bool
is_blank_or_special(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || strchr("()<>[]\\,;:\"@", c) != NULL;
}

/*
 * address.c says BM_ADDR_BAD_CHAR without saying where: a bad character after the last '@' is the domain's,
 * anything else the local part's; with no '@' at all the text is no address ("Jane Doe").
 */
static bm_list_syntax
bad_char_side(const char *in, size_t len)
{
	const char *at = NULL;
	size_t		end = len;

	while (end > 0 && (in[end - 1] == ' ' || in[end - 1] == '\t' || in[end - 1] == '\r' || in[end - 1] == '\n'))
		end--;
	for (size_t i = 0; i < end; i++)
	{
		if (in[i] == '@')
			at = in + i;
	}
	if (at == NULL)
		return BM_LIST_SYNTAX_NO_AT;
	for (const char *p = at + 1; p < in + end; p++)
	{
		if (is_blank_or_special((unsigned char) *p))
			return BM_LIST_SYNTAX_BAD_DOMAIN;
	}
	return BM_LIST_SYNTAX_BAD_LOCAL;
}

static bm_list_syntax
syntax_of_status(bm_address_status st, const char *in, size_t len)
{
	switch (st)
	{
		case BM_ADDR_OK:
			return BM_LIST_SYNTAX_OK;
		case BM_ADDR_EMPTY:
			return BM_LIST_SYNTAX_EMPTY;
		case BM_ADDR_NO_AT:
			return BM_LIST_SYNTAX_NO_AT;
		case BM_ADDR_MANY_AT:
		case BM_ADDR_BAD_SYNTAX:
			return BM_LIST_SYNTAX_BAD_SYNTAX;
		case BM_ADDR_LOCAL_EMPTY:
			return BM_LIST_SYNTAX_BAD_LOCAL;
		case BM_ADDR_LOCAL_TOO_LONG:
		case BM_ADDR_DOMAIN_TOO_LONG:
			return BM_LIST_SYNTAX_TOO_LONG;
		case BM_ADDR_DOMAIN_EMPTY:
		case BM_ADDR_DOMAIN_LABEL:
			return BM_LIST_SYNTAX_BAD_DOMAIN;
		case BM_ADDR_BAD_CHAR:
			return bad_char_side(in, len);
		case BM_ADDR_BAD_UTF8:
			return BM_LIST_SYNTAX_NON_ASCII;
	}
	return BM_LIST_SYNTAX_BAD_SYNTAX;
}

/* A quoted local part must be the whole local part and not empty; sets out->quoted_local. */
static bm_list_syntax
check_local(bm_list_verdict *out, const char **why)
{
	const char *l = out->address;
	size_t		n = out->domain_off - 1;
	size_t		i = 1;

	if (l[0] != '"')
	{
		if (memchr(l, '"', n) == NULL)
			return BM_LIST_SYNTAX_OK;
		*why = "quoted and unquoted text mixed in the local part";
		return BM_LIST_SYNTAX_BAD_LOCAL;
	}
	while (i < n && l[i] != '"')
		i += (l[i] == '\\') ? 2 : 1;
	if (i != n - 1)
	{
		*why = "quoted and unquoted text mixed in the local part";
		return BM_LIST_SYNTAX_BAD_LOCAL;
	}
	if (n == 2)
	{
		*why = "an empty quoted local part";
		return BM_LIST_SYNTAX_BAD_LOCAL;
	}
	out->quoted_local = true;
	return BM_LIST_SYNTAX_OK;
}

/* The domain must be a host name on the public internet (see the top of the file); ASCII by now. */
static bm_list_syntax
check_domain(const char *d, size_t n, const char **why)
{
	size_t		label = 0,
				labels = 0,
				last = 0;
	bool		all_digits = true;

	if (d[0] == '[')
	{
		*why = "an address literal ([192.0.2.1]) instead of a domain";
		return BM_LIST_SYNTAX_IP_LITERAL;
	}
	for (size_t i = 0; i <= n; i++)
	{
		char		c = (i < n) ? d[i] : '.';

		if (c == '.')
		{
			if (label == 0 || label > 63)
			{
				*why = label ? "a label of the domain is longer than 63 characters" : "an empty label in the domain";
				return BM_LIST_SYNTAX_BAD_DOMAIN;
			}
			if (d[i - label] == '-' || d[i - 1] == '-')
			{
				*why = "a label of the domain starts or ends with '-'";
				return BM_LIST_SYNTAX_BAD_DOMAIN;
			}
			last = i - label;
			labels++;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
		{
			*why = "a character other than a letter, a digit, '-' or '.' in the domain";
			return BM_LIST_SYNTAX_BAD_DOMAIN;
		}
		if (c < '0' || c > '9')
			all_digits = false;
		label++;
	}
	if (labels < 2)
	{
		*why = "a domain without a dot: a local host name, not on the internet";
		return BM_LIST_SYNTAX_BAD_DOMAIN;
	}
	if (all_digits)
	{
		*why = "an IP address instead of a domain";
		return BM_LIST_SYNTAX_IP_LITERAL;
	}
	if (n - last < 2 || strspn(d + last, "0123456789") == n - last)
	{
		*why = "a top-level domain of one character or of digits only";
		return BM_LIST_SYNTAX_BAD_DOMAIN;
	}
	return BM_LIST_SYNTAX_OK;
}

/* Everything address.c leaves open; false (and the verdict marked invalid) when the address fails. */
static bool
check_syntax(bm_list_verdict *out)
{
	const char *why = NULL;
	bm_list_syntax s;

	if (out->address_len > BM_LIST_ADDRESS_MAX)
	{
		set_invalid(out, BM_LIST_SYNTAX_TOO_LONG, "address longer than 254 characters (RFC 5321)");
		return false;
	}
	for (size_t i = 0; i < out->address_len; i++)
	{
		if ((unsigned char) out->address[i] >= 0x80)
		{
			set_invalid(out, BM_LIST_SYNTAX_NON_ASCII,
						"non-ASCII characters: an internationalized (SMTPUTF8) address or a domain not in its "
						"xn-- form, not checked");
			return false;
		}
	}
	s = check_local(out, &why);
	if (s == BM_LIST_SYNTAX_OK)
		s = check_domain(out->address + out->domain_off, out->address_len - out->domain_off, &why);
	if (s != BM_LIST_SYNTAX_OK)
	{
		set_invalid(out, s, why);
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------------------------------------------------
 * Role accounts, disposable and reserved domains
 * --------------------------------------------------------------------------------------------------------- */

/* The role_accounts.def entry the local part is, without its "+tag"; quoted local parts are no roles. */
static const char *
find_role(const char *local, size_t n)
{
	const char *plus = memchr(local, '+', n);

	if (plus != NULL)
		n = (size_t) (plus - local);
	if (n == 0 || local[0] == '"')
		return NULL;
	return sorted_lookup(role_accounts, LENGTH(role_accounts), local, n);
}

/* The disposable_domains.def entry that is the domain or its nearest listed parent. */
static const char *
find_disposable(const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		if (i == 0 || d[i - 1] == '.')
		{
			const char *hit = sorted_lookup(disposable_domains, LENGTH(disposable_domains), d + i, n - i);

			if (hit != NULL)
				return hit;
		}
	}
	return NULL;
}

static const char *
find_reserved(const char *d, size_t n)
{
	for (size_t i = 0; i < LENGTH(reserved_domains); i++)
	{
		if (is_at_or_below(d, n, reserved_domains[i]))
			return reserved_domains[i];
	}
	return NULL;
}

/* ---------------------------------------------------------------------------------------------------------
 * Typos
 *
 * A domain D is a likely typo of a big provider's domain B = name "." suffix (big_domains.def) when, with the
 * optimal-string-alignment (restricted Damerau-Levenshtein) distance, i.e. a swap of two neighbours is one
 * edit:
 *   A. D ends in "." suffix and its name part is within the name's budget: names of fewer than 5 characters
 *      have none (every short name has real neighbours: ao.com, aod.com, ae.com ...), 5 to 9 characters one
 *      edit (gmial.com, hotmial.co.jp, docono.ne.jp), 10 and more two (goglemial.com);
 *   B. D starts with name "." and its suffix is one edit from the suffix (gmail.co, gmail.cmo, aol.cm,
 *      yahoo.com.b), except when that edit only turns one two-letter country code into another: the big
 *      providers run regional domains (live.ca / live.cn, yahoo.co.in / yahoo.co.id, hotmail.es /
 *      hotmail.se), and a sibling missing from big_domains.def must not look like a typo;
 *   C. one edit across a dot (gmai.lcom, gmailc.om), for names of 5 characters or more.
 * The closest B wins, the earlier one in big_domains.def on a tie.  Before that, a top-level domain that does
 * not exist is fixed (tld_typos.def: "x.con" -> "x.com", "docomo.ne.jo" -> "docomo.ne.jp"); that alone is a
 * typo even for a domain no provider is near, and after it only one more edit may lead to a provider
 * ("gmial.con" -> gmail.com), so a suggestion is never more than two edits away.  D is never a typo when it
 * is a big domain itself or in near_domains.def (real domains close to a big one: email.com, y7mail.com).
 * --------------------------------------------------------------------------------------------------------- */

#define TOO_FAR			3		/* more than any budget */
#define OSA_MAX_LEN		64		/* longer strings are never within a budget of the big names */

static int
typo_budget(size_t name_len)
{
	if (name_len < 5)
		return 0;
	return name_len < 10 ? 1 : 2;
}

/*
 * Optimal string alignment distance between a[0..n) and b[0..m) when it is at most k (<= 2), else k + 1.
 * Three rows of the classic table; stops as soon as a whole row exceeds k: every later cell comes from that
 * row or, by a swap, from the row before it plus one, and that row is then at least k too.
 */
static int
osa_within(const char *a, size_t n, const char *b, size_t m, int k)
{
	uint8_t		rows[3][OSA_MAX_LEN + 1];
	uint8_t    *prev2 = rows[0],
			   *prev = rows[1],
			   *cur = rows[2];

	if (n > OSA_MAX_LEN || m > OSA_MAX_LEN || (n > m ? n - m : m - n) > (size_t) k)
		return k + 1;
	for (size_t j = 0; j <= m; j++)
		prev[j] = (uint8_t) j;
	for (size_t i = 1; i <= n; i++)
	{
		uint8_t		row_min;
		uint8_t    *t;

		cur[0] = (uint8_t) i;
		row_min = cur[0];
		for (size_t j = 1; j <= m; j++)
		{
			uint8_t		v = (uint8_t) (prev[j - 1] + (a[i - 1] != b[j - 1]));

			if (prev[j] + 1 < v)
				v = (uint8_t) (prev[j] + 1);
			if (cur[j - 1] + 1 < v)
				v = (uint8_t) (cur[j - 1] + 1);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
				v = (uint8_t) (prev2[j - 2] + 1);
			cur[j] = v;
			if (v < row_min)
				row_min = v;
		}
		if (row_min > k)
			return k + 1;
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[m] > k ? k + 1 : prev[m];
}

/* Suffixes s and t (of equal length) differ only in a last label of two letters each: "co.in" / "co.id". */
static bool
is_country_swap(const char *s, size_t sn, const char *t, size_t tn)
{
	if (sn != tn || sn < 2)
		return false;
	if (sn > 2 && (s[sn - 3] != '.' || t[tn - 3] != '.'))
		return false;
	return memcmp(s, t, sn - 2) == 0;
}

/* Edits from d[0..n) to the big domain b under rules A, B, C above; 0 when equal, TOO_FAR when none fits. */
static int
provider_distance(const char *d, size_t n, const big_domain *b)
{
	size_t		name_len = b->name_len;
	size_t		suffix_len = (size_t) b->len - name_len - 1;
	const char *suffix = b->domain + name_len + 1;
	int			budget = typo_budget(name_len);

	if (n == b->len && memcmp(d, b->domain, n) == 0)
		return 0;
	/* A: same suffix, edits in the name */
	if (n > suffix_len + 1 && d[n - suffix_len - 1] == '.' && memcmp(d + n - suffix_len, suffix, suffix_len) == 0)
	{
		size_t		dn = n - suffix_len - 1;
		int			e;

		if (budget == 0)
			return TOO_FAR;
		/* quick no: one edit keeps the first or the last character of a name of 5 or more */
		if (budget == 1 && d[0] != b->domain[0] && d[dn - 1] != b->domain[name_len - 1])
			return TOO_FAR;
		e = osa_within(d, dn, b->domain, name_len, budget);
		return e <= budget ? e : TOO_FAR;
	}
	/* B: same name, one edit in the suffix that is not a change of country */
	if (n > name_len + 1 && d[name_len] == '.' && memcmp(d, b->domain, name_len) == 0)
	{
		const char *s = d + name_len + 1;
		size_t		sn = n - name_len - 1;

		if (osa_within(s, sn, suffix, suffix_len, 1) != 1 || is_country_swap(s, sn, suffix, suffix_len))
			return TOO_FAR;
		return 1;
	}
	/* C: one edit across a dot, which is inside: the first and the last character stay */
	if (budget >= 1 && d[0] == b->domain[0] && d[n - 1] == b->domain[b->len - 1] &&
		osa_within(d, n, b->domain, b->len, 1) == 1)
		return 1;
	return TOO_FAR;
}

const char *
bm_list_nearest_provider(const char *domain, size_t len, int *distance)
{
	const char *best = NULL;
	int			best_distance = TOO_FAR;

	for (size_t i = 0; i < LENGTH(big_domains); i++)
	{
		int			e = provider_distance(domain, len, &big_domains[i]);

		if (e == 0)
		{
			best = NULL;
			best_distance = TOO_FAR;
			break;				/* a big domain itself is never a typo */
		}
		if (e < best_distance)
		{
			best = big_domains[i].domain;
			best_distance = e;
		}
	}
	*distance = best ? best_distance : 0;
	return best;
}

/* The tld_typos.def entry whose wrong suffix ends d[0..n) after a dot and a non-empty name, or NULL. */
static const tld_typo *
find_tld_typo(const char *d, size_t n)
{
	for (size_t i = 0; i < LENGTH(tld_typos); i++)
	{
		size_t		w = tld_typos[i].wrong_len;

		if (n > w + 1 && d[n - w - 1] == '.' && memcmp(d + n - w, tld_typos[i].wrong, w) == 0)
			return &tld_typos[i];
	}
	return NULL;
}

static void
set_typo(bm_list_verdict *out, bm_list_typo kind, const char *domain, size_t len, int distance)
{
	out->typo = kind;
	out->typo_distance = distance;
	memcpy(out->suggestion, domain, len);
	out->suggestion[len] = '\0';
}

/* Fills the typo fields; true when the typo is certain enough for BAD (see the top of the file). */
static bool
find_typo(bm_list_verdict *out, const char *d, size_t n)
{
	char		fixed[BM_ADDRESS_DOMAIN_MAX + 1];
	const tld_typo *t;
	const char *cand = d;
	size_t		cn = n;
	const char *provider;
	int			e;

	if (bm_list_is_big_domain(d, n) || in_list(near_domains, LENGTH(near_domains), d, n))
		return false;
	t = find_tld_typo(d, n);
	if (t != NULL && n - t->wrong_len + t->right_len <= BM_ADDRESS_DOMAIN_MAX)
	{
		cn = n - t->wrong_len;
		memcpy(fixed, d, cn);
		memcpy(fixed + cn, t->right, t->right_len);
		cn += t->right_len;
		cand = fixed;
	}
	else
		t = NULL;

	if (t != NULL && bm_list_is_big_domain(cand, cn))
	{
		set_typo(out, BM_LIST_TYPO_PROVIDER, cand, cn, 1);
		return true;
	}
	if (t == NULL || !in_list(near_domains, LENGTH(near_domains), cand, cn))
	{
		provider = bm_list_nearest_provider(cand, cn, &e);
		/* after a fixed TLD, one more edit at most: "gmial.con", not "googema-l.ccom" */
		if (provider != NULL && (t == NULL || e == 1))
		{
			set_typo(out, BM_LIST_TYPO_PROVIDER, provider, strlen(provider), e + (t != NULL));
			return t != NULL || e <= 1;
		}
	}
	if (t != NULL)
	{
		set_typo(out, BM_LIST_TYPO_TLD, cand, cn, 1);
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------------------------------------------------
 * The verdict
 * --------------------------------------------------------------------------------------------------------- */

/* Findings are weighed in order of importance: the first one at the highest risk explains it. */
static void
raise_risk(bm_list_verdict *out, bm_list_risk risk, const char *why)
{
	if (risk > out->risk)
	{
		out->risk = risk;
		out->why = why;
	}
}

void
bm_list_check(const char *addr, size_t len, bm_list_verdict *out)
{
	bm_address_status st;
	const char *domain;
	size_t		domain_len;
	bool		typo_certain;

	out->syntax = BM_LIST_SYNTAX_OK;
	out->risk = BM_LIST_RISK_OK;
	out->why = "no problem found";
	out->quoted_local = false;
	out->role = NULL;
	out->disposable = NULL;
	out->reserved = NULL;
	out->typo = BM_LIST_TYPO_NONE;
	out->typo_distance = 0;
	out->suggestion[0] = '\0';

	st = bm_address_normalize(addr, addr ? len : 0, out->address, &out->address_len, &out->domain_off);
	if (st != BM_ADDR_OK)
	{
		bm_list_syntax s = syntax_of_status(st, addr, addr ? len : 0);

		set_invalid(out, s, s == BM_LIST_SYNTAX_NO_AT ? bm_list_syntax_text(s) : bm_address_status_text(st));
		return;
	}
	if (!check_syntax(out))
		return;

	domain = out->address + out->domain_off;
	domain_len = out->address_len - out->domain_off;
	out->role = find_role(out->address, out->domain_off - 1);
	out->reserved = find_reserved(domain, domain_len);
	out->disposable = find_disposable(domain, domain_len);
	typo_certain = (out->reserved == NULL) && find_typo(out, domain, domain_len);

	if (out->reserved != NULL)
		raise_risk(out, BM_LIST_RISK_BAD, "a reserved domain (RFC 2606, 6761): no mail is ever delivered to it");
	if (out->typo == BM_LIST_TYPO_TLD)
		raise_risk(out, BM_LIST_RISK_BAD, "the top-level domain does not exist: probably a typo");
	else if (out->typo == BM_LIST_TYPO_PROVIDER)
		raise_risk(out, typo_certain ? BM_LIST_RISK_BAD : BM_LIST_RISK_WARN,
				   "probably a typo of a big mailbox provider's domain");
	if (out->disposable != NULL)
		raise_risk(out, BM_LIST_RISK_BAD, "a disposable (throw-away) mailbox domain");
	if (out->role != NULL)
		raise_risk(out, BM_LIST_RISK_WARN, "a role account: a shared mailbox, not a person who opted in");
	if (out->quoted_local)
		raise_risk(out, BM_LIST_RISK_WARN, "a quoted local part: many mail systems refuse it");
}

void
bm_list_summary_add(bm_list_summary *sum, const bm_list_verdict *v)
{
	sum->total++;
	sum->syntax[v->syntax]++;
	if (v->syntax == BM_LIST_SYNTAX_OK)
		sum->valid++;
	sum->risk[v->risk]++;
	sum->role += (v->role != NULL);
	sum->disposable += (v->disposable != NULL);
	sum->reserved += (v->reserved != NULL);
	sum->typo += (v->typo != BM_LIST_TYPO_NONE);
	sum->quoted_local += v->quoted_local;
}

/* ---------------------------------------------------------------------------------------------------------
 * Names
 * --------------------------------------------------------------------------------------------------------- */

const char *
bm_list_syntax_name(bm_list_syntax s)
{
	return ((unsigned) s < BM_LIST_SYNTAX_COUNT) ? syntax_infos[s].name : "unknown";
}

const char *
bm_list_syntax_text(bm_list_syntax s)
{
	return ((unsigned) s < BM_LIST_SYNTAX_COUNT) ? syntax_infos[s].text : "unknown";
}

const char *
bm_list_risk_name(bm_list_risk r)
{
	static const char *const names[BM_LIST_RISK_COUNT] = {"ok", "warn", "bad"};

	return ((unsigned) r < BM_LIST_RISK_COUNT) ? names[r] : "unknown";
}

const char *
bm_list_typo_name(bm_list_typo t)
{
	static const char *const names[BM_LIST_TYPO_COUNT] = {"none", "provider", "tld"};

	return ((unsigned) t < BM_LIST_TYPO_COUNT) ? names[t] : "unknown";
}
