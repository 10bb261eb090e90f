/*
 * classify_rules.c — operators' override rules (table bounce_mgmt.classify_rules) applied before the
 * built-in verdict.  Rules are read and their regular expressions compiled once per backend, kept in a
 * private memory context, and reloaded only after the table changes: a statement trigger on the table
 * sends a relcache invalidation, which every backend receives at commit (and the changing backend at once).
 *
 * The copy is never older than what it was told about: each invalidation bumps a generation counter, and
 * a load counts only when no invalidation arrived while it read (else the next call reads again).  The
 * rules are read with the latest snapshot, not the caller's: a REPEATABLE READ transaction that reloads
 * after a change must not read the rules of its old snapshot and keep them cached after it ends.  In
 * parallel mode (no new snapshot may be taken) they are read with the caller's and dropped at the end of
 * the transaction.
 *
 * Cost is bounded so one rule can never stall ingestion or a backend's reload; the limits:
 *   BM_RULE_PATTERN_MAX (1,000)     characters of a pattern (row trigger);
 *   back-references, lookahead/lookbehind refused (row trigger): what makes PostgreSQL's regex matching
 *                                   superlinear ("(?=.*(?=.*x))" takes seconds on 16 kB, "(.{2,})\1" 13 s on
 *                                   1,600 characters);
 *   BM_RULE_COMPILE_MAX_MS (100)    milliseconds a pattern may take to compile (row trigger, timed):
 *                                   "(?:.{1,255}){1,255}X", 21 characters, takes about a second, and every
 *                                   backend compiles every rule again after each change;
 *   BM_RULE_PATTERN_RULES_MAX (500) enabled pattern rules loaded (by priority); more are skipped with a
 *                                   WARNING (code-only rules cost nothing and are not counted);
 *   BM_RULE_TEXT_MAX (4 kB)         bytes of a diagnostic a pattern sees.
 * A rule stored before these checks that breaks them is skipped with a WARNING, and a cancel while
 * compiling or matching is the usual 57014.  A rule never makes a verdict hard where the reply says the
 * failure is transient, and never makes a sender-side reason hard.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "regex/regex.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "bm_pg.h"

PG_FUNCTION_INFO_V1(bm_classify_rules_changed);
PG_FUNCTION_INFO_V1(bm_classify_rules_check);
PG_FUNCTION_INFO_V1(bm_classify_rules_cache_sql);

#define BM_RULE_PATTERN_MAX 1000	/* characters of a rule's pattern */
#define BM_RULE_TEXT_MAX	4096	/* bytes of a diagnostic a pattern is matched against */
#define BM_RULE_COMPILE_MAX_MS 100	/* milliseconds a pattern may take to compile (row trigger) */
#define BM_RULE_PATTERN_RULES_MAX 500	/* enabled pattern rules a backend loads */
/* what makes PostgreSQL's regex matching superlinear: back-references and lookahead/lookbehind */
#define BM_RULE_SLOW_FEATURES (REG_UBACKREF | REG_ULOOKAROUND)

typedef struct bm_rule
{
	int64		rule_id;
	bool		has_pattern;
	regex_t		re;
	int			reply_code;		/* 0 = any */
	bm_status	status;			/* BM_STATUS_NONE = any */
	bm_reason	reason;
	int			bounce_class;	/* -1 = the reason's own class */
} bm_rule;

static MemoryContext rules_cxt = NULL;
static bm_rule *rules = NULL;
static int	nrules = 0;
static int	ncompiled = 0;		/* how many rules[].re are live (freed on reload) */
static bool rules_valid = false;
static uint64 rules_generation = 0;	/* bumped by every invalidation of the table */
static bool rules_drop_at_xact_end = false;	/* loaded with an older snapshot than the latest */
static Oid	rules_relid = InvalidOid;
static int64 rules_loads = 0;	/* how many times this backend has (re)loaded the rules */
static TimestampTz rules_loaded_at = 0;

static void
rules_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == rules_relid)
	{
		rules_generation++;
		rules_valid = false;
	}
}

/* The end of a transaction that loaded the rules with its own (older) snapshot: they may be stale. */
static void
rules_xact_callback(XactEvent event, void *arg)
{
	if (rules_drop_at_xact_end && (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
								   event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
								   event == XACT_EVENT_PREPARE))
	{
		rules_drop_at_xact_end = false;
		rules_valid = false;
	}
}

void
bm_rules_init(void)
{
	CacheRegisterRelcacheCallback(rules_relcache_callback, (Datum) 0);
	RegisterXactCallback(rules_xact_callback, NULL);
}

