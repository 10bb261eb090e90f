/*
 * mail_arena.h — the bump allocator that owns every byte the bounce-mail parser produces, with byte
 * counters (current, peak) and a hard cap.  Pure C; must not call anything but malloc/free.
 */
#ifndef BM_MAIL_ARENA_H
#define BM_MAIL_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct bm_arena_chunk bm_arena_chunk;

typedef struct bm_arena
{
	bm_arena_chunk *head;		/* newest chunk first */
	size_t		used;			/* bytes handed out since the last reset */
	size_t		held;			/* bytes of all chunks currently malloc'ed */
	size_t		peak;			/* the highest "held" seen since creation (or bm_arena_reset_peak) */
	size_t		cap;			/* "held" never exceeds this: an allocation that would returns NULL */
} bm_arena;

#define BM_ARENA_CHUNK		(64 * 1024)	/* default chunk size; bigger requests get a chunk of their own */

void		bm_arena_init(bm_arena *a, size_t cap);
/* size bytes, 8-aligned, or NULL when malloc fails or the cap would be exceeded. */
void	   *bm_arena_alloc(bm_arena *a, size_t size);
/* A copy of s[0..len) with a NUL after it, or NULL. */
char	   *bm_arena_strdup(bm_arena *a, const char *s, size_t len);
/* Forgets every allocation; keeps the first chunk for the next use, frees the others. */
void		bm_arena_reset(bm_arena *a);
/* Frees everything. */
void		bm_arena_free(bm_arena *a);

#endif							/* BM_MAIL_ARENA_H */
