/*
 * email_accuracy.c — accuracy of the bounce-email parser (src/core/mail) on the Sisimai corpus: parses
 * every test/fixtures/sisimai/eml file, matches our recipients to expected.tsv rows by file and address,
 * prints recipients found, hard/soft and reason agreement and a per-reason table, writes the disagreements
 * (with our notes from email_disputes.tsv) and exits 1 below the gates.
 *
 * Usage: email_accuracy <eml-dir> <expected.tsv> <details.tsv> <disputes.tsv> <out.tsv>
 *                       [min_found min_hard min_reason]   (percentages; defaults 0)
 * Sisimai invents "undisclosed-recipient-in-headers@libsisimai.org.invalid" for ARF reports that name no
 * recipient; such a row matches our record without a recipient.  A recipient Sisimai lists twice (a DSN
 * that names it twice) matches our one record twice.  Rows we do not find count as disagreements in all
 * three figures.  email_disputes.tsv: file, index, our reason (Sisimai's name for it), note.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classify.h"
#include "mail/bounce_mail.h"
#include "read_file.h"

#define MAX_ROWS	2048
#define MAX_OURS	64
#define PLACEHOLDER "undisclosed-recipient-in-headers@libsisimai.org.invalid"

typedef struct row
{
	char	   *file;
	int			index;
	char	   *reason;
	bool		hard;
	char	   *diagnostic;
	char	   *recipient;
	char	   *command;
	char	   *decodedby;
	char	   *action;
	/* ours */
	bool		found;
	char		our_reason[32];
	bool		our_hard;
	char		our_command[12];
	char		our_decoder[24];
	char		our_diag[240];
} row;

static row	rows[MAX_ROWS];
static int	nrows;

static char *
xstrdup(const char *s)
{
	char	   *r = strdup(s);

	if (r == NULL)
	{
		perror("strdup");
		exit(2);
	}
	return r;
}

