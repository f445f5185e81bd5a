/* stats.c — see stats.h; the definitions are in docs/statistics.md. */
#include "stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anonymity.h"

/* ---- The formulas ---------------------------------------------------- */

int stats_rater_score(const unsigned char *row, const int *items, int nitem, double *score)
{
	long long answered = 0;
	double sum = 0;

	for (int i = 0; i < nitem; i++) {
		if (row[items[i]] > 0) {
			answered++;
			sum += row[items[i]];
		}
	}
	if (answered == 0 || answered * 2 < (long long)nitem)
		return 0;
	*score = sum / (double)answered;
	return 1;
}

void stats_describe(const double *x, int n, struct stats_figure *f)
{
	double sum = 0, ss = 0;

	f->n = n;
	f->mean = 0;
	f->has_sd = 0;
	f->sd = 0;
	if (n <= 0)
		return;
	for (int i = 0; i < n; i++)
		sum += x[i];
	f->mean = sum / n;
	if (n < 2)
		return;
	/* Two passes: the squared deviations from the mean, not sum(x^2). */
	for (int i = 0; i < n; i++)
		ss += (x[i] - f->mean) * (x[i] - f->mean);
	f->sd = sqrt(ss / (n - 1));
	f->has_sd = 1;
}

/* The sample variance of item it over rows[0..nrow) (nrow >= 2). */
static double item_var(const unsigned char *const *rows, int nrow, int it)
{
	double sum = 0, ss = 0, m;

	for (int r = 0; r < nrow; r++)
		sum += rows[r][it];
	m = sum / nrow;
	for (int r = 0; r < nrow; r++)
		ss += (rows[r][it] - m) * (rows[r][it] - m);
	return ss / (nrow - 1);
}

int stats_rwg(const unsigned char *const *rows, int nrow, const int *items, int nitem, int noption,
	      double *rwg)
{
	double sbar = 0, sigma, ratio;

	if (nrow < 2 || nitem < 1 || noption < 2)
		return 0;
	for (int i = 0; i < nitem; i++)
		sbar += item_var(rows, nrow, items[i]);
	sbar /= nitem;
	sigma = ((double)noption * noption - 1) / 12;
	if (sbar >= sigma) {
		*rwg = 0;
		return 1;
	}
	ratio = sbar / sigma;
	*rwg = nitem * (1 - ratio) / (nitem * (1 - ratio) + ratio);
	return 1;
}

int stats_alpha(const unsigned char *const *rows, int nrow, const int *items, int nitem,
		double *alpha)
{
	double sumvar = 0, tsum = 0, tss = 0, tm, tvar;

	if (nitem < 2 || nrow < 2)
		return 0;
	for (int i = 0; i < nitem; i++)
		sumvar += item_var(rows, nrow, items[i]);
	for (int r = 0; r < nrow; r++)
		for (int i = 0; i < nitem; i++)
			tsum += rows[r][items[i]];
	tm = tsum / nrow;
	for (int r = 0; r < nrow; r++) {
		double t = 0;
		for (int i = 0; i < nitem; i++)
			t += rows[r][items[i]];
		tss += (t - tm) * (t - tm);
	}
	tvar = tss / (nrow - 1);
	if (!(tvar > 0))
		return 0;
	*alpha = (double)nitem / (nitem - 1) * (1 - sumvar / tvar);
	return 1;
}

void stats_icc(const double *x, const int *size, int ngroup, struct stats_icc *out)
{
	double sum = 0, gm, ssb = 0, ssw = 0, sumsq = 0;
	const double *p = x;
	int n = 0;

	memset(out, 0, sizeof *out);
	for (int g = 0; g < ngroup; g++) {
		assert(size[g] >= 1);
		for (int i = 0; i < size[g]; i++)
			sum += x[n + i];
		n += size[g];
	}
	out->n = n;
	out->g = ngroup;
	if (ngroup < 2 || n <= ngroup)
		return;
	gm = sum / n;
	for (int g = 0; g < ngroup; g++) {
		double s = 0, m;
		for (int i = 0; i < size[g]; i++)
			s += p[i];
		m = s / size[g];
		for (int i = 0; i < size[g]; i++)
			ssw += (p[i] - m) * (p[i] - m);
		ssb += size[g] * (m - gm) * (m - gm);
		sumsq += (double)size[g] * size[g];
		p += size[g];
	}
	out->has_anova = 1;
	out->msb = ssb / (ngroup - 1);
	out->msw = ssw / (n - ngroup);
	out->k0 = (n - sumsq / n) / (ngroup - 1);
	if (out->msb + (out->k0 - 1) * out->msw != 0) {
		out->icc1 = (out->msb - out->msw) / (out->msb + (out->k0 - 1) * out->msw);
		out->has_icc1 = 1;
	}
	if (out->msb != 0) {
		out->icc1k = (out->msb - out->msw) / out->msb;
		out->has_icc1k = 1;
	}
}

