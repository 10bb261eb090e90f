/*
 * ingest.c — ingest(payload, provider, all_or_nothing): parses a provider payload with the pure-C adapters
 * (src/core/payload.h), classifies each bounce with classify() and the operators' rules, buffers the rows
 * and hands them to ingest_store.c in bulk.  Elements that cannot be stored are quarantined in
 * ingest_errors with the reason (or, with all_or_nothing, fail the call).  The parser lives in a memory
 * context whose reset callback destroys it, so an ERROR anywhere leaks nothing.
 */
#include "postgres.h"

#include <string.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "bm_pg.h"
#include "classify.h"
#include "ingest.h"
#include "ingest_store.h"
#include "payload.h"
#include "timefmt.h"

PG_FUNCTION_INFO_V1(bm_ingest_sql);

/* all ingestion transactions take this transaction-level advisory lock (see README: concurrency) */
#define BM_INGEST_LOCK_KEY INT64CONST(0x626f756e63650001)

/* microseconds from 1970-01-01 to 2000-01-01 (PostgreSQL's epoch) */
#define UNIX_TO_PG_USECS (INT64CONST(946684800) * USECS_PER_SEC)

static bool keep_raw = true;

typedef struct ingest_state
{
	MemoryContext batch_cxt;	/* the call: parser, buffer, notes */
	MemoryContext row_cxt;		/* the buffered rows' values: reset after each flush */
	bm_parser  *parser;
	const bm_ingest_options *opts;
	bm_provider provider;		/* given, or detected from the first event / reject */
	int64		batch_id;
	int64		max_time;		/* later occurred_at is refused: now() + 1 day */
	bm_rowbuf  *buf;
	int32		events;
	int64		inserted;
	int32		quarantined;
	List	   *notes;			/* of text */
	/* the last quarantined element: further refusals in it (SES recipients) only count, one row each element */
	const char *q_raw;
	size_t		q_len;
	size_t		q_index;
	int64		q_error_id;
	int64		q_more;
	Oid			provider_oid[BM_PROVIDER_COUNT];	/* enum label OIDs, looked up once per call */
	Oid			etype_oid[BM_ET_COUNT];
	bm_enum_cache enums;		/* bounce_class, bounce_reason, bounce_evidence labels */
} ingest_state;

void
bm_ingest_init(void)
{
	DefineCustomBoolVariable("bounce_mgmt.keep_raw",
							 "Keep each event's raw JSON element in bounce_mgmt.events.raw.",
							 "Off stores NULL instead (smaller tables; nothing to replay from).",
							 &keep_raw, true, PGC_USERSET, 0, NULL, NULL, NULL);
}

static void
destroy_parser(void *arg)
{
	ingest_state *st = (ingest_state *) arg;

	bm_parser_destroy(st->parser);
	st->parser = NULL;
}

/* The OIDs of the provider and event_type labels, in bm_provider / bm_event_type order. */
static void
load_enum_oids(ingest_state *st)
{
	const char *names[Max((int) BM_PROVIDER_COUNT, (int) BM_ET_COUNT)];

	for (int i = 0; i < BM_PROVIDER_COUNT; i++)
		names[i] = bm_provider_name((bm_provider) i);
	bm_enum_label_oids(bm_type_oid("provider"), names, BM_PROVIDER_COUNT, st->provider_oid);
	for (int i = 0; i < BM_ET_COUNT; i++)
		names[i] = bm_event_type_name((bm_event_type) i);
	bm_enum_label_oids(bm_type_oid("event_type"), names, BM_ET_COUNT, st->etype_oid);
	bm_enum_cache_fill(&st->enums);
}

/* Is s storable as text: valid in the server encoding, no NUL byte? */
static bool
storable(bm_str s)
{
	if (s.ptr == NULL)
		return true;
	if (memchr(s.ptr, '\0', s.len) != NULL)
		return false;
	return pg_verifymbstr(s.ptr, (int) s.len, true);
}

static void
set_text(ingest_state *st, int col, bm_str s)
{
	int			i = st->buf->n;

	if (s.ptr == NULL)
	{
		st->buf->nulls[col][i] = true;
		st->buf->values[col][i] = (Datum) 0;
	}
	else
	{
		st->buf->nulls[col][i] = false;
		st->buf->values[col][i] = PointerGetDatum(cstring_to_text_with_len(s.ptr, (int) s.len));
	}
}

static void
set_value(ingest_state *st, int col, Datum v, bool isnull)
{
	st->buf->values[col][st->buf->n] = v;
	st->buf->nulls[col][st->buf->n] = isnull;
}

