/*
 * suppression.c — normalize_email(), is_suppressed() and can_send(): the per-address checks applications
 * put in WHERE clauses over millions of users.
 *
 * A lookup is an index probe of the open suppressions (partial unique index on email WHERE closed_at IS
 * NULL) through one saved SPI plan.  When an expression calls the function more than LOOKUPS_BEFORE_SET
 * times under one snapshot (a scan over a users table), the open suppressions are read once into a set
 * of 64-bit hashes of their emails; later calls answer "not suppressed" from the set without SPI and
 * confirm a hit with the probe, so a hash collision can never make a false answer.  The set lives in the
 * calling expression's memory (fn_mcxt) and is read with the active snapshot, so it sees exactly what the
 * probe would — as long as the snapshot is the same: an expression can outlive its statement (PL/pgSQL
 * keeps a simple expression's state for the whole transaction, each statement with a snapshot of its
 * own), so the set remembers the snapshot it was read with and is dropped as soon as a call runs under
 * one that may see other rows (another xmin, xmax, command id or set of running transactions): a
 * suppression committed meanwhile, or made by the same loop, is never answered from a stale set.
 *
 * can_send(email, purpose) adds, for marketing mail, the same two-step look-up of the address's
 * unsubscribes in force (table unsubscribes: every list, and the one list a purpose 'marketing:<list>'
 * names); the transactional purpose is exactly can_send(email).
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "address.h"
#include "bm_pg.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(bm_normalize_email_sql);
PG_FUNCTION_INFO_V1(bm_is_suppressed_sql);
PG_FUNCTION_INFO_V1(bm_can_send_sql);
PG_FUNCTION_INFO_V1(bm_can_send_purpose_sql);

#define LOOKUPS_BEFORE_SET 1000

typedef struct hash_set
{
	uint64	   *slots;			/* 0 = empty (a real hash of 0 is stored as 1) */
	uint64		mask;
	uint64		count;
} hash_set;

/* What decides which rows a snapshot sees (its xip arrays copied into the state's memory). */
typedef struct snapshot_key
{
	TransactionId xmin;
	TransactionId xmax;
	CommandId	curcid;
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	TransactionId *xip;			/* xcnt, then subxcnt transaction ids */
	uint32		xip_cap;
} snapshot_key;

typedef struct lookup_state
{
	uint64		calls;			/* calls under the snapshot in key */
	snapshot_key key;
	bool		have_set;		/* set was read under the snapshot in key */
	hash_set	set;
} lookup_state;

/*
 * One kind of look-up: an index probe of one address (parameters: the address, then the list when the
 * kind has one) and the query that reads every address it would find (parameter: the list), into a set.
 * One saved probe plan per backend (plancache revalidates it when the table changes or is re-created).
 */
typedef struct lookup_kind
{
	const char *probe_sql;
	const char *load_sql;
	bool		has_list;
	SPIPlanPtr	probe_plan;
} lookup_kind;

/* open suppressions (the partial unique index on email WHERE closed_at IS NULL) */
static lookup_kind suppression_kind = {
	"SELECT 1 FROM " BM_SCHEMA ".suppressions"
	" WHERE email OPERATOR(pg_catalog.=) $1 AND closed_at IS NULL LIMIT 1",
	"SELECT email FROM " BM_SCHEMA ".suppressions WHERE closed_at IS NULL",
	false, NULL
};

/* unsubscribes in force from every list ('') or the given one (the primary key (email, list)) */
#define UNSUBSCRIBED_IN_FORCE \
	" (resubscribed_at IS NULL OR resubscribed_at OPERATOR(pg_catalog.<) unsubscribed_at)"
static lookup_kind unsubscribe_kind = {
	"SELECT 1 FROM " BM_SCHEMA ".unsubscribes"
	" WHERE email OPERATOR(pg_catalog.=) $1"
	"   AND (list OPERATOR(pg_catalog.=) '' OR list OPERATOR(pg_catalog.=) $2) AND" UNSUBSCRIBED_IN_FORCE
	" LIMIT 1",
	"SELECT email FROM " BM_SCHEMA ".unsubscribes"
	" WHERE (list OPERATOR(pg_catalog.=) '' OR list OPERATOR(pg_catalog.=) $1) AND" UNSUBSCRIBED_IN_FORCE,
	true, NULL
};

