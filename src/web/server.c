/* server.c — libmicrohttpd glue: the only file that sees its types.
 *
 * Each connection gets a context with an arena and a body buffer; the
 * body is collected up to HTTP_MAX_BODY, then the request is routed, the
 * whole reply built in a buffer, and sent. The arena is released when
 * libmicrohttpd reports the request complete.
 */
#include "web.h"

#include "../core/core_internal.h"
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct ctx {
	struct arena *a;
	struct buf body;
	int too_large;
	struct timespec start;     /* the request's headers arrived, for /metrics */
};

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct ctx *c = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (c == NULL)
		return;
	buf_reset(&c->body);
	arena_free(c->a);
	free(c);
	*con_cls = NULL;
}

/* Security headers on every reply: the token is in the URL, so no
 * referrer may leave; no inline script or style anywhere. */
static void add_headers(struct MHD_Response *r, const struct reply *res)
{
	MHD_add_response_header(r, "Content-Type", res->content_type ? res->content_type
									 : "text/html; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; style-src 'self'; img-src 'self' data:; "
				"script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
				"base-uri 'none'");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (res->cacheable)
		MHD_add_response_header(r, "Cache-Control", "public, max-age=86400");
	else
		MHD_add_response_header(r, "Cache-Control", res->personal ? "no-store" : "no-cache");
	for (size_t i = 0; i < res->nheader; i++)
		MHD_add_response_header(r, res->header[i].name, res->header[i].value);
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct reply *res)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	size_t len = res->body.len;
	char *body = buf_steal(&res->body);

	if (body == NULL) {
		static const char oom[] = "Internal error";
		r = MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom, MHD_RESPMEM_PERSISTENT);
		res->status = 500;
		res->content_type = "text/plain; charset=utf-8";
	} else {
		r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	}
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	add_headers(r, res);
	ok = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static void client_address(struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, n, "unknown");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

/* Behind a reverse proxy on this machine every peer is the proxy: with
 * trust_proxy, a request from a loopback address takes its client from the
 * last address in X-Forwarded-For (the one the proxy saw), so that rate
 * limits and the audit log see the real client. Anything that is not one
 * plain address is ignored. */
static void proxied_client(struct MHD_Connection *conn, char *client, size_t n)
{
	const char *xff = header(conn, "X-Forwarded-For"), *last;
	unsigned char addr[sizeof(struct in6_addr)];
	char text[64];
	size_t len;

	if (xff == NULL || (strncmp(client, "127.", 4) != 0 && strcmp(client, "::1") != 0))
		return;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	len = strcspn(last, " ");
	if (len == 0 || len >= sizeof text)
		return;
	memcpy(text, last, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, addr) == 1 || inet_pton(AF_INET6, text, addr) == 1)
		snprintf(client, n, "%s", text);
}

/* Collect one query argument; past HTTP_MAX_FIELDS they are dropped. */
static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct request *req = cls;

	(void)kind;
	if (req->nquery < HTTP_MAX_FIELDS) {
		req->query[req->nquery].name = key;
		req->query[req->nquery].value = value ? value : "";
		req->nquery++;
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct app *app = cls;
	struct ctx *c = *con_cls;
	struct request req;
	struct reply res;
	char client[64];
	enum MHD_Result ok;

	(void)version;
	if (c == NULL) {
		const char *cl = header(conn, "Content-Length");
		if ((c = calloc(1, sizeof *c)) == NULL || (c->a = arena_new()) == NULL) {
			free(c);
			return MHD_NO;
		}
		buf_init(&c->body);
		clock_gettime(CLOCK_MONOTONIC, &c->start);
		*con_cls = c;
		/* A body announced as too large is refused before it is read. */
		if (cl != NULL && strtoull(cl, NULL, 10) > HTTP_MAX_BODY)
			c->too_large = 1;
		else
			return MHD_YES;
	} else if (*upload_size > 0) {
		if (c->body.len + *upload_size > HTTP_MAX_BODY)
			c->too_large = 1;
		else
			buf_append(&c->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&req, 0, sizeof req);
	memset(&res, 0, sizeof res);
	buf_init(&res.body);
	client_address(conn, client, sizeof client);
	if (app->trust_proxy)
		proxied_client(conn, client, sizeof client);
	req.a = c->a;
	req.app = app;
	req.method = strcmp(method, "GET") == 0 ? HTTP_GET : strcmp(method, "HEAD") == 0 ? HTTP_HEAD
		   : strcmp(method, "POST") == 0 ? HTTP_POST : HTTP_OTHER;
	/* A GET is mostly a questionnaire page, built whole before it is
	 * sent, of up to ~58 KB: room for it at once (one 64 KiB block)
	 * rather than ten doublings, each copying what was written so far. */
	if (req.method == HTTP_GET)
		buf_reserve(&res.body, 60u << 10);
	req.path = url;
	req.content_type = header(conn, "Content-Type");
	req.accept_language = header(conn, "Accept-Language");
	req.cookie = header(conn, "Cookie");
	req.authorization = header(conn, "Authorization");
	req.proxied = header(conn, "X-Forwarded-For") != NULL || header(conn, "X-Real-IP") != NULL ||
		      header(conn, "Forwarded") != NULL;
	req.client = client;
	req.body_too_large = c->too_large || c->body.failed;
	req.body = buf_str(&c->body);
	req.body_len = c->body.len;
	/* The query string, as libmicrohttpd decoded it; the router validates. */
	req.query = arena_calloc(c->a, HTTP_MAX_FIELDS + 1, sizeof *req.query);
	if (req.query != NULL)
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_arg, &req);
	router_dispatch(&req, &res);
	{
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		metrics_observe(app->metrics, req.route, res.status,
				(uint64_t)((now.tv_sec - c->start.tv_sec) * 1000000 +
					   (now.tv_nsec - c->start.tv_nsec) / 1000));
	}
	ok = send_reply(conn, &res);
	buf_reset(&res.body);
	return ok;
}

