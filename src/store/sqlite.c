/* sqlite.c — the SQLite backend of store.h.
 *
 * Connections come from a small pool so that readers on several threads
 * never wait for each other (WAL mode lets them read while one writes).
 * Writers are serialised by a mutex in the process, not by SQLite's busy
 * handler: measured on a 2-core machine with 64 concurrent writers, the
 * busy handler gave 0.6-0.75 s p99 against ~50 ms with a mutex. The busy
 * timeout stays set for other processes (a CLI command beside a server).
 *
 * All SQL of this backend lives in this file. Every user value is bound.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/buf.h"
#include "../util/text.h"

#define POOL_MAX 8
#define STMT_CACHE 64
/* WAL frames after which a connection checkpoints, as SQLite's own
 * wal_autocheckpoint does (1000 there), but after a batch of submissions
 * is acknowledged (see sq_response_submit). A checkpoint writes each page
 * once however often it changed since the last; 4000 (a WAL of ~16 MB)
 * gave 5-10 % more submissions per second than 1000 in bench/web.sh. */
#define CHECKPOINT_FRAMES 1000

/* A connection and the statements prepared on it, keyed by the address of
 * their SQL text (every SQL string here is a static constant). */
struct conn {
	sqlite3 *db;
	int wal_frames;            /* frames in the WAL after this connection's last commit */
	int nstmt;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} stmt[STMT_CACHE];
};

struct sq {
	struct store base;         /* first: a struct store * is a struct sq * */
	char *path;
	pthread_mutex_t wlock;     /* the one writer of this process */
	pthread_mutex_t plock;     /* guards the pool below */
	pthread_cond_t pfree;
	struct conn *idle[POOL_MAX];
	int nidle, nopen;
	/* Group commit of submissions (see sq_response_submit). */
	pthread_mutex_t qlock;
	struct pending *qhead, *qtail;
	int committing;            /* a thread is committing a batch now */
	/* A bulk load in progress (load_begin to load_end): its connection,
	 * which holds the write lock, and the INSERT of the table last loaded. */
	struct conn *load;
	sqlite3_stmt *load_st;
	char *load_sig;            /* table and columns load_st inserts into */
};

/* A submission waiting for its batch. Each has its own condition
 * variable, so that a finished batch wakes only its own submitters (and
 * the next committer), not every thread that waits. */
struct pending {
	struct pending *next;
	pthread_cond_t wake;
	int64_t inv_id;
	const struct response *r;
	struct err *e;             /* the submitter's */
	int rc;
	int done;
};

/* ---- Migrations ------------------------------------------------------
 * Numbered from 1, applied in order, each in its own transaction, recorded
 * in schema_migrations. Never edit one that has shipped; add the next. */

static const char *const migrations[] = {
	/* 1: leaders, instruments, rounds, invitations, responses. Responses
	 * and their answers are WITHOUT ROWID tables keyed by a random id, so
	 * that not even their physical order follows the order of submission. */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	"CREATE TABLE leaders ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL UNIQUE,"
	"  organisation TEXT NOT NULL,"
	"  language TEXT NOT NULL CHECK (language IN ('nl', 'en')),"
	"  created_at TEXT NOT NULL);"
	"CREATE TABLE instruments ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL,"
	"  version TEXT NOT NULL,"
	"  digest TEXT NOT NULL UNIQUE,"
	"  body TEXT NOT NULL,"
	"  created_at TEXT NOT NULL);"
	"CREATE TABLE rounds ("
	"  id INTEGER PRIMARY KEY,"
	"  leader_id INTEGER NOT NULL REFERENCES leaders(id),"
	"  instrument_id INTEGER NOT NULL REFERENCES instruments(id),"
	"  state TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'released')),"
	"  opens_on TEXT,"
	"  closes_on TEXT,"
	"  created_at TEXT NOT NULL);"
	"CREATE INDEX rounds_leader ON rounds(leader_id);"
	"CREATE TABLE invitations ("
	"  id INTEGER PRIMARY KEY,"
	"  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
	"  group_id TEXT NOT NULL,"
	"  name TEXT,"
	"  email TEXT,"
	"  nonce TEXT NOT NULL,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  state TEXT NOT NULL CHECK (state IN ('created', 'sent', 'opened', 'draft', 'submitted', 'revoked')),"
	"  created_at TEXT NOT NULL,"
	"  UNIQUE (round_id, email));"
	"CREATE UNIQUE INDEX invitations_one_self ON invitations(round_id) WHERE group_id = 'self';"
	"CREATE TABLE responses ("
	"  id TEXT PRIMARY KEY,"
	"  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
	"  group_id TEXT NOT NULL,"
	"  submitted_on TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX responses_round ON responses(round_id);"
	"CREATE TABLE answers ("
	"  response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,"
	"  item_id TEXT NOT NULL,"
	"  score INTEGER CHECK (score BETWEEN 1 AND 11),"
	"  PRIMARY KEY (response_id, item_id)) WITHOUT ROWID;"
	"CREATE TABLE open_answers ("
	"  response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,"
	"  question_id TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  PRIMARY KEY (response_id, question_id)) WITHOUT ROWID;",
	/* 2: drafts of the questionnaire, one per invitation, gone on submit. */
	"CREATE TABLE drafts ("
	"  invitation_id INTEGER PRIMARY KEY REFERENCES invitations(id) ON DELETE CASCADE,"
	"  body TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);",
	/* 3: a response's answers as one JSON object in the response row
	 * ({"OMG1": 4, "OMG2": null}), not 37 rows: a submission then writes
	 * one row where it wrote 38, most of them at random places. The view
	 * keeps the old shape for reading. */
	"ALTER TABLE responses ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';"
	"UPDATE responses SET answers = (SELECT json_group_object(a.item_id, a.score) FROM answers a"
	"  WHERE a.response_id = responses.id)"
	"  WHERE EXISTS (SELECT 1 FROM answers a WHERE a.response_id = responses.id);"
	"DROP TABLE answers;"
	"CREATE VIEW answers (response_id, item_id, score) AS"
	"  SELECT r.id, j.key, j.value FROM responses r, json_each(r.answers) j;",
};
#define NMIGRATION ((int)(sizeof migrations / sizeof migrations[0]))

int store_sqlite_latest(void)
{
	return NMIGRATION;
}

/* ---- Connections and statements -------------------------------------- */

static int db_fail(struct sq *s, sqlite3 *db, struct err *e)
{
	int code = sqlite3_extended_errcode(db);

	if (code == SQLITE_NOTADB)
		return err_set(e, AZ_ESCHEMA, "%s is not an aanwezig database (%s)",
			       s->path, sqlite3_errmsg(db));
	if (code == SQLITE_READONLY || (code & 0xff) == SQLITE_READONLY || code == SQLITE_CANTOPEN)
		return err_set(e, AZ_EIO, "cannot write the database %s: %s", s->path, sqlite3_errmsg(db));
	if ((code & 0xff) == SQLITE_FULL)
		return err_set(e, AZ_EIO, "the disk holding %s is full", s->path);
	return err_set(e, AZ_ESTORE, "database error: %s", sqlite3_errmsg(db));
}

static int conn_exec(struct sq *s, struct conn *c, const char *sql, struct err *e)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, c->db, e);
	return AZ_OK;
}

static void conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < c->nstmt; i++)
		sqlite3_finalize(c->stmt[i].st);
	sqlite3_close(c->db);
	free(c);
}

/* Replaces SQLite's automatic checkpoint, which runs inside COMMIT: the
 * hook only notes how long the WAL is, and conn_checkpoint runs later. */
static int conn_wal_hook(void *arg, sqlite3 *db, const char *name, int nframe)
{
	struct conn *c = arg;

	(void)db;
	(void)name;
	c->wal_frames = nframe;
	return SQLITE_OK;
}

/* Checkpoint once the WAL has min_frames or more; called with the write
 * lock held. PASSIVE, as SQLite's own: it does not wait for readers.
 * Errors are left for the next one. */
