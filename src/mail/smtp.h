/* smtp.h — sending one message at a time to an SMTP server, through
 * libcurl's SMTP client. smtp.c is the only file that sees libcurl.
 *
 * A session keeps one libcurl handle, so that the messages of one run go
 * over one connection. Each send ends in one of four outcomes, with the
 * server's own answer when it gave one:
 *
 *   SMTP_SENT       the server took the message (250 after DATA)
 *   SMTP_TEMPORARY  try again later: a 4xx answer about this message
 *   SMTP_UNREACHABLE try again later, and the others too: no connection,
 *                   or no answer before the timeout (a server that hangs)
 *   SMTP_PERMANENT  this message will never go: a 5xx answer about it
 *   SMTP_UNCERTAIN  the whole message went out but the server's
 *                   confirmation never came (a timeout, a broken
 *                   connection): it may have arrived, so it is not sent
 *                   again on its own
 *   SMTP_CONFIG     nothing will go until the configuration is fixed:
 *                   TLS required but not offered or not trusted, login
 *                   refused, the sender refused, a malformed URL
 *
 * Configuration (mail/config.c) comes from a file and the environment;
 * the password only from a file or the environment, never from the
 * command line (where other users could read it).
 */
#ifndef AZ_MAIL_SMTP_H
#define AZ_MAIL_SMTP_H

#include <stddef.h>

#include "../util/err.h"

enum smtp_tls { SMTP_TLS_OFF, SMTP_TLS_OPTIONAL, SMTP_TLS_REQUIRED };

struct smtp_config {
	const char *url;            /* smtp://host[:port][/helo-name] (STARTTLS per tls)
				       or smtps:// (TLS from the start) */
	int tls;                    /* enum smtp_tls: STARTTLS on smtp:// */
	const char *user;           /* NULL: no login */
	const char *password;
	const char *from;           /* the sender address */
	const char *from_name;      /* its display name, or NULL */
	const char *ca_file;        /* trust these certificates (PEM), or NULL: the system's */
	long connect_timeout;       /* seconds to connect (TCP and TLS) */
	long timeout;               /* seconds for one whole message */
};

enum smtp_outcome { SMTP_SENT, SMTP_TEMPORARY, SMTP_UNREACHABLE, SMTP_PERMANENT, SMTP_UNCERTAIN, SMTP_CONFIG };

#define SMTP_ANSWER_MAX 400

struct smtp;

/* Start a session (no connection is made yet). AZ_ENOMEM, or AZ_EINVAL
 * for a configuration that can't work (no URL, no sender). */
int smtp_open(const struct smtp_config *cfg, struct smtp **out, struct err *e);
/* Close the connection, if any, and free the session. NULL is fine. */
void smtp_close(struct smtp *s);

/* Send msg[0..len) (a whole RFC 5322 message, CRLF line ends) to rcpt.
 * Returns an enum smtp_outcome; answer gets the server's last answer, or
 * what went wrong (NUL-terminated, at most SMTP_ANSWER_MAX bytes, no line
 * breaks). */
int smtp_send(struct smtp *s, const char *rcpt, const char *msg, size_t len, char *answer);

/* The outcome of a finished exchange: from libcurl's result, the last
 * SMTP reply code (0 when none came), the command it answered ("MAIL",
 * "RCPT", "DATA" for the end of the message, "" before any) and whether
 * the whole message was handed over. Pure; exposed for the tests. */
int smtp_classify(int curl_code, int reply_code, const char *command, int data_sent);

#endif
