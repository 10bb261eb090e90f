/*
 * fuzz_classify.c — libFuzzer target: any text and caller codes classify into a well-formed verdict obeying the
 * class rules, and the phrase automaton finds exactly what a brute-force search finds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "phrase_match.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_verdict(const bm_verdict *v)
{
	if ((unsigned) v->reason >= BM_REASON_COUNT)
		abort();
	if ((unsigned) v->bounce_class > BM_NOT_BOUNCE || (unsigned) v->evidence > BM_EV_PROVIDER)
		abort();
	if (v->evidence == BM_EV_OVERRIDE || v->evidence == BM_EV_PROVIDER)
		abort();				/* the core never sets these */
	if (v->pattern_id < -1 || v->pattern_id >= bm_pattern_count())
		abort();
	if ((v->evidence == BM_EV_TEXT) != (v->pattern_id >= 0))
		abort();
	if (v->evidence == BM_EV_NONE && v->reason != BM_R_UNDEFINED)
		abort();
	if (v->reply_code != 0 && (v->reply_code < 200 || v->reply_code > 599))
		abort();
	if (v->status != BM_STATUS_NONE && !bm_status_is_valid(v->status))
		abort();
	if (v->bounce_class != bm_reason_class(v->reason, v->reply_code, v->status))
		abort();
	/* nothing the sender must fix is ever a hard bounce */
	if (v->bounce_class == BM_HARD && bm_reason_fault(v->reason) != BM_FAULT_ADDRESS)
		abort();
}

/* ---- differential check of the phrase automaton against a brute-force search ---- */

#define MAXP	1024
#define CAP		20000
#define SYM_BEGIN	0x01
#define SYM_END		0x02

static int	npat;
static const char *pat_text[MAXP];
static uint8_t pat_rank[MAXP];
static uint32_t pat_mask[MAXP];
static uint8_t pat_sym[MAXP][128];
static int	pat_len[MAXP];
static int16_t by_last[256][MAXP];	/* phrases by their last symbol, in phrase order */
static int	n_by_last[256];
static bm_pm pm_sparse,
			pm_dense;
static bool pm_ok;

static uint16_t dense_a[256], dense_b[1024 * 128];
static bm_pm_node node_a[CAP], node_b[CAP];
static bm_pm_edge edge_a[2 * CAP], edge_b[2 * CAP];
static int16_t best_a[CAP], best_b[CAP];
static uint32_t mask_a[CAP], mask_b[CAP];
static uint16_t t_fail[CAP];
static uint32_t t_first[CAP];
static uint8_t t_nedges[CAP], t_flag[CAP];
static int32_t t_a[CAP], t_b[CAP];
static uint8_t t_eclass[2 * CAP], t_lclass[2 * CAP];
static uint16_t t_eto[2 * CAP];
static int32_t t_link[2 * CAP], t_lto[2 * CAP];

static uint8_t
fold(uint8_t b)
{
	if (b >= 'A' && b <= 'Z')
		return (uint8_t) (b + 32);
	return b <= 0x20 ? ' ' : b;
}

static void
setup(void)
{
	bm_pm_storage st = {dense_a, sizeof(dense_a) / 2, node_a, edge_a, best_a, mask_a, CAP, t_fail, t_first,
		t_nedges, t_flag, t_a, t_b, t_eclass, t_eto, t_link, t_lclass, t_lto};

	npat = bm_pattern_count();
	if (npat > MAXP)
		abort();
	for (int i = 0; i < npat; i++)
	{
		const char *t = bm_pattern_text(i);
		size_t		len = strlen(t);
		size_t		k = 0;
		int			n = 0;

		pat_text[i] = t;
		pat_rank[i] = (uint8_t) ((i * 7) % 5);	/* 0..4: some mask-only phrases, many ties */
		pat_mask[i] = (uint32_t) 1 << (i % 32);
		if (t[0] == '^')
		{
			pat_sym[i][n++] = SYM_BEGIN;
			k = 1;
		}
		for (; k < len; k++)
		{
			if (k == len - 1 && t[k] == '$')
			{
				pat_sym[i][n++] = SYM_END;
				break;
			}
			if (fold((uint8_t) t[k]) == ' ' && n > 0 && pat_sym[i][n - 1] == ' ')
				continue;
			pat_sym[i][n++] = fold((uint8_t) t[k]);
		}
		pat_len[i] = n;
		by_last[pat_sym[i][n - 1]][n_by_last[pat_sym[i][n - 1]]++] = (int16_t) i;
	}
	if (!bm_pm_build(&pm_sparse, &st, pat_text, pat_rank, pat_mask, npat))
		abort();
	st.dense = dense_b;
	st.dense_cap = sizeof(dense_b) / 2;
	st.node = node_b;
	st.edge = edge_b;
	st.best = best_b;
	st.mask = mask_b;
	if (!bm_pm_build(&pm_dense, &st, pat_text, pat_rank, pat_mask, npat))
		abort();
	pm_ok = true;
}

