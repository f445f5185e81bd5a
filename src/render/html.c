/* html.c — the escaping printf, see html.h. */
#include "html.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* 1 for the bytes html_text escapes, and for the NUL that ends a string. */
static const unsigned char html_special[256] = {
	['\0'] = 1, ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

void html_text(struct buf *b, const char *s)
{
	if (s == NULL)
		return;
	for (;;) {
		/* Copy the run up to the next character that needs escaping. A
		 * table rather than strcspn(): most strings here are a few bytes
		 * long (ids, numbers, labels), where strcspn's set-up dominated
		 * the profile of a questionnaire page. */
		const char *run = s;
		const char *rep;

		while (!html_special[(unsigned char)*s])
			s++;
		buf_append(b, run, (size_t)(s - run));
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: return;   /* the end of the string */
		}
		buf_append(b, rep, strlen(rep));
		s++;
	}
}

/* Append a whole number without going through printf. */
static void put_num(struct buf *b, unsigned long long u, int negative)
{
	char tmp[24];
	int i = (int)sizeof tmp;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (negative)
		tmp[--i] = '-';
	buf_append(b, tmp + i, sizeof tmp - (size_t)i);
}

static void put_int(struct buf *b, long long v)
{
	put_num(b, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0);
}

void html_url(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	if (s == NULL)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			buf_putc(b, (char)c);
		} else {
			char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_append(b, esc, 3);
		}
	}
}

void html_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	const char *run = fmt;

	for (const char *p = fmt; (p = strchr(p, '%')) != NULL; p++) {
		buf_append(b, run, (size_t)(p - run));
		p++;
		if (*p == '%') {
			buf_putc(b, '%');
		} else if (*p == 'h' || *p == 'a') {
			html_text(b, va_arg(ap, const char *));
		} else if (*p == 'u') {
			html_url(b, va_arg(ap, const char *));
		} else if (*p == 'R') {
			const char *raw = va_arg(ap, const char *);
			buf_puts(b, raw ? raw : "");
		} else if (*p == 'd') {
			put_int(b, va_arg(ap, int));
		} else if (strncmp(p, "ld", 2) == 0) {
			put_int(b, va_arg(ap, long));
			p++;
		} else if (strncmp(p, "lld", 3) == 0) {
			put_int(b, va_arg(ap, long long));
			p += 2;
		} else if (strncmp(p, "zu", 2) == 0) {
			put_num(b, va_arg(ap, size_t), 0);
			p++;
		} else if (strncmp(p, ".1f", 3) == 0 || strncmp(p, ".2f", 3) == 0) {
			char f[5] = {'%', '.', p[1], 'f', 0};
			buf_printf(b, f, va_arg(ap, double));
			p += 2;
		} else {
			assert(!"html_printf: unknown conversion");
			buf_puts(b, "[bad format]");
			if (*p == '\0') {
				run = p;
				break;
			}
		}
		run = p + 1;
	}
	buf_puts(b, run);
}

void html_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	html_vprintf(b, fmt, ap);
	va_end(ap);
}
