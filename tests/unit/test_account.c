/* test_account.c — the password policy and its list, Argon2id hashing,
 * logging in, rate limits, sessions with their expiry, one-time links and
 * password changes, against a real SQLite store. Times are passed in, so
 * the tests move the clock instead of waiting. */
#include "testutil.h"

#include <sodium.h>
#include <time.h>
#include <unistd.h>

#include "../../src/core/core.h"
#include "../../src/core/core_mail.h"
#include "../../src/render/mail.h"
#include "../../src/util/text.h"

extern const char common_passwords_txt[];
extern const size_t common_passwords_txt_len;

static const char PW[] = "Regen op het dak van het gemeentehuis";

/* ---- The policy ---- */

static void policy_counts_characters_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(password_check("kort maar goed", NULL), PW_SHORT);           /* 14 */
	assert_int_equal(password_check("kort maar goed!", NULL), PW_OK);             /* 15 */
	/* 14 characters in 17 bytes: still too short. */
	assert_int_equal(password_check("één twee drië!", NULL), PW_SHORT);
	assert_int_equal(password_check("één twee drië vîe", NULL), PW_OK);
	{
		char longpw[200];
		memset(longpw, 0, sizeof longpw);
		for (int i = 0; i < 129; i++)
			longpw[i] = (char)('a' + (i * 7) % 26);
		assert_int_equal(password_check(longpw, NULL), PW_LONG);
		longpw[128] = '\0';
		assert_int_equal(password_check(longpw, NULL), PW_OK);
	}
	assert_int_equal(password_check("regel een\nregel twee", NULL), PW_INVALID);
	assert_int_equal(password_check("met een \x01 teken erin", NULL), PW_INVALID);
	assert_int_equal(password_check("ongeldig \xff\xfe utf-8 hier", NULL), PW_INVALID);
	/* Counted after NFKC: "e" and a combining accent are one character. */
	assert_int_equal(password_check("e\xcc\x81" "e\xcc\x81" "n twee drie!", NULL), PW_SHORT);
}

static void policy_has_no_composition_rules(void **state)
{
	(void)state;
	/* Lower case only, no digits, spaces: fine when long and uncommon. */
	assert_int_equal(password_check("correct horse battery staple", NULL), PW_OK);
	assert_int_equal(password_check("mijn kat heet poes en slaapt", NULL), PW_OK);
	assert_int_equal(password_check(PW, NULL), PW_OK);
	assert_int_equal(password_check("271828182845904", NULL), PW_OK);
}

static void the_list_is_sorted_and_every_entry_is_found(void **state)
{
	const char *t = common_passwords_txt, *end = t + common_passwords_txt_len, *prev = NULL;
	size_t nprev = 0, count = 0;

	(void)state;
	while (t < end) {
		const char *nl = memchr(t, '\n', (size_t)(end - t));
		size_t n = nl ? (size_t)(nl - t) : (size_t)(end - t);
		assert_true(n > 0);
		if (prev != NULL) {
			int c = memcmp(prev, t, nprev < n ? nprev : n);
			assert_true(c < 0 || (c == 0 && nprev < n));
		}
		assert_true(password_listed(t, n));
		prev = t, nprev = n, count++;
		t += n + 1;
	}
	assert_int_equal(count, 30000);
	assert_true(password_listed("password", 8));
	assert_true(password_listed("123456", 6));
	assert_false(password_listed("passw0rdx", 9));
	assert_false(password_listed("passwordx", 9));
	assert_false(password_listed("", 0));
	assert_false(password_listed("zzzzzzzzzzzzzzzzzzzzzz", 22));
}

static void common_passwords_and_their_disguises_are_refused(void **state)
{
	(void)state;
	/* Listed ones of 15 characters or more, in any case. */
	assert_int_equal(password_check("1qaz2wsx3edc4rfv", NULL), PW_COMMON);
	assert_int_equal(password_check("QWERTYUIOP12345", NULL), PW_COMMON);
	assert_int_equal(password_check("PasswordStandard", NULL), PW_COMMON);
	/* Digits and punctuation around a listed one. */
	assert_int_equal(password_check("Password12345678!", NULL), PW_COMMON);
	assert_int_equal(password_check("!!!iloveyou2024!!!", NULL), PW_COMMON);
	/* Two listed ones in a row, or one twice, with or without spaces. */
	assert_int_equal(password_check("sunshineprincess", NULL), PW_COMMON);
	assert_int_equal(password_check("Sunshine Princess", NULL), PW_COMMON);
	assert_int_equal(password_check("password password", NULL), PW_COMMON);
	/* The site's own name. */
	assert_int_equal(password_check("Aanwezigheidsprofiel", NULL), PW_COMMON);
	assert_int_equal(password_check("aanwezig2026!!!!!", NULL), PW_COMMON);
}

