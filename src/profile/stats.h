/* stats.h — the figures of a presence profile (docs/statistics.md).
 *
 * Pure code over arrays: no I/O, no SQL, no JSON. Everything a function
 * returns is allocated in the caller's arena and lives as long as it.
 *
 * The model. A design is what an instrument says about the figures:
 * dimensions (with their number of answer options A and their kind), items
 * (each in one dimension, optionally in one arena) and rater groups (with
 * their threshold and whether they are anonymous). A round is one
 * leader-round: nrater raters, each in a group of the design or the leader
 * (STATS_SELF), and a score matrix nrater x nitem with 1..A for an answer
 * and 0 for "kan ik niet beoordelen" or no answer.
 *
 *     struct stats_profile p;
 *     struct stats_config cfg = {3, 0.5};
 *     if (stats_profile(a, &design, &round, &cfg, &p, &e) != AZ_OK) ...;
 *     if (p.dims[0].has_others) printf("%g\n", p.dims[0].others.mean);
 *
 * Anonymity is decided here, per dimension (see stats_profile()); what a
 * profile does not mark as shown must not be shown.
 */
#ifndef AZ_STATS_H
#define AZ_STATS_H

#include "../util/arena.h"
#include "../util/err.h"

#define STATS_SELF (-1)         /* the group of the leader's own response */
#define STATS_OVERIG "overig"   /* the name of the merged small groups */
#define STATS_TOP 5             /* items in each "highest/lowest/gaps" list */
#define STATS_GAP_EPS 1e-9      /* tolerance when a gap is compared with the setting */

enum stats_kind { STATS_THEME, STATS_ROLE, STATS_COMPETENCE };
enum stats_flag { STATS_FLAG_NONE, STATS_FLAG_BLIND_SPOT, STATS_FLAG_HIDDEN_STRENGTH };

/* A dimension: what a group of items measures. */
struct stats_dim {
	const char *id;
	int kind;              /* enum stats_kind; only roles make the roles x arenas table */
	int noption;           /* A: answer options 1..A (5 on our scales) */
};

/* An item: one question, in one dimension, maybe in one arena. */
struct stats_item {
	const char *id;
	int dim;               /* index into the design's dims */
	int arena;             /* index into the design's arenas, -1 for none */
};

/* A rater group other than the leader's own. */
struct stats_group {
	const char *id;
	int threshold;         /* the fewest raters whose figures may be shown */
	int anonymous;         /* 0: the raters were told their group is shown as it is */
};

/* What the statistics need to know of an instrument. All borrowed. */
struct stats_design {
	const struct stats_dim *dims;      int ndim;
	const struct stats_item *items;    int nitem;
	const char *const *arenas;         int narena;
	const struct stats_group *groups;  int ngroup;
};

/* One leader-round's answers. All borrowed. */
struct stats_round {
	const char *leader, *round;
	int nrater;
	const int *group;             /* per rater: index into groups, or STATS_SELF */
	const unsigned char *score;   /* nrater rows of design nitem scores; 0 = no answer */
};

/* Settings of a profile. */
struct stats_config {
	int threshold;         /* fewest raters behind any anonymous figure; below 3 counts as 3 */
	double blind_spot;     /* |gap| at which a gap is flagged (0.5) */
};

/* One figure: the rater dimension scores of a set of raters. */
struct stats_figure {
	int n;                 /* raters behind the figure */
	double mean;           /* mean of their scores */
	int has_sd;            /* 0 when n < 2 */
	double sd;             /* sample SD (n - 1) */
	int has_rwg;           /* 0 with fewer than max(2, threshold) raters listwise */
	double rwg;            /* rwg(j) over the raters who answered every item */
	int n_rwg;             /* raters who answered every item of the dimension */
};

/* A group figure that may be shown. */
struct stats_group_figure {
	const char *group;     /* the group's id, or STATS_OVERIG */
	int overig;            /* 1 for the merged small groups */
	struct stats_figure f;
};

