/* test_text.c — checks on user text (src/util/text.c): UTF-8, e-mail
 * addresses, dates, identifiers, trimming, control characters.
 */
#include "testutil.h"

#include "../../src/util/i18n.h"
#include "../../src/util/text.h"

/* utf8_valid over a string literal, NUL bytes and all. */
#define UTF8(lit) utf8_valid((lit), sizeof(lit) - 1)

/* ---- utf8_valid -------------------------------------------------------- */

static void ascii_and_empty_text_are_valid_utf8(void **state)
{
	(void)state;
	assert_true(UTF8(""));
	assert_true(UTF8("De secretaris, 2026."));
	assert_true(UTF8("a\0b"));        /* NUL is ASCII; callers check it */
	assert_true(UTF8("\x7F"));
}

static void two_three_and_four_byte_sequences_are_valid_utf8(void **state)
{
	(void)state;
	assert_true(UTF8("Ren\xC3\xA9" "e"));       /* é U+00E9 */
	assert_true(UTF8("\xC2\x80"));              /* U+0080, smallest 2-byte */
	assert_true(UTF8("\xDF\xBF"));              /* U+07FF */
	assert_true(UTF8("\xE0\xA0\x80"));          /* U+0800, smallest 3-byte */
	assert_true(UTF8("\xE2\x82\xAC"));          /* € */
	assert_true(UTF8("\xED\x9F\xBF"));          /* U+D7FF, just below the surrogates */
	assert_true(UTF8("\xEE\x80\x80"));          /* U+E000, just above them */
	assert_true(UTF8("\xEF\xBF\xBF"));          /* U+FFFF */
	assert_true(UTF8("\xF0\x90\x80\x80"));      /* U+10000, smallest 4-byte */
	assert_true(UTF8("\xF0\x9F\x98\x80"));      /* an emoji */
	assert_true(UTF8("\xF4\x8F\xBF\xBF"));      /* U+10FFFF, the last code point */
}

static void overlong_encodings_are_invalid_utf8(void **state)
{
	(void)state;
	assert_false(UTF8("\xC0\x80"));             /* NUL in two bytes */
	assert_false(UTF8("\xC0\xAF"));             /* '/' in two bytes */
	assert_false(UTF8("\xC1\xBF"));             /* U+007F in two bytes */
	assert_false(UTF8("\xE0\x80\x80"));
	assert_false(UTF8("\xE0\x9F\xBF"));         /* U+07FF in three bytes */
	assert_false(UTF8("\xF0\x80\x80\x80"));
	assert_false(UTF8("\xF0\x8F\xBF\xBF"));     /* U+FFFF in four bytes */
}

static void surrogates_are_invalid_utf8(void **state)
{
	(void)state;
	assert_false(UTF8("\xED\xA0\x80"));         /* U+D800 */
	assert_false(UTF8("\xED\xAF\xBF"));         /* U+DBFF */
	assert_false(UTF8("\xED\xB0\x80"));         /* U+DC00 */
	assert_false(UTF8("\xED\xBF\xBF"));         /* U+DFFF */
	assert_false(UTF8("\xED\xA0\xBD\xED\xB8\x80")); /* a CESU-8 pair */
}

static void code_points_above_10ffff_are_invalid_utf8(void **state)
{
	(void)state;
	assert_false(UTF8("\xF4\x90\x80\x80"));     /* U+110000 */
	assert_false(UTF8("\xF5\x80\x80\x80"));
	assert_false(UTF8("\xF7\xBF\xBF\xBF"));
	assert_false(UTF8("\xF8\x88\x80\x80\x80")); /* five-byte form */
	assert_false(UTF8("\xFC\x84\x80\x80\x80\x80"));
	assert_false(UTF8("\xFE"));
	assert_false(UTF8("\xFF"));
}

static void truncated_sequences_are_invalid_utf8(void **state)
{
	(void)state;
	assert_false(UTF8("\xC3"));
	assert_false(UTF8("abc\xC3"));
	assert_false(UTF8("\xE2\x82"));
	assert_false(UTF8("\xF0\x9F\x98"));
	assert_false(UTF8("\xC3" "A"));             /* a lead byte, then ASCII */
	assert_false(UTF8("\xE2\x82" "A"));
	assert_false(UTF8("\xF0\x9F\x98" "A"));
	/* The length counts, not the NUL: the same bytes cut short fail. */
	assert_true(utf8_valid("\xC3\xA9", 2));
	assert_false(utf8_valid("\xC3\xA9", 1));
	assert_false(utf8_valid("\xF0\x9F\x98\x80", 3));
}

