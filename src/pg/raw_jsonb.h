/*
 * raw_jsonb.h — an event's raw element as jsonb, built from the payload driver's parse (raw_jsonb.c).
 */
#ifndef BM_RAW_JSONB_H
#define BM_RAW_JSONB_H

#include "postgres.h"

#include "payload.h"

/* Containers open at once while building (the driver's own nesting limit is lower). */
#define BJ_WALK_DEPTH 1024

/*
 * The jsonb of the value at ref (bm_event.raw_ref) of the parser's current payload, in the current memory
 * context; (Datum) 0 with *why saying why when jsonb cannot hold it (a \u0000, text invalid in the server
 * encoding).  Never raises for the value's content.
 */
extern Datum bm_raw_jsonb(const bm_parser *parser, uint32 ref, const char **why);

#endif							/* BM_RAW_JSONB_H */
