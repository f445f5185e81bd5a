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

/* Limits of sessions, for tests and operators (serve --session-idle/-max). */
struct session_limits {
	int64_t idle;        /* seconds without a request */
	int64_t absolute;    /* seconds since login */
};

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
	/* The session limits the front enforces; core_tick deletes sessions
	 * past them (or past the defaults, when they are shorter). core_open
	 * sets the defaults; the server its own. */
	struct session_limits sessions;
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
/* The same; rep (may be NULL) also gets the problems one by one. */
struct import_report;
int core_rater_import_report(struct core *c, int64_t round_id, const char *data, size_t n,
			     const char *origin, size_t *count, struct import_report *rep, struct err *e);

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

/* Every profile and the reliability over a whole instance: the profile of
 * each closed or released round on the instrument text instrument_id (0:
 * the text most rounds use), in round order, and per dimension the
 * reliability over all of them (stats_reliability), into *out, allocated
 * in a (a renderer of render/json.h can write it). The trend is left out.
 * Rounds on other instrument texts are counted in *other. */
int core_instance_analysis(struct core *c, struct arena *a, int64_t instrument_id,
			   struct stats_analysis *out, size_t *other, struct err *e);

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

/* ---- Who may do what to a round (access.c) ---- */

/* What an actor wants to do with a round. */
enum round_use {
	USE_VIEW,      /* its state, dates and progress: admin, its leader */
	USE_LIST,      /* the leader's list of people to invite: admin, its leader, a shared coach */
	USE_NOMINATE,  /* edit and hand in that list: admin, its leader */
	USE_APPROVE,   /* approve a handed-in list: admin, a shared coach */
	USE_RUN,       /* open and close it: admin, its leader */
	USE_MANAGE,    /* settings, CSV import, links, outbox, release, export: admin */
	USE_REPORT,    /* read the released report: its leader, a shared coach */
	USE_SHARE      /* share the report with coaches: admin, its leader */
};

/* The name of a use for the audit log ("view", "report", ...). */
const char *round_use_name(int use);

/* May who do `use` with round round_id? AZ_OK and the round in *out (may
 * be NULL); AZ_ENOTFOUND when there is no such round; AZ_EDENIED when the
 * round is not theirs, recorded in the audit log as "access.denied". The
 * account's role (and leader) are read from the store by who->user_id,
 * so a role taken away counts at once. The command line (user_id 0 and no
 * client address, as core_cli_actor) may do anything; someone on the web
 * without an account nothing. Whether the round is in the right state is
 * the caller's business. */
int core_round_access(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
		      int use, struct round *out, struct err *e);
/* The account of who into *out (strings in a). The command line gets
 * id 0 and every role bit. AZ_EDENIED for someone without an account. */
int core_actor_account(struct core *c, struct arena *a, const struct actor *who, struct user *out,
		       struct err *e);
/* 1 when who is an account of one of roles (enum user_role bits), or the
 * command line; 0 otherwise, also when the store fails. */
int core_actor_is(struct core *c, const struct actor *who, int roles);

/* The round actions of the web, each checked, done and audited:
 * open (USE_RUN; a list that needs approval must be approved, and a leader
 * can only open a round whose list was handed in; core_round_open queues
 * the invitations when the instance sends e-mail), close (USE_RUN),
 * release (USE_MANAGE), and queue the invitations not queued yet, for
 * people added later or after a failure (USE_MANAGE; *queued may be NULL). */
int core_round_start(struct core *c, const struct actor *who, int64_t round_id, const char *closes_on,
		     struct err *e);
int core_round_stop(struct core *c, const struct actor *who, int64_t round_id, struct err *e);
int core_round_publish(struct core *c, const struct actor *who, int64_t round_id, struct err *e);
int core_round_requeue(struct core *c, const struct actor *who, int64_t round_id, size_t *queued,
		       struct err *e);

/* A new round for a leader with its settings (admin): the deadline
 * (YYYY-MM-DD, required here), whether the list needs approval, and the
 * reminder days ("7,2", "" for none; core_reminders_valid). */