/* The raw element as text for ingest_errors: NUL bytes and invalid encoding replaced, never refused. */
static text *
quarantine_text(bm_str raw)
{
	StringInfoData s;

	initStringInfo(&s);
	for (size_t i = 0; raw.ptr != NULL && i < raw.len;)
	{
		int			l = pg_mblen(raw.ptr + i);

		if (raw.ptr[i] == '\0')
		{
			appendStringInfoString(&s, "\\u0000");
			i++;
		}
		else if (i + l <= raw.len && pg_verifymbstr(raw.ptr + i, l, true))
		{
			appendBinaryStringInfo(&s, raw.ptr + i, l);
			i += l;
		}
		else
		{
			appendStringInfo(&s, "\\x%02x", (unsigned char) raw.ptr[i]);
			i++;
		}
	}
	return cstring_to_text_with_len(s.data, s.len);
}

/* Notes on the last quarantined element's row how many more of its events were refused with it. */
static void
quarantine_close(ingest_state *st)
{
	if (st->q_more > 0)
		bm_store_quarantine_more(st->q_error_id, st->q_more);
	st->q_raw = NULL;
	st->q_more = 0;
}

/*
 * Keeps a refused element in ingest_errors — once per element: an element that reports several
 * recipients (SES) and has several bad ones is one row (the first reason, and a count of the others), so
 * quarantine stays linear in the payload.
 */
static void
quarantine(ingest_state *st, bm_provider provider, size_t index, bm_str raw, const char *reason,
		   const char *field)
{
	if (!st->opts->all_or_nothing && st->q_raw != NULL && raw.ptr == st->q_raw && raw.len == st->q_len &&
		index == st->q_index)
	{
		st->q_more++;
		st->quarantined++;
		return;
	}
	if (st->opts->all_or_nothing)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("element %zu of the %s payload was refused: %s", index,
						provider == BM_PROVIDER_AUTO ? "provider" : bm_provider_name(provider), reason),
				 field && field[0] ? errdetail("Field: %s.", field) : 0,
				 errhint("Without all_or_nothing the element would be kept in bounce_mgmt.ingest_errors and the rest of the batch stored.")));
	quarantine_close(st);
	st->q_error_id = bm_store_quarantine(st->batch_id, provider, (int64) index, quarantine_text(raw), reason,
										 field);
	st->q_raw = raw.ptr;
	st->q_len = raw.len;
	st->q_index = index;
	st->quarantined++;
}

static void
flush(ingest_state *st)
{
	st->inserted += bm_store_flush(st->buf, st->batch_id);
	MemoryContextReset(st->row_cxt);
}

/* Our verdict for one event: the classifier on the diagnostic, the provider's verdict where we have none. */
static void
verdict_for(const bm_event *ev, bm_verdict *v, bool *classified)
{
	*classified = true;
	switch (ev->type)
	{
		case BM_ET_BOUNCE:
		case BM_ET_DEFERRED:
		case BM_ET_DROPPED:
			if (ev->flags & BM_EVF_AUTO_REPLY)
			{
				memset(v, 0, sizeof(*v));
				v->bounce_class = BM_NOT_BOUNCE;
				v->reason = BM_R_VACATION;
				v->reply_code = ev->reply_code;
				v->status = ev->status;
				v->evidence = BM_EV_PROVIDER;
				return;
			}
			{
				/* a drop often carries only the provider's reason ("Bounced Address") */
				bm_str		text = ev->diagnostic;

				if ((text.ptr == NULL || text.len == 0) && ev->type == BM_ET_DROPPED)
					text = ev->provider_subtype;
				bm_classify_with_rules(text.ptr ? text.ptr : "", text.ptr ? text.len : 0,
									   ev->reply_code, ev->status, v);
			}
			if (v->evidence == BM_EV_NONE && (ev->flags & BM_EVF_PROVIDER_HARD) && ev->type == BM_ET_BOUNCE)
			{
				v->bounce_class = BM_HARD;
				v->evidence = BM_EV_PROVIDER;
			}
			/* a deferral is temporary by definition, whatever its words */
			if (ev->type == BM_ET_DEFERRED && v->bounce_class == BM_HARD)
				v->bounce_class = BM_SOFT;
			return;
		case BM_ET_COMPLAINT:
			memset(v, 0, sizeof(*v));
			v->bounce_class = BM_NOT_BOUNCE;
			v->reason = BM_R_FEEDBACK;
			v->evidence = BM_EV_PROVIDER;
			return;
		case BM_ET_DELIVERED:
			memset(v, 0, sizeof(*v));
			v->bounce_class = BM_NOT_BOUNCE;
			v->reason = BM_R_DELIVERED;
			v->reply_code = ev->reply_code;
			v->status = ev->status;
			v->evidence = BM_EV_PROVIDER;
			return;
		default:
			*classified = false;
			return;
	}
}

