/* test_instrument.c — loading and validating instrument files
 * (src/instrument/instrument.c).
 *
 * The default instrument must load; then every kind of broken file must be
 * refused with the right number of problems, each naming its place: a
 * syntax error as "origin:LINE:COL:", anything else as "origin: $.path:".
 * Broken files are made from the minimal valid instrument in testutil.h by
 * replacing one piece of text with mini_with(), so that each test shows
 * exactly what it breaks.
 */
#include "testutil.h"

#include "../../src/instrument/instrument.h"
#include "../../src/util/err.h"

#define ORIGIN "mini.json"

/* The minimal instrument with each (from, to) pair of the NULL-terminated
 * argument list replaced in turn; every from must occur exactly once.
 * Allocates: free() the result (expect_invalid does). */
static char *mini_with(const char *from, ...) __attribute__((sentinel));
static char *mini_with(const char *from, ...)
{
	char *json = strdup(test_mini_instrument());
	va_list ap;

	assert_non_null(json);
	va_start(ap, from);
	for (const char *f = from; f != NULL; f = va_arg(ap, const char *)) {
		const char *to = va_arg(ap, const char *);
		char *next;

		assert_non_null(to);
		next = test_replace(json, f, to);
		free(json);
		json = next;
	}
	va_end(ap);
	return json;
}

/* Parse json, which must be valid; fails the test showing the problems
 * otherwise. Free the result with instrument_free(). */
static struct instrument *parse_ok(const char *json, size_t n)
{
	struct instrument *ins = NULL;
	struct buf problems;
	int nproblem = -1;

	buf_init(&problems);
	if (instrument_parse(json, n, ORIGIN, &ins, &problems, &nproblem) != AZ_OK)
		fail_msg("refused with %d problem(s):\n%s", nproblem, buf_str(&problems));
	assert_int_equal(nproblem, 0);
	assert_string_equal(buf_str(&problems), "");
	assert_non_null(ins);
	buf_reset(&problems);
	return ins;
}

/* Parse json[0..n) and assert that it is refused with exactly nproblem
 * problems, one line each, every line starting with the origin, and that
 * each fragment of the NULL-terminated list occurs in the problems. */
static void expect_invalid_n(const char *json, size_t n, int nproblem, ...) __attribute__((sentinel));
static void expect_invalid_n(const char *json, size_t n, int nproblem, ...)
{
	static struct instrument not_set;
	struct instrument *ins = &not_set;
	struct buf problems;
	int got = -1;
	const char *text, *line;
	va_list ap;

	buf_init(&problems);
	assert_int_equal(instrument_parse(json, n, ORIGIN, &ins, &problems, &got), AZ_EINVAL);
	assert_null(ins);
	text = buf_str(&problems);
	if (got != nproblem || test_count_lines(text) != nproblem)
		fail_msg("expected %d problem(s), got %d in %d line(s):\n%s",
			 nproblem, got, test_count_lines(text), text);
	for (line = text; *line; line = strchr(line, '\n') + 1)
		if (strncmp(line, ORIGIN ":", strlen(ORIGIN ":")) != 0)
			fail_msg("a problem without the origin in front:\n%s", text);
	va_start(ap, nproblem);
	for (const char *frag = va_arg(ap, const char *); frag != NULL; frag = va_arg(ap, const char *))
		assert_contains(text, frag);
	va_end(ap);
	buf_reset(&problems);
}

/* expect_invalid_n for a NUL-terminated json, which is consumed (freed). */
#define expect_invalid(json, nproblem, ...) do { \
		char *json_ = (json); \
		expect_invalid_n(json_, strlen(json_), (nproblem), __VA_ARGS__); \
		free(json_); \
	} while (0)

/* ---- The default instrument ------------------------------------------ */

static struct instrument *parse_default(void)
{
	return parse_ok(instrument_default_json, instrument_default_json_len);
}

static void default_instrument_loads_with_its_37_items(void **state)
{
	struct instrument *ins = parse_default();

	(void)state;
	assert_string_equal(ins->id, "gemeentesecretaris");
	assert_int_equal(ins->nitem, 37);
	assert_int_equal(ins->ndimension, 10);
	assert_int_equal(ins->nsection, 3);
	assert_int_equal(ins->nopen, 8);
	assert_int_equal(ins->ngroup, 7);
	assert_int_equal(ins->nscale, 2);
	assert_int_equal(ins->narena, 4);
	assert_int_equal(ins->nlang, 2);
	assert_string_equal(ins->lang[0], "nl");
	assert_string_equal(ins->lang[1], "en");
	instrument_free(ins);
}

