/* report.c — the presence profile of a round: the instrument and the
 * stored responses turned into the arrays of profile/stats.h, the
 * profile computed, the trend against the previous round, and the open
 * texts that may be shown.
 */
#include "core.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../profile/anonymity.h"
#include "core_internal.h"

#define REPORT_BLIND_SPOT 0.5

/* The statistics' view of an instrument; *gmap maps instrument group
 * indexes to design group indexes (-1 for the self group). */
static int design_of(struct arena *a, const struct instrument *ins, struct stats_design *d, int **gmap)
{
	struct stats_dim *dims = arena_calloc(a, (size_t)ins->ndimension + 1, sizeof *dims);
	struct stats_item *items = arena_calloc(a, (size_t)ins->nitem + 1, sizeof *items);
	const char **arenas = arena_calloc(a, (size_t)ins->narena + 1, sizeof *arenas);
	struct stats_group *groups = arena_calloc(a, (size_t)ins->ngroup + 1, sizeof *groups);
	int *map = arena_calloc(a, (size_t)ins->ngroup + 1, sizeof *map);
	int ng = 0;

	if (!dims || !items || !arenas || !groups || !map)
		return AZ_ENOMEM;
	for (int i = 0; i < ins->ndimension; i++) {
		dims[i].id = ins->dimensions[i].id;
		dims[i].kind = ins->dimensions[i].kind == DIM_ROLE ? STATS_ROLE
			     : ins->dimensions[i].kind == DIM_COMPETENCE ? STATS_COMPETENCE : STATS_THEME;
		dims[i].noption = ins->scales[ins->dimensions[i].scale].npoint;
	}
	for (int i = 0; i < ins->nitem; i++) {
		items[i].id = ins->items[i].id;
		items[i].dim = ins->items[i].dimension;
		items[i].arena = ins->items[i].arena;
	}
	for (int i = 0; i < ins->narena; i++)
		arenas[i] = ins->arenas[i].id;
	for (int g = 0; g < ins->ngroup; g++) {
		if (ins->groups[g].self) {
			map[g] = -1;
			continue;
		}
		groups[ng].id = ins->groups[g].id;
		groups[ng].threshold = ins->groups[g].threshold;
		groups[ng].anonymous = ins->groups[g].anonymous;
		map[g] = ng++;
	}
	d->dims = dims;
	d->ndim = ins->ndimension;
	d->items = items;
	d->nitem = ins->nitem;
	d->arenas = arenas;
	d->narena = ins->narena;
	d->groups = groups;
	d->ngroup = ng;
	*gmap = map;
	return AZ_OK;
}

/* The stored responses of a round as a score matrix. */
static int round_of(struct arena *a, const struct instrument *ins, const int *gmap,
		    const struct response *resp, size_t nresp, struct stats_round *r)
{
	int *group = arena_calloc(a, nresp + 1, sizeof *group);
	unsigned char *score = arena_calloc(a, (nresp + 1) * (size_t)ins->nitem, 1);

	if (group == NULL || score == NULL)
		return AZ_ENOMEM;
	for (size_t k = 0; k < nresp; k++) {
		int g = instrument_find_group(ins, resp[k].group_id);
		group[k] = g < 0 ? STATS_SELF : gmap[g];
		for (size_t j = 0; j < resp[k].nanswer; j++) {
			int i = instrument_find_item(ins, resp[k].answers[j].item_id);
			if (i >= 0 && resp[k].answers[j].score > 0)
				score[k * (size_t)ins->nitem + (size_t)i] = (unsigned char)resp[k].answers[j].score;
		}
	}
	r->nrater = (int)nresp;
	r->group = group;
	r->score = score;
	return AZ_OK;
}

