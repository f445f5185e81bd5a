/* web.h — the web server: `aanwezig serve`.
 *
 * libmicrohttpd with its internal thread pool on epoll. server.c is the
 * only file that sees libmicrohttpd; router.c holds the declarative route
 * table; one file per page family renders pages through the escaping
 * printf of render/html.h.
 */
#ifndef AZ_WEB_H
#define AZ_WEB_H

#include "../core/core.h"
#include "http.h"

struct web_config {
	const char *listen;      /* ADDRESS:PORT; port 0 picks a free one */
	const char *db;
	const char *key_file;    /* NULL: DB.key */
	const char *base_url;    /* NULL: http://ADDRESS:PORT */
	unsigned threads;        /* 0: one per core */
	int64_t session_idle;    /* seconds; 0: SESSION_IDLE_DEFAULT */
	int64_t session_max;     /* seconds; 0: SESSION_ABSOLUTE_DEFAULT */
	void (*ready)(const char *url, void *arg);  /* told the address once listening */
	void *ready_arg;
	int mail;                /* the instance sends e-mail (core.mail) */
	/* Background work: started once listening, with the running instance;
	 * stopped after the last request finished, before the store closes. */
	void (*started)(struct core *c, void *arg);
	void (*stopping)(void *arg);
	void *hook_arg;
};

/* The running application, shared by every request. Nothing here changes
 * after start-up: sessions, rate-limit counters and CSRF secrets live in
 * the store or are derived under the link key, so that several processes
 * can serve one instance. */
struct app {
	struct core core;
	char base_url[300];
	int secure;                    /* base_url is https: cookies get Secure and __Host- */
	struct session_limits session; /* see serve --session-idle and --session-max */
};

/* Serve until SIGINT or SIGTERM; then stop accepting, finish the requests
 * in flight and close the store. */
int web_serve(const struct web_config *cfg, struct err *e);

/* Route one request (router.c); fills res. */
void router_dispatch(struct request *req, struct reply *res);

/* Failed look-ups of personal and login links per client address
 * (ratelimit.c), counted in the store so that every process shares them:
 * 1 when client may try another now. */
int ratelimit_allowed(struct app *app, const char *client);
void ratelimit_failed(struct app *app, const char *client);

#endif