static void conn_checkpoint(struct conn *c, int min_frames)
{
	if (c->wal_frames < min_frames)
		return;
	c->wal_frames = 0;
	sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static int conn_new(struct sq *s, int create, struct conn **out, struct err *e)
{
	struct conn *c = calloc(1, sizeof *c);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc;

	*out = NULL;
	if (c == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (sqlite3_open_v2(s->path, &c->db, flags, NULL) != SQLITE_OK) {
		rc = err_set(e, AZ_EIO, "cannot open the database %s: %s", s->path,
			     c->db ? sqlite3_errmsg(c->db) : "out of memory");
		conn_free(c);
		return rc;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, 5000);
	/* WAL: readers never block the writer. FULL sync: an acknowledged
	 * submission survives a power cut, not only a crash. secure_delete:
	 * erased drafts and contacts are overwritten, not left in free pages.
	 * cache_size 1 MiB rather than 2: the pool's eight caches were most of
	 * the server's memory (peak RSS 33.6 -> 25.1 MB under bench/web.sh),
	 * the operating system caches the file anyway, and neither page views
	 * nor submissions got slower. */
	if ((rc = conn_exec(s, c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			    " PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA cache_size=-1024;", e)) != AZ_OK) {
		conn_free(c);
		return rc;
	}
	sqlite3_wal_hook(c->db, conn_wal_hook, c);
	*out = c;
	return AZ_OK;
}

/* Take a connection from the pool, opening one if fewer than POOL_MAX are
 * open, otherwise waiting for one to come back. */
static int conn_get(struct sq *s, struct conn **out, struct err *e)
{
	int rc;

	pthread_mutex_lock(&s->plock);
	while (s->nidle == 0 && s->nopen == POOL_MAX)
		pthread_cond_wait(&s->pfree, &s->plock);
	if (s->nidle > 0) {
		*out = s->idle[--s->nidle];
		pthread_mutex_unlock(&s->plock);
		return AZ_OK;
	}
	s->nopen++;
	pthread_mutex_unlock(&s->plock);
	if ((rc = conn_new(s, 0, out, e)) != AZ_OK) {
		pthread_mutex_lock(&s->plock);
		s->nopen--;
		pthread_cond_signal(&s->pfree);
		pthread_mutex_unlock(&s->plock);
	}
	return rc;
}

static void conn_put(struct sq *s, struct conn *c)
{
	pthread_mutex_lock(&s->plock);
	s->idle[s->nidle++] = c;
	pthread_cond_signal(&s->pfree);
	pthread_mutex_unlock(&s->plock);
}

/* The prepared statement for sql on c, reset and with no bindings. */
static sqlite3_stmt *stmt(struct sq *s, struct conn *c, const char *sql, struct err *e)
{
	sqlite3_stmt *st = NULL;

	for (int i = 0; i < c->nstmt; i++) {
		if (c->stmt[i].sql == sql) {
			st = c->stmt[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_fail(s, c->db, e);
		return NULL;
	}
	if (c->nstmt < STMT_CACHE) {
		c->stmt[c->nstmt].sql = sql;
		c->stmt[c->nstmt].st = st;
		c->nstmt++;
	} else {
		/* Cache full: should not happen with this file's statement count. */
		sqlite3_finalize(c->stmt[0].st);
		c->stmt[0].sql = sql;
		c->stmt[0].st = st;
	}
	return st;
}

/* Bind helpers: positions from 1. A NULL string binds SQL NULL. Text is
 * bound without a copy (SQLITE_STATIC): every caller's value outlives the
 * step, and stmt() clears the bindings before a statement is used again. */
static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static void bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st, i, v);
}

/* Column helpers: copies into the arena; NULL for SQL NULL. */
static const char *col_text(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t == NULL ? NULL : arena_strdup(a, (const char *)t);
}

/* Run a statement that returns no rows (or whose rows are ignored). */
static int step_done(struct sq *s, struct conn *c, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = db_fail(s, c->db, e);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return AZ_OK;
}

/* Transaction control, run often enough (a savepoint per submission) that
 * parsing it anew each time, as sqlite3_exec does, showed in profiles:
 * prepared once per connection like every other statement. */
static const char SQL_BEGIN[] = "BEGIN";
static const char SQL_BEGIN_IMMEDIATE[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_SAVEPOINT[] = "SAVEPOINT submission";
static const char SQL_RELEASE[] = "RELEASE submission";

/* Run one statement without parameters through the statement cache. */
static int conn_run(struct sq *s, struct conn *c, const char *sql, struct err *e)
{
	sqlite3_stmt *st = stmt(s, c, sql, e);

	return st == NULL ? e->code : step_done(s, c, st, e);
}

/* A write transaction: one connection, the process's write lock, BEGIN
 * IMMEDIATE. w_end commits when rc is AZ_OK and rolls back otherwise. */
static int w_begin(struct sq *s, struct conn **c, struct err *e)
{
	int rc;

	if ((rc = conn_get(s, c, e)) != AZ_OK)
		return rc;
	pthread_mutex_lock(&s->wlock);
	if ((rc = conn_run(s, *c, SQL_BEGIN_IMMEDIATE, e)) != AZ_OK) {
		pthread_mutex_unlock(&s->wlock);
		conn_put(s, *c);
	}
	return rc;
}

/* Commit (rc AZ_OK) or roll back; the write lock and the connection stay
 * the caller's. */
static int w_finish(struct sq *s, struct conn *c, int rc, struct err *e)
{
	if (rc == AZ_OK)
		rc = conn_run(s, c, SQL_COMMIT, e);
	if (rc != AZ_OK && !sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Checkpoint if due, release the write lock and the connection. */
static void w_release(struct sq *s, struct conn *c)
{
	conn_checkpoint(c, CHECKPOINT_FRAMES);
	pthread_mutex_unlock(&s->wlock);
	conn_put(s, c);
}

static int w_end(struct sq *s, struct conn *c, int rc, struct err *e)
{
	rc = w_finish(s, c, rc, e);
	w_release(s, c);
	return rc;
}

/* A read transaction, so that several queries see one snapshot. */
static int r_begin(struct sq *s, struct conn **c, struct err *e)
{
	int rc;

	if ((rc = conn_get(s, c, e)) != AZ_OK)
		return rc;
	if ((rc = conn_run(s, *c, SQL_BEGIN, e)) != AZ_OK)
		conn_put(s, *c);
	return rc;
}

static int r_end(struct sq *s, struct conn *c, int rc)
{
	if (rc != AZ_OK || conn_run(s, c, SQL_COMMIT, &(struct err){0}) != AZ_OK)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	conn_put(s, c);
	return rc;
}

#define SQ(st) ((struct sq *)(st))

/* ---- Migrations ------------------------------------------------------ */

static const char SQL_MIGRATIONS_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";
static const char SQL_SCHEMA_VERSION[] =
	"SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char SQL_COUNT_TABLES[] =
	"SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'"
	" AND name NOT IN ('schema_migrations')";
static const char SQL_HAS_MIGRATIONS[] =
	"SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'";
static const char SQL_RECORD_MIGRATION[] =
	"INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)";

static int query_int(struct sq *s, struct conn *c, const char *sql, int64_t *out, struct err *e)
{
	sqlite3_stmt *st = stmt(s, c, sql, e);
	int rc;

	if (st == NULL)
		return e->code;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = db_fail(s, c->db, e);
		sqlite3_reset(st);
		return rc;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return AZ_OK;
}

/* Bring the schema up to date. A database that has tables but no
 * migration record is someone else's: refuse to touch it. */
static int migrate(struct sq *s, struct conn *c, int create, struct err *e)
{
	int64_t have = 0, ntab = 0, hasmig = 0;
	char now[21];
	int rc;

	if ((rc = query_int(s, c, SQL_HAS_MIGRATIONS, &hasmig, e)) != AZ_OK)
		return rc;
	if (!hasmig) {
		if ((rc = query_int(s, c, SQL_COUNT_TABLES, &ntab, e)) != AZ_OK)
			return rc;
		if (ntab > 0)
			return err_set(e, AZ_ESCHEMA, "%s is a SQLite database, but not one of aanwezig", s->path);
		if (!create)
			return err_set(e, AZ_ENOTFOUND, "%s is not an aanwezig database yet; "
				       "create it with `aanwezig init --db %s`", s->path, s->path);
	}
	pthread_mutex_lock(&s->wlock);
	rc = conn_exec(s, c, "BEGIN IMMEDIATE", e);
	if (rc == AZ_OK)
		rc = conn_exec(s, c, SQL_MIGRATIONS_TABLE, e);
	if (rc == AZ_OK)
		rc = query_int(s, c, SQL_SCHEMA_VERSION, &have, e);
	if (rc == AZ_OK && have > NMIGRATION)
		rc = err_set(e, AZ_ESCHEMA, "the database %s has schema version %lld, newer than this "
			     "program knows (%d); use a newer aanwezig", s->path, (long long)have, NMIGRATION);
	for (int v = (int)have + 1; rc == AZ_OK && v <= NMIGRATION; v++) {
		sqlite3_stmt *st;
		rc = conn_exec(s, c, migrations[v - 1], e);
		if (rc == AZ_OK && (st = stmt(s, c, SQL_RECORD_MIGRATION, e)) == NULL)
			rc = e->code;
		if (rc == AZ_OK) {
			time_now(now);
			bind_int(st, 1, v);
			bind_text(st, 2, now);
			rc = step_done(s, c, st, e);
		}
		if (rc != AZ_OK)
			err_prefix(e, "migration %d", v);
	}
	if (rc == AZ_OK)
		rc = conn_exec(s, c, "COMMIT", e);
	if (rc != AZ_OK && !sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&s->wlock);
	return rc;
}

static int sq_schema_version(struct store *st, int *out, struct err *e)
{
	struct sq *s = SQ(st);
	struct conn *c;
	int64_t v = 0;
	int rc;

	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	rc = query_int(s, c, SQL_SCHEMA_VERSION, &v, e);
	conn_put(s, c);
	*out = (int)v;
	return rc;
}

/* ---- Meta ------------------------------------------------------------ */

static const char SQL_META_GET[] = "SELECT value FROM meta WHERE key = ?";
static const char SQL_META_SET[] =
	"INSERT INTO meta (key, value) VALUES (?, ?)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value";

static int sq_meta_get(struct store *stp, struct arena *a, const char *key, const char **out, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_META_GET, e)) == NULL) {
		rc = e->code;
	} else {
		bind_text(st, 1, key);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*out = col_text(a, st, 0), rc = AZ_OK;
		else if (rc == SQLITE_DONE)
			rc = AZ_OK;
		else
			rc = db_fail(s, c->db, e);
		sqlite3_reset(st);
	}
	conn_put(s, c);
	return rc;
}

static int sq_meta_set(struct store *stp, const char *key, const char *value, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_META_SET, e)) == NULL) {
		rc = e->code;
	} else {
		bind_text(st, 1, key);
		bind_text(st, 2, value);
		rc = step_done(s, c, st, e);
	}
	return w_end(s, c, rc, e);
}

