/* cmd_serve.c — `aanwezig serve`: the web server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../web/web.h"
#include "cli.h"

static const char help_serve[] =
	"Usage: aanwezig serve [--db FILE] [--listen ADDRESS:PORT] [--threads N]\n"
	"\n"
	"Serves the questionnaire pages behind the personal links (/r/...), and\n"
	"/healthz for monitoring, until it gets SIGINT or SIGTERM; then it stops\n"
	"accepting, finishes the requests in flight and closes the database.\n"
	"The default address is 127.0.0.1:8080; port 0 picks a free port. The\n"
	"address the links point at is --base-url, or http://ADDRESS:PORT.\n";

static void ready(const char *url, void *arg)
{
	(void)arg;
	printf("Listening on %s (stop with Ctrl-C)\n", url);
	fflush(stdout);
}

int cli_serve(struct cli *g, const char *db, const char *listen, unsigned threads)
{
	struct web_config cfg = {0};
	struct err e = {0};
	const char *env = getenv("AANWEZIG_BASE_URL");

	cfg.listen = listen;
	cfg.db = db;
	cfg.key_file = g->key_file;
	/* Only an explicit base URL overrides the listening address. */
	cfg.base_url = g->base_url != NULL && strcmp(g->base_url, CLI_DEFAULT_BASE_URL) != 0
		       ? g->base_url : (env && env[0] ? env : NULL);
	cfg.threads = threads;
	cfg.ready = ready;
	if (web_serve(&cfg, &e) != AZ_OK)
		return cli_fail(&e);
	printf("Stopped.\n");
	return 0;
}

int cmd_serve(int argc, char **argv, struct cli *g)
{
	const char *listen = "127.0.0.1:8080", *threads = NULL, *pos[1];
	const struct opt opts[] = {{"listen", &listen, NULL}, {"threads", &threads, NULL}, {NULL, NULL, NULL}};
	int64_t n = 0;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "serve", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return fputs(help_serve, stdout), 0;
	if (threads != NULL && ((rc = cli_id("serve", "number of threads", threads, &n)) != 0 || n > 256))
		return rc ? rc : cli_usage("serve", "--threads must be at most 256");
	return cli_serve(g, g->db, listen, (unsigned)n);
}