static void stray_continuation_bytes_are_invalid_utf8(void **state)
{
	(void)state;
	assert_false(UTF8("\x80"));
	assert_false(UTF8("a\xBF" "b"));
	assert_false(UTF8("\xC3\xA9\xA9"));         /* one continuation too many */
}

static void latin1_e_acute_is_invalid_utf8(void **state)
{
	(void)state;
	assert_false(UTF8("caf\xE9"));
	assert_false(UTF8("caf\xE9 au lait"));
	assert_false(UTF8("Ren\xE9" "e"));
}

/* ---- text_has_layout_control, text_is_blank --------------------------- */

static void layout_controls_are_found_and_marks_pass(void **state)
{
	(void)state;
	assert_false(text_has_layout_control("Ayşe Yıldız"));
	assert_false(text_has_layout_control("\xd9\x85\xd8\xad\xd9\x85\xd8\xaf \xe2\x80\x8f(MT)")); /* RLM */
	assert_true(text_has_layout_control("Piet \xe2\x80\xae"));          /* U+202E RLO */
	assert_true(text_has_layout_control("\xe2\x80\xaaPiet"));           /* U+202A LRE */
	assert_true(text_has_layout_control("Piet\xe2\x81\xa6x\xe2\x81\xa9")); /* U+2066, U+2069 */
	assert_true(text_has_layout_control("Piet\xc2\x85"));               /* U+0085 NEL */
	assert_false(text_has_layout_control("Piet\xc2\xa0Jansen"));        /* no-break space */
}

static void blank_text_is_any_white_space(void **state)
{
	(void)state;
	assert_true(text_is_blank(""));
	assert_true(text_is_blank(" \t "));
	assert_true(text_is_blank("\xc2\xa0"));                              /* U+00A0 */
	assert_true(text_is_blank("\xe3\x80\x80\xe2\x80\x8b\xe2\x80\x83")); /* U+3000, U+200B, U+2003 */
	assert_false(text_is_blank("\xc2\xa0" "a"));
	assert_false(text_is_blank("."));
}

/* ---- text_has_control ------------------------------------------------- */

static void plain_text_has_no_control_characters(void **state)
{
	(void)state;
	assert_false(text_has_control("", 0));
	assert_false(text_has_control("De secretaris", 0));
	assert_false(text_has_control("Ren\xC3\xA9" "e \xE2\x82\xAC", 0)); /* bytes >= 0x80 */
}

static void control_characters_are_found(void **state)
{
	(void)state;
	assert_true(text_has_control("a\x01" "b", 1));
	assert_true(text_has_control("\x1B[31m", 1));  /* a terminal escape */
	assert_true(text_has_control("a\x7F", 1));
	assert_true(text_has_control("a\x1F", 0));
	assert_true(text_has_control("a\x0B" "b", 1)); /* vertical tab */
}

static void line_breaks_count_as_control_only_when_not_allowed(void **state)
{
	(void)state;
	assert_false(text_has_control("regel 1\nregel 2", 1));
	assert_false(text_has_control("regel 1\r\nregel 2", 1));
	assert_true(text_has_control("regel 1\nregel 2", 0));
	assert_true(text_has_control("regel 1\rregel 2", 0));
}

static void tab_is_never_a_control_character(void **state)
{
	(void)state;
	assert_false(text_has_control("a\tb", 1));
	assert_false(text_has_control("a\tb", 0));
}

/* ---- email_normalise -------------------------------------------------- */

/* Assert that in is accepted and normalised to want. */
static void expect_email(const char *in, const char *want)
{
	char out[256];
	const char *why = NULL;

	if (email_normalise(in, out, sizeof out, &why) != 0)
		fail_msg("\"%s\" was refused: %s", in, why);
	assert_string_equal(out, want);
}