/* ---- Leaders --------------------------------------------------------- */

static const char SQL_LEADER_ADD[] =
	"INSERT INTO leaders (name, email, organisation, language, created_at)"
	" VALUES (?, ?, ?, ?, ?) RETURNING id";
static const char SQL_LEADER_GET[] =
	"SELECT id, name, email, organisation, language, created_at FROM leaders WHERE id = ?";
static const char SQL_LEADER_LIST[] =
	"SELECT id, name, email, organisation, language, created_at FROM leaders ORDER BY id";

/* A leader from the columns base.. of a row (id, name, email,
 * organisation, language, created_at). */
static void leader_cols(struct arena *a, sqlite3_stmt *st, int base, struct leader *l)
{
	l->id = sqlite3_column_int64(st, base);
	l->name = col_text(a, st, base + 1);
	l->email = col_text(a, st, base + 2);
	l->organisation = col_text(a, st, base + 3);
	l->language = col_text(a, st, base + 4);
	l->created_at = col_text(a, st, base + 5);
}

static void leader_row(struct arena *a, sqlite3_stmt *st, struct leader *l)
{
	leader_cols(a, st, 0, l);
}

static int sq_leader_add(struct store *stp, struct leader *l, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	char now[21];
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_LEADER_ADD, e)) == NULL)
		return w_end(s, c, e->code, e);
	time_now(now);
	bind_text(st, 1, l->name);
	bind_text(st, 2, l->email);
	bind_text(st, 3, l->organisation);
	bind_text(st, 4, l->language);
	bind_text(st, 5, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		l->id = sqlite3_column_int64(st, 0);
		rc = AZ_OK;
	} else if (sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_UNIQUE) {
		rc = err_set(e, AZ_EDUP, "a leader with e-mail %s already exists", l->email);
	} else {
		rc = db_fail(s, c->db, e);
	}
	sqlite3_reset(st);
	return w_end(s, c, rc, e);
}

/* Collect rows of a query into a growing arena array. row() fills one
 * element from the current row. Binding happens before the call. */
typedef void (*row_fn)(struct arena *a, sqlite3_stmt *st, void *elem);

static int collect(struct sq *s, struct conn *c, sqlite3_stmt *st, struct arena *a,
		   size_t elsize, row_fn row, void **out, size_t *n, struct err *e)
{
	size_t cap = 16, len = 0;
	char *arr = arena_alloc(a, cap * elsize);
	int rc;

	while (arr != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			char *bigger = arena_alloc(a, 2 * cap * elsize);
			if (bigger == NULL) {
				arr = NULL;
				break;
			}
			memcpy(bigger, arr, len * elsize);
			arr = bigger;
			cap *= 2;
		}
		memset(arr + len * elsize, 0, elsize);
		row(a, st, arr + len * elsize);
		len++;
	}
	if (arr == NULL || a->failed) {
		sqlite3_reset(st);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail(s, c->db, e);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	*out = arr;
	*n = len;
	return AZ_OK;
}

/* Run a query that returns at most one row, on a pooled connection: bind
 * key (text) or, when key is NULL, id; fill *out with row(). No row is
 * AZ_ENOTFOUND with the message missing (formatted with id). */
static int get_one(struct sq *s, const char *sql, struct arena *a, int64_t id, const char *key,
		   row_fn row, void *out, const char *missing, struct err *e)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, sql, e)) == NULL) {
		conn_put(s, c);
		return e->code;
	}
	if (key != NULL)
		bind_text(st, 1, key);
	else
		bind_int(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row(a, st, out);
		rc = a->failed ? err_set(e, AZ_ENOMEM, "out of memory") : AZ_OK;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(e, AZ_ENOTFOUND, missing, (long long)id);
	} else {
		rc = db_fail(s, c->db, e);
	}
	sqlite3_reset(st);
	conn_put(s, c);
	return rc;
}

static void leader_row_v(struct arena *a, sqlite3_stmt *st, void *el)
{
	leader_row(a, st, el);
}

static int sq_leader_get(struct store *stp, struct arena *a, int64_t id, struct leader *out, struct err *e)
{
	return get_one(SQ(stp), SQL_LEADER_GET, a, id, NULL, leader_row_v, out, "there is no leader %lld", e);
}

static int sq_leader_list(struct store *stp, struct arena *a, struct leader **out, size_t *n, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_LEADER_LIST, e)) == NULL)
		rc = e->code;
	else
		rc = collect(s, c, st, a, sizeof **out, leader_row_v, (void **)out, n, e);
	conn_put(s, c);
	return rc;
}

/* ---- Instruments ----------------------------------------------------- */

static const char SQL_INSTR_FIND[] = "SELECT id FROM instruments WHERE digest = ?";
static const char SQL_INSTR_ADD[] =
	"INSERT INTO instruments (key, version, digest, body, created_at)"
	" VALUES (?, ?, ?, ?, ?) RETURNING id";
static const char SQL_INSTR_GET[] =
	"SELECT id, key, version, digest, body FROM instruments WHERE id = ?";

/* Find or store an instrument text inside the caller's transaction. */
static int instrument_put_in(struct sq *s, struct conn *c, const struct stored_instrument *in,
			     const char *now, int64_t *id, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = stmt(s, c, SQL_INSTR_FIND, e)) == NULL)
		return e->code;
	bind_text(st, 1, in->digest);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return AZ_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, c->db, e);
	if ((st = stmt(s, c, SQL_INSTR_ADD, e)) == NULL)
		return e->code;
	bind_text(st, 1, in->key);
	bind_text(st, 2, in->version);
	bind_text(st, 3, in->digest);
	bind_text(st, 4, in->body);
	bind_text(st, 5, now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = AZ_OK;
	} else {
		rc = db_fail(s, c->db, e);
	}
	sqlite3_reset(st);
	return rc;
}

static int sq_instrument_get(struct store *stp, struct arena *a, int64_t id,
			     struct stored_instrument *out, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_INSTR_GET, e)) == NULL) {
		conn_put(s, c);
		return e->code;
	}
	bind_int(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->key = col_text(a, st, 1);
		out->version = col_text(a, st, 2);
		out->digest = col_text(a, st, 3);
		out->body = col_text(a, st, 4);
		rc = a->failed ? err_set(e, AZ_ENOMEM, "out of memory") : AZ_OK;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(e, AZ_ENOTFOUND, "there is no instrument %lld", (long long)id);
	} else {
		rc = db_fail(s, c->db, e);
	}
	sqlite3_reset(st);
	conn_put(s, c);
	return rc;
}

/* ---- Rounds ---------------------------------------------------------- */

static const char SQL_ROUND_ADD[] =
	"INSERT INTO rounds (leader_id, instrument_id, state, opens_on, closes_on, created_at)"
	" VALUES (?, ?, 'draft', ?, ?, ?) RETURNING id";
static const char SQL_ROUND_GET[] =
	"SELECT id, leader_id, instrument_id, state, opens_on, closes_on, created_at"
	" FROM rounds WHERE id = ?";
static const char SQL_ROUND_LIST[] =
	"SELECT id, leader_id, instrument_id, state, opens_on, closes_on, created_at"
	" FROM rounds WHERE ? = 0 OR leader_id = ? ORDER BY id";
static const char SQL_ROUND_STATE[] = "SELECT state FROM rounds WHERE id = ?";
static const char SQL_ROUND_MOVE[] =
	"UPDATE rounds SET state = ?, opens_on = COALESCE(?, opens_on),"
	" closes_on = COALESCE(?, closes_on) WHERE id = ? AND state = ?";
static const char SQL_LEADER_EXISTS[] = "SELECT COUNT(*) FROM leaders WHERE id = ?";

/* A round from the columns base.. of a row (id, leader_id, instrument_id,
 * state, opens_on, closes_on, created_at). */
static void round_cols(struct arena *a, sqlite3_stmt *st, int base, struct round *r)
{
	r->id = sqlite3_column_int64(st, base);
	r->leader_id = sqlite3_column_int64(st, base + 1);
	r->instrument_id = sqlite3_column_int64(st, base + 2);
	r->state = round_state_parse((const char *)sqlite3_column_text(st, base + 3));
	r->opens_on = col_text(a, st, base + 4);
	r->closes_on = col_text(a, st, base + 5);
	r->created_at = col_text(a, st, base + 6);
}

static void round_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	round_cols(a, st, 0, el);
}

static const char SQL_INV_ADD[] =
	"INSERT INTO invitations (round_id, group_id, name, email, nonce, token_hash, state, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?, 'created', ?) RETURNING id";

