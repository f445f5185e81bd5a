/* cmd_leader.c — `aanwezig leader add|list`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help_leader[] =
	"Usage: aanwezig leader <add|list> [options]\n"
	"\n"
	"  add --name NAME --email ADDRESS --organisation ORG [--language nl|en]\n"
	"        add a leader; prints the new leader's number\n"
	"  list  list all leaders\n";

static const char help_add[] =
	"Usage: aanwezig leader add --name NAME --email ADDRESS --organisation ORG\n"
	"                           [--language nl|en]\n"
	"\n"
	"Adds a leader whose presence profile is made, and prints the leader's\n"
	"number. The language (default nl) is the one the leader reads in.\n";

static int leader_add(int argc, char **argv, struct cli *g)
{
	const char *name = NULL, *email = NULL, *org = NULL, *lang = "nl", *pos[1];
	const struct opt opts[] = {
		{"name", &name, NULL}, {"email", &email, NULL}, {"organisation", &org, NULL},
		{"organization", &org, NULL}, {"language", &lang, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	int64_t id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "leader add", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return fputs(help_add, stdout), 0;
	if (name == NULL || email == NULL || org == NULL)
		return cli_usage("leader add", "--name, --email and --organisation are required");
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if (core_leader_add(&c, name, email, org, lang, &id, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		char object[32];
		printf("%lld\n", (long long)id);
		snprintf(object, sizeof object, "leader %lld", (long long)id);
		rc = cli_audit(&c, "leader.add", object, NULL);
	}
	core_close(&c);
	return rc;
}

static int leader_list(int argc, char **argv, struct cli *g)
{
	const char *pos[1];
	struct core c;
	struct err e = {0};
	struct arena *a;
	struct leader *l;
	size_t n;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, NULL, g, "leader list", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig leader list\n\nLists all leaders: number, name, "
			    "organisation, e-mail, language."), 0;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if ((a = arena_new()) == NULL || c.st->ops->leader_list(c.st, a, &l, &n, &e) != AZ_OK) {
		rc = cli_fail(a ? &e : &(struct err){AZ_ENOMEM, "out of memory"});
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%lld\t%s\t%s\t%s\t%s\n", (long long)l[i].id, l[i].name, l[i].organisation,
			       l[i].email, l[i].language);
	}
	arena_free(a);
	core_close(&c);
	return rc;
}

int cmd_leader(int argc, char **argv, struct cli *g)
{
	static const struct cli_sub subs[] = {
		{"add", leader_add},
		{"list", leader_list},
		{NULL, NULL},
	};

	return cli_subcommand("leader", help_leader, subs, argc, argv, g);
}
