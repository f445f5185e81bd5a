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
#include <time.h>
#include <unistd.h>

#include "../util/buf.h"
#include "../util/text.h"
#include "backend.h"

#define POOL_MAX 8
#define STMT_CACHE 128
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
	/* 4: accounts, sessions, login links, rate limits, shares, the outbox
	 * and the audit log; round settings and the date a round closed.
	 * Rounds closed before this migration get their deadline as
	 * closed_at, or today when that is later or unset (they closed by
	 * today), so that retention counts for them too. */
	"ALTER TABLE rounds ADD COLUMN closed_at TEXT;"
	"ALTER TABLE rounds ADD COLUMN needs_approval INTEGER NOT NULL DEFAULT 0"
	"  CHECK (needs_approval IN (0, 1));"
	"ALTER TABLE rounds ADD COLUMN nomination TEXT NOT NULL DEFAULT 'open'"
	"  CHECK (nomination IN ('open', 'submitted', 'approved'));"
	"ALTER TABLE rounds ADD COLUMN reminders TEXT NOT NULL DEFAULT '';"
	"UPDATE rounds SET closed_at = COALESCE(MIN(closes_on, date('now')), date('now'))"
	"  WHERE state IN ('closed', 'released');"
	"CREATE INDEX rounds_closed ON rounds(closed_at) WHERE closed_at IS NOT NULL;"
	"ALTER TABLE invitations ADD COLUMN language TEXT"
	"  CHECK (language IS NULL OR language IN ('nl', 'en'));"
	/* AUTOINCREMENT: an erased account's id is never given to another,
	 * so audit entries that keep it never point at someone else. */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  email TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'coach')),"
	"  leader_id INTEGER REFERENCES leaders(id) ON DELETE CASCADE,"
	"  password TEXT,"
	"  language TEXT NOT NULL CHECK (language IN ('nl', 'en')),"
	"  created_at INTEGER NOT NULL,"
	"  CHECK ((role = 'leader') = (leader_id IS NOT NULL)));"
	"CREATE INDEX users_leader ON users(leader_id) WHERE leader_id IS NOT NULL;"
	"CREATE TABLE sessions ("
	"  id_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  created_at INTEGER NOT NULL,"
	"  seen_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE login_links ("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX login_links_user ON login_links(user_id);"
	/* \"window\" quoted: a keyword in SQLite, reserved in PostgreSQL. */
	"CREATE TABLE ratelimits ("
	"  key TEXT NOT NULL,"
	"  \"window\" INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY (key, \"window\")) WITHOUT ROWID;"
	"CREATE TABLE shares ("
	"  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (round_id, user_id)) WITHOUT ROWID;"
	"CREATE INDEX shares_user ON shares(user_id);"
	/* invitation_id cascades: only an invitation still "created" can be
	 * removed, so its message was never sent; removing it withdraws the
	 * queued message (no mail to someone taken off the list, no address
	 * left behind), and a reused invitation id finds its key free. */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL UNIQUE,"
	"  round_id INTEGER REFERENCES rounds(id) ON DELETE CASCADE,"
	"  invitation_id INTEGER REFERENCES invitations(id) ON DELETE CASCADE,"
	"  to_addr TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  text_body TEXT NOT NULL,"
	"  html_body TEXT,"
	"  state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"
	"  owner TEXT,"
	"  lease_until INTEGER,"
	"  last_error TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER);"
	"CREATE INDEX outbox_due ON outbox(state, next_at);"
	"CREATE INDEX outbox_round ON outbox(round_id) WHERE round_id IS NOT NULL;"
	"CREATE INDEX outbox_invitation ON outbox(invitation_id) WHERE invitation_id IS NOT NULL;"
	/* Append-only: no entry is deleted, and the one change allowed is
	 * leader_erase replacing an actor by 'erased'. user_id has no foreign
	 * key: the log outlives the accounts it names. */
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL DEFAULT 0,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT,"
	"  detail TEXT,"
	"  client TEXT);"
	"CREATE INDEX audit_user ON audit(user_id) WHERE user_id <> 0;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  WHEN NEW.actor IS NOT 'erased' OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at"
	"    OR NEW.user_id IS NOT OLD.user_id OR NEW.action IS NOT OLD.action"
	"    OR NEW.object IS NOT OLD.object OR NEW.detail IS NOT OLD.detail OR NEW.client IS NOT OLD.client"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
	/* 5: indexes for sweep, which deletes expired sessions, login links
	 * and rate-limit windows. Rate-limit windows are named by their first
	 * second from now on; the rows counted by window number before are
	 * older than any such second and go with the first sweep. */
	"CREATE INDEX sessions_seen ON sessions(seen_at);"
	"CREATE INDEX sessions_created ON sessions(created_at);"
	"CREATE INDEX login_links_expires ON login_links(expires_at);"
	"CREATE INDEX ratelimits_window ON ratelimits(\"window\");",
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

/* Every row of a query into an array in a, with key (text) or, when bind
 * is set, id bound as its one parameter, or nothing bound. */
static int list_all(struct sq *s, const char *sql, int bind, int64_t id, const char *key, struct arena *a,
		    size_t elsize, row_fn row, void **out, size_t *n, struct err *e)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, sql, e)) == NULL) {
		rc = e->code;
	} else {
		if (key != NULL)
			bind_text(st, 1, key);
		else if (bind)
			bind_int(st, 1, id);
		rc = collect(s, c, st, a, elsize, row, out, n, e);
	}
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
	return list_all(SQ(stp), SQL_LEADER_LIST, 0, 0, NULL, a, sizeof **out, leader_row_v, (void **)out, n, e);
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
#define ROUND_COLS "id, leader_id, instrument_id, state, opens_on, closes_on, created_at," \
	" closed_at, needs_approval, nomination, reminders"
static const char SQL_ROUND_GET[] = "SELECT " ROUND_COLS " FROM rounds WHERE id = ?";
/* Two statements rather than "? = 0 OR leader_id = ?", which SQLite can
 * only answer by scanning every round: a report looks up its leader's
 * rounds, and with 20,000 rounds that scan was most of its time. */
static const char SQL_ROUND_LIST[] =
	"SELECT " ROUND_COLS " FROM rounds ORDER BY id";
static const char SQL_ROUND_LIST_LEADER[] =
	"SELECT " ROUND_COLS " FROM rounds WHERE leader_id = ? ORDER BY id";
static const char SQL_ROUND_STATE[] = "SELECT state FROM rounds WHERE id = ?";
static const char SQL_ROUND_MOVE[] =
	"UPDATE rounds SET state = ?1, opens_on = COALESCE(?2, opens_on),"
	" closes_on = COALESCE(?3, closes_on),"
	" closed_at = CASE WHEN ?1 IN ('closed', 'released') THEN COALESCE(closed_at, ?6) ELSE closed_at END"
	" WHERE id = ?4 AND state = ?5";
