/* cmd_round_mail.c — `aanwezig round invite|remind|reminders|notify|tick`:
 * a round's e-mail and the work the calendar brings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core_mail.h"
#include "../util/text.h"
#include "cli.h"

/* invite, remind and notify: one round, one kind of message. */
static int round_queue(int argc, char **argv, struct cli *g, const char *verb)
{
	const char *pos[1];
	char cmd[32], object[32], detail[48], label[11];
	struct core c;
	struct err e = {0};
	size_t queued = 0;
	int64_t id;
	int npos, help = 0, rc, st;

	snprintf(cmd, sizeof cmd, "round %s", verb);
	if ((rc = cli_parse(argc, argv, NULL, g, cmd, pos, 1, &npos, &help)) != 0)
		return rc;
	if (help) {
		printf("Usage: aanwezig round %s ID\n\n%s\n", verb,
		       strcmp(verb, "invite") == 0
		       ? "Queues the invitation of every invitee of an open round who has an e-mail\n"
			 "address and none queued yet; nobody gets it twice. Opening a round does this\n"
			 "by itself when an SMTP server is configured (docs/mail.md)."
		       : strcmp(verb, "remind") == 0
		       ? "Queues a reminder for every invitee of an open round who has not answered\n"
			 "yet; at most one such reminder a day."
		       : "Queues the notice to the leader that the report of a released round is\n"
			 "ready, with the link to it; once per round.");
		return 0;
	}
	if ((rc = cli_id(cmd, "round", npos ? pos[0] : NULL, &id)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	date_today(label);
	st = strcmp(verb, "invite") == 0 ? core_round_invite(&c, id, &queued, &e)
	   : strcmp(verb, "remind") == 0 ? core_round_remind(&c, id, label, &queued, &e)
	   : core_report_notice(&c, id, &queued, &e);
	if (st != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		printf("%zu message%s queued%s\n", queued, queued == 1 ? "" : "s",
		       c.mail ? "" : " (no SMTP server is configured: `aanwezig mail send` needs one)");
		snprintf(cmd, sizeof cmd, "round.%s", verb);
		snprintf(object, sizeof object, "round %lld", (long long)id);
		snprintf(detail, sizeof detail, "%zu queued", queued);
		/* How many reminders went out is how many have not answered:
		 * not for the audit log, which every administrator reads. */
		rc = cli_audit(&c, cmd, object, strcmp(verb, "remind") == 0 ? NULL : detail);
	}
	core_close(&c);
	return rc;
}

static int round_reminders(int argc, char **argv, struct cli *g)
{
	const char *pos[2];
	char object[32];
	struct core c;
	struct err e = {0};
	int64_t id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, NULL, g, "round reminders", pos, 2, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig round reminders ID DAYS\n\n"
			    "Sets the days before the deadline on which those who have not answered get\n"
			    "a reminder, such as 7,2 (a week and two days before), or none. The server\n"
			    "sends them (when an SMTP server is configured), or `aanwezig round tick`."), 0;
	if ((rc = cli_id("round reminders", "round", npos ? pos[0] : NULL, &id)) != 0)
		return rc;
	if (npos != 2)
		return cli_usage("round reminders", "which days? Give them like 7,2, or none");
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if (core_round_reminders(&c, id, pos[1], &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		printf("round %lld: reminders %s\n", (long long)id, pos[1]);
		snprintf(object, sizeof object, "round %lld", (long long)id);
		rc = cli_audit(&c, "round.reminders", object, pos[1]);
	}
	core_close(&c);
	return rc;
}

static int round_tick(int argc, char **argv, struct cli *g)
{
	const char *today = NULL, *idle = NULL, *max = NULL, *pos[1];
	const struct opt opts[] = {{"today", &today, NULL}, {"session-idle", &idle, NULL},
				   {"session-max", &max, NULL}, {NULL, NULL, NULL}};
	char now[11];
	struct core c;
	struct err e = {0};
	struct tick_result r;
	int64_t idle_s = 0, max_s = 0;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "round tick", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig round tick [--today DATE] [--session-idle SECONDS]\n"
			    "                          [--session-max SECONDS]\n\n"
			    "Does the work that falls due with the calendar, as the server does every\n"
			    "minute: closes open rounds whose deadline has passed, queues the reminders\n"
			    "that are due (when an SMTP server is configured), and erases raters' names\n"
			    "and addresses of rounds closed longer ago than the retention period\n"
			    "(`aanwezig privacy retention`). --today acts as if it were DATE, to try a\n"
			    "schedule. Closing and erasing are recorded in the audit log.\n\n"
			    "It also deletes, by the clock, login sessions that have ended, login links\n"
			    "that have expired, rate-limit counts older than 15 minutes, and the drafts\n"
			    "of rounds that have closed (nobody can hand them in). Sessions go\n"
			    "after 1800 s without a request or 43200 s after login; a server started\n"
			    "with longer --session-idle or --session-max needs the same options here\n"
			    "(shorter ones make no difference: its own server refuses those sessions)."), 0;
	if (today == NULL) {
		date_today(now);
		today = now;
	} else if (!date_valid(today)) {
		return cli_usage("round tick", "--today must be a date written YYYY-MM-DD");
	}
	if (idle != NULL && (rc = cli_id("round tick", "--session-idle", idle, &idle_s)) != 0)
		return rc;
	if (max != NULL && (rc = cli_id("round tick", "--session-max", max, &max_s)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if (idle_s > 0)
		c.sessions.idle = idle_s;
	if (max_s > 0)
		c.sessions.absolute = max_s;
	if (core_tick(&c, &core_cli_actor, today, &r, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		printf("%zu round%s closed, %zu reminder%s queued, %lld rater%s' names erased\n", r.closed,
		       r.closed == 1 ? "" : "s", r.reminded, r.reminded == 1 ? "" : "s", (long long)r.erased,
		       r.erased == 1 ? "" : "s");
		printf("expired and deleted: %lld session%s, %lld login link%s, %lld rate-limit count%s, "
		       "%lld draft%s of closed rounds\n",
		       (long long)r.swept.sessions, r.swept.sessions == 1 ? "" : "s", (long long)r.swept.login_links,
		       r.swept.login_links == 1 ? "" : "s", (long long)r.swept.ratelimits,
		       r.swept.ratelimits == 1 ? "" : "s", (long long)r.swept.drafts, r.swept.drafts == 1 ? "" : "s");
	}
	core_close(&c);
	return rc;
}

int cmd_round_mail(int argc, char **argv, struct cli *g)
{
	if (strcmp(argv[0], "invite") == 0 || strcmp(argv[0], "remind") == 0 || strcmp(argv[0], "notify") == 0)
		return round_queue(argc - 1, argv + 1, g, argv[0]);
	if (strcmp(argv[0], "reminders") == 0)
		return round_reminders(argc - 1, argv + 1, g);
	if (strcmp(argv[0], "tick") == 0)
		return round_tick(argc - 1, argv + 1, g);
	return cli_usage("round", "unknown subcommand \"%.40s\"", argv[0]);
}
