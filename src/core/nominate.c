/* nominate.c — "Waar ben ik?": the leader names the people around them,
 * per rater group, sees how that stands against the groups' thresholds,
 * and hands the list in; when the round needs it, an administrator or a
 * coach the round is shared with approves it before invitations go out.
 *
 * The advice: a group's figures are shown only when at least its
 * threshold of people answer, and not everyone invited answers, so invite
 * about twice the threshold. Fewer than that is "at risk"; fewer than the
 * threshold can never be shown on its own (its answers go into "overig").
 */
#include "core.h"

#include <stdio.h>
#include <string.h>

#include "../util/text.h"
#include "core_internal.h"

int core_advice(const struct instrument *ins, const int *nominated, struct group_advice *out)
{
	int k = 0;

	for (int g = 0; g < ins->ngroup; g++) {
		const struct instr_group *grp = &ins->groups[g];
		struct group_advice *ad = &out[k];

		if (grp->self)
			continue;
		memset(ad, 0, sizeof *ad);
		ad->group = g;
		ad->threshold = grp->threshold > 0 ? grp->threshold : 1;
		ad->advised = 2 * ad->threshold;
		if (grp->invite_min > ad->advised)
			ad->advised = grp->invite_min;
		ad->most = grp->invite_max;
		ad->nominated = nominated[g];
		if (ad->nominated == 0 && grp->optional)
			ad->flag = ADVICE_SKIPPED;
		else if (ad->nominated < ad->threshold)
			ad->flag = ADVICE_HIDDEN;
		else if (ad->nominated < ad->advised)
			ad->flag = ADVICE_AT_RISK;
		else
			ad->flag = ADVICE_OK;
		k++;
	}
	return k;
}

int core_nomination_load(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
			 struct nomination *out, struct err *e)
{
	struct invitation *inv;
	size_t ninv;
	int *count, rc;

	memset(out, 0, sizeof *out);
	if ((rc = core_round_access(c, a, who, round_id, USE_LIST, &out->round, e)) != AZ_OK ||
	    (rc = c->st->ops->leader_get(c->st, a, out->round.leader_id, &out->leader, e)) != AZ_OK ||
	    (rc = core_round_instrument(c, a, &out->round, NULL, &out->ins, e)) != AZ_OK ||
	    (rc = c->st->ops->invitation_list(c->st, a, round_id, &inv, &ninv, e)) != AZ_OK)
		return rc;
	out->people = arena_calloc(a, ninv + 1, sizeof *out->people);
	out->advice = arena_calloc(a, (size_t)out->ins->ngroup, sizeof *out->advice);
	count = arena_calloc(a, (size_t)out->ins->ngroup, sizeof *count);
	if (out->people == NULL || out->advice == NULL || count == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < ninv; i++) {
		int g = instrument_find_group(out->ins, inv[i].group_id);
		if (g < 0 || out->ins->groups[g].self || inv[i].state == INV_REVOKED)
			continue;
		count[g]++;
		out->people[out->npeople++] = (struct nominee){inv[i].id, inv[i].group_id, inv[i].name,
							       inv[i].email, inv[i].language};
	}
	out->nadvice = (size_t)core_advice(out->ins, count, out->advice);
	out->editable = out->round.state == ROUND_DRAFT && out->round.nomination == NOM_OPEN;
	return AZ_OK;
}

/* The problem with one person's name, or NP_NONE. */
static int name_problem(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return NP_NAME_MISSING;
	if (n > CORE_MAX_NAME)
		return NP_NAME_TOO_LONG;
	if (!utf8_valid(s, n) || text_has_control(s, 0) || text_has_layout_control(s))
		return NP_NAME_INVALID;
	if (text_is_blank(s))
		return NP_NAME_MISSING;
	return NP_NONE;
}

/* A copy of s without spaces and tabs at either end, in a. */
static char *trimmed(struct arena *a, const char *s)
{
	char *t = arena_strdup(a, s != NULL ? s : "");

	return t != NULL ? text_trim(t) : NULL;
}

