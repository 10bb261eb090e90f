/*
 * ingest_store.h — the storage half of ingestion (ingest_store.c): the rows of a flush (a tuplestore the
 * flush statement reads as the ephemeral relation bm_rows), the flush itself (one saved plan for events,
 * counters, addresses, listings and the batch row; then, only when needed, suppressions and notices in
 * that order), the quarantine of refused elements and the monthly partitions the rows need.  Used only
 * by ingest.c; callers are connected to SPI.
 */
#ifndef BM_INGEST_STORE_H
#define BM_INGEST_STORE_H

#include "postgres.h"

#include "nodes/pg_list.h"
#include "utils/timestamp.h"

#include "event.h"
#include "event_row.h"

#define BM_FLUSH_ROWS 5000

/* One ingest() call: its ingest_batches row and what it found so far. */
typedef struct bm_batch
{
	int64		batch_id;
	const char *source;			/* "ingest", "replay", "sync:<account>" */
	TimestampTz started_at;
	int64		payload_bytes;
	bm_provider provider;		/* BM_PROVIDER_AUTO until known */
	int32		events;			/* events and refused elements seen so far */
	int64		inserted;		/* rows stored so far (and old list entries recorded as listings) */
	int32		quarantined;
	List	   *notes;			/* of text, for ingest_batches.notes */
} bm_batch;

/* The rows waiting for the next flush. */
typedef struct bm_flush_rows
{
	Tuplestorestate *store;
	int			n;
	int			listing_only;	/* rows with keep = false */
	int			nmonths;
	int			months[8];		/* distinct year * 12 + month - 1 of stored rows (more: looked up again) */
	TimestampTz month_at[8];	/* a time inside each of those months */
} bm_flush_rows;

/* Starts a batch: takes its id from the batch sequence (no statement). */
extern void bm_store_begin(bm_batch *batch, const bm_ingest_catalog *cat, const char *source,
						   int64 payload_bytes);
/* Adds one row (copied) to the rows of the next flush. */
extern void bm_store_add(bm_flush_rows *rows, const bm_ingest_catalog *cat, const bm_event_row *row,
						 int month, TimestampTz at);
/* Stores the rows and updates the batch row; returns the rows stored.  Leaves rows empty. */
extern int64 bm_store_flush(bm_flush_rows *rows, bm_batch *batch, const bm_ingest_catalog *cat);
/* Writes the batch row when no flush carried the final counts (nothing stored, or nothing after the last flush). */
extern void bm_store_finish(bm_batch *batch);
/* Keeps one refused element in ingest_errors; returns its error_id. */
extern int64 bm_store_quarantine(int64 batch_id, bm_provider provider, int64 element_index,
								 text *raw, const char *reason, const char *field);
/* Adds to a quarantined element's reason that `more` further events of it were refused too. */
extern void bm_store_quarantine_more(int64 error_id, int64 more);

#endif							/* BM_INGEST_STORE_H */
