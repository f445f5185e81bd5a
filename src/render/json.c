/* json.c — see json.h. The JSON is written straight into the caller's
 * struct buf by a small streaming writer (struct jw) in the layout that
 * jansson's JSON_INDENT(2) gave before: two-space indent, "key": value,
 * empty containers as {} and []. No tree is built, so a million answers
 * cost no memory beyond the text itself; struct buf's sticky error is the
 * one failure to check at the end. */
#include "json.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* ---- Scalars --------------------------------------------------------- */

/* Up to 128-bit unsigned arithmetic for exact decimal scaling. GCC and
 * Clang have it on every 64-bit target we build for. */
__extension__ typedef unsigned __int128 json_u128;

/* The digits of r (at most 20) into out, no terminator; returns their count. */
static size_t json_utoa(char *out, uint64_t r)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + r % 10);
		r /= 10;
	} while (r != 0);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* 10^0 .. 10^19. */
static const uint64_t json_pow10[20] = {
	UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
	UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
	UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
	UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
	UINT64_C(1000000000000000), UINT64_C(10000000000000000),
	UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
	UINT64_C(10000000000000000000)};

/* 10^d for 0 <= d <= 20. */
static json_u128 json_pow10_128(int d)
{
	return d <= 19 ? (json_u128)json_pow10[d] : (json_u128)json_pow10[19] * 10;
}

/* r, a decimal with d fraction digits (and none of them a trailing zero),
 * into out in fixed notation: "12.5", "0.0625", "3.0". Returns the length. */
static size_t json_fixed(char *out, uint64_t r, int d)
{
	char dig[24];
	size_t n = json_utoa(dig, r), len = 0, nd = (size_t)d;

	if (nd == 0) {
		memcpy(out, dig, n);
		memcpy(out + n, ".0", 2);
		return n + 2;
	}
	if (n > nd) {
		memcpy(out, dig, n - nd);
		len = n - nd;
		out[len++] = '.';
		memcpy(out + len, dig + n - nd, nd);
		return len + nd;
	}
	out[len++] = '0';
	out[len++] = '.';
	for (size_t z = n; z < nd; z++)
		out[len++] = '0';
	memcpy(out + len, dig, n);
	return len + n;
}

/* The shortest decimal of v (positive, 1e-4 <= v < 1e15) that reads back
 * as v, in fixed notation, into out; returns its length, or 0 when the
 * exact search gives up (the caller falls back to printf).
 *
 * v = m * 2^e exactly, with e < 0 in this range. Every decimal inside
 * (v - half the gap to the double below, v + half the gap above) reads
 * back as v, and so do the two ends when m is even (strtod rounds ties to
 * even). With d fraction digits, the candidates are the integers r with
 * r / 10^d in that interval; computed exactly in 128-bit arithmetic
 * (everything times 2^(2-e)) at the d that gives 17 significant digits,
 * where there always is one, they are [rlo, rhi]. Dropping a digit keeps
 * the r that are multiples of 10, so [ceil(rlo/10), floor(rhi/10)], until
 * that is empty; of the last candidates the one nearest to v is taken. */
static size_t json_dtoa_fixed(char *out, double v)
{
	uint64_t bits, m, rlo, rhi;
	int be, k, d, ex = -4;
	json_u128 v4, lo, hi, r, mask;

	memcpy(&bits, &v, sizeof bits);
	be = (int)((bits >> 52) & 0x7ff);
	m = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
	k = 1075 - be + 2;                     /* v = 4m / 2^k */
	if (be == 0 || k < 3 || k > 100)
		return 0;
	/* 10^ex <= v < 10^(ex+1); off by one at the very edge only changes
	 * the digits to start from (one more is fine; one fewer may find no
	 * candidate, and then printf does it). */
	while (ex < 14 && v >= (double)json_pow10[ex + 5] / 1e4)
		ex++;
	d = 16 - ex;                           /* 17 significant digits */
	if (d < 0 || d > 20)
		return 0;
	v4 = (json_u128)m << 2;
	mask = ((json_u128)1 << k) - 1;
	/* Just above a power of two the gap below is half the gap above. */
	lo = (v4 - (m == (UINT64_C(1) << 52) && be > 1 ? 1 : 2)) * json_pow10_128(d);
	hi = (v4 + 2) * json_pow10_128(d);
	{
		int odd = (int)(m & 1);
		json_u128 l = (lo >> k) + (((lo & mask) != 0) || odd);
		json_u128 h = hi >> k;
		if (((hi & mask) == 0) && odd) {
			if (h == 0)
				return 0;
			h--;
		}
		if (l > h || h >= (json_u128)json_pow10[19])
			return 0;
		rlo = (uint64_t)l;
		rhi = (uint64_t)h;
	}
	while (d > 0) {
		uint64_t nlo = rlo / 10 + (rlo % 10 != 0), nhi = rhi / 10;
		if (nlo > nhi)
			break;
		rlo = nlo;
		rhi = nhi;
		d--;
	}
	r = (v4 * json_pow10_128(d) + ((json_u128)1 << (k - 1))) >> k;
	if (r < rlo)
		r = rlo;
	if (r > rhi)
		r = rhi;
	return json_fixed(out, (uint64_t)r, d);
}

