/*
 * run_as_owner.h — the few steps of a procedure that need the extension owner's rights (run_as_owner.c).
 * A procedure that commits cannot be SECURITY DEFINER or carry a SET clause, so sync() runs with its
 * caller's rights and enters the owner's for each database step — as fmgr does for a SECURITY DEFINER
 * function: user id switched (SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION) and
 * search_path pinned to pg_catalog, pg_temp at a new GUC nest level — and leaves before it commits.  An
 * ERROR inside is undone by the (sub)transaction abort, which restores both.
 */
#ifndef BM_RUN_AS_OWNER_H
#define BM_RUN_AS_OWNER_H

#include "postgres.h"

typedef struct bm_owner_scope
{
	Oid			save_user;
	int			save_sec;
	int			nestlevel;
} bm_owner_scope;

/* The owner of a function (pg_proc.proowner): whose rights a SECURITY DEFINER version would have. */
extern Oid	bm_function_owner(Oid fn_oid);

extern void bm_owner_enter(bm_owner_scope *scope, Oid owner);
extern void bm_owner_leave(bm_owner_scope *scope);

#endif							/* BM_RUN_AS_OWNER_H */
