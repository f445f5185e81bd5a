/* cmd_user.c — `aanwezig user add|list|password`: the accounts of
 * administrators, leaders and coaches. A password is never taken from the
 * command line (other users can read it in the process list): it comes
 * from a file or from standard input, and a terminal does not echo it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static const char help_user[] =
	"Usage: aanwezig user <add|list|password> [options]\n"
	"\n"
	"  add --role admin|leader|coach --email ADDRESS --name NAME [--leader N]\n"
	"      [--language nl|en] [--password-file FILE | --password-stdin]\n"
	"        add an account; prints its number\n"
	"  list  list all accounts\n"
	"  password --email ADDRESS [--password-file FILE]\n"
	"        set an account's password (from standard input unless a file is\n"
	"        given) and end all its sessions\n";

static const char help_add[] =
	"Usage: aanwezig user add --role admin|leader|coach --email ADDRESS --name NAME\n"
	"                         [--leader N] [--language nl|en]\n"
	"                         [--password-file FILE | --password-stdin]\n"
	"\n"
	"Adds an account and prints its number. Administrators run rounds and see\n"
	"progress and exports; a leader account (--leader: the leader's number from\n"
	"`aanwezig leader list`) sees its own rounds and reports; a coach reads the\n"
	"reports leaders share with them. The first administrator is made this way.\n"
	"\n"
	"The password is read from the first line of FILE, or of standard input;\n"
	"never give it on the command line. It needs at least 15 characters and may\n"
	"not be a common password. Without one, the account logs in with a link by\n"
	"e-mail only.\n";

/* Read a password: the first line of path ("-": standard input, without
 * echo when it is a terminal). Returns a malloc'd string or NULL after
 * printing why. */
static char *read_password(const char *path)
{
	struct err e = {0};
	struct termios old, quiet;
	int tty = strcmp(path, "-") == 0 && isatty(STDIN_FILENO);
	char *data = NULL;
	size_t n = 0;
	int rc;

	if (tty) {
		fprintf(stderr, "Password: ");
		fflush(stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
		/* A terminal gives one line at a time: read just that. */
		data = malloc(4096);
		if (data != NULL && fgets(data, 4096, stdin) == NULL)
			data[0] = '\0';
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
		rc = data != NULL ? AZ_OK : err_set(&e, AZ_ENOMEM, "out of memory");
	} else {
		rc = cli_read_file(path, 4096, &data, &n, &e);
	}
	if (rc != AZ_OK) {
		cli_fail(&e);
		return NULL;
	}
	data[strcspn(data, "\r\n")] = '\0';
	return data;
}

static void password_free(char *p)
{
	if (p != NULL) {
		memset(p, 0, strlen(p));
		free(p);
	}
}

static int user_add(int argc, char **argv, struct cli *g)
{
	const char *role = NULL, *email = NULL, *name = NULL, *leader = NULL, *lang = NULL, *file = NULL, *pos[1];
	int from_stdin = 0;
	const struct opt opts[] = {
		{"role", &role, NULL}, {"email", &email, NULL}, {"name", &name, NULL}, {"leader", &leader, NULL},
		{"language", &lang, NULL}, {"password-file", &file, NULL}, {"password-stdin", NULL, &from_stdin},
		{NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	char *password = NULL;
	int64_t leader_id = 0, id;
	int npos, help = 0, rc, r;

	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "--password", 10) == 0 && (argv[i][10] == '\0' || argv[i][10] == '='))
			return cli_usage("user add", "never give a password on the command line; use "
					 "--password-file FILE or --password-stdin");
	if ((rc = cli_parse(argc, argv, opts, g, "user add", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return fputs(help_add, stdout), 0;
	if (role == NULL || email == NULL || name == NULL)
		return cli_usage("user add", "--role, --email and --name are required");
	if ((r = user_role_parse(role)) < 0)
		return cli_usage("user add", "--role must be admin, leader or coach, not \"%.20s\"", role);
	if (leader != NULL && (rc = cli_id("user add", "leader", leader, &leader_id)) != 0)
		return rc;
	if (file != NULL && from_stdin)
		return cli_usage("user add", "give --password-file or --password-stdin, not both");
	if ((file != NULL || from_stdin) && (password = read_password(file ? file : "-")) == NULL)
		return 1;
	if ((rc = cli_open(g, &c)) != 0) {
		password_free(password);
		return rc;
	}
	if (core_user_add(&c, &core_cli_actor, email, name, r, leader_id, password, lang, &id, &e) != AZ_OK)
		rc = cli_fail(&e);
	else
		printf("%lld\n", (long long)id);
	password_free(password);
	core_close(&c);
	return rc;
}

static int user_list(int argc, char **argv, struct cli *g)
{
	const char *pos[1];
	struct core c;
	struct err e = {0};
	struct arena *a;
	struct user *u;
	size_t n;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, NULL, g, "user list", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig user list\n\nLists all accounts: number, e-mail, name, role, "
			    "leader (for leader accounts), language, and whether it has a password."), 0;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if ((a = arena_new()) == NULL || c.st->ops->user_list(c.st, a, &u, &n, &e) != AZ_OK) {
		rc = cli_fail(a ? &e : &(struct err){AZ_ENOMEM, "out of memory"});
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)u[i].id, u[i].email, u[i].name,
			       user_role_name(u[i].role),
			       u[i].leader_id ? arena_printf(a, "leader %lld", (long long)u[i].leader_id) : "-",
			       u[i].language, u[i].password ? "password" : "link only");
	}
	arena_free(a);
	core_close(&c);
	return rc;
}

static int user_password(int argc, char **argv, struct cli *g)
{
	const char *email = NULL, *file = "-", *pos[1];
	const struct opt opts[] = {{"email", &email, NULL}, {"password-file", &file, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	char *password;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "user password", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig user password --email ADDRESS [--password-file FILE]\n\n"
			    "Sets the account's password from the first line of FILE or of standard\n"
			    "input, and ends all its sessions."), 0;
	if (email == NULL)
		return cli_usage("user password", "--email is required");
	if ((password = read_password(file)) == NULL)
		return 1;
	if ((rc = cli_open(g, &c)) != 0) {
		password_free(password);
		return rc;
	}
	if (core_user_set_password(&c, &core_cli_actor, email, password, &e) != AZ_OK)
		rc = cli_fail(&e);
	else
		printf("The password is set; every session of %s has ended.\n", email);
	password_free(password);
	core_close(&c);
	return rc;
}

int cmd_user(int argc, char **argv, struct cli *g)
{
	static const struct cli_sub subs[] = {
		{"add", user_add},
		{"list", user_list},
		{"password", user_password},
		{NULL, NULL},
	};

	return cli_subcommand("user", help_user, subs, argc, argv, g);
}
