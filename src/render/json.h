/* json.h — an analysis (profile/stats.h) as data: JSON, the stable
 * interface of `aanwezig analyze` (keys in docs/statistics.md), and its
 * flat CSV twin, one row per figure. Both write exactly the figures the
 * analysis marks as shown: a suppressed figure is absent, never a blank
 * that would tell it was there.
 *
 * The CSV form lives here rather than in csv.c because both forms make the
 * same choice of figures and must not drift apart; csv.c holds the
 * spreadsheet-safe cell writers they use.
 */
#ifndef AZ_RENDER_JSON_H
#define AZ_RENDER_JSON_H

#include "../profile/stats.h"
#include "../util/buf.h"
#include "../util/err.h"

/* Append the analysis as one JSON document (UTF-8, two-space indent,
 * numbers at 17 significant digits, '/' escaped so that the text can sit
 * inside a <script> element) plus a newline to out. Returns AZ_OK, or
 * AZ_ENOMEM with *e set. */
int render_json_analysis(const struct stats_analysis *an, struct buf *out, struct err *e);

/* Append the dimension figures of every profile as CSV to out: the header
 * leader,round,dimension,figure,group,n,mean,sd,rwg,gap,flag, then per
 * profile and dimension a "self" row (when the leader has a score), an
 * "others" row (when shown, with gap and flag) and a "group" row per shown
 * group, "overig" last. Text cells go through csv_cell (formula-safe),
 * numbers through csv_int/csv_double; an absent figure is an empty cell.
 * Check out->failed afterwards. */
void render_csv_analysis(const struct stats_analysis *an, struct buf *out);

#endif
