/* arena.c — chunked bump allocator. Large requests get a chunk of their
 * own so that one big string does not waste a default-sized chunk. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 8192
#define ARENA_CHUNK_MAX (1u << 20)
#define ARENA_ALIGN 16

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;   /* usable bytes in data[] */
	size_t used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena *arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->failed = 0;
}

void arena_free(struct arena *a)
{
	arena_reset(a);
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need, size;

	/* Round up to the alignment; catch size_t overflow. */
	if (n > SIZE_MAX - ARENA_ALIGN)
		goto fail;
	need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	if (c == NULL || c->size - c->used < need) {
		/* Chunks double up to ARENA_CHUNK_MAX, so that an arena holding
		 * millions of small strings makes few allocations. */
		size = c == NULL ? ARENA_CHUNK : c->size * 2;
		if (size > ARENA_CHUNK_MAX)
			size = ARENA_CHUNK_MAX;
		if (size < ARENA_CHUNK)
			size = ARENA_CHUNK;
		size = need > size ? need : size;
		if (size > SIZE_MAX - sizeof *c)
			goto fail;
		c = malloc(sizeof *c + size);
		if (c == NULL)
			goto fail;
		c->size = size;
		c->used = 0;
		if (a->head != NULL && need > ARENA_CHUNK && need == size) {
			/* A big one-off: keep the current chunk in front. */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	c->used += need;
	return c->data + c->used - need;
fail:
	a->failed = 1;
	return NULL;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size) {
		a->failed = 1;
		return NULL;
	}
	p = arena_alloc(a, n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	if (n == SIZE_MAX) {
		a->failed = 1;
		return NULL;
	}
	p = arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;
	char *p;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = arena_alloc(a, (size_t)n + 1)) == NULL) {
		a->failed = 1;
		va_end(ap2);
		return NULL;
	}
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}