static void
rules_release(void)
{
	for (int i = 0; i < ncompiled; i++)
		if (rules[i].has_pattern)
			pg_regfree(&rules[i].re);
	ncompiled = 0;
	nrules = 0;
	rules = NULL;
	if (rules_cxt != NULL)
		MemoryContextReset(rules_cxt);
}

/* A regex call came back cancelled: raise the cancel itself (57014), as a query would. */
static void
regex_cancelled(void)
{
	CHECK_FOR_INTERRUPTS();
	ereport(ERROR,
			(errcode(ERRCODE_QUERY_CANCELED),
			 errmsg("canceling statement due to user request")));
}

/*
 * Compiles a rule's pattern (case-insensitive advanced regex, no sub-matches).  Returns REG_OKAY or the
 * compile error; *slow names a feature that makes matching superlinear, or is NULL.  A cancel raises 57014.
 */
static int
pattern_compile(regex_t *re, const char *pattern, const char **slow)
{
	int			plen = (int) strlen(pattern);
	pg_wchar   *wpat = palloc((plen + 1) * sizeof(pg_wchar));
	int			wlen = pg_mb2wchar_with_len(pattern, wpat, plen);
	int			rc = pg_regcomp(re, wpat, wlen, REG_ADVANCED | REG_ICASE | REG_NOSUB, DEFAULT_COLLATION_OID);

	pfree(wpat);
	if (rc == REG_CANCEL)
		regex_cancelled();
	*slow = NULL;
	if (rc == REG_OKAY && (re->re_info & REG_UBACKREF))
		*slow = "back-references (\\1 ... \\9)";
	else if (rc == REG_OKAY && (re->re_info & REG_ULOOKAROUND))
		*slow = "lookahead or lookbehind constraints ((?= (?! (?<= (?<!)";
	return rc;
}

/* Compiles a loaded rule; false (with a WARNING) for a rule to skip: one stored before its checks existed. */
static bool
rules_compile(bm_rule *rule, const char *pattern)
{
	const char *slow;
	int			rc = pattern_compile(&rule->re, pattern, &slow);

	if (rc == REG_OKAY && slow != NULL)
	{
		pg_regfree(&rule->re);
		ereport(WARNING,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("bounce_mgmt.classify_rules rule %lld is skipped: its pattern uses %s",
						(long long) rule->rule_id, slow),
				 errhint("Rewrite the pattern without them, or disable the rule.")));
		return false;
	}
	if (rc != REG_OKAY)
	{
		char		errbuf[100];

		pg_regerror(rc, &rule->re, errbuf, sizeof(errbuf));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("invalid pattern in bounce_mgmt.classify_rules rule %lld: %s",
						(long long) rule->rule_id, errbuf),
				 errhint("Fix or disable the rule: UPDATE bounce_mgmt.classify_rules SET enabled = false WHERE rule_id = %lld.",
						 (long long) rule->rule_id)));
	}
	return true;
}

/* Fills rule from a row of the rules query; false when the rule is skipped (see rules_compile). */
static bool
rule_from_row(bm_rule *rule, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	char	   *s;
	bool		ok = true;

	rule->rule_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
	s = SPI_getvalue(tup, desc, 2);
	rule->has_pattern = (s != NULL);
	rule->reply_code = DatumGetInt32(SPI_getbinval(tup, desc, 3, &isnull));
	if (isnull)
		rule->reply_code = 0;
	rule->status = BM_STATUS_NONE;
	if ((s = SPI_getvalue(tup, desc, 4)) != NULL)
		(void) bm_status_parse(s, strlen(s), &rule->status);
	s = SPI_getvalue(tup, desc, 5);
	rule->reason = bm_reason_from_name(s, strlen(s));
	if (rule->reason == BM_REASON_COUNT)
		elog(ERROR, "classify_rules rule %lld: unknown reason \"%s\"", (long long) rule->rule_id, s);
	rule->bounce_class = -1;
	if ((s = SPI_getvalue(tup, desc, 6)) != NULL)
	{
		for (int c = 0; c <= BM_NOT_BOUNCE; c++)
			if (strcmp(s, bm_class_name((bm_bounce_class) c)) == 0)
				rule->bounce_class = c;
	}
	if (rule->has_pattern)
	{
		MemoryContext old = MemoryContextSwitchTo(rules_cxt);

		ok = rules_compile(rule, SPI_getvalue(tup, desc, 2));
		MemoryContextSwitchTo(old);
	}
	return ok;
}

/* The enabled rules, read with the latest snapshot (the caller's in parallel mode: see the header). */
static void
rules_read(void)
{
	const char *sql =
		"SELECT rule_id, pattern, reply_code, status::pg_catalog.text, reason::pg_catalog.text,"
		"       bounce_class::pg_catalog.text"
		"  FROM bounce_mgmt.classify_rules WHERE enabled ORDER BY priority, rule_id";
	bool		latest = !IsInParallelMode();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (latest)
		PushActiveSnapshot(GetLatestSnapshot());
	if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read bounce_mgmt.classify_rules");
	if (latest)
		PopActiveSnapshot();
	rules_drop_at_xact_end = !latest;
}

