/* response.c — handing in answers through a personal link.
 *
 * Every answer is checked against the instrument frozen with the round and
 * against the invitee's audience (the leader answers the self wording and
 * the leader's open questions, raters the rest). The store then keeps the
 * response without any link back to the invitation.
 */
#include "core.h"

#include <jansson.h>
#include <string.h>

#include "../util/text.h"
#include "core_internal.h"

/* Parse answers JSON; a "page" member is accepted (into *page) only when
 * page is not NULL, as in a stored draft. */
static int submission_parse(struct arena *a, const char *json, size_t n, struct submission *out,
			    int *page, struct err *e)
{
	json_error_t jerr;
	json_t *root, *ans, *open, *v;
	const char *key;
	size_t i = 0;
	int rc = AZ_OK;

	memset(out, 0, sizeof *out);
	if ((root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return err_set(e, AZ_EINVAL, "%d:%d: %s", jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		rc = err_set(e, AZ_EINVAL, "the answers must be a JSON object");
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (page != NULL && strcmp(key, "page") == 0) {
			*page = json_is_integer(v) ? (int)json_integer_value(v) : 0;
			continue;
		}
		if (strcmp(key, "answers") != 0 && strcmp(key, "open") != 0) {
			rc = err_set(e, AZ_EINVAL, "unknown key \"%.40s\"; expected \"answers\" and \"open\"", key);
			goto out;
		}
	}
	ans = json_object_get(root, "answers");
	open = json_object_get(root, "open");
	if ((ans && !json_is_object(ans)) || (open && !json_is_object(open))) {
		rc = err_set(e, AZ_EINVAL, "\"answers\" and \"open\" must be JSON objects");
		goto out;
	}
	out->answers = arena_calloc(a, json_object_size(ans) + 1, sizeof *out->answers);
	out->texts = arena_calloc(a, json_object_size(open) + 1, sizeof *out->texts);
	if (out->answers == NULL || out->texts == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	json_object_foreach(ans, key, v) {
		struct answer *x = &out->answers[i++];
		x->item_id = arena_strdup(a, key);
		if (json_is_null(v)) {
			x->score = 0;
		} else if (json_is_integer(v) && json_integer_value(v) >= 1 &&
			   json_integer_value(v) <= INSTR_MAX_POINTS) {
			x->score = (int)json_integer_value(v);
		} else {
			rc = err_set(e, AZ_EINVAL, "answers.%.40s must be a whole number on the scale, "
				     "or null for \"kan ik niet beoordelen\"", key);
			goto out;
		}
	}
	out->nanswer = i;
	i = 0;
	json_object_foreach(open, key, v) {
		struct open_answer *x = &out->texts[i++];
		if (!json_is_string(v)) {
			rc = err_set(e, AZ_EINVAL, "open.%.40s must be a string", key);
			goto out;
		}
		x->question_id = arena_strdup(a, key);
		x->text = arena_strndup(a, json_string_value(v), json_string_length(v));
	}
	out->ntext = i;
	if (a->failed)
		rc = err_set(e, AZ_ENOMEM, "out of memory");
out:
	json_decref(root);
	return rc;
}

int core_submission_parse(struct arena *a, const char *json, size_t n, struct submission *out,
			  struct err *e)
{
	return submission_parse(a, json, n, out, NULL, e);
}

int core_draft_parse(struct arena *a, const char *json, size_t n, struct submission *out, int *page,
		     struct err *e)
{
	*page = 0;
	return submission_parse(a, json, n, out, page, e);
}

/* Build the full, checked answer list: one entry per item, in the
 * instrument's order, 0 for items left out. */
static int answers_check(const struct instrument *ins, struct arena *a, const struct submission *s,
			 struct response *r, struct err *e)
{
	char *seen;   /* seen[i]: item i is answered in s */
	int next = 0; /* where the next answer is looked for first */

	r->answers = arena_calloc(a, (size_t)ins->nitem + 1, sizeof *r->answers);
	seen = arena_calloc(a, (size_t)ins->nitem + 1, 1);
	if (r->answers == NULL || seen == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (int i = 0; i < ins->nitem; i++)
		r->answers[i].item_id = ins->items[i].id;
	r->nanswer = (size_t)ins->nitem;
	for (size_t k = 0; k < s->nanswer; k++) {
		/* Answers mostly come in the instrument's order: try the item
		 * after the last one first, then search. */
		int i = next < ins->nitem && strcmp(ins->items[next].id, s->answers[k].item_id) == 0
			? next : instrument_find_item(ins, s->answers[k].item_id);
		const struct instr_scale *sc;

		if (i < 0)
			return err_set(e, AZ_EINVAL, "unknown item \"%.40s\"", s->answers[k].item_id);
		if (seen[i])
			return err_set(e, AZ_EINVAL, "item %s is answered twice", ins->items[i].id);
		seen[i] = 1;
		next = i + 1;
		sc = &ins->scales[ins->dimensions[ins->items[i].dimension].scale];
		if (s->answers[k].score < 0 || s->answers[k].score > sc->npoint)
			return err_set(e, AZ_EINVAL, "item %s takes 1 to %d (or none: \"kan ik niet "
				       "beoordelen\"), not %d", ins->items[i].id, sc->npoint, s->answers[k].score);
		r->answers[i].score = s->answers[k].score;
	}
	return AZ_OK;
}

/* Check the open texts; empty ones are dropped. */
static int texts_check(const struct instrument *ins, int audience, struct arena *a,
		       const struct submission *s, struct response *r, struct err *e)
{
	r->texts = arena_calloc(a, s->ntext + 1, sizeof *r->texts);
	if (r->texts == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (size_t k = 0; k < s->ntext; k++) {
		const char *t = s->texts[k].text;
		size_t len = strlen(t), b = 0;
		int q = instrument_find_open(ins, s->texts[k].question_id);

		if (q < 0 || ins->opens[q].audience != audience)
			return err_set(e, AZ_EINVAL, "unknown open question \"%.40s\"", s->texts[k].question_id);
		for (size_t j = 0; j < k; j++)
			if (strcmp(s->texts[j].question_id, s->texts[k].question_id) == 0)
				return err_set(e, AZ_EINVAL, "open question %s is answered twice", ins->opens[q].id);
		if (len > CORE_MAX_OPEN_TEXT)
			return err_set(e, AZ_EINVAL, "the answer to %s is longer than %d characters",
				       ins->opens[q].id, CORE_MAX_OPEN_TEXT);
		if (!utf8_valid(t, len) || text_has_control(t, 1))
			return err_set(e, AZ_EINVAL, "the answer to %s contains characters that are not text",
				       ins->opens[q].id);
		while (t[b] == ' ' || t[b] == '\n' || t[b] == '\r' || t[b] == '\t')
			b++;
		if (t[b] == '\0')
			continue;
		r->texts[r->ntext].question_id = ins->opens[q].id;
		r->texts[r->ntext].text = t;
		r->ntext++;
	}
	return AZ_OK;
}

int core_submit_checked(struct core *c, struct arena *a, const struct invitation *inv,
			const struct instrument *ins, const struct submission *s, struct err *e)
{
	struct response resp = {0};
	char id[TOKEN_HEX_LEN + 1], today[11];
	int rc, audience = strcmp(inv->group_id, "self") == 0 ? AUD_SELF : AUD_RATER;

	if ((rc = answers_check(ins, a, s, &resp, e)) != AZ_OK ||
	    (rc = texts_check(ins, audience, a, s, &resp, e)) != AZ_OK)
		return rc;
	token_random_hex(id);
	date_today(today);
	resp.id = id;
	resp.round_id = inv->round_id;
	resp.group_id = inv->group_id;
	resp.submitted_on = today;
	return c->st->ops->response_submit(c->st, inv->id, &resp, e);
}

int core_submit(struct core *c, const char *token, const struct submission *s, struct err *e)
{
	struct arena *a = arena_new();
	const struct instrument *ins = NULL;
	struct invitation inv;
	struct round r;
	char hash[TOKEN_HASH_HEX_LEN + 1];
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	/* A malformed token gets the same answer as an unknown one. */
	if (!token_well_formed(token)) {
		rc = err_set(e, AZ_ENOTFOUND, "no invitation has this link");
		goto out;
	}
	token_hash(token, hash);
	if ((rc = c->st->ops->invitation_by_token(c->st, a, hash, &inv, e)) != AZ_OK ||
	    (rc = c->st->ops->round_get(c->st, a, inv.round_id, &r, e)) != AZ_OK ||
	    (rc = core_round_instrument(c, a, &r, NULL, &ins, e)) != AZ_OK)
		goto out;
	rc = core_submit_checked(c, a, &inv, ins, s, e);
out:
	arena_free(a);
	return rc;
}
