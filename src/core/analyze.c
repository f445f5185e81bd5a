/* analyze.c — see analyze.h.
 *
 * Reading goes in two passes over memory. The first reads every row of
 * DATA.csv, checks it on its own (fields, item, score) and against what
 * came before (a rater's group, the one self response), and files it under
 * its leader-round and rater through hash maps. Rows are read as spans
 * into the text (csv_next_spans), looked up where they lie, and a field is
 * copied only when it names a new leader, round, rater or group: a million
 * rows then cost a 16-byte answer each and no string. The second sorts the
 * answers by rater and item to find duplicates, then lays every
 * leader-round out as the dense score matrix profile/stats.h takes.
 * Problems are collected with their line numbers and reported together, so
 * that one run names every kind of mistake in a file.
 */
#include "analyze.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/buf.h"
#include "../util/csv.h"
#include "../util/text.h"

/* ---- Small tools ----------------------------------------------------- */

/* Room for one more element in the arena array p of *cap elements of
 * size bytes, n of them used: p itself while n < *cap, else a copy twice as
 * large (the old one stays in the arena until it is freed; *cap grows).
 * NULL when out of memory or the size would overflow.
 *
 *     if ((xs = analyze_grow(a, xs, &cap, n, sizeof *xs)) == NULL) ...;
 *     xs[n++] = x;
 */
static void *analyze_grow(struct arena *a, void *p, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *q;

	if (n < *cap)
		return p;
	if (ncap < *cap || ncap > SIZE_MAX / size || n >= INT32_MAX)
		return NULL;
	if ((q = arena_alloc(a, ncap * size)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(q, p, n * size);
	*cap = ncap;
	return q;
}

/* A (tag, string) -> index map: open addressing over a power-of-two
 * table. The tag scopes a name: a round within its leader (tag: the
 * leader's rank), a rater within its leader-round (tag: the leader-round);
 * plain names have tag 0. Keys are found by pointer and length, so that a
 * field of the data is looked up where it lies, without a copy. */
struct smap {
	const char **key;
	size_t *len;
	int *tag;
	int *val;
	size_t cap;      /* slots, a power of two (0 before the first put) */
	size_t n;
};

/* FNV-1a of tag and s[0..n). */
static uint64_t analyze_hash(int tag, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u ^ (uint64_t)(unsigned)tag;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h ^ (h >> 29);
}

/* The index stored under (tag, key[0..n)), or -1. */
static int smap_getn(const struct smap *m, int tag, const char *key, size_t n)
{
	if (m->cap == 0)
		return -1;
	for (size_t i = analyze_hash(tag, key, n) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->key[i] == NULL)
			return -1;
		if (m->len[i] == n && m->tag[i] == tag && memcmp(m->key[i], key, n) == 0)
			return m->val[i];
	}
}

/* The index stored under the string key (tag 0), or -1. */
static int smap_get(const struct smap *m, const char *key)
{
	return smap_getn(m, 0, key, strlen(key));
}

/* Store (tag, key[0..n)) -> val; key is borrowed (it must live in the
 * arena) and must be new. The table doubles at half full. Returns 0 or -1
 * (out of memory). */
static int smap_putn(struct arena *a, struct smap *m, int tag, const char *key, size_t n, int val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct smap bigger = {0};
		bigger.cap = m->cap ? m->cap * 2 : 256;
		if (bigger.cap < m->cap || bigger.cap > SIZE_MAX / sizeof(size_t))
			return -1;
		bigger.key = arena_calloc(a, bigger.cap, sizeof *bigger.key);
		bigger.len = arena_calloc(a, bigger.cap, sizeof *bigger.len);
		bigger.tag = arena_calloc(a, bigger.cap, sizeof *bigger.tag);
		bigger.val = arena_calloc(a, bigger.cap, sizeof *bigger.val);
		if (bigger.key == NULL || bigger.len == NULL || bigger.tag == NULL || bigger.val == NULL)
			return -1;
		for (size_t i = 0; i < m->cap; i++)
			if (m->key[i] != NULL &&
			    smap_putn(a, &bigger, m->tag[i], m->key[i], m->len[i], m->val[i]) != 0)
				return -1;
		*m = bigger;
	}
	for (size_t i = analyze_hash(tag, key, n) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->key[i] == NULL) {
			m->key[i] = key;
			m->len[i] = n;
			m->tag[i] = tag;
			m->val[i] = val;
			m->n++;
			return 0;
		}
	}
}

/* smap_putn() of a string key with tag 0. */
static int smap_put(struct arena *a, struct smap *m, const char *key, int val)
{
	return smap_putn(a, m, 0, key, strlen(key), val);
}

