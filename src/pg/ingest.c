/*
 * ingest.c — ingest(payload, provider, all_or_nothing) and the ingestion path shared with sync(): parses a
 * provider payload with the pure-C adapters (src/core/payload.h), classifies each bounce with classify()
 * and the operators' rules, turns each event into the row of event_row.def (its raw JSON built from the
 * same parse) and hands the rows to ingest_store.c in flushes of up to BM_FLUSH_ROWS.  Elements that
 * cannot be stored are quarantined in ingest_errors with the reason — once per element — or, with
 * all_or_nothing, fail the call.  No lock is taken here: see ingest_store.c for how concurrent
 * ingestions stay exact.  The parser lives in a memory context whose reset callback destroys it, so an
 * ERROR anywhere leaks nothing.
 */
#include "postgres.h"

#include <string.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "bm_pg.h"
#include "classify.h"
#include "event_row.h"
#include "ingest.h"
#include "ingest_store.h"
#include "payload.h"
#include "raw_jsonb.h"
#include "timefmt.h"

PG_FUNCTION_INFO_V1(bm_ingest_sql);

/* microseconds from 1970-01-01 to 2000-01-01 (PostgreSQL's epoch) */
#define UNIX_TO_PG_USECS (INT64CONST(946684800) * USECS_PER_SEC)
/* the rows of one flush stay in memory up to this (or work_mem, if larger), then spill to a temporary file */
#define FLUSH_MEMORY_KB (64 * 1024)

static bool keep_raw = true;

struct bm_ingest_session
{
	MemoryContext batch_cxt;	/* the call: parser, rows, notes */
	MemoryContext row_cxt;		/* one row's values: reset after each row */
	bm_parser  *parser;			/* the JSON payload parser (ingest()); NULL for other sources */
	const bm_ingest_options *opts;
	const bm_ingest_catalog *cat;
	bm_batch	batch;
	bm_flush_rows rows;
	int64		max_time;		/* later occurred_at is refused: now() + 1 day (unix microseconds) */
	int64		horizon;		/* earlier occurred_at is older than the retention (unix microseconds) */
	/* the last quarantined element: further refusals in it (SES recipients) only count, one row each element */
	const char *q_raw;
	size_t		q_len;
	size_t		q_index;
	int64		q_error_id;
	int64		q_more;
};
typedef struct bm_ingest_session ingest_state;

void
bm_ingest_init(void)
{
	DefineCustomBoolVariable("bounce_mgmt.keep_raw",
							 "Keep each event's raw JSON element in bounce_mgmt.events.raw.",
							 "Off stores NULL instead (smaller tables; nothing to replay from).",
							 &keep_raw, true, PGC_USERSET, 0, NULL, NULL, NULL);
	bm_event_row_init();
}

static void
destroy_parser(void *arg)
{
	ingest_state *st = (ingest_state *) arg;

	if (st->parser != NULL)
		bm_parser_destroy(st->parser);
	st->parser = NULL;
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
		st->batch.quarantined++;
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
	st->q_error_id = bm_store_quarantine(st->batch.batch_id, provider, (int64) index, quarantine_text(raw),
										 reason, field);
	st->q_raw = raw.ptr;
	st->q_len = raw.len;
	st->q_index = index;
	st->batch.quarantined++;
}