static void patterns_and_personal_words_are_refused(void **state)
{
	(void)state;
	/* Refused either way: some of these are on the list as well. */
	assert_int_not_equal(password_check("aaaaaaaaaaaaaaaa", NULL), PW_OK);
	assert_int_not_equal(password_check("987654321098765", NULL), PW_OK);
	assert_int_equal(password_check("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", NULL), PW_PATTERN);
	assert_int_equal(password_check("xyzxyzxyzxyzxyz", NULL), PW_PATTERN);
	assert_int_equal(password_check("ab-ab-ab-ab-ab-ab", NULL), PW_PATTERN);
	assert_int_equal(password_check("abcdefghijklmnop", NULL), PW_PATTERN);
	assert_int_equal(password_check("9876543210987654321098", NULL), PW_PATTERN);
	assert_int_equal(password_check("jansen.k is mijn naam hier", "jansen.k@dijkwaard.nl"), PW_PERSONAL);
	assert_int_equal(password_check("mijn adres jansen.k@dijkwaard.nl", "jansen.k@dijkwaard.nl"), PW_PERSONAL);
	assert_int_equal(password_check("jansen.k is mijn naam hier", "other@dijkwaard.nl"), PW_OK);
	for (int p = PW_SHORT; p <= PW_PERSONAL; p++)
		assert_true(strlen(password_problem_text(p)) > 20);
}

/* ---- Hashing ---- */

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void hashing_verifies_and_flags_old_limits(void **state)
{
	char hash[PASSWORD_HASH_BYTES], old[PASSWORD_HASH_BYTES];
	struct err e = {0};
	int rehash = -1;
	double t0, t1, t2;

	(void)state;
	assert_int_equal(password_hash(PW, hash, &e), AZ_OK);
	assert_int_equal(strncmp(hash, "$argon2id$v=19$m=65536,t=2,p=1$", 31), 0);
	t0 = seconds();
	assert_true(password_verify(hash, PW, &rehash));
	t1 = seconds();
	assert_int_equal(rehash, 0);
	assert_false(password_verify(hash, "Regen op het dak van het gemeentehuiS", NULL));
	/* An unknown account: the dummy hash, as costly as a real one. */
	assert_false(password_verify(NULL, PW, &rehash));
	t2 = seconds();
	assert_true(password_dummy_current());
	print_message("argon2id verify: %.1f ms; unknown account: %.1f ms\n", (t1 - t0) * 1e3,
		      (t2 - t1) * 1e3 / 2);
	/* One password however its accents are typed: NFKC first. */
	assert_int_equal(password_hash("caf\xc3\xa9 op de hoek van de markt", hash, &e), AZ_OK);
	assert_true(password_verify(hash, "cafe\xcc\x81 op de hoek van de markt", NULL));
	assert_false(password_verify(hash, "cafe op de hoek van de markt", NULL));
	/* Made with weaker limits: still verifies, and asks to be redone. */
	assert_int_equal(crypto_pwhash_str(old, PW, strlen(PW), crypto_pwhash_OPSLIMIT_MIN, 8192 * 1024), 0);
	assert_true(password_verify(old, PW, &rehash));
	assert_int_equal(rehash, 1);
}

/* ---- Against a store ---- */

struct fx {
	char dir[64];
	char db[512];              /* a SQLite file, or a PostgreSQL database (test_db_target) */
	char key[96];
	struct core c;
	struct arena *a;
	int64_t admin, coach;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct err e = {0};
	int64_t leader;

