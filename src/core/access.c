/* access.c — who may do what to a round, checked in one place, and the
 * round actions of the web, each checked, done and audited.
 *
 * The rule: an administrator may run every round but never read a report
 * (an export follows the anonymity rules; a report is the leader's); a
 * leader account may use the rounds of its own leader; a coach only the
 * rounds shared with it, and only to read the released report and approve
 * the list. A round that does not exist is "not found" for everyone; one
 * that exists but is not the actor's is "denied", and the attempt goes
 * into the audit log. Round numbers are small sequential integers, so
 * telling the two apart reveals nothing that counting would not.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/text.h"
#include "core_internal.h"
#include "core_mail.h"

static const char *const use_names[] = {
	[USE_VIEW] = "view", [USE_LIST] = "list", [USE_NOMINATE] = "nominate",
	[USE_APPROVE] = "approve", [USE_RUN] = "run", [USE_MANAGE] = "manage",
	[USE_REPORT] = "report", [USE_SHARE] = "share",
};

/* Which roles may do a use at all; ownership is checked besides. */
static const int use_roles[] = {
	[USE_VIEW] = ROLE_ADMIN | ROLE_LEADER,
	[USE_LIST] = ROLE_ADMIN | ROLE_LEADER | ROLE_COACH,
	[USE_NOMINATE] = ROLE_ADMIN | ROLE_LEADER,
	[USE_APPROVE] = ROLE_ADMIN | ROLE_COACH,
	[USE_RUN] = ROLE_ADMIN | ROLE_LEADER,
	[USE_MANAGE] = ROLE_ADMIN,
	[USE_REPORT] = ROLE_LEADER | ROLE_COACH,
	[USE_SHARE] = ROLE_ADMIN | ROLE_LEADER,
};

const char *round_use_name(int use)
{
	if (use < 0 || use > USE_SHARE)
		return "?";
	return use_names[use];
}

/* The command line: no account and no client address. A web request
 * always has a client address, so a web actor without an account (someone
 * not logged in) is never taken for the command line. */
static int is_cli(const struct actor *who)
{
	return who == NULL || (who->user_id == 0 && who->client == NULL);
}

int core_actor_account(struct core *c, struct arena *a, const struct actor *who, struct user *out,
		       struct err *e)
{
	int rc;

	memset(out, 0, sizeof *out);
	if (is_cli(who)) {
		out->role = ROLE_ADMIN | ROLE_LEADER | ROLE_COACH;
		out->email = "cli";
		return AZ_OK;
	}
	if (who->user_id <= 0)
		return err_set(e, AZ_EDENIED, "not logged in");
	rc = c->st->ops->user_get(c->st, a, who->user_id, out, e);
	if (rc == AZ_ENOTFOUND)
		return err_set(e, AZ_EDENIED, "the account no longer exists");
	return rc;
}

int core_actor_is(struct core *c, const struct actor *who, int roles)
{
	struct arena *a;
	struct user u;
	struct err e = {0};
	int is;

	if (is_cli(who))
		return 1;
	if ((a = arena_new()) == NULL)
		return 0;
	is = core_actor_account(c, a, who, &u, &e) == AZ_OK && (u.role & roles) != 0;
	arena_free(a);
	return is;
}

/* Record a refusal; a failure to record it does not change the answer. */
static int denied(struct core *c, const struct actor *who, int64_t round_id, int use, struct err *e)
{
	char object[32];
	struct err ae = {0};

	snprintf(object, sizeof object, "round %lld", (long long)round_id);
	core_audit(c, who, "access.denied", object, round_use_name(use), &ae);
	return err_set(e, AZ_EDENIED, "round %lld is not yours to %s", (long long)round_id,
		       round_use_name(use));
}