int core_round_create(struct core *c, const struct actor *who, int64_t leader_id, const char *closes_on,
		      int needs_approval, const char *reminders, int64_t *id, struct err *e);

/* Change a round's settings (USE_MANAGE; not once released). Audited. */
int core_round_configure(struct core *c, const struct actor *who, int64_t round_id, int needs_approval,
			 const char *reminders, struct err *e);
/* Import raters from CSV as core_rater_import does (USE_MANAGE). Audited.
 * rep (may be NULL) gets the problems one by one, for a front that shows
 * them in its own language. */
int core_round_import(struct core *c, const struct actor *who, int64_t round_id, const char *data, size_t n,
		      size_t *count, struct import_report *rep, struct err *e);
/* Every personal link of a round (USE_MANAGE; audited as "round.links"),
 * without the leader's own when the leader has an account: it is on their
 * own page, and whoever holds it reads their self-reflection in progress. */
int core_round_links_for(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
			 struct link **out, size_t *n, struct err *e);
/* The leader's own questionnaire link (USE_VIEW; only a leader or admin). */
int core_round_self_link(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
			 const char **url, struct err *e);
/* The long CSV export (USE_MANAGE; audited as "round.export"). */
int core_round_export(struct core *c, const struct actor *who, int64_t round_id, struct buf *out,
		      struct err *e);
/* The report of a released round (USE_REPORT; AZ_ESTATE before release). */
int core_report_for(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
		    struct report *out, struct err *e);

/* Share (shared 1) or stop sharing (0) a round's report with the coach
 * account of coach_email (USE_SHARE). AZ_EINVAL when no coach has it. */
int core_round_share(struct core *c, const struct actor *who, int64_t round_id, const char *coach_email,
		     int shared, struct err *e);
/* A round shared with a coach, and whose it is. */
struct shared_round {
	struct round round;
	struct leader leader;
};
/* Rounds shared with the coach who (newest first), in a. */
int core_coach_rounds(struct core *c, struct arena *a, const struct actor *who, struct shared_round **out,
		      size_t *n, struct err *e);
/* Every coach account, for choosing one, and the coaches round_id is
 * shared with now (USE_SHARE of round_id). */
int core_coaches(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
		 struct user **out, size_t *n, struct user **shared, size_t *nshared, struct err *e);

/* The invitation messages of a round in the outbox (USE_MANAGE): their
 * counts by state, and the messages newest first. Reminders are left out:
 * who gets one is who has not answered yet. */
int core_round_outbox(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
		      struct mail **out, size_t *n, struct outbox_counts *counts, struct err *e);
/* Queue a failed invitation message of round_id again (USE_MANAGE). */
int core_round_outbox_retry(struct core *c, const struct actor *who, int64_t round_id, int64_t mail_id,
			    struct err *e);

/* ---- The leader's list: "Waar ben ik?" (nominate.c) ---- */

/* How a rater group's nominations stand against its threshold. */
enum advice_flag {
	ADVICE_OK,        /* at least the advised number */
	ADVICE_AT_RISK,   /* at least the threshold, fewer than advised: likely to end below it */
	ADVICE_HIDDEN,    /* fewer than the threshold: will not be shown on its own */
	ADVICE_SKIPPED    /* an optional group nobody was named for */
};

/* The advice for one rater group (the leader's own group has none). */
struct group_advice {
	int group;         /* index into ins->groups */
	int threshold;     /* fewest answers whose figures may be shown */
	int advised;       /* invite about this many: twice the threshold, at
			      least the instrument's invite minimum */
	int most;          /* the instrument's invite maximum, or 0 */
	int nominated;
	int flag;          /* enum advice_flag */
};

/* The advice for every rater group of ins, in its order, given the number
 * nominated per group index (nominated[ins->ngroup]); into out (room for
 * ins->ngroup), returns how many. Pure. */
int core_advice(const struct instrument *ins, const int *nominated, struct group_advice *out);

