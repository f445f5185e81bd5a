/* cmd_response.c — `aanwezig response submit`: answers handed in on paper
 * or by another system, through the same checks as the web form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define ANSWERS_MAX_BYTES (256u << 10)

static const char help_submit[] =
	"Usage: aanwezig response submit --token TOKEN FILE\n"
	"\n"
	"Hands in the answers for the personal link whose token is TOKEN (the part\n"
	"after /r/ in the link). FILE (or - for standard input) holds JSON:\n"
	"\n"
	"  {\"answers\": {\"OMG1\": 4, \"OMG2\": null, ...},\n"
	"   \"open\": {\"aanwezig\": \"...\"}}\n"
	"\n"
	"A score is a whole number on the item's scale; null or a missing item means\n"
	"\"kan ik niet beoordelen\". Answers are checked against the round's instrument;\n"
	"the round must be open and the link not used before.\n";

static int response_submit(int argc, char **argv, struct cli *g)
{
	const char *token = NULL, *pos[1];
	const struct opt opts[] = {{"token", &token, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	struct arena *a = NULL;
	struct submission sub;
	char *data = NULL;
	size_t n;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "response submit", pos, 1, &npos, &help)) != 0)
		return rc;
	if (help)
		return fputs(help_submit, stdout), 0;
	if (token == NULL)
		return cli_usage("response submit", "--token is required");
	if (npos != 1)
		return cli_usage("response submit", "which file? Give the answers file, or - for standard input");
	if (cli_read_file(pos[0], ANSWERS_MAX_BYTES, &data, &n, &e) != AZ_OK)
		return cli_fail(&e);
	if ((rc = cli_open(g, &c)) != 0) {
		free(data);
		return rc;
	}
	if ((a = arena_new()) == NULL) {
		rc = cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	} else if (core_submission_parse(a, data, n, &sub, &e) != AZ_OK) {
		err_prefix(&e, "%s", pos[0]);
		rc = cli_fail(&e);
	} else if (core_submit(&c, token, &sub, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		puts("the answers are in; thank you");
	}
	arena_free(a);
	free(data);
	core_close(&c);
	return rc;
}

int cmd_response(int argc, char **argv, struct cli *g)
{
	static const struct cli_sub subs[] = {
		{"submit", response_submit},
		{NULL, NULL},
	};

	return cli_subcommand("response", help_submit, subs, argc, argv, g);
}
