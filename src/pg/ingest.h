/*
 * ingest.h — the one ingestion path: parse a provider payload (src/core/payload.h) and store its events,
 * quarantined elements, per-address state and daily counters in bulk.  Used by ingest() (SQL), the
 * replay of ingest_errors, and sync() (provider APIs, src/pg/sync*.c).
 */
#ifndef BM_INGEST_H
#define BM_INGEST_H

#include "postgres.h"

#include "classify.h"
#include "event.h"

typedef struct bm_ingest_options
{
	bm_provider provider;		/* BM_PROVIDER_AUTO: detect from the payload */
	const char *source;			/* recorded in ingest_batches.source: "ingest", "replay", "sync:<account>" */
	bool		all_or_nothing; /* any bad element fails the whole call (nothing stored) */
} bm_ingest_options;

typedef struct bm_ingest_result
{
	int64		batch_id;
	bm_provider provider;		/* the provider used (detected or given) */
	int32		events;			/* events found in the payload */
	int32		inserted;		/* new rows in events */
	int32		duplicates;		/* events already stored (same provider + provider_event_id) */
	int32		quarantined;	/* elements kept in ingest_errors */
} bm_ingest_result;

/*
 * Parses and stores one payload inside the caller's transaction (uses SPI itself: callers must not be
 * connected to SPI, or must push/pop around it).  Raises ERROR for a payload that is not JSON (22P02,
 * byte offset in DETAIL), the wrong shape (22023 naming provider and field), an unknown/undetected
 * provider (22023 listing the known ones).  Never leaks json-c or parser memory on error.
 */
extern void bm_ingest_payload(const char *payload, size_t len, const bm_ingest_options *opts,
							  bm_ingest_result *result);

/*
 * The same path for a source that is not a JSON payload (bounce emails): begin a batch (connects to SPI;
 * payload_bytes for ingest_batches), add events one by one — with the caller's verdict (bounce_class and
 * reason already decided, operator rules applied by the caller) or NULL for the usual classification, and
 * a raw jsonb or (Datum) 0 — or refuse what cannot be stored (quarantined in ingest_errors with element as
 * its raw text), add notes, then end: the last flush, the batch row, SPI_finish, the counts.  An ERROR in
 * between cleans up with the caller's memory context.
 */
typedef struct bm_ingest_session bm_ingest_session;

extern bm_ingest_session *bm_ingest_begin(const bm_ingest_options *opts, size_t payload_bytes);
extern void bm_ingest_add(bm_ingest_session *s, const bm_event *ev, const bm_verdict *verdict, Datum raw);
extern void bm_ingest_refuse(bm_ingest_session *s, bm_provider provider, size_t index, bm_str element,
							 const char *reason, const char *field);
extern void bm_ingest_note(bm_ingest_session *s, const char *note);
extern int32 bm_ingest_seen(const bm_ingest_session *s);	/* events and refusals so far */
extern MemoryContext bm_ingest_context(const bm_ingest_session *s);	/* the batch's memory */
extern void bm_ingest_end(bm_ingest_session *s, bm_ingest_result *result);

#endif							/* BM_INGEST_H */