static void
rules_load(void)
{
	MemoryContext old;
	uint64		generation;
	int			npattern = 0;
	int			skipped = 0;

	if (rules_cxt == NULL)
		rules_cxt = AllocSetContextCreate(TopMemoryContext, "bounce_mgmt classify rules",
										  ALLOCSET_SMALL_SIZES);
	rules_release();
	rules_relid = bm_relation_oid("classify_rules");
	generation = rules_generation;	/* an invalidation from here on makes this load stale */
	rules_read();

	old = MemoryContextSwitchTo(rules_cxt);
	rules = palloc0(sizeof(bm_rule) * Max(SPI_processed, 1));
	MemoryContextSwitchTo(old);

	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];

		if (SPI_getvalue(tup, SPI_tuptable->tupdesc, 2) != NULL && npattern++ >= BM_RULE_PATTERN_RULES_MAX)
		{
			skipped++;
			continue;
		}
		if (!rule_from_row(&rules[nrules], tup, SPI_tuptable->tupdesc))
			continue;
		nrules++;
		ncompiled = nrules;		/* rules_release() frees this one from now on */
	}
	SPI_finish();
	if (skipped > 0)
		ereport(WARNING,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bounce_mgmt.classify_rules has %d enabled pattern rules; only the first %d are used",
						npattern, BM_RULE_PATTERN_RULES_MAX),
				 errdetail("Every session compiles every pattern after each change of the table."),
				 errhint("Disable rules that no longer match, or merge patterns into alternations.")));
	rules_valid = (generation == rules_generation);
	rules_loads++;
	rules_loaded_at = GetCurrentTimestamp();
}

int64
bm_rules_apply(const char *text, size_t len, bm_verdict *v)
{
	pg_wchar   *wtext = NULL;
	int			wlen = 0;
	int64		matched = 0;

	if (!rules_valid)
		rules_load();
	if (nrules == 0)
		return 0;

	for (int i = 0; i < nrules && matched == 0; i++)
	{
		bm_rule    *rule = &rules[i];

		if (rule->reply_code != 0 && rule->reply_code != v->reply_code)
			continue;
		if (rule->status != BM_STATUS_NONE && rule->status != v->status)
			continue;
		if (rule->has_pattern)
		{
			int			rc;

			if (text == NULL)
				continue;
			if (wtext == NULL)
			{
				/* patterns see the first BM_RULE_TEXT_MAX bytes, cut at a character boundary */
				int			n = len > BM_RULE_TEXT_MAX ? pg_mbcliplen(text, BM_RULE_TEXT_MAX, BM_RULE_TEXT_MAX) :
					(int) len;

				wtext = palloc((n + 1) * sizeof(pg_wchar));
				wlen = pg_mb2wchar_with_len(text, wtext, n);
			}
			rc = pg_regexec(&rule->re, wtext, wlen, 0, NULL, 0, NULL, 0);
			if (rc == REG_NOMATCH)
				continue;
			if (rc == REG_CANCEL)
				regex_cancelled();
			if (rc != REG_OKAY)
			{
				char		errbuf[100];

				pg_regerror(rc, &rule->re, errbuf, sizeof(errbuf));
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
						 errmsg("classify_rules rule %lld failed: %s", (long long) rule->rule_id, errbuf)));
			}
		}
		v->reason = rule->reason;
		v->bounce_class = rule->bounce_class >= 0 ? (bm_bounce_class) rule->bounce_class
			: bm_reason_class(rule->reason, v->reply_code, v->status);
		/* the class rules of README hold for rules too: transient replies and the sender's problems are
		 * never hard (the row trigger refuses such rules; this covers a pattern meeting a 4xx reply) */
		if (v->bounce_class == BM_HARD &&
			(bm_is_transient(v->reply_code, v->status) || bm_reason_fault(rule->reason) == BM_FAULT_SENDER))
			v->bounce_class = BM_SOFT;
		v->evidence = BM_EV_OVERRIDE;
		v->pattern_id = -1;
		matched = rule->rule_id;
	}
	if (wtext != NULL)
		pfree(wtext);
	return matched;
}

/*
 * Row trigger BEFORE INSERT OR UPDATE on bounce_mgmt.classify_rules: refuses, with the field and a hint, a
 * pattern longer than BM_RULE_PATTERN_MAX characters, one that does not compile, uses back-references or
 * lookaround, or takes longer than BM_RULE_COMPILE_MAX_MS to compile,
 * and a rule that would make a verdict hard where README promises it never is (a sender-side reason, or a
 * rule for a 4xx reply code / 4.x.x status).
 */
