/* progress.c — see progress.h. */
#include "progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#define BAR 36

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, FILE *out)
{
	memset(p, 0, sizeof *p);
	p->out = out;
	p->tty = isatty(fileno(out));
	p->step = -1;
}

static void draw(struct progress *p)
{
	size_t fill = p->total ? p->done * BAR / p->total : 0;
	char bar[BAR + 1];

	memset(bar, '.', BAR);
	memset(bar, '#', fill > BAR ? BAR : fill);
	bar[BAR] = '\0';
	fprintf(p->out, "\r%-10s [%s] %6zu/%zu", p->what, bar, p->done, p->total);
	fflush(p->out);
	p->drawn_at = now_seconds();
}

void progress_update(struct progress *p, const char *what, size_t done, size_t total)
{
	int step;

	if (strncmp(p->what, what, sizeof p->what - 1) != 0) {
		progress_end(p);
		snprintf(p->what, sizeof p->what, "%s", what);
		p->step = -1;
	}
	p->done = done;
	p->total = total;
	p->open = 1;
	if (p->tty) {
		if (done >= total || now_seconds() - p->drawn_at >= 0.1)
			draw(p);
		return;
	}
	step = total ? (int)(done * 10 / total) : 10;
	if (step != p->step) {
		fprintf(p->out, "%s: %zu/%zu\n", p->what, done, total);
		fflush(p->out);
		p->step = step;
	}
}

void progress_end(struct progress *p)
{
	if (!p->open)
		return;
	if (p->tty) {
		draw(p);
		fputc('\n', p->out);
	} else if (p->step != (p->total ? (int)(p->done * 10 / p->total) : 10) || p->done < p->total) {
		fprintf(p->out, "%s: %zu/%zu\n", p->what, p->done, p->total);
	}
	fflush(p->out);
	p->open = 0;
}

void progress_core(void *arg, const char *what, size_t done, size_t total)
{
	progress_update(arg, what, done, total);
}