/*
 * The raw element as jsonb, built in the row context.  jsonb refuses some JSON that json-c accepts (\u0000,
 * lone surrogates): then *why says so and the element is quarantined instead of failing the batch.  Only
 * data exceptions are caught (jsonb_in takes no locks or buffers); anything else is re-thrown.
 */
static Datum
raw_jsonb(ingest_state *st, bm_str raw, char **why)
{
	MemoryContext old = MemoryContextSwitchTo(st->row_cxt);
	char	   *cstr = pnstrdup(raw.ptr, raw.len);
	volatile Datum result = (Datum) 0;

	PG_TRY();
	{
		result = DirectFunctionCall1(jsonb_in, CStringGetDatum(cstr));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(st->row_cxt);
		edata = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION)
			PG_RE_THROW();
		FlushErrorState();
		*why = psprintf("raw element cannot be stored as jsonb: %s", edata->message);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	return result;
}

static void
sink_event(void *ctx, const bm_event *ev)
{
	ingest_state *st = (ingest_state *) ctx;
	bm_verdict	v;
	bool		classified;
	int			i;
	MemoryContext old;
	int			y,
				m,
				d;
	Datum		raw = (Datum) 0;
	size_t		index = (size_t) st->events;

	st->events++;
	if (st->provider == BM_PROVIDER_AUTO)
		st->provider = ev->provider;
	CHECK_FOR_INTERRUPTS();

	/* refuse what cannot be stored, with the reason */
	if (ev->occurred_at == BM_TIME_NONE)
	{
		quarantine(st, ev->provider, index, ev->element, "missing timestamp", "timestamp");
		return;
	}
	if (ev->occurred_at < UNIX_TO_PG_USECS || ev->occurred_at > st->max_time)
	{
		quarantine(st, ev->provider, index, ev->element,
				   "timestamp out of range (before 2000-01-01 or more than a day ahead)", "timestamp");
		return;
	}
	if (!storable(ev->provider_event_id) || !storable(ev->email) || !storable(ev->email_original) ||
		!storable(ev->provider_type) || !storable(ev->provider_subtype) || !storable(ev->diagnostic) ||
		!storable(ev->message_id))
	{
		quarantine(st, ev->provider, index, ev->element,
				   "a text field holds a NUL character or bytes that are not valid in the server encoding", "");
		return;
	}
	if (keep_raw && ev->raw.ptr != NULL)
	{
		char	   *why = NULL;

		raw = raw_jsonb(st, ev->raw, &why);
		if (why != NULL)
		{
			quarantine(st, ev->provider, index, ev->element, why, "");
			return;
		}
	}

	verdict_for(ev, &v, &classified);
	/* the buffer holds enum label OIDs indexed by these: never index past the tables */
	if ((unsigned) ev->provider >= BM_PROVIDER_COUNT || (unsigned) ev->type >= BM_ET_COUNT ||
		(classified && ((unsigned) v.bounce_class > BM_NOT_BOUNCE || (unsigned) v.reason >= BM_REASON_COUNT ||
						(unsigned) v.evidence > BM_EV_PROVIDER)))
		elog(ERROR, "bounce_mgmt: invalid event from the %s adapter (type %d)",
			 bm_provider_name(ev->provider), (int) ev->type);

	old = MemoryContextSwitchTo(st->row_cxt);
	i = st->buf->n;
	bm_civil_from_us(ev->occurred_at, &y, &m, &d);
	st->buf->months[i] = y * 12 + (m - 1);
	set_value(st, BM_C_PROVIDER, ObjectIdGetDatum(st->provider_oid[ev->provider]), false);
	set_text(st, BM_C_PID, ev->provider_event_id);
	set_value(st, BM_C_OCCURRED, TimestampTzGetDatum(ev->occurred_at - UNIX_TO_PG_USECS), false);
	set_value(st, BM_C_ETYPE, ObjectIdGetDatum(st->etype_oid[ev->type]), false);
	set_text(st, BM_C_EMAIL, ev->email);
	set_text(st, BM_C_DOMAIN, ev->domain);
	if (classified)
	{
		set_value(st, BM_C_CLASS, ObjectIdGetDatum(st->enums.class_oid[v.bounce_class]), false);
		set_value(st, BM_C_REASON, ObjectIdGetDatum(st->enums.reason_oid[v.reason]), false);
		set_value(st, BM_C_EVIDENCE, ObjectIdGetDatum(st->enums.evidence_oid[v.evidence]), false);
	}
	else
	{
		set_value(st, BM_C_CLASS, (Datum) 0, true);
		set_value(st, BM_C_REASON, (Datum) 0, true);
		set_value(st, BM_C_EVIDENCE, (Datum) 0, true);
	}
	{
		int			reply = classified ? v.reply_code : ev->reply_code;
		bm_status	status = classified ? v.status : ev->status;

		/* reply codes are 3 digits, statuses valid (the parsers guarantee both; anything else is NULL) */
		set_value(st, BM_C_REPLY, Int16GetDatum((int16) reply), reply <= 0 || reply > PG_INT16_MAX);
		set_value(st, BM_C_STATUS, UInt32GetDatum(status), !bm_status_is_valid(status));
	}
	set_text(st, BM_C_PTYPE, ev->provider_type);
	set_text(st, BM_C_PSUB, ev->provider_subtype);
	set_text(st, BM_C_DIAG, ev->diagnostic);
	set_text(st, BM_C_MSGID, ev->message_id);
	set_value(st, BM_C_ATTEMPT, Int32GetDatum(ev->attempt), ev->attempt == 0);
	set_value(st, BM_C_FLAGS, Int32GetDatum((int32) ev->flags), false);
	set_text(st, BM_C_EMAIL_ORIG, ev->email_original);
	set_value(st, BM_C_RAW, raw, raw == (Datum) 0);
	MemoryContextSwitchTo(old);

	if (++st->buf->n == BM_FLUSH_ROWS)
		flush(st);
}

