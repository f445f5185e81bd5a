/* worker.c — the server's background thread: every few seconds it sends
 * what the outbox holds (when an SMTP server is configured), and once a
 * minute it does the calendar's work (core_tick: closing rounds past their
 * deadline, reminders, erasing raters' names after the retention period,
 * deleting expired sessions, login links and rate-limit counts).
 *
 * Stopping waits for the message being sent, if any, to finish (cutting it
 * off halfway would leave it uncertain); messages not yet claimed stay
 * queued for the next start.
 */
#include "core.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/text.h"
#include "core_mail.h"

#define TICK_SECONDS 60

struct core_worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_int stop;
	struct core *c;
	const struct mail_settings *ms;     /* NULL or not configured: no sending */
	char owner[CORE_OWNER_MAX];
	void (*log)(void *arg, const char *msg);
	void *log_arg;
};

static void say(struct core_worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct core_worker *w, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	if (w->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	w->log(w->log_arg, msg);
}

static void tick(struct core_worker *w)
{
	struct tick_result r;
	struct err e = {0};
	char today[11];

	date_today(today);
	if (core_tick(w->c, &core_system_actor, today, &r, &e) != AZ_OK) {
		say(w, "the calendar's work failed: %s", e.msg);
		return;
	}
	if (r.closed > 0 || r.reminded > 0 || r.erased > 0)
		say(w, "%zu round%s closed at the deadline, %zu reminder%s queued, %lld rater%s' names erased",
		    r.closed, r.closed == 1 ? "" : "s", r.reminded, r.reminded == 1 ? "" : "s",
		    (long long)r.erased, r.erased == 1 ? "" : "s");
	if (r.swept.sessions > 0 || r.swept.login_links > 0 || r.swept.ratelimits > 0 || r.swept.drafts > 0)
		say(w, "expired and deleted: %lld session%s, %lld login link%s, %lld rate-limit count%s, "
		    "%lld draft%s of closed rounds",
		    (long long)r.swept.sessions, r.swept.sessions == 1 ? "" : "s", (long long)r.swept.login_links,
		    r.swept.login_links == 1 ? "" : "s", (long long)r.swept.ratelimits,
		    r.swept.ratelimits == 1 ? "" : "s", (long long)r.swept.drafts, r.swept.drafts == 1 ? "" : "s");
}

static void send_due(struct core_worker *w)
{
	struct outbox_tally t;
	struct err e = {0};

	if (core_outbox_run(w->c, w->ms, w->owner, 0, &w->stop, &t, &e) != AZ_OK) {
		say(w, "sending e-mail failed: %s", e.msg);
		return;
	}
	if (t.sent > 0 || t.retry > 0 || t.failed > 0)
		say(w, "e-mail: %zu sent, %zu to try again later, %zu failed%s%s", t.sent, t.retry, t.failed,
		    t.problem[0] ? "; last problem: " : "", t.problem);
	if (t.unreachable)
		say(w, "e-mail waits: the SMTP server did not answer (%s)", t.problem);
	if (t.stopped)
		say(w, "e-mail stopped: the SMTP server refused the configuration; fix it (docs/mail.md)");
}

static void *run(void *arg)
{
	struct core_worker *w = arg;
	time_t last_tick = 0;
	int interval = w->ms && w->ms->interval > 0 ? w->ms->interval : 5;

	for (;;) {
		struct timespec until;
		time_t now = time(NULL);

		if (w->stop)
			break;
		if (now - last_tick >= TICK_SECONDS) {
			tick(w);
			last_tick = now;
		}
		if (w->ms != NULL && w->ms->configured && !w->stop)
			send_due(w);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += interval;
		pthread_mutex_lock(&w->lock);
		while (!w->stop) {
			if (pthread_cond_timedwait(&w->wake, &w->lock, &until) == ETIMEDOUT)
				break;
		}
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

int core_worker_start(struct core *c, const struct mail_settings *ms, void (*log)(void *arg, const char *msg),
		      void *log_arg, struct core_worker **out, struct err *e)
{
	struct core_worker *w;

	*out = NULL;
	if ((w = calloc(1, sizeof *w)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	w->c = c;
	w->ms = ms;
	w->log = log;
	w->log_arg = log_arg;
	core_mail_owner(w->owner);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return err_set(e, AZ_EIO, "cannot start the background worker");
	}
	*out = w;
	return AZ_OK;
}

void core_worker_stop(struct core_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
