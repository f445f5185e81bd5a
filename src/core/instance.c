/* instance.c — creating and opening an instance: the database plus the
 * link key that personal links are derived from (see util/token.h). The
 * key lives in its own file, readable by the owner only, so that a copy of
 * the database alone does not give away working links. */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_internal.h"

const char *core_default_key_path(struct arena *a, const char *db)
{
	if (store_target_is_pg(db))
		return NULL;
	return arena_printf(a, "%s.key", db);
}

/* A PostgreSQL database has no folder of its own to keep the key beside. */
static int key_needed(struct err *e)
{
	return err_set(e, AZ_EINVAL, "a PostgreSQL database needs its link key named: give --key-file FILE "
		       "(or set AANWEZIG_KEY_FILE); keep the key apart from the database, in the same backups");
}

static int key_create(const char *path, struct err *e)
{
	unsigned char key[TOKEN_KEY_BYTES];
	char hex[2 * TOKEN_KEY_BYTES + 2];
	int fd;
	ssize_t w;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, errno == EEXIST ? AZ_EDUP : AZ_EIO, "cannot create the link key %s: %s",
			       path, strerror(errno));
	token_random_bytes(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex - 1, key, sizeof key);
	sodium_memzero(key, sizeof key);
	strcat(hex, "\n");
	w = write(fd, hex, strlen(hex));
	sodium_memzero(hex, sizeof hex);
	if (w != (ssize_t)(2 * TOKEN_KEY_BYTES + 1) || fsync(fd) != 0) {
		int rc = err_set(e, AZ_EIO, "cannot write the link key %s: %s", path,
				 w < 0 ? strerror(errno) : "short write");
		close(fd);
		unlink(path);
		return rc;
	}
	close(fd);
	return AZ_OK;
}

int core_init(const char *db, const char *key_path, struct err *e)
{
	struct arena *a = arena_new();
	struct store *st = NULL;
	struct stat sb;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (key_path == NULL && (key_path = core_default_key_path(a, db)) == NULL) {
		rc = key_needed(e);
		goto out;
	}
	/* A PostgreSQL database is made by its operator; the store refuses
	 * one that is not empty. */
	if (!store_target_is_pg(db) && stat(db, &sb) == 0) {
		rc = err_set(e, AZ_EDUP, "%s already exists; init never overwrites a database", db);
		goto out;
	}
	if (stat(key_path, &sb) == 0) {
		rc = err_set(e, AZ_EDUP, "the link key %s already exists; move it away first "
			     "(it may belong to another database)", key_path);
		goto out;
	}
	if ((rc = key_create(key_path, e)) != AZ_OK)
		goto out;
	if ((rc = store_open(db, STORE_CREATE, &st, e)) != AZ_OK) {
		unlink(key_path);
		goto out;
	}
	store_close(st);
out:
	arena_free(a);
	return rc;
}

int core_open(struct core *c, const char *db, const char *key_path, const char *base_url, struct err *e)
{
	int rc;

	memset(c, 0, sizeof *c);
	if (key_path == NULL && store_target_is_pg(db))
		return key_needed(e);
	c->base_url = base_url;
	c->sessions = (struct session_limits){SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT};
	c->db = strdup(db);
	c->key_path = key_path ? strdup(key_path) : malloc(strlen(db) + 5);
	if (c->db == NULL || c->key_path == NULL) {
		core_close(c);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	if (key_path == NULL)
		sprintf(c->key_path, "%s.key", db);
	if ((rc = core_instrument_cache_new(c, e)) != AZ_OK) {
		core_close(c);
		return rc;
	}
	if ((rc = store_open(db, STORE_EXISTING, &c->st, e)) != AZ_OK) {
		core_close(c);
		return rc;
	}
	return AZ_OK;
}

void core_close(struct core *c)
{
	core_instrument_cache_free(c);
	store_close(c->st);
	free(c->db);
	free(c->key_path);
	sodium_memzero(c->key, sizeof c->key);
	memset(c, 0, sizeof *c);
}

int core_key(struct core *c, struct err *e)
{
	char hex[2 * TOKEN_KEY_BYTES + 8];
	size_t got = 0;
	FILE *f;
	size_t n;

	if (c->have_key)
		return AZ_OK;
	if ((f = fopen(c->key_path, "r")) == NULL)
		return err_set(e, AZ_EIO, "cannot read the link key %s: %s; personal links are "
			       "derived from it (restore it from the backup that holds the database)",
			       c->key_path, strerror(errno));
	n = fread(hex, 1, sizeof hex - 1, f);
	fclose(f);
	hex[n] = '\0';
	while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r'))
		hex[--n] = '\0';
	if (n != 2 * TOKEN_KEY_BYTES ||
	    sodium_hex2bin(c->key, sizeof c->key, hex, n, NULL, &got, NULL) != 0 || got != sizeof c->key) {
		sodium_memzero(hex, sizeof hex);
		return err_set(e, AZ_EINVAL, "the link key %s is damaged: it must hold 64 hex digits",
			       c->key_path);
	}
	sodium_memzero(hex, sizeof hex);
	c->have_key = 1;
	return AZ_OK;
}
