/*
 * bounce_email.c — bounce emails in SQL: parse_bounce_email(message) returns one row per recipient the
 * email reports (the pure-C reader of src/core/mail/), and ingest_email(message) stores those rows through
 * the write path of ingest() as provider 'email' — dedupe, suppressions, counters, quarantine.  A text
 * message is what an MTA hands a pipe; the bytea forms take raw 8-bit mail, with the charset to assume for
 * undeclared 8-bit text.  The parser is malloc'd and destroyed by a memory-context callback, so an ERROR
 * (or a cancel) anywhere leaks nothing.
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
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "bm_pg.h"
#include "mail/bounce_mail.h"
#include "event_row.h"
#include "ingest.h"

PG_FUNCTION_INFO_V1(bm_parse_bounce_email_sql);
PG_FUNCTION_INFO_V1(bm_ingest_email_sql);

/* microseconds from 1970-01-01 to 2000-01-01 (PostgreSQL's epoch) */
#define UNIX_TO_PG_USECS (INT64CONST(946684800) * USECS_PER_SEC)

/* ---- the parser, owned by a memory context ------------------------------------------------------------ */

typedef struct owned_parser
{
	bm_mail_parser *p;
	MemoryContextCallback cb;
} owned_parser;

static void
release_parser(void *arg)
{
	owned_parser *o = (owned_parser *) arg;

	bm_mail_parser_destroy(o->p);
	o->p = NULL;
}

static bm_mail_parser *
parser_in(MemoryContext cxt)
{
	owned_parser *o = MemoryContextAllocZero(cxt, sizeof(owned_parser));

	o->p = bm_mail_parser_create();
	if (o->p == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	o->cb.func = release_parser;
	o->cb.arg = o;
	MemoryContextRegisterResetCallback(cxt, &o->cb);
	return o->p;
}

/* The message argument (text or bytea) and, for bytea, the fallback charset. */
typedef struct message_arg
{
	const char *data;
	size_t		len;
	bm_mail_opts opts;
} message_arg;

static void
read_message(FunctionCallInfo fcinfo, bool is_bytea, message_arg *m)
{
	memset(m, 0, sizeof(*m));
	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("message must not be NULL")));
	if (is_bytea)
	{
		bytea	   *b = PG_GETARG_BYTEA_PP(0);

		m->data = VARDATA_ANY(b);
		m->len = VARSIZE_ANY_EXHDR(b);
		if (PG_NARGS() > 1 && !PG_ARGISNULL(1))
			m->opts.fallback_charset = text_to_cstring(PG_GETARG_TEXT_PP(1));
	}
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		m->data = VARDATA_ANY(t);
		m->len = VARSIZE_ANY_EXHDR(t);
	}
}

static void
parse_or_error(bm_mail_parser *p, const message_arg *m, bm_mail_emit_fn emit, void *ctx)
{
	bm_mail_error err;
	bm_mail_status st;

	memset(&err, 0, sizeof(err));
	st = bm_mail_parse(p, m->data, m->len, &m->opts, emit, ctx, &err);
	switch (st)
	{
		case BM_MAIL_OK:
			return;
		case BM_MAIL_NOT_EMAIL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("not an email message"),
					 errdetail("%s.", err.message),
					 errhint("Pass the whole message as received, header fields first.")));
			break;
		case BM_MAIL_BAD_ARGUMENT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s", err.message),
					 errhint("charset: a name iconv knows, e.g. iso-2022-jp, shift_jis, euc-jp, iso-8859-1, windows-1252.")));
			break;
		case BM_MAIL_LIMIT:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("bounce email beyond a limit: %s", err.what),
					 errdetail("%s.", err.message)));
			break;
		case BM_MAIL_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while reading a bounce email"),
					 errdetail("%s", err.message)));
			break;
	}
}

/* A UTF-8 string of the parser as text of the database (NULL when empty, if empty_is_null). */
static Datum
str_datum(bm_str s, bool empty_is_null, bool *isnull)
{
	char	   *conv;

	*isnull = (s.ptr == NULL || (empty_is_null && s.len == 0));
	if (*isnull)
		return (Datum) 0;
	conv = pg_any_to_server(s.ptr, (int) s.len, PG_UTF8);
	return PointerGetDatum(cstring_to_text(conv));
}

