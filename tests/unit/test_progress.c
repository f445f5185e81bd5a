/* test_progress.c — the rules the leader's and administrator's pages rest
 * on, without a database: progress without exposure (core_progress_of)
 * and the advice on the leader's list (core_advice).
 *
 * The property test at the end runs 10,000 random rounds and checks that
 * no shown number lets a hidden group's answers be worked out.
 */
#include "testutil.h"

#include "../../src/core/core.h"

static struct instrument *ins;

static int setup(void **state)
{
	(void)state;
	return instrument_parse(instrument_default_json, instrument_default_json_len, "default", &ins, NULL,
				NULL) == AZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	instrument_free(ins);
	return 0;
}

/* A round view of the default instrument with invited[g]/submitted[g] per
 * group index. */
static void view_of(struct round_view *v, struct group_count *gc, const int *invited, const int *submitted)
{
	memset(v, 0, sizeof *v);
	v->ins = ins;
	v->counts = gc;
	v->ncount = (size_t)ins->ngroup;
	for (int g = 0; g < ins->ngroup; g++)
		gc[g] = (struct group_count){ins->groups[g].id, invited[g], submitted[g]};
}

static int group(const char *id)
{
	int g = instrument_find_group(ins, id);
	assert_true(g >= 0);
	return g;
}

static void a_group_below_its_threshold_shows_no_number_of_answers(void **state)
{
	int inv[16] = {0}, sub[16] = {0};
	struct group_count gc[16];
	struct round_view v;
	struct round_progress p;
	struct arena *a = arena_new();

	(void)state;
	inv[group("self")] = 1;
	inv[group("mt")] = 5, sub[group("mt")] = 2;
	inv[group("bestuur")] = 4, sub[group("bestuur")] = 3;
	view_of(&v, gc, inv, sub);
	assert_int_equal(core_progress_of(a, &v, &p), AZ_OK);
	assert_int_equal(p.groups[group("mt")].shown, 0);
	assert_int_equal(p.groups[group("mt")].submitted, -1);
	assert_int_equal(p.groups[group("mt")].invited, 5);
	assert_int_equal(p.groups[group("mt")].threshold, 3);
	assert_int_equal(p.groups[group("bestuur")].shown, 1);
	assert_int_equal(p.groups[group("bestuur")].submitted, 3);
	/* The total would give mt's 2 by subtraction: it is not shown. */
	assert_int_equal(p.submitted, -1);
	assert_int_equal(p.invited, 9);
	assert_int_equal(p.groups_shown, 1);
	assert_int_equal(p.groups_invited, 2);
	arena_free(a);
}

static void zero_answers_look_the_same_as_one_or_two(void **state)
{
	int inv[16] = {0}, sub[16] = {0};
	struct group_count gc[16];
	struct round_view v;
	struct round_progress p0, p2;
	struct arena *a = arena_new();

	(void)state;
	inv[group("mt")] = 5;
	view_of(&v, gc, inv, sub);
	assert_int_equal(core_progress_of(a, &v, &p0), AZ_OK);
	sub[group("mt")] = 2;
	view_of(&v, gc, inv, sub);
	assert_int_equal(core_progress_of(a, &v, &p2), AZ_OK);
	assert_int_equal(p0.groups[group("mt")].shown, p2.groups[group("mt")].shown);
	assert_int_equal(p0.groups[group("mt")].submitted, p2.groups[group("mt")].submitted);
	assert_int_equal(p0.submitted, p2.submitted);
	arena_free(a);
}

static void the_total_is_shown_when_every_invited_group_is(void **state)
{
	int inv[16] = {0}, sub[16] = {0};
	struct group_count gc[16];
	struct round_view v;
	struct round_progress p;
	struct arena *a = arena_new();

	(void)state;
	inv[group("self")] = 1, sub[group("self")] = 1;
	inv[group("mt")] = 6, sub[group("mt")] = 4;
	inv[group("peers")] = 3, sub[group("peers")] = 3;
	view_of(&v, gc, inv, sub);
	assert_int_equal(core_progress_of(a, &v, &p), AZ_OK);
	assert_int_equal(p.submitted, 7);
	assert_int_equal(p.invited, 9);
	assert_int_equal(p.self_done, 1);
	/* A group nobody was invited to hides nothing. */
	assert_int_equal(p.groups[group("raad")].shown, 1);
	assert_int_equal(p.groups[group("raad")].submitted, 0);
	arena_free(a);
}

