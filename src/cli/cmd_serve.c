/* cmd_serve.c — `aanwezig serve`: the web server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../web/metrics.h"
#include "../web/web.h"
#include "cli.h"

static const char help_serve[] =
	"Usage: aanwezig serve [--db FILE] [--listen ADDRESS:PORT] [--threads N]\n"
	"                      [--metrics-token-file FILE | --no-metrics] [--trust-proxy]\n"
	"\n"
	"Serves the questionnaire pages behind the personal links (/r/...), and\n"
	"/healthz and /metrics for monitoring, until it gets SIGINT or SIGTERM;\n"
	"then it stops accepting, finishes the requests in flight and closes the\n"
	"database. The default address is 127.0.0.1:8080; port 0 picks a free\n"
	"port. The address the links point at is --base-url, or\n"
	"http://ADDRESS:PORT.\n"
	"\n"
	"/metrics (Prometheus text format) answers only requests from this\n"
	"machine that did not come through a proxy; with --metrics-token-file it\n"
	"answers any client that sends \"Authorization: Bearer TOKEN\", TOKEN\n"
	"being the file's one line (at least 16 characters). --no-metrics turns\n"
	"it off.\n"
	"\n"
	"--trust-proxy: behind a reverse proxy on this machine, take a request's\n"
	"client address (for rate limits and the audit log) from the last entry\n"
	"of X-Forwarded-For when it comes from a loopback address. Without it\n"
	"every request through the proxy counts as coming from the proxy.\n";

static void ready(const char *url, void *arg)
{
	(void)arg;
	printf("Listening on %s (stop with Ctrl-C)\n", url);
	fflush(stdout);
}

/* Who may read /metrics (cmd_serve sets them; the demo keeps the default). */
static int metrics_access = METRICS_LOCAL;
static const char *metrics_token_file;
static int trust_proxy;

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
	cfg.metrics_access = metrics_access;
	cfg.metrics_token_file = metrics_token_file;
	cfg.trust_proxy = trust_proxy;
	if (web_serve(&cfg, &e) != AZ_OK)
		return cli_fail(&e);
	printf("Stopped.\n");
	return 0;
}

int cmd_serve(int argc, char **argv, struct cli *g)
{
	const char *listen = "127.0.0.1:8080", *threads = NULL, *pos[1];
	int no_metrics = 0;
	const struct opt opts[] = {{"listen", &listen, NULL}, {"threads", &threads, NULL},
				   {"metrics-token-file", &metrics_token_file, NULL},
				   {"no-metrics", NULL, &no_metrics}, {"trust-proxy", NULL, &trust_proxy},
				   {NULL, NULL, NULL}};
	int64_t n = 0;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "serve", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return fputs(help_serve, stdout), 0;
	if (threads != NULL && ((rc = cli_id("serve", "number of threads", threads, &n)) != 0 || n > 256))
		return rc ? rc : cli_usage("serve", "--threads must be at most 256");
	if (no_metrics && metrics_token_file != NULL)
		return cli_usage("serve", "--no-metrics and --metrics-token-file exclude each other");
	metrics_access = no_metrics ? METRICS_OFF : metrics_token_file ? METRICS_TOKEN : METRICS_LOCAL;
	return cli_serve(g, g->db, listen, (unsigned)n);
}
