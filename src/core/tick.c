/* tick.c — the work that falls due with the calendar: rounds close
 * themselves after their deadline, reminders go out at set days before it,
 * raters' names and addresses are erased a number of days after a round
 * closed, and what expired by the clock (sessions, login links, rate-limit
 * windows) or with its round (the drafts of closed rounds) is deleted. Run by the server's worker every minute and by
 * `aanwezig round tick`; running it twice, or in two processes at once,
 * does nothing twice (a transition happens once, a reminder's key is
 * unique, erasing what is erased changes nothing).
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/text.h"
#include "core_mail.h"

#define RETENTION_KEY "privacy.retention_days"

const struct actor core_system_actor = {0, "system", NULL};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), and back. */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int core_date_add(const char *date, int days, char out[11])
{
	int y, m, d;

	if (date == NULL || !date_valid(date))
		return -1;
	y = atoi(date);
	m = atoi(date + 5);
	d = atoi(date + 8);
	civil_from_days(days_from_civil(y, m, d) + days, &y, &m, &d);
	if (y < 1 || y > 9999)
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}

int core_reminders_valid(const char *s)
{
	const char *p = s;

	if (s == NULL || s[0] == '\0')
		return 1;
	for (int n = 0; *p; n++) {
		char *end;
		long d = strtol(p, &end, 10);
		if (end == p || d < 1 || d > 365 || n >= 10 || (*end != ',' && *end != '\0'))
			return 0;
		p = *end == ',' ? end + 1 : end;
		if (*end == ',' && *p == '\0')
			return 0;
	}
	return 1;
}

int core_round_reminders(struct core *c, int64_t round_id, const char *days, struct err *e)
{
	struct arena *a = arena_new();
	struct round r;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (days == NULL || strcmp(days, "none") == 0)
		days = "";
	if (!core_reminders_valid(days))
		rc = err_set(e, AZ_EINVAL, "reminder days are numbers of days before the deadline, 1 to 365, "
			     "with commas between (such as 7,2), or none; not \"%.40s\"", days);
	else if ((rc = c->st->ops->round_get(c->st, a, round_id, &r, e)) == AZ_OK)
		rc = c->st->ops->round_settings(c->st, round_id, r.needs_approval, days, e);
	arena_free(a);
	return rc;
}

int core_reminder_due(const char *reminders, const char *opens_on, const char *closes_on,
		      const char *today, int *days)
{
	const char *p = reminders;
	int best = 0;

	if (reminders == NULL || !core_reminders_valid(reminders) || closes_on == NULL ||
	    strcmp(today, closes_on) > 0)
		return 0;
	while (*p) {
		char *end, at[11];
		long d = strtol(p, &end, 10);

		p = *end == ',' ? end + 1 : end;
		if (core_date_add(closes_on, (int)-d, at) != 0)
			continue;
		/* Due from its day on; never for a day the round was not open
		 * yet (a round opened late would remind along with inviting). */
		if (strcmp(today, at) < 0 || (opens_on != NULL && strcmp(at, opens_on) <= 0))
			continue;
		if (best == 0 || d < best)
			best = (int)d;
	}
	*days = best;
	return best > 0;
}

int core_retention_get(struct core *c, int *days, struct err *e)
{
	struct arena *a = arena_new();
	const char *v = NULL;
	int rc;

	*days = CORE_RETENTION_DEFAULT;
	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = c->st->ops->meta_get(c->st, a, RETENTION_KEY, &v, e)) == AZ_OK && v != NULL) {
		char *end;
		long n = strtol(v, &end, 10);
		if (end != v && *end == '\0' && n >= 0 && n <= CORE_RETENTION_MAX)
			*days = (int)n;
	}
	arena_free(a);
	return rc;
}

int core_retention_set(struct core *c, int days, struct err *e)
{
	char v[16];

	if (days < 0 || days > CORE_RETENTION_MAX)
		return err_set(e, AZ_EINVAL, "the retention must be 0 to %d days", CORE_RETENTION_MAX);
	snprintf(v, sizeof v, "%d", days);
	return c->st->ops->meta_set(c->st, RETENTION_KEY, v, e);
}