	strcpy(f->dir, "/tmp/aanwezig-account-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	test_db_target(f->db, sizeof f->db, f->dir, "a");
	snprintf(f->key, sizeof f->key, "%s/a.key", f->dir);
	assert_int_equal(core_init(f->db, f->key, &e), AZ_OK);
	assert_int_equal(core_open(&f->c, f->db, f->key, "https://aanwezig.example", &e), AZ_OK);
	assert_non_null(f->a = arena_new());
	assert_int_equal(core_user_add(&f->c, &core_cli_actor, "Beheer@Dijkwaard.nl", "Bea Beheer", ROLE_ADMIN, 0,
				       PW, "nl", &f->admin, &e), AZ_OK);
	assert_int_equal(core_user_add(&f->c, &core_cli_actor, "coach@example.org", "Cor Coach", ROLE_COACH, 0,
				       NULL, "en", &f->coach, &e), AZ_OK);
	assert_int_equal(core_leader_add(&f->c, "Lea Leider", "lea@dijkwaard.nl", "Gemeente Dijkwaard", "nl",
					 &leader, &e), AZ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	arena_free(f->a);
	core_close(&f->c);
	test_db_drop(f->db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void adding_accounts_checks_everything(void **state)
{
	struct fx *f = *state;
	struct err e = {0};
	struct user u;
	int64_t id;

	assert_int_equal(core_user_add(&f->c, NULL, "beheer@dijkwaard.nl", "Again", ROLE_ADMIN, 0, NULL, NULL, &id, &e),
			 AZ_EDUP);
	assert_int_equal(core_user_add(&f->c, NULL, "no-at-sign", "X", ROLE_ADMIN, 0, NULL, NULL, &id, &e), AZ_EINVAL);
	assert_int_equal(core_user_add(&f->c, NULL, "x@example.org", "X", ROLE_LEADER, 0, NULL, NULL, &id, &e), AZ_EINVAL);
	assert_int_equal(core_user_add(&f->c, NULL, "x@example.org", "X", ROLE_LEADER, 99, NULL, NULL, &id, &e), AZ_EINVAL);
	assert_contains(e.msg, "no leader 99");
	assert_int_equal(core_user_add(&f->c, NULL, "x@example.org", "X", ROLE_COACH, 1, NULL, NULL, &id, &e), AZ_EINVAL);
	assert_int_equal(core_user_add(&f->c, NULL, "x@example.org", "X", ROLE_COACH, 0, "password123456789", NULL,
				       &id, &e), AZ_EINVAL);
	assert_contains(e.msg, "too common");
	assert_int_equal(core_user_add(&f->c, NULL, "x@example.org", "X", 3, 0, NULL, NULL, &id, &e), AZ_EINVAL);
	assert_int_equal(core_user_add(&f->c, NULL, "lea@dijkwaard.nl", "Lea", ROLE_LEADER, 1, NULL, NULL, &id, &e), AZ_OK);
	/* Stored normalised, with an Argon2id hash and never the password. */
	assert_int_equal(f->c.st->ops->user_by_email(f->c.st, f->a, "beheer@dijkwaard.nl", &u, &e), AZ_OK);
	assert_string_equal(u.name, "Bea Beheer");
	assert_int_equal(strncmp(u.password, "$argon2id$", 10), 0);
	assert_null(strstr(u.password, "Regen"));
}

static struct client_info at(int64_t now)
{
	struct client_info ci = {"192.0.2.7", now};

	return ci;
}

static void every_wrong_login_gets_the_same_answer(void **state)
{
	struct fx *f = *state;
	struct client_info ci = at(1800000000);
	struct login l;
	struct err e1 = {0}, e2 = {0}, e3 = {0};

	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", "wrong but long enough", &l, &e1),
			 AZ_EDENIED);
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "nobody@dijkwaard.nl", PW, &l, &e2), AZ_EDENIED);
	/* The coach has no password: logs in by link only. */
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "coach@example.org", "", &l, &e3), AZ_EDENIED);
	assert_string_equal(e1.msg, e2.msg);
	assert_string_equal(e1.msg, e3.msg);
	assert_int_equal(l.user.id, 0);
	assert_int_equal(core_login_password(&f->c, f->a, &ci, " BEHEER@dijkwaard.nl ", PW, &l, &e1), AZ_OK);
	assert_int_equal(l.user.id, f->admin);
	assert_int_equal(strlen(l.cookie), TOKEN_LONG_LEN);
}

