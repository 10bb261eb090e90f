/*
 * suppression.c — normalize_email(), is_suppressed() and can_send(): the per-address checks applications
 * put in WHERE clauses over millions of users.
 *
 * A lookup is an index probe of the open suppressions (partial unique index on email WHERE closed_at IS
 * NULL) through one saved SPI plan.  When a query calls the function more than LOOKUPS_BEFORE_SET times
 * (a scan over a users table), the open suppressions are read once into a set of 64-bit hashes of their
 * emails; later calls answer "not suppressed" from the set without SPI and confirm a hit with the probe,
 * so a hash collision can never make a false answer.  The set lives in the calling expression's memory
 * (fn_mcxt) and is read with the query's snapshot, so it sees exactly what the probe would.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "address.h"
#include "bm_pg.h"

PG_FUNCTION_INFO_V1(bm_normalize_email_sql);
PG_FUNCTION_INFO_V1(bm_is_suppressed_sql);
PG_FUNCTION_INFO_V1(bm_can_send_sql);

#define LOOKUPS_BEFORE_SET 1000

typedef struct hash_set
{
	uint64	   *slots;			/* 0 = empty (a real hash of 0 is stored as 1) */
	uint64		mask;
	uint64		count;
} hash_set;

typedef struct lookup_state
{
	uint64		calls;
	bool		have_set;
	hash_set	set;
} lookup_state;

/* One saved plan per backend (plancache revalidates it when the table changes or is re-created). */
static SPIPlanPtr probe_plan = NULL;

static const char *const probe_sql =
"SELECT 1 FROM " BM_SCHEMA ".suppressions"
" WHERE email OPERATOR(pg_catalog.=) $1 AND closed_at IS NULL LIMIT 1";

static const char *const load_sql =
"SELECT email FROM " BM_SCHEMA ".suppressions WHERE closed_at IS NULL";

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
probe(const char *email, size_t len)
{
	Datum		arg = PointerGetDatum(cstring_to_text_with_len(email, (int) len));
	bool		found;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	if (probe_plan == NULL)
	{
		Oid			argtype = TEXTOID;
		SPIPlanPtr	plan = SPI_prepare(probe_sql, 1, &argtype);

		if (plan == NULL)
			elog(ERROR, "bounce_mgmt: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "bounce_mgmt: SPI_keepplan failed");
		probe_plan = plan;
	}
	rc = SPI_execute_plan(probe_plan, &arg, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "bounce_mgmt: suppression lookup failed: %s", SPI_result_code_string(rc));
	found = (SPI_processed > 0);
	SPI_finish();
	return found;
}

static void
load_set(lookup_state *st, MemoryContext mcxt)
{
	uint64		n;
	uint64		cap = 64;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	rc = SPI_execute(load_sql, true, 0);
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

/* Is the (normalized) email openly suppressed? */
static bool
suppressed(FunctionCallInfo fcinfo, const char *email, size_t len)
{
	lookup_state *st = (lookup_state *) fcinfo->flinfo->fn_extra;

	if (st == NULL)
	{
		st = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(lookup_state));
		fcinfo->flinfo->fn_extra = st;
	}
	st->calls++;
	if (!st->have_set && st->calls > LOOKUPS_BEFORE_SET)
		load_set(st, fcinfo->flinfo->fn_mcxt);
	if (st->have_set && !set_contains(&st->set, email_hash(email, len)))
		return false;
	return probe(email, len);
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

/* can_send(email text) → boolean: a valid address that is not suppressed. */
Datum
bm_can_send_sql(PG_FUNCTION_ARGS)
{
	char		buf[BM_ADDRESS_BUF];
	size_t		len;

	if (!normalize(PG_GETARG_TEXT_PP(0), buf, &len))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(!suppressed(fcinfo, buf, len));
}
