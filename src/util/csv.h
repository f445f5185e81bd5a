/* csv.h — a strict reader for small CSV files that people make by hand or
 * with a spreadsheet (RFC 4180, plus what Dutch spreadsheets do: a byte
 * order mark, CRLF line ends, ';' as the separator).
 *
 * The whole file is in memory; csv_open() checks it once (size, NUL bytes,
 * UTF-8) and picks the separator from the header line. csv_next() hands out
 * one record at a time with fields copied into the caller's arena;
 * csv_next_spans() hands out the same fields as pointers and lengths into
 * the data, for files of a million rows where copying every field would
 * cost more than the rest of the work. Every error names the line (and
 * where useful the column) it was found on.
 */
#ifndef AZ_CSV_H
#define AZ_CSV_H

#include <stddef.h>

#include "arena.h"
#include "err.h"

#define CSV_MAX_BYTES   (4u << 20)   /* a rater list is never this big */
#define CSV_MAX_DATA_BYTES ((size_t)1 << 30)  /* answers collected elsewhere */
#define CSV_MAX_RECORD  4096         /* bytes in one record */
#define CSV_MAX_FIELDS  64

/* Why the reader refused the data, for fronts that say so in their own
 * language (the message in struct err is English). */
enum csv_problem {
	CSV_FINE,
	CSV_TOO_LARGE,        /* larger than the limit */
	CSV_NUL,              /* a NUL byte: a spreadsheet file rather than CSV */
	CSV_NOT_UTF8,
	CSV_QUOTE_OPEN,       /* a quoted field is never closed */
	CSV_QUOTE_INSIDE,     /* a quote inside an unquoted field */
	CSV_AFTER_QUOTE,      /* text after the closing quote */
	CSV_TOO_MANY_FIELDS,
	CSV_LINE_TOO_LONG
};

struct csv_reader {
	const char *p;     /* next unread byte */
	const char *end;
	size_t line;       /* physical line number of p, from 1 */
	char sep;          /* ',' or ';' */
	int why;           /* enum csv_problem of the last failure */
	size_t why_line;   /* its line (0: the file as a whole) */
	/* The text of the quoted fields of the last record from
	 * csv_next_spans() (quotes removed, "" made one): a field is at most
	 * CSV_MAX_RECORD bytes and so is the record before it. */
	char unquoted[2 * CSV_MAX_RECORD + 2];
};

/* One field from csv_next_spans(): n bytes at p, not NUL-terminated. */
struct csv_span {
	const char *p;
	size_t n;
};

/* Prepare to read data[0..n). Fails (AZ_EINVAL, message with the line)
 * when the data is too large, contains NUL bytes or is not UTF-8. */
int csv_open(struct csv_reader *r, const char *data, size_t n, struct err *e);
/* The same with another size limit, for data files (analyze). */
int csv_open_max(struct csv_reader *r, const char *data, size_t n, size_t max, struct err *e);

/* Read the next record. Returns 1 with *fields (arena-allocated, n of them)
 * and *line (where the record starts), 0 at the end, or -1 with *e set.
 * Blank lines are skipped. */
int csv_next(struct csv_reader *r, struct arena *a, char ***fields, size_t *n,
	     size_t *line, struct err *e);

/* Read the next record as csv_next() does (same records, same errors),
 * into fields[0..*n) (room for CSV_MAX_FIELDS): an unquoted field points
 * into the data given to csv_open(), a quoted one into r->unquoted, valid
 * until the next call. Nothing is allocated. */
int csv_next_spans(struct csv_reader *r, struct csv_span *fields, size_t *n, size_t *line,
		   struct err *e);

#endif
