/* rater.c — the questionnaire behind a personal link: /r/{token}.
 *
 * Raters and the leader use the same pages; the leader sees the self
 * wording and the leader's open questions. Step 0 introduces, steps 1..n
 * are the core questions (sections), the last step reviews; every POST
 * saves the draft and redirects (so a reload never sends twice), and the
 * link resumes where it was left. After the final submit the link only
 * says that the answers are in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/text.h"
#include "pages.h"

#define MAX_STEPS 18

/* The steps of this questionnaire for this audience. */
struct steps {
	int n;                  /* total, intro and review included */
	int sec[MAX_STEPS];     /* section index of step i (1..n-2) */
};

static int section_for(const struct instrument *ins, int s, int audience)
{
	const struct instr_section *sec = &ins->sections[s];

	if (sec->nitem > 0)
		return 1;
	for (int q = sec->open0; q < sec->open0 + sec->nopen; q++)
		if (ins->opens[q].audience == audience)
			return 1;
	return 0;
}

static void steps_make(const struct link_view *v, struct steps *st)
{
	st->n = 1;
	for (int s = 0; s < v->ins->nsection && st->n < MAX_STEPS - 1; s++)
		if (section_for(v->ins, s, v->audience))
			st->sec[st->n++] = s;
	st->n++;   /* review */
}

/* What went wrong on a posted page, per item or question. */
struct problems {
	int n;
	const char *id[64];
	const char *msg[64];
	const char *href[64];   /* where the summary links to; NULL: #q-ID */
};

static void problem_add(struct problems *p, const char *id, const char *msg)
{
	if (p->n < 64) {
		p->id[p->n] = id;
		p->msg[p->n] = msg;
		p->href[p->n] = NULL;
		p->n++;
	}
}

static const char *problem_for(const struct problems *p, const char *id)
{
	for (int i = 0; p && i < p->n; i++)
		if (strcmp(p->id[i], id) == 0)
			return p->msg[i];
	return NULL;
}

static const char *base_path(struct request *req)
{
	return arena_printf(req->a, "/r/%s", req->arg);
}

/* The notice pages: not open yet, closed, withdrawn, answers in. */
static void page_notice(struct request *req, struct reply *res, const struct link_view *v,
			const char *title, const char *text)
{
	res->personal = 1;
	page_begin(req, res, T(req, title), base_path(req));
	html_printf(&res->body, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h</p>\n",
		    T(req, title), T(req, text));
	if (v != NULL)
		html_printf(&res->body, "<p class=\"utrecht-paragraph\">%h %h, %h.</p>\n",
			    T(req, "This questionnaire is about"), v->leader.name, v->leader.organisation);
	page_end(req, res);
}

/* 1 when the round takes answers today; otherwise renders why not. */
static int round_takes_answers(struct request *req, struct reply *res, const struct link_view *v)
{
	char today[11];

	date_today(today);
	if (v->inv.state == INV_SUBMITTED) {
		page_notice(req, res, v, N_("Thank you, your answers are in"),
			    N_("Your answers have been received. They can no longer be changed, and they "
			    "are not linked to your name."));
		return 0;
	}
	if (v->inv.state == INV_REVOKED) {
		page_notice(req, res, v, N_("This link has been withdrawn"),
			    N_("This personal link no longer works. If you think this is a mistake, contact "
			    "the person who invited you."));
		return 0;
	}
	if (v->round.state == ROUND_DRAFT || (v->round.opens_on && strcmp(v->round.opens_on, today) > 0)) {
		page_notice(req, res, v, N_("This questionnaire is not open yet"),
			    N_("The questionnaire opens later. Your link will work from then on."));
		return 0;
	}
	if (v->round.state != ROUND_OPEN || (v->round.closes_on && strcmp(v->round.closes_on, today) < 0)) {
		page_notice(req, res, v, N_("This questionnaire is closed"),
			    N_("The period for answering has ended, so answers can no longer be given."));
		return 0;
	}
	return 1;
}

static void progress(struct request *req, struct reply *res, int step, int n)
{
	html_printf(&res->body, "<div class=\"az-progress\"><p class=\"utrecht-paragraph\" id=\"progress\">");
	html_printf(&res->body, T(req, "Step %d of %d"), step + 1, n);
	html_printf(&res->body, "</p><progress max=\"%d\" value=\"%d\" aria-labelledby=\"progress\"></progress></div>\n",
		    n, step + 1);
}

