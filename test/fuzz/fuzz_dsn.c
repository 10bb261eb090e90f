/*
 * fuzz_dsn.c — libFuzzer target for the bounce decoders: the whole parser (bm_mail_parse: MIME, DSN and
 * ARF fields, report texts, SES JSON, auto-replies, classification) on the input as an email, and the
 * DSN / ARF field parsers and the report-text reader on the input as a report body.  The first byte picks
 * the limits.  Checked for every record: strings are valid UTF-8 without NUL and within their cap,
 * the recipient is normalized (normalizing it again gives itself) or empty only for complaints, indexes
 * count up from 1, enums are in range; errors come with an offset inside the input and a message; field
 * slices of the DSN/ARF/text readers lie inside the input or are arena copies.  The parser is reused
 * across runs, as the SQL layer reuses one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "fuzzutil.h"
#include "mail/bounce_mail.h"
#include "mail/mail_dsn.h"
#include "mail/mail_text.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bm_mail_parser *parser;

typedef struct run
{
	int			n;
	size_t		size;
} run;

static void
check_str(bm_str s, size_t cap)
{
	if (s.ptr == NULL || s.len > cap || !fuzz_utf8_ok((const unsigned char *) s.ptr, s.len) ||
		memchr(s.ptr, '\0', s.len) != NULL)
		abort();
}

static void
emit(void *ctx, const bm_mail_recipient *r)
{
	run		   *x = ctx;
	char		buf[BM_ADDRESS_BUF];
	size_t		ol,
				dom;

	if (r->index != ++x->n)
		abort();
	check_str(r->recipient, BM_ADDRESS_MAX);
	check_str(r->recipient_original, BM_MAIL_MAX_FIELD_BYTES);
	check_str(r->action, 64);
	check_str(r->diagnostic, BM_MAIL_MAX_FIELD_BYTES);
	check_str(r->diagnostic_type, 64);
	check_str(r->remote_mta, BM_MAIL_MAX_FIELD_BYTES);
	check_str(r->reporting_mta, BM_MAIL_MAX_FIELD_BYTES);
	check_str(r->original_message_id, BM_MAIL_MAX_FIELD_BYTES);
	check_str(r->message_id, BM_MAIL_MAX_FIELD_BYTES);
	check_str(r->feedback_type, 64);
	if (r->recipient.len > 0)
	{
		if (bm_address_normalize(r->recipient.ptr, r->recipient.len, buf, &ol, &dom) != BM_ADDR_OK ||
			ol != r->recipient.len || memcmp(buf, r->recipient.ptr, ol) != 0)
			abort();
	}
	else if (r->event_type != BM_ET_COMPLAINT)
		abort();
	if ((unsigned) r->event_type >= BM_ET_COUNT || (unsigned) r->verdict.reason >= BM_REASON_COUNT ||
		(unsigned) r->smtp_command >= BM_SMTP_COMMAND_COUNT || r->decoder == NULL ||
		(r->reply_code != 0 && (r->reply_code < 200 || r->reply_code > 599)) ||
		(r->status != BM_STATUS_NONE && !bm_status_is_valid(r->status)))
		abort();
	if (r->auto_reply && r->verdict.bounce_class != BM_NOT_BOUNCE)
		abort();
}

static volatile unsigned char byte_sink;

/* Every byte of a reader's slice is read: ASan reports one that lies outside the input or the arena. */
static void
check_slice(bm_str s)
{
	if (s.ptr == NULL)
		return;
	for (size_t i = 0; i < s.len; i++)
		byte_sink ^= (unsigned char) s.ptr[i];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *msg;
	bm_mail_opts opts;
	bm_mail_error err;
	bm_mail_status st;
	run			x = {0, 0};

	if (size < 1)
		return 0;
	if (parser == NULL && (parser = bm_mail_parser_create()) == NULL)
		abort();
	memset(&opts, 0, sizeof(opts));
	opts.max_depth = 1 + data[0] % 8;
	opts.max_parts = 2 + (data[0] >> 3) * 4;
	opts.fallback_charset = (data[0] & 0x80) ? "shift_jis" : NULL;
	size--;
	msg = malloc(size ? size : 1);	/* exact size: ASan sees any read past the end */
	if (msg == NULL)
		return 0;
	memcpy(msg, data + 1, size);
	x.size = size;

	st = bm_mail_parse(parser, msg, size, &opts, emit, &x, &err);
	if (st == BM_MAIL_NO_MEMORY)
		abort();
	if (st != BM_MAIL_OK && (err.offset > size || err.message[0] == '\0' || err.what[0] == '\0' || x.n != 0))
		abort();
	if (bm_mail_parser_held_bytes(parser) > BM_MAIL_ARENA_CAP)
		abort();

	/* the field readers on the input as a report body */
	{
		bm_arena	a;
		bm_dsn		dsn;
		bm_arf		arf;
		bm_text_report tr;

		bm_arena_init(&a, 64 * 1024 * 1024);
		memset(&dsn, 0, sizeof(dsn));
		if (!bm_dsn_parse(&a, msg, size, 50, &dsn) || dsn.n > 50)
			abort();
		for (int i = 0; i < dsn.n; i++)
		{
			check_slice(dsn.rcpts[i].final_recipient);
			check_slice(dsn.rcpts[i].diagnostic);
			check_slice(dsn.rcpts[i].status);
			check_slice(dsn.rcpts[i].remote_mta);
		}
		if (!bm_arf_parse(&a, msg, size, &arf) || arf.nrcpt > 16)
			abort();
		if (!bm_text_scan(&a, msg, size, 50, &tr) || tr.n > 50 || tr.report_end > size ||
			(tr.original_header != BM_TEXT_NONE && tr.original_header > size) ||
			(tr.dsn_fields != BM_TEXT_NONE && tr.dsn_fields > size))
			abort();
		for (int i = 0; i < tr.n; i++)
		{
			const bm_text_rcpt *t = &tr.r[i];

			if (t->addr.ptr < msg || t->addr.ptr + t->addr.len > msg + size || t->addr.len == 0 ||
				(t->err_start != BM_TEXT_NONE && (t->err_start > t->err_end || t->err_end > size)))
				abort();
		}
		bm_arena_free(&a);
	}
	free(msg);
	return 0;
}