/* The verdict of a record as stored: the reader's (with the SMTP command), then the operators' rules. */
static void
record_verdict(const bm_mail_recipient *r, bm_verdict *v)
{
	*v = r->verdict;
	if (r->diagnostic.ptr != NULL && r->diagnostic.len > 0 && r->event_type != BM_ET_COMPLAINT &&
		!r->auto_reply)
		(void) bm_rules_apply(r->diagnostic.ptr, r->diagnostic.len, v);
}

/* ---- parse_bounce_email ------------------------------------------------------------------------------- */

#define PARSE_NATTS 20

typedef struct parse_ctx
{
	ReturnSetInfo *rsinfo;
	bm_enum_cache enums;
	Oid			etype_oid[BM_ET_COUNT];
} parse_ctx;

static void
emit_row(void *arg, const bm_mail_recipient *r)
{
	parse_ctx  *c = (parse_ctx *) arg;
	Datum		v[PARSE_NATTS];
	bool		n[PARSE_NATTS];
	bm_verdict	verdict;
	const char *cmd = bm_smtp_command_name(r->smtp_command);

	record_verdict(r, &verdict);
	memset(n, 0, sizeof(n));
	v[0] = str_datum(r->recipient, true, &n[0]);
	v[1] = ObjectIdGetDatum(c->etype_oid[r->event_type]);
	v[2] = str_datum(r->action, true, &n[2]);
	v[3] = ObjectIdGetDatum(c->enums.class_oid[verdict.bounce_class]);
	v[4] = ObjectIdGetDatum(c->enums.reason_oid[verdict.reason]);
	v[5] = ObjectIdGetDatum(c->enums.fault_oid[bm_reason_fault(verdict.reason)]);
	v[6] = Int32GetDatum(verdict.reply_code);
	n[6] = verdict.reply_code <= 0;
	v[7] = UInt32GetDatum(verdict.status);
	n[7] = !bm_status_is_valid(verdict.status);
	v[8] = str_datum(r->diagnostic, true, &n[8]);
	v[9] = cmd ? CStringGetTextDatum(cmd) : (Datum) 0;
	n[9] = cmd == NULL;
	v[10] = str_datum(r->remote_mta, true, &n[10]);
	v[11] = str_datum(r->reporting_mta, true, &n[11]);
	v[12] = TimestampTzGetDatum(r->occurred_at - UNIX_TO_PG_USECS);
	n[12] = r->occurred_at == BM_TIME_NONE;
	v[13] = str_datum(r->original_message_id, true, &n[13]);
	v[14] = str_datum(r->feedback_type, true, &n[14]);
	v[15] = BoolGetDatum(r->auto_reply);
	v[16] = CStringGetTextDatum(r->decoder ? r->decoder : "");
	n[16] = r->decoder == NULL;
	v[17] = str_datum(r->message_id, true, &n[17]);
	v[18] = str_datum(r->recipient_original, true, &n[18]);
	v[19] = ObjectIdGetDatum(c->enums.evidence_oid[verdict.evidence]);
	tuplestore_putvalues(c->rsinfo->setResult, c->rsinfo->setDesc, v, n);
}

static Datum
parse_bounce_email(FunctionCallInfo fcinfo, bool is_bytea)
{
	parse_ctx	c;
	message_arg m;
	MemoryContext per_call = CurrentMemoryContext;
	const char *names[BM_ET_COUNT];

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;		/* no message, no rows */
	read_message(fcinfo, is_bytea, &m);
	c.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	if (c.rsinfo->setDesc->natts != PARSE_NATTS)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("parse_bounce_email() returns %d columns, the library expects %d",
						c.rsinfo->setDesc->natts, PARSE_NATTS),
				 errhint("ALTER EXTENSION bounce_mgmt UPDATE.")));
	bm_enum_cache_fill(&c.enums);
	for (int i = 0; i < BM_ET_COUNT; i++)
		names[i] = bm_event_type_name((bm_event_type) i);
	bm_enum_label_oids(bm_type_oid("event_type"), names, BM_ET_COUNT, c.etype_oid);
	parse_or_error(parser_in(per_call), &m, emit_row, &c);
	return (Datum) 0;
}