int core_round_access(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
		      int use, struct round *out, struct err *e)
{
	struct round r;
	struct user u;
	int rc, shared = 0;

	if (use < 0 || use > USE_SHARE)
		return err_set(e, AZ_EINVAL, "unknown use %d", use);
	if ((rc = c->st->ops->round_get(c->st, a, round_id, &r, e)) != AZ_OK)
		return rc;
	if (out != NULL)
		*out = r;
	if (is_cli(who))
		return AZ_OK;
	rc = core_actor_account(c, a, who, &u, e);
	if (rc == AZ_EDENIED || (rc == AZ_OK && (u.role & use_roles[use]) == 0))
		return denied(c, who, round_id, use, e);
	if (rc != AZ_OK)
		return rc;
	switch (u.role) {
	case ROLE_ADMIN:
		return AZ_OK;
	case ROLE_LEADER:
		if (u.leader_id > 0 && u.leader_id == r.leader_id)
			return AZ_OK;
		return denied(c, who, round_id, use, e);
	case ROLE_COACH:
		if ((rc = c->st->ops->share_exists(c->st, round_id, u.id, &shared, e)) != AZ_OK)
			return rc;
		if (shared)
			return AZ_OK;
		return denied(c, who, round_id, use, e);
	}
	return denied(c, who, round_id, use, e);
}

/* Audit an action on a round; a failure to record it is returned, since
 * an administrative action must not go unrecorded. */
static int audit_round(struct core *c, const struct actor *who, const char *action, int64_t round_id,
		       const char *detail, struct err *e)
{
	char object[32];

	snprintf(object, sizeof object, "round %lld", (long long)round_id);
	return core_audit(c, who, action, object, detail, e);
}

int core_round_start(struct core *c, const struct actor *who, int64_t round_id, const char *closes_on,
		     struct err *e)
{
	struct arena *a = arena_new();
	struct round r;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_access(c, a, who, round_id, USE_RUN, &r, e)) != AZ_OK)
		goto out;
	if (!core_actor_is(c, who, ROLE_ADMIN) && r.nomination == NOM_OPEN) {
		rc = err_set(e, AZ_ESTATE, "the list of people to invite has not been handed in yet");
		goto out;
	}
	/* core_round_open keeps the approval rule for every front, and
	 * queues the invitations when the instance sends e-mail. The move is
	 * audited even when queueing failed after it: the round is open. */
	rc = core_round_open(c, round_id, closes_on, e);
	if (rc == AZ_OK || (c->st->ops->round_get(c->st, a, round_id, &r, &(struct err){0}) == AZ_OK &&
			    r.state == ROUND_OPEN)) {
		struct err ae = {0};
		int arc = audit_round(c, who, "round.open", round_id, closes_on, &ae);
		if (rc == AZ_OK && arc != AZ_OK) {
			*e = ae;
			rc = arc;
		}
	}
out:
	arena_free(a);
	return rc;
}

int core_round_requeue(struct core *c, const struct actor *who, int64_t round_id, size_t *queued,
		       struct err *e)
{
	struct arena *a = arena_new();
	struct round r;
	size_t nq = 0;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_access(c, a, who, round_id, USE_MANAGE, &r, e)) != AZ_OK)
		goto out;
	if (r.state != ROUND_OPEN) {
		rc = err_set(e, AZ_ESTATE, "round %lld is %s; invitations go out while it is open",
			     (long long)round_id, round_state_name(r.state));
		goto out;
	}
	if ((rc = core_round_invite(c, round_id, &nq, e)) == AZ_OK)
		rc = audit_round(c, who, "round.invite", round_id, arena_printf(a, "%zu queued", nq), e);
out:
	if (queued != NULL)
		*queued = nq;
	arena_free(a);
	return rc;
}

/* close and release: one access check, one transition, one audit entry. */
static int round_move(struct core *c, const struct actor *who, int64_t round_id, int use,
		      int (*move)(struct core *, int64_t, struct err *), const char *action, struct err *e)
{
	struct arena *a = arena_new();
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_access(c, a, who, round_id, use, NULL, e)) == AZ_OK &&
	    (rc = move(c, round_id, e)) == AZ_OK)
		rc = audit_round(c, who, action, round_id, NULL, e);
	arena_free(a);
	return rc;
}