/* The slow path of render_json_double(): the fewest significant digits
 * (at most 17) that read back as v, written as jansson wrote reals (a ".0" when
 * printf gives neither '.' nor 'e'; no '+' and no leading zeros in the
 * exponent). */
static size_t json_dtoa_printf(char *out, double v)
{
	char tmp[40];
	int n = 0;
	char *e;

	/* 15 digits always survive a trip through a normal double, so %.15g
	 * is the shortest when it reads back; subnormals may need fewer. */
	for (int prec = v < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (n < 0 || (size_t)n >= sizeof tmp)
			return (size_t)snprintf(out, JSON_DOUBLE_MAX, "null");
		if (strtod(tmp, NULL) == v)
			break;
	}
	if (strchr(tmp, '.') == NULL && strchr(tmp, 'e') == NULL)
		memcpy(tmp + n, ".0", 3), n += 2;
	if ((e = strchr(tmp, 'e')) != NULL) {
		char *from = e + 1, *to = e + 1;
		if (*from == '+')
			from++;
		else if (*from == '-')
			from++, to++;
		while (*from == '0' && from[1] != '\0')
			from++;
		memmove(to, from, strlen(from) + 1);
		n = (int)strlen(tmp);
	}
	memcpy(out, tmp, (size_t)n + 1);
	return (size_t)n;
}

size_t render_json_double(char *out, double v)
{
	size_t n = 0, k;

	if (!isfinite(v)) {
		memcpy(out, "null", 5);
		return 4;
	}
	if (signbit(v)) {
		out[n++] = '-';
		v = -v;
	}
	if (v == 0) {
		memcpy(out + n, "0.0", 4);
		return n + 3;
	}
	if (v >= 1e-4 && v < 1e15 && (k = json_dtoa_fixed(out + n, v)) > 0) {
		out[n + k] = '\0';
		return n + k;
	}
	return n + json_dtoa_printf(out + n, v);
}

void render_json_string(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *run = s;

	buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		size_t n = 2;
		if (c >= 0x20 && c != '"' && c != '\\' && c != '/')
			continue;
		buf_append(b, run, (size_t)(s - run));
		run = s + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '/': esc[1] = '/'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		buf_append(b, esc, n);
	}
	buf_append(b, run, (size_t)(s - run));
	buf_putc(b, '"');
}

/* ---- The writer ------------------------------------------------------ */

#define JW_MAXDEPTH 15   /* the analysis nests 7 deep */

/* A streaming writer into b: how many containers are open, and per open
 * container whether it has an element yet (for the comma, and so that an
 * empty one is written {} or []). */
struct jw {
	struct buf *b;
	int depth;
	unsigned char nonempty[JW_MAXDEPTH + 1];
};

/* A line break and the indent of the current depth (2 spaces a level). */
static void jw_newline(struct jw *w)
{
	static const char spaces[] = "\n                                ";
	size_t n = 1 + 2 * (size_t)w->depth;

	buf_append(w->b, spaces, n < sizeof spaces - 1 ? n : sizeof spaces - 1);
}

/* Start an element of the open container: a comma after the previous
 * one, then a new line. Nothing at the top level. */
static void jw_elem(struct jw *w)
{
	if (w->depth == 0)
		return;
	if (w->nonempty[w->depth])
		buf_putc(w->b, ',');
	w->nonempty[w->depth] = 1;
	jw_newline(w);
}

/* Open '{' or '['; the element itself was started by the caller. */
static void jw_open(struct jw *w, char c)
{
	assert(w->depth < JW_MAXDEPTH);
	buf_putc(w->b, c);
	if (w->depth < JW_MAXDEPTH)
		w->nonempty[++w->depth] = 0;
}

/* Close the innermost container with c ('}' or ']'). */
static void jw_close(struct jw *w, char c)
{
	int had = w->nonempty[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had)
		jw_newline(w);
	buf_putc(w->b, c);
}

/* Start the member key of the open object: "key": . */
static void jw_key(struct jw *w, const char *key)
{
	jw_elem(w);
	render_json_string(w->b, key);
	buf_append(w->b, ": ", 2);
}

