/* test_csv.c — the strict CSV reader (src/util/csv.c).
 *
 * Most tests read a whole file with read_csv(), which writes every record
 * as "LINE:field|field|...\n" so that one string comparison checks the
 * fields, the separator chosen and the line each record starts on.
 */
#include "testutil.h"

#include "../../src/util/buf.h"
#include "../../src/util/csv.h"

/* A string literal and its length without the final NUL, so that literals
 * with NUL bytes in them keep their length. */
#define S(lit) (lit), (sizeof(lit) - 1)

/* Read data[0..n) to the end. Returns 0 with every record dumped into
 * *out (malloc'd, free it), or -1 with the reader's error in *e and
 * *out NULL. */
static int read_csv(const char *data, size_t n, char **out, struct err *e)
{
	struct csv_reader r;
	struct arena *a = arena_new();
	struct buf b;
	char **f;
	size_t nf, line;
	int rc;

	assert_non_null(a);
	buf_init(&b);
	*out = NULL;
	memset(e, 0, sizeof *e);
	rc = csv_open(&r, data, n, e);
	if (rc != AZ_OK) {
		assert_int_equal(rc, AZ_EINVAL);
		rc = -1;
		goto out;
	}
	while ((rc = csv_next(&r, a, &f, &nf, &line, e)) > 0) {
		buf_printf(&b, "%zu:", line);
		for (size_t i = 0; i < nf; i++)
			buf_printf(&b, "%s%s", i > 0 ? "|" : "", f[i]);
		buf_putc(&b, '\n');
	}
	if (rc == 0) {
		/* The end stays the end. */
		assert_int_equal(csv_next(&r, a, &f, &nf, &line, e), 0);
		assert_false(b.failed);
		*out = strdup(buf_str(&b));
		assert_non_null(*out);
	}
out:
	buf_reset(&b);
	arena_free(a);
	return rc;
}

/* Assert that data reads as exactly the dump want. */
static void expect_records(const char *data, size_t n, const char *want)
{
	struct err e;
	char *got;

	if (read_csv(data, n, &got, &e) != 0)
		fail_msg("unexpected error: %s", e.msg);
	assert_string_equal(got, want);
	free(got);
}

/* Assert that reading data fails with a message containing each of the
 * (one or two) fragments; pass NULL for an unused second one. */
static void expect_error(const char *data, size_t n, const char *frag1, const char *frag2)
{
	struct err e;
	char *got;

	if (read_csv(data, n, &got, &e) == 0) {
		print_error("read instead:\n%s", got);
		free(got);
		fail_msg("expected an error containing \"%s\"", frag1);
	}
	assert_int_equal(e.code, AZ_EINVAL);
	assert_contains(e.msg, frag1);
	if (frag2 != NULL)
		assert_contains(e.msg, frag2);
}

/* ---- Reading well-formed files ---------------------------------------- */

static void comma_file_reads_as_records_of_fields(void **state)
{
	(void)state;
	expect_records(S("naam,email,groep\nJan,jan@x.nl,mt\nPiet,piet@x.nl,raad\n"),
		       "1:naam|email|groep\n2:Jan|jan@x.nl|mt\n3:Piet|piet@x.nl|raad\n");
}

static void last_line_needs_no_line_end(void **state)
{
	(void)state;
	expect_records(S("a,b\nc,d"), "1:a|b\n2:c|d\n");
}

static void empty_fields_are_kept(void **state)
{
	(void)state;
	expect_records(S("a,,c\n,b\nd,\n"), "1:a||c\n2:|b\n3:d|\n");
}

static void byte_order_mark_is_not_part_of_the_first_field(void **state)
{
	(void)state;
	expect_records(S("\xEF\xBB\xBFnaam,email\nJan,jan@x.nl\n"), "1:naam|email\n2:Jan|jan@x.nl\n");
}

static void crlf_line_ends_are_not_part_of_fields(void **state)
{
	(void)state;
	expect_records(S("a,b\r\nc,d\r\n"), "1:a|b\n2:c|d\n");
}

static void lone_cr_line_ends_separate_records(void **state)
{
	(void)state;
	expect_records(S("a,b\rc,d\re,f"), "1:a|b\n2:c|d\n3:e|f\n");
}

static void mixed_line_ends_each_count_as_one_line(void **state)
{
	(void)state;
	expect_records(S("a\r\nb\nc\rd\n"), "1:a\n2:b\n3:c\n4:d\n");
}

static void blank_lines_are_skipped_but_counted(void **state)
{
	(void)state;
	expect_records(S("a,b\n\n\nc,d\n\n"), "1:a|b\n4:c|d\n");
	expect_records(S("a,b\r\n\r\nc,d\r\n"), "1:a|b\n3:c|d\n");
}

