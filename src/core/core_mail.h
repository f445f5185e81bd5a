/* core_mail.h — the use cases around e-mail, the round's life and privacy:
 * queueing messages (mail.c), sending the outbox (outbox.c), the periodic
 * work of closing rounds, reminding and erasing (tick.c), and a leader's
 * data export and erasure (privacy.c).
 *
 * Whether invitations go out by themselves when a round opens is the
 * front's choice: it sets core.mail when an SMTP server is configured.
 * Without it, nothing is queued on its own and the links are handed out by
 * hand (`aanwezig round links`); an administrator can still queue them
 * later with core_round_invite.
 */
#ifndef AZ_CORE_MAIL_H
#define AZ_CORE_MAIL_H

#include <stdatomic.h>

#include "core.h"
#include "../mail/mailconf.h"

/* Queue a reminder for every invitee of an open round who has not
 * submitted, once per label: the label names the occasion ("d7": seven
 * days before the deadline; a date for one given by hand), so the same
 * reminder never goes twice. *queued: how many new. */
int core_round_remind(struct core *c, int64_t round_id, const char *label, size_t *queued,
		      struct err *e);

/* Queue the notice to the leader that the report of a released round is
 * ready, with the link to it (once per round). */
int core_report_notice(struct core *c, int64_t round_id, size_t *queued, struct err *e);

/* ---- Sending (outbox.c) ---- */

#define CORE_OWNER_MAX 96

/* What one run of the outbox did. */
struct outbox_tally {
	size_t sent;
	size_t retry;               /* back in the queue, to be tried again later */
	size_t failed;              /* refused for good, or given up on */
	int stopped;                /* the server refused the configuration: the run stopped */
	int unreachable;            /* the server did not answer: the run stopped */
	char problem[SMTP_ANSWER_MAX + 320]; /* the last failure, for the operator */
};

/* The wait after the attempt-th failed try (1 for the first):
 * retry_first, doubled each time, at most retry_max. */
int64_t core_mail_backoff(const struct mail_settings *ms, int attempt);

/* The bodies of an outbox message m (as outbox_claim gives it) as the
 * sender sends them: with its link derived and put in where m holds
 * MAIL_LINK_MARK; in the arena. AZ_ENOTFOUND when what the link is about
 * is gone, AZ_ESTORE for a damaged nonce, AZ_EINVAL when a mark has no
 * link to take its place. */
int core_outbox_bodies(struct core *c, struct arena *a, const struct mail *m, const char **text,
		       const char **html, struct err *e);

/* A name for this process that no other process shares (host, process id,
 * random), under which it claims messages. */
void core_mail_owner(char out[CORE_OWNER_MAX]);

/* Send what is due, one message at a time, as owner: until nothing is due,
 * after max messages (0: no limit), when *stop (may be NULL) becomes
 * nonzero, when the server refuses the configuration (t->stopped) or does
 * not answer (t->unreachable).
 * Tells c->progress ("sending") after each message. */
int core_outbox_run(struct core *c, const struct mail_settings *ms, const char *owner, size_t max,
		    const atomic_int *stop, struct outbox_tally *t, struct err *e);

/* ---- The server's background work (worker.c) ---- */

struct core_worker;

/* Start a thread that sends the outbox every ms->interval seconds (when
 * ms is not NULL and configured) and does core_tick once a minute; log
 * (may be NULL) is told what happened, one line at a time. */
int core_worker_start(struct core *c, const struct mail_settings *ms, void (*log)(void *arg, const char *msg),
		      void *log_arg, struct core_worker **out, struct err *e);
/* Stop it: the message being sent is finished first. NULL is fine. */
void core_worker_stop(struct core_worker *w);

/* ---- The calendar (tick.c) ---- */

#define CORE_RETENTION_DEFAULT 90   /* days after closing that raters' names are kept */
#define CORE_RETENTION_MAX 3650

/* The program itself as an actor in the audit log (closing at the
 * deadline, erasing after the retention period). */
extern const struct actor core_system_actor;

/* What core_tick did. */
struct tick_result {
	size_t closed;              /* rounds closed because their deadline passed */
	size_t reminded;            /* reminders queued */
	int64_t erased;             /* invitations whose name and address were erased */
	struct sweep_counts swept;  /* expired sessions, login links, rate-limit windows deleted */
};

/* The work of one day (today YYYY-MM-DD): close open rounds whose
 * deadline is before today, queue the reminders that are due (only when
 * c->mail), erase raters' names and addresses of rounds closed at least
 * the retention period ago, and delete what expired by the clock: sessions
 * past c->sessions (never sooner than the defaults), login links,
 * rate-limit windows that started more than CORE_LIMIT_WINDOW_MAX ago. Closing and erasing are audited as who (the
 * server's worker: core_system_actor). */
int core_tick(struct core *c, const struct actor *who, const char *today, struct tick_result *r,
	      struct err *e);

/* 1 when a reminder is due today for a round with these reminder days
 * ("7,2"), opening day and deadline, with *days the day it is for: the
 * latest of the days reached (so a server that was down sends one, not
 * all), and never one whose day was not after the opening. */
int core_reminder_due(const char *reminders, const char *opens_on, const char *closes_on,
		      const char *today, int *days);
/* Set the days before the deadline on which reminders go out ("7,2";
 * "" or "none" for none). */
int core_round_reminders(struct core *c, int64_t round_id, const char *days, struct err *e);
/* 1 when s is a list of reminder days: up to 10 numbers 1..365 with
 * commas between, or empty. */
int core_reminders_valid(const char *s);
/* date plus days (may be negative) into out[11]; -1 for a bad date. */
int core_date_add(const char *date, int days, char out[11]);

/* The retention period in days (a setting in the database; default
 * CORE_RETENTION_DEFAULT), and changing it. */
int core_retention_get(struct core *c, int *days, struct err *e);
int core_retention_set(struct core *c, int days, struct err *e);
/* Erase raters' names and addresses of rounds closed on or before
 * today - days now; *count gets how many invitations; audited when any. */
int core_retention_run(struct core *c, const struct actor *who, const char *today, int days,
		       int64_t *count, struct err *e);

/* ---- Privacy (privacy.c) ---- */

/* Append everything the instance holds about a leader, as one JSON
 * document, to out: the leader, their accounts, their rounds with
 * settings, their own answers, whom they invited (not who answered) and
 * each closed round's report figures as the anonymity rules allow. */
int core_privacy_export(struct core *c, int64_t leader_id, struct buf *out, struct err *e);
/* Remove a leader and everything about them (store.h, leader_erase);
 * audited as "privacy.erase". */
int core_privacy_erase(struct core *c, const struct actor *who, int64_t leader_id, struct err *e);

#endif
