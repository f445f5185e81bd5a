/* fuzz_html.c — the escaping of html_printf: escaped text never holds
 * < > " ' or a bare &, and a URL component only unreserved characters and
 * %XX. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/render/html.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	char *s = malloc(n + 1);
	struct buf b;

	memcpy(s, data, n);
	s[n] = '\0';
	buf_init(&b);
	html_printf(&b, "%h", s);
	assert(strpbrk(buf_str(&b), "<>\"'") == NULL);
	for (const char *p = buf_str(&b); (p = strchr(p, '&')) != NULL; p++)
		assert(!strncmp(p, "&amp;", 5) || !strncmp(p, "&lt;", 4) || !strncmp(p, "&gt;", 4) ||
		       !strncmp(p, "&quot;", 6) || !strncmp(p, "&#39;", 5));
	buf_reset(&b);
	html_printf(&b, "%u", s);
	for (const char *p = buf_str(&b); *p; p++)
		assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%", *p));
	buf_reset(&b);
	free(s);
	return 0;
}
