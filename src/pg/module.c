/*
 * module.c — the library's entry point: PG_MODULE_MAGIC, _PG_init (settings, cache callbacks).
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "bm_pg.h"
#include "http.h"
#include "sync.h"

PG_MODULE_MAGIC;

void
_PG_init(void)
{
	bm_rules_init();
	bm_ingest_init();
	bm_http_init();
	bm_sync_init();
	/* every setting is defined: a misspelt bounce_mgmt.* name is an error, not a silent placeholder */
#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("bounce_mgmt");
#else
	EmitWarningsOnPlaceholders("bounce_mgmt");
#endif
}
