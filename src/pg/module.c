/*
 * module.c — the library's entry point: PG_MODULE_MAGIC, _PG_init (settings, cache callbacks).
 */
#include "postgres.h"

#include "fmgr.h"

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
}
