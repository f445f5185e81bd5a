/* cmd_serve.c — `aanwezig serve`: the web server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../web/metrics.h"
#include "../core/core_mail.h"
#include "../mail/mailconf.h"
#include "../web/web.h"
#include "cli.h"

static const char help_serve[] =
	"Usage: aanwezig serve [--db FILE] [--listen ADDRESS:PORT] [--threads N]\n"
	"                      [--session-idle SECONDS] [--session-max SECONDS]\n"
	"                      [--metrics-token-file FILE | --no-metrics] [--trust-proxy]\n"
	"\n"
	"Serves the questionnaire pages behind the personal links (/r/...), the\n"
	"login and account pages, and /healthz and /metrics for monitoring, until\n"
	"it gets SIGINT or SIGTERM; then it stops accepting, finishes the requests\n"
	"in flight and closes the database. The default address is\n"
	"127.0.0.1:8080; port 0 picks a free port. The address the links point at\n"
	"is --base-url, or http://ADDRESS:PORT; with an https base URL the\n"
	"cookies are Secure.\n"
	"\n"
	"A login session ends after --session-idle seconds without a request\n"
	"(default 1800, 30 minutes) and --session-max seconds after logging in\n"
	"(default 43200, 12 hours).\n"
	"\n"
	"In the background it closes rounds past their deadline, erases raters'\n"
	"names after the retention period (`aanwezig privacy retention`), deletes\n"
	"ended sessions, expired login links and old rate-limit counts, and,\n"
	"when an SMTP server is configured (--smtp-config, docs/mail.md), sends\n"
	"invitations, reminders and notices every few seconds.\n"
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

/* The background worker's lines go to standard error, like the server's. */
static void worker_log(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "aanwezig: %s\n", msg);
}

struct background {
	const struct mail_settings *ms;
	struct core_worker *w;
};

static void started(struct core *c, void *arg)
{
	struct background *bg = arg;
	struct err e = {0};

	if (core_worker_start(c, bg->ms, worker_log, NULL, &bg->w, &e) != AZ_OK)
		fprintf(stderr, "aanwezig: %s; rounds will not close by themselves and no e-mail is sent\n",
			e.msg);
	else if (bg->ms->configured)
		fprintf(stderr, "aanwezig: sending e-mail through %s every %d s\n", bg->ms->smtp.url,
			bg->ms->interval);
}

static void stopping(void *arg)
{
	struct background *bg = arg;

	core_worker_stop(bg->w);
	bg->w = NULL;
}

int cli_serve(struct cli *g, const char *db, const char *listen, unsigned threads)
{
	return cli_serve_sessions(g, db, listen, threads, 0, 0);
}

int cli_serve_sessions(struct cli *g, const char *db, const char *listen, unsigned threads, int64_t idle,
		       int64_t max)
{
	struct web_config cfg = {0};
	struct err e = {0};
	struct mail_settings ms;
	struct background bg = {&ms, NULL};
	const char *env = getenv("AANWEZIG_BASE_URL");
	int rc = 0;

	cfg.listen = listen;
	cfg.db = db;
	cfg.key_file = g->key_file;
	/* Only an explicit base URL overrides the listening address. */
	cfg.base_url = g->base_url != NULL && strcmp(g->base_url, CLI_DEFAULT_BASE_URL) != 0
		       ? g->base_url : (env && env[0] ? env : NULL);
	cfg.threads = threads;
	cfg.session_idle = idle;
	cfg.session_max = max;
	cfg.ready = ready;
	cfg.metrics_access = metrics_access;
	cfg.metrics_token_file = metrics_token_file;
	cfg.trust_proxy = trust_proxy;
	if ((rc = cli_mail_settings(g, &ms)) != 0)
		return rc;
	cfg.mail = ms.configured;
	cfg.started = started;
	cfg.stopping = stopping;
	cfg.hook_arg = &bg;
	if (web_serve(&cfg, &e) != AZ_OK)
		rc = cli_fail(&e);
	else
		printf("Stopped.\n");
	mail_settings_reset(&ms);
	return rc;
}

int cmd_serve(int argc, char **argv, struct cli *g)
{
	const char *listen = "127.0.0.1:8080", *threads = NULL, *idle = NULL, *max = NULL, *pos[1];
	int no_metrics = 0;
	const struct opt opts[] = {{"listen", &listen, NULL}, {"threads", &threads, NULL},
				   {"session-idle", &idle, NULL}, {"session-max", &max, NULL},
				   {"metrics-token-file", &metrics_token_file, NULL},
				   {"no-metrics", NULL, &no_metrics}, {"trust-proxy", NULL, &trust_proxy},
				   {NULL, NULL, NULL}};
	int64_t n = 0, idle_s = 0, max_s = 0;
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
	if (idle != NULL && (rc = cli_id("serve", "--session-idle", idle, &idle_s)) != 0)
		return rc;
	if (max != NULL && (rc = cli_id("serve", "--session-max", max, &max_s)) != 0)
		return rc;
	return cli_serve_sessions(g, g->db, listen, (unsigned)n, idle_s, max_s);
}
