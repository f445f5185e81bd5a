/* test_mail.c — composing e-mail (languages, escaping, links), the MIME
 * form (encoded headers, quoted-printable, no header injection), the
 * outcome of an SMTP exchange, the retry schedule, reminder days and the
 * e-mail settings. The sending itself is tested against a real SMTP
 * server in tests/e2e/test_mail.sh. */
#include "testutil.h"

#include <curl/curl.h>

#include "../../src/core/core_mail.h"
#include "../../src/mail/mailconf.h"
#include "../../src/mail/mime.h"
#include "../../src/mail/smtp.h"
#include "../../src/render/mail.h"

/* ---- helpers ---------------------------------------------------------- */

static int b64val(char c)
{
	const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = strchr(tab, c);
	return c && p ? (int)(p - tab) : -1;
}

/* Decode a header written by mime_header_text: plain, or encoded-words
 * folded with CRLF SP (whitespace between encoded-words is dropped). */
static void header_decode(const char *in, char *out)
{
	size_t k = 0;

	if (strncmp(in, "=?UTF-8?B?", 10) != 0) {
		strcpy(out, in);
		return;
	}
	while ((in = strstr(in, "=?UTF-8?B?")) != NULL) {
		const char *end = strstr(in + 10, "?=");
		unsigned v = 0;
		int bits = 0;
		for (const char *p = in + 10; p < end; p++) {
			int d = b64val(*p);
			if (d < 0)
				continue;
			v = (v << 6) | (unsigned)d;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out[k++] = (char)((v >> bits) & 0xFF);
			}
		}
		in = end + 2;
	}
	out[k] = '\0';
}

/* Decode quoted-printable with CRLF line ends back to text with '\n'. */
static void qp_decode(const char *in, char *out)
{
	size_t k = 0;

	while (*in) {
		if (in[0] == '=' && in[1] == '\r' && in[2] == '\n') {
			in += 3;
		} else if (in[0] == '=') {
			char h[3] = {in[1], in[2], 0};
			out[k++] = (char)strtol(h, NULL, 16);
			in += 3;
		} else if (in[0] == '\r' && in[1] == '\n') {
			out[k++] = '\n';
			in += 2;
		} else {
			out[k++] = *in++;
		}
	}
	out[k] = '\0';
}

/* The text with its line breaks made spaces (wrapping may break anywhere). */
static const char *flat(struct arena *a, const char *s)
{
	char *f = arena_strdup(a, s);

	for (char *p = f; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return f;
}

static void assert_lines_at_most(const char *s, size_t max)
{
	while (*s) {
		const char *nl = strstr(s, "\r\n");
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n > max) {
			print_error("line of %zu > %zu: %.*s\n", n, max, (int)n, s);
			fail();
		}
		s += n + (nl ? 2 : 0);
	}
}

/* ---- MIME ------------------------------------------------------------- */

static void ascii_header_stays_as_it_is(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	mime_header_text(&b, "Your feedback on Anna de Vries");
	assert_string_equal(buf_str(&b), "Your feedback on Anna de Vries");
	buf_reset(&b);
}

static void non_ascii_header_is_encoded_in_short_words(void **state)
{
	const char *subject = "Uw feedback over Zoë Ürdal-Ñúñez — één groot aanwezigheidsprofiel voor "
			      "de gemeente 's-Hertogenbosch 🙂";
	char back[512];
	struct buf b;

	(void)state;
	buf_init(&b);
	mime_header_text(&b, subject);
	assert_non_null(strstr(buf_str(&b), "=?UTF-8?B?"));
	for (const char *p = buf_str(&b); *p; p++)
		assert_true((unsigned char)*p < 0x80);
	assert_lines_at_most(buf_str(&b), 75);
	header_decode(buf_str(&b), back);
	assert_string_equal(back, subject);
	buf_reset(&b);
}

static void line_breaks_in_a_header_become_spaces(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	mime_header_text(&b, "Hello\r\nBcc: evil@example.org\nX: y");
	assert_null(strchr(buf_str(&b), '\r'));
	assert_null(strchr(buf_str(&b), '\n'));
	buf_reset(&b);
	/* An encoded-word look-alike is encoded itself, not passed through. */
	mime_header_text(&b, "=?UTF-8?B?QmNjOiBldmls?=");
	assert_true(strncmp(buf_str(&b), "=?UTF-8?B?", 10) == 0);
	assert_string_not_equal(buf_str(&b), "=?UTF-8?B?QmNjOiBldmls?=");
	buf_reset(&b);
}

