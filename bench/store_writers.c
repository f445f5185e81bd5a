/* store_writers.c — many concurrent writers on one SQLite database.
 *
 * Compares, in the same run and on the same machine, two ways to let W
 * threads write at once:
 *   baseline  every thread has its own connection and relies on SQLite's
 *             busy handler (busy_timeout) to wait for the write lock;
 *   store     every thread goes through the store (src/store/sqlite.c),
 *             which serialises writers with a mutex in the process.
 * Each write is one transaction inserting one leader (the same work on
 * both sides: WAL, synchronous=FULL). Prints throughput and latency
 * percentiles per side and the ratios store/baseline.
 *
 * Usage: store_writers [THREADS [WRITES_PER_THREAD]]   (default 64 50)
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/store/store.h"
#include "../src/util/token.h"

static int nthread = 64, nwrite = 50;
static const char *path;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct job {
	int index;
	struct store *st;      /* NULL: baseline with its own connection */
	double *lat;           /* nwrite latencies, seconds */
	int failed;
};

static void *baseline_worker(void *arg)
{
	struct job *j = arg;
	sqlite3 *db;
	sqlite3_stmt *ins;
	char mail[64];

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		j->failed = nwrite;
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	sqlite3_exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO leaders (name, email, organisation, language, created_at)"
			   " VALUES ('B', ?, 'O', 'nl', 'x')", -1, &ins, NULL);
	for (int i = 0; i < nwrite; i++) {
		double t0 = now_s();
		int ok;
		snprintf(mail, sizeof mail, "b%d-%d@example.org", j->index, i);
		ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
		if (ok) {
			sqlite3_bind_text(ins, 1, mail, -1, SQLITE_TRANSIENT);
			ok = sqlite3_step(ins) == SQLITE_DONE;
			sqlite3_reset(ins);
			ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
			if (!ok)
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		}
		if (!ok)
			j->failed++;
		j->lat[i] = now_s() - t0;
	}
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return NULL;
}

static void *store_worker(void *arg)
{
	struct job *j = arg;
	struct err e = {0};
	char mail[64];

	for (int i = 0; i < nwrite; i++) {
		struct leader l = {0};
		double t0 = now_s();
		snprintf(mail, sizeof mail, "s%d-%d@example.org", j->index, i);
		l.name = "S";
		l.email = mail;
		l.organisation = "O";
		l.language = "nl";
		if (j->st->ops->leader_add(j->st, &l, &e) != AZ_OK)
			j->failed++;
		j->lat[i] = now_s() - t0;
	}
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result {
	double secs, p50, p99, max;
	int failed;
};

static struct result run(struct store *st)
{
	struct job *jobs = calloc((size_t)nthread, sizeof *jobs);
	pthread_t *th = calloc((size_t)nthread, sizeof *th);
	double *all = calloc((size_t)nthread * (size_t)nwrite, sizeof *all);
	struct result r = {0};
	double t0 = now_s();
	size_t n = (size_t)nthread * (size_t)nwrite;

	for (int i = 0; i < nthread; i++) {
		jobs[i] = (struct job){i, st, all + (size_t)i * (size_t)nwrite, 0};
		pthread_create(&th[i], NULL, st ? store_worker : baseline_worker, &jobs[i]);
	}
	for (int i = 0; i < nthread; i++) {
		pthread_join(th[i], NULL);
		r.failed += jobs[i].failed;
	}
	r.secs = now_s() - t0;
	qsort(all, n, sizeof *all, cmp);
	r.p50 = all[n / 2];
	r.p99 = all[(size_t)((double)n * 0.99)];
	r.max = all[n - 1];
	free(all);
	free(th);
	free(jobs);
	return r;
}

static void print(const char *name, struct result r)
{
	int n = nthread * nwrite;

	printf("%-9s %6d writes  %7.0f writes/s  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  failed %d\n",
	       name, n, n / r.secs, r.p50 * 1e3, r.p99 * 1e3, r.max * 1e3, r.failed);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/aanwezig-bench-XXXXXX", file[64];
	struct store *st;
	struct err e = {0};
	struct result base, mine;

	if (argc > 1)
		nthread = atoi(argv[1]);
	if (argc > 2)
		nwrite = atoi(argv[2]);
	if (nthread < 1 || nwrite < 1 || token_init() != 0 || mkdtemp(dir) == NULL)
		return 2;
	snprintf(file, sizeof file, "%s/bench.db", dir);
	path = file;
	if (store_open(path, STORE_CREATE, &st, &e) != AZ_OK) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	printf("%d threads, %d writes each, one transaction per write (WAL, synchronous=FULL)\n",
	       nthread, nwrite);
	base = run(NULL);
	print("baseline", base);
	mine = run(st);
	print("store", mine);
	printf("ratio store/baseline: throughput %.2f, p99 latency %.2f, max latency %.2f\n",
	       (nthread * nwrite / mine.secs) / (nthread * nwrite / base.secs), mine.p99 / base.p99,
	       mine.max / base.max);
	store_close(st);
	unlink(file);
	snprintf(file, sizeof file, "%s/bench.db-wal", dir);
	unlink(file);
	snprintf(file, sizeof file, "%s/bench.db-shm", dir);
	unlink(file);
	rmdir(dir);
	return base.failed || mine.failed ? 1 : 0;
}
