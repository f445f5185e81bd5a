/* buf.h — a growable string buffer with a sticky error.
 *
 * Appends never fail loudly: when memory runs out the buffer remembers it
 * (b->failed) and ignores further appends; the owner checks once at the
 * end. An empty buffer's string is "", never NULL.
 *
 *     struct buf b;
 *     buf_init(&b);
 *     buf_printf(&b, "%d raters", n);
 *     if (b.failed) ...;  puts(buf_str(&b));
 *     buf_reset(&b);
 */
#ifndef AZ_BUF_H
#define AZ_BUF_H

#include <stddef.h>

struct buf {
	char *data;    /* NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
	int failed;    /* sticky: an append ran out of memory */
};

void buf_init(struct buf *b);
/* Free the memory; the buffer is empty and usable again. */
void buf_reset(struct buf *b);
/* The contents, NUL-terminated; "" for an empty buffer. Owned by b. */
const char *buf_str(const struct buf *b);
void buf_append(struct buf *b, const char *s, size_t n);
/* Make room for n more bytes now, so that appends up to that size do not
 * reallocate (a page of known typical size). */
void buf_reserve(struct buf *b, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hand the contents to the caller (free() it) and empty the buffer.
 * Returns NULL when the buffer failed. */
char *buf_steal(struct buf *b);

#endif
