/* metrics.h — what /metrics reports, in the Prometheus text format.
 *
 * Counters live in the process (each server process is scraped on its
 * own; Prometheus adds them up), as relaxed atomics: counting costs a
 * request a few uncontended additions, never a lock. server.c measures
 * every request; the questionnaire counts submissions and drafts saved;
 * the outbox's state is read from the store when scraped.
 *
 * Who may read it: by default only a client on this machine that did not
 * come through a proxy (a request from a loopback address without
 * X-Forwarded-For, X-Real-IP or Forwarded); with a token, any client that
 * sends "Authorization: Bearer TOKEN". Anyone else gets the 404 of an
 * unknown page.
 */
#ifndef AZ_WEB_METRICS_H
#define AZ_WEB_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"
#include "http.h"

/* Upper bounds of the latency histogram's buckets, in microseconds. */
#define METRICS_NBUCKET 12

enum metrics_event { METRIC_SUBMISSION, METRIC_DRAFT_SAVED, METRIC_NEVENT };

/* Who may read /metrics. */
enum metrics_access { METRICS_LOCAL, METRICS_TOKEN, METRICS_OFF };

/* Counters of one route (or of requests no route took). */
struct metrics_route {
	_Atomic uint64_t status[6];           /* by class: [2] 2xx ... [5] 5xx; [0] other */
	_Atomic uint64_t bucket[METRICS_NBUCKET + 1];   /* the last is +Inf */
	_Atomic uint64_t sum_us;
};

struct metrics {
	int access;                           /* enum metrics_access */
	char token[128];                      /* METRICS_TOKEN */
	int64_t started;                      /* process start, Unix seconds */
	size_t nroute;                        /* routes of the router, plus one for none */
	struct metrics_route *route;          /* [nroute] */
	_Atomic uint64_t event[METRIC_NEVENT];
};

/* Make the counters for the router's routes (metrics_free releases). */
struct metrics *metrics_new(int access, const char *token);
void metrics_free(struct metrics *m);

/* Count a request to route (router_route_index; 0 when none took it)
 * answered with status after usec microseconds. */
void metrics_observe(struct metrics *m, size_t route, int status, uint64_t usec);
/* Count one event (m may be NULL). */
void metrics_count(struct metrics *m, int event);

/* Read a bearer token for /metrics from path: one line of at least 16
 * printable characters. */
int metrics_token_read(const char *path, char *out, size_t n, struct err *e);

/* GET /metrics (the page; pages.h declares it). */
struct reply;

#endif
