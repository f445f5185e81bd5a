/* store.h — the one interface to the database.
 *
 * A backend fills a struct store_ops (SQLite in sqlite.c, PostgreSQL in
 * pg.c) and embeds struct store as the first member of its own state.
 * Callers only ever see this header. Rules every backend keeps:
 *
 *  - every user value is bound, never formatted into SQL;
 *  - each operation is one transaction: it happens completely or not at all;
 *  - concurrent writers (threads, or other processes on the same database)
 *    never see each other's half-done work, and the checks an operation
 *    makes still hold when it commits (SQLite serialises writers; PostgreSQL
 *    locks the rows checked);
 *  - results are allocated from the caller's arena (strings and arrays),
 *    so nothing a store returns needs freeing on its own;
 *  - errors come back as an az_status with a message in struct err.
 *
 * The schema is created and upgraded by numbered migrations recorded in
 * the database; opening a database of a newer schema fails with AZ_ESCHEMA.
 * A database that cannot be reached (a PostgreSQL server down) fails an
 * operation with AZ_EUNAVAIL; the next operation tries to reconnect.
 *
 * Times: dates the user sees are YYYY-MM-DD text; moments the program
 * compares (sessions, the outbox, the audit log) are Unix seconds.
 */
#ifndef AZ_STORE_H
#define AZ_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/err.h"

/* 5: backup, and dump/load for copying a database to another backend.
 * 6: sweep, deleting expired sessions, login links and rate-limit windows. */
#define STORE_OPS_VERSION 6

struct leader {
	int64_t id;
	const char *name;
	const char *email;          /* normalised, lower case */
	const char *organisation;
	const char *language;       /* "nl" or "en" */
	const char *created_at;
};

/* Round states, in the only order they may follow each other. */
enum round_state { ROUND_DRAFT, ROUND_OPEN, ROUND_CLOSED, ROUND_RELEASED };

/* Where the leader's list of people to invite stands (since version 4):
 * the leader edits it, hands it in, and, when the round needs approval,
 * an administrator or a shared coach approves it. */
enum nomination_state { NOM_OPEN, NOM_SUBMITTED, NOM_APPROVED };

struct round {
	int64_t id;
	int64_t leader_id;
	int64_t instrument_id;
	int state;                  /* enum round_state */
	const char *opens_on;       /* YYYY-MM-DD or NULL */
	const char *closes_on;      /* YYYY-MM-DD or NULL: the deadline, the last day to answer */
	const char *created_at;
	/* Since version 4: */
	const char *closed_at;      /* YYYY-MM-DD the round closed, or NULL; retention counts from it */
	int needs_approval;         /* the leader's list is approved before invitations go out */
	int nomination;             /* enum nomination_state */
	const char *reminders;      /* days before the deadline to remind, "7,2"; "" for none */
};

struct stored_instrument {
	int64_t id;
	const char *key;            /* the instrument's own id */
	const char *version;
	const char *digest;         /* BLAKE2b-256 hex of body */
	const char *body;           /* the JSON text exactly as frozen */
};

enum invitation_state { INV_CREATED, INV_SENT, INV_OPENED, INV_DRAFT, INV_SUBMITTED, INV_REVOKED };

struct invitation {
	int64_t id;
	int64_t round_id;
	const char *group_id;
	const char *name;           /* NULL for the leader's own */
	const char *email;          /* NULL for the leader's own */
	const char *nonce;          /* 32 hex; the link token derives from it */
	const char *token_hash;     /* 64 hex; lookups go by this */
	int state;                  /* enum invitation_state */
	const char *created_at;
	const char *language;       /* "nl" or "en" for the invitee's e-mail; NULL: the leader's (v4) */
};

/* One answered (or not answerable) item: score 1..points, 0 = "kan ik
 * niet beoordelen", stored as NULL. */
struct answer {
	const char *item_id;
	int score;
};

struct open_answer {
	const char *question_id;
	const char *text;
};