static void
flush(ingest_state *st)
{
	bm_store_flush(&st->rows, &st->batch, st->cat);
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

static inline void
set_text(bm_event_row *row, bm_evcol col, bm_str s)
{
	row->nulls[col] = (s.ptr == NULL);
	row->values[col] = s.ptr ? PointerGetDatum(cstring_to_text_with_len(s.ptr, (int) s.len)) : (Datum) 0;
}

static inline void
set_value(bm_event_row *row, bm_evcol col, Datum v, bool isnull)
{
	row->values[col] = v;
	row->nulls[col] = isnull;
}

/* Refuses what cannot be stored (with the reason); false when refused. */
static bool
acceptable(ingest_state *st, const bm_event *ev, size_t index, bool *keep)
{
	*keep = true;
	if (ev->occurred_at == BM_TIME_NONE)
	{
		quarantine(st, ev->provider, index, ev->element, "missing timestamp", "timestamp");
		return false;
	}
	if (ev->occurred_at < UNIX_TO_PG_USECS || ev->occurred_at > st->max_time)
	{
		quarantine(st, ev->provider, index, ev->element,
				   "timestamp out of range (before 2000-01-01 or more than a day ahead)", "timestamp");
		return false;
	}
	if (ev->occurred_at < st->horizon)
	{
		/*
		 * Its month's events may already be dropped, so a repeat could not be recognized and would count
		 * twice.  A provider's list entry says the address is listed there: kept as a listing (and a
		 * suppression) without an event.
		 */
		if (ev->flags & BM_EVF_LIST_ENTRY)
			*keep = false;
		else
		{
			quarantine(st, ev->provider, index, ev->element,
					   "older than the retention horizon (settings.event_retention): its month's events may be gone, so a repeat would count twice",
					   "timestamp");
			return false;
		}
	}
	if (!storable(ev->provider_event_id) || !storable(ev->email) || !storable(ev->email_original) ||
		!storable(ev->provider_type) || !storable(ev->provider_subtype) || !storable(ev->diagnostic) ||
		!storable(ev->message_id))
	{
		quarantine(st, ev->provider, index, ev->element,
				   "a text field holds a NUL character or bytes that are not valid in the server encoding", "");
		return false;
	}
	return true;
}

/*
 * One event into the rows of the next flush: checked (or quarantined), classified (given: the caller's
 * verdict, e.g. a bounce email's, read with its SMTP command; else verdict_for), its raw JSON from the
 * parse (raw_ref) or given as jsonb.
 */
static void
store_event(ingest_state *st, const bm_event *ev, const bm_verdict *given, Datum given_raw)
{
	const bm_ingest_catalog *cat = st->cat;
	bm_verdict	v;
	bool		classified;
	bool		keep;
	bm_event_row row;
	MemoryContext old;
	int			y,
				m,
				d;
	Datum		raw = (Datum) 0;
	size_t		index = (size_t) st->batch.events;
	TimestampTz at;

	st->batch.events++;
	if (st->batch.provider == BM_PROVIDER_AUTO)
		st->batch.provider = ev->provider;
	CHECK_FOR_INTERRUPTS();

	if (!acceptable(st, ev, index, &keep))
		return;
	old = MemoryContextSwitchTo(st->row_cxt);
	if (keep && keep_raw && given_raw != (Datum) 0)
		raw = given_raw;
	else if (keep && keep_raw && ev->raw_ref != 0 && st->parser != NULL)
	{
		const char *why;

		raw = bm_raw_jsonb(st->parser, ev->raw_ref, &why);
		if (why != NULL)
		{
			MemoryContextSwitchTo(old);
			MemoryContextReset(st->row_cxt);
			quarantine(st, ev->provider, index, ev->element,
					   psprintf("raw element cannot be stored as jsonb: %s", why), "");
			return;
		}
	}

	if (given != NULL)
	{
		v = *given;
		classified = true;
		/* a deferral is temporary by definition, whatever its words */
		if (ev->type == BM_ET_DEFERRED && v.bounce_class == BM_HARD)
			v.bounce_class = BM_SOFT;
	}
	else
		verdict_for(ev, &v, &classified);
	/* the row holds enum label OIDs indexed by these: never index past the tables */
	if ((unsigned) ev->provider >= BM_PROVIDER_COUNT || (unsigned) ev->type >= BM_ET_COUNT ||
		(classified && ((unsigned) v.bounce_class > BM_NOT_BOUNCE || (unsigned) v.reason >= BM_REASON_COUNT ||
						(unsigned) v.evidence > BM_EV_PROVIDER)))
		elog(ERROR, "bounce_mgmt: invalid event from the %s adapter (type %d)",
			 bm_provider_name(ev->provider), (int) ev->type);

	at = ev->occurred_at - UNIX_TO_PG_USECS;
	set_value(&row, BM_EV_provider, ObjectIdGetDatum(cat->provider_oid[ev->provider]), false);
	set_text(&row, BM_EV_provider_event_id, ev->provider_event_id);
	set_value(&row, BM_EV_occurred_at, TimestampTzGetDatum(at), false);
	set_value(&row, BM_EV_event_type, ObjectIdGetDatum(cat->etype_oid[ev->type]), false);
	set_text(&row, BM_EV_email, ev->email);
	set_text(&row, BM_EV_domain, ev->domain);
	set_value(&row, BM_EV_bounce_class, classified ? ObjectIdGetDatum(cat->enums.class_oid[v.bounce_class]) : 0,
			  !classified);
	set_value(&row, BM_EV_reason, classified ? ObjectIdGetDatum(cat->enums.reason_oid[v.reason]) : 0, !classified);
	set_value(&row, BM_EV_evidence, classified ? ObjectIdGetDatum(cat->enums.evidence_oid[v.evidence]) : 0,
			  !classified);
	{
		int			reply = classified ? v.reply_code : ev->reply_code;
		bm_status	status = classified ? v.status : ev->status;

		/* reply codes are 3 digits, statuses valid (the parsers guarantee both; anything else is NULL) */
		set_value(&row, BM_EV_reply_code, Int16GetDatum((int16) reply), reply <= 0 || reply > PG_INT16_MAX);
		set_value(&row, BM_EV_status, UInt32GetDatum(status), !bm_status_is_valid(status));
	}
	set_text(&row, BM_EV_provider_type, ev->provider_type);
	set_text(&row, BM_EV_provider_subtype, ev->provider_subtype);
	set_text(&row, BM_EV_diagnostic, ev->diagnostic);
	set_text(&row, BM_EV_message_id, ev->message_id);
	set_value(&row, BM_EV_attempt, Int32GetDatum(ev->attempt), ev->attempt == 0);
	set_value(&row, BM_EV_rate_excluded, BoolGetDatum((ev->flags & BM_EVF_NO_RATE) != 0), false);
	set_value(&row, BM_EV_auto_reply, BoolGetDatum((ev->flags & BM_EVF_AUTO_REPLY) != 0), false);
	set_value(&row, BM_EV_list_entry, BoolGetDatum((ev->flags & BM_EVF_LIST_ENTRY) != 0), false);
	set_value(&row, BM_EV_provider_suppressed, BoolGetDatum((ev->flags & BM_EVF_PROVIDER_SUPPRESSED) != 0), false);
	set_text(&row, BM_EV_email_original, ev->email_original);
	set_value(&row, BM_EV_raw, raw, raw == (Datum) 0);
	set_value(&row, BM_EV_keep, BoolGetDatum(keep), false);

	bm_civil_from_us(ev->occurred_at, &y, &m, &d);
	bm_store_add(&st->rows, cat, &row, y * 12 + (m - 1), at);
	MemoryContextSwitchTo(old);
	MemoryContextReset(st->row_cxt);

	if (st->rows.n == BM_FLUSH_ROWS)
		flush(st);
}

static void
sink_event(void *ctx, const bm_event *ev)
{
	store_event((ingest_state *) ctx, ev, NULL, (Datum) 0);
}

static void
sink_reject(void *ctx, const bm_reject *rej)
{
	ingest_state *st = (ingest_state *) ctx;

	st->batch.events++;
	if (st->batch.provider == BM_PROVIDER_AUTO)
		st->batch.provider = rej->provider;
	quarantine(st, rej->provider, rej->element_index, rej->raw, rej->reason ? rej->reason : "refused",
			   rej->field);
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
	st->batch.notes = lappend(st->batch.notes, cstring_to_text(s));
	MemoryContextSwitchTo(old);
	/* the whole note in the message: the SubscribeURL an SNS endpoint must visit is the point of it */
	ereport(NOTICE, (errmsg("bounce_mgmt: %s payload: %s", bm_provider_name(note->provider), s)));
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
		case BM_PAYLOAD_TOO_BIG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("an element of the %s payload is larger than %d MB", prov,
							(int) (BM_PAYLOAD_DEFAULT_MAX_ELEMENT / (1024 * 1024))),
					 errdetail("The element starting at byte offset %zu: %s", err->offset, err->message),
					 errhint("One webhook event or list entry is a few kB; split the payload if it really holds such an element.")));
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