int core_round_stop(struct core *c, const struct actor *who, int64_t round_id, struct err *e)
{
	return round_move(c, who, round_id, USE_RUN, core_round_close, "round.close", e);
}

int core_round_publish(struct core *c, const struct actor *who, int64_t round_id, struct err *e)
{
	return round_move(c, who, round_id, USE_MANAGE, core_round_release, "round.release", e);
}

int core_round_create(struct core *c, const struct actor *who, int64_t leader_id, const char *closes_on,
		      int needs_approval, const char *reminders, int64_t *id, struct err *e)
{
	struct arena *a;
	struct leader l;
	char today[11];
	int rc;

	if (!core_actor_is(c, who, ROLE_ADMIN))
		return err_set(e, AZ_EDENIED, "only an administrator starts rounds");
	if (closes_on == NULL || !date_valid(closes_on))
		return err_set(e, AZ_EINVAL, "the deadline must be a date written YYYY-MM-DD");
	date_today(today);
	if (strcmp(closes_on, today) < 0)
		return err_set(e, AZ_EINVAL, "the deadline %s has passed", closes_on);
	if (reminders == NULL)
		reminders = "";
	if (!core_reminders_valid(reminders))
		return err_set(e, AZ_EINVAL, "reminder days are numbers 1 to 365 with commas between, such as 7,2");
	if ((a = arena_new()) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = c->st->ops->leader_get(c->st, a, leader_id, &l, e)) == AZ_OK &&
	    (rc = core_round_new(c, leader_id, NULL, 0, NULL, NULL, closes_on, id, e)) == AZ_OK &&
	    (rc = c->st->ops->round_settings(c->st, *id, needs_approval != 0, reminders, e)) == AZ_OK)
		rc = audit_round(c, who, "round.add", *id, arena_printf(a, "leader %lld", (long long)leader_id), e);
	arena_free(a);
	return rc;
}

int core_round_configure(struct core *c, const struct actor *who, int64_t round_id, int needs_approval,
			 const char *reminders, struct err *e)
{
	struct arena *a = arena_new();
	struct round r;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_access(c, a, who, round_id, USE_MANAGE, &r, e)) != AZ_OK)
		goto out;
	if (reminders == NULL)
		reminders = "";
	if (!core_reminders_valid(reminders)) {
		rc = err_set(e, AZ_EINVAL, "reminder days are numbers 1 to 365 with commas between, such as 7,2");
		goto out;
	}
	if (r.state == ROUND_RELEASED) {
		rc = err_set(e, AZ_ESTATE, "round %lld is released; its settings no longer change", (long long)round_id);
		goto out;
	}
	if ((rc = c->st->ops->round_settings(c->st, round_id, needs_approval != 0, reminders, e)) == AZ_OK)
		rc = audit_round(c, who, "round.settings", round_id,
				 arena_printf(a, "approval %s, reminders %s", needs_approval ? "yes" : "no",
					      reminders[0] ? reminders : "none"), e);
out:
	arena_free(a);
	return rc;
}

int core_round_import(struct core *c, const struct actor *who, int64_t round_id, const char *data, size_t n,
		      size_t *count, struct import_report *rep, struct err *e)
{
	struct arena *a = arena_new();
	int rc;

	*count = 0;
	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_access(c, a, who, round_id, USE_MANAGE, NULL, e)) == AZ_OK &&
	    (rc = core_rater_import_report(c, round_id, data, n, "the pasted list", count, rep, e)) == AZ_OK)
		rc = audit_round(c, who, "rater.import", round_id, arena_printf(a, "%zu added", *count), e);
	arena_free(a);
	return rc;
}

