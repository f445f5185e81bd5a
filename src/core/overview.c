/* overview.c — what the web's start pages list: leaders with their rounds
 * and progress, new leaders with their accounts, and the audit log. */
#include "core.h"

#include <stdio.h>
#include <string.h>

#include "../util/text.h"
#include "core_internal.h"

/* The rounds of leader l with their progress, into s. */
static int summarise(struct core *c, struct arena *a, const struct leader *l, const struct user *users,
		     size_t nuser, struct leader_summary *s, struct err *e)
{
	struct round *r;
	size_t nr;
	int rc;

	memset(s, 0, sizeof *s);
	s->leader = *l;
	for (size_t i = 0; i < nuser; i++)
		if (users[i].role == ROLE_LEADER && users[i].leader_id == l->id)
			s->account = users[i].email;
	if ((rc = c->st->ops->round_list(c->st, a, l->id, &r, &nr, e)) != AZ_OK)
		return rc;
	if ((s->rounds = arena_calloc(a, nr + 1, sizeof *s->rounds)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < nr; i++) {
		struct round_summary *rs = &s->rounds[s->nround];
		if ((rc = core_round_load(c, a, r[i].id, &rs->view, e)) != AZ_OK)
			return rc;
		if (core_progress_of(a, &rs->view, &rs->progress) != AZ_OK)
			return err_set(e, AZ_ENOMEM, "out of memory");
		s->nround++;
	}
	return AZ_OK;
}

int core_overview(struct core *c, struct arena *a, const struct actor *who, int64_t leader_id,
		  struct leader_summary **out, size_t *n, struct err *e)
{
	struct leader *l, one;
	struct user *users = NULL, me;
	size_t nl, nuser = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = core_actor_account(c, a, who, &me, e)) != AZ_OK)
		return rc;
	if ((me.role & ROLE_ADMIN) == 0) {
		if (me.role != ROLE_LEADER || me.leader_id <= 0 || (leader_id != 0 && leader_id != me.leader_id))
			return err_set(e, AZ_EDENIED, "this account has no leaders to list");
		leader_id = me.leader_id;
	} else if ((rc = c->st->ops->user_list(c->st, a, &users, &nuser, e)) != AZ_OK) {
		return rc;
	}
	if (leader_id > 0) {
		if ((rc = c->st->ops->leader_get(c->st, a, leader_id, &one, e)) != AZ_OK)
			return rc;
		l = &one;
		nl = 1;
	} else if ((rc = c->st->ops->leader_list(c->st, a, &l, &nl, e)) != AZ_OK) {
		return rc;
	}
	if ((*out = arena_calloc(a, nl + 1, sizeof **out)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < nl; i++)
		if ((rc = summarise(c, a, &l[i], users, nuser, &(*out)[i], e)) != AZ_OK)
			return rc;
	*n = nl;
	return AZ_OK;
}

int core_leader_create(struct core *c, const struct actor *who, const char *name, const char *email,
		       const char *organisation, const char *language, int account, int64_t *id,
		       struct err *e)
{
	struct arena *a;
	struct user exists;
	int64_t user_id;
	char mail[256], object[32];
	const char *why;
	int rc;

	if (!core_actor_is(c, who, ROLE_ADMIN))
		return err_set(e, AZ_EDENIED, "only an administrator adds leaders");
	if (email_normalise(email, mail, sizeof mail, &why) != 0)
		return err_set(e, AZ_EINVAL, "the e-mail address \"%.100s\" %s", email, why);
	if ((a = arena_new()) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	/* Refuse before anything is stored, so that a taken account never
	 * leaves a leader without one. */
	if (account) {
		rc = c->st->ops->user_by_email(c->st, a, mail, &exists, e);
		if (rc == AZ_OK)
			rc = err_set(e, AZ_EDUP, "there is an account with the e-mail address %s already", mail);
		if (rc != AZ_ENOTFOUND)
			goto out;
	}
	if ((rc = core_leader_add(c, name, mail, organisation, language, id, e)) != AZ_OK)
		goto out;
	snprintf(object, sizeof object, "leader %lld", (long long)*id);
	if ((rc = core_audit(c, who, "leader.add", object, NULL, e)) != AZ_OK || !account)
		goto out;
	/* A leader account without a password logs in by link (account.c). */
	rc = core_user_add(c, who, mail, name, ROLE_LEADER, *id, NULL, language != NULL ? language : "nl",
			   &user_id, e);
out:
	arena_free(a);
	return rc;
}

int core_audit_page(struct core *c, struct arena *a, const struct actor *who, int64_t before_id,
		    size_t limit, struct audit_entry **out, size_t *n, struct err *e)
{
	if (!core_actor_is(c, who, ROLE_ADMIN))
		return err_set(e, AZ_EDENIED, "only an administrator reads the audit log");
	return c->st->ops->audit_list(c->st, a, before_id, limit, out, n, e);
}

int core_accounts(struct core *c, struct arena *a, const struct actor *who, struct user **out, size_t *n,
		  struct err *e)
{
	*out = NULL;
	*n = 0;
	if (!core_actor_is(c, who, ROLE_ADMIN))
		return err_set(e, AZ_EDENIED, "only an administrator lists the accounts");
	return c->st->ops->user_list(c->st, a, out, n, e);
}