/* A submitted response. It carries no reference to its invitation. */
struct response {
	const char *id;             /* 32 random hex digits */
	int64_t round_id;
	const char *group_id;
	const char *submitted_on;   /* date only: times would help re-identify */
	struct answer *answers;      size_t nanswer;
	struct open_answer *texts;   size_t ntext;
};

/* Invited and submitted invitations of one group of one round. */
struct group_count {
	const char *group_id;
	int invited;                /* not revoked */
	int submitted;
};

/* ---- Since version 4: accounts, sessions, e-mail, audit ---- */

/* An account's role. A leader account is bound to one leader. */
enum user_role { ROLE_ADMIN = 1, ROLE_LEADER = 2, ROLE_COACH = 4 };

struct user {
	int64_t id;
	const char *email;          /* normalised, lower case; unique */
	const char *name;
	int role;                   /* one enum user_role */
	int64_t leader_id;          /* ROLE_LEADER: the leader this account is; else 0 */
	const char *password;       /* Argon2id string (crypto_pwhash_str), NULL: link login only */
	const char *language;       /* "nl" or "en" */
	int64_t created_at;
};

/* A login session. The cookie holds a random id; the store only its hash. */
struct session {
	const char *id_hash;        /* 64 hex */
	int64_t user_id;
	int64_t created_at;
	int64_t seen_at;            /* last request, to the minute */
};

/* What sweep deleted. */
struct sweep_counts {
	int64_t sessions;
	int64_t login_links;
	int64_t ratelimits;
	int64_t drafts;        /* of rounds no longer open */
};

enum mail_state { MAIL_QUEUED, MAIL_SENDING, MAIL_SENT, MAIL_FAILED };

/* One message in the outbox. Recorded before it is sent; `key` is unique,
 * so the same message (an invitation, a reminder) is never queued twice. */
struct mail {
	int64_t id;
	const char *key;            /* "invite:12", "remind:12:7", "login:<nonce>" */
	int64_t round_id;           /* 0 when not about a round */
	int64_t invitation_id;      /* 0 when not for an invitation */
	const char *to;
	const char *subject;
	const char *text;           /* text/plain body */
	const char *html;           /* text/html body */
	int state;                  /* enum mail_state */
	int attempts;
	int64_t next_at;            /* not to be tried before (Unix seconds) */
	const char *last_error;     /* the server's last answer, or NULL */
	int64_t created_at;
	int64_t sent_at;            /* 0 until sent */
};

/* Counts of the outbox by state, for progress and /metrics. */
struct outbox_counts {
	int64_t queued, sending, sent, failed;
};

/* One administrative action: who, what, when. Never holds answers. */
struct audit_entry {
	int64_t id;
	int64_t at;                 /* Unix seconds */
	int64_t user_id;            /* 0: the command line */
	const char *actor;          /* the account's e-mail, or "cli" */
	const char *action;         /* "round.open", "login.failed", "report.denied", ... */
	const char *object;         /* "round 12", "leader 3", "user 5" */
	const char *detail;         /* short text, or NULL */
	const char *client;         /* the address a request came from, or NULL */
};

/* ---- Since version 5: backups and copies between backends ---- */

/* What a backup made. */
struct store_backup_info {
	int64_t pages;              /* SQLite pages copied */
	int64_t bytes;              /* size of the copy */
	int64_t steps;              /* steps it was copied in */
	int64_t restarts;           /* times a write restarted the copy (0 from one snapshot) */
};

/* One value of a copied row. Whole numbers and text are all the schema
 * holds (dates, times and JSON are text or Unix seconds); NULL is its own
 * kind, never an empty text. */
enum store_vtype { SV_NULL, SV_INT, SV_TEXT };

struct store_value {
	int type;                   /* enum store_vtype */
	int64_t i;                  /* SV_INT */
	const char *s;              /* SV_TEXT, not NUL-terminated for sure: use len */
	size_t len;
};

