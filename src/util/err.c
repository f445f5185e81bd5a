/* err.c — filling struct err. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return code;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char out[sizeof e->msg];
	size_t k, n;
	va_list ap;
	int w;

	if (e == NULL)
		return AZ_OK;
	va_start(ap, fmt);
	w = vsnprintf(out, sizeof out - 2, fmt, ap);
	va_end(ap);
	k = w < 0 ? 0 : ((size_t)w > sizeof out - 3 ? sizeof out - 3 : (size_t)w);
	out[k++] = ':';
	out[k++] = ' ';
	n = strnlen(e->msg, sizeof e->msg - 1);
	if (n > sizeof out - 1 - k)
		n = sizeof out - 1 - k;
	memcpy(out + k, e->msg, n);
	out[k + n] = '\0';
	memcpy(e->msg, out, sizeof out);
	return e->code;
}
