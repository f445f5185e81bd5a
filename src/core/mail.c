/* mail.c — queueing e-mail: invitations, reminders, login links and the
 * notice that a report is ready.
 *
 * Every message is composed now and recorded in the outbox under a key
 * that names what it is ("invite:12", "remind:12:d7", "report:4",
 * "login:<nonce>"); the store skips a key it already holds, so a message is
 * queued at most once however often this runs. Every message with a link
 * (an invitation, a report, a one-time login link) carries MAIL_LINK_MARK
 * instead: the sender (outbox.c) derives the link when it sends, so the
 * outbox never holds one.
 */
#include "core.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../profile/anonymity.h"
#include "../render/mail.h"
#include "core_internal.h"
#include "core_mail.h"

/* The language of a message to an invitee: theirs, else the leader's. */
static const char *invitee_lang(const struct invitation *inv, const struct leader *l)
{
	const char *lang = inv->language != NULL && inv->language[0] ? inv->language : l->language;

	return lang != NULL && strcmp(lang, "en") == 0 ? "en" : "nl";
}

/* About how long answering takes for an audience; the same estimate as
 * the questionnaire's first page. */
static int minutes_for(const struct instrument *ins, int audience)
{
	int nopen = 0;

	for (int q = 0; q < ins->nopen; q++)
		nopen += ins->opens[q].audience == audience;
	return (ins->nitem * 10 + nopen * 45 + 59) / 60;
}

/* Compose the invitation or reminder (kind) for inv into *m under key. */
static int invite_compose(struct arena *a, const struct round *r, const struct leader *l,
			  const struct instrument *ins, const struct invitation *inv, int kind,
			  const char *key, int64_t now, struct mail *m, struct err *e)
{
	struct mail_invite in = {0};
	struct mail_text t;
	int self = strcmp(inv->group_id, "self") == 0;
	int g = instrument_find_group(ins, inv->group_id);
	int rc;

	if (g < 0)
		return err_set(e, AZ_ESTORE, "invitation %lld names group \"%.40s\", which the round's "
			       "instrument lacks", (long long)inv->id, inv->group_id);
	in.lang = invitee_lang(inv, l);
	in.kind = kind;
	in.self = self;
	in.name = self ? l->name : inv->name;
	in.leader = l->name;
	in.organisation = l->organisation;
	in.group = self ? NULL : itext_get(ins, &ins->groups[g].label, in.lang);
	in.anonymous = ins->groups[g].anonymous;
	in.threshold = ins->groups[g].threshold < ANON_MIN_THRESHOLD ? ANON_MIN_THRESHOLD
								    : ins->groups[g].threshold;
	in.minutes = minutes_for(ins, self ? AUD_SELF : AUD_RATER);
	in.deadline = r->closes_on;
	in.note = self ? NULL : itext_get(ins, &ins->anonymity_note, in.lang);
	in.link = MAIL_LINK_MARK;
	if ((rc = mail_render_invite(a, &in, &t, e)) != AZ_OK)
		return rc;
	memset(m, 0, sizeof *m);
	m->key = key;
	m->round_id = r->id;
	m->invitation_id = inv->id;
	m->to = self ? l->email : inv->email;
	m->subject = t.subject;
	m->text = t.text;
	m->html = t.html;
	m->state = MAIL_QUEUED;
	m->next_at = now;
	m->created_at = now;
	return AZ_OK;
}

/* Whether an invitee gets a message of kind: not revoked, with somewhere
 * to send to (the leader's own goes to the leader's address), and for a
 * reminder not yet submitted. An invitation goes also to whoever already
 * answered by a link handed out before e-mail was set up: a list of
 * invitations to all but them would tell whoever reads the outbox who
 * answered. */
static int waiting(const struct invitation *inv, const struct leader *l, int kind)
{
	int self = strcmp(inv->group_id, "self") == 0;

	if (inv->state == INV_REVOKED || (kind != MAIL_INVITE && inv->state == INV_SUBMITTED))
		return 0;
	return self ? l->email != NULL && l->email[0] != '\0' : inv->email != NULL && inv->email[0] != '\0';
}

/* Queue one message of kind for every waiting invitee of an open round,
 * under the key "<prefix>:<invitation id><suffix>". */
