/*
 * classify.c — the bounce verdict: weighs text phrases (classify_phrases.def), enhanced status and reply code
 * (status_reasons.def) into a reason and a class; reason names.  The automaton is built once, lazily.
 */
#include "classify.h"

#include <string.h>

#include "phrase_match.h"
#include "smtp_reply.h"

/* ---------------------------------------------------------------------------------------------------------
 * Reasons (reasons.def)
 * --------------------------------------------------------------------------------------------------------- */

typedef struct reason_info
{
	const char *name;
	bm_bounce_class cls;
	bm_fault	fault;
	const char *sisimai;
} reason_info;

static const reason_info reasons[BM_REASON_COUNT] = {
#define BM_REASON(ident, sql_name, cls, fault, sisimai) {sql_name, cls, fault, sisimai},
#include "reasons.def"
#undef BM_REASON
};

static const char *const class_names[] = {"hard", "soft", "not_bounce"};
static const char *const fault_names[] = {"address", "mailbox", "sender", "transient", "none", "unknown"};

/* ---------------------------------------------------------------------------------------------------------
 * Evidence weights
 * --------------------------------------------------------------------------------------------------------- */

/*
 * Phrase strengths (classify_phrases.def) and status specificities (status_reasons.def): a phrase overrules
 * the status when strength >= specificity.
 */
#define BM_WEAK				1
#define BM_NORMAL			2
#define BM_STRONG			3
#define BM_DECISIVE			4

#define BM_SPEC_NONE		0		/* no status */
#define BM_SPEC_GENERIC		1
#define BM_SPEC_MODERATE	2
#define BM_SPEC_SPECIFIC	3
#define BM_SPEC_ABSOLUTE	5

/* SMTP stage markers (BM_CONTEXT in classify_phrases.def) */
#define BM_CTX_DATA			1
#define BM_CTX_MAIL			2
#define BM_CTX_CONN			4

/* ---------------------------------------------------------------------------------------------------------
 * Pattern table: every BM_PHRASE first, then every BM_CONTEXT, in file order
 * --------------------------------------------------------------------------------------------------------- */

typedef struct pattern
{
	const char *text;
	bm_reason	reason;
	uint8_t		strength;		/* 0 for stage markers */
	uint8_t		context;		/* BM_CTX_* for stage markers, 0 for phrases */
} pattern;

static const pattern patterns[] = {
#define BM_PHRASE(text, reason, strength) {text, BM_R_##reason, strength, 0},
#define BM_CONTEXT(text, context, reason)
#include "classify_phrases.def"
#undef BM_PHRASE
#undef BM_CONTEXT
#define BM_PHRASE(text, reason, strength)
#define BM_CONTEXT(text, context, reason) {text, BM_R_##reason, 0, context},
#include "classify_phrases.def"
#undef BM_PHRASE
#undef BM_CONTEXT
};

#define NPATTERNS ((int) (sizeof(patterns) / sizeof(patterns[0])))

/* Count of stage markers: each gets its own bit in the automaton's output mask. */
enum
{
	NCONTEXTS = 0
#define BM_PHRASE(text, reason, strength)
#define BM_CONTEXT(text, context, reason) + 1
#include "classify_phrases.def"
#undef BM_PHRASE
#undef BM_CONTEXT
};

/* Total phrase bytes, an upper bound of the automaton's states. */
enum
{
	PATTERN_BYTES = 0
#define BM_PHRASE(text, reason, strength) + sizeof(text)
#define BM_CONTEXT(text, context, reason) + sizeof(text)
#include "classify_phrases.def"
#undef BM_PHRASE
#undef BM_CONTEXT
};

#define STATE_CAP	BM_PM_STATES_FOR(PATTERN_BYTES)

typedef char static_assert_contexts_fit_mask[(NCONTEXTS <= 32) ? 1 : -1];
typedef char static_assert_states_fit_uint16[(STATE_CAP <= 65535) ? 1 : -1];

/*
 * Dense DFA rows for the shallowest states: 1024 rows of 128 classes (256 kB) take most of the steps of a
 * scan on real diagnostics; deeper states are sparse (children + failure link).
 */
#define DENSE_ENTRIES	(1024 * 128)

/* The automaton and its storage: written once by build_matcher(), read-only afterwards. */
static bm_pm matcher;
static bool matcher_ready;
static uint16_t pm_dense[DENSE_ENTRIES];
static bm_pm_node pm_node[STATE_CAP];
static bm_pm_edge pm_edge[2 * STATE_CAP];
static int16_t pm_best[STATE_CAP];
static uint32_t pm_mask[STATE_CAP];