int core_retention_run(struct core *c, const struct actor *who, const char *today, int days,
		       int64_t *count, struct err *e)
{
	char before[11], detail[96];
	int rc;

	*count = 0;
	if (days < 0 || core_date_add(today, -days, before) != 0)
		return err_set(e, AZ_EINVAL, "the retention needs a date and a number of days");
	if ((rc = c->st->ops->rater_erase(c->st, before, count, e)) != AZ_OK || *count == 0)
		return rc;
	snprintf(detail, sizeof detail, "%lld invitations of rounds closed on or before %s",
		 (long long)*count, before);
	return core_audit(c, who, "privacy.retention", "raters", detail, e);
}

/* Close every open round whose deadline has passed. */
static int close_due(struct core *c, const struct actor *who, struct arena *a, const char *today,
		     struct tick_result *r, struct err *e)
{
	struct round *due;
	size_t n;
	int rc;

	if ((rc = c->st->ops->rounds_due(c->st, a, today, &due, &n, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		char object[32], detail[64];
		rc = c->st->ops->round_transition(c->st, due[i].id, ROUND_OPEN, ROUND_CLOSED, NULL, NULL, e);
		if (rc == AZ_ESTATE)
			continue;   /* closed meanwhile, by hand or by another process */
		if (rc != AZ_OK)
			return rc;
		r->closed++;
		snprintf(object, sizeof object, "round %lld", (long long)due[i].id);
		snprintf(detail, sizeof detail, "the deadline %s passed", due[i].closes_on);
		if ((rc = core_audit(c, who, "round.close", object, detail, e)) != AZ_OK)
			return rc;
	}
	return AZ_OK;
}

/* Queue the reminders that are due today. */
static int remind_due(struct core *c, struct arena *a, const char *today, struct tick_result *r,
		      struct err *e)
{
	struct round *rounds;
	size_t n;
	int rc;

	if ((rc = c->st->ops->round_list(c->st, a, 0, &rounds, &n, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		char label[16];
		size_t queued = 0;
		int days;

		if (rounds[i].state != ROUND_OPEN ||
		    !core_reminder_due(rounds[i].reminders, rounds[i].opens_on, rounds[i].closes_on, today, &days))
			continue;
		snprintf(label, sizeof label, "d%d", days);
		if ((rc = core_round_remind(c, rounds[i].id, label, &queued, e)) != AZ_OK)
			return rc;
		r->reminded += queued;
	}
	return AZ_OK;
}

int core_tick(struct core *c, const struct actor *who, const char *today, struct tick_result *r,
	      struct err *e)
{
	struct arena *a = arena_new();
	struct session_limits lim = c->sessions;
	int64_t now;
	int days, rc;

	memset(r, 0, sizeof *r);
	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (today == NULL || !date_valid(today)) {
		rc = err_set(e, AZ_EINVAL, "the date must be written YYYY-MM-DD");
		goto out;
	}
	if ((rc = close_due(c, who, a, today, r, e)) != AZ_OK)
		goto out;
	if (c->mail && (rc = remind_due(c, a, today, r, e)) != AZ_OK)
		goto out;
	if ((rc = core_retention_get(c, &days, e)) != AZ_OK ||
	    (rc = core_retention_run(c, who, today, days, &r->erased, e)) != AZ_OK)
		goto out;
	/* By the clock, not by today: sessions and links last minutes. Never
	 * sooner than the default limits: a process given shorter sessions
	 * refuses them itself, and must not end those of other processes on
	 * the same database that keep the defaults. */
	now = (int64_t)time(NULL);
	if (lim.idle < SESSION_IDLE_DEFAULT)
		lim.idle = SESSION_IDLE_DEFAULT;
	if (lim.absolute < SESSION_ABSOLUTE_DEFAULT)
		lim.absolute = SESSION_ABSOLUTE_DEFAULT;
	rc = c->st->ops->sweep(c->st, now, lim.idle, lim.absolute, now - CORE_LIMIT_WINDOW_MAX, &r->swept, e);
out:
	arena_free(a);
	return rc;
}
