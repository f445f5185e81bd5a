/* cmd_privacy.c — `aanwezig privacy export|erase|retention`: a leader's
 * data on request, erasing a leader, and how long raters' names are kept.
 * See docs/privacy.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/core_mail.h"
#include "../util/text.h"
#include "cli.h"

static const char help_privacy[] =
	"Usage: aanwezig privacy <command> [options]\n"
	"\n"
	"  export --leader ID [-o FILE]   everything about a leader, as JSON\n"
	"  erase --leader ID [--yes]      remove a leader and everything about them\n"
	"  retention [--days N] [--set N] erase raters' names and addresses of rounds\n"
	"                                 closed N days ago or longer (default: the\n"
	"                                 setting, 90 days); --set changes the setting\n";

static int privacy_export(int argc, char **argv, struct cli *g)
{
	const char *leader = NULL, *out = NULL, *pos[1];
	const struct opt opts[] = {{"leader", &leader, NULL}, {"output", &out, NULL}, {NULL, NULL, NULL}};
	char object[32];
	struct core c;
	struct err e = {0};
	struct buf b;
	int64_t id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "privacy export", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig privacy export --leader ID [-o FILE]\n\n"
			    "Writes everything the instance holds about a leader as JSON (UTF-8): the\n"
			    "leader, their accounts, their rounds with settings, their own answers, the\n"
			    "people they invited (name, address, group; not who answered), and each\n"
			    "closed round's report figures as the anonymity rules allow. Never a single\n"
			    "rater's answers. The export is recorded in the audit log."), 0;
	if ((rc = cli_id("privacy export", "leader (--leader)", leader, &id)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	buf_init(&b);
	if (core_privacy_export(&c, id, &b, &e) != AZ_OK || cli_write_file(out, buf_str(&b), b.len, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		snprintf(object, sizeof object, "leader %lld", (long long)id);
		rc = cli_audit(&c, "privacy.export", object, NULL);
	}
	buf_reset(&b);
	core_close(&c);
	return rc;
}

/* Ask on the terminal; 1 when the answer is "yes". */
static int confirm(const struct leader *l)
{
	char line[16];

	fprintf(stderr, "Erase leader %lld, %s (%s), with every round, invitation, answer, message and "
		"account about them? This cannot be undone.\nType yes to erase: ", (long long)l->id, l->name,
		l->organisation);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "yes") == 0;
}

static int privacy_erase(int argc, char **argv, struct cli *g)
{
	const char *leader = NULL, *pos[1];
	int yes = 0;
	const struct opt opts[] = {{"leader", &leader, NULL}, {"yes", NULL, &yes}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	struct arena *a;
	struct leader l;
	int64_t id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "privacy erase", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig privacy erase --leader ID [--yes]\n\n"
			    "Removes a leader and everything about them: rounds, invitations, answers,\n"
			    "drafts, messages, shares, their accounts and sessions. The audit log keeps\n"
			    "that it happened; entries made by their account lose its address. Asks for\n"
			    "confirmation on a terminal; elsewhere --yes is required."), 0;
	if ((rc = cli_id("privacy erase", "leader (--leader)", leader, &id)) != 0)
		return rc;
	if (!yes && !isatty(STDIN_FILENO))
		return cli_usage("privacy erase", "erasing cannot be undone: add --yes to confirm");
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if ((a = arena_new()) == NULL) {
		rc = cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	} else if (c.st->ops->leader_get(c.st, a, id, &l, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else if (!yes && !confirm(&l)) {
		fprintf(stderr, "aanwezig: nothing was erased\n");
		rc = 1;
	} else if (core_privacy_erase(&c, &core_cli_actor, id, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		printf("leader %lld and everything about them are erased\n", (long long)id);
	}
	arena_free(a);
	core_close(&c);
	return rc;
}

static int privacy_retention(int argc, char **argv, struct cli *g)
{
	const char *days = NULL, *set = NULL, *pos[1];
	const struct opt opts[] = {{"days", &days, NULL}, {"set", &set, NULL}, {NULL, NULL, NULL}};
	char today[11], detail[32];
	struct core c;
	struct err e = {0};
	int64_t count = 0;
	int npos, help = 0, rc, n = -1;

	if ((rc = cli_parse(argc, argv, opts, g, "privacy retention", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig privacy retention [--days N] [--set N]\n\n"
			    "Erases now the names and e-mail addresses of the raters of every round that\n"
			    "closed N days ago or longer (N: --days, else the setting; 90 unless set).\n"
			    "Their answers stay, as they were: without a link to anyone. --set N changes\n"
			    "the setting the server uses every day from then on (0 to 3650)."), 0;
	if (set != NULL && days != NULL)
		return cli_usage("privacy retention", "give --days (erase now) or --set (the setting), not both");
	for (const char *v = set ? set : days; v != NULL; v = NULL) {
		char *end;
		long x = strtol(v, &end, 10);
		if (end == v || *end != '\0' || x < 0 || x > CORE_RETENTION_MAX)
			return cli_usage("privacy retention", "the days must be a whole number from 0 to %d",
					 CORE_RETENTION_MAX);
		n = (int)x;
	}
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if (set != NULL) {
		if (core_retention_set(&c, n, &e) != AZ_OK) {
			rc = cli_fail(&e);
		} else {
			printf("raters' names and addresses are kept %d days after a round closes\n", n);
			snprintf(detail, sizeof detail, "%d days", n);
			rc = cli_audit(&c, "privacy.retention.set", "instance", detail);
		}
	} else {
		date_today(today);
		if ((n < 0 && core_retention_get(&c, &n, &e) != AZ_OK) ||
		    core_retention_run(&c, &core_cli_actor, today, n, &count, &e) != AZ_OK)
			rc = cli_fail(&e);
		else
			printf("%lld invitation%s of rounds closed %d days ago or longer erased\n",
			       (long long)count, count == 1 ? "" : "s", n);
	}
	core_close(&c);
	return rc;
}

int cmd_privacy(int argc, char **argv, struct cli *g)
{
	static const struct cli_sub subs[] = {
		{"export", privacy_export},
		{"erase", privacy_erase},
		{"retention", privacy_retention},
		{NULL, NULL},
	};

	return cli_subcommand("privacy", help_privacy, subs, argc, argv, g);
}