const char *stats_flag_name(int flag)
{
	return flag == STATS_FLAG_BLIND_SPOT ? "blind_spot"
		: flag == STATS_FLAG_HIDDEN_STRENGTH ? "hidden_strength" : NULL;
}

/* ---- Profiles -------------------------------------------------------- */

/* The indexes of d's items in dimension dim, in design order, into
 * items (room for d->nitem); returns how many. */
static int dim_items(const struct stats_design *d, int dim, int *items)
{
	int n = 0;

	for (int i = 0; i < d->nitem; i++)
		if (d->items[i].dim == dim)
			items[n++] = i;
	return n;
}

/* Working memory for one profile, all sized by the round. */
struct work {
	const struct stats_design *d;
	const struct stats_round *r;
	int T;                       /* effective threshold */
	int self;                    /* the self rater, -1 for none */
	int *items;                  /* items of the current dimension */
	int nitem;
	int noption;                 /* A of the current dimension */
	double *score;               /* per rater: dimension score */
	int *has;                    /* per rater: the score counts */
	int *complete;               /* per rater: every item answered */
	double *x;                   /* scratch values */
	const unsigned char **rows;  /* scratch rows */
	int *gn, *gthr, *ganon, *gmerged;   /* per group, for anon_merge */
};

/* The figure of the raters r with has[r] and in(r): mean, SD, and rwg
 * when at least max(2, thr) of them answered every item. in(r) is
 * "group == g" (g >= 0), "merged group" (g == -2) or "any non-self"
 * (g == -1). */
static void figure_of(struct work *w, int g, int thr, struct stats_figure *f)
{
	int nx = 0, nrow = 0;

	for (int i = 0; i < w->r->nrater; i++) {
		int rg = w->r->group[i];
		int in = rg != STATS_SELF && (g == -1 || (g == -2 ? w->gmerged[rg] : rg == g));
		if (!in || !w->has[i])
			continue;
		w->x[nx++] = w->score[i];
		if (w->complete[i])
			w->rows[nrow++] = w->r->score + (size_t)i * (size_t)w->d->nitem;
	}
	stats_describe(w->x, nx, f);
	f->n_rwg = nrow;
	f->has_rwg = 0;
	f->rwg = 0;
	if (nrow >= 2 && nrow >= thr)
		f->has_rwg = stats_rwg(w->rows, nrow, w->items, w->nitem, w->noption, &f->rwg);
}

/* Decide which groups of the current dimension are shown (anon_merge on
 * the raters with a score) and fill p->groups. */
