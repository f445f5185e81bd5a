/* test_store.c — the store: migrations, all-or-nothing writes, the
 * detach-on-submit rule, token hashing and concurrent writers; since
 * version 4 accounts, sessions, login links, rate limits, shares, the
 * outbox, the audit log and erasure. Runs on SQLite, and on PostgreSQL
 * when AANWEZIG_TEST_PG is set (tests/run.sh does both). */
#include "testutil.h"

#include <pthread.h>
#include <sqlite3.h>
#include <unistd.h>

#include "../../src/core/core.h"
#include "../../src/store/store.h"
#include "../../src/util/text.h"
#include "../../src/util/token.h"

/* A fresh database in a temporary folder, with one leader and one round
 * (draft) on the default instrument. */
struct fix {
	char dir[64];
	char path[512];            /* the --db target: a file, or a PostgreSQL database */
	struct store *st;
	struct arena *a;
	int64_t leader, round;
};

static struct invitation make_inv(struct arena *a, int64_t round, const char *group, const char *email)
{
	static const unsigned char key[TOKEN_KEY_BYTES] = {1, 2, 3};
	struct invitation v = {0};
	char nonce[TOKEN_HEX_LEN + 1], tok[TOKEN_TEXT_LEN + 1], hash[TOKEN_HASH_HEX_LEN + 1];

	token_random_hex(nonce);
	assert_int_equal(token_derive(key, nonce, tok), 0);
	token_hash(tok, hash);
	v.round_id = round;
	v.group_id = group;
	v.name = email ? "Iemand" : NULL;
	v.email = email;
	v.nonce = arena_strdup(a, nonce);
	v.token_hash = arena_strdup(a, hash);
	return v;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	struct err e = {0};
	struct leader l = {0};
	struct round r = {0};
	struct stored_instrument si = {0};
	struct invitation self;
	char digest[65];

