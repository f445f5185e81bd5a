/* progress.c — how far a round is, without exposing anyone.
 *
 * Per group: the number invited always (the leader and the administrator
 * made that list); the number of answers only once it has reached the
 * group's threshold, before that only "fewer than N" — a 0 would tell,
 * next to "fewer than N" elsewhere, that somebody answered. No number is
 * given that would let a hidden one be worked out: the total of answers
 * only when every group with invitations is shown, and no "not yet
 * answered" anywhere (invited minus answered). Nobody sees who answered.
 */
#include "core.h"

#include <string.h>

int core_progress_of(struct arena *a, const struct round_view *v, struct round_progress *out)
{
	const struct instrument *ins = v->ins;
	int hidden = 0, total = 0;

	memset(out, 0, sizeof *out);
	out->groups = arena_calloc(a, (size_t)ins->ngroup + 1, sizeof *out->groups);
	if (out->groups == NULL)
		return AZ_ENOMEM;
	out->ngroup = ins->ngroup;
	for (int g = 0; g < ins->ngroup && (size_t)g < v->ncount; g++) {
		const struct instr_group *grp = &ins->groups[g];
		const struct group_count *gc = &v->counts[g];
		struct group_progress *p = &out->groups[g];

		p->group = g;
		p->self = grp->self;
		p->invited = gc->invited;
		p->threshold = grp->threshold > 0 ? grp->threshold : 1;
		if (grp->self) {
			/* The leader's own answers: about the leader, not a rater. */
			out->self_done = gc->submitted > 0;
			p->shown = 1;
			p->submitted = gc->submitted;
			continue;
		}
		out->invited += gc->invited;
		if (gc->invited == 0) {
			p->shown = 1;
			p->submitted = 0;
			continue;
		}
		out->groups_invited++;
		p->shown = gc->submitted >= p->threshold;
		p->submitted = p->shown ? gc->submitted : -1;
		if (p->shown) {
			out->groups_shown++;
			total += gc->submitted;
		} else {
			hidden = 1;
		}
	}
	out->submitted = hidden ? -1 : total;
	return AZ_OK;
}

int core_progress(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
		  struct round_view *v, struct round_progress *out, struct err *e)
{
	int rc;

	if ((rc = core_round_access(c, a, who, round_id, USE_VIEW, NULL, e)) != AZ_OK ||
	    (rc = core_round_load(c, a, round_id, v, e)) != AZ_OK)
		return rc;
	if (core_progress_of(a, v, out) != AZ_OK)
		return err_set(e, AZ_ENOMEM, "out of memory");
	return AZ_OK;
}