static int dim_groups(struct arena *a, struct work *w, struct stats_dim_profile *p)
{
	const struct stats_design *d = w->d;
	int overig, shown = 0, othr = ANON_MIN_THRESHOLD, k = 0, fold = -1;

	p->groups = NULL;
	p->ngroup = 0;
	memset(w->gn, 0, (size_t)d->ngroup * sizeof *w->gn);
	for (int i = 0; i < w->r->nrater; i++)
		if (w->r->group[i] != STATS_SELF && w->has[i])
			w->gn[w->r->group[i]]++;
	for (int g = 0; g < d->ngroup; g++) {
		int own = d->groups[g].threshold;
		int shown_as_is = !d->groups[g].anonymous && w->gn[g] >= own && own >= 1;
		w->ganon[g] = !shown_as_is;
		w->gthr[g] = shown_as_is ? own : (own > w->T ? own : w->T);
	}
	overig = anon_merge(d->ngroup, w->gn, w->gthr, w->ganon, w->gmerged);
	if (overig < 0 || !p->has_others)
		return AZ_OK;
	/* A shown group named "overig" (as in our own exports) joins the
	 * merged ones rather than appear twice. */
	for (int g = 0; g < d->ngroup; g++)
		if (overig > 0 && !w->gmerged[g] && w->gn[g] > 0 &&
		    strcmp(d->groups[g].id, STATS_OVERIG) == 0)
			fold = g;
	if (fold >= 0) {
		w->gmerged[fold] = 1;
		overig += w->gn[fold];
	}
	for (int g = 0; g < d->ngroup; g++) {
		if (w->gmerged[g] && w->gthr[g] > othr)
			othr = w->gthr[g];
		shown += !w->gmerged[g] && w->gn[g] > 0;
	}
	shown += overig > 0;
	if (shown == 0)
		return AZ_OK;
	if ((p->groups = arena_calloc(a, (size_t)shown, sizeof *p->groups)) == NULL)
		return AZ_ENOMEM;
	for (int g = 0; g < d->ngroup; g++) {
		if (w->gmerged[g] || w->gn[g] == 0)
			continue;
		p->groups[k].group = d->groups[g].id;
		figure_of(w, g, w->gthr[g], &p->groups[k].f);
		k++;
	}
	if (overig > 0) {
		p->groups[k].group = STATS_OVERIG;
		p->groups[k].overig = 1;
		figure_of(w, -2, othr, &p->groups[k].f);
		assert(p->groups[k].f.n == overig);
		k++;
	}
	p->ngroup = k;
	return AZ_OK;
}

/* Fill p for dimension dim. */
static int dim_profile(struct arena *a, struct work *w, int dim, double bs,
		       struct stats_dim_profile *p)
{
	const struct stats_round *r = w->r;
	int nothers = 0;

	memset(p, 0, sizeof *p);
	w->nitem = dim_items(w->d, dim, w->items);
	w->noption = w->d->dims[dim].noption;
	for (int i = 0; i < r->nrater; i++) {
		const unsigned char *row = r->score + (size_t)i * (size_t)w->d->nitem;
		int all = w->nitem > 0;
		w->has[i] = stats_rater_score(row, w->items, w->nitem, &w->score[i]);
		for (int k = 0; k < w->nitem && all; k++)
			all = row[w->items[k]] > 0;
		w->complete[i] = all;
		nothers += w->has[i] && r->group[i] != STATS_SELF;
	}
	if (w->self >= 0 && w->has[w->self]) {
		p->has_self = 1;
		p->self = w->score[w->self];
	}
	if (nothers >= w->T) {
		p->has_others = 1;
		figure_of(w, -1, w->T, &p->others);
	}
	if (p->has_self && p->has_others) {
		p->has_gap = 1;
		p->gap = p->self - p->others.mean;
		if (p->gap >= bs - STATS_GAP_EPS)
			p->flag = STATS_FLAG_BLIND_SPOT;
		else if (p->gap <= -(bs - STATS_GAP_EPS))
			p->flag = STATS_FLAG_HIDDEN_STRENGTH;
	}
	return dim_groups(a, w, p);
}

/* Per item: others' n and mean, self, gap. */
static void item_profiles(struct work *w, struct stats_profile *out)
{
	const struct stats_round *r = w->r;
	int nitem = w->d->nitem;

	for (int it = 0; it < nitem; it++) {
		struct stats_item_profile *p = &out->items[it];
		double sum = 0;

		memset(p, 0, sizeof *p);
		for (int i = 0; i < r->nrater; i++) {
			int s = r->score[(size_t)i * (size_t)nitem + (size_t)it];
			if (r->group[i] == STATS_SELF)
				continue;
			if (s > 0) {
				p->n++;
				sum += s;
			}
		}
		if (p->n > 0)
			p->mean = sum / p->n;
		p->has_others = p->n >= w->T;
		if (w->self >= 0)
			p->self = r->score[(size_t)w->self * (size_t)nitem + (size_t)it];
		if (p->self > 0 && p->has_others) {
			p->has_gap = 1;
			p->gap = p->self - p->mean;
		}
	}
}

/* Hide the item figures of every dimension where between 1 and T-1 non-self
 * raters answered some but not all of its items. A rater's dimension score
 * is the mean of the items they answered, an item figure the mean of the
 * raters who answered it: with every rater complete both describe the same
 * answers, but each incomplete rater (or one answering too few items to
 * count) makes "dimension sum minus the items' sums over the number of
 * items" a figure about those raters alone. */
