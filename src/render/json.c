/* json.c — see json.h. The JSON is built as a jansson tree and dumped
 * once; any allocation failure along the way is remembered in struct jw
 * (sticky, like struct buf) and reported at the end. */
#include "json.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* A sticky failure flag for building a tree. */
struct jw {
	int failed;
};

/* o[k] = v, taking v; a NULL o or v (a failed allocation) sets w->failed. */
static void jset(struct jw *w, json_t *o, const char *k, json_t *v)
{
	if (o == NULL || v == NULL) {
		json_decref(v);
		w->failed = 1;
		return;
	}
	if (json_object_set_new(o, k, v) != 0)
		w->failed = 1;
}

/* Append v (taken) to array arr; failures as in jset. */
static void jpush(struct jw *w, json_t *arr, json_t *v)
{
	if (arr == NULL || v == NULL) {
		json_decref(v);
		w->failed = 1;
		return;
	}
	if (json_array_append_new(arr, v) != 0)
		w->failed = 1;
}

/* A number when has and finite, else null. */
static json_t *jnum(int has, double v)
{
	return has && isfinite(v) ? json_real(v) : json_null();
}

/* A string, or null for NULL. */
static json_t *jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* {"n", "mean", "sd", "rwg"} of a figure, with the group's name first
 * when group is not NULL. */
static json_t *figure_json(struct jw *w, const char *group, const struct stats_figure *f)
{
	json_t *o = json_object();

	if (group != NULL)
		jset(w, o, "group", json_string(group));
	jset(w, o, "n", json_integer(f->n));
	jset(w, o, "mean", jnum(1, f->mean));
	jset(w, o, "sd", jnum(f->has_sd, f->sd));
	jset(w, o, "rwg", jnum(f->has_rwg, f->rwg));
	return o;
}

/* The JSON name of a dimension kind (enum stats_kind). */
static const char *kind_name(int kind)
{
	return kind == STATS_ROLE ? "role" : kind == STATS_COMPETENCE ? "competence" : "theme";
}

/* One entry of "dimensions". */
static json_t *dim_json(struct jw *w, const struct stats_design *d, int i,
			const struct stats_dim_profile *p)
{
	json_t *o = json_object(), *groups = json_array();

	jset(w, o, "dimension", json_string(d->dims[i].id));
	jset(w, o, "kind", json_string(kind_name(d->dims[i].kind)));
	jset(w, o, "self", jnum(p->has_self, p->self));
	if (p->has_others)
		jset(w, o, "others", figure_json(w, NULL, &p->others));
	jset(w, o, "gap", jnum(p->has_gap, p->gap));
	jset(w, o, "flag", jstr(stats_flag_name(p->flag)));
	if (p->items_hidden)
		jset(w, o, "items_hidden", json_true());
	for (int g = 0; g < p->ngroup; g++)
		jpush(w, groups, figure_json(w, p->groups[g].group, &p->groups[g].f));
	jset(w, o, "groups", groups);
	return o;
}

/* "items" and the three item lists of a profile, set on po. */
static void items_json(struct jw *w, const struct stats_profile *p, json_t *po)
{
	const struct stats_design *d = p->design;
	json_t *items = json_array(), *hi = json_array(), *lo = json_array(), *gaps = json_array();

	for (int i = 0; i < d->nitem; i++) {
		const struct stats_item_profile *it = &p->items[i];
		json_t *o = json_object();
		jset(w, o, "item", json_string(d->items[i].id));
		jset(w, o, "dimension", json_string(d->dims[d->items[i].dim].id));
		jset(w, o, "arena", jstr(d->items[i].arena >= 0 ? d->arenas[d->items[i].arena] : NULL));
		jset(w, o, "self", it->self > 0 ? json_integer(it->self) : json_null());
		if (it->has_others) {
			json_t *others = json_object();
			jset(w, others, "n", json_integer(it->n));
			jset(w, others, "mean", jnum(1, it->mean));
			jset(w, o, "others", others);
		}
		jset(w, o, "gap", jnum(it->has_gap, it->gap));
		jpush(w, items, o);
	}
	for (int k = 0; k < p->nhighest; k++)
		jpush(w, hi, json_pack("{s:s, s:f}", "item", d->items[p->highest[k]].id,
				       "mean", p->items[p->highest[k]].mean));
	for (int k = 0; k < p->nlowest; k++)
		jpush(w, lo, json_pack("{s:s, s:f}", "item", d->items[p->lowest[k]].id,
				       "mean", p->items[p->lowest[k]].mean));
	for (int k = 0; k < p->ngaps; k++)
		jpush(w, gaps, json_pack("{s:s, s:f}", "item", d->items[p->gaps[k]].id,
					 "gap", p->items[p->gaps[k]].gap));
	jset(w, po, "items", items);
	jset(w, po, "items_highest", hi);
	jset(w, po, "items_lowest", lo);
	jset(w, po, "items_gaps", gaps);
}