/* Regression 2 (2026-11-29, found by this test): blank lines ended by a
 * lone CR were skipped without counting, so later line numbers were low. */
static void blank_lone_cr_lines_are_counted_too(void **state)
{
	(void)state;
	expect_records(S("a,b\r\rc,d\r"), "1:a|b\n3:c|d\n");
}

static void empty_file_has_no_records(void **state)
{
	(void)state;
	expect_records(S(""), "");
	expect_records(S("\xEF\xBB\xBF"), "");
	expect_records(S("\n\r\n\r"), "");
}

static void utf8_text_is_read_unchanged(void **state)
{
	(void)state;
	expect_records(S("naam\nRen\xC3\xA9\xC3\xA9 \xE2\x82\xAC\n"), "1:naam\n2:Ren\xC3\xA9\xC3\xA9 \xE2\x82\xAC\n");
}

static void spaces_around_fields_are_kept(void **state)
{
	(void)state;
	expect_records(S(" a , b \n"), "1: a | b \n");
}

/* ---- The separator ------------------------------------------------------ */

static void semicolon_header_selects_semicolon_separator(void **state)
{
	(void)state;
	expect_records(S("naam;email\nJan;jan@x.nl\n"), "1:naam|email\n2:Jan|jan@x.nl\n");
}

static void comma_in_a_semicolon_file_is_an_ordinary_character(void **state)
{
	(void)state;
	expect_records(S("naam;email\nJansen, P.;p@x.nl\n"), "1:naam|email\n2:Jansen, P.|p@x.nl\n");
}

static void header_with_both_comma_and_semicolon_keeps_comma(void **state)
{
	(void)state;
	expect_records(S("naam;voornaam,email\na;b,c\n"), "1:naam;voornaam|email\n2:a;b|c\n");
}

static void separator_inside_quotes_in_the_header_does_not_count(void **state)
{
	(void)state;
	/* A quoted comma does not stop ';' from being chosen ... */
	expect_records(S("\"naam, voluit\";email\nJan;j@x.nl\n"), "1:naam, voluit|email\n2:Jan|j@x.nl\n");
	/* ... and a quoted ';' does not select it. */
	expect_records(S("\"a;b\",c\nd,e\n"), "1:a;b|c\n2:d|e\n");
}

static void separator_is_chosen_after_the_byte_order_mark(void **state)
{
	(void)state;
	expect_records(S("\xEF\xBB\xBFnaam;email\nJan;j@x.nl\n"), "1:naam|email\n2:Jan|j@x.nl\n");
}

static void separator_is_chosen_from_a_header_with_a_quoted_newline(void **state)
{
	(void)state;
	expect_records(S("\"na\nam\";email\nJan;j@x.nl\n"), "1:na\nam|email\n3:Jan|j@x.nl\n");
}

/* Regression 1 (2026-11-29, found by this test): a file saved with lone
 * CR line ends ("CSV (Macintosh)") has its header end at the first CR; the
 * separator scan read on to the end of the file, so a comma in a later
 * record made a ';' file read as ','. */
static void separator_detection_stops_at_a_lone_cr(void **state)
{
	(void)state;
	expect_records(S("naam;email\rJansen, P.;p@x.nl\r"), "1:naam|email\n2:Jansen, P.|p@x.nl\n");
}

/* ---- Quoted fields ---------------------------------------------------- */

static void quoted_field_may_hold_the_separator(void **state)
{
	(void)state;
	expect_records(S("\"Jansen, P.\",p@x.nl\n"), "1:Jansen, P.|p@x.nl\n");
	expect_records(S("a;b\n\"x;y\";z\n"), "1:a|b\n2:x;y|z\n");
}

static void doubled_quote_in_quoted_field_is_one_quote(void **state)
{
	(void)state;
	expect_records(S("\"zei \"\"ja\"\"\",b\n\"\"\"\"\n"), "1:zei \"ja\"|b\n2:\"\n");
}

static void quoted_field_may_be_empty(void **state)
{
	(void)state;
	expect_records(S("\"\",b,\"\"\n"), "1:|b|\n");
}

static void quoted_field_may_hold_a_newline(void **state)
{
	(void)state;
	/* The record after it starts on the right physical line. */
	expect_records(S("a,\"regel 1\nregel 2\"\nb,c\n"), "1:a|regel 1\nregel 2\n3:b|c\n");
	expect_records(S("a,\"regel 1\rregel 2\"\rb,c\r"), "1:a|regel 1\rregel 2\n3:b|c\n");
}