static const char SQL_LEADER_EXISTS[] = "SELECT COUNT(*) FROM leaders WHERE id = ?";

/* A round from the columns base.. of a row (ROUND_COLS). */
static void round_cols(struct arena *a, sqlite3_stmt *st, int base, struct round *r)
{
	r->id = sqlite3_column_int64(st, base);
	r->leader_id = sqlite3_column_int64(st, base + 1);
	r->instrument_id = sqlite3_column_int64(st, base + 2);
	r->state = round_state_parse((const char *)sqlite3_column_text(st, base + 3));
	r->opens_on = col_text(a, st, base + 4);
	r->closes_on = col_text(a, st, base + 5);
	r->created_at = col_text(a, st, base + 6);
	r->closed_at = col_text(a, st, base + 7);
	r->needs_approval = sqlite3_column_int(st, base + 8);
	r->nomination = nomination_state_parse((const char *)sqlite3_column_text(st, base + 9));
	r->reminders = col_text(a, st, base + 10);
}

static void round_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	round_cols(a, st, 0, el);
}

static const char SQL_INV_ADD[] =
	"INSERT INTO invitations (round_id, group_id, name, email, nonce, token_hash, state, created_at, language)"
	" VALUES (?, ?, ?, ?, ?, ?, 'created', ?, ?) RETURNING id";

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
	bind_text(st, 8, inv->language);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		inv->id = sqlite3_column_int64(st, 0);
		inv->state = INV_CREATED;
		rc = AZ_OK;
	} else if (sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_UNIQUE) {
		rc = err_set(e, AZ_EDUP, "%s is already invited to round %lld",
			     inv->email ? inv->email : "the leader", (long long)inv->round_id);
	} else if (sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_CHECK) {
		rc = err_set(e, AZ_EINVAL, "the language of an invitation is nl, en or none, not %s",
			     inv->language ? inv->language : "none");
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
	return list_all(SQ(stp), leader_id > 0 ? SQL_ROUND_LIST_LEADER : SQL_ROUND_LIST, leader_id > 0, leader_id,
			NULL, a, sizeof **out, round_row, (void **)out, n, e);
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
	char today[11];
	int rc, now_state = -1;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_ROUND_MOVE, e)) == NULL)
		return w_end(s, c, e->code, e);
	date_today(today);
	bind_text(st, 6, today);
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

#define INV_COLS "id, round_id, group_id, name, email, nonce, token_hash, state, created_at, language"
static const char SQL_INV_LIST[] = "SELECT " INV_COLS " FROM invitations WHERE round_id = ? ORDER BY id";
static const char SQL_INV_BY_TOKEN[] = "SELECT " INV_COLS " FROM invitations WHERE token_hash = ?";
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
	v->language = col_text(a, st, 9);
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
	return list_all(SQ(stp), SQL_INV_LIST, 1, round_id, NULL, a, sizeof **out, inv_row, (void **)out, n, e);
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
	" i.language, r.id, r.leader_id, r.instrument_id, r.state, r.opens_on, r.closes_on, r.created_at,"
	" r.closed_at, r.needs_approval, r.nomination, r.reminders, l.id, l.name, l.email, l.organisation, l.language, l.created_at, d.body"
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
	round_cols(a, st, 10, x->r);
	leader_cols(a, st, 21, x->l);
	*x->draft = col_text(a, st, 27);
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
	return list_all(SQ(stp), SQL_GROUP_COUNTS, 1, round_id, NULL, a, sizeof **out, count_row, (void **)out, n, e);
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
	if ((rc = store_answers_json(r, &json, e)) != AZ_OK)
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

/* ---- Version 4: shared helpers ---------------------------------------- */

/* A failed write step as a status: a taken unique key is AZ_EDUP (with
 * the message dup), a reference to a row that does not exist
 * AZ_ENOTFOUND, a value a CHECK refuses AZ_EINVAL. */
static int write_fail(struct sq *s, struct conn *c, const char *dup, struct err *e)
{
	int code = sqlite3_extended_errcode(c->db);

	if (dup != NULL && (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY))
		return err_set(e, AZ_EDUP, "%s", dup);
	if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
		return err_set(e, AZ_ENOTFOUND, "it refers to a round, leader, invitation or account "
			       "that does not exist");
	if (code == SQLITE_CONSTRAINT_CHECK || code == SQLITE_CONSTRAINT_NOTNULL)
		return err_set(e, AZ_EINVAL, "a value is missing or not allowed (%s)", sqlite3_errmsg(c->db));
	return db_fail(s, c->db, e);
}

/* Step a write statement that returns no rows; map failures as above. */
static int step_write(struct sq *s, struct conn *c, sqlite3_stmt *st, const char *dup, struct err *e)
{
	int rc = sqlite3_step(st);

	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? AZ_OK : write_fail(s, c, dup, e);
	sqlite3_reset(st);
	return rc;
}

/* A read that fills *out from the first column of at most one row, with
 * binds (id1, id2) or (text, id2): *found says whether a row came. */
static int read_int(struct sq *s, struct conn *c, const char *sql, const char *key, int64_t id1, int64_t id2,
		    int64_t *out, int *found, struct err *e)
{
	sqlite3_stmt *st = stmt(s, c, sql, e);
	int rc;

	if (st == NULL)
		return e->code;
	if (key != NULL)
		bind_text(st, 1, key);
	else
		bind_int(st, 1, id1);
	if (sqlite3_bind_parameter_count(st) >= 2)
		bind_int(st, 2, id2);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? AZ_OK : db_fail(s, c->db, e);
	sqlite3_reset(st);
	return rc;
}

/* ---- Round settings and the leader's list ----------------------------- */

static const char SQL_ROUND_SETTINGS[] =
	"UPDATE rounds SET needs_approval = ?, reminders = ? WHERE id = ? AND state <> 'released'";
static const char SQL_ROUND_NOMINATE[] =
	"UPDATE rounds SET nomination = ? WHERE id = ? AND nomination = ? AND state = 'draft'";
static const char SQL_ROUND_NOMINATION[] = "SELECT state, nomination FROM rounds WHERE id = ?";
static const char SQL_ROUNDS_DUE[] =
	"SELECT " ROUND_COLS " FROM rounds WHERE state = 'open' AND closes_on < ? ORDER BY id";

/* "" or day numbers separated by commas ("7,2"). */
static int reminders_valid(const char *s)
{
	if (*s == '\0')
		return 1;
	for (;;) {
		int digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4)
			s++, digits++;
		if (digits == 0 || digits > 3)
			return 0;
		if (*s == '\0')
			return 1;
		if (*s++ != ',')
			return 0;
	}
}