static int queue_round(struct core *c, int64_t round_id, int kind, const char *suffix,
		       size_t *queued, struct err *e)
{
	struct arena *a = arena_new();
	struct round r;
	struct leader l;
	const struct instrument *ins;
	struct invitation *inv;
	struct mail *m = NULL;
	size_t ninv, nm = 0, added = 0;
	int64_t now = (int64_t)time(NULL);
	int rc;

	*queued = 0;
	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = c->st->ops->round_get(c->st, a, round_id, &r, e)) != AZ_OK)
		goto out;
	if (r.state != ROUND_OPEN) {
		rc = err_set(e, AZ_ESTATE, "round %lld is %s; invitations and reminders go out only while "
			     "it is open", (long long)round_id, round_state_name(r.state));
		goto out;
	}
	if ((rc = c->st->ops->leader_get(c->st, a, r.leader_id, &l, e)) != AZ_OK ||
	    (rc = core_round_instrument(c, a, &r, NULL, &ins, e)) != AZ_OK ||
	    (rc = c->st->ops->invitation_list(c->st, a, round_id, &inv, &ninv, e)) != AZ_OK)
		goto out;
	if ((m = arena_calloc(a, ninv + 1, sizeof *m)) == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < ninv; i++) {
		const char *key;

		if (!waiting(&inv[i], &l, kind))
			continue;
		key = arena_printf(a, "%s:%lld%s", kind == MAIL_INVITE ? "invite" : "remind",
				   (long long)inv[i].id, suffix);
		if (key == NULL) {
			rc = err_set(e, AZ_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = invite_compose(a, &r, &l, ins, &inv[i], kind, key, now, &m[nm], e)) != AZ_OK)
			goto out;
		nm++;
		if (c->progress != NULL)
			c->progress(c->progress_arg, "composing", i + 1, ninv);
	}
	if (nm > 0 && (rc = c->st->ops->outbox_add(c->st, m, nm, &added, e)) != AZ_OK)
		goto out;
	*queued = added;
out:
	arena_free(a);
	return rc;
}

int core_round_invite(struct core *c, int64_t round_id, size_t *queued, struct err *e)
{
	return queue_round(c, round_id, MAIL_INVITE, "", queued, e);
}

int core_round_remind(struct core *c, int64_t round_id, const char *label, size_t *queued,
		      struct err *e)
{
	char suffix[48];

	if (label == NULL || label[0] == '\0' || strlen(label) > 32 || strchr(label, ':') != NULL)
		return err_set(e, AZ_EINVAL, "a reminder needs a short label without ':'");
	snprintf(suffix, sizeof suffix, ":%s", label);
	return queue_round(c, round_id, MAIL_REMIND, suffix, queued, e);
}

int core_report_notice(struct core *c, int64_t round_id, size_t *queued, struct err *e)
{
	struct arena *a = arena_new();
	struct round r;
	struct leader l;
	struct mail_text t;
	struct mail m = {0};
	int64_t now = (int64_t)time(NULL);
	int rc;

	*queued = 0;
	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = c->st->ops->round_get(c->st, a, round_id, &r, e)) != AZ_OK ||
	    (rc = c->st->ops->leader_get(c->st, a, r.leader_id, &l, e)) != AZ_OK)
		goto out;
	if (r.state != ROUND_RELEASED) {
		rc = err_set(e, AZ_ESTATE, "round %lld is %s; its report is not released",
			     (long long)round_id, round_state_name(r.state));
		goto out;
	}
	if ((rc = mail_render_released(a, l.language, l.name, MAIL_LINK_MARK, &t, e)) != AZ_OK)
		goto out;
	m.key = arena_printf(a, "report:%lld", (long long)round_id);
	/* Not filed under the round: erasing the round's raters after the
	 * retention period (which deletes the round's messages) must not take
	 * the leader's notice of a round released late with it. The key names
	 * the round. */
	m.round_id = 0;
	m.to = l.email;
	m.subject = t.subject;
	m.text = t.text;
	m.html = t.html;
	m.state = MAIL_QUEUED;
	m.next_at = m.created_at = now;
	if (m.key == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	rc = c->st->ops->outbox_add(c->st, &m, 1, queued, e);
out:
	arena_free(a);
	return rc;
}

int core_mail_login_link(struct core *c, const struct user *u, const char *nonce, struct err *e)
{
	struct arena *a = arena_new();
	struct mail_text t;
	struct mail m = {0};
	int64_t now = (int64_t)time(NULL);
	size_t added = 0;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if (u == NULL || u->email == NULL || nonce == NULL || strlen(nonce) != TOKEN_HEX_LEN) {
		rc = err_set(e, AZ_EINVAL, "a login link needs an account with an e-mail address and a nonce");
		goto out;
	}
	if ((rc = mail_render_login(a, u->language, u->name, MAIL_LINK_MARK, &t, e)) != AZ_OK)
		goto out;
	/* Keyed by the link's nonce: one message per link. The nonce gives
	 * the link away to nobody without the link key. */
	m.key = arena_printf(a, "login:%s", nonce);
	m.to = u->email;
	m.subject = t.subject;
	m.text = t.text;
	m.html = t.html;
	m.state = MAIL_QUEUED;
	m.next_at = m.created_at = now;
	if (m.key == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	rc = c->st->ops->outbox_add(c->st, &m, 1, &added, e);
out:
	arena_free(a);
	return rc;
}
