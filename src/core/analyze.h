/* analyze.h — presence profiles for answers collected elsewhere (a
 * LimeSurvey or spreadsheet export, or our own `round export`).
 *
 * Two CSV files come in: the data, long CSV with the header
 * leader,round,rater,group,item,score (one answer per row; score 1..5 or
 * empty for "kan ik niet beoordelen"; group "self" for the leader), and the
 * item map, item,dimension[,arena]. Out comes a struct stats_analysis that
 * the renderers (render/json.h) write. Nothing is read or written here
 * beyond the memory handed in; definitions are in docs/statistics.md.
 */
#ifndef AZ_ANALYZE_H
#define AZ_ANALYZE_H

#include <stddef.h>

#include "../profile/stats.h"
#include "../util/arena.h"
#include "../util/err.h"

#define ANALYZE_NOPTION 5            /* answer options of every item in outside data */
#define ANALYZE_MAX_PROBLEMS 20      /* problems listed in one message */
#define ANALYZE_MAX_THRESHOLD 100
#define ANALYZE_MAX_CELLS (64u << 20) /* raters x items held in memory */

/* Parse the item map map[0..nmap) and the answers data[0..ndata) (both
 * UTF-8 CSV, ',' or ';'; origins name the files in messages), compute a
 * profile per leader-round with the settings cfg (threshold 3..100,
 * blind_spot > 0 and at most 4), the trend from each leader's previous
 * round, and the reliability over every profiled leader-round, into *out
 * (everything allocated in a).
 *
 * Any problem with a row — a wrong number of fields, an empty key field,
 * an item not in the map, a score that is not 1..5 or empty, a duplicate
 * (leader,round,rater,item), a rater in two groups, two self responses in
 * one leader-round — refuses the whole file (AZ_EINVAL) with a message
 * listing the first problems by line. A leader-round without a self
 * response is left out and listed in out->skipped; when that leaves
 * nothing, AZ_EINVAL. Leader-rounds come out by leader in order of first
 * appearance, then by round (whole numbers numerically, before other
 * names in byte order). */
int core_analyze(struct arena *a, const char *map, size_t nmap, const char *map_origin,
		 const char *data, size_t ndata, const char *data_origin,
		 const struct stats_config *cfg, struct stats_analysis *out, struct err *e);

#endif
