/* test_store.c — the store: migrations, all-or-nothing writes, the
 * detach-on-submit rule, token hashing and concurrent writers. Runs on
 * SQLite, and on PostgreSQL when AANWEZIG_TEST_PG is set (tests/run.sh
 * does both). */
#include "testutil.h"

#include <pthread.h>
#include <unistd.h>

#include "../../src/core/core.h"
#include "../../src/store/store.h"
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
		cmocka_unit_test_setup_teardown(a_submitted_response_is_detached_from_its_invitation, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failing_submission_leaves_nothing_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(round_transitions_check_the_current_state, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_writers_all_succeed, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_submissions_are_stored_once_each, setup, teardown),
	};
	return cmocka_run_group_tests_name(test_on_pg() ? "store on PostgreSQL" : "store on SQLite", tests, NULL, NULL);
}
