/* arena.h — a bump allocator for memory that lives exactly as long as one
 * unit of work (a command, a request, a loaded instrument).
 *
 * Everything allocated from an arena is released at once by arena_reset()
 * or arena_free(); nothing is freed one by one. Allocation failure is
 * reported by a NULL return and also remembered (arena->failed), so a caller
 * that did many allocations can check once at the end.
 *
 *     struct arena *a = arena_new();
 *     char *s = arena_strdup(a, "text");
 *     arena_free(a);                       // s is gone too
 */
#ifndef AZ_ARENA_H
#define AZ_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;  /* newest chunk first */
	int failed;                /* sticky: an allocation returned NULL */
};

/* Allocate a new, empty arena; NULL when out of memory. */
struct arena *arena_new(void);
/* Release the arena and all memory allocated from it. NULL is fine. */
void arena_free(struct arena *a);
/* Release all allocations but keep the arena usable. */
void arena_reset(struct arena *a);

/* n bytes aligned for any type, uninitialised; NULL on failure or overflow. */
void *arena_alloc(struct arena *a, size_t n);
/* n zeroed elements of size each; NULL on failure or overflow. */
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Copies of strings; arena_strdup(a, NULL) returns NULL without failing. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* A printf-formatted string in the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
