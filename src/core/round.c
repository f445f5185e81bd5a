/* round.c — rounds: one leader, one frozen instrument, one period in which
 * the environment answers. States move draft -> open -> closed -> released
 * and never back. */
#include "core.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util/text.h"
#include "core_internal.h"
#include "core_mail.h"

/* Parsed instruments by stored id. Instruments never change once stored,
 * so a parsed one can be shared by every request until the instance is
 * closed; parsing and validating the JSON on every page view cost more than
 * all the rest of the page. */
struct instr_cache {
	pthread_mutex_t lock;
	struct cached {
		struct cached *next;
		int64_t id;
		char *key, *version, *digest;
		struct instrument *ins;
	} *head;
};

static struct cached *cache_find(struct instr_cache *ic, int64_t id)
{
	struct cached *hit = NULL;

	pthread_mutex_lock(&ic->lock);
	for (struct cached *x = ic->head; x != NULL; x = x->next)
		if (x->id == id)
			hit = x;
	pthread_mutex_unlock(&ic->lock);
	return hit;
}

int core_instrument_cache_new(struct core *c, struct err *e)
{
	if ((c->icache = calloc(1, sizeof *c->icache)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	pthread_mutex_init(&c->icache->lock, NULL);
	return AZ_OK;
}

void core_instrument_cache_free(struct core *c)
{
	struct instr_cache *ic = c->icache;
	struct cached *x, *next;

	if (ic == NULL)
		return;
	for (x = ic->head; x != NULL; x = next) {
		next = x->next;
		instrument_free(x->ins);
		free(x->key);
		free(x->version);
		free(x->digest);
		free(x);
	}
	pthread_mutex_destroy(&ic->lock);
	free(ic);
	c->icache = NULL;
}

/* Load, parse and add instrument id to the cache. */
static int cache_load(struct core *c, struct arena *a, int64_t id, struct cached **out, struct err *e)
{
	struct stored_instrument si;
	struct instrument *ins = NULL;
	struct cached *x, *again;
	struct buf problems;
	int rc;

	if ((rc = c->st->ops->instrument_get(c->st, a, id, &si, e)) != AZ_OK)
		return rc;
	buf_init(&problems);
	rc = instrument_parse(si.body, strlen(si.body), "stored instrument", &ins, &problems, NULL);
	if (rc != AZ_OK) {
		err_set(e, AZ_ESTORE, "the stored instrument %lld no longer loads: %.400s",
			(long long)id, buf_str(&problems));
		buf_reset(&problems);
		return AZ_ESTORE;
	}
	buf_reset(&problems);
	if ((x = calloc(1, sizeof *x)) == NULL || (x->key = strdup(si.key)) == NULL ||
	    (x->version = strdup(si.version)) == NULL || (x->digest = strdup(si.digest)) == NULL) {
		if (x) {
			free(x->key);
			free(x->version);
			free(x);
		}
		instrument_free(ins);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	x->id = id;
	x->ins = ins;
	pthread_mutex_lock(&c->icache->lock);
	/* Another thread may have loaded it meanwhile: keep the first. */
	for (again = c->icache->head; again != NULL; again = again->next)
		if (again->id == id)
			break;
	if (again == NULL) {
		x->next = c->icache->head;
		c->icache->head = x;
	}
	pthread_mutex_unlock(&c->icache->lock);
	if (again != NULL) {
		instrument_free(x->ins);
		free(x->key);
		free(x->version);
		free(x->digest);
		free(x);
		x = again;
	}
	*out = x;
	return AZ_OK;
}

int core_round_instrument(struct core *c, struct arena *a, const struct round *r,
			  struct stored_instrument *stored, const struct instrument **ins, struct err *e)
{
	struct cached *x;
	int rc;

	if (c->icache == NULL)
		return err_set(e, AZ_ESTORE, "the instance is not open");
	if ((x = cache_find(c->icache, r->instrument_id)) == NULL &&
	    (rc = cache_load(c, a, r->instrument_id, &x, e)) != AZ_OK)
		return rc;
	if (stored != NULL) {
		memset(stored, 0, sizeof *stored);
		stored->id = x->id;
		stored->key = x->key;
		stored->version = x->version;
		stored->digest = x->digest;
	}
	*ins = x->ins;
	return AZ_OK;
}

static int check_date(const char *d, const char *what, struct err *e)
{
	if (d != NULL && !date_valid(d))
		return err_set(e, AZ_EINVAL, "%s must be a date written YYYY-MM-DD, not \"%.40s\"", what, d);
	return AZ_OK;
}

int core_round_new(struct core *c, int64_t leader_id, const char *json, size_t len,
		   const char *origin, const char *opens_on, const char *closes_on, int64_t *id,
		   struct err *e)
{
	struct instrument *ins = NULL;
	struct stored_instrument si = {0};
	struct round r = {0};
	struct invitation self = {0};
	struct arena *a = NULL;
	struct buf problems;
	char digest[65];
	int rc, np = 0;

	buf_init(&problems);
	if ((rc = check_date(opens_on, "the opening date", e)) != AZ_OK ||
	    (rc = check_date(closes_on, "the closing date", e)) != AZ_OK)
		return rc;
	if (opens_on && closes_on && strcmp(opens_on, closes_on) > 0)
		return err_set(e, AZ_EINVAL, "the round would close (%s) before it opens (%s)", closes_on, opens_on);
	if (json == NULL) {
		json = instrument_default_json;
		len = instrument_default_json_len;
		origin = "default instrument";
	}
	if (instrument_parse(json, len, origin, &ins, &problems, &np) != AZ_OK) {
		rc = err_set(e, AZ_EINVAL, "the instrument has %d problem%s:\n%s", np, np == 1 ? "" : "s",
			     buf_str(&problems));
		/* Drop the trailing newline. */
		if (e && e->msg[0] && e->msg[strlen(e->msg) - 1] == '\n')
			e->msg[strlen(e->msg) - 1] = '\0';
		goto out;
	}
	if ((a = arena_new()) == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	/* Stored as the text it was, byte for byte: the round is frozen to it. */
	instrument_digest(json, len, digest);
	si.key = ins->id;
	si.version = ins->version;
	si.digest = digest;
	si.body = arena_strndup(a, json, len);
	if (si.body == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = core_invitation_make(c, a, 0, "self", NULL, NULL, &self, e)) != AZ_OK)
		goto out;
	r.leader_id = leader_id;
	r.opens_on = opens_on;
	r.closes_on = closes_on;
	if ((rc = c->st->ops->round_add(c->st, &r, &si, &self, e)) != AZ_OK)
		goto out;
	*id = r.id;
out:
	buf_reset(&problems);
	instrument_free(ins);
	arena_free(a);
	return rc;
}

/* After a round moved on: queue what goes with it when the instance
 * sends e-mail. The move stands when queueing fails (it can be done again,
 * nothing is queued twice); the message says so. */
static int queue_after(struct core *c, int64_t id,
		       int (*queue)(struct core *, int64_t, size_t *, struct err *), const char *what,
		       const char *cmd, struct err *e)
{
	size_t n;
	int rc;

	if (!c->mail || (rc = queue(c, id, &n, e)) == AZ_OK)
		return AZ_OK;
	err_prefix(e, "round %lld moved on, but %s could not be queued (queue them again with "
		   "`aanwezig %s %lld`)", (long long)id, what, cmd, (long long)id);
	return rc;
}

int core_round_open(struct core *c, int64_t id, const char *closes_on, struct err *e)
{
	struct arena *a = arena_new();
	struct round r;
	char today[11];
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = check_date(closes_on, "the closing date", e)) != AZ_OK)
		goto out;
	if ((rc = c->st->ops->round_get(c->st, a, id, &r, e)) != AZ_OK)
		goto out;
	/* The rule for every front: a list that needs approval is approved
	 * before any invitation goes out. */
	if (r.state == ROUND_DRAFT && r.needs_approval && r.nomination != NOM_APPROVED) {
		rc = err_set(e, AZ_ESTATE, "round %lld needs its list of people to invite approved "
			     "before it opens", (long long)id);
		goto out;
	}
	date_today(today);
	if (closes_on == NULL)
		closes_on = r.closes_on;
	if (closes_on != NULL && strcmp(closes_on, today) < 0) {
		rc = err_set(e, AZ_EINVAL, "the closing date %s has passed; give a later one with --closes",
			     closes_on);
		goto out;
	}
	if ((rc = c->st->ops->round_transition(c->st, id, ROUND_DRAFT, ROUND_OPEN,
					       r.opens_on ? NULL : today, closes_on, e)) != AZ_OK)
		goto out;
	rc = queue_after(c, id, core_round_invite, "its invitations", "round invite", e);
out:
	arena_free(a);
	return rc;
}

int core_round_close(struct core *c, int64_t id, struct err *e)
{
	return c->st->ops->round_transition(c->st, id, ROUND_OPEN, ROUND_CLOSED, NULL, NULL, e);
}

int core_round_release(struct core *c, int64_t id, struct err *e)
{
	int rc = c->st->ops->round_transition(c->st, id, ROUND_CLOSED, ROUND_RELEASED, NULL, NULL, e);

	if (rc != AZ_OK)
		return rc;
	return queue_after(c, id, core_report_notice, "the leader's notice", "round notify", e);
}

int core_round_load(struct core *c, struct arena *a, int64_t id, struct round_view *v, struct err *e)
{
	struct group_count *counts;
	size_t n;
	int rc;

	memset(v, 0, sizeof *v);
	if ((rc = c->st->ops->round_get(c->st, a, id, &v->round, e)) != AZ_OK ||
	    (rc = c->st->ops->leader_get(c->st, a, v->round.leader_id, &v->leader, e)) != AZ_OK ||
	    (rc = core_round_instrument(c, a, &v->round, &v->stored, &v->ins, e)) != AZ_OK ||
	    (rc = c->st->ops->group_counts(c->st, a, id, &counts, &n, e)) != AZ_OK) {
		round_view_reset(v);
		return rc;
	}
	/* One count per group of the instrument, in its order, zeros included. */
	v->counts = arena_calloc(a, (size_t)v->ins->ngroup, sizeof *v->counts);
	if (v->counts == NULL) {
		round_view_reset(v);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	v->ncount = (size_t)v->ins->ngroup;
	for (int g = 0; g < v->ins->ngroup; g++) {
		v->counts[g].group_id = v->ins->groups[g].id;
		for (size_t k = 0; k < n; k++)
			if (strcmp(counts[k].group_id, v->ins->groups[g].id) == 0)
				v->counts[g] = counts[k];
	}
	return AZ_OK;
}

void round_view_reset(struct round_view *v)
{
	memset(v, 0, sizeof *v);
}
