/* test_stats.c — the statistics of a presence profile (src/profile/stats.c).
 *
 * 1. Every formula against values computed independently in R, on the
 *    fixed data set in tests/data/stats/ (items.csv, data.csv,
 *    icc_balanced.csv). tests/data/stats/expected.R made the table
 *    `expected` below; each line names the R function that produced the
 *    value. Run it again with `Rscript tests/data/stats/expected.R` from
 *    the repository root. Values are compared with a tolerance of 1e-9.
 * 2. Edge cases worked out by hand: n < 2, raters in full agreement, a
 *    variance at the uniform null, a dimension nobody answered, a rater
 *    below half of the items, flags at exactly the setting.
 * 3. The anonymity rule as a property over thousands of random
 *    leader-rounds: no shown figure rests on fewer raters than the
 *    threshold, and no difference "others minus shown groups" describes
 *    between 1 and threshold-1 raters.
 *
 * The data files are read relative to the repository root, where
 * tests/run.sh and `make check` run the tests.
 */
#include "testutil.h"

#include <math.h>

#include "../../src/profile/anonymity.h"
#include "../../src/profile/stats.h"
#include "../../src/util/csv.h"

#define TOL 1e-9
#define DATA_DIR "tests/data/stats/"

/* ---- Expected values (from tests/data/stats/expected.R) --------------- */

struct expect {
	const char *name;
	double value;
	int has;      /* 0: R gave NA, so the figure must be absent */
};

