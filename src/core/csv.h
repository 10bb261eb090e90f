/*
 * csv.h — CSV records (RFC 4180) read one at a time from a buffer, for the providers' suppression exports:
 * fields separated by ',', records by CRLF, LF or a lone CR; a field in double quotes may hold ',', line
 * breaks and "" for one quote.  A UTF-8 byte order mark at the start is skipped, blank lines are no records.
 * Lenient where exports are sloppy (a quote inside an unquoted field is kept as a character), strict where
 * data would be lost (an unterminated quoted field, text after a closing quote, a NUL byte: errors with the
 * byte offset).  Pure C, no allocation: the caller hands a buffer for the unescaped bytes.
 */
#ifndef BM_CSV_H
#define BM_CSV_H

#include <stdbool.h>
#include <stddef.h>

typedef enum bm_csv_status
{
	BM_CSV_RECORD = 0,			/* a record was read */
	BM_CSV_END,					/* no more records */
	BM_CSV_ERROR				/* malformed input: error, error_offset */
} bm_csv_status;

typedef struct bm_csv_field
{
	const char *ptr;			/* into the caller's buffer, NUL-terminated */
	size_t		len;
} bm_csv_field;

typedef struct bm_csv
{
	const char *data;
	size_t		len;
	size_t		pos;			/* the next byte to read */
	size_t		line;			/* the line (1-based) the last record started on */
	size_t		next_line;		/* the line the next record starts on */
	const char *error;			/* why the input is malformed, on BM_CSV_ERROR */
	size_t		error_offset;	/* where (byte offset from data) */
} bm_csv;

void		bm_csv_init(bm_csv *r, const char *data, size_t len);

/*
 * Reads the next record into fields[0..*nfields): each field's unescaped bytes are copied into buf, which
 * must hold at least len + 1 bytes of the whole input (so any record fits), NUL-terminated.  More than
 * max_fields fields is an error.  After BM_CSV_END or BM_CSV_ERROR every further call returns the same.
 */
bm_csv_status bm_csv_next(bm_csv *r, char *buf, size_t buf_len, bm_csv_field *fields, size_t max_fields,
						  size_t *nfields);

#endif							/* BM_CSV_H */