/* A number when has (and finite), else null. */
static void jw_num(struct jw *w, int has, double v)
{
	char t[JSON_DOUBLE_MAX];

	if (!has)
		buf_append(w->b, "null", 4);
	else
		buf_append(w->b, t, render_json_double(t, v));
}

/* A whole number. */
static void jw_int(struct jw *w, long long v)
{
	char t[24];
	size_t n = 0;

	if (v < 0) {
		t[n++] = '-';
		n += json_utoa(t + n, 0 - (uint64_t)v);
	} else {
		n += json_utoa(t + n, (uint64_t)v);
	}
	buf_append(w->b, t, n);
}

/* A string, or null for NULL. */
static void jw_str(struct jw *w, const char *s)
{
	if (s == NULL)
		buf_append(w->b, "null", 4);
	else
		render_json_string(w->b, s);
}

/* The members "key": value of the three kinds. */
static void jw_key_num(struct jw *w, const char *key, int has, double v)
{
	jw_key(w, key);
	jw_num(w, has, v);
}

static void jw_key_int(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	jw_int(w, v);
}

static void jw_key_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

/* "key": { or "key": [ . */
static void jw_key_open(struct jw *w, const char *key, char c)
{
	jw_key(w, key);
	jw_open(w, c);
}

/* An element { or [ of the open array. */
static void jw_elem_open(struct jw *w, char c)
{
	jw_elem(w);
	jw_open(w, c);
}

/* ---- The analysis ---------------------------------------------------- */

/* {"n", "mean", "sd", "rwg"} of a figure, with the group's name first
 * when group is not NULL; an element of the open array, or the value of
 * a key already written when elem is 0. */
static void figure_json(struct jw *w, int elem, const char *group, const struct stats_figure *f)
{
	if (elem)
		jw_elem(w);
	jw_open(w, '{');
	if (group != NULL)
		jw_key_str(w, "group", group);
	jw_key_int(w, "n", f->n);
	jw_key_num(w, "mean", 1, f->mean);
	jw_key_num(w, "sd", f->has_sd, f->sd);
	jw_key_num(w, "rwg", f->has_rwg, f->rwg);
	jw_close(w, '}');
}

/* The JSON name of a dimension kind (enum stats_kind). */
static const char *kind_name(int kind)
{
	return kind == STATS_ROLE ? "role" : kind == STATS_COMPETENCE ? "competence" : "theme";
}

/* One entry of "dimensions". */
static void dim_json(struct jw *w, const struct stats_design *d, int i,
		     const struct stats_dim_profile *p)
{
	jw_elem_open(w, '{');
	jw_key_str(w, "dimension", d->dims[i].id);
	jw_key_str(w, "kind", kind_name(d->dims[i].kind));
	jw_key_num(w, "self", p->has_self, p->self);
	if (p->has_others) {
		jw_key(w, "others");
		figure_json(w, 0, NULL, &p->others);
	}
	jw_key_num(w, "gap", p->has_gap, p->gap);
	jw_key_str(w, "flag", stats_flag_name(p->flag));
	if (p->items_hidden) {
		jw_key(w, "items_hidden");
		buf_append(w->b, "true", 4);
	}
	jw_key_open(w, "groups", '[');
	for (int g = 0; g < p->ngroup; g++)
		figure_json(w, 1, p->groups[g].group, &p->groups[g].f);
	jw_close(w, ']');
	jw_close(w, '}');
}

/* One list of items_highest/_lowest/_gaps: {"item", what: value} for
 * the items ix[0..n), value the mean (gap 0) or the gap (gap 1). */