static void quoted_field_keeps_its_crlf(void **state)
{
	(void)state;
	expect_records(S("\"x\r\ny\",z\r\nb,c\r\n"), "1:x\r\ny|z\n3:b|c\n");
}

static void quoted_last_field_may_end_the_file(void **state)
{
	(void)state;
	expect_records(S("a,\"b\""), "1:a|b\n");
}

/* ---- Errors in records ----------------------------------------------- */

static void unterminated_quote_names_the_line_where_the_record_starts(void **state)
{
	(void)state;
	expect_error(S("a,b\nc,\"open\nmore\n"), "line 2:", "never closed");
	expect_error(S("\"a\"\"\n"), "line 1:", "never closed");
}

static void quote_inside_an_unquoted_field_names_line_and_field(void **state)
{
	(void)state;
	expect_error(S("a,b\nc,d\"e\n"), "line 2, field 2:", "quote inside an unquoted field");
}

static void quote_inside_an_unquoted_field_after_a_multiline_record_names_its_own_line(void **state)
{
	(void)state;
	expect_error(S("\"a\nb\",c\nd\"e\n"), "line 3, field 1:", "quote inside an unquoted field");
}

static void text_after_a_closing_quote_is_an_error(void **state)
{
	(void)state;
	expect_error(S("a,b\n\"c\"x,d\n"), "line 2, field 1:", "text after the closing quote");
	expect_error(S("a,b\nc,\"d\" \n"), "line 2, field 2:", "text after the closing quote");
}

/* Regression 2, as seen in an error message. */
static void error_lines_count_lone_cr_blank_lines(void **state)
{
	(void)state;
	expect_error(S("a\r\rb\"c\r"), "line 3,", "quote inside");
}

/* A record of exactly CSV_MAX_RECORD bytes (not counting its line end)
 * is fine; one byte more is not.
 * Regression 4 (2026-11-29, found by this test): the length counted one
 * byte per field for its separator, the last field included, so a line of
 * exactly CSV_MAX_RECORD bytes was called longer than that. */
static void line_of_exactly_the_maximum_length_is_accepted(void **state)
{
	char *data = malloc(CSV_MAX_RECORD + 8), *want = malloc(CSV_MAX_RECORD + 16);
	struct err e;
	char *got;

	(void)state;
	/* One field. */
	memset(data, 'x', CSV_MAX_RECORD);
	memcpy(data + CSV_MAX_RECORD, "\n", 2);
	snprintf(want, CSV_MAX_RECORD + 16, "1:%s", data);
	if (read_csv(data, strlen(data), &got, &e) != 0)
		fail_msg("unexpected error: %s", e.msg);
	assert_string_equal(got, want);
	free(got);
	/* Two fields: the separator counts. */
	data[10] = ',';
	if (read_csv(data, strlen(data), &got, &e) != 0)
		fail_msg("unexpected error: %s", e.msg);
	free(got);
	free(data);
	free(want);
}

static void line_longer_than_the_maximum_is_an_error(void **state)
{
	char *data = malloc(CSV_MAX_RECORD + 16);
	char frag[64];

	(void)state;
	snprintf(frag, sizeof frag, "longer than %d characters", CSV_MAX_RECORD);
	/* One unquoted field, on line 2. */
	memcpy(data, "a\n", 2);
	memset(data + 2, 'x', CSV_MAX_RECORD + 1);
	memcpy(data + 2 + CSV_MAX_RECORD + 1, "\n", 2);
	expect_error(data, strlen(data), "line 2:", frag);
	/* Several fields, none too long by itself. */
	for (size_t i = 2 + 500; i < 2 + CSV_MAX_RECORD + 1; i += 500)
		data[i] = ',';
	expect_error(data, strlen(data), "line 2:", frag);
	/* One quoted field. */
	memset(data + 2, 'x', CSV_MAX_RECORD + 1);
	data[2] = '"';
	memcpy(data + 2 + CSV_MAX_RECORD + 1, "\"\n", 3);
	expect_error(data, strlen(data), "line 2:", frag);
	free(data);
}

static void maximum_number_of_fields_is_accepted(void **state)
{
	char data[4 * CSV_MAX_FIELDS];
	size_t n = 0;
	struct csv_reader r;
	struct arena *a = arena_new();
	struct err e;
	char **f;
	size_t nf, line;

	(void)state;
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		n += (size_t)snprintf(data + n, sizeof data - n, "%s%c", i ? "," : "", 'a' + i % 26);
	assert_int_equal(csv_open(&r, data, n, &e), AZ_OK);
	assert_int_equal(csv_next(&r, a, &f, &nf, &line, &e), 1);
	assert_int_equal(nf, CSV_MAX_FIELDS);
	assert_string_equal(f[CSV_MAX_FIELDS - 1], "l");
	arena_free(a);
}