/* Insert one invitation inside the caller's transaction. */
static int inv_insert(struct sq *s, struct conn *c, struct invitation *inv, const char *now, struct err *e)
{
	sqlite3_stmt *st = stmt(s, c, SQL_INV_ADD, e);
	int rc;

	if (st == NULL)
		return e->code;
	bind_int(st, 1, inv->round_id);
	bind_text(st, 2, inv->group_id);
	bind_text(st, 3, inv->name);
	bind_text(st, 4, inv->email);
	bind_text(st, 5, inv->nonce);
	bind_text(st, 6, inv->token_hash);
	bind_text(st, 7, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		inv->id = sqlite3_column_int64(st, 0);
		inv->state = INV_CREATED;
		rc = AZ_OK;
	} else if (sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_UNIQUE) {
		rc = err_set(e, AZ_EDUP, "%s is already invited to round %lld",
			     inv->email ? inv->email : "the leader", (long long)inv->round_id);
	} else {
		rc = db_fail(s, c->db, e);
	}
	sqlite3_reset(st);
	return rc;
}

static int sq_round_add(struct store *stp, struct round *r, const struct stored_instrument *in,
			struct invitation *self_inv, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int64_t have = 0;
	char now[21];
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_LEADER_EXISTS, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_int(st, 1, r->leader_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (have == 0)
		return w_end(s, c, err_set(e, AZ_ENOTFOUND, "there is no leader %lld",
					   (long long)r->leader_id), e);
	time_now(now);
	if ((rc = instrument_put_in(s, c, in, now, &r->instrument_id, e)) != AZ_OK)
		return w_end(s, c, rc, e);
	if ((st = stmt(s, c, SQL_ROUND_ADD, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_int(st, 1, r->leader_id);
	bind_int(st, 2, r->instrument_id);
	bind_text(st, 3, r->opens_on);
	bind_text(st, 4, r->closes_on);
	bind_text(st, 5, now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		r->state = ROUND_DRAFT;
		rc = AZ_OK;
	} else {
		rc = db_fail(s, c->db, e);
	}
	sqlite3_reset(st);
	if (rc == AZ_OK) {
		self_inv->round_id = r->id;
		rc = inv_insert(s, c, self_inv, now, e);
	}
	return w_end(s, c, rc, e);
}

static int sq_round_get(struct store *stp, struct arena *a, int64_t id, struct round *out, struct err *e)
{
	return get_one(SQ(stp), SQL_ROUND_GET, a, id, NULL, round_row, out, "there is no round %lld", e);
}

static int sq_round_list(struct store *stp, struct arena *a, int64_t leader_id,
			 struct round **out, size_t *n, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_ROUND_LIST, e)) == NULL) {
		rc = e->code;
	} else {
		bind_int(st, 1, leader_id);
		bind_int(st, 2, leader_id);
		rc = collect(s, c, st, a, sizeof **out, round_row, (void **)out, n, e);
	}
	conn_put(s, c);
	return rc;
}

/* The state of round id inside a transaction: AZ_OK with *state, or
 * AZ_ENOTFOUND. */
static int round_state_in(struct sq *s, struct conn *c, int64_t id, int *state, struct err *e)
{
	sqlite3_stmt *st = stmt(s, c, SQL_ROUND_STATE, e);
	int rc;

	if (st == NULL)
		return e->code;
	bind_int(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*state = round_state_parse((const char *)sqlite3_column_text(st, 0));
		rc = AZ_OK;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(e, AZ_ENOTFOUND, "there is no round %lld", (long long)id);
	} else {
		rc = db_fail(s, c->db, e);
	}
	sqlite3_reset(st);
	return rc;
}

static int sq_round_transition(struct store *stp, int64_t id, int from, int to,
			       const char *opens_on, const char *closes_on, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc, now_state = -1;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_ROUND_MOVE, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, round_state_name(to));
	bind_text(st, 2, opens_on);
	bind_text(st, 3, closes_on);
	bind_int(st, 4, id);
	bind_text(st, 5, round_state_name(from));
	rc = step_done(s, c, st, e);
	if (rc == AZ_OK && sqlite3_changes(c->db) == 0) {
		rc = round_state_in(s, c, id, &now_state, e);
		if (rc == AZ_OK)
			rc = err_set(e, AZ_ESTATE, "round %lld is %s, not %s", (long long)id,
				     round_state_name(now_state), round_state_name(from));
	}
	return w_end(s, c, rc, e);
}

/* ---- Invitations ----------------------------------------------------- */

static const char SQL_INV_LIST[] =
	"SELECT id, round_id, group_id, name, email, nonce, token_hash, state, created_at"
	" FROM invitations WHERE round_id = ? ORDER BY id";
static const char SQL_INV_BY_TOKEN[] =
	"SELECT id, round_id, group_id, name, email, nonce, token_hash, state, created_at"
	" FROM invitations WHERE token_hash = ?";
static const char SQL_GROUP_COUNTS[] =
	"SELECT group_id,"
	" SUM(CASE WHEN state <> 'revoked' THEN 1 ELSE 0 END),"
	" SUM(CASE WHEN state = 'submitted' THEN 1 ELSE 0 END)"
	" FROM invitations WHERE round_id = ? GROUP BY group_id ORDER BY group_id";

static void inv_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	struct invitation *v = el;

	v->id = sqlite3_column_int64(st, 0);
	v->round_id = sqlite3_column_int64(st, 1);
	v->group_id = col_text(a, st, 2);
	v->name = col_text(a, st, 3);
	v->email = col_text(a, st, 4);
	v->nonce = col_text(a, st, 5);
	v->token_hash = col_text(a, st, 6);
	v->state = invitation_state_parse((const char *)sqlite3_column_text(st, 7));
	v->created_at = col_text(a, st, 8);
}

static int sq_invitations_add(struct store *stp, struct invitation *inv, size_t n, size_t *bad, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	char now[21];
	int rc, state = -1;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	time_now(now);
	for (size_t i = 0; rc == AZ_OK && i < n; i++) {
		if (i == 0 || inv[i].round_id != inv[i - 1].round_id) {
			if ((rc = round_state_in(s, c, inv[i].round_id, &state, e)) != AZ_OK)
				break;
			if (state != ROUND_DRAFT && state != ROUND_OPEN) {
				rc = err_set(e, AZ_ESTATE, "round %lld is %s; raters can only be added "
					     "while it is draft or open", (long long)inv[i].round_id,
					     round_state_name(state));
				break;
			}
		}
		rc = inv_insert(s, c, &inv[i], now, e);
		if (rc == AZ_EDUP && bad != NULL)
			*bad = i;
	}
	return w_end(s, c, rc, e);
}

static int sq_invitation_list(struct store *stp, struct arena *a, int64_t round_id,
			      struct invitation **out, size_t *n, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_INV_LIST, e)) == NULL) {
		rc = e->code;
	} else {
		bind_int(st, 1, round_id);
		rc = collect(s, c, st, a, sizeof **out, inv_row, (void **)out, n, e);
	}
	conn_put(s, c);
	return rc;
}

static int sq_invitation_by_token(struct store *stp, struct arena *a, const char *token_hash,
				  struct invitation *out, struct err *e)
{
	return get_one(SQ(stp), SQL_INV_BY_TOKEN, a, 0, token_hash, inv_row, out,
		       "no invitation has this link", e);
}

/* One statement, so one read transaction and one index probe per table:
 * every page of a personal link starts here. */
static const char SQL_LINK_GET[] =
	"SELECT i.id, i.round_id, i.group_id, i.name, i.email, i.nonce, i.token_hash, i.state, i.created_at,"
	" r.id, r.leader_id, r.instrument_id, r.state, r.opens_on, r.closes_on, r.created_at,"
	" l.id, l.name, l.email, l.organisation, l.language, l.created_at, d.body"
	" FROM invitations i JOIN rounds r ON r.id = i.round_id JOIN leaders l ON l.id = r.leader_id"
	" LEFT JOIN drafts d ON d.invitation_id = i.id AND i.state <> 'submitted'"
	" WHERE i.token_hash = ?";

/* The columns of SQL_LINK_GET into a struct link_row. */
struct link_row {
	struct invitation *inv;
	struct round *r;
	struct leader *l;
	const char **draft;
};

static void link_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	struct link_row *x = el;

	inv_row(a, st, x->inv);
	round_cols(a, st, 9, x->r);
	leader_cols(a, st, 16, x->l);
	*x->draft = col_text(a, st, 22);
}

static int sq_link_get(struct store *stp, struct arena *a, const char *token_hash, struct invitation *inv,
		       struct round *r, struct leader *l, const char **draft, struct err *e)
{
	struct link_row x = {inv, r, l, draft};

	*draft = NULL;
	return get_one(SQ(stp), SQL_LINK_GET, a, 0, token_hash, link_row, &x, "no invitation has this link", e);
}

static void count_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	struct group_count *g = el;

	g->group_id = col_text(a, st, 0);
	g->invited = sqlite3_column_int(st, 1);
	g->submitted = sqlite3_column_int(st, 2);
}