static int sq_round_settings(struct store *stp, int64_t id, int needs_approval, const char *reminders,
			     struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc, state = -1;

	if (reminders == NULL)
		reminders = "";
	if (!reminders_valid(reminders))
		return err_set(e, AZ_EINVAL, "reminders are days before the deadline separated by commas, "
			       "such as 7,2; not \"%s\"", reminders);
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_ROUND_SETTINGS, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_int(st, 1, needs_approval != 0);
	bind_text(st, 2, reminders);
	bind_int(st, 3, id);
	rc = step_write(s, c, st, NULL, e);
	if (rc == AZ_OK && sqlite3_changes(c->db) == 0) {
		rc = round_state_in(s, c, id, &state, e);
		if (rc == AZ_OK)
			rc = err_set(e, AZ_ESTATE, "round %lld is released; its settings can no longer change",
				     (long long)id);
	}
	return w_end(s, c, rc, e);
}

static int sq_round_nomination(struct store *stp, int64_t id, int from, int to, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if (from < NOM_OPEN || from > NOM_APPROVED || to < NOM_OPEN || to > NOM_APPROVED)
		return err_set(e, AZ_EINVAL, "not a state of the list of raters");
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_ROUND_NOMINATE, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, nomination_state_name(to));
	bind_int(st, 2, id);
	bind_text(st, 3, nomination_state_name(from));
	rc = step_write(s, c, st, NULL, e);
	if (rc != AZ_OK || sqlite3_changes(c->db) > 0)
		return w_end(s, c, rc, e);
	/* Nothing changed: say why. */
	if ((st = stmt(s, c, SQL_ROUND_NOMINATION, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_int(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		rc = err_set(e, AZ_ENOTFOUND, "there is no round %lld", (long long)id);
	else if (rc != SQLITE_ROW)
		rc = db_fail(s, c->db, e);
	else if (strcmp((const char *)sqlite3_column_text(st, 0), "draft") != 0)
		rc = err_set(e, AZ_ESTATE, "round %lld is %s; its list of raters can only change while it "
			     "is a draft", (long long)id, (const char *)sqlite3_column_text(st, 0));
	else
		rc = err_set(e, AZ_ESTATE, "the list of raters of round %lld is %s, not %s", (long long)id,
			     (const char *)sqlite3_column_text(st, 1), nomination_state_name(from));
	sqlite3_reset(st);
	return w_end(s, c, rc, e);
}

static int sq_rounds_due(struct store *stp, struct arena *a, const char *today, struct round **out, size_t *n,
			 struct err *e)
{
	return list_all(SQ(stp), SQL_ROUNDS_DUE, 0, 0, today, a, sizeof **out, round_row, (void **)out, n, e);
}

/* ---- Removing an invitation ------------------------------------------- */

static const char SQL_INV_FOR_REMOVE[] =
	"SELECT i.state, i.group_id, r.state FROM invitations i JOIN rounds r ON r.id = i.round_id"
	" WHERE i.id = ? AND i.round_id = ?";
static const char SQL_INV_REMOVE[] = "DELETE FROM invitations WHERE id = ?";

static int sq_invitation_remove(struct store *stp, int64_t round_id, int64_t id, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_INV_FOR_REMOVE, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_int(st, 1, id);
	bind_int(st, 2, round_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		rc = err_set(e, AZ_ENOTFOUND, "round %lld has no invitation %lld", (long long)round_id,
			     (long long)id);
	else if (rc != SQLITE_ROW)
		rc = db_fail(s, c->db, e);
	else if (strcmp((const char *)sqlite3_column_text(st, 1), "self") == 0)
		rc = err_set(e, AZ_ESTATE, "the leader's own invitation cannot be removed");
	else if (strcmp((const char *)sqlite3_column_text(st, 2), "draft") != 0)
		rc = err_set(e, AZ_ESTATE, "round %lld is %s; invitations can only be removed while it is "
			     "a draft", (long long)round_id, (const char *)sqlite3_column_text(st, 2));
	else if (strcmp((const char *)sqlite3_column_text(st, 0), "created") != 0)
		rc = err_set(e, AZ_ESTATE, "invitation %lld is %s; only one not yet sent can be removed",
			     (long long)id, (const char *)sqlite3_column_text(st, 0));
	else
		rc = AZ_OK;
	sqlite3_reset(st);
	if (rc == AZ_OK && (st = stmt(s, c, SQL_INV_REMOVE, e)) == NULL)
		rc = e->code;
	if (rc == AZ_OK) {
		bind_int(st, 1, id);
		rc = step_write(s, c, st, NULL, e);
	}
	return w_end(s, c, rc, e);
}

/* ---- Accounts --------------------------------------------------------- */

#define USER_COLS "u.id, u.email, u.name, u.role, u.leader_id, u.password, u.language, u.created_at"
static const char SQL_USER_ADD[] =
	"INSERT INTO users (email, name, role, leader_id, password, language, created_at)"
	" VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?) RETURNING id";
static const char SQL_USER_GET[] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?";
static const char SQL_USER_BY_EMAIL[] = "SELECT " USER_COLS " FROM users u WHERE u.email = ?";
static const char SQL_USER_LIST[] = "SELECT " USER_COLS " FROM users u ORDER BY u.id";
static const char SQL_USER_PASSWORD[] = "UPDATE users SET password = ? WHERE id = ?";

/* An account from the columns base.. of a row (USER_COLS). */
static void user_cols(struct arena *a, sqlite3_stmt *st, int base, struct user *u)
{
	u->id = sqlite3_column_int64(st, base);
	u->email = col_text(a, st, base + 1);
	u->name = col_text(a, st, base + 2);
	u->role = user_role_parse((const char *)sqlite3_column_text(st, base + 3));
	u->leader_id = sqlite3_column_int64(st, base + 4);
	u->password = col_text(a, st, base + 5);
	u->language = col_text(a, st, base + 6);
	u->created_at = sqlite3_column_int64(st, base + 7);
}

static void user_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	user_cols(a, st, 0, el);
}

static int sq_user_add(struct store *stp, struct user *u, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	char dup[320];
	int rc;

	if (u->role != ROLE_ADMIN && u->role != ROLE_LEADER && u->role != ROLE_COACH)
		return err_set(e, AZ_EINVAL, "an account is an admin, a leader or a coach");
	if ((u->role == ROLE_LEADER) != (u->leader_id > 0))
		return err_set(e, AZ_EINVAL, "a leader's account, and only that, belongs to a leader");
	if (u->created_at == 0)
		u->created_at = (int64_t)time(NULL);
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_USER_ADD, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, u->email);
	bind_text(st, 2, u->name ? u->name : "");
	bind_text(st, 3, user_role_name(u->role));
	bind_int(st, 4, u->leader_id);
	bind_text(st, 5, u->password);
	bind_text(st, 6, u->language);
	bind_int(st, 7, u->created_at);
	if (sqlite3_step(st) == SQLITE_ROW) {
		u->id = sqlite3_column_int64(st, 0);
		rc = AZ_OK;
	} else {
		snprintf(dup, sizeof dup, "an account with e-mail %s already exists", u->email ? u->email : "");
		rc = write_fail(s, c, dup, e);
	}
	sqlite3_reset(st);
	return w_end(s, c, rc, e);
}

static int sq_user_get(struct store *stp, struct arena *a, int64_t id, struct user *out, struct err *e)
{
	return get_one(SQ(stp), SQL_USER_GET, a, id, NULL, user_row, out, "there is no account %lld", e);
}

static int sq_user_by_email(struct store *stp, struct arena *a, const char *email, struct user *out,
			    struct err *e)
{
	return get_one(SQ(stp), SQL_USER_BY_EMAIL, a, 0, email, user_row, out, "no account has this e-mail address", e);
}

/* Run a query without parameters (or one integer, id) into an array. */
static int sq_user_list(struct store *stp, struct arena *a, struct user **out, size_t *n, struct err *e)
{
	return list_all(SQ(stp), SQL_USER_LIST, 0, 0, NULL, a, sizeof **out, user_row, (void **)out, n, e);
}

/* Run one write statement with (text, id) or (id) bound; AZ_ENOTFOUND
 * with missing when it changed nothing (missing NULL: that is fine). */
static int write_one(struct sq *s, const char *sql, const char *text, int64_t id, const char *missing,
		     struct err *e)
{
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, sql, e)) == NULL)
		return w_end(s, c, e->code, e);
	if (sqlite3_bind_parameter_count(st) == 2) {
		bind_text(st, 1, text);
		bind_int(st, 2, id);
	} else if (text != NULL) {
		bind_text(st, 1, text);
	} else {
		bind_int(st, 1, id);
	}
	rc = step_write(s, c, st, NULL, e);
	if (rc == AZ_OK && missing != NULL && sqlite3_changes(c->db) == 0)
		rc = err_set(e, AZ_ENOTFOUND, missing, (long long)id);
	return w_end(s, c, rc, e);
}

