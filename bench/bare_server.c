/* bare_server.c — the baseline for the web benchmarks: libmicrohttpd with
 * the same threading as `aanwezig serve`, answering every request with one
 * fixed page of a given size and nothing else: no routing, no store, no
 * rendering. What aanwezig adds is measured against it in the same run.
 *
 * Usage: bare_server PORT BYTES     (runs until killed)
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *page;
static size_t page_len;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **con_cls)
{
	struct MHD_Response *r;
	enum MHD_Result ok;

	(void)cls; (void)url; (void)method; (void)version; (void)data;
	if (*con_cls == NULL) {
		*con_cls = page;
		return MHD_YES;
	}
	if (*size > 0) {
		*size = 0;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(page_len, page, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	ok = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ok;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	long n;
	sigset_t set;
	int sig;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: bare_server PORT BYTES\n");
		return 2;
	}
	page_len = (size_t)n;
	page = malloc(page_len);
	memset(page, 'x', page_len);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD, (uint16_t)atoi(argv[1]), NULL, NULL, answer, NULL,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)sysconf(_SC_NPROCESSORS_ONLN),
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_END);
	if (d == NULL) {
		perror("bare_server");
		return 1;
	}
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	free(page);
	return 0;
}
