/* test_json.c — the pieces of the streaming JSON writer (render/json.h):
 * strings escaped exactly as jansson escapes them (with JSON_ESCAPE_SLASH),
 * hostile text included, and doubles written as the shortest text that
 * reads back as the same double. */
#include "testutil.h"

#include <jansson.h>
#include <math.h>

#include "../../src/render/json.h"

/* Our escaping of s, as a malloc'd string. */
static char *ours(const char *s)
{
	struct buf b;
	char *out;

	buf_init(&b);
	render_json_string(&b, s);
	assert_false(b.failed);
	out = buf_steal(&b);
	assert_non_null(out);
	return out;
}

/* Fail unless our escaping of s is byte for byte jansson's. */
static void expect_as_jansson(const char *s)
{
	json_t *j = json_string(s);
	char *want, *got;

	assert_non_null(j);
	want = json_dumps(j, JSON_ENCODE_ANY | JSON_ESCAPE_SLASH);
	json_decref(j);
	assert_non_null(want);
	got = ours(s);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

static void strings_escape_quotes_backslashes_and_slashes(void **state)
{
	(void)state;
	expect_as_jansson("");
	expect_as_jansson("L01");
	expect_as_jansson("\"");
	expect_as_jansson("\\");
	expect_as_jansson("</script><script>alert(1)</script>");
	expect_as_jansson("a\"b\\c/d\"\"\\\\//");
	expect_as_jansson("naïve — “quoted” € 𝄞");
	{
		char *got = ours("</script>");
		assert_string_equal(got, "\"<\\/script>\"");
		free(got);
	}
}

static void strings_escape_every_control_character(void **state)
{
	char s[2] = {0, 0};

	(void)state;
	for (int c = 1; c < 0x20; c++) {
		s[0] = (char)c;
		expect_as_jansson(s);
	}
	expect_as_jansson("\x7f");
	expect_as_jansson("tab\there\r\nnew\bline\f\x01\x1f end");
	{
		char *got = ours("\x01\x1b");
		assert_string_equal(got, "\"\\u0001\\u001B\"");
		free(got);
	}
}

static void random_hostile_strings_escape_as_jansson_does(void **state)
{
	static const char *const parts[] = {"\"", "\\", "/", "\n", "\x02", "\x1f", "a", "é",
					    "\xe2\x80\xa8", "\\u0000", "'", "<", "\t", " "};
	uint32_t seed = 20261129;

	(void)state;
	for (int k = 0; k < 2000; k++) {
		char s[256] = "";
		int n = test_rand_int(&seed, 0, 20);
		for (int i = 0; i < n; i++)
			strcat(s, parts[test_rand_int(&seed, 0, (int)(sizeof parts / sizeof *parts) - 1)]);
		expect_as_jansson(s);
	}
}

/* The fewest significant digits (1..17) with which printf's %g gives
 * a text that reads back as v. */
static int shortest_digits(double v)
{
	char t[64];

	for (int p = 1; p <= 17; p++) {
		snprintf(t, sizeof t, "%.*e", p - 1, v);
		if (strtod(t, NULL) == v)
			return p;
	}
	return 17;
}

/* The significant digits of the decimal text t. */
static int digits_of(const char *t)
{
	int n = 0, lead = 1;

	for (; *t && *t != 'e'; t++) {
		if (*t < '0' || *t > '9')
			continue;
		if (lead && *t == '0')
			continue;
		lead = 0;
		n++;
	}
	/* Trailing zeros of an integer written as "40.0" are not needed. */
	return n;
}

/* Fail unless our text of v reads back as v bit for bit, is a JSON
 * real (has '.' or 'e') and has no more digits than the shortest. */
static void expect_round_trip(double v)
{
	char t[JSON_DOUBLE_MAX];
	size_t n = render_json_double(t, v);
	double back;

	assert_int_equal(n, strlen(t));
	assert_true(strchr(t, '.') != NULL || strchr(t, 'e') != NULL);
	back = strtod(t, NULL);
	if (memcmp(&back, &v, sizeof v) != 0) {
		print_error("%.17g was written %s, which reads back as %.17g\n", v, t, back);
		fail();
	}
	if (v != 0 && digits_of(t) > shortest_digits(v) && !(strstr(t, ".0") && fabs(v) >= 1 &&
							     v == floor(v))) {
		print_error("%.17g was written %s, longer than %d digits\n", v, t, shortest_digits(v));
		fail();
	}
}

static void doubles_read_back_and_are_shortest(void **state)
{
	static const double fixed[] = {
		0.0, 1.0, 4.0, 5.0, 0.5, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 3.7, 4.375, 3.8863636363636362,
		0.42372804314259693, 1e-4, 0.00010000000000000001, 9.9999999999999991e-5, 1e15,
		999999999999999.9, 123456789012.5, 1e-5, 1e-300, 5e-324, 2.2250738585072014e-308,
		1.7976931348623157e308, 1e22, 1e23, 8.8817841970012523e-16, 4.4408920985006262e-16,
		0.96551724137931039, 9007199254740993.0, 4503599627370496.5, 2.5, 0.125, 1e21,
		0.30000000000000004, 100.0, 1e14, 65536.0, 0.000123456789};

	(void)state;
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
		expect_round_trip(fixed[i]);
		expect_round_trip(-fixed[i]);
	}
}