static void more_than_the_maximum_number_of_fields_is_an_error(void **state)
{
	char data[4 * CSV_MAX_FIELDS + 16];
	char frag[64];
	size_t n;

	(void)state;
	n = (size_t)snprintf(data, sizeof data, "kop\n");
	for (int i = 0; i <= CSV_MAX_FIELDS; i++)
		n += (size_t)snprintf(data + n, sizeof data - n, "%sx", i ? "," : "");
	snprintf(frag, sizeof frag, "more than %d fields", CSV_MAX_FIELDS);
	expect_error(data, n, "line 2:", frag);
}

/* ---- Errors in the whole file ---------------------------------------- */

static void nul_byte_is_an_error_naming_its_line(void **state)
{
	(void)state;
	expect_error(S("naam,email\nJan,jan@x.nl\nPi\0et,p@x.nl\n"), "line 3:", "NUL byte");
}

static void latin1_e_acute_is_an_error_naming_its_line(void **state)
{
	(void)state;
	expect_error(S("naam,email\nRen\xe9,r@x.nl\n"), "line 2:", "not UTF-8");
}

/* Regression 3 (2026-11-29, found by this test): NUL bytes and invalid
 * UTF-8 in a file with lone CR line ends were always reported on line 1. */
static void errors_found_on_opening_count_lone_cr_lines(void **state)
{
	(void)state;
	expect_error(S("naam\rJan\rRen\xe9\r"), "line 3:", "not UTF-8");
	expect_error(S("naam\rJan\rPi\0et\r"), "line 3:", "NUL byte");
	/* A CRLF is one line end, not two. */
	expect_error(S("naam\r\nJan\r\nRen\xe9\r\n"), "line 3:", "not UTF-8");
	expect_error(S("naam\r\nJan\r\nPi\0et\r\n"), "line 3:", "NUL byte");
}

static void invalid_utf8_on_the_last_line_without_line_end_is_found(void **state)
{
	(void)state;
	expect_error(S("a\nb\nc\xC3"), "line 3:", "not UTF-8");
}

static void file_of_exactly_the_maximum_size_is_opened(void **state)
{
	char *data = malloc(CSV_MAX_BYTES);
	struct csv_reader r;
	struct err e;

	(void)state;
	assert_non_null(data);
	memset(data, 'x', CSV_MAX_BYTES);
	for (size_t i = 80; i < CSV_MAX_BYTES; i += 81)
		data[i] = '\n';
	assert_int_equal(csv_open(&r, data, CSV_MAX_BYTES, &e), AZ_OK);
	free(data);
}

static void file_over_the_maximum_size_is_refused(void **state)
{
	char *data = malloc(CSV_MAX_BYTES + 1);

	(void)state;
	assert_non_null(data);
	memset(data, 'x', CSV_MAX_BYTES + 1);
	for (size_t i = 80; i < CSV_MAX_BYTES + 1; i += 81)
		data[i] = '\n';
	expect_error(data, CSV_MAX_BYTES + 1, "larger than 4 MiB", NULL);
	free(data);
}

/* ---- Random input ---------------------------------------------------- */

/* 20,000 short files of the characters that matter to the reader: it
 * never crashes (ASan watches), it ends, and every error names a line
 * that exists. */
static void random_input_never_upsets_the_reader(void **state)
{
	static const char alphabet[] = {'a', ',', ';', '"', ' ', '\n', '\r', '\xC3', '\xA9', '\0'};
	uint32_t seed = 4180;
	char data[48];
	int nok = 0;

	(void)state;
	for (int run = 0; run < 20000; run++) {
		size_t n = (size_t)test_rand_int(&seed, 0, (int)sizeof data);
		size_t nline = 1, errline = 0;
		struct err e;
		char *got;

		for (size_t i = 0; i < n; i++)
			data[i] = alphabet[test_rand(&seed) % sizeof alphabet];
		for (size_t i = 0; i < n; i++)
			nline += data[i] == '\n' || (data[i] == '\r' && (i + 1 == n || data[i + 1] != '\n'));
		if (read_csv(data, n, &got, &e) == 0) {
			free(got);
			nok++;
			continue;
		}
		if (sscanf(e.msg, "line %zu", &errline) != 1 || errline < 1 || errline > nline)
			fail_msg("run %d: error without a line of the file (%zu lines): %s", run, nline, e.msg);
	}
	/* Both outcomes are common enough to mean something. */
	assert_true(nok > 1000 && nok < 19000);
}

