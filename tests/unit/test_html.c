/* test_html.c — the escaping printf and the form parser of the web. */
#include "testutil.h"

#include "../../src/render/html.h"
#include "../../src/web/http.h"

static char *fmt(const char *f, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, f);
	html_vprintf(&b, f, ap);
	va_end(ap);
	return buf_steal(&b);
}

static void text_and_attributes_are_escaped(void **state)
{
	char *s;

	(void)state;
	s = fmt("<p title=\"%a\">%h</p>", "\"><script>x</script>", "Tom & Jerry's <b>");
	assert_string_equal(s, "<p title=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">"
			       "Tom &amp; Jerry&#39;s &lt;b&gt;</p>");
	free(s);
	s = fmt("%h|%h|%h", "", "plain", NULL);
	assert_string_equal(s, "|plain|");
	free(s);
}

static void urls_are_percent_encoded(void **state)
{
	char *s;

	(void)state;
	s = fmt("/r/%u?x=%u", "a b/c", "é&\"<");
	assert_string_equal(s, "/r/a%20b%2Fc?x=%C3%A9%26%22%3C");
	free(s);
}

static void numbers_are_written_exactly(void **state)
{
	char *s;

	(void)state;
	s = fmt("%d %d %ld %lld %zu %.1f %.2f %%", 0, -42, 123456789L, -9223372036854775807LL - 1,
		(size_t)18446744073709551615ull, 2.25, 3.14159);
	assert_string_equal(s, "0 -42 123456789 -9223372036854775808 18446744073709551615 2.2 3.14 %");
	free(s);
}

static void raw_markup_is_the_named_exception(void **state)
{
	char *s;

	(void)state;
	s = fmt("<div>%R</div>", "<b>ours</b>");
	assert_string_equal(s, "<div><b>ours</b></div>");
	free(s);
}

/* The escaped output never holds the context's active characters. */
static void escaped_text_never_contains_markup_characters(void **state)
{
	uint64_t seed = 7;
	char in[64];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		struct buf b;
		for (int i = 0; i < 63; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			in[i] = (char)(1 + (seed >> 33) % 127);
		}
		in[63] = '\0';
		buf_init(&b);
		html_text(&b, in);
		assert_null(strpbrk(buf_str(&b), "<>\"'"));
		for (const char *p = buf_str(&b); (p = strchr(p, '&')) != NULL; p++)
			assert_true(strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 ||
				    strncmp(p, "&gt;", 4) == 0 || strncmp(p, "&quot;", 6) == 0 ||
				    strncmp(p, "&#39;", 5) == 0);
		buf_reset(&b);
	}
}

static void forms_are_decoded(void **state)
{
	struct arena *a = arena_new();
	struct http_param *p;
	size_t n;
	const char *why = NULL;
	const char body[] = "csrf=abc&a_OMG1=4&o_mist=Twee+woorden%21+%C3%A9&empty=&flag&&";

	(void)state;
	assert_int_equal(form_parse(a, body, strlen(body), 10, &p, &n, &why), 0);
	assert_int_equal(n, 5);
	assert_string_equal(p[0].name, "csrf");
	assert_string_equal(p[2].value, "Twee woorden! é");
	assert_string_equal(p[3].value, "");
	assert_string_equal(p[4].name, "flag");
	arena_free(a);
}

static void broken_forms_are_refused_with_a_reason(void **state)
{
	static const char *const bad[] = {"a=%", "a=%4", "a=%zz", "a=%00", "a=%ff", "a=%C3", "%ff=1"};
	struct arena *a = arena_new();
	struct http_param *p;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = NULL;
		assert_int_equal(form_parse(a, bad[i], strlen(bad[i]), 10, &p, &n, &why), -1);
		assert_non_null(why);
	}
	{
		const char *why = NULL;
		assert_int_equal(form_parse(a, "a=1&b=2&c=3", 11, 2, &p, &n, &why), -1);
		assert_string_equal(why, "too many fields");
	}
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_and_attributes_are_escaped),
		cmocka_unit_test(urls_are_percent_encoded),
		cmocka_unit_test(numbers_are_written_exactly),
		cmocka_unit_test(raw_markup_is_the_named_exception),
		cmocka_unit_test(escaped_text_never_contains_markup_characters),
		cmocka_unit_test(forms_are_decoded),
		cmocka_unit_test(broken_forms_are_refused_with_a_reason),
	};
	return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
