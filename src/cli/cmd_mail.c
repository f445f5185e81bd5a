/* cmd_mail.c — `aanwezig mail send|list|retry`: the outbox. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/core_mail.h"
#include "../mail/mailconf.h"
#include "../util/progress.h"
#include "cli.h"

static const char help_mail[] =
	"Usage: aanwezig mail <command> [options]\n"
	"\n"
	"  send [--max N]            send what is due now (the server does this by itself)\n"
	"  list [--round ID]         the messages, newest first: state, tries, address,\n"
	"                            what it is, the server's last answer (no contents)\n"
	"  retry ID                  queue a failed message again\n"
	"\n"
	"The SMTP server is set in the e-mail settings (docs/mail.md). Without one,\n"
	"hand out the links yourself: `aanwezig round links ID --csv`.\n";

static int mail_send(int argc, char **argv, struct cli *g)
{
	const char *max = NULL, *pos[1];
	const struct opt opts[] = {{"max", &max, NULL}, {NULL, NULL, NULL}};
	struct mail_settings ms;
	struct core c;
	struct err e = {0};
	struct outbox_tally t;
	struct progress p;
	char owner[CORE_OWNER_MAX], detail[96];
	int64_t nmax = 0;
	int npos, help = 0, rc, st;

	if ((rc = cli_parse(argc, argv, opts, g, "mail send", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig mail send [--max N]\n\n"
			    "Sends the messages that are due, one by one, with a progress bar on a\n"
			    "terminal and a count otherwise. A temporary refusal puts a message back\n"
			    "for a later try (waits double each time); a permanent one marks it failed\n"
			    "with the server's answer (see `aanwezig mail list`). Exits 1 when a message\n"
			    "failed or the server refused the settings."), 0;
	if (max != NULL && (rc = cli_id("mail send", "maximum (--max)", max, &nmax)) != 0)
		return rc;
	if ((rc = cli_mail_settings(g, &ms)) != 0)
		return rc;
	if (!ms.configured) {
		mail_settings_reset(&ms);
		fprintf(stderr, "aanwezig: no SMTP server is configured (docs/mail.md); hand out the links "
			"with `aanwezig round links ID --csv` instead\n");
		return 1;
	}
	if ((rc = cli_open(g, &c)) != 0) {
		mail_settings_reset(&ms);
		return rc;
	}
	core_mail_owner(owner);
	progress_init(&p, stderr);
	c.progress = progress_core;
	c.progress_arg = &p;
	st = core_outbox_run(&c, &ms, owner, (size_t)nmax, NULL, &t, &e);
	progress_end(&p);
	if (st != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		printf("%zu sent, %zu to try again later, %zu failed\n", t.sent, t.retry, t.failed);
		if (t.problem[0] != '\0')
			fprintf(stderr, "aanwezig: %s\n", t.problem);
		if (t.stopped)
			fprintf(stderr, "aanwezig: stopped: the SMTP server refused the settings; fix them "
				"(docs/mail.md) and send again\n");
		if (t.unreachable)
			fprintf(stderr, "aanwezig: stopped: the SMTP server did not answer; the messages stay "
				"queued and are tried again later\n");
		if (t.sent + t.retry + t.failed > 0) {
			/* No counts in the log administrators read: right after a
			 * reminder run, invited minus sent is how many answered. */
			snprintf(detail, sizeof detail, "%s", t.failed > 0 ? "some failed" : "done");
			rc = cli_audit(&c, "mail.send", "outbox", detail);
		}
		if (t.failed > 0 || t.stopped)
			rc = 1;
	}
	core_close(&c);
	mail_settings_reset(&ms);
	return rc;
}

/* One line of `mail list`: what the message is for, and how it stands. */
static void print_mail(const struct mail *m, int64_t now)
{
	char when[32] = "";

	if (m->state == MAIL_QUEUED && m->next_at > now) {
		time_t t = (time_t)m->next_at;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "next try %H:%M:%S UTC", &tm);
	}
	printf("%lld\t%s\t%d\t%s\t%s\t%s\n", (long long)m->id, mail_state_name(m->state), m->attempts, m->to,
	       m->key, when[0] ? when : m->last_error ? m->last_error : "");
}

static int mail_list(int argc, char **argv, struct cli *g)
{
	const char *round = NULL, *pos[1];
	const struct opt opts[] = {{"round", &round, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	struct arena *a = NULL;
	struct mail *m;
	size_t n;
	int64_t round_id = 0, now = (int64_t)time(NULL);
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "mail list", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig mail list [--round ID]\n\n"
			    "Lists the outbox, newest first, one message a line: number, state (queued,\n"
			    "sending, sent, failed), tries, address, what it is (invite:INVITATION,\n"
			    "remind:INVITATION:WHEN, report:ROUND, login:...), and the next try or the\n"
			    "server's last answer. Contents are never shown."), 0;
	if (round != NULL && (rc = cli_id("mail list", "round (--round)", round, &round_id)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if ((a = arena_new()) == NULL) {
		rc = cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	} else if (c.st->ops->outbox_list(c.st, a, round_id, &m, &n, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		for (size_t i = 0; i < n; i++)
			print_mail(&m[i], now);
	}
	arena_free(a);
	core_close(&c);
	return rc;
}

static int mail_retry(int argc, char **argv, struct cli *g)
{
	const char *pos[1];
	char object[32];
	struct core c;
	struct err e = {0};
	int64_t id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, NULL, g, "mail retry", pos, 1, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig mail retry ID\n\n"
			    "Queues a failed message again, to be sent at once (see `aanwezig mail list`).\n"
			    "Check first whether one marked uncertain has not arrived after all."), 0;
	if ((rc = cli_id("mail retry", "message", npos ? pos[0] : NULL, &id)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if (c.st->ops->outbox_retry(c.st, id, (int64_t)time(NULL), &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		printf("message %lld is queued again\n", (long long)id);
		snprintf(object, sizeof object, "message %lld", (long long)id);
		rc = cli_audit(&c, "mail.retry", object, NULL);
	}
	core_close(&c);
	return rc;
}

int cmd_mail(int argc, char **argv, struct cli *g)
{
	static const struct cli_sub subs[] = {
		{"send", mail_send},
		{"list", mail_list},
		{"retry", mail_retry},
		{NULL, NULL},
	};

	return cli_subcommand("mail", help_mail, subs, argc, argv, g);
}