bm_ingest_session *
bm_ingest_begin(const bm_ingest_options *opts, size_t payload_bytes)
{
	ingest_state *st;
	MemoryContext batch_cxt;
	MemoryContext old;
	MemoryContextCallback *cb;
	int64		now_unix;

	/* the call's memory outlives the SPI connection (its procedure context goes with SPI_finish) */
	batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "bounce_mgmt ingest", ALLOCSET_DEFAULT_SIZES);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	old = MemoryContextSwitchTo(batch_cxt);
	st = palloc0(sizeof(ingest_state));
	st->batch_cxt = batch_cxt;
	st->row_cxt = AllocSetContextCreate(batch_cxt, "bounce_mgmt ingest row", ALLOCSET_DEFAULT_SIZES);
	st->opts = opts;
	st->cat = bm_ingest_catalog_get();
	now_unix = GetCurrentTimestamp() + UNIX_TO_PG_USECS;
	st->max_time = now_unix + USECS_PER_DAY;
	st->horizon = st->cat->retention_us >= now_unix ? 0 : now_unix - st->cat->retention_us;
	st->rows.store = tuplestore_begin_heap(false, false, Max(work_mem, FLUSH_MEMORY_KB));
	cb = palloc0(sizeof(MemoryContextCallback));
	cb->func = destroy_parser;
	cb->arg = st;
	MemoryContextRegisterResetCallback(batch_cxt, cb);
	bm_store_begin(&st->batch, st->cat, opts->source ? opts->source : "ingest", (int64) payload_bytes);
	st->batch.provider = opts->provider;
	MemoryContextSwitchTo(old);
	return st;
}

