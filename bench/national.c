/* national.c — a national-scale instance, and what it costs.
 *
 *   national generate DB [LEADERS] [OPEN TOKENS]
 *       A new instance (SQLite file or PostgreSQL URI; the link key goes to
 *       DB.key, or $KEY_FILE) with LEADERS leaders (default 20,000), each
 *       with one closed round on the default instrument (37 items): the
 *       leader and 12 raters answered, about 5 % "kan ik niet beoordelen",
 *       half of them an open question. Loaded through the store's bulk load
 *       (store.h), parents first, in one transaction. With OPEN > 0 also
 *       OPEN unanswered invitations in open rounds of 12 (one more leader
 *       each), whose link and form tokens go to TOKENS for bench/wrk.
 *   national measure DB [REPORTS]
 *       The latency of one leader's report (core_report: load and compute)
 *       over REPORTS (default 200) random rounds: median, p99, max; the
 *       same on a baseline instance of one such round made in the same run;
 *       then every profile and the reliability over the whole instance
 *       (core_instance_analysis).
 *
 * Figures and how they were taken: docs/performance.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/core/core.h"
#include "../src/core/core_internal.h"

#define NRATER 12
#define BATCH_LEADERS 500

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A small fixed-seed generator, so two runs make the same answers. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static double normal(void)
{
	double u = uniform(), v = uniform();

	return sqrt(-2.0 * log(u > 1e-300 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static struct store_value vi(int64_t i)
{
	return (struct store_value){SV_INT, i, NULL, 0};
}

static struct store_value vt(const char *s)
{
	return (struct store_value){s ? SV_TEXT : SV_NULL, 0, s, s ? strlen(s) : 0};
}

/* Rows of one table waiting for load_rows. */
struct rows {
	struct store_table t;
	struct store_value *v;
	size_t n, cap;
	int64_t total;
};

static void rows_add(struct rows *r, const struct store_value *row)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 4096;
		r->v = realloc(r->v, r->cap * r->t.ncolumn * sizeof *r->v);
		if (r->v == NULL)
			exit(3);
	}
	memcpy(r->v + r->n * r->t.ncolumn, row, r->t.ncolumn * sizeof *row);
	r->n++;
	r->total++;
}

static double load_s;   /* time inside the store's load_rows and load_end */
static int quiet;       /* the baseline's generation says nothing */

static int rows_flush(struct store *st, struct rows *r, struct err *e)
{
	double t0 = now_s();
	int rc = r->n ? st->ops->load_rows(st, &r->t, r->v, r->n, e) : AZ_OK;

	load_s += now_s() - t0;
	r->n = 0;
	return rc;
}

static const char *const leader_cols[] = {"id", "name", "email", "organisation", "language", "created_at"};
static const char *const round_cols[] = {"id", "leader_id", "instrument_id", "state", "opens_on", "closes_on",
					 "created_at", "closed_at"};
static const char *const inv_cols[] = {"id", "round_id", "group_id", "name", "email", "nonce", "token_hash",
				       "state", "created_at"};
static const char *const resp_cols[] = {"id", "round_id", "group_id", "submitted_on", "answers"};
static const char *const open_cols[] = {"response_id", "question_id", "body"};

enum { T_LEADER, T_ROUND, T_INV, T_RESP, T_OPEN, T_N };

/* The 12 raters' groups: every group of the default instrument. */
static const char *const rater_group[NRATER] = {"bestuur", "bestuur", "raad", "mt", "mt", "mt", "medewerkers",
						"medewerkers", "medewerkers", "peers", "peers", "partners"};

static const char *const texts[] = {
	"Bij de overleggen over de nieuwe woonwijk: luisterend en met oog voor alle partijen.",
	"In de crisis rond de opvang stond de secretaris vooraan en hield het overzicht.",
	"Op de werkvloer, tijdens de werkbezoeken op vrijdag.",
	"In de regio, waar bruggen worden geslagen tussen gemeenten.",
	"Meer ruimte laten voor experimenten, ook als die mislukken."};

/* One response: every item scored around the rater's view of the leader
 * per dimension (the leader's level, plus the rater's own angle; the
 * leader's own view a little higher). */
