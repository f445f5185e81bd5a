/* core.h — the use cases: leaders, rounds, raters, responses, exports.
 *
 * The core validates everything that comes from outside, calls the store
 * and the pure modules (instrument, profile), and hands results back as
 * data. It never prints and knows nothing of HTTP or SQL; the CLI and the
 * web are two thin fronts over it.
 */
#ifndef AZ_CORE_H
#define AZ_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "../instrument/instrument.h"
#include "../store/store.h"
#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/err.h"
#include "../util/token.h"

#define CORE_MAX_NAME 200        /* bytes in a person's or organisation's name */
#define CORE_MAX_OPEN_TEXT 4000  /* bytes in one answer to an open question */

struct instr_cache;

/* An open instance: the store, and the link key once it was needed. */
struct core {
	struct store *st;
	struct instr_cache *icache;  /* parsed instruments by id; see round.c */
	char *db;                /* the --db target, owned */
	char *key_path;          /* the link key file, owned */
	int have_key;
	unsigned char key[TOKEN_KEY_BYTES];
	const char *base_url;    /* links are base_url + "/r/" + token; borrowed */
	/* Set by a front that can send e-mail (an SMTP server is configured):
	 * opening a round then queues its invitations, releasing it the
	 * leader's notice, and the periodic work its reminders (core_mail.h). */
	int mail;
	/* Told how far long work is (imports, composing, sending), or NULL. */
	void (*progress)(void *arg, const char *what, size_t done, size_t total);
	void *progress_arg;
};

/* The link key file that goes with a database: FILE.key beside a SQLite
 * file, in the arena. NULL for a PostgreSQL database, whose key file must
 * be named (core_init and core_open refuse NULL for one). */
const char *core_default_key_path(struct arena *a, const char *db);

/* Create a new, empty instance: the database and its link key. Refuses
 * when either already exists, so nothing is ever overwritten. A
 * PostgreSQL database must exist (its operator makes it) and be empty. */
int core_init(const char *db, const char *key_path, struct err *e);

/* Open an existing instance. key_path may be NULL for the default. */
int core_open(struct core *c, const char *db, const char *key_path, const char *base_url, struct err *e);
void core_close(struct core *c);

/* ---- Leaders ---- */
int core_leader_add(struct core *c, const char *name, const char *email, const char *organisation,
		    const char *language, int64_t *id, struct err *e);

/* ---- Rounds ---- */

/* Everything about one round that the fronts show. */
struct round_view {
	struct round round;
	struct leader leader;
	struct stored_instrument stored; /* without body */
	const struct instrument *ins;    /* shared, valid until core_close */
	struct group_count *counts;      /* per group of the instrument, in its order */
	size_t ncount;
};

/* Start a round in state draft for a leader, freezing the instrument text
 * (instrument_json NULL: the default). Dates are YYYY-MM-DD or NULL. The
 * leader's own invitation is created with it. */
int core_round_new(struct core *c, int64_t leader_id, const char *instrument_json, size_t len,
		   const char *origin, const char *opens_on, const char *closes_on, int64_t *id,
		   struct err *e);
/* draft -> open (opens_on becomes today unless set; closes_on may be
 * given now), open -> closed, closed -> released. */
int core_round_open(struct core *c, int64_t id, const char *closes_on, struct err *e);
int core_round_close(struct core *c, int64_t id, struct err *e);
int core_round_release(struct core *c, int64_t id, struct err *e);
/* Load a round with its leader, instrument and counts (strings in a). */
int core_round_load(struct core *c, struct arena *a, int64_t id, struct round_view *v, struct err *e);
void round_view_reset(struct round_view *v);

/* ---- Raters ---- */
int core_rater_add(struct core *c, int64_t round_id, const char *name, const char *email,
		   const char *group, struct err *e);
/* The same with the language of the rater's e-mail: "nl", "en", or NULL
 * or "" for the leader's. */
int core_rater_add_lang(struct core *c, int64_t round_id, const char *name, const char *email,
			const char *group, const char *lang, struct err *e);
/* Import raters from CSV with a header name,email,group and optionally
 * language (nl, en or empty; any order of columns, ',' or ';'). All or nothing: any bad line fails the whole
 * file with a message naming the line. *count gets the number added. */
int core_rater_import(struct core *c, int64_t round_id, const char *data, size_t n,
		      const char *origin, size_t *count, struct err *e);

/* One personal link. */
struct link {
	const char *group_id;
	const char *name;        /* NULL for the leader */
	const char *email;
	const char *url;
};

/* The personal link of every invitee of a round, the leader's first. */
int core_round_links(struct core *c, struct arena *a, int64_t round_id, struct link **out,
		     size_t *n, struct err *e);

/* ---- Responses ---- */

/* What a rater or the leader hands in. Items left out count as "kan ik
 * niet beoordelen"; so does score 0. */
struct submission {
	struct answer *answers;  size_t nanswer;
	struct open_answer *texts; size_t ntext;
};

/* Parse a submission from JSON {"answers": {"OMG1": 4, "OMG2": null},
 * "open": {"aanwezig": "..."}} (into a). */
int core_submission_parse(struct arena *a, const char *json, size_t n, struct submission *out,
			  struct err *e);

/* Hand in the answers for the invitation behind token. Checks every
 * answer against the frozen instrument and the invitee's audience. */
int core_submit(struct core *c, const char *token, const struct submission *s, struct err *e);

