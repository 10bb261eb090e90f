/*
 * compat.h — small shims for the PostgreSQL majors other than 15, the target (README says which majors are
 * tested and which are only expected to build).
 */
#ifndef BM_COMPAT_H
#define BM_COMPAT_H

#include "postgres.h"

/* The install script uses CREATE OR REPLACE TRIGGER (PostgreSQL 14): say so at build time, not at CREATE
 * EXTENSION. */
#if PG_VERSION_NUM < 140000
#error "bounce_mgmt needs PostgreSQL 14 or later"
#endif

#include "fmgr.h"
#include "funcapi.h"

#if PG_VERSION_NUM < 150000
#include "miscadmin.h"
#include "utils/tuplestore.h"

/* PostgreSQL 15's InitMaterializedSRF(): a materialize-mode SRF with a tuplestore in the query context. */
static inline void
InitMaterializedSRF(FunctionCallInfo fcinfo, bits32 flags)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext old;
	TupleDesc	tupdesc;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) || !(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
	MemoryContextSwitchTo(old);
}
#endif

#endif							/* BM_COMPAT_H */