/* What one calling expression keeps between calls (fn_extra). */
typedef struct check_state
{
	lookup_state suppressed;
	lookup_state unsubscribed;
	text	   *list;			/* the list unsubscribed's set was read for (fn_mcxt), NULL before */
	text	   *purpose;		/* the last purpose parsed (fn_mcxt), and what it said: */
	bool		marketing;
	text	   *purpose_list;	/* '' or the list of 'marketing:<list>' (fn_mcxt) */
} check_state;

static bool
equal_text(const text *a, const text *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

/* A plain (untoasted, 4-byte header) copy of t in mcxt. */
static text *
copy_text(MemoryContext mcxt, const text *t)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	text	   *c = cstring_to_text_with_len(VARDATA_ANY(t), (int) VARSIZE_ANY_EXHDR(t));

	MemoryContextSwitchTo(old);
	return c;
}

static inline uint64
email_hash(const char *s, size_t len)
{
	uint64		h = hash_bytes_extended((const unsigned char *) s, (int) len, 0x62756e6365ULL);

	return h == 0 ? 1 : h;
}

static void
set_add(hash_set *set, uint64 h)
{
	uint64		i = h & set->mask;

	while (set->slots[i] != 0)
	{
		if (set->slots[i] == h)
			return;
		i = (i + 1) & set->mask;
	}
	set->slots[i] = h;
	set->count++;
}

static bool
set_contains(const hash_set *set, uint64 h)
{
	uint64		i = h & set->mask;

	while (set->slots[i] != 0)
	{
		if (set->slots[i] == h)
			return true;
		i = (i + 1) & set->mask;
	}
	return false;
}

/*
 * Normalizes text into buf (BM_ADDRESS_BUF bytes) with the same rule as ingestion: trimmed, "Name <addr>"
 * and "<addr>" unwrapped, ASCII lower-cased.  False when the text is not an email address.
 */
static bool
normalize(text *in, char *buf, size_t *len)
{
	size_t		domain_off;

	return bm_address_normalize(VARDATA_ANY(in), VARSIZE_ANY_EXHDR(in), buf, len, &domain_off) == BM_ADDR_OK;
}

static bool
probe(lookup_kind *kind, text *list, const char *email, size_t len)
{
	Datum		args[2] = {PointerGetDatum(cstring_to_text_with_len(email, (int) len)), PointerGetDatum(list)};
	static const Oid argtypes[2] = {TEXTOID, TEXTOID};
	bool		found;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	rc = SPI_execute_plan(bm_keep_plan(&kind->probe_plan, kind->probe_sql, kind->has_list ? 2 : 1, argtypes),
						  args, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "bounce_mgmt: suppression lookup failed: %s", SPI_result_code_string(rc));
	found = (SPI_processed > 0);
	SPI_finish();
	return found;
}

/* True when snap sees exactly what the snapshot recorded in key saw. */
static bool
same_snapshot(const snapshot_key *key, Snapshot snap)
{
	return key->xmin == snap->xmin && key->xmax == snap->xmax && key->curcid == snap->curcid &&
		key->xcnt == snap->xcnt && key->subxcnt == snap->subxcnt && key->suboverflowed == snap->suboverflowed &&
		(snap->xcnt == 0 || memcmp(key->xip, snap->xip, snap->xcnt * sizeof(TransactionId)) == 0) &&
		(snap->subxcnt <= 0 ||
		 memcmp(key->xip + snap->xcnt, snap->subxip, snap->subxcnt * sizeof(TransactionId)) == 0);
}