static void item_list_json(struct jw *w, const struct stats_profile *p, const char *key,
			   const int *ix, int n, int gap)
{
	jw_key_open(w, key, '[');
	for (int k = 0; k < n; k++) {
		const struct stats_item_profile *it = &p->items[ix[k]];
		jw_elem_open(w, '{');
		jw_key_str(w, "item", p->design->items[ix[k]].id);
		jw_key_num(w, gap ? "gap" : "mean", 1, gap ? it->gap : it->mean);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* "items" and the three item lists of a profile. */
static void items_json(struct jw *w, const struct stats_profile *p)
{
	const struct stats_design *d = p->design;

	jw_key_open(w, "items", '[');
	for (int i = 0; i < d->nitem; i++) {
		const struct stats_item_profile *it = &p->items[i];
		jw_elem_open(w, '{');
		jw_key_str(w, "item", d->items[i].id);
		jw_key_str(w, "dimension", d->dims[d->items[i].dim].id);
		jw_key_str(w, "arena", d->items[i].arena >= 0 ? d->arenas[d->items[i].arena] : NULL);
		jw_key(w, "self");
		if (it->self > 0)
			jw_int(w, it->self);
		else
			jw_str(w, NULL);
		if (it->has_others) {
			jw_key_open(w, "others", '{');
			jw_key_int(w, "n", it->n);
			jw_key_num(w, "mean", 1, it->mean);
			jw_close(w, '}');
		}
		jw_key_num(w, "gap", it->has_gap, it->gap);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	item_list_json(w, p, "items_highest", p->highest, p->nhighest, 0);
	item_list_json(w, p, "items_lowest", p->lowest, p->nlowest, 0);
	item_list_json(w, p, "items_gaps", p->gaps, p->ngaps, 1);
}

/* The array "key" of cells or totals of the roles x arenas table: each
 * its role and/or arena, and n, n_scores and mean only when shown. */
static void cells_json(struct jw *w, const struct stats_design *d, const char *key,
		       const struct stats_cell *c, int n)
{
	jw_key_open(w, key, '[');
	for (int k = 0; k < n; k++) {
		jw_elem_open(w, '{');
		if (c[k].dim >= 0)
			jw_key_str(w, "role", d->dims[c[k].dim].id);
		if (c[k].arena >= 0)
			jw_key_str(w, "arena", d->arenas[c[k].arena]);
		if (c[k].shown) {
			jw_key_int(w, "n", c[k].n);
			jw_key_int(w, "n_scores", c[k].nscore);
			jw_key_num(w, "mean", 1, c[k].mean);
		}
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* "trend": {"from_round", "dimensions": [{"dimension", "self", "others"}]}. */
static void trend_json(struct jw *w, const struct stats_profile *p)
{
	jw_key_open(w, "trend", '{');
	jw_key_str(w, "from_round", p->trend_from);
	jw_key_open(w, "dimensions", '[');
	for (int i = 0; i < p->design->ndim; i++) {
		jw_elem_open(w, '{');
		jw_key_str(w, "dimension", p->design->dims[i].id);
		jw_key_num(w, "self", p->trend[i].has_self, p->trend[i].self);
		jw_key_num(w, "others", p->trend[i].has_others, p->trend[i].others);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

/* One entry of "profiles". */
static void profile_json(struct jw *w, const struct stats_profile *p)
{
	jw_elem_open(w, '{');
	jw_key_str(w, "leader", p->leader);
	jw_key_str(w, "round", p->round);
	jw_key_open(w, "dimensions", '[');
	for (int i = 0; i < p->design->ndim; i++)
		dim_json(w, p->design, i, &p->dims[i]);
	jw_close(w, ']');
	items_json(w, p);
	jw_key_open(w, "roles_arenas", '{');
	cells_json(w, p->design, "cells", p->cells, p->ncell);
	cells_json(w, p->design, "roles", p->roles, p->nrole);
	cells_json(w, p->design, "arenas", p->arenas, p->narena);
	jw_close(w, '}');
	if (p->trend != NULL)
		trend_json(w, p);
	jw_close(w, '}');
}

/* "reliability": one entry per dimension (none when the analysis has no
 * reliability figures). */
static void reliability_json(struct jw *w, const struct stats_analysis *an)
{
	jw_key_open(w, "reliability", '[');
	for (int i = 0; an->reliability != NULL && i < an->design->ndim; i++) {
		const struct stats_reliability *r = &an->reliability[i];
		jw_elem_open(w, '{');
		jw_key_str(w, "dimension", an->design->dims[i].id);
		jw_key_num(w, "alpha", r->has_alpha, r->alpha);
		jw_key_int(w, "n_alpha", r->n_alpha);
		jw_key_num(w, "icc1", r->icc.has_icc1, r->icc.icc1);
		jw_key_num(w, "icc1k", r->icc.has_icc1k, r->icc.icc1k);
		jw_key_int(w, "n_icc", r->icc.n);
		jw_key_int(w, "groups_icc", r->icc.g);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

int render_json_analysis(const struct stats_analysis *an, struct buf *out, struct err *e)
{
	struct jw w = {out, 0, {0}};

	jw_open(&w, '{');
	jw_key_int(&w, "threshold", an->cfg.threshold);
	jw_key_num(&w, "blind_spot", 1, an->cfg.blind_spot);
	jw_key_open(&w, "profiles", '[');
	for (int k = 0; k < an->nprofile && !out->failed; k++)
		profile_json(&w, &an->profiles[k]);
	jw_close(&w, ']');
	jw_key_open(&w, "skipped", '[');
	for (int k = 0; k < an->nskipped; k++) {
		jw_elem_open(&w, '{');
		jw_key_str(&w, "leader", an->skipped[k].leader);
		jw_key_str(&w, "round", an->skipped[k].round);
		jw_key_str(&w, "reason", an->skipped[k].reason);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	reliability_json(&w, an);
	jw_close(&w, '}');
	buf_putc(out, '\n');
	if (out->failed)
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