static void default_instrument_has_exactly_one_self_group(void **state)
{
	struct instrument *ins = parse_default();
	int nself = 0, self = instrument_self_group(ins);

	(void)state;
	for (int g = 0; g < ins->ngroup; g++) {
		if (ins->groups[g].self) {
			nself++;
			continue;
		}
		/* Every rater group keeps its raters anonymous. */
		assert_true(ins->groups[g].anonymous);
		assert_true(ins->groups[g].threshold >= 3);
	}
	assert_int_equal(nself, 1);
	assert_true(self >= 0);
	assert_string_equal(ins->groups[self].id, "self");
	instrument_free(ins);
}

static void default_instrument_items_sections_and_dimensions_fit_together(void **state)
{
	struct instrument *ins = parse_default();
	int nitem = 0, nopen = 0, nself = 0;

	(void)state;
	for (int s = 0; s < ins->nsection; s++) {
		const struct instr_section *sec = &ins->sections[s];

		assert_int_equal(sec->item0, nitem);
		assert_int_equal(sec->open0, nopen);
		for (int i = sec->item0; i < sec->item0 + sec->nitem; i++)
			assert_int_equal(ins->items[i].section, s);
		nitem += sec->nitem;
		nopen += sec->nopen;
	}
	assert_int_equal(nitem, 37);
	assert_int_equal(nopen, 8);
	nitem = 0;
	for (int d = 0; d < ins->ndimension; d++) {
		assert_true(ins->dimensions[d].nitem > 0);
		assert_true(ins->dimensions[d].scale >= 0 && ins->dimensions[d].scale < ins->nscale);
		nitem += ins->dimensions[d].nitem;
	}
	assert_int_equal(nitem, 37);
	for (int o = 0; o < ins->nopen; o++)
		nself += ins->opens[o].audience == AUD_SELF;
	assert_int_equal(nself, 4);
	for (int s = 0; s < ins->nscale; s++)
		for (int p = 0; p < ins->scales[s].npoint; p++)
			assert_int_equal(ins->scales[s].points[p].value, p + 1);
	instrument_free(ins);
}

static void things_are_found_by_their_id(void **state)
{
	struct instrument *ins = parse_default();
	int i;

	(void)state;
	assert_int_equal(instrument_find_item(ins, "OMG1"), 0);
	assert_true((i = instrument_find_item(ins, "REG-BV-A")) >= 0);
	assert_string_equal(ins->arenas[ins->items[i].arena].id, "bedrijfsvoering");
	assert_string_equal(ins->dimensions[ins->items[i].dimension].id, "regisserend");
	assert_int_equal(ins->items[instrument_find_item(ins, "OMG1")].arena, -1);
	assert_true(instrument_find_group(ins, "medewerkers") >= 0);
	assert_true(instrument_find_open(ins, "mijn_verhaal") >= 0);
	assert_true(instrument_find_dimension(ins, "verbindend") >= 0);
	assert_int_equal(instrument_find_item(ins, "omg1"), -1);
	assert_int_equal(instrument_find_item(ins, "NOPE"), -1);
	assert_int_equal(instrument_find_group(ins, "overig"), -1);
	assert_int_equal(instrument_find_open(ins, NULL), -1);
	assert_true(instrument_has_lang(ins, "nl"));
	assert_true(instrument_has_lang(ins, "en"));
	assert_false(instrument_has_lang(ins, "de"));
	instrument_free(ins);
}

static void itext_get_falls_back_to_the_first_language(void **state)
{
	struct instrument *ins = parse_default();

	(void)state;
	assert_string_equal(itext_get(ins, &ins->title, "nl"), "Aanwezigheidsprofiel gemeentesecretaris");
	assert_string_equal(itext_get(ins, &ins->title, "en"), "Presence profile for municipal secretaries");
	assert_string_equal(itext_get(ins, &ins->title, "de"), "Aanwezigheidsprofiel gemeentesecretaris");
	assert_string_equal(itext_get(ins, &ins->title, ""), "Aanwezigheidsprofiel gemeentesecretaris");
	assert_string_equal(itext_get(ins, &ins->title, NULL), "Aanwezigheidsprofiel gemeentesecretaris");
	instrument_free(ins);
}

