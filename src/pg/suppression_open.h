/*
 * suppression_open.h — opening suppressions for a set of addresses (suppression_open.c): the one
 * definition used by ingestion's flush and by SQL (open_suppressions()).
 */
#ifndef BM_SUPPRESSION_OPEN_H
#define BM_SUPPRESSION_OPEN_H

#include "postgres.h"

#define SUPPRESSION_ARGS 7

/*
 * Opens suppressions for args[0..6] = emails text[], causes suppression_cause[], reasons bounce_reason[],
 * event_ids bigint[], evidence_at timestamptz[], rule_ids integer[], notes text[] (equal lengths; an
 * email at most once; nulls as for SPI_execute_plan: the last two may be NULL), skipping addresses
 * already open and evidence older than the address's last lifted suppression.  The caller is connected to
 * SPI.  locked: the caller's statement already locked the addresses' open suppressions, in address
 * order, in this transaction.  Returns the number opened.
 */
extern int64 bm_open_suppressions(const Datum *args, const char *nulls, bool locked);

#endif							/* BM_SUPPRESSION_OPEN_H */