/* A table as a copy sees it: its name and the columns of its rows. */
struct store_table {
	const char *name;
	const char *const *columns;
	size_t ncolumn;
	/* The lowest id the table's id sequence may still hand out (past the
	 * ids of rows since deleted: an erased account's id is never given
	 * again); 0 when the table has no such sequence. dump fills it;
	 * load_rows moves the target's sequence past it (also with nrow 0). */
	int64_t next_id;
};

/* Where a dump goes: table() once before a table's rows, row() once per
 * row with ncolumn values. A status other than AZ_OK stops the dump and is
 * returned by it (a sink that only wants to know whether there are rows
 * stops at the first one). Values are valid during the call only. */
struct store_sink {
	int (*table)(void *arg, const struct store_table *t, struct err *e);
	int (*row)(void *arg, const struct store_table *t, const struct store_value *v, struct err *e);
	void *arg;
};

struct store;

struct store_ops {
	int version;                /* STORE_OPS_VERSION */
	const char *name;           /* "sqlite" */

	void (*close)(struct store *st);
	/* The newest migration applied. */
	int (*schema_version)(struct store *st, int *out, struct err *e);
	/* Small settings kept in the database; *out NULL when absent. */
	int (*meta_get)(struct store *st, struct arena *a, const char *key, const char **out, struct err *e);
	int (*meta_set)(struct store *st, const char *key, const char *value, struct err *e);

	/* Leaders. leader_add fills l->id; AZ_EDUP when the e-mail is taken. */
	int (*leader_add)(struct store *st, struct leader *l, struct err *e);
	int (*leader_get)(struct store *st, struct arena *a, int64_t id, struct leader *out, struct err *e);
	int (*leader_list)(struct store *st, struct arena *a, struct leader **out, size_t *n, struct err *e);

	int (*instrument_get)(struct store *st, struct arena *a, int64_t id, struct stored_instrument *out, struct err *e);

	/* Create a round in state draft, frozen to the instrument text `in`
	 * (stored once per distinct text, by digest), together with the
	 * leader's own invitation, all in one transaction. Fills r->id,
	 * r->instrument_id and self_inv->round_id. */
	int (*round_add)(struct store *st, struct round *r, const struct stored_instrument *in,
			 struct invitation *self_inv, struct err *e);
	int (*round_get)(struct store *st, struct arena *a, int64_t id, struct round *out, struct err *e);
	/* All rounds, or a leader's when leader_id > 0, oldest first. */
	int (*round_list)(struct store *st, struct arena *a, int64_t leader_id, struct round **out, size_t *n, struct err *e);
	/* Move a round from state `from` to `to` only if it is in `from` now
	 * (AZ_ESTATE otherwise); set opens_on / closes_on when not NULL. */
	int (*round_transition)(struct store *st, int64_t id, int from, int to,
				const char *opens_on, const char *closes_on, struct err *e);

	/* Add n invitations to a round, all or none. On AZ_EDUP *bad is the
	 * index of the first invitation whose e-mail is already invited. */
	int (*invitations_add)(struct store *st, struct invitation *inv, size_t n, size_t *bad, struct err *e);
	int (*invitation_list)(struct store *st, struct arena *a, int64_t round_id, struct invitation **out, size_t *n, struct err *e);
	/* AZ_ENOTFOUND when no invitation has this token hash. */
	int (*invitation_by_token)(struct store *st, struct arena *a, const char *token_hash, struct invitation *out, struct err *e);
	int (*group_counts)(struct store *st, struct arena *a, int64_t round_id, struct group_count **out, size_t *n, struct err *e);

	/* Store a response for an invitation in one transaction: the round must
	 * be open and the invitation neither submitted nor revoked (AZ_ESTATE
	 * otherwise). The invitation becomes "submitted"; the response keeps
	 * no link to it. r->round_id and r->group_id must match the invitation. */
	int (*response_submit)(struct store *st, int64_t invitation_id, const struct response *r, struct err *e);
	/* Every response of a round with its answers, ordered by response id
	 * (random, so neither by invitee nor by time). */
	int (*response_list)(struct store *st, struct arena *a, int64_t round_id, struct response **out, size_t *n, struct err *e);

