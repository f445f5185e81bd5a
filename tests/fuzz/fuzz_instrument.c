/* fuzz_instrument.c — the instrument loader: never crashes; a refused file
 * has problems listed, an accepted one is consistent. */
#include <assert.h>
#include <string.h>

#include "../../src/instrument/instrument.h"
#include "../../src/util/err.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct instrument *ins = NULL;
	struct buf problems;
	int np = 0;

	buf_init(&problems);
	if (instrument_parse((const char *)data, n, "fuzz", &ins, &problems, &np) == AZ_OK) {
		assert(np == 0 && ins != NULL && instrument_self_group(ins) >= 0);
		for (int i = 0; i < ins->nitem; i++)
			assert(ins->items[i].dimension >= 0 && ins->items[i].dimension < ins->ndimension);
		instrument_free(ins);
	} else {
		assert(np > 0 && problems.len > 0 && ins == NULL);
	}
	buf_reset(&problems);
	return 0;
}