/* Scratch of the one-time build. */
static uint16_t pm_tmp_fail[STATE_CAP];
static uint32_t pm_tmp_first[STATE_CAP];
static uint8_t pm_tmp_nedges[STATE_CAP];
static uint8_t pm_tmp_flag[STATE_CAP];
static int32_t pm_tmp_a[STATE_CAP];
static int32_t pm_tmp_b[STATE_CAP];
static uint8_t pm_tmp_edge_class[2 * STATE_CAP];
static uint16_t pm_tmp_edge_to[2 * STATE_CAP];
static int32_t pm_tmp_link[2 * STATE_CAP];
static uint8_t pm_tmp_link_class[2 * STATE_CAP];
static int32_t pm_tmp_link_to[2 * STATE_CAP];
static const char *pm_texts[NPATTERNS];
static uint8_t pm_rank[NPATTERNS];
static uint32_t pm_bits[NPATTERNS];
static int16_t context_ids[32];	/* mask bit -> pattern id of its stage marker */

/*
 * Builds the automaton on first use.  Not thread-safe on the very first call (PostgreSQL backends are single
 * threaded; threaded callers should classify once before starting threads); later calls only read.
 */
static void
build_matcher(void)
{
	bm_pm_storage st;
	int			bit = 0;

	for (int i = 0; i < NPATTERNS; i++)
	{
		pm_texts[i] = patterns[i].text;
		pm_rank[i] = patterns[i].strength;
		pm_bits[i] = 0;
		if (patterns[i].context != 0)
		{
			context_ids[bit] = (int16_t) i;
			pm_bits[i] = (uint32_t) 1 << bit++;
		}
	}
	st.dense = pm_dense;
	st.dense_cap = DENSE_ENTRIES;
	st.node = pm_node;
	st.edge = pm_edge;
	st.best = pm_best;
	st.mask = pm_mask;
	st.state_cap = STATE_CAP;
	st.tmp_fail = pm_tmp_fail;
	st.tmp_first = pm_tmp_first;
	st.tmp_nedges = pm_tmp_nedges;
	st.tmp_flag = pm_tmp_flag;
	st.tmp_a = pm_tmp_a;
	st.tmp_b = pm_tmp_b;
	st.tmp_edge_class = pm_tmp_edge_class;
	st.tmp_edge_to = pm_tmp_edge_to;
	st.tmp_link = pm_tmp_link;
	st.tmp_link_class = pm_tmp_link_class;
	st.tmp_link_to = pm_tmp_link_to;
	if (!bm_pm_build(&matcher, &st, pm_texts, pm_rank, pm_bits, NPATTERNS))
		memset(&matcher, 0, sizeof(matcher));	/* unusable table: classify by codes only */
	matcher_ready = true;
}

/* Pattern id of the stage marker owning mask bit b. */
static inline int
context_pattern(int b)
{
	return context_ids[b];
}

/* ---------------------------------------------------------------------------------------------------------
 * Status and reply-code tables (status_reasons.def)
 * --------------------------------------------------------------------------------------------------------- */

typedef struct status_rule
{
	uint8_t		cls;
	uint16_t	subject;
	uint16_t	lo;				/* detail range; lo > hi never happens */
	uint16_t	hi;
	bool		whole_subject;
	bm_reason	reason;
	uint8_t		spec;
} status_rule;

static const status_rule status_rules[] = {
#define BM_STATUS(c, s, d, reason, spec) {c, s, d, d, false, BM_R_##reason, spec},
#define BM_STATUS_RANGE(c, s, lo, hi, reason, spec) {c, s, lo, hi, false, BM_R_##reason, spec},
#define BM_STATUS_SUBJECT(c, s, reason, spec) {c, s, 0, 999, true, BM_R_##reason, spec},
#define BM_REPLY_CODE(code, reason)
#include "status_reasons.def"
#undef BM_STATUS
#undef BM_STATUS_RANGE
#undef BM_STATUS_SUBJECT
#undef BM_REPLY_CODE
};

typedef struct code_rule
{
	int			code;
	bm_reason	reason;
} code_rule;

static const code_rule code_rules[] = {
#define BM_STATUS(c, s, d, reason, spec)
#define BM_STATUS_RANGE(c, s, lo, hi, reason, spec)
#define BM_STATUS_SUBJECT(c, s, reason, spec)
#define BM_REPLY_CODE(code, reason) {code, BM_R_##reason},
#include "status_reasons.def"
#undef BM_STATUS
#undef BM_STATUS_RANGE
#undef BM_STATUS_SUBJECT
#undef BM_REPLY_CODE
};

