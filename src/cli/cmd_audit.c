/* cmd_audit.c — `aanwezig audit list`: who did what, when. The command
 * line's operator is an administrator; on the web only administrators
 * read the log. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static int audit_list(int argc, char **argv, struct cli *g)
{
	const char *limit = NULL, *before = NULL, *pos[1];
	const struct opt opts[] = {{"limit", &limit, NULL}, {"before", &before, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	struct arena *a = NULL;
	struct audit_entry *en;
	size_t n;
	int64_t nlimit = 100, before_id = 0;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "audit list", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig audit list [--limit N] [--before ID]\n\n"
			    "The audit log, newest first (at most N entries, default 100; --before to\n"
			    "page back): number, time (UTC), who (an account's address, cli or\n"
			    "system), the action, what it was done to, details, and the client address\n"
			    "of a web request."), 0;
	if (limit != NULL && (rc = cli_id("audit list", "limit (--limit)", limit, &nlimit)) != 0)
		return rc;
	if (before != NULL && (rc = cli_id("audit list", "entry (--before)", before, &before_id)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if ((a = arena_new()) == NULL) {
		rc = cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	} else if (c.st->ops->audit_list(c.st, a, before_id, (size_t)nlimit, &en, &n, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		for (size_t i = 0; i < n; i++) {
			time_t t = (time_t)en[i].at;
			struct tm tm;
			char when[24];
			gmtime_r(&t, &tm);
			strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
			printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)en[i].id, when, en[i].actor,
			       en[i].action, en[i].object ? en[i].object : "", en[i].detail ? en[i].detail : "",
			       en[i].client ? en[i].client : "");
		}
	}
	arena_free(a);
	core_close(&c);
	return rc;
}

int cmd_audit(int argc, char **argv, struct cli *g)
{
	static const struct cli_sub subs[] = {
		{"list", audit_list},
		{NULL, NULL},
	};

	return cli_subcommand("audit", "Usage: aanwezig audit list [--limit N] [--before ID]\n", subs, argc, argv, g);
}
