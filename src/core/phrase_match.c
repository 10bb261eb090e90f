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

/* The state of one bm_pm_build, shared by its phases (each a function below, in order). */
typedef struct pm_builder
{
	const bm_pm_storage *st;
	const char *const *texts;
	const uint8_t *rank;
	const uint32_t *mask;
	int			n;				/* phrases */
	int			cap;			/* states the storage holds */
	uint8_t		sym_class[256]; /* symbol -> class, 0 for symbols no phrase uses */
	int			nclasses;
	int			shift;			/* log2 of the dense row width */
	int			max_len;		/* longest phrase, in symbols */
	uint8_t		sp;				/* class of white space, 0 when no phrase has a space */
	int			nstates;
	int			nlinks;			/* trie links in use */
	int			ndense;			/* states with complete DFA rows */
	uint32_t	nedges;			/* child edges in the breadth-first edge arrays */
	int32_t    *first_child;	/* trie being built: first link of a state, -1 (tmp_a until phase 4) */
	int32_t    *order;			/* breadth-first position -> trie id (tmp_b until phase 7) */
	uint8_t		syms[1024];		/* one phrase's symbols */
} pm_builder;

/*
 * 1. Symbol classes: one per distinct symbol used by any phrase, 0 for everything else.  The symbols most
 * frequent in diagnostics get the lowest classes, so that the dense entries a scan mostly reads share the
 * first cache line of each row.
 */
static bool
assign_classes(pm_builder *b)
{
	/* English letter frequency, then the punctuation and digits of SMTP replies */
	static const char frequent[] = " etaoinsrhldcumfpgwybvkxjqz.:-0123456789";
	bool		used[256];

	memset(b->sym_class, 0, sizeof(b->sym_class));
	memset(used, 0, sizeof(used));
	for (int i = 0; i < b->n; i++)
	{
		int			k = phrase_symbols(b->texts[i], b->syms, (int) sizeof(b->syms));

		if (k < 0)
			return false;
		if (k > b->max_len)
			b->max_len = k;
		for (int j = 0; j < k; j++)
			used[b->syms[j]] = true;
	}
	for (const char *f = frequent; *f; f++)
		if (used[(uint8_t) *f] && b->sym_class[(uint8_t) *f] == 0)
			b->sym_class[(uint8_t) *f] = (uint8_t) b->nclasses++;
	for (int c = 0; c < 256; c++)
		if (used[c] && b->sym_class[c] == 0)
		{
			if (b->nclasses >= 255)
				return false;
			b->sym_class[c] = (uint8_t) b->nclasses++;
		}
	while ((1 << b->shift) < b->nclasses)
		b->shift++;
	b->sp = b->sym_class[' '];
	return true;
}

/* 2. The trie, children as linked lists (trie ids in insertion order), with each phrase's output. */
static bool
build_trie(pm_builder *b)
{
	const bm_pm_storage *st = b->st;

	b->first_child[0] = -1;
	st->best[0] = -1;
	st->mask[0] = 0;
	for (int i = 0; i < b->n; i++)
	{
		int			k = phrase_symbols(b->texts[i], b->syms, (int) sizeof(b->syms));
		int			s = 0;

		for (int j = 0; j < k; j++)
		{
			int			c = b->sym_class[b->syms[j]];
			int			e;

			for (e = b->first_child[s]; e >= 0; e = st->tmp_link[e])
				if (st->tmp_link_class[e] == c)
					break;
			if (e < 0)
			{
				if (b->nstates >= b->cap || b->nlinks >= 2 * b->cap)
					return false;
				b->first_child[b->nstates] = -1;
				st->best[b->nstates] = -1;
				st->mask[b->nstates] = 0;
				e = b->nlinks++;
				st->tmp_link_class[e] = (uint8_t) c;
				st->tmp_link_to[e] = b->nstates++;
				st->tmp_link[e] = b->first_child[s];
				b->first_child[s] = e;
			}
			s = st->tmp_link_to[e];
		}
		if (b->rank[i] > 0 && better_phrase(b->rank, i, st->best[s]))
			st->best[s] = (int16_t) i;
		st->mask[s] |= b->mask[i];
	}
	return true;
}

/*
 * 3. Breadth-first order, children by class: any prefix of it is closed under failure links (a failure
 * link always points to a shallower state), so the first ndense states can have complete rows.
 * tmp_flag holds the class of the edge into each trie state for now.
 */
