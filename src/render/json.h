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
 * numbers as the shortest text that reads back as the same double, '/'
 * escaped so that the text can sit inside a <script> element) plus a
 * newline to out. Returns AZ_OK, or AZ_ENOMEM with *e set. */
int render_json_analysis(const struct stats_analysis *an, struct buf *out, struct err *e);

/* Room for any text of render_json_double(), terminator included. */
#define JSON_DOUBLE_MAX 32

/* Write v into out (JSON_DOUBLE_MAX bytes) as the shortest decimal that
 * reads back (strtod) as exactly v, always with a '.' or an exponent so
 * that it stays a real: 4.0, 0.5, 3.6666666666666665, -8.881784197001252e-16
 * (where %.17g gives -8.8817841970012523e-16). Fixed
 * notation from 1e-4 to 1e15, printf's %g form (exponent without '+' or
 * leading zeros) outside; "null" for a non-finite v. Returns the length
 * (without the terminator, which is written). */
size_t render_json_double(char *out, double v);

/* Append s (UTF-8, NUL-terminated) to b as a JSON string in quotes: '"',
 * '\\' and '/' escaped with a backslash, control characters as \b \f
 * \n \r \t or \u00XX, everything else as it is (as jansson writes it
 * with JSON_ESCAPE_SLASH). */
void render_json_string(struct buf *b, const char *s);

/* Append the dimension figures of every profile as CSV to out: the header
 * leader,round,dimension,figure,group,n,mean,sd,rwg,gap,flag, then per
 * profile and dimension a "self" row (when the leader has a score), an
 * "others" row (when shown, with gap and flag) and a "group" row per shown
 * group, "overig" last. Text cells go through csv_cell (formula-safe),
 * numbers through csv_int/csv_double; an absent figure is an empty cell.
 * Check out->failed afterwards. */
void render_csv_analysis(const struct stats_analysis *an, struct buf *out);

#endif