/* Compute the profile of one stored round. */
static int profile_of(struct core *c, struct arena *a, const struct round *rd,
		      const struct instrument *ins, struct stats_design *d, struct stats_profile *p,
		      struct response **resp, size_t *nresp, struct err *e)
{
	struct stats_round r = {0};
	struct stats_config cfg = {ANON_MIN_THRESHOLD, REPORT_BLIND_SPOT};
	int *gmap;
	int rc;

	if (design_of(a, ins, d, &gmap) != AZ_OK)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = c->st->ops->response_list(c->st, a, rd->id, resp, nresp, e)) != AZ_OK)
		return rc;
	if (round_of(a, ins, gmap, *resp, *nresp, &r) != AZ_OK)
		return err_set(e, AZ_ENOMEM, "out of memory");
	r.leader = arena_printf(a, "%lld", (long long)rd->leader_id);
	r.round = arena_printf(a, "%lld", (long long)rd->id);
	return stats_profile(a, d, &r, &cfg, p, e);
}

/* The open texts that may be shown: the leader's own, then per question
 * the raters' under their group, or under "overig" when the group is too
 * small; none of the raters' when even all of them together are too few.
 * Within a question the order is random, never that of submission. */
static int texts_of(struct arena *a, const struct instrument *ins, const struct response *resp,
		    size_t nresp, struct report *out)
{
	int ng = ins->ngroup, overig;
	int *n = arena_calloc(a, (size_t)ng + 1, sizeof *n), *thr = arena_calloc(a, (size_t)ng + 1, sizeof *thr);
	int *anon = arena_calloc(a, (size_t)ng + 1, sizeof *anon), *merged = arena_calloc(a, (size_t)ng + 1, sizeof *merged);
	size_t total = 0;

	if (!n || !thr || !anon || !merged)
		return AZ_ENOMEM;
	for (size_t k = 0; k < nresp; k++) {
		int g = instrument_find_group(ins, resp[k].group_id);
		if (g >= 0 && !ins->groups[g].self)
			n[g]++;
		total += resp[k].ntext;
	}
	for (int g = 0; g < ng; g++) {
		thr[g] = ins->groups[g].threshold < ANON_MIN_THRESHOLD && ins->groups[g].anonymous
			 ? ANON_MIN_THRESHOLD : ins->groups[g].threshold;
		anon[g] = ins->groups[g].anonymous && !ins->groups[g].self;
	}
	overig = anon_merge(ng, n, thr, anon, merged);
	out->texts = arena_calloc(a, total + 1, sizeof *out->texts);
	if (out->texts == NULL)
		return AZ_ENOMEM;
	out->ntext = 0;
	for (int q = 0; q < ins->nopen; q++) {
		size_t first = out->ntext;
		for (size_t k = 0; k < nresp; k++) {
			int g = instrument_find_group(ins, resp[k].group_id);
			const char *label;
			if (g < 0)
				continue;
			if (ins->groups[g].self)
				label = "self";
			else if (overig < 0 && anon[g])
				continue;
			else
				label = merged[g] ? "overig" : ins->groups[g].id;
			for (size_t t = 0; t < resp[k].ntext; t++)
				if (strcmp(resp[k].texts[t].question_id, ins->opens[q].id) == 0)
					out->texts[out->ntext++] = (struct report_text){ins->opens[q].id, label,
											resp[k].texts[t].text};
		}
		/* Fisher-Yates with libsodium's generator. */
		for (size_t i = out->ntext - first; i > 1; i--) {
			size_t j = randombytes_uniform((uint32_t)i);
			struct report_text tmp = out->texts[first + i - 1];
			out->texts[first + i - 1] = out->texts[first + j];
			out->texts[first + j] = tmp;
		}
	}
	return AZ_OK;
}

