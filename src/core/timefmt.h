/*
 * timefmt.h — provider timestamps (unix seconds or milliseconds, float seconds, ISO 8601 / RFC 3339,
 * RFC 2822) to int64 microseconds since 1970-01-01 00:00:00 UTC.  Pure C: no locale, no TZ, no libc time.
 */
#ifndef BM_TIMEFMT_H
#define BM_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Accepted range: 1970-01-01T00:00:00Z .. 2100-12-31T23:59:59.999999Z (both inclusive). */
#define BM_TIME_MIN_US	INT64_C(0)
#define BM_TIME_MAX_US	INT64_C(4133980799999999)

/* Unix numbers at or above this are milliseconds, below it seconds (see timefmt.c). */
#define BM_TIME_MS_THRESHOLD INT64_C(100000000000)

typedef enum bm_time_status
{
	BM_TIME_OK = 0,
	BM_TIME_EMPTY,				/* empty or white space only */
	BM_TIME_SYNTAX,				/* not a timestamp form we know, or an invalid date/time field */
	BM_TIME_RANGE				/* well-formed, but before 1970 or after 2100 */
} bm_time_status;

/*
 * Parses any of the forms in timefmt.c's header comment (text, or the text of a JSON number) into
 * *us.  Leading and trailing white space is ignored.  *us is left alone on error.
 */
bm_time_status bm_time_parse(const char *s, size_t len, int64_t *us);

/* A unix number as an integer: seconds, or milliseconds when >= BM_TIME_MS_THRESHOLD. */
bm_time_status bm_time_from_unix(int64_t value, int64_t *us);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day 1..31; not validated). */
int64_t		bm_days_from_civil(int64_t year, unsigned month, unsigned day);

/* The UTC calendar date of a time in microseconds (us >= 0). */
void		bm_civil_from_us(int64_t us, int *year, int *month, int *day);

/*
 * Formats us as "YYYY-MM-DDTHH:MM:SS.ffffffZ" (27 characters and a NUL; buf >= 28 bytes).
 * Returns the length.  For us outside the accepted range the result is still well-formed.
 */
size_t		bm_time_format(int64_t us, char *buf);

const char *bm_time_status_text(bm_time_status st);

#endif							/* BM_TIMEFMT_H */
