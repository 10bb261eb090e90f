/*
 * spi_util.c — SPI helpers shared by the PostgreSQL layer (see spi_util.h): the prepare-once-and-keep
 * code every module with a per-call statement needs.
 */
#include "postgres.h"

#include "executor/spi.h"

#include "spi_util.h"

SPIPlanPtr
bm_keep_plan(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes)
{
	SPIPlanPtr	plan;

	if (*slot != NULL)
		return *slot;
	plan = SPI_prepare(sql, nargs, (Oid *) argtypes);
	if (plan == NULL)
		elog(ERROR, "bounce_mgmt: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "bounce_mgmt: SPI_keepplan failed");
	*slot = plan;
	return plan;
}
