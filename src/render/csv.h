/* csv.h — writing CSV that is safe to open in a spreadsheet.
 *
 * Cells are quoted when they hold a separator, quote or line break. A cell
 * that starts with = + - @ (or a tab or carriage return) would be run as a
 * formula by spreadsheet programs; it gets a leading apostrophe, which
 * they show as text. Numbers are written with csv_int or csv_double and
 * never altered.
 */
#ifndef AZ_RENDER_CSV_H
#define AZ_RENDER_CSV_H

#include "../util/buf.h"

/* Append one text cell (after a comma unless first is set). */
void csv_cell(struct buf *b, const char *s, int first);
/* Append one integer cell; value < 0 writes an empty cell. */
void csv_int(struct buf *b, long long value, int first);
/* Append one number cell at full double precision ("%.17g", so that
 * reading it back gives the same double); NaN or an infinity writes an
 * empty cell. Numbers, negative ones too, are never altered. */
void csv_double(struct buf *b, double value, int first);
/* End the row (CRLF, as RFC 4180 and spreadsheets expect). */
void csv_end(struct buf *b);

#endif