/* One person on the list. */
struct nominee {
	int64_t id;
	const char *group_id;
	const char *name;
	const char *email;
	const char *language;   /* "nl", "en", or NULL: the leader's */
};

/* A round's list with its advice. */
struct nomination {
	struct round round;
	struct leader leader;
	const struct instrument *ins;     /* shared, valid until core_close */
	struct nominee *people;           /* not revoked, the leader's own left out */
	size_t npeople;
	struct group_advice *advice;      /* per rater group */
	size_t nadvice;
	int editable;                     /* draft round and the list still open */
};

/* Load round_id's list (USE_LIST), in a. */
int core_nomination_load(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
			 struct nomination *out, struct err *e);

/* What a person to add is given. */
struct nominee_in {
	const char *group_id;
	const char *name;
	const char *email;
	const char *language;   /* "nl", "en", or NULL/"": the leader's */
};

/* What is wrong with a nominee_in; the fronts turn it into a message. */
enum nominee_problem {
	NP_NONE,
	NP_NAME_MISSING, NP_NAME_TOO_LONG, NP_NAME_INVALID,
	NP_EMAIL_MISSING, NP_EMAIL_INVALID,
	NP_GROUP, NP_LANGUAGE,
	NP_TWICE,        /* the same e-mail twice in what was given */
	NP_LISTED        /* the e-mail is on the list already */
};

/* What is wrong with a list of raters to import, problem by problem (the
 * English message in struct err says the same for the command line). */
enum import_kind {
	IMP_CSV,            /* the text is not CSV we can read: csv is an enum csv_problem */
	IMP_EMPTY,          /* not even a header */
	IMP_COLUMN_UNKNOWN, /* text: the column */
	IMP_COLUMN_TWICE,   /* text: the column */
	IMP_COLUMN_MISSING, /* text: name, email or group */
	IMP_NO_RATERS,      /* a header and nobody under it */
	IMP_TOO_MANY,       /* more raters than one list may hold */
	IMP_FIELDS,         /* n fields where the header has m */
	IMP_PERSON,         /* np (enum nominee_problem) about the name, e-mail, group or language */
	IMP_TWICE,          /* text: the e-mail address, also on line n */
	IMP_LISTED          /* text: the e-mail address, invited to the round already */
};

#define IMPORT_MAX_PROBLEMS 20

struct import_problem {
	size_t line;        /* 0: the list as a whole */
	int kind;           /* enum import_kind */
	int np;             /* IMP_PERSON: enum nominee_problem */
	int csv;            /* IMP_CSV: enum csv_problem */
	const char *text;   /* see enum import_kind (the reporter's arena), or NULL */
	size_t n, m;
};

struct import_report {
	struct arena *a;    /* set by the caller: where text is kept */
	struct import_problem p[IMPORT_MAX_PROBLEMS];
	int n;              /* problems in p */
	int more;           /* there were more than IMPORT_MAX_PROBLEMS */
};

/* Add people to round_id's list (USE_NOMINATE; the round a draft and the
 * list open), all or none. problem[i] gets what is wrong with in[i];
 * AZ_EINVAL when anything is, and then nothing is stored. */
int core_nominees_add(struct core *c, const struct actor *who, int64_t round_id, const struct nominee_in *in,
		      size_t n, int *problem, struct err *e);
/* Take invitation id off the list (USE_NOMINATE, list open). */
int core_nominee_remove(struct core *c, const struct actor *who, int64_t round_id, int64_t id,
			struct err *e);
/* Move the list: NOM_SUBMITTED (hand in, USE_NOMINATE, from open, not
 * empty), NOM_APPROVED (USE_APPROVE, from submitted, when the round needs
 * approval), NOM_OPEN (back for changes: from submitted by the leader or
 * an approver, from approved by an admin). Audited. */
int core_nomination_move(struct core *c, const struct actor *who, int64_t round_id, int to, struct err *e);

/* ---- Progress without exposure (progress.c) ---- */