static void hide_partial_items(struct work *w, struct stats_profile *out)
{
	const struct stats_design *d = w->d;
	const struct stats_round *r = w->r;

	for (int dim = 0; dim < d->ndim; dim++) {
		int nit = dim_items(d, dim, w->items), partial = 0;
		for (int i = 0; i < r->nrater; i++) {
			const unsigned char *row = r->score + (size_t)i * (size_t)d->nitem;
			int answered = 0;
			if (r->group[i] == STATS_SELF)
				continue;
			for (int k = 0; k < nit; k++)
				answered += row[w->items[k]] > 0;
			partial += answered > 0 && answered < nit;
		}
		if (partial == 0 || partial >= w->T)
			continue;
		out->dims[dim].items_hidden = 1;
		for (int k = 0; k < nit; k++) {
			out->items[w->items[k]].has_others = 0;
			out->items[w->items[k]].has_gap = 0;
		}
	}
}

/* Ranking helpers for the item lists: sort keys carried with the index. */
struct rank {
	double key;
	int item;
};

/* Larger key first, then the earlier item. */
static int rank_cmp(const void *pa, const void *pb)
{
	const struct rank *x = pa, *y = pb;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return (x->item > y->item) - (x->item < y->item);
}

/* Fill out[0..STATS_TOP) with the items of rk[0..n) after sorting. */
static int rank_take(struct rank *rk, int n, int *out)
{
	int k = n < STATS_TOP ? n : STATS_TOP;

	qsort(rk, (size_t)n, sizeof *rk, rank_cmp);
	for (int i = 0; i < k; i++)
		out[i] = rk[i].item;
	return k;
}

/* The highest, lowest and largest-gap lists of out->items. */
static int item_lists(struct arena *a, const struct stats_design *d, struct stats_profile *out)
{
	struct rank *rk = arena_calloc(a, (size_t)d->nitem + 1, sizeof *rk);
	int n;

	if (rk == NULL)
		return AZ_ENOMEM;
	n = 0;
	for (int i = 0; i < d->nitem; i++)
		if (out->items[i].has_others)
			rk[n++] = (struct rank){out->items[i].mean, i};
	out->nhighest = rank_take(rk, n, out->highest);
	n = 0;
	for (int i = 0; i < d->nitem; i++)
		if (out->items[i].has_others)
			rk[n++] = (struct rank){-out->items[i].mean, i};
	out->nlowest = rank_take(rk, n, out->lowest);
	n = 0;
	for (int i = 0; i < d->nitem; i++)
		if (out->items[i].has_gap)
			rk[n++] = (struct rank){fabs(out->items[i].gap), i};
	out->ngaps = rank_take(rk, n, out->gaps);
	return AZ_OK;
}

/* 1 when item it belongs to the cell (dim, arena); -1 means "any role"
 * or "any arena", but an item must always be in a role and an arena. */
static int in_cell(const struct stats_design *d, int it, int dim, int arena)
{
	const struct stats_item *x = &d->items[it];

	return x->arena >= 0 && d->dims[x->dim].kind == STATS_ROLE &&
	       (dim < 0 || x->dim == dim) && (arena < 0 || x->arena == arena);
}

/* Pool the non-self raters' scores of the items in cell (dim, arena) into
 * *c; returns 0 when the cell holds no item. */
static int pool_cell(const struct work *w, int dim, int arena, struct stats_cell *c)
{
	const struct stats_design *d = w->d;
	const struct stats_round *r = w->r;
	double sum = 0;

	memset(c, 0, sizeof *c);
	c->dim = dim;
	c->arena = arena;
	for (int it = 0; it < d->nitem; it++)
		c->nitem += in_cell(d, it, dim, arena);
	if (c->nitem == 0)
		return 0;
	for (int i = 0; i < r->nrater; i++) {
		const unsigned char *row = r->score + (size_t)i * (size_t)d->nitem;
		int any = 0;
		if (r->group[i] == STATS_SELF)
			continue;
		for (int it = 0; it < d->nitem; it++) {
			if (row[it] == 0 || !in_cell(d, it, dim, arena))
				continue;
			any = 1;
			c->nscore++;
			sum += row[it];
		}
		c->n += any;
	}
	if (c->nscore > 0)
		c->mean = sum / c->nscore;
	c->shown = c->n >= w->T;
	return 1;
}

