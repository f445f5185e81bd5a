/* testutil.h — what every unit test includes first.
 *
 * cmocka.h needs stdarg.h, stddef.h, setjmp.h and stdint.h before it, in
 * that order; this header pulls them in so that a test file starts with
 * one include. It also holds the few helpers that more than one test file
 * can use: a substring assertion, a fixed-seed PRNG, a one-place text
 * replacement, and a minimal valid instrument to build broken ones from.
 *
 * Everything here is static inline so that a test file that does not use a
 * helper gets no "unused function" warning (the build uses -Werror).
 */
#ifndef AZ_TESTUTIL_H
#define AZ_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

/* Fail the test unless needle occurs in haystack; the message shows both
 * and the failure points at the caller's line. */
#define assert_contains(haystack, needle) \
	test_assert_contains((haystack), (needle), __FILE__, __LINE__)

static inline void test_assert_contains(const char *haystack, const char *needle,
					const char *file, int line)
{
	if (haystack != NULL && strstr(haystack, needle) != NULL)
		return;
	print_error("expected to find\n    %s\nin\n    %s\n", needle,
		    haystack != NULL ? haystack : "(null)");
	_fail(file, line);
}

/* xorshift32: a small PRNG of our own, so that a randomised test runs the
 * same on every machine and libc. *s is the state (never 0). */
static inline uint32_t test_rand(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* A number in [lo, hi] from test_rand. */
static inline int test_rand_int(uint32_t *s, int lo, int hi)
{
	return lo + (int)(test_rand(s) % (uint32_t)(hi - lo + 1));
}

/* Number of '\n' in s: problems and messages are one per line. */
static inline int test_count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A new copy (free() it) of text with the one occurrence of from replaced
 * by to. Fails the test when from does not occur exactly once, so that a
 * test never silently edits nothing or the wrong place. */
static inline char *test_replace(const char *text, const char *from, const char *to)
{
	const char *hit = strstr(text, from);
	size_t nfrom = strlen(from), nto = strlen(to), n = strlen(text);
	char *out;

	if (hit == NULL || nfrom == 0) {
		print_error("test_replace: \"%s\" not found\n", from);
		fail();
	}
	if (strstr(hit + 1, from) != NULL) {
		print_error("test_replace: \"%s\" occurs more than once\n", from);
		fail();
	}
	out = malloc(n - nfrom + nto + 1);
	assert_non_null(out);
	memcpy(out, text, (size_t)(hit - text));
	memcpy(out + (hit - text), to, nto);
	memcpy(out + (hit - text) + nto, hit + nfrom, n - (size_t)(hit - text) - nfrom + 1);
	return out;
}

/* The smallest instrument that passes validation, and uses every kind of
 * thing once: two languages, a scale of three points, an arena, two
 * dimensions (a role and a theme), one section with two items (one tagged
 * with the arena) and one open question, the self group and one rater
 * group. Every JSON line is one C line, so the line numbers in the comments
 * are those a syntax error reports. Strings that tests replace are unique. */
static inline const char *test_mini_instrument(void)
{
	return
	/*  1 */ "{\n"
	/*  2 */ "  \"format\": 1,\n"
	/*  3 */ "  \"id\": \"mini\",\n"
	/*  4 */ "  \"version\": \"1\",\n"
	/*  5 */ "  \"languages\": [\"nl\", \"en\"],\n"
	/*  6 */ "  \"title\": {\"nl\": \"Mini\", \"en\": \"Mini\"},\n"
	/*  7 */ "  \"subject\": {\"nl\": \"de secretaris\", \"en\": \"the secretary\"},\n"
	/*  8 */ "  \"anonymity_note\": {\"nl\": \"Geen namen.\", \"en\": \"No names.\"},\n"
	/*  9 */ "  \"scales\": [\n"
	/* 10 */ "    {\"id\": \"freq\", \"cannot_judge\": {\"nl\": \"weet niet\", \"en\": \"cannot judge\"},\n"
	/* 11 */ "     \"points\": [\n"
	/* 12 */ "      {\"value\": 1, \"label\": {\"nl\": \"nooit\", \"en\": \"never\"}},\n"
	/* 13 */ "      {\"value\": 2, \"label\": {\"nl\": \"vaak\", \"en\": \"often\"}},\n"
	/* 14 */ "      {\"value\": 3, \"label\": {\"nl\": \"altijd\", \"en\": \"always\"}}]}\n"
	/* 15 */ "  ],\n"
	/* 16 */ "  \"arenas\": [\n"
	/* 17 */ "    {\"id\": \"bv\", \"code\": \"BV\", \"label\": {\"nl\": \"bedrijfsvoering\", \"en\": \"operations\"}}\n"
	/* 18 */ "  ],\n"
	/* 19 */ "  \"dimensions\": [\n"
	/* 20 */ "    {\"id\": \"rol\", \"kind\": \"role\", \"scale\": \"freq\", \"label\": {\"nl\": \"Rol\", \"en\": \"Role\"}},\n"
	/* 21 */ "    {\"id\": \"thema\", \"kind\": \"theme\", \"scale\": \"freq\", \"label\": {\"nl\": \"Thema\", \"en\": \"Theme\"}}\n"
	/* 22 */ "  ],\n"
	/* 23 */ "  \"sections\": [\n"
	/* 24 */ "    {\"id\": \"deel\", \"title\": {\"nl\": \"Deel\", \"en\": \"Part\"},\n"
	/* 25 */ "     \"items\": [\n"
	/* 26 */ "      {\"id\": \"ROL1\", \"dimension\": \"rol\", \"arena\": \"bv\",\n"
	/* 27 */ "       \"rater\": {\"nl\": \"De secretaris stuurt.\", \"en\": \"The secretary steers.\"},\n"
	/* 28 */ "       \"self\": {\"nl\": \"Ik stuur.\", \"en\": \"I steer.\"}},\n"
	/* 29 */ "      {\"id\": \"THE1\", \"dimension\": \"thema\",\n"
	/* 30 */ "       \"rater\": {\"nl\": \"De secretaris vertelt.\", \"en\": \"The secretary tells.\"},\n"
	/* 31 */ "       \"self\": {\"nl\": \"Ik vertel.\", \"en\": \"I tell.\"}}],\n"
	/* 32 */ "     \"open\": [\n"
	/* 33 */ "      {\"id\": \"tip\", \"audience\": \"rater\", \"text\": {\"nl\": \"Een tip?\", \"en\": \"A tip?\"}}]}\n"
	/* 34 */ "  ],\n"
	/* 35 */ "  \"groups\": [\n"
	/* 36 */ "    {\"id\": \"self\", \"self\": true, \"label\": {\"nl\": \"Zelf\", \"en\": \"Self\"}},\n"
	/* 37 */ "    {\"id\": \"mt\", \"label\": {\"nl\": \"Managementteam\", \"en\": \"Management team\"}, \"threshold\": 3}\n"
	/* 38 */ "  ]\n"
	/* 39 */ "}\n";
}

/* ---- Databases: one test, two backends ----
 *
 * AANWEZIG_TEST_PG, when set, is a libpq connection string (without
 * dbname) to a throw-away PostgreSQL server (tests/pg/pg.sh); tests/run.sh
 * runs the suite once without it (SQLite) and once with it. */

/* 1 when the tests run on PostgreSQL. */
static inline int test_on_pg(void)
{
	const char *pg = getenv("AANWEZIG_TEST_PG");

	return pg != NULL && pg[0] != '\0';
}

/* Run sql (no values) on the server's maintenance database. */
static inline void test_pg_admin(const char *sql)
{
	char conninfo[512];
	PGconn *db;
	PGresult *res;

	snprintf(conninfo, sizeof conninfo, "%s dbname=postgres", getenv("AANWEZIG_TEST_PG"));
	db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK) {
		print_error("cannot reach the test PostgreSQL server: %s\n", PQerrorMessage(db));
		PQfinish(db);
		fail();
	}
	res = PQexec(db, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		print_error("%s: %s\n", sql, PQerrorMessage(db));
		PQclear(res);
		PQfinish(db);
		fail();
	}
	PQclear(res);
	PQfinish(db);
}

