/* cmd_ops.c — `aanwezig backup` and `aanwezig migrate`: operating an
 * instance (see docs/operations.md). */
#include <stdio.h>
#include <string.h>

#include "../core/ops.h"
#include "cli.h"

static const char help_backup[] =
	"Usage: aanwezig backup [--db FILE] --to COPY.db [--key-to FILE] [--no-key]\n"
	"\n"
	"Makes a consistent copy of a SQLite database while it is in use (a\n"
	"server may keep taking submissions meanwhile): SQLite's online backup\n"
	"reads one snapshot, the copy must pass SQLite's integrity check, and only\n"
	"then gets its name. It never overwrites a file.\n"
	"\n"
	"The link key goes with it, to COPY.db.key (or --key-to FILE): personal\n"
	"links are derived from it, so a copy without its key gives no working\n"
	"links. --no-key leaves the key where it is; back it up yourself.\n"
	"\n"
	"Restore: stop the server, put COPY.db and its key in place of FILE and\n"
	"FILE.key, start the server. A PostgreSQL database is backed up with\n"
	"pg_dump; see docs/operations.md.\n";

int cmd_backup(int argc, char **argv, struct cli *g)
{
	const char *to = NULL, *key_to = NULL, *pos[1];
	int no_key = 0;
	const struct opt opts[] = {
		{"to", &to, NULL}, {"key-to", &key_to, NULL}, {"no-key", NULL, &no_key}, {NULL, NULL, NULL}};
	struct backup_result res;
	struct core c;
	struct err e = {0};
	struct arena *a;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "backup", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return fputs(help_backup, stdout), 0;
	if (to == NULL || to[0] == '\0')
		return cli_usage("backup", "where to? Give --to COPY.db");
	if (no_key && key_to != NULL)
		return cli_usage("backup", "--no-key and --key-to exclude each other");
	if ((a = arena_new()) == NULL)
		return cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	if ((rc = cli_open(g, &c)) != 0) {
		arena_free(a);
		return rc;
	}
	if (core_backup(&c, a, to, no_key ? "" : key_to, &res, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		printf("backed up %s to %s (%.1f MB, %lld pages; integrity check ok)\n", g->db, to,
		       (double)res.info.bytes / 1e6, (long long)res.info.pages);
		if (res.key_to != NULL)
			printf("the link key went to %s; keep it with the copy\n", res.key_to);
		else
			printf("the link key was not copied: back up %s too, or the personal links of the "
			       "copy will not work\n", res.key_from);
	}
	core_close(&c);
	arena_free(a);
	return rc;
}

static const char help_migrate[] =
	"Usage: aanwezig migrate --from FILE.db --to TARGET\n"
	"\n"
	"Copies every table of the database FILE.db to TARGET: a PostgreSQL\n"
	"database (postgresql://USER@HOST/NAME, which must exist and hold no data\n"
	"yet; the schema is made first) or a new SQLite file. The copy is one\n"
	"transaction on the target: it is complete or absent. Every id is kept.\n"
	"Then both databases are read back and each table's row count and\n"
	"checksum (BLAKE2b over the rows in key order) compared; any difference\n"
	"fails the command.\n"
	"\n"
	"Stop the server first: what it stores during the copy would not be\n"
	"copied. The link key stays the same: point the server at it with\n"
	"--key-file (personal links keep working).\n";

int cmd_migrate(int argc, char **argv, struct cli *g)
{
	const char *from = NULL, *to = NULL, *pos[1];
	const struct opt opts[] = {{"from", &from, NULL}, {"to", &to, NULL}, {NULL, NULL, NULL}};
	struct migrate_result res;
	struct err e = {0};
	struct arena *a;
	int npos, help = 0, rc;
	int64_t total = 0;

	if ((rc = cli_parse(argc, argv, opts, g, "migrate", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return fputs(help_migrate, stdout), 0;
	if (from == NULL || to == NULL || from[0] == '\0' || to[0] == '\0')
		return cli_usage("migrate", "--from and --to are both required");
	if ((a = arena_new()) == NULL)
		return cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	rc = core_migrate(a, from, to, &res, &e);
	if (res.ntable > 0)
		printf("%-20s %12s %12s  %s\n", "table", "source", "target", "checksum");
	for (size_t i = 0; i < res.ntable; i++) {
		const struct migrate_table *t = &res.tables[i];
		int same = t->rows_from == t->rows_to && strcmp(t->sum_from, t->sum_to) == 0;
		if (t->rows_from < 0)
			printf("%-20s %12s %12lld  (only in the target)\n", t->name, "-", (long long)t->rows_to);
		else
			printf("%-20s %12lld %12lld  %.16s %s\n", t->name, (long long)t->rows_from,
			       (long long)t->rows_to, t->sum_from, rc != AZ_OK && !same ? "DIFFERS" : "same");
		total += t->rows_from > 0 ? t->rows_from : 0;
	}
	if (rc != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		printf("copied %lld rows in %zu tables from %s to the target in %.1f s; every table "
		       "verified\n", (long long)total, res.ntable, from, res.seconds);
		rc = 0;
	}
	arena_free(a);
	return rc;
}
