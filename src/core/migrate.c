/* migrate.c — copying a database to another (usually SQLite to
 * PostgreSQL), table by table through the store's dump and load, then
 * proving the copy: the same number of rows and the same checksum per
 * table, read back from both sides. */
#include "ops.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rows sent to the target per load_rows call. */
#define MIGRATE_BATCH 2000
#define NO_TABLE ((size_t)-1)

/* The state of a dump of the source (copying: rows also go to the target)
 * or of the target (verifying). */
struct copy {
	struct arena *a;                /* the results; the caller's */
	struct store *to;               /* copying: the target; verifying: NULL */
	int verifying;
	struct migrate_table *tables;   /* per table, in the source's order */
	struct store_table *schema;     /* the source's columns of tables[i] */
	size_t ntable, cap;
	size_t cur;                     /* the table being read, or NO_TABLE */
	crypto_generichash_state h;
	int open;                       /* h holds cur's sum in progress */
	size_t *colmap;                 /* verifying: source column i is target column colmap[i] */
	struct arena *batch;            /* copying: the rows not yet loaded */
	struct store_value *rows;
	size_t nrow;
};

/* A JSON object as one text whatever the backend made of it: keys sorted,
 * no spaces (PostgreSQL's jsonb orders keys its own way and adds spaces;
 * SQLite keeps the text as written). NULL when text is not a JSON object;
 * free() the result. */
