/* mailconf.c — see mailconf.h. */
#include "mailconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/text.h"

void mail_settings_init(struct mail_settings *ms)
{
	memset(ms, 0, sizeof *ms);
	ms->smtp.tls = SMTP_TLS_REQUIRED;
	ms->smtp.connect_timeout = 10;
	ms->smtp.timeout = 60;
	ms->retry_first = 60;
	ms->retry_max = 3600;
	ms->max_attempts = 10;
	ms->interval = 5;
}

void mail_settings_reset(struct mail_settings *ms)
{
	arena_free(ms->a);
	mail_settings_init(ms);
}

/* A whole number in [lo, hi] for key. */
static int number(const char *v, long lo, long hi, long *out, const char *origin, int line,
		  const char *key, struct err *e)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi)
		return err_set(e, AZ_EINVAL, "%s:%d: %s must be a whole number from %ld to %ld, not \"%.40s\"",
			       origin, line, key, lo, hi, v);
	*out = n;
	return AZ_OK;
}

static int tls_mode(const char *v, int *out)
{
	if (strcmp(v, "required") == 0 || strcmp(v, "yes") == 0)
		*out = SMTP_TLS_REQUIRED;
	else if (strcmp(v, "optional") == 0 || strcmp(v, "try") == 0)
		*out = SMTP_TLS_OPTIONAL;
	else if (strcmp(v, "off") == 0 || strcmp(v, "no") == 0)
		*out = SMTP_TLS_OFF;
	else
		return -1;
	return 0;
}

/* Read the password from a file that only its owner may read. */
static int password_file(struct mail_settings *ms, const char *path, const char *origin, struct err *e)
{
	struct stat sb;
	char line[512];
	FILE *f;
	size_t n;

	if ((f = fopen(path, "r")) == NULL)
		return err_set(e, AZ_EIO, "%s: cannot read the password file %s: %s", origin, path,
			       strerror(errno));
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077) != 0) {
		fclose(f);
		return err_set(e, AZ_EINVAL, "%s: the password file %s may be read by others; make it "
			       "readable by its owner only (chmod 600 %s)", origin, path, path);
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	ms->smtp.password = arena_strdup(ms->a, line);
	memset(line, 0, sizeof line);
	return AZ_OK;
}

/* Set one key; line 0 means it came from the environment. */
static int set_key(struct mail_settings *ms, const char *key, const char *v, const char *origin, int line,
		   struct err *e)
{
	long n;
	int rc = AZ_OK;

	if (strcmp(key, "url") == 0) {
		if (strncmp(v, "smtp://", 7) != 0 && strncmp(v, "smtps://", 8) != 0)
			return err_set(e, AZ_EINVAL, "%s:%d: url must start with smtp:// or smtps://, not "
				       "\"%.60s\"", origin, line, v);
		ms->smtp.url = arena_strdup(ms->a, v);
	} else if (strcmp(key, "starttls") == 0) {
		if (tls_mode(v, &ms->smtp.tls) != 0)
			return err_set(e, AZ_EINVAL, "%s:%d: starttls must be required, optional or off, "
				       "not \"%.40s\"", origin, line, v);
	} else if (strcmp(key, "user") == 0) {
		ms->smtp.user = arena_strdup(ms->a, v);
	} else if (strcmp(key, "password-file") == 0) {
		rc = password_file(ms, v, origin, e);
	} else if (strcmp(key, "password") == 0 && line == 0) {
		ms->smtp.password = arena_strdup(ms->a, v);
	} else if (strcmp(key, "from") == 0) {
		char norm[256];
		const char *why;
		if (email_normalise(v, norm, sizeof norm, &why) != 0)
			return err_set(e, AZ_EINVAL, "%s:%d: the sender address \"%.100s\" %s", origin, line, v, why);
		ms->smtp.from = arena_strdup(ms->a, norm);
	} else if (strcmp(key, "from-name") == 0) {
		if (text_has_control(v, 0) || !utf8_valid(v, strlen(v)) || strlen(v) > 200)
			return err_set(e, AZ_EINVAL, "%s:%d: from-name must be one line of at most 200 "
				       "characters", origin, line);
		ms->smtp.from_name = arena_strdup(ms->a, v);
	} else if (strcmp(key, "ca-file") == 0) {
		ms->smtp.ca_file = arena_strdup(ms->a, v);
	} else if (strcmp(key, "connect-timeout") == 0) {
		if ((rc = number(v, 1, 600, &n, origin, line, key, e)) == AZ_OK)
			ms->smtp.connect_timeout = n;
	} else if (strcmp(key, "timeout") == 0) {
		if ((rc = number(v, 1, 3600, &n, origin, line, key, e)) == AZ_OK)
			ms->smtp.timeout = n;
	} else if (strcmp(key, "retry-first") == 0) {
		if ((rc = number(v, 1, 86400, &n, origin, line, key, e)) == AZ_OK)
			ms->retry_first = n;
	} else if (strcmp(key, "retry-max") == 0) {
		if ((rc = number(v, 1, 7 * 86400, &n, origin, line, key, e)) == AZ_OK)
			ms->retry_max = n;
	} else if (strcmp(key, "max-attempts") == 0) {
		if ((rc = number(v, 1, 100, &n, origin, line, key, e)) == AZ_OK)
			ms->max_attempts = (int)n;
	} else if (strcmp(key, "interval") == 0) {
		if ((rc = number(v, 1, 3600, &n, origin, line, key, e)) == AZ_OK)
			ms->interval = (int)n;
	} else if (strcmp(key, "password") == 0) {
		return err_set(e, AZ_EINVAL, "%s:%d: put the password in a file of its own "
			       "(password-file = PATH, mode 600) or in AANWEZIG_SMTP_PASSWORD", origin, line);
	} else {
		return err_set(e, AZ_EINVAL, "%s:%d: unknown setting \"%.40s\" (see docs/mail.md)", origin,
			       line, key);
	}
	if (rc == AZ_OK && ms->a->failed)
		rc = err_set(e, AZ_ENOMEM, "out of memory");
	return rc;
}

