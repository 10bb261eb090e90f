/*
 * csv.c — the CSV record reader of csv.h: one pass over the bytes, a field at a time (read_field), no
 * allocation.  Quoted fields are unescaped into the caller's buffer; unquoted fields are copied as they are
 * (a later quote is an ordinary character).
 */
#include "csv.h"

#include <string.h>

void
bm_csv_init(bm_csv *r, const char *data, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->len = data ? len : 0;
	r->next_line = 1;
	if (r->len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
}

static bm_csv_status
fail(bm_csv *r, const char *why, size_t at)
{
	r->error = why;
	r->error_offset = at;
	r->pos = r->len;
	return BM_CSV_ERROR;
}

/* Consumes one record separator (CRLF, LF or CR) at pos if there is one; true when it did. */
static bool
end_of_line(bm_csv *r)
{
	if (r->pos >= r->len)
		return false;
	if (r->data[r->pos] == '\r')
	{
		r->pos++;
		if (r->pos < r->len && r->data[r->pos] == '\n')
			r->pos++;
		r->next_line++;
		return true;
	}
	if (r->data[r->pos] == '\n')
	{
		r->pos++;
		r->next_line++;
		return true;
	}
	return false;
}

/*
 * Reads one field at pos into buf + *used; stops before the ',' or line end that follows it.  Returns
 * BM_CSV_RECORD, or BM_CSV_ERROR.
 */
static bm_csv_status
read_field(bm_csv *r, char *buf, size_t *used, bm_csv_field *f)
{
	char	   *out = buf + *used;
	size_t		n = 0;

	if (r->pos < r->len && r->data[r->pos] == '"')
	{
		size_t		open = r->pos++;

		for (;;)
		{
			char		c;

			if (r->pos >= r->len)
				return fail(r, "unterminated quoted field", open);
			c = r->data[r->pos++];
			if (c == '\0')
				return fail(r, "NUL byte", r->pos - 1);
			if (c == '"')
			{
				if (r->pos < r->len && r->data[r->pos] == '"')
				{
					out[n++] = '"';
					r->pos++;
					continue;
				}
				break;
			}
			if (c == '\n' || (c == '\r' && !(r->pos < r->len && r->data[r->pos] == '\n')))
				r->next_line++;
			out[n++] = c;
		}
		if (r->pos < r->len && r->data[r->pos] != ',' && r->data[r->pos] != '\r' && r->data[r->pos] != '\n')
			return fail(r, "text after a closing quote", r->pos);
	}
	else
	{
		while (r->pos < r->len)
		{
			char		c = r->data[r->pos];

			if (c == ',' || c == '\r' || c == '\n')
				break;
			if (c == '\0')
				return fail(r, "NUL byte", r->pos);
			out[n++] = c;
			r->pos++;
		}
	}
	out[n] = '\0';
	f->ptr = out;
	f->len = n;
	*used += n + 1;
	return BM_CSV_RECORD;
}

bm_csv_status
bm_csv_next(bm_csv *r, char *buf, size_t buf_len, bm_csv_field *fields, size_t max_fields, size_t *nfields)
{
	size_t		used = 0;

	*nfields = 0;
	if (r->error != NULL)
		return BM_CSV_ERROR;
	if (buf_len < r->len + 1)
		return fail(r, "buffer too small", r->pos);
	/* blank lines are no records */
	while (end_of_line(r))
		;
	if (r->pos >= r->len)
		return BM_CSV_END;
	r->line = r->next_line;
	for (;;)
	{
		bm_csv_field f;

		if (*nfields == max_fields)
			return fail(r, "too many fields", r->pos);
		if (read_field(r, buf, &used, &f) != BM_CSV_RECORD)
			return BM_CSV_ERROR;
		fields[(*nfields)++] = f;
		if (r->pos < r->len && r->data[r->pos] == ',')
		{
			r->pos++;
			continue;
		}
		end_of_line(r);
		return BM_CSV_RECORD;
	}
}
