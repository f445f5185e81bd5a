/* test_store_ops.c — the store's operations (version 5): dump, bulk load
 * and the backup; on PostgreSQL too when AANWEZIG_TEST_PG is set. */
#include "testutil.h"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/store/store.h"
#include "../../src/util/token.h"

struct fix {
	char dir[64];
	char path[512];            /* a SQLite file or a PostgreSQL connection string */
	struct store *st;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	struct err e = {0};

	assert_int_equal(token_init(), 0);
	strcpy(f->dir, "/tmp/aanwezig-ops-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	test_db_target(f->path, sizeof f->path, f->dir, "ops");
	assert_int_equal(store_open(f->path, STORE_CREATE, &f->st, &e), AZ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	store_close(f->st);
	test_db_drop(f->path);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static const char *const leader_cols[] = {"id", "name", "email", "organisation", "language", "created_at"};
static const struct store_table leaders = {"leaders", leader_cols, 6, 0};

static struct store_value vi(int64_t i)
{
	return (struct store_value){SV_INT, i, NULL, 0};
}

static struct store_value vt(const char *s)
{
	return (struct store_value){SV_TEXT, 0, s, strlen(s)};
}

/* Load n leaders with ids from first, each with an organisation of pad
 * bytes, in one load. */
static void load_leaders(struct store *st, int64_t first, size_t n, size_t pad)
{
	struct store_value *v = calloc(n * 6, sizeof *v);
	char *org = malloc(pad + 1), (*mail)[40] = calloc(n, 40);
	struct err e = {0};

	memset(org, 'o', pad);
	org[pad] = '\0';
	for (size_t i = 0; i < n; i++) {
		snprintf(mail[i], 40, "l%lld@example.org", (long long)(first + (int64_t)i));
		v[i * 6 + 0] = vi(first + (int64_t)i);
		v[i * 6 + 1] = vt("Leider");
		v[i * 6 + 2] = vt(mail[i]);
		v[i * 6 + 3] = vt(org);
		v[i * 6 + 4] = vt("nl");
		v[i * 6 + 5] = vt("2026-01-01");
	}
	assert_int_equal(st->ops->load_begin(st, 0, &e), AZ_OK);
	assert_int_equal(st->ops->load_rows(st, &leaders, v, n, &e), AZ_OK);
	assert_int_equal(st->ops->load_end(st, 1, &e), AZ_OK);
	free(v);
	free(org);
	free(mail);
}

/* A dump as text: "table:" lines, then one line per row. */
struct text_sink {
	char buf[1 << 16];
	size_t len;
	int64_t rows;
};

static int ts_table(void *arg, const struct store_table *t, struct err *e)
{
	struct text_sink *s = arg;

	(void)e;
	s->len += (size_t)snprintf(s->buf + s->len, sizeof s->buf - s->len, "%s:\n", t->name);
	return AZ_OK;
}

static int ts_row(void *arg, const struct store_table *t, const struct store_value *v, struct err *e)
{
	struct text_sink *s = arg;

	(void)e;
	s->rows++;
	for (size_t i = 0; i < t->ncolumn && s->len < sizeof s->buf - 64; i++) {
		if (v[i].type == SV_NULL)
			s->len += (size_t)snprintf(s->buf + s->len, sizeof s->buf - s->len, "|NULL");
		else if (v[i].type == SV_INT)
			s->len += (size_t)snprintf(s->buf + s->len, sizeof s->buf - s->len, "|%lld", (long long)v[i].i);
		else
			s->len += (size_t)snprintf(s->buf + s->len, sizeof s->buf - s->len, "|%.*s", (int)v[i].len, v[i].s);
	}
	s->len += (size_t)snprintf(s->buf + s->len, sizeof s->buf - s->len, "\n");
	return AZ_OK;
}

static void dump_text(struct store *st, struct text_sink *s)
{
	struct store_sink sink = {ts_table, ts_row, s};
	struct err e = {0};

	memset(s, 0, sizeof *s);
	assert_int_equal(st->ops->dump(st, &sink, &e), AZ_OK);
}

static void a_dump_lists_parents_first_and_rows_in_key_order(void **state)
{
	struct fix *f = *state;
	struct text_sink *s = malloc(sizeof *s);
	char *lead, *rounds, *inv, *r3, *r10;

	load_leaders(f->st, 10, 1, 3);
	load_leaders(f->st, 3, 1, 3);
	dump_text(f->st, s);
	lead = strstr(s->buf, "leaders:\n");
	rounds = strstr(s->buf, "rounds:\n");
	inv = strstr(s->buf, "invitations:\n");
	assert_non_null(lead);
	assert_non_null(rounds);
	assert_non_null(inv);
	assert_true(lead < rounds && rounds < inv);
	assert_null(strstr(s->buf, "schema_migrations"));
	r3 = strstr(s->buf, "|3|Leider|l3@");
	r10 = strstr(s->buf, "|10|Leider|l10@");
	assert_non_null(r3);
	assert_non_null(r10);
	assert_true(r3 < r10);
	assert_int_equal(s->rows, 2);
	free(s);
}

static void a_load_keeps_ids_and_a_rolled_back_load_leaves_nothing(void **state)
{
	struct fix *f = *state;
	struct store_value v[6] = {vi(7), vt("X"), vt("x@example.org"), vt("O"), vt("nl"), vt("2026-01-01")};
	struct leader l = {0};
	struct err e = {0};
	struct arena *a = arena_new();

	assert_int_equal(f->st->ops->load_begin(f->st, 1, &e), AZ_OK);
	assert_int_equal(f->st->ops->load_rows(f->st, &leaders, v, 1, &e), AZ_OK);
	assert_int_equal(f->st->ops->load_end(f->st, 0, &e), AZ_OK);
	assert_int_equal(f->st->ops->leader_get(f->st, a, 7, &l, &e), AZ_ENOTFOUND);
	load_leaders(f->st, 41, 1, 3);
	assert_int_equal(f->st->ops->leader_get(f->st, a, 41, &l, &e), AZ_OK);
	assert_string_equal(l.email, "l41@example.org");
	/* The next leader added the usual way gets an id past the loaded ones. */
	memset(&l, 0, sizeof l);
	l.name = "Nieuw";
	l.email = "nieuw@example.org";
	l.organisation = "O";
	l.language = "nl";
	assert_int_equal(f->st->ops->leader_add(f->st, &l, &e), AZ_OK);
	assert_true(l.id > 41);
	arena_free(a);
}

static void a_load_into_a_database_with_data_can_be_refused(void **state)
{
	struct fix *f = *state;
	struct err e = {0};

	load_leaders(f->st, 1, 1, 3);
	assert_int_equal(f->st->ops->load_begin(f->st, 1, &e), AZ_ESTATE);
	assert_contains(e.msg, "table leaders has rows");
	/* Refused, the store is usable as before. */
	assert_int_equal(f->st->ops->load_begin(f->st, 0, &e), AZ_OK);
	assert_int_equal(f->st->ops->load_end(f->st, 1, &e), AZ_OK);
}

static void a_load_with_a_broken_reference_fails_whole(void **state)
{
	struct fix *f = *state;
	static const char *const cols[] = {"id", "leader_id", "instrument_id", "state", "created_at"};
	const struct store_table rounds = {"rounds", cols, 5, 0};
	struct store_value v[5] = {vi(1), vi(99), vi(99), vt("draft"), vt("2026-01-01")};
	struct text_sink *s = malloc(sizeof *s);
	struct err e = {0};
	int rc;

	assert_int_equal(f->st->ops->load_begin(f->st, 1, &e), AZ_OK);
	/* SQLite checks references at the end, PostgreSQL at once; either
	 * way the load fails whole, even when asked to commit. */
	rc = f->st->ops->load_rows(f->st, &rounds, v, 1, &e);
	if (rc == AZ_OK)
		rc = f->st->ops->load_end(f->st, 1, &e);
	else
		assert_int_not_equal(f->st->ops->load_end(f->st, 1, &(struct err){0}), AZ_OK);
	assert_int_not_equal(rc, AZ_OK);
	dump_text(f->st, s);
	assert_int_equal(s->rows, 0);
	free(s);
}

/* A sink that loads every row into another store, one row at a time,
 * and the table's sequence at its end. */
struct copier {
	struct store *to;
	int have;
	struct store_table t;
};

static int copier_flush(struct copier *cp, struct err *e)
{
	if (!cp->have)
		return AZ_OK;
	cp->have = 0;
	return cp->to->ops->load_rows(cp->to, &cp->t, NULL, 0, e);
}

static int copier_table(void *arg, const struct store_table *t, struct err *e)
{
	struct copier *cp = arg;
	int rc = copier_flush(cp, e);

	cp->t = *t;
	cp->have = 1;
	return rc;
}

static int copier_row(void *arg, const struct store_table *t, const struct store_value *v, struct err *e)
{
	struct copier *cp = arg;

	return cp->to->ops->load_rows(cp->to, t, v, 1, e);
}

struct writer_arg {
	struct store *st;
	volatile int stop;
	int64_t written;            /* leaders added so far */
	pthread_mutex_t lock;
};

static void *writer(void *p)
{
	struct writer_arg *w = p;

	for (int i = 0; !w->stop; i++) {
		struct leader l = {0};
		struct err e = {0};
		char mail[48];
		snprintf(mail, sizeof mail, "w%d@example.org", i);
		l.name = "W";
		l.email = mail;
		l.organisation = "O";
		l.language = "nl";
		if (w->st->ops->leader_add(w->st, &l, &e) != AZ_OK)
			break;
		pthread_mutex_lock(&w->lock);
		w->written++;
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

/* Several backup steps while another connection writes all the time:
 * the copy holds one snapshot (nothing restarts it), at least what was
 * written before it started. */
static void a_backup_of_a_database_in_use_is_complete_and_checked(void **state)
{
	struct fix *f = *state;
	struct writer_arg w = {.st = f->st};
	struct store_backup_info info;
	struct store *copy;
	struct text_sink *s = malloc(sizeof *s);
	struct err e = {0};
	char dest[128];
	int64_t before, total;
	pthread_t th;

	if (test_on_pg()) {
		snprintf(dest, sizeof dest, "%s/copy.db", f->dir);
		assert_int_equal(f->st->ops->backup(f->st, dest, &info, &e), AZ_EINVAL);
		assert_contains(e.msg, "pg_dump");
		free(s);
		return;
	}
	load_leaders(f->st, 1, 12000, 1000);   /* ~13 MB: several steps */
	pthread_mutex_init(&w.lock, NULL);
	assert_int_equal(pthread_create(&th, NULL, writer, &w), 0);
	usleep(50000);
	pthread_mutex_lock(&w.lock);
	before = w.written;
	pthread_mutex_unlock(&w.lock);
	snprintf(dest, sizeof dest, "%s/copy.db", f->dir);
	assert_int_equal(f->st->ops->backup(f->st, dest, &info, &e), AZ_OK);
	usleep(20000);
	w.stop = 1;
	pthread_join(th, NULL);
	assert_true(info.pages > 2 * 1024);
	assert_true(info.steps >= 3);
	assert_int_equal(info.restarts, 0);
	assert_true(info.bytes >= info.pages * 4096);
	assert_true(w.written > before);   /* the writer went on during the copy */
	assert_int_equal(store_open(dest, STORE_EXISTING, &copy, &e), AZ_OK);
	memset(s, 0, sizeof *s);
	{
		struct arena *a = arena_new();
		struct leader *l;
		size_t n;
		assert_int_equal(copy->ops->leader_list(copy, a, &l, &n, &e), AZ_OK);
		total = (int64_t)n;
		arena_free(a);
	}
	assert_true(total >= 12000 + before);
	assert_true(total <= 12000 + w.written);
	store_close(copy);
	/* Never over an existing file. */
	assert_int_equal(f->st->ops->backup(f->st, dest, &info, &e), AZ_EDUP);
	assert_contains(e.msg, "already exists");
	pthread_mutex_destroy(&w.lock);
	free(s);
}

/* Regression: an erased account's id must not be given again after a
 * copy, though no row holds it any more (users is AUTOINCREMENT). */
static void a_copy_keeps_the_ids_an_erased_account_used(void **state)
{
	struct fix *f = *state;
	struct store *copy;
	struct user u = {0}, admin = {0};
	struct leader l = {0};
	struct err e = {0};
	char dest[512];

	admin.email = "admin@example.org";
	admin.name = "Beheer";
	admin.role = ROLE_ADMIN;
	admin.language = "nl";
	assert_int_equal(f->st->ops->user_add(f->st, &admin, &e), AZ_OK);
	l.name = "Leider";
	l.email = "leider@example.org";
	l.organisation = "O";
	l.language = "nl";
	assert_int_equal(f->st->ops->leader_add(f->st, &l, &e), AZ_OK);
	u.email = "leider@example.org";
	u.name = "Leider";
	u.role = ROLE_LEADER;
	u.leader_id = l.id;
	u.language = "nl";
	assert_int_equal(f->st->ops->user_add(f->st, &u, &e), AZ_OK);
	assert_int_equal(f->st->ops->leader_erase(f->st, l.id, &e), AZ_OK);   /* takes account u along */
	test_db_target(dest, sizeof dest, f->dir, "copy");
	assert_int_equal(store_open(dest, STORE_CREATE, &copy, &e), AZ_OK);
	{
		struct copier cp = {.to = copy};
		struct store_sink sink = {copier_table, copier_row, &cp};
		assert_int_equal(copy->ops->load_begin(copy, 1, &e), AZ_OK);
		assert_int_equal(f->st->ops->dump(f->st, &sink, &e), AZ_OK);
		assert_int_equal(copier_flush(&cp, &e), AZ_OK);
		assert_int_equal(copy->ops->load_end(copy, 1, &e), AZ_OK);
	}
	memset(&u, 0, sizeof u);
	u.email = "nieuw@example.org";
	u.name = "Nieuw";
	u.role = ROLE_ADMIN;
	u.language = "nl";
	assert_int_equal(copy->ops->user_add(copy, &u, &e), AZ_OK);
	assert_true(u.id > admin.id + 1);
	store_close(copy);
	test_db_drop(dest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_dump_lists_parents_first_and_rows_in_key_order, setup, teardown),
		cmocka_unit_test_setup_teardown(a_load_keeps_ids_and_a_rolled_back_load_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(a_load_into_a_database_with_data_can_be_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_load_with_a_broken_reference_fails_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(a_backup_of_a_database_in_use_is_complete_and_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(a_copy_keeps_the_ids_an_erased_account_used, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