/* The figures of one dimension for one leader-round. */
struct stats_dim_profile {
	int has_self;          /* 0: the leader answered fewer than half of the items */
	double self;
	int has_others;        /* 0: fewer non-self raters with a score than the threshold */
	struct stats_figure others;
	int has_gap;           /* has_self && has_others */
	double gap;            /* self - others.mean */
	int flag;              /* enum stats_flag; NONE without a gap */
	struct stats_group_figure *groups;  /* shown figures only: groups in design order, overig last */
	int ngroup;
	int items_hidden;      /* 1..T-1 raters answered only part of the items: the item
				  figures of this dimension (and its roles x arenas cells)
				  are not shown, so that the dimension figure minus the
				  item figures does not describe those few raters */
};

/* The figures of one item for one leader-round. */
struct stats_item_profile {
	int self;              /* the leader's score, 0 when not answered */
	int has_others;        /* 0: fewer non-self raters answered than the threshold */
	int n;                 /* non-self raters who answered (set even when not shown) */
	double mean;           /* their mean score */
	int has_gap;           /* self > 0 && has_others */
	double gap;            /* self - mean */
};

/* One cell or total of the roles x arenas table: the non-self raters'
 * item scores pooled over the items in it. */
struct stats_cell {
	int dim;               /* a role dimension, or -1 for an arena total */
	int arena;             /* an arena, or -1 for a role total */
	int nitem;             /* items in the cell (>= 1) */
	int shown;             /* n >= threshold */
	int n;                 /* non-self raters with at least one score in the cell */
	int nscore;            /* scores pooled */
	double mean;           /* their mean; meaningful only when shown */
};

/* The change of one dimension since an earlier profile. */
struct stats_trend {
	int has_self;          /* both profiles have a self score */
	double self;           /* now - then */
	int has_others;        /* both profiles show others */
	double others;         /* now - then, of the others' mean */
};

/* Everything about one leader-round. */
struct stats_profile {
	const struct stats_design *design;
	const char *leader, *round;        /* borrowed from the round */
	int threshold;                     /* the effective threshold (>= 3) */
	struct stats_dim_profile *dims;    /* design->ndim */
	struct stats_item_profile *items;  /* design->nitem */
	int highest[STATS_TOP], nhighest;  /* shown items by others' mean, highest first */
	int lowest[STATS_TOP], nlowest;    /* lowest first */
	int gaps[STATS_TOP], ngaps;        /* items by |gap|, largest first */
	struct stats_cell *cells;   int ncell;    /* roles x arenas, role by role */
	struct stats_cell *roles;   int nrole;    /* per role, over its arena items */
	struct stats_cell *arenas;  int narena;   /* per arena, over its role items */
	const char *trend_from;            /* round of the earlier profile, NULL for none */
	struct stats_trend *trend;         /* design->ndim, or NULL */
};

/* Reliability of one dimension over many leader-rounds. */
struct stats_icc {
	int n;                 /* rater scores (N) */
	int g;                 /* leader-rounds with at least one score (G) */
	double msb, msw, k0;   /* valid when has_anova */
	int has_anova;         /* G >= 2 and N > G */
	int has_icc1;
	double icc1;           /* (MSB - MSW) / (MSB + (k0 - 1) MSW) */
	int has_icc1k;
	double icc1k;          /* (MSB - MSW) / MSB */
};

struct stats_reliability {
	int n_alpha;           /* non-self responses with every item of the dimension answered */
	int has_alpha;
	double alpha;          /* Cronbach's alpha over those responses */
	struct stats_icc icc;
};

/* A leader-round left out of an analysis, and why. */
struct stats_skip {
	const char *leader, *round, *reason;
};

/* A whole analysis, as the renderers take it. */
struct stats_analysis {
	struct stats_config cfg;
	const struct stats_design *design;
	struct stats_profile *profiles;  int nprofile;
	struct stats_reliability *reliability;   /* design->ndim */
	struct stats_skip *skipped;      int nskipped;
};

/* ---- The formulas, one by one ---- */

/* A rater's dimension score over items[0..nitem) of row: the mean of the
 * answered (non-zero) scores, when at least half of the items are answered
 * (answered * 2 >= nitem: 2 of 3, 2 of 4, 1 of 1). Returns 1 with *score,
 * or 0 when the rater does not count (also when nitem is 0). */