static void failures_are_limited_per_address_in_the_store(void **state)
{
	struct fx *f = *state;
	int64_t t = 1800000000 / LOGIN_WINDOW * LOGIN_WINDOW;   /* the start of a window */
	struct client_info ci = at(t);
	struct login l;
	struct err e = {0};

	for (int i = 0; i < LOGIN_FAILS_PER_EMAIL; i++)
		assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", "not the password at all",
						     &l, &e), AZ_EDENIED);
	/* Now even the right password waits, and so does an unknown address
	 * that failed as often: the limit tells nothing about accounts. */
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &l, &e), AZ_ELIMIT);
	for (int i = 0; i < LOGIN_FAILS_PER_EMAIL; i++)
		(void)core_login_password(&f->c, f->a, &ci, "nobody@dijkwaard.nl", "not the password at all", &l, &e);
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "nobody@dijkwaard.nl", PW, &l, &e), AZ_ELIMIT);
	/* Another process sees the same count: it is in the database. */
	{
		struct core other;
		assert_int_equal(core_open(&other, f->db, f->key, "https://aanwezig.example", &e), AZ_OK);
		assert_int_equal(core_login_password(&other, f->a, &ci, "beheer@dijkwaard.nl", PW, &l, &e), AZ_ELIMIT);
		core_close(&other);
	}
	/* The next window starts afresh. */
	ci.now = t + LOGIN_WINDOW;
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &l, &e), AZ_OK);
}

static void spraying_one_password_over_many_addresses_is_limited(void **state)
{
	struct fx *f = *state;
	int64_t t = 1800000000 / LOGIN_WINDOW * LOGIN_WINDOW;
	struct client_info ci = at(t), other = {"198.51.100.9", t};
	struct login l;
	struct err e = {0};
	char mail[64];

	for (int i = 0; i < LOGIN_FAILS_PER_CLIENT; i++) {
		snprintf(mail, sizeof mail, "person%d@dijkwaard.nl", i);
		assert_int_equal(core_login_password(&f->c, f->a, &ci, mail, "Welkom bij de gemeente 2026", &l, &e),
				 AZ_EDENIED);
	}
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &l, &e), AZ_ELIMIT);
	/* Another address is not held back. */
	assert_int_equal(core_login_password(&f->c, f->a, &other, "beheer@dijkwaard.nl", PW, &l, &e), AZ_OK);
}

static void sessions_end_when_idle_or_old(void **state)
{
	struct fx *f = *state;
	struct session_limits lim = {SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT};
	int64_t t = 1800000000;
	struct client_info ci = at(t);
	struct login l;
	struct user u;
	char csrf[TOKEN_TEXT_LEN + 1], csrf2[TOKEN_TEXT_LEN + 1];
	struct err e = {0};

	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &l, &e), AZ_OK);
	assert_int_equal(core_session_open(&f->c, f->a, l.cookie, t + 60, &lim, &u, csrf, &e), AZ_OK);
	assert_int_equal(u.id, f->admin);
	/* The CSRF token is derived: the same for the same session, anywhere. */
	assert_int_equal(core_session_open(&f->c, f->a, l.cookie, t + 120, &lim, &u, csrf2, &e), AZ_OK);
	assert_string_equal(csrf, csrf2);
	/* Idle: 30 minutes after the last request it is gone for good. */
	assert_int_equal(core_session_open(&f->c, f->a, l.cookie, t + 120 + SESSION_IDLE_DEFAULT + 1, &lim, &u, csrf,
					   &e), AZ_ENOTFOUND);
	assert_int_equal(core_session_open(&f->c, f->a, l.cookie, t + 130, &lim, &u, csrf, &e), AZ_ENOTFOUND);
	/* Absolute: busy all day, it still ends 12 hours after logging in. */
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &l, &e), AZ_OK);
	for (int64_t s = t; s <= t + SESSION_ABSOLUTE_DEFAULT; s += 1200)
		assert_int_equal(core_session_open(&f->c, f->a, l.cookie, s, &lim, &u, csrf, &e), AZ_OK);
	assert_int_equal(core_session_open(&f->c, f->a, l.cookie, t + SESSION_ABSOLUTE_DEFAULT + 1, &lim, &u, csrf, &e),
			 AZ_ENOTFOUND);
	/* Junk never reaches the store. */
	assert_int_equal(core_session_open(&f->c, f->a, "'; drop table sessions; --", t, &lim, &u, csrf, &e), AZ_ENOTFOUND);
}

static void the_store_holds_only_hashes(void **state)
{
	struct fx *f = *state;
	struct session_limits lim = {SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT};
	struct client_info ci = at(1800000000);
	struct login l;
	struct user u;
	char csrf[TOKEN_TEXT_LEN + 1], hash[TOKEN_HASH_HEX_LEN + 1];
	struct err e = {0};

	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &l, &e), AZ_OK);
	token_hash(l.cookie, hash);
	/* The cookie's value is no session id; its hash is. */
	assert_int_equal(f->c.st->ops->session_get(f->c.st, f->a, l.cookie, ci.now, 60, 60, NULL, &u, &e), AZ_ENOTFOUND);
	assert_int_equal(f->c.st->ops->session_get(f->c.st, f->a, hash, ci.now, 60, 60, NULL, &u, &e), AZ_OK);
	assert_int_equal(core_session_open(&f->c, f->a, l.cookie, ci.now, &lim, &u, csrf, &e), AZ_OK);
}