/* One group's progress as it may be shown. */
struct group_progress {
	int group;         /* index into ins->groups */
	int self;
	int invited;       /* not revoked */
	int shown;         /* submitted has reached the threshold (or nobody was invited) */
	int submitted;     /* when shown; -1 otherwise */
	int threshold;
};

/* A round's progress as it may be shown: per group of the instrument, and
 * totals over the rater groups. The rule (docs/privacy.md): a group's
 * number of answers only once it has reached the group's threshold; before
 * that only "fewer than N"; the total of answers only when no group is
 * hidden, so that no hidden number follows by subtraction. */
struct round_progress {
	struct group_progress *groups;   /* every group, in the instrument's order */
	int ngroup;
	int invited;       /* raters, the leader excluded */
	int submitted;     /* raters, or -1 when a group is hidden */
	int self_done;     /* the leader's own answers are in */
	int groups_shown;  /* rater groups with invitations that are shown */
	int groups_invited;/* rater groups with invitations */
};

/* The progress of v's counts under the rule, into out (p->groups in a). */
int core_progress_of(struct arena *a, const struct round_view *v, struct round_progress *out);
/* Load round_id (USE_VIEW) and its progress. */
int core_progress(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
		  struct round_view *v, struct round_progress *out, struct err *e);

/* ---- Overviews for the web (overview.c) ---- */

/* A round with its progress, for lists. */
struct round_summary {
	struct round_view view;
	struct round_progress progress;
};

/* A leader with their rounds, oldest round first. */
struct leader_summary {
	struct leader leader;
	struct round_summary *rounds;
	size_t nround;
	const char *account;     /* the e-mail of the leader's account, or NULL */
};

/* Leaders with their rounds and progress, in a: for an administrator every
 * leader (or only leader_id when > 0), for a leader account only its own
 * leader (leader_id must be 0 or its own). AZ_EDENIED otherwise. */
int core_overview(struct core *c, struct arena *a, const struct actor *who, int64_t leader_id,
		  struct leader_summary **out, size_t *n, struct err *e);

/* Add a leader (administrators), and with account set also their leader
 * account (login by a link sent by e-mail; the account's e-mail is the
 * leader's). Audited. AZ_EDUP when the e-mail is taken by a leader or an
 * account: then nothing is added. */
int core_leader_create(struct core *c, const struct actor *who, const char *name, const char *email,
		       const char *organisation, const char *language, int account, int64_t *id,
		       struct err *e);

/* Every account, for administrators (in a). */
int core_accounts(struct core *c, struct arena *a, const struct actor *who, struct user **out, size_t *n,
		  struct err *e);

/* A page of the audit log (administrators): up to limit entries older than
 * before_id (0: the newest), newest first. */
int core_audit_page(struct core *c, struct arena *a, const struct actor *who, int64_t before_id,
		    size_t limit, struct audit_entry **out, size_t *n, struct err *e);
/* ---- Accounts, passwords, sessions (password.c, account.c) ----
 *
 * The constants follow NIST SP 800-63B-4 and OWASP ASVS 4.0 level 2;
 * docs/security.md gives the reasons. Times are Unix seconds, passed in as
 * `now` so that tests control the clock. */

#define PASSWORD_MIN_CHARS 15      /* Unicode code points: one factor needs 15 (800-63B-4) */
#define PASSWORD_MAX_CHARS 128     /* at least 64 must be allowed; 128 is ample */
#define SESSION_IDLE_DEFAULT (30 * 60)        /* a session ends after 30 min without a request */
#define SESSION_ABSOLUTE_DEFAULT (12 * 3600)  /* and 12 h after login, whatever happens */
#define LOGIN_LINK_TTL (15 * 60)   /* a one-time login link works once, for 15 min */
#define LOGIN_WINDOW (15 * 60)     /* the window of the login rate limits */
#define LOGIN_FAILS_PER_EMAIL 10   /* failed logins per e-mail address per window */
#define LOGIN_FAILS_PER_CLIENT 50  /* failed logins per client address per window */
#define LINK_REQUESTS_PER_EMAIL 3  /* login links asked for one address per window */
#define LINK_REQUESTS_PER_CLIENT 20
#define TOKEN_FAILS_PER_MINUTE 20  /* unknown personal or login links per client per minute */
/* The longest rate-limit window allowed: core_tick deletes windows that
 * started longer ago than this, whatever their own length. */