/*
 * Reason and specificity of a status: an exact or ranged detail first, then the subject's default.  A status
 * outside every table (a subject above 7) says nothing more than its class: generic, no opinion.
 */
static void
status_lookup(bm_status st, bm_reason *reason, int *spec)
{
	unsigned	cls = bm_status_class(st);
	unsigned	subject = bm_status_subject(st);
	unsigned	detail = bm_status_detail(st);
	const status_rule *fallback = NULL;

	*reason = BM_R_UNDEFINED;
	*spec = BM_SPEC_NONE;
	if (st == BM_STATUS_NONE)
		return;
	for (size_t i = 0; i < sizeof(status_rules) / sizeof(status_rules[0]); i++)
	{
		const status_rule *r = &status_rules[i];

		if (r->cls != cls || r->subject != subject)
			continue;
		if (r->whole_subject)
		{
			if (fallback == NULL)
				fallback = r;
			continue;
		}
		if (detail >= r->lo && detail <= r->hi)
		{
			*reason = r->reason;
			*spec = r->spec;
			return;
		}
	}
	if (fallback != NULL)
	{
		*reason = fallback->reason;
		*spec = fallback->spec;
		return;
	}
	*spec = (cls == 2) ? BM_SPEC_ABSOLUTE : BM_SPEC_GENERIC;
	*reason = (cls == 2) ? BM_R_DELIVERED : BM_R_UNDEFINED;
}

static bm_reason
code_lookup(int code)
{
	for (size_t i = 0; i < sizeof(code_rules) / sizeof(code_rules[0]); i++)
		if (code_rules[i].code == code)
			return code_rules[i].reason;
	return BM_R_UNDEFINED;
}

/* ---------------------------------------------------------------------------------------------------------
 * The verdict
 * --------------------------------------------------------------------------------------------------------- */

/* Reasons meaning "the address is bad": refined by the SMTP stage, since no recipient is known before RCPT. */
static bool
is_address_reason(bm_reason r)
{
	return r == BM_R_USER_UNKNOWN || r == BM_R_HOST_UNKNOWN || r == BM_R_HAS_MOVED || r == BM_R_NOT_ACCEPT;
}

/* Verdicts that are not refusals and that the SMTP stage must never touch. */
static bool
is_final_reason(bm_reason r)
{
	return r == BM_R_DELIVERED || r == BM_R_VACATION || r == BM_R_FEEDBACK || r == BM_R_SUPPRESSED;
}

/*
 * Evidence rules, in order:
 *  1. a 2.X.X status means delivered, whatever the text says;
 *  2. the strongest phrase of the text (earliest on a tie) wins over the status when its strength reaches
 *     the status' specificity: "550 5.1.1 ... has sent to too many recipients this hour" is rate_limited,
 *     but "550 5.2.0 ... User unknown" stays the 5.2.0 verdict (filtered);
 *  3. else the status' own reason; 4. else the bare reply code (the seed's table); 5. else the class
 *     default of the code/status (2xx delivered, 4xx/5xx on_hold); 6. nothing at all: undefined;
 *  7. then the SMTP stage named in the text refines weak verdicts: a refusal at connection/HELO is blocked,
 *     at MAIL FROM sender_rejected (no recipient is known yet, so "unknown" there is about the sender), and
 *     "user unknown" answered to the end of DATA is filtered (the mailbox was accepted at RCPT TO).
 * The caller's reply code and status win over those found in the text; the ones used go into the verdict.
 */
void
bm_classify(const char *text, size_t len, int reply_code, bm_status status, bm_verdict *out)
{
	bm_classify_ex(text, len, reply_code, status, NULL, out);
}

/* The stage bit (BM_CTX_*) of a known SMTP command; 0 for RCPT (the recipient stage) and unknown. */
static int
command_stage(bm_smtp_command cmd)
{
	switch (cmd)
	{
		case BM_SMTP_CONNECT:
		case BM_SMTP_HELO:
		case BM_SMTP_EHLO:
			return BM_CTX_CONN;
		case BM_SMTP_MAIL:
			return BM_CTX_MAIL;
		case BM_SMTP_DATA:
		case BM_SMTP_BDAT:
			return BM_CTX_DATA;
		default:
			return 0;
	}
}

const char *
bm_smtp_command_name(bm_smtp_command cmd)
{
	static const char *const names[BM_SMTP_COMMAND_COUNT] = {
		NULL, "CONNECT", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT"
	};

	return (unsigned) cmd < BM_SMTP_COMMAND_COUNT ? names[cmd] : NULL;
}