static char *json_canonical(const char *text, size_t n)
{
	json_t *j;
	char *out;

	if (n < 2 || text[0] != '{' || text[n - 1] != '}')
		return NULL;
	if ((j = json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return NULL;
	out = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	return out;
}

/* A value into the sum: its kind, then its text (a number as decimal
 * digits, a JSON object canonical) with its length, so that no two rows
 * can run together. */
static void sum_value(crypto_generichash_state *h, const struct store_value *v)
{
	unsigned char tag = v->type == SV_NULL ? 'N' : 'V', len[8];
	char num[24], *canon = NULL;
	const char *p = v->s;
	size_t n = v->len;

	crypto_generichash_update(h, &tag, 1);
	if (v->type == SV_NULL)
		return;
	if (v->type == SV_INT) {
		n = (size_t)snprintf(num, sizeof num, "%lld", (long long)v->i);
		p = num;
	} else if ((canon = json_canonical(v->s, v->len)) != NULL) {
		p = canon;
		n = strlen(canon);
	}
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)((uint64_t)n >> (8 * i));
	crypto_generichash_update(h, len, sizeof len);
	crypto_generichash_update(h, (const unsigned char *)p, n);
	free(canon);
}

/* Finish the current table's sum into its record. */
static void sum_close(struct copy *cp)
{
	unsigned char out[32];
	struct migrate_table *t;

	if (!cp->open)
		return;
	t = &cp->tables[cp->cur];
	crypto_generichash_final(&cp->h, out, sizeof out);
	sodium_bin2hex(cp->verifying ? t->sum_to : t->sum_from, 65, out, sizeof out);
	cp->open = 0;
}

/* Load the batch into the target. At the end of a table (last) the call
 * is made even without rows, so that the target's id sequence moves past
 * the source's (store_table.next_id). */
static int flush(struct copy *cp, int last, struct err *e)
{
	int rc = AZ_OK;

	if (cp->to != NULL && cp->cur != NO_TABLE && (cp->nrow > 0 || last))
		rc = cp->to->ops->load_rows(cp->to, &cp->schema[cp->cur], cp->rows, cp->nrow, e);
	cp->nrow = 0;
	cp->rows = NULL;
	arena_reset(cp->batch);
	return rc;
}

/* A new record for table t (its columns copied). */
static int table_add(struct copy *cp, const struct store_table *t, struct err *e)
{
	struct store_table *s;
	const char **cols;

	if (cp->ntable == cp->cap) {
		size_t ncap = cp->cap ? 2 * cp->cap : 32;
		struct migrate_table *nt = arena_calloc(cp->a, ncap, sizeof *nt);
		struct store_table *ns = arena_calloc(cp->a, ncap, sizeof *ns);
		if (nt == NULL || ns == NULL)
			return err_set(e, AZ_ENOMEM, "out of memory");
		if (cp->ntable > 0) {
			memcpy(nt, cp->tables, cp->ntable * sizeof *nt);
			memcpy(ns, cp->schema, cp->ntable * sizeof *ns);
		}
		cp->tables = nt;
		cp->schema = ns;
		cp->cap = ncap;
	}
	s = &cp->schema[cp->ntable];
	if ((cols = arena_calloc(cp->a, t->ncolumn + 1, sizeof *cols)) == NULL ||
	    (s->name = arena_strdup(cp->a, t->name)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->ncolumn; i++)
		if ((cols[i] = arena_strdup(cp->a, t->columns[i])) == NULL)
			return err_set(e, AZ_ENOMEM, "out of memory");
	s->columns = cols;
	s->ncolumn = t->ncolumn;
	s->next_id = t->next_id;
	cp->tables[cp->ntable].name = s->name;
	cp->cur = cp->ntable++;
	return AZ_OK;
}

/* Verifying: where each of the source's columns of cur is in target t. */
static int map_columns(struct copy *cp, const struct store_table *t, struct err *e)
{
	const struct store_table *src = &cp->schema[cp->cur];

	if ((cp->colmap = arena_calloc(cp->a, src->ncolumn + 1, sizeof *cp->colmap)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < src->ncolumn; i++) {
		size_t k = 0;
		while (k < t->ncolumn && strcmp(t->columns[k], src->columns[i]) != 0)
			k++;
		if (k == t->ncolumn)
			return err_set(e, AZ_ESCHEMA, "table %s of the target has no column %s", t->name,
				       src->columns[i]);
		cp->colmap[i] = k;
	}
	return AZ_OK;
}

static int on_table(void *arg, const struct store_table *t, struct err *e)
{
	struct copy *cp = arg;
	int rc;

	sum_close(cp);
	if ((rc = flush(cp, 1, e)) != AZ_OK)
		return rc;
	cp->colmap = NULL;
	if (!cp->verifying) {
		if ((rc = table_add(cp, t, e)) != AZ_OK)
			return rc;
	} else {
		size_t i = 0;
		while (i < cp->ntable && strcmp(cp->tables[i].name, t->name) != 0)
			i++;
		if (i == cp->ntable) {
			/* A table only the target's backend has: it must be empty. */
			if ((rc = table_add(cp, t, e)) != AZ_OK)
				return rc;
			cp->tables[cp->cur].rows_from = -1;
		} else {
			cp->cur = i;
			if ((rc = map_columns(cp, t, e)) != AZ_OK)
				return rc;
			/* A target whose table keeps no sequence (SQLite without
			 * AUTOINCREMENT) gives max(id) + 1, past every copied id. */
			if (t->next_id > 0 && t->next_id < cp->schema[i].next_id)
				return err_set(e, AZ_ESTORE, "table %s: the target would give ids from %lld, "
					       "the source from %lld", t->name, (long long)t->next_id,
					       (long long)cp->schema[i].next_id);
		}
	}
	crypto_generichash_init(&cp->h, NULL, 0, 32);
	cp->open = 1;
	return AZ_OK;
}

/* Keep a copy of row v in the batch. */
static int batch_add(struct copy *cp, const struct store_table *t, const struct store_value *v, struct err *e)
{
	struct store_value *dst;

	if (cp->rows == NULL &&
	    (cp->rows = arena_calloc(cp->batch, MIGRATE_BATCH * t->ncolumn + 1, sizeof *cp->rows)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	dst = cp->rows + cp->nrow * t->ncolumn;
	for (size_t i = 0; i < t->ncolumn; i++) {
		dst[i] = v[i];
		if (v[i].type == SV_TEXT) {
			char *s = arena_alloc(cp->batch, v[i].len + 1);
			if (s == NULL)
				return err_set(e, AZ_ENOMEM, "out of memory");
			memcpy(s, v[i].s, v[i].len);
			s[v[i].len] = '\0';
			dst[i].s = s;
		}
	}
	if (++cp->nrow == MIGRATE_BATCH)
		return flush(cp, 0, e);
	return AZ_OK;
}

static int on_row(void *arg, const struct store_table *t, const struct store_value *v, struct err *e)
{
	struct copy *cp = arg;
	struct migrate_table *mt = &cp->tables[cp->cur];
	size_t ncol = cp->schema[cp->cur].ncolumn;

	for (size_t i = 0; i < ncol; i++)
		sum_value(&cp->h, &v[cp->colmap ? cp->colmap[i] : i]);
	if (cp->verifying) {
		mt->rows_to++;
		return AZ_OK;
	}
	mt->rows_from++;
	return batch_add(cp, t, v, e);
}

/* Dump st into cp; the end of the dump closes the last table. */
static int run_dump(struct copy *cp, struct store *st, struct err *e)
{
	struct store_sink sink = {on_table, on_row, cp};
	int rc;

	cp->cur = NO_TABLE;
	cp->open = 0;
	rc = st->ops->dump(st, &sink, e);
	sum_close(cp);
	if (rc == AZ_OK)
		rc = flush(cp, 1, e);
	cp->nrow = 0;
	arena_reset(cp->batch);
	return rc;
}

/* Every table the same on both sides? Names the first that is not. */
static int compare(const struct copy *cp, struct err *e)
{
	for (size_t i = 0; i < cp->ntable; i++) {
		const struct migrate_table *t = &cp->tables[i];
		if (t->rows_from < 0 && t->rows_to == 0)
			continue;
		if (t->rows_from < 0)
			return err_set(e, AZ_ESTORE, "table %s of the target has rows that are not in the source",
				       t->name);
		if (t->sum_to[0] == '\0')
			return err_set(e, AZ_ESTORE, "the target has no table %s", t->name);
		if (t->rows_from != t->rows_to)
			return err_set(e, AZ_ESTORE, "table %s: %lld rows in the source, %lld in the target",
				       t->name, (long long)t->rows_from, (long long)t->rows_to);
		if (strcmp(t->sum_from, t->sum_to) != 0)
			return err_set(e, AZ_ESTORE, "table %s: the rows differ (checksum %.12s in the source, "
				       "%.12s in the target)", t->name, t->sum_from, t->sum_to);
	}
	return AZ_OK;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int core_migrate(struct arena *a, const char *from, const char *to, struct migrate_result *out,
		 struct err *e)
{
	struct store *src = NULL, *dst = NULL;
	struct copy cp = {0};
	double t0 = now_s();
	int rc;

	memset(out, 0, sizeof *out);
	cp.a = a;
	if (strcmp(from, to) == 0)
		return err_set(e, AZ_EINVAL, "--from and --to name the same database");
	if ((cp.batch = arena_new()) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = store_open(from, STORE_EXISTING, &src, e)) != AZ_OK) {
		err_prefix(e, "the source");
		goto out;
	}
	if ((rc = src->ops->schema_version(src, &out->schema_version, e)) != AZ_OK)
		goto out;
	/* A new target gets the schema; one that has it already is taken
	 * when it holds no rows (load_begin checks). */
	rc = store_open(to, STORE_CREATE, &dst, e);
	if (rc == AZ_EDUP)
		rc = store_open(to, STORE_EXISTING, &dst, e);
	if (rc != AZ_OK) {
		err_prefix(e, "the target");
		goto out;
	}
	if ((rc = dst->ops->load_begin(dst, 1, e)) != AZ_OK)
		goto out;
	cp.to = dst;
	rc = run_dump(&cp, src, e);
	if (rc == AZ_OK)
		rc = dst->ops->load_end(dst, 1, e);
	else
		dst->ops->load_end(dst, 0, &(struct err){0});
	if (rc != AZ_OK)
		goto out;
	/* Read the target back, as a new reader would see it. */
	cp.to = NULL;
	cp.verifying = 1;
	if ((rc = run_dump(&cp, dst, e)) != AZ_OK) {
		err_prefix(e, "reading the target back");
		goto out;
	}
	if ((rc = compare(&cp, e)) != AZ_OK) {
		char what[sizeof e->msg];
		snprintf(what, sizeof what, "%s", e->msg);
		err_set(e, rc, "the copy does not match the source (%s); do not use the target: empty it "
			"and migrate again", what);
	}
out:
	out->tables = cp.tables;
	out->ntable = cp.ntable;
	out->seconds = now_s() - t0;
	store_close(dst);
	store_close(src);
	arena_free(cp.batch);
	return rc;
}
