/* cmd_round.c — `aanwezig round ...`: a round of feedback for one leader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../render/csv.h"
#include "cli.h"

#define INSTRUMENT_MAX_BYTES (1u << 20)

static const char help_round[] =
	"Usage: aanwezig round <command> [options]\n"
	"\n"
	"  new --leader ID [--instrument FILE] [--opens DATE] [--closes DATE]\n"
	"                    start a round (state draft); prints its number\n"
	"  open ID [--closes DATE]   let raters answer (draft -> open)\n"
	"  close ID                  stop answering (open -> closed)\n"
	"  release ID                make the report available (closed -> released)\n"
	"  list [--leader ID]        list rounds\n"
	"  show ID                   state, dates, instrument and progress per group\n"
	"  links ID [--csv]          the personal link of every invitee\n"
	"  export ID [-o FILE]       raw answers as long CSV (closed rounds only)\n"
	"  invite ID                 queue the invitations of an open round by e-mail\n"
	"  remind ID                 queue a reminder for those who have not answered\n"
	"  reminders ID DAYS         remind DAYS before the deadline, e.g. 7,2 (or none)\n"
	"  notify ID                 queue the leader's notice that the report is ready\n"
	"  tick [--today DATE]       close rounds past their deadline, queue due\n"
	"                            reminders, erase raters' names after retention\n"
	"\n"
	"Dates are written YYYY-MM-DD.\n";

static const char help_new[] =
	"Usage: aanwezig round new --leader ID [--instrument FILE] [--opens DATE] [--closes DATE]\n"
	"\n"
	"Starts a round for a leader in state draft and prints its number. The\n"
	"round is frozen to the instrument it starts with (default: the built-in\n"
	"instrument for municipal secretaries). The leader's own link is created\n"
	"with the round; add raters with `aanwezig rater add|import`.\n";

static int round_new(int argc, char **argv, struct cli *g)
{
	const char *leader = NULL, *instr = NULL, *opens = NULL, *closes = NULL, *pos[1];
	const struct opt opts[] = {
		{"leader", &leader, NULL}, {"instrument", &instr, NULL}, {"opens", &opens, NULL},
		{"closes", &closes, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	char *json = NULL;
	size_t len = 0;
	int64_t leader_id, id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "round new", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return fputs(help_new, stdout), 0;
	if ((rc = cli_id("round new", "leader (--leader)", leader, &leader_id)) != 0)
		return rc;
	if (instr != NULL && cli_read_file(instr, INSTRUMENT_MAX_BYTES, &json, &len, &e) != AZ_OK)
		return cli_fail(&e);
	if ((rc = cli_open(g, &c)) != 0) {
		free(json);
		return rc;
	}
	if (core_round_new(&c, leader_id, json, len, instr, opens, closes, &id, &e) != AZ_OK)
		rc = cli_fail(&e);
	else
		printf("%lld\n", (long long)id);
	free(json);
	core_close(&c);
	return rc;
}

/* open, close and release: one round number, one transition. */
static int round_move(int argc, char **argv, struct cli *g, const char *verb)
{
	const char *closes = NULL, *pos[1];
	const struct opt opts_open[] = {{"closes", &closes, NULL}, {NULL, NULL, NULL}};
	char cmd[32];
	struct core c;
	struct err e = {0};
	int64_t id;
	int npos, help = 0, rc, st;

	snprintf(cmd, sizeof cmd, "round %s", verb);
	if ((rc = cli_parse(argc, argv, strcmp(verb, "open") == 0 ? opts_open : NULL, g, cmd, pos, 1,
			    &npos, &help)) != 0)
		return rc;
	if (help) {
		printf("Usage: aanwezig round %s ID%s\n\n%s\n", verb,
		       strcmp(verb, "open") == 0 ? " [--closes DATE]" : "",
		       strcmp(verb, "open") == 0 ? "Opens a draft round: from now on the links work." :
		       strcmp(verb, "close") == 0 ? "Closes an open round: no more answers are taken." :
		       "Releases a closed round: its report becomes available to the leader.");
		return 0;
	}
	if ((rc = cli_id(cmd, "round", npos ? pos[0] : NULL, &id)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	st = strcmp(verb, "open") == 0 ? core_round_open(&c, id, closes, &e)
	   : strcmp(verb, "close") == 0 ? core_round_close(&c, id, &e)
	   : core_round_release(&c, id, &e);
	if (st != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		char action[32], object[32];
		printf("round %lld is %s\n", (long long)id,
		       strcmp(verb, "open") == 0 ? "open" : strcmp(verb, "close") == 0 ? "closed" : "released");
		if (strcmp(verb, "release") == 0) {
			const char *url;
			struct arena *ra = arena_new();
			if (ra != NULL && core_report_link(&c, ra, id, &url, &e) == AZ_OK)
				printf("the leader's report: %s\n", url);
			arena_free(ra);
		}
		if (c.mail && strcmp(verb, "close") != 0)
			printf("%s queued; `aanwezig serve` sends them, or `aanwezig mail send` now\n",
			       strcmp(verb, "open") == 0 ? "the invitations are" : "the leader's notice is");
		snprintf(action, sizeof action, "round.%s", verb);
		snprintf(object, sizeof object, "round %lld", (long long)id);
		rc = cli_audit(&c, action, object, strcmp(verb, "open") == 0 ? closes : NULL);
	}
	core_close(&c);
	return rc;
}

static int round_list(int argc, char **argv, struct cli *g)
{
	const char *leader = NULL, *pos[1];
	const struct opt opts[] = {{"leader", &leader, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	struct arena *a = NULL;
	struct round *r;
	size_t n;
	int64_t leader_id = 0;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "round list", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig round list [--leader ID]\n\nLists rounds: number, leader, "
			    "state, opening and closing date."), 0;
	if (leader != NULL && (rc = cli_id("round list", "leader", leader, &leader_id)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if ((a = arena_new()) == NULL) {
		rc = cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	} else if (c.st->ops->round_list(c.st, a, leader_id, &r, &n, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%lld\tleader %lld\t%s\t%s\t%s\n", (long long)r[i].id, (long long)r[i].leader_id,
			       round_state_name(r[i].state), r[i].opens_on ? r[i].opens_on : "-",
			       r[i].closes_on ? r[i].closes_on : "-");
	}
	arena_free(a);
	core_close(&c);
	return rc;
}

/* Progress per group under the rule of core_progress_of(): a group's
 * answered count only once it has reached its threshold, and a total only
 * when no group is hidden, so that nobody can tell whether one person
 * answered, nor work a hidden count out by subtraction. */
static int print_progress(struct arena *a, const struct round_view *v)
{
	struct round_progress p;

	if (core_progress_of(a, v, &p) != AZ_OK)
		return -1;
	printf("%-14s %8s  %s\n", "group", "invited", "answered");
	for (int i = 0; i < p.ngroup; i++) {
		const struct group_progress *g = &p.groups[i];
		const char *id = v->ins->groups[g->group].id;
		if (g->self)
			printf("%-14s %8d  %s\n", id, g->invited, p.self_done ? "yes" : "not yet");
		else if (g->shown)
			printf("%-14s %8d  %d\n", id, g->invited, g->submitted);
		else
			printf("%-14s %8d  fewer than %d\n", id, g->invited, g->threshold);
	}
	if (p.submitted >= 0)
		printf("%-14s %8d  %d\n", "total", p.invited, p.submitted);
	else
		printf("%-14s %8d  %s\n", "total", p.invited, "not shown while a group is below its threshold");
	return 0;
}

static int round_show(int argc, char **argv, struct cli *g)
{
	const char *pos[1];
	struct core c;
	struct err e = {0};
	struct arena *a = NULL;
	struct round_view v;
	int64_t id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, NULL, g, "round show", pos, 1, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig round show ID\n\nShows a round's leader, state, dates, "
			    "instrument and progress per group\n(answered counts only once a group "
			    "reaches its anonymity threshold)."), 0;
	if ((rc = cli_id("round show", "round", npos ? pos[0] : NULL, &id)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if ((a = arena_new()) == NULL) {
		rc = cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	} else if (core_round_load(&c, a, id, &v, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else {
		printf("round        %lld\n", (long long)id);
		printf("leader       %lld, %s (%s)\n", (long long)v.leader.id, v.leader.name,
		       v.leader.organisation);
		printf("state        %s\n", round_state_name(v.round.state));
		printf("opens        %s\n", v.round.opens_on ? v.round.opens_on : "-");
		printf("closes       %s\n", v.round.closes_on ? v.round.closes_on : "-");
		printf("list         %s%s\n", nomination_state_name(v.round.nomination),
		       v.round.needs_approval ? " (needs approval)" : "");
		printf("reminders    %s\n", v.round.reminders && v.round.reminders[0] ? v.round.reminders : "-");
		printf("instrument   %s %s (%.12s)\n", v.stored.key, v.stored.version, v.stored.digest);
		if (v.round.state >= ROUND_CLOSED) {
			/* The leader's report link (it shows the report once released). */
			const char *url;
			if (core_report_link(&c, a, id, &url, &e) == AZ_OK)
				printf("report       %s%s\n", url,
				       v.round.state == ROUND_RELEASED ? "" : " (shows the report once released)");
		}
		putchar('\n');
		if (print_progress(a, &v) != 0)
			rc = cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
		round_view_reset(&v);
	}
	arena_free(a);
	core_close(&c);
	return rc;
}

static int round_links(int argc, char **argv, struct cli *g)
{
	const char *pos[1];
	int as_csv = 0;
	const struct opt opts[] = {{"csv", NULL, &as_csv}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	struct arena *a = NULL;
	struct link *l;
	size_t n;
	int64_t id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "round links", pos, 1, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig round links ID [--csv]\n\nPrints the personal link of "
			    "every invitee, the leader's own first, one per line:\ngroup, name, "
			    "e-mail, link. With --csv: a CSV file name,email,group,link."), 0;
	if ((rc = cli_id("round links", "round", npos ? pos[0] : NULL, &id)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	if ((a = arena_new()) == NULL) {
		rc = cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	} else if (core_round_links(&c, a, id, &l, &n, &e) != AZ_OK) {
		rc = cli_fail(&e);
	} else if (as_csv) {
		struct buf b;
		buf_init(&b);
		buf_puts(&b, "name,email,group,link\r\n");
		for (size_t i = 0; i < n; i++) {
			csv_cell(&b, l[i].name, 1);
			csv_cell(&b, l[i].email, 0);
			csv_cell(&b, l[i].group_id, 0);
			csv_cell(&b, l[i].url, 0);
			csv_end(&b);
		}
		if (b.failed || cli_write_file(NULL, buf_str(&b), b.len, &e) != AZ_OK)
			rc = cli_fail(b.failed ? &(struct err){AZ_ENOMEM, "out of memory"} : &e);
		buf_reset(&b);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%-12s %-28s %-36s %s\n", l[i].group_id, l[i].name ? l[i].name : "(leader)",
			       l[i].email ? l[i].email : "-", l[i].url);
	}
	arena_free(a);
	core_close(&c);
	return rc;
}

static int round_export(int argc, char **argv, struct cli *g)
{
	const char *out = NULL, *pos[1];
	const struct opt opts[] = {{"output", &out, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	struct buf b;
	int64_t id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "round export", pos, 1, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig round export ID [-o FILE]\n\nWrites the raw answers of a "
			    "closed round as long CSV:\nleader,round,rater,group,item,score - one row per "
			    "item, an empty score\nfor \"kan ik niet beoordelen\". Groups below their "
			    "anonymity threshold\nare written as \"overig\"."), 0;
	if ((rc = cli_id("round export", "round", npos ? pos[0] : NULL, &id)) != 0)
		return rc;
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	buf_init(&b);
	if (core_export_long_csv(&c, id, &b, &e) != AZ_OK ||
	    cli_write_file(out, buf_str(&b), b.len, &e) != AZ_OK)
		rc = cli_fail(&e);
	buf_reset(&b);
	core_close(&c);
	return rc;
}

int cmd_round(int argc, char **argv, struct cli *g)
{
	static const char *const moves[] = {"open", "close", "release"};

	if (argc == 0 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0) {
		fputs(help_round, argc == 0 ? stderr : stdout);
		return argc == 0 ? 2 : 0;
	}
	for (int i = 0; i < 3; i++)
		if (strcmp(argv[0], moves[i]) == 0)
			return round_move(argc - 1, argv + 1, g, moves[i]);
	if (strcmp(argv[0], "new") == 0)
		return round_new(argc - 1, argv + 1, g);
	if (strcmp(argv[0], "list") == 0)
		return round_list(argc - 1, argv + 1, g);
	if (strcmp(argv[0], "show") == 0)
		return round_show(argc - 1, argv + 1, g);
	if (strcmp(argv[0], "links") == 0)
		return round_links(argc - 1, argv + 1, g);
	if (strcmp(argv[0], "export") == 0)
		return round_export(argc - 1, argv + 1, g);
	return cmd_round_mail(argc, argv, g);
}
