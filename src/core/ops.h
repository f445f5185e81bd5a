/* ops.h — operating an instance: backups and moving a database to
 * another backend (ops.c, migrate.c). No SQL here: the store does the
 * copying (store.h, version 5); this layer adds the link key, the checks
 * and the report.
 */
#ifndef AZ_CORE_OPS_H
#define AZ_CORE_OPS_H

#include <stdint.h>

#include "core.h"

/* What core_backup made. */
struct backup_result {
	struct store_backup_info info;
	const char *key_to;      /* where the link key was copied, or NULL */
	const char *key_from;    /* the instance's link key file */
};

/* Back up the open instance c to the new file dest (never overwriting
 * one), and its link key to key_to (NULL: dest + ".key"; "" leaves the
 * key where it is). The key is checked before the copy starts; when it
 * cannot be written the copy is removed again, so a backup is either
 * complete with its key or not made. Strings in a. */
int core_backup(struct core *c, struct arena *a, const char *dest, const char *key_to,
		struct backup_result *out, struct err *e);

/* One table of a migration: rows and checksum on both sides. The checksum
 * is BLAKE2b-256 over the table's rows in primary-key order, each value
 * as its kind (null or not) and its text, so it is the same on every
 * backend for the same data. */
struct migrate_table {
	const char *name;
	int64_t rows_from, rows_to;
	char sum_from[65], sum_to[65];
};

struct migrate_result {
	struct migrate_table *tables;
	size_t ntable;
	int schema_version;
	double seconds;          /* copying and verifying */
};

/* Copy every table of the database `from` into the new, empty database
 * `to` (created when it is a file; a PostgreSQL database must exist and
 * hold no data) in one transaction on the target, keeping every id; then
 * read both back and compare the row count and checksum of every table.
 * AZ_ESTATE when the target holds data; AZ_ESTORE when the verification
 * finds a difference (the message names the table). Strings in a. */
int core_migrate(struct arena *a, const char *from, const char *to, struct migrate_result *out,
		 struct err *e);

#endif
