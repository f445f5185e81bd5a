/* main.c — `aanwezig`: dispatch to a command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/token.h"
#include "cli.h"

#define AANWEZIG_VERSION "0.1.0"

static const char usage[] =
	"aanwezig " AANWEZIG_VERSION " — presence profiles: reflection and 360-degree feedback\n"
	"for public leaders.\n"
	"\n"
	"Usage: aanwezig [--db FILE|URI] <command> [options]\n"
	"\n"
	"Commands:\n"
	"  init                      create a new, empty database\n"
	"  demo                      create a demo database for a fictional municipality\n"
	"                            and serve it\n"
	"  serve                     the web server: the questionnaire behind the links\n"
	"  report                    the presence profile of a round (html, pdf, json, csv)\n"
	"  leader add|list           the leaders whose profile is made\n"
	"  round new|open|close|release|list|show|links|export|invite|remind|tick\n"
	"                            rounds of feedback for one leader\n"
	"  rater add|import          invite people from the leader's environment\n"
	"  mail send|list|retry      the outbox: invitations, reminders, notices\n"
	"  privacy export|erase|retention\n"
	"                            a leader's data; erasing; how long names are kept\n"
	"  audit list                who did what, when\n"
	"  response submit           hand in answers through a personal link\n"
	"  instrument check|show     validate or print a questionnaire\n"
	"  analyze                   profiles of answers collected elsewhere\n"
	"  user add|list|password    accounts of administrators, leaders and coaches\n"
	"  version                   print the version\n"
	"\n"
	"Options for every command:\n"
	"  --db FILE|URI             the database (default $AANWEZIG_DB or ./aanwezig.db):\n"
	"                            a SQLite file, or PostgreSQL as postgresql://... or\n"
	"                            \"host=... dbname=...\"\n"
	"  --key-file FILE           the link key (default $AANWEZIG_KEY_FILE, or FILE.key\n"
	"                            beside a SQLite file; PostgreSQL needs it named)\n"
	"  --base-url URL            where the web pages are reached, for links\n"
	"                            (default $AANWEZIG_BASE_URL or http://localhost:8080)\n"
	"  --smtp-config FILE        the e-mail settings (default $AANWEZIG_SMTP_CONFIG,\n"
	"                            or FILE.smtp beside the database; docs/mail.md)\n"
	"\n"
	"`aanwezig <command> --help` tells more about each command.\n";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv, struct cli *g);
} commands[] = {
	{"init", cmd_init},
	{"demo", cmd_demo},
	{"leader", cmd_leader},
	{"round", cmd_round},
	{"rater", cmd_rater},
	{"response", cmd_response},
	{"instrument", cmd_instrument},
	{"serve", cmd_serve},
	{"report", cmd_report},
	{"analyze", cmd_analyze},
	{"user", cmd_user},
	{"mail", cmd_mail},
	{"privacy", cmd_privacy},
	{"audit", cmd_audit},
};

int main(int argc, char **argv)
{
	struct cli g = {0};
	int i = 1;

	g.db = getenv("AANWEZIG_DB");
	if (g.db == NULL || g.db[0] == '\0')
		g.db = CLI_DEFAULT_DB;
	g.key_file = getenv("AANWEZIG_KEY_FILE");
	if (g.key_file != NULL && g.key_file[0] == '\0')
		g.key_file = NULL;
	g.base_url = getenv("AANWEZIG_BASE_URL");
	if (g.base_url == NULL || g.base_url[0] == '\0')
		g.base_url = CLI_DEFAULT_BASE_URL;
	if (token_init() != 0) {
		fprintf(stderr, "aanwezig: libsodium could not be initialised\n");
		return 1;
	}
	/* Global options may come before the command. */
	while (i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
		const char *a = argv[i] + 2;
		const char **slot = strncmp(a, "db", 2) == 0 && (a[2] == '\0' || a[2] == '=') ? &g.db
			: strncmp(a, "key-file", 8) == 0 && (a[8] == '\0' || a[8] == '=') ? &g.key_file
			: strncmp(a, "base-url", 8) == 0 && (a[8] == '\0' || a[8] == '=') ? &g.base_url
			: strncmp(a, "smtp-config", 11) == 0 && (a[11] == '\0' || a[11] == '=') ? &g.smtp_config
			: NULL;
		const char *eq = strchr(a, '=');
		if (strcmp(a, "help") == 0) {
			fputs(usage, stdout);
			return 0;
		}
		if (strcmp(a, "version") == 0) {
			puts("aanwezig " AANWEZIG_VERSION);
			return 0;
		}
		if (slot == NULL) {
			fprintf(stderr, "aanwezig: unknown option %s\nSee `aanwezig --help`.\n", argv[i]);
			return 2;
		}
		if (eq != NULL) {
			*slot = eq + 1;
		} else if (i + 1 < argc) {
			*slot = argv[++i];
		} else {
			fprintf(stderr, "aanwezig: %s needs a value\n", argv[i]);
			return 2;
		}
		i++;
	}
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(argv[i], "help") == 0 || strcmp(argv[i], "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[i], "version") == 0) {
		puts("aanwezig " AANWEZIG_VERSION);
		return 0;
	}
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (strcmp(argv[i], commands[k].name) == 0)
			return commands[k].run(argc - i - 1, argv + i + 1, &g);
	fprintf(stderr, "aanwezig: unknown command \"%s\"\nSee `aanwezig --help`.\n", argv[i]);
	return 2;
}
