/* export.c — a round's raw answers as long CSV, for analysis elsewhere.
 *
 * One row per answered item: leader,round,rater,group,item,score. Rater
 * ids are taken from the random response ids, so they are stable within
 * the round and say nothing about who or when. Groups below their
 * threshold are written as "overig" (profile/anonymity.h), and the export
 * is only made once the round is closed: while it is open, two exports
 * taken around one submission would tell whose answers were new.
 */
#include "core.h"

#include <stdio.h>
#include <string.h>

#include "../profile/anonymity.h"
#include "../render/csv.h"
#include "core_internal.h"

/* The label a response's group is exported under: its own id, "overig",
 * or NULL for a group the instrument does not know. */
static const char *export_group(const struct instrument *ins, const int *merged,
				const char *group_id)
{
	int g = instrument_find_group(ins, group_id);

	if (g < 0)
		return NULL;
	if (ins->groups[g].self)
		return "self";
	return merged[g] ? "overig" : ins->groups[g].id;
}

static void export_rows(struct buf *out, const struct round_view *v, const struct response *r,
			const char *group)
{
	char rater[16];

	if (strcmp(group, "self") == 0)
		snprintf(rater, sizeof rater, "self");
	else
		snprintf(rater, sizeof rater, "R%.10s", r->id);
	/* Items in the instrument's order. */
	for (int i = 0; i < v->ins->nitem; i++) {
		for (size_t k = 0; k < r->nanswer; k++) {
			if (strcmp(r->answers[k].item_id, v->ins->items[i].id) != 0)
				continue;
			csv_int(out, v->leader.id, 1);
			csv_int(out, v->round.id, 0);
			csv_cell(out, rater, 0);
			csv_cell(out, group, 0);
			csv_cell(out, v->ins->items[i].id, 0);
			csv_int(out, r->answers[k].score > 0 ? r->answers[k].score : -1, 0);
			csv_end(out);
		}
	}
}

int core_export_long_csv(struct core *c, int64_t round_id, struct buf *out, struct err *e)
{
	struct arena *a = arena_new();
	struct round_view v;
	struct response *resp;
	size_t nresp;
	int *n = NULL, *thr = NULL, *anon = NULL, *merged = NULL, overig, rc, ng;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_load(c, a, round_id, &v, e)) != AZ_OK) {
		arena_free(a);
		return rc;
	}
	if (v.round.state != ROUND_CLOSED && v.round.state != ROUND_RELEASED) {
		rc = err_set(e, AZ_ESTATE, "round %lld is %s; its answers can be exported once it is "
			     "closed", (long long)round_id, round_state_name(v.round.state));
		goto out;
	}
	if ((rc = c->st->ops->response_list(c->st, a, round_id, &resp, &nresp, e)) != AZ_OK)
		goto out;
	ng = v.ins->ngroup;
	n = arena_calloc(a, (size_t)ng, sizeof *n);
	thr = arena_calloc(a, (size_t)ng, sizeof *thr);
	anon = arena_calloc(a, (size_t)ng, sizeof *anon);
	merged = arena_calloc(a, (size_t)ng, sizeof *merged);
	if (n == NULL || thr == NULL || anon == NULL || merged == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < nresp; k++) {
		int g = instrument_find_group(v.ins, resp[k].group_id);
		if (g >= 0)
			n[g]++;
	}
	for (int g = 0; g < ng; g++) {
		/* The leader's own group is not a rater group: never merged. */
		thr[g] = v.ins->groups[g].threshold;
		anon[g] = v.ins->groups[g].anonymous && !v.ins->groups[g].self;
		if (v.ins->groups[g].self)
			n[g] = 0;
	}
	overig = anon_merge(ng, n, thr, anon, merged);
	if (overig < 0) {
		int others = 0;
		for (int g = 0; g < ng; g++)
			others += n[g];
		rc = err_set(e, AZ_EANON, "only %d rater%s answered in round %lld, fewer than the "
			     "threshold; their answers can't be exported without giving them away",
			     others, others == 1 ? "" : "s", (long long)round_id);
		goto out;
	}
	buf_puts(out, "leader,round,rater,group,item,score\r\n");
	/* Groups in the instrument's order, "overig" last; within a group by
	 * rater id. */
	for (int pass = 0; pass <= ng; pass++) {
		const char *want = pass < ng ? v.ins->groups[pass].id : "overig";
		if (pass < ng && merged[pass])
			continue;
		for (size_t k = 0; k < nresp; k++) {
			const char *label = export_group(v.ins, merged, resp[k].group_id);
			if (label != NULL && strcmp(label, want) == 0)
				export_rows(out, &v, &resp[k], label);
		}
	}
	if (out->failed)
		rc = err_set(e, AZ_ENOMEM, "out of memory");
out:
	round_view_reset(&v);
	arena_free(a);
	return rc;
}