static const struct expect expected[] = {
	/* ---- L01 round 1: self, others and the shown groups ---- */
	{"L01/1 omgeving self", 4.5, 1}, /* our rater score: mean(na.rm = TRUE) */
	{"L01/1 omgeving others n", 9, 1}, /* length() of the rater scores */
	{"L01/1 omgeving others mean", 3.8518518518518516, 1}, /* mean() */
	{"L01/1 omgeving others sd", 0.4890782461571947, 1}, /* sd() */
	{"L01/1 omgeving others n_rwg", 7, 1}, /* nrow() of complete.cases() */
	{"L01/1 omgeving others rwg", 0.85470085470085477, 1}, /* multilevel::rwg.j(ranvar = (5^2-1)/12) */
	{"L01/1 omgeving gap", 0.64814814814814836, 1}, /* self - mean() */
	{"L01/1 regisserend self", 4.5, 1}, /* our rater score: mean(na.rm = TRUE) */
	{"L01/1 regisserend others n", 9, 1}, /* length() of the rater scores */
	{"L01/1 regisserend others mean", 2.7222222222222223, 1}, /* mean() */
	{"L01/1 regisserend others sd", 0.50689687752485157, 1}, /* sd() */
	{"L01/1 regisserend others n_rwg", 9, 1}, /* nrow() of complete.cases() */
	{"L01/1 regisserend others rwg", 0.875, 1}, /* multilevel::rwg.j(ranvar = (5^2-1)/12) */
	{"L01/1 regisserend gap", 1.7777777777777777, 1}, /* self - mean() */
	{"L01/1 verbindend self", 0, 0}, /* our rater score: mean(na.rm = TRUE): NA */
	{"L01/1 verbindend others n", 10, 1}, /* length() of the rater scores */
	{"L01/1 verbindend others mean", 4.0333333333333332, 1}, /* mean() */
	{"L01/1 verbindend others sd", 0.45677343980209917, 1}, /* sd() */
	{"L01/1 verbindend others n_rwg", 9, 1}, /* nrow() of complete.cases() */
	{"L01/1 verbindend others rwg", 0.87451737451737444, 1}, /* multilevel::rwg.j(ranvar = (5^2-1)/12) */
	{"L01/1 verbindend gap", 0, 0}, /* self - mean(): NA */
	{"L01/1 omgeving bestuur n", 3, 1}, /* length() of the rater scores */
	{"L01/1 omgeving bestuur mean", 3.3888888888888888, 1}, /* mean() */
	{"L01/1 omgeving bestuur sd", 0.34694433324435542, 1}, /* sd() */
	{"L01/1 omgeving bestuur n_rwg", 2, 1}, /* nrow() of complete.cases() */
	{"L01/1 omgeving bestuur rwg", 0, 0}, /* multilevel::rwg.j(ranvar = (5^2-1)/12): NA */
	{"L01/1 omgeving mt n", 3, 1}, /* length() of the rater scores */
	{"L01/1 omgeving mt mean", 4.083333333333333, 1}, /* mean() */
	{"L01/1 omgeving mt sd", 0.14433756729740643, 1}, /* sd() */
	{"L01/1 omgeving mt n_rwg", 2, 1}, /* nrow() of complete.cases() */
	{"L01/1 omgeving mt rwg", 0, 0}, /* multilevel::rwg.j(ranvar = (5^2-1)/12): NA */
	{"L01/1 omgeving overig n", 3, 1}, /* length() of the rater scores */
	{"L01/1 omgeving overig mean", 4.083333333333333, 1}, /* mean() */
	{"L01/1 omgeving overig sd", 0.57735026918962573, 1}, /* sd() */
	{"L01/1 omgeving overig n_rwg", 3, 1}, /* nrow() of complete.cases() */
	{"L01/1 omgeving overig rwg", 0.5714285714285714, 1}, /* multilevel::rwg.j(ranvar = (5^2-1)/12) */
	{"L01/1 regisserend bestuur n", 4, 1}, /* length() of the rater scores */
	{"L01/1 regisserend bestuur mean", 2.625, 1}, /* mean() */
	{"L01/1 regisserend bestuur sd", 0.47871355387816905, 1}, /* sd() */
	{"L01/1 regisserend bestuur n_rwg", 4, 1}, /* nrow() of complete.cases() */
	{"L01/1 regisserend bestuur rwg", 0.87058823529411766, 1}, /* multilevel::rwg.j(ranvar = (5^2-1)/12) */
	{"L01/1 regisserend overig n", 5, 1}, /* length() of the rater scores */
	{"L01/1 regisserend overig mean", 2.7999999999999998, 1}, /* mean() */
	{"L01/1 regisserend overig sd", 0.57008771254956903, 1}, /* sd() */
	{"L01/1 regisserend overig n_rwg", 5, 1}, /* nrow() of complete.cases() */
	{"L01/1 regisserend overig rwg", 0.87323943661971837, 1}, /* multilevel::rwg.j(ranvar = (5^2-1)/12) */
	{"L01/1 verbindend bestuur n", 4, 1}, /* length() of the rater scores */
	{"L01/1 verbindend bestuur mean", 3.6666666666666665, 1}, /* mean() */
	{"L01/1 verbindend bestuur sd", 0.47140452079103146, 1}, /* sd() */
	{"L01/1 verbindend bestuur n_rwg", 4, 1}, /* nrow() of complete.cases() */
	{"L01/1 verbindend bestuur rwg", 0.87209302325581406, 1}, /* multilevel::rwg.j(ranvar = (5^2-1)/12) */
	{"L01/1 verbindend mt n", 3, 1}, /* length() of the rater scores */
	{"L01/1 verbindend mt mean", 4.333333333333333, 1}, /* mean() */
	{"L01/1 verbindend mt sd", 0.33333333333333348, 1}, /* sd() */
	{"L01/1 verbindend mt n_rwg", 3, 1}, /* nrow() of complete.cases() */
	{"L01/1 verbindend mt rwg", 0.88636363636363635, 1}, /* multilevel::rwg.j(ranvar = (5^2-1)/12) */
	{"L01/1 verbindend overig n", 3, 1}, /* length() of the rater scores */
	{"L01/1 verbindend overig mean", 4.2222222222222223, 1}, /* mean() */
	{"L01/1 verbindend overig sd", 0.1924500897298751, 1}, /* sd() */
	{"L01/1 verbindend overig n_rwg", 2, 1}, /* nrow() of complete.cases() */
	{"L01/1 verbindend overig rwg", 0, 0}, /* multilevel::rwg.j(ranvar = (5^2-1)/12): NA */
	/* ---- L01 round 1: items (non-self raters who answered) ---- */
	{"L01/1 item OMG1 n", 10, 1}, /* sum(!is.na()) */
	{"L01/1 item OMG1 mean", 3.7000000000000002, 1}, /* mean(na.rm = TRUE) */
	{"L01/1 item OMG2 n", 9, 1}, /* sum(!is.na()) */
	{"L01/1 item OMG2 mean", 3.7777777777777777, 1}, /* mean(na.rm = TRUE) */
	{"L01/1 item OMG3 n", 7, 1}, /* sum(!is.na()) */
	{"L01/1 item OMG3 mean", 3.5714285714285716, 1}, /* mean(na.rm = TRUE) */
	{"L01/1 item OMG4 n", 8, 1}, /* sum(!is.na()) */
	{"L01/1 item OMG4 mean", 4.375, 1}, /* mean(na.rm = TRUE) */
	{"L01/1 item REG-BV n", 9, 1}, /* sum(!is.na()) */
	{"L01/1 item REG-BV mean", 2.8888888888888888, 1}, /* mean(na.rm = TRUE) */
	{"L01/1 item REG-SD n", 9, 1}, /* sum(!is.na()) */
	{"L01/1 item REG-SD mean", 2.5555555555555554, 1}, /* mean(na.rm = TRUE) */
	{"L01/1 item VER-BV n", 10, 1}, /* sum(!is.na()) */
	{"L01/1 item VER-BV mean", 4.0999999999999996, 1}, /* mean(na.rm = TRUE) */
	{"L01/1 item VER-SD1 n", 10, 1}, /* sum(!is.na()) */
	{"L01/1 item VER-SD1 mean", 4.0999999999999996, 1}, /* mean(na.rm = TRUE) */
	{"L01/1 item VER-SD2 n", 9, 1}, /* sum(!is.na()) */
	{"L01/1 item VER-SD2 mean", 3.8888888888888888, 1}, /* mean(na.rm = TRUE) */
	{"L01/1 item LEEG1 n", 0, 1}, /* sum(!is.na()) */
	{"L01/1 item LEEG1 mean", 0, 0}, /* mean(na.rm = TRUE): NA */
	{"L01/1 item OMG1 gap", 1.2999999999999998, 1}, /* self score - mean(na.rm = TRUE) */
	{"L01/1 item OMG2 gap", 0.22222222222222232, 1}, /* self score - mean(na.rm = TRUE) */
	{"L01/1 item OMG3 gap", 0.42857142857142838, 1}, /* self score - mean(na.rm = TRUE) */
	{"L01/1 item OMG4 gap", 0.625, 1}, /* self score - mean(na.rm = TRUE) */
	{"L01/1 item REG-BV gap", 1.1111111111111112, 1}, /* self score - mean(na.rm = TRUE) */
	{"L01/1 item REG-SD gap", 2.4444444444444446, 1}, /* self score - mean(na.rm = TRUE) */
	{"L01/1 item VER-BV gap", -0.099999999999999645, 1}, /* self score - mean(na.rm = TRUE) */
	{"L01/1 item VER-SD1 gap", 0, 0}, /* self score - mean(na.rm = TRUE): NA */
	{"L01/1 item VER-SD2 gap", 0, 0}, /* self score - mean(na.rm = TRUE): NA */
	{"L01/1 item LEEG1 gap", 0, 0}, /* self score - mean(na.rm = TRUE): NA */
	/* ---- L01 round 1: roles x arenas (item scores pooled) ---- */
	{"L01/1 cell regisserend bedrijfsvoering n", 9, 1}, /* raters with a score: sum(rowSums(!is.na()) > 0) */
	{"L01/1 cell regisserend bedrijfsvoering nscore", 9, 1}, /* sum(!is.na()) */
	{"L01/1 cell regisserend bedrijfsvoering mean", 2.8888888888888888, 1}, /* mean(na.rm = TRUE) of the pooled scores */
	{"L01/1 cell regisserend sociaal n", 9, 1}, /* raters with a score: sum(rowSums(!is.na()) > 0) */
	{"L01/1 cell regisserend sociaal nscore", 9, 1}, /* sum(!is.na()) */
	{"L01/1 cell regisserend sociaal mean", 2.5555555555555554, 1}, /* mean(na.rm = TRUE) of the pooled scores */
	{"L01/1 cell verbindend bedrijfsvoering n", 10, 1}, /* raters with a score: sum(rowSums(!is.na()) > 0) */
	{"L01/1 cell verbindend bedrijfsvoering nscore", 10, 1}, /* sum(!is.na()) */
	{"L01/1 cell verbindend bedrijfsvoering mean", 4.0999999999999996, 1}, /* mean(na.rm = TRUE) of the pooled scores */
	{"L01/1 cell verbindend sociaal n", 10, 1}, /* raters with a score: sum(rowSums(!is.na()) > 0) */
	{"L01/1 cell verbindend sociaal nscore", 19, 1}, /* sum(!is.na()) */
	{"L01/1 cell verbindend sociaal mean", 4, 1}, /* mean(na.rm = TRUE) of the pooled scores */
	{"L01/1 role regisserend n", 9, 1}, /* raters with a score: sum(rowSums(!is.na()) > 0) */
	{"L01/1 role regisserend nscore", 18, 1}, /* sum(!is.na()) */
	{"L01/1 role regisserend mean", 2.7222222222222223, 1}, /* mean(na.rm = TRUE) of the pooled scores */
	{"L01/1 role verbindend n", 10, 1}, /* raters with a score: sum(rowSums(!is.na()) > 0) */
	{"L01/1 role verbindend nscore", 29, 1}, /* sum(!is.na()) */
	{"L01/1 role verbindend mean", 4.0344827586206895, 1}, /* mean(na.rm = TRUE) of the pooled scores */
	{"L01/1 arena bedrijfsvoering n", 10, 1}, /* raters with a score: sum(rowSums(!is.na()) > 0) */
	{"L01/1 arena bedrijfsvoering nscore", 19, 1}, /* sum(!is.na()) */
	{"L01/1 arena bedrijfsvoering mean", 3.5263157894736841, 1}, /* mean(na.rm = TRUE) of the pooled scores */
	{"L01/1 arena sociaal n", 10, 1}, /* raters with a score: sum(rowSums(!is.na()) > 0) */
	{"L01/1 arena sociaal nscore", 28, 1}, /* sum(!is.na()) */
	{"L01/1 arena sociaal mean", 3.5357142857142856, 1}, /* mean(na.rm = TRUE) of the pooled scores */
	/* ---- L01: trend from round 1 to round 2 ---- */
	{"L01 trend omgeving self", -0.25, 1}, /* difference of rater scores */
	{"L01 trend omgeving others", 0.12037037037037068, 1}, /* difference of mean(na.rm = TRUE) */
	{"L01 trend regisserend self", -1, 1}, /* difference of rater scores */
	{"L01 trend regisserend others", 0.72222222222222232, 1}, /* difference of mean(na.rm = TRUE) */
	{"L01 trend verbindend self", 0, 0}, /* difference of rater scores: NA */
	{"L01 trend verbindend others", 0.29999999999999982, 1}, /* difference of mean(na.rm = TRUE) */
	/* ---- Reliability over L01/1, L01/2, L02/1, L04/1 (non-self) ---- */
	{"rel omgeving n_alpha", 22, 1}, /* nrow() of complete.cases() */
	{"rel omgeving alpha", 0.75821217016693598, 1}, /* psych::alpha()$total$raw_alpha */
	{"rel omgeving icc n", 24, 1}, /* length() */
	{"rel omgeving msb", 2.6395318930041145, 1}, /* summary(aov())[[1]] Mean Sq, between */
	{"rel omgeving msw", 0.31564429012345674, 1}, /* summary(aov())[[1]] Mean Sq, within */
	{"rel omgeving k0", 5.4722222222222223, 1}, /* (N - sum(table()^2)/N) / (G - 1) */
	{"rel omgeving icc1", 0.57363464019238031, 1}, /* (MSB - MSW) / (MSB + (k0 - 1) MSW) from aov() */
	{"rel omgeving icc1 multilevel", 0.55097759720708295, 1}, /* multilevel::ICC1(aov()) with N/G; differs: groups unequal */
	{"rel omgeving icc1k", 0.88041656516443367, 1}, /* multilevel::ICC2(aov()) */
	{"rel regisserend n_alpha", 24, 1}, /* nrow() of complete.cases() */
	{"rel regisserend alpha", 0.75774134790528236, 1}, /* psych::alpha()$total$raw_alpha */
	{"rel regisserend icc n", 25, 1}, /* length() */
	{"rel regisserend msb", 3.3074074074074051, 1}, /* summary(aov())[[1]] Mean Sq, between */
	{"rel regisserend msw", 0.38465608465608447, 1}, /* summary(aov())[[1]] Mean Sq, within */
	{"rel regisserend k0", 5.7866666666666662, 1}, /* (N - sum(table()^2)/N) / (G - 1) */
	{"rel regisserend icc1", 0.56767577670049252, 1}, /* (MSB - MSW) / (MSB + (k0 - 1) MSW) from aov() */
	{"rel regisserend icc1 multilevel", 0.5486826748777035, 1}, /* multilevel::ICC1(aov()) with N/G; differs: groups unequal */
	{"rel regisserend icc1k", 0.88369860822268431, 1}, /* multilevel::ICC2(aov()) */
	{"rel verbindend n_alpha", 24, 1}, /* nrow() of complete.cases() */
	{"rel verbindend alpha", 0.84343770819453689, 1}, /* psych::alpha()$total$raw_alpha */
	{"rel verbindend icc n", 26, 1}, /* length() */
	{"rel verbindend msb", 3.7612535612535631, 1}, /* summary(aov())[[1]] Mean Sq, between */
	{"rel verbindend msw", 0.44053030303030288, 1}, /* summary(aov())[[1]] Mean Sq, within */
	{"rel verbindend k0", 5.9743589743589745, 1}, /* (N - sum(table()^2)/N) / (G - 1) */
	{"rel verbindend icc1", 0.55786009456979679, 1}, /* (MSB - MSW) / (MSB + (k0 - 1) MSW) from aov() */
	{"rel verbindend icc1 multilevel", 0.53697151531031484, 1}, /* multilevel::ICC1(aov()) with N/G; differs: groups unequal */
	{"rel verbindend icc1k", 0.88287673355276752, 1}, /* multilevel::ICC2(aov()) */
	{"rel leeg n_alpha", 0, 1}, /* nrow() of complete.cases() */
	{"rel leeg alpha", 0, 0}, /* psych::alpha()$total$raw_alpha: NA */
	{"rel leeg icc n", 0, 1}, /* length() */
	/* ---- Balanced clusters (icc_balanced.csv): ICC1 as in multilevel ---- */
	{"balanced icc1", 0.74150485436893199, 1}, /* multilevel::ICC1(aov()): k0 = N/G when balanced */
	{"balanced icc1k", 0.89589442815249265, 1}, /* multilevel::ICC2(aov()) */
	{"balanced msb", 2.3680555555555545, 1}, /* summary(aov())[[1]] Mean Sq, between */
	{"balanced msw", 0.24652777777777762, 1}, /* summary(aov())[[1]] Mean Sq, within */
};

