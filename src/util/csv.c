/* csv.c — see csv.h. */
#include "csv.h"

#include <string.h>

#include "text.h"

/* 1 when the byte at p (before end) ends a line: LF, or a CR not followed
 * by LF (a file saved as "CSV (Macintosh)"). The CR of a CRLF does not, so
 * that every kind of line end counts once. */
static int line_end(const char *p, const char *end)
{
	return *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] != '\n'));
}

/* The line on which offset off of data[0..n) lies, counting from 1. */
static size_t line_of(const char *data, size_t n, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off; i++)
		if (line_end(data + i, data + n))
			line++;
	return line;
}

int csv_open(struct csv_reader *r, const char *data, size_t n, struct err *e)
{
	return csv_open_max(r, data, n, CSV_MAX_BYTES, e);
}

/* Note why the reader failed; returns 0 so that it can precede err_set(). */
static int why(struct csv_reader *r, int problem, size_t line)
{
	r->why = problem;
	r->why_line = line;
	return 0;
}

int csv_open_max(struct csv_reader *r, const char *data, size_t n, size_t max, struct err *e)
{
	const char *nul;

	memset(r, 0, sizeof *r);
	if (n > max)
		return why(r, CSV_TOO_LARGE, 0), err_set(e, AZ_EINVAL, "the file is larger than %zu MiB", max >> 20);
	if ((nul = memchr(data, '\0', n)) != NULL)
		return why(r, CSV_NUL, line_of(data, n, (size_t)(nul - data))), err_set(e, AZ_EINVAL,
			       "line %zu: contains a NUL byte; is this a spreadsheet file rather than CSV?",
			       line_of(data, n, (size_t)(nul - data)));
	if (!utf8_valid(data, n)) {
		/* Find the first bad line for the message. */
		size_t start = 0, line = 1;
		for (size_t i = 0; i <= n; i++) {
			if (i == n || line_end(data + i, data + n)) {
				if (!utf8_valid(data + start, i - start))
					break;
				start = i + 1;
				line++;
			}
		}
		return why(r, CSV_NOT_UTF8, line), err_set(e, AZ_EINVAL,
			       "line %zu: the text is not UTF-8; save the file as \"CSV UTF-8\"", line);
	}
	if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		n -= 3;
	}
	r->p = data;
	r->end = data + n;
	r->line = 1;
	/* The separator: ';' when the first line has one outside quotes and
	 * no comma, as spreadsheets in Dutch locales write it. The first line
	 * ends at a LF or CR outside quotes. */
	r->sep = ',';
	{
		int inq = 0, semi = 0, comma = 0;
		for (const char *q = data; q < r->end && (inq || (*q != '\n' && *q != '\r')); q++) {
			if (*q == '"')
				inq = !inq;
			else if (!inq && *q == ';')
				semi = 1;
			else if (!inq && *q == ',')
				comma = 1;
		}
		if (semi && !comma)
			r->sep = ';';
	}
	return AZ_OK;
}

int csv_next_spans(struct csv_reader *r, struct csv_span *fields, size_t *n, size_t *line,
		   struct err *e)
{
	size_t nf = 0, reclen = 0, used = 0;   /* used: bytes of r->unquoted taken */
	const char *p = r->p, *end = r->end;
	const char sep = r->sep;

	/* Skip blank lines. */
	while (p < end && (*p == '\n' || *p == '\r')) {
		if (line_end(p, end))
			r->line++;
		p++;
	}
	if (p >= end) {
		r->p = p;
		return 0;
	}
	*line = r->line;
	for (;;) {
		const char *fstart = p;
		struct csv_span f;

		if (p < end && *p == '"') {
			char *fb = r->unquoted + used;
			size_t flen = 0;
			p++;
			for (;;) {
				if (p >= end)
					return why(r, CSV_QUOTE_OPEN, *line), err_set(e, AZ_EINVAL,
						       "line %zu: a quoted field is never closed", *line), -1;
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						if (flen >= CSV_MAX_RECORD)
							goto toolong;
						fb[flen++] = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (line_end(p, end))
					r->line++;
				if (flen >= CSV_MAX_RECORD)
					goto toolong;
				fb[flen++] = *p++;
			}
			fb[flen] = '\0';
			f = (struct csv_span){fb, flen};
			used += flen + 1;
		} else {
			/* The common case: the field is its bytes in the data. */
			while (p < end && *p != sep && *p != '\n' && *p != '\r') {
				if (*p == '"')
					return why(r, CSV_QUOTE_INSIDE, r->line), err_set(e, AZ_EINVAL,
						       "line %zu, field %zu: a quote inside an unquoted field; "
						       "put the field in double quotes and double the quote",
						       r->line, nf + 1), -1;
				if ((size_t)(p - fstart) >= CSV_MAX_RECORD)
					goto toolong;
				p++;
			}
			f = (struct csv_span){fstart, (size_t)(p - fstart)};
		}
		/* The record's bytes so far, separators included, line end not. */
		reclen += (size_t)(p - fstart);
		if (reclen > CSV_MAX_RECORD)
			goto toolong;
		if (nf == CSV_MAX_FIELDS)
			return why(r, CSV_TOO_MANY_FIELDS, *line), err_set(e, AZ_EINVAL, "line %zu: more than %d fields",
				       *line, CSV_MAX_FIELDS), -1;
		fields[nf++] = f;
		if (p < end && *p == sep) {
			p++;
			reclen++;
			continue;
		}
		if (p < end && *p == '\r') {
			p++;
			if (p < end && *p == '\n')
				p++;
			r->line++;
		} else if (p < end && *p == '\n') {
			p++;
			r->line++;
		} else if (p < end) {
			return why(r, CSV_AFTER_QUOTE, r->line), err_set(e, AZ_EINVAL,
				       "line %zu, field %zu: text after the closing quote",
				       r->line, nf), -1;
		}
		break;
	}
	r->p = p;
	*n = nf;
	return 1;
toolong:
	return why(r, CSV_LINE_TOO_LONG, *line), err_set(e, AZ_EINVAL, "line %zu: the line is longer than %d characters",
		       *line, CSV_MAX_RECORD), -1;
}

int csv_next(struct csv_reader *r, struct arena *a, char ***fields, size_t *n,
	     size_t *line, struct err *e)
{
	struct csv_span f[CSV_MAX_FIELDS];
	size_t nf;
	int more = csv_next_spans(r, f, &nf, line, e);

	if (more <= 0)
		return more;
	*fields = arena_calloc(a, nf, sizeof **fields);
	if (*fields == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory"), -1;
	for (size_t i = 0; i < nf; i++)
		if (((*fields)[i] = arena_strndup(a, f[i].p, f[i].n)) == NULL)
			return err_set(e, AZ_ENOMEM, "out of memory"), -1;
	*n = nf;
	return 1;
}
