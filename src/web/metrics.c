/* metrics.c — counters for /metrics and the page that reports them in
 * the Prometheus text format (version 0.0.4). */
#include "metrics.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/version.h"
#include "pages.h"

/* Histogram bounds in microseconds: 0.5 ms to 5 s. */
static const uint64_t bucket_us[METRICS_NBUCKET] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 5000000};

struct metrics *metrics_new(int access, const char *token)
{
	struct metrics *m = calloc(1, sizeof *m);

	if (m == NULL)
		return NULL;
	m->access = access;
	if (token != NULL)
		snprintf(m->token, sizeof m->token, "%s", token);
	m->started = (int64_t)time(NULL);
	m->nroute = router_route_count() + 1;
	if ((m->route = calloc(m->nroute, sizeof *m->route)) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	sodium_memzero(m->token, sizeof m->token);
	free(m->route);
	free(m);
}

void metrics_observe(struct metrics *m, size_t route, int status, uint64_t usec)
{
	struct metrics_route *r;
	int cls = status / 100, b = 0;

	if (m == NULL)
		return;
	r = &m->route[route < m->nroute ? route : 0];
	atomic_fetch_add_explicit(&r->status[cls >= 2 && cls <= 5 ? cls : 0], 1, memory_order_relaxed);
	while (b < METRICS_NBUCKET && usec > bucket_us[b])
		b++;
	/* Each bucket counts only its own requests; the page adds them up. */
	atomic_fetch_add_explicit(&r->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->sum_us, usec, memory_order_relaxed);
}

void metrics_count(struct metrics *m, int event)
{
	if (m != NULL && event >= 0 && event < METRIC_NEVENT)
		atomic_fetch_add_explicit(&m->event[event], 1, memory_order_relaxed);
}

int metrics_token_read(const char *path, char *out, size_t n, struct err *e)
{
	FILE *f = fopen(path, "r");
	size_t len;

	out[0] = '\0';
	if (f == NULL)
		return err_set(e, AZ_EIO, "cannot read the metrics token %s: %s", path, strerror(errno));
	if (fgets(out, (int)n, f) == NULL)
		out[0] = '\0';
	fclose(f);
	len = strlen(out);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (out[i] <= ' ' || out[i] > '~')
			len = 0;
	if (len < 16) {
		sodium_memzero(out, n);
		return err_set(e, AZ_EINVAL, "the metrics token in %s must be one line of at least 16 "
			       "printable characters without spaces", path);
	}
	return AZ_OK;
}

/* May this request read the metrics? */
static int allowed(const struct request *req, const struct metrics *m)
{
	const char *auth = req->authorization;
	size_t n;

	if (m->access == METRICS_OFF)
		return 0;
	if (m->access == METRICS_TOKEN) {
		if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0)
			return 0;
		auth += 7;
		n = strlen(m->token);
		return strlen(auth) == n && sodium_memcmp(auth, m->token, n) == 0;
	}
	/* Loopback, and not passed on by a proxy on this machine. */
	return !req->proxied && (strncmp(req->client, "127.", 4) == 0 || strcmp(req->client, "::1") == 0 ||
				 strncmp(req->client, "::ffff:127.", 11) == 0);
}

static void http_section(struct buf *b, const struct metrics *m)
{
	static const char *const cls[6] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

	buf_puts(b, "# HELP aanwezig_http_requests_total HTTP requests answered, by route and status class.\n"
		    "# TYPE aanwezig_http_requests_total counter\n");
	for (size_t i = 0; i < m->nroute; i++) {
		const char *method = "any", *path = "none";
		if (i > 0)
			router_route_name(i, &method, &path);
		for (int c = 0; c < 6; c++) {
			uint64_t v = atomic_load_explicit(&m->route[i].status[c], memory_order_relaxed);
			if (v > 0 || (c == 2 && i > 0))
				buf_printf(b, "aanwezig_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %llu\n",
					   method, path, cls[c], (unsigned long long)v);
		}
	}
	buf_puts(b, "# HELP aanwezig_http_request_duration_seconds Time from a request's arrival to its "
		    "reply being ready.\n# TYPE aanwezig_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < m->nroute; i++) {
		const char *method = "any", *path = "none";
		uint64_t cum = 0;
		if (i > 0)
			router_route_name(i, &method, &path);
		for (int k = 0; k <= METRICS_NBUCKET; k++) {
			cum += atomic_load_explicit(&m->route[i].bucket[k], memory_order_relaxed);
			if (k < METRICS_NBUCKET)
				buf_printf(b, "aanwezig_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
					   "le=\"%g\"} %llu\n", method, path, (double)bucket_us[k] / 1e6,
					   (unsigned long long)cum);
			else
				buf_printf(b, "aanwezig_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
					   "le=\"+Inf\"} %llu\n", method, path, (unsigned long long)cum);
		}
		buf_printf(b, "aanwezig_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
			   "aanwezig_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
			   method, path,
			   (double)atomic_load_explicit(&m->route[i].sum_us, memory_order_relaxed) / 1e6,
			   method, path, (unsigned long long)cum);
	}
}

/* GET /metrics — the counters of this process, the outbox's state from
 * the store, start time and build. Only for whom allowed() admits. */
void page_metrics(struct request *req, struct reply *res)
{
	struct metrics *m = req->app->metrics;
	struct store *st = req->app->core.st;
	struct outbox_counts oc;
	struct err e = {0};
	struct buf *b = &res->body;
	int schema = 0;

	if (m == NULL || !allowed(req, m)) {
		page_error(req, res, 404, N_("Page not found"), N_("There is no page at this address."));
		return;
	}
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
	http_section(b, m);
	buf_printf(b, "# HELP aanwezig_submissions_total Questionnaires handed in through the web.\n"
		   "# TYPE aanwezig_submissions_total counter\naanwezig_submissions_total %llu\n"
		   "# HELP aanwezig_drafts_saved_total Pages of answers saved as a draft.\n"
		   "# TYPE aanwezig_drafts_saved_total counter\naanwezig_drafts_saved_total %llu\n",
		   (unsigned long long)atomic_load(&m->event[METRIC_SUBMISSION]),
		   (unsigned long long)atomic_load(&m->event[METRIC_DRAFT_SAVED]));
	/* The outbox is shared by every process: read where it is kept. */
	if (st->ops->outbox_count != NULL && st->ops->outbox_count(st, &oc, &(struct err){0}) == AZ_OK)
		buf_printf(b, "# HELP aanwezig_outbox_messages E-mail messages in the outbox, by state.\n"
			   "# TYPE aanwezig_outbox_messages gauge\n"
			   "aanwezig_outbox_messages{state=\"queued\"} %lld\n"
			   "aanwezig_outbox_messages{state=\"sending\"} %lld\n"
			   "aanwezig_outbox_messages{state=\"sent\"} %lld\n"
			   "aanwezig_outbox_messages{state=\"failed\"} %lld\n",
			   (long long)oc.queued, (long long)oc.sending, (long long)oc.sent, (long long)oc.failed);
	buf_printf(b, "# HELP aanwezig_store_up Whether the database answered this scrape.\n"
		   "# TYPE aanwezig_store_up gauge\naanwezig_store_up %d\n",
		   st->ops->schema_version(st, &schema, &e) == AZ_OK);
	buf_printf(b, "# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n"
		   "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %lld\n"
		   "# HELP aanwezig_build_info The running version and database backend.\n"
		   "# TYPE aanwezig_build_info gauge\naanwezig_build_info{version=\"%s\",backend=\"%s\"} 1\n",
		   (long long)m->started, AANWEZIG_VERSION, st->ops->name);
}