	assert_int_equal(token_init(), 0);
	strcpy(f->dir, "/tmp/aanwezig-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	test_db_target(f->path, sizeof f->path, f->dir, "t");
	assert_int_equal(store_open(f->path, STORE_CREATE, &f->st, &e), AZ_OK);
	f->a = arena_new();
	l.name = "Leider";
	l.email = "leider@example.org";
	l.organisation = "Gemeente";
	l.language = "nl";
	assert_int_equal(f->st->ops->leader_add(f->st, &l, &e), AZ_OK);
	f->leader = l.id;
	instrument_digest(instrument_default_json, instrument_default_json_len, digest);
	si.key = "gemeentesecretaris";
	si.version = "2026.1";
	si.digest = digest;
	si.body = instrument_default_json;
	r.leader_id = l.id;
	self = make_inv(f->a, 0, "self", NULL);
	assert_int_equal(f->st->ops->round_add(f->st, &r, &si, &self, &e), AZ_OK);
	f->round = r.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	store_close(f->st);
	arena_free(f->a);
	test_db_drop(f->path);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* The newest schema version of the backend under test. */
static int latest(void)
{
	return test_on_pg() ? store_pg_latest() : store_sqlite_latest();
}

static void migrations_are_applied_once_and_recorded(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	int v = -1;

	assert_int_equal(f->st->ops->schema_version(f->st, &v, &e), AZ_OK);
	assert_int_equal(v, latest());
	store_close(f->st);
	/* Opening again applies nothing and keeps the data. */
	assert_int_equal(store_open(f->path, STORE_EXISTING, &f->st, &e), AZ_OK);
	assert_int_equal(f->st->ops->schema_version(f->st, &v, &e), AZ_OK);
	assert_int_equal(v, latest());
	{
		struct leader *l;
		size_t n;
		assert_int_equal(f->st->ops->leader_list(f->st, f->a, &l, &n, &e), AZ_OK);
		assert_int_equal(n, 1);
		assert_string_equal(l[0].email, "leider@example.org");
	}
}

static void a_missing_database_is_not_created_by_accident(void **state)
{
	struct fix *f = *state;
	struct store *st = NULL;
	struct err e = {0};
	char path[512];

	if (test_on_pg())
		snprintf(path, sizeof path, "%s dbname=az_none_%ld", getenv("AANWEZIG_TEST_PG"), (long)getpid());
	else
		snprintf(path, sizeof path, "%s/none.db", f->dir);
	assert_int_equal(store_open(path, STORE_EXISTING, &st, &e), AZ_ENOTFOUND);
	assert_null(st);
	assert_contains(e.msg, "does not exist");
	if (!test_on_pg())
		assert_int_equal(access(path, F_OK), -1);
	/* An empty database is not initialised by accident either. */
	if (test_on_pg()) {
		test_db_target(path, sizeof path, f->dir, "empty");
	} else {
		snprintf(path, sizeof path, "%s/empty.db", f->dir);
		test_db_exec(path, "");
	}
	assert_int_equal(store_open(path, STORE_EXISTING, &st, &e), AZ_ENOTFOUND);
	assert_null(st);
	assert_contains(e.msg, "aanwezig init");
	test_db_drop(path);
}

static void a_newer_schema_is_refused(void **state)
{
	struct fix *f = *state;
	struct store *st = NULL;
	struct err e = {0};

	store_close(f->st);
	test_db_exec(f->path, "INSERT INTO schema_migrations (version, applied_at) VALUES (99, '2099-01-01')");
	assert_int_equal(store_open(f->path, STORE_EXISTING, &st, &e), AZ_ESCHEMA);
	assert_null(st);
	assert_contains(e.msg, "newer than this program knows");
	/* Reopened for teardown: the fixture's store must be valid. */
	test_db_exec(f->path, "DELETE FROM schema_migrations WHERE version = 99");
	assert_int_equal(store_open(f->path, STORE_EXISTING, &f->st, &e), AZ_OK);
}

static void someone_elses_database_is_left_alone(void **state)
{
	struct fix *f = *state;
	struct store *st = NULL;
	struct err e = {0};
	char path[512];

	test_db_target(path, sizeof path, f->dir, "other");
	test_db_exec(path, "CREATE TABLE t (x INTEGER)");
	assert_int_equal(store_open(path, STORE_CREATE, &st, &e), AZ_ESCHEMA);
	assert_null(st);
	assert_contains(e.msg, "not one of aanwezig");
	test_db_drop(path);
}

static void a_bad_connection_string_says_which_part(void **state)
{
	struct store *st = NULL;
	struct err e = {0};

	(void)state;
	assert_true(store_target_is_pg("postgresql://db.example.org/aanwezig"));
	assert_true(store_target_is_pg("host=/run/postgresql dbname=aanwezig"));
	assert_false(store_target_is_pg("aanwezig.db"));
	assert_false(store_target_is_pg("./a=b.db"));
	assert_int_equal(store_open("hots=localhost dbname=x", STORE_EXISTING, &st, &e), AZ_EINVAL);
	assert_contains(e.msg, "hots");
	assert_int_equal(store_open("postgresql://h/x?sslmod=require", STORE_EXISTING, &st, &e), AZ_EINVAL);
	assert_contains(e.msg, "sslmod");
	assert_int_equal(store_open("dbname='x", STORE_EXISTING, &st, &e), AZ_EINVAL);
	assert_null(st);
}

static void an_unreachable_server_is_named(void **state)
{
	struct store *st = NULL;
	struct err e = {0};

	(void)state;
	assert_int_equal(store_open("host=/nonexistent/aanwezig port=5999 dbname=x", STORE_EXISTING, &st, &e),
			 AZ_EUNAVAIL);
	assert_null(st);
	assert_contains(e.msg, "/nonexistent/aanwezig");
	assert_contains(e.msg, "5999");
}

/* PostgreSQL only: the server ends every session of the database (as on
 * a restart); the store notices the dead connections and reconnects. */
static void lost_connections_are_replaced(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct leader *l;
	size_t n;
	char sql[256];

	if (!test_on_pg()) {
		skip();
		return;
	}
	assert_int_equal(f->st->ops->leader_list(f->st, f->a, &l, &n, &e), AZ_OK);
	snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		 " WHERE datname = '%s'", strstr(f->path, "dbname=") + 7);
	test_pg_admin(sql);
	usleep(100 * 1000);
	assert_int_equal(f->st->ops->leader_list(f->st, f->a, &l, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
}

static void a_round_is_frozen_to_its_instrument_text(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct round r;
	struct stored_instrument si;

	assert_int_equal(f->st->ops->round_get(f->st, f->a, f->round, &r, &e), AZ_OK);
	assert_int_equal(r.state, ROUND_DRAFT);
	assert_int_equal(f->st->ops->instrument_get(f->st, f->a, r.instrument_id, &si, &e), AZ_OK);
	assert_int_equal(strlen(si.body), instrument_default_json_len);
	assert_memory_equal(si.body, instrument_default_json, instrument_default_json_len);
	assert_string_equal(si.version, "2026.1");
}

static void invitations_are_added_all_or_none(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct invitation v[4], *list;
	size_t n, bad = 99;

	v[0] = make_inv(f->a, f->round, "mt", "a@example.org");
	v[1] = make_inv(f->a, f->round, "mt", "b@example.org");
	v[2] = make_inv(f->a, f->round, "mt", "a@example.org");   /* duplicate */
	v[3] = make_inv(f->a, f->round, "mt", "c@example.org");
	assert_int_equal(f->st->ops->invitations_add(f->st, v, 4, &bad, &e), AZ_EDUP);
	assert_int_equal(bad, 2);
	assert_int_equal(f->st->ops->invitation_list(f->st, f->a, f->round, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 1);   /* only the leader's own */
	v[2] = make_inv(f->a, f->round, "mt", "d@example.org");
	assert_int_equal(f->st->ops->invitations_add(f->st, v, 4, &bad, &e), AZ_OK);
	assert_int_equal(f->st->ops->invitation_list(f->st, f->a, f->round, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 5);
}

static void only_the_token_hash_finds_an_invitation(void **state)
{
	struct fix *f = *state;
	static const unsigned char key[TOKEN_KEY_BYTES] = {1, 2, 3};
	struct err e = {0};
	struct invitation v = make_inv(f->a, f->round, "mt", "t@example.org"), got;
	char tok[TOKEN_TEXT_LEN + 1], hash[TOKEN_HASH_HEX_LEN + 1];

	assert_int_equal(f->st->ops->invitations_add(f->st, &v, 1, NULL, &e), AZ_OK);
	assert_int_equal(token_derive(key, v.nonce, tok), 0);
	assert_true(token_well_formed(tok));
	token_hash(tok, hash);
	assert_int_equal(f->st->ops->invitation_by_token(f->st, f->a, hash, &got, &e), AZ_OK);
	assert_int_equal(got.id, v.id);
	/* The token itself is not a key; neither is the nonce. */
	assert_int_equal(f->st->ops->invitation_by_token(f->st, f->a, tok, &got, &e), AZ_ENOTFOUND);
	assert_int_equal(f->st->ops->invitation_by_token(f->st, f->a, v.nonce, &got, &e), AZ_ENOTFOUND);
}

static void tokens_depend_on_key_and_nonce(void **state)
{
	unsigned char k1[TOKEN_KEY_BYTES] = {1}, k2[TOKEN_KEY_BYTES] = {2};
	char a[TOKEN_TEXT_LEN + 1], b[TOKEN_TEXT_LEN + 1], c[TOKEN_TEXT_LEN + 1], d[TOKEN_TEXT_LEN + 1];
	char h[TOKEN_HASH_HEX_LEN + 1];
	const char *n1 = "000102030405060708090a0b0c0d0e0f", *n2 = "000102030405060708090a0b0c0d0e10";

	(void)state;
	assert_int_equal(token_derive(k1, n1, a), 0);
	assert_int_equal(token_derive(k1, n1, b), 0);
	assert_int_equal(token_derive(k2, n1, c), 0);
	assert_int_equal(token_derive(k1, n2, d), 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_int_equal(strlen(a), TOKEN_TEXT_LEN);
	assert_int_equal(token_derive(k1, "xyz", a), -1);
	assert_int_equal(token_derive(k1, "zz0102030405060708090a0b0c0d0e0f", a), -1);
	token_hash(b, h);
	assert_int_equal(strlen(h), 64);
	assert_false(token_well_formed("short"));
	assert_false(token_well_formed("AAAAAAAAAAAAAAAAAAAAA="));
	assert_false(token_well_formed("AAAAAAAAAAAAAAAAAAAAA/"));
	assert_true(token_well_formed("AAAAAAAAAAAAAAAAAAAA-_"));
	assert_true(token_equal("abc", "abc", 3));
	assert_false(token_equal("abc", "abd", 3));
}

/* A login link's token: 256 bits from the nonce under the key, with a
 * label of its own (the values are keyed BLAKE2b computed independently,
 * with Python's hashlib), so it never equals a questionnaire's token. */
static void login_tokens_are_long_and_apart_from_link_tokens(void **state)
{
	unsigned char k1[TOKEN_KEY_BYTES] = {1}, k2[TOKEN_KEY_BYTES] = {2};
	char a[TOKEN_LONG_LEN + 1], b[TOKEN_LONG_LEN + 1], c[TOKEN_LONG_LEN + 1], q[TOKEN_TEXT_LEN + 1];
	const char *n1 = "000102030405060708090a0b0c0d0e0f", *n2 = "000102030405060708090a0b0c0d0e10";

	(void)state;
	assert_int_equal(token_derive_login(k1, n1, a), 0);
	assert_string_equal(a, "g2ltp12ecD-d4VduZpnWX5y_fpMDDG_R6WT3_EwDbq0");
	assert_true(token_long_well_formed(a));
	assert_int_equal(token_derive(k1, n1, q), 0);
	assert_string_equal(q, "4yIGe38gd9_NooPVA6aMZw");
	assert_false(strncmp(a, q, TOKEN_TEXT_LEN) == 0);
	assert_int_equal(token_derive_login(k2, n1, b), 0);
	assert_int_equal(token_derive_login(k1, n2, c), 0);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(token_derive_login(k1, "xyz", a), -1);
	assert_int_equal(token_derive_login(k1, "zz0102030405060708090a0b0c0d0e0f", a), -1);
}

static struct response make_resp(struct arena *a, int64_t round, const char *group, int score)
{
	struct response r = {0};
	char id[TOKEN_HEX_LEN + 1];

	token_random_hex(id);
	r.id = arena_strdup(a, id);
	r.round_id = round;
	r.group_id = group;
	r.submitted_on = "2026-11-29";
	r.answers = arena_calloc(a, 2, sizeof *r.answers);
	r.answers[0].item_id = "OMG1";
	r.answers[0].score = score;
	r.answers[1].item_id = "OMG2";
	r.answers[1].score = 0;
	r.nanswer = 2;
	r.texts = arena_calloc(a, 1, sizeof *r.texts);
	r.texts[0].question_id = "aanwezig";
	r.texts[0].text = "Bij de wijkavond.";
	r.ntext = 1;
	return r;
}

static void a_submitted_response_is_detached_from_its_invitation(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct invitation v = make_inv(f->a, f->round, "mt", "r@example.org"), got, *list;
	struct response r = make_resp(f->a, f->round, "mt", 4), *resp;
	size_t n;

	assert_int_equal(f->st->ops->invitations_add(f->st, &v, 1, NULL, &e), AZ_OK);
	/* Not while the round is a draft. */
	assert_int_equal(f->st->ops->response_submit(f->st, v.id, &r, &e), AZ_ESTATE);
	assert_contains(e.msg, "not open");
	assert_int_equal(f->st->ops->round_transition(f->st, f->round, ROUND_DRAFT, ROUND_OPEN,
						      "2026-11-29", NULL, &e), AZ_OK);
	assert_int_equal(f->st->ops->response_submit(f->st, v.id, &r, &e), AZ_OK);
	assert_int_equal(f->st->ops->invitation_by_token(f->st, f->a, v.token_hash, &got, &e), AZ_OK);
	assert_int_equal(got.state, INV_SUBMITTED);
	/* Once only. */
	r = make_resp(f->a, f->round, "mt", 2);
	assert_int_equal(f->st->ops->response_submit(f->st, v.id, &r, &e), AZ_ESTATE);
	assert_contains(e.msg, "already in");
	assert_int_equal(f->st->ops->response_list(f->st, f->a, f->round, &resp, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(resp[0].nanswer, 2);
	assert_int_equal(resp[0].answers[0].score, 4);
	assert_int_equal(resp[0].answers[1].score, 0);   /* stored empty, read back as 0 */
	assert_int_equal(resp[0].ntext, 1);
	assert_string_equal(resp[0].group_id, "mt");
	assert_string_equal(resp[0].submitted_on, "2026-11-29");
	/* Nothing in the response names the invitation. */
	assert_int_equal(strlen(resp[0].id), 32);
	assert_string_not_equal(resp[0].id, v.nonce);
	assert_int_equal(f->st->ops->invitation_list(f->st, f->a, f->round, &list, &n, &e), AZ_OK);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(list[i].nonce, resp[0].id);
}

static void a_failing_submission_leaves_nothing_behind(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct invitation v = make_inv(f->a, f->round, "mt", "f@example.org"), got;
	struct response r = make_resp(f->a, f->round, "mt", 12), *resp;   /* 12: out of range */
	size_t n;

	assert_int_equal(f->st->ops->invitations_add(f->st, &v, 1, NULL, &e), AZ_OK);
	assert_int_equal(f->st->ops->round_transition(f->st, f->round, ROUND_DRAFT, ROUND_OPEN,
						      NULL, NULL, &e), AZ_OK);
	assert_int_not_equal(f->st->ops->response_submit(f->st, v.id, &r, &e), AZ_OK);
	assert_int_equal(f->st->ops->invitation_by_token(f->st, f->a, v.token_hash, &got, &e), AZ_OK);
	assert_int_equal(got.state, INV_CREATED);
	assert_int_equal(f->st->ops->response_list(f->st, f->a, f->round, &resp, &n, &e), AZ_OK);
	assert_int_equal(n, 0);
	/* A response claiming another group is refused too. */
	r = make_resp(f->a, f->round, "bestuur", 3);
	assert_int_equal(f->st->ops->response_submit(f->st, v.id, &r, &e), AZ_EINVAL);
}

static void round_transitions_check_the_current_state(void **state)
{
	struct fix *f = *state;
	struct err e = {0};

	assert_int_equal(f->st->ops->round_transition(f->st, f->round, ROUND_OPEN, ROUND_CLOSED,
						      NULL, NULL, &e), AZ_ESTATE);
	assert_contains(e.msg, "draft, not open");
	assert_int_equal(f->st->ops->round_transition(f->st, 999, ROUND_OPEN, ROUND_CLOSED,
						      NULL, NULL, &e), AZ_ENOTFOUND);
}

/* Concurrent writers: every write succeeds; none is lost to SQLITE_BUSY. */
struct worker {
	struct store *st;
	int index, ok;
};

static void *writer(void *arg)
{
	struct worker *w = arg;
	struct err e = {0};

	for (int i = 0; i < 25; i++) {
		struct leader l = {0};
		char mail[64];
		snprintf(mail, sizeof mail, "w%d-%d@example.org", w->index, i);
		l.name = "Schrijver";
		l.email = mail;
		l.organisation = "Gemeente";
		l.language = "en";
		if (w->st->ops->leader_add(w->st, &l, &e) == AZ_OK)
			w->ok++;
	}
	return NULL;
}

static void concurrent_writers_all_succeed(void **state)
{
	struct fix *f = *state;
	struct worker w[16];
	pthread_t th[16];
	struct leader *l;
	struct err e = {0};
	size_t n;

	for (int i = 0; i < 16; i++) {
		w[i] = (struct worker){f->st, i, 0};
		assert_int_equal(pthread_create(&th[i], NULL, writer, &w[i]), 0);
	}
	for (int i = 0; i < 16; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].ok, 25);
	}
	assert_int_equal(f->st->ops->leader_list(f->st, f->a, &l, &n, &e), AZ_OK);
	assert_int_equal(n, 1 + 16 * 25);
}

/* Concurrent submissions: each is stored once; two at once for the same
 * invitation store one. */
struct submitter {
	struct store *st;
	struct arena *a;
	int64_t inv, round;
	int rc;
};

static void *submitter_run(void *arg)
{
	struct submitter *w = arg;
	struct err e = {0};
	struct response r = make_resp(w->a, w->round, "mt", 3);

	w->rc = w->st->ops->response_submit(w->st, w->inv, &r, &e);
	return NULL;
}

static void concurrent_submissions_are_stored_once_each(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct invitation v[24];
	struct submitter w[32];
	pthread_t th[32];
	struct response *resp;
	size_t n;
	int ok = 0, dup_ok = 0;

	for (int i = 0; i < 24; i++) {
		char *mail = arena_printf(f->a, "c%d@example.org", i);
		v[i] = make_inv(f->a, f->round, "mt", mail);
	}
	assert_int_equal(f->st->ops->invitations_add(f->st, v, 24, NULL, &e), AZ_OK);
	assert_int_equal(f->st->ops->round_transition(f->st, f->round, ROUND_DRAFT, ROUND_OPEN, NULL, NULL, &e), AZ_OK);
	/* 24 distinct invitations, and 8 more threads for invitation 0. */
	for (int i = 0; i < 32; i++) {
		w[i] = (struct submitter){f->st, arena_new(), v[i < 24 ? i : 0].id, f->round, -1};
		assert_int_equal(pthread_create(&th[i], NULL, submitter_run, &w[i]), 0);
	}
	for (int i = 0; i < 32; i++) {
		pthread_join(th[i], NULL);
		if (i > 0 && i < 24)
			ok += w[i].rc == AZ_OK;
		if (i == 0 || i >= 24)
			dup_ok += w[i].rc == AZ_OK;
		if (i == 0 || i >= 24)
			assert_true(w[i].rc == AZ_OK || w[i].rc == AZ_ESTATE);
		arena_free(w[i].a);
	}
	assert_int_equal(ok, 23);
	assert_int_equal(dup_ok, 1);
	assert_int_equal(f->st->ops->response_list(f->st, f->a, f->round, &resp, &n, &e), AZ_OK);
	assert_int_equal(n, 24);
}

/* ---- Version 4 ------------------------------------------------------- */

/* A number from the database through a connection of its own. */
static int64_t db_int(struct fix *f, const char *sql)
{
	return test_db_int(f->path, sql);
}

/* 1 when the database refuses a statement run through a connection of
 * its own. */
static int db_refuses(struct fix *f, const char *sql)
{
	return test_db_run(f->path, sql, NULL, NULL, 0) != 0;
}

static int64_t add_user(struct fix *f, const char *email, int role, int64_t leader)
{
	struct err e = {0};
	struct user u = {0};

	u.email = email;
	u.name = "Iemand";
	u.role = role;
	u.leader_id = leader;
	u.language = "nl";
	assert_int_equal(f->st->ops->user_add(f->st, &u, &e), AZ_OK);
	return u.id;
}

static struct mail make_mail(const char *key, int64_t round, int64_t inv, int64_t next_at)
{
	struct mail m = {0};

	m.key = key;
	m.round_id = round;
	m.invitation_id = inv;
	m.to = "r@example.org";
	m.subject = "Uitnodiging";
	m.text = "Tekst";
	m.html = "<p>Tekst</p>";
	m.next_at = next_at;
	return m;
}

static void move(struct fix *f, int from, int to)
{
	struct err e = {0};

	assert_int_equal(f->st->ops->round_transition(f->st, f->round, from, to, NULL, NULL, &e), AZ_OK);
}

static void a_version_2_database_migrates_to_the_latest(void **state)
{
	struct fix *f = *state;
	struct store *st;
	struct err e = {0};
	struct round r;
	struct invitation *inv;
	char cmd[256], path[128], today[11];
	size_t n;
	int v;

	if (test_on_pg()) {
		skip();   /* the fixture is a SQLite file of schema 2 */
		return;
	}
	snprintf(path, sizeof path, "%s/old.db", f->dir);
	snprintf(cmd, sizeof cmd, "cp tests/data/migrate/schema2.sqlite %s", path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(store_open(path, STORE_EXISTING, &st, &e), AZ_OK);
	assert_int_equal(st->ops->schema_version(st, &v, &e), AZ_OK);
	assert_int_equal(v, store_sqlite_latest());
	/* The closed round counts retention from no later than today. */
	assert_int_equal(st->ops->round_get(st, f->a, 1, &r, &e), AZ_OK);
	assert_int_equal(r.state, ROUND_CLOSED);
	date_today(today);
	assert_non_null(r.closed_at);
	assert_true(strcmp(r.closed_at, today) <= 0);
	assert_int_equal(r.nomination, NOM_OPEN);
	assert_int_equal(r.needs_approval, 0);
	assert_string_equal(r.reminders, "");
	assert_int_equal(st->ops->invitation_list(st, f->a, 1, &inv, &n, &e), AZ_OK);
	assert_true(n > 0);
	assert_null(inv[0].language);
	store_close(st);
}

static void rounds_carry_their_settings_and_closing_date(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct round r, *list;
	struct invitation v = make_inv(f->a, f->round, "mt", "s@example.org"), got;
	struct leader l;
	const char *draft;
	char today[11];
	size_t n;

	assert_int_equal(f->st->ops->round_get(f->st, f->a, f->round, &r, &e), AZ_OK);
	assert_null(r.closed_at);
	assert_int_equal(r.nomination, NOM_OPEN);
	assert_string_equal(r.reminders, "");
	assert_int_equal(f->st->ops->round_settings(f->st, f->round, 1, "7,2", &e), AZ_OK);
	assert_int_equal(f->st->ops->round_settings(f->st, f->round, 1, "7;2", &e), AZ_EINVAL);
	assert_int_equal(f->st->ops->round_settings(f->st, f->round, 1, "7,", &e), AZ_EINVAL);
	assert_int_equal(f->st->ops->round_settings(f->st, 999, 1, "", &e), AZ_ENOTFOUND);
	v.language = "en";
	assert_int_equal(f->st->ops->invitations_add(f->st, &v, 1, NULL, &e), AZ_OK);
	move(f, ROUND_DRAFT, ROUND_OPEN);
	assert_int_equal(f->st->ops->round_settings(f->st, f->round, 0, "3", &e), AZ_OK);
	move(f, ROUND_OPEN, ROUND_CLOSED);
	date_today(today);
	assert_int_equal(f->st->ops->link_get(f->st, f->a, v.token_hash, &got, &r, &l, &draft, &e), AZ_OK);
	assert_string_equal(got.language, "en");
	assert_string_equal(r.closed_at, today);
	assert_int_equal(r.needs_approval, 0);
	assert_string_equal(r.reminders, "3");
	assert_int_equal(f->st->ops->round_list(f->st, f->a, f->leader, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].closed_at, today);
	/* Settings change in any state but released. */
	assert_int_equal(f->st->ops->round_settings(f->st, f->round, 1, "", &e), AZ_OK);
	move(f, ROUND_CLOSED, ROUND_RELEASED);
	assert_int_equal(f->st->ops->round_settings(f->st, f->round, 0, "", &e), AZ_ESTATE);
	assert_contains(e.msg, "released");
	assert_int_equal(f->st->ops->round_get(f->st, f->a, f->round, &r, &e), AZ_OK);
	assert_string_equal(r.closed_at, today);   /* kept when released */
	assert_int_equal(r.needs_approval, 1);
}

static void invitations_keep_their_language(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct invitation v[2], *list, got;
	size_t n;

	v[0] = make_inv(f->a, f->round, "mt", "nl@example.org");
	v[1] = make_inv(f->a, f->round, "mt", "en@example.org");
	v[1].language = "en";
	assert_int_equal(f->st->ops->invitations_add(f->st, v, 2, NULL, &e), AZ_OK);
	assert_int_equal(f->st->ops->invitation_list(f->st, f->a, f->round, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 3);
	assert_null(list[1].language);
	assert_string_equal(list[2].language, "en");
	assert_int_equal(f->st->ops->invitation_by_token(f->st, f->a, v[1].token_hash, &got, &e), AZ_OK);
	assert_string_equal(got.language, "en");
	v[0] = make_inv(f->a, f->round, "mt", "de@example.org");
	v[0].language = "de";
	assert_int_equal(f->st->ops->invitations_add(f->st, v, 1, NULL, &e), AZ_EINVAL);
}

static void the_list_of_raters_moves_only_while_the_round_is_a_draft(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct round r;

	assert_int_equal(f->st->ops->round_nomination(f->st, f->round, NOM_OPEN, NOM_SUBMITTED, &e), AZ_OK);
	assert_int_equal(f->st->ops->round_nomination(f->st, f->round, NOM_OPEN, NOM_SUBMITTED, &e), AZ_ESTATE);
	assert_contains(e.msg, "submitted, not open");
	assert_int_equal(f->st->ops->round_nomination(f->st, f->round, NOM_SUBMITTED, NOM_APPROVED, &e), AZ_OK);
	assert_int_equal(f->st->ops->round_get(f->st, f->a, f->round, &r, &e), AZ_OK);
	assert_int_equal(r.nomination, NOM_APPROVED);
	assert_int_equal(f->st->ops->round_nomination(f->st, 999, NOM_OPEN, NOM_SUBMITTED, &e), AZ_ENOTFOUND);
	move(f, ROUND_DRAFT, ROUND_OPEN);
	assert_int_equal(f->st->ops->round_nomination(f->st, f->round, NOM_APPROVED, NOM_OPEN, &e), AZ_ESTATE);
	assert_contains(e.msg, "draft");
}

static void rounds_are_due_after_their_deadline(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct round *list;
	size_t n;

	assert_int_equal(f->st->ops->round_transition(f->st, f->round, ROUND_DRAFT, ROUND_OPEN, NULL,
						      "2026-01-10", &e), AZ_OK);
	assert_int_equal(f->st->ops->rounds_due(f->st, f->a, "2026-01-10", &list, &n, &e), AZ_OK);
	assert_int_equal(n, 0);   /* the deadline is the last day to answer */
	assert_int_equal(f->st->ops->rounds_due(f->st, f->a, "2026-01-11", &list, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, f->round);
	assert_string_equal(list[0].closes_on, "2026-01-10");
	move(f, ROUND_OPEN, ROUND_CLOSED);
	assert_int_equal(f->st->ops->rounds_due(f->st, f->a, "2026-01-11", &list, &n, &e), AZ_OK);
	assert_int_equal(n, 0);
}

static void only_an_unsent_invitation_of_a_draft_round_is_removed(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct invitation v[2], *list;
	struct mail m, *claimed;
	size_t n, added;

	v[0] = make_inv(f->a, f->round, "mt", "weg@example.org");
	v[1] = make_inv(f->a, f->round, "mt", "blijf@example.org");
	assert_int_equal(f->st->ops->invitations_add(f->st, v, 2, NULL, &e), AZ_OK);
	assert_int_equal(f->st->ops->invitation_list(f->st, f->a, f->round, &list, &n, &e), AZ_OK);
	assert_int_equal(f->st->ops->invitation_remove(f->st, f->round, list[0].id, &e), AZ_ESTATE);
	assert_contains(e.msg, "own");
	assert_int_equal(f->st->ops->invitation_remove(f->st, f->round + 1, v[0].id, &e), AZ_ENOTFOUND);
	/* A queued message goes with its invitation. */
	m = make_mail("invite:x", f->round, v[0].id, 0);
	assert_int_equal(f->st->ops->outbox_add(f->st, &m, 1, &added, &e), AZ_OK);
	assert_int_equal(f->st->ops->invitation_remove(f->st, f->round, v[0].id, &e), AZ_OK);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM outbox"), 0);
	assert_int_equal(f->st->ops->invitation_remove(f->st, f->round, v[0].id, &e), AZ_ENOTFOUND);
	/* Sent: stays. */
	m = make_mail("invite:y", f->round, v[1].id, 0);
	assert_int_equal(f->st->ops->outbox_add(f->st, &m, 1, &added, &e), AZ_OK);
	assert_int_equal(f->st->ops->outbox_claim(f->st, f->a, "w1", 100, 200, 5, &claimed, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(f->st->ops->outbox_done(f->st, claimed[0].id, "w1", MAIL_SENT, 0, "250 ok", 101, &e), AZ_OK);
	assert_int_equal(f->st->ops->invitation_remove(f->st, f->round, v[1].id, &e), AZ_ESTATE);
	assert_contains(e.msg, "sent");
	/* Not once the round is open. */
	v[0] = make_inv(f->a, f->round, "mt", "laat@example.org");
	assert_int_equal(f->st->ops->invitations_add(f->st, v, 1, NULL, &e), AZ_OK);
	move(f, ROUND_DRAFT, ROUND_OPEN);
	assert_int_equal(f->st->ops->invitation_remove(f->st, f->round, v[0].id, &e), AZ_ESTATE);
	assert_contains(e.msg, "open");
}

static void accounts_are_unique_by_email(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct user u = {0}, got, *list;
	size_t n;
	int64_t admin = add_user(f, "admin@example.org", ROLE_ADMIN, 0);
	int64_t lead = add_user(f, "leider@example.org", ROLE_LEADER, f->leader);

	u.email = "admin@example.org";
	u.name = "Ander";
	u.role = ROLE_COACH;
	u.language = "en";
	assert_int_equal(f->st->ops->user_add(f->st, &u, &e), AZ_EDUP);
	u.email = "nieuw@example.org";
	u.role = ROLE_LEADER;
	assert_int_equal(f->st->ops->user_add(f->st, &u, &e), AZ_EINVAL);   /* a leader without leader */
	u.leader_id = 999;
	assert_int_equal(f->st->ops->user_add(f->st, &u, &e), AZ_ENOTFOUND);
	assert_int_equal(f->st->ops->user_by_email(f->st, f->a, "leider@example.org", &got, &e), AZ_OK);
	assert_int_equal(got.id, lead);
	assert_int_equal(got.role, ROLE_LEADER);
	assert_int_equal(got.leader_id, f->leader);
	assert_null(got.password);
	assert_true(got.created_at > 0);
	assert_int_equal(f->st->ops->user_by_email(f->st, f->a, "niemand@example.org", &got, &e), AZ_ENOTFOUND);
	assert_int_equal(f->st->ops->user_set_password(f->st, admin, "$argon2id$x", &e), AZ_OK);
	assert_int_equal(f->st->ops->user_set_password(f->st, 999, "$argon2id$x", &e), AZ_ENOTFOUND);
	assert_int_equal(f->st->ops->user_get(f->st, f->a, admin, &got, &e), AZ_OK);
	assert_string_equal(got.password, "$argon2id$x");
	assert_int_equal(got.leader_id, 0);
	assert_int_equal(f->st->ops->user_list(f->st, f->a, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 2);
}

static void sessions_expire_and_are_noted_once_a_minute(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct session s = {"h1", 0, 1000, 1000}, got;
	struct user u;
	const struct store_ops *o = f->st->ops;

	s.user_id = add_user(f, "a@example.org", ROLE_ADMIN, 0);
	assert_int_equal(o->session_add(f->st, &s, &e), AZ_OK);
	assert_int_equal(o->session_add(f->st, &s, &e), AZ_EDUP);
	assert_int_equal(o->session_get(f->st, f->a, "h1", 1030, 600, 3600, &got, &u, &e), AZ_OK);
	assert_int_equal(got.seen_at, 1000);   /* within the minute: a read only */
	assert_string_equal(u.email, "a@example.org");
	assert_int_equal(db_int(f, "SELECT seen_at FROM sessions"), 1000);
	assert_int_equal(o->session_get(f->st, f->a, "h1", 1060, 600, 3600, &got, &u, &e), AZ_OK);
	assert_int_equal(got.seen_at, 1060);
	assert_int_equal(db_int(f, "SELECT seen_at FROM sessions"), 1060);
	/* Idle too long: gone, also for a later request in time. */
	assert_int_equal(o->session_get(f->st, f->a, "h1", 1661, 600, 3600, &got, &u, &e), AZ_ENOTFOUND);
	assert_int_equal(o->session_get(f->st, f->a, "h1", 1100, 600, 3600, &got, &u, &e), AZ_ENOTFOUND);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM sessions"), 0);
	/* Too old, however busy. */
	s = (struct session){"h2", s.user_id, 1000, 4500};
	assert_int_equal(o->session_add(f->st, &s, &e), AZ_OK);
	assert_int_equal(o->session_get(f->st, f->a, "h2", 4601, 600, 3600, &got, &u, &e), AZ_ENOTFOUND);
	/* Log out, here and everywhere. */
	s = (struct session){"h3", s.user_id, 5000, 5000};
	assert_int_equal(o->session_add(f->st, &s, &e), AZ_OK);
	s.id_hash = "h4";
	assert_int_equal(o->session_add(f->st, &s, &e), AZ_OK);
	s.id_hash = "h5";
	assert_int_equal(o->session_add(f->st, &s, &e), AZ_OK);
	assert_int_equal(o->session_delete(f->st, "h3", &e), AZ_OK);
	assert_int_equal(o->session_get(f->st, f->a, "h3", 5001, 600, 3600, &got, &u, &e), AZ_ENOTFOUND);
	assert_int_equal(o->session_get(f->st, f->a, "h4", 5001, 600, 3600, &got, &u, &e), AZ_OK);
	assert_int_equal(o->session_delete_user(f->st, s.user_id, &e), AZ_OK);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM sessions"), 0);
	s.user_id = 999;
	assert_int_equal(o->session_add(f->st, &s, &e), AZ_ENOTFOUND);
}

struct link_user {
	struct store *st;
	int rc;
};

static void *link_user_run(void *arg)
{
	struct link_user *w = arg;
	struct err e = {0};
	int64_t uid;

	w->rc = w->st->ops->login_link_use(w->st, "race", 100, &uid, &e);
	return NULL;
}

static void a_login_link_works_once_and_not_after_it_expires(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct link_user w[8];
	pthread_t th[8];
	int64_t uid = add_user(f, "a@example.org", ROLE_ADMIN, 0), got = -1;
	int ok = 0;

	assert_int_equal(f->st->ops->login_link_add(f->st, "l1", uid, 200, &e), AZ_OK);
	assert_int_equal(f->st->ops->login_link_add(f->st, "l1", uid, 200, &e), AZ_EDUP);
	assert_int_equal(f->st->ops->login_link_add(f->st, "l2", uid, 150, &e), AZ_OK);
	assert_int_equal(f->st->ops->login_link_add(f->st, "l3", 999, 150, &e), AZ_ENOTFOUND);
	assert_int_equal(f->st->ops->login_link_use(f->st, "l1", 200, &got, &e), AZ_OK);
	assert_int_equal(got, uid);
	assert_int_equal(f->st->ops->login_link_use(f->st, "l1", 200, &got, &e), AZ_ENOTFOUND);
	assert_int_equal(f->st->ops->login_link_use(f->st, "l2", 151, &got, &e), AZ_ENOTFOUND);
	assert_int_equal(got, 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM login_links"), 0);
	/* Eight requests with one link at once: one gets in. */
	assert_int_equal(f->st->ops->login_link_add(f->st, "race", uid, 200, &e), AZ_OK);
	for (int i = 0; i < 8; i++) {
		w[i] = (struct link_user){f->st, -1};
		assert_int_equal(pthread_create(&th[i], NULL, link_user_run, &w[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		assert_true(w[i].rc == AZ_OK || w[i].rc == AZ_ENOTFOUND);
		ok += w[i].rc == AZ_OK;
	}
	assert_int_equal(ok, 1);
}

static void rate_limits_count_per_window(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	const struct store_ops *o = f->st->ops;
	int64_t k = 0;

	for (int i = 1; i <= 3; i++) {
		assert_int_equal(o->ratelimit_hit(f->st, "login:a", 10, &k, &e), AZ_OK);
		assert_int_equal(k, i);
	}
	assert_int_equal(o->ratelimit_hit(f->st, "login:b", 10, &k, &e), AZ_OK);
	assert_int_equal(k, 1);
	assert_int_equal(o->ratelimit_peek(f->st, "login:a", 10, &k, &e), AZ_OK);
	assert_int_equal(k, 3);
	assert_int_equal(o->ratelimit_hit(f->st, "login:a", 11, &k, &e), AZ_OK);
	assert_int_equal(k, 1);
	assert_int_equal(o->ratelimit_peek(f->st, "login:a", 10, &k, &e), AZ_OK);
	assert_int_equal(k, 0);   /* dropped */
	assert_int_equal(o->ratelimit_peek(f->st, "login:b", 10, &k, &e), AZ_OK);
	assert_int_equal(k, 1);   /* another key's window stays */
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM ratelimits"), 2);
}

/* sweep deletes exactly what session_get, login_link_use and the rate
 * limits would no longer accept, at the same edges, and nothing else. */
/* A draft is a named invitee's answers so far: once the round has closed
 * nobody can hand it in, and it must not stay. */
static void sweep_deletes_the_drafts_of_closed_rounds(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	const struct store_ops *o = f->st->ops;
	struct invitation v[2];
	struct sweep_counts n;

	v[0] = make_inv(f->a, f->round, "mt", "r1@example.org");
	v[1] = make_inv(f->a, f->round, "mt", "r2@example.org");
	assert_int_equal(o->invitations_add(f->st, v, 2, NULL, &e), AZ_OK);
	move(f, ROUND_DRAFT, ROUND_OPEN);
	assert_int_equal(o->draft_save(f->st, v[0].id, f->round, "mt", "{\"OMG1\": 2}", &e), AZ_OK);
	assert_int_equal(o->draft_save(f->st, v[1].id, f->round, "mt", "{\"OMG1\": 5}", &e), AZ_OK);
	/* Open: the drafts are needed. */
	assert_int_equal(o->sweep(f->st, 5000, 600, 3600, 4100, &n, &e), AZ_OK);
	assert_int_equal(n.drafts, 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM drafts"), 2);
	move(f, ROUND_OPEN, ROUND_CLOSED);
	assert_int_equal(o->sweep(f->st, 5000, 600, 3600, 4100, &n, &e), AZ_OK);
	assert_int_equal(n.drafts, 2);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM drafts"), 0);
	assert_int_equal(o->sweep(f->st, 5000, 600, 3600, 4100, &n, &e), AZ_OK);
	assert_int_equal(n.drafts, 0);
}

static void sweep_deletes_only_what_expired(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	const struct store_ops *o = f->st->ops;
	int64_t uid = add_user(f, "a@example.org", ROLE_ADMIN, 0), k = 0, got;
	const struct session ses[] = {
		{"idle", uid, 4000, 4399},     /* 601 s without a request */
		{"edge", uid, 4000, 4400},     /* 600 s: still good */
		{"old", uid, 1399, 4900},      /* 3601 s since login */
		{"oldedge", uid, 1400, 4900},  /* 3600 s: still good */
	};
	struct sweep_counts n = {-1, -1, -1, -1};
	struct session s;
	struct user u;

	for (size_t i = 0; i < sizeof ses / sizeof ses[0]; i++)
		assert_int_equal(o->session_add(f->st, &ses[i], &e), AZ_OK);
	assert_int_equal(o->login_link_add(f->st, "gone", uid, 4999, &e), AZ_OK);
	assert_int_equal(o->login_link_add(f->st, "last", uid, 5000, &e), AZ_OK);
	assert_int_equal(o->ratelimit_hit(f->st, "login-email:a", 4000, &k, &e), AZ_OK);
	assert_int_equal(o->ratelimit_hit(f->st, "login-email:b", 4100, &k, &e), AZ_OK);
	assert_int_equal(o->ratelimit_hit(f->st, "token:c", 4940, &k, &e), AZ_OK);

	assert_int_equal(o->sweep(f->st, 5000, 600, 3600, 4100, &n, &e), AZ_OK);
	assert_int_equal(n.sessions, 2);
	assert_int_equal(n.login_links, 1);
	assert_int_equal(n.ratelimits, 1);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM sessions WHERE id_hash IN ('idle', 'old')"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM login_links WHERE token_hash = 'gone'"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM ratelimits WHERE key = 'login-email:a'"), 0);
	/* What is left is what still works. */
	assert_int_equal(o->session_get(f->st, f->a, "edge", 5000, 600, 3600, &s, &u, &e), AZ_OK);
	assert_int_equal(o->session_get(f->st, f->a, "oldedge", 5000, 600, 3600, &s, &u, &e), AZ_OK);
	assert_int_equal(o->ratelimit_peek(f->st, "login-email:b", 4100, &k, &e), AZ_OK);
	assert_int_equal(k, 1);
	assert_int_equal(o->ratelimit_peek(f->st, "token:c", 4940, &k, &e), AZ_OK);
	assert_int_equal(k, 1);
	assert_int_equal(o->login_link_use(f->st, "last", 5000, &got, &e), AZ_OK);
	assert_int_equal(got, uid);
	/* Nothing more expired: nothing more goes. */
	assert_int_equal(o->sweep(f->st, 5000, 600, 3600, 4100, &n, &e), AZ_OK);
	assert_int_equal(n.sessions + n.login_links + n.ratelimits, 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM sessions"), 2);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM ratelimits"), 2);
	/* Later, all of it. */
	assert_int_equal(o->sweep(f->st, 9000, 600, 3600, 9000, &n, &e), AZ_OK);
	assert_int_equal(n.sessions, 2);
	assert_int_equal(n.ratelimits, 2);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM sessions") + db_int(f, "SELECT COUNT(*) FROM ratelimits") +
			 db_int(f, "SELECT COUNT(*) FROM login_links"), 0);
}

static void reports_are_shared_with_coaches(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	const struct store_ops *o = f->st->ops;
	int64_t c1 = add_user(f, "c1@example.org", ROLE_COACH, 0), c2 = add_user(f, "c2@example.org", ROLE_COACH, 0);
	struct user *list;
	size_t n;
	int shared = -1;

	assert_int_equal(o->share_set(f->st, f->round, c2, 1, &e), AZ_OK);
	assert_int_equal(o->share_set(f->st, f->round, c1, 1, &e), AZ_OK);
	assert_int_equal(o->share_set(f->st, f->round, c1, 1, &e), AZ_OK);   /* twice is once */
	assert_int_equal(o->share_set(f->st, f->round, 999, 1, &e), AZ_ENOTFOUND);
	assert_int_equal(o->share_list(f->st, f->a, f->round, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].email, "c1@example.org");
	assert_int_equal(o->share_exists(f->st, f->round, c1, &shared, &e), AZ_OK);
	assert_int_equal(shared, 1);
	assert_int_equal(o->share_set(f->st, f->round, c1, 0, &e), AZ_OK);
	assert_int_equal(o->share_exists(f->st, f->round, c1, &shared, &e), AZ_OK);
	assert_int_equal(shared, 0);
	assert_int_equal(o->share_list(f->st, f->a, f->round, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
}

static void a_message_is_queued_once_per_key(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct mail m[3], *list;
	struct outbox_counts k;
	size_t added = 99, n;

	m[0] = make_mail("invite:1", f->round, 0, 0);
	m[1] = make_mail("invite:2", f->round, 0, 0);
	assert_int_equal(f->st->ops->outbox_add(f->st, m, 2, &added, &e), AZ_OK);
	assert_int_equal(added, 2);
	assert_true(m[0].id > 0 && m[1].id > m[0].id);
	m[0] = make_mail("invite:2", f->round, 0, 0);
	m[1] = make_mail("login:abc", 0, 0, 0);
	assert_int_equal(f->st->ops->outbox_add(f->st, m, 2, &added, &e), AZ_OK);
	assert_int_equal(added, 1);
	assert_int_equal(m[0].id, 0);
	/* All or nothing: a bad one (no such round) keeps the others out. */
	m[0] = make_mail("invite:3", f->round, 0, 0);
	m[1] = make_mail("invite:4", 999, 0, 0);
	m[2] = make_mail("invite:5", f->round, 0, 0);
	assert_int_not_equal(f->st->ops->outbox_add(f->st, m, 3, &added, &e), AZ_OK);
	assert_int_equal(added, 0);
	assert_int_equal(f->st->ops->outbox_list(f->st, f->a, 0, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].key, "login:abc");   /* newest first */
	assert_null(list[0].text);
	assert_null(list[0].html);
	assert_int_equal(list[0].round_id, 0);
	assert_int_equal(list[0].state, MAIL_QUEUED);
	assert_int_equal(f->st->ops->outbox_list(f->st, f->a, f->round, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 2);
	assert_int_equal(f->st->ops->outbox_count(f->st, &k, &e), AZ_OK);
	assert_int_equal(k.queued, 3);
	assert_int_equal(k.sent + k.sending + k.failed, 0);
}

static void an_interrupted_message_fails_and_is_never_resent_on_its_own(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	const struct store_ops *o = f->st->ops;
	struct mail m[3], *got, *list;
	struct outbox_counts k;
	size_t added, n;

	m[0] = make_mail("a", 0, 0, 100);
	m[1] = make_mail("b", 0, 0, 100);
	m[2] = make_mail("c", 0, 0, 500);   /* not yet due */
	assert_int_equal(o->outbox_add(f->st, m, 3, &added, &e), AZ_OK);
	assert_int_equal(o->outbox_claim(f->st, f->a, "w1", 100, 160, 1, &got, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].key, "a");   /* oldest first */
	assert_string_equal(got[0].text, "Tekst");
	assert_string_equal(got[0].html, "<p>Tekst</p>");
	assert_int_equal(got[0].attempts, 1);
	assert_int_equal(got[0].state, MAIL_SENDING);
	assert_int_equal(o->outbox_claim(f->st, f->a, "w2", 100, 160, 10, &got, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].key, "b");
	/* Only the holder may finish it. */
	assert_int_equal(o->outbox_done(f->st, got[0].id, "w1", MAIL_SENT, 0, NULL, 120, &e), AZ_ESTATE);
	assert_int_equal(o->outbox_done(f->st, got[0].id, "w2", MAIL_QUEUED, 130, "421 busy", 120, &e), AZ_OK);
	assert_int_equal(o->outbox_claim(f->st, f->a, "w2", 125, 185, 10, &got, &n, &e), AZ_OK);
	assert_int_equal(n, 0);   /* b waits for 130 */
	/* w1 vanished with a: after its lease, a is failed, b is claimed. */
	assert_int_equal(o->outbox_claim(f->st, f->a, "w3", 161, 221, 10, &got, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].key, "b");
	assert_int_equal(got[0].attempts, 2);
	assert_int_equal(o->outbox_list(f->st, f->a, 0, &list, &n, &e), AZ_OK);
	assert_string_equal(list[2].key, "a");
	assert_int_equal(list[2].state, MAIL_FAILED);
	assert_string_equal(list[2].last_error, "interrupted while sending; it may or may not have arrived");
	assert_int_equal(o->outbox_done(f->st, list[2].id, "w1", MAIL_SENT, 0, NULL, 170, &e), AZ_ESTATE);
	assert_int_equal(o->outbox_done(f->st, got[0].id, "w3", MAIL_SENT, 0, "250 ok", 170, &e), AZ_OK);
	assert_int_equal(o->outbox_done(f->st, got[0].id, "w3", MAIL_SENT, 0, "250 ok", 170, &e), AZ_ESTATE);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM outbox WHERE key = 'b' AND sent_at = 170"
				   " AND text_body = '' AND html_body IS NULL"), 1);
	/* An administrator sends a again; only a failed message. */
	assert_int_equal(o->outbox_retry(f->st, got[0].id, 200, &e), AZ_ESTATE);
	assert_int_equal(o->outbox_retry(f->st, 999, 200, &e), AZ_ENOTFOUND);
	assert_int_equal(o->outbox_retry(f->st, list[2].id, 200, &e), AZ_OK);
	assert_int_equal(o->outbox_claim(f->st, f->a, "w4", 200, 260, 10, &got, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].key, "a");
	assert_int_equal(got[0].attempts, 2);
	assert_int_equal(o->outbox_done(f->st, got[0].id, "w4", MAIL_FAILED, 0, "550 no such user", 201, &e), AZ_OK);
	assert_int_equal(o->outbox_count(f->st, &k, &e), AZ_OK);
	assert_int_equal(k.queued, 1);
	assert_int_equal(k.sent, 1);
	assert_int_equal(k.failed, 1);
	assert_int_equal(k.sending, 0);
}

static void the_audit_log_is_append_only(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct audit_entry en = {0}, *list;
	size_t n;

	en.actor = "a@example.org";
	en.user_id = 7;
	en.object = "round 1";
	for (int i = 0; i < 3; i++) {
		en.at = 100 + i;
		en.action = i == 2 ? "round.open" : "login";
		assert_int_equal(f->st->ops->audit_add(f->st, &en, &e), AZ_OK);
	}
	assert_int_equal(f->st->ops->audit_list(f->st, f->a, 0, 2, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].action, "round.open");
	assert_int_equal(list[0].at, 102);
	assert_int_equal(f->st->ops->audit_list(f->st, f->a, list[1].id, 10, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].at, 100);
	assert_string_equal(list[0].object, "round 1");
	assert_null(list[0].detail);
	assert_true(db_refuses(f, "DELETE FROM audit"));
	assert_true(db_refuses(f, "UPDATE audit SET action = 'x'"));
	assert_true(db_refuses(f, "UPDATE audit SET actor = 'someone'"));
	assert_false(db_refuses(f, "UPDATE audit SET actor = actor WHERE id = 0"));
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM audit WHERE action = 'login'"), 2);
}

static void raters_of_rounds_closed_long_enough_are_erased(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct invitation v[2], *list;
	struct mail m;
	char today[11];
	size_t n, added;
	int64_t count = -1;

	v[0] = make_inv(f->a, f->round, "mt", "x@example.org");
	v[1] = make_inv(f->a, f->round, "mt", "y@example.org");
	assert_int_equal(f->st->ops->invitations_add(f->st, v, 2, NULL, &e), AZ_OK);
	m = make_mail("invite:x", f->round, v[0].id, 0);
	assert_int_equal(f->st->ops->outbox_add(f->st, &m, 1, &added, &e), AZ_OK);
	move(f, ROUND_DRAFT, ROUND_OPEN);
	assert_int_equal(f->st->ops->rater_erase(f->st, "2999-01-01", &count, &e), AZ_OK);
	assert_int_equal(count, 0);   /* open: not closed at all */
	move(f, ROUND_OPEN, ROUND_CLOSED);
	assert_int_equal(f->st->ops->rater_erase(f->st, "2000-01-01", &count, &e), AZ_OK);
	assert_int_equal(count, 0);
	assert_int_equal(f->st->ops->rater_erase(f->st, "01-01-2000", &count, &e), AZ_EINVAL);
	date_today(today);
	assert_int_equal(f->st->ops->rater_erase(f->st, today, &count, &e), AZ_OK);
	assert_int_equal(count, 2);
	assert_int_equal(f->st->ops->invitation_list(f->st, f->a, f->round, &list, &n, &e), AZ_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_null(list[i].name);
		assert_null(list[i].email);
		assert_non_null(list[i].token_hash);   /* the links still work */
	}
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM outbox"), 0);
	assert_int_equal(f->st->ops->rater_erase(f->st, today, &count, &e), AZ_OK);
	assert_int_equal(count, 0);
}

/* Rows anywhere that hold text with needle, through the database's own
 * list of tables: cells holding it on SQLite, rows on PostgreSQL (each
 * row as text); only "none" and "some" are compared. */
static int64_t rows_mentioning(struct fix *f, const char *needle)
{
	int64_t hits = 0;

	if (test_on_pg()) {
		PGconn *db = PQconnectdb(f->path);
		PGresult *tabs = PQexec(db, "SELECT quote_ident(tablename) FROM pg_tables"
					" WHERE schemaname = current_schema()");
		assert_int_equal(PQresultStatus(tabs), PGRES_TUPLES_OK);
		for (int i = 0; i < PQntuples(tabs); i++) {
			const char *vals[1] = {needle};
			char sql[200];
			PGresult *res;
			snprintf(sql, sizeof sql, "SELECT count(*) FROM %s t WHERE strpos(t::text, $1) > 0",
				 PQgetvalue(tabs, i, 0));
			res = PQexecParams(db, sql, 1, NULL, vals, NULL, NULL, 0);
			assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
			hits += strtoll(PQgetvalue(res, 0, 0), NULL, 10);
			PQclear(res);
		}
		PQclear(tabs);
		PQfinish(db);
		return hits;
	}
	{
		sqlite3 *db;
		sqlite3_stmt *tabs, *st;

		assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1,
						    &tabs, NULL), SQLITE_OK);
		while (sqlite3_step(tabs) == SQLITE_ROW) {
			char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", (const char *)sqlite3_column_text(tabs, 0));
			assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
			while (sqlite3_step(st) == SQLITE_ROW)
				for (int i = 0; i < sqlite3_column_count(st); i++)
					if (sqlite3_column_type(st, i) == SQLITE_TEXT &&
					    strstr((const char *)sqlite3_column_text(st, i), needle) != NULL)
						hits++;
			sqlite3_finalize(st);
			sqlite3_free(sql);
		}
		sqlite3_finalize(tabs);
		sqlite3_close(db);
	}
	return hits;
}

static void an_erased_leader_leaves_nothing_behind(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	const struct store_ops *o = f->st->ops;
	struct leader other = {0, "Ander", "ander@example.org", "Gemeente", "nl", NULL};
	struct round r2 = {0};
	struct stored_instrument si;
	struct invitation v[3], self2;
	struct response resp = make_resp(f->a, f->round, "mt", 4);
	struct session s = {"sess", 0, 100, 100};
	struct audit_entry en = {0};
	struct mail m[2];
	size_t added;
	int64_t k, uid, coach, other_inv;

	/* The leader's round with raters, a response, a draft, mail, a share;
	 * their account with a session, a login link and audit entries. */
	v[0] = make_inv(f->a, f->round, "mt", "r1@example.org");
	v[1] = make_inv(f->a, f->round, "mt", "r2@example.org");
	assert_int_equal(o->invitations_add(f->st, v, 2, NULL, &e), AZ_OK);
	move(f, ROUND_DRAFT, ROUND_OPEN);
	assert_int_equal(o->response_submit(f->st, v[0].id, &resp, &e), AZ_OK);
	assert_int_equal(o->draft_save(f->st, v[1].id, f->round, "mt", "{\"OMG1\": 2}", &e), AZ_OK);
	uid = add_user(f, "leider@example.org", ROLE_LEADER, f->leader);
	coach = add_user(f, "coach@example.org", ROLE_COACH, 0);
	assert_int_equal(o->share_set(f->st, f->round, coach, 1, &e), AZ_OK);
	s.user_id = uid;
	assert_int_equal(o->session_add(f->st, &s, &e), AZ_OK);
	assert_int_equal(o->login_link_add(f->st, "link", uid, 9999, &e), AZ_OK);
	assert_int_equal(o->ratelimit_hit(f->st, "login:leider@example.org", 1, &k, &e), AZ_OK);
	en = (struct audit_entry){0, 100, uid, "leider@example.org", "round.open", "round 1", NULL, "10.0.0.1"};
	assert_int_equal(o->audit_add(f->st, &en, &e), AZ_OK);
	en = (struct audit_entry){0, 101, 0, "cli", "leader.add", "leader 2", NULL, NULL};
	assert_int_equal(o->audit_add(f->st, &en, &e), AZ_OK);
	m[0] = make_mail("invite:r2", f->round, v[1].id, 0);
	m[1] = make_mail("login:x", 0, 0, 0);
	m[1].to = "leider@example.org";
	assert_int_equal(o->outbox_add(f->st, m, 2, &added, &e), AZ_OK);
	/* A colleague, whose round the leader rates: only the rater's
	 * name and address go. */
	assert_int_equal(o->leader_add(f->st, &other, &e), AZ_OK);
	assert_int_equal(o->instrument_get(f->st, f->a, 1, &si, &e), AZ_OK);
	r2.leader_id = other.id;
	self2 = make_inv(f->a, 0, "self", NULL);
	assert_int_equal(o->round_add(f->st, &r2, &si, &self2, &e), AZ_OK);
	v[2] = make_inv(f->a, r2.id, "peer", "leider@example.org");
	v[2].name = "Leider Zelf";
	assert_int_equal(o->invitations_add(f->st, &v[2], 1, NULL, &e), AZ_OK);
	other_inv = v[2].id;
	v[2] = make_inv(f->a, r2.id, "peer", "blijft@example.org");
	assert_int_equal(o->invitations_add(f->st, &v[2], 1, NULL, &e), AZ_OK);
	assert_int_equal(o->share_set(f->st, r2.id, coach, 1, &e), AZ_OK);
	assert_true(rows_mentioning(f, "leider@example.org") > 0);

	assert_int_equal(o->leader_erase(f->st, f->leader, &e), AZ_OK);
	assert_int_equal(o->leader_erase(f->st, f->leader, &e), AZ_ENOTFOUND);

	assert_int_equal(rows_mentioning(f, "leider@example.org"), 0);
	assert_int_equal(rows_mentioning(f, "Leider"), 0);
	assert_int_equal(rows_mentioning(f, "r1@example.org") + rows_mentioning(f, "r2@example.org"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM rounds"), 1);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM invitations"), 3);   /* the colleague's */
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM responses"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM open_answers"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM drafts"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM outbox"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM shares"), 1);        /* the colleague's round */
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM users"), 1);         /* the coach */
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM sessions"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM login_links"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM ratelimits"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM leaders"), 1);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM invitations WHERE email = 'blijft@example.org'"), 1);
	{
		char *sql = sqlite3_mprintf("SELECT COUNT(*) FROM invitations WHERE id = %lld AND email IS NULL",
					    (long long)other_inv);
		assert_int_equal(db_int(f, sql), 1);
		sqlite3_free(sql);
	}
	/* The audit log keeps what was done, not by whom. */
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM audit"), 2);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM audit WHERE actor = 'erased' AND action = 'round.open'"), 1);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM audit WHERE actor = 'cli'"), 1);
}

/* Regression: the leader's messages were found by a substring of the
 * address, so erasing leider@ took the waiting mail of oud-leider@ too. */
static void erasing_a_leader_leaves_the_mail_of_similar_addresses(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct mail m[3];
	size_t added;

	add_user(f, "oud-leider@example.org", ROLE_COACH, 0);
	m[0] = make_mail("login:a", 0, 0, 0);
	m[0].to = "leider@example.org";
	m[1] = make_mail("login:b", 0, 0, 0);
	m[1].to = "oud-leider@example.org";
	m[2] = make_mail("login:c", 0, 0, 0);
	m[2].to = "leider@example.org.example";
	assert_int_equal(f->st->ops->outbox_add(f->st, m, 3, &added, &e), AZ_OK);
	assert_int_equal(added, 3);
	assert_int_equal(f->st->ops->leader_erase(f->st, f->leader, &e), AZ_OK);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM outbox WHERE key = 'login:a'"), 0);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM outbox WHERE key IN ('login:b', 'login:c')"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_are_applied_once_and_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(a_missing_database_is_not_created_by_accident, setup, teardown),
		cmocka_unit_test_setup_teardown(a_newer_schema_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(someone_elses_database_is_left_alone, setup, teardown),
		cmocka_unit_test(a_bad_connection_string_says_which_part),
		cmocka_unit_test(an_unreachable_server_is_named),
		cmocka_unit_test_setup_teardown(lost_connections_are_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(a_round_is_frozen_to_its_instrument_text, setup, teardown),
		cmocka_unit_test_setup_teardown(invitations_are_added_all_or_none, setup, teardown),
		cmocka_unit_test_setup_teardown(only_the_token_hash_finds_an_invitation, setup, teardown),
		cmocka_unit_test(tokens_depend_on_key_and_nonce),
		cmocka_unit_test(login_tokens_are_long_and_apart_from_link_tokens),
		cmocka_unit_test_setup_teardown(a_submitted_response_is_detached_from_its_invitation, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failing_submission_leaves_nothing_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(round_transitions_check_the_current_state, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_writers_all_succeed, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_submissions_are_stored_once_each, setup, teardown),
		cmocka_unit_test_setup_teardown(a_version_2_database_migrates_to_the_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(rounds_carry_their_settings_and_closing_date, setup, teardown),
		cmocka_unit_test_setup_teardown(invitations_keep_their_language, setup, teardown),
		cmocka_unit_test_setup_teardown(the_list_of_raters_moves_only_while_the_round_is_a_draft, setup, teardown),
		cmocka_unit_test_setup_teardown(rounds_are_due_after_their_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(only_an_unsent_invitation_of_a_draft_round_is_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(accounts_are_unique_by_email, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions_expire_and_are_noted_once_a_minute, setup, teardown),
		cmocka_unit_test_setup_teardown(a_login_link_works_once_and_not_after_it_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(rate_limits_count_per_window, setup, teardown),
		cmocka_unit_test_setup_teardown(sweep_deletes_only_what_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(sweep_deletes_the_drafts_of_closed_rounds, setup, teardown),
		cmocka_unit_test_setup_teardown(reports_are_shared_with_coaches, setup, teardown),
		cmocka_unit_test_setup_teardown(a_message_is_queued_once_per_key, setup, teardown),
		cmocka_unit_test_setup_teardown(an_interrupted_message_fails_and_is_never_resent_on_its_own, setup, teardown),
		cmocka_unit_test_setup_teardown(the_audit_log_is_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(raters_of_rounds_closed_long_enough_are_erased, setup, teardown),
		cmocka_unit_test_setup_teardown(an_erased_leader_leaves_nothing_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(erasing_a_leader_leaves_the_mail_of_similar_addresses, setup, teardown),
	};
	return cmocka_run_group_tests_name(test_on_pg() ? "store on PostgreSQL" : "store on SQLite", tests, NULL, NULL);
}
