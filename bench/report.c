/* report.c — the cost of one leader's presence profile.
 *
 * Builds a round of 40 raters (and the leader) on the default instrument
 * in a temporary database, then measures, in CPU time of this process:
 *   compute  core_report(): load the responses, compute the profile;
 *   html     report_html() of the computed report;
 *   pdf      report_pdf() of the computed report;
 * against a baseline in the same run: copying a buffer of the HTML's size
 * (what writing the page out costs at the least).
 *
 * Usage: report [ITERATIONS]   (default 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/core/core.h"
#include "../src/render/report.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fixture(struct core *c, const char *db, int64_t *round, struct err *e)
{
	static const char *const groups[] = {"bestuur", "mt", "medewerkers", "peers", "partners"};
	struct arena *a = arena_new();
	struct link *links;
	size_t n;
	int64_t leader;
	uint64_t seed = 42;

	if (core_init(db, NULL, e) || core_open(c, db, NULL, "", e) ||
	    core_leader_add(c, "Bench", "bench@example.org", "Gemeente", "nl", &leader, e) ||
	    core_round_new(c, leader, NULL, 0, NULL, NULL, "2099-12-31", round, e))
		return 1;
	for (int i = 0; i < 40; i++) {
		char mail[64];
		snprintf(mail, sizeof mail, "r%d@example.org", i);
		if (core_rater_add(c, *round, "Rater", mail, groups[i % 5], e))
			return 1;
	}
	if (core_round_open(c, *round, NULL, e) || core_round_links(c, a, *round, &links, &n, e))
		return 1;
	for (size_t i = 0; i < n; i++) {
		struct submission s = {0};
		const struct instrument *ins;
		struct round_view v;
		if (core_round_load(c, a, *round, &v, e))
			return 1;
		ins = v.ins;
		s.answers = arena_calloc(a, (size_t)ins->nitem, sizeof *s.answers);
		s.texts = arena_calloc(a, 2, sizeof *s.texts);
		for (int k = 0; k < ins->nitem; k++) {
			seed = seed * 6364136223846793005ull + 1;
			s.answers[s.nanswer++] = (struct answer){ins->items[k].id, (int)(1 + (seed >> 33) % 5)};
		}
		s.texts[s.ntext++] = (struct open_answer){strcmp(links[i].group_id, "self") ? "mist" : "afwezig",
							  "Een antwoord van een paar zinnen, zoals beoordelaars ze schrijven."};
		if (core_submit(c, strrchr(links[i].url, '/') + 1, &s, e))
			return 1;
	}
	arena_free(a);
	return core_round_close(c, *round, e);
}

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 200;
	char dir[] = "/tmp/aanwezig-rbench-XXXXXX", db[64], cmd[96];
	struct core c;
	struct err e = {0};
	int64_t round;
	double t0, compute = 0, html = 0, pdf = 0, copy = 0;
	size_t html_len = 0, pdf_len = 0;
	char *sink;

	if (iters < 1 || token_init() != 0 || mkdtemp(dir) == NULL)
		return 2;
	snprintf(db, sizeof db, "%s/r.db", dir);
	if (fixture(&c, db, &round, &e) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	for (int i = 0; i < iters; i++) {
		struct arena *a = arena_new();
		struct report r;
		struct buf b, p;
		buf_init(&b);
		buf_init(&p);
		t0 = cpu_now();
		if (core_report(&c, a, round, &r, &e) != AZ_OK)
			return fprintf(stderr, "%s\n", e.msg), 1;
		compute += cpu_now() - t0;
		t0 = cpu_now();
		report_html(&r, "nl", &b, &e);
		html += cpu_now() - t0;
		html_len = b.len;
		if (i < 20) {
			t0 = cpu_now();
			if (report_pdf(&r, "nl", &p, &e) != AZ_OK)
				return fprintf(stderr, "%s\n", e.msg), 1;
			pdf += cpu_now() - t0;
			pdf_len = p.len;
		}
		sink = malloc(b.len + 1);
		t0 = cpu_now();
		memcpy(sink, buf_str(&b), b.len + 1);
		copy += cpu_now() - t0;
		if (sink[b.len / 2] == '\1')
			puts("");   /* keep the copy */
		free(sink);
		buf_reset(&b);
		buf_reset(&p);
		arena_free(a);
	}
	printf("one report: 40 raters + the leader x 37 items, %d iterations (pdf: %d)\n", iters, iters < 20 ? iters : 20);
	printf("compute (load + profile): %8.3f ms CPU\n", compute / iters * 1e3);
	printf("html (%zu bytes):       %8.3f ms CPU   ratio to copying it: %.1f\n", html_len, html / iters * 1e3,
	       html / (copy > 0 ? copy : 1e-9));
	printf("pdf (%zu bytes):       %8.3f ms CPU\n", pdf_len, pdf / (iters < 20 ? iters : 20) * 1e3);
	core_close(&c);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
