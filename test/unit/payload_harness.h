/*
 * payload_harness.h — test support for the payload tests: load a fixture from test/fixtures/providers,
 * run bm_parse_payload with a sink that copies every event, reject and note (NUL-terminated strings),
 * and check the invariants every event must hold.
 */
#ifndef BM_PAYLOAD_HARNESS_H
#define BM_PAYLOAD_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <stdlib.h>

#include "payload.h"

typedef struct cap_event
{
	bm_event	ev;				/* slices in ev point into the copies below, not the parser */
	char	   *email;
	char	   *email_original;
	char	   *domain;
	char	   *id;
	char	   *ptype;
	char	   *psub;
	char	   *diag;
	char	   *msgid;
	char	   *raw;
	char		status[16];		/* "5.1.1", or "" */
} cap_event;

typedef struct cap_reject
{
	size_t		index;
	char	   *raw;
	char	   *reason;
	char	   *field;
	bm_provider provider;
} cap_reject;

typedef struct cap_note
{
	char	   *kind;
	char	   *detail;
} cap_note;

typedef struct capture
{
	cap_event  *ev;
	size_t		nev;
	cap_reject *rej;
	size_t		nrej;
	cap_note   *notes;
	size_t		nnotes;
	size_t		cap_ev,
				cap_rej,
				cap_notes;
	bm_payload_status status;
	bm_payload_error err;
	bm_provider detected;
	int			invariant_failures;	/* events that broke an invariant (see payload_harness.c) */
	const char *payload;		/* for the raw-inside-the-payload check */
	size_t		payload_len;
} capture;

/* Reads ../fixtures/providers/<rel> (the tests run in test/unit); aborts the test run if missing. */
char	   *load_fixture(const char *rel, size_t *len);

/* Parses payload with a fresh parser (keep_raw on) and captures everything. */
void		capture_run(capture *c, const char *payload, size_t len, bm_provider provider);
/* Same with a caller-owned parser and options. */
void		capture_run_with(capture *c, bm_parser *p, const char *payload, size_t len,
							 const bm_payload_opts *opts);
/* Loads a fixture and runs it (provider AUTO when provider == BM_PROVIDER_AUTO). */
void		capture_fixture(capture *c, const char *rel, bm_provider provider);
void		capture_free(capture *c);

/*
 * What an event must be.  Every member is compared: a NULL string means "absent", 0 means "none".
 * orig NULL means "the same as email".
 */
typedef struct ev_expect
{
	bm_event_type type;
	const char *email;
	const char *orig;
	int64_t		at;
	const char *id;
	const char *ptype;
	const char *psub;
	int			code;
	const char *status;			/* "5.1.1" or NULL */
	const char *diag;
	const char *msgid;
	int			attempt;
	uint32_t	flags;
} ev_expect;

void		expect_event(const char *file, int line, const cap_event *e, const ev_expect *x);

#define EXPECT_EVENT(e, ...) expect_event(__FILE__, __LINE__, (e), &(const ev_expect) {__VA_ARGS__})

/* The common checks of a run: status, detected provider, counts, no invariant failure. */
#define CHECK_RUN(c, st, prov, nevents, nrejects, nnotes_) \
	do { \
		CHECK_INT((c).status, st); \
		CHECK_INT((c).detected, prov); \
		CHECK_INT((c).nev, nevents); \
		CHECK_INT((c).nrej, nrejects); \
		CHECK_INT((c).nnotes, nnotes_); \
		CHECK_INT((c).invariant_failures, 0); \
	} while (0)

#endif							/* BM_PAYLOAD_HARNESS_H */
