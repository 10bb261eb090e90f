/*
 * list_check_sql.c — check_list(emails text[]) and check_list_summary(emails text[]): list-import hygiene
 * ("never buy lists") for SQL, over the pure-C checker of src/core/list_check.c.  Per address: its
 * verdict (syntax, role account, disposable or reserved domain, typo of a big provider's domain, risk),
 * whether it appeared earlier in the list, and whether it is already suppressed or unsubscribed from every
 * list — the last two from ONE query each over the list's distinct valid addresses.  The summary adds the
 * same counts up (bm_list_summary_add, plus repeats, suppressed and unsubscribed).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "bm_pg.h"
#include "common/hashfn.h"
#include "compat.h"
#include "list_check.h"

PG_FUNCTION_INFO_V1(bm_check_list_sql);
PG_FUNCTION_INFO_V1(bm_check_list_summary_sql);

/* One list entry: its verdict and what the database says of its address. */
typedef struct entry
{
	bm_list_verdict v;
	int32		first;			/* index of the entry with the same address seen first (itself if none) */
	bool		suppressed;
	bool		unsubscribed;
} entry;

/* The distinct valid addresses, as an open-addressing set of entry indexes (exact: compared by text). */
typedef struct address_set
{
	int32	   *slots;			/* -1 = empty */
	uint32		mask;
} address_set;

static uint32
address_hash(const bm_list_verdict *v)
{
	return hash_bytes((const unsigned char *) v->address, (int) v->address_len);
}

/* The index of the first entry with e[i]'s address (inserting i when it is new). */
static int32
set_first(address_set *set, const entry *e, int32 i)
{
	uint32		h = address_hash(&e[i].v) & set->mask;

	while (set->slots[h] >= 0)
	{
		const bm_list_verdict *o = &e[set->slots[h]].v;

		if (o->address_len == e[i].v.address_len && memcmp(o->address, e[i].v.address, o->address_len) == 0)
			return set->slots[h];
		h = (h + 1) & set->mask;
	}
	set->slots[h] = i;
	return i;
}

static int32
set_find(const address_set *set, const entry *e, const char *addr, size_t len)
{
	uint32		h = hash_bytes((const unsigned char *) addr, (int) len) & set->mask;

	while (set->slots[h] >= 0)
	{
		const bm_list_verdict *o = &e[set->slots[h]].v;

		if (o->address_len == len && memcmp(o->address, addr, len) == 0)
			return set->slots[h];
		h = (h + 1) & set->mask;
	}
	return -1;
}

/* Marks the entries whose address sql (parameter: the distinct addresses, text[]) returns. */
static void
mark_found(const char *sql, Datum addresses, const address_set *set, entry *e, bool unsub)
{
	Oid			argtype = TEXTARRAYOID;
	int			rc;

	rc = SPI_execute_with_args(sql, 1, &argtype, &addresses, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "bounce_mgmt: check_list look-up failed: %s", SPI_result_code_string(rc));
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		text	   *t = DatumGetTextPP(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull));
		int32		k = set_find(set, e, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

		if (k < 0)
			continue;
		if (unsub)
			e[k].unsubscribed = true;
		else
			e[k].suppressed = true;
	}
}

/* Checks every element of the array (NULL elements are empty addresses); *n gets the count. */
static entry *
check_all(ArrayType *arr, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	entry	   *e;
	address_set set;
	uint32		cap = 16;
	Datum	   *distinct;
	int			ndistinct = 0;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	e = palloc0(sizeof(entry) * Max(*n, 1));
	while (cap < (uint32) *n * 2)
		cap <<= 1;
	set.slots = palloc(sizeof(int32) * cap);
	memset(set.slots, 0xff, sizeof(int32) * cap);
	set.mask = cap - 1;
	distinct = palloc(sizeof(Datum) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
	{
		text	   *t = nulls[i] ? NULL : DatumGetTextPP(elems[i]);

		bm_list_check(t ? VARDATA_ANY(t) : NULL, t ? VARSIZE_ANY_EXHDR(t) : 0, &e[i].v);
		e[i].first = i;
		if (e[i].v.syntax != BM_LIST_SYNTAX_OK)
			continue;
		e[i].first = set_first(&set, e, i);
		if (e[i].first == i)
			distinct[ndistinct++] = PointerGetDatum(cstring_to_text_with_len(e[i].v.address, (int) e[i].v.address_len));
	}
	if (ndistinct > 0)
	{
		Datum		addresses = PointerGetDatum(construct_array(distinct, ndistinct, TEXTOID, -1, false, TYPALIGN_INT));

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "bounce_mgmt: SPI_connect failed");
		mark_found("SELECT s.email FROM " BM_SCHEMA ".suppressions s"
				   " WHERE s.closed_at IS NULL AND s.email OPERATOR(pg_catalog.=) ANY ($1)",
				   addresses, &set, e, false);
		mark_found("SELECT u.email FROM " BM_SCHEMA ".unsubscribes u"
				   " WHERE u.list OPERATOR(pg_catalog.=) '' AND u.email OPERATOR(pg_catalog.=) ANY ($1)"
				   "   AND (u.resubscribed_at IS NULL OR u.resubscribed_at OPERATOR(pg_catalog.<) u.unsubscribed_at)",
				   addresses, &set, e, true);
		SPI_finish();
	}
	/* a repeat says what its first occurrence says */
	for (int i = 0; i < *n; i++)
	{
		e[i].suppressed = e[e[i].first].suppressed;
		e[i].unsubscribed = e[e[i].first].unsubscribed;
	}
	return e;
}

