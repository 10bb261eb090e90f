/*
 * phrase_match.c — Aho–Corasick over byte classes, case and white space folded while scanning: dense DFA rows
 * for shallow states, packed depth-first nodes for deep ones.  Builds into caller storage; scans read-only.
 */
#include "phrase_match.h"

#include <string.h>

/* Internal symbols for the anchors: folded input bytes are never below 0x20, so these never collide. */
#define SYM_BEGIN	0x01
#define SYM_END		0x02

/* Folds one input byte: ASCII upper case to lower case, white space and control bytes to a space. */
static inline uint8_t
fold_byte(uint8_t b)
{
	if (b >= 'A' && b <= 'Z')
		return (uint8_t) (b + ('a' - 'A'));
	if (b <= 0x20)
		return ' ';
	return b;
}

/*
 * Converts a phrase to its symbol sequence (folded, spaces collapsed, anchors mapped).  Writes at most cap
 * symbols into out; returns the count, or -1 when the phrase is empty or longer than cap.
 */
static int
phrase_symbols(const char *text, uint8_t *out, int cap)
{
	size_t		len = strlen(text);
	size_t		i = 0;
	int			n = 0;
	bool		end_anchor = false;

	if (len > 0 && text[0] == '^')
	{
		if (n >= cap)
			return -1;
		out[n++] = SYM_BEGIN;
		i = 1;
	}
	if (len > i && text[len - 1] == '$')
	{
		end_anchor = true;
		len--;
	}
	for (; i < len; i++)
	{
		uint8_t		b = fold_byte((uint8_t) text[i]);

		if (b == ' ' && n > 0 && out[n - 1] == ' ')
			continue;
		if (n >= cap)
			return -1;
		out[n++] = b;
	}
	if (end_anchor)
	{
		if (n >= cap)
			return -1;
		out[n++] = SYM_END;
	}
	/* at least one real symbol besides the anchors */
	if (n - (out[0] == SYM_BEGIN) - (end_anchor ? 1 : 0) <= 0)
		return -1;
	return n;
}

/* True when phrase a should be preferred over phrase b ending at the same place: higher rank, then lower id. */
static inline bool
better_phrase(const uint8_t *rank, int a, int b)
{
	if (a < 0)
		return false;
	if (b < 0)
		return true;
	if (rank[a] != rank[b])
		return rank[a] > rank[b];
	return a < b;
}

/* Child of s on class c in the breadth-first edge arrays of the build, or -1. */
static inline int
child_of(const bm_pm_storage *st, int s, int c)
{
	uint32_t	e = st->tmp_first[s];
	uint32_t	end = e + st->tmp_nedges[s];

	for (; e < end; e++)
		if (st->tmp_edge_class[e] == c)
			return st->tmp_edge_to[e];
	return -1;
}

/* Full DFA transition during the build: children first, then the failure chain, the root last. */
static int
goto_fail(const bm_pm_storage *st, int s, int c)
{
	for (;;)
	{
		int			u = child_of(st, s, c);

		if (u >= 0)
			return u;
		if (s == 0)
			return 0;
		s = st->tmp_fail[s];
	}
}