/* Brute force: normalize, then try every phrase at every position where its last symbol stands. */
static void
brute_force(const uint8_t *p, size_t len, bm_pm_result *res)
{
	static uint8_t sym[4096 + 2];
	static size_t end_at[4096 + 2];
	size_t		first = 0,
				last = len;
	size_t		n = 0;

	res->best = -1;
	res->best_end = 0;
	res->mask = 0;
	while (first < last && p[first] <= 0x20)
		first++;
	while (last > first && p[last - 1] <= 0x20)
		last--;
	sym[n] = SYM_BEGIN;
	end_at[n++] = first;
	for (size_t i = first; i < last; i++)
	{
		uint8_t		b = fold(p[i]);

		if (b == ' ' && sym[n - 1] == ' ')
			continue;
		sym[n] = b;
		end_at[n++] = i + 1;
	}
	sym[n] = SYM_END;
	end_at[n++] = last;
	for (size_t j = 0; j < n; j++)		/* j: last symbol of a match, in order of end */
		for (int c = 0; c < n_by_last[sym[j]]; c++)
		{
			int			i = by_last[sym[j]][c];
			int			k = pat_len[i];

			if ((size_t) k > j + 1 || memcmp(sym + j + 1 - k, pat_sym[i], (size_t) k) != 0)
				continue;
			res->mask |= pat_mask[i];
			if (pat_rank[i] == 0)
				continue;
			if (res->best < 0 || pat_rank[i] > pat_rank[res->best] ||
				(pat_rank[i] == pat_rank[res->best] && end_at[j] == res->best_end && i < res->best))
			{
				res->best = i;
				res->best_end = end_at[j];
			}
		}
}

static void
differential(const uint8_t *p, size_t len)
{
	bm_pm_result a,
				b,
				ref;

	if (!pm_ok)
		setup();
	bm_pm_scan(&pm_sparse, (const char *) p, len, &a);
	bm_pm_scan(&pm_dense, (const char *) p, len, &b);
	brute_force(p, len, &ref);
	if (a.best != ref.best || a.mask != ref.mask || (ref.best >= 0 && a.best_end != ref.best_end))
		abort();
	if (b.best != ref.best || b.mask != ref.mask || (ref.best >= 0 && b.best_end != ref.best_end))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bm_verdict	v;
	bm_verdict	w;
	char	   *copy;
	int			code = 0;
	bm_status	status = BM_STATUS_NONE;
	size_t		skip = 0;

	/* the first bytes, when present, pick a caller reply code and status (valid or not) */
	if (size >= 4)
	{
		code = (int) (data[0] | data[1] << 8) % 700 - 50;
		status = (bm_status) (data[2] | data[3] << 8) * 997u;
		skip = 4;
	}
	copy = malloc(size - skip ? size - skip : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + skip, size - skip);

	bm_classify(copy, size - skip, 0, BM_STATUS_NONE, &v);
	check_verdict(&v);
	bm_classify(copy, size - skip, 0, BM_STATUS_NONE, &w);
	if (memcmp(&v, &w, sizeof(v)) != 0)
		abort();				/* deterministic: nothing is kept between calls */

	bm_classify(copy, size - skip, code, status, &v);
	check_verdict(&v);
	if (code >= 200 && code <= 599 && v.reply_code != code)
		abort();				/* a valid caller code wins */
	if (bm_status_is_valid(status) && v.status != status)
		abort();

	bm_classify(copy, 0, 0, BM_STATUS_NONE, &v);
	if (v.reason != BM_R_UNDEFINED || v.evidence != BM_EV_NONE)
		abort();

	if (size - skip <= 1024)
		differential((const uint8_t *) copy, size - skip);

	free(copy);
	return 0;
}