static const char *answers_json(struct arena *a, const struct instrument *ins, const double *level, int self)
{
	struct buf b;
	const char *out;
	double view[64];   /* how this rater sees the leader, per dimension */

	for (int d = 0; d < ins->ndimension && d < 64; d++)
		view[d] = level[d] + (self ? 0.3 : 0) + 0.4 * normal();
	buf_init(&b);
	buf_putc(&b, '{');
	for (int i = 0; i < ins->nitem; i++) {
		int np = ins->scales[ins->dimensions[ins->items[i].dimension].scale].npoint;
		double x = view[ins->items[i].dimension] + 0.6 * normal();
		int s = (int)lround(x);
		s = s < 1 ? 1 : s > np ? np : s;
		buf_printf(&b, i ? ",\"%s\":" : "\"%s\":", ins->items[i].id);
		if (uniform() < 0.05)
			buf_puts(&b, "null");
		else
			buf_printf(&b, "%d", s);
	}
	buf_putc(&b, '}');
	out = arena_strdup(a, buf_str(&b));
	buf_reset(&b);
	return out;
}

/* An open question for this audience, by index. */
static const char *open_question(const struct instrument *ins, int self, int k)
{
	int n = 0;

	for (int q = 0; q < ins->nopen; q++)
		if ((ins->opens[q].audience == AUD_SELF) == (self != 0) && n++ == k)
			return ins->opens[q].id;
	return NULL;
}

/* Leader l with round l: its rows into r. open: an open round with
 * unanswered invitations instead (their tokens to tokens). */
static int leader_rows(struct core *c, struct arena *a, const struct instrument *ins, int64_t l, int open,
		       int64_t *inv_id, struct rows *r, FILE *tokens, struct err *e)
{
	char *mail = arena_printf(a, "secretaris%lld@gemeente%lld.example.nl", (long long)l, (long long)l);
	double level[64];
	int rc;

	rows_add(&r[T_LEADER], (struct store_value[]){vi(l), vt("Secretaris"), vt(mail),
			vt(arena_printf(a, "Gemeente %lld", (long long)l)), vt("nl"), vt("2025-01-06T09:00:00Z")});
	rows_add(&r[T_ROUND], (struct store_value[]){vi(l), vi(l), vi(1), vt(open ? "open" : "released"),
			vt("2025-03-01"), vt(open ? "2099-12-31" : "2025-03-28"), vt("2025-02-15T09:00:00Z"),
			vt(open ? NULL : "2025-03-29")});
	for (int d = 0; d < ins->ndimension && d < 64; d++)
		level[d] = 3.0 + 0.5 * normal();
	for (int k = 0; k <= NRATER; k++) {
		struct invitation inv;
		const char *group = k == 0 ? "self" : rater_group[k - 1];
		char *rmail = k ? arena_printf(a, "r%d.l%lld@example.nl", k, (long long)l) : NULL;
		char rid[TOKEN_HEX_LEN + 1];
		if ((rc = core_invitation_make(c, a, l, group, k ? "Beoordelaar" : NULL, rmail, &inv, e)) != AZ_OK)
			return rc;
		rows_add(&r[T_INV], (struct store_value[]){vi(++*inv_id), vi(l), vt(group), vt(inv.name), vt(inv.email),
				vt(inv.nonce), vt(inv.token_hash), vt(open ? "sent" : "submitted"), vt("2025-02-20T09:00:00Z")});
		if (open) {
			char tok[TOKEN_TEXT_LEN + 1], csrf[TOKEN_TEXT_LEN + 1];
			token_derive(c->key, inv.nonce, tok);
			token_derive_csrf(c->key, inv.nonce, csrf);
			if (k > 0)
				fprintf(tokens, "%s %s\n", tok, csrf);
			continue;
		}
		token_random_hex(rid);
		rows_add(&r[T_RESP], (struct store_value[]){vt(arena_strdup(a, rid)), vi(l), vt(group),
				vt("2025-03-14"), vt(answers_json(a, ins, level, k == 0))});
		if (uniform() < 0.5) {
			const char *q = open_question(ins, k == 0, (int)(uniform() * 2));
			if (q != NULL)
				rows_add(&r[T_OPEN], (struct store_value[]){vt(arena_strdup(a, rid)), vt(q),
						vt(texts[(int)(uniform() * 5) % 5])});
		}
	}
	return AZ_OK;
}