static void digest_is_64_hex_digits_that_change_with_the_text(void **state)
{
	char d1[65], d2[65], d3[65];

	(void)state;
	instrument_digest(instrument_default_json, instrument_default_json_len, d1);
	instrument_digest(instrument_default_json, instrument_default_json_len, d2);
	instrument_digest(instrument_default_json, instrument_default_json_len - 1, d3);
	assert_int_equal(strlen(d1), 64);
	assert_int_equal(strspn(d1, "0123456789abcdef"), 64);
	assert_string_equal(d1, d2);
	assert_string_not_equal(d1, d3);
}

/* ---- The minimal instrument and what may vary -------------------------- */

static void minimal_instrument_is_valid(void **state)
{
	struct instrument *ins = parse_ok(test_mini_instrument(), strlen(test_mini_instrument()));

	(void)state;
	assert_int_equal(ins->nitem, 2);
	assert_int_equal(ins->ndimension, 2);
	assert_int_equal(ins->nsection, 1);
	assert_int_equal(ins->nopen, 1);
	assert_int_equal(ins->ngroup, 2);
	assert_int_equal(ins->scales[0].npoint, 3);
	assert_int_equal(ins->items[0].arena, 0);
	assert_int_equal(ins->items[1].arena, -1);
	assert_int_equal(ins->items[1].dimension, 1);
	assert_int_equal(ins->dimensions[0].kind, DIM_ROLE);
	assert_int_equal(ins->dimensions[1].kind, DIM_THEME);
	assert_int_equal(ins->opens[0].audience, AUD_RATER);
	assert_int_equal(instrument_self_group(ins), 0);
	assert_true(ins->groups[1].anonymous);
	assert_int_equal(ins->groups[1].threshold, 3);
	assert_string_equal(itext_get(ins, &ins->items[0].self, "en"), "I steer.");
	instrument_free(ins);
}

static void arena_tag_and_threshold_may_be_left_out(void **state)
{
	char *json = mini_with("\"arena\": \"bv\",", "", ", \"threshold\": 3", "", NULL);
	struct instrument *ins = parse_ok(json, strlen(json));

	(void)state;
	assert_int_equal(ins->items[0].arena, -1);
	assert_int_equal(ins->groups[1].threshold, 3);   /* the default */
	instrument_free(ins);
	free(json);
}

static void threshold_1_is_fine_for_a_group_declared_not_anonymous(void **state)
{
	char *json = mini_with("\"threshold\": 3", "\"threshold\": 1, \"anonymous\": false", NULL);
	struct instrument *ins = parse_ok(json, strlen(json));

	(void)state;
	assert_false(ins->groups[1].anonymous);
	assert_int_equal(ins->groups[1].threshold, 1);
	instrument_free(ins);
	free(json);
}

static void problems_and_their_count_may_be_left_out(void **state)
{
	char *json = mini_with("\"format\": 1", "\"format\": 2", NULL);
	struct instrument *ins = NULL;
	int n = -1;

	(void)state;
	assert_int_equal(instrument_parse(json, strlen(json), ORIGIN, &ins, NULL, NULL), AZ_EINVAL);
	assert_null(ins);
	assert_int_equal(instrument_parse(json, strlen(json), ORIGIN, &ins, NULL, &n), AZ_EINVAL);
	assert_int_equal(n, 1);
	free(json);
}

/* ---- Files that are not a JSON object --------------------------------- */

static void syntax_error_names_line_and_column(void **state)
{
	char *json = mini_with("\"kind\": \"theme\"", "\"kind\": theme", NULL);
	struct buf problems;
	struct instrument *ins = NULL;
	int n = 0, col = 0;
	char rest = 0;

	(void)state;
	buf_init(&problems);
	assert_int_equal(instrument_parse(json, strlen(json), ORIGIN, &ins, &problems, &n), AZ_EINVAL);
	assert_int_equal(n, 1);
	/* Line 21 of the minimal instrument, then a column, then a colon. */
	if (sscanf(buf_str(&problems), ORIGIN ":21:%d%c", &col, &rest) != 2 || rest != ':' || col < 1)
		fail_msg("not \"" ORIGIN ":21:COL:\": %s", buf_str(&problems));
	assert_contains(buf_str(&problems), "invalid token");
	buf_reset(&problems);
	free(json);
}