/* Parse ADDRESS:PORT (IPv4, or IPv6 in brackets) into ss. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *colon = strrchr(listen, ':');
	char host[64];
	char *end;
	long port;

	if (colon == NULL || (size_t)(colon - listen) >= sizeof host)
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535)
		return -1;
	snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		host[strlen(host) - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		if (strcmp(host, "localhost") == 0)
			snprintf(host, sizeof host, "127.0.0.1");
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return -1;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof *s4;
	}
	return 0;
}

int web_serve(const struct web_config *cfg, struct err *e)
{
	struct app *app;
	struct MHD_Daemon *d;
	struct sockaddr_storage ss;
	socklen_t sslen;
	sigset_t set;
	unsigned threads = cfg->threads;
	const union MHD_DaemonInfo *info;
	char host[64];
	int sig, rc;

	if (parse_listen(cfg->listen, &ss, &sslen) != 0)
		return err_set(e, AZ_EINVAL, "--listen must be ADDRESS:PORT, such as 127.0.0.1:8080, not \"%.60s\"",
			       cfg->listen);
	if ((app = calloc(1, sizeof *app)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_open(&app->core, cfg->db, cfg->key_file, app->base_url, e)) != AZ_OK) {
		free(app);
		return rc;
	}
	app->core.mail = cfg->mail;
	/* The link key is needed for every page: fail now, not per request. */
	if ((rc = core_key(&app->core, e)) != AZ_OK) {
		core_close(&app->core);
		free(app);
		return rc;
	}
	{
		char token[128] = "";
		if (cfg->metrics_access == METRICS_TOKEN &&
		    (rc = metrics_token_read(cfg->metrics_token_file, token, sizeof token, e)) != AZ_OK) {
			core_close(&app->core);
			free(app);
			return rc;
		}
		app->metrics = metrics_new(cfg->metrics_access, token);
		sodium_memzero(token, sizeof token);
		if (app->metrics == NULL) {
			core_close(&app->core);
			free(app);
			return err_set(e, AZ_ENOMEM, "out of memory");
		}
	}
	app->trust_proxy = cfg->trust_proxy;
	if (threads == 0) {
		/* Handlers block on the database's fsync; more threads than cores
		 * let submissions share one commit (store/sqlite.c). Measured in
		 * docs/performance.md. */
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)(8 * n) : 16;
		threads = threads < 16 ? 16 : threads > 64 ? 64 : threads;
	}
	/* Signals go to the thread that waits for them, not to the pool. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
			     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, on_request, app,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_THREAD_POOL_SIZE, threads,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)0,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32u << 10),
			     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
			     MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
			     MHD_OPTION_END);
	if (d == NULL) {
		rc = err_set(e, AZ_EIO, "cannot listen on %s: %s", cfg->listen, strerror(errno));
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(host, sizeof host, "%.*s", (int)(strrchr(cfg->listen, ':') - cfg->listen), cfg->listen);
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "[::]") == 0)
		snprintf(host, sizeof host, "localhost");
	if (cfg->base_url != NULL)
		snprintf(app->base_url, sizeof app->base_url, "%s", cfg->base_url);
	else
		snprintf(app->base_url, sizeof app->base_url, "http://%s:%u", host,
			 info ? (unsigned)info->port : 0);
	app->secure = strncmp(app->base_url, "https://", 8) == 0;
	app->session.idle = cfg->session_idle > 0 ? cfg->session_idle : SESSION_IDLE_DEFAULT;
	app->session.absolute = cfg->session_max > 0 ? cfg->session_max : SESSION_ABSOLUTE_DEFAULT;
	app->core.sessions = app->session;    /* for the worker's sweep */
	if (cfg->ready)
		cfg->ready(app->base_url, cfg->ready_arg);
	if (cfg->started)
		cfg->started(&app->core, cfg->hook_arg);
	while (sigwait(&set, &sig) == 0 && sig != SIGINT && sig != SIGTERM)
		;
	/* Stop accepting, let the requests in flight finish, then stop. */
	MHD_quiesce_daemon(d);
	MHD_stop_daemon(d);
	if (cfg->stopping)
		cfg->stopping(cfg->hook_arg);
	rc = AZ_OK;
out:
	metrics_free(app->metrics);
	core_close(&app->core);
	free(app);
	return rc;
}