bool
bm_pm_build(bm_pm *pm, const bm_pm_storage *st, const char *const *texts, const uint8_t *rank,
			const uint32_t *mask, int n)
{
	/* English letter frequency, then the punctuation and digits of SMTP replies */
	static const char frequent[] = " etaoinsrhldcumfpgwybvkxjqz.:-0123456789";
	uint8_t		sym_class[256];
	bool		used[256];
	uint8_t		syms[1024];
	int			nclasses = 1;
	int			shift = 0;
	int			nstates = 1;
	int			nlinks = 0;
	int			max_len = 0;
	int			ndense;
	int			cap = st->state_cap;
	int			head,
				tail;
	int			next_id;
	uint32_t	e_out;
	uint8_t		sp;
	int32_t    *first_child = st->tmp_a;	/* trie being built: first link of a state, -1 */
	int32_t    *order = st->tmp_b;		/* breadth-first position -> trie id */

	memset(pm, 0, sizeof(*pm));
	if (cap < 1 || cap > 65535 || n < 0 || n > 32767 || st->dense_cap < 256)
		return false;

	/*
	 * 1. symbol classes: one per distinct symbol used by any phrase, 0 for everything else.  The symbols
	 * most frequent in diagnostics get the lowest classes, so that the dense entries a scan mostly reads
	 * share the first cache line of each row.
	 */
	memset(sym_class, 0, sizeof(sym_class));
	memset(used, 0, sizeof(used));
	for (int i = 0; i < n; i++)
	{
		int			k = phrase_symbols(texts[i], syms, (int) sizeof(syms));

		if (k < 0)
			return false;
		if (k > max_len)
			max_len = k;
		for (int j = 0; j < k; j++)
			used[syms[j]] = true;
	}
	for (const char *f = frequent; *f; f++)
		if (used[(uint8_t) *f] && sym_class[(uint8_t) *f] == 0)
			sym_class[(uint8_t) *f] = (uint8_t) nclasses++;
	for (int b = 0; b < 256; b++)
		if (used[b] && sym_class[b] == 0)
		{
			if (nclasses >= 255)
				return false;
			sym_class[b] = (uint8_t) nclasses++;
		}
	while ((1 << shift) < nclasses)
		shift++;
	sp = sym_class[' '];

	/* 2. the trie, children as linked lists (trie ids in insertion order) */
	first_child[0] = -1;
	st->best[0] = -1;
	st->mask[0] = 0;
	for (int i = 0; i < n; i++)
	{
		int			k = phrase_symbols(texts[i], syms, (int) sizeof(syms));
		int			s = 0;

		for (int j = 0; j < k; j++)
		{
			int			c = sym_class[syms[j]];
			int			e;

			for (e = first_child[s]; e >= 0; e = st->tmp_link[e])
				if (st->tmp_link_class[e] == c)
					break;
			if (e < 0)
			{
				if (nstates >= cap || nlinks >= 2 * cap)
					return false;
				first_child[nstates] = -1;
				st->best[nstates] = -1;
				st->mask[nstates] = 0;
				e = nlinks++;
				st->tmp_link_class[e] = (uint8_t) c;
				st->tmp_link_to[e] = nstates++;
				st->tmp_link[e] = first_child[s];
				first_child[s] = e;
			}
			s = st->tmp_link_to[e];
		}
		if (rank[i] > 0 && better_phrase(rank, i, st->best[s]))
			st->best[s] = (int16_t) i;
		st->mask[s] |= mask[i];
	}

	/*
	 * 3. breadth-first order, children by class: any prefix of it is closed under failure links (a failure
	 * link always points to a shallower state), so the first ndense states can have complete rows.
	 * tmp_flag holds the class of the edge into each trie state for now.
	 */
	head = 0;
	tail = 0;
	order[tail++] = 0;
	st->tmp_flag[0] = 0;
	while (head < tail)
	{
		int			s = order[head++];

		for (int c = 0; c < nclasses; c++)
			for (int e = first_child[s]; e >= 0; e = st->tmp_link[e])
				if (st->tmp_link_class[e] == c)
				{
					st->tmp_flag[st->tmp_link_to[e]] = (uint8_t) c;
					order[tail++] = st->tmp_link_to[e];
				}
	}
	if (tail != nstates)
		return false;
	ndense = (int) (st->dense_cap >> shift);
	if (ndense > nstates)
		ndense = nstates;

	/*
	 * 4. edge arrays in breadth-first ids, children sorted by class.  White space runs count once: a state
	 * entered by a space stays put on further spaces.  Deep states get that as an edge to themselves (they
	 * never have a space child: no phrase holds two spaces in a row); dense rows get it in step 6.
	 */
	e_out = 0;
	for (int pos = 0; pos < nstates; pos++)
	{
		int			s = order[pos];

		st->tmp_first[pos] = e_out;
		for (int c = 0; c < nclasses; c++)
			for (int e = first_child[s]; e >= 0; e = st->tmp_link[e])
				if (st->tmp_link_class[e] == c)
				{
					if (e_out >= (uint32_t) (2 * cap))
						return false;
					st->tmp_edge_class[e_out] = (uint8_t) c;
					st->tmp_edge_to[e_out] = (uint16_t) st->tmp_link_to[e];	/* trie id, mapped below */
					e_out++;
				}
		if (sp != 0 && pos >= ndense && st->tmp_flag[s] == sp)
		{
			if (e_out >= (uint32_t) (2 * cap))
				return false;
			st->tmp_edge_class[e_out] = sp;
			st->tmp_edge_to[e_out] = (uint16_t) s;
			e_out++;
		}
		if (e_out - st->tmp_first[pos] > 255)
			return false;
		st->tmp_nedges[pos] = (uint8_t) (e_out - st->tmp_first[pos]);
	}
	/* trie id -> breadth-first id (tmp_link_to is free now) */
	for (int pos = 0; pos < nstates; pos++)
		st->tmp_link_to[order[pos]] = pos;
	for (uint32_t e = 0; e < e_out; e++)
		st->tmp_edge_to[e] = (uint16_t) st->tmp_link_to[st->tmp_edge_to[e]];
	/* outputs into breadth-first order, staged through the free scratch */
	for (int pos = 0; pos < nstates; pos++)
	{
		st->tmp_a[pos] = st->best[order[pos]];	/* first_child is no longer needed */
		st->tmp_link[pos] = (int32_t) st->mask[order[pos]];
	}
	for (int pos = 0; pos < nstates; pos++)
	{
		st->best[pos] = (int16_t) st->tmp_a[pos];
		st->mask[pos] = (uint32_t) st->tmp_link[pos];
	}

	/*
	 * 5. failure links and merged outputs, in breadth-first order; tmp_flag now marks the states entered
	 * by a space.  A self edge is never consulted here: only states entered by a space have one, and the
	 * failure chain of a state ends in that state's last symbol.
	 */
	memset(st->tmp_flag, 0, (size_t) nstates);
	st->tmp_fail[0] = 0;
	for (int s = 0; s < nstates; s++)
	{
		uint32_t	e = st->tmp_first[s];
		uint32_t	end = e + st->tmp_nedges[s];

		if (s > 0)
		{
			int			f = st->tmp_fail[s];

			if (better_phrase(rank, st->best[f], st->best[s]))
				st->best[s] = st->best[f];
			st->mask[s] |= st->mask[f];
		}
		for (; e < end; e++)
		{
			int			u = st->tmp_edge_to[e];
			int			c = st->tmp_edge_class[e];

			if (u == s)
				continue;		/* the white-space self edge */
			st->tmp_fail[u] = (uint16_t) (s == 0 ? 0 : goto_fail(st, st->tmp_fail[s], c));
			if (c == sp && sp != 0)
				st->tmp_flag[u] = 1;
		}
	}

	/*
	 * 6. complete DFA rows for the first ndense states; a dense state entered by a space loops on spaces.
	 * Every target of a space transition is such a state (or the root, when no phrase starts with a space,
	 * whose space transition leads back to the root anyway), so runs of white space count once, exactly.
	 */
	for (int s = 0; s < ndense; s++)
		for (int c = 0; c < (1 << shift); c++)
			st->dense[((size_t) s << shift) + c] = (uint16_t) (c < nclasses ? goto_fail(st, s, c) : 0);
	if (sp != 0)
		for (int s = 0; s < ndense; s++)
			if (st->tmp_flag[s])
				st->dense[((size_t) s << shift) + sp] = (uint16_t) s;

	/*
	 * 7. final ids: dense states keep theirs, deep states are numbered depth first from their dense
	 * ancestors, so that a scan following a phrase reads consecutive nodes.  tmp_a: breadth-first id ->
	 * final id; tmp_b: the DFS stack.
	 */
	for (int s = 0; s < ndense; s++)
		st->tmp_a[s] = s;
	next_id = ndense;
	for (int r = 0; r < ndense; r++)
	{
		uint32_t	e = st->tmp_first[r];
		uint32_t	end = e + st->tmp_nedges[r];

		for (; e < end; e++)
		{
			int			sp_top = 0;

			if (st->tmp_edge_to[e] < ndense)
				continue;
			st->tmp_b[sp_top++] = st->tmp_edge_to[e];
			while (sp_top > 0)
			{
				int			v = st->tmp_b[--sp_top];
				uint32_t	ve = st->tmp_first[v];
				uint32_t	vend = ve + st->tmp_nedges[v];

				st->tmp_a[v] = next_id++;
				/* children in reverse, so that the first class is numbered next */
				while (vend > ve)
				{
					vend--;
					if (st->tmp_edge_to[vend] != v)
						st->tmp_b[sp_top++] = st->tmp_edge_to[vend];
				}
			}
		}
	}
	if (next_id != nstates)
		return false;

	/* 8. the final arrays: dense entries, nodes, multi-edges and outputs, all in final ids */
	for (size_t e = 0; e < ((size_t) ndense << shift); e++)
		st->dense[e] = (uint16_t) st->tmp_a[st->dense[e]];
	for (int s = 0; s < nstates; s++)
	{
		st->tmp_link_to[s] = st->best[s];	/* stage outputs (breadth-first ids) */
		st->tmp_link[s] = (int32_t) st->mask[s];
	}
	for (int s = 0; s < nstates; s++)
	{
		st->best[st->tmp_a[s]] = (int16_t) st->tmp_link_to[s];
		st->mask[st->tmp_a[s]] = (uint32_t) st->tmp_link[s];
	}
	e_out = 0;
	for (int s = 0; s < nstates; s++)
	{
		bm_pm_node *nd = &st->node[st->tmp_a[s]];
		uint32_t	e = st->tmp_first[s];
		int			k = st->tmp_nedges[s];

		nd->fail = (uint16_t) st->tmp_a[st->tmp_fail[s]];
		nd->nedges = (uint8_t) k;
		nd->class0 = 0;
		nd->spare = 0;
		nd->next0 = 0;
		if (k == 1)
		{
			nd->class0 = st->tmp_edge_class[e];
			nd->next0 = (uint16_t) st->tmp_a[st->tmp_edge_to[e]];
		}
		else if (k > 1)
		{
			if (e_out + (uint32_t) k > 65535)
				return false;
			nd->next0 = (uint16_t) e_out;
			for (int j = 0; j < k; j++)
			{
				st->edge[e_out].cls = st->tmp_edge_class[e + j];
				st->edge[e_out].spare = 0;
				st->edge[e_out].to = (uint16_t) st->tmp_a[st->tmp_edge_to[e + j]];
				e_out++;
			}
		}
	}
	for (int s = 0; s < nstates; s++)
		st->node[s].hit = (uint8_t) (st->best[s] >= 0 || st->mask[s] != 0);

	for (int b = 0; b < 256; b++)
		pm->class_of[b] = sym_class[fold_byte((uint8_t) b)];
	pm->space_class = sp;
	pm->begin_class = sym_class[SYM_BEGIN];
	pm->end_class = sym_class[SYM_END];
	pm->dense = st->dense;
	pm->node = st->node;
	pm->edge = st->edge;
	pm->best = st->best;
	pm->mask = st->mask;
	pm->rank = rank;
	pm->nclasses = nclasses;
	pm->shift = shift;
	pm->max_len = max_len;
	pm->nphrases = n;
	pm->ndense = ndense;
	pm->nstates = nstates;
	return true;
}

