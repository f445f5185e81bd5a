/* web.h — the web server: `aanwezig serve`.
 *
 * libmicrohttpd with its internal thread pool on epoll. server.c is the
 * only file that sees libmicrohttpd; router.c holds the declarative route
 * table; one file per page family renders pages through the escaping
 * printf of render/html.h.
 */
#ifndef AZ_WEB_H
#define AZ_WEB_H

#include <pthread.h>

#include "../core/core.h"
#include "http.h"

struct web_config {
	const char *listen;      /* ADDRESS:PORT; port 0 picks a free one */
	const char *db;
	const char *key_file;    /* NULL: DB.key */
	const char *base_url;    /* NULL: http://ADDRESS:PORT */
	unsigned threads;        /* 0: one per core */
	void (*ready)(const char *url, void *arg);  /* told the address once listening */
	void *ready_arg;
	int mail;                /* the instance sends e-mail (core.mail) */
	/* Background work: started once listening, with the running instance;
	 * stopped after the last request finished, before the store closes. */
	void (*started)(struct core *c, void *arg);
	void (*stopping)(void *arg);
	void *hook_arg;
};

#define RATELIMIT_SLOTS 1024

/* Failed token look-ups per client address, in fixed windows. */
struct ratelimit {
	pthread_mutex_t lock;
	struct {
		char client[48];
		long window;     /* minute number */
		int failures;
	} slot[RATELIMIT_SLOTS];
};

/* The running application, shared by every request. */
struct app {
	struct core core;
	struct ratelimit rl;
	char base_url[300];
};

/* Serve until SIGINT or SIGTERM; then stop accepting, finish the requests
 * in flight and close the store. */
int web_serve(const struct web_config *cfg, struct err *e);

/* Route one request (router.c); fills res. */
void router_dispatch(struct request *req, struct reply *res);

/* Rate limiting (ratelimit.c): 1 when client may try another token now. */
void ratelimit_init(struct ratelimit *rl);
void ratelimit_destroy(struct ratelimit *rl);
int ratelimit_allowed(struct ratelimit *rl, const char *client);
void ratelimit_failed(struct ratelimit *rl, const char *client);

#define RATELIMIT_PER_MINUTE 20

#endif