/* Records snap in key (its arrays copied into mcxt). */
static void
remember_snapshot(snapshot_key *key, Snapshot snap, MemoryContext mcxt)
{
	uint32		n = snap->xcnt + (uint32) Max(snap->subxcnt, 0);

	if (n > key->xip_cap)
	{
		if (key->xip != NULL)
			pfree(key->xip);
		key->xip = MemoryContextAlloc(mcxt, n * sizeof(TransactionId));
		key->xip_cap = n;
	}
	if (snap->xcnt > 0)
		memcpy(key->xip, snap->xip, snap->xcnt * sizeof(TransactionId));
	if (snap->subxcnt > 0)
		memcpy(key->xip + snap->xcnt, snap->subxip, snap->subxcnt * sizeof(TransactionId));
	key->xmin = snap->xmin;
	key->xmax = snap->xmax;
	key->curcid = snap->curcid;
	key->xcnt = snap->xcnt;
	key->subxcnt = snap->subxcnt;
	key->suboverflowed = snap->suboverflowed;
}

/* Forgets the set read under an earlier snapshot: calls probe until LOOKUPS_BEFORE_SET more under this one. */
static void
drop_set(lookup_state *st)
{
	if (st->have_set)
		pfree(st->set.slots);
	st->have_set = false;
	st->set.slots = NULL;
	st->calls = 0;
}

static void
load_set(lookup_state *st, const lookup_kind *kind, text *list, MemoryContext mcxt)
{
	uint64		n;
	uint64		cap = 64;
	int			rc;
	Oid			argtype = TEXTOID;
	Datum		arg = PointerGetDatum(list);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	rc = SPI_execute_with_args(kind->load_sql, kind->has_list ? 1 : 0, &argtype, &arg, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "bounce_mgmt: reading suppressions failed: %s", SPI_result_code_string(rc));
	n = SPI_processed;
	while (cap < n * 2)
		cap <<= 1;
	st->set.slots = MemoryContextAllocHuge(mcxt, cap * sizeof(uint64));
	memset(st->set.slots, 0, cap * sizeof(uint64));
	st->set.mask = cap - 1;
	st->set.count = 0;
	for (uint64 i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
		text	   *t;

		if (isnull)
			continue;
		t = DatumGetTextPP(d);
		set_add(&st->set, email_hash(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
	}
	SPI_finish();
	st->have_set = true;
}

/* Does kind find the (normalized) email (with list, for a kind that has one)? */
static bool
lookup(lookup_state *st, lookup_kind *kind, text *list, MemoryContext mcxt, const char *email, size_t len)
{
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;

	if (snap == NULL)
	{
		drop_set(st);			/* no snapshot to tie a set to: the probe takes its own */
		return probe(kind, list, email, len);
	}
	if (st->calls == 0 || !same_snapshot(&st->key, snap))
	{
		drop_set(st);
		remember_snapshot(&st->key, snap, mcxt);
	}
	st->calls++;
	if (!st->have_set && st->calls > LOOKUPS_BEFORE_SET)
		load_set(st, kind, list, mcxt);
	if (st->have_set && !set_contains(&st->set, email_hash(email, len)))
		return false;
	return probe(kind, list, email, len);
}

static check_state *
state_of(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(check_state));
	return (check_state *) fcinfo->flinfo->fn_extra;
}

/* Is the (normalized) email openly suppressed? */
static bool
suppressed(FunctionCallInfo fcinfo, const char *email, size_t len)
{
	return lookup(&state_of(fcinfo)->suppressed, &suppression_kind, NULL, fcinfo->flinfo->fn_mcxt, email, len);
}

/* Is the (normalized) email unsubscribed from every list or from list ('' for none in particular)? */
static bool
unsubscribed(FunctionCallInfo fcinfo, text *list, const char *email, size_t len)
{
	check_state *st = state_of(fcinfo);

	if (st->list == NULL || !equal_text(st->list, list))
	{
		/* another list than the set was read for: a set of its own */
		drop_set(&st->unsubscribed);
		if (st->list != NULL)
			pfree(st->list);
		st->list = copy_text(fcinfo->flinfo->fn_mcxt, list);
	}
	return lookup(&st->unsubscribed, &unsubscribe_kind, st->list, fcinfo->flinfo->fn_mcxt, email, len);
}

/* normalize_email(text) → text: the normalized address, NULL when the text is not an email address. */
Datum
bm_normalize_email_sql(PG_FUNCTION_ARGS)
{
	char		buf[BM_ADDRESS_BUF];
	size_t		len;

	if (!normalize(PG_GETARG_TEXT_PP(0), buf, &len))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf, (int) len));
}