static const char *const want_highest[] = {"OMG4", "VER-BV", "VER-SD1", "VER-SD2", "OMG2"}; /* head(order(-mean), 5) */
static const char *const want_lowest[] = {"REG-SD", "REG-BV", "OMG3", "OMG1", "OMG2"}; /* head(order(mean), 5) */
static const char *const want_gaps[] = {"REG-SD", "OMG1", "REG-BV", "OMG4", "OMG3"}; /* head(order(-abs(gap)), 5) */

/* The expected value called name; fails the test when there is none, so
 * that a typo never silently compares nothing. */
static const struct expect *want(const char *name)
{
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
		if (strcmp(expected[i].name, name) == 0)
			return &expected[i];
	fail_msg("no expected value \"%s\"", name);
	return NULL;
}

/* Assert that (has, got) matches the expected value name: absent where R
 * gave NA, else within TOL. */
#define check(name, has, got) check_at((name), (has), (got), __FILE__, __LINE__)

static void check_at(const char *name, int has, double got, const char *file, int line)
{
	const struct expect *x = want(name);

	if (has != x->has) {
		print_error("%s: present %d, expected %d\n", name, has, x->has);
		_fail(file, line);
	}
	if (has && !(fabs(got - x->value) <= TOL)) {
		print_error("%s: got %.17g, expected %.17g (R)\n", name, got, x->value);
		_fail(file, line);
	}
}

/* ---- Loading the fixed data set --------------------------------------- */

#define MAXR 16    /* leader-rounds */
#define MAXP 16    /* raters in one */
#define MAXI 16    /* items */
#define MAXG 8     /* groups */

/* The fixed data set as the statistics take it; a deliberately plain
 * loader (no checks beyond the test's needs), separate from core/analyze.c
 * so that these tests rest on the statistics alone. */
struct fixture {
	struct arena *a;
	struct stats_dim dims[MAXI];
	struct stats_item items[MAXI];
	const char *arenas[MAXI];
	struct stats_group groups[MAXG];
	struct stats_design d;
	int nround;
	struct stats_round rounds[MAXR];
	const char *rater[MAXR][MAXP];
	int group[MAXR][MAXP];
	unsigned char score[MAXR][MAXP * MAXI];
};

/* The whole file path into a new string (free() it) and its length. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *s;

	if (f == NULL)
		fail_msg("cannot read %s (run the tests from the repository root)", path);
	s = calloc(1, 1 << 16);
	assert_non_null(s);
	*n = fread(s, 1, (1 << 16) - 1, f);
	fclose(f);
	return s;
}

/* Index of s in names[0..*n), appended when new. */
static int intern(const char **names, int *n, int max, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	assert_true(*n < max);
	names[*n] = s;
	return (*n)++;
}

static void load_items(struct fixture *fx)
{
	struct csv_reader r;
	struct err e = {0};
	char **f;
	size_t n, nf, line;
	char *text = slurp(DATA_DIR "items.csv", &n);
	const char *dimnames[MAXI];
	int ndim = 0, narena = 0;

	assert_int_equal(csv_open(&r, text, n, &e), AZ_OK);
	assert_int_equal(csv_next(&r, fx->a, &f, &nf, &line, &e), 1);   /* header */
	while (csv_next(&r, fx->a, &f, &nf, &line, &e) == 1) {
		int di = intern(dimnames, &ndim, MAXI, f[1]);
		struct stats_item *it = &fx->items[fx->d.nitem++];
		it->id = f[0];
		it->dim = di;
		it->arena = f[2][0] ? intern(fx->arenas, &narena, MAXI, f[2]) : -1;
		fx->dims[di].id = f[1];
		fx->dims[di].noption = 5;
		if (it->arena >= 0)
			fx->dims[di].kind = STATS_ROLE;
	}
	fx->d.ndim = ndim;
	fx->d.narena = narena;
	free(text);
}