static void truncated_file_is_a_syntax_error_at_its_end(void **state)
{
	(void)state;
	expect_invalid(mini_with("  ]\n}\n", "  ]\n", NULL), 1, ORIGIN ":39:", "end of file", NULL);
}

static void duplicate_json_keys_are_a_syntax_error_on_their_line(void **state)
{
	(void)state;
	expect_invalid(mini_with("  \"id\": \"mini\",\n", "  \"id\": \"mini\",\n  \"id\": \"mini2\",\n", NULL),
		       1, ORIGIN ":4:", "duplicate object key", NULL);
}

static void empty_file_is_refused(void **state)
{
	(void)state;
	expect_invalid_n("", 0, 1, ORIGIN ":1:", NULL);
	expect_invalid_n(" \n\n", 3, 1, ORIGIN ":3:", NULL);
}

static void json_array_at_the_top_is_refused(void **state)
{
	(void)state;
	expect_invalid_n("[]", 2, 1, ORIGIN ": $: an instrument must be a JSON object", NULL);
	expect_invalid_n("[{\"format\": 1}]\n", 16, 1, ORIGIN ": $: an instrument must be a JSON object", NULL);
}

static void bare_string_at_the_top_is_a_syntax_error(void **state)
{
	(void)state;
	expect_invalid_n("\"mini\"", 6, 1, ORIGIN ":1:", NULL);
}

static void invalid_utf8_is_refused(void **state)
{
	(void)state;
	/* Latin-1 e acute, as an editor on Windows might save it. */
	expect_invalid(mini_with("\"en\": \"Mini\"}", "\"en\": \"Min\xe9\"}", NULL),
		       1, ORIGIN ":6:", "not valid UTF-8", NULL);
	/* An overlong '.'. */
	expect_invalid(mini_with("\"en\": \"Mini\"}", "\"en\": \"Mini\xC0\xAE\"}", NULL),
		       1, "not valid UTF-8", NULL);
}

/* ---- The top level ---------------------------------------------------- */

static void format_2_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"format\": 1", "\"format\": 2", NULL),
		       1, ORIGIN ": $.format: this program reads format 1, not 2", NULL);
}

static void missing_required_key_is_named(void **state)
{
	(void)state;
	expect_invalid(mini_with("  \"version\": \"1\",\n", "", NULL),
		       1, ORIGIN ": $: \"version\" is missing", NULL);
}

static void number_given_as_a_string_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"format\": 1", "\"format\": \"1\"", NULL),
		       1, ORIGIN ": $: \"format\" must be a whole number", NULL);
}

static void languages_given_as_a_string_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("[\"nl\", \"en\"]", "\"nl\"", NULL),
		       1, ORIGIN ": $: \"languages\" must be an array", NULL);
}

static void language_listed_twice_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("[\"nl\", \"en\"]", "[\"nl\", \"en\", \"nl\"]", NULL),
		       1, ORIGIN ": $.languages[2]: \"nl\" is listed twice", NULL);
}

static void text_given_as_a_string_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"title\": {\"nl\": \"Mini\", \"en\": \"Mini\"}", "\"title\": \"Mini\"", NULL),
		       1, ORIGIN ": $.title: must be an object with a text per language", NULL);
}

static void unknown_key_at_the_top_is_reported_as_a_likely_typo(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"subject\":", "\"subjet\":", NULL),
		       2, ORIGIN ": $: unknown key \"subjet\"", ORIGIN ": $: \"subject\" is missing", NULL);
}

/* ---- Texts and languages ---------------------------------------------- */

static void missing_language_text_is_named_with_its_path(void **state)
{
	(void)state;
	expect_invalid(mini_with(", \"en\": \"The secretary steers.\"", "", NULL),
		       1, ORIGIN ": $.sections[0].items[0].rater: \"en\" is missing", NULL);
}

static void empty_language_text_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"en\": \"I tell.\"", "\"en\": \"\"", NULL),
		       1, ORIGIN ": $.sections[0].items[1].self: \"en\" is empty", NULL);
}