static void quoted_printable_round_trips_and_keeps_lines_short(void **state)
{
	const char *text = "Beste Zoë,\n\n.a line that starts with a dot\nequals = sign and trailing space \n"
			   "a very long line aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa é é é é é é é é é é é é é é\n"
			   "http://localhost:8080/r/9Aug1hdHTBWjD5FYBtMd7A\n";
	char back[1024];
	struct buf b;

	(void)state;
	buf_init(&b);
	mime_qp(&b, text);
	assert_lines_at_most(buf_str(&b), 76);
	assert_non_null(strstr(buf_str(&b), "\r\n=2Ea line"));
	assert_non_null(strstr(buf_str(&b), "=3D sign"));
	assert_non_null(strstr(buf_str(&b), "space=20\r\n"));
	qp_decode(buf_str(&b), back);
	assert_string_equal(back, text);
	buf_reset(&b);
}

static struct mime_message sample(void)
{
	struct mime_message m = {0};

	m.from = "aanwezig@gemeente.example";
	m.from_name = "Gemeente \"Test\" <x>";
	m.to = "piet@example.org";
	m.subject = "Feedback\r\nBcc: evil@example.org";
	m.text = "Hallo\n";
	m.html = "<p>Hallo</p>\n";
	m.lang = "nl";
	m.message_id = "<aanwezig.1.2@gemeente.example>";
	m.date = 1732870800;    /* 2024-11-29 09:00:00 UTC, a Friday */
	m.boundary = "=_az_test";
	return m;
}

static void a_message_has_its_headers_and_both_parts(void **state)
{
	struct mime_message m = sample();
	const char *why = NULL;
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(mime_build(&m, &b, &why), 0);
	assert_true(strncmp(buf_str(&b), "Date: Fri, 29 Nov 2024 09:00:00 +0000\r\n", 39) == 0);
	assert_contains(buf_str(&b), "\r\nTo: piet@example.org\r\n");
	assert_contains(buf_str(&b), "\r\nMessage-ID: <aanwezig.1.2@gemeente.example>\r\n");
	assert_contains(buf_str(&b), "\r\nContent-Language: nl\r\n");
	assert_contains(buf_str(&b), "\r\nAuto-Submitted: auto-generated\r\n");
	assert_contains(buf_str(&b), "multipart/alternative; boundary=\"=_az_test\"");
	assert_contains(buf_str(&b), "--=_az_test\r\nContent-Type: text/plain; charset=UTF-8");
	assert_contains(buf_str(&b), "--=_az_test\r\nContent-Type: text/html; charset=UTF-8");
	assert_contains(buf_str(&b), "\r\n--=_az_test--\r\n");
	/* The display name with quotes and brackets is encoded, never raw. */
	assert_null(strstr(buf_str(&b), "\"Test\""));
	assert_contains(buf_str(&b), "From: =?UTF-8?B?");
	assert_contains(buf_str(&b), " <aanwezig@gemeente.example>\r\n");
	/* No header was injected through the subject. */
	assert_null(strstr(buf_str(&b), "\r\nBcc:"));
	assert_lines_at_most(buf_str(&b), 998);
	buf_reset(&b);
}

static void an_unusable_address_builds_no_message(void **state)
{
	struct mime_message m = sample();
	const char *why = NULL;
	struct buf b;

	(void)state;
	buf_init(&b);
	m.to = "piet@example.org\r\nBcc: evil@example.org";
	assert_int_equal(mime_build(&m, &b, &why), -1);
	assert_contains(why, "recipient");
	m.to = "piet@example.org>, <evil@example.org";
	assert_int_equal(mime_build(&m, &b, &why), -1);
	m.to = "piet@example.org";
	m.from = "no address";
	assert_int_equal(mime_build(&m, &b, &why), -1);
	assert_contains(why, "sender");
	buf_reset(&b);
	assert_true(mime_address_ok("jos\xC3\xA9@caf\xC3\xA9.nl"));
	assert_false(mime_address_ok("@x.nl"));
	assert_false(mime_address_ok("a@"));
}

/* ---- composing -------------------------------------------------------- */

static struct mail_invite invite(const char *lang)
{
	struct mail_invite in = {0};

	in.lang = lang;
	in.kind = MAIL_INVITE;
	in.name = "Piet <script>alert(1)</script> & \"Zoë\"";
	in.leader = "Anna de Vries";
	in.organisation = "Gemeente Tilburg";
	in.group = "Directie / MT";
	in.anonymous = 1;
	in.threshold = 4;
	in.minutes = 12;
	in.deadline = "2099-03-01";
	in.note = "Schrijf geen namen.";
	in.link = MAIL_LINK_MARK;
	return in;
}

