/* cmd_instance.c — `aanwezig init` and `aanwezig demo`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define DEMO_DEFAULT_DB "aanwezig-demo.db"

int cmd_init(int argc, char **argv, struct cli *g)
{
	const char *pos[1];
	struct err e = {0};
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, NULL, g, "init", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig init [--db FILE|URI] [--key-file FILE]\n\n"
			    "Creates a new, empty database and its link key (FILE.key, readable by\n"
			    "you only; keep it with the database's backups: personal links are\n"
			    "derived from it). Never overwrites an existing file.\n\n"
			    "A PostgreSQL database (--db postgresql://... or \"host=... dbname=...\")\n"
			    "is made empty by its operator first (createdb); init creates the tables.\n"
			    "Its link key has no folder to live in: name it with --key-file."), 0;
	if (core_init(g->db, g->key_file, &e) != AZ_OK)
		return cli_fail(&e);
	/* A connection string may hold a password: not echoed. */
	if (store_target_is_pg(g->db))
		printf("created the tables in the PostgreSQL database; link key %s\n", g->key_file);
	else
		printf("created %s\n", g->db);
	return 0;
}

/* Check ADDR:PORT; writes the base URL for links. */
static int listen_url(const char *listen, char *url, size_t n)
{
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;

	if (colon == NULL || colon == listen)
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535 || (size_t)(colon - listen) > 255)
		return -1;
	for (const char *p = listen; p < colon; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr(".-:[]", *p)))
			return -1;
	/* Listening on every address: links name this machine as localhost. */
	if (strncmp(listen, "0.0.0.0:", 8) == 0)
		snprintf(url, n, "http://localhost:%ld", port);
	else
		snprintf(url, n, "http://%.*s:%ld", (int)(colon - listen), listen, port);
	return 0;
}

/* Remove an earlier demo database, but nothing else. A PostgreSQL
 * database that is empty (or missing: init says so next) has nothing to
 * remove. */
static int demo_clear(const char *db, const char *key, struct err *e)
{
	const char *name = store_target_is_pg(db) ? "the PostgreSQL database" : db;
	struct core c;
	struct arena *a;
	const char *flag = NULL;
	struct stat sb;
	int rc;

	if (key == NULL || (!store_target_is_pg(db) && stat(db, &sb) != 0))
		return AZ_OK;    /* no key named (PostgreSQL): init says so next */
	if ((rc = core_open(&c, db, key, "", e)) != AZ_OK) {
		if (rc == AZ_ENOTFOUND && store_target_is_pg(db))
			return AZ_OK;
		return err_prefix(e, "%s exists and is not a demo database; give another --db", name);
	}
	if ((a = arena_new()) == NULL) {
		core_close(&c);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	rc = c.st->ops->meta_get(c.st, a, "demo", &flag, e);
	if (rc == AZ_OK && (flag == NULL || strcmp(flag, "1") != 0))
		rc = err_set(e, AZ_EDUP, "%s exists and is not a demo database; give another --db", name);
	arena_free(a);
	core_close(&c);
	if (rc != AZ_OK || (rc = store_drop(db, e)) != AZ_OK)
		return rc;
	unlink(key);
	return AZ_OK;
}

int cmd_demo(int argc, char **argv, struct cli *g)
{
	const char *listen = "127.0.0.1:8080", *pos[1], *db, *key;
	int no_serve = 0;
	const struct opt opts[] = {{"listen", &listen, NULL}, {"no-serve", NULL, &no_serve}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	struct demo_result d;
	struct arena *a;
	struct link *l;
	size_t n;
	char url[300];
	int npos, help = 0, rc;

	/* The demo has its own default database, so it never touches the real one. */
	g->db = NULL;
	if ((rc = cli_parse(argc, argv, opts, g, "demo", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig demo [--db FILE|URI] [--listen ADDR:PORT] [--no-serve]\n\n"
			    "Creates a fresh demo database (default " DEMO_DEFAULT_DB ") for the fictional\n"
			    "Gemeente Dijkwaard: one secretary, an open round with raters in every\n"
			    "group, generated answers and one link left unanswered, and three\n"
			    "accounts (administrator, secretary, coach) with new random passwords.\n"
			    "It prints every personal link and the accounts, and serves the pages\n"
			    "at --listen (default\n"
			    "127.0.0.1:8080) until stopped; --no-serve stops after printing. An\n"
			    "earlier demo database at FILE is replaced; any other file is left alone."), 0;
	if (listen_url(listen, url, sizeof url) != 0)
		return cli_usage("demo", "--listen must be ADDRESS:PORT, such as 127.0.0.1:8080");
	db = g->db ? g->db : DEMO_DEFAULT_DB;
	if ((a = arena_new()) == NULL)
		return cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	key = g->key_file ? g->key_file : core_default_key_path(a, db);
	if (demo_clear(db, key, &e) != AZ_OK || core_init(db, key, &e) != AZ_OK) {
		arena_free(a);
		return cli_fail(&e);
	}
	if (core_open(&c, db, key, url, &e) != AZ_OK) {
		arena_free(a);
		return cli_fail(&e);
	}
	if (core_demo(&c, &d, &e) != AZ_OK || core_round_links(&c, a, d.round_id, &l, &n, &e) != AZ_OK) {
		rc = cli_fail(&e);
		goto out;
	}
	printf("Demo database %s: Gemeente Dijkwaard, secretary Marieke van Dalen (leader %lld).\n"
	       "Round %lld (last year) is released; round %lld is open with %zu invitees, %zu of\n"
	       "whom answered; one link is unanswered.\n\n",
	       db, (long long)d.leader_id, (long long)d.previous_round_id, (long long)d.round_id,
	       d.ninvited, d.nsubmitted);
	{
		const char *report_url;
		if (core_report_link(&c, a, d.previous_round_id, &report_url, &e) != AZ_OK) {
			rc = cli_fail(&e);
			goto out;
		}
		printf("Last year's presence profile (the leader's report):\n%s\n\n", report_url);
	}
	printf("Personal links (the leader's own first):\n");
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%s\n", l[i].group_id, l[i].name ? l[i].name : "Marieke van Dalen (leader)",
		       l[i].url);
	printf("\nLog in at %s/login as (new passwords every time the demo starts):\n", url);
	for (int i = 0; i < DEMO_ACCOUNTS; i++)
		printf("%-14s %-30s %s\n", d.account[i].role == ROLE_ADMIN ? "administrator"
					    : d.account[i].role == ROLE_LEADER ? "secretary" : "coach",
		       d.account[i].email, d.account[i].password);
	printf("\nOpen the leader's link, or the unanswered one (Femke Hoekstra), in a browser.\n"
	       "Look around on the command line with:\n"
	       "  aanwezig --db %s round show %lld\n"
	       "  aanwezig --db %s report --round %lld --format pdf -o profiel.pdf\n"
	       "  aanwezig --db %s instrument show\n\n",
	       db, (long long)d.round_id, db, (long long)d.previous_round_id, db);
	fflush(stdout);
out:
	core_close(&c);
	arena_free(a);
	if (rc == 0 && !no_serve) {
		g->base_url = url;
		rc = cli_serve(g, db, listen, 0);
	}
	return rc;
}