	/* Store the questionnaire in progress for an invitation (it comes back
	 * with link_get). draft_save checks what response_submit checks, stores
	 * the body and marks the invitation "draft"; response_submit deletes it. */
	int (*draft_save)(struct store *st, int64_t invitation_id, int64_t round_id, const char *group_id,
			  const char *body, struct err *e);

	/* Everything a personal link shows, from one snapshot and in one
	 * look-up (since version 2): the invitation with this token hash, its round,
	 * the round's leader and the draft (*draft NULL when there is none or
	 * the invitation is submitted). AZ_ENOTFOUND when no invitation has
	 * this token hash. One read where four would do. */
	int (*link_get)(struct store *st, struct arena *a, const char *token_hash, struct invitation *inv,
			struct round *r, struct leader *l, const char **draft, struct err *e);

	/* ---- Since version 4 ---- */

	/* Round settings (any state but released): whether the leader's list
	 * needs approval, and the reminder days ("7,2"). */
	int (*round_settings)(struct store *st, int64_t id, int needs_approval, const char *reminders,
			      struct err *e);
	/* Move the leader's list from `from` to `to` (AZ_ESTATE when it is not
	 * in `from`, or when the round is no longer a draft). */
	int (*round_nomination)(struct store *st, int64_t id, int from, int to, struct err *e);
	/* Open rounds whose deadline (closes_on) is before `today` (YYYY-MM-DD). */
	int (*rounds_due)(struct store *st, struct arena *a, const char *today, struct round **out, size_t *n,
			  struct err *e);

	/* Remove an invitation that is still "created" from a round that is
	 * still a draft (the leader edits the list); AZ_ESTATE otherwise. Never
	 * the leader's own. */
	int (*invitation_remove)(struct store *st, int64_t round_id, int64_t id, struct err *e);

	/* Accounts. user_add fills u->id; AZ_EDUP when the e-mail is taken.
	 * user_by_email: AZ_ENOTFOUND when no account has it. */
	int (*user_add)(struct store *st, struct user *u, struct err *e);
	int (*user_get)(struct store *st, struct arena *a, int64_t id, struct user *out, struct err *e);
	int (*user_by_email)(struct store *st, struct arena *a, const char *email, struct user *out, struct err *e);
	int (*user_list)(struct store *st, struct arena *a, struct user **out, size_t *n, struct err *e);
	int (*user_set_password)(struct store *st, int64_t id, const char *hash, struct err *e);

	/* Sessions. session_get returns the session and its account, and
	 * notes the request time (seen_at, at most once a minute); a session
	 * idle for more than idle seconds or older than absolute seconds is
	 * deleted and AZ_ENOTFOUND returned, as for an unknown one. */
	int (*session_add)(struct store *st, const struct session *s, struct err *e);
	int (*session_get)(struct store *st, struct arena *a, const char *id_hash, int64_t now, int64_t idle,
			   int64_t absolute, struct session *out, struct user *user, struct err *e);
	int (*session_delete)(struct store *st, const char *id_hash, struct err *e);
	/* Log out everywhere: every session of the account. */
	int (*session_delete_user)(struct store *st, int64_t user_id, struct err *e);

	/* One-time login links: the hash of the link's token, valid until
	 * expires_at. login_link_use consumes it (once) and gives the account;
	 * AZ_ENOTFOUND for an unknown, used or expired one. */
	int (*login_link_add)(struct store *st, const char *token_hash, int64_t user_id, int64_t expires_at,
			      struct err *e);
	int (*login_link_use)(struct store *st, const char *token_hash, int64_t now, int64_t *user_id,
			      struct err *e);

