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

int csv_open_max(struct csv_reader *r, const char *data, size_t n, size_t max, struct err *e)
{
	const char *nul;

	memset(r, 0, sizeof *r);
	if (n > max)
		return err_set(e, AZ_EINVAL, "the file is larger than %zu MiB", max >> 20);
	if ((nul = memchr(data, '\0', n)) != NULL)
		return err_set(e, AZ_EINVAL,
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
		return err_set(e, AZ_EINVAL,
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

/* Append one byte to the field being built in fb; fails past the limit. */
static int field_put(char *fb, size_t *len, char c)
{
	if (*len >= CSV_MAX_RECORD)
		return -1;
	fb[(*len)++] = c;
	return 0;
}

int csv_next(struct csv_reader *r, struct arena *a, char ***fields, size_t *n,
	     size_t *line, struct err *e)
{
	char fb[CSV_MAX_RECORD + 1];
	char *tmp[CSV_MAX_FIELDS];
	size_t nf = 0, flen = 0, reclen = 0;
	const char *p = r->p;

	/* Skip blank lines. */
	while (p < r->end && (*p == '\n' || *p == '\r')) {
		if (line_end(p, r->end))
			r->line++;
		p++;
	}
	if (p >= r->end) {
		r->p = p;
		return 0;
	}
	*line = r->line;
	for (;;) {
		const char *fstart = p;

		flen = 0;
		if (p < r->end && *p == '"') {
			p++;
			for (;;) {
				if (p >= r->end)
					return err_set(e, AZ_EINVAL,
						       "line %zu: a quoted field is never closed", *line), -1;
				if (*p == '"') {
					if (p + 1 < r->end && p[1] == '"') {
						if (field_put(fb, &flen, '"'))
							goto toolong;
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (line_end(p, r->end))
					r->line++;
				if (field_put(fb, &flen, *p++))
					goto toolong;
			}
		} else {
			while (p < r->end && *p != r->sep && *p != '\n' && *p != '\r') {
				if (*p == '"')
					return err_set(e, AZ_EINVAL,
						       "line %zu, field %zu: a quote inside an unquoted field; "
						       "put the field in double quotes and double the quote",
						       r->line, nf + 1), -1;
				if (field_put(fb, &flen, *p++))
					goto toolong;
			}
		}
		/* The record's bytes so far, separators included, line end not. */
		reclen += (size_t)(p - fstart);
		if (reclen > CSV_MAX_RECORD)
			goto toolong;
		if (nf == CSV_MAX_FIELDS)
			return err_set(e, AZ_EINVAL, "line %zu: more than %d fields",
				       *line, CSV_MAX_FIELDS), -1;
		fb[flen] = '\0';
		tmp[nf] = arena_strndup(a, fb, flen);
		if (tmp[nf] == NULL)
			return err_set(e, AZ_ENOMEM, "out of memory"), -1;
		nf++;
		if (p < r->end && *p == r->sep) {
			p++;
			reclen++;
			continue;
		}
		if (p < r->end && *p == '\r') {
			p++;
			if (p < r->end && *p == '\n')
				p++;
			r->line++;
		} else if (p < r->end && *p == '\n') {
			p++;
			r->line++;
		} else if (p < r->end) {
			return err_set(e, AZ_EINVAL,
				       "line %zu, field %zu: text after the closing quote",
				       r->line, nf), -1;
		}
		break;
	}
	r->p = p;
	*fields = arena_calloc(a, nf, sizeof **fields);
	if (*fields == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory"), -1;
	memcpy(*fields, tmp, nf * sizeof *tmp);
	*n = nf;
	return 1;
toolong:
	return err_set(e, AZ_EINVAL, "line %zu: the line is longer than %d characters",
		       *line, CSV_MAX_RECORD), -1;
}
