/* questionnaire.c — the questionnaire behind a personal link: opening it,
 * saving the draft page by page, and handing it in.
 *
 * The draft is the answers so far as JSON (the format of `response
 * submit`, plus the page), stored per invitation. An answer absent from the
 * draft is not answered yet; null is "kan ik niet beoordelen".
 */
#include "core.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

int core_link_open(struct core *c, struct arena *a, const char *token, struct link_view *v,
		   struct err *e)
{
	char hash[TOKEN_HASH_HEX_LEN + 1];
	const char *body = NULL;
	int rc;

	memset(v, 0, sizeof *v);
	if (!token_well_formed(token))
		return err_set(e, AZ_ENOTFOUND, "no invitation has this link");
	token_hash(token, hash);
	/* One look-up for the invitation, its round, leader and draft. */
	if ((rc = core_key(c, e)) != AZ_OK ||
	    (rc = c->st->ops->link_get(c->st, a, hash, &v->inv, &v->round, &v->leader, &body, e)) != AZ_OK ||
	    (rc = core_round_instrument(c, a, &v->round, NULL, &v->ins, e)) != AZ_OK)
		goto fail;
	v->group = instrument_find_group(v->ins, v->inv.group_id);
	if (v->group < 0) {
		rc = err_set(e, AZ_ESTORE, "the invitation's group %s is not in the instrument", v->inv.group_id);
		goto fail;
	}
	v->audience = v->ins->groups[v->group].self ? AUD_SELF : AUD_RATER;
	if (token_derive_csrf(c->key, v->inv.nonce, v->csrf) != 0) {
		rc = err_set(e, AZ_ESTORE, "invitation %lld has a damaged nonce", (long long)v->inv.id);
		goto fail;
	}
	if (body != NULL &&
	    (rc = core_draft_parse(a, body, strlen(body), &v->draft, &v->draft_page, e)) != AZ_OK) {
		err_prefix(e, "the saved draft");
		goto fail;
	}
	return AZ_OK;
fail:
	link_view_reset(v);
	return rc;
}

void link_view_reset(struct link_view *v)
{
	memset(v, 0, sizeof *v);
}

int core_link_csrf_ok(const struct link_view *v, const char *given)
{
	return given != NULL && strlen(given) == TOKEN_TEXT_LEN &&
	       token_equal(given, v->csrf, TOKEN_TEXT_LEN);
}

int link_answer(const struct link_view *v, const char *item_id)
{
	for (size_t i = 0; i < v->draft.nanswer; i++)
		if (strcmp(v->draft.answers[i].item_id, item_id) == 0)
			return v->draft.answers[i].score;
	return -1;
}

const char *link_open_text(const struct link_view *v, const char *question_id)
{
	for (size_t i = 0; i < v->draft.ntext; i++)
		if (strcmp(v->draft.texts[i].question_id, question_id) == 0)
			return v->draft.texts[i].text;
	return NULL;
}

/* The draft as JSON (free() it), or NULL when out of memory. Only ids the
 * instrument knows are kept, in its order. */
static char *draft_json(const struct instrument *ins, const struct submission *d, int page)
{
	json_t *root = json_object(), *ans = json_object(), *open = json_object();
	char *out = NULL;

	if (root == NULL || ans == NULL || open == NULL)
		goto out;
	for (int i = 0; i < ins->nitem; i++) {
		for (size_t k = 0; k < d->nanswer; k++) {
			if (strcmp(d->answers[k].item_id, ins->items[i].id) != 0)
				continue;
			json_object_set_new(ans, ins->items[i].id, d->answers[k].score > 0
					    ? json_integer(d->answers[k].score) : json_null());
		}
	}
	for (int q = 0; q < ins->nopen; q++)
		for (size_t k = 0; k < d->ntext; k++)
			if (strcmp(d->texts[k].question_id, ins->opens[q].id) == 0)
				json_object_set_new(open, ins->opens[q].id, json_string(d->texts[k].text));
	json_object_set(root, "answers", ans);
	json_object_set(root, "open", open);
	json_object_set_new(root, "page", json_integer(page));
	out = json_dumps(root, JSON_COMPACT);
out:
	json_decref(ans);
	json_decref(open);
	json_decref(root);
	return out;
}

int core_link_merge(struct arena *a, struct link_view *v, const struct submission *s)
{
	struct submission m;
	size_t cap_a = (size_t)v->ins->nitem, cap_t = (size_t)v->ins->nopen;

	/* Start from the draft; replace what s answers. */
	memset(&m, 0, sizeof m);
	m.answers = arena_calloc(a, cap_a + 1, sizeof *m.answers);
	m.texts = arena_calloc(a, cap_t + 1, sizeof *m.texts);
	if (m.answers == NULL || m.texts == NULL)
		return AZ_ENOMEM;
	/* The draft and s hold each item at most once, and mostly in the
	 * instrument's order: cursors kd and ks find them without a search;
	 * an item out of order is searched for. */
	for (int i = 0, kd = 0, ks = 0; i < v->ins->nitem; i++) {
		const char *id = v->ins->items[i].id;
		int score;
		if ((size_t)kd < v->draft.nanswer && strcmp(v->draft.answers[kd].item_id, id) == 0)
			score = v->draft.answers[kd++].score;
		else
			score = link_answer(v, id);
		if ((size_t)ks < s->nanswer && strcmp(s->answers[ks].item_id, id) == 0) {
			score = s->answers[ks++].score;
		} else {
			for (size_t k = 0; k < s->nanswer; k++)
				if (strcmp(s->answers[k].item_id, id) == 0)
					score = s->answers[k].score;
		}
		if (score >= 0)
			m.answers[m.nanswer++] = (struct answer){id, score};
	}
	for (int q = 0; q < v->ins->nopen; q++) {
		const char *id = v->ins->opens[q].id, *text = link_open_text(v, id);
		for (size_t k = 0; k < s->ntext; k++)
			if (strcmp(s->texts[k].question_id, id) == 0)
				text = s->texts[k].text;
		if (text != NULL && text[0] != '\0')
			m.texts[m.ntext++] = (struct open_answer){id, text};
	}
	v->draft = m;
	return AZ_OK;
}

int core_link_save(struct core *c, struct arena *a, struct link_view *v, const struct submission *s,
		   int page, struct err *e)
{
	char *json;
	int rc;

	if (core_link_merge(a, v, s) != AZ_OK)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((json = draft_json(v->ins, &v->draft, page)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	rc = c->st->ops->draft_save(c->st, v->inv.id, v->inv.round_id, v->inv.group_id, json, e);
	free(json);
	if (rc == AZ_OK)
		v->draft_page = page;
	return rc;
}

int core_link_submit(struct core *c, struct arena *a, struct link_view *v, struct err *e)
{
	int rc = core_submit_checked(c, a, &v->inv, v->ins, &v->draft, e);

	if (rc == AZ_OK)
		v->inv.state = INV_SUBMITTED;
	return rc;
}