static void load_data(struct fixture *fx)
{
	struct csv_reader r;
	struct err e = {0};
	char **f;
	size_t n, nf, line;
	char *text = slurp(DATA_DIR "data.csv", &n);
	const char *keys[MAXR], *gnames[MAXG];
	int nrater[MAXR] = {0};

	assert_int_equal(csv_open(&r, text, n, &e), AZ_OK);
	assert_int_equal(csv_next(&r, fx->a, &f, &nf, &line, &e), 1);
	while (csv_next(&r, fx->a, &f, &nf, &line, &e) == 1) {
		const char *key = arena_printf(fx->a, "%s/%s", f[0], f[1]);
		int k = intern(keys, &fx->nround, MAXR, key), p, it;
		fx->rounds[k].leader = f[0];
		fx->rounds[k].round = f[1];
		p = intern(fx->rater[k], &nrater[k], MAXP, f[2]);
		fx->group[k][p] = strcmp(f[3], "self") == 0 ? STATS_SELF
			: intern(gnames, &fx->d.ngroup, MAXG, f[3]);
		for (it = 0; it < fx->d.nitem; it++)
			if (strcmp(fx->items[it].id, f[4]) == 0)
				break;
		assert_true(it < fx->d.nitem);
		fx->score[k][p * fx->d.nitem + it] = (unsigned char)(f[5][0] ? atoi(f[5]) : 0);
	}
	for (int g = 0; g < fx->d.ngroup; g++)
		fx->groups[g] = (struct stats_group){gnames[g], 3, 1};
	for (int k = 0; k < fx->nround; k++) {
		fx->rounds[k].nrater = nrater[k];
		fx->rounds[k].group = fx->group[k];
		fx->rounds[k].score = fx->score[k];
	}
	free(text);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	fx->a = arena_new();
	fx->d.dims = fx->dims;
	fx->d.items = fx->items;
	fx->d.arenas = fx->arenas;
	fx->d.groups = fx->groups;
	load_items(fx);
	load_data(fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	arena_free(fx->a);
	free(fx);
	return 0;
}

/* The round leader/round of the fixture. */
static const struct stats_round *fx_round(const struct fixture *fx, const char *leader,
					  const char *round)
{
	for (int k = 0; k < fx->nround; k++)
		if (strcmp(fx->rounds[k].leader, leader) == 0 && strcmp(fx->rounds[k].round, round) == 0)
			return &fx->rounds[k];
	fail_msg("no round %s/%s in the data", leader, round);
	return NULL;
}

static int fx_dim(const struct fixture *fx, const char *id)
{
	for (int i = 0; i < fx->d.ndim; i++)
		if (strcmp(fx->dims[i].id, id) == 0)
			return i;
	fail_msg("no dimension %s", id);
	return -1;
}

static int fx_item(const struct fixture *fx, const char *id)
{
	for (int i = 0; i < fx->d.nitem; i++)
		if (strcmp(fx->items[i].id, id) == 0)
			return i;
	fail_msg("no item %s", id);
	return -1;
}

/* The profile of leader/round with threshold 3 and blind spot 0.5. */
static void fx_profile(struct fixture *fx, const char *leader, const char *round,
		       struct stats_profile *p)
{
	struct stats_config cfg = {3, 0.5};
	struct err e = {0};

	assert_int_equal(stats_profile(fx->a, &fx->d, fx_round(fx, leader, round), &cfg, p, &e), AZ_OK);
}

/* Compare figure f with the R values "prefix n|mean|sd|n_rwg|rwg". */
static void check_figure(const char *prefix, const struct stats_figure *f)
{
	char name[128];

	snprintf(name, sizeof name, "%s n", prefix);
	check(name, 1, f->n);
	snprintf(name, sizeof name, "%s mean", prefix);
	check(name, 1, f->mean);
	snprintf(name, sizeof name, "%s sd", prefix);
	check(name, f->has_sd, f->sd);
	snprintf(name, sizeof name, "%s n_rwg", prefix);
	check(name, 1, f->n_rwg);
	snprintf(name, sizeof name, "%s rwg", prefix);
	check(name, f->has_rwg, f->rwg);
}

/* ---- 1. Against R ----------------------------------------------------- */

static void self_others_and_gap_match_r(void **state)
{
	struct fixture *fx = *state;
	struct stats_profile p;
	const char *dims[] = {"omgeving", "regisserend", "verbindend"};
	char name[128];

	fx_profile(fx, "L01", "1", &p);
	for (int k = 0; k < 3; k++) {
		const struct stats_dim_profile *dp = &p.dims[fx_dim(fx, dims[k])];
		snprintf(name, sizeof name, "L01/1 %s self", dims[k]);
		check(name, dp->has_self, dp->self);
		assert_true(dp->has_others);
		snprintf(name, sizeof name, "L01/1 %s others", dims[k]);
		check_figure(name, &dp->others);
		snprintf(name, sizeof name, "L01/1 %s gap", dims[k]);
		check(name, dp->has_gap, dp->gap);
	}
	/* Gaps 0.648 and 1.778 are blind spots; no self score, no flag. */
	assert_int_equal(p.dims[fx_dim(fx, "omgeving")].flag, STATS_FLAG_BLIND_SPOT);
	assert_int_equal(p.dims[fx_dim(fx, "regisserend")].flag, STATS_FLAG_BLIND_SPOT);
	assert_int_equal(p.dims[fx_dim(fx, "verbindend")].flag, STATS_FLAG_NONE);
}

/* The shown groups of dimension dim are exactly names[0..n), in order,
 * each matching R's figure "L01/1 dim name". */
static void check_groups(const struct stats_profile *p, int dim, const char *dimname,
			 const char *const *names, int n)
{
	const struct stats_dim_profile *dp = &p->dims[dim];
	char prefix[96];

	assert_int_equal(dp->ngroup, n);
	for (int g = 0; g < n; g++) {
		assert_string_equal(dp->groups[g].group, names[g]);
		assert_int_equal(dp->groups[g].overig, strcmp(names[g], "overig") == 0);
		snprintf(prefix, sizeof prefix, "L01/1 %s %s", dimname, names[g]);
		check_figure(prefix, &dp->groups[g].f);
	}
}

static void groups_merge_per_dimension_and_match_r(void **state)
{
	struct fixture *fx = *state;
	struct stats_profile p;
	/* See expected.R for why these are the shown sets. */
	const char *omg[] = {"bestuur", "mt", "overig"};     /* overig = raad + peers */
	const char *reg[] = {"bestuur", "overig"};           /* overig = mt + raad */
	const char *ver[] = {"bestuur", "mt", "overig"};     /* overig = raad + peers */

	fx_profile(fx, "L01", "1", &p);
	check_groups(&p, fx_dim(fx, "omgeving"), "omgeving", omg, 3);
	check_groups(&p, fx_dim(fx, "regisserend"), "regisserend", reg, 2);
	check_groups(&p, fx_dim(fx, "verbindend"), "verbindend", ver, 3);
}

/* The items of want[0..n) that p shows, in order, into out; how many. */
static int shown_only(const struct fixture *fx, const struct stats_profile *p, const char *const *want,
		      int n, const char **out)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		for (int it = 0; it < fx->d.nitem; it++)
			if (strcmp(fx->items[it].id, want[i]) == 0 && p->items[it].has_others)
				out[k++] = want[i];
	return k;
}

static void items_and_their_rankings_match_r(void **state)
{
	struct fixture *fx = *state;
	struct stats_profile p;
	char name[128];
	const char *w[5];
	int nw, nhidden = 0;

	fx_profile(fx, "L01", "1", &p);
	for (int i = 0; i < fx->d.nitem; i++) {
		const struct stats_item_profile *ip = &p.items[i];
		int hidden = p.dims[fx->items[i].dim].items_hidden;
		snprintf(name, sizeof name, "L01/1 item %s n", fx->items[i].id);
		check(name, 1, ip->n);
		snprintf(name, sizeof name, "L01/1 item %s mean", fx->items[i].id);
		check(name, ip->n > 0, ip->mean);
		/* A hidden dimension's items show no gap; R's gap is for the rest. */
		snprintf(name, sizeof name, "L01/1 item %s gap", fx->items[i].id);
		if (!hidden)
			check(name, ip->has_gap, ip->gap);
		else
			assert_false(ip->has_gap);
		assert_int_equal(ip->has_others, ip->n >= 3 && !hidden);
		nhidden += hidden;
	}
	/* verbindend has one rater who skipped an item: its items are hidden
	 * (2026-11-29: the dimension minus its items gave that rater away). */
	assert_true(nhidden > 0);
	/* R's rankings, without the hidden items, head the profile's lists. */
	nw = shown_only(fx, &p, want_highest, 5, w);
	for (int k = 0; k < nw; k++)
		assert_string_equal(fx->items[p.highest[k]].id, w[k]);
	nw = shown_only(fx, &p, want_lowest, 5, w);
	for (int k = 0; k < nw; k++)
		assert_string_equal(fx->items[p.lowest[k]].id, w[k]);
	nw = shown_only(fx, &p, want_gaps, 5, w);
	for (int k = 0; k < nw; k++)
		assert_string_equal(fx->items[p.gaps[k]].id, w[k]);
	for (int k = 0; k < p.nhighest; k++)
		assert_true(p.items[p.highest[k]].has_others);
}