static void an_invitation_is_in_dutch_or_english(void **state)
{
	struct arena *a = arena_new();
	struct mail_invite in = invite("nl");
	struct mail_text t;
	struct err e = {0};

	(void)state;
	assert_int_equal(mail_render_invite(a, &in, &t, &e), AZ_OK);
	assert_string_equal(t.subject, "Uw feedback over Anna de Vries");
	assert_contains(t.text, "Beste Piet");
	assert_contains(flat(a, t.text), "1 maart 2099");
	assert_contains(flat(a, t.text), "ten minste 4 mensen");
	assert_contains(flat(a, t.text), "12 minuten");
	assert_contains(t.html, "<html lang=\"nl\">");
	in = invite("en");
	assert_int_equal(mail_render_invite(a, &in, &t, &e), AZ_OK);
	assert_string_equal(t.subject, "Your feedback on Anna de Vries");
	assert_contains(t.text, "Dear Piet");
	assert_contains(flat(a, t.text), "1 March 2099");
	assert_contains(flat(a, t.text), "at least 4 people");
	assert_contains(t.html, "<html lang=\"en\">");
	arena_free(a);
}

static void names_are_escaped_in_html_and_plain_in_text(void **state)
{
	struct arena *a = arena_new();
	struct mail_invite in = invite("en");
	struct mail_text t;
	struct err e = {0};

	(void)state;
	assert_int_equal(mail_render_invite(a, &in, &t, &e), AZ_OK);
	assert_null(strstr(t.html, "<script>"));
	assert_contains(t.html, "Piet &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Zoë&quot;");
	assert_contains(flat(a, t.text), "Piet <script>alert(1)</script> & \"Zoë\"");
	arena_free(a);
}

static void text_lines_are_wrapped_but_links_are_whole(void **state)
{
	struct arena *a = arena_new();
	struct mail_invite in = invite("nl");
	struct mail_text t;
	struct err e = {0};
	const char *url = "https://feedback.gemeente.example/r/9Aug1hdHTBWjD5FYBtMd7A?a=1&b=2";
	const char *text, *html;

	(void)state;
	assert_int_equal(mail_render_invite(a, &in, &t, &e), AZ_OK);
	text = mail_link_fill(a, t.text, url, 0);
	html = mail_link_fill(a, t.html, url, 1);
	assert_contains(text, "\nhttps://feedback.gemeente.example/r/9Aug1hdHTBWjD5FYBtMd7A?a=1&b=2\n");
	assert_contains(html, "href=\"https://feedback.gemeente.example/r/9Aug1hdHTBWjD5FYBtMd7A?a=1&amp;b=2\"");
	assert_null(strstr(text, MAIL_LINK_MARK));
	assert_null(strstr(html, MAIL_LINK_MARK));
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p), cols = 0;
		for (size_t i = 0; i < n; i++)
			cols += ((unsigned char)p[i] & 0xC0) != 0x80;
		if (strncmp(p, "https://", 8) != 0)
			assert_true(cols <= 72);
		p += n + (nl != NULL);
	}
	arena_free(a);
}

static void a_group_that_is_not_anonymous_is_said_so(void **state)
{
	struct arena *a = arena_new();
	struct mail_invite in = invite("en");
	struct mail_text t;
	struct err e = {0};

	(void)state;
	in.anonymous = 0;
	assert_int_equal(mail_render_invite(a, &in, &t, &e), AZ_OK);
	assert_contains(flat(a, t.text), "not anonymous");
	assert_null(strstr(flat(a, t.text), "at least 4 people"));
	in = invite("en");
	in.kind = MAIL_REMIND;
	assert_int_equal(mail_render_invite(a, &in, &t, &e), AZ_OK);
	assert_contains(t.subject, "Reminder");
	in.self = 1;
	in.group = NULL;
	assert_int_equal(mail_render_invite(a, &in, &t, &e), AZ_OK);
	assert_contains(t.subject, "own reflection");
	arena_free(a);
}

static void login_and_report_messages_carry_their_link(void **state)
{
	struct arena *a = arena_new();
	struct mail_text t;
	struct err e = {0};

	(void)state;
	assert_int_equal(mail_render_login(a, "nl", "Anna", "http://x.example/login/abc", &t, &e), AZ_OK);
	assert_string_equal(t.subject, "Uw inloglink voor aanwezig");
	assert_contains(t.text, "http://x.example/login/abc");
	assert_int_equal(mail_render_released(a, "en", "Anna", MAIL_LINK_MARK, &t, &e), AZ_OK);
	assert_string_equal(t.subject, "Your presence profile is ready");
	assert_contains(t.text, MAIL_LINK_MARK);
	arena_free(a);
}