static void
sink_reject(void *ctx, const bm_reject *rej)
{
	ingest_state *st = (ingest_state *) ctx;
	char	   *reason;

	st->events++;
	if (st->provider == BM_PROVIDER_AUTO)
		st->provider = rej->provider;
	reason = psprintf("%s", rej->reason ? rej->reason : "refused");
	quarantine(st, rej->provider, rej->element_index, rej->raw, reason, rej->field);
	pfree(reason);
}

static void
sink_note(void *ctx, const bm_note *note)
{
	ingest_state *st = (ingest_state *) ctx;
	MemoryContext old = MemoryContextSwitchTo(st->batch_cxt);
	char	   *s;

	if (note->detail.ptr != NULL && storable(note->detail))
		s = psprintf("%s: %.*s", note->kind, (int) Min(note->detail.len, 2000), note->detail.ptr);
	else
		s = pstrdup(note->kind);
	st->notes = lappend(st->notes, cstring_to_text(s));
	MemoryContextSwitchTo(old);
	ereport(NOTICE,
			(errmsg("bounce_mgmt: %s payload: %s", bm_provider_name(note->provider), note->kind),
			 note->detail.ptr ? errdetail("%s", s) : 0));
}

static void
report_payload_error(const bm_payload_error *err, const bm_ingest_options *opts)
{
	const char *prov = err->provider == BM_PROVIDER_AUTO ? "provider" : bm_provider_name(err->provider);

	switch (err->status)
	{
		case BM_PAYLOAD_SYNTAX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid JSON in %s payload", prov),
					 errdetail("At byte offset %zu: %s", err->offset, err->message),
					 errhint("The payload must be the provider's JSON body exactly as received.")));
			break;
		case BM_PAYLOAD_TOO_DEEP:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s payload nested too deeply", prov),
					 errdetail("At byte offset %zu: %s", err->offset, err->message)));
			break;
		case BM_PAYLOAD_SHAPE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s payload does not have the expected shape", prov),
					 errdetail("Field %s: %s", err->field[0] ? err->field : "$", err->message)));
			break;
		case BM_PAYLOAD_UNDETECTED:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("could not tell which provider sent this payload"),
					 errdetail("%s", err->message),
					 errhint("Pass the provider explicitly: one of %s.", bm_provider_list())));
			break;
		case BM_PAYLOAD_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while parsing a %s payload", prov)));
			break;
		case BM_PAYLOAD_OK:
			break;
	}
}