/* Compare cell c with R's "prefix n|nscore|mean". */
static void check_cell(const char *prefix, const struct stats_cell *c, int shown)
{
	char name[128];

	assert_int_equal(c->shown, shown);
	snprintf(name, sizeof name, "%s n", prefix);
	check(name, 1, c->n);
	snprintf(name, sizeof name, "%s nscore", prefix);
	check(name, 1, c->nscore);
	snprintf(name, sizeof name, "%s mean", prefix);
	check(name, 1, c->mean);
}

static void roles_by_arenas_match_r(void **state)
{
	struct fixture *fx = *state;
	struct stats_profile p;
	char prefix[128];

	fx_profile(fx, "L01", "1", &p);
	/* Two roles x two arenas, every cell with items; themes are no row. */
	assert_int_equal(p.ncell, 4);
	assert_int_equal(p.nrole, 2);
	assert_int_equal(p.narena, 2);
	for (int k = 0; k < p.ncell; k++) {
		snprintf(prefix, sizeof prefix, "L01/1 cell %s %s", fx->dims[p.cells[k].dim].id,
			 fx->arenas[p.cells[k].arena]);
		check_cell(prefix, &p.cells[k], !p.dims[p.cells[k].dim].items_hidden);
	}
	for (int k = 0; k < p.nrole; k++) {
		assert_int_equal(p.roles[k].arena, -1);
		snprintf(prefix, sizeof prefix, "L01/1 role %s", fx->dims[p.roles[k].dim].id);
		check_cell(prefix, &p.roles[k], !p.dims[p.roles[k].dim].items_hidden);
	}
	for (int k = 0; k < p.narena; k++) {
		assert_int_equal(p.arenas[k].dim, -1);
		snprintf(prefix, sizeof prefix, "L01/1 arena %s", fx->arenas[p.arenas[k].arena]);
		{
			int any_hidden = 0;
			for (int x = 0; x < p.ncell; x++)
				any_hidden |= p.dims[p.cells[x].dim].items_hidden;
			check_cell(prefix, &p.arenas[k], !any_hidden);
		}
	}
	/* The pooled sociaal cell of verbindend holds two items. */
	assert_int_equal(p.cells[3].nitem, 2);
}

static void trend_matches_r(void **state)
{
	struct fixture *fx = *state;
	struct stats_profile p1, p2;
	struct err e = {0};
	const char *dims[] = {"omgeving", "regisserend", "verbindend"};
	char name[128];

	fx_profile(fx, "L01", "1", &p1);
	fx_profile(fx, "L01", "2", &p2);
	assert_null(p2.trend);
	assert_int_equal(stats_trend(fx->a, &p1, &p2, &e), AZ_OK);
	assert_string_equal(p2.trend_from, "1");
	for (int k = 0; k < 3; k++) {
		const struct stats_trend *t = &p2.trend[fx_dim(fx, dims[k])];
		snprintf(name, sizeof name, "L01 trend %s self", dims[k]);
		check(name, t->has_self, t->self);
		snprintf(name, sizeof name, "L01 trend %s others", dims[k]);
		check(name, t->has_others, t->others);
	}
	/* Nobody answered "leeg" in either round: no change to give. */
	assert_false(p2.trend[fx_dim(fx, "leeg")].has_self);
	assert_false(p2.trend[fx_dim(fx, "leeg")].has_others);
}

static void reliability_matches_psych_and_multilevel(void **state)
{
	struct fixture *fx = *state;
	struct stats_round rounds[4];
	struct stats_reliability *rel;
	struct err e = {0};
	const char *dims[] = {"omgeving", "regisserend", "verbindend"};
	char name[128];

	/* L03/1 has no self response and is left out, as analyze does. */
	rounds[0] = *fx_round(fx, "L01", "1");
	rounds[1] = *fx_round(fx, "L01", "2");
	rounds[2] = *fx_round(fx, "L02", "1");
	rounds[3] = *fx_round(fx, "L04", "1");
	assert_int_equal(stats_reliability(fx->a, &fx->d, rounds, 4, 3, &rel, &e), AZ_OK);
	for (int k = 0; k < 3; k++) {
		const struct stats_reliability *r = &rel[fx_dim(fx, dims[k])];
		snprintf(name, sizeof name, "rel %s n_alpha", dims[k]);
		check(name, 1, r->n_alpha);
		snprintf(name, sizeof name, "rel %s alpha", dims[k]);
		check(name, r->has_alpha, r->alpha);
		snprintf(name, sizeof name, "rel %s icc n", dims[k]);
		check(name, 1, r->icc.n);
		assert_int_equal(r->icc.g, 4);
		assert_true(r->icc.has_anova);
		snprintf(name, sizeof name, "rel %s msb", dims[k]);
		check(name, 1, r->icc.msb);
		snprintf(name, sizeof name, "rel %s msw", dims[k]);
		check(name, 1, r->icc.msw);
		snprintf(name, sizeof name, "rel %s k0", dims[k]);
		check(name, 1, r->icc.k0);
		snprintf(name, sizeof name, "rel %s icc1", dims[k]);
		check(name, r->icc.has_icc1, r->icc.icc1);
		snprintf(name, sizeof name, "rel %s icc1k", dims[k]);
		check(name, r->icc.has_icc1k, r->icc.icc1k);
		/* With unequal groups k0 is not N/G, so multilevel::ICC1 differs. */
		snprintf(name, sizeof name, "rel %s icc1 multilevel", dims[k]);
		assert_true(fabs(r->icc.icc1 - want(name)->value) > 0.01);
	}
	/* Nobody answered "leeg": no alpha, no ICC. */
	check("rel leeg n_alpha", 1, rel[fx_dim(fx, "leeg")].n_alpha);
	check("rel leeg alpha", rel[fx_dim(fx, "leeg")].has_alpha, rel[fx_dim(fx, "leeg")].alpha);
	check("rel leeg icc n", 1, rel[fx_dim(fx, "leeg")].icc.n);
	assert_false(rel[fx_dim(fx, "leeg")].icc.has_icc1);
	assert_false(rel[fx_dim(fx, "leeg")].icc.has_icc1k);
}

static void icc_of_balanced_clusters_matches_multilevel_icc1(void **state)
{
	/* tests/data/stats/icc_balanced.csv: four clusters of three. */
	const double x[] = {3.25, 4, 3.5, 2, 2.75, 2.5, 4.5, 4, 5, 3, 3.6666666666666665,
			    2.3333333333333335};
	const int size[] = {3, 3, 3, 3};
	struct stats_icc icc;

	(void)state;
	stats_icc(x, size, 4, &icc);
	assert_int_equal(icc.n, 12);
	assert_int_equal(icc.g, 4);
	assert_true(fabs(icc.k0 - 3) <= TOL);
	check("balanced msb", 1, icc.msb);
	check("balanced msw", 1, icc.msw);
	check("balanced icc1", icc.has_icc1, icc.icc1);
	check("balanced icc1k", icc.has_icc1k, icc.icc1k);
}

/* ---- 2. Edge cases by hand -------------------------------------------- */