/* Whether leader_id logs in with an account of its own. */
static int leader_has_account(struct core *c, struct arena *a, int64_t leader_id, int *has, struct err *e)
{
	struct user *u;
	size_t n;
	int rc;

	*has = 0;
	if ((rc = c->st->ops->user_list(c->st, a, &u, &n, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (u[i].role == ROLE_LEADER && u[i].leader_id == leader_id)
			*has = 1;
	return AZ_OK;
}

int core_round_links_for(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
			 struct link **out, size_t *n, struct err *e)
{
	struct round r;
	int has, rc;

	if ((rc = core_round_access(c, a, who, round_id, USE_MANAGE, &r, e)) != AZ_OK ||
	    (rc = core_round_links(c, a, round_id, out, n, e)) != AZ_OK ||
	    (rc = leader_has_account(c, a, r.leader_id, &has, e)) != AZ_OK)
		return rc;
	/* A leader with an account finds their own link on their own page;
	 * nobody else needs it, and whoever has it reads their self-reflection
	 * in progress. */
	if (has && *n > 0 && strcmp((*out)[0].group_id, "self") == 0) {
		(*out)++;
		(*n)--;
	}
	return audit_round(c, who, "round.links", round_id, NULL, e);
}

int core_round_self_link(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
			 const char **url, struct err *e)
{
	struct link *l;
	size_t n;
	int rc;

	if ((rc = core_round_access(c, a, who, round_id, USE_VIEW, NULL, e)) != AZ_OK ||
	    (rc = core_round_links(c, a, round_id, &l, &n, e)) != AZ_OK)
		return rc;
	/* The leader's own link comes first. */
	if (n == 0 || strcmp(l[0].group_id, "self") != 0)
		return err_set(e, AZ_ENOTFOUND, "round %lld has no link for its leader", (long long)round_id);
	*url = l[0].url;
	return AZ_OK;
}

int core_round_export(struct core *c, const struct actor *who, int64_t round_id, struct buf *out,
		      struct err *e)
{
	struct arena *a = arena_new();
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_access(c, a, who, round_id, USE_MANAGE, NULL, e)) == AZ_OK &&
	    (rc = core_export_long_csv(c, round_id, out, e)) == AZ_OK)
		rc = audit_round(c, who, "round.export", round_id, NULL, e);
	arena_free(a);
	return rc;
}

int core_report_for(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
		    struct report *out, struct err *e)
{
	struct round r;
	int rc;

	if ((rc = core_round_access(c, a, who, round_id, USE_REPORT, &r, e)) != AZ_OK)
		return rc;
	if (r.state != ROUND_RELEASED)
		return err_set(e, AZ_ESTATE, "the report of round %lld has not been released", (long long)round_id);
	return core_report(c, a, round_id, out, e);
}

int core_round_share(struct core *c, const struct actor *who, int64_t round_id, const char *coach_email,
		     int shared, struct err *e)
{
	struct arena *a = arena_new();
	struct user coach;
	char mail[256];
	const char *why;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_access(c, a, who, round_id, USE_SHARE, NULL, e)) != AZ_OK)
		goto out;
	if (coach_email == NULL || email_normalise(coach_email, mail, sizeof mail, &why) != 0) {
		rc = err_set(e, AZ_EINVAL, "choose a coach");
		goto out;
	}
	rc = c->st->ops->user_by_email(c->st, a, mail, &coach, e);
	if (rc == AZ_ENOTFOUND || (rc == AZ_OK && coach.role != ROLE_COACH)) {
		rc = err_set(e, AZ_EINVAL, "there is no coach with the e-mail address %s", mail);
		goto out;
	}
	if (rc == AZ_OK && (rc = c->st->ops->share_set(c->st, round_id, coach.id, shared, e)) == AZ_OK)
		rc = audit_round(c, who, shared ? "share.add" : "share.remove", round_id,
				 arena_printf(a, "user %lld", (long long)coach.id), e);
out:
	arena_free(a);
	return rc;
}

