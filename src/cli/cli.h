/* cli.h — the command line: `aanwezig <noun> <verb> [options]`, in the
 * style of git and fossil. Each noun has a file (cmd_*.c); this header
 * holds what they share: global options, a declarative option parser,
 * typed getters and the one place errors become messages.
 *
 * Exit codes: 0 done, 1 the command failed, 2 the command line was wrong.
 */
#ifndef AZ_CLI_H
#define AZ_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../util/err.h"

#define CLI_DEFAULT_DB "aanwezig.db"
#define CLI_DEFAULT_BASE_URL "http://localhost:8080"

/* Options every command accepts. */
struct cli {
	const char *db;         /* --db or $AANWEZIG_DB */
	const char *key_file;   /* --key-file or $AANWEZIG_KEY_FILE; default DB.key (SQLite) */
	const char *base_url;   /* --base-url or $AANWEZIG_BASE_URL */
	const char *smtp_config;/* --smtp-config or $AANWEZIG_SMTP_CONFIG; default DB.smtp */
};

/* One accepted option. A string option stores its value in *sval; a flag
 * sets *flag to 1. */
struct opt {
	const char *name;       /* without the leading "--" */
	const char **sval;
	int *flag;
};

/* Parse argv[0..argc) (the words after the command) against opts plus the
 * global options. Positional words go to pos (at most maxpos). "--name=v"
 * and "--name v" both work; "--" ends options. Returns 0, or 2 after
 * printing what was wrong and where to find help (cmd names the command,
 * e.g. "leader add"). "--help" sets *help when help is not NULL. */
int cli_parse(int argc, char **argv, const struct opt *opts, struct cli *g, const char *cmd,
	      const char **pos, int maxpos, int *npos, int *help);

/* Print a usage error for cmd and return 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A subcommand of a command: "rater add" is {"add", rater_add}. */
struct cli_sub {
	const char *name;
	int (*run)(int argc, char **argv, struct cli *g);
};
/* Run the subcommand argv[0] of cmd from subs (ended by {NULL, NULL})
 * with the arguments after it. No subcommand prints help to stderr (2);
 * --help or help prints it to stdout (0); an unknown one is a usage error. */
int cli_subcommand(const char *cmd, const char *help, const struct cli_sub *subs, int argc, char **argv,
		   struct cli *g);
/* Print "aanwezig: message" for a failed command and return 1. */
int cli_fail(const struct err *e);
/* A positive id from text; prints a usage error and returns 2 if not. */
int cli_id(const char *cmd, const char *what, const char *s, int64_t *out);
/* Open the instance named by the global options (prints on failure).
 * core.mail is set when an SMTP server is configured. */
int cli_open(struct cli *g, struct core *c);
/* Record an administrative action of the command line in the audit log;
 * returns 0, or 1 after saying that it could not be recorded. */
int cli_audit(struct core *c, const char *action, const char *object, const char *detail);
/* Read the e-mail settings (mail/mailconf.h) named by the global options
 * into ms (prints on failure; mail_settings_reset afterwards). */
struct mail_settings;
int cli_mail_settings(struct cli *g, struct mail_settings *ms);

/* Read a whole file (or standard input for "-") of at most max bytes into
 * a new NUL-terminated buffer (free() it). */
int cli_read_file(const char *path, size_t max, char **data, size_t *n, struct err *e);
/* Write data to path through a temporary file and a rename, so that the
 * file is complete or untouched; "-" or NULL writes to standard output. */
int cli_write_file(const char *path, const char *data, size_t n, struct err *e);

/* The commands; argv starts after the noun. */
int cmd_init(int argc, char **argv, struct cli *g);
int cmd_demo(int argc, char **argv, struct cli *g);
int cmd_leader(int argc, char **argv, struct cli *g);
int cmd_round(int argc, char **argv, struct cli *g);
int cmd_rater(int argc, char **argv, struct cli *g);
int cmd_response(int argc, char **argv, struct cli *g);
int cmd_instrument(int argc, char **argv, struct cli *g);
int cmd_serve(int argc, char **argv, struct cli *g);
int cmd_report(int argc, char **argv, struct cli *g);
int cmd_analyze(int argc, char **argv, struct cli *g);
int cmd_backup(int argc, char **argv, struct cli *g);
int cmd_migrate(int argc, char **argv, struct cli *g);
int cmd_user(int argc, char **argv, struct cli *g);
int cmd_mail(int argc, char **argv, struct cli *g);
int cmd_privacy(int argc, char **argv, struct cli *g);
int cmd_audit(int argc, char **argv, struct cli *g);
/* round invite|remind|reminders|notify|tick (cmd_round_mail.c); 2 for an
 * unknown subcommand. */
int cmd_round_mail(int argc, char **argv, struct cli *g);
/* Run the web server on db until stopped (cmd_serve.c). */
int cli_serve(struct cli *g, const char *db, const char *listen, unsigned threads);
/* The same with session limits in seconds (0: the defaults). */
int cli_serve_sessions(struct cli *g, const char *db, const char *listen, unsigned threads, int64_t idle,
		       int64_t max);

#endif
