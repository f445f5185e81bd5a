/* privacy.c — a leader's data on request (the GDPR's right of access and
 * to data portability) and erasing a leader with everything about them.
 *
 * The export holds what the instance knows about the leader: their record,
 * their accounts, their rounds with settings, their own answers, the people
 * they invited (names, addresses, groups: never who answered), and the
 * figures of each closed round's report as the anonymity rules allow
 * (the same figures `aanwezig report --format json` gives). Never a single
 * rater's answers.
 */
#include "core.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../render/json.h"
#include "../util/text.h"
#include "core_internal.h"
#include "core_mail.h"

/* A JSON string, or null for NULL. */
static json_t *jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *leader_json(const struct leader *l)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(l->id));
	json_object_set_new(o, "name", jstr(l->name));
	json_object_set_new(o, "email", jstr(l->email));
	json_object_set_new(o, "organisation", jstr(l->organisation));
	json_object_set_new(o, "language", jstr(l->language));
	json_object_set_new(o, "created_at", jstr(l->created_at));
	return o;
}

/* The leader's accounts (no password hashes: they are no one's data to
 * take away, and they are secrets). */
static int accounts_json(struct core *c, struct arena *a, int64_t leader_id, json_t *arr, struct err *e)
{
	struct user *u;
	size_t n;
	int rc;

	if ((rc = c->st->ops->user_list(c->st, a, &u, &n, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		json_t *o;
		if (u[i].leader_id != leader_id)
			continue;
		o = json_object();
		json_object_set_new(o, "id", json_integer(u[i].id));
		json_object_set_new(o, "email", jstr(u[i].email));
		json_object_set_new(o, "name", jstr(u[i].name));
		json_object_set_new(o, "role", jstr(user_role_name(u[i].role)));
		json_object_set_new(o, "language", jstr(u[i].language));
		json_object_set_new(o, "created_at", json_integer(u[i].created_at));
		json_array_append_new(arr, o);
	}
	return AZ_OK;
}

/* The leader's own response of a round, or null. */
static int self_json(struct core *c, struct arena *a, int64_t round_id, json_t **out, struct err *e)
{
	struct response *r;
	size_t n;
	int rc;

	*out = json_null();
	if ((rc = c->st->ops->response_list(c->st, a, round_id, &r, &n, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		json_t *o, *ans, *open;
		if (strcmp(r[i].group_id, "self") != 0)
			continue;
		o = json_object();
		ans = json_object();
		open = json_object();
		for (size_t k = 0; k < r[i].nanswer; k++)
			json_object_set_new(ans, r[i].answers[k].item_id, r[i].answers[k].score > 0
					    ? json_integer(r[i].answers[k].score) : json_null());
		for (size_t k = 0; k < r[i].ntext; k++)
			json_object_set_new(open, r[i].texts[k].question_id, jstr(r[i].texts[k].text));
		json_object_set_new(o, "submitted_on", jstr(r[i].submitted_on));
		json_object_set_new(o, "answers", ans);
		json_object_set_new(o, "open", open);
		json_decref(*out);
		*out = o;
	}
	return AZ_OK;
}

/* Who was invited: name, address, group. Not the invitation's state,
 * which would tell who answered. */
static int invited_json(struct core *c, struct arena *a, int64_t round_id, json_t *arr, struct err *e)
{
	struct invitation *inv;
	size_t n;
	int rc;

	if ((rc = c->st->ops->invitation_list(c->st, a, round_id, &inv, &n, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		json_t *o;
		if (strcmp(inv[i].group_id, "self") == 0 || inv[i].state == INV_REVOKED)
			continue;
		o = json_object();
		json_object_set_new(o, "name", jstr(inv[i].name));
		json_object_set_new(o, "email", jstr(inv[i].email));
		json_object_set_new(o, "group", jstr(inv[i].group_id));
		json_array_append_new(arr, o);
	}
	return AZ_OK;
}

/* The report's figures of a closed round, as `report --format json`. */
static int report_json(struct core *c, struct arena *a, int64_t round_id, json_t **out, struct err *e)
{
	struct report rep;
	struct stats_analysis an;
	struct buf b;
	json_error_t je;
	int rc;

	*out = NULL;
	if ((rc = core_report(c, a, round_id, &rep, e)) != AZ_OK)
		return rc;
	memset(&an, 0, sizeof an);
	an.cfg.threshold = rep.profile.threshold;
	an.cfg.blind_spot = 0.5;
	an.design = &rep.design;
	an.profiles = &rep.profile;
	an.nprofile = 1;
	buf_init(&b);
	if ((rc = render_json_analysis(&an, &b, e)) == AZ_OK &&
	    (*out = json_loadb(buf_str(&b), b.len, 0, &je)) == NULL)
		rc = err_set(e, AZ_ENOMEM, "the report's figures could not be read back: %s", je.text);
	buf_reset(&b);
	return rc;
}

static int round_json(struct core *c, struct arena *a, const struct round *r, json_t **out, struct err *e)
{
	json_t *o = json_object(), *invited = json_array(), *self = NULL, *report = NULL;
	struct stored_instrument si;
	const struct instrument *ins;
	int rc;

	*out = o;
	if ((rc = core_round_instrument(c, a, r, &si, &ins, e)) != AZ_OK ||
	    (rc = self_json(c, a, r->id, &self, e)) != AZ_OK ||
	    (rc = invited_json(c, a, r->id, invited, e)) != AZ_OK)
		goto out;
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "state", jstr(round_state_name(r->state)));
	json_object_set_new(o, "created_at", jstr(r->created_at));
	json_object_set_new(o, "opens_on", jstr(r->opens_on));
	json_object_set_new(o, "closes_on", jstr(r->closes_on));
	json_object_set_new(o, "closed_at", jstr(r->closed_at));
	json_object_set_new(o, "needs_approval", json_boolean(r->needs_approval));
	json_object_set_new(o, "reminders", jstr(r->reminders));
	json_object_set_new(o, "instrument", json_pack("{s:s, s:s, s:s}", "id", si.key, "version",
						       si.version, "digest", si.digest));
	json_object_set_new(o, "self", self);
	self = NULL;
	json_object_set_new(o, "invited", invited);
	invited = NULL;
	if (r->state == ROUND_CLOSED || r->state == ROUND_RELEASED) {
		struct err re = {0};
		if (report_json(c, a, r->id, &report, &re) == AZ_OK)
			json_object_set_new(o, "report", report);
		else if (re.code == AZ_EANON || re.code == AZ_ESTATE)
			json_object_set_new(o, "report", json_pack("{s:s}", "withheld", re.msg));
		else
			rc = err_set(e, re.code, "%s", re.msg);
	}
out:
	json_decref(self);
	json_decref(invited);
	return rc;
}

int core_privacy_export(struct core *c, int64_t leader_id, struct buf *out, struct err *e)
{
	struct arena *a = arena_new();
	struct leader l;
	struct round *r;
	size_t n;
	json_t *doc = json_object(), *accounts = json_array(), *rounds = json_array();
	char now[21], *text = NULL;
	int rc;

	if (a == NULL || doc == NULL || accounts == NULL || rounds == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = c->st->ops->leader_get(c->st, a, leader_id, &l, e)) != AZ_OK ||
	    (rc = accounts_json(c, a, leader_id, accounts, e)) != AZ_OK ||
	    (rc = c->st->ops->round_list(c->st, a, leader_id, &r, &n, e)) != AZ_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		json_t *one = NULL;
		rc = round_json(c, a, &r[i], &one, e);
		json_array_append_new(rounds, one);
		if (rc != AZ_OK)
			goto out;
	}
	time_now(now);
	json_object_set_new(doc, "format", json_string("aanwezig-privacy-export-1"));
	json_object_set_new(doc, "exported_at", json_string(now));
	json_object_set_new(doc, "leader", leader_json(&l));
	json_object_set_new(doc, "accounts", accounts);
	json_object_set_new(doc, "rounds", rounds);
	accounts = rounds = NULL;
	if ((text = json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII)) == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	buf_puts(out, text);
	buf_putc(out, '\n');
	if (out->failed)
		rc = err_set(e, AZ_ENOMEM, "out of memory");
out:
	free(text);
	json_decref(doc);
	json_decref(accounts);
	json_decref(rounds);
	arena_free(a);
	return rc;
}

int core_privacy_erase(struct core *c, const struct actor *who, int64_t leader_id, struct err *e)
{
	char object[32];
	int rc;

	if ((rc = c->st->ops->leader_erase(c->st, leader_id, e)) != AZ_OK)
		return rc;
	/* The log keeps that it happened, not whom it was about beyond the
	 * number, which now refers to nothing. */
	snprintf(object, sizeof object, "leader %lld", (long long)leader_id);
	return core_audit(c, who, "privacy.erase", object, NULL, e);
}
