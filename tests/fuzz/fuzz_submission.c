/* fuzz_submission.c — the answers JSON of `response submit` and of stored
 * drafts: never crashes; what it accepts has scores in range. */
#include <assert.h>
#include <string.h>

#include "../../src/core/core.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct arena *a = arena_new();
	struct submission s;
	struct err e = {0};
	int page;

	if (core_draft_parse(a, (const char *)data, n, &s, &page, &e) == AZ_OK)
		for (size_t i = 0; i < s.nanswer; i++)
			assert(s.answers[i].score >= 0 && s.answers[i].score <= INSTR_MAX_POINTS);
	else
		assert(e.msg[0] != '\0');
	arena_free(a);
	return 0;
}