/* is_suppressed(email text) → boolean: an open suppression exists for the normalized address. */
Datum
bm_is_suppressed_sql(PG_FUNCTION_ARGS)
{
	char		buf[BM_ADDRESS_BUF];
	size_t		len;

	if (!normalize(PG_GETARG_TEXT_PP(0), buf, &len))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(suppressed(fcinfo, buf, len));
}

/* can_send(email text) → boolean: a valid address that is not suppressed (the transactional purpose). */
Datum
bm_can_send_sql(PG_FUNCTION_ARGS)
{
	char		buf[BM_ADDRESS_BUF];
	size_t		len;

	if (!normalize(PG_GETARG_TEXT_PP(0), buf, &len))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(!suppressed(fcinfo, buf, len));
}

/*
 * Reads a purpose into st (marketing, purpose_list), once per distinct purpose text: 'transactional',
 * 'marketing' or 'marketing:<list>'; anything else is an error.
 */
static void
parse_purpose(check_state *st, text *purpose, MemoryContext mcxt)
{
	const char *p = VARDATA_ANY(purpose);
	size_t		n = VARSIZE_ANY_EXHDR(purpose);
	static const char marketing[] = "marketing";
	size_t		m = sizeof(marketing) - 1;

	if (st->purpose != NULL && equal_text(st->purpose, purpose))
		return;
	if (n == 13 && memcmp(p, "transactional", 13) == 0)
		st->marketing = false;
	else if (n >= m && memcmp(p, marketing, m) == 0 && (n == m || (p[m] == ':' && n > m + 1 && n - m - 1 <= 200)))
		st->marketing = true;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown purpose \"%s\"", text_to_cstring(purpose)),
				 errdetail("Transactional mail (a password reset, a receipt) ignores unsubscribes; marketing mail honours them."),
				 errhint("Use 'transactional', 'marketing', or 'marketing:<list>' for one list (e.g. 'marketing:asm_group:10').")));
	if (st->purpose != NULL)
		pfree(st->purpose);
	if (st->purpose_list != NULL)
		pfree(st->purpose_list);
	st->purpose = copy_text(mcxt, purpose);
	st->purpose_list = NULL;
	if (st->marketing)
	{
		MemoryContext old = MemoryContextSwitchTo(mcxt);

		st->purpose_list = n > m ? cstring_to_text_with_len(p + m + 1, (int) (n - m - 1)) : cstring_to_text("");
		MemoryContextSwitchTo(old);
	}
}

/*
 * can_send(email text, purpose text) → boolean: as can_send(email) for 'transactional'; for 'marketing'
 * also not unsubscribed from every list, and for 'marketing:<list>' not from that list either.  NULL email
 * gives NULL (as the one-argument form); a NULL or unknown purpose is an error.
 */
Datum
bm_can_send_purpose_sql(PG_FUNCTION_ARGS)
{
	char		buf[BM_ADDRESS_BUF];
	size_t		len;
	check_state *st;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("purpose must not be NULL"),
				 errhint("Use 'transactional', 'marketing' or 'marketing:<list>'.")));
	st = state_of(fcinfo);
	parse_purpose(st, PG_GETARG_TEXT_PP(1), fcinfo->flinfo->fn_mcxt);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (!normalize(PG_GETARG_TEXT_PP(0), buf, &len))
		PG_RETURN_BOOL(false);
	if (suppressed(fcinfo, buf, len))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(!(st->marketing && unsubscribed(fcinfo, st->purpose_list, buf, len)));
}