int core_coach_rounds(struct core *c, struct arena *a, const struct actor *who, struct shared_round **out,
		      size_t *n, struct err *e)
{
	struct round *all;
	size_t nall, k = 0;
	int rc;

	struct user u;

	*out = NULL;
	*n = 0;
	if ((rc = core_actor_account(c, a, who, &u, e)) != AZ_OK)
		return rc;
	if (u.role != ROLE_COACH)
		return err_set(e, AZ_EDENIED, "only a coach has rounds shared with them");
	if ((rc = c->st->ops->round_list(c->st, a, 0, &all, &nall, e)) != AZ_OK)
		return rc;
	if ((*out = arena_calloc(a, nall + 1, sizeof **out)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	/* One look-up per round: a coach's page, not a hot path. */
	for (size_t i = nall; i-- > 0;) {
		int shared = 0;
		if ((rc = c->st->ops->share_exists(c->st, all[i].id, u.id, &shared, e)) != AZ_OK)
			return rc;
		if (!shared)
			continue;
		(*out)[k].round = all[i];
		if ((rc = c->st->ops->leader_get(c->st, a, all[i].leader_id, &(*out)[k].leader, e)) != AZ_OK)
			return rc;
		k++;
	}
	*n = k;
	return AZ_OK;
}

int core_coaches(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
		 struct user **out, size_t *n, struct user **shared, size_t *nshared, struct err *e)
{
	struct user *all;
	size_t nall, k = 0;
	int rc;

	if ((rc = core_round_access(c, a, who, round_id, USE_SHARE, NULL, e)) != AZ_OK ||
	    (rc = c->st->ops->user_list(c->st, a, &all, &nall, e)) != AZ_OK ||
	    (rc = c->st->ops->share_list(c->st, a, round_id, shared, nshared, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; i < nall; i++)
		if (all[i].role == ROLE_COACH)
			all[k++] = all[i];
	*out = all;
	*n = k;
	return AZ_OK;
}

/* 1 for an invitation message (its key is "invite:ID"). */
static int is_invitation_mail(const struct mail *m)
{
	return m->key != NULL && strncmp(m->key, "invite:", 7) == 0;
}

int core_round_outbox(struct core *c, struct arena *a, const struct actor *who, int64_t round_id,
		      struct mail **out, size_t *n, struct outbox_counts *counts, struct err *e)
{
	struct mail *all;
	size_t nall, k = 0;
	int rc;

	memset(counts, 0, sizeof *counts);
	if ((rc = core_round_access(c, a, who, round_id, USE_MANAGE, NULL, e)) != AZ_OK ||
	    (rc = c->st->ops->outbox_list(c->st, a, round_id, &all, &nall, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; i < nall; i++) {
		if (!is_invitation_mail(&all[i]))
			continue;
		switch (all[i].state) {
		case MAIL_QUEUED: counts->queued++; break;
		case MAIL_SENDING: counts->sending++; break;
		case MAIL_SENT: counts->sent++; break;
		case MAIL_FAILED: counts->failed++; break;
		}
		all[k++] = all[i];
	}
	*out = all;
	*n = k;
	return AZ_OK;
}

int core_round_outbox_retry(struct core *c, const struct actor *who, int64_t round_id, int64_t mail_id,
			    struct err *e)
{
	struct arena *a = arena_new();
	struct mail *m;
	struct outbox_counts counts;
	size_t n, i;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = core_round_outbox(c, a, who, round_id, &m, &n, &counts, e)) != AZ_OK)
		goto out;
	for (i = 0; i < n; i++)
		if (m[i].id == mail_id)
			break;
	if (i == n) {
		rc = err_set(e, AZ_ENOTFOUND, "round %lld has no invitation message %lld", (long long)round_id,
			     (long long)mail_id);
		goto out;
	}
	if (m[i].state != MAIL_FAILED) {
		rc = err_set(e, AZ_ESTATE, "message %lld has not failed", (long long)mail_id);
		goto out;
	}
	if ((rc = c->st->ops->outbox_retry(c->st, mail_id, (int64_t)time(NULL), e)) == AZ_OK)
		rc = audit_round(c, who, "outbox.retry", round_id, arena_printf(a, "message %lld", (long long)mail_id), e);
out:
	arena_free(a);
	return rc;
}