static void text_in_a_language_not_in_the_list_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"en\": \"I steer.\"", "\"en\": \"I steer.\", \"de\": \"Ich steuere.\"", NULL),
		       1, ORIGIN ": $.sections[0].items[0].self: language \"de\" is not in $.languages", NULL);
}

static void text_longer_than_the_maximum_is_refused(void **state)
{
	char *longtext = malloc(INSTR_MAX_TEXT + 16), frag[64];

	(void)state;
	assert_non_null(longtext);
	longtext[0] = '"';
	memset(longtext + 1, 'x', INSTR_MAX_TEXT + 1);
	memcpy(longtext + 1 + INSTR_MAX_TEXT + 1, "\"", 2);
	snprintf(frag, sizeof frag, "\"nl\" is longer than %d bytes", INSTR_MAX_TEXT);
	expect_invalid(mini_with("\"Een tip?\"", longtext, NULL),
		       1, ORIGIN ": $.sections[0].open[0].text: ", frag, NULL);
	/* Exactly the maximum is fine. */
	memcpy(longtext + 1 + INSTR_MAX_TEXT, "\"", 2);
	{
		char *json = mini_with("\"Een tip?\"", longtext, NULL);
		instrument_free(parse_ok(json, strlen(json)));
		free(json);
	}
	free(longtext);
}

/* ---- Scales, dimensions, items ---------------------------------------- */

static void points_not_numbered_in_order_are_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("{\"value\": 2", "{\"value\": 3", NULL),
		       1, ORIGIN ": $.scales[0].points[1]: \"value\" must be 2", NULL);
}

static void points_must_start_at_1(void **state)
{
	(void)state;
	expect_invalid(mini_with("{\"value\": 1", "{\"value\": 0", NULL),
		       1, ORIGIN ": $.scales[0].points[0]: \"value\" must be between 1 and 11, not 0", NULL);
}

static void unknown_scale_is_named_with_its_dimension(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"kind\": \"role\", \"scale\": \"freq\"", "\"kind\": \"role\", \"scale\": \"freq7\"", NULL),
		       1, ORIGIN ": $.dimensions[0]: unknown scale \"freq7\"", NULL);
}

static void unknown_dimension_kind_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"kind\": \"theme\"", "\"kind\": \"thema\"", NULL),
		       1, ORIGIN ": $.dimensions[1]: \"kind\" must be \"theme\", \"role\" or \"competence\", not \"thema\"", NULL);
}

static void dimension_with_no_items_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("  \"dimensions\": [\n",
				 "  \"dimensions\": [\n"
				 "    {\"id\": \"leeg\", \"kind\": \"competence\", \"scale\": \"freq\", "
				 "\"label\": {\"nl\": \"Leeg\", \"en\": \"Empty\"}},\n", NULL),
		       1, ORIGIN ": $.dimensions: dimension \"leeg\" has no items", NULL);
}

static void missing_item_dimension_is_named_with_its_item(void **state)
{
	(void)state;
	/* The dimension then has no items either. */
	expect_invalid(mini_with("\"dimension\": \"rol\", ", "", NULL),
		       2, ORIGIN ": $.sections[0].items[0]: \"dimension\" is missing",
		       ORIGIN ": $.dimensions: dimension \"rol\" has no items", NULL);
}

static void unknown_dimension_is_named_with_its_item(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"dimension\": \"thema\"", "\"dimension\": \"theme\"", NULL),
		       2, ORIGIN ": $.sections[0].items[1]: unknown dimension \"theme\"",
		       ORIGIN ": $.dimensions: dimension \"thema\" has no items", NULL);
}

static void unknown_arena_is_named_with_its_item(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"arena\": \"bv\"", "\"arena\": \"bd\"", NULL),
		       1, ORIGIN ": $.sections[0].items[0]: unknown arena \"bd\"", NULL);
}

static void unknown_item_key_is_reported_as_a_likely_typo(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"arena\": \"bv\"", "\"areana\": \"bv\"", NULL),
		       1, ORIGIN ": $.sections[0].items[0]: unknown key \"areana\"", NULL);
}

static void duplicate_item_id_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"id\": \"THE1\"", "\"id\": \"ROL1\"", NULL),
		       1, ORIGIN ": $.sections[0].items[1]: item id \"ROL1\" is used twice", NULL);
}