static void render_intro(struct request *req, struct reply *res, const struct link_view *v,
			 const struct steps *st)
{
	const struct instrument *ins = v->ins;
	const struct instr_group *g = &ins->groups[v->group];
	struct buf *b = &res->body;
	int nopen = 0, minutes;

	for (int q = 0; q < ins->nopen; q++)
		nopen += ins->opens[q].audience == v->audience;
	minutes = (ins->nitem * 10 + nopen * 45 + 59) / 60;
	progress(req, res, 0, st->n);
	if (v->audience == AUD_SELF) {
		html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n", T(req, "Your own reflection"));
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "You answer the same questions about your own behaviour that the people "
				   "around you answer about you. The differences are the heart of your "
				   "presence profile."));
	} else {
		html_printf(b, "<h1 class=\"utrecht-heading-1\">%h %h</h1>\n", T(req, "Feedback for"), v->leader.name);
		html_printf(b, "<p class=\"utrecht-paragraph\">%h %h (%h).</p>\n",
			    T(req, "You are asked how you see the behaviour of"), v->leader.name, v->leader.organisation);
		html_printf(b, "<p class=\"utrecht-paragraph\">%h <strong>%h</strong>.</p>\n",
			    T(req, "You answer as a member of the group"), itext_get(ins, &g->label, req->lang));
		html_printf(b, "<div class=\"az-note\" role=\"note\"><h2 class=\"utrecht-heading-2\">%h</h2>\n",
			    T(req, "Your answers are anonymous"));
		if (g->anonymous) {
			html_printf(b, "<p class=\"utrecht-paragraph\">");
			html_printf(b, T(req, "Your answers are only shown together with those of at least %d people. "
					   "If fewer people of your group answer, their answers are merged with "
					   "those of other groups."), g->threshold);
			html_printf(b, " %h</p>\n", T(req, "Nobody, administrators included, can see which answers are yours."));
		} else {
			html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
				    T(req, "Note: this group is not anonymous. Its answers are shown as a group "
					   "even when only a few people answer, so they may be recognisable."));
		}
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p></div>\n", itext_get(ins, &ins->anonymity_note, req->lang));
	}
	html_printf(b, "<p class=\"utrecht-paragraph\">");
	html_printf(b, T(req, "It takes about %d minutes. Your answers are saved on every page, so you can stop and come back later with the same link."), minutes);
	html_printf(b, "</p>\n<p class=\"utrecht-paragraph\"><a class=\"utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action az-start\" href=\"%a?p=1\">%h</a></p>\n",
		    base_path(req), T(req, "Start"));
}

/* One item as a fieldset of radio buttons, "kan ik niet beoordelen" apart. */
static void render_item(struct request *req, struct reply *res, const struct link_view *v,
			const struct instr_item *it, const char *error)
{
	const struct instrument *ins = v->ins;
	const struct instr_scale *sc = &ins->scales[ins->dimensions[it->dimension].scale];
	const char *text = itext_get(ins, v->audience == AUD_SELF ? &it->self : &it->rater, req->lang);
	struct buf *b = &res->body;
	int ans = link_answer(v, it->id);

	html_printf(b, "<fieldset class=\"utrecht-form-fieldset utrecht-form-fieldset--html-fieldset az-scale%h\" id=\"q-%a\"%R%a%R>\n"
		    "<legend class=\"utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend\">%h</legend>\n",
		    error ? " utrecht-form-fieldset--invalid" : "", it->id, error ? " aria-describedby=\"e-" : "",
		    error ? it->id : "", error ? "\"" : "", text);
	if (error)
		html_printf(b, "<p class=\"utrecht-form-field-error-message\" id=\"e-%a\">%h</p>\n", it->id, error);
	html_printf(b, "<div class=\"az-scale__options\">\n");
	for (int k = 0; k < sc->npoint; k++) {
		int val = sc->points[k].value;
		html_printf(b, "<div class=\"az-scale__option\"><input class=\"utrecht-radio-button utrecht-radio-button--html-input\" type=\"radio\" "
			    "id=\"i-%a-%d\" name=\"a_%a\" value=\"%d\"%R><label class=\"utrecht-form-label utrecht-form-label--radio\" "
			    "for=\"i-%a-%d\">%h</label></div>\n", it->id, val, it->id, val,
			    ans == val ? " checked" : "", it->id, val, itext_get(ins, &sc->points[k].label, req->lang));
	}
	html_printf(b, "</div>\n<div class=\"az-scale__cannot\"><input class=\"utrecht-radio-button utrecht-radio-button--html-input\" type=\"radio\" "
		    "id=\"i-%a-x\" name=\"a_%a\" value=\"x\"%R><label class=\"utrecht-form-label utrecht-form-label--radio\" for=\"i-%a-x\">%h</label></div>\n"
		    "</fieldset>\n", it->id, it->id, ans == 0 ? " checked" : "", it->id,
		    itext_get(ins, &sc->cannot_judge, req->lang));
}

