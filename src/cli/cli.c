/* cli.c — option parsing, typed getters, files and error output shared by
 * every command. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../mail/mailconf.h"
#include "../util/buf.h"

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "aanwezig %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nSee `aanwezig %s --help`.\n", cmd);
	return 2;
}

int cli_fail(const struct err *e)
{
	fprintf(stderr, "aanwezig: %s\n", e->msg[0] ? e->msg : "failed");
	return 1;
}

/* Find opt name among opts, then the global ones. */
static int set_opt(const struct opt *opts, struct cli *g, const char *name, const char *val,
		   int *takes)
{
	const struct opt globals[] = {
		{"db", &g->db, NULL}, {"key-file", &g->key_file, NULL}, {"base-url", &g->base_url, NULL},
		{"smtp-config", &g->smtp_config, NULL}, {NULL, NULL, NULL}};
	const struct opt *lists[2] = {opts, globals};

	for (int l = 0; l < 2; l++) {
		for (const struct opt *o = lists[l]; o && o->name; o++) {
			if (strcmp(o->name, name) != 0)
				continue;
			*takes = o->sval != NULL;
			if (o->sval != NULL && val != NULL)
				*o->sval = val;
			if (o->flag != NULL)
				*o->flag = 1;
			return 0;
		}
	}
	return -1;
}

int cli_parse(int argc, char **argv, const struct opt *opts, struct cli *g, const char *cmd,
	      const char **pos, int maxpos, int *npos, int *help)
{
	int only_pos = 0;

	*npos = 0;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i], name[64];
		const char *val = NULL, *eq;
		int takes = 0;

		if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
			if (*npos >= maxpos)
				return cli_usage(cmd, "unexpected argument \"%.60s\"", a);
			pos[(*npos)++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			if (help != NULL)
				*help = 1;
			continue;
		}
		if (a[1] != '-' && !(a[1] == 'o' && a[2] == '\0'))
			return cli_usage(cmd, "unknown option \"%.60s\"", a);
		a += a[1] == '-' ? 2 : 1;
		eq = strchr(a, '=');
		snprintf(name, sizeof name, "%.*s", (int)(eq ? (size_t)(eq - a) : strlen(a)), a);
		if (strcmp(name, "o") == 0)
			snprintf(name, sizeof name, "output");
		if (set_opt(opts, g, name, NULL, &takes) != 0)
			return cli_usage(cmd, "unknown option --%s", name);
		if (takes) {
			if (eq != NULL)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return cli_usage(cmd, "--%s needs a value", name);
			set_opt(opts, g, name, val, &takes);
		} else if (eq != NULL) {
			return cli_usage(cmd, "--%s takes no value", name);
		}
	}
	return 0;
}

int cli_id(const char *cmd, const char *what, const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL)
		return cli_usage(cmd, "which %s? Give its number", what);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0)
		return cli_usage(cmd, "the %s must be a positive whole number, not \"%.40s\"", what, s);
	*out = v;
	return 0;
}

int cli_audit(struct core *c, const char *action, const char *object, const char *detail)
{
	struct err e = {0};

	if (core_audit(c, &core_cli_actor, action, object, detail, &e) == AZ_OK)
		return 0;
	fprintf(stderr, "aanwezig: done, but the audit log could not record it: %s\n", e.msg);
	return 1;
}

int cli_mail_settings(struct cli *g, struct mail_settings *ms)
{
	struct err e = {0};
	const char *path = g->smtp_config;
	char *beside = NULL;
	int must = 1, rc;

	mail_settings_init(ms);
	if (path == NULL || path[0] == '\0')
		path = getenv("AANWEZIG_SMTP_CONFIG");
	if ((path == NULL || path[0] == '\0') && g->db != NULL && strstr(g->db, "://") == NULL &&
	    (beside = malloc(strlen(g->db) + 6)) != NULL) {
		/* The settings may sit beside the database, like its link key. */
		sprintf(beside, "%s.smtp", g->db);
		path = beside;
		must = 0;
	}
	rc = mail_settings_load(ms, path && path[0] ? path : NULL, must, &e);
	free(beside);
	if (rc != AZ_OK) {
		mail_settings_reset(ms);
		return cli_fail(&e);
	}
	return 0;
}

int cli_open(struct cli *g, struct core *c)
{
	struct mail_settings ms;
	struct err e = {0};
	int rc;

	if ((rc = cli_mail_settings(g, &ms)) != 0)
		return rc;
	if (core_open(c, g->db, g->key_file, g->base_url, &e) != AZ_OK) {
		mail_settings_reset(&ms);
		return cli_fail(&e);
	}
	c->mail = ms.configured;
	mail_settings_reset(&ms);
	return 0;
}

int cli_read_file(const char *path, size_t max, char **data, size_t *n, struct err *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t got;

	*data = NULL;
	*n = 0;
	if (f == NULL)
		return err_set(e, AZ_EIO, "cannot read %s: %s", path, strerror(errno));
	buf_init(&b);
	/* A regular file's size is known: read it without regrowing. */
	{
		struct stat sb;
		if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
		    (size_t)sb.st_size <= max)
			buf_reserve(&b, (size_t)sb.st_size + 1);
	}
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + got > max) {
			if (f != stdin)
				fclose(f);
			buf_reset(&b);
			return err_set(e, AZ_EINVAL, "%s is larger than %zu KiB", path, max / 1024);
		}
		buf_append(&b, chunk, got);
	}
	if (ferror(f)) {
		int rc = err_set(e, AZ_EIO, "cannot read %s: %s", path, strerror(errno));
		if (f != stdin)
			fclose(f);
		buf_reset(&b);
		return rc;
	}
	if (f != stdin)
		fclose(f);
	*n = b.len;
	if ((*data = buf_steal(&b)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	return AZ_OK;
}

int cli_write_file(const char *path, const char *data, size_t n, struct err *e)
{
	char *tmp;
	int fd, ok;
	size_t off = 0;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (fwrite(data, 1, n, stdout) != n || fflush(stdout) != 0)
			return err_set(e, AZ_EIO, "cannot write to standard output: %s", strerror(errno));
		return AZ_OK;
	}
	if ((tmp = malloc(strlen(path) + 16)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	sprintf(tmp, "%s.tmp-XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		int rc = err_set(e, AZ_EIO, "cannot write %s: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	ok = off == n && fsync(fd) == 0;
	if (close(fd) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		int rc = err_set(e, AZ_EIO, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return rc;
	}
	free(tmp);
	return AZ_OK;
}

int cli_subcommand(const char *cmd, const char *help, const struct cli_sub *subs, int argc, char **argv,
		   struct cli *g)
{
	if (argc == 0 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0) {
		fputs(help, argc == 0 ? stderr : stdout);
		return argc == 0 ? 2 : 0;
	}
	for (const struct cli_sub *sub = subs; sub->name != NULL; sub++)
		if (strcmp(argv[0], sub->name) == 0)
			return sub->run(argc - 1, argv + 1, g);
	return cli_usage(cmd, "unknown subcommand \"%.40s\"", argv[0]);
}