static void a_rater_needs_at_least_half_of_the_items(void **state)
{
	const unsigned char row[] = {4, 0, 0, 2, 0, 5};
	const int i1[] = {0}, i3a[] = {0, 1, 2}, i3b[] = {0, 1, 3}, i4[] = {0, 1, 2, 3},
		  i2none[] = {1, 2};
	double s = -1;

	(void)state;
	assert_int_equal(stats_rater_score(row, i1, 1, &s), 1);       /* 1 of 1 */
	assert_true(s == 4);
	assert_int_equal(stats_rater_score(row, i3a, 3, &s), 0);      /* 1 of 3 */
	assert_int_equal(stats_rater_score(row, i3b, 3, &s), 1);      /* 2 of 3 */
	assert_true(s == 3);
	assert_int_equal(stats_rater_score(row, i4, 4, &s), 1);       /* 2 of 4: half counts */
	assert_true(s == 3);
	assert_int_equal(stats_rater_score(row, i2none, 2, &s), 0);   /* 0 of 2 */
	assert_int_equal(stats_rater_score(row, i1, 0, &s), 0);       /* no items */
}

static void sd_is_absent_below_two_raters(void **state)
{
	const double one[] = {3.5};
	struct stats_figure f;

	(void)state;
	stats_describe(one, 1, &f);
	assert_int_equal(f.n, 1);
	assert_true(f.mean == 3.5);
	assert_false(f.has_sd);
	stats_describe(one, 0, &f);
	assert_int_equal(f.n, 0);
	assert_false(f.has_sd);
}

static void rwg_is_one_when_all_raters_give_the_same_answers(void **state)
{
	const unsigned char a[] = {4, 2, 5}, b[] = {4, 2, 5}, c[] = {4, 2, 5};
	const unsigned char *rows[] = {a, b, c};
	const int items[] = {0, 1, 2};
	double rwg = -1;

	(void)state;
	assert_int_equal(stats_rwg(rows, 3, items, 3, 5, &rwg), 1);
	assert_true(rwg == 1);
}

static void rwg_is_zero_from_the_variance_of_the_uniform_null_up(void **state)
{
	/* A = 3: sigma_E^2 = (9 - 1)/12 = 2/3; the scores 1, 3, 2, 2 have
	 * sample variance 2/3 exactly. */
	const unsigned char a[] = {1}, b[] = {3}, c[] = {2}, d[] = {2};
	const unsigned char *rows[] = {a, b, c, d};
	/* A = 5: 1, 5, 1, 5 have variance 16/3, far above 2. */
	const unsigned char e1[] = {1}, e2[] = {5}, e3[] = {1}, e4[] = {5};
	const unsigned char *wide[] = {e1, e2, e3, e4};
	const int items[] = {0};
	double rwg = -1;

	(void)state;
	assert_int_equal(stats_rwg(rows, 4, items, 1, 3, &rwg), 1);
	assert_true(rwg == 0);
	rwg = -1;
	assert_int_equal(stats_rwg(wide, 4, items, 1, 5, &rwg), 1);
	assert_true(rwg == 0);
	/* One rater: no agreement to speak of. */
	assert_int_equal(stats_rwg(rows, 1, items, 1, 5, &rwg), 0);
}

static void alpha_needs_two_items_two_rows_and_variance(void **state)
{
	const unsigned char a[] = {3, 3}, b[] = {3, 3}, c[] = {4, 2};
	const unsigned char *same[] = {a, b}, *rows[] = {a, c};
	const int one[] = {0}, two[] = {0, 1};
	double alpha;

	(void)state;
	assert_int_equal(stats_alpha(same, 2, one, 1, &alpha), 0);
	assert_int_equal(stats_alpha(same, 1, two, 2, &alpha), 0);
	assert_int_equal(stats_alpha(same, 2, two, 2, &alpha), 0);    /* sums do not vary */
	assert_int_equal(stats_alpha(rows, 2, two, 2, &alpha), 0);    /* 6 and 6 again */
}

static void a_dimension_nobody_answered_has_no_figures(void **state)
{
	struct fixture *fx = *state;
	struct stats_profile p;
	const struct stats_dim_profile *dp;

	fx_profile(fx, "L01", "1", &p);
	dp = &p.dims[fx_dim(fx, "leeg")];
	assert_false(dp->has_self);
	assert_false(dp->has_others);
	assert_false(dp->has_gap);
	assert_int_equal(dp->flag, STATS_FLAG_NONE);
	assert_int_equal(dp->ngroup, 0);
	assert_false(p.items[fx_item(fx, "LEEG1")].has_others);
}

static void others_below_the_threshold_show_nothing(void **state)
{
	struct fixture *fx = *state;
	struct stats_profile p;

	/* L04/1: the leader and two raters of bestuur. */
	fx_profile(fx, "L04", "1", &p);
	for (int i = 0; i < fx->d.ndim; i++) {
		assert_false(p.dims[i].has_others);
		assert_false(p.dims[i].has_gap);
		assert_int_equal(p.dims[i].ngroup, 0);
	}
	assert_true(p.dims[fx_dim(fx, "omgeving")].has_self);
	for (int i = 0; i < fx->d.nitem; i++)
		assert_false(p.items[i].has_others);
	for (int k = 0; k < p.ncell; k++)
		assert_false(p.cells[k].shown);
	assert_int_equal(p.nhighest, 0);
}

/* One dimension of two items, one group, threshold 3: a small world for
 * the flag and self rules. rows: the self row first. */
struct small {
	struct stats_dim dim;
	struct stats_item items[2];
	struct stats_group group;
	struct stats_design d;
	struct stats_round r;
	int group_of[6];
	unsigned char score[12];
};

static void small_init(struct small *s, const unsigned char *scores, int nrater)
{
	memset(s, 0, sizeof *s);
	s->dim = (struct stats_dim){"d", STATS_THEME, 5};
	s->items[0] = (struct stats_item){"i1", 0, -1};
	s->items[1] = (struct stats_item){"i2", 0, -1};
	s->group = (struct stats_group){"g", 3, 1};
	s->d = (struct stats_design){&s->dim, 1, s->items, 2, NULL, 0, &s->group, 1};
	s->group_of[0] = STATS_SELF;
	memcpy(s->score, scores, (size_t)nrater * 2);
	s->r = (struct stats_round){"L", "1", nrater, s->group_of, s->score};
}

static void flags_follow_the_gap_setting_inclusively(void **state)
{
	/* Others 4, 4, 5 (mean 13/3); self 2 -> gap -2.33: hidden strength. */
	const unsigned char low[] = {2, 2, 4, 4, 4, 4, 5, 5};
	/* Others 3, 3, 3; self 3.5 (3 and 4): a gap of exactly +0.5. */
	const unsigned char edge[] = {3, 4, 3, 3, 3, 3, 3, 3};
	struct small s;
	struct stats_profile p;
	struct stats_config cfg = {3, 0.5}, wide = {3, 2.5};
	struct arena *a = arena_new();
	struct err e = {0};

	(void)state;
	small_init(&s, low, 4);
	assert_int_equal(stats_profile(a, &s.d, &s.r, &cfg, &p, &e), AZ_OK);
	assert_true(p.dims[0].has_gap);
	assert_int_equal(p.dims[0].flag, STATS_FLAG_HIDDEN_STRENGTH);
	assert_null(stats_flag_name(STATS_FLAG_NONE));
	assert_string_equal(stats_flag_name(p.dims[0].flag), "hidden_strength");
	/* The setting is a parameter: a gap of 2.33 is not 2.5. */
	assert_int_equal(stats_profile(a, &s.d, &s.r, &wide, &p, &e), AZ_OK);
	assert_int_equal(p.dims[0].flag, STATS_FLAG_NONE);
	small_init(&s, edge, 4);
	assert_int_equal(stats_profile(a, &s.d, &s.r, &cfg, &p, &e), AZ_OK);
	assert_true(p.dims[0].gap == 0.5);
	assert_int_equal(p.dims[0].flag, STATS_FLAG_BLIND_SPOT);
	arena_free(a);
}