int stats_rater_score(const unsigned char *row, const int *items, int nitem, double *score);

/* Set f->n, f->mean and f->sd (has_sd when n >= 2) from x[0..n); leaves
 * the rwg fields alone. n may be 0 (mean 0). */
void stats_describe(const double *x, int n, struct stats_figure *f);

/* rwg(j) of rows[0..nrow) over items[0..nitem) with noption answer
 * options; every row must have every item answered. With s the mean of the
 * items' sample variances and E = (A*A - 1) / 12: 0 when s >= E, else
 * J(1 - s/E) / (J(1 - s/E) + s/E). Returns 1 with *rwg, or 0 when it
 * can't be computed (nrow < 2, nitem < 1, noption < 2). */
int stats_rwg(const unsigned char *const *rows, int nrow, const int *items, int nitem, int noption,
	      double *rwg);

/* Cronbach's alpha of rows[0..nrow) over items[0..nitem), every item
 * answered in every row: k/(k-1) * (1 - sum of item variances / variance
 * of the row sums). Returns 1 with *alpha, or 0 when it can't be computed
 * (k < 2, nrow < 2, the row sums do not vary). */
int stats_alpha(const unsigned char *const *rows, int nrow, const int *items, int nitem,
		double *alpha);

/* The one-way ANOVA ICCs of x, given as ngroup consecutive clusters of
 * size[0..ngroup) values (every size >= 1). Fills *out; see struct
 * stats_icc for when each figure exists. k0 = (N - sum n_g^2 / N) / (G - 1). */
void stats_icc(const double *x, const int *size, int ngroup, struct stats_icc *out);

/* ---- Profiles ---- */

/* Compute the profile of round r under design d into *out (allocated in
 * a). Per dimension:
 *  - each rater's dimension score (stats_rater_score);
 *  - self: the STATS_SELF rater's score (AZ_EINVAL when r has two);
 *  - others: all non-self raters with a score, shown when there are at
 *    least T = max(3, cfg->threshold) of them;
 *  - groups: anon_merge() on the number of raters *with a score* in each
 *    group. An anonymous group's threshold counts as max(its own, T); a
 *    non-anonymous group is shown as it is once it reaches its own
 *    threshold and is treated as anonymous below it. Groups that merge
 *    are shown as one figure "overig"; a shown group whose id is
 *    "overig" joins it. When anon_merge returns -1, or others are not
 *    shown, no group is shown;
 *  - rwg of a figure only with at least max(2, its threshold) raters who
 *    answered every item;
 *  - gap and flag (gap >= blind_spot - STATS_GAP_EPS: blind spot, gap <=
 *    -(blind_spot - STATS_GAP_EPS): hidden strength).
 * Items: others' n and mean (shown from T raters), the self score and gap;
 * highest/lowest/gaps lists (ties by item order). Roles x arenas: see
 * struct stats_cell. Returns AZ_OK, AZ_EINVAL or AZ_ENOMEM. */
int stats_profile(struct arena *a, const struct stats_design *d, const struct stats_round *r,
		  const struct stats_config *cfg, struct stats_profile *out, struct err *e);

/* Set cur->trend (allocated in a) and cur->trend_from from an earlier
 * profile prev of the same leader: per dimension of cur, the dimension of
 * prev with the same id (none: no change is given). Returns AZ_OK or
 * AZ_ENOMEM. */
int stats_trend(struct arena *a, const struct stats_profile *prev, struct stats_profile *cur,
		struct err *e);

/* Reliability of each dimension of d over the non-self raters of
 * rounds[0..nround) into *out (d->ndim entries, allocated in a). alpha
 * over raters with every item of the dimension answered (listwise), shown
 * only when n_alpha >= max(3, threshold); ICC over rater dimension scores
 * with leader-rounds as clusters, shown only when N >= max(3, threshold). */
int stats_reliability(struct arena *a, const struct stats_design *d, const struct stats_round *rounds,
		      int nround, int threshold, struct stats_reliability **out, struct err *e);

/* "blind_spot", "hidden_strength" or NULL. */
const char *stats_flag_name(int flag);

#endif