int core_report(struct core *c, struct arena *a, int64_t round_id, struct report *out, struct err *e)
{
	struct response *resp;
	size_t nresp;
	struct round *rounds;
	size_t nround;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = core_round_load(c, a, round_id, &out->view, e)) != AZ_OK)
		return rc;
	if (out->view.round.state != ROUND_CLOSED && out->view.round.state != ROUND_RELEASED)
		return err_set(e, AZ_ESTATE, "round %lld is %s; its report is made once it is closed",
			       (long long)round_id, round_state_name(out->view.round.state));
	if ((rc = profile_of(c, a, &out->view.round, out->view.ins, &out->design, &out->profile,
			     &resp, &nresp, e)) != AZ_OK)
		return rc;
	for (size_t k = 0; k < nresp; k++)
		out->nresponse += strcmp(resp[k].group_id, "self") != 0;
	if (texts_of(a, out->view.ins, resp, nresp, out) != AZ_OK)
		return err_set(e, AZ_ENOMEM, "out of memory");
	/* The trend: the latest earlier round on the same instrument text. */
	if ((rc = c->st->ops->round_list(c->st, a, out->view.round.leader_id, &rounds, &nround, e)) != AZ_OK)
		return rc;
	for (size_t i = nround; i-- > 0;) {
		struct stats_design d;
		struct stats_profile prev;
		struct response *presp;
		size_t npresp;
		if (rounds[i].id >= round_id || rounds[i].instrument_id != out->view.round.instrument_id ||
		    (rounds[i].state != ROUND_CLOSED && rounds[i].state != ROUND_RELEASED))
			continue;
		if ((rc = profile_of(c, a, &rounds[i], out->view.ins, &d, &prev, &presp, &npresp, e)) != AZ_OK ||
		    (rc = stats_trend(a, &prev, &out->profile, e)) != AZ_OK)
			return rc;
		out->previous_round = arena_printf(a, "%lld", (long long)rounds[i].id);
		break;
	}
	return AZ_OK;
}

/* The instrument text most closed or released rounds use. */
static int64_t common_instrument(struct arena *a, const struct round *r, size_t n)
{
	int64_t best = 0, *ids = arena_calloc(a, n + 1, sizeof *ids);
	size_t *count = arena_calloc(a, n + 1, sizeof *count), nid = 0, top = 0;

	if (ids == NULL || count == NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		if (r[i].state != ROUND_CLOSED && r[i].state != ROUND_RELEASED)
			continue;
		while (k < nid && ids[k] != r[i].instrument_id)
			k++;
		if (k == nid)
			ids[nid++] = r[i].instrument_id;
		if (++count[k] > top) {
			top = count[k];
			best = ids[k];
		}
	}
	return best;
}

int core_instance_analysis(struct core *c, struct arena *a, int64_t instrument_id,
			   struct stats_analysis *out, size_t *other, struct err *e)
{
	struct stats_config cfg = {ANON_MIN_THRESHOLD, REPORT_BLIND_SPOT};
	struct stats_design *d = arena_calloc(a, 1, sizeof *d);
	struct stats_round *sr;
	const struct instrument *ins = NULL;
	struct round *rounds;
	struct arena *tmp;
	size_t nround;
	int *gmap = NULL, n = 0, rc;