static int generate(const char *db, const char *key, int64_t nleader, int64_t nopen, const char *tokfile)
{
	struct core c;
	struct err e = {0};
	struct rows r[T_N] = {
		{{"leaders", leader_cols, 6, 0}, NULL, 0, 0, 0}, {{"rounds", round_cols, 8, 0}, NULL, 0, 0, 0},
		{{"invitations", inv_cols, 9, 0}, NULL, 0, 0, 0}, {{"responses", resp_cols, 5, 0}, NULL, 0, 0, 0},
		{{"open_answers", open_cols, 3, 0}, NULL, 0, 0, 0}};
	struct instrument *ins = NULL;
	struct arena *a = arena_new();
	int64_t inv_id = 0, leader, nround = nleader + (nopen + NRATER - 1) / NRATER;
	FILE *tokens = NULL;
	double t0 = now_s();
	int rc;

	/* The instrument comes in through the ordinary way, with a first
	 * leader and round that the load then leaves alone (ids start at 2). */
	if ((rc = core_init(db, key, &e)) != AZ_OK || (rc = core_open(&c, db, key, "", &e)) != AZ_OK ||
	    (rc = core_key(&c, &e)) != AZ_OK ||
	    (rc = core_leader_add(&c, "Sjabloon", "sjabloon@example.nl", "Sjabloon", "nl", &leader, &e)) != AZ_OK ||
	    (rc = core_round_new(&c, leader, NULL, 0, NULL, NULL, NULL, &leader, &e)) != AZ_OK)
		return fprintf(stderr, "national: %s\n", e.msg), 1;
	if (instrument_parse(instrument_default_json, instrument_default_json_len, "default", &ins, NULL, NULL))
		return fprintf(stderr, "national: the default instrument does not parse\n"), 1;
	if (nopen > 0 && (tokens = fopen(tokfile, "w")) == NULL)
		return perror(tokfile), 1;
	inv_id = 1;   /* the first round's own invitation */
	if ((rc = c.st->ops->load_begin(c.st, 0, &e)) != AZ_OK)
		return fprintf(stderr, "national: %s\n", e.msg), 1;
	for (int64_t l = 2; rc == AZ_OK && l <= nround + 1; l++) {
		rc = leader_rows(&c, a, ins, l, l > nleader + 1, &inv_id, r, tokens, &e);
		if (rc == AZ_OK && ((l - 1) % BATCH_LEADERS == 0 || l == nround + 1)) {
			for (int t = 0; rc == AZ_OK && t < T_N; t++)
				rc = rows_flush(c.st, &r[t], &e);
			arena_reset(a);
		}
	}
	{
		double t1 = now_s();
		int rc2 = c.st->ops->load_end(c.st, rc == AZ_OK, rc == AZ_OK ? &e : &(struct err){0});
		load_s += now_s() - t1;
		if (rc == AZ_OK)
			rc = rc2;
	}
	if (rc != AZ_OK)
		return fprintf(stderr, "national: %s\n", e.msg), 1;
	if (quiet)
		goto done;
	printf("generated %s: %lld leaders with a closed round, %lld open invitations\n", db,
	       (long long)nleader, (long long)nopen);
	printf("rows: %lld leaders, %lld rounds, %lld invitations, %lld responses (%lld answers), %lld open answers\n",
	       (long long)r[T_LEADER].total, (long long)r[T_ROUND].total, (long long)r[T_INV].total,
	       (long long)r[T_RESP].total, (long long)r[T_RESP].total * ins->nitem, (long long)r[T_OPEN].total);
	printf("bulk load (store load_rows + commit): %.1f s; everything, with generating: %.1f s\n", load_s,
	       now_s() - t0);
done:
	if (tokens)
		fclose(tokens);
	for (int t = 0; t < T_N; t++)
		free(r[t].v);
	instrument_free(ins);
	arena_free(a);
	core_close(&c);
	return 0;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* Wall-clock ms of core_report for n rounds picked from [first, last]. */
static int report_latency(struct core *c, int64_t first, int64_t last, int n, double *ms, struct err *e)
{
	for (int i = 0; i < n; i++) {
		struct arena *a = arena_new();
		struct report rep;
		int64_t id = first + (int64_t)(uniform() * (double)(last - first + 1));
		double t0 = now_s();
		int rc = core_report(c, a, id > last ? last : id, &rep, e);
		ms[i] = (now_s() - t0) * 1e3;
		arena_free(a);
		if (rc != AZ_OK)
			return rc;
	}
	qsort(ms, (size_t)n, sizeof *ms, cmp_double);
	return AZ_OK;
}

static void print_latency(const char *what, const double *ms, int n)
{
	printf("%-34s median %.2f ms  p99 %.2f ms  max %.2f ms  (%d reports)\n", what, ms[n / 2],
	       ms[(int)(n * 0.99) < n ? (int)(n * 0.99) : n - 1], ms[n - 1], n);
}

/* A baseline instance of one leader and one released round of the same
 * shape, made with the generator: in $BASELINE_DB (an empty database, for
 * a baseline on the same backend) or in a SQLite file in a temporary
 * folder. */
static int baseline(int n, double *ms)
{
	char dir[] = "/tmp/aanwezig-national-XXXXXX", file[64], key[80], cmd[96];
	const char *db = getenv("BASELINE_DB");
	struct core c;
	struct err e = {0};
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(file, sizeof file, "%s/one.db", dir);
	snprintf(key, sizeof key, "%s/one.key", dir);
	if (db == NULL || db[0] == '\0')
		db = file;
	quiet = 1;
	if (generate(db, key, 1, 0, NULL) != 0 || core_open(&c, db, key, "", &e) != AZ_OK)
		return 1;
	rc = report_latency(&c, 2, 2, n, ms, &e);
	core_close(&c);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0 || rc != AZ_OK)
		return fprintf(stderr, "national: %s\n", e.msg), 1;
	return 0;
}