#define CORE_LIMIT_WINDOW_MAX LOGIN_WINDOW

/* Why a new password is refused (PW_OK: it is not). */
enum password_problem {
	PW_OK,
	PW_SHORT,      /* fewer than PASSWORD_MIN_CHARS characters */
	PW_LONG,       /* more than PASSWORD_MAX_CHARS */
	PW_INVALID,    /* not UTF-8, or a control character */
	PW_COMMON,     /* on the list of common passwords, or two of them, or one with digits */
	PW_PATTERN,    /* a short pattern repeated, or a run such as 123456789012345 */
	PW_PERSONAL    /* holds the e-mail address or the name of this site */
};

/* Check a new password against the policy: length in code points, then
 * the shipped list of common passwords (case-insensitively) and its simple
 * disguises, then the account's own e-mail address (may be NULL). No
 * composition rules. */
int password_check(const char *password, const char *email);
/* The English text (a msgid) that tells the user what to do about p. */
const char *password_problem_text(int p);
/* 1 when s (lower case) is on the list of common passwords. */
int password_listed(const char *s, size_t n);

/* Argon2id through libsodium's crypto_pwhash_str at its interactive limits
 * (64 MiB, 2 passes): out gets the self-describing string. At most
 * PASSWORD_HASH_PARALLEL hashes run at once in a process, so that a burst of
 * logins cannot take 64 MiB per server thread. AZ_ENOMEM when it fails. */
#define PASSWORD_HASH_PARALLEL 4
#define PASSWORD_HASH_BYTES 128    /* crypto_pwhash_STRBYTES */
int password_hash(const char *password, char out[PASSWORD_HASH_BYTES], struct err *e);
/* 1 when password matches hash. A NULL hash (an unknown account, or one
 * without a password) is checked against a dummy hash of the same cost, so
 * that the time taken tells nothing. *rehash is set when the hash was made
 * with other limits than today's. */
int password_verify(const char *hash, const char *password, int *rehash);
/* 1 when the dummy hash is made with today's limits (for the tests). */
int password_dummy_current(void);

/* A session just made: the cookie's value (never stored; the store keeps
 * its BLAKE2b hash) and the account. */
struct login {
	char cookie[TOKEN_LONG_LEN + 1];
	struct user user;
};

/* Who is asking, for rate limits and the audit log. */
struct client_info {
	const char *address;     /* the client's address, or NULL */
	int64_t now;
};

/* Add an account. email is normalised; role one enum user_role; a leader
 * account names its leader (which must exist), other roles pass 0;
 * password may be NULL (login by link only) and must pass password_check.
 * Audited as "user.add" by who. *id gets the new account's number. */
int core_user_add(struct core *c, const struct actor *who, const char *email, const char *name,
		  int role, int64_t leader_id, const char *password, const char *language, int64_t *id,
		  struct err *e);
/* Set an account's password (the command line; audited "password.set"),
 * ending all its sessions. */
int core_user_set_password(struct core *c, const struct actor *who, const char *email,
			   const char *password, struct err *e);
/* Change the password of the logged-in account u: current must match when
 * it has one. Ends its other sessions; *cookie gets a fresh session for
 * the one making the change. AZ_EDENIED for a wrong current password,
 * AZ_EINVAL (with *problem) for a refused new one. */
int core_password_change(struct core *c, const struct actor *who, const struct user *u,
			 const char *current, const char *password, int64_t now, int *problem,
			 char cookie[TOKEN_LONG_LEN + 1], struct err *e);

/* Log in with e-mail and password. AZ_EDENIED for every wrong combination
 * alike (unknown address, no password, wrong password: the same message,
 * the same work); AZ_ELIMIT when this address or client failed too often
 * in the window. Failures and successes are audited. */