static void render_open(struct request *req, struct reply *res, const struct link_view *v,
			const struct instr_open *o, const char *error, const char *posted)
{
	const char *text = posted ? posted : link_open_text(v, o->id);
	struct buf *b = &res->body;

	html_printf(b, "<div class=\"utrecht-form-field az-open\" id=\"q-%a\">\n"
		    "<label class=\"utrecht-form-label\" for=\"o-%a\">%h</label>\n"
		    "<p class=\"utrecht-form-field-description\" id=\"d-%a\">%h</p>\n",
		    o->id, o->id, itext_get(v->ins, &o->text, req->lang), o->id, T(req, "Optional."));
	if (error)
		html_printf(b, "<p class=\"utrecht-form-field-error-message\" id=\"e-%a\">%h</p>\n", o->id, error);
	html_printf(b, "<textarea class=\"utrecht-textarea utrecht-textarea--html-textarea%h\" id=\"o-%a\" name=\"o_%a\" rows=\"5\" "
		    "maxlength=\"%d\" aria-describedby=\"d-%a%R%a\">%h</textarea>\n</div>\n",
		    error ? " utrecht-textarea--invalid" : "", o->id, o->id, CORE_MAX_OPEN_TEXT, o->id,
		    error ? " e-" : "", error ? o->id : "", text ? text : "");
}

/* The text of question id (an item or an open question) as this audience
 * reads it; NULL when there is none. */
static const char *question_text(struct request *req, const struct link_view *v, const char *id)
{
	const struct instrument *ins = v->ins;

	for (int i = 0; i < ins->nitem; i++)
		if (strcmp(ins->items[i].id, id) == 0)
			return itext_get(ins, v->audience == AUD_SELF ? &ins->items[i].self : &ins->items[i].rater,
					 req->lang);
	for (int q = 0; q < ins->nopen; q++)
		if (strcmp(ins->opens[q].id, id) == 0)
			return itext_get(ins, &ins->opens[q].text, req->lang);
	return NULL;
}

/* Each link names its question, so that the links (read as a list of links,
 * too) differ, and the message follows. */
static void render_error_summary(struct request *req, struct reply *res, const struct link_view *v,
				 const struct problems *p)
{
	struct buf *b = &res->body;

	if (p == NULL || p->n == 0)
		return;
	html_printf(b, "<div class=\"utrecht-alert utrecht-alert--error az-error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">\n"
		    "<h2 class=\"utrecht-heading-2\">%h</h2>\n<ul class=\"utrecht-unordered-list\">\n",
		    T(req, "Please check these answers"));
	for (int i = 0; i < p->n; i++) {
		const char *href = p->href[i] ? p->href[i] : arena_printf(req->a, "#q-%s", p->id[i]);
		const char *q = question_text(req, v, p->id[i]);
		if (q != NULL)
			html_printf(b, "<li class=\"utrecht-unordered-list__item\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\">%h</a> — %h</li>\n",
				    href, q, p->msg[i]);
		else
			html_printf(b, "<li class=\"utrecht-unordered-list__item\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\">%h</a></li>\n",
				    href, p->msg[i]);
	}
	html_printf(b, "</ul>\n</div>\n");
}