/* One cell or total of the roles x arenas table: its role and/or arena,
 * and n, n_scores and mean only when shown. */
static json_t *cell_json(struct jw *w, const struct stats_design *d, const struct stats_cell *c)
{
	json_t *o = json_object();

	if (c->dim >= 0)
		jset(w, o, "role", json_string(d->dims[c->dim].id));
	if (c->arena >= 0)
		jset(w, o, "arena", json_string(d->arenas[c->arena]));
	if (c->shown) {
		jset(w, o, "n", json_integer(c->n));
		jset(w, o, "n_scores", json_integer(c->nscore));
		jset(w, o, "mean", jnum(1, c->mean));
	}
	return o;
}

/* "roles_arenas": {"cells": [...], "roles": [...], "arenas": [...]}. */
static json_t *roles_arenas_json(struct jw *w, const struct stats_profile *p)
{
	json_t *o = json_object(), *cells = json_array(), *roles = json_array(), *arenas = json_array();

	for (int k = 0; k < p->ncell; k++)
		jpush(w, cells, cell_json(w, p->design, &p->cells[k]));
	for (int k = 0; k < p->nrole; k++)
		jpush(w, roles, cell_json(w, p->design, &p->roles[k]));
	for (int k = 0; k < p->narena; k++)
		jpush(w, arenas, cell_json(w, p->design, &p->arenas[k]));
	jset(w, o, "cells", cells);
	jset(w, o, "roles", roles);
	jset(w, o, "arenas", arenas);
	return o;
}

/* "trend": {"from_round", "dimensions": [{"dimension", "self", "others"}]}. */
static json_t *trend_json(struct jw *w, const struct stats_profile *p)
{
	json_t *o = json_object(), *dims = json_array();

	jset(w, o, "from_round", json_string(p->trend_from));
	for (int i = 0; i < p->design->ndim; i++) {
		json_t *t = json_object();
		jset(w, t, "dimension", json_string(p->design->dims[i].id));
		jset(w, t, "self", jnum(p->trend[i].has_self, p->trend[i].self));
		jset(w, t, "others", jnum(p->trend[i].has_others, p->trend[i].others));
		jpush(w, dims, t);
	}
	jset(w, o, "dimensions", dims);
	return o;
}

/* One entry of "profiles". */
static json_t *profile_json(struct jw *w, const struct stats_profile *p)
{
	json_t *o = json_object(), *dims = json_array();

	jset(w, o, "leader", json_string(p->leader));
	jset(w, o, "round", json_string(p->round));
	for (int i = 0; i < p->design->ndim; i++)
		jpush(w, dims, dim_json(w, p->design, i, &p->dims[i]));
	jset(w, o, "dimensions", dims);
	items_json(w, p, o);
	jset(w, o, "roles_arenas", roles_arenas_json(w, p));
	if (p->trend != NULL)
		jset(w, o, "trend", trend_json(w, p));
	return o;
}

/* "reliability": one entry per dimension (none when the analysis has no
 * reliability figures). */
static json_t *reliability_json(struct jw *w, const struct stats_analysis *an)
{
	json_t *arr = json_array();

	for (int i = 0; an->reliability != NULL && i < an->design->ndim; i++) {
		const struct stats_reliability *r = &an->reliability[i];
		json_t *o = json_object();
		jset(w, o, "dimension", json_string(an->design->dims[i].id));
		jset(w, o, "alpha", jnum(r->has_alpha, r->alpha));
		jset(w, o, "n_alpha", json_integer(r->n_alpha));
		jset(w, o, "icc1", jnum(r->icc.has_icc1, r->icc.icc1));
		jset(w, o, "icc1k", jnum(r->icc.has_icc1k, r->icc.icc1k));
		jset(w, o, "n_icc", json_integer(r->icc.n));
		jset(w, o, "groups_icc", json_integer(r->icc.g));
		jpush(w, arr, o);
	}
	return arr;
}

#define JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(17) | JSON_ESCAPE_SLASH | JSON_ENCODE_ANY)

