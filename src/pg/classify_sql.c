/*
 * classify_sql.c — SQL entry points of the classifier: bounce_mgmt.classify(), parse_smtp_reply() and the
 * built-in reason catalogue.  Argument unpacking and result tuples only; the logic is src/core/.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "smtp_reply.h"
#include "bm_pg.h"
#include "compat.h"

PG_FUNCTION_INFO_V1(bm_classify_sql);
PG_FUNCTION_INFO_V1(bm_parse_smtp_reply_sql);
PG_FUNCTION_INFO_V1(bm_reason_catalog_sql);

/* Per-call-site state of classify(): result descriptor and enum label OIDs, resolved on first call. */
typedef struct classify_cache
{
	TupleDesc	tupdesc;
	bm_enum_cache enums;
} classify_cache;

#define CLASSIFY_NATTS 7

int64
bm_classify_with_rules(const char *text, size_t len, int reply_code, bm_status status, bm_verdict *v)
{
	bm_classify(text, len, reply_code, status, v);
	return bm_rules_apply(text, len, v);
}

static classify_cache *
get_classify_cache(FunctionCallInfo fcinfo)
{
	classify_cache *cache = (classify_cache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		TupleDesc	tupdesc;

		cache = palloc0(sizeof(classify_cache));
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "classify() must return a composite type");
		if (tupdesc->natts != CLASSIFY_NATTS)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("type bounce_mgmt.classification has %d attributes, the library expects %d",
							tupdesc->natts, CLASSIFY_NATTS),
					 errhint("ALTER EXTENSION bounce_mgmt UPDATE.")));
		cache->tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
		bm_enum_cache_fill(&cache->enums);
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

/*
 * classify(diagnostic text, reply_code int DEFAULT NULL, status smtp_status DEFAULT NULL)
 *   → (bounce_class, reason, reply_code, status, fault, evidence, rule_id)
 * Not STRICT: codes alone classify too.  All three NULL gives NULL.
 */
Datum
bm_classify_sql(PG_FUNCTION_ARGS)
{
	classify_cache *cache;
	const char *diag = NULL;
	size_t		len = 0;
	int			reply_code = 0;
	bm_status	status = BM_STATUS_NONE;
	bm_verdict	v;
	int64		rule_id;
	Datum		values[CLASSIFY_NATTS];
	bool		nulls[CLASSIFY_NATTS] = {false};

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1) && PG_ARGISNULL(2))
		PG_RETURN_NULL();
	cache = get_classify_cache(fcinfo);

	if (!PG_ARGISNULL(0))
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		diag = VARDATA_ANY(t);
		len = VARSIZE_ANY_EXHDR(t);
	}
	if (!PG_ARGISNULL(1))
	{
		int32		code = PG_GETARG_INT32(1);

		if (code < 200 || code > 599)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("SMTP reply code out of range: %d", code),
					 errdetail("Argument reply_code must be a three-digit SMTP reply code, 200 to 599."),
					 errhint("Pass NULL when the reply code is unknown.")));
		reply_code = code;
	}
	if (!PG_ARGISNULL(2))
		status = (bm_status) PG_GETARG_UINT32(2);

	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		/* the SMTP command the reply answered (a bounce email says so): the verdict uses it */
		char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(3));
		bm_classify_ctx ctx = {BM_SMTP_NONE};

		for (int c = BM_SMTP_NONE + 1; c < BM_SMTP_COMMAND_COUNT; c++)
			if (pg_strcasecmp(name, bm_smtp_command_name((bm_smtp_command) c)) == 0)
				ctx.command = (bm_smtp_command) c;
		if (ctx.command == BM_SMTP_NONE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown SMTP command \"%s\"", name),
					 errhint("One of CONNECT, HELO, EHLO, MAIL, RCPT, DATA, BDAT; or NULL.")));
		bm_classify_ex(diag, len, reply_code, status, &ctx, &v);
		rule_id = bm_rules_apply(diag, len, &v);
	}
	else
		rule_id = bm_classify_with_rules(diag, len, reply_code, status, &v);

	values[0] = ObjectIdGetDatum(cache->enums.class_oid[v.bounce_class]);
	values[1] = ObjectIdGetDatum(cache->enums.reason_oid[v.reason]);
	values[2] = Int32GetDatum(v.reply_code);
	nulls[2] = (v.reply_code == 0);
	values[3] = UInt32GetDatum(v.status);
	nulls[3] = (v.status == BM_STATUS_NONE);
	values[4] = ObjectIdGetDatum(cache->enums.fault_oid[bm_reason_fault(v.reason)]);
	values[5] = ObjectIdGetDatum(cache->enums.evidence_oid[v.evidence]);
	values[6] = Int64GetDatum(rule_id);
	nulls[6] = (rule_id == 0);

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->tupdesc, values, nulls)));
}

/* parse_smtp_reply(diagnostic text) → (reply_code int, status smtp_status, message text); STRICT */
Datum
bm_parse_smtp_reply_sql(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *str = VARDATA_ANY(t);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	TupleDesc	tupdesc;
	bm_reply	r;
	char	   *msg;
	size_t		msglen;
	Datum		values[3];
	bool		nulls[3] = {false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "parse_smtp_reply() must return a composite type");

	bm_reply_parse(str, len, &r);
	msg = palloc(len + 1);
	msglen = bm_reply_message(str, len, &r, msg);

	values[0] = Int32GetDatum(r.reply_code);
	nulls[0] = (r.reply_code == 0);
	values[1] = UInt32GetDatum(r.status);
	nulls[1] = (r.status == BM_STATUS_NONE);
	values[2] = PointerGetDatum(cstring_to_text_with_len(msg, (int) msglen));
	nulls[2] = (msglen == 0);

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/*
 * reason_catalog() → setof (reason text, default_class text, fault text, sisimai_name text): the built-in
 * reason table compiled into the library, so SQL can check it against the enums and fill reference tables.
 */
Datum
bm_reason_catalog_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < BM_REASON_COUNT; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false};

		values[0] = CStringGetTextDatum(bm_reason_name((bm_reason) i));
		values[1] = CStringGetTextDatum(bm_class_name(bm_reason_class((bm_reason) i, 0, BM_STATUS_NONE)));
		values[2] = CStringGetTextDatum(bm_fault_name(bm_reason_fault((bm_reason) i)));
		values[3] = CStringGetTextDatum(bm_reason_sisimai_name((bm_reason) i));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
