/* test_anonymity.c — which rater groups are shown by name and which go
 * into "overig" (src/profile/anonymity.c).
 *
 * The hand-made cases pin the rule down; the property test at the end runs
 * 10,000 random configurations and checks the invariants the privacy rule
 * rests on.
 */
#include "testutil.h"

#include "../../src/profile/anonymity.h"

#define MAXG 10

/* A configuration of up to MAXG groups, written as arrays side by side. */
struct config {
	int ngroup;
	int n[MAXG];
	int threshold[MAXG];
	int anonymous[MAXG];
};

/* Run anon_merge on c, assert it returns want_overig and that merged[]
 * equals want_merged (as a string of '0' and '1', one per group). */
static void expect_merge(const struct config *c, int want_overig, const char *want_merged)
{
	int merged[MAXG];
	char got[MAXG + 1];

	assert_int_equal((int)strlen(want_merged), c->ngroup);
	memset(merged, 0x55, sizeof merged);
	assert_int_equal(anon_merge(c->ngroup, c->n, c->threshold, c->anonymous, merged), want_overig);
	for (int i = 0; i < c->ngroup; i++) {
		assert_true(merged[i] == 0 || merged[i] == 1);
		got[i] = (char)('0' + merged[i]);
	}
	got[c->ngroup] = '\0';
	assert_string_equal(got, want_merged);
}

/* ---- Hand-made cases -------------------------------------------------- */

static void no_groups_means_no_overig(void **state)
{
	struct config c = {0};

	(void)state;
	expect_merge(&c, 0, "");
}

static void groups_at_or_above_their_threshold_are_all_shown(void **state)
{
	struct config c = {3, {3, 4, 12}, {3, 3, 5}, {1, 1, 1}};

	(void)state;
	expect_merge(&c, 0, "000");
}

static void small_groups_go_into_overig_when_together_they_reach_the_threshold(void **state)
{
	struct config c = {4, {2, 1, 5, 7}, {3, 3, 3, 3}, {1, 1, 1, 1}};

	(void)state;
	expect_merge(&c, 3, "1100");
}

static void overig_below_the_threshold_pulls_in_the_smallest_shown_group(void **state)
{
	struct config c = {3, {2, 6, 4}, {3, 3, 3}, {1, 1, 1}};

	(void)state;
	/* 2 alone is too few; the group of 4 (not the one of 6) joins. */
	expect_merge(&c, 6, "101");
}

static void overig_pulls_in_groups_until_it_reaches_the_threshold(void **state)
{
	/* The first group needs 8; 4 + 3 is 7, so a second group joins. */
	struct config c = {4, {4, 3, 3, 10}, {8, 3, 3, 3}, {1, 1, 1, 1}};

	(void)state;
	expect_merge(&c, 10, "1110");
}

static void overig_uses_the_highest_threshold_of_its_groups(void **state)
{
	/* 2 + 2 raters would do for threshold 3 ... */
	struct config c1 = {3, {2, 2, 9}, {3, 3, 3}, {1, 1, 1}};
	/* ... but not when one of the two groups asks 5: the group of 9 joins. */
	struct config c2 = {3, {2, 2, 9}, {5, 3, 3}, {1, 1, 1}};

	(void)state;
	expect_merge(&c1, 4, "110");
	expect_merge(&c2, 13, "111");
}

static void overig_needs_at_least_three_raters_whatever_the_thresholds(void **state)
{
	/* Thresholds below 3 are refused by the instrument; even so, two
	 * raters never make an overig. */
	struct config c = {3, {1, 1, 5}, {2, 2, 2}, {1, 1, 1}};

	(void)state;
	expect_merge(&c, 7, "111");
}

static void all_anonymous_groups_together_below_the_threshold_give_minus_one(void **state)
{
	struct config c1 = {2, {1, 1}, {3, 3}, {1, 1}};
	struct config c2 = {3, {2, 3, 1}, {3, 8, 3}, {1, 1, 1}};

	(void)state;
	expect_merge(&c1, -1, "11");
	expect_merge(&c2, -1, "111");
}

static void non_anonymous_groups_are_never_merged(void **state)
{
	/* A group of 1 that was told it is not anonymous is shown ... */
	struct config c1 = {3, {1, 3, 4}, {1, 3, 3}, {0, 1, 1}};
	/* ... and is not pulled into a too-small overig either. */
	struct config c2 = {3, {2, 1, 20}, {3, 1, 1}, {1, 0, 0}};

	(void)state;
	expect_merge(&c1, 0, "000");
	expect_merge(&c2, -1, "100");
}

static void groups_with_no_raters_are_ignored(void **state)
{
	struct config c1 = {3, {0, 5, 0}, {3, 3, 3}, {1, 1, 1}};
	/* The empty group is "smaller" than the group of 4, but never joins. */
	struct config c2 = {3, {0, 2, 4}, {3, 3, 3}, {1, 1, 1}};
	struct config c3 = {2, {0, 0}, {3, 3}, {1, 1}};

	(void)state;
	expect_merge(&c1, 0, "000");
	expect_merge(&c2, 6, "011");
	expect_merge(&c3, 0, "00");
}