/*
 * The verdict before the SMTP stage: an absolute status, else the strongest phrase when it is at least as
 * specific as the status, else the status, the reply code, or the class of either.
 */
static void
base_verdict(const bm_pm_result *m, int strength, bm_reason st_reason, int st_spec, bm_verdict *out)
{
	int			reply_code = out->reply_code;
	bm_status	status = out->status;

	out->pattern_id = -1;
	if (st_spec == BM_SPEC_ABSOLUTE)
	{
		out->reason = BM_R_DELIVERED;
		out->evidence = BM_EV_STATUS;
	}
	else if (m->best >= 0 && strength >= st_spec)
	{
		out->reason = patterns[m->best].reason;
		out->evidence = BM_EV_TEXT;
		out->pattern_id = m->best;
	}
	else if (st_reason != BM_R_UNDEFINED)
	{
		out->reason = st_reason;
		out->evidence = BM_EV_STATUS;
	}
	else if (reply_code != 0 && code_lookup(reply_code) != BM_R_UNDEFINED)
	{
		out->reason = code_lookup(reply_code);
		out->evidence = BM_EV_REPLY_CODE;
	}
	else if (status != BM_STATUS_NONE || reply_code != 0)
	{
		unsigned	cls = status != BM_STATUS_NONE ? bm_status_class(status) : (unsigned) reply_code / 100;

		out->reason = cls == 2 ? BM_R_DELIVERED : (cls == 4 || cls == 5) ? BM_R_ON_HOLD : BM_R_UNDEFINED;
		out->evidence = status != BM_STATUS_NONE ? BM_EV_STATUS : BM_EV_REPLY_CODE;
	}
	else
	{
		out->reason = BM_R_UNDEFINED;
		out->evidence = BM_EV_NONE;
	}
}

/*
 * The SMTP stage (the caller's command when known, else the stage markers found in the text) overrides a
 * weak verdict or an address reason: refused at the connection is blocked, at MAIL FROM the sender is
 * rejected, a user_unknown at DATA is a content filter.  The phrase that names the stage becomes the
 * verdict's pattern.
 */
static void
apply_stage(const bm_classify_ctx *ctx, bool known_stage, const bm_pm_result *m, int strength, int st_spec,
			bm_verdict *out)
{
	int			want = 0;
	uint32_t	bits = m->mask;
	bm_reason	stage_reason = out->reason;
	bool		weak;

	weak = (out->evidence == BM_EV_TEXT && strength <= BM_WEAK) ||
		(out->evidence == BM_EV_STATUS && st_spec <= BM_SPEC_GENERIC) ||
		out->evidence == BM_EV_REPLY_CODE ||
		out->reason == BM_R_ON_HOLD || out->reason == BM_R_UNDEFINED || out->reason == BM_R_EXPIRED;
	if (known_stage)
		want = command_stage(ctx->command);
	else
		for (int b = 0; bits != 0; b++, bits >>= 1)
			if (bits & 1u)
				want |= patterns[context_pattern(b)].context;
	if ((want & BM_CTX_CONN) && (weak || is_address_reason(out->reason)))
		want = BM_CTX_CONN, stage_reason = BM_R_BLOCKED;
	else if ((want & BM_CTX_MAIL) && (weak || is_address_reason(out->reason)))
		want = BM_CTX_MAIL, stage_reason = BM_R_SENDER_REJECTED;
	else if ((want & BM_CTX_DATA) && out->reason == BM_R_USER_UNKNOWN &&
			 !(out->evidence == BM_EV_STATUS && st_spec >= BM_SPEC_SPECIFIC) &&
			 !(known_stage && out->evidence == BM_EV_TEXT && strength >= BM_STRONG))
		want = BM_CTX_DATA, stage_reason = BM_R_FILTERED;
	else
		return;
	out->pattern_id = -1;
	bits = known_stage ? 0 : m->mask;
	for (int b = 0; bits != 0; b++, bits >>= 1)
	{
		int			id = context_pattern(b);

		if ((bits & 1u) && patterns[id].context == want)
		{
			out->pattern_id = id;
			break;
		}
	}
	out->reason = stage_reason;
	out->evidence = BM_EV_TEXT;
}