static bool
order_breadth_first(pm_builder *b)
{
	const bm_pm_storage *st = b->st;
	int			head = 0;
	int			tail = 0;

	b->order[tail++] = 0;
	st->tmp_flag[0] = 0;
	while (head < tail)
	{
		int			s = b->order[head++];

		for (int c = 0; c < b->nclasses; c++)
			for (int e = b->first_child[s]; e >= 0; e = st->tmp_link[e])
				if (st->tmp_link_class[e] == c)
				{
					st->tmp_flag[st->tmp_link_to[e]] = (uint8_t) c;
					b->order[tail++] = st->tmp_link_to[e];
				}
	}
	if (tail != b->nstates)
		return false;
	b->ndense = (int) (st->dense_cap >> b->shift);
	if (b->ndense > b->nstates)
		b->ndense = b->nstates;
	return true;
}

/*
 * 4. Edge arrays in breadth-first ids, children sorted by class, and the outputs moved to breadth-first
 * ids.  White space runs count once: a state entered by a space stays put on further spaces.  Deep states
 * get that as an edge to themselves (they never have a space child: no phrase holds two spaces in a row);
 * dense rows get it in phase 6.
 */
static bool
build_edges(pm_builder *b)
{
	const bm_pm_storage *st = b->st;
	uint32_t	e_out = 0;

	for (int pos = 0; pos < b->nstates; pos++)
	{
		int			s = b->order[pos];

		st->tmp_first[pos] = e_out;
		for (int c = 0; c < b->nclasses; c++)
			for (int e = b->first_child[s]; e >= 0; e = st->tmp_link[e])
				if (st->tmp_link_class[e] == c)
				{
					if (e_out >= (uint32_t) (2 * b->cap))
						return false;
					st->tmp_edge_class[e_out] = (uint8_t) c;
					st->tmp_edge_to[e_out] = (uint16_t) st->tmp_link_to[e];	/* trie id, mapped below */
					e_out++;
				}
		if (b->sp != 0 && pos >= b->ndense && st->tmp_flag[s] == b->sp)
		{
			if (e_out >= (uint32_t) (2 * b->cap))
				return false;
			st->tmp_edge_class[e_out] = b->sp;
			st->tmp_edge_to[e_out] = (uint16_t) s;
			e_out++;
		}
		if (e_out - st->tmp_first[pos] > 255)
			return false;
		st->tmp_nedges[pos] = (uint8_t) (e_out - st->tmp_first[pos]);
	}
	b->nedges = e_out;
	/* trie id -> breadth-first id (tmp_link_to is free now) */
	for (int pos = 0; pos < b->nstates; pos++)
		st->tmp_link_to[b->order[pos]] = pos;
	for (uint32_t e = 0; e < e_out; e++)
		st->tmp_edge_to[e] = (uint16_t) st->tmp_link_to[st->tmp_edge_to[e]];
	/* outputs into breadth-first order, staged through the free scratch (first_child is no longer needed) */
	for (int pos = 0; pos < b->nstates; pos++)
	{
		st->tmp_a[pos] = st->best[b->order[pos]];
		st->tmp_link[pos] = (int32_t) st->mask[b->order[pos]];
	}
	for (int pos = 0; pos < b->nstates; pos++)
	{
		st->best[pos] = (int16_t) st->tmp_a[pos];
		st->mask[pos] = (uint32_t) st->tmp_link[pos];
	}
	return true;
}

/*
 * 5. Failure links and merged outputs, in breadth-first order; tmp_flag now marks the states entered by a
 * space.  A self edge is never consulted here: only states entered by a space have one, and the failure
 * chain of a state ends in that state's last symbol.
 */
static void
link_failures(pm_builder *b)
{
	const bm_pm_storage *st = b->st;

	memset(st->tmp_flag, 0, b->nstates > 0 ? (size_t) b->nstates : 0);
	st->tmp_fail[0] = 0;
	for (int s = 0; s < b->nstates; s++)
	{
		uint32_t	e = st->tmp_first[s];
		uint32_t	end = e + st->tmp_nedges[s];

		if (s > 0)
		{
			int			f = st->tmp_fail[s];

			if (better_phrase(b->rank, st->best[f], st->best[s]))
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
			if (c == b->sp && b->sp != 0)
				st->tmp_flag[u] = 1;
		}
	}
}

/*
 * 6. Complete DFA rows for the first ndense states; a dense state entered by a space loops on spaces.
 * Every target of a space transition is such a state (or the root, when no phrase starts with a space,
 * whose space transition leads back to the root anyway), so runs of white space count once, exactly.
 */