static int sq_user_set_password(struct store *stp, int64_t id, const char *hash, struct err *e)
{
	return write_one(SQ(stp), SQL_USER_PASSWORD, hash, id, "there is no account %lld", e);
}

/* ---- Sessions and login links ----------------------------------------- */

static const char SQL_SESSION_ADD[] =
	"INSERT INTO sessions (id_hash, user_id, created_at, seen_at) VALUES (?, ?, ?, ?)";
static const char SQL_SESSION_GET[] =
	"SELECT s.id_hash, s.user_id, s.created_at, s.seen_at, " USER_COLS
	" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?";
static const char SQL_SESSION_SEEN[] = "UPDATE sessions SET seen_at = ?2 WHERE id_hash = ?1";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE id_hash = ?";
static const char SQL_SESSION_DELETE_USER[] = "DELETE FROM sessions WHERE user_id = ?";
static const char SQL_LOGIN_ADD[] =
	"INSERT INTO login_links (token_hash, user_id, expires_at) VALUES (?, ?, ?)";
static const char SQL_LOGIN_USE[] =
	"DELETE FROM login_links WHERE token_hash = ? RETURNING user_id, expires_at";
static const char SQL_LOGIN_SWEEP[] = "DELETE FROM login_links WHERE expires_at < ?";

/* How often seen_at is written: a session read more often within a
 * minute is a read only. */
#define SEEN_EVERY 60

static int sq_session_add(struct store *stp, const struct session *ses, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_SESSION_ADD, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, ses->id_hash);
	bind_int(st, 2, ses->user_id);
	bind_int(st, 3, ses->created_at);
	bind_int(st, 4, ses->seen_at);
	rc = step_write(s, c, st, "this session exists already", e);
	return w_end(s, c, rc, e);
}

struct session_row {
	struct session *s;
	struct user *u;
};

static void session_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	struct session_row *x = el;

	x->s->id_hash = col_text(a, st, 0);
	x->s->user_id = sqlite3_column_int64(st, 1);
	x->s->created_at = sqlite3_column_int64(st, 2);
	x->s->seen_at = sqlite3_column_int64(st, 3);
	user_cols(a, st, 4, x->u);
}

/* One read; a write only to drop an expired session or to note the
 * request time when the last note is a minute old or more. */
static int sq_session_get(struct store *stp, struct arena *a, const char *id_hash, int64_t now, int64_t idle,
			  int64_t absolute, struct session *out, struct user *user, struct err *e)
{
	static const char gone[] = "this session is unknown or has expired";
	struct sq *s = SQ(stp);
	struct session ses = {0};
	struct user u = {0};
	struct session_row x = {&ses, &u};
	int rc;

	if ((rc = get_one(s, SQL_SESSION_GET, a, 0, id_hash, session_row, &x, gone, e)) != AZ_OK)
		return rc;
	if (now - ses.seen_at > idle || now - ses.created_at > absolute) {
		if ((rc = write_one(s, SQL_SESSION_DELETE, id_hash, 0, NULL, e)) != AZ_OK)
			return rc;
		return err_set(e, AZ_ENOTFOUND, gone);
	}
	if (now - ses.seen_at >= SEEN_EVERY) {
		/* AZ_ENOTFOUND when it was deleted (logged out) meanwhile. */
		if ((rc = write_one(s, SQL_SESSION_SEEN, id_hash, now, gone, e)) != AZ_OK)
			return rc;
		ses.seen_at = now;
	}
	if (out != NULL)
		*out = ses;
	if (user != NULL)
		*user = u;
	return AZ_OK;
}

static int sq_session_delete(struct store *stp, const char *id_hash, struct err *e)
{
	return write_one(SQ(stp), SQL_SESSION_DELETE, id_hash, 0, NULL, e);
}

static int sq_session_delete_user(struct store *stp, int64_t user_id, struct err *e)
{
	return write_one(SQ(stp), SQL_SESSION_DELETE_USER, NULL, user_id, NULL, e);
}

static int sq_login_link_add(struct store *stp, const char *token_hash, int64_t user_id, int64_t expires_at,
			     struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_LOGIN_ADD, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, token_hash);
	bind_int(st, 2, user_id);
	bind_int(st, 3, expires_at);
	rc = step_write(s, c, st, "this login link exists already", e);
	return w_end(s, c, rc, e);
}

/* Deleting the link is what uses it: of two requests with the same link
 * only one gets the row back. Expired links of anyone go in the same
 * transaction, so the table stays as small as the links in flight. */
static int sq_login_link_use(struct store *stp, const char *token_hash, int64_t now, int64_t *user_id,
			     struct err *e)
{
	static const char gone[] = "this login link is unknown, used or expired";
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc, found = 0;

