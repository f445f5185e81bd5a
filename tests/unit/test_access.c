/* test_access.c — who may use which round (src/core/access.c) and the
 * leader's list (src/core/nominate.c), on a real database (SQLite, or
 * PostgreSQL in the second pass of tests/run.sh: test_db_target).
 *
 * The matrix test runs every use for every kind of actor against a round
 * of their own and one of someone else, and checks each answer and that
 * every refusal is in the audit log.
 */
#include "testutil.h"

#include <unistd.h>

#include "../../src/core/core.h"

struct fix {
	char dir[64], db[512], key[96];   /* db: a SQLite file or a PostgreSQL database */
	struct core c;
	struct arena *a;
	int64_t leader1, leader2, round1, round2;
	struct actor admin, lead1, lead2, coach, nobody, anonymous;
	int64_t coach_id;
};

static int64_t account(struct fix *f, const char *email, int role, int64_t leader_id)
{
	struct user u = {0};
	struct err e = {0};

	u.email = email;
	u.name = email;
	u.role = role;
	u.leader_id = leader_id;
	u.language = "nl";
	assert_int_equal(f->c.st->ops->user_add(f->c.st, &u, &e), AZ_OK);
	return u.id;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	struct err e = {0};

	assert_non_null(f);
	assert_int_equal(token_init(), 0);
	strcpy(f->dir, "/tmp/aanwezig-access-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	test_db_target(f->db, sizeof f->db, f->dir, "access");
	snprintf(f->key, sizeof f->key, "%s/t.key", f->dir);
	assert_int_equal(core_init(f->db, f->key, &e), AZ_OK);
	assert_int_equal(core_open(&f->c, f->db, f->key, "http://localhost:8080", &e), AZ_OK);
	f->a = arena_new();
	assert_int_equal(core_leader_add(&f->c, "Marieke", "m@example.org", "Dijkwaard", "nl", &f->leader1, &e), AZ_OK);
	assert_int_equal(core_leader_add(&f->c, "Pieter", "p@example.org", "Zandveen", "nl", &f->leader2, &e), AZ_OK);
	assert_int_equal(core_round_create(&f->c, &core_cli_actor, f->leader1, "2099-12-31", 1, "7,2", &f->round1, &e), AZ_OK);
	assert_int_equal(core_round_create(&f->c, &core_cli_actor, f->leader2, "2099-12-31", 0, "", &f->round2, &e), AZ_OK);
	f->admin = (struct actor){account(f, "admin@example.org", ROLE_ADMIN, 0), "admin@example.org", "127.0.0.1"};
	f->lead1 = (struct actor){account(f, "m@example.org", ROLE_LEADER, f->leader1), "m@example.org", "127.0.0.1"};
	f->lead2 = (struct actor){account(f, "p@example.org", ROLE_LEADER, f->leader2), "p@example.org", "127.0.0.1"};
	f->coach_id = account(f, "coach@example.org", ROLE_COACH, 0);
	f->coach = (struct actor){f->coach_id, "coach@example.org", "127.0.0.1"};
	f->nobody = (struct actor){9999, "gone@example.org", "127.0.0.1"};
	f->anonymous = (struct actor){0, "anonymous", "127.0.0.1"};
	/* Round 1 is shared with the coach. */
	assert_int_equal(core_round_share(&f->c, &f->lead1, f->round1, "coach@example.org", 1, &e), AZ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	arena_free(f->a);
	core_close(&f->c);
	test_db_drop(f->db);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* The number of access.denied entries in the audit log. */
static int denials(struct fix *f)
{
	struct audit_entry *en;
	size_t n;
	int k = 0;
	struct err e = {0};

	assert_int_equal(f->c.st->ops->audit_list(f->c.st, f->a, 0, 1000, &en, &n, &e), AZ_OK);
	for (size_t i = 0; i < n; i++)
		k += strcmp(en[i].action, "access.denied") == 0;
	return k;
}

static void every_use_for_every_actor(void **state)
{
	struct fix *f = *state;
	/* Expected for (own round 1 | other round 2): 1 allowed, 0 refused.
	 * Uses: view list nominate approve run manage report share. */
	static const struct {
		const char *who;
		const char *r1, *r2;
	} want[] = {
		{"admin", "11111101", "11111101"},
		{"lead1", "11101011", "00000000"},
		{"coach", "01010010", "00000000"},
		{"nobody", "00000000", "00000000"},
		{"anonymous", "00000000", "00000000"},
		{"cli", "11111111", "11111111"},
	};
	int before = denials(f), refused = 0;

	for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
		const struct actor *who = strcmp(want[w].who, "admin") == 0 ? &f->admin
			: strcmp(want[w].who, "lead1") == 0 ? &f->lead1
			: strcmp(want[w].who, "coach") == 0 ? &f->coach
			: strcmp(want[w].who, "nobody") == 0 ? &f->nobody
			: strcmp(want[w].who, "anonymous") == 0 ? &f->anonymous : &core_cli_actor;
		for (int r = 0; r < 2; r++) {
			const char *exp = r == 0 ? want[w].r1 : want[w].r2;
			for (int use = USE_VIEW; use <= USE_SHARE; use++) {
				struct err e = {0};
				int rc = core_round_access(&f->c, f->a, who, r == 0 ? f->round1 : f->round2, use, NULL, &e);
				if ((rc == AZ_OK) != (exp[use] == '1'))
					fail_msg("%s, round %d, use %s: got %d (%s)", want[w].who, r + 1,
						 round_use_name(use), rc, e.msg);
				if (rc != AZ_OK) {
					assert_int_equal(rc, AZ_EDENIED);
					refused++;
				}
			}
		}
	}
	/* Every refusal is recorded. */
	assert_int_equal(denials(f) - before, refused);
}

static void an_unknown_round_is_not_found_for_everyone(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	int before = denials(f);

	assert_int_equal(core_round_access(&f->c, f->a, &f->lead1, 777, USE_VIEW, NULL, &e), AZ_ENOTFOUND);
	assert_int_equal(core_round_access(&f->c, f->a, &f->admin, 777, USE_VIEW, NULL, &e), AZ_ENOTFOUND);
	assert_int_equal(denials(f), before);
}

static void the_leaders_list_takes_good_rows_only_all_or_none(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct nomination nom;
	int problem[8];
	const struct nominee_in bad[] = {
		{"mt", "Henk", "henk@example.org", NULL},
		{"mt", "", "leeg@example.org", NULL},
		{"mt", "Els", "not-an-address", NULL},
		{"nogroup", "X", "x@example.org", NULL},
		{"self", "Me", "me@example.org", NULL},
		{"mt", "Taal", "taal@example.org", "de"},
		{"mt", "Twice", "HENK@example.org", NULL},
		{"mt", "Line\nbreak", "lb@example.org", NULL},
	};
	const struct nominee_in good[] = {
		{"mt", " Henk de Vries ", "Henk@Example.org", ""},
		{"bestuur", "Ans", "ans@example.org", "en"},
	};

	assert_int_equal(core_nominees_add(&f->c, &f->lead1, f->round1, bad, 8, problem, &e), AZ_EINVAL);
	assert_int_equal(problem[0], NP_NONE);
	assert_int_equal(problem[1], NP_NAME_MISSING);
	assert_int_equal(problem[2], NP_EMAIL_INVALID);
	assert_int_equal(problem[3], NP_GROUP);
	assert_int_equal(problem[4], NP_GROUP);
	assert_int_equal(problem[5], NP_LANGUAGE);
	assert_int_equal(problem[6], NP_TWICE);
	assert_int_equal(problem[7], NP_NAME_INVALID);
	assert_int_equal(core_nomination_load(&f->c, f->a, &f->lead1, f->round1, &nom, &e), AZ_OK);
	assert_int_equal(nom.npeople, 0);

	assert_int_equal(core_nominees_add(&f->c, &f->lead1, f->round1, good, 2, problem, &e), AZ_OK);
	assert_int_equal(core_nomination_load(&f->c, f->a, &f->lead1, f->round1, &nom, &e), AZ_OK);
	assert_int_equal(nom.npeople, 2);
	assert_string_equal(nom.people[0].name, "Henk de Vries");
	assert_string_equal(nom.people[0].email, "henk@example.org");
	assert_null(nom.people[0].language);
	assert_string_equal(nom.people[1].language, "en");
	/* The same address again is on the list already. */
	assert_int_equal(core_nominees_add(&f->c, &f->lead1, f->round1, good, 1, problem, &e), AZ_EINVAL);
	assert_int_equal(problem[0], NP_LISTED);
	/* Another leader cannot add to it. */
	assert_int_equal(core_nominees_add(&f->c, &f->lead2, f->round1, good + 1, 1, problem, &e), AZ_EDENIED);
}

static void the_list_moves_open_submitted_approved_and_the_round_waits_for_it(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct nomination nom;
	struct round r;
	int problem[1];
	const struct nominee_in late[] = {{"mt", "Late", "late@example.org", NULL}};

	/* Round 1 needs approval: it does not open before. */
	assert_int_equal(core_round_open(&f->c, f->round1, NULL, &e), AZ_ESTATE);
	assert_int_equal(core_nomination_move(&f->c, &f->coach, f->round1, NOM_APPROVED, &e), AZ_ESTATE);
	assert_int_equal(core_nomination_move(&f->c, &f->lead2, f->round1, NOM_SUBMITTED, &e), AZ_EDENIED);
	assert_int_equal(core_nomination_move(&f->c, &f->lead1, f->round1, NOM_SUBMITTED, &e), AZ_OK);
	/* Handed in: no more changes, and a leader cannot approve their own. */
	assert_int_equal(core_nominees_add(&f->c, &f->lead1, f->round1, late, 1, problem, &e), AZ_ESTATE);
	assert_int_equal(core_nomination_load(&f->c, f->a, &f->lead1, f->round1, &nom, &e), AZ_OK);
	assert_false(nom.editable);
	assert_int_equal(core_nominee_remove(&f->c, &f->lead1, f->round1, nom.people[0].id, &e), AZ_ESTATE);
	assert_int_equal(core_nomination_move(&f->c, &f->lead1, f->round1, NOM_APPROVED, &e), AZ_EDENIED);
	assert_int_equal(core_nomination_move(&f->c, &f->coach, f->round1, NOM_APPROVED, &e), AZ_OK);
	assert_int_equal(f->c.st->ops->round_get(f->c.st, f->a, f->round1, &r, &e), AZ_OK);
	assert_int_equal(r.nomination, NOM_APPROVED);
	/* Approved, an administrator could reopen it; here it opens. */
	assert_int_equal(core_round_open(&f->c, f->round1, NULL, &e), AZ_OK);
	assert_int_equal(core_nomination_move(&f->c, &f->admin, f->round1, NOM_OPEN, &e), AZ_ESTATE);
	/* An empty list is not handed in, not even by an administrator. */
	assert_int_equal(core_nomination_move(&f->c, &f->admin, f->round2, NOM_SUBMITTED, &e), AZ_EINVAL);
}

static void an_empty_list_cannot_be_handed_in_and_removal_is_the_leaders(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct nomination nom;
	int problem[1];
	const struct nominee_in one[] = {{"peers", "Piet", "piet@example.org", NULL}};

	assert_int_equal(core_nomination_move(&f->c, &f->lead2, f->round2, NOM_SUBMITTED, &e), AZ_EINVAL);
	assert_int_equal(core_nominees_add(&f->c, &f->lead2, f->round2, one, 1, problem, &e), AZ_OK);
	assert_int_equal(core_nomination_load(&f->c, f->a, &f->lead2, f->round2, &nom, &e), AZ_OK);
	assert_int_equal(nom.npeople, 1);
	assert_int_equal(core_nominee_remove(&f->c, &f->lead1, f->round2, nom.people[0].id, &e), AZ_EDENIED);
	assert_int_equal(core_nominee_remove(&f->c, &f->lead2, f->round2, 424242, &e), AZ_ENOTFOUND);
	assert_int_equal(core_nominee_remove(&f->c, &f->lead2, f->round2, nom.people[0].id, &e), AZ_OK);
	assert_int_equal(core_nomination_load(&f->c, f->a, &f->lead2, f->round2, &nom, &e), AZ_OK);
	assert_int_equal(nom.npeople, 0);
	/* The advice flags every group now: nobody named. */
	for (size_t k = 0; k < nom.nadvice; k++)
		assert_true(nom.advice[k].flag == ADVICE_HIDDEN || nom.advice[k].flag == ADVICE_SKIPPED);
}

static void overviews_and_the_audit_log_follow_the_role(void **state)
{
	struct fix *f = *state;
	struct err e = {0};
	struct leader_summary *ls;
	struct shared_round *sr;
	struct audit_entry *en;
	size_t n;

	assert_int_equal(core_overview(&f->c, f->a, &f->admin, 0, &ls, &n, &e), AZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ls[0].account, "m@example.org");
	assert_int_equal(core_overview(&f->c, f->a, &f->lead1, 0, &ls, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ls[0].leader.id, f->leader1);
	assert_int_equal(core_overview(&f->c, f->a, &f->lead1, f->leader2, &ls, &n, &e), AZ_EDENIED);
	assert_int_equal(core_overview(&f->c, f->a, &f->coach, 0, &ls, &n, &e), AZ_EDENIED);
	assert_int_equal(core_coach_rounds(&f->c, f->a, &f->coach, &sr, &n, &e), AZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sr[0].round.id, f->round1);
	assert_int_equal(core_coach_rounds(&f->c, f->a, &f->lead1, &sr, &n, &e), AZ_EDENIED);
	assert_int_equal(core_audit_page(&f->c, f->a, &f->lead1, 0, 10, &en, &n, &e), AZ_EDENIED);
	assert_int_equal(core_audit_page(&f->c, f->a, &f->admin, 0, 10, &en, &n, &e), AZ_OK);
	assert_true(n > 0);
	/* A leader created by an administrator is audited under their account. */
	{
		int64_t id;
		assert_int_equal(core_leader_create(&f->c, &f->lead1, "X", "x@example.org", "Y", "nl", 0, &id, &e), AZ_EDENIED);
		assert_int_equal(core_leader_create(&f->c, &f->admin, "Ria", "ria@example.org", "Ergens", "nl", 1, &id, &e), AZ_OK);
		assert_int_equal(core_leader_create(&f->c, &f->admin, "Ria", "RIA@example.org", "Ergens", "nl", 1, &id, &e), AZ_EDUP);
		assert_int_equal(core_audit_page(&f->c, f->a, &f->admin, 0, 2, &en, &n, &e), AZ_OK);
		assert_int_equal(n, 2);
		assert_string_equal(en[0].action, "user.add");
		assert_string_equal(en[1].action, "leader.add");
		assert_string_equal(en[1].actor, "admin@example.org");
		assert_string_equal(en[1].client, "127.0.0.1");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_use_for_every_actor),
		cmocka_unit_test(an_unknown_round_is_not_found_for_everyone),
		cmocka_unit_test(the_leaders_list_takes_good_rows_only_all_or_none),
		cmocka_unit_test(the_list_moves_open_submitted_approved_and_the_round_waits_for_it),
		cmocka_unit_test(an_empty_list_cannot_be_handed_in_and_removal_is_the_leaders),
		cmocka_unit_test(overviews_and_the_audit_log_follow_the_role),
	};

	return cmocka_run_group_tests_name("access", tests, setup, teardown);
}