static void form_begin(struct request *req, struct reply *res, const struct link_view *v, int step)
{
	html_printf(&res->body, "<form class=\"utrecht-form\" method=\"post\" action=\"%a\" novalidate>\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%a\">\n"
		    "<input type=\"hidden\" name=\"step\" value=\"%d\">\n", base_path(req), v->csrf, step);
}

static void render_section(struct request *req, struct reply *res, const struct link_view *v,
			   const struct steps *st, int step, const struct problems *p,
			   const struct submission *posted)
{
	const struct instrument *ins = v->ins;
	const struct instr_section *sec = &ins->sections[st->sec[step]];
	struct buf *b = &res->body;
	int any_open = 0;

	progress(req, res, step, st->n);
	render_error_summary(req, res, v, p);
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n", itext_get(ins, &sec->title, req->lang));
	if (sec->question.s[0])
		html_printf(b, "<p class=\"utrecht-paragraph az-lead\">%h</p>\n", itext_get(ins, &sec->question, req->lang));
	form_begin(req, res, v, step);
	for (int i = sec->item0; i < sec->item0 + sec->nitem; i++)
		render_item(req, res, v, &ins->items[i], problem_for(p, ins->items[i].id));
	for (int q = sec->open0; q < sec->open0 + sec->nopen; q++) {
		const char *given = NULL;
		if (ins->opens[q].audience != v->audience)
			continue;
		if (!any_open++ && v->audience == AUD_RATER)
			html_printf(b, "<p class=\"utrecht-paragraph az-note\">%h</p>\n",
				    itext_get(ins, &ins->anonymity_note, req->lang));
		for (size_t k = 0; posted && k < posted->ntext; k++)
			if (strcmp(posted->texts[k].question_id, ins->opens[q].id) == 0)
				given = posted->texts[k].text;
		render_open(req, res, v, &ins->opens[q], problem_for(p, ins->opens[q].id), given);
	}
	/* The primary button comes first: Enter in a field presses it. */
	html_printf(b, "<div class=\"az-actions\">\n"
		    "<button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\" name=\"go\" value=\"next\">%h</button>\n"
		    "<button class=\"utrecht-button utrecht-button--secondary-action az-actions__back\" type=\"submit\" name=\"go\" value=\"back\">%h</button>\n"
		    "</div>\n</form>\n", step + 2 == st->n ? T(req, "Review") : T(req, "Next"), T(req, "Previous"));
}

static void render_review(struct request *req, struct reply *res, const struct link_view *v,
			  const struct steps *st, const struct problems *p)
{
	const struct instrument *ins = v->ins;
	struct buf *b = &res->body;

	progress(req, res, st->n - 1, st->n);
	render_error_summary(req, res, v, p);
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h</p>\n",
		    T(req, "Check your answers"),
		    T(req, "After sending, your answers can no longer be changed."));
	for (int step = 1; step < st->n - 1; step++) {
		const struct instr_section *sec = &ins->sections[st->sec[step]];
		html_printf(b, "<section class=\"az-review\">\n<h2 class=\"utrecht-heading-2\">%h</h2>\n<dl>\n",
			    itext_get(ins, &sec->title, req->lang));
		for (int i = sec->item0; i < sec->item0 + sec->nitem; i++) {
			const struct instr_item *it = &ins->items[i];
			const struct instr_scale *sc = &ins->scales[ins->dimensions[it->dimension].scale];
			int ans = link_answer(v, it->id);
			const char *label = ans < 0 ? T(req, "Not answered")
					  : ans == 0 ? itext_get(ins, &sc->cannot_judge, req->lang)
					  : ans <= sc->npoint ? itext_get(ins, &sc->points[ans - 1].label, req->lang) : "?";
			html_printf(b, "<dt id=\"%a\">%h</dt><dd>%h</dd>\n", it->id,
				    itext_get(ins, v->audience == AUD_SELF ? &it->self : &it->rater, req->lang), label);
		}
		for (int q = sec->open0; q < sec->open0 + sec->nopen; q++) {
			const char *t;
			if (ins->opens[q].audience != v->audience)
				continue;
			t = link_open_text(v, ins->opens[q].id);
			html_printf(b, "<dt>%h</dt><dd class=\"az-review__text\">%h</dd>\n",
				    itext_get(ins, &ins->opens[q].text, req->lang), t ? t : T(req, "No answer"));
		}
		html_printf(b, "</dl>\n<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a?p=%d\">%h: %h</a></p>\n</section>\n",
			    base_path(req), step, T(req, "Change"), itext_get(ins, &sec->title, req->lang));
	}
	form_begin(req, res, v, st->n - 1);
	html_printf(b, "<div class=\"az-actions\">\n"
		    "<button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\" name=\"go\" value=\"submit\">%h</button>\n"
		    "<button class=\"utrecht-button utrecht-button--secondary-action az-actions__back\" type=\"submit\" name=\"go\" value=\"back\">%h</button>\n"
		    "</div>\n</form>\n", T(req, "Send my answers"), T(req, "Previous"));
}

