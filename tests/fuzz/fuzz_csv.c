/* fuzz_csv.c — the CSV reader (util/csv.c): never crashes, every error
 * names a line that exists, and every field is UTF-8. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/util/csv.h"
#include "../../src/util/text.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct arena *a = arena_new();
	struct csv_reader r;
	struct err e = {0};
	char **f;
	size_t nf, line, lines = 1;

	for (size_t i = 0; i < n; i++)
		lines += data[i] == '\n' || data[i] == '\r';
	if (csv_open(&r, (const char *)data, n, &e) == AZ_OK) {
		int more;
		while ((more = csv_next(&r, a, &f, &nf, &line, &e)) > 0) {
			assert(line >= 1 && line <= lines);
			for (size_t k = 0; k < nf; k++)
				assert(utf8_valid(f[k], strlen(f[k])));
		}
		assert(more == 0 || strncmp(e.msg, "line ", 5) == 0);
	}
	arena_free(a);
	return 0;
}