/* parse_bounce_email(message text) */
Datum
bm_parse_bounce_email_sql(PG_FUNCTION_ARGS)
{
	return parse_bounce_email(fcinfo, get_fn_expr_argtype(fcinfo->flinfo, 0) == BYTEAOID);
}

/* ---- ingest_email ------------------------------------------------------------------------------------- */

typedef struct store_ctx
{
	bm_ingest_session *session;
	const message_arg *msg;
	int64		now_unix;
	int			records;
} store_ctx;

/* The record's own facts that have no column in events, as its raw jsonb. */
static Datum
record_raw(const bm_mail_recipient *r)
{
	StringInfoData s;
	const char *cmd = bm_smtp_command_name(r->smtp_command);
	struct
	{
		const char *key;
		bm_str		val;
	}			f[] = {
		{"decoder", {r->decoder, r->decoder ? strlen(r->decoder) : 0}},
		{"action", r->action},
		{"diagnostic_type", r->diagnostic_type},
		{"smtp_command", {cmd, cmd ? strlen(cmd) : 0}},
		{"remote_mta", r->remote_mta},
		{"reporting_mta", r->reporting_mta},
		{"feedback_type", r->feedback_type},
		{"bounce_message_id", r->message_id},
	};
	bool		first = true;

	initStringInfo(&s);
	appendStringInfoChar(&s, '{');
	for (int i = 0; i < (int) lengthof(f); i++)
	{
		char	   *val;

		if (f[i].val.ptr == NULL || f[i].val.len == 0)
			continue;
		val = pg_any_to_server(pnstrdup(f[i].val.ptr, f[i].val.len), (int) f[i].val.len, PG_UTF8);
		if (!first)
			appendStringInfoString(&s, ", ");
		escape_json(&s, f[i].key);
		appendStringInfoString(&s, ": ");
		escape_json(&s, val);
		first = false;
	}
	appendStringInfoChar(&s, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data));
}

/*
 * The dedupe key: the bounce's own Message-ID (else the bounced message's, else a hash of the message),
 * the record's position and the recipient — the same email ingested twice gives the same ids.
 */
static bm_str
record_id(const store_ctx *c, const bm_mail_recipient *r)
{
	const char *mid;
	char	   *id;

	if (r->message_id.len > 0)
		mid = pnstrdup(r->message_id.ptr, r->message_id.len);
	else if (r->original_message_id.len > 0)
		mid = psprintf("orig:%.*s", (int) r->original_message_id.len, r->original_message_id.ptr);
	else
	{
		uint64		h = UINT64CONST(0xcbf29ce484222325);

		for (size_t i = 0; i < c->msg->len; i++)
			h = (h ^ (unsigned char) c->msg->data[i]) * UINT64CONST(0x100000001b3);
		mid = psprintf("fnv:%016llx", (unsigned long long) h);
	}
	id = psprintf("%s:%d:%.*s", mid, r->index, (int) r->recipient.len, r->recipient.ptr);
	return (bm_str) {id, strlen(id)};
}

/*
 * An email without a usable date (no Date, Arrival-Date or Last-Attempt-Date) is taken as arriving now —
 * an MTA pipes it as it comes — unless the same record is stored already: then its time, so that the
 * email ingested again is a duplicate (the dedupe key includes the time).
 */
static int64
undated_time(const store_ctx *c, const bm_event *ev)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	int			rc;

	args[0] = PointerGetDatum(cstring_to_text_with_len(ev->email.ptr, (int) ev->email.len));
	args[1] = PointerGetDatum(cstring_to_text_with_len(ev->provider_event_id.ptr, (int) ev->provider_event_id.len));
	rc = SPI_execute_with_args("SELECT occurred_at FROM " BM_SCHEMA ".events"
							   " WHERE email = $1 AND provider = 'email' AND provider_event_id = $2 LIMIT 1",
							   2, types, args, NULL, true, 1);
	if (rc == SPI_OK_SELECT && SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			return DatumGetTimestampTz(d) + UNIX_TO_PG_USECS;
	}
	return c->now_unix;
}