/* ---- Property test ---------------------------------------------------- */

/* A random configuration (test_rand in testutil.h is our own xorshift32,
 * so the run is the same everywhere) as an instrument allows it: anonymous groups
 * have thresholds of 3 and up, the others of 1 and up. Sizes are often
 * small, and often 0, where the rule matters. */
static void random_config(uint32_t *s, struct config *c)
{
	c->ngroup = test_rand_int(s, 0, MAXG);
	for (int i = 0; i < c->ngroup; i++) {
		c->anonymous[i] = test_rand_int(s, 0, 4) != 0;
		c->threshold[i] = c->anonymous[i] ? test_rand_int(s, 3, 7) : test_rand_int(s, 1, 4);
		c->n[i] = test_rand_int(s, 0, 3) == 0 ? 0 : test_rand_int(s, 1, 12);
	}
}

/* Describe c for a failure message. */
static void print_config(const struct config *c, const int *merged, int overig)
{
	print_error("anon_merge returned %d for %d groups (n/threshold/anonymous -> merged):\n",
		    overig, c->ngroup);
	for (int i = 0; i < c->ngroup; i++)
		print_error("  [%d] %d/%d/%d -> %d\n", i, c->n[i], c->threshold[i], c->anonymous[i],
			    merged[i]);
}

/* Check every invariant of one result; returns NULL or what is broken. */
static const char *check_invariants(const struct config *c, const int *merged, int overig)
{
	int sum = 0, tmax = ANON_MIN_THRESHOLD, sum_anon = 0, tall = ANON_MIN_THRESHOLD;

	for (int i = 0; i < c->ngroup; i++) {
		if (merged[i] != 0 && merged[i] != 1)
			return "merged[] is not 0 or 1";
		if (merged[i] && !c->anonymous[i])
			return "a non-anonymous group was merged";
		if (merged[i] && c->n[i] == 0)
			return "a group with no raters was merged";
		if (!merged[i] && c->anonymous[i] && c->n[i] > 0 && c->n[i] < c->threshold[i])
			return "a shown anonymous group is below its threshold";
		if (merged[i]) {
			sum += c->n[i];
			if (c->threshold[i] > tmax)
				tmax = c->threshold[i];
		}
		if (c->anonymous[i] && c->n[i] > 0) {
			sum_anon += c->n[i];
			if (c->threshold[i] > tall)
				tall = c->threshold[i];
		}
	}
	/* -1 exactly when all anonymous groups together stay below the
	 * highest threshold among them (at least 3). */
	if ((overig == -1) != (sum_anon > 0 && sum_anon < tall))
		return "-1 returned when it should not be, or not when it should";
	if (overig == -1) {
		for (int i = 0; i < c->ngroup; i++)
			if (c->anonymous[i] && c->n[i] > 0 && !merged[i])
				return "-1 returned while an anonymous group is still shown";
		return NULL;
	}
	if (overig != sum)
		return "the return value is not the sum of the merged groups";
	if (overig != 0 && overig < tmax)
		return "overig is below max(3, highest threshold of its groups)";
	return NULL;
}

static void random_configurations_keep_every_invariant(void **state)
{
	uint32_t seed = 20260214;
	int nminus = 0, nmerged = 0, nclean = 0;

	(void)state;
	for (int run = 0; run < 10000; run++) {
		struct config c;
		int merged[MAXG], overig;
		const char *broken;

		random_config(&seed, &c);
		overig = anon_merge(c.ngroup, c.n, c.threshold, c.anonymous, merged);
		if ((broken = check_invariants(&c, merged, overig)) != NULL) {
			print_config(&c, merged, overig);
			fail_msg("run %d: %s", run, broken);
		}
		nminus += overig == -1;
		nmerged += overig > 0;
		nclean += overig == 0;
	}
	/* The generator reaches every outcome often enough to mean something. */
	assert_true(nminus > 100);
	assert_true(nmerged > 1000);
	assert_true(nclean > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_groups_means_no_overig),
		cmocka_unit_test(groups_at_or_above_their_threshold_are_all_shown),
		cmocka_unit_test(small_groups_go_into_overig_when_together_they_reach_the_threshold),
		cmocka_unit_test(overig_below_the_threshold_pulls_in_the_smallest_shown_group),
		cmocka_unit_test(overig_pulls_in_groups_until_it_reaches_the_threshold),
		cmocka_unit_test(overig_uses_the_highest_threshold_of_its_groups),
		cmocka_unit_test(overig_needs_at_least_three_raters_whatever_the_thresholds),
		cmocka_unit_test(all_anonymous_groups_together_below_the_threshold_give_minus_one),
		cmocka_unit_test(non_anonymous_groups_are_never_merged),
		cmocka_unit_test(groups_with_no_raters_are_ignored),
		cmocka_unit_test(random_configurations_keep_every_invariant),
	};

	return cmocka_run_group_tests_name("anonymity", tests, NULL, NULL);
}