void
bm_ingest_payload(const char *payload, size_t len, const bm_ingest_options *opts, bm_ingest_result *result)
{
	ingest_state *st;
	MemoryContext batch_cxt;
	MemoryContext old;
	MemoryContextCallback *cb;
	bm_payload_opts popts;
	bm_sink		sink;
	bm_payload_error err;
	bm_provider detected = BM_PROVIDER_AUTO;
	bm_payload_status status;
	Datum		notes = (Datum) 0;

	batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "bounce_mgmt ingest", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(batch_cxt);
	st = palloc0(sizeof(ingest_state));
	st->batch_cxt = batch_cxt;
	st->row_cxt = AllocSetContextCreate(batch_cxt, "bounce_mgmt ingest rows", ALLOCSET_DEFAULT_SIZES);
	st->opts = opts;
	st->provider = opts->provider;
	st->buf = MemoryContextAllocHuge(batch_cxt, sizeof(bm_rowbuf));
	st->buf->n = 0;
	st->max_time = GetCurrentTimestamp() + UNIX_TO_PG_USECS + USECS_PER_DAY;
	load_enum_oids(st);
	st->parser = bm_parser_create();
	if (st->parser == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	cb = palloc0(sizeof(MemoryContextCallback));
	cb->func = destroy_parser;
	cb->arg = st;
	MemoryContextRegisterResetCallback(batch_cxt, cb);
	MemoryContextSwitchTo(old);

	/* one ingestion transaction at a time: overlapping batches neither duplicate nor deadlock */
	DirectFunctionCall1(pg_advisory_xact_lock_int8, Int64GetDatum(BM_INGEST_LOCK_KEY));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	st->batch_id = bm_store_begin_batch(opts->source ? opts->source : "ingest", (int64) len);

	memset(&popts, 0, sizeof(popts));
	popts.provider = opts->provider;
	popts.max_depth = 0;
	popts.keep_raw = true;		/* raw is needed for quarantine even when not stored */
	sink.ctx = st;
	sink.event = sink_event;
	sink.reject = sink_reject;
	sink.note = sink_note;
	memset(&err, 0, sizeof(err));
	status = bm_parse_payload(st->parser, payload, len, &popts, &sink, &detected, &err);
	if (status != BM_PAYLOAD_OK)
		report_payload_error(&err, opts);
	if (st->buf->n > 0)
		flush(st);
	quarantine_close(st);
	if (detected != BM_PROVIDER_AUTO)
		st->provider = detected;

	if (st->notes != NIL)
	{
		int			n = list_length(st->notes);
		Datum	   *elems = palloc(sizeof(Datum) * n);
		int			k = 0;
		ListCell   *lc;

		foreach(lc, st->notes)
			elems[k++] = PointerGetDatum(lfirst(lc));
		notes = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
	}
	bm_store_end_batch(st->batch_id, st->provider, st->events, (int32) st->inserted, st->quarantined,
					   notes, st->notes == NIL);
	SPI_finish();

	result->batch_id = st->batch_id;
	result->provider = st->provider;
	result->events = st->events;
	result->inserted = (int32) st->inserted;
	result->quarantined = st->quarantined;
	result->duplicates = st->events - result->inserted - st->quarantined;
	MemoryContextDelete(batch_cxt);
}

/* ingest(payload text, provider text DEFAULT NULL, all_or_nothing boolean DEFAULT false) */
Datum
bm_ingest_sql(PG_FUNCTION_ARGS)
{
	text	   *payload;
	bm_ingest_options opts;
	bm_ingest_result res;
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("payload must not be NULL")));
	payload = PG_GETARG_TEXT_PP(0);
	memset(&opts, 0, sizeof(opts));
	opts.provider = BM_PROVIDER_AUTO;
	if (!PG_ARGISNULL(1))
	{
		text	   *name = PG_GETARG_TEXT_PP(1);

		if (!bm_provider_from_name(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &opts.provider))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown provider \"%s\"", text_to_cstring(name)),
					 errhint("Known providers: %s; or NULL to detect it from the payload.", bm_provider_list())));
	}
	opts.all_or_nothing = !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);
	opts.source = "ingest";

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "bounce_mgmt: ingest() must return a composite");
	tupdesc = BlessTupleDesc(tupdesc);

	bm_ingest_payload(VARDATA_ANY(payload), VARSIZE_ANY_EXHDR(payload), &opts, &res);

	values[0] = Int64GetDatum(res.batch_id);
	values[1] = Int32GetDatum(res.events);
	values[2] = Int32GetDatum(res.inserted);
	values[3] = Int32GetDatum(res.duplicates);
	values[4] = Int32GetDatum(res.quarantined);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