/* Assert that in is refused with a reason containing frag. */
static void expect_no_email(const char *in, const char *frag)
{
	char out[256];
	const char *why = NULL;

	if (email_normalise(in, out, sizeof out, &why) == 0)
		fail_msg("\"%s\" was accepted as \"%s\"", in, out);
	assert_non_null(why);
	assert_contains(why, frag);
}

static void ordinary_addresses_are_accepted(void **state)
{
	(void)state;
	expect_email("jan@example.nl", "jan@example.nl");
	expect_email("j.de.vries@gemeente-utrecht.nl", "j.de.vries@gemeente-utrecht.nl");
	expect_email("secretaris+360@sub.gemeente.nl", "secretaris+360@sub.gemeente.nl");
	expect_email("o'brien@example.ie", "o'brien@example.ie");
	expect_email("a@b.c", "a@b.c");
}

static void addresses_are_lower_cased(void **state)
{
	(void)state;
	expect_email("Jan.De.Vries@Gemeente.NL", "jan.de.vries@gemeente.nl");
	expect_email("JAN@X.NL", "jan@x.nl");
}

static void addresses_are_trimmed(void **state)
{
	(void)state;
	expect_email("  jan@x.nl", "jan@x.nl");
	expect_email("jan@x.nl \t\r\n", "jan@x.nl");
	expect_email("\t Jan@X.nl ", "jan@x.nl");
}

static void empty_address_is_refused(void **state)
{
	(void)state;
	expect_no_email("", "is empty");
	expect_no_email("   \t", "is empty");
}

static void address_needs_exactly_one_at(void **state)
{
	(void)state;
	expect_no_email("jan", "exactly one @");
	expect_no_email("jan.x.nl", "exactly one @");
	expect_no_email("jan@@x.nl", "exactly one @");
	expect_no_email("a@b@x.nl", "exactly one @");
}

static void address_needs_text_on_both_sides_of_the_at(void **state)
{
	(void)state;
	expect_no_email("@x.nl", "nothing before the @");
	expect_no_email("jan@", "no domain");
}

static void domain_needs_a_dot_and_no_empty_parts(void **state)
{
	(void)state;
	expect_no_email("jan@localhost", "without a dot");
	expect_no_email("jan@.x.nl", "empty part");
	expect_no_email("jan@x.", "empty part");
	expect_no_email("jan@x..nl", "empty part");
}

static void domain_allows_only_letters_digits_hyphens_and_dots(void **state)
{
	(void)state;
	expect_no_email("jan@x_y.nl", "not allowed in a domain");
	expect_no_email("jan@x!.nl", "not allowed in a domain");
	expect_no_email("jan@x/y.nl", "not allowed in a domain");
}

static void domain_labels_are_well_formed(void **state)
{
	char long_label[120];

	(void)state;
	expect_no_email("jan@-x.nl", "starts or ends with a hyphen");
	expect_no_email("jan@x-.nl", "starts or ends with a hyphen");
	expect_no_email("jan@x.nl-", "starts or ends with a hyphen");
	expect_no_email("jan@192.168.1.1", "ends in a number");
	expect_email("jan@x-y.nl", "jan@x-y.nl");
	expect_email("jan@123.nl", "jan@123.nl");
	snprintf(long_label, sizeof long_label, "jan@%064d.nl", 0);
	expect_no_email(long_label, "longer than 63");
	snprintf(long_label, sizeof long_label, "jan@%063d.nl", 0);
	expect_email(long_label, long_label);
}

static void local_part_may_not_have_misplaced_dots(void **state)
{
	(void)state;
	expect_no_email(".jan@x.nl", "misplaced dot");
	expect_no_email("jan.@x.nl", "misplaced dot");
	expect_no_email("j..vries@x.nl", "misplaced dot");
}

static void spaces_quotes_and_brackets_are_refused(void **state)
{
	(void)state;
	expect_no_email("jan de vries@x.nl", "not allowed");
	expect_no_email("\"jan\"@x.nl", "not allowed");
	expect_no_email("Jan <jan@x.nl>", "not allowed");
	expect_no_email("<jan@x.nl>", "not allowed");
	expect_no_email("jan(werk)@x.nl", "not allowed");
	expect_no_email("jan\\x@x.nl", "not allowed");
	expect_no_email("jan\t@x.nl", "not allowed");
	expect_no_email("jan\x7F@x.nl", "not allowed");
}