/* ---- outcomes, retries, reminders, settings --------------------------- */

static void smtp_outcomes_follow_the_reply(void **state)
{
	(void)state;
	assert_int_equal(smtp_classify(CURLE_OK, 250, "DATA", 1), SMTP_SENT);
	assert_int_equal(smtp_classify(CURLE_SEND_ERROR, 550, "RCPT", 0), SMTP_PERMANENT);
	assert_int_equal(smtp_classify(CURLE_WEIRD_SERVER_REPLY, 554, "DATA", 1), SMTP_PERMANENT);
	assert_int_equal(smtp_classify(CURLE_SEND_ERROR, 451, "DATA", 1), SMTP_TEMPORARY);
	assert_int_equal(smtp_classify(CURLE_SEND_ERROR, 421, "", 0), SMTP_TEMPORARY);
	assert_int_equal(smtp_classify(CURLE_SEND_ERROR, 553, "MAIL", 0), SMTP_CONFIG);
	assert_int_equal(smtp_classify(CURLE_LOGIN_DENIED, 535, "AUTH", 0), SMTP_CONFIG);
	assert_int_equal(smtp_classify(CURLE_USE_SSL_FAILED, 250, "EHLO", 0), SMTP_CONFIG);
	assert_int_equal(smtp_classify(CURLE_COULDNT_CONNECT, 0, "", 0), SMTP_UNREACHABLE);
	assert_int_equal(smtp_classify(CURLE_OPERATION_TIMEDOUT, 0, "", 0), SMTP_UNREACHABLE);
	/* The whole message went out, the confirmation never came. */
	assert_int_equal(smtp_classify(CURLE_OPERATION_TIMEDOUT, 354, "DATA", 1), SMTP_UNCERTAIN);
	assert_int_equal(smtp_classify(CURLE_RECV_ERROR, 354, "DATA", 1), SMTP_UNCERTAIN);
}

static void retries_wait_twice_as_long_each_time_up_to_a_cap(void **state)
{
	struct mail_settings ms;

	(void)state;
	mail_settings_init(&ms);
	assert_int_equal(core_mail_backoff(&ms, 1), 60);
	assert_int_equal(core_mail_backoff(&ms, 2), 120);
	assert_int_equal(core_mail_backoff(&ms, 3), 240);
	assert_int_equal(core_mail_backoff(&ms, 6), 1920);
	assert_int_equal(core_mail_backoff(&ms, 7), 3600);
	assert_int_equal(core_mail_backoff(&ms, 50), 3600);
	ms.retry_first = 1;
	ms.retry_max = 5;
	assert_int_equal(core_mail_backoff(&ms, 1), 1);
	assert_int_equal(core_mail_backoff(&ms, 3), 4);
	assert_int_equal(core_mail_backoff(&ms, 4), 5);
}

static void dates_add_across_months_and_leap_years(void **state)
{
	char out[11];

	(void)state;
	assert_int_equal(core_date_add("2024-03-01", -1, out), 0);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(core_date_add("2023-03-01", -1, out), 0);
	assert_string_equal(out, "2023-02-28");
	assert_int_equal(core_date_add("2024-12-31", 1, out), 0);
	assert_string_equal(out, "2025-01-01");
	assert_int_equal(core_date_add("2025-06-15", -90, out), 0);
	assert_string_equal(out, "2025-03-17");
	assert_int_equal(core_date_add("not a date", 1, out), -1);
}