static int
split_tabs(char *line, char **f, int n)
{
	int			k = 0;

	f[k++] = line;
	for (char *p = line; *p && k < n; p++)
		if (*p == '\t')
		{
			*p = '\0';
			f[k++] = p + 1;
		}
	for (char *p = f[k - 1]; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = '\0';
	return k;
}

static void
load(const char *expected, const char *details)
{
	FILE	   *fe = fopen(expected, "r");
	FILE	   *fd = fopen(details, "r");
	char		le[65536],
				ld[65536];
	bool		header = true;

	if (fe == NULL || fd == NULL)
	{
		fprintf(stderr, "cannot open %s or %s\n", expected, details);
		exit(2);
	}
	while (fgets(le, sizeof(le), fe) && fgets(ld, sizeof(ld), fd))
	{
		char	   *e[8],
				   *d[13];

		if (header)
		{
			header = false;
			continue;
		}
		if (split_tabs(le, e, 7) < 7 || split_tabs(ld, d, 12) < 12 || nrows >= MAX_ROWS)
			continue;
		if (strcmp(e[0], d[0]) != 0 || strcmp(e[1], d[1]) != 0)
		{
			fprintf(stderr, "expected.tsv and details.tsv rows differ: %s %s\n", e[0], d[0]);
			exit(2);
		}
		rows[nrows].file = xstrdup(e[0]);
		rows[nrows].index = atoi(e[1]);
		rows[nrows].reason = xstrdup(e[4]);
		rows[nrows].hard = strcmp(e[5], "true") == 0;
		rows[nrows].diagnostic = xstrdup(e[6]);
		rows[nrows].decodedby = xstrdup(d[4]);
		rows[nrows].command = xstrdup(d[6]);
		rows[nrows].action = xstrdup(d[7]);
		rows[nrows].recipient = xstrdup(d[9]);
		for (char *p = rows[nrows].recipient; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char) (*p + 32);
		nrows++;
	}
	fclose(fe);
	fclose(fd);
}

typedef struct collect
{
	const char *file;
	int			n;
} collect;

static void
emit(void *ctx, const bm_mail_recipient *r)
{
	collect    *c = ctx;

	c->n++;
	for (int i = 0; i < nrows; i++)
	{
		row		   *w = &rows[i];
		bool		same;

		if (w->found || strcmp(w->file, c->file) != 0)
			continue;
		same = (r->recipient.len == strlen(w->recipient) &&
				memcmp(r->recipient.ptr, w->recipient, r->recipient.len) == 0) ||
			(r->recipient.len == 0 && strcmp(w->recipient, PLACEHOLDER) == 0);
		if (!same)
			continue;
		/* every row of this recipient: Sisimai lists a recipient twice when the DSN names it twice */
		w->found = true;
		snprintf(w->our_reason, sizeof(w->our_reason), "%s", bm_reason_sisimai_name(r->verdict.reason));
		w->our_hard = r->verdict.bounce_class == BM_HARD;
		snprintf(w->our_command, sizeof(w->our_command), "%s",
				 bm_smtp_command_name(r->smtp_command) ? bm_smtp_command_name(r->smtp_command) : "");
		snprintf(w->our_decoder, sizeof(w->our_decoder), "%s", r->decoder);
		snprintf(w->our_diag, sizeof(w->our_diag), "%.*s", (int) r->diagnostic.len, r->diagnostic.ptr);
		for (char *p = w->our_diag; *p; p++)
			if (*p == '\t')
				*p = ' ';
	}
}

/* note for (file, index) from the disputes file, or "" */
static const char *
note_for(char **notes, int nnotes, const char *file, int index)
{
	char		key[512];

	snprintf(key, sizeof(key), "%s\t%d\t", file, index);
	for (int i = 0; i < nnotes; i++)
		if (strncmp(notes[i], key, strlen(key)) == 0)
		{
			const char *n = notes[i] + strlen(key);
			const char *t = strchr(n, '\t');	/* our_reason column, then the note */

			return t ? t + 1 : n;
		}
	return "";
}

typedef struct per_reason
{
	const char *reason;
	int			total,
				agree;
	char		ours[512];
} per_reason;

int
main(int argc, char **argv)
{
	bm_mail_parser *p;
	int			nfiles = 0,
				found = 0,
				hard_ok = 0,
				reason_ok = 0;
	double		min_found = argc > 6 ? atof(argv[6]) : 0,
				min_hard = argc > 7 ? atof(argv[7]) : 0,
				min_reason = argc > 8 ? atof(argv[8]) : 0;
	char	  **notes = NULL;
	int			nnotes = 0;
	FILE	   *out;
	per_reason	pr[64];
	int			npr = 0;
	double		f_pct,
				h_pct,
				r_pct;

	if (argc < 6)
	{
		fprintf(stderr, "usage: %s eml-dir expected.tsv details.tsv disputes.tsv out.tsv [min_found min_hard min_reason]\n",
				argv[0]);
		return 2;
	}
	load(argv[2], argv[3]);
	{
		FILE	   *fn = fopen(argv[4], "r");
		char		line[8192];

		while (fn != NULL && fgets(line, sizeof(line), fn))
		{
			line[strcspn(line, "\r\n")] = '\0';
			notes = realloc(notes, sizeof(char *) * (size_t) (nnotes + 1));
			notes[nnotes++] = xstrdup(line);
		}
		if (fn != NULL)
			fclose(fn);
	}
	p = bm_mail_parser_create();
	for (int i = 0; i < nrows; i++)
	{
		char		path[1024];
		size_t		len;
		char	   *msg;
		collect		c = {rows[i].file, 0};
		bm_mail_error err;

		if (i > 0 && strcmp(rows[i].file, rows[i - 1].file) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], rows[i].file);
		msg = tc_read_file(path, &len);
		if (msg == NULL)
		{
			fprintf(stderr, "cannot read %s\n", path);
			return 2;
		}
		nfiles++;
		if (bm_mail_parse(p, msg, len, NULL, emit, &c, &err) != BM_MAIL_OK)
			fprintf(stderr, "%s: %s\n", rows[i].file, err.message);
		free(msg);
	}
	bm_mail_parser_destroy(p);

	out = fopen(argv[5], "w");
	if (out == NULL)
	{
		perror(argv[5]);
		return 2;
	}
	fprintf(out, "file\tindex\trecipient\tsisimai_reason\tsisimai_hard\tour_reason\tour_hard\tsisimai_command\t"
			"our_command\tsisimai_decoder\tour_decoder\tnote\tour_diagnostic\tsisimai_diagnostic\n");
	for (int i = 0; i < nrows; i++)
	{
		row		   *w = &rows[i];
		bool		h = w->found && w->our_hard == w->hard;
		bool		r = w->found && strcmp(w->our_reason, w->reason) == 0;
		per_reason *x = NULL;

		found += w->found;
		hard_ok += h;
		reason_ok += r;
		for (int k = 0; k < npr; k++)
			if (strcmp(pr[k].reason, w->reason) == 0)
				x = &pr[k];
		if (x == NULL && npr < 64)
		{
			x = &pr[npr++];
			memset(x, 0, sizeof(*x));
			x->reason = w->reason;
		}
		if (x != NULL)
		{
			x->total++;
			x->agree += r;
			if (!r && strlen(x->ours) + 40 < sizeof(x->ours))
			{
				strcat(x->ours, x->ours[0] ? " " : "");
				strcat(x->ours, w->found ? w->our_reason : "(missing)");
			}
		}
		if (h && r)
			continue;
		fprintf(out, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.240s\n", w->file, w->index, w->recipient,
				w->reason, w->hard ? "hard" : "soft", w->found ? w->our_reason : "(missing)",
				w->found ? (w->our_hard ? "hard" : "soft") : "", w->command, w->our_command, w->decodedby,
				w->our_decoder, note_for(notes, nnotes, w->file, w->index), w->our_diag, w->diagnostic);
	}
	fclose(out);

	f_pct = 100.0 * found / nrows;
	h_pct = 100.0 * hard_ok / nrows;
	r_pct = 100.0 * reason_ok / nrows;
	printf("per reason (sisimai name: agree/total, our reasons where different)\n");
	for (int k = 0; k < npr; k++)
		printf("  %-16s %3d/%-3d %s\n", pr[k].reason, pr[k].agree, pr[k].total, pr[k].ours);
	printf("emails %d, expected recipients %d\n", nfiles, nrows);
	printf("recipients found     %6.2f %% (%d/%d)   gate %.2f %%\n", f_pct, found, nrows, min_found);
	printf("hard/soft agreement  %6.2f %% (%d/%d)   gate %.2f %%\n", h_pct, hard_ok, nrows, min_hard);
	printf("reason agreement     %6.2f %% (%d/%d)   gate %.2f %%\n", r_pct, reason_ok, nrows, min_reason);
	printf("disagreements: %s\n", argv[5]);
	if (f_pct < min_found || h_pct < min_hard || r_pct < min_reason)
	{
		printf("FAILED: below a gate\n");
		return 1;
	}
	return 0;
}
