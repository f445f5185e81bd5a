/* csv.c — see csv.h. */
#include "csv.h"

#include <math.h>
#include <string.h>

void csv_cell(struct buf *b, const char *s, int first)
{
	int quote;

	if (!first)
		buf_putc(b, ',');
	if (s == NULL)
		return;
	quote = strpbrk(s, ",;\"\r\n") != NULL || s[0] == ' ' ||
		(s[0] != '\0' && s[strlen(s) - 1] == ' ');
	if (quote)
		buf_putc(b, '"');
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	if (quote)
		buf_putc(b, '"');
}

void csv_int(struct buf *b, long long value, int first)
{
	if (!first)
		buf_putc(b, ',');
	if (value >= 0)
		buf_printf(b, "%lld", value);
}

void csv_double(struct buf *b, double value, int first)
{
	if (!first)
		buf_putc(b, ',');
	if (isfinite(value))
		buf_printf(b, "%.17g", value);
}

void csv_end(struct buf *b)
{
	buf_puts(b, "\r\n");
}