static void random_doubles_read_back_and_are_shortest(void **state)
{
	uint32_t seed = 7;

	(void)state;
	/* Means, SDs and gaps as the statistics make them: small fractions. */
	for (int k = 0; k < 200000; k++) {
		int num = test_rand_int(&seed, -400, 400), den = test_rand_int(&seed, 1, 300);
		expect_round_trip((double)num / den);
		expect_round_trip(sqrt((double)test_rand_int(&seed, 1, 100000)) / den);
	}
	/* Any bit pattern that is a finite double. */
	for (int k = 0; k < 200000; k++) {
		uint64_t bits = (uint64_t)test_rand(&seed) << 32 | test_rand(&seed);
		double v;
		memcpy(&v, &bits, sizeof v);
		if (isfinite(v))
			expect_round_trip(v);
	}
	/* Random doubles over the range of the fast path and its edges. */
	for (int k = 0; k < 200000; k++) {
		double v = ldexp((double)test_rand(&seed) * 4294967296.0 + test_rand(&seed),
				 test_rand_int(&seed, -100, 20));
		expect_round_trip(v);
	}
}

static void doubles_are_written_as_jansson_wrote_them_where_short(void **state)
{
	char t[JSON_DOUBLE_MAX];

	(void)state;
	render_json_double(t, 4.0);
	assert_string_equal(t, "4.0");
	render_json_double(t, 0.5);
	assert_string_equal(t, "0.5");
	render_json_double(t, -0.0);
	assert_string_equal(t, "-0.0");
	render_json_double(t, 3.75);
	assert_string_equal(t, "3.75");
	render_json_double(t, 1.0 / 3);
	assert_string_equal(t, "0.3333333333333333");
	render_json_double(t, 1e-5);
	assert_string_equal(t, "1e-5");
	render_json_double(t, 1e20);
	assert_string_equal(t, "1e20");
	render_json_double(t, 1.5e300);
	assert_string_equal(t, "1.5e300");
	render_json_double(t, NAN);
	assert_string_equal(t, "null");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings_escape_quotes_backslashes_and_slashes),
		cmocka_unit_test(strings_escape_every_control_character),
		cmocka_unit_test(random_hostile_strings_escape_as_jansson_does),
		cmocka_unit_test(doubles_read_back_and_are_shortest),
		cmocka_unit_test(random_doubles_read_back_and_are_shortest),
		cmocka_unit_test(doubles_are_written_as_jansson_wrote_them_where_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