static void address_in_utf8_is_accepted(void **state)
{
	(void)state;
	expect_email("Jos\xC3\xA9@caf\xC3\xA9.nl", "jos\xC3\xA9@caf\xC3\xA9.nl");
}

/* Regression 5 (2026-11-29, found by this test): bytes >= 0x80 were let
 * through unchecked, so a Latin-1 address was "acceptable" and would have
 * been stored as text that is not UTF-8. */
static void address_that_is_not_utf8_is_refused(void **state)
{
	(void)state;
	expect_no_email("jan@caf\xE9.nl", "UTF-8");        /* Latin-1 */
	expect_no_email("Ren\xE9@x.nl", "UTF-8");
	expect_no_email("jan@x\xC0\xAE.nl", "UTF-8");      /* an overlong '.' */
	expect_no_email("jan@x.nl\xFF", "UTF-8");
}

static void lists_of_addresses_are_refused(void **state)
{
	(void)state;
	expect_no_email("jan@x.nl,piet@x.nl", "not allowed");
	expect_no_email("jan@x.nl;piet@x.nl", "not allowed");
	expect_no_email("jan@x.nl piet@x.nl", "not allowed");
}

/* A local part of n letters at a domain of m characters (m >= 4). */
/* n a's, '@', then a domain of m bytes ending in ".nl" whose labels are
 * b's of at most 60 bytes with dots between. */
static void make_address(char *out, size_t n, size_t m)
{
	memset(out, 'a', n);
	out[n] = '@';
	memset(out + n + 1, 'b', m - 3);
	for (size_t i = 60; i < m - 4; i += 61)
		out[n + 1 + i] = '.';
	memcpy(out + n + 1 + m - 3, ".nl", 4);
}

static void local_part_may_be_64_but_not_65_characters(void **state)
{
	char in[300];

	(void)state;
	make_address(in, 64, 10);
	expect_email(in, in);
	make_address(in, 65, 10);
	expect_no_email(in, "more than 64 characters before the @");
}

static void address_may_be_254_but_not_255_characters(void **state)
{
	char in[300];

	(void)state;
	make_address(in, 10, 254 - 11);
	assert_int_equal(strlen(in), 254);
	expect_email(in, in);
	make_address(in, 10, 255 - 11);
	assert_int_equal(strlen(in), 255);
	expect_no_email(in, "longer than 254");
}

static void small_output_buffer_refuses_instead_of_overflowing(void **state)
{
	/* Heap buffers of the exact size, so that ASan sees any overrun. */
	char *out8 = malloc(8), *out9 = malloc(9);
	const char *why = NULL;

	(void)state;
	assert_non_null(out8);
	assert_non_null(out9);
	assert_int_equal(email_normalise("jan@x.nl", out8, 8, &why), -1); /* needs 9 */
	assert_non_null(why);
	assert_int_equal(email_normalise("jan@x.nl", out9, 9, &why), 0);
	assert_string_equal(out9, "jan@x.nl");
	free(out8);
	free(out9);
}

static void reason_may_be_left_out(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(email_normalise("nope", out, sizeof out, NULL), -1);
	assert_int_equal(email_normalise("Ja@x.nl", out, sizeof out, NULL), 0);
	assert_string_equal(out, "ja@x.nl");
}

/* ---- date_valid ------------------------------------------------------- */

static void ordinary_dates_are_valid(void **state)
{
	(void)state;
	assert_true(date_valid("2026-01-01"));
	assert_true(date_valid("2026-01-31"));
	assert_true(date_valid("2026-04-30"));
	assert_true(date_valid("2026-12-31"));
	assert_true(date_valid("2026-02-28"));
}

static void february_29_exists_only_in_leap_years(void **state)
{
	(void)state;
	assert_false(date_valid("2026-02-29"));
	assert_true(date_valid("2028-02-29"));
	assert_true(date_valid("2000-02-29"));      /* divisible by 400 */
	assert_false(date_valid("2100-02-29"));     /* by 100, not by 400 */
	assert_false(date_valid("2028-02-30"));
}