	/* Rate limits shared by every process: count one event for key in the
	 * fixed window `window` and give the events in it so far, this one
	 * included. Windows before it are dropped. ratelimit_peek counts
	 * without adding. The core names a window by its first second (Unix
	 * seconds), whatever its length, so that sweep can compare them. */
	int (*ratelimit_hit)(struct store *st, const char *key, int64_t window, int64_t *count, struct err *e);
	int (*ratelimit_peek)(struct store *st, const char *key, int64_t window, int64_t *count, struct err *e);

	/* Coaches a round's report is shared with. */
	int (*share_set)(struct store *st, int64_t round_id, int64_t user_id, int shared, struct err *e);
	int (*share_list)(struct store *st, struct arena *a, int64_t round_id, struct user **out, size_t *n,
			  struct err *e);
	int (*share_exists)(struct store *st, int64_t round_id, int64_t user_id, int *shared, struct err *e);

	/* The outbox. outbox_add records n messages in one transaction,
	 * skipping those whose key is already there (*added: how many were
	 * new); fills each new m->id. */
	int (*outbox_add)(struct store *st, struct mail *m, size_t n, size_t *added, struct err *e);
	/* Claim up to max messages that are due (queued, next_at <= now) for
	 * `owner` until lease_until, marking them "sending". A message still
	 * "sending" after its lease ran out was interrupted mid-send: it may
	 * have arrived, so it is marked failed ("interrupted"), never resent
	 * on its own. */
	int (*outbox_claim)(struct store *st, struct arena *a, const char *owner, int64_t now, int64_t lease_until,
			    size_t max, struct mail **out, size_t *n, struct err *e);
	/* The outcome of sending a claimed message: MAIL_SENT (its invitation,
	 * if any, goes from "created" to "sent" in the same transaction),
	 * MAIL_QUEUED again for a retry at next_at, or MAIL_FAILED. `error` is
	 * the server's answer. AZ_ESTATE when owner no longer holds it. */
	int (*outbox_done)(struct store *st, int64_t id, const char *owner, int state, int64_t next_at,
			   const char *error, int64_t now, struct err *e);
	/* A failed message queued again by an administrator. */
	int (*outbox_retry)(struct store *st, int64_t id, int64_t now, struct err *e);
	/* A round's messages (round_id 0: all), newest first, bodies left out. */
	int (*outbox_list)(struct store *st, struct arena *a, int64_t round_id, struct mail **out, size_t *n,
			   struct err *e);
	int (*outbox_count)(struct store *st, struct outbox_counts *out, struct err *e);

	/* The audit log: append, and read newest first (before_id 0: from the
	 * newest; at most limit entries). */
	int (*audit_add)(struct store *st, const struct audit_entry *en, struct err *e);
	int (*audit_list)(struct store *st, struct arena *a, int64_t before_id, size_t limit,
			  struct audit_entry **out, size_t *n, struct err *e);

	/* Privacy. rater_erase blanks the names and e-mail addresses of the
	 * invitations of every round closed on or before `closed_on`
	 * (YYYY-MM-DD), and deletes those rounds' messages from the outbox;
	 * *count gets the invitations blanked. leader_erase removes a leader
	 * and everything about them: rounds, invitations, responses, drafts,
	 * messages, shares, their account and its sessions; audit entries by
	 * that account keep the action but lose the e-mail ("erased"). */
	int (*rater_erase)(struct store *st, const char *closed_on, int64_t *count, struct err *e);
	int (*leader_erase)(struct store *st, int64_t leader_id, struct err *e);

	/* ---- Since version 5: operations ---- */

