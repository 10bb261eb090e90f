/*
 * text_accuracy.c — the classifier and the reply parser on the Sisimai corpus without a server (make
 * text-accuracy; a second): hard/soft and reason agreement of bm_classify, agreement of bm_reply_parse with
 * the reference reply code and status, a per-reason confusion table, and the disagreements (TSV, into
 * build/accuracy/).  test/accuracy/run.sh is the gate (classify() through SQL, operator rules included);
 * this is the quick look while changing the core, and the only report of the parser's own agreement.
 * Usage: text_accuracy expected.tsv out.tsv [disputes.tsv] [--bench N]  (--bench: N rounds of
 * classification over the corpus, timed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "smtp_reply.h"

#define MAX_ROWS	4096
#define MAX_NAMES	64

typedef struct row
{
	char	   *file;
	char	   *index;
	char	   *status;
	char	   *replycode;
	char	   *reason;
	int			hard;
	char	   *diagnostic;
	size_t		diaglen;
} row;

typedef struct confusion
{
	const char *expected;
	int			total;
	int			agree;
	const char *ours[MAX_NAMES];
	int			ours_count[MAX_NAMES];
	int			nours;
} confusion;

static row	rows[MAX_ROWS];
static int	nrows;

/* Splits line at tabs into at most n fields (in place). Returns the field count. */
static int
split_tabs(char *line, char **fields, int n)
{
	int			k = 0;

	fields[k++] = line;
	for (char *p = line; *p && k < n; p++)
		if (*p == '\t')
		{
			*p = '\0';
			fields[k++] = p + 1;
		}
	return k;
}

/* Sisimai pseudo statuses ([45].0.9NN) are its own inventions, not input: they count as "no status". */
static bool
status_from_column(const char *s, bm_status *st)
{
	size_t		len = strlen(s);

	*st = BM_STATUS_NONE;
	if (len == 0 || !bm_status_parse(s, len, st))
		return false;
	if (bm_status_subject(*st) == 0 && bm_status_detail(*st) >= 900 && bm_status_detail(*st) <= 999)
	{
		*st = BM_STATUS_NONE;
		return false;
	}
	return true;
}

static void
count_confusion(confusion *conf, int *nconf, const char *expected, const char *ours, bool agree)
{
	confusion  *c = NULL;

	for (int i = 0; i < *nconf; i++)
		if (strcmp(conf[i].expected, expected) == 0)
			c = &conf[i];
	if (c == NULL)
	{
		if (*nconf >= MAX_NAMES)
			return;
		c = &conf[(*nconf)++];
		memset(c, 0, sizeof(*c));
		c->expected = expected;
	}
	c->total++;
	if (agree)
	{
		c->agree++;
		return;
	}
	for (int i = 0; i < c->nours; i++)
		if (strcmp(c->ours[i], ours) == 0)
		{
			c->ours_count[i]++;
			return;
		}
	if (c->nours < MAX_NAMES)
	{
		c->ours[c->nours] = ours;
		c->ours_count[c->nours++] = 1;
	}
}

static int
by_total(const void *a, const void *b)
{
	const confusion *x = a;
	const confusion *y = b;

	return y->total != x->total ? y->total - x->total : strcmp(x->expected, y->expected);
}

/* Is (file, index) listed in the disputes file? */
static bool
disputed(char **disputes, int ndisputes, const char *file, const char *index)
{
	for (int i = 0; i < ndisputes; i++)
	{
		const char *d = disputes[i];
		size_t		fl = strlen(file);

		if (strncmp(d, file, fl) == 0 && d[fl] == '\t' && strncmp(d + fl + 1, index, strlen(index)) == 0 &&
			d[fl + 1 + strlen(index)] == '\t')
			return true;
	}
	return false;
}

static void
bench(int rounds)
{
	bm_verdict	v;
	size_t		bytes = 0;
	long		sink = 0;
	struct timespec t0,
				t1;
	double		secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int k = 0; k < rounds; k++)
		for (int i = 0; i < nrows; i++)
		{
			bm_classify(rows[i].diagnostic, rows[i].diaglen, 0, BM_STATUS_NONE, &v);
			sink += v.reason;
			bytes += rows[i].diaglen;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("bench: %d classifications in %.3f s = %.2f M/s (mean diagnostic %zu bytes, %.0f MB/s) [%ld]\n",
		   rounds * nrows, secs, rounds * nrows / secs / 1e6, bytes / ((size_t) rounds * (size_t) nrows),
		   (double) bytes / secs / 1e6, sink % 7);
}