static int sq_group_counts(struct store *stp, struct arena *a, int64_t round_id,
			   struct group_count **out, size_t *n, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_GROUP_COUNTS, e)) == NULL) {
		rc = e->code;
	} else {
		bind_int(st, 1, round_id);
		rc = collect(s, c, st, a, sizeof **out, count_row, (void **)out, n, e);
	}
	conn_put(s, c);
	return rc;
}

/* ---- Responses ------------------------------------------------------- */

static const char SQL_INV_FOR_SUBMIT[] =
	"SELECT i.state, i.round_id, i.group_id, r.state FROM invitations i"
	" JOIN rounds r ON r.id = i.round_id WHERE i.id = ?";
static const char SQL_INV_SUBMITTED[] =
	"UPDATE invitations SET state = 'submitted' WHERE id = ?";
static const char SQL_DRAFT_DROP[] = "DELETE FROM drafts WHERE invitation_id = ?";
static const char SQL_DRAFT_PUT[] =
	"INSERT INTO drafts (invitation_id, body, updated_at) VALUES (?, ?, ?)"
	" ON CONFLICT (invitation_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at";
static const char SQL_INV_DRAFTING[] =
	"UPDATE invitations SET state = 'draft' WHERE id = ? AND state IN ('created', 'sent', 'opened')";
static const char SQL_RESPONSE_ADD[] =
	"INSERT INTO responses (id, round_id, group_id, submitted_on, answers) VALUES (?, ?, ?, ?, ?)";
static const char SQL_OPEN_ADD[] =
	"INSERT INTO open_answers (response_id, question_id, body) VALUES (?, ?, ?)";
static const char SQL_RESPONSE_LIST[] =
	"SELECT id, group_id, submitted_on FROM responses WHERE round_id = ? ORDER BY id";
static const char SQL_ANSWER_LIST[] =
	"SELECT a.response_id, a.item_id, a.score FROM answers a"
	" JOIN responses r ON r.id = a.response_id WHERE r.round_id = ?"
	" ORDER BY a.response_id, a.item_id";
static const char SQL_OPEN_LIST[] =
	"SELECT o.response_id, o.question_id, o.body FROM open_answers o"
	" JOIN responses r ON r.id = o.response_id WHERE r.round_id = ?"
	" ORDER BY o.response_id, o.question_id";

/* Check, inside the transaction, that the invitation may submit now. */
static int submit_allowed(struct sq *s, struct conn *c, int64_t inv_id, const struct response *r,
			  struct err *e)
{
	sqlite3_stmt *st = stmt(s, c, SQL_INV_FOR_SUBMIT, e);
	int rc, inv_state, round_state;

	if (st == NULL)
		return e->code;
	bind_int(st, 1, inv_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? err_set(e, AZ_ENOTFOUND, "no invitation has this link")
				       : db_fail(s, c->db, e);
		sqlite3_reset(st);
		return rc;
	}
	inv_state = invitation_state_parse((const char *)sqlite3_column_text(st, 0));
	round_state = round_state_parse((const char *)sqlite3_column_text(st, 3));
	if (sqlite3_column_int64(st, 1) != r->round_id ||
	    strcmp((const char *)sqlite3_column_text(st, 2), r->group_id) != 0)
		rc = err_set(e, AZ_EINVAL, "the response does not belong to this invitation");
	else if (inv_state == INV_SUBMITTED)
		rc = err_set(e, AZ_ESTATE, "the answers for this link are already in");
	else if (inv_state == INV_REVOKED)
		rc = err_set(e, AZ_ESTATE, "this link has been withdrawn");
	else if (round_state != ROUND_OPEN)
		rc = err_set(e, AZ_ESTATE, "the round is %s, not open", round_state_name(round_state));
	else
		rc = AZ_OK;
	sqlite3_reset(st);
	return rc;
}

/* Store one submission inside the batch's transaction. */
/* A response's answers as the JSON object stored with it: item id to score,
 * null for "kan ik niet beoordelen". Item ids are checked to be plain
 * identifiers and scores to be on a scale, as the old table's CHECK did. */
static int answers_json(const struct response *r, struct buf *out, struct err *e)
{
	buf_init(out);
	buf_putc(out, '{');
	for (size_t i = 0; i < r->nanswer; i++) {
		const char *id = r->answers[i].item_id;
		int score = r->answers[i].score;
		if (id == NULL || id[0] == '\0' || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(id) ||
		    score < 0 || score > 11) {
			buf_reset(out);
			return err_set(e, AZ_EINVAL, "an answer is not an item id with a score on a scale");
		}
		buf_printf(out, i ? ",\"%s\":" : "\"%s\":", id);
		if (score > 0)
			buf_printf(out, "%d", score);
		else
			buf_puts(out, "null");
	}
	buf_putc(out, '}');
	if (out->failed) {
		buf_reset(out);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	return AZ_OK;
}

static int submit_one(struct sq *s, struct conn *c, int64_t inv_id, const struct response *r, struct err *e)
{
	sqlite3_stmt *st;
	struct buf json;
	int rc;

	if ((rc = submit_allowed(s, c, inv_id, r, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_INV_SUBMITTED, e)) == NULL)
		return e->code;
	bind_int(st, 1, inv_id);
	if ((rc = step_done(s, c, st, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_DRAFT_DROP, e)) == NULL)
		return e->code;
	bind_int(st, 1, inv_id);
	if ((rc = step_done(s, c, st, e)) != AZ_OK)
		return rc;
	if ((rc = answers_json(r, &json, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_RESPONSE_ADD, e)) == NULL) {
		buf_reset(&json);
		return e->code;
	}
	bind_text(st, 1, r->id);
	bind_int(st, 2, r->round_id);
	bind_text(st, 3, r->group_id);
	bind_text(st, 4, r->submitted_on);
	bind_text(st, 5, buf_str(&json));
	rc = step_done(s, c, st, e);
	buf_reset(&json);
	if (rc != AZ_OK)
		return rc;
	for (size_t i = 0; rc == AZ_OK && i < r->ntext; i++) {
		if ((st = stmt(s, c, SQL_OPEN_ADD, e)) == NULL)
			return e->code;
		bind_text(st, 1, r->id);
		bind_text(st, 2, r->texts[i].question_id);
		bind_text(st, 3, r->texts[i].text);
		rc = step_done(s, c, st, e);
	}
	return rc;
}

/* Commit a batch of submissions in one transaction, each in a savepoint of
 * its own: one that fails is rolled back alone and told why; the others
 * are acknowledged only after the COMMIT (and its fsync) succeeded.
 * Returns the connection with the write lock still held, for the caller
 * to release with w_release once the batch is acknowledged (NULL when no
 * transaction could be begun). */
static struct conn *commit_batch(struct sq *s, struct pending *batch)
{
	struct conn *c;
	struct err be = {0};
	int rc;

	if ((rc = w_begin(s, &c, &be)) != AZ_OK) {
		for (struct pending *p = batch; p; p = p->next)
			p->rc = err_set(p->e, rc, "%s", be.msg);
		return NULL;
	}
	for (struct pending *p = batch; p; p = p->next) {
		if ((p->rc = conn_run(s, c, SQL_SAVEPOINT, p->e)) != AZ_OK)
			continue;
		p->rc = submit_one(s, c, p->inv_id, p->r, p->e);
		if (p->rc != AZ_OK)
			sqlite3_exec(c->db, "ROLLBACK TO submission", NULL, NULL, NULL);
		conn_run(s, c, SQL_RELEASE, &(struct err){0});
	}
	if ((rc = w_finish(s, c, AZ_OK, &be)) != AZ_OK)
		for (struct pending *p = batch; p; p = p->next)
			if (p->rc == AZ_OK)
				p->rc = err_set(p->e, rc, "%s", be.msg);
	return c;
}

/* Submissions are committed in groups: a submitter queues its response;
 * when no batch is being committed it takes the whole queue and commits
 * it, otherwise it waits for a committer to take it. Under load one fsync
 * then acknowledges many submissions, while a lone submission is committed
 * at once. No extra thread is needed. */
static int sq_response_submit(struct store *stp, int64_t inv_id, const struct response *r, struct err *e)
{
	struct sq *s = SQ(stp);
	struct pending me = {.inv_id = inv_id, .r = r, .e = e, .rc = AZ_OK};
	struct conn *used = NULL;   /* the connection of the batch this thread committed */

	pthread_cond_init(&me.wake, NULL);
	pthread_mutex_lock(&s->qlock);
	if (s->qtail)
		s->qtail->next = &me;
	else
		s->qhead = &me;
	s->qtail = &me;
	while (!me.done) {
		if (!s->committing) {
			struct pending *batch = s->qhead;
			s->qhead = s->qtail = NULL;
			s->committing = 1;
			pthread_mutex_unlock(&s->qlock);
			used = commit_batch(s, batch);
			pthread_mutex_lock(&s->qlock);
			/* Wake each submitter of the batch; it needs qlock, held
			 * here, to see done and return, so p stays valid until
			 * the lock is released. */
			for (struct pending *p = batch, *next; p; p = next) {
				next = p->next;
				p->done = 1;
				if (p != &me)
					pthread_cond_signal(&p->wake);
			}
			s->committing = 0;
			/* Whoever queued meanwhile: the first commits the next batch. */
			if (s->qhead != NULL)
				pthread_cond_signal(&s->qhead->wake);
		} else {
			pthread_cond_wait(&me.wake, &s->qlock);
		}
	}
	pthread_mutex_unlock(&s->qlock);
	pthread_cond_destroy(&me.wake);
	/* The batch is acknowledged: a checkpoint now delays the next batch
	 * (which grows meanwhile), but no acknowledgement. It runs under the
	 * write lock: one beside the next commits never catches up with them,
	 * so the WAL never restarts and grows without end (measured: 1 GB in
	 * 8 s); a version that ran most of them beside the commits and caught
	 * up under the lock now and then was no faster (the disk is shared). */
	if (used != NULL)
		w_release(s, used);
	return me.rc;
}

static int sq_draft_save(struct store *stp, int64_t inv_id, int64_t round_id, const char *group_id,
			 const char *body, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	struct response probe = {0};
	char now[21];
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	/* The same checks as a submission: open round, unused invitation. */
	probe.round_id = round_id;
	probe.group_id = group_id;
	if ((rc = submit_allowed(s, c, inv_id, &probe, e)) != AZ_OK)
		return w_end(s, c, rc, e);
	if ((st = stmt(s, c, SQL_DRAFT_PUT, e)) == NULL)
		return w_end(s, c, e->code, e);
	time_now(now);
	bind_int(st, 1, inv_id);
	bind_text(st, 2, body);
	bind_text(st, 3, now);
	if ((rc = step_done(s, c, st, e)) != AZ_OK)
		return w_end(s, c, rc, e);
	if ((st = stmt(s, c, SQL_INV_DRAFTING, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_int(st, 1, inv_id);
	rc = step_done(s, c, st, e);
	return w_end(s, c, rc, e);
}

/* Rows of answers or open answers, before they are handed to responses. */
struct arow {
	const char *response_id;
	const char *key;
	const char *text;
	int score;
};

static void answer_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	struct arow *r = el;

	r->response_id = col_text(a, st, 0);
	r->key = col_text(a, st, 1);
	r->score = sqlite3_column_type(st, 2) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 2);
}

static void open_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	struct arow *r = el;

	r->response_id = col_text(a, st, 0);
	r->key = col_text(a, st, 1);
	r->text = col_text(a, st, 2);
}

static void response_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	struct response *r = el;

	r->id = col_text(a, st, 0);
	r->group_id = col_text(a, st, 1);
	r->submitted_on = col_text(a, st, 2);
}