	memset(out, 0, sizeof *out);
	*other = 0;
	if (d == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = c->st->ops->round_list(c->st, a, 0, &rounds, &nround, e)) != AZ_OK)
		return rc;
	if (instrument_id == 0)
		instrument_id = common_instrument(a, rounds, nround);
	out->profiles = arena_calloc(a, nround + 1, sizeof *out->profiles);
	if ((sr = arena_calloc(a, nround + 1, sizeof *sr)) == NULL || out->profiles == NULL ||
	    (tmp = arena_new()) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (size_t i = 0; rc == AZ_OK && i < nround; i++) {
		struct response *resp;
		size_t nresp;
		if (rounds[i].state != ROUND_CLOSED && rounds[i].state != ROUND_RELEASED)
			continue;
		if (rounds[i].instrument_id != instrument_id) {
			(*other)++;
			continue;
		}
		if (ins == NULL && ((rc = core_round_instrument(c, a, &rounds[i], NULL, &ins, e)) != AZ_OK ||
				    (rc = design_of(a, ins, d, &gmap)) != AZ_OK))
			break;
		/* The responses only while their matrix is made: 9 million
		 * answers as strings would not fit. */
		arena_reset(tmp);
		if ((rc = c->st->ops->response_list(c->st, tmp, rounds[i].id, &resp, &nresp, e)) != AZ_OK)
			break;
		if (round_of(a, ins, gmap, resp, nresp, &sr[n]) != AZ_OK) {
			rc = err_set(e, AZ_ENOMEM, "out of memory");
			break;
		}
		sr[n].leader = arena_printf(a, "%lld", (long long)rounds[i].leader_id);
		sr[n].round = arena_printf(a, "%lld", (long long)rounds[i].id);
		rc = stats_profile(a, d, &sr[n], &cfg, &out->profiles[n], e);
		n++;
	}
	arena_free(tmp);
	if (rc == AZ_ENOMEM)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (rc != AZ_OK)
		return rc;
	out->cfg = cfg;
	out->design = d;
	out->nprofile = n;
	if (n == 0)
		return err_set(e, AZ_ENOTFOUND, "no closed round to analyse");
	return stats_reliability(a, d, sr, n, cfg.threshold, &out->reliability, e);
}

/* The report's token: a MAC of the leader's invitation nonce under the
 * link key with a label of its own, followed by the round's number. Not
 * the questionnaire's token: whoever holds the leader's questionnaire link
 * (an administrator handing links out) cannot read the report with it. */
#define REPORT_ID_MAX 19

static int report_mac(struct core *c, struct arena *a, int64_t round_id, char mac[TOKEN_TEXT_LEN + 1],
		      struct err *e)
{
	struct invitation *inv;
	size_t n;
	int rc;

	if ((rc = core_key(c, e)) != AZ_OK ||
	    (rc = c->st->ops->invitation_list(c->st, a, round_id, &inv, &n, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(inv[i].group_id, "self") != 0)
			continue;
		if (token_derive_report(c->key, inv[i].nonce, mac) != 0)
			return err_set(e, AZ_ESTORE, "invitation %lld has a damaged nonce", (long long)inv[i].id);
		return AZ_OK;
	}
	return err_set(e, AZ_ENOTFOUND, "there is no round %lld", (long long)round_id);
}

int core_report_link(struct core *c, struct arena *a, int64_t round_id, const char **url, struct err *e)
{
	char mac[TOKEN_TEXT_LEN + 1];
	int rc;

	if ((rc = report_mac(c, a, round_id, mac, e)) != AZ_OK)
		return rc;
	*url = arena_printf(a, "%s/p/%s%lld", c->base_url, mac, (long long)round_id);
	return *url ? AZ_OK : err_set(e, AZ_ENOMEM, "out of memory");
}

int core_report_by_token(struct core *c, struct arena *a, const char *token, int64_t *round_id,
			 struct err *e)
{
	char mac[TOKEN_TEXT_LEN + 1];
	size_t n = strlen(token);
	const char *digits = token + TOKEN_TEXT_LEN;
	long long id;
	int rc;

	if (n <= TOKEN_TEXT_LEN || n > TOKEN_TEXT_LEN + REPORT_ID_MAX || digits[0] < '1' || digits[0] > '9' ||
	    strspn(digits, "0123456789") != n - TOKEN_TEXT_LEN)
		return err_set(e, AZ_ENOTFOUND, "no report has this link");
	id = strtoll(digits, NULL, 10);
	rc = report_mac(c, a, (int64_t)id, mac, e);
	if (rc == AZ_ENOTFOUND || (rc == AZ_OK && !token_equal(mac, token, TOKEN_TEXT_LEN)))
		return err_set(e, AZ_ENOTFOUND, "no report has this link");
	if (rc != AZ_OK)
		return rc;
	*round_id = (int64_t)id;
	return AZ_OK;
}
