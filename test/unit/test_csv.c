/* test_csv.c — the CSV record reader (csv.c): RFC 4180 quoting, line ends, the errors that lose nothing. */
#include <stdlib.h>

#include "unit.h"
#include "csv.h"

/* Reads every record of s into a "|"-joined, ";"-separated text (fields|fields;...), or "ERROR@<offset>". */
static void
read_all(const char *s, char *out, size_t out_len)
{
	size_t		n = strlen(s);
	char	   *buf = malloc(n + 1);
	bm_csv		r;
	bm_csv_field f[8];
	size_t		nf;
	bm_csv_status st;

	out[0] = '\0';
	bm_csv_init(&r, s, n);
	while ((st = bm_csv_next(&r, buf, n + 1, f, 8, &nf)) == BM_CSV_RECORD)
	{
		for (size_t i = 0; i < nf; i++)
		{
			strncat(out, f[i].ptr, out_len - strlen(out) - 1);
			if (i + 1 < nf)
				strncat(out, "|", out_len - strlen(out) - 1);
		}
		strncat(out, ";", out_len - strlen(out) - 1);
	}
	if (st == BM_CSV_ERROR)
		snprintf(out + strlen(out), out_len - strlen(out), "ERROR@%zu:%s", r.error_offset, r.error);
	free(buf);
}

TEST(csv_records_and_line_ends)
{
	char		out[256];

	read_all("email,created\r\na@x.com,1700000000\r\nb@x.com,1700000001\r\n", out, sizeof(out));
	CHECK_STR(out, "email|created;a@x.com|1700000000;b@x.com|1700000001;");
	read_all("a,b\nc,d", out, sizeof(out));	/* LF, no final line end */
	CHECK_STR(out, "a|b;c|d;");
	read_all("a,b\rc,d\r", out, sizeof(out));	/* a lone CR */
	CHECK_STR(out, "a|b;c|d;");
	read_all("\n\r\n a ,\n\nx,,\n", out, sizeof(out));	/* blank lines skipped; spaces and empty fields kept */
	CHECK_STR(out, " a |;x||;");
	read_all("", out, sizeof(out));
	CHECK_STR(out, "");
	read_all("\xEF\xBB\xBF" "EmailAddress\nq@x.com\n", out, sizeof(out));	/* the BOM is not part of a name */
	CHECK_STR(out, "EmailAddress;q@x.com;");
}

TEST(csv_quoting)
{
	char		out[256];

	read_all("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n", out, sizeof(out));
	CHECK_STR(out, "a,b|say \"hi\"|two\nlines;");
	read_all("\"\",x\n", out, sizeof(out));
	CHECK_STR(out, "|x;");
	read_all("ab\"c,d\n", out, sizeof(out));	/* a quote inside an unquoted field is a character */
	CHECK_STR(out, "ab\"c|d;");
}

TEST(csv_errors)
{
	char		out[256];

	read_all("a,b\n\"open,c\n", out, sizeof(out));
	CHECK_STR(out, "a|b;ERROR@4:unterminated quoted field");
	read_all("\"a\"b,c\n", out, sizeof(out));
	CHECK_STR(out, "ERROR@3:text after a closing quote");
	read_all("1,2,3,4,5,6,7,8,9\n", out, sizeof(out));
	CHECK_STR(out, "ERROR@16:too many fields");
}

TEST(csv_lines_and_nul)
{
	const char	s[] = "h\n\"x\ny\",z\n\nlast\nnul\0byte\n";
	char		buf[sizeof(s)];
	bm_csv		r;
	bm_csv_field f[4];
	size_t		nf;

	bm_csv_init(&r, s, sizeof(s) - 1);
	CHECK_INT(bm_csv_next(&r, buf, sizeof(buf), f, 4, &nf), BM_CSV_RECORD);
	CHECK_INT(r.line, 1);
	CHECK_INT(bm_csv_next(&r, buf, sizeof(buf), f, 4, &nf), BM_CSV_RECORD);
	CHECK_INT(r.line, 2);		/* a record spanning lines 2-3 */
	CHECK_INT(bm_csv_next(&r, buf, sizeof(buf), f, 4, &nf), BM_CSV_RECORD);
	CHECK_INT(r.line, 5);		/* after a blank line */
	CHECK_STR(f[0].ptr, "last");
	CHECK_INT(bm_csv_next(&r, buf, sizeof(buf), f, 4, &nf), BM_CSV_ERROR);
	CHECK_STR(r.error, "NUL byte");
	CHECK_INT(r.error_offset, 19);
	CHECK_INT(bm_csv_next(&r, buf, sizeof(buf), f, 4, &nf), BM_CSV_ERROR);	/* and stays so */
	/* a buffer too small is refused before reading */
	bm_csv_init(&r, s, sizeof(s) - 1);
	CHECK_INT(bm_csv_next(&r, buf, 4, f, 4, &nf), BM_CSV_ERROR);
}