static void item_id_in_lower_case_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"id\": \"ROL1\"", "\"id\": \"rol1\"", NULL),
		       1, ORIGIN ": $.sections[0].items[0]: item id \"rol1\" must be upper-case", NULL);
}

static void unknown_audience_of_an_open_question_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"audience\": \"rater\"", "\"audience\": \"raters\"", NULL),
		       1, ORIGIN ": $.sections[0].open[0]: \"audience\" must be \"self\" or \"rater\", not \"raters\"", NULL);
}

/* ---- Groups ----------------------------------------------------------- */

static void threshold_2_on_an_anonymous_group_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"threshold\": 3", "\"threshold\": 2", NULL),
		       1, ORIGIN ": $.groups[1]: \"threshold\" must be at least 3 for an anonymous group", NULL);
	expect_invalid(mini_with("\"threshold\": 3", "\"threshold\": 2, \"anonymous\": true", NULL),
		       1, ORIGIN ": $.groups[1]: \"threshold\" must be at least 3", NULL);
}

static void threshold_0_is_refused_even_when_not_anonymous(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"threshold\": 3", "\"threshold\": 0, \"anonymous\": false", NULL),
		       1, ORIGIN ": $.groups[1]: \"threshold\" must be between 1 and 100, not 0", NULL);
}

static void anonymous_given_as_a_string_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"threshold\": 3", "\"threshold\": 3, \"anonymous\": \"nee\"", NULL),
		       1, ORIGIN ": $.groups[1]: \"anonymous\" must be true or false", NULL);
}

static void unknown_group_key_is_reported_as_a_likely_typo(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"threshold\": 3", "\"treshold\": 3", NULL),
		       1, ORIGIN ": $.groups[1]: unknown key \"treshold\"", NULL);
}

static void missing_group_label_is_named(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"label\": {\"nl\": \"Managementteam\", \"en\": \"Management team\"}, ", "", NULL),
		       1, ORIGIN ": $.groups[1]: \"label\" is missing", NULL);
}

static void no_self_group_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"self\": true, ", "", NULL),
		       1, ORIGIN ": $.groups: must have exactly one group with \"self\": true, not 0", NULL);
}

static void two_self_groups_are_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"threshold\": 3}\n",
				 "\"threshold\": 3},\n"
				 "    {\"id\": \"zelf\", \"self\": true, \"label\": {\"nl\": \"Zelf\", \"en\": \"Self\"}}\n", NULL),
		       2, ORIGIN ": $.groups[2]: the self group must have the id \"self\"",
		       ORIGIN ": $.groups: must have exactly one group with \"self\": true, not 2", NULL);
}

static void self_group_may_not_have_a_threshold(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"self\": true, ", "\"self\": true, \"threshold\": 3, ", NULL),
		       1, ORIGIN ": $.groups[0]: the self group has no threshold", NULL);
}

static void self_group_alone_is_not_enough(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"Self\"}},\n", "\"Self\"}}\n",
				 "    {\"id\": \"mt\", \"label\": {\"nl\": \"Managementteam\", \"en\": \"Management team\"}, \"threshold\": 3}\n", "",
				 NULL),
		       1, ORIGIN ": $: \"groups\" must have between 2 and 32 entries, not 1", NULL);
}

static void group_id_overig_is_reserved(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"id\": \"mt\"", "\"id\": \"overig\"", NULL),
		       1, ORIGIN ": $.groups[1]: \"overig\" is reserved", NULL);
}

static void invitation_minimum_above_maximum_is_refused(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"threshold\": 3", "\"threshold\": 3, \"invite\": {\"min\": 8, \"max\": 4}", NULL),
		       1, ORIGIN ": $.groups[1].invite: \"min\" is larger than \"max\"", NULL);
}

/* ---- Many problems at once -------------------------------------------- */