static void logout_here_and_everywhere(void **state)
{
	struct fx *f = *state;
	struct session_limits lim = {SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT};
	int64_t t = (int64_t)time(NULL);
	struct client_info ci = at(t);
	struct login a, b, c;
	struct user u;
	struct actor who = {f->admin, "beheer@dijkwaard.nl", NULL};
	char csrf[TOKEN_TEXT_LEN + 1];
	struct err e = {0};

	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &a, &e), AZ_OK);
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &b, &e), AZ_OK);
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &c, &e), AZ_OK);
	assert_int_equal(core_logout(&f->c, &who, a.cookie, &e), AZ_OK);
	assert_int_equal(core_session_open(&f->c, f->a, a.cookie, t, &lim, &u, csrf, &e), AZ_ENOTFOUND);
	assert_int_equal(core_session_open(&f->c, f->a, b.cookie, t, &lim, &u, csrf, &e), AZ_OK);
	assert_int_equal(core_logout_all(&f->c, &who, f->admin, &e), AZ_OK);
	assert_int_equal(core_session_open(&f->c, f->a, b.cookie, t, &lim, &u, csrf, &e), AZ_ENOTFOUND);
	assert_int_equal(core_session_open(&f->c, f->a, c.cookie, t, &lim, &u, csrf, &e), AZ_ENOTFOUND);
}

/* The token of the newest login link in the outbox, taken from the
 * message as the sender sends it (core_outbox_bodies, the code path of
 * outbox.c); the outbox row itself must hold neither the link nor the
 * token, on either backend. */
static const char *last_link(struct fx *f, size_t *nmail)
{
	static const char base[] = "https://aanwezig.example/login/l/";
	struct mail *m, *claimed;
	struct err e = {0};
	const char *text, *html, *p, *tok;
	char sql[512];
	size_t n = 0;

	assert_int_equal(f->c.st->ops->outbox_list(f->c.st, f->a, 0, &m, nmail, &e), AZ_OK);
	if (*nmail == 0)
		return NULL;
	/* outbox_list leaves the bodies out: claim the newest to read it whole. */
	assert_int_equal(f->c.st->ops->outbox_claim(f->c.st, f->a, "test", (int64_t)time(NULL) + 10,
						     (int64_t)time(NULL) + 100, 10, &claimed, &n, &e), AZ_OK);
	assert_true(n >= 1);
	m = &claimed[n - 1];
	/* Stored: the mark where the link goes, the nonce in the key. */
	assert_true(strncmp(m->key, "login:", 6) == 0);
	assert_int_equal(strlen(m->key), 6 + TOKEN_HEX_LEN);
	assert_non_null(strstr(m->text, MAIL_LINK_MARK));
	assert_non_null(strstr(m->html, MAIL_LINK_MARK));
	assert_null(strstr(m->text, "/login/l/"));
	assert_null(strstr(m->html, "/login/l/"));
	/* Sent: the link in both bodies. */
	assert_int_equal(core_outbox_bodies(&f->c, f->a, m, &text, &html, &e), AZ_OK);
	assert_null(strstr(text, MAIL_LINK_MARK));
	assert_non_null(p = strstr(text, base));
	tok = arena_strndup(f->a, p + strlen(base), TOKEN_LONG_LEN);
	assert_true(token_long_well_formed(tok));
	p = arena_printf(f->a, "href=\"%s%s\"", base, tok);
	assert_non_null(strstr(html, p));
	/* The rows as a copy of the database holds them. The token has only
	 * base64url characters, so LIKE needs no escaping ('_' matches more,
	 * which only makes the check stricter). */
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM outbox WHERE key LIKE 'login:%%' AND ("
		 "text_body LIKE '%%/login/l/%%' OR COALESCE(html_body, '') LIKE '%%/login/l/%%' OR "
		 "key LIKE '%%%s%%' OR text_body LIKE '%%%s%%' OR COALESCE(html_body, '') LIKE '%%%s%%')",
		 tok, tok, tok);
	assert_int_equal(test_db_int(f->db, sql), 0);
	assert_true(test_db_int(f->db, "SELECT COUNT(*) FROM outbox WHERE key LIKE 'login:%'") >= 1);
	return tok;
}

