/*
 * fuzz_mime.c — libFuzzer target for the MIME reader (src/core/mail: mail_mime, mail_header, mail_decode,
 * mail_charset).  The first input byte picks the nesting and part limits; the rest is the message.
 * Checked: the structure stays inside the input (start <= body <= end <= size, parents before children,
 * depths within the limit, part count within the limit, error offsets inside the input); header fields
 * are slices of the input; every part body decoded (base64 / quoted-printable) fits its bound and, once
 * converted from its charset, is valid UTF-8 without NUL; decoded header values (RFC 2047) too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "mail/mail_arena.h"
#include "mail/mail_charset.h"
#include "mail/mail_decode.h"
#include "mail/mail_header.h"
#include "mail/mail_mime.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUTCAP 4096

static bm_charset_cache cache;
static int	cache_ready;

static void
check_slice(const char *msg, size_t size, bm_str s)
{
	if (s.ptr == NULL)
		return;
	if (s.ptr < msg || s.ptr + s.len > msg + size)
		abort();
}

static void
check_utf8(const char *s, size_t n, size_t cap)
{
	if (n > cap || !fuzz_utf8_ok((const unsigned char *) s, n) || memchr(s, '\0', n) != NULL)
		abort();
}

static void
check_block(bm_arena *a, const char *msg, size_t size, const bm_hblock *h)
{
	if (h->body > size || h->start > h->body)
		abort();
	for (int i = 0; i < h->n; i++)
	{
		bm_str		d;

		check_slice(msg, size, h->fields[i].name);
		check_slice(msg, size, h->fields[i].value);
		if (h->fields[i].name.len == 0)
			abort();
		d = bm_hdr_decode(a, &cache, h->fields[i].value, NULL, 512);
		if (d.ptr == NULL)
			abort();
		check_utf8(d.ptr, d.len, 512);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *msg;
	bm_arena	a;
	bm_mime		m;
	bm_mime_limits lim;
	size_t		eoff = 0;
	bm_mime_status st;
	static char dec[OUTCAP];
	static char out[OUTCAP];

	if (size < 1)
		return 0;
	if (!cache_ready)
	{
		bm_charset_cache_init(&cache);	/* kept across runs, as a parser keeps it across messages */
		cache_ready = 1;
	}
	lim.max_depth = 1 + data[0] % 8;
	lim.max_parts = 2 + (data[0] >> 3) * 4;
	size--;
	msg = malloc(size ? size : 1);	/* exact size: ASan sees any read past the end */
	if (msg == NULL)
		return 0;
	memcpy(msg, data + 1, size);
	bm_arena_init(&a, 64 * 1024 * 1024);

	st = bm_mime_read(&a, msg, size, 0, &lim, &m, &eoff);
	if (st == BM_MIME_NO_MEMORY)
		abort();
	if (eoff > size)
		abort();
	if (st == BM_MIME_OK)
	{
		if (m.nparts < 1 || m.nparts > lim.max_parts || m.parts[0].parent != -1)
			abort();
		check_block(&a, msg, size, &m.header);
		for (int i = 0; i < m.nparts; i++)
		{
			const bm_mime_part *p = &m.parts[i];
			size_t		n,
						cn;
			size_t		raw = p->end - p->body;

			if (p->start > p->body || p->body > p->end || p->end > size)
				abort();
			if (i > 0 && (p->parent < 0 || p->parent >= i || p->depth != m.parts[p->parent].depth + 1 ||
						  p->depth > lim.max_depth || m.parts[p->parent].boundary.ptr == NULL))
				abort();
			if (strlen(p->type) >= BM_MIME_TYPE_MAX || strchr(p->type, '/') == NULL)
				abort();
			check_slice(msg, size, p->charset);
			check_slice(msg, size, p->boundary);
			if (p->embedded != NULL)
				check_block(&a, msg, size, p->embedded);
			if (raw > 3 * OUTCAP)
				raw = 3 * OUTCAP;
			if (p->cte == BM_CTE_BASE64)
				n = bm_base64_decode(msg + p->body, raw, dec, OUTCAP, NULL);
			else if (p->cte == BM_CTE_QP)
				n = bm_qp_decode(msg + p->body, raw, dec, OUTCAP, false, NULL);
			else
			{
				n = raw < OUTCAP ? raw : OUTCAP;
				memcpy(dec, msg + p->body, n);
			}
			if (n > OUTCAP || (p->cte != BM_CTE_IDENTITY && n > raw))
				abort();
			cn = bm_charset_to_utf8(&cache, p->charset.ptr, p->charset.len, dec, n, out, OUTCAP / 2, NULL, NULL);
			check_utf8(out, cn, OUTCAP / 2);
		}
	}
	bm_arena_free(&a);
	free(msg);
	return 0;
}