Datum
bm_classify_rules_check(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	HeapTuple	tup;
	TupleDesc	desc;
	char	   *pattern;
	char	   *cls;
	char	   *reason;
	char	   *code;
	char	   *status;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("classify_rules_check() must be a BEFORE ... FOR EACH ROW trigger")));
	tup = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
	desc = RelationGetDescr(td->tg_relation);

	pattern = SPI_getvalue(tup, desc, SPI_fnumber(desc, "pattern"));
	if (pattern != NULL)
	{
		int			chars = pg_mbstrlen(pattern);
		regex_t		re;
		const char *slow;
		int			rc;
		instr_time	start;
		instr_time	took;

		if (chars > BM_RULE_PATTERN_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("classify_rules.pattern is too long (%d characters)", chars),
					 errdetail("Patterns may have at most %d characters.", BM_RULE_PATTERN_MAX),
					 errhint("Split it into several rules.")));
		INSTR_TIME_SET_CURRENT(start);
		rc = pattern_compile(&re, pattern, &slow);
		INSTR_TIME_SET_CURRENT(took);
		INSTR_TIME_SUBTRACT(took, start);
		if (rc != REG_OKAY)
		{
			char		errbuf[100];

			pg_regerror(rc, &re, errbuf, sizeof(errbuf));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
					 errmsg("invalid classify_rules.pattern: %s", errbuf)));
		}
		pg_regfree(&re);
		if (INSTR_TIME_GET_MILLISEC(took) > BM_RULE_COMPILE_MAX_MS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
					 errmsg("classify_rules.pattern is too complex"),
					 errdetail("Compiling it took %.0f ms; at most %d ms are allowed, as every session compiles every rule again after each change.",
							   INSTR_TIME_GET_MILLISEC(took), BM_RULE_COMPILE_MAX_MS),
					 errhint("Avoid nested bounded repetitions such as (?:.{1,255}){1,255}: match the words themselves.")));
		if (slow != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
					 errmsg("invalid classify_rules.pattern: %s are not allowed", slow),
					 errdetail("They can make matching take seconds per diagnostic, and every ingestion waits for it."),
					 errhint("Match the text itself, e.g. with a class such as [a-z]+ or an alternation.")));
	}

	cls = SPI_getvalue(tup, desc, SPI_fnumber(desc, "bounce_class"));
	reason = SPI_getvalue(tup, desc, SPI_fnumber(desc, "reason"));
	code = SPI_getvalue(tup, desc, SPI_fnumber(desc, "reply_code"));
	status = SPI_getvalue(tup, desc, SPI_fnumber(desc, "status"));
	if (cls != NULL && strcmp(cls, "hard") == 0)
	{
		bm_reason	r = reason ? bm_reason_from_name(reason, strlen(reason)) : BM_REASON_COUNT;
		bm_status	st = BM_STATUS_NONE;

		if (status != NULL)
			(void) bm_status_parse(status, strlen(status), &st);
		if (r != BM_REASON_COUNT && bm_reason_fault(r) == BM_FAULT_SENDER)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a classify rule cannot make the sender-side reason %s hard", reason),
					 errdetail("Sender-side refusals (block lists, reputation, authentication) say nothing about the address; a hard verdict would suppress good addresses."),
					 errhint("Leave bounce_class NULL (the reason's own class, soft) or choose an address reason such as user_unknown.")));
		if (bm_is_transient(code ? atoi(code) : 0, st))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a classify rule for a transient reply (%s) cannot be hard", code ? code : status),
					 errdetail("A 4xx reply or 4.x.x status says the failure may pass; it never suppresses an address."),
					 errhint("Leave bounce_class NULL or set it to soft.")));
	}
	return PointerGetDatum(tup);
}

/* Statement trigger on bounce_mgmt.classify_rules: every backend reloads the rules after the change. */
Datum
bm_classify_rules_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("classify_rules_changed() must be called as a trigger")));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}

/*
 * classify_rules_cache() → (rules int, loads bigint, loaded_at timestamptz): this backend's copy of the rules,
 * how many times it was loaded, and when (shows that rules are read once, not per call).
 */
Datum
bm_classify_rules_cache_sql(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "classify_rules_cache() must return a composite type");
	values[0] = Int32GetDatum(rules_valid ? nrules : 0);
	values[1] = Int64GetDatum(rules_loads);
	values[2] = TimestampTzGetDatum(rules_loaded_at);
	nulls[2] = (rules_loads == 0);
	nulls[0] = !rules_valid;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