static void
fill_dense_rows(pm_builder *b)
{
	const bm_pm_storage *st = b->st;

	for (int s = 0; s < b->ndense; s++)
		for (int c = 0; c < (1 << b->shift); c++)
			st->dense[((size_t) s << b->shift) + c] = (uint16_t) (c < b->nclasses ? goto_fail(st, s, c) : 0);
	if (b->sp != 0)
		for (int s = 0; s < b->ndense; s++)
			if (st->tmp_flag[s])
				st->dense[((size_t) s << b->shift) + b->sp] = (uint16_t) s;
}

/*
 * 7. Final ids: dense states keep theirs, deep states are numbered depth first from their dense
 * ancestors, so that a scan following a phrase reads consecutive nodes.  tmp_a: breadth-first id ->
 * final id; tmp_b: the DFS stack.
 */
static bool
number_depth_first(pm_builder *b)
{
	const bm_pm_storage *st = b->st;
	int			next_id = b->ndense;

	for (int s = 0; s < b->ndense; s++)
		st->tmp_a[s] = s;
	for (int r = 0; r < b->ndense; r++)
	{
		uint32_t	e = st->tmp_first[r];
		uint32_t	end = e + st->tmp_nedges[r];

		for (; e < end; e++)
		{
			int			sp_top = 0;

			if (st->tmp_edge_to[e] < b->ndense)
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
	return next_id == b->nstates;
}

/* 8. The final arrays: dense entries, nodes, multi-edges and outputs, all in final ids. */
static bool
write_final_arrays(pm_builder *b)
{
	const bm_pm_storage *st = b->st;
	uint32_t	e_out = 0;

	for (size_t e = 0; e < ((size_t) b->ndense << b->shift); e++)
		st->dense[e] = (uint16_t) st->tmp_a[st->dense[e]];
	for (int s = 0; s < b->nstates; s++)
	{
		st->tmp_link_to[s] = st->best[s];	/* stage outputs (breadth-first ids) */
		st->tmp_link[s] = (int32_t) st->mask[s];
	}
	for (int s = 0; s < b->nstates; s++)
	{
		st->best[st->tmp_a[s]] = (int16_t) st->tmp_link_to[s];
		st->mask[st->tmp_a[s]] = (uint32_t) st->tmp_link[s];
	}
	for (int s = 0; s < b->nstates; s++)
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
	for (int s = 0; s < b->nstates; s++)
		st->node[s].hit = (uint8_t) (st->best[s] >= 0 || st->mask[s] != 0);
	return true;
}

/* The built automaton into pm (its arrays are the storage's). */
static void
publish(const pm_builder *b, bm_pm *pm)
{
	const bm_pm_storage *st = b->st;

	for (int c = 0; c < 256; c++)
		pm->class_of[c] = b->sym_class[fold_byte((uint8_t) c)];
	pm->space_class = b->sp;
	pm->begin_class = b->sym_class[SYM_BEGIN];
	pm->end_class = b->sym_class[SYM_END];
	pm->dense = st->dense;
	pm->node = st->node;
	pm->edge = st->edge;
	pm->best = st->best;
	pm->mask = st->mask;
	pm->rank = b->rank;
	pm->nclasses = b->nclasses;
	pm->shift = b->shift;
	pm->max_len = b->max_len;
	pm->nphrases = b->n;
	pm->ndense = b->ndense;
	pm->nstates = b->nstates;
}

bool
bm_pm_build(bm_pm *pm, const bm_pm_storage *st, const char *const *texts, const uint8_t *rank,
			const uint32_t *mask, int n)
{
	pm_builder	b;

	memset(pm, 0, sizeof(*pm));
	if (st->state_cap < 1 || st->state_cap > 65535 || n < 0 || n > 32767 || st->dense_cap < 256)
		return false;
	memset(&b, 0, sizeof(b));
	b.st = st;
	b.texts = texts;
	b.rank = rank;
	b.mask = mask;
	b.n = n;
	b.cap = st->state_cap;
	b.nclasses = 1;
	b.nstates = 1;
	b.first_child = st->tmp_a;
	b.order = st->tmp_b;
	if (!assign_classes(&b) || !build_trie(&b) || !order_breadth_first(&b) || !build_edges(&b))
		return false;
	link_failures(&b);
	fill_dense_rows(&b);
	if (!number_depth_first(&b) || !write_final_arrays(&b))
		return false;
	publish(&b, pm);
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