/* Check in[0..n) against the instrument and the list (inv[0..ninv)); the
 * normal e-mail addresses go to mail[i] (in a). Returns how many have a
 * problem. */
static int check_nominees(struct arena *a, const struct instrument *ins, const struct nominee_in *in,
			  size_t n, const struct invitation *inv, size_t ninv, const char **mail, int *problem)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		char norm[256];
		const char *why, *name = trimmed(a, in[i].name), *email = trimmed(a, in[i].email);
		const char *lang = in[i].language;
		int g = in[i].group_id ? instrument_find_group(ins, in[i].group_id) : -1;

		mail[i] = NULL;
		problem[i] = name == NULL ? NP_NAME_INVALID : name_problem(name);
		if (problem[i] == NP_NONE && (email == NULL || email[0] == '\0'))
			problem[i] = NP_EMAIL_MISSING;
		else if (problem[i] == NP_NONE && email_normalise(email, norm, sizeof norm, &why) != 0)
			problem[i] = NP_EMAIL_INVALID;
		else if (problem[i] == NP_NONE && (g < 0 || ins->groups[g].self))
			problem[i] = NP_GROUP;
		else if (problem[i] == NP_NONE && lang && lang[0] && strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0)
			problem[i] = NP_LANGUAGE;
		if (problem[i] == NP_NONE) {
			mail[i] = arena_strdup(a, norm);
			for (size_t k = 0; k < ninv; k++)
				if (inv[k].email != NULL && strcmp(inv[k].email, norm) == 0)
					problem[i] = NP_LISTED;
			for (size_t k = 0; k < i && problem[i] == NP_NONE; k++)
				if (mail[k] != NULL && strcmp(mail[k], norm) == 0)
					problem[i] = NP_TWICE;
		}
		bad += problem[i] != NP_NONE;
	}
	return bad;
}

/* The round must be a draft with its list open for changes. */
static int list_editable(const struct round *r, struct err *e)
{
	if (r->state != ROUND_DRAFT)
		return err_set(e, AZ_ESTATE, "round %lld is %s; its list can no longer change",
			       (long long)r->id, round_state_name(r->state));
	if (r->nomination != NOM_OPEN)
		return err_set(e, AZ_ESTATE, "the list of round %lld has been handed in", (long long)r->id);
	return AZ_OK;
}

int core_nominees_add(struct core *c, const struct actor *who, int64_t round_id, const struct nominee_in *in,
		      size_t n, int *problem, struct err *e)
{
	struct arena *a = arena_new();
	const struct instrument *ins;
	struct invitation *inv, *list;
	const char **mail;
	struct round r;
	size_t ninv, bad = 0;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_access(c, a, who, round_id, USE_NOMINATE, &r, e)) != AZ_OK ||
	    (rc = list_editable(&r, e)) != AZ_OK ||
	    (rc = core_round_instrument(c, a, &r, NULL, &ins, e)) != AZ_OK ||
	    (rc = c->st->ops->invitation_list(c->st, a, round_id, &list, &ninv, e)) != AZ_OK)
		goto out;
	mail = arena_calloc(a, n + 1, sizeof *mail);
	inv = arena_calloc(a, n + 1, sizeof *inv);
	if (mail == NULL || inv == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	if (check_nominees(a, ins, in, n, list, ninv, mail, problem) > 0) {
		rc = err_set(e, AZ_EINVAL, "nothing was added: check the names and e-mail addresses");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if ((rc = core_invitation_make(c, a, round_id, in[i].group_id, trimmed(a, in[i].name), mail[i],
					       &inv[i], e)) != AZ_OK)
			goto out;
		inv[i].language = in[i].language && in[i].language[0] ? in[i].language : NULL;
	}
	rc = c->st->ops->invitations_add(c->st, inv, n, &bad, e);
	if (rc == AZ_EDUP && bad < n) {
		/* Added by someone else meanwhile. */
		problem[bad] = NP_LISTED;
		rc = err_set(e, AZ_EINVAL, "nothing was added: %s is on the list already", mail[bad]);
		goto out;
	}
	if (rc == AZ_OK)
		rc = core_audit(c, who, "nominee.add", arena_printf(a, "round %lld", (long long)round_id),
				arena_printf(a, "%zu added", n), e);
out:
	arena_free(a);
	return rc;
}

