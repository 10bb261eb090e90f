/*
 * ingest_store.h — the storage half of ingestion (ingest_store.c): a buffer of event rows as column
 * arrays, flushed in bulk through one saved SPI plan, the quarantine of refused elements, the batch row,
 * and the monthly partitions the rows need.  Used only by ingest.c; callers are connected to SPI.
 */
#ifndef BM_INGEST_STORE_H
#define BM_INGEST_STORE_H

#include "postgres.h"

#include "event.h"

#define BM_FLUSH_ROWS 5000

/*
 * The columns of one buffered event.  The flush statement reads them through ingest_flush_rows(), which
 * turns each row into the events columns: enum columns hold the label OID (provider, event type, class,
 * reason, evidence), BM_C_REPLY an int2, BM_C_STATUS the packed smtp_status, BM_C_FLAGS the BM_EVF_*
 * bits (split into the boolean columns), text columns text datums, BM_C_RAW a jsonb datum.
 */
typedef enum bm_col
{
	BM_C_PROVIDER = 0,
	BM_C_PID,
	BM_C_OCCURRED,
	BM_C_ETYPE,
	BM_C_EMAIL,
	BM_C_DOMAIN,
	BM_C_CLASS,
	BM_C_REASON,
	BM_C_EVIDENCE,
	BM_C_REPLY,
	BM_C_STATUS,
	BM_C_PTYPE,
	BM_C_PSUB,
	BM_C_DIAG,
	BM_C_MSGID,
	BM_C_ATTEMPT,
	BM_C_FLAGS,
	BM_C_EMAIL_ORIG,
	BM_C_RAW,
	BM_NCOLS
} bm_col;

typedef struct bm_rowbuf
{
	int			n;
	int			months[BM_FLUSH_ROWS];	/* year * 12 + month - 1 of each row's occurred_at (UTC) */
	Datum		values[BM_NCOLS][BM_FLUSH_ROWS];
	bool		nulls[BM_NCOLS][BM_FLUSH_ROWS];
} bm_rowbuf;

/* Inserts the ingest_batches row and returns its id. */
extern int64 bm_store_begin_batch(const char *source, int64 payload_bytes);
/* Fills in the batch row's provider, counts, notes and duration. */
extern void bm_store_end_batch(int64 batch_id, bm_provider provider, int32 events, int32 inserted,
							   int32 quarantined, Datum notes, bool notes_null);
/* Stores the buffered rows (creating missing monthly partitions first); returns the rows inserted. */
extern int64 bm_store_flush(bm_rowbuf *buf, int64 batch_id);
/* Keeps one refused element in ingest_errors; returns its error_id. */
extern int64 bm_store_quarantine(int64 batch_id, bm_provider provider, int64 element_index,
								 text *raw, const char *reason, const char *field);
/* Adds to a quarantined element's reason that `more` further events of it were refused too. */
extern void bm_store_quarantine_more(int64 error_id, int64 more);

#endif							/* BM_INGEST_STORE_H */
