/* err.h — one status code plus a human message, filled by whoever fails.
 *
 * Functions return a status (AZ_OK or one of the codes below) and, when
 * they fail, describe the failure in a caller-owned struct err. One place
 * (the CLI's main, later the web's error page) turns it into output.
 */
#ifndef AZ_ERR_H
#define AZ_ERR_H

enum az_status {
	AZ_OK = 0,
	AZ_EINVAL,     /* bad input from the user: argument, file, form */
	AZ_ENOTFOUND,  /* the thing asked for does not exist */
	AZ_ESTATE,     /* the thing exists but is in the wrong state */
	AZ_EDUP,       /* would create a duplicate */
	AZ_ESTORE,     /* the database failed or refused */
	AZ_ESCHEMA,    /* the database is of a schema this program can't use */
	AZ_EIO,        /* a file could not be read or written */
	AZ_ENOMEM,     /* out of memory */
	AZ_ECRYPTO,    /* libsodium failed (should not happen) */
	AZ_EANON,      /* refused to protect raters' anonymity */
	AZ_EUNAVAIL,   /* the database cannot be reached now; try again later */
	AZ_EDENIED,    /* not allowed for this account (or not logged in) */
	AZ_ELIMIT      /* too many attempts; wait before trying again */
};

struct err {
	int code;        /* enum az_status; AZ_OK while nothing failed */
	char msg[1024];  /* the message for a person, without trailing newline */
};

/* Fill *e with code and a printf-formatted message; returns code, so that
 * callers can write `return err_set(e, AZ_EINVAL, "...")`. e may be NULL. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Put "prefix: " in front of the message already in *e (for context such
 * as a file name or line number). Returns e->code. */
int err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