static int sq_response_list(struct store *stp, struct arena *a, int64_t round_id,
			    struct response **out, size_t *n, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	struct response *resp = NULL;
	struct arow *ans = NULL, *txt = NULL;
	size_t nresp = 0, nans = 0, ntxt = 0, ia = 0, it = 0;
	int rc;

	if ((rc = r_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_RESPONSE_LIST, e)) == NULL)
		return r_end(s, c, e->code);
	bind_int(st, 1, round_id);
	if ((rc = collect(s, c, st, a, sizeof *resp, response_row, (void **)&resp, &nresp, e)) != AZ_OK)
		return r_end(s, c, rc);
	if ((st = stmt(s, c, SQL_ANSWER_LIST, e)) == NULL)
		return r_end(s, c, e->code);
	bind_int(st, 1, round_id);
	if ((rc = collect(s, c, st, a, sizeof *ans, answer_row, (void **)&ans, &nans, e)) != AZ_OK)
		return r_end(s, c, rc);
	if ((st = stmt(s, c, SQL_OPEN_LIST, e)) == NULL)
		return r_end(s, c, e->code);
	bind_int(st, 1, round_id);
	if ((rc = collect(s, c, st, a, sizeof *txt, open_row, (void **)&txt, &ntxt, e)) != AZ_OK)
		return r_end(s, c, rc);
	/* All three lists are ordered by response id: hand out the slices. */
	for (size_t i = 0; i < nresp; i++) {
		struct response *r = &resp[i];
		size_t a0 = ia, t0 = it;

		r->round_id = round_id;
		while (ia < nans && strcmp(ans[ia].response_id, r->id) == 0)
			ia++;
		while (it < ntxt && strcmp(txt[it].response_id, r->id) == 0)
			it++;
		r->nanswer = ia - a0;
		r->answers = arena_calloc(a, r->nanswer + 1, sizeof *r->answers);
		r->ntext = it - t0;
		r->texts = arena_calloc(a, r->ntext + 1, sizeof *r->texts);
		if (r->answers == NULL || r->texts == NULL)
			return r_end(s, c, err_set(e, AZ_ENOMEM, "out of memory"));
		for (size_t k = 0; k < r->nanswer; k++) {
			r->answers[k].item_id = ans[a0 + k].key;
			r->answers[k].score = ans[a0 + k].score;
		}
		for (size_t k = 0; k < r->ntext; k++) {
			r->texts[k].question_id = txt[t0 + k].key;
			r->texts[k].text = txt[t0 + k].text;
		}
	}
	*out = resp;
	*n = nresp;
	return r_end(s, c, AZ_OK);
}

/* ---- Backups, dumps and bulk loads (version 5) ----------------------- */

/* Pages copied per step of a backup. Between steps nothing is locked that
 * a writer needs: the copy reads one snapshot (a read transaction held
 * throughout), and in WAL mode readers never block writers. */
#define BACKUP_STEP_PAGES 1024

