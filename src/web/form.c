/* form.c — application/x-www-form-urlencoded, strictly. */
#include "http.h"

#include <string.h>

#include "../util/text.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..n) into a new arena string; NULL when a %-escape is broken,
 * the result holds a NUL, or it is not UTF-8. */
static char *decode(struct arena *a, const char *s, size_t n, const char **why)
{
	char *out = arena_alloc(a, n + 1);
	size_t k = 0;

	if (out == NULL)
		return *why = "out of memory", NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[k++] = ' ';
		} else if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0)
				return *why = "a broken %-escape", NULL;
			out[k] = (char)(hi * 16 + lo);
			if (out[k] == '\0')
				return *why = "a NUL character", NULL;
			k++;
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	if (!utf8_valid(out, k))
		return *why = "text that is not UTF-8", NULL;
	return out;
}

int form_parse(struct arena *a, const char *text, size_t n, size_t max, struct http_param **out,
	       size_t *nout, const char **why)
{
	struct http_param *p;
	size_t count = 0, k = 0, i = 0;

	*out = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	for (size_t j = 0; j < n; j++)
		count += text[j] == '&';
	if (++count > max)
		return *why = "too many fields", -1;
	if ((p = arena_calloc(a, count, sizeof *p)) == NULL)
		return *why = "out of memory", -1;
	while (i <= n) {
		const char *seg = text + i, *amp = memchr(seg, '&', n - i), *eq;
		size_t len = amp ? (size_t)(amp - seg) : n - i;

		if (len > 0) {
			eq = memchr(seg, '=', len);
			p[k].name = decode(a, seg, eq ? (size_t)(eq - seg) : len, why);
			p[k].value = eq ? decode(a, eq + 1, len - (size_t)(eq - seg) - 1, why) : "";
			if (p[k].name == NULL || p[k].value == NULL)
				return -1;
			k++;
		}
		i += len + 1;
	}
	*out = p;
	*nout = k;
	return 0;
}