int core_nominee_remove(struct core *c, const struct actor *who, int64_t round_id, int64_t id,
			struct err *e)
{
	struct arena *a = arena_new();
	struct invitation *list;
	struct round r;
	size_t ninv, i;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_access(c, a, who, round_id, USE_NOMINATE, &r, e)) != AZ_OK ||
	    (rc = list_editable(&r, e)) != AZ_OK ||
	    (rc = c->st->ops->invitation_list(c->st, a, round_id, &list, &ninv, e)) != AZ_OK)
		goto out;
	for (i = 0; i < ninv; i++)
		if (list[i].id == id && strcmp(list[i].group_id, "self") != 0)
			break;
	if (i == ninv) {
		rc = err_set(e, AZ_ENOTFOUND, "round %lld has nobody with number %lld on its list",
			     (long long)round_id, (long long)id);
		goto out;
	}
	if ((rc = c->st->ops->invitation_remove(c->st, round_id, id, e)) == AZ_OK)
		rc = core_audit(c, who, "nominee.remove", arena_printf(a, "round %lld", (long long)round_id),
				arena_printf(a, "invitation %lld", (long long)id), e);
out:
	arena_free(a);
	return rc;
}

int core_nomination_move(struct core *c, const struct actor *who, int64_t round_id, int to, struct err *e)
{
	static const char *const action[] = {
		[NOM_OPEN] = "nomination.reopen", [NOM_SUBMITTED] = "nomination.submit",
		[NOM_APPROVED] = "nomination.approve"};
	struct arena *a = arena_new();
	struct round r;
	int rc, from, use;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (to < NOM_OPEN || to > NOM_APPROVED) {
		rc = err_set(e, AZ_EINVAL, "unknown list state %d", to);
		goto out;
	}
	if ((rc = c->st->ops->round_get(c->st, a, round_id, &r, e)) != AZ_OK)
		goto out;
	from = r.nomination;
	/* Which use the move needs depends on where the list stands. */
	use = to == NOM_SUBMITTED ? USE_NOMINATE
	    : to == NOM_APPROVED ? USE_APPROVE
	    : from == NOM_APPROVED ? USE_MANAGE
	    : core_actor_is(c, who, ROLE_COACH) ? USE_APPROVE : USE_NOMINATE;
	if ((rc = core_round_access(c, a, who, round_id, use, &r, e)) != AZ_OK)
		goto out;
	if (r.state != ROUND_DRAFT) {
		rc = err_set(e, AZ_ESTATE, "round %lld is %s; its list can no longer change",
			     (long long)round_id, round_state_name(r.state));
		goto out;
	}
	if ((to == NOM_SUBMITTED && from != NOM_OPEN) || (to == NOM_APPROVED && from != NOM_SUBMITTED) ||
	    (to == NOM_OPEN && from == NOM_OPEN)) {
		rc = err_set(e, AZ_ESTATE, "the list of round %lld is %s", (long long)round_id,
			     nomination_state_name(from));
		goto out;
	}
	if (to == NOM_APPROVED && !r.needs_approval) {
		rc = err_set(e, AZ_ESTATE, "round %lld does not need its list approved", (long long)round_id);
		goto out;
	}
	if (to == NOM_SUBMITTED) {
		struct nomination nom;
		if ((rc = core_nomination_load(c, a, who, round_id, &nom, e)) != AZ_OK)
			goto out;
		if (nom.npeople == 0) {
			rc = err_set(e, AZ_EINVAL, "the list is empty: name the people to invite first");
			goto out;
		}
	}
	if ((rc = c->st->ops->round_nomination(c->st, round_id, from, to, e)) == AZ_OK)
		rc = core_audit(c, who, action[to], arena_printf(a, "round %lld", (long long)round_id), NULL, e);
out:
	arena_free(a);
	return rc;
}