/* A copy of s fit for a one-line message: control characters become '?'
 * and it is cut (at a character boundary) after 40 bytes with "...". */
static const char *analyze_shown(struct arena *a, const char *s)
{
	size_t n = strlen(s), k = n > 40 ? 40 : n;
	char *out;

	while (k < n && k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	if ((out = arena_alloc(a, k + 4)) == NULL)
		return "?";
	for (size_t i = 0; i < k; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	strcpy(out + k, k < n ? "..." : "");
	return out;
}

/* ---- Problems -------------------------------------------------------- */

struct problem {
	size_t line;
	const char *msg;   /* "line N: ..." */
};

/* Problems of one pass in line order: the first ANALYZE_MAX_PROBLEMS are
 * kept, all are counted. */
struct problems {
	struct problem p[ANALYZE_MAX_PROBLEMS];
	int kept;
	int count;
	int nomem;
};

/* Count a problem found on line, keeping msg (already "line N: ...",
 * copied into a) while there is room. */
static void problem_keep(struct arena *a, struct problems *ps, size_t line, const char *msg)
{
	ps->count++;
	if (ps->kept == ANALYZE_MAX_PROBLEMS)
		return;
	ps->p[ps->kept].line = line;
	if ((ps->p[ps->kept].msg = arena_strdup(a, msg)) == NULL)
		ps->nomem = 1;
	else
		ps->kept++;
}

/* Add a problem found on line (printf-style message without the line). */
__attribute__((format(printf, 4, 5)))
static void problem_add(struct arena *a, struct problems *ps, size_t line, const char *fmt, ...)
{
	char m[512], full[600];
	va_list ap;

	if (ps->kept == ANALYZE_MAX_PROBLEMS) {
		ps->count++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	snprintf(full, sizeof full, "line %zu: %s", line, m);
	problem_keep(a, ps, line, full);
}

/* Fill *e (AZ_EINVAL) with "origin: nothing was analysed; N problems:"
 * and the first problems of both lists by line, as many whole lines as fit
 * in the message. */
static int problems_report(const char *origin, const struct problems *x, const struct problems *y,
			   struct err *e)
{
	struct buf b;
	int total = x->count + y->count, shown = 0, i = 0, j = 0, rc;

	buf_init(&b);
	while (shown < ANALYZE_MAX_PROBLEMS && (i < x->kept || j < y->kept)) {
		const struct problem *p = j >= y->kept || (i < x->kept && x->p[i].line <= y->p[j].line)
			? &x->p[i++] : &y->p[j++];
		if (b.len + strlen(p->msg) + 300 > sizeof e->msg)
			break;
		buf_printf(&b, "\n  %s", p->msg);
		shown++;
	}
	if (shown < total)
		buf_printf(&b, "\n  ... and %d more", total - shown);
	rc = err_set(e, b.failed ? AZ_ENOMEM : AZ_EINVAL, "%.200s: nothing was analysed; %d problem%s:%s",
		     origin, total, total == 1 ? "" : "s", buf_str(&b));
	buf_reset(&b);
	return rc;
}

/* ---- Headers --------------------------------------------------------- */

/* Find the columns names[0..nname) (each with a Dutch alias in alias[]) in
 * the header f[0..nf) into col[] (-1 for absent). Unknown and repeated
 * columns fail; so does a missing one unless optional[k]. what names the
 * expected header in messages. */
static int header_find(char **f, size_t nf, const char *const *names, const char *const *alias,
		       const int *optional, int nname, int *col, const char *what, struct err *e)
{
	for (int k = 0; k < nname; k++)
		col[k] = -1;
	for (size_t i = 0; i < nf; i++) {
		const char *h = text_trim(f[i]);
		int k;
		for (k = 0; k < nname; k++)
			if (strcasecmp(h, names[k]) == 0 || strcasecmp(h, alias[k]) == 0)
				break;
		if (k == nname)
			return err_set(e, AZ_EINVAL, "line 1: unknown column \"%.40s\"; the header must be %s",
				       h, what);
		if (col[k] >= 0)
			return err_set(e, AZ_EINVAL, "line 1: the column \"%.40s\" appears twice", h);
		col[k] = (int)i;
	}
	for (int k = 0; k < nname; k++)
		if (col[k] < 0 && !optional[k])
			return err_set(e, AZ_EINVAL, "line 1: the header must be %s (it lacks %s)", what,
				       names[k]);
	return AZ_OK;
}

/* ---- The item map ---------------------------------------------------- */

/* The design being built from ITEMS.csv and DATA.csv. */
struct design_b {
	struct stats_dim *dims;     size_t ndim, capdim;
	struct stats_item *items;   size_t nitem, capitem;
	const char **arenas;        size_t narena, caparena;
	struct stats_group *groups; size_t ngroup, capgroup;
	struct smap dim_ix, item_ix, arena_ix, group_ix;
};

/* The index of name in map m. A new name gets the index *n (then *n
 * grows and *isnew is set), and the caller fills that element of its
 * array, which must have room for it (analyze_grow). -1 when out of
 * memory. */
static int design_intern(struct arena *a, struct smap *m, const char *name, size_t *n, int *isnew)
{
	int ix = smap_get(m, name);

	*isnew = 0;
	if (ix >= 0)
		return ix;
	if (*n >= INT32_MAX || smap_put(a, m, name, (int)*n) != 0)
		return -1;
	*isnew = 1;
	return (int)(*n)++;
}

/* Check one row f[0..nf) of ITEMS.csv (columns col: item, dimension,
 * arena or -1) and add it to d; problems go to ps. Returns 0, or -1 when
 * out of memory. */
static int map_row(struct arena *a, struct design_b *d, char **f, size_t nf, const int *col,
		   size_t line, struct problems *ps)
{
	int want = col[2] >= 0 ? 3 : 2, di, ai = -1, ii, isnew;
	const char *id, *dim, *ar;

	if (nf != (size_t)want)
		return problem_add(a, ps, line, "has %zu field%s where the header has %d", nf,
				   nf == 1 ? "" : "s", want), 0;
	id = text_trim(f[col[0]]);
	dim = text_trim(f[col[1]]);
	ar = col[2] >= 0 ? text_trim(f[col[2]]) : "";
	if (id[0] == '\0' || dim[0] == '\0')
		return problem_add(a, ps, line, "the %s is empty", id[0] == '\0' ? "item" : "dimension"), 0;
	if (smap_get(&d->item_ix, id) >= 0)
		return problem_add(a, ps, line, "the item \"%s\" is listed twice",
				   analyze_shown(a, id)), 0;
	if ((d->dims = analyze_grow(a, d->dims, &d->capdim, d->ndim, sizeof *d->dims)) == NULL ||
	    (di = design_intern(a, &d->dim_ix, dim, &d->ndim, &isnew)) < 0)
		return -1;
	if (isnew)
		d->dims[di] = (struct stats_dim){dim, STATS_THEME, ANALYZE_NOPTION};
	if (ar[0] != '\0') {
		if ((d->arenas = analyze_grow(a, d->arenas, &d->caparena, d->narena,
					      sizeof *d->arenas)) == NULL ||
		    (ai = design_intern(a, &d->arena_ix, ar, &d->narena, &isnew)) < 0)
			return -1;
		if (isnew)
			d->arenas[ai] = ar;
		d->dims[di].kind = STATS_ROLE;
	}
	if ((d->items = analyze_grow(a, d->items, &d->capitem, d->nitem, sizeof *d->items)) == NULL ||
	    (ii = design_intern(a, &d->item_ix, id, &d->nitem, &isnew)) < 0)
		return -1;
	d->items[ii] = (struct stats_item){id, di, ai};
	return 0;
}

/* Read ITEMS.csv into d: items in file order, dimensions and arenas in
 * order of first appearance; a dimension with an arena item is a role. */
static int map_read(struct arena *a, const char *text, size_t n, const char *origin,
		    struct design_b *d, struct err *e)
{
	static const char *const names[] = {"item", "dimension", "arena"};
	static const char *const alias[] = {"vraag", "dimensie", "arena"};
	static const int optional[] = {0, 0, 1};
	struct csv_reader rd;
	struct problems ps = {0}, none = {0};
	char **f;
	size_t nf, line;
	int col[3], more;

	if (csv_open(&rd, text, n, e) != AZ_OK)
		return err_prefix(e, "%s", origin);
	if ((more = csv_next(&rd, a, &f, &nf, &line, e)) <= 0) {
		if (more == 0)
			err_set(e, AZ_EINVAL, "the file is empty; it needs a header item,dimension[,arena]");
		return err_prefix(e, "%s", origin);
	}
	if (header_find(f, nf, names, alias, optional, 3, col, "item,dimension[,arena]", e) != AZ_OK)
		return err_prefix(e, "%s", origin);
	while ((more = csv_next(&rd, a, &f, &nf, &line, e)) > 0)
		if (map_row(a, d, f, nf, col, line, &ps) != 0)
			return err_set(e, AZ_ENOMEM, "out of memory");
	if (more < 0) {
		if (ps.count == 0 || e->code != AZ_EINVAL)
			return err_prefix(e, "%s", origin);
		problem_keep(a, &ps, rd.line, e->msg);
	}
	if (ps.nomem)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (ps.count > 0)
		return problems_report(origin, &ps, &none, e);
	if (d->nitem == 0)
		return err_set(e, AZ_EINVAL, "%s: has a header but no items", origin);
	return AZ_OK;
}

/* ---- The answers ----------------------------------------------------- */

/* One leader-round while reading. */
struct lr_b {
	const char *leader, *round;
	size_t nleader, nround;   /* their lengths */
	int leader_rank;   /* order of the leader's first appearance */
	int self;          /* global index of its self rater, -1 */
	int nrater;
	int first;         /* after layout: its first rater's local slot base */
};

/* One rater while reading. */
struct rater_b {
	const char *id;
	size_t nid;        /* its length */
	int lr;
	int group;         /* design group or STATS_SELF */
	size_t line;       /* first line */
	int local;         /* index within its leader-round */
};

/* One answer while reading. */
struct answer_b {
	int rater;
	int item;
	unsigned line;     /* a data file has fewer than 2^30 bytes, so fewer lines */
	int score;         /* 0..5 */
};

/* Everything read from DATA.csv. */
struct data_b {
	struct lr_b *lr;        size_t nlr, caplr;
	struct rater_b *rater;  size_t nrater, caprater;
	struct answer_b *ans;   size_t nans, capans;
	struct smap lr_ix, rater_ix, leader_ix;
	const char **leaders;   size_t capleader;   /* by rank: the leaders' names */
	int nleader;
	int last1;              /* 1 + the previous row's rater, 0 for none */
	struct csv_span last_group;  /* the previous row's group (its interned name) */
	int last_group_ix;      /* and its index (data_group) */
};

/* span with spaces and tabs removed at both ends (as text_trim). */
static struct csv_span span_trim(struct csv_span f)
{
	while (f.n > 0 && (f.p[f.n - 1] == ' ' || f.p[f.n - 1] == '\t'))
		f.n--;
	while (f.n > 0 && (f.p[0] == ' ' || f.p[0] == '\t'))
		f.p++, f.n--;
	return f;
}

/* 1 when span f holds exactly the n bytes s. */
static int span_is(struct csv_span f, const char *s, size_t n)
{
	return f.n == n && memcmp(f.p, s, n) == 0;
}

/* analyze_shown() of a span. */
static const char *span_shown(struct arena *a, struct csv_span f)
{
	const char *s = arena_strndup(a, f.p, f.n);

	return s != NULL ? analyze_shown(a, s) : "?";
}

/* The score in f: 1..5, or 0 for an empty cell; -1 for anything else. */
static int score_parse(struct csv_span f)
{
	if (f.n == 0)
		return 0;
	if (f.n == 1 && f.p[0] >= '1' && f.p[0] <= '0' + ANALYZE_NOPTION)
		return f.p[0] - '0';
	return -1;
}

/* The leader-round of (leader, round), made when new (the names copied
 * into a); -1 out of memory. */
static int data_lr(struct arena *a, struct data_b *db, struct csv_span leader, struct csv_span round)
{
	const char *lname, *rname;
	int ix, rank;

	if ((rank = smap_getn(&db->leader_ix, 0, leader.p, leader.n)) < 0) {
		if ((db->leaders = analyze_grow(a, db->leaders, &db->capleader, (size_t)db->nleader,
						sizeof *db->leaders)) == NULL ||
		    (lname = arena_strndup(a, leader.p, leader.n)) == NULL ||
		    smap_putn(a, &db->leader_ix, 0, lname, leader.n, db->nleader) != 0)
			return -1;
		rank = db->nleader++;
		db->leaders[rank] = lname;
	}
	if ((ix = smap_getn(&db->lr_ix, rank, round.p, round.n)) >= 0)
		return ix;
	lname = db->leaders[rank];
	if (db->nlr >= INT32_MAX ||
	    (db->lr = analyze_grow(a, db->lr, &db->caplr, db->nlr, sizeof *db->lr)) == NULL ||
	    (rname = arena_strndup(a, round.p, round.n)) == NULL ||
	    smap_putn(a, &db->lr_ix, rank, rname, round.n, (int)db->nlr) != 0)
		return -1;
	ix = (int)db->nlr++;
	db->lr[ix] = (struct lr_b){lname, rname, leader.n, round.n, rank, -1, 0, 0};
	return ix;
}

/* The group index of name: STATS_SELF for "self" (any case), else a
 * design group, made when new; -2 out of memory. */
static int data_group(struct arena *a, struct design_b *d, struct csv_span name, int threshold)
{
	const char *copy;
	int ix;

	if (name.n == 4 && strncasecmp(name.p, "self", 4) == 0)
		return STATS_SELF;
	if ((ix = smap_getn(&d->group_ix, 0, name.p, name.n)) >= 0)
		return ix;
	if (d->ngroup >= INT32_MAX ||
	    (d->groups = analyze_grow(a, d->groups, &d->capgroup, d->ngroup, sizeof *d->groups)) == NULL ||
	    (copy = arena_strndup(a, name.p, name.n)) == NULL ||
	    smap_putn(a, &d->group_ix, 0, copy, name.n, (int)d->ngroup) != 0)
		return -2;
	ix = (int)d->ngroup++;
	d->groups[ix] = (struct stats_group){copy, threshold, 1};
	return ix;
}

/* Find or make the rater of a row whose leader, round, rater and group
 * are v[0..4), checking its group and the one self response; *rt gets its
 * index, or -1 after a problem was added to ps. Returns 0, or -1 when out
 * of memory. */
static int data_rater(struct arena *a, struct design_b *d, struct data_b *db,
		      const struct csv_span *v, size_t line, int threshold, struct problems *ps,
		      int *rt)
{
	const struct rater_b *r = db->last1 > 0 ? &db->rater[db->last1 - 1] : NULL;
	int lr, group;

	*rt = -1;
	/* Rows mostly come rater by rater: the previous row's group and
	 * rater are found without a look-up. */
	if (db->last_group.p != NULL && span_is(v[3], db->last_group.p, db->last_group.n)) {
		group = db->last_group_ix;
	} else {
		if ((group = data_group(a, d, v[3], threshold)) == -2)
			return -1;
		/* The group's own copy of its name, never the field: a quoted
		 * field's text is gone at the next row. */
		db->last_group = group == STATS_SELF ? (struct csv_span){"self", 4}
			: (struct csv_span){d->groups[group].id, strlen(d->groups[group].id)};
		db->last_group_ix = group;
	}
	if (r != NULL && span_is(v[2], r->id, r->nid) &&
	    span_is(v[0], db->lr[r->lr].leader, db->lr[r->lr].nleader) &&
	    span_is(v[1], db->lr[r->lr].round, db->lr[r->lr].nround)) {
		*rt = db->last1 - 1;
	} else {
		if ((lr = data_lr(a, db, v[0], v[1])) < 0)
			return -1;
		if ((*rt = smap_getn(&db->rater_ix, lr, v[2].p, v[2].n)) < 0) {
			const struct rater_b *self = db->lr[lr].self >= 0 ? &db->rater[db->lr[lr].self] : NULL;
			const char *id;
			if (group == STATS_SELF && self != NULL)
				return problem_add(a, ps, line, "a second self response for leader \"%s\" "
						   "round \"%s\": rater \"%s\", while rater \"%s\" answered "
						   "on line %zu", span_shown(a, v[0]), span_shown(a, v[1]),
						   span_shown(a, v[2]), analyze_shown(a, self->id),
						   self->line), 0;
			if (db->nrater >= INT32_MAX ||
			    (db->rater = analyze_grow(a, db->rater, &db->caprater, db->nrater,
						      sizeof *db->rater)) == NULL ||
			    (id = arena_strndup(a, v[2].p, v[2].n)) == NULL ||
			    smap_putn(a, &db->rater_ix, lr, id, v[2].n, (int)db->nrater) != 0)
				return -1;
			*rt = (int)db->nrater++;
			db->rater[*rt] = (struct rater_b){id, v[2].n, lr, group, line, db->lr[lr].nrater++};
			if (group == STATS_SELF)
				db->lr[lr].self = *rt;
		}
	}
	r = &db->rater[*rt];
	if (r->group != group) {
		problem_add(a, ps, line, "rater \"%s\" is in group \"%s\" here but in \"%s\" on line %zu",
			    span_shown(a, v[2]), span_shown(a, v[3]),
			    r->group == STATS_SELF ? "self" : analyze_shown(a, d->groups[r->group].id),
			    r->line);
		*rt = -1;
		return 0;
	}
	db->last1 = *rt + 1;
	return 0;
}

/* Check one data row f (columns col: leader, round, rater, group, item,
 * score) and file it; problems go to ps. Returns 0, or -1 when out of
 * memory. */
static int data_row(struct arena *a, struct design_b *d, struct data_b *db,
		    const struct csv_span *f, const int *col, size_t line, int threshold,
		    struct problems *ps)
{
	static const char *const what[] = {"leader", "round", "rater", "group", "item"};
	struct csv_span v[6];
	int item, score, rt;

	for (int k = 0; k < 6; k++)
		v[k] = span_trim(f[col[k]]);
	for (int k = 0; k < 5; k++)
		if (v[k].n == 0)
			return problem_add(a, ps, line, "the %s is empty", what[k]), 0;
	/* The rater first, so that a rater in two groups is found even when
	 * the other rows have problems of their own. */
	if (data_rater(a, d, db, v, line, threshold, ps, &rt) != 0)
		return -1;
	if (rt < 0)
		return 0;
	if ((item = smap_getn(&d->item_ix, 0, v[4].p, v[4].n)) < 0)
		return problem_add(a, ps, line, "the item \"%s\" is not in the item map",
				   span_shown(a, v[4])), 0;
	if ((score = score_parse(v[5])) < 0)
		return problem_add(a, ps, line, "the score \"%s\" is not a whole number from 1 to %d "
				   "(or empty for \"kan ik niet beoordelen\")",
				   span_shown(a, v[5]), ANALYZE_NOPTION), 0;
	if ((db->ans = analyze_grow(a, db->ans, &db->capans, db->nans, sizeof *db->ans)) == NULL)
		return -1;
	db->ans[db->nans++] = (struct answer_b){rt, item, (unsigned)line, score};
	return 0;
}

/* Room in db->ans for every answer that n bytes of data can hold, so
 * that the array is not copied to grow: a row with an answer has at least
 * 10 bytes and a line end ("a,b,c,d,e,"). Pages never written are never
 * touched, so the reserve costs address space rather than memory. 0, or
 * -1 out of memory. */
static int data_reserve(struct arena *a, struct data_b *db, size_t n)
{
	size_t rows = n / 10 + 1;

	if (rows > SIZE_MAX / sizeof *db->ans || (db->ans = arena_alloc(a, rows * sizeof *db->ans)) == NULL)
		return -1;
	db->capans = rows;
	return 0;
}

/* Read DATA.csv into db (groups into d); problems go to ps. */
static int data_read(struct arena *a, const char *text, size_t n, const char *origin,
		     struct design_b *d, struct data_b *db, int threshold, struct problems *ps,
		     struct err *e)
{
	static const char *const names[] = {"leader", "round", "rater", "group", "item", "score"};
	static const char *const alias[] = {"leider", "ronde", "beoordelaar", "groep", "vraag", "antwoord"};
	static const int optional[] = {0, 0, 0, 0, 0, 0};
	static const char header[] = "leader,round,rater,group,item,score";
	struct csv_reader *rd = arena_alloc(a, sizeof *rd);
	struct csv_span f[CSV_MAX_FIELDS];
	char **hf;
	size_t nf, line;
	int col[6], more;

	if (rd == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (csv_open_max(rd, text, n, CSV_MAX_DATA_BYTES, e) != AZ_OK)
		return err_prefix(e, "%s", origin);
	if ((more = csv_next(rd, a, &hf, &nf, &line, e)) <= 0) {
		if (more == 0)
			err_set(e, AZ_EINVAL, "the file is empty; it needs a header %s", header);
		return err_prefix(e, "%s", origin);
	}
	if (header_find(hf, nf, names, alias, optional, 6, col, header, e) != AZ_OK)
		return err_prefix(e, "%s", origin);
	if (data_reserve(a, db, n) != 0)
		return err_set(e, AZ_ENOMEM, "out of memory");
	while ((more = csv_next_spans(rd, f, &nf, &line, e)) > 0) {
		if (nf != 6) {
			problem_add(a, ps, line, "has %zu field%s where the header has 6", nf,
				    nf == 1 ? "" : "s");
			continue;
		}
		if (data_row(a, d, db, f, col, line, threshold, ps) != 0)
			return err_set(e, AZ_ENOMEM, "out of memory");
	}
	if (more < 0) {
		if (ps->count == 0 || e->code != AZ_EINVAL)
			return err_prefix(e, "%s", origin);
		problem_keep(a, ps, rd->line, e->msg);
	}
	if (ps->nomem)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (ps->count == 0 && db->nans == 0)
		return err_set(e, AZ_EINVAL, "%s: has a header but no answers", origin);
	return AZ_OK;
}

/* Order of answers: by rater, item, then line. */
static int answer_cmp(const void *pa, const void *pb)
{
	const struct answer_b *x = pa, *y = pb;

	if (x->rater != y->rater)
		return x->rater < y->rater ? -1 : 1;
	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Order of pointers to answers: by line. */
static int answer_line_cmp(const void *pa, const void *pb)
{
	const struct answer_b *x = *(const struct answer_b *const *)pa;
	const struct answer_b *y = *(const struct answer_b *const *)pb;

	return (x->line > y->line) - (x->line < y->line);
}

/* Sort the answers by rater and item and list every repeated (rater,
 * item) in dup, in line order of the repeats (the caller merges them with
 * the other problems); each names the line of the first answer. */
static int data_duplicates(struct arena *a, const struct design_b *d, struct data_b *db,
			   struct problems *dup)
{
	struct answer_b **rep;
	size_t nrep = 0;

	if (db->nans < 2)
		return 0;
	/* Exports list a respondent's answers together and in item order:
	 * then one pass tells that the rows need no sort. */
	for (size_t i = 1; i < db->nans; i++) {
		if (answer_cmp(&db->ans[i - 1], &db->ans[i]) > 0) {
			qsort(db->ans, db->nans, sizeof *db->ans, answer_cmp);
			break;
		}
	}
	for (size_t i = 1; i < db->nans; i++)
		if (db->ans[i].rater == db->ans[i - 1].rater && db->ans[i].item == db->ans[i - 1].item)
			nrep++;
	if (nrep == 0)
		return 0;
	if ((rep = arena_calloc(a, nrep, sizeof *rep)) == NULL)
		return -1;
	nrep = 0;
	for (size_t i = 1; i < db->nans; i++)
		if (db->ans[i].rater == db->ans[i - 1].rater && db->ans[i].item == db->ans[i - 1].item)
			rep[nrep++] = &db->ans[i];
	qsort(rep, nrep, sizeof *rep, answer_line_cmp);
	for (size_t k = 0; k < nrep; k++) {
		const struct answer_b *r = rep[k], *first = r;
		if (dup->kept == ANALYZE_MAX_PROBLEMS) {
			dup->count++;
			continue;
		}
		while (first > db->ans && first[-1].rater == r->rater && first[-1].item == r->item)
			first--;
		problem_add(a, dup, r->line, "rater \"%s\" answers item \"%s\" again (also on line %zu)",
			    analyze_shown(a, db->rater[r->rater].id),
			    analyze_shown(a, d->items[r->item].id), (size_t)first->line);
	}
	return dup->nomem ? -1 : 0;
}

/* 1 when s is a whole number of at most 18 digits (for round order). */
static int round_numeric(const char *s, long long *v)
{
	size_t n = strlen(s);

	if (n == 0 || n > 18 || strspn(s, "0123456789") != n)
		return 0;
	*v = strtoll(s, NULL, 10);
	return 1;
}

/* Order of leader-rounds: leader by first appearance, then round. */
static int lr_cmp(const void *pa, const void *pb)
{
	const struct lr_b *x = *(const struct lr_b *const *)pa, *y = *(const struct lr_b *const *)pb;
	long long vx, vy;
	int nx, ny;

	if (x->leader_rank != y->leader_rank)
		return x->leader_rank < y->leader_rank ? -1 : 1;
	nx = round_numeric(x->round, &vx);
	ny = round_numeric(y->round, &vy);
	if (nx != ny)
		return nx ? -1 : 1;
	if (nx && vx != vy)
		return vx < vy ? -1 : 1;
	return strcmp(x->round, y->round);
}

/* ---- Putting it together --------------------------------------------- */

/* Lay out the profiled leader-rounds (those with a self response) as
 * stats rounds in output order, listing the others in out->skipped. */
static int analyze_layout(struct arena *a, const struct design_b *d, struct data_b *db,
			  struct stats_round **rounds, int *nround, struct stats_analysis *out,
			  struct err *e)
{
	struct lr_b **order = arena_calloc(a, db->nlr + 1, sizeof *order);
	int *slot = arena_calloc(a, db->nlr + 1, sizeof *slot);
	int **group = arena_calloc(a, db->nlr + 1, sizeof *group);           /* by slot */
	unsigned char **score = arena_calloc(a, db->nlr + 1, sizeof *score); /* by slot */
	size_t cells = 0;
	int k = 0;

	*rounds = arena_calloc(a, db->nlr + 1, sizeof **rounds);
	out->skipped = arena_calloc(a, db->nlr + 1, sizeof *out->skipped);
	if (order == NULL || slot == NULL || group == NULL || score == NULL || *rounds == NULL ||
	    out->skipped == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < db->nlr; i++)
		order[i] = &db->lr[i];
	qsort(order, db->nlr, sizeof *order, lr_cmp);
	for (size_t i = 0; i < db->nlr; i++) {
		const struct lr_b *l = order[i];
		size_t ix = (size_t)(l - db->lr);
		slot[ix] = -1;
		if (l->self < 0) {
			out->skipped[out->nskipped++] = (struct stats_skip){
				l->leader, l->round, "no self response (group \"self\")"};
			continue;
		}
		if ((size_t)l->nrater > (ANALYZE_MAX_CELLS - cells) / d->nitem)
			return err_set(e, AZ_EINVAL, "the data hold too many raters x items to analyse "
				       "at once (more than %u); split the file by leader", ANALYZE_MAX_CELLS);
		cells += (size_t)l->nrater * d->nitem;
		slot[ix] = k;
		(*rounds)[k].leader = l->leader;
		(*rounds)[k].round = l->round;
		(*rounds)[k].nrater = l->nrater;
		group[k] = arena_calloc(a, (size_t)l->nrater, sizeof **group);
		score[k] = arena_calloc(a, (size_t)l->nrater * d->nitem, 1);
		if (group[k] == NULL || score[k] == NULL)
			return err_set(e, AZ_ENOMEM, "out of memory");
		(*rounds)[k].group = group[k];
		(*rounds)[k].score = score[k];
		k++;
	}
	*nround = k;
	for (size_t i = 0; i < db->nrater; i++) {
		const struct rater_b *r = &db->rater[i];
		if (slot[r->lr] >= 0)
			group[slot[r->lr]][r->local] = r->group;
	}
	for (size_t i = 0; i < db->nans; i++) {
		const struct answer_b *x = &db->ans[i];
		const struct rater_b *r = &db->rater[x->rater];
		if (slot[r->lr] >= 0)
			score[slot[r->lr]][(size_t)r->local * d->nitem + (size_t)x->item] =
				(unsigned char)x->score;
	}
	return AZ_OK;
}

/* Profiles, trends and reliability of the laid-out rounds into out. */
static int analyze_compute(struct arena *a, const struct stats_design *sd,
			   const struct stats_round *rounds, int nround, struct stats_analysis *out,
			   struct err *e)
{
	int rc;

	out->design = sd;
	out->profiles = arena_calloc(a, (size_t)nround + 1, sizeof *out->profiles);
	if (out->profiles == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (int k = 0; k < nround; k++) {
		struct stats_profile *p = &out->profiles[k];
		if ((rc = stats_profile(a, sd, &rounds[k], &out->cfg, p, e)) != AZ_OK)
			return err_prefix(e, "leader \"%s\" round \"%s\"", analyze_shown(a, rounds[k].leader),
					  analyze_shown(a, rounds[k].round));
		/* Rounds of a leader are next to each other, oldest first. */
		if (k > 0 && strcmp(rounds[k - 1].leader, rounds[k].leader) == 0 &&
		    (rc = stats_trend(a, &out->profiles[k - 1], p, e)) != AZ_OK)
			return rc;
	}
	out->nprofile = nround;
	return stats_reliability(a, sd, rounds, nround, out->cfg.threshold, &out->reliability, e);
}

int core_analyze(struct arena *a, const char *map, size_t nmap, const char *map_origin,
		 const char *data, size_t ndata, const char *data_origin,
		 const struct stats_config *cfg, struct stats_analysis *out, struct err *e)
{
	struct design_b *d = arena_calloc(a, 1, sizeof *d);
	struct data_b *db = arena_calloc(a, 1, sizeof *db);
	struct problems *ps = arena_calloc(a, 1, sizeof *ps), *dup = arena_calloc(a, 1, sizeof *dup);
	struct stats_design *sd = arena_calloc(a, 1, sizeof *sd);
	struct stats_round *rounds = NULL;
	int nround = 0, rc;

	memset(out, 0, sizeof *out);
	if (d == NULL || db == NULL || ps == NULL || dup == NULL || sd == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (cfg->threshold < 3 || cfg->threshold > ANALYZE_MAX_THRESHOLD)
		return err_set(e, AZ_EINVAL, "the threshold must be a whole number from 3 to %d",
			       ANALYZE_MAX_THRESHOLD);
	if (!isfinite(cfg->blind_spot) || cfg->blind_spot <= 0 || cfg->blind_spot > ANALYZE_NOPTION - 1)
		return err_set(e, AZ_EINVAL, "the blind-spot gap must be a number above 0 and at most %d",
			       ANALYZE_NOPTION - 1);
	out->cfg = *cfg;
	if ((rc = map_read(a, map, nmap, map_origin, d, e)) != AZ_OK)
		return rc;
	if ((rc = data_read(a, data, ndata, data_origin, d, db, cfg->threshold, ps, e)) != AZ_OK)
		return rc;
	if (data_duplicates(a, d, db, dup) != 0)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (ps->count + dup->count > 0)
		return problems_report(data_origin, ps, dup, e);
	*sd = (struct stats_design){d->dims, (int)d->ndim, d->items, (int)d->nitem,
				    d->arenas, (int)d->narena, d->groups, (int)d->ngroup};
	if ((rc = analyze_layout(a, d, db, &rounds, &nround, out, e)) != AZ_OK)
		return rc;
	if (nround == 0)
		return err_set(e, AZ_EINVAL, "%s: no leader-round has a self response (group \"self\"), "
			       "so there is no profile to make", data_origin);
	return analyze_compute(a, sd, rounds, nround, out, e);
}