static void a_reminder_is_due_on_its_day_and_only_the_latest(void **state)
{
	int d = 0;

	(void)state;
	assert_true(core_reminders_valid("7,2"));
	assert_true(core_reminders_valid(""));
	assert_false(core_reminders_valid("7,"));
	assert_false(core_reminders_valid("0"));
	assert_false(core_reminders_valid("seven"));
	assert_false(core_reminders_valid("400"));
	/* Deadline 2025-03-10: days 7 and 2 before are 03-03 and 03-08. */
	assert_false(core_reminder_due("7,2", "2025-02-20", "2025-03-10", "2025-03-02", &d));
	assert_true(core_reminder_due("7,2", "2025-02-20", "2025-03-10", "2025-03-03", &d));
	assert_int_equal(d, 7);
	assert_true(core_reminder_due("7,2", "2025-02-20", "2025-03-10", "2025-03-07", &d));
	assert_int_equal(d, 7);
	assert_true(core_reminder_due("2,7", "2025-02-20", "2025-03-10", "2025-03-09", &d));
	assert_int_equal(d, 2);
	assert_true(core_reminder_due("7,2", "2025-02-20", "2025-03-10", "2025-03-10", &d));
	assert_false(core_reminder_due("7,2", "2025-02-20", "2025-03-10", "2025-03-11", &d));
	assert_false(core_reminder_due("", "2025-02-20", "2025-03-10", "2025-03-09", &d));
	assert_false(core_reminder_due("7,2", "2025-02-20", NULL, "2025-03-09", &d));
	/* Opened on 03-05: the 7-day reminder (03-03) never comes. */
	assert_false(core_reminder_due("7", "2025-03-05", "2025-03-10", "2025-03-06", &d));
	assert_true(core_reminder_due("7,2", "2025-03-05", "2025-03-10", "2025-03-08", &d));
	assert_int_equal(d, 2);
}

static void settings_are_read_and_mistakes_named(void **state)
{
	struct mail_settings ms;
	struct err e = {0};

	(void)state;
	mail_settings_init(&ms);
	assert_int_equal(mail_settings_parse(&ms, "# e-mail\nurl = smtp://mail.example:587\n"
					     "starttls = optional\r\nuser = me\nfrom = Aanwezig@Gemeente.example\n"
					     "from-name = Gemeente Zoë\ntimeout = 30\nretry-first = 2\n"
					     "max-attempts = 3\n", "test.smtp", &e), AZ_OK);
	assert_string_equal(ms.smtp.url, "smtp://mail.example:587");
	assert_int_equal(ms.smtp.tls, SMTP_TLS_OPTIONAL);
	assert_string_equal(ms.smtp.user, "me");
	assert_string_equal(ms.smtp.from, "aanwezig@gemeente.example");
	assert_int_equal(ms.smtp.timeout, 30);
	assert_int_equal(ms.retry_first, 2);
	assert_int_equal(ms.max_attempts, 3);
	mail_settings_reset(&ms);

	assert_int_equal(mail_settings_parse(&ms, "url = smtp://x.example\npassword = secret\n", "f", &e),
			 AZ_EINVAL);
	assert_contains(e.msg, "f:2:");
	assert_contains(e.msg, "password-file");
	mail_settings_reset(&ms);
	assert_int_equal(mail_settings_parse(&ms, "url = http://x.example\n", "f", &e), AZ_EINVAL);
	assert_contains(e.msg, "smtp://");
	mail_settings_reset(&ms);
	assert_int_equal(mail_settings_parse(&ms, "\n\nstarttls = maybe\n", "f", &e), AZ_EINVAL);
	assert_contains(e.msg, "f:3:");
	mail_settings_reset(&ms);
	assert_int_equal(mail_settings_parse(&ms, "timeout = 0\n", "f", &e), AZ_EINVAL);
	mail_settings_reset(&ms);
	assert_int_equal(mail_settings_parse(&ms, "from = not an address\n", "f", &e), AZ_EINVAL);
	assert_contains(e.msg, "sender address");
	mail_settings_reset(&ms);
	assert_int_equal(mail_settings_parse(&ms, "colour = blue\n", "f", &e), AZ_EINVAL);
	assert_contains(e.msg, "unknown setting");
	mail_settings_reset(&ms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_header_stays_as_it_is),
		cmocka_unit_test(non_ascii_header_is_encoded_in_short_words),
		cmocka_unit_test(line_breaks_in_a_header_become_spaces),
		cmocka_unit_test(quoted_printable_round_trips_and_keeps_lines_short),
		cmocka_unit_test(a_message_has_its_headers_and_both_parts),
		cmocka_unit_test(an_unusable_address_builds_no_message),
		cmocka_unit_test(an_invitation_is_in_dutch_or_english),
		cmocka_unit_test(names_are_escaped_in_html_and_plain_in_text),
		cmocka_unit_test(text_lines_are_wrapped_but_links_are_whole),
		cmocka_unit_test(a_group_that_is_not_anonymous_is_said_so),
		cmocka_unit_test(login_and_report_messages_carry_their_link),
		cmocka_unit_test(smtp_outcomes_follow_the_reply),
		cmocka_unit_test(retries_wait_twice_as_long_each_time_up_to_a_cap),
		cmocka_unit_test(dates_add_across_months_and_leap_years),
		cmocka_unit_test(a_reminder_is_due_on_its_day_and_only_the_latest),
		cmocka_unit_test(settings_are_read_and_mistakes_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
