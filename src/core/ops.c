/* ops.c — backups of an instance: the database through its store, and
 * the link key, without which the personal links of a restored copy
 * would not work. */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_internal.h"

/* Write the loaded link key of c to a new file path, readable by its
 * owner only, as `aanwezig init` writes it. */
static int key_write(struct core *c, const char *path, struct err *e)
{
	char hex[2 * TOKEN_KEY_BYTES + 2];
	ssize_t w;
	int fd, rc = AZ_OK;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, errno == EEXIST ? AZ_EDUP : AZ_EIO, "cannot create %s for the link key: %s",
			       path, strerror(errno));
	sodium_bin2hex(hex, sizeof hex - 1, c->key, sizeof c->key);
	strcat(hex, "\n");
	w = write(fd, hex, strlen(hex));
	if (w != (ssize_t)strlen(hex) || fsync(fd) != 0) {
		rc = err_set(e, AZ_EIO, "cannot write the link key to %s: %s", path,
			     w < 0 ? strerror(errno) : "short write");
		unlink(path);
	}
	sodium_memzero(hex, sizeof hex);
	close(fd);
	return rc;
}

int core_backup(struct core *c, struct arena *a, const char *dest, const char *key_to,
		struct backup_result *out, struct err *e)
{
	struct stat sb;
	int rc;

	memset(out, 0, sizeof *out);
	out->key_from = arena_strdup(a, c->key_path);
	if (key_to == NULL)
		key_to = core_default_key_path(a, dest);
	if (stat(dest, &sb) == 0)
		return err_set(e, AZ_EDUP, "%s already exists; a backup never overwrites a file", dest);
	if (key_to[0] != '\0') {
		/* A copy without a working key is no backup: check both first. */
		if ((rc = core_key(c, e)) != AZ_OK)
			return err_prefix(e, "nothing was copied");
		if (stat(key_to, &sb) == 0)
			return err_set(e, AZ_EDUP, "%s already exists; a backup never overwrites a file", key_to);
	}
	if ((rc = c->st->ops->backup(c->st, dest, &out->info, e)) != AZ_OK)
		return rc;
	if (key_to[0] != '\0') {
		if ((rc = key_write(c, key_to, e)) != AZ_OK) {
			unlink(dest);
			return err_prefix(e, "the copy %s was removed again", dest);
		}
		out->key_to = arena_strdup(a, key_to);
	}
	return AZ_OK;
}