static void login_links_work_once_and_briefly(void **state)
{
	struct fx *f = *state;
	int64_t t = (int64_t)time(NULL);
	struct client_info ci = at(t);
	struct login l;
	struct err e = {0};
	const char *tok;
	size_t n;

	/* No account: the same answer, and nothing is sent. */
	assert_int_equal(core_login_link_request(&f->c, &ci, "nobody@example.org", &e), AZ_OK);
	assert_null(last_link(f, &n));
	assert_int_equal(n, 0);
	assert_int_equal(core_login_link_request(&f->c, &ci, "Coach@Example.org", &e), AZ_OK);
	assert_non_null(tok = last_link(f, &n));
	assert_int_equal(n, 1);
	assert_int_equal(core_login_link_use(&f->c, f->a, &ci, tok, &l, &e), AZ_OK);
	assert_int_equal(l.user.id, f->coach);
	assert_int_equal(core_login_link_use(&f->c, f->a, &ci, tok, &l, &e), AZ_ENOTFOUND);
	/* Expired: 15 minutes and a second later. */
	assert_int_equal(core_login_link_request(&f->c, &ci, "coach@example.org", &e), AZ_OK);
	assert_non_null(tok = last_link(f, &n));
	ci.now = t + LOGIN_LINK_TTL + 1;
	assert_int_equal(core_login_link_use(&f->c, f->a, &ci, tok, &l, &e), AZ_ENOTFOUND);
	assert_int_equal(core_login_link_use(&f->c, f->a, &ci, "short", &l, &e), AZ_ENOTFOUND);
	/* Three links an address per window, then no more. */
	ci.now = t;
	assert_int_equal(core_login_link_request(&f->c, &ci, "coach@example.org", &e), AZ_OK);
	assert_int_equal(core_login_link_request(&f->c, &ci, "coach@example.org", &e), AZ_ELIMIT);
	assert_int_equal(core_login_link_request(&f->c, &ci, "nobody@example.org", &e), AZ_OK);
}

/* The outbox holds a nonce, not a link: what it yields depends on the
 * link key. Under another key (a copy of the database without the key
 * file) the link it makes does not log in; a damaged nonce or a mark with
 * no link to take its place sends nothing. */