static int measure(const char *db, const char *key, int n)
{
	struct core c;
	struct err e = {0};
	struct arena *a = arena_new();
	struct stats_analysis an;
	struct round *rounds;
	double *ms = calloc((size_t)n, sizeof *ms), *base = calloc((size_t)n, sizeof *base), t0, secs;
	size_t nround, other;
	int64_t last = 0;

	if (baseline(n, base) != 0)
		return 1;
	if (core_open(&c, db, key, "", &e) != AZ_OK ||
	    c.st->ops->round_list(c.st, a, 0, &rounds, &nround, &e) != AZ_OK)
		return fprintf(stderr, "national: %s\n", e.msg), 1;
	for (size_t i = 0; i < nround; i++)
		if (rounds[i].state == ROUND_RELEASED && rounds[i].id > last)
			last = rounds[i].id;
	/* Warm the instrument cache and the database's pages as a server would be. */
	report_latency(&c, 2, last, 5, ms, &e);
	if (report_latency(&c, 2, last, n, ms, &e) != AZ_OK)
		return fprintf(stderr, "national: %s\n", e.msg), 1;
	print_latency(getenv("BASELINE_DB") && *getenv("BASELINE_DB") ? "one report, baseline (one round, same backend):"
									 : "one report, baseline (one round, SQLite):", base, n);
	print_latency("one report, whole instance loaded:", ms, n);
	printf("ratio loaded / baseline: median %.2f, p99 %.2f\n", ms[n / 2] / base[n / 2],
	       ms[(int)(n * 0.99)] / base[(int)(n * 0.99)]);
	t0 = now_s();
	if (core_instance_analysis(&c, a, 0, &an, &other, &e) != AZ_OK)
		return fprintf(stderr, "national: %s\n", e.msg), 1;
	secs = now_s() - t0;
	printf("every profile + reliability: %d profiles in %.1f s (%.2f ms each)\n", an.nprofile, secs,
	       secs * 1e3 / an.nprofile);
	for (int d = 0; d < an.design->ndim; d++)
		if (an.reliability[d].has_alpha || an.reliability[d].icc.has_icc1)
			printf("  %-14s alpha %.3f (n %d)  ICC(1) %.3f  ICC(1,k) %.3f (N %d, G %d)\n",
			       an.design->dims[d].id, an.reliability[d].alpha, an.reliability[d].n_alpha,
			       an.reliability[d].icc.icc1, an.reliability[d].icc.icc1k, an.reliability[d].icc.n,
			       an.reliability[d].icc.g);
	free(ms);
	free(base);
	arena_free(a);
	core_close(&c);
	return 0;
}

int main(int argc, char **argv)
{
	const char *key = getenv("KEY_FILE");

	if (token_init() != 0)
		return 2;
	if (argc >= 3 && strcmp(argv[1], "generate") == 0)
		return generate(argv[2], key && *key ? key : NULL, argc > 3 ? atol(argv[3]) : 20000,
				argc > 5 ? atol(argv[4]) : 0, argc > 5 ? argv[5] : NULL);
	if (argc >= 3 && strcmp(argv[1], "measure") == 0)
		return measure(argv[2], key && *key ? key : NULL, argc > 3 ? atoi(argv[3]) : 200);
	fprintf(stderr, "usage: national generate DB [LEADERS] [OPEN TOKENS]\n"
			"       national measure DB [REPORTS]\n");
	return 2;
}