	*user_id = 0;
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_LOGIN_USE, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, token_hash);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 1) >= now)
		*user_id = sqlite3_column_int64(st, 0), found = 1, rc = AZ_OK;
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = AZ_OK;        /* an expired link is deleted all the same */
	else
		rc = db_fail(s, c->db, e);
	sqlite3_reset(st);
	if (rc == AZ_OK && (st = stmt(s, c, SQL_LOGIN_SWEEP, e)) == NULL)
		rc = e->code;
	if (rc == AZ_OK) {
		bind_int(st, 1, now);
		rc = step_write(s, c, st, NULL, e);
	}
	if ((rc = w_end(s, c, rc, e)) != AZ_OK || found)
		return rc;
	return err_set(e, AZ_ENOTFOUND, gone);
}

/* ---- Rate limits ------------------------------------------------------ */

static const char SQL_RATE_HIT[] =
	"INSERT INTO ratelimits (key, \"window\", count) VALUES (?, ?, 1)"
	" ON CONFLICT (key, \"window\") DO UPDATE SET count = count + 1 RETURNING count";
static const char SQL_RATE_DROP[] = "DELETE FROM ratelimits WHERE key = ? AND \"window\" < ?";
static const char SQL_RATE_PEEK[] = "SELECT count FROM ratelimits WHERE key = ? AND \"window\" = ?";

static int sq_ratelimit_hit(struct store *stp, const char *key, int64_t window, int64_t *count, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	*count = 0;
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_RATE_HIT, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, key);
	bind_int(st, 2, window);
	if (sqlite3_step(st) == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0), rc = AZ_OK;
	else
		rc = write_fail(s, c, NULL, e);
	sqlite3_reset(st);
	/* The first event of a window drops the key's older ones: one
	 * delete, by the primary key, per key and window. */
	if (rc == AZ_OK && *count == 1) {
		if ((st = stmt(s, c, SQL_RATE_DROP, e)) == NULL)
			return w_end(s, c, e->code, e);
		bind_text(st, 1, key);
		bind_int(st, 2, window);
		rc = step_write(s, c, st, NULL, e);
	}
	return w_end(s, c, rc, e);
}

static int sq_ratelimit_peek(struct store *stp, const char *key, int64_t window, int64_t *count, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	int found, rc;

	*count = 0;
	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	rc = read_int(s, c, SQL_RATE_PEEK, key, 0, window, count, &found, e);
	conn_put(s, c);
	return rc;
}

/* ---- Sweeping what expired ------------------------------------------- */

/* The same tests as session_get and login_link_use make, turned around
 * so that the indexes of migration 5 serve them. */
static const char SQL_SWEEP_SESSIONS[] = "DELETE FROM sessions WHERE seen_at < ?1 OR created_at < ?2";
static const char SQL_SWEEP_LINKS[] = "DELETE FROM login_links WHERE expires_at < ?1";
static const char SQL_SWEEP_RATES[] = "DELETE FROM ratelimits WHERE \"window\" < ?1";
/* Drafts of rounds no longer open: nobody can hand them in. Looked up
 * from the drafts, which are few, by primary keys. */
static const char SQL_SWEEP_DRAFTS[] =
	"DELETE FROM drafts WHERE EXISTS (SELECT 1 FROM invitations i JOIN rounds r ON r.id = i.round_id"
	" WHERE i.id = drafts.invitation_id AND r.state <> 'open')";

static int sq_sweep(struct store *stp, int64_t now, int64_t idle, int64_t absolute, int64_t window_before,
		    struct sweep_counts *out, struct err *e)
{
	const struct {
		const char *sql;
		int nbind;
		int64_t bind[2];
		int64_t *count;
	} steps[] = {
		{SQL_SWEEP_SESSIONS, 2, {now - idle, now - absolute}, &out->sessions},
		{SQL_SWEEP_LINKS, 1, {now, 0}, &out->login_links},
		{SQL_SWEEP_RATES, 1, {window_before, 0}, &out->ratelimits},
		{SQL_SWEEP_DRAFTS, 0, {0, 0}, &out->drafts},
	};
	struct sq *s = SQ(stp);
	struct conn *c;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; rc == AZ_OK && i < sizeof steps / sizeof steps[0]; i++) {
		sqlite3_stmt *st = stmt(s, c, steps[i].sql, e);
		if (st == NULL) {
			rc = e->code;
			break;
		}
		for (int b = 0; b < steps[i].nbind; b++)
			bind_int(st, b + 1, steps[i].bind[b]);
		if ((rc = step_write(s, c, st, NULL, e)) == AZ_OK)
			*steps[i].count = sqlite3_changes64(c->db);
	}
	if ((rc = w_end(s, c, rc, e)) != AZ_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

/* ---- Shares ----------------------------------------------------------- */

static const char SQL_SHARE_ADD[] =
	"INSERT INTO shares (round_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
static const char SQL_SHARE_DROP[] = "DELETE FROM shares WHERE round_id = ? AND user_id = ?";
static const char SQL_SHARE_LIST[] =
	"SELECT " USER_COLS " FROM shares s JOIN users u ON u.id = s.user_id WHERE s.round_id = ? ORDER BY u.id";
static const char SQL_SHARE_EXISTS[] =
	"SELECT 1 FROM shares WHERE round_id = ? AND user_id = ?";

static int sq_share_set(struct store *stp, int64_t round_id, int64_t user_id, int shared, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, shared ? SQL_SHARE_ADD : SQL_SHARE_DROP, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_int(st, 1, round_id);
	bind_int(st, 2, user_id);
	rc = step_write(s, c, st, NULL, e);
	return w_end(s, c, rc, e);
}

static int sq_share_list(struct store *stp, struct arena *a, int64_t round_id, struct user **out, size_t *n,
			 struct err *e)
{
	return list_all(SQ(stp), SQL_SHARE_LIST, 1, round_id, NULL, a, sizeof **out, user_row, (void **)out, n, e);
}

static int sq_share_exists(struct store *stp, int64_t round_id, int64_t user_id, int *shared, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	int64_t one = 0;
	int rc;

	*shared = 0;
	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	rc = read_int(s, c, SQL_SHARE_EXISTS, NULL, round_id, user_id, &one, shared, e);
	conn_put(s, c);
	return rc;
}

/* ---- The outbox ------------------------------------------------------- */

#define MAIL_COLS "id, key, round_id, invitation_id, to_addr, subject, text_body, html_body, state," \
	" attempts, next_at, last_error, created_at, sent_at"
static const char SQL_OUTBOX_ADD[] =
	"INSERT INTO outbox (key, round_id, invitation_id, to_addr, subject, text_body, html_body, state,"
	" attempts, next_at, created_at) VALUES (?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, 'queued', 0, ?, ?)"
	" ON CONFLICT (key) DO NOTHING RETURNING id";
static const char SQL_OUTBOX_EXPIRE[] =
	"UPDATE outbox SET state = 'failed', owner = NULL, lease_until = NULL,"
	" last_error = 'interrupted while sending; it may or may not have arrived'"
	" WHERE state = 'sending' AND lease_until < ?";
/* Longest due first: (next_at, id) is the order of the index, and
 * messages queued together are due together. */
static const char SQL_OUTBOX_CLAIM[] =
	"UPDATE outbox SET state = 'sending', owner = ?1, lease_until = ?2, attempts = attempts + 1"
	" WHERE id IN (SELECT id FROM outbox WHERE state = 'queued' AND next_at <= ?3"
	" ORDER BY next_at, id LIMIT ?4) RETURNING " MAIL_COLS;
/* A sent message keeps no body: an invitation's holds a working link,
 * which the database otherwise never holds, and nothing reads it again. */
static const char SQL_OUTBOX_DONE[] =
	"UPDATE outbox SET state = ?1, owner = NULL, lease_until = NULL, last_error = ?2,"
	" next_at = CASE WHEN ?1 = 'queued' THEN ?3 ELSE next_at END,"
	" sent_at = CASE WHEN ?1 = 'sent' THEN ?4 ELSE sent_at END,"
	" text_body = CASE WHEN ?1 = 'sent' THEN '' ELSE text_body END,"
	" html_body = CASE WHEN ?1 = 'sent' THEN NULL ELSE html_body END"
	" WHERE id = ?5 AND owner = ?6 AND state = 'sending' RETURNING invitation_id";
static const char SQL_INV_SENT[] = "UPDATE invitations SET state = 'sent' WHERE id = ? AND state = 'created'";
static const char SQL_OUTBOX_RETRY[] =
	"UPDATE outbox SET state = 'queued', next_at = ? WHERE id = ? AND state = 'failed'";
static const char SQL_OUTBOX_STATE[] = "SELECT state FROM outbox WHERE id = ?";
static const char SQL_OUTBOX_LIST[] =
	"SELECT id, key, round_id, invitation_id, to_addr, subject, NULL, NULL, state,"
	" attempts, next_at, last_error, created_at, sent_at"
	" FROM outbox WHERE ?1 = 0 OR round_id = ?1 ORDER BY id DESC";
static const char SQL_OUTBOX_COUNT[] = "SELECT state, COUNT(*) FROM outbox GROUP BY state";

static void mail_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	struct mail *m = el;

	m->id = sqlite3_column_int64(st, 0);
	m->key = col_text(a, st, 1);
	m->round_id = sqlite3_column_int64(st, 2);
	m->invitation_id = sqlite3_column_int64(st, 3);
	m->to = col_text(a, st, 4);
	m->subject = col_text(a, st, 5);
	m->text = col_text(a, st, 6);
	m->html = col_text(a, st, 7);
	m->state = mail_state_parse((const char *)sqlite3_column_text(st, 8));
	m->attempts = sqlite3_column_int(st, 9);
	m->next_at = sqlite3_column_int64(st, 10);
	m->last_error = col_text(a, st, 11);
	m->created_at = sqlite3_column_int64(st, 12);
	m->sent_at = sqlite3_column_int64(st, 13);
}