/* Dump v (taken) into out, every line after the first indented by indent
 * spaces; JSON strings hold no raw line breaks, so this only moves the
 * layout. Returns 0, or -1 when v is NULL or out of memory. */
static int dump_indented(struct buf *out, json_t *v, int indent)
{
	char *text = v ? json_dumps(v, JSON_FLAGS) : NULL;

	json_decref(v);
	if (text == NULL)
		return -1;
	for (const char *p = text, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			buf_puts(out, p);
			break;
		}
		buf_append(out, p, (size_t)(nl - p) + 1);
		for (int k = 0; k < indent; k++)
			buf_putc(out, ' ');
	}
	free(text);
	return 0;
}

/* The document is written piece by piece, one profile at a time, so that
 * a million answers never make a tree of every figure at once. */
int render_json_analysis(const struct stats_analysis *an, struct buf *out, struct err *e)
{
	struct jw w = {0};
	json_t *skipped = json_array();
	int bad = 0;

	buf_printf(out, "{\n  \"threshold\": %d,\n  \"blind_spot\": ", an->cfg.threshold);
	bad |= dump_indented(out, jnum(1, an->cfg.blind_spot), 2);
	buf_puts(out, ",\n  \"profiles\": [");
	for (int k = 0; k < an->nprofile && !bad; k++) {
		json_t *pj = profile_json(&w, &an->profiles[k]);
		buf_puts(out, k == 0 ? "\n    " : ",\n    ");
		bad |= w.failed || dump_indented(out, pj, 4);
	}
	buf_puts(out, an->nprofile > 0 ? "\n  ],\n  \"skipped\": " : "],\n  \"skipped\": ");
	for (int k = 0; k < an->nskipped; k++)
		jpush(&w, skipped, json_pack("{s:s, s:s, s:s}", "leader", an->skipped[k].leader,
					     "round", an->skipped[k].round,
					     "reason", an->skipped[k].reason));
	bad |= w.failed || dump_indented(out, skipped, 2);
	buf_puts(out, ",\n  \"reliability\": ");
	bad |= dump_indented(out, reliability_json(&w, an), 2) || w.failed;
	buf_puts(out, "\n}\n");
	if (bad || out->failed)
		return err_set(e, AZ_ENOMEM, "out of memory while writing JSON");
	return AZ_OK;
}

/* One CSV row: the key cells, then n (-1: empty), mean, sd, rwg, gap
 * (NAN: empty) and flag (NULL: empty). */
static void csv_row(struct buf *b, const struct stats_profile *p, const char *dim,
		    const char *figure, const char *group, long long n, double mean, double sd,
		    double rwg, double gap, const char *flag)
{
	csv_cell(b, p->leader, 1);
	csv_cell(b, p->round, 0);
	csv_cell(b, dim, 0);
	csv_cell(b, figure, 0);
	csv_cell(b, group, 0);
	csv_int(b, n, 0);
	csv_double(b, mean, 0);
	csv_double(b, sd, 0);
	csv_double(b, rwg, 0);
	csv_double(b, gap, 0);
	csv_cell(b, flag, 0);
	csv_end(b);
}

/* The figure's value, or NAN (an empty cell) when absent. */
static double or_nan(int has, double v)
{
	return has ? v : NAN;
}

void render_csv_analysis(const struct stats_analysis *an, struct buf *out)
{
	buf_puts(out, "leader,round,dimension,figure,group,n,mean,sd,rwg,gap,flag\r\n");
	for (int k = 0; k < an->nprofile; k++) {
		const struct stats_profile *p = &an->profiles[k];
		for (int i = 0; i < p->design->ndim; i++) {
			const struct stats_dim_profile *dp = &p->dims[i];
			const char *dim = p->design->dims[i].id;
			if (dp->has_self)
				csv_row(out, p, dim, "self", NULL, 1, dp->self, NAN, NAN, NAN, NULL);
			if (dp->has_others)
				csv_row(out, p, dim, "others", NULL, dp->others.n, dp->others.mean,
					or_nan(dp->others.has_sd, dp->others.sd),
					or_nan(dp->others.has_rwg, dp->others.rwg),
					or_nan(dp->has_gap, dp->gap), stats_flag_name(dp->flag));
			for (int g = 0; g < dp->ngroup; g++) {
				const struct stats_figure *f = &dp->groups[g].f;
				csv_row(out, p, dim, "group", dp->groups[g].group, f->n, f->mean,
					or_nan(f->has_sd, f->sd), or_nan(f->has_rwg, f->rwg), NAN, NULL);
			}
		}
	}
}
