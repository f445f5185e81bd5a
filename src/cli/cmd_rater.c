/* cmd_rater.c — `aanwezig rater add|import`: inviting the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/csv.h"
#include "../util/progress.h"
#include "cli.h"

static const char help_rater[] =
	"Usage: aanwezig rater <add|import> [options]\n"
	"\n"
	"  add --round ID --name NAME --email ADDRESS --group GROUP [--language nl|en]\n"
	"                       invite one rater\n"
	"  import --round ID FILE\n"
	"                       invite the raters of a CSV file with the header\n"
	"                       name,email,group (all or none)\n";

static int rater_add(int argc, char **argv, struct cli *g)
{
	const char *round = NULL, *name = NULL, *email = NULL, *group = NULL, *lang = NULL, *pos[1];
	const struct opt opts[] = {
		{"round", &round, NULL}, {"name", &name, NULL}, {"email", &email, NULL},
		{"group", &group, NULL}, {"language", &lang, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	int64_t id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "rater add", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig rater add --round ID --name NAME --email ADDRESS --group GROUP\n"
			    "                         [--language nl|en]\n"
			    "\nInvites one rater to a draft or open round. The groups are those of the\n"
			    "round's instrument (see `aanwezig instrument show`). The rater's e-mail is\n"
			    "in --language, else in the leader's language. When the round is open and an\n"
			    "SMTP server is configured, the invitation is queued at once."), 0;
	if ((rc = cli_id("rater add", "round (--round)", round, &id)) != 0)
		return rc;
	if (name == NULL || email == NULL || group == NULL)
		return cli_usage("rater add", "--name, --email and --group are required");
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if (core_rater_add_lang(&c, id, name, email, group, lang, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		char object[32];
		snprintf(object, sizeof object, "round %lld", (long long)id);
		rc = cli_audit(&c, "rater.add", object, group);
	}
	core_close(&c);
	return rc;
}

static int rater_import(int argc, char **argv, struct cli *g)
{
	const char *round = NULL, *pos[1];
	const struct opt opts[] = {{"round", &round, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	char *data = NULL;
	struct progress p;
	size_t n, count = 0;
	int64_t id;
	int npos, help = 0, rc, st;

	if ((rc = cli_parse(argc, argv, opts, g, "rater import", pos, 1, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig rater import --round ID FILE\n\n"
			    "Invites every rater of a CSV file (UTF-8, ',' or ';' between fields) whose\n"
			    "first line is the header name,email,group (and optionally language: nl or\n"
			    "en, the language of the rater's e-mail). Nothing is imported when any\n"
			    "line is wrong; every wrong line is reported. FILE may be - for standard input."), 0;
	if ((rc = cli_id("rater import", "round (--round)", round, &id)) != 0)
		return rc;
	if (npos != 1)
		return cli_usage("rater import", "which file? Give the CSV file to import");
	if (cli_read_file(pos[0], CSV_MAX_BYTES, &data, &n, &e) != AZ_OK)
		return cli_fail(&e);
	if ((rc = cli_open(g, &c)) != 0) {
		free(data);
		return rc;
	}
	progress_init(&p, stderr);
	c.progress = progress_core;
	c.progress_arg = &p;
	st = core_rater_import(&c, id, data, n, pos[0], &count, &e);
	progress_end(&p);
	if (st != AZ_OK && count == 0) {
		rc = cli_fail(&e);
	} else {
		char object[32], detail[32];
		printf("%zu rater%s invited to round %lld\n", count, count == 1 ? "" : "s", (long long)id);
		snprintf(object, sizeof object, "round %lld", (long long)id);
		snprintf(detail, sizeof detail, "%zu raters", count);
		rc = cli_audit(&c, "rater.import", object, detail);
		if (st != AZ_OK)
			rc = cli_fail(&e);
	}
	free(data);
	core_close(&c);
	return rc;
}

int cmd_rater(int argc, char **argv, struct cli *g)
{
	static const struct cli_sub subs[] = {
		{"add", rater_add},
		{"import", rater_import},
		{NULL, NULL},
	};

	return cli_subcommand("rater", help_rater, subs, argc, argv, g);
}