static int sq_outbox_add(struct store *stp, struct mail *m, size_t n, size_t *added, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int64_t now = (int64_t)time(NULL);
	int rc;

	*added = 0;
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; rc == AZ_OK && i < n; i++) {
		if ((st = stmt(s, c, SQL_OUTBOX_ADD, e)) == NULL)
			return w_end(s, c, e->code, e);
		bind_text(st, 1, m[i].key);
		bind_int(st, 2, m[i].round_id);
		bind_int(st, 3, m[i].invitation_id);
		bind_text(st, 4, m[i].to);
		bind_text(st, 5, m[i].subject);
		bind_text(st, 6, m[i].text);
		bind_text(st, 7, m[i].html);
		bind_int(st, 8, m[i].next_at);
		bind_int(st, 9, m[i].created_at ? m[i].created_at : now);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			m[i].id = sqlite3_column_int64(st, 0);
			m[i].state = MAIL_QUEUED;
			(*added)++;
			rc = AZ_OK;
		} else if (rc == SQLITE_DONE) {
			m[i].id = 0;    /* already there */
			rc = AZ_OK;
		} else {
			rc = write_fail(s, c, NULL, e);
			err_prefix(e, "message %s", m[i].key ? m[i].key : "");
		}
		sqlite3_reset(st);
	}
	if (rc != AZ_OK)
		*added = 0;
	return w_end(s, c, rc, e);
}

