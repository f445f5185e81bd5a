/* store.h — the one interface to the database.
 *
 * A backend fills a struct store_ops (SQLite now in sqlite.c; PostgreSQL
 * later in pg.c) and embeds struct store as the first member of its own
 * state. Callers only ever see this header. Rules every backend keeps:
 *
 *  - every user value is bound, never formatted into SQL;
 *  - each operation is one transaction: it happens completely or not at all;
 *  - writes are serialised inside the process;
 *  - results are allocated from the caller's arena (strings and arrays),
 *    so nothing a store returns needs freeing on its own;
 *  - errors come back as an az_status with a message in struct err.
 *
 * The schema is created and upgraded by numbered migrations recorded in
 * the database; opening a database of a newer schema fails with AZ_ESCHEMA.
 */
#ifndef AZ_STORE_H
#define AZ_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/err.h"

#define STORE_OPS_VERSION 3

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

struct round {
	int64_t id;
	int64_t leader_id;
	int64_t instrument_id;
	int state;                  /* enum round_state */
	const char *opens_on;       /* YYYY-MM-DD or NULL */
	const char *closes_on;      /* YYYY-MM-DD or NULL */
	const char *created_at;
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
};

struct store {
	const struct store_ops *ops;
};

/* How store_open treats a missing database. */
enum store_mode { STORE_EXISTING, STORE_CREATE };

/* Open the database named by target (for now a SQLite file path), apply
 * pending migrations, and return it in *out. With STORE_EXISTING a missing
 * file is an error (AZ_ENOTFOUND) that says how to create one. */
int store_open(const char *target, enum store_mode mode, struct store **out, struct err *e);
void store_close(struct store *st);

/* Names for the enums, and back (-1 when unknown). */
const char *round_state_name(int state);
int round_state_parse(const char *s);
const char *invitation_state_name(int state);
int invitation_state_parse(const char *s);

/* Backends. */
int store_sqlite_open(const char *path, enum store_mode mode, struct store **out, struct err *e);
/* The schema version this program's SQLite migrations reach. */
int store_sqlite_latest(void);

#endif