/* Each refusal says why in r.why (for fronts that speak Dutch) and on which line. */
static int why_of(const char *data, size_t *line)
{
	struct csv_reader r;
	struct arena *a = arena_new();
	struct err e = {0};
	char **f;
	size_t n, l;
	int more = 0;

	assert_non_null(a);
	if (csv_open(&r, data, strlen(data), &e) == AZ_OK)
		while ((more = csv_next(&r, a, &f, &n, &l, &e)) > 0)
			;
	arena_free(a);
	*line = r.why_line;
	return r.why;
}

static void refusals_name_their_reason_and_line(void **state)
{
	size_t line;

	(void)state;
	assert_int_equal(why_of("a,b\n1,2\n", &line), CSV_FINE);
	assert_int_equal(why_of("a,b\n\"1,2\n", &line), CSV_QUOTE_OPEN);
	assert_int_equal(line, 2);
	assert_int_equal(why_of("a,b\n1,x\"y\n", &line), CSV_QUOTE_INSIDE);
	assert_int_equal(line, 2);
	assert_int_equal(why_of("a,b\n\"1\"x,2\n", &line), CSV_AFTER_QUOTE);
	assert_int_equal(why_of("a,b\n1,\xff\n", &line), CSV_NOT_UTF8);
	assert_int_equal(line, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refusals_name_their_reason_and_line),
		cmocka_unit_test(comma_file_reads_as_records_of_fields),
		cmocka_unit_test(last_line_needs_no_line_end),
		cmocka_unit_test(empty_fields_are_kept),
		cmocka_unit_test(byte_order_mark_is_not_part_of_the_first_field),
		cmocka_unit_test(crlf_line_ends_are_not_part_of_fields),
		cmocka_unit_test(lone_cr_line_ends_separate_records),
		cmocka_unit_test(mixed_line_ends_each_count_as_one_line),
		cmocka_unit_test(blank_lines_are_skipped_but_counted),
		cmocka_unit_test(blank_lone_cr_lines_are_counted_too),
		cmocka_unit_test(empty_file_has_no_records),
		cmocka_unit_test(utf8_text_is_read_unchanged),
		cmocka_unit_test(spaces_around_fields_are_kept),
		cmocka_unit_test(semicolon_header_selects_semicolon_separator),
		cmocka_unit_test(comma_in_a_semicolon_file_is_an_ordinary_character),
		cmocka_unit_test(header_with_both_comma_and_semicolon_keeps_comma),
		cmocka_unit_test(separator_inside_quotes_in_the_header_does_not_count),
		cmocka_unit_test(separator_is_chosen_after_the_byte_order_mark),
		cmocka_unit_test(separator_is_chosen_from_a_header_with_a_quoted_newline),
		cmocka_unit_test(separator_detection_stops_at_a_lone_cr),
		cmocka_unit_test(quoted_field_may_hold_the_separator),
		cmocka_unit_test(doubled_quote_in_quoted_field_is_one_quote),
		cmocka_unit_test(quoted_field_may_be_empty),
		cmocka_unit_test(quoted_field_may_hold_a_newline),
		cmocka_unit_test(quoted_field_keeps_its_crlf),
		cmocka_unit_test(quoted_last_field_may_end_the_file),
		cmocka_unit_test(unterminated_quote_names_the_line_where_the_record_starts),
		cmocka_unit_test(quote_inside_an_unquoted_field_names_line_and_field),
		cmocka_unit_test(quote_inside_an_unquoted_field_after_a_multiline_record_names_its_own_line),
		cmocka_unit_test(text_after_a_closing_quote_is_an_error),
		cmocka_unit_test(error_lines_count_lone_cr_blank_lines),
		cmocka_unit_test(line_of_exactly_the_maximum_length_is_accepted),
		cmocka_unit_test(line_longer_than_the_maximum_is_an_error),
		cmocka_unit_test(maximum_number_of_fields_is_accepted),
		cmocka_unit_test(more_than_the_maximum_number_of_fields_is_an_error),
		cmocka_unit_test(nul_byte_is_an_error_naming_its_line),
		cmocka_unit_test(latin1_e_acute_is_an_error_naming_its_line),
		cmocka_unit_test(errors_found_on_opening_count_lone_cr_lines),
		cmocka_unit_test(invalid_utf8_on_the_last_line_without_line_end_is_found),
		cmocka_unit_test(file_of_exactly_the_maximum_size_is_opened),
		cmocka_unit_test(file_over_the_maximum_size_is_refused),
		cmocka_unit_test(random_input_never_upsets_the_reader),
	};

	return cmocka_run_group_tests_name("csv reader", tests, NULL, NULL);
}