static void a_login_message_is_worth_nothing_without_the_key(void **state)
{
	struct fx *f = *state;
	struct client_info ci = at((int64_t)time(NULL));
	struct core other;
	struct mail *claimed, m;
	struct login l;
	struct err e = {0};
	const char *text, *html, *p;
	char path[128];
	size_t n = 0;
	FILE *k;

	assert_int_equal(core_login_link_request(&f->c, &ci, "coach@example.org", &e), AZ_OK);
	assert_int_equal(f->c.st->ops->outbox_claim(f->c.st, f->a, "test", (int64_t)time(NULL) + 10,
						     (int64_t)time(NULL) + 100, 10, &claimed, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	m = claimed[0];
	snprintf(path, sizeof path, "%s/other.key", f->dir);
	assert_non_null(k = fopen(path, "w"));
	fprintf(k, "%064d\n", 7);
	fclose(k);
	assert_int_equal(core_open(&other, f->db, path, "https://aanwezig.example", &e), AZ_OK);
	assert_int_equal(core_outbox_bodies(&other, f->a, &m, &text, &html, &e), AZ_OK);
	assert_non_null(p = strstr(text, "/login/l/"));
	p = arena_strndup(f->a, p + 9, TOKEN_LONG_LEN);
	assert_int_equal(core_login_link_use(&other, f->a, &ci, p, &l, &e), AZ_ENOTFOUND);
	core_close(&other);
	/* With the right key it works. */
	assert_int_equal(core_outbox_bodies(&f->c, f->a, &m, &text, &html, &e), AZ_OK);
	assert_non_null(p = strstr(text, "/login/l/"));
	p = arena_strndup(f->a, p + 9, TOKEN_LONG_LEN);
	assert_int_equal(core_login_link_use(&f->c, f->a, &ci, p, &l, &e), AZ_OK);
	m.key = "login:zz0102030405060708090a0b0c0d0e0f";
	assert_int_equal(core_outbox_bodies(&f->c, f->a, &m, &text, &html, &e), AZ_ESTORE);
	m.key = "note:1";
	assert_int_equal(core_outbox_bodies(&f->c, f->a, &m, &text, &html, &e), AZ_EINVAL);
}

static void changing_the_password_ends_other_sessions(void **state)
{
	struct fx *f = *state;
	struct session_limits lim = {SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT};
	int64_t t = (int64_t)time(NULL);
	struct client_info ci = at(t);
	struct login a, b;
	struct user u;
	struct actor who = {f->admin, "beheer@dijkwaard.nl", NULL};
	char csrf[TOKEN_TEXT_LEN + 1], fresh[TOKEN_LONG_LEN + 1];
	const char *np = "Zon boven de duinen bij Dijkwaard";
	struct err e = {0};
	int problem;

	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &a, &e), AZ_OK);
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &b, &e), AZ_OK);
	assert_int_equal(core_password_change(&f->c, &who, &a.user, "not it at all, no", np, t, &problem, fresh, &e),
			 AZ_EDENIED);
	assert_int_equal(core_password_change(&f->c, &who, &a.user, PW, "qwertyuiop123456", t, &problem, fresh, &e),
			 AZ_EINVAL);
	assert_int_equal(problem, PW_COMMON);
	assert_int_equal(core_password_change(&f->c, &who, &a.user, PW, np, t, &problem, fresh, &e), AZ_OK);
	assert_int_equal(core_session_open(&f->c, f->a, a.cookie, t, &lim, &u, csrf, &e), AZ_ENOTFOUND);
	assert_int_equal(core_session_open(&f->c, f->a, b.cookie, t, &lim, &u, csrf, &e), AZ_ENOTFOUND);
	assert_int_equal(core_session_open(&f->c, f->a, fresh, t, &lim, &u, csrf, &e), AZ_OK);
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &a, &e), AZ_EDENIED);
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", np, &a, &e), AZ_OK);
	/* The command line sets one without the old one, and ends sessions. */
	assert_int_equal(core_user_set_password(&f->c, &core_cli_actor, "BEHEER@dijkwaard.nl", PW, &e), AZ_OK);
	assert_int_equal(core_session_open(&f->c, f->a, fresh, t, &lim, &u, csrf, &e), AZ_ENOTFOUND);
	assert_int_equal(core_user_set_password(&f->c, &core_cli_actor, "nobody@dijkwaard.nl", PW, &e), AZ_ENOTFOUND);
}

static void logins_and_failures_are_audited(void **state)
{
	struct fx *f = *state;
	struct client_info ci = at((int64_t)time(NULL));
	struct login l;
	struct audit_entry *en;
	struct err e = {0};
	size_t n;
	int failed = 0, ok = 0, added = 0;

	(void)core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", "definitely not right", &l, &e);
	(void)core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &l, &e);
	assert_int_equal(f->c.st->ops->audit_list(f->c.st, f->a, 0, 100, &en, &n, &e), AZ_OK);
	for (size_t i = 0; i < n; i++) {
		failed += strcmp(en[i].action, "login.failed") == 0 && en[i].client != NULL &&
			  strcmp(en[i].client, "192.0.2.7") == 0;
		ok += strcmp(en[i].action, "login") == 0 && strcmp(en[i].actor, "beheer@dijkwaard.nl") == 0;
		added += strcmp(en[i].action, "user.add") == 0 && strcmp(en[i].actor, "cli") == 0;
		/* Never a password in the log. */
		assert_null(en[i].detail ? strstr(en[i].detail, "not right") : NULL);
	}
	assert_int_equal(failed, 1);
	assert_int_equal(ok, 1);
	assert_int_equal(added, 2);
}

/* The calendar's work deletes, by the real clock, sessions past the limits
 * (the core's, never shorter than the defaults), expired login links and
 * rate-limit windows that started longer ago than the longest window. */
