/*
 * phrase_match.h — multi-phrase matcher (Aho–Corasick): every phrase of a set in ONE pass, ASCII case and
 * white space runs folded on the fly.  Caller-owned storage, built once; scans never allocate or overread.
 */
#ifndef BM_PHRASE_MATCH_H
#define BM_PHRASE_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Phrase syntax: lower-case text with single spaces (it is normalized like the input anyway); a leading '^'
 * anchors the phrase at the start of the (trimmed) text, a trailing '$' at its end.  UTF-8 bytes are matched
 * as they are.  Input normalization: ASCII letters are lower-cased; white space, NUL and other C0 control
 * bytes count as one space per run; all other bytes pass through unchanged.
 *
 * Representation: the shallowest states (breadth first, where a scan spends most of its time) have complete
 * DFA rows, one load per byte; the deeper ones are 8-byte nodes with their trie children and a failure
 * link, numbered depth first so that following a phrase walks through consecutive nodes.  The whole
 * automaton takes a few hundred kilobytes.
 */

/* Upper bound of states for phrases totalling total_bytes bytes (NULs and anchors included). */
#define BM_PM_STATES_FOR(total_bytes)	((total_bytes) + 1)

/* One state of the automaton as the scan reads it: 8 bytes, so one cache line holds eight. */
typedef struct bm_pm_node
{
	uint16_t	fail;			/* failure link */
	uint8_t		nedges;			/* number of child edges (incl. the white-space self edge) */
	uint8_t		hit;			/* nonzero when a phrase ends here (best >= 0 or mask != 0) */
	uint8_t		class0;			/* nedges == 1: the class of the only edge */
	uint8_t		spare;
	uint16_t	next0;			/* nedges == 1: its target; nedges > 1: index of the first edge */
} bm_pm_node;

/* A child edge of a state with several. */
typedef struct bm_pm_edge
{
	uint8_t		cls;
	uint8_t		spare;
	uint16_t	to;
} bm_pm_edge;

/* The built automaton; all arrays point into the caller's storage. */
typedef struct bm_pm
{
	const uint16_t *dense;		/* [ndense << shift] complete transition rows of states 0..ndense-1 */
	const bm_pm_node *node;		/* [nstates] */
	const bm_pm_edge *edge;		/* child edges of the states with more than one */
	const int16_t *best;		/* [nstates] best-ranked phrase ending here (suffixes included), or -1 */
	const uint32_t *mask;		/* [nstates] OR of the masks of the phrases ending here (suffixes included) */
	const uint8_t *rank;		/* [nphrases] rank of each phrase (0: never "best", mask only) */
	int			nstates;
	int			ndense;
	int			nclasses;		/* symbol classes in use (<= 1 << shift) */
	int			shift;			/* log2 of the dense row width */
	int			max_len;		/* longest phrase, in symbols */
	int			nphrases;
	uint8_t		class_of[256];	/* input byte -> symbol class (0: byte used by no phrase) */
	uint8_t		space_class;	/* class of white space, 0 when no phrase contains a space */
	uint8_t		begin_class;	/* class of the virtual start-of-text symbol ('^'), 0 when unused */
	uint8_t		end_class;		/* class of the virtual end-of-text symbol ('$'), 0 when unused */
} bm_pm;

/*
 * Storage for bm_pm_build.  Result arrays: dense holds dense_cap entries (at least 256: one full row; as
 * many rows as fit become dense), node / best / mask state_cap elements, edge 2 * state_cap.  The scratch
 * arrays are only used while building: per-state ones state_cap elements, per-edge ones 2 * state_cap.
 */
typedef struct bm_pm_storage
{
	uint16_t   *dense;
	size_t		dense_cap;
	bm_pm_node *node;
	bm_pm_edge *edge;
	int16_t    *best;
	uint32_t   *mask;
	int			state_cap;
	/* scratch, per state */
	uint16_t   *tmp_fail;
	uint32_t   *tmp_first;
	uint8_t    *tmp_nedges;
	uint8_t    *tmp_flag;
	int32_t    *tmp_a;
	int32_t    *tmp_b;
	/* scratch, per edge */
	uint8_t    *tmp_edge_class;
	uint16_t   *tmp_edge_to;
	int32_t    *tmp_link;
	uint8_t    *tmp_link_class;
	int32_t    *tmp_link_to;
} bm_pm_storage;

/* Result of one scan. */
typedef struct bm_pm_result
{
	int			best;			/* highest-ranked phrase found (earliest end wins ties, then lower id), or -1 */
	size_t		best_end;		/* offset in the input just after the byte that completed it */
	uint32_t	mask;			/* OR of the masks of every phrase found */
} bm_pm_result;

/*
 * Builds the automaton for n phrases (texts[i], rank[i], mask[i]).  Returns false when the storage is too
 * small, a phrase is empty, or more than 65535 states would be needed (pm is then unusable: nstates 0).
 */
bool		bm_pm_build(bm_pm *pm, const bm_pm_storage *st, const char *const *texts, const uint8_t *rank,
						const uint32_t *mask, int n);

/* Scans text (may be NULL when len is 0) in one pass.  Linear time, no allocation, reads only text[0..len). */
void		bm_pm_scan(const bm_pm *pm, const char *text, size_t len, bm_pm_result *res);

#endif							/* BM_PHRASE_MATCH_H */