/* Render step (clamped) of an open questionnaire. */
static void render_step(struct request *req, struct reply *res, const struct link_view *v, int step,
			const struct problems *p, const struct submission *posted)
{
	struct steps st;
	const char *title;

	steps_make(v, &st);
	if (step < 0)
		step = 0;
	if (step >= st.n)
		step = st.n - 1;
	title = step == 0 ? (v->audience == AUD_SELF ? T(req, "Your own reflection") : T(req, "Feedback"))
	      : step == st.n - 1 ? T(req, "Check your answers")
	      : itext_get(v->ins, &v->ins->sections[st.sec[step]].title, req->lang);
	/* A page shown again with errors says so first, in its title too. */
	if (p != NULL && p->n > 0)
		title = arena_printf(req->a, "%s: %s", T(req, "Error"), title);
	res->personal = 1;
	page_begin(req, res, title, arena_printf(req->a, "%s?p=%d", base_path(req), step));
	if (step == 0)
		render_intro(req, res, v, &st);
	else if (step == st.n - 1)
		render_review(req, res, v, &st, p);
	else
		render_section(req, res, v, &st, step, p, posted);
	page_end(req, res);
}

/* Open the link of this request; renders the error page and returns
 * non-zero when it can't be used. */
static int open_link(struct request *req, struct reply *res, struct link_view *v)
{
	struct err e = {0};
	int rc;

	if (!ratelimit_allowed(req->app, req->client)) {
		http_header(req, res, "Retry-After", "60");
		page_error(req, res, 429, N_("Too many attempts"),
			   N_("Too many unknown links were tried from your address. Wait a minute and try again."));
		return -1;
	}
	rc = core_link_open(&req->app->core, req->a, req->arg, v, &e);
	if (rc == AZ_ENOTFOUND) {
		/* The same answer as any unknown address. */
		ratelimit_failed(req->app, req->client);
		page_error(req, res, 404, N_("Page not found"), N_("There is no page at this address."));
		return -1;
	}
	if (rc != AZ_OK) {
		/* 503 when the database cannot be reached now: try again later. */
		page_error(req, res, rc == AZ_EUNAVAIL ? 503 : 500, N_("Something went wrong"),
			   N_("The page could not be shown. Please try again later."));
		return -1;
	}
	/* The invitee's language, as their e-mail was written in, unless they
	 * chose one here. */
	if (!req->lang_chosen && v->inv.language != NULL)
		req->lang = v->inv.language;
	return 0;
}

/* GET /r/{token}?p=N — a step of the questionnaire, or where it stands.
 *   p     the step (default: where the draft was left)
 *   lang  nl or en */
void page_rater_get(struct request *req, struct reply *res)
{
	struct link_view v;
	const char *p = http_query(req, "p");

	if (open_link(req, res, &v) != 0)
		return;
	if (round_takes_answers(req, res, &v))
		render_step(req, res, &v, p ? atoi(p) : v.draft_page, NULL, NULL);
	link_view_reset(&v);
}

/* Collect the answers of step from the form; oversized texts become
 * problems. */
static int collect(struct request *req, const struct link_view *v, const struct steps *st, int step,
		   struct submission *s, struct problems *p)
{
	const struct instrument *ins = v->ins;
	const struct instr_section *sec;
	const char **vals;   /* vals[i]: the form's value for item i, or NULL */
	struct instr_section all;