	/* A consistent copy of the live database in a new file dest (never an
	 * existing one: AZ_EDUP), made while the database stays in use and
	 * checked before it is given its name. A backend whose copies are
	 * made by the database server's own tools (PostgreSQL: pg_dump) fails
	 * with AZ_EINVAL and says which tool to use. */
	int (*backup)(struct store *st, const char *dest, struct store_backup_info *info, struct err *e);
	/* Every table of the schema but the migration record, parents before
	 * the tables that refer to them, each table's rows in primary-key
	 * order (text compared byte by byte), all from one snapshot. */
	int (*dump)(struct store *st, const struct store_sink *sink, struct err *e);
	/* Bulk loading, in one transaction from load_begin to load_end (commit
	 * when commit is 1, else roll back). With require_empty, load_begin
	 * fails with AZ_ESTATE unless every table but the migration record is
	 * empty. load_rows inserts nrow rows of t->ncolumn values each (row r
	 * at v[r * t->ncolumn]), keeping the ids given; columns left out get
	 * their defaults. Id sequences end up past the ids loaded and past
	 * t->next_id. Only one load at a time per store. */
	int (*load_begin)(struct store *st, int require_empty, struct err *e);
	int (*load_rows)(struct store *st, const struct store_table *t, const struct store_value *v, size_t nrow,
			 struct err *e);
	int (*load_end)(struct store *st, int commit, struct err *e);

	/* ---- Since version 6 ---- */

	/* Delete what has expired, in one transaction: sessions that
	 * session_get would refuse at `now` (idle for more than idle seconds or
	 * older than absolute seconds), login links that login_link_use would
	 * refuse (expires_at before now), rate-limit windows before
	 * window_before, and the drafts of rounds that are no longer open
	 * (nobody can hand them in; they hold a named invitee's answers).
	 * Without this they stay until presented again. */
	int (*sweep)(struct store *st, int64_t now, int64_t idle, int64_t absolute, int64_t window_before,
		     struct sweep_counts *out, struct err *e);
};

struct store {
	const struct store_ops *ops;
};

/* How store_open treats a missing database. */
enum store_mode { STORE_EXISTING, STORE_CREATE };

/* Open the database named by target, apply pending migrations, and return
 * it in *out. target is a SQLite file path, or a PostgreSQL database: a
 * postgresql:// (or postgres://) URI or a libpq "key=value ..." string
 * (see store_target_is_pg). With STORE_EXISTING a missing or empty
 * database is an error (AZ_ENOTFOUND) that says how to create one; with
 * STORE_CREATE a SQLite file is created, while a PostgreSQL database must
 * exist (made by its operator) and be empty. A server that cannot be
 * reached is AZ_EUNAVAIL, a malformed connection string AZ_EINVAL. */
int store_open(const char *target, enum store_mode mode, struct store **out, struct err *e);
void store_close(struct store *st);

/* 1 when target names a PostgreSQL database rather than a SQLite file: it
 * starts with postgresql:// or postgres://, or with a libpq keyword and
 * '=' ("host=/run/postgresql dbname=aanwezig"). A file path whose name
 * holds '=' can be given as ./name. */
int store_target_is_pg(const char *target);

/* Remove an instance's database completely (for the demo, which replaces
 * its own): a SQLite file with its -wal and -shm files; in PostgreSQL every
 * table aanwezig made (the database itself stays, empty). A missing
 * database is not an error. */
int store_drop(const char *target, struct err *e);

/* Names for the enums, and back (-1 when unknown). */
const char *round_state_name(int state);
int round_state_parse(const char *s);
const char *invitation_state_name(int state);
int invitation_state_parse(const char *s);
const char *nomination_state_name(int state);
int nomination_state_parse(const char *s);
const char *user_role_name(int role);
int user_role_parse(const char *s);
const char *mail_state_name(int state);
int mail_state_parse(const char *s);

/* Backends. */
int store_sqlite_open(const char *path, enum store_mode mode, struct store **out, struct err *e);
/* The schema version this program's SQLite migrations reach. */
int store_sqlite_latest(void);
int store_pg_open(const char *conninfo, enum store_mode mode, struct store **out, struct err *e);
int store_pg_drop(const char *conninfo, struct err *e);
/* The schema version this program's PostgreSQL migrations reach (the same
 * number as SQLite's: both have the same migrations). */
int store_pg_latest(void);

#endif