void
bm_classify_ex(const char *text, size_t len, int reply_code, bm_status status, const bm_classify_ctx *ctx,
			   bm_verdict *out)
{
	bool		known_stage = ctx != NULL && ctx->command != BM_SMTP_NONE &&
		(unsigned) ctx->command < BM_SMTP_COMMAND_COUNT;
	bm_reply	r;
	bm_pm_result m;
	bm_reason	st_reason;
	int			st_spec;
	int			strength = 0;

	if (!matcher_ready)
		build_matcher();
	if (text == NULL)
		len = 0;
	if (reply_code < 200 || reply_code > 599)
		reply_code = 0;
	if (status != BM_STATUS_NONE && !bm_status_is_valid(status))
		status = BM_STATUS_NONE;

	/* the caller's code and status win over the ones read from the text */
	bm_reply_parse(text, len, &r);
	if (reply_code == 0)
		reply_code = r.reply_code;
	if (status == BM_STATUS_NONE)
		status = r.status;
	if (matcher.nstates > 0)
		bm_pm_scan(&matcher, text, len, &m);
	else
	{
		memset(&m, 0, sizeof(m));
		m.best = -1;
	}
	if (m.best >= 0)
		strength = patterns[m.best].strength;
	status_lookup(status, &st_reason, &st_spec);

	out->reply_code = reply_code;
	out->status = status;
	base_verdict(&m, strength, st_reason, st_spec, out);
	if ((known_stage || m.mask != 0) && !is_final_reason(out->reason))
		apply_stage(ctx, known_stage, &m, strength, st_spec, out);
	out->bounce_class = bm_reason_class(out->reason, out->reply_code, out->status);
}

/*
 * Class of a reason given the code/status actually seen.  A reason whose default is hard (the address is
 * bad) becomes soft when either the status or the reply code is transient (4.x.x or 4xx): the receiving
 * server itself says the condition may pass (Postfix answers "450 4.1.1 User unknown" while its recipient
 * table is being rebuilt; Gmail reports a missing domain as 4.0.0 while DNS may recover), and a transient
 * reply must never get an address suppressed.  A mixed pair ("450 5.1.1", "550 4.1.1") counts as transient
 * too.  Only 5xx/5.x.x or no code at all keep the default, and a soft or not-a-bounce reason never becomes
 * hard.
 */
bm_bounce_class
bm_reason_class(bm_reason reason, int reply_code, bm_status status)
{
	if ((unsigned) reason >= BM_REASON_COUNT)
		return BM_SOFT;
	if (reasons[reason].cls != BM_HARD)
		return reasons[reason].cls;
	if (bm_is_transient(reply_code, status))
		return BM_SOFT;
	return BM_HARD;
}

bool
bm_is_transient(int reply_code, bm_status status)
{
	if (status != BM_STATUS_NONE && bm_status_is_valid(status) && bm_status_class(status) == 4)
		return true;
	return reply_code >= 400 && reply_code <= 499;
}

/* ---------------------------------------------------------------------------------------------------------
 * Names and the pattern table
 * --------------------------------------------------------------------------------------------------------- */

const char *
bm_reason_name(bm_reason reason)
{
	return (unsigned) reason < BM_REASON_COUNT ? reasons[reason].name : reasons[BM_R_UNDEFINED].name;
}

const char *
bm_reason_sisimai_name(bm_reason reason)
{
	return (unsigned) reason < BM_REASON_COUNT ? reasons[reason].sisimai : reasons[BM_R_UNDEFINED].sisimai;
}

bm_fault
bm_reason_fault(bm_reason reason)
{
	return (unsigned) reason < BM_REASON_COUNT ? reasons[reason].fault : BM_FAULT_UNKNOWN;
}

const char *
bm_fault_name(bm_fault fault)
{
	return (unsigned) fault < sizeof(fault_names) / sizeof(fault_names[0]) ? fault_names[fault] : "unknown";
}

const char *
bm_class_name(bm_bounce_class cls)
{
	return (unsigned) cls < sizeof(class_names) / sizeof(class_names[0]) ? class_names[cls] : "soft";
}

bm_reason
bm_reason_from_name(const char *name, size_t len)
{
	if (name == NULL)
		return BM_REASON_COUNT;
	for (int i = 0; i < BM_REASON_COUNT; i++)
		if (strlen(reasons[i].name) == len && memcmp(reasons[i].name, name, len) == 0)
			return (bm_reason) i;
	return BM_REASON_COUNT;
}

int
bm_pattern_count(void)
{
	return NPATTERNS;
}

const char *
bm_pattern_text(int pattern_id)
{
	return pattern_id >= 0 && pattern_id < NPATTERNS ? patterns[pattern_id].text : NULL;
}

bm_reason
bm_pattern_reason(int pattern_id)
{
	return pattern_id >= 0 && pattern_id < NPATTERNS ? patterns[pattern_id].reason : BM_REASON_COUNT;
}