/* The roles x arenas table with its totals. */
static int role_arena(struct arena *a, const struct work *w, struct stats_profile *out)
{
	const struct stats_design *d = w->d;
	size_t cap = ((size_t)d->ndim + 1) * ((size_t)d->narena + 1);
	struct stats_cell c;

	out->cells = arena_calloc(a, cap, sizeof *out->cells);
	out->roles = arena_calloc(a, (size_t)d->ndim + 1, sizeof *out->roles);
	out->arenas = arena_calloc(a, (size_t)d->narena + 1, sizeof *out->arenas);
	if (out->cells == NULL || out->roles == NULL || out->arenas == NULL)
		return AZ_ENOMEM;
	for (int dim = 0; dim < d->ndim; dim++) {
		if (d->dims[dim].kind != STATS_ROLE)
			continue;
		for (int ar = 0; ar < d->narena; ar++)
			if (pool_cell(w, dim, ar, &c))
				out->cells[out->ncell++] = c;
		if (pool_cell(w, dim, -1, &c))
			out->roles[out->nrole++] = c;
	}
	for (int ar = 0; ar < d->narena; ar++)
		if (pool_cell(w, -1, ar, &c))
			out->arenas[out->narena++] = c;
	/* Cells of a role whose items are hidden are hidden too; and then the
	 * arena totals, which would give the hidden cells by subtraction. */
	for (int k = 0; k < out->ncell; k++)
		if (out->dims[out->cells[k].dim].items_hidden) {
			out->cells[k].shown = 0;
			for (int x = 0; x < out->narena; x++)
				out->arenas[x].shown = 0;
		}
	for (int k = 0; k < out->nrole; k++)
		if (out->dims[out->roles[k].dim].items_hidden)
			out->roles[k].shown = 0;
	return AZ_OK;
}

/* Allocate the per-rater and per-group working memory. */
static int work_init(struct arena *a, struct work *w, const struct stats_design *d,
		     const struct stats_round *r, int threshold)
{
	size_t nr = (size_t)r->nrater + 1, ng = (size_t)d->ngroup + 1;

	memset(w, 0, sizeof *w);
	w->d = d;
	w->r = r;
	w->T = threshold > ANON_MIN_THRESHOLD ? threshold : ANON_MIN_THRESHOLD;
	w->self = -1;
	w->items = arena_calloc(a, (size_t)d->nitem + 1, sizeof *w->items);
	w->score = arena_calloc(a, nr, sizeof *w->score);
	w->has = arena_calloc(a, nr, sizeof *w->has);
	w->complete = arena_calloc(a, nr, sizeof *w->complete);
	w->x = arena_calloc(a, nr, sizeof *w->x);
	w->rows = arena_calloc(a, nr, sizeof *w->rows);
	w->gn = arena_calloc(a, ng, sizeof *w->gn);
	w->gthr = arena_calloc(a, ng, sizeof *w->gthr);
	w->ganon = arena_calloc(a, ng, sizeof *w->ganon);
	w->gmerged = arena_calloc(a, ng, sizeof *w->gmerged);
	if (w->items == NULL || w->score == NULL || w->has == NULL || w->complete == NULL ||
	    w->x == NULL || w->rows == NULL || w->gn == NULL || w->gthr == NULL ||
	    w->ganon == NULL || w->gmerged == NULL)
		return AZ_ENOMEM;
	return AZ_OK;
}