	memset(s, 0, sizeof *s);
	if (step < 1)
		return 0;
	if (step < st->n - 1) {
		sec = &ins->sections[st->sec[step]];
	} else {
		/* The review step takes answers to everything, so that a complete
		 * response can be sent in one request. */
		memset(&all, 0, sizeof all);
		all.nitem = ins->nitem;
		all.nopen = ins->nopen;
		sec = &all;
	}
	s->answers = arena_calloc(req->a, (size_t)sec->nitem + 1, sizeof *s->answers);
	s->texts = arena_calloc(req->a, (size_t)sec->nopen + 1, sizeof *s->texts);
	vals = arena_calloc(req->a, (size_t)ins->nitem + 1, sizeof *vals);
	if (s->answers == NULL || s->texts == NULL || vals == NULL)
		return -1;
	/* One pass over the form for the a_ITEM fields (the first of a name
	 * counts, as with http_form), rather than a search per item. */
	for (size_t f = 0, next = 0; f < req->nform; f++) {
		const char *name = req->form[f].name;
		int i;
		if (strncmp(name, "a_", 2) != 0)
			continue;
		i = next < (size_t)ins->nitem && strcmp(ins->items[next].id, name + 2) == 0
		    ? (int)next : instrument_find_item(ins, name + 2);
		if (i < 0)
			continue;
		if (vals[i] == NULL)
			vals[i] = req->form[f].value;
		next = (size_t)i + 1;
	}
	for (int i = sec->item0; i < sec->item0 + sec->nitem; i++) {
		const struct instr_item *it = &ins->items[i];
		const char *val = vals[i];
		int npoint = ins->scales[ins->dimensions[it->dimension].scale].npoint;
		int score;
		if (val == NULL)
			continue;
		score = strcmp(val, "x") == 0 ? 0 : atoi(val);
		if (score > npoint)
			return -1;
		s->answers[s->nanswer++] = (struct answer){it->id, score};
	}
	for (int q = sec->open0; q < sec->open0 + sec->nopen; q++) {
		const char *val;
		if (ins->opens[q].audience != v->audience)
			continue;
		val = http_form(req, arena_printf(req->a, "o_%s", ins->opens[q].id));
		if (val == NULL)
			continue;
		if (strlen(val) > CORE_MAX_OPEN_TEXT || text_has_control(val, 1)) {
			problem_add(p, ins->opens[q].id, strlen(val) > CORE_MAX_OPEN_TEXT
				    ? T(req, "This answer is too long; shorten it to at most 4000 characters.")
				    : T(req, "This answer contains characters that are not text."));
			s->texts[s->ntext++] = (struct open_answer){ins->opens[q].id, val};
			continue;
		}
		s->texts[s->ntext++] = (struct open_answer){ins->opens[q].id, val};
	}
	return 0;
}

/* 1 when item id is answered in the posted page s or in the draft. */
static int answered(const struct link_view *v, const struct submission *s, const char *id)
{
	for (size_t k = 0; s && k < s->nanswer; k++)
		if (strcmp(s->answers[k].item_id, id) == 0)
			return 1;
	return link_answer(v, id) >= 0;
}

/* Items of steps [from, to] not answered in the posted page s nor in the
 * draft become problems. */
static void missing(struct request *req, const struct link_view *v, const struct submission *s,
		    const struct steps *st, int from, int to, struct problems *p)
{
	for (int step = from; step <= to; step++) {
		const struct instr_section *sec = &v->ins->sections[st->sec[step]];
		for (int i = sec->item0; i < sec->item0 + sec->nitem; i++)
			if (!answered(v, s, v->ins->items[i].id)) {
				int one = step == from && from == to;
				problem_add(p, v->ins->items[i].id, one
					    ? T(req, "Choose an answer, or \"cannot judge\".")
					    : arena_printf(req->a, "%s: %s",
							   itext_get(v->ins, &sec->title, req->lang),
							   T(req, "a question is not answered yet.")));
				/* From the review, link to the page that has it. */
				if (!one && p->n > 0 && p->n <= 64)
					p->href[p->n - 1] = arena_printf(req->a, "%s?p=%d#q-%s", base_path(req),
									 step, v->ins->items[i].id);
			}
	}
}