/* ---- The questionnaire behind a personal link ---- */

/* Everything a page behind a link needs. */
struct link_view {
	struct invitation inv;
	struct round round;
	struct leader leader;
	const struct instrument *ins;    /* shared, valid until core_close */
	int audience;                    /* AUD_SELF for the leader's own link */
	int group;                       /* index into ins->groups */
	struct submission draft;         /* the answers so far (empty when none) */
	int draft_page;                  /* where the draft was last saved */
	char csrf[TOKEN_TEXT_LEN + 1];   /* the forms' CSRF token */
};

/* Open the invitation behind token with its round, leader, instrument and
 * draft. AZ_ENOTFOUND for an unknown or malformed token. */
int core_link_open(struct core *c, struct arena *a, const char *token, struct link_view *v,
		   struct err *e);
void link_view_reset(struct link_view *v);
/* 1 when given is the CSRF token of v (constant time). */
int core_link_csrf_ok(const struct link_view *v, const char *given);
/* Merge the answers s into the draft in v, in memory only (AZ_ENOMEM). */
int core_link_merge(struct arena *a, struct link_view *v, const struct submission *s);
/* Merge the answers of one page into the draft and store it; page is where
 * the rater is going next. The draft in v is updated too. */
int core_link_save(struct core *c, struct arena *a, struct link_view *v, const struct submission *s,
		   int page, struct err *e);
/* Hand in the draft as the response. */
int core_link_submit(struct core *c, struct arena *a, struct link_view *v, struct err *e);
/* The draft's answer to item id: -1 not answered, 0 cannot judge, 1.. */
int link_answer(const struct link_view *v, const char *item_id);
/* The draft's answer to open question id, or NULL. */
const char *link_open_text(const struct link_view *v, const char *question_id);
/* Parse a stored draft (answers JSON with "page"). */
int core_draft_parse(struct arena *a, const char *json, size_t n, struct submission *out, int *page,
		     struct err *e);

/* ---- Export ---- */

/* The round's raw answers as long CSV (leader,round,rater,group,item,
 * score) into out. Only for closed or released rounds; groups below their
 * threshold appear as "overig" (see profile/anonymity.h); AZ_EANON when
 * even that would expose fewer raters than the threshold. */
int core_export_long_csv(struct core *c, int64_t round_id, struct buf *out, struct err *e);

/* ---- The presence profile of a round ---- */

#include "../profile/stats.h"

/* One answer to an open question, as a report may show it. */
struct report_text {
	const char *question_id;
	const char *group;         /* a shown group's id, "overig", or "self" */
	const char *text;
};

/* Everything a report shows, computed; strings and arrays in the arena
 * given to core_report(). */
struct report {
	struct round_view view;           /* the round, its leader and instrument */
	struct stats_design design;
	struct stats_profile profile;
	int nresponse;                    /* non-self responses */
	struct report_text *texts;        /* shown texts: the leader's first, then the
					     raters' per question in random order */
	size_t ntext;
	const char *previous_round;       /* the round the trend compares with, or NULL */
};

/* Compute the report of a closed or released round (AZ_ESTATE otherwise:
 * while a round is open, two reports around one submission would tell whose
 * answers were new). The trend compares with the leader's latest earlier
 * closed or released round on the same instrument text. */
int core_report(struct core *c, struct arena *a, int64_t round_id, struct report *out, struct err *e);

/* The leader's personal link to the report of round_id (released rounds
 * only show it), derived like the questionnaire links; in a. */
int core_report_link(struct core *c, struct arena *a, int64_t round_id, const char **url, struct err *e);
/* The round whose report link token is token (AZ_ENOTFOUND otherwise). */
int core_report_by_token(struct core *c, struct arena *a, const char *token, int64_t *round_id,
			 struct err *e);

/* ---- Audit (audit.c) ---- */

/* Who does something: an account, or the command line (user_id 0). */
struct actor {
	int64_t user_id;
	const char *email;       /* the account's e-mail; "cli" for the command line */
	const char *client;      /* the request's address, or NULL */
};

/* The command line as an actor. */
extern const struct actor core_cli_actor;

/* Record an administrative action in the audit log. object names what it
 * was done to ("round 12"); detail is short and never holds answers or
 * free text of raters. */
int core_audit(struct core *c, const struct actor *who, const char *action, const char *object,
	       const char *detail, struct err *e);

/* ---- E-mail (mail.c) ---- */

/* Queue the invitation of every invitee of round_id who has an e-mail
 * address and has none queued yet (never twice); *queued: how many new. */
int core_round_invite(struct core *c, int64_t round_id, size_t *queued, struct err *e);
/* Queue a message with a one-time login link (url) for the account. */
int core_mail_login_link(struct core *c, const struct user *u, const char *url, struct err *e);

/* ---- Demo ---- */

/* What core_demo made, for the front to print. */
struct demo_result {
	int64_t leader_id;
	int64_t previous_round_id;   /* last year's round: closed and released */
	int64_t round_id;            /* the current round: open */
	size_t ninvited, nsubmitted;
};

/* Fill a fresh instance with a fictional municipality: one secretary,
 * last year's round (released, so its report can be read) and an open round
 * with raters in every group, generated answers (some "kan ik niet
 * beoordelen", some open texts) and one link left unanswered. */
int core_demo(struct core *c, struct demo_result *out, struct err *e);

#endif