/* The --db target (into out[n]) for a fresh database named name: the file
 * dir/name.db, or on PostgreSQL a new, empty database (created here, as
 * an operator would before `aanwezig init`). */
static inline void test_db_target(char *out, size_t n, const char *dir, const char *name)
{
	static int seq;
	char db[64], sql[128];

	if (!test_on_pg()) {
		snprintf(out, n, "%s/%s.db", dir, name);
		return;
	}
	snprintf(db, sizeof db, "az_%s_%ld_%d", name, (long)getpid(), ++seq);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
	test_pg_admin(sql);
	snprintf(out, n, "%s dbname=%s", getenv("AANWEZIG_TEST_PG"), db);
}

/* Remove a database test_db_target made (a file goes with its folder). */
static inline void test_db_drop(const char *target)
{
	const char *name = strstr(target, "dbname=");
	char sql[128];

	if (!test_on_pg() || name == NULL)
		return;
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name + 7);
	test_pg_admin(sql);
}

/* Run sql (no values; test fixtures only) directly on a target, behind the
 * store's back, through a connection of its own: to fake a newer schema,
 * to look at what is stored, or to check what the schema refuses.
 * Returns 0 when it ran; otherwise the backend's message is in why[n]
 * (why may be NULL). The first column of the first row, if any, goes to
 * *first (first may be NULL; -1 when there is no row or it is NULL). */
static inline int test_db_run(const char *target, const char *sql, int64_t *first, char *why, size_t n)
{
	int failed;

	if (first != NULL)
		*first = -1;
	if (test_on_pg()) {
		PGconn *db = PQconnectdb(target);
		PGresult *res = PQexec(db, sql);
		ExecStatusType st = PQresultStatus(res);
		failed = st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK;
		if (failed && why != NULL)
			snprintf(why, n, "%s", PQerrorMessage(db));
		if (!failed && first != NULL && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
			*first = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		PQfinish(db);
	} else {
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;
		const char *tail = sql;
		failed = sqlite3_open_v2(target, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK;
		/* Every statement of sql in turn; the first row of the last. */
		while (!failed && tail != NULL && *tail != '\0') {
			int rc;
			sqlite3_finalize(st);
			st = NULL;
			if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK) {
				failed = 1;
				break;
			}
			if (st == NULL)
				break;
			for (int row = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; row++)
				if (first != NULL && row == 0)
					*first = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1
						 : sqlite3_column_int64(st, 0);
			failed = rc != SQLITE_DONE;
		}
		if (failed && why != NULL)
			snprintf(why, n, "%s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	return failed;
}

/* Run sql that must succeed (fails the test otherwise). */
static inline void test_db_exec(const char *target, const char *sql)
{
	char why[512] = "";

	if (test_db_run(target, sql, NULL, why, sizeof why) != 0) {
		print_error("%s: %s\n", sql, why);
		fail();
	}
}

/* The first column of the first row of a query that must succeed. */
static inline int64_t test_db_int(const char *target, const char *sql)
{
	char why[512] = "";
	int64_t v;

	if (test_db_run(target, sql, &v, why, sizeof why) != 0) {
		print_error("%s: %s\n", sql, why);
		fail();
	}
	return v;
}

#endif
