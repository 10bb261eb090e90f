/*
 * smtp_status_type.c — the SQL base type bounce_mgmt.smtp_status: I/O, binary I/O, comparison support for
 * btree and hash operator classes, and accessors.  A thin layer over src/core/smtp_status.c: the value is
 * the packed uint32 passed by value as an int4.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "smtp_status.h"
#include "bm_pg.h"

PG_FUNCTION_INFO_V1(smtp_status_in);
PG_FUNCTION_INFO_V1(smtp_status_out);
PG_FUNCTION_INFO_V1(smtp_status_recv);
PG_FUNCTION_INFO_V1(smtp_status_send);
PG_FUNCTION_INFO_V1(smtp_status_make);
PG_FUNCTION_INFO_V1(smtp_status_class);
PG_FUNCTION_INFO_V1(smtp_status_subject);
PG_FUNCTION_INFO_V1(smtp_status_detail);
PG_FUNCTION_INFO_V1(smtp_status_eq);
PG_FUNCTION_INFO_V1(smtp_status_ne);
PG_FUNCTION_INFO_V1(smtp_status_lt);
PG_FUNCTION_INFO_V1(smtp_status_le);
PG_FUNCTION_INFO_V1(smtp_status_gt);
PG_FUNCTION_INFO_V1(smtp_status_ge);
PG_FUNCTION_INFO_V1(smtp_status_cmp);
PG_FUNCTION_INFO_V1(smtp_status_hash);
PG_FUNCTION_INFO_V1(smtp_status_hash_extended);

#define PG_GETARG_STATUS(n)		((bm_status) PG_GETARG_UINT32(n))
#define PG_RETURN_STATUS(st)	PG_RETURN_UINT32((uint32) (st))

Datum
smtp_status_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	bm_status	st;

	if (!bm_status_parse(str, strlen(str), &st))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "smtp_status", str),
				 errdetail("An enhanced status code is class.subject.detail: class 2, 4 or 5, subject and detail 0 to 999 (RFC 3463)."),
				 errhint("For example 5.1.1 or 4.7.650.")));
	PG_RETURN_STATUS(st);
}

Datum
smtp_status_out(PG_FUNCTION_ARGS)
{
	bm_status	st = PG_GETARG_STATUS(0);
	char	   *buf = palloc(BM_STATUS_TEXT_MAX);

	bm_status_format(st, buf);
	PG_RETURN_CSTRING(buf);
}

/* Binary input: the packed uint32; never trusted, validated like text input. */
Datum
smtp_status_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	bm_status	st = (bm_status) pq_getmsgint(buf, 4);

	if (!bm_status_is_valid(st))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external value for type %s: %u", "smtp_status", st),
				 errdetail("The binary form is class * 1000000 + subject * 1000 + detail, class 2, 4 or 5.")));
	PG_RETURN_STATUS(st);
}

Datum
smtp_status_send(PG_FUNCTION_ARGS)
{
	bm_status	st = PG_GETARG_STATUS(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, st);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* smtp_status(class, subject, detail) */
Datum
smtp_status_make(PG_FUNCTION_ARGS)
{
	int32		cls = PG_GETARG_INT32(0);
	int32		subject = PG_GETARG_INT32(1);
	int32		detail = PG_GETARG_INT32(2);

	if ((cls != 2 && cls != 4 && cls != 5) || subject < 0 || subject > 999 || detail < 0 || detail > 999)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("smtp_status value out of range: %d.%d.%d", cls, subject, detail),
				 errdetail("Class must be 2, 4 or 5; subject and detail 0 to 999.")));
	PG_RETURN_STATUS(bm_status_make((unsigned) cls, (unsigned) subject, (unsigned) detail));
}

Datum
smtp_status_class(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32((int32) bm_status_class(PG_GETARG_STATUS(0)));
}

Datum
smtp_status_subject(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32((int32) bm_status_subject(PG_GETARG_STATUS(0)));
}

Datum
smtp_status_detail(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32((int32) bm_status_detail(PG_GETARG_STATUS(0)));
}

/* The packed value orders like (class, subject, detail), so comparisons are integer comparisons. */
#define STATUS_COMPARE(name, op) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_STATUS(0) op PG_GETARG_STATUS(1)); \
}

STATUS_COMPARE(smtp_status_eq, ==)
STATUS_COMPARE(smtp_status_ne, !=)
STATUS_COMPARE(smtp_status_lt, <)
STATUS_COMPARE(smtp_status_le, <=)
STATUS_COMPARE(smtp_status_gt, >)
STATUS_COMPARE(smtp_status_ge, >=)

Datum
smtp_status_cmp(PG_FUNCTION_ARGS)
{
	bm_status	a = PG_GETARG_STATUS(0);
	bm_status	b = PG_GETARG_STATUS(1);

	PG_RETURN_INT32(a < b ? -1 : (a > b ? 1 : 0));
}

Datum
smtp_status_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_STATUS(0));
}

Datum
smtp_status_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_STATUS(0), (uint64) PG_GETARG_INT64(1));
}
