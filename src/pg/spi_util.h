/*
 * spi_util.h — small SPI helpers shared by the PostgreSQL layer (spi_util.c).  Nothing here knows a table
 * of the extension: callers bring their SQL.
 */
#ifndef BM_SPI_UTIL_H
#define BM_SPI_UTIL_H

#include "postgres.h"

#include "executor/spi.h"

/*
 * The plan of sql, prepared once per backend and kept in *slot (SPI_keepplan): later calls return *slot.
 * Call it while connected to SPI.  The plan cache revalidates a kept plan after DDL on what it reads;
 * a caller whose parameter types can change (types re-created by DROP/CREATE EXTENSION) frees the plan
 * (SPI_freeplan) and sets *slot to NULL.  Raises an ERROR when the statement cannot be prepared.
 */
extern SPIPlanPtr bm_keep_plan(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes);

#endif							/* BM_SPI_UTIL_H */