static int mail_order(const void *pa, const void *pb)
{
	const struct mail *x = pa, *y = pb;

	if (x->next_at != y->next_at)
		return x->next_at < y->next_at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int sq_outbox_claim(struct store *stp, struct arena *a, const char *owner, int64_t now,
			   int64_t lease_until, size_t max, struct mail **out, size_t *n, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	/* First the messages whose sender vanished mid-send: failed, for an
	 * administrator to look at, never sent again on their own. */
	if ((st = stmt(s, c, SQL_OUTBOX_EXPIRE, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_int(st, 1, now);
	if ((rc = step_write(s, c, st, NULL, e)) != AZ_OK)
		return w_end(s, c, rc, e);
	if ((st = stmt(s, c, SQL_OUTBOX_CLAIM, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, owner);
	bind_int(st, 2, lease_until);
	bind_int(st, 3, now);
	bind_int(st, 4, max > INT64_MAX ? INT64_MAX : (int64_t)max);
	rc = collect(s, c, st, a, sizeof **out, mail_row, (void **)out, n, e);
	if (rc != AZ_OK) {
		*out = NULL;
		*n = 0;
	} else {
		/* RETURNING gives rows in no promised order. */
		qsort(*out, *n, sizeof **out, mail_order);
	}
	return w_end(s, c, rc, e);
}

static int sq_outbox_done(struct store *stp, int64_t id, const char *owner, int state, int64_t next_at,
			  const char *error, int64_t now, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int64_t inv = 0;
	int rc;

	if (state != MAIL_SENT && state != MAIL_QUEUED && state != MAIL_FAILED)
		return err_set(e, AZ_EINVAL, "a message ends sent, queued again or failed");
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_OUTBOX_DONE, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, mail_state_name(state));
	bind_text(st, 2, error);
	bind_int(st, 3, next_at);
	bind_int(st, 4, now);
	bind_int(st, 5, id);
	bind_text(st, 6, owner);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		inv = sqlite3_column_int64(st, 0), rc = AZ_OK;
	else if (rc == SQLITE_DONE)
		rc = err_set(e, AZ_ESTATE, "message %lld is not being sent by %s (its lease ran out, or it "
			     "is gone)", (long long)id, owner ? owner : "this sender");
	else
		rc = db_fail(s, c->db, e);
	sqlite3_reset(st);
	if (rc == AZ_OK && state == MAIL_SENT && inv > 0) {
		if ((st = stmt(s, c, SQL_INV_SENT, e)) == NULL)
			return w_end(s, c, e->code, e);
		bind_int(st, 1, inv);
		rc = step_write(s, c, st, NULL, e);
	}
	return w_end(s, c, rc, e);
}

static int sq_outbox_retry(struct store *stp, int64_t id, int64_t now, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_OUTBOX_RETRY, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_int(st, 1, now);
	bind_int(st, 2, id);
	rc = step_write(s, c, st, NULL, e);
	if (rc == AZ_OK && sqlite3_changes(c->db) == 0) {
		if ((st = stmt(s, c, SQL_OUTBOX_STATE, e)) == NULL)
			return w_end(s, c, e->code, e);
		bind_int(st, 1, id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			rc = err_set(e, AZ_ESTATE, "message %lld is %s; only a failed one can be sent again",
				     (long long)id, (const char *)sqlite3_column_text(st, 0));
		else if (rc == SQLITE_DONE)
			rc = err_set(e, AZ_ENOTFOUND, "there is no message %lld", (long long)id);
		else
			rc = db_fail(s, c->db, e);
		sqlite3_reset(st);
	}
	return w_end(s, c, rc, e);
}

static int sq_outbox_list(struct store *stp, struct arena *a, int64_t round_id, struct mail **out, size_t *n,
			  struct err *e)
{
	return list_all(SQ(stp), SQL_OUTBOX_LIST, 1, round_id, NULL, a, sizeof **out, mail_row, (void **)out, n, e);
}

static int sq_outbox_count(struct store *stp, struct outbox_counts *out, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_OUTBOX_COUNT, e)) == NULL) {
		conn_put(s, c);
		return e->code;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t k = sqlite3_column_int64(st, 1);
		switch (mail_state_parse((const char *)sqlite3_column_text(st, 0))) {
		case MAIL_QUEUED: out->queued = k; break;
		case MAIL_SENDING: out->sending = k; break;
		case MAIL_SENT: out->sent = k; break;
		case MAIL_FAILED: out->failed = k; break;
		}
	}
	rc = rc == SQLITE_DONE ? AZ_OK : db_fail(s, c->db, e);
	sqlite3_reset(st);
	conn_put(s, c);
	return rc;
}

/* ---- The audit log ---------------------------------------------------- */

static const char SQL_AUDIT_ADD[] =
	"INSERT INTO audit (at, user_id, actor, action, object, detail, client) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_AUDIT_LIST[] =
	"SELECT id, at, user_id, actor, action, object, detail, client FROM audit"
	" WHERE id < ? ORDER BY id DESC LIMIT ?";

static void audit_row(struct arena *a, sqlite3_stmt *st, void *el)
{
	struct audit_entry *en = el;

	en->id = sqlite3_column_int64(st, 0);
	en->at = sqlite3_column_int64(st, 1);
	en->user_id = sqlite3_column_int64(st, 2);
	en->actor = col_text(a, st, 3);
	en->action = col_text(a, st, 4);
	en->object = col_text(a, st, 5);
	en->detail = col_text(a, st, 6);
	en->client = col_text(a, st, 7);
}

static int sq_audit_add(struct store *stp, const struct audit_entry *en, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_AUDIT_ADD, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_int(st, 1, en->at ? en->at : (int64_t)time(NULL));
	bind_int(st, 2, en->user_id);
	bind_text(st, 3, en->actor ? en->actor : "cli");
	bind_text(st, 4, en->action);
	bind_text(st, 5, en->object);
	bind_text(st, 6, en->detail);
	bind_text(st, 7, en->client);
	rc = step_write(s, c, st, NULL, e);
	return w_end(s, c, rc, e);
}

static int sq_audit_list(struct store *stp, struct arena *a, int64_t before_id, size_t limit,
			 struct audit_entry **out, size_t *n, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = conn_get(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_AUDIT_LIST, e)) == NULL) {
		rc = e->code;
	} else {
		bind_int(st, 1, before_id > 0 ? before_id : INT64_MAX);
		bind_int(st, 2, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
		rc = collect(s, c, st, a, sizeof **out, audit_row, (void **)out, n, e);
	}
	conn_put(s, c);
	return rc;
}

/* ---- Erasure ---------------------------------------------------------- */

static const char SQL_RATER_ERASE[] =
	"UPDATE invitations SET name = NULL, email = NULL"
	" WHERE group_id <> 'self' AND (name IS NOT NULL OR email IS NOT NULL)"
	" AND round_id IN (SELECT id FROM rounds WHERE closed_at <= ?)";
static const char SQL_RATER_OUTBOX[] =
	"DELETE FROM outbox WHERE round_id IN (SELECT id FROM rounds WHERE closed_at <= ?1)"
	" OR invitation_id IN (SELECT i.id FROM invitations i JOIN rounds r ON r.id = i.round_id"
	" WHERE r.closed_at <= ?1)";

/* The addresses a leader is known by: their own and their accounts'. */
#define LEADER_ADDRS "(SELECT email FROM leaders WHERE id = ?1 UNION SELECT email FROM users WHERE leader_id = ?1)"
static const char SQL_ERASE_AUDIT[] =
	"UPDATE audit SET actor = 'erased' WHERE actor <> 'erased'"
	" AND (user_id IN (SELECT id FROM users WHERE leader_id = ?1) OR actor IN " LEADER_ADDRS ")";
/* Messages to the leader that belong to no round of theirs (a login
 * link, an invitation to rate a colleague). */
static const char SQL_ERASE_OUTBOX[] =
	"DELETE FROM outbox WHERE EXISTS (SELECT 1 FROM " LEADER_ADDRS " m"
	" WHERE lower(outbox.to_addr) = lower(m.email))";
static const char SQL_ERASE_RATES[] =
	"DELETE FROM ratelimits WHERE EXISTS (SELECT 1 FROM " LEADER_ADDRS " m"
	" WHERE instr(lower(ratelimits.key), m.email) > 0)";
/* The leader as a rater in colleagues' rounds: blanked as rater_erase does. */
static const char SQL_ERASE_AS_RATER[] =
	"UPDATE invitations SET name = NULL, email = NULL WHERE email IN " LEADER_ADDRS;
/* Rounds cascade to invitations, drafts, responses, open answers, the
 * outbox and shares; accounts to sessions, login links and shares. */
static const char SQL_ERASE_ROUNDS[] = "DELETE FROM rounds WHERE leader_id = ?1";
static const char SQL_ERASE_USERS[] = "DELETE FROM users WHERE leader_id = ?1";
static const char SQL_ERASE_LEADER[] = "DELETE FROM leaders WHERE id = ?1";

static int sq_rater_erase(struct store *stp, const char *closed_on, int64_t *count, struct err *e)
{
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int rc;

	*count = 0;
	if (closed_on == NULL || !date_valid(closed_on))
		return err_set(e, AZ_EINVAL, "the date must be YYYY-MM-DD");
	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, c, SQL_RATER_ERASE, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, closed_on);
	if ((rc = step_write(s, c, st, NULL, e)) != AZ_OK)
		return w_end(s, c, rc, e);
	*count = sqlite3_changes64(c->db);
	if ((st = stmt(s, c, SQL_RATER_OUTBOX, e)) == NULL)
		return w_end(s, c, e->code, e);
	bind_text(st, 1, closed_on);
	rc = step_write(s, c, st, NULL, e);
	if ((rc = w_end(s, c, rc, e)) != AZ_OK)
		*count = 0;
	return rc;
}

static int sq_leader_erase(struct store *stp, int64_t leader_id, struct err *e)
{
	static const char *const steps[] = {
		SQL_ERASE_AUDIT, SQL_ERASE_OUTBOX, SQL_ERASE_RATES, SQL_ERASE_AS_RATER,
		SQL_ERASE_ROUNDS, SQL_ERASE_USERS, SQL_ERASE_LEADER,
	};
	struct sq *s = SQ(stp);
	struct conn *c;
	sqlite3_stmt *st;
	int64_t have = 0;
	int found, rc;

	if ((rc = w_begin(s, &c, e)) != AZ_OK)
		return rc;
	if ((rc = read_int(s, c, SQL_LEADER_EXISTS, NULL, leader_id, 0, &have, &found, e)) != AZ_OK)
		return w_end(s, c, rc, e);
	if (have == 0)
		return w_end(s, c, err_set(e, AZ_ENOTFOUND, "there is no leader %lld", (long long)leader_id), e);
	for (size_t i = 0; rc == AZ_OK && i < sizeof steps / sizeof steps[0]; i++) {
		if ((st = stmt(s, c, steps[i], e)) == NULL)
			return w_end(s, c, e->code, e);
		bind_int(st, 1, leader_id);
		rc = step_write(s, c, st, NULL, e);
	}
	return w_end(s, c, rc, e);
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
/* AUTOINCREMENT tables remember their highest id ever in sqlite_sequence
 * (which exists once the schema has one). */
static const char SQL_HAS_SEQUENCES[] =
	"SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'";
static const char SQL_SEQUENCE_GET[] =
	"SELECT seq FROM sqlite_sequence WHERE name = ?";
static const char SQL_SEQUENCE_ADD[] =
	"INSERT INTO sqlite_sequence (name, seq) SELECT ?1, 0"
	" WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)";
static const char SQL_SEQUENCE_RAISE[] =
	"UPDATE sqlite_sequence SET seq = MAX(seq, ?2) WHERE name = ?1";
static const char SQL_IS_AUTOINCREMENT[] =
	"SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?"
	" AND sql LIKE '%AUTOINCREMENT%'";

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

/* One number from a query with at most one text parameter; *out 0
 * when it gives no row. */
static int query_int_text(struct sq *s, struct conn *c, const char *sql, const char *param, int64_t *out,
			  struct err *e)
{
	sqlite3_stmt *st = stmt(s, c, sql, e);
	int rc;

	*out = 0;
	if (st == NULL)
		return e->code;
	if (param != NULL)
		bind_text(st, 1, param);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? AZ_OK : db_fail(s, c->db, e);
	sqlite3_reset(st);
	return rc;
}

/* t->next_id of an AUTOINCREMENT table: one past the highest id it ever
 * gave. */
static int table_next_id(struct sq *s, struct conn *c, struct store_table *t, struct err *e)
{
	int64_t has = 0, seq = 0;
	int rc;

	t->next_id = 0;
	if ((rc = query_int_text(s, c, SQL_HAS_SEQUENCES, NULL, &has, e)) != AZ_OK || !has)
		return rc;
	if ((rc = query_int_text(s, c, SQL_SEQUENCE_GET, t->name, &seq, e)) == AZ_OK && seq > 0)
		t->next_id = seq + 1;
	return rc;
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
		if ((rc = table_next_id(s, c, &t[i].t, e)) != AZ_OK)
			return rc;
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

/* An AUTOINCREMENT table of the target remembers t->next_id - 1 as the
 * highest id it gave, so that it never gives one below t->next_id. */
static int load_sequence(struct sq *s, const struct store_table *t, struct err *e)
{
	sqlite3_stmt *st;
	int64_t autoinc = 0;
	int rc;

	if (t->next_id <= 1)
		return AZ_OK;
	if ((rc = query_int_text(s, s->load, SQL_IS_AUTOINCREMENT, t->name, &autoinc, e)) != AZ_OK || !autoinc)
		return rc;
	if ((st = stmt(s, s->load, SQL_SEQUENCE_ADD, e)) == NULL)
		return e->code;
	bind_text(st, 1, t->name);
	if ((rc = step_done(s, s->load, st, e)) != AZ_OK)
		return rc;
	if ((st = stmt(s, s->load, SQL_SEQUENCE_RAISE, e)) == NULL)
		return e->code;
	bind_text(st, 1, t->name);
	bind_int(st, 2, t->next_id - 1);
	return step_done(s, s->load, st, e);
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
	if (nrow == 0)
		return load_sequence(s, t, e);
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
	return load_sequence(s, t, e);
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
	.round_settings = sq_round_settings,
	.round_nomination = sq_round_nomination,
	.rounds_due = sq_rounds_due,
	.invitation_remove = sq_invitation_remove,
	.user_add = sq_user_add,
	.user_get = sq_user_get,
	.user_by_email = sq_user_by_email,
	.user_list = sq_user_list,
	.user_set_password = sq_user_set_password,
	.session_add = sq_session_add,
	.session_get = sq_session_get,
	.session_delete = sq_session_delete,
	.session_delete_user = sq_session_delete_user,
	.login_link_add = sq_login_link_add,
	.login_link_use = sq_login_link_use,
	.ratelimit_hit = sq_ratelimit_hit,
	.ratelimit_peek = sq_ratelimit_peek,
	.share_set = sq_share_set,
	.share_list = sq_share_list,
	.share_exists = sq_share_exists,
	.outbox_add = sq_outbox_add,
	.outbox_claim = sq_outbox_claim,
	.outbox_done = sq_outbox_done,
	.outbox_retry = sq_outbox_retry,
	.outbox_list = sq_outbox_list,
	.outbox_count = sq_outbox_count,
	.audit_add = sq_audit_add,
	.audit_list = sq_audit_list,
	.rater_erase = sq_rater_erase,
	.leader_erase = sq_leader_erase,
	.backup = sq_backup,
	.dump = sq_dump,
	.load_begin = sq_load_begin,
	.load_rows = sq_load_rows,
	.load_end = sq_load_end,
	.sweep = sq_sweep,
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