/* The first row of sql on db as text, into out (empty when no rows). */
static int db_first_text(sqlite3 *db, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st;
	int rc;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, n, "%s", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Copy the database page by page into the open, empty dst, from one
 * snapshot of the source. */
static int backup_pages(struct sq *s, sqlite3 *dst, struct store_backup_info *info, struct err *e)
{
	struct conn *c;
	sqlite3_backup *b;
	int64_t ntab;
	int rc, src;

	/* The read transaction fixes the snapshot: without it every write of
	 * the server between two steps would restart the copy. */
	if ((rc = r_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((rc = query_int(s, c, SQL_COUNT_TABLES, &ntab, e)) != AZ_OK)
		return r_end(s, c, rc);
	if ((b = sqlite3_backup_init(dst, "main", c->db, "main")) == NULL)
		return r_end(s, c, err_set(e, AZ_ESTORE, "cannot start the backup: %s", sqlite3_errmsg(dst)));
	do {
		int left = sqlite3_backup_remaining(b);
		src = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
		info->steps++;
		if (src == SQLITE_OK && sqlite3_backup_remaining(b) >= left && left > 0)
			info->restarts++;   /* the source changed under the copy */
		if (src == SQLITE_BUSY || src == SQLITE_LOCKED)
			sqlite3_sleep(5);
	} while (src == SQLITE_OK || src == SQLITE_BUSY || src == SQLITE_LOCKED);
	info->pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	if (src != SQLITE_DONE)
		rc = (src & 0xff) == SQLITE_FULL ? err_set(e, AZ_EIO, "the disk is full")
			: err_set(e, AZ_ESTORE, "the backup failed: %s", sqlite3_errstr(src));
	return r_end(s, c, rc);
}

/* The copy must pass SQLite's integrity check and hold no broken
 * reference before it gets its name. */
static int backup_check(sqlite3 *dst, struct err *e)
{
	char res[512];

	if (db_first_text(dst, "PRAGMA integrity_check", res, sizeof res) != SQLITE_OK)
		return err_set(e, AZ_ESTORE, "cannot check the copy: %s", sqlite3_errmsg(dst));
	if (strcmp(res, "ok") != 0)
		return err_set(e, AZ_ESTORE, "the copy failed its integrity check: %s", res);
	if (db_first_text(dst, "PRAGMA foreign_key_check", res, sizeof res) != SQLITE_OK)
		return err_set(e, AZ_ESTORE, "cannot check the copy: %s", sqlite3_errmsg(dst));
	if (res[0] != '\0')
		return err_set(e, AZ_ESTORE, "the copy has a broken reference in table %s", res);
	return AZ_OK;
}

/* fsync a file or folder by name. */
static int sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The copy is written under a temporary name beside dest, checked, and
 * then linked to dest (link fails rather than replace a file that
 * appeared meanwhile), so dest is either a complete, checked copy or
 * absent. */
static int sq_backup(struct store *stp, const char *dest, struct store_backup_info *info, struct err *e)
{
	struct sq *s = SQ(stp);
	struct stat sb;
	sqlite3 *dst = NULL;
	char *tmp, *dir, *slash;
	int fd, rc;

	memset(info, 0, sizeof *info);
	if (dest[0] == '\0')
		return err_set(e, AZ_EINVAL, "the backup's file name is empty");
	if (stat(dest, &sb) == 0)
		return err_set(e, AZ_EDUP, "%s already exists; a backup never overwrites a file", dest);
	if (errno != ENOENT)
		return err_set(e, AZ_EIO, "cannot write %s: %s", dest, strerror(errno));
	if ((tmp = malloc(strlen(dest) + 24)) == NULL || (dir = strdup(dest)) == NULL) {
		free(tmp);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	sprintf(tmp, "%s.partial-XXXXXX", dest);
	if ((fd = mkstemp(tmp)) < 0) {
		rc = err_set(e, AZ_EIO, "cannot write %s: %s", dest, strerror(errno));
		goto out_free;
	}
	close(fd);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = err_set(e, AZ_EIO, "cannot open %s: %s", tmp, dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	if ((rc = backup_pages(s, dst, info, e)) != AZ_OK || (rc = backup_check(dst, e)) != AZ_OK)
		goto out;
	if (sqlite3_close(dst) != SQLITE_OK) {
		rc = err_set(e, AZ_EIO, "cannot close %s", tmp);
		goto out;
	}
	dst = NULL;
	if (sync_path(tmp) != 0 || link(tmp, dest) != 0) {
		rc = errno == EEXIST ? err_set(e, AZ_EDUP, "%s appeared during the backup; it was left alone", dest)
				     : err_set(e, AZ_EIO, "cannot write %s: %s", dest, strerror(errno));
		goto out;
	}
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else
		slash[slash == dir] = '\0';
	sync_path(dir);
	if (stat(dest, &sb) == 0)
		info->bytes = (int64_t)sb.st_size;
out:
	if (dst != NULL)
		sqlite3_close(dst);
	unlink(tmp);
	{
		char side[4200];
		snprintf(side, sizeof side, "%s-journal", tmp);
		unlink(side);
		snprintf(side, sizeof side, "%s-wal", tmp);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", tmp);
		unlink(side);
	}
out_free:
	free(tmp);
	free(dir);
	return rc;
}

/* The tables a dump or a load covers: every table of ours, in the order
 * they were created. The migration record stays with each database. */
static const char SQL_COPY_TABLES[] =
	"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	" AND name <> 'schema_migrations' ORDER BY rowid";
static const char SQL_TABLE_COLUMNS[] =
	"SELECT name, pk FROM pragma_table_info(?) ORDER BY cid";
static const char SQL_TABLE_PARENTS[] =
	"SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)";

/* A table being dumped: its columns, its primary key, its parents. */
struct dump_table {
	struct store_table t;
	const char **pk;           /* primary-key columns in key order; none: rowid */
	size_t npk;
	const char **parents;
	size_t nparent;
	int done;
};

/* Append "name" with SQL identifier quoting. Identifiers come from the
 * schema itself, never from a user. */
static void buf_ident(struct buf *b, const char *name)
{
	buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

/* Column 0 (as text) of every row of a query with at most one text
 * parameter, and column 1 as a number when ints is not NULL; in a. */
static int query_texts(struct sq *s, struct conn *c, struct arena *a, const char *sql, const char *param,
		       const char ***out, int **ints, size_t *n, struct err *e)
{
	sqlite3_stmt *st = stmt(s, c, sql, e);
	size_t cap = 0;
	int rc;

	*n = 0;
	*out = NULL;
	if (st == NULL)
		return e->code;
	if (param != NULL)
		bind_text(st, 1, param);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n + 1 >= cap) {
			size_t ncap = cap ? 2 * cap : 16;
			const char **grown = arena_calloc(a, ncap, sizeof *grown);
			int *gi = ints ? arena_calloc(a, ncap, sizeof *gi) : NULL;
			if (grown == NULL || (ints != NULL && gi == NULL)) {
				sqlite3_reset(st);
				return err_set(e, AZ_ENOMEM, "out of memory");
			}
			if (*n > 0)
				memcpy(grown, *out, *n * sizeof *grown);
			if (ints != NULL && *n > 0)
				memcpy(gi, *ints, *n * sizeof *gi);
			*out = grown;
			if (ints != NULL)
				*ints = gi;
			cap = ncap;
		}
		(*out)[*n] = col_text(a, st, 0);
		if (ints != NULL)
			(*ints)[*n] = sqlite3_column_int(st, 1);
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail(s, c->db, e);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return AZ_OK;
}

/* Every table with its columns, primary key and parents, in a. */
static int dump_tables(struct sq *s, struct conn *c, struct arena *a, struct dump_table **out, size_t *n,
		       struct err *e)
{
	const char **names;
	struct dump_table *t;
	int rc;

	if ((rc = query_texts(s, c, a, SQL_COPY_TABLES, NULL, &names, NULL, n, e)) != AZ_OK)
		return rc;
	if ((t = arena_calloc(a, *n + 1, sizeof *t)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < *n; i++) {
		const char **cols;
		int *pk;
		size_t ncol;
		t[i].t.name = names[i];
		if ((rc = query_texts(s, c, a, SQL_TABLE_COLUMNS, names[i], &cols, &pk, &ncol, e)) != AZ_OK ||
		    (rc = query_texts(s, c, a, SQL_TABLE_PARENTS, names[i], &t[i].parents, NULL, &t[i].nparent, e)) != AZ_OK)
			return rc;
		t[i].t.columns = cols;
		t[i].t.ncolumn = ncol;
		if ((t[i].pk = arena_calloc(a, ncol + 1, sizeof *t[i].pk)) == NULL)
			return err_set(e, AZ_ENOMEM, "out of memory");
		for (int k = 1; k <= (int)ncol; k++)
			for (size_t j = 0; j < ncol; j++)
				if (pk[j] == k)
					t[i].pk[t[i].npk++] = cols[j];
	}
	*out = t;
	return AZ_OK;
}

/* The next table whose parents have all been dumped (itself aside), or
 * NULL when none is left or the references form a cycle. */
static struct dump_table *dump_next(struct dump_table *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ready = !t[i].done;
		for (size_t p = 0; ready && p < t[i].nparent; p++)
			for (size_t j = 0; j < n; j++)
				if (j != i && !t[j].done && strcmp(t[j].t.name, t[i].parents[p]) == 0)
					ready = 0;
		if (ready)
			return &t[i];
	}
	return NULL;
}

/* Hand every row of t to the sink, in primary-key order. */
static int dump_rows(struct sq *s, struct conn *c, struct arena *a, const struct dump_table *t,
		     const struct store_sink *sink, struct err *e)
{
	struct store_value *v = arena_calloc(a, t->t.ncolumn + 1, sizeof *v);
	sqlite3_stmt *st = NULL;
	struct buf sql;
	int rc, step = SQLITE_DONE;

	if (v == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	buf_init(&sql);
	buf_puts(&sql, "SELECT ");
	for (size_t i = 0; i < t->t.ncolumn; i++) {
		if (i > 0)
			buf_putc(&sql, ',');
		buf_ident(&sql, t->t.columns[i]);
	}
	buf_puts(&sql, " FROM ");
	buf_ident(&sql, t->t.name);
	buf_puts(&sql, " ORDER BY ");
	for (size_t i = 0; i < t->npk; i++) {
		if (i > 0)
			buf_putc(&sql, ',');
		buf_ident(&sql, t->pk[i]);
	}
	if (t->npk == 0)
		buf_puts(&sql, "rowid");
	if (sql.failed) {
		buf_reset(&sql);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	if (sqlite3_prepare_v2(c->db, buf_str(&sql), -1, &st, NULL) != SQLITE_OK) {
		buf_reset(&sql);
		return db_fail(s, c->db, e);
	}
	buf_reset(&sql);
	rc = sink->table ? sink->table(sink->arg, &t->t, e) : AZ_OK;
	while (rc == AZ_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; rc == AZ_OK && i < t->t.ncolumn; i++) {
			int type = sqlite3_column_type(st, (int)i);
			memset(&v[i], 0, sizeof v[i]);
			if (type == SQLITE_NULL) {
				v[i].type = SV_NULL;
			} else if (type == SQLITE_INTEGER) {
				v[i].type = SV_INT;
				v[i].i = sqlite3_column_int64(st, (int)i);
			} else if (type == SQLITE_TEXT) {
				v[i].type = SV_TEXT;
				v[i].s = (const char *)sqlite3_column_text(st, (int)i);
				v[i].len = (size_t)sqlite3_column_bytes(st, (int)i);
			} else {
				rc = err_set(e, AZ_ESCHEMA, "table %s, column %s holds a value that is neither "
					     "a whole number nor text", t->t.name, t->t.columns[i]);
			}
		}
		if (rc == AZ_OK)
			rc = sink->row(sink->arg, &t->t, v, e);
	}
	if (rc == AZ_OK && step != SQLITE_DONE)
		rc = db_fail(s, c->db, e);
	sqlite3_finalize(st);
	return rc;
}

static int sq_dump(struct store *stp, const struct store_sink *sink, struct err *e)
{
	struct sq *s = SQ(stp);
	struct arena *a = arena_new();
	struct dump_table *t, *next;
	struct conn *c;
	size_t n;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = r_begin(s, &c, e)) != AZ_OK) {
		arena_free(a);
		return rc;
	}
	if ((rc = dump_tables(s, c, a, &t, &n, e)) == AZ_OK) {
		for (size_t k = 0; rc == AZ_OK && k < n; k++) {
			if ((next = dump_next(t, n)) == NULL)
				rc = err_set(e, AZ_ESCHEMA, "the tables refer to each other in a cycle");
			else
				rc = dump_rows(s, c, a, next, sink, e);
			if (next != NULL)
				next->done = 1;
		}
	}
	rc = r_end(s, c, rc);
	arena_free(a);
	return rc;
}

/* A sink that stops at the first row it is given. */
static int sink_any_row(void *arg, const struct store_table *t, const struct store_value *v, struct err *e)
{
	(void)v;
	*(const char **)arg = t->name;
	return err_set(e, AZ_ESTATE, "table %s has rows", t->name);
}

/* Fail with AZ_ESTATE when any table of ours has a row (inside the load's
 * transaction, on its connection). */
static int load_check_empty(struct sq *s, struct conn *c, struct err *e)
{
	struct arena *a = arena_new();
	struct dump_table *t;
	const char *full = NULL;
	struct store_sink sink = {NULL, sink_any_row, &full};
	size_t n;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	rc = dump_tables(s, c, a, &t, &n, e);
	for (size_t i = 0; rc == AZ_OK && i < n; i++)
		rc = dump_rows(s, c, a, &t[i], &sink, e);
	if (rc == AZ_ESTATE && full != NULL)
		err_set(e, AZ_ESTATE, "%s is not empty (table %s has rows); load only into a new database",
			s->path, full);
	arena_free(a);
	return rc;
}

static int sq_load_begin(struct store *stp, int require_empty, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	int rc;

	if (s->load != NULL)
		return err_set(e, AZ_ESTATE, "a load is already in progress");
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	/* References are checked at COMMIT, so that the order of the rows
	 * within the load does not matter. */
	rc = conn_exec(s, c, "PRAGMA defer_foreign_keys = ON", e);
	if (rc == AZ_OK && require_empty)
		rc = load_check_empty(s, c, e);
	if (rc != AZ_OK)
		return w_end(s, c, rc, &(struct err){0});
	s->load = c;
	return AZ_OK;
}

/* The INSERT for t's columns, prepared once per table loaded. */
static int load_stmt(struct sq *s, const struct store_table *t, struct err *e)
{
	struct buf sig, sql;
	int rc = AZ_OK;

	buf_init(&sig);
	buf_puts(&sig, t->name);
	for (size_t i = 0; i < t->ncolumn; i++)
		buf_printf(&sig, "\t%s", t->columns[i]);
	if (!sig.failed && s->load_st != NULL && strcmp(s->load_sig, buf_str(&sig)) == 0) {
		buf_reset(&sig);
		return AZ_OK;
	}
	sqlite3_finalize(s->load_st);
	s->load_st = NULL;
	free(s->load_sig);
	s->load_sig = buf_steal(&sig);
	buf_init(&sql);
	buf_puts(&sql, "INSERT INTO ");
	buf_ident(&sql, t->name);
	buf_puts(&sql, " (");
	for (size_t i = 0; i < t->ncolumn; i++) {
		if (i > 0)
			buf_putc(&sql, ',');
		buf_ident(&sql, t->columns[i]);
	}
	buf_puts(&sql, ") VALUES (");
	for (size_t i = 0; i < t->ncolumn; i++)
		buf_puts(&sql, i ? ",?" : "?");
	buf_putc(&sql, ')');
	if (sql.failed || s->load_sig == NULL)
		rc = err_set(e, AZ_ENOMEM, "out of memory");
	else if (sqlite3_prepare_v2(s->load->db, buf_str(&sql), -1, &s->load_st, NULL) != SQLITE_OK) {
		db_fail(s, s->load->db, e);
		rc = err_prefix(e, "table %s", t->name);
	}
	buf_reset(&sql);
	return rc;
}

static int sq_load_rows(struct store *stp, const struct store_table *t, const struct store_value *v, size_t nrow,
			struct err *e)
{
	struct sq *s = SQ(stp);
	int rc;

	if (s->load == NULL)
		return err_set(e, AZ_ESTATE, "no load is in progress");
	if ((rc = load_stmt(s, t, e)) != AZ_OK)
		return rc;
	for (size_t r = 0; r < nrow; r++) {
		const struct store_value *row = v + r * t->ncolumn;
		sqlite3_reset(s->load_st);
		for (size_t i = 0; i < t->ncolumn; i++) {
			if (row[i].type == SV_INT)
				sqlite3_bind_int64(s->load_st, (int)i + 1, row[i].i);
			else if (row[i].type == SV_TEXT)
				sqlite3_bind_text(s->load_st, (int)i + 1, row[i].s, (int)row[i].len, SQLITE_STATIC);
			else
				sqlite3_bind_null(s->load_st, (int)i + 1);
		}
		if (sqlite3_step(s->load_st) != SQLITE_DONE) {
			db_fail(s, s->load->db, e);
			sqlite3_reset(s->load_st);
			return err_prefix(e, "table %s", t->name);
		}
	}
	sqlite3_reset(s->load_st);
	sqlite3_clear_bindings(s->load_st);
	return AZ_OK;
}

static int sq_load_end(struct store *stp, int commit, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c = s->load;

	if (c == NULL)
		return err_set(e, AZ_ESTATE, "no load is in progress");
	sqlite3_finalize(s->load_st);
	s->load_st = NULL;
	free(s->load_sig);
	s->load_sig = NULL;
	s->load = NULL;
	if (!commit) {
		w_end(s, c, AZ_ESTATE, &(struct err){0});   /* rolls back */
		return AZ_OK;
	}
	return w_end(s, c, AZ_OK, e);
}

/* ---- Opening and closing --------------------------------------------- */

static void sq_close(struct store *stp)
{
	struct sq *s = SQ(stp);

	if (s == NULL)
		return;
	if (s->load != NULL)
		sq_load_end(stp, 0, &(struct err){0});
	for (int i = 0; i < s->nidle; i++)
		conn_free(s->idle[i]);
	pthread_mutex_destroy(&s->wlock);
	pthread_mutex_destroy(&s->plock);
	pthread_cond_destroy(&s->pfree);
	pthread_mutex_destroy(&s->qlock);
	free(s->path);
	free(s);
}

static const struct store_ops sqlite_ops = {
	.version = STORE_OPS_VERSION,
	.name = "sqlite",
	.close = sq_close,
	.schema_version = sq_schema_version,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.leader_add = sq_leader_add,
	.leader_get = sq_leader_get,
	.leader_list = sq_leader_list,
	.instrument_get = sq_instrument_get,
	.round_add = sq_round_add,
	.round_get = sq_round_get,
	.round_list = sq_round_list,
	.round_transition = sq_round_transition,
	.invitations_add = sq_invitations_add,
	.invitation_list = sq_invitation_list,
	.invitation_by_token = sq_invitation_by_token,
	.group_counts = sq_group_counts,
	.response_submit = sq_response_submit,
	.response_list = sq_response_list,
	.draft_save = sq_draft_save,
	.link_get = sq_link_get,
	.backup = sq_backup,
	.dump = sq_dump,
	.load_begin = sq_load_begin,
	.load_rows = sq_load_rows,
	.load_end = sq_load_end,
};

/* Say clearly why a database file can't be used, before SQLite would
 * say it less clearly. */
static int check_path(const char *path, enum store_mode mode, struct err *e)
{
	struct stat sb;
	char dir[4096];
	const char *slash;

	if (path[0] == '\0')
		return err_set(e, AZ_EINVAL, "the database path is empty");
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT)
			return err_set(e, AZ_EIO, "cannot use the database %s: %s", path, strerror(errno));
		if (mode == STORE_EXISTING)
			return err_set(e, AZ_ENOTFOUND, "the database %s does not exist; "
				       "create it with `aanwezig init --db %s`", path, path);
	} else if (!S_ISREG(sb.st_mode)) {
		return err_set(e, AZ_EIO, "the database %s is not a regular file", path);
	} else if (access(path, R_OK | W_OK) != 0) {
		return err_set(e, AZ_EIO, "cannot write the database %s: %s", path, strerror(errno));
	}
	/* WAL mode needs to create files beside the database. */
	slash = strrchr(path, '/');
	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	if (access(dir, W_OK | X_OK) != 0)
		return err_set(e, AZ_EIO, "cannot write in the folder %s of the database: %s",
			       dir, strerror(errno));
	return AZ_OK;
}

/* SQLite counts every allocation under one global mutex, for statistics
 * nobody here reads; with many threads that mutex was a hot spot. This
 * only takes effect before SQLite is first used (it is ignored after). */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_sqlite_open(const char *path, enum store_mode mode, struct store **out, struct err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct sq *s;
	struct conn *c;
	int rc;

	*out = NULL;
	pthread_once(&once, sqlite_setup);
	if ((rc = check_path(path, mode, e)) != AZ_OK)
		return rc;
	if ((s = calloc(1, sizeof *s)) == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	s->base.ops = &sqlite_ops;
	pthread_mutex_init(&s->wlock, NULL);
	pthread_mutex_init(&s->plock, NULL);
	pthread_cond_init(&s->pfree, NULL);
	pthread_mutex_init(&s->qlock, NULL);
	if ((rc = conn_new(s, mode == STORE_CREATE, &c, e)) != AZ_OK) {
		sq_close(&s->base);
		return rc;
	}
	s->nopen = 1;
	if ((rc = migrate(s, c, mode == STORE_CREATE, e)) != AZ_OK) {
		conn_free(c);
		s->nopen = 0;
		sq_close(&s->base);
		return rc;
	}
	conn_put(s, c);
	*out = &s->base;
	return AZ_OK;
}
