/* mailconf.h — where e-mail goes and how patiently: the SMTP server, the
 * sender, and the outbox's retry policy, read from a small file and the
 * environment (docs/mail.md).
 *
 *     # aanwezig.db.smtp
 *     url = smtp://mail.gemeente.example:587
 *     starttls = required
 *     user = aanwezig@gemeente.example
 *     password-file = /etc/aanwezig/smtp-password
 *     from = aanwezig@gemeente.example
 *     from-name = Aanwezigheidsprofiel
 *
 * The environment overrides the file: AANWEZIG_SMTP_URL, _STARTTLS,
 * _USER, _PASSWORD, _PASSWORD_FILE, _FROM, _FROM_NAME. A password is never
 * taken from the command line, and a password file must not be readable
 * by others (mode 0600 or 0400).
 */
#ifndef AZ_MAIL_MAILCONF_H
#define AZ_MAIL_MAILCONF_H

#include <stdint.h>

#include "../util/arena.h"
#include "../util/err.h"
#include "smtp.h"

struct mail_settings {
	int configured;             /* an SMTP server is set: e-mail can be sent */
	const char *origin;         /* the file read, or NULL */
	struct smtp_config smtp;
	int64_t retry_first;        /* seconds before the first retry (60) */
	int64_t retry_max;          /* the longest wait between tries (3600) */
	int max_attempts;           /* tries before a message is marked failed (10) */
	int interval;               /* seconds between the server's outbox runs (5) */
	struct arena *a;            /* owns the strings */
};

/* The defaults, no server. */
void mail_settings_init(struct mail_settings *ms);
/* Read path (when not NULL) and the environment into ms. With must_exist
 * a missing file is an error; otherwise it is the same as an empty one.
 * Every problem names the file and line. */
int mail_settings_load(struct mail_settings *ms, const char *path, int must_exist, struct err *e);
void mail_settings_reset(struct mail_settings *ms);

/* Parse the text of a settings file (origin names it in messages) into
 * ms; the environment is not read. For the tests and for _load. */
int mail_settings_parse(struct mail_settings *ms, const char *text, const char *origin, struct err *e);

#endif
