/*
 * email_bench.c — decodes a list of bounce emails N times with the C parser (src/core/mail) and prints
 * emails/s; bench/email.sh runs it beside Sisimai.  Usage: email_bench N file...
 * The files are read into memory first; only parsing (MIME, decoding, readers, classification) is timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/bounce_mail.h"
#include "read_file.h"

static void
count(void *ctx, const bm_mail_recipient *r)
{
	(*(long *) ctx) += 1 + (r->recipient.len == 0);	/* every record, and the optimizer cannot drop it */
}

static void
count_plain(void *ctx, const bm_mail_recipient *r)
{
	(*(long *) ctx) += r != NULL;
}

int
main(int argc, char **argv)
{
	int			rounds = argc > 1 ? atoi(argv[1]) : 0;
	int			n = argc - 2;
	char	  **msgs;
	size_t	   *lens;
	long		sink = 0,
				records = 0;
	struct timespec t0,
				t1;
	double		secs;
	bm_mail_parser *p = bm_mail_parser_create();

	if (rounds <= 0 || n <= 0 || p == NULL)
	{
		fprintf(stderr, "usage: %s rounds file...\n", argv[0]);
		return 2;
	}
	msgs = calloc((size_t) n, sizeof(char *));
	lens = calloc((size_t) n, sizeof(size_t));
	for (int i = 0; i < n; i++)
	{
		msgs[i] = tc_read_file(argv[i + 2], &lens[i]);
		if (msgs[i] == NULL)
		{
			perror(argv[i + 2]);
			return 2;
		}
	}
	/* warm-up: builds the classifier's automaton, opens the iconv descriptors */
	for (int i = 0; i < n; i++)
		bm_mail_parse(p, msgs[i], lens[i], NULL, count, &records, NULL);
	records = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int k = 0; k < rounds; k++)
		for (int i = 0; i < n; i++)
			bm_mail_parse(p, msgs[i], lens[i], NULL, count, &sink, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (int i = 0; i < n; i++)
		bm_mail_parse(p, msgs[i], lens[i], NULL, count_plain, &records, NULL);
	printf("c_emails=%ld c_seconds=%.4f c_emails_per_s=%.0f c_records_per_pass=%ld peak_bytes=%zu\n",
		   (long) rounds * n, secs, (double) rounds * n / secs, records, bm_mail_parser_peak_bytes(p));
	bm_mail_parser_destroy(p);
	for (int i = 0; i < n; i++)
		free(msgs[i]);
	free(msgs);
	free(lens);
	return sink == -1;
}