/* One transition out of a deep state: its children, then its failure chain down to a dense state. */
static inline size_t
sparse_step(const bm_pm_node *node, const bm_pm_edge *edge, const uint16_t *dense, size_t ndense, unsigned shift,
			size_t s, unsigned c)
{
	do
	{
		const bm_pm_node *nd = &node[s];

		if (nd->nedges == 1)
		{
			if (nd->class0 == c)
				return nd->next0;
		}
		else if (nd->nedges > 1)
		{
			const bm_pm_edge *e = edge + nd->next0;
			const bm_pm_edge *end = e + nd->nedges;

			for (; e < end; e++)
				if (e->cls == c)
					return e->to;
		}
		s = nd->fail;
	} while (s >= ndense);
	return dense[(s << shift) | c];
}

void
bm_pm_scan(const bm_pm *pm, const char *text, size_t len, bm_pm_result *res)
{
	const uint8_t *p = (const uint8_t *) text;
	const uint8_t *class_of = pm->class_of;
	const bm_pm_node *node = pm->node;
	const bm_pm_edge *edge = pm->edge;
	const uint16_t *dense = pm->dense;
	const size_t ndense = (size_t) pm->ndense;
	const unsigned shift = (unsigned) pm->shift;
	size_t		first = 0,
				last = len;
	size_t		s = 0;
	int			best = -1;
	size_t		best_end = 0;
	uint32_t	mask = 0;

	res->best = -1;
	res->best_end = 0;
	res->mask = 0;
	if (pm->nstates == 0)
		return;

	/* trim white space so that the anchors sit next to the first and last visible bytes */
	while (first < last && p[first] <= 0x20)
		first++;
	while (last > first && p[last - 1] <= 0x20)
		last--;

	/*
	 * White space needs no test: the automaton itself ignores repeated spaces.  A state with outputs is
	 * rare; the best phrase so far is replaced only by a higher rank, so the earliest wins a tie.
	 */
#define STEP(c) \
	(s < ndense ? (size_t) dense[(s << shift) | (c)] : sparse_step(node, edge, dense, ndense, shift, s, (c)))
#define TAKE(state, end_offset) \
	do { \
		int			b_ = pm->best[state]; \
		if (b_ >= 0 && (best < 0 || pm->rank[b_] > pm->rank[best])) \
		{ \
			best = b_; \
			best_end = (end_offset); \
		} \
		mask |= pm->mask[state]; \
	} while (0)

	if (pm->begin_class != 0)
	{
		s = STEP(pm->begin_class);
		if (node[s].hit)
			TAKE(s, first);
	}
	for (size_t i = first; i < last; i++)
	{
		unsigned	c = class_of[p[i]];

		s = STEP(c);
		if (node[s].hit)
			TAKE(s, i + 1);
	}
	if (pm->end_class != 0)
	{
		s = STEP(pm->end_class);
		if (node[s].hit)
			TAKE(s, last);
	}
#undef STEP
#undef TAKE
	res->best = best;
	res->best_end = best_end;
	res->mask = mask;
}