static void two_self_responses_are_refused(void **state)
{
	const unsigned char sc[] = {3, 3, 4, 4, 4, 4, 5, 5};
	struct small s;
	struct stats_profile p;
	struct stats_config cfg = {3, 0.5};
	struct arena *a = arena_new();
	struct err e = {0};

	(void)state;
	small_init(&s, sc, 4);
	s.group_of[1] = STATS_SELF;
	assert_int_equal(stats_profile(a, &s.d, &s.r, &cfg, &p, &e), AZ_EINVAL);
	assert_contains(e.msg, "more than one self response");
	arena_free(a);
}

static void rwg_is_withheld_below_the_threshold_of_complete_raters(void **state)
{
	/* Three raters count (each answered at least one of two items), but
	 * only two answered both: the mean is shown, rwg is not. */
	const unsigned char sc[] = {3, 3, 4, 0, 4, 4, 5, 5};
	struct small s;
	struct stats_profile p;
	struct stats_config cfg = {3, 0.5};
	struct arena *a = arena_new();
	struct err e = {0};

	(void)state;
	small_init(&s, sc, 4);
	assert_int_equal(stats_profile(a, &s.d, &s.r, &cfg, &p, &e), AZ_OK);
	assert_true(p.dims[0].has_others);
	assert_int_equal(p.dims[0].others.n, 3);
	assert_int_equal(p.dims[0].others.n_rwg, 2);
	assert_false(p.dims[0].others.has_rwg);
	arena_free(a);
}

static void only_roles_make_the_roles_by_arenas_table(void **state)
{
	const unsigned char sc[] = {3, 3, 4, 4, 4, 2, 5, 5};
	const char *arenas[] = {"bv"};
	struct small s;
	struct stats_profile p;
	struct stats_config cfg = {3, 0.5};
	struct arena *a = arena_new();
	struct err e = {0};

	(void)state;
	small_init(&s, sc, 4);
	s.items[0].arena = 0;
	s.d.arenas = arenas;
	s.d.narena = 1;
	/* A theme with an item in an arena: no row in the table. */
	assert_int_equal(stats_profile(a, &s.d, &s.r, &cfg, &p, &e), AZ_OK);
	assert_int_equal(p.ncell + p.nrole + p.narena, 0);
	/* The same as a role: one cell (i1 only), its role and its arena. */
	s.dim.kind = STATS_ROLE;
	assert_int_equal(stats_profile(a, &s.d, &s.r, &cfg, &p, &e), AZ_OK);
	assert_int_equal(p.ncell, 1);
	assert_int_equal(p.nrole, 1);
	assert_int_equal(p.narena, 1);
	assert_int_equal(p.cells[0].nitem, 1);
	assert_int_equal(p.cells[0].nscore, 3);
	assert_true(p.cells[0].shown);
	assert_true(fabs(p.cells[0].mean - 13.0 / 3) <= TOL);
	arena_free(a);
}

/* ---- 3. The anonymity rule as a property ------------------------------ */

#define PG 7       /* groups at most */
#define PR 40      /* raters at most, the leader included */
#define PI 8       /* items: dimensions of 1, 3 and 4 items */

/* One random leader-round: a design with PG groups and three dimensions,
 * and raters who skip items at random. */
struct prop {
	struct stats_dim dims[3];
	struct stats_item items[PI];
	const char *arenas[2];
	struct stats_group groups[PG];
	char names[PG][16];
	struct stats_design d;
	struct stats_round r;
	int group[PR];
	unsigned char score[PR * PI];
	int T;
	int mixed;   /* some groups are not anonymous */
};

/* Make a random round into *p (test_rand is our own xorshift32). Small
 * groups, empty groups and skipped items are frequent: that is where the
 * rule matters. */
static void prop_make(uint32_t *seed, struct prop *p)
{
	static const int dim_of[PI] = {0, 1, 1, 1, 2, 2, 2, 2};
	int n = 0;

	memset(p, 0, sizeof *p);
	p->T = test_rand_int(seed, 3, 5);
	p->mixed = test_rand_int(seed, 0, 3) == 0;
	p->dims[0] = (struct stats_dim){"een", STATS_THEME, 5};
	p->dims[1] = (struct stats_dim){"drie", STATS_ROLE, 5};
	p->dims[2] = (struct stats_dim){"vier", STATS_COMPETENCE, 5};
	p->arenas[0] = "a";
	p->arenas[1] = "b";
	for (int i = 0; i < PI; i++)
		p->items[i] = (struct stats_item){"i", dim_of[i], dim_of[i] == 1 ? i % 2 : -1};
	p->d = (struct stats_design){p->dims, 3, p->items, PI, p->arenas, 2, p->groups,
				     test_rand_int(seed, 1, PG)};
	for (int g = 0; g < p->d.ngroup; g++) {
		int anon = !p->mixed || test_rand_int(seed, 0, 2) != 0;
		snprintf(p->names[g], sizeof p->names[g], "g%d", g);
		/* Every so often a group that our own export called "overig". */
		p->groups[g] = (struct stats_group){
			g == 0 && test_rand_int(seed, 0, 9) == 0 ? "overig" : p->names[g],
			anon ? test_rand_int(seed, p->T, p->T + 2) : test_rand_int(seed, 1, 4), anon};
	}
	p->group[n++] = STATS_SELF;
	for (int g = 0; g < p->d.ngroup; g++) {
		int k = test_rand_int(seed, 0, 3) == 0 ? 0 : test_rand_int(seed, 1, 6);
		for (int j = 0; j < k && n < PR; j++)
			p->group[n++] = g;
	}
	for (int i = 0; i < n; i++) {
		int keep = test_rand_int(seed, 30, 100);
		for (int it = 0; it < PI; it++)
			p->score[i * PI + it] = test_rand_int(seed, 1, 100) <= keep
				? (unsigned char)test_rand_int(seed, 1, 5) : 0;
	}
	p->r = (struct stats_round){"L", "1", n, p->group, p->score};
}

/* Raters of group g (-1: every non-self rater) with a score for dim,
 * counted the plain way: answered * 2 >= items. */
static int prop_count(const struct prop *p, int dim, int g)
{
	int n = 0;

	for (int i = 0; i < p->r.nrater; i++) {
		int answered = 0, nitem = 0;
		if (p->group[i] == STATS_SELF || (g >= 0 && p->group[i] != g))
			continue;
		for (int it = 0; it < PI; it++) {
			if (p->items[it].dim != dim)
				continue;
			nitem++;
			answered += p->score[i * PI + it] > 0;
		}
		n += answered > 0 && answered * 2 >= nitem;
	}
	return n;
}

/* The group index of a shown figure's name, -1 for the merged overig. */
static int prop_group(const struct prop *p, const struct stats_group_figure *f)
{
	if (f->overig)
		return -1;
	for (int g = 0; g < p->d.ngroup; g++)
		if (strcmp(p->groups[g].id, f->group) == 0)
			return g;
	return -2;
}