static Datum
text_or_null(const char *s, bool *isnull)
{
	*isnull = (s == NULL || s[0] == '\0');
	return *isnull ? (Datum) 0 : CStringGetTextDatum(s);
}

/*
 * check_list(emails text[]) → (ord, input, address, valid, syntax, risk, why, role_account, disposable_domain,
 * reserved_domain, typo, suggestion, repeated, suppressed, unsubscribed), one row per element, in order.
 */
Datum
bm_check_list_sql(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	entry	   *e;

	InitMaterializedSRF(fcinfo, 0);
	e = check_all(arr, &n);
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		const bm_list_verdict *v = &e[i].v;
		Datum		values[15];
		bool		isnull[15] = {0};

		values[0] = Int64GetDatum(i + 1);
		values[1] = elems[i];
		isnull[1] = nulls[i];
		values[2] = text_or_null(v->syntax == BM_LIST_SYNTAX_OK ? v->address : NULL, &isnull[2]);
		values[3] = BoolGetDatum(v->syntax == BM_LIST_SYNTAX_OK);
		values[4] = CStringGetTextDatum(bm_list_syntax_name(v->syntax));
		values[5] = CStringGetTextDatum(bm_list_risk_name(v->risk));
		values[6] = CStringGetTextDatum(v->why);
		values[7] = text_or_null(v->role, &isnull[7]);
		values[8] = text_or_null(v->disposable, &isnull[8]);
		values[9] = text_or_null(v->reserved, &isnull[9]);
		values[10] = text_or_null(v->typo == BM_LIST_TYPO_NONE ? NULL : bm_list_typo_name(v->typo), &isnull[10]);
		values[11] = text_or_null(v->suggestion, &isnull[11]);
		values[12] = BoolGetDatum(e[i].first != i);
		values[13] = BoolGetDatum(e[i].suppressed);
		values[14] = BoolGetDatum(e[i].unsubscribed);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, isnull);
	}
	return (Datum) 0;
}

/*
 * check_list_summary(emails text[]) → one row: total, valid, invalid, repeated, suppressed, unsubscribed,
 * role accounts, disposable, reserved, typos, quoted local parts, risk ok / warn / bad, and the invalid
 * addresses per syntax reason (jsonb: {"no_at": 2, ...}).  Repeats count once in the categories.
 */
Datum
bm_check_list_summary_sql(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	TupleDesc	desc;
	bm_list_summary sum;
	int64		repeated = 0,
				suppressed = 0,
				unsubscribed = 0;
	int			n;
	entry	   *e;
	StringInfoData reasons;
	Datum		values[15];
	bool		isnull[15] = {0};
	bool		first = true;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "bounce_mgmt: check_list_summary must return a row type");
	e = check_all(arr, &n);
	memset(&sum, 0, sizeof(sum));
	for (int i = 0; i < n; i++)
	{
		if (e[i].first != i)
		{
			repeated++;
			continue;
		}
		bm_list_summary_add(&sum, &e[i].v);
		suppressed += e[i].suppressed;
		unsubscribed += e[i].unsubscribed;
	}
	initStringInfo(&reasons);
	appendStringInfoChar(&reasons, '{');
	for (int s = 0; s < BM_LIST_SYNTAX_COUNT; s++)
	{
		if (s == BM_LIST_SYNTAX_OK || sum.syntax[s] == 0)
			continue;
		appendStringInfo(&reasons, "%s\"%s\": " UINT64_FORMAT, first ? "" : ", ",
						 bm_list_syntax_name((bm_list_syntax) s), (uint64) sum.syntax[s]);
		first = false;
	}
	appendStringInfoChar(&reasons, '}');
	values[0] = Int64GetDatum(n);
	values[1] = Int64GetDatum((int64) sum.valid);
	values[2] = Int64GetDatum((int64) (sum.total - sum.valid));
	values[3] = Int64GetDatum(repeated);
	values[4] = Int64GetDatum(suppressed);
	values[5] = Int64GetDatum(unsubscribed);
	values[6] = Int64GetDatum((int64) sum.role);
	values[7] = Int64GetDatum((int64) sum.disposable);
	values[8] = Int64GetDatum((int64) sum.reserved);
	values[9] = Int64GetDatum((int64) sum.typo);
	values[10] = Int64GetDatum((int64) sum.quoted_local);
	values[11] = Int64GetDatum((int64) sum.risk[BM_LIST_RISK_OK]);
	values[12] = Int64GetDatum((int64) sum.risk[BM_LIST_RISK_WARN]);
	values[13] = Int64GetDatum((int64) sum.risk[BM_LIST_RISK_BAD]);
	values[14] = DirectFunctionCall1(jsonb_in, CStringGetDatum(reasons.data));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, isnull)));
}