int mail_settings_parse(struct mail_settings *ms, const char *text, const char *origin, struct err *e)
{
	char *copy, *line, *next;
	int no = 0, rc = AZ_OK;

	if (ms->a == NULL && (ms->a = arena_new()) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((copy = arena_strdup(ms->a, text)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (line = copy; line != NULL && rc == AZ_OK; line = next) {
		char *eq, *key, *val;

		no++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		key = text_trim(line);
		if (key[0] == '\0' || key[0] == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			rc = err_set(e, AZ_EINVAL, "%s:%d: expected \"setting = value\"", origin, no);
			break;
		}
		*eq = '\0';
		val = text_trim(eq + 1);
		key = text_trim(key);
		rc = set_key(ms, key, val, origin, no, e);
	}
	return rc;
}

/* Settings from the environment, over those of the file. */
static int load_env(struct mail_settings *ms, struct err *e)
{
	static const char *const vars[][2] = {
		{"AANWEZIG_SMTP_URL", "url"}, {"AANWEZIG_SMTP_STARTTLS", "starttls"},
		{"AANWEZIG_SMTP_USER", "user"}, {"AANWEZIG_SMTP_PASSWORD_FILE", "password-file"},
		{"AANWEZIG_SMTP_PASSWORD", "password"}, {"AANWEZIG_SMTP_FROM", "from"},
		{"AANWEZIG_SMTP_FROM_NAME", "from-name"}};
	int rc;

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i][0]);
		if (v == NULL || v[0] == '\0')
			continue;
		if ((rc = set_key(ms, vars[i][1], v, vars[i][0], 0, e)) != AZ_OK)
			return rc;
	}
	return AZ_OK;
}

int mail_settings_load(struct mail_settings *ms, const char *path, int must_exist, struct err *e)
{
	char buf[4096];
	struct stat sb;
	FILE *f = NULL;
	size_t n;
	int rc;

	if (ms->a == NULL && (ms->a = arena_new()) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (path != NULL && (f = fopen(path, "r")) == NULL && (must_exist || errno != ENOENT))
		return err_set(e, AZ_EIO, "cannot read the e-mail settings %s: %s", path, strerror(errno));
	if (f != NULL) {
		if (fstat(fileno(f), &sb) == 0 && sb.st_size > (off_t)sizeof buf - 1) {
			fclose(f);
			return err_set(e, AZ_EINVAL, "the e-mail settings %s are longer than %zu bytes", path,
				       sizeof buf - 1);
		}
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		ms->origin = arena_strdup(ms->a, path);
		if ((rc = mail_settings_parse(ms, buf, path, e)) != AZ_OK)
			return rc;
	}
	if ((rc = load_env(ms, e)) != AZ_OK)
		return rc;
	ms->configured = ms->smtp.url != NULL;
	if (ms->configured && ms->smtp.from == NULL)
		return err_set(e, AZ_EINVAL, "%s: the SMTP server is set but not the sender address "
			       "(from = ADDRESS)", ms->origin ? ms->origin : "AANWEZIG_SMTP_URL");
	if (ms->retry_max < ms->retry_first)
		ms->retry_max = ms->retry_first;
	return AZ_OK;
}