/* Check one dimension of one profile; returns NULL or what is broken. */
static const char *prop_check_dim(const struct prop *p, const struct stats_profile *pr, int dim)
{
	const struct stats_dim_profile *dp = &pr->dims[dim];
	int total = prop_count(p, dim, -1), sum = 0, named = 0, nshown = dp->ngroup;
	int small_ok[1 << PG] = {0};
	double wsum = 0;

	if (dp->has_others != (total >= p->T))
		return "others shown with fewer raters than the threshold, or hidden with enough";
	if (dp->has_others && dp->others.n != total)
		return "others.n is not the number of raters with a score";
	if (!dp->has_others && dp->ngroup > 0)
		return "a group is shown while others are not";
	for (int k = 0; k < dp->ngroup; k++) {
		const struct stats_group_figure *f = &dp->groups[k];
		int g = prop_group(p, f);
		if (g == -2)
			return "a shown group has a name that is no group";
		if (f->overig && k != dp->ngroup - 1)
			return "overig is not last";
		if (g >= 0 && f->f.n != prop_count(p, dim, g))
			return "a group's n is not its number of raters with a score";
		if (g >= 0 && !p->groups[g].anonymous ? f->f.n < p->groups[g].threshold
		    : f->f.n < p->T || (g >= 0 && f->f.n < p->groups[g].threshold))
			return "a shown figure rests on fewer raters than its threshold";
		if (f->f.has_rwg && (f->f.n_rwg < 2 || (f->f.n_rwg < p->T && (g < 0 || p->groups[g].anonymous))))
			return "rwg is shown over fewer complete raters than the threshold";
		for (int j = 0; j < k; j++)
			if (strcmp(dp->groups[j].group, f->group) == 0)
				return "a group is shown twice";
		sum += f->f.n;
		named += g >= 0 ? f->f.n : 0;
		wsum += f->f.n * f->f.mean;
		/* A figure whose raters were told their group is shown as it is. */
		small_ok[1 << k] = g >= 0 && !p->groups[g].anonymous;
	}
	if (dp->ngroup == 0)
		return NULL;
	if (sum != dp->others.n)
		return "the shown groups do not add up to others";
	if (fabs(wsum - dp->others.n * dp->others.mean) > 1e-9 * dp->others.n)
		return "the shown groups' means do not add up to the others' mean";
	if (total - named > 0 && total - named < p->T)
		return "others minus the named groups describes 1..threshold-1 raters";
	/* Every difference "others minus some shown figures" is the sum of the
	 * other figures: 0, at least T, or made only of groups shown as they
	 * are. */
	for (unsigned mask = 0; mask < (1u << nshown); mask++) {
		int diff = dp->others.n, only_open = 1;
		for (int k = 0; k < nshown; k++) {
			if (mask & (1u << k))
				diff -= dp->groups[k].f.n;
			else if (!small_ok[1 << k])
				only_open = 0;
		}
		if (diff > 0 && diff < p->T && !only_open)
			return "a difference of shown figures describes 1..threshold-1 raters";
	}
	return NULL;
}

/* Items and cells: shown exactly from T raters. */
static const char *prop_check_rest(const struct prop *p, const struct stats_profile *pr)
{
	static const int dim_of[PI] = {0, 1, 1, 1, 2, 2, 2, 2};
	int any_hidden = 0;

	/* No shown item figure may differ from its dimension's figure by 1..T-1
	 * raters: items are shown only when no rater, or at least T, answered
	 * part of the dimension. */
	for (int dim = 0; dim < 3; dim++) {
		int partial = 0, nit = 0;
		for (int it = 0; it < PI; it++)
			nit += dim_of[it] == dim;
		for (int i = 0; i < p->r.nrater; i++) {
			int answered = 0;
			if (p->group[i] == STATS_SELF)
				continue;
			for (int it = 0; it < PI; it++)
				answered += dim_of[it] == dim && p->score[i * PI + it] > 0;
			partial += answered > 0 && answered < nit;
		}
		if (pr->dims[dim].items_hidden != (partial > 0 && partial < p->T))
			return "items are hidden, or shown, against the partial-rater rule";
	}
	/* Arena totals pool the roles' cells: one hidden role hides them. */
	for (int k = 0; k < pr->ncell; k++)
		any_hidden |= pr->dims[pr->cells[k].dim].items_hidden;
	for (int it = 0; it < PI; it++)
		if (pr->items[it].has_others != (pr->items[it].n >= p->T && !pr->dims[dim_of[it]].items_hidden))
			return "an item is shown with fewer raters than the threshold";
	for (int k = 0; k < pr->ncell; k++)
		if (pr->cells[k].shown != (pr->cells[k].n >= p->T && !pr->dims[pr->cells[k].dim].items_hidden))
			return "a cell is shown with fewer raters than the threshold";
	for (int k = 0; k < pr->nrole; k++)
		if (pr->roles[k].shown && pr->roles[k].n < p->T)
			return "a role total is shown with fewer raters than the threshold";
	for (int k = 0; k < pr->narena; k++)
		if (pr->arenas[k].shown && (pr->arenas[k].n < p->T || any_hidden))
			return "an arena total is shown with fewer raters than the threshold";
	return NULL;
}

static void prop_print(const struct prop *p, const struct stats_profile *pr, int dim)
{
	print_error("T=%d, dimension %d; groups (id n-with-score threshold anonymous):\n", p->T, dim);
	for (int g = 0; g < p->d.ngroup; g++)
		print_error("  %s %d %d %d\n", p->groups[g].id, prop_count(p, dim, g),
			    p->groups[g].threshold, p->groups[g].anonymous);
	print_error("shown:");
	for (int k = 0; k < pr->dims[dim].ngroup; k++)
		print_error(" %s(%d)", pr->dims[dim].groups[k].group, pr->dims[dim].groups[k].f.n);
	print_error("; others %d\n", pr->dims[dim].has_others ? pr->dims[dim].others.n : -1);
}

static void random_rounds_never_show_fewer_raters_than_the_threshold(void **state)
{
	uint32_t seed = 20260301;
	int with_overig = 0, hidden = 0, all_named = 0, mixed = 0;
	struct prop *p = calloc(1, sizeof *p);
	struct arena *a = arena_new();

	(void)state;
	for (int run = 0; run < 5000; run++) {
		struct stats_profile pr;
		struct stats_config cfg;
		struct err e = {0};
		const char *broken;

		prop_make(&seed, p);
		cfg = (struct stats_config){p->T, 0.5};
		assert_int_equal(stats_profile(a, &p->d, &p->r, &cfg, &pr, &e), AZ_OK);
		for (int dim = 0; dim < 3; dim++) {
			const struct stats_dim_profile *dp = &pr.dims[dim];
			if ((broken = prop_check_dim(p, &pr, dim)) != NULL) {
				prop_print(p, &pr, dim);
				fail_msg("run %d: %s", run, broken);
			}
			with_overig += dp->ngroup > 0 && dp->groups[dp->ngroup - 1].overig;
			hidden += !dp->has_others;
			all_named += dp->ngroup > 0 && !dp->groups[dp->ngroup - 1].overig;
			mixed += p->mixed && dp->ngroup > 0;
		}
		if ((broken = prop_check_rest(p, &pr)) != NULL)
			fail_msg("run %d: %s", run, broken);
		arena_reset(a);
	}
	/* The generator reaches every outcome often enough to mean something. */
	assert_true(with_overig > 1000);
	assert_true(hidden > 500);
	assert_true(all_named > 500);
	assert_true(mixed > 500);
	arena_free(a);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(self_others_and_gap_match_r, setup, teardown),
		cmocka_unit_test_setup_teardown(groups_merge_per_dimension_and_match_r, setup, teardown),
		cmocka_unit_test_setup_teardown(items_and_their_rankings_match_r, setup, teardown),
		cmocka_unit_test_setup_teardown(roles_by_arenas_match_r, setup, teardown),
		cmocka_unit_test_setup_teardown(trend_matches_r, setup, teardown),
		cmocka_unit_test_setup_teardown(reliability_matches_psych_and_multilevel, setup, teardown),
		cmocka_unit_test(icc_of_balanced_clusters_matches_multilevel_icc1),
		cmocka_unit_test(a_rater_needs_at_least_half_of_the_items),
		cmocka_unit_test(sd_is_absent_below_two_raters),
		cmocka_unit_test(rwg_is_one_when_all_raters_give_the_same_answers),
		cmocka_unit_test(rwg_is_zero_from_the_variance_of_the_uniform_null_up),
		cmocka_unit_test(alpha_needs_two_items_two_rows_and_variance),
		cmocka_unit_test_setup_teardown(a_dimension_nobody_answered_has_no_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(others_below_the_threshold_show_nothing, setup, teardown),
		cmocka_unit_test(flags_follow_the_gap_setting_inclusively),
		cmocka_unit_test(two_self_responses_are_refused),
		cmocka_unit_test(rwg_is_withheld_below_the_threshold_of_complete_raters),
		cmocka_unit_test(only_roles_make_the_roles_by_arenas_table),
		cmocka_unit_test(random_rounds_never_show_fewer_raters_than_the_threshold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