void
bm_ingest_add(bm_ingest_session *st, const bm_event *ev, const bm_verdict *verdict, Datum raw)
{
	store_event(st, ev, verdict, raw);
}

void
bm_ingest_refuse(bm_ingest_session *st, bm_provider provider, size_t index, bm_str element,
				 const char *reason, const char *field)
{
	st->batch.events++;
	quarantine(st, provider, index, element, reason, field);
}

void
bm_ingest_note(bm_ingest_session *st, const char *note)
{
	MemoryContext old = MemoryContextSwitchTo(st->batch_cxt);

	st->batch.notes = lappend(st->batch.notes, cstring_to_text(note));
	MemoryContextSwitchTo(old);
}

int32
bm_ingest_seen(const bm_ingest_session *st)
{
	return st->batch.events;
}

MemoryContext
bm_ingest_context(const bm_ingest_session *st)
{
	return st->batch_cxt;
}

void
bm_ingest_end(bm_ingest_session *st, bm_ingest_result *result)
{
	MemoryContext batch_cxt = st->batch_cxt;
	MemoryContext old = MemoryContextSwitchTo(batch_cxt);

	quarantine_close(st);
	if (st->rows.n > 0)
		flush(st);				/* carries the final counts into the batch row */
	else
		bm_store_finish(&st->batch);
	MemoryContextSwitchTo(old);

	result->batch_id = st->batch.batch_id;
	result->provider = st->batch.provider;
	result->events = st->batch.events;
	result->inserted = (int32) st->batch.inserted;
	result->quarantined = st->batch.quarantined;
	result->duplicates = st->batch.events - result->inserted - st->batch.quarantined;
	SPI_finish();
	MemoryContextDelete(batch_cxt);
}

void
bm_ingest_payload(const char *payload, size_t len, const bm_ingest_options *opts, bm_ingest_result *result)
{
	ingest_state *st = bm_ingest_begin(opts, len);
	MemoryContext old;
	bm_payload_opts popts;
	bm_sink		sink;
	bm_payload_error err;
	bm_provider detected = BM_PROVIDER_AUTO;
	bm_payload_status status;

	old = MemoryContextSwitchTo(st->batch_cxt);
	st->parser = bm_parser_create();
	if (st->parser == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	memset(&popts, 0, sizeof(popts));
	popts.provider = opts->provider;
	popts.max_depth = 0;
	popts.keep_raw = true;		/* the element is needed for quarantine even when raw is not stored */
	sink.ctx = st;
	sink.event = sink_event;
	sink.reject = sink_reject;
	sink.note = sink_note;
	memset(&err, 0, sizeof(err));
	status = bm_parse_payload(st->parser, payload, len, &popts, &sink, &detected, &err);
	if (status != BM_PAYLOAD_OK)
		report_payload_error(&err, opts);
	if (detected != BM_PROVIDER_AUTO)
		st->batch.provider = detected;
	MemoryContextSwitchTo(old);
	bm_ingest_end(st, result);
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