static void the_calendar_work_deletes_what_expired(void **state)
{
	struct fx *f = *state;
	struct session_limits lim = {SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT};
	int64_t t = (int64_t)time(NULL), old_rates;
	struct client_info ci = at(t - SESSION_IDLE_DEFAULT - 100), other = {"198.51.100.9", t};
	struct login idle, old, fresh, l;
	struct tick_result r;
	struct user u;
	char today[11], csrf[TOKEN_TEXT_LEN + 1], sql[160];
	struct err e = {0};

	date_today(today);
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &idle, &e), AZ_OK);
	ci.now = t - SESSION_ABSOLUTE_DEFAULT - 100;
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &old, &e), AZ_OK);
	ci.now = t;
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "beheer@dijkwaard.nl", PW, &fresh, &e), AZ_OK);
	/* Counts of an address and an e-mail address half an hour ago, a
	 * login link (and its counts) that expired ten seconds ago, and a
	 * one-minute count from now. */
	ci.now = t - 2 * LOGIN_WINDOW;
	assert_int_equal(core_login_password(&f->c, f->a, &ci, "someone@dijkwaard.nl", "not the password at all", &l,
					     &e), AZ_EDENIED);
	ci.now = t - LOGIN_LINK_TTL - 10;
	assert_int_equal(core_login_link_request(&f->c, &ci, "coach@example.org", &e), AZ_OK);
	ci.now = t;
	/* From elsewhere for someone else: a key's next window would drop
	 * the old one itself. */
	assert_int_equal(core_login_link_request(&f->c, &other, "beheer@dijkwaard.nl", &e), AZ_OK);
	assert_int_equal(core_login_link_use(&f->c, f->a, &ci, "short", &l, &e), AZ_ENOTFOUND);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM ratelimits WHERE \"window\" < %lld",
		 (long long)(t - LOGIN_WINDOW));
	old_rates = test_db_int(f->db, sql);
	assert_int_equal(old_rates, 4);   /* login-client, login-email, link-client, link-email */

	/* A server with longer idle sessions keeps the idle one. */
	f->c.sessions = (struct session_limits){3 * SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT};
	assert_int_equal(core_tick(&f->c, &core_system_actor, today, &r, &e), AZ_OK);
	assert_int_equal(r.swept.sessions, 1);
	assert_int_equal(r.swept.login_links, 1);
	assert_true(r.swept.ratelimits >= old_rates);
	assert_int_equal(test_db_int(f->db, sql), 0);
	assert_int_equal(test_db_int(f->db, "SELECT COUNT(*) FROM sessions"), 2);
	assert_int_equal(test_db_int(f->db, "SELECT COUNT(*) FROM login_links"), 1);
	assert_int_equal(test_db_int(f->db, "SELECT COUNT(*) FROM ratelimits WHERE key LIKE 'token:%'"), 1);
	/* Limits shorter than the defaults sweep as the defaults do. */
	f->c.sessions = (struct session_limits){1, 1};
	assert_int_equal(core_tick(&f->c, &core_system_actor, today, &r, &e), AZ_OK);
	assert_int_equal(r.swept.sessions, 1);
	assert_int_equal(r.swept.login_links, 0);
	assert_int_equal(core_session_open(&f->c, f->a, idle.cookie, t, &lim, &u, csrf, &e), AZ_ENOTFOUND);
	assert_int_equal(core_session_open(&f->c, f->a, fresh.cookie, t, &lim, &u, csrf, &e), AZ_OK);
	assert_int_equal(test_db_int(f->db, "SELECT COUNT(*) FROM sessions"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_counts_characters_not_bytes),
		cmocka_unit_test(policy_has_no_composition_rules),
		cmocka_unit_test(the_list_is_sorted_and_every_entry_is_found),
		cmocka_unit_test(common_passwords_and_their_disguises_are_refused),
		cmocka_unit_test(patterns_and_personal_words_are_refused),
		cmocka_unit_test(hashing_verifies_and_flags_old_limits),
		cmocka_unit_test_setup_teardown(adding_accounts_checks_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(every_wrong_login_gets_the_same_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(failures_are_limited_per_address_in_the_store, setup, teardown),
		cmocka_unit_test_setup_teardown(spraying_one_password_over_many_addresses_is_limited, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions_end_when_idle_or_old, setup, teardown),
		cmocka_unit_test_setup_teardown(the_store_holds_only_hashes, setup, teardown),
		cmocka_unit_test_setup_teardown(logout_here_and_everywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(login_links_work_once_and_briefly, setup, teardown),
		cmocka_unit_test_setup_teardown(a_login_message_is_worth_nothing_without_the_key, setup, teardown),
		cmocka_unit_test_setup_teardown(changing_the_password_ends_other_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(logins_and_failures_are_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(the_calendar_work_deletes_what_expired, setup, teardown),
	};

	if (token_init() != 0)
		return 1;
	return cmocka_run_group_tests_name(test_on_pg() ? "account on PostgreSQL" : "account on SQLite", tests, NULL, NULL);
}