static void
emit_store(void *arg, const bm_mail_recipient *r)
{
	store_ctx  *c = (store_ctx *) arg;
	MemoryContext old = MemoryContextSwitchTo(bm_ingest_context(c->session));
	bm_event	ev;
	bm_verdict	v;
	const char *at;

	c->records++;
	if (r->recipient.len == 0)
	{
		/* an abuse report with the address redacted: nothing to suppress, kept for a person to read */
		bm_ingest_refuse(c->session, BM_PROVIDER_EMAIL, (size_t) (r->index - 1),
						 (bm_str) {c->msg->data, c->msg->len},
						 "the report names no recipient address (redacted)", "recipient");
		MemoryContextSwitchTo(old);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.provider = BM_PROVIDER_EMAIL;
	ev.type = r->event_type;
	ev.provider_event_id = record_id(c, r);
	ev.provider_type = r->feedback_type.len > 0 ? r->feedback_type : r->action;
	ev.provider_subtype = (bm_str) {r->decoder, r->decoder ? strlen(r->decoder) : 0};
	ev.email = r->recipient;
	ev.email_original = r->recipient_original;
	at = memchr(r->recipient.ptr, '@', r->recipient.len);
	ev.domain = at ? (bm_str) {at + 1, r->recipient.len - (size_t) (at + 1 - r->recipient.ptr)} : BM_STR_NULL;
	ev.occurred_at = r->occurred_at != BM_TIME_NONE ? r->occurred_at : undated_time(c, &ev);
	ev.reply_code = r->reply_code;
	ev.status = r->status;
	ev.diagnostic = r->diagnostic;
	ev.message_id = r->original_message_id;
	ev.element = (bm_str) {c->msg->data, c->msg->len};
	if (r->auto_reply)
		ev.flags |= BM_EVF_AUTO_REPLY | BM_EVF_NO_RATE;
	record_verdict(r, &v);
	/* deliveries and unsubscribes are classified as ingest() does; failures and auto-replies by the reader */
	bm_ingest_add(c->session, &ev,
				  r->event_type == BM_ET_UNSUBSCRIBE || r->event_type == BM_ET_DELIVERED ? NULL : &v,
				  record_raw(r));
	MemoryContextSwitchTo(old);
}

static Datum
ingest_email(FunctionCallInfo fcinfo, bool is_bytea)
{
	message_arg m;
	store_ctx	c;
	bm_ingest_options opts;
	bm_ingest_result res;
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	read_message(fcinfo, is_bytea, &m);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "bounce_mgmt: ingest_email() must return a composite");
	tupdesc = BlessTupleDesc(tupdesc);
	memset(&opts, 0, sizeof(opts));
	opts.provider = BM_PROVIDER_EMAIL;
	opts.source = "ingest_email";
	memset(&c, 0, sizeof(c));
	c.msg = &m;
	c.now_unix = GetCurrentTimestamp() + UNIX_TO_PG_USECS;
	c.session = bm_ingest_begin(&opts, m.len);
	parse_or_error(parser_in(bm_ingest_context(c.session)), &m, emit_store, &c);
	if (c.records == 0)
		bm_ingest_note(c.session, "not a bounce: the email reports no failed, delayed or complained-about recipient");
	bm_ingest_end(c.session, &res);

	values[0] = Int64GetDatum(res.batch_id);
	values[1] = Int32GetDatum(res.events);
	values[2] = Int32GetDatum(res.inserted);
	values[3] = Int32GetDatum(res.duplicates);
	values[4] = Int32GetDatum(res.quarantined);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ingest_email(message text) / ingest_email(message bytea, charset text) */
Datum
bm_ingest_email_sql(PG_FUNCTION_ARGS)
{
	return ingest_email(fcinfo, get_fn_expr_argtype(fcinfo->flinfo, 0) == BYTEAOID);
}