static void several_problems_in_one_file_are_all_reported(void **state)
{
	(void)state;
	expect_invalid(mini_with("\"title\": {\"nl\": \"Mini\", \"en\": \"Mini\"}",
				 "\"title\": {\"nl\": \"Mini\", \"en\": \"Mini\", \"fr\": \"Mini\"}",
				 "{\"value\": 2", "{\"value\": 5",
				 "\"arena\": \"bv\"", "\"arena\": \"bd\"",
				 "\"id\": \"THE1\"", "\"id\": \"the1\"",
				 "\"threshold\": 3", "\"threshold\": 2",
				 NULL),
		       5,
		       ORIGIN ": $.title: language \"fr\" is not in $.languages",
		       ORIGIN ": $.scales[0].points[1]: \"value\" must be 2",
		       ORIGIN ": $.sections[0].items[0]: unknown arena \"bd\"",
		       ORIGIN ": $.sections[0].items[1]: item id \"the1\" must be upper-case",
		       ORIGIN ": $.groups[1]: \"threshold\" must be at least 3",
		       NULL);
}

/* ---- Damaged files ---------------------------------------------------- */

/* Parse json[0..n) whatever it holds and check that the outcome is
 * consistent: valid with no problems, or refused with as many problem
 * lines as the count, each starting with the origin. Returns 0 when
 * valid, 1 for a syntax error ("origin:LINE:..."), 2 for other problems. */
static int parse_anything(const char *json, size_t n, const char *what)
{
	struct instrument *ins = NULL;
	struct buf problems;
	int rc, nproblem = -1;
	const char *text;
	int outcome = 0;

	buf_init(&problems);
	rc = instrument_parse(json, n, ORIGIN, &ins, &problems, &nproblem);
	text = buf_str(&problems);
	if (rc == AZ_OK) {
		if (ins == NULL || nproblem != 0 || text[0] != '\0')
			fail_msg("%s: valid, yet %d problem(s):\n%s", what, nproblem, text);
		instrument_free(ins);
	} else {
		if (rc != AZ_EINVAL || ins != NULL || nproblem < 1 || test_count_lines(text) != nproblem)
			fail_msg("%s: rc %d, %d problem(s) in %d line(s):\n%s",
				 what, rc, nproblem, test_count_lines(text), text);
		for (const char *line = text; *line; line = strchr(line, '\n') + 1)
			if (strncmp(line, ORIGIN ":", strlen(ORIGIN ":")) != 0)
				fail_msg("%s: a problem without the origin:\n%s", what, text);
		outcome = text[strlen(ORIGIN ":")] == ' ' ? 2 : 1;
	}
	buf_reset(&problems);
	return outcome;
}

static void minimal_instrument_without_any_one_line_is_handled(void **state)
{
	const char *mini = test_mini_instrument();
	size_t n = strlen(mini);
	char *json = malloc(n + 1), what[32];
	int lineno = 1;

	(void)state;
	assert_non_null(json);
	for (const char *line = mini; *line; line = strchr(line, '\n') + 1, lineno++) {
		size_t before = (size_t)(line - mini), len = (size_t)(strchr(line, '\n') + 1 - line);

		memcpy(json, mini, before);
		memcpy(json + before, line + len, n - before - len + 1);
		snprintf(what, sizeof what, "without line %d", lineno);
		parse_anything(json, strlen(json), what);
	}
	assert_int_equal(lineno, 40);
	free(json);
}

/* 5,000 copies of the minimal instrument with a few random bytes
 * deleted, inserted or changed: the parser never crashes (ASan watches)
 * and always answers consistently. */