int core_login_password(struct core *c, struct arena *a, const struct client_info *ci, const char *email,
			const char *password, struct login *out, struct err *e);
/* Ask for a one-time login link for email: when an account has it, a link
 * valid LOGIN_LINK_TTL is queued by e-mail. AZ_OK whether or not there is
 * such an account; AZ_EINVAL for a malformed address, AZ_ELIMIT past the
 * limits. */
int core_login_link_request(struct core *c, const struct client_info *ci, const char *email,
			    struct err *e);
/* Use a login link's token once: AZ_ENOTFOUND for an unknown, used,
 * expired or malformed one, AZ_ELIMIT when this client failed too often. */
int core_login_link_use(struct core *c, struct arena *a, const struct client_info *ci, const char *token,
			struct login *out, struct err *e);

/* The account of a session cookie, within the limits; csrf gets the
 * session's CSRF token (derived from it under the link key, so any process
 * can check it). AZ_ENOTFOUND for an unknown, malformed or expired one. */
int core_session_open(struct core *c, struct arena *a, const char *cookie, int64_t now,
		      const struct session_limits *lim, struct user *user, char csrf[TOKEN_TEXT_LEN + 1],
		      struct err *e);
/* End the session of cookie; end every session of account user_id. */
int core_logout(struct core *c, const struct actor *who, const char *cookie, struct err *e);
int core_logout_all(struct core *c, const struct actor *who, int64_t user_id, struct err *e);

/* Shared rate limits (in the store, so every process counts the same),
 * in fixed windows of `window` seconds. core_limit_check gives AZ_ELIMIT
 * when `kind` for `subject` has reached limit in the current window;
 * core_limit_hit counts one more and gives AZ_ELIMIT when that one went
 * past limit. The subject (an e-mail or client address) is stored only as
 * a keyed hash, and only until core_tick deletes the window (at most
 * CORE_LIMIT_WINDOW_MAX, the longest window allowed, after it started).
 * Other codes: the store failed. */
int core_limit_check(struct core *c, const char *kind, const char *subject, int64_t now, int64_t window,
		     int64_t limit, struct err *e);
int core_limit_hit(struct core *c, const char *kind, const char *subject, int64_t now, int64_t window,
		   int64_t limit, struct err *e);

/* ---- E-mail (mail.c) ---- */

/* Queue the invitation of every invitee of round_id who has an e-mail
 * address and has none queued yet (never twice); *queued: how many new. */
int core_round_invite(struct core *c, int64_t round_id, size_t *queued, struct err *e);
/* Queue a message with a one-time login link for the account, once per
 * nonce (32 hex digits; see core_login_link_request): the message holds
 * MAIL_LINK_MARK and the key "login:<nonce>", and the sender derives the
 * link from the nonce under the link key (token_derive_login). */
int core_mail_login_link(struct core *c, const struct user *u, const char *nonce, struct err *e);

/* ---- Demo ---- */

/* What core_demo made, for the front to print. */
#define DEMO_ACCOUNTS 3
#define DEMO_PASSWORD_LEN 23

struct demo_result {
	int64_t leader_id;
	int64_t previous_round_id;   /* last year's round: closed and released */
	int64_t round_id;            /* the current round: open */
	size_t ninvited, nsubmitted;
	/* The accounts to log in with: an administrator, the secretary and a
	 * coach the released round is shared with. Passwords are new random
	 * ones every time; the store keeps only their hashes. */
	struct {
		int role;
		const char *email;       /* static */
		char password[DEMO_PASSWORD_LEN + 1];
	} account[DEMO_ACCOUNTS];
};

/* Fill a fresh instance with a fictional municipality: one secretary,
 * last year's round (released, so its report can be read) and an open round
 * with raters in every group, generated answers (some "kan ik niet
 * beoordelen", some open texts) and one link left unanswered; and three
 * accounts (see struct demo_result). */
int core_demo(struct core *c, struct demo_result *out, struct err *e);

#endif