static void days_and_months_out_of_range_are_invalid(void **state)
{
	(void)state;
	assert_false(date_valid("2026-00-10"));
	assert_false(date_valid("2026-13-01"));
	assert_false(date_valid("2026-01-00"));
	assert_false(date_valid("2026-01-32"));
	assert_false(date_valid("2026-04-31"));
	assert_false(date_valid("2026-06-31"));
	assert_false(date_valid("2026-09-31"));
	assert_false(date_valid("2026-11-31"));
	assert_false(date_valid("2026-99-99"));
}

static void dates_in_other_formats_are_invalid(void **state)
{
	(void)state;
	assert_false(date_valid(""));
	assert_false(date_valid("2026-1-01"));
	assert_false(date_valid("2026-01-1"));
	assert_false(date_valid("26-01-01"));
	assert_false(date_valid("2026/01/01"));
	assert_false(date_valid("01-01-2026"));     /* the Dutch order */
	assert_false(date_valid("20260101"));
	assert_false(date_valid(" 2026-01-01"));
	assert_false(date_valid("2026-01-01 "));
	assert_false(date_valid("2026-01-01T10:00"));
	assert_false(date_valid("2026-01-1a"));
	assert_false(date_valid("+026-01-01"));
	assert_false(date_valid("2026--1-01"));
	assert_false(date_valid("2026-0a-01"));
}

static void today_is_a_valid_date_and_now_a_utc_time(void **state)
{
	char d[11], t[21];

	(void)state;
	date_today(d);
	assert_true(date_valid(d));
	time_now(t);
	assert_int_equal(strlen(t), 20);
	assert_int_equal(t[10], 'T');
	assert_int_equal(t[19], 'Z');
	t[10] = '\0';
	assert_true(date_valid(t));
}

/* ---- identifiers ------------------------------------------------------ */

static void lower_identifiers_start_with_a_letter(void **state)
{
	(void)state;
	assert_true(ident_lower("omgeving", 32));
	assert_true(ident_lower("a", 32));
	assert_true(ident_lower("mijn_verhaal", 32));
	assert_true(ident_lower("freq5", 32));
	assert_false(ident_lower("", 32));
	assert_false(ident_lower("5freq", 32));
	assert_false(ident_lower("_a", 32));
	assert_false(ident_lower("Omgeving", 32));
	assert_false(ident_lower("omGeving", 32));
	assert_false(ident_lower("mijn-verhaal", 32));
	assert_false(ident_lower("mijn verhaal", 32));
	assert_false(ident_lower("caf\xC3\xA9", 32));
}

static void upper_identifiers_start_with_a_letter_or_digit(void **state)
{
	(void)state;
	assert_true(ident_upper("OMG1", 32));
	assert_true(ident_upper("REG-BV-A", 32));
	assert_true(ident_upper("A_B", 32));
	assert_true(ident_upper("1A", 32));
	assert_false(ident_upper("", 32));
	assert_false(ident_upper("-A", 32));
	assert_false(ident_upper("_A", 32));
	assert_false(ident_upper("omg1", 32));
	assert_false(ident_upper("Omg1", 32));
	assert_false(ident_upper("REG BV", 32));
	assert_false(ident_upper("REG.BV", 32));
}

static void identifiers_longer_than_the_maximum_are_refused(void **state)
{
	(void)state;
	assert_true(ident_lower("abc", 3));
	assert_false(ident_lower("abcd", 3));
	assert_true(ident_upper("ABC", 3));
	assert_false(ident_upper("ABCD", 3));
}

/* ---- text_trim -------------------------------------------------------- */

static void trim_removes_spaces_and_tabs_at_both_ends(void **state)
{
	char s1[] = "  De secretaris \t", s2[] = "\tx", s3[] = "x ", s4[] = "a  b";

	(void)state;
	assert_string_equal(text_trim(s1), "De secretaris");
	assert_ptr_equal(text_trim(s2), s2);        /* in place */
	assert_string_equal(s2, "x");
	assert_string_equal(text_trim(s3), "x");
	assert_string_equal(text_trim(s4), "a  b"); /* inside is kept */
}