static void randomly_damaged_instruments_are_handled(void **state)
{
	static const char alphabet[] = "{}[]\":,01 \nabROL\xC3\xA9\xe9";
	const char *mini = test_mini_instrument();
	size_t nmini = strlen(mini);
	char *json = malloc(nmini + 8), what[32];
	uint32_t seed = 1234;
	int seen[3] = {0};

	(void)state;
	assert_non_null(json);
	for (int run = 0; run < 5000; run++) {
		size_t n = nmini;
		int nedit = test_rand_int(&seed, 1, 3);

		memcpy(json, mini, nmini + 1);
		for (int k = 0; k < nedit; k++) {
			size_t at = test_rand(&seed) % n;
			char c = alphabet[test_rand(&seed) % (sizeof alphabet - 1)];

			switch (test_rand(&seed) % 3) {
			case 0:         /* delete */
				memmove(json + at, json + at + 1, n - at);
				n--;
				break;
			case 1:         /* insert */
				memmove(json + at + 1, json + at, n - at + 1);
				json[at] = c;
				n++;
				break;
			default:        /* change */
				json[at] = c;
				break;
			}
		}
		snprintf(what, sizeof what, "run %d", run);
		seen[parse_anything(json, n, what)]++;
	}
	/* Damage reaches the syntax check, the validation, and past both. */
	print_message("valid %d, syntax errors %d, other problems %d\n", seen[0], seen[1], seen[2]);
	assert_true(seen[0] > 100 && seen[1] > 100 && seen[2] > 100);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_instrument_loads_with_its_37_items),
		cmocka_unit_test(default_instrument_has_exactly_one_self_group),
		cmocka_unit_test(default_instrument_items_sections_and_dimensions_fit_together),
		cmocka_unit_test(things_are_found_by_their_id),
		cmocka_unit_test(itext_get_falls_back_to_the_first_language),
		cmocka_unit_test(digest_is_64_hex_digits_that_change_with_the_text),
		cmocka_unit_test(minimal_instrument_is_valid),
		cmocka_unit_test(arena_tag_and_threshold_may_be_left_out),
		cmocka_unit_test(threshold_1_is_fine_for_a_group_declared_not_anonymous),
		cmocka_unit_test(problems_and_their_count_may_be_left_out),
		cmocka_unit_test(syntax_error_names_line_and_column),
		cmocka_unit_test(truncated_file_is_a_syntax_error_at_its_end),
		cmocka_unit_test(duplicate_json_keys_are_a_syntax_error_on_their_line),
		cmocka_unit_test(empty_file_is_refused),
		cmocka_unit_test(json_array_at_the_top_is_refused),
		cmocka_unit_test(bare_string_at_the_top_is_a_syntax_error),
		cmocka_unit_test(invalid_utf8_is_refused),
		cmocka_unit_test(format_2_is_refused),
		cmocka_unit_test(missing_required_key_is_named),
		cmocka_unit_test(number_given_as_a_string_is_refused),
		cmocka_unit_test(languages_given_as_a_string_is_refused),
		cmocka_unit_test(language_listed_twice_is_refused),
		cmocka_unit_test(text_given_as_a_string_is_refused),
		cmocka_unit_test(unknown_key_at_the_top_is_reported_as_a_likely_typo),
		cmocka_unit_test(missing_language_text_is_named_with_its_path),
		cmocka_unit_test(empty_language_text_is_refused),
		cmocka_unit_test(text_in_a_language_not_in_the_list_is_refused),
		cmocka_unit_test(text_longer_than_the_maximum_is_refused),
		cmocka_unit_test(points_not_numbered_in_order_are_refused),
		cmocka_unit_test(points_must_start_at_1),
		cmocka_unit_test(unknown_scale_is_named_with_its_dimension),
		cmocka_unit_test(unknown_dimension_kind_is_refused),
		cmocka_unit_test(dimension_with_no_items_is_refused),
		cmocka_unit_test(missing_item_dimension_is_named_with_its_item),
		cmocka_unit_test(unknown_dimension_is_named_with_its_item),
		cmocka_unit_test(unknown_arena_is_named_with_its_item),
		cmocka_unit_test(unknown_item_key_is_reported_as_a_likely_typo),
		cmocka_unit_test(duplicate_item_id_is_refused),
		cmocka_unit_test(item_id_in_lower_case_is_refused),
		cmocka_unit_test(unknown_audience_of_an_open_question_is_refused),
		cmocka_unit_test(threshold_2_on_an_anonymous_group_is_refused),
		cmocka_unit_test(threshold_0_is_refused_even_when_not_anonymous),
		cmocka_unit_test(anonymous_given_as_a_string_is_refused),
		cmocka_unit_test(unknown_group_key_is_reported_as_a_likely_typo),
		cmocka_unit_test(missing_group_label_is_named),
		cmocka_unit_test(no_self_group_is_refused),
		cmocka_unit_test(two_self_groups_are_refused),
		cmocka_unit_test(self_group_may_not_have_a_threshold),
		cmocka_unit_test(self_group_alone_is_not_enough),
		cmocka_unit_test(group_id_overig_is_reserved),
		cmocka_unit_test(invitation_minimum_above_maximum_is_refused),
		cmocka_unit_test(several_problems_in_one_file_are_all_reported),
		cmocka_unit_test(minimal_instrument_without_any_one_line_is_handled),
		cmocka_unit_test(randomly_damaged_instruments_are_handled),
	};

	return cmocka_run_group_tests_name("instrument", tests, NULL, NULL);
}