/* POST /r/{token} — save a step and move on, or send.
 *   csrf  the invitation's form token
 *   step  the step the form showed
 *   go    back | next | submit
 *   a_ITEM  1..points or x;  o_QUESTION  text */
void page_rater_post(struct request *req, struct reply *res)
{
	struct link_view v;
	struct steps st;
	struct submission s, ok;
	struct problems p = {0};
	struct err e = {0};
	const char *go = http_form(req, "go"), *stp = http_form(req, "step");
	int step = stp ? atoi(stp) : 0, target;

	if (open_link(req, res, &v) != 0)
		return;
	if (!round_takes_answers(req, res, &v))
		goto out;
	if (!core_link_csrf_ok(&v, http_form(req, "csrf"))) {
		page_error(req, res, 403, N_("The form could not be accepted"),
			   N_("The form was not sent from this questionnaire. Open your personal link again."));
		goto out;
	}
	steps_make(&v, &st);
	if (step < 0 || step >= st.n || go == NULL) {
		page_error(req, res, 400, N_("Invalid request"), N_("The form holds a value that is not valid."));
		goto out;
	}
	if (collect(req, &v, &st, step, &s, &p) != 0) {
		page_error(req, res, 400, N_("Invalid request"), N_("The form holds a value that is not valid."));
		goto out;
	}
	target = strcmp(go, "back") == 0 ? step - 1 : step + 1;
	if (target < 0)
		target = 0;
	if (target >= st.n)
		target = st.n - 1;
	/* What is valid is kept, even when something on the page is not. */
	ok = s;
	ok.ntext = 0;
	for (size_t k = 0; k < s.ntext; k++)
		if (problem_for(&p, s.texts[k].question_id) == NULL)
			ok.texts[ok.ntext++] = s.texts[k];
	if (strcmp(go, "submit") == 0) {
		/* One transaction: the draft becomes the response. Only when
		 * something is missing is the draft saved, to show it again. */
		if (core_link_merge(req->a, &v, &ok) != AZ_OK) {
			page_error(req, res, 500, N_("Something went wrong"),
				   N_("Your answers could not be sent. Please try again."));
			goto out;
		}
		if (st.n > 2)
			missing(req, &v, NULL, &st, 1, st.n - 2, &p);
		if (p.n > 0) {
			struct submission none = {0};
			if (core_link_save(&req->app->core, req->a, &v, &none, st.n - 1, &e) != AZ_OK) {
				page_error(req, res, e.code == AZ_EUNAVAIL ? 503 : 500, N_("Something went wrong"),
					   N_("Your answers could not be saved. Please try again."));
				goto out;
			}
			res->status = 422;
			render_step(req, res, &v, st.n - 1, &p, NULL);
			goto out;
		}
		int rc = core_link_submit(&req->app->core, req->a, &v, &e);
		if (rc == AZ_ESTATE) {
			/* Another request for this link (a second tab, another
			 * server) was first, or the round closed meanwhile: the
			 * link's page says which. */
			http_redirect(req, res, base_path(req));
			goto out;
		}
		if (rc != AZ_OK) {
			page_error(req, res, rc == AZ_EUNAVAIL ? 503 : 500, N_("Something went wrong"),
				   N_("Your answers could not be sent. Please try again."));
			goto out;
		}
		http_redirect(req, res, base_path(req));
		goto out;
	}
	/* Unanswered items only hold up "next"; "back" keeps them for later. */
	if (strcmp(go, "next") == 0 && step >= 1 && step < st.n - 1)
		missing(req, &v, &s, &st, step, step, &p);
	if (core_link_save(&req->app->core, req->a, &v, &ok, p.n ? step : target, &e) != AZ_OK) {
		page_error(req, res, e.code == AZ_EUNAVAIL ? 503 : 500, N_("Something went wrong"),
			   N_("Your answers could not be saved. Please try again."));
		goto out;
	}
	if (p.n > 0 && strcmp(go, "back") != 0) {
		res->status = 422;
		render_step(req, res, &v, step, &p, &s);
		goto out;
	}
	http_redirect(req, res, arena_printf(req->a, "%s?p=%d", base_path(req), target));
out:
	link_view_reset(&v);
}