int
main(int argc, char **argv)
{
	FILE	   *in,
			   *out;
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		got;
	int			hard_agree = 0,
				reason_agree = 0;
	int			code_rows = 0,
				code_agree = 0,
				status_rows = 0,
				status_agree = 0,
				code_in_text = 0,
				code_in_text_agree = 0,
				status_in_text = 0,
				status_in_text_agree = 0;
	int			ndisagree = 0,
				ndisputed = 0;
	confusion	conf[MAX_NAMES];
	int			nconf = 0;
	char	   *disputes[MAX_ROWS];
	int			ndisputes = 0;
	int			bench_rounds = 0;

	if (argc < 3)
	{
		fprintf(stderr, "usage: %s expected.tsv disagreements.tsv [disputes.tsv] [--bench N]\n", argv[0]);
		return 2;
	}
	for (int a = 3; a < argc; a++)
	{
		if (strcmp(argv[a], "--bench") == 0 && a + 1 < argc)
			bench_rounds = atoi(argv[++a]);
		else
		{
			FILE	   *d = fopen(argv[a], "r");

			if (d == NULL)
			{
				perror(argv[a]);
				return 2;
			}
			while ((got = getline(&line, &cap, d)) > 0 && ndisputes < MAX_ROWS)
				disputes[ndisputes++] = strdup(line);
			fclose(d);
		}
	}
	if ((in = fopen(argv[1], "r")) == NULL)
	{
		perror(argv[1]);
		return 2;
	}
	if (getline(&line, &cap, in) <= 0)
	{
		fprintf(stderr, "%s: empty\n", argv[1]);
		return 2;
	}
	while ((got = getline(&line, &cap, in)) > 0 && nrows < MAX_ROWS)
	{
		char	   *f[7];
		row		   *r = &rows[nrows];

		if (line[got - 1] == '\n')
			line[--got] = '\0';
		if (split_tabs(line, f, 7) != 7)
			continue;
		r->file = strdup(f[0]);
		r->index = strdup(f[1]);
		r->status = strdup(f[2]);
		r->replycode = strdup(f[3]);
		r->reason = strdup(f[4]);
		r->hard = strcmp(f[5], "true") == 0;
		r->diagnostic = strdup(f[6]);
		r->diaglen = strlen(f[6]);
		nrows++;
	}
	fclose(in);
	free(line);

	if ((out = fopen(argv[2], "w")) == NULL)
	{
		perror(argv[2]);
		return 2;
	}
	fprintf(out, "file\tindex\texpected\tours\tdiagnostic\n");
	for (int i = 0; i < nrows; i++)
	{
		row		   *r = &rows[i];
		bm_status	st;
		int			code = atoi(r->replycode);
		bm_verdict	v;
		bm_reply	rp;
		const char *ours;
		bool		hs,
					rs;

		status_from_column(r->status, &st);
		bm_classify(r->diagnostic, r->diaglen, code, st, &v);
		ours = bm_reason_sisimai_name(v.reason);
		hs = (v.bounce_class == BM_HARD) == (r->hard != 0);
		rs = strcmp(ours, r->reason) == 0;
		hard_agree += hs;
		reason_agree += rs;
		count_confusion(conf, &nconf, r->reason, ours, rs);
		if (!hs || !rs)
		{
			ndisagree++;
			if (disputed(disputes, ndisputes, r->file, r->index))
				ndisputed++;
			fprintf(out, "%s\t%s\t%s (%s)\t%s (%s)\t%s\n", r->file, r->index, r->reason,
					r->hard ? "hard" : "soft", bm_reason_name(v.reason), bm_class_name(v.bounce_class),
					r->diagnostic);
		}

		/* the reply parser on its own, against the reference code and (real) status */
		bm_reply_parse(r->diagnostic, r->diaglen, &rp);
		if (code != 0)
		{
			code_rows++;
			code_agree += (rp.reply_code == code);
			if (strstr(r->diagnostic, r->replycode) != NULL)
			{
				code_in_text++;
				code_in_text_agree += (rp.reply_code == code);
			}
		}
		if (st != BM_STATUS_NONE)
		{
			status_rows++;
			status_agree += (rp.status == st);
			if (strstr(r->diagnostic, r->status) != NULL)
			{
				status_in_text++;
				status_in_text_agree += (rp.status == st);
			}
		}
	}
	fclose(out);

	printf("rows: %d\n", nrows);
	printf("hard/soft agreement: %d/%d = %.2f%%\n", hard_agree, nrows, 100.0 * hard_agree / nrows);
	printf("reason agreement:    %d/%d = %.2f%%\n", reason_agree, nrows, 100.0 * reason_agree / nrows);
	printf("parser reply code:   %d/%d = %.2f%% (rows with a reference code)\n", code_agree, code_rows,
		   code_rows ? 100.0 * code_agree / code_rows : 0.0);
	printf("parser status:       %d/%d = %.2f%% (rows with a real reference status)\n", status_agree,
		   status_rows, status_rows ? 100.0 * status_agree / status_rows : 0.0);
	printf("  where the reference value occurs in the text: code %d/%d = %.2f%%, status %d/%d = %.2f%%\n",
		   code_in_text_agree, code_in_text, code_in_text ? 100.0 * code_in_text_agree / code_in_text : 0.0,
		   status_in_text_agree, status_in_text,
		   status_in_text ? 100.0 * status_in_text_agree / status_in_text : 0.0);
	printf("disagreements: %d (%d listed in disputes)\n", ndisagree, ndisputed);
	qsort(conf, (size_t) nconf, sizeof(confusion), by_total);
	printf("per reason (agree/total; ours when different):\n");
	for (int i = 0; i < nconf; i++)
	{
		printf("  %-16s %3d/%-3d", conf[i].expected, conf[i].agree, conf[i].total);
		for (int k = 0; k < conf[i].nours; k++)
			printf(" %s:%d", conf[i].ours[k], conf[i].ours_count[k]);
		printf("\n");
	}
	if (bench_rounds > 0)
		bench(bench_rounds);
	return 0;
}
