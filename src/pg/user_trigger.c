/*
 * user_trigger.c — user_email_changed(), the trigger applications attach to their own users table: when a
 * user's address really changes, the old address's open notice is resolved as address_changed.  It reads
 * only the one column it is told about (never the whole row: no user-defined cast or function of another
 * column ever runs), runs with the rights of whoever updates the table (it is not SECURITY DEFINER), and
 * refuses any use but AFTER UPDATE ... FOR EACH ROW, so it can never swallow the application's update.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "address.h"
#include "bm_pg.h"

PG_FUNCTION_INFO_V1(bm_user_email_changed);

/*
 * Resolves the old address's open notice, or, when it was never notified, records the outcome anyway so
 * the old address leaves pending_notices.  $1 old address, $2 new address (NULL when the new value is
 * not an address).  Every name is schema-qualified; the function also pins search_path.
 */
static const char *const resolve_sql =
"WITH upd AS ("
"  UPDATE " BM_SCHEMA ".notices o"
"     SET resolved_at = pg_catalog.now(), resolution = 'address_changed', resolved_by = SESSION_USER,"
"         new_email = $2"
"   WHERE o.email = $1 AND o.resolved_at IS NULL"
"  RETURNING 1)"
"INSERT INTO " BM_SCHEMA ".notices (email, kind, reason, resolved_at, resolution, resolved_by, new_email)"
"SELECT a.email, " BM_SCHEMA ".notice_kind_for(s.cause, a.last_class),"
"       coalesce(s.reason, a.last_reason), pg_catalog.now(), 'address_changed', SESSION_USER, $2"
"  FROM " BM_SCHEMA ".addresses a"
"  LEFT JOIN " BM_SCHEMA ".suppressions s ON s.email = a.email AND s.closed_at IS NULL"
" WHERE a.email = $1 AND NOT EXISTS (SELECT 1 FROM upd)";

static SPIPlanPtr resolve_plan = NULL;

static const char *
when_fired(TriggerEvent ev)
{
	if (TRIGGER_FIRED_BEFORE(ev))
		return "BEFORE";
	if (TRIGGER_FIRED_AFTER(ev))
		return "AFTER";
	return "INSTEAD OF";
}

static const char *
fired_by(TriggerEvent ev)
{
	if (TRIGGER_FIRED_BY_INSERT(ev))
		return "INSERT";
	if (TRIGGER_FIRED_BY_DELETE(ev))
		return "DELETE";
	if (TRIGGER_FIRED_BY_TRUNCATE(ev))
		return "TRUNCATE";
	return "UPDATE";
}

/* The normalized address in column attnum of tup (a string-category column), or NULL. */
static char *
address_of(HeapTuple tup, TupleDesc desc, int attnum, Oid outfunc, char *buf)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, attnum, desc, &isnull);
	char	   *s;
	size_t		len,
				dom;

	if (isnull)
		return NULL;
	s = OidOutputFunctionCall(outfunc, d);
	if (bm_address_normalize(s, strlen(s), buf, &len, &dom) != BM_ADDR_OK)
		return NULL;
	return buf;
}

Datum
bm_user_email_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	desc;
	const char *col = "email";
	int			attnum;
	Oid			typid,
				outfunc;
	bool		varlena;
	char		category;
	bool		preferred;
	char		oldbuf[BM_ADDRESS_BUF],
				newbuf[BM_ADDRESS_BUF];
	char	   *old_adr,
			   *new_adr;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("user_email_changed() can only be called as a trigger")));
	rel = td->tg_relation;
	if (!TRIGGER_FIRED_AFTER(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("user_email_changed() must be an AFTER UPDATE ... FOR EACH ROW trigger"),
				 errdetail("Trigger \"%s\" on table \"%s\" fired %s %s FOR EACH %s; nothing was changed.",
						   td->tg_trigger->tgname, RelationGetRelationName(rel),
						   when_fired(td->tg_event), fired_by(td->tg_event),
						   TRIGGER_FIRED_FOR_ROW(td->tg_event) ? "ROW" : "STATEMENT"),
				 errhint("CREATE TRIGGER %s AFTER UPDATE OF email ON %s FOR EACH ROW EXECUTE FUNCTION bounce_mgmt.user_email_changed();",
						 td->tg_trigger->tgname, RelationGetRelationName(rel))));
	if (td->tg_trigger->tgnargs > 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("user_email_changed() takes at most one argument, the address column's name")));
	if (td->tg_trigger->tgnargs == 1)
		col = td->tg_trigger->tgargs[0];

	desc = RelationGetDescr(rel);
	attnum = SPI_fnumber(desc, col);
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("table \"%s\" has no column \"%s\"", RelationGetRelationName(rel), col),
				 errhint("Pass the address column's name as the trigger argument: EXECUTE FUNCTION bounce_mgmt.user_email_changed('mail_address').")));
	typid = TupleDescAttr(desc, attnum - 1)->atttypid;
	get_type_category_preferred(getBaseType(typid), &category, &preferred);
	if (category != TYPCATEGORY_STRING)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table \"%s\" is of type %s, not a text type",
						col, RelationGetRelationName(rel), format_type_be(typid)),
				 errhint("The address column must be text, varchar, citext or a domain over one of them.")));
	/* the output function of a string type: built in (text, varchar, bpchar, name) or citext's */
	getTypeOutputInfo(typid, &outfunc, &varlena);

	old_adr = address_of(td->tg_trigtuple, desc, attnum, outfunc, oldbuf);
	if (old_adr == NULL)
		return PointerGetDatum(NULL);
	new_adr = address_of(td->tg_newtuple, desc, attnum, outfunc, newbuf);
	if (new_adr != NULL && strcmp(old_adr, new_adr) == 0)
		return PointerGetDatum(NULL);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bounce_mgmt: SPI_connect failed");
	{
		Oid			types[2] = {TEXTOID, TEXTOID};
		Datum		args[2];
		char		nulls[2] = {' ', ' '};
		int			rc;

		if (resolve_plan == NULL)
		{
			SPIPlanPtr	plan = SPI_prepare(resolve_sql, 2, types);

			if (plan == NULL || SPI_keepplan(plan) != 0)
				elog(ERROR, "bounce_mgmt: could not prepare the address-change statement: %s",
					 SPI_result_code_string(SPI_result));
			resolve_plan = plan;
		}
		args[0] = CStringGetTextDatum(old_adr);
		args[1] = new_adr ? CStringGetTextDatum(new_adr) : (Datum) 0;
		if (new_adr == NULL)
			nulls[1] = 'n';
		rc = SPI_execute_plan(resolve_plan, args, nulls, false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "bounce_mgmt: could not record the address change: %s", SPI_result_code_string(rc));
	}
	SPI_finish();
	return PointerGetDatum(NULL);
}