static void trim_of_blank_text_is_empty(void **state)
{
	char s1[] = "", s2[] = "   ", s3[] = "\t \t";

	(void)state;
	assert_string_equal(text_trim(s1), "");
	assert_string_equal(text_trim(s2), "");
	assert_string_equal(text_trim(s3), "");
}

static void trim_leaves_line_breaks(void **state)
{
	char s[] = "\nx\r\n";

	(void)state;
	assert_string_equal(text_trim(s), "\nx\r\n");
}

/* ---- date_words ------------------------------------------------------ */

static void dates_read_as_words_in_either_language(void **state)
{
	char out[DATE_WORDS_LEN];

	(void)state;
	assert_string_equal(date_words(out, "nl", "2027-03-01"), "1 maart 2027");
	assert_string_equal(date_words(out, "en", "2026-12-20"), "20 December 2026");
	assert_string_equal(date_words(out, "nl", "31-12-2026"), "31-12-2026");
	assert_null(date_words(out, "nl", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_and_empty_text_are_valid_utf8),
		cmocka_unit_test(two_three_and_four_byte_sequences_are_valid_utf8),
		cmocka_unit_test(overlong_encodings_are_invalid_utf8),
		cmocka_unit_test(surrogates_are_invalid_utf8),
		cmocka_unit_test(code_points_above_10ffff_are_invalid_utf8),
		cmocka_unit_test(truncated_sequences_are_invalid_utf8),
		cmocka_unit_test(stray_continuation_bytes_are_invalid_utf8),
		cmocka_unit_test(latin1_e_acute_is_invalid_utf8),
		cmocka_unit_test(plain_text_has_no_control_characters),
		cmocka_unit_test(control_characters_are_found),
		cmocka_unit_test(line_breaks_count_as_control_only_when_not_allowed),
		cmocka_unit_test(tab_is_never_a_control_character),
		cmocka_unit_test(ordinary_addresses_are_accepted),
		cmocka_unit_test(addresses_are_lower_cased),
		cmocka_unit_test(addresses_are_trimmed),
		cmocka_unit_test(empty_address_is_refused),
		cmocka_unit_test(address_needs_exactly_one_at),
		cmocka_unit_test(address_needs_text_on_both_sides_of_the_at),
		cmocka_unit_test(domain_needs_a_dot_and_no_empty_parts),
		cmocka_unit_test(domain_allows_only_letters_digits_hyphens_and_dots),
		cmocka_unit_test(domain_labels_are_well_formed),
		cmocka_unit_test(local_part_may_not_have_misplaced_dots),
		cmocka_unit_test(spaces_quotes_and_brackets_are_refused),
		cmocka_unit_test(address_in_utf8_is_accepted),
		cmocka_unit_test(address_that_is_not_utf8_is_refused),
		cmocka_unit_test(lists_of_addresses_are_refused),
		cmocka_unit_test(local_part_may_be_64_but_not_65_characters),
		cmocka_unit_test(address_may_be_254_but_not_255_characters),
		cmocka_unit_test(small_output_buffer_refuses_instead_of_overflowing),
		cmocka_unit_test(reason_may_be_left_out),
		cmocka_unit_test(ordinary_dates_are_valid),
		cmocka_unit_test(february_29_exists_only_in_leap_years),
		cmocka_unit_test(days_and_months_out_of_range_are_invalid),
		cmocka_unit_test(dates_in_other_formats_are_invalid),
		cmocka_unit_test(today_is_a_valid_date_and_now_a_utc_time),
		cmocka_unit_test(lower_identifiers_start_with_a_letter),
		cmocka_unit_test(upper_identifiers_start_with_a_letter_or_digit),
		cmocka_unit_test(identifiers_longer_than_the_maximum_are_refused),
		cmocka_unit_test(layout_controls_are_found_and_marks_pass),
		cmocka_unit_test(blank_text_is_any_white_space),
		cmocka_unit_test(trim_removes_spaces_and_tabs_at_both_ends),
		cmocka_unit_test(trim_of_blank_text_is_empty),
		cmocka_unit_test(trim_leaves_line_breaks),
		cmocka_unit_test(dates_read_as_words_in_either_language),
	};

	return cmocka_run_group_tests_name("text checks", tests, NULL, NULL);
}
