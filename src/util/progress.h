/* progress.h — how far long work is, for a person watching.
 *
 * On a terminal: one line redrawn in place, at most ten times a second,
 *     sending   [###########.........................]   312/1000
 * Elsewhere (a log, a pipe): a plain count at every tenth of the work and
 * at the end, so logs stay short:
 *     sending: 100/1000
 *
 *     struct progress p;
 *     progress_init(&p, stderr);
 *     core.progress = progress_core; core.progress_arg = &p;
 *     ...                              // the core reports as it goes
 *     progress_end(&p);
 */
#ifndef AZ_PROGRESS_H
#define AZ_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

struct progress {
	FILE *out;
	int tty;                 /* out is a terminal */
	char what[24];           /* the current piece of work */
	size_t done, total;
	int step;                /* the last tenth written (not a terminal) */
	double drawn_at;         /* when the bar was last drawn (terminal) */
	int open;                /* a bar or count is on the screen for what */
};

void progress_init(struct progress *p, FILE *out);
/* done of total of what; a new what finishes the line of the last. */
void progress_update(struct progress *p, const char *what, size_t done, size_t total);
/* Finish the last line (the bar at its final count; the final count). */
void progress_end(struct progress *p);
/* progress_update with arg a struct progress: fits core.progress. */
void progress_core(void *arg, const char *what, size_t done, size_t total);

#endif
