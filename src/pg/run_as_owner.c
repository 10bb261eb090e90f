/*
 * run_as_owner.c — enter and leave the extension owner's rights around a procedure's database steps
 * (see run_as_owner.h).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/syscache.h"

#include "run_as_owner.h"

Oid
bm_function_owner(Oid fn_oid)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn_oid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "bounce_mgmt: cache lookup failed for function %u", fn_oid);
	owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
	ReleaseSysCache(tup);
	return owner;
}

void
bm_owner_enter(bm_owner_scope *scope, Oid owner)
{
	GetUserIdAndSecContext(&scope->save_user, &scope->save_sec);
	SetUserIdAndSecContext(owner,
						   scope->save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	scope->nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

void
bm_owner_leave(bm_owner_scope *scope)
{
	AtEOXact_GUC(true, scope->nestlevel);
	SetUserIdAndSecContext(scope->save_user, scope->save_sec);
}
