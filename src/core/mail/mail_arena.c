/*
 * mail_arena.c — bump allocator with a byte cap and peak counter for the bounce-mail parser.
 * Must not hand out memory that outlives bm_arena_reset/bm_arena_free, nor exceed the cap.
 */
#include "mail_arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct bm_arena_chunk
{
	bm_arena_chunk *next;
	size_t		size;			/* usable bytes after the header */
	size_t		off;			/* next free byte */
	uint64_t	data[];		/* 8-aligned */
};

void
bm_arena_init(bm_arena *a, size_t cap)
{
	memset(a, 0, sizeof(*a));
	a->cap = cap;
}

void *
bm_arena_alloc(bm_arena *a, size_t size)
{
	bm_arena_chunk *c = a->head;
	size_t		need = (size + 7) & ~(size_t) 7;
	size_t		csize;

	if (size > a->cap)
		return NULL;
	if (need == 0)
		need = 8;
	if (c != NULL && c->size - c->off >= need)
	{
		void	   *p = (char *) c->data + c->off;

		c->off += need;
		a->used += need;
		return p;
	}
	csize = need > BM_ARENA_CHUNK / 2 ? need : BM_ARENA_CHUNK;
	if (a->held + csize + sizeof(bm_arena_chunk) > a->cap)
	{
		if (a->held + need + sizeof(bm_arena_chunk) > a->cap)
			return NULL;
		csize = need;			/* what is left under the cap */
	}
	c = malloc(sizeof(bm_arena_chunk) + csize);
	if (c == NULL)
		return NULL;
	c->size = csize;
	c->off = need;
	/* a big private chunk goes behind the current one, so the current one keeps serving small requests */
	if (a->head != NULL && csize == need && a->head->size - a->head->off > 256)
	{
		c->next = a->head->next;
		a->head->next = c;
	}
	else
	{
		c->next = a->head;
		a->head = c;
	}
	a->held += csize + sizeof(bm_arena_chunk);
	if (a->held > a->peak)
		a->peak = a->held;
	a->used += need;
	return c->data;
}

char *
bm_arena_strdup(bm_arena *a, const char *s, size_t len)
{
	char	   *p = bm_arena_alloc(a, len + 1);

	if (p == NULL)
		return NULL;
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
bm_arena_reset(bm_arena *a)
{
	bm_arena_chunk *keep = NULL;
	bm_arena_chunk *c = a->head;

	/* keep the oldest default-size chunk (the last in the list) */
	while (c != NULL)
	{
		bm_arena_chunk *next = c->next;

		if (next == NULL && c->size == BM_ARENA_CHUNK)
			keep = c;
		else
		{
			a->held -= c->size + sizeof(bm_arena_chunk);
			free(c);
		}
		c = next;
	}
	if (keep != NULL)
	{
		keep->off = 0;
		keep->next = NULL;
	}
	a->head = keep;
	a->used = 0;
}

void
bm_arena_free(bm_arena *a)
{
	bm_arena_chunk *c = a->head;

	while (c != NULL)
	{
		bm_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
	a->held = 0;
	a->used = 0;
}