static void random_rounds_never_reveal_a_hidden_group(void **state)
{
	uint32_t seed = 20250601;
	struct arena *a = arena_new();

	(void)state;
	for (int run = 0; run < 10000; run++) {
		int inv[16] = {0}, sub[16] = {0}, shown_sum = 0, hidden = 0;
		struct group_count gc[16];
		struct round_view v;
		struct round_progress p;

		for (int g = 0; g < ins->ngroup; g++) {
			inv[g] = ins->groups[g].self ? 1 : test_rand_int(&seed, 0, 8);
			sub[g] = test_rand_int(&seed, 0, inv[g]);
		}
		view_of(&v, gc, inv, sub);
		assert_int_equal(core_progress_of(a, &v, &p), AZ_OK);
		for (int g = 0; g < ins->ngroup; g++) {
			const struct group_progress *gp = &p.groups[g];
			if (gp->self)
				continue;
			assert_int_equal(gp->invited, inv[g]);
			if (gp->shown) {
				/* Shown: at its threshold, or nobody to hide. */
				assert_true(sub[g] >= gp->threshold || inv[g] == 0);
				assert_int_equal(gp->submitted, sub[g]);
				shown_sum += sub[g];
			} else {
				assert_true(sub[g] < gp->threshold);
				assert_int_equal(gp->submitted, -1);
				hidden = 1;
			}
		}
		/* No total when it would give a hidden group's answers. */
		assert_int_equal(p.submitted, hidden ? -1 : shown_sum);
		arena_reset(a);
	}
	arena_free(a);
}

static void advice_is_twice_the_threshold_and_flags_small_groups(void **state)
{
	int nominated[16] = {0};
	struct group_advice ad[16];
	int n;

	(void)state;
	nominated[group("bestuur")] = 6;   /* threshold 3: advised 6 */
	nominated[group("mt")] = 4;        /* at risk */
	nominated[group("peers")] = 2;     /* below the threshold */
	/* raad (optional) and partners, medewerkers: nobody */
	n = core_advice(ins, nominated, ad);
	assert_int_equal(n, ins->ngroup - 1);
	for (int k = 0; k < n; k++) {
		const char *id = ins->groups[ad[k].group].id;
		assert_false(ins->groups[ad[k].group].self);
		assert_int_equal(ad[k].threshold, 3);
		assert_true(ad[k].advised >= 2 * ad[k].threshold);
		assert_true(ad[k].advised >= ins->groups[ad[k].group].invite_min);
		if (strcmp(id, "bestuur") == 0)
			assert_int_equal(ad[k].flag, ADVICE_OK);
		else if (strcmp(id, "mt") == 0)
			assert_int_equal(ad[k].flag, ADVICE_AT_RISK);
		else if (strcmp(id, "peers") == 0)
			assert_int_equal(ad[k].flag, ADVICE_HIDDEN);
		else if (strcmp(id, "raad") == 0)
			assert_int_equal(ad[k].flag, ADVICE_SKIPPED);
		else
			assert_int_equal(ad[k].flag, ADVICE_HIDDEN);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_group_below_its_threshold_shows_no_number_of_answers),
		cmocka_unit_test(zero_answers_look_the_same_as_one_or_two),
		cmocka_unit_test(the_total_is_shown_when_every_invited_group_is),
		cmocka_unit_test(random_rounds_never_reveal_a_hidden_group),
		cmocka_unit_test(advice_is_twice_the_threshold_and_flags_small_groups),
	};

	return cmocka_run_group_tests_name("progress", tests, setup, teardown);
}
