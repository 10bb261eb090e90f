/*
 * classify_rules.c — operators' override rules (table bounce_mgmt.classify_rules) applied before the
 * built-in verdict.  Rules are read and their regular expressions compiled once per backend, kept in a
 * private memory context, and reloaded only after the table changes: a statement trigger on the table
 * sends a relcache invalidation, which every backend receives at commit (and the changing backend at once).
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "access/htup_details.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "regex/regex.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "bm_pg.h"

PG_FUNCTION_INFO_V1(bm_classify_rules_changed);
PG_FUNCTION_INFO_V1(bm_classify_rules_cache_sql);

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
static Oid	rules_relid = InvalidOid;
static int64 rules_loads = 0;	/* how many times this backend has (re)loaded the rules */
static TimestampTz rules_loaded_at = 0;

static void
rules_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == rules_relid)
		rules_valid = false;
}

void
bm_rules_init(void)
{
	CacheRegisterRelcacheCallback(rules_relcache_callback, (Datum) 0);
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

static void
rules_compile(bm_rule *rule, const char *pattern)
{
	int			plen = (int) strlen(pattern);
	pg_wchar   *wpat = palloc((plen + 1) * sizeof(pg_wchar));
	int			wlen = pg_mb2wchar_with_len(pattern, wpat, plen);
	int			rc = pg_regcomp(&rule->re, wpat, wlen, REG_ADVANCED | REG_ICASE | REG_NOSUB,
								DEFAULT_COLLATION_OID);

	pfree(wpat);
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
}

static void
rules_load(void)
{
	const char *sql =
		"SELECT rule_id, pattern, reply_code, status::pg_catalog.text, reason::pg_catalog.text,"
		"       bounce_class::pg_catalog.text"
		"  FROM bounce_mgmt.classify_rules WHERE enabled ORDER BY priority, rule_id";
	MemoryContext old;

	if (rules_cxt == NULL)
		rules_cxt = AllocSetContextCreate(TopMemoryContext, "bounce_mgmt classify rules",
										  ALLOCSET_SMALL_SIZES);
	rules_release();
	rules_relid = bm_relation_oid("classify_rules");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read bounce_mgmt.classify_rules");

	old = MemoryContextSwitchTo(rules_cxt);
	rules = palloc0(sizeof(bm_rule) * Max(SPI_processed, 1));
	MemoryContextSwitchTo(old);

	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bm_rule    *rule = &rules[nrules];
		bool		isnull;
		char	   *s;

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
			old = MemoryContextSwitchTo(rules_cxt);
			rules_compile(rule, SPI_getvalue(tup, desc, 2));
			MemoryContextSwitchTo(old);
		}
		nrules++;
		ncompiled = nrules;		/* rules_release() frees this one from now on */
	}
	SPI_finish();
	rules_valid = true;
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
				wtext = palloc((len + 1) * sizeof(pg_wchar));
				wlen = pg_mb2wchar_with_len(text, wtext, (int) len);
			}
			rc = pg_regexec(&rule->re, wtext, wlen, 0, NULL, 0, NULL, 0);
			if (rc == REG_NOMATCH)
				continue;
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
		v->evidence = BM_EV_OVERRIDE;
		v->pattern_id = -1;
		matched = rule->rule_id;
	}
	if (wtext != NULL)
		pfree(wtext);
	return matched;
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
