/* fuzz_form.c — the form-body parser (web/form.c): never crashes, and
 * what it accepts is UTF-8 without NUL. */
#include <assert.h>
#include <string.h>

#include "../../src/util/text.h"
#include "../../src/web/http.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct arena *a = arena_new();
	struct http_param *p;
	size_t np;
	const char *why = NULL;

	if (form_parse(a, (const char *)data, n, 200, &p, &np, &why) == 0) {
		for (size_t i = 0; i < np; i++) {
			assert(utf8_valid(p[i].name, strlen(p[i].name)));
			assert(utf8_valid(p[i].value, strlen(p[i].value)));
		}
	} else {
		assert(why != NULL);
	}
	arena_free(a);
	return 0;
}