int stats_profile(struct arena *a, const struct stats_design *d, const struct stats_round *r,
		  const struct stats_config *cfg, struct stats_profile *out, struct err *e)
{
	struct work w;
	int rc;

	memset(out, 0, sizeof *out);
	if (work_init(a, &w, d, r, cfg->threshold) != AZ_OK)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (int i = 0; i < r->nrater; i++) {
		if (r->group[i] != STATS_SELF && (r->group[i] < 0 || r->group[i] >= d->ngroup))
			return err_set(e, AZ_EINVAL, "rater %d is in no group of the design", i);
		if (r->group[i] == STATS_SELF && w.self >= 0)
			return err_set(e, AZ_EINVAL, "more than one self response");
		if (r->group[i] == STATS_SELF)
			w.self = i;
	}
	out->design = d;
	out->leader = r->leader;
	out->round = r->round;
	out->threshold = w.T;
	out->dims = arena_calloc(a, (size_t)d->ndim + 1, sizeof *out->dims);
	out->items = arena_calloc(a, (size_t)d->nitem + 1, sizeof *out->items);
	if (out->dims == NULL || out->items == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (int dim = 0; dim < d->ndim; dim++)
		if ((rc = dim_profile(a, &w, dim, cfg->blind_spot, &out->dims[dim])) != AZ_OK)
			return err_set(e, rc, "out of memory");
	item_profiles(&w, out);
	hide_partial_items(&w, out);
	if (item_lists(a, d, out) != AZ_OK || role_arena(a, &w, out) != AZ_OK)
		return err_set(e, AZ_ENOMEM, "out of memory");
	return AZ_OK;
}

int stats_trend(struct arena *a, const struct stats_profile *prev, struct stats_profile *cur,
		struct err *e)
{
	const struct stats_design *dc = cur->design, *dp = prev->design;

	cur->trend = arena_calloc(a, (size_t)dc->ndim + 1, sizeof *cur->trend);
	if (cur->trend == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	cur->trend_from = prev->round;
	for (int i = 0; i < dc->ndim; i++) {
		const struct stats_dim_profile *now = &cur->dims[i], *then = NULL;
		struct stats_trend *t = &cur->trend[i];

		for (int j = 0; j < dp->ndim && then == NULL; j++)
			if (strcmp(dp->dims[j].id, dc->dims[i].id) == 0)
				then = &prev->dims[j];
		if (then == NULL)
			continue;
		if (now->has_self && then->has_self) {
			t->has_self = 1;
			t->self = now->self - then->self;
		}
		if (now->has_others && then->has_others) {
			t->has_others = 1;
			t->others = now->others.mean - then->others.mean;
		}
	}
	return AZ_OK;
}

/* Reliability of dimension dim: alpha and ICC. rows, x and size are
 * scratch with room for every rater of every round. */
static void dim_reliability(const struct stats_design *d, const struct stats_round *rounds,
			    int nround, int dim, int T, int *items, const unsigned char **rows,
			    double *x, int *size, struct stats_reliability *out)
{
	int nitem = dim_items(d, dim, items), nrow = 0, nx = 0, ng = 0;

	memset(out, 0, sizeof *out);
	for (int k = 0; k < nround; k++) {
		const struct stats_round *r = &rounds[k];
		int here = 0;
		for (int i = 0; i < r->nrater; i++) {
			const unsigned char *row = r->score + (size_t)i * (size_t)d->nitem;
			int all = nitem > 0;
			if (r->group[i] == STATS_SELF)
				continue;
			for (int j = 0; j < nitem && all; j++)
				all = row[items[j]] > 0;
			if (all)
				rows[nrow++] = row;
			if (stats_rater_score(row, items, nitem, &x[nx])) {
				nx++;
				here++;
			}
		}
		if (here > 0)
			size[ng++] = here;
	}
	out->n_alpha = nrow;
	if (nrow >= T)
		out->has_alpha = stats_alpha(rows, nrow, items, nitem, &out->alpha);
	stats_icc(x, size, ng, &out->icc);
	if (out->icc.n < T)
		out->icc.has_icc1 = out->icc.has_icc1k = 0;
}

int stats_reliability(struct arena *a, const struct stats_design *d, const struct stats_round *rounds,
		      int nround, int threshold, struct stats_reliability **out, struct err *e)
{
	size_t nr = 1;
	int T = threshold > ANON_MIN_THRESHOLD ? threshold : ANON_MIN_THRESHOLD;
	int *items, *size;
	const unsigned char **rows;
	double *x;

	for (int k = 0; k < nround; k++) {
		if (nr > (size_t)-1 / 2 - (size_t)rounds[k].nrater)
			return err_set(e, AZ_ENOMEM, "too many raters");
		nr += (size_t)rounds[k].nrater;
	}
	*out = arena_calloc(a, (size_t)d->ndim + 1, sizeof **out);
	items = arena_calloc(a, (size_t)d->nitem + 1, sizeof *items);
	size = arena_calloc(a, (size_t)nround + 1, sizeof *size);
	rows = arena_calloc(a, nr, sizeof *rows);
	x = arena_calloc(a, nr, sizeof *x);
	if (*out == NULL || items == NULL || size == NULL || rows == NULL || x == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (int dim = 0; dim < d->ndim; dim++)
		dim_reliability(d, rounds, nround, dim, T, items, rows, x, size, &(*out)[dim]);
	return AZ_OK;
}
