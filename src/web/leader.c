/* leader.c — the leader's pages: their own rounds, "Waar ben ik?" (naming
 * the people around them per rater group, with the advice and the flags,
 * then handing the list in), a round's progress, their own reflection, the
 * released report, and sharing it with a coach.
 *
 * Every round number in a URL goes through core_round_access(): a round of
 * another leader is refused with 403 and recorded in the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../render/report.h"
#include "staff.h"

#define ROWS_MIN 2   /* empty rows per group on the environment page */
#define ROWS_MAX 6

static const char *leader_path(struct request *req, int64_t id, const char *rest)
{
	return arena_printf(req->a, "/leader/rounds/%lld%s", (long long)id, rest);
}

/* The one thing to do next with a round, as a link or a sentence. */
static void next_step(struct request *req, struct reply *res, const struct round *r)
{
	struct buf *b = &res->body;
	const char *cta = "<p class=\"utrecht-paragraph\"><a class=\"utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action\" href=\"%a\">%h</a></p>\n";

	if (r->state == ROUND_DRAFT && r->nomination == NOM_OPEN)
		html_printf(b, cta, leader_path(req, r->id, "/environment"),
			    T(req, "Waar ben ik? Name the people around you"));
	else if (r->state == ROUND_DRAFT && r->needs_approval && r->nomination == NOM_SUBMITTED)
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "Your list has been handed in and is waiting for approval."));
	else if (r->state == ROUND_DRAFT)
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "Your list is ready. The invitations go out when the round opens."));
	else if (r->state == ROUND_OPEN)
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "The round is open: the people you named are answering."));
	else if (r->state == ROUND_CLOSED)
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "The round is closed. Your report becomes available once it is released."));
	else
		html_printf(b, cta, leader_path(req, r->id, "/report"), T(req, "Read your report"));
}

/* GET /leader — the leader's own rounds, newest first. */
void page_leader_home(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct leader_summary *ls;
	struct buf *b = &res->body;
	size_t n;
	int rc;

	if (staff_who(req, res, ROLE_LEADER, &who) != 0)
		return;
	if ((rc = core_overview(&req->app->core, req->a, &who, 0, &ls, &n, &e)) != AZ_OK || n != 1) {
		staff_fail(req, res, rc == AZ_OK ? AZ_ENOTFOUND : rc);
		return;
	}
	staff_begin(req, res, T(req, "My rounds"));
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h, %h</p>\n",
		    T(req, "My rounds"), ls->leader.name, ls->leader.organisation);
	if (ls->nround == 0)
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "There is no round for you yet. Your administrator starts one."));
	for (size_t i = ls->nround; i-- > 0;) {
		const struct round *r = &ls->rounds[i].view.round;
		html_printf(b, "<section class=\"az-card\" aria-labelledby=\"r-%lld\">\n<h2 class=\"utrecht-heading-2\" id=\"r-%lld\">"
			    "<a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\">%h</a></h2>\n",
			    (long long)r->id, (long long)r->id, leader_path(req, r->id, ""), staff_round_line(req, r));
		next_step(req, res, r);
		html_printf(b, "</section>\n");
	}
	page_end(req, res);
}

/* GET /leader/rounds/{id} — one round: the next step, the own reflection,
 * progress, the report, sharing. */
void page_leader_round(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct round_view v;
	struct round_progress p;
	struct buf *b = &res->body;
	const char *self = NULL;
	int64_t id = staff_id(req);
	int rc;

	if (staff_who(req, res, ROLE_LEADER, &who) != 0)
		return;
	if ((rc = core_progress(&req->app->core, req->a, &who, id, &v, &p, &e)) != AZ_OK ||
	    (rc = core_round_self_link(&req->app->core, req->a, &who, id, &self, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_begin(req, res, staff_round_line(req, &v.round));
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n", staff_round_line(req, &v.round));
	next_step(req, res, &v.round);
	if (v.round.state == ROUND_DRAFT && v.round.nomination != NOM_OPEN) {
		html_printf(b, "<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\">%h</a></p>\n",
			    leader_path(req, id, "/environment"), T(req, "See the list you handed in"));
		if (!v.round.needs_approval || v.round.nomination == NOM_APPROVED) {
			staff_form(req, res, leader_path(req, id, ""));
			html_printf(b, "<button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\" name=\"do\" value=\"open\">%h</button>\n</form>\n",
				    T(req, "Open the round and send the invitations"));
		}
	}
	if (v.round.state == ROUND_OPEN) {
		html_printf(b, "<h2 class=\"utrecht-heading-2\">%h</h2>\n<p class=\"utrecht-paragraph\">%h</p>\n"
			    "<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\">%h</a></p>\n",
			    T(req, "Your own reflection"),
			    p.self_done ? T(req, "Your own answers are in.")
					: T(req, "You answer the same questions about yourself. Your link is personal."),
			    self, p.self_done ? T(req, "Your own reflection") : T(req, "Fill in your own reflection"));
	}
	if (v.round.state != ROUND_DRAFT) {
		html_printf(b, "<h2 class=\"utrecht-heading-2\">%h</h2>\n", T(req, "Progress"));
		staff_progress(req, res, &v, &p);
	}
	if (v.round.state == ROUND_OPEN) {
		staff_form(req, res, leader_path(req, id, ""));
		html_printf(b, "<button class=\"utrecht-button utrecht-button--secondary-action\" type=\"submit\" name=\"do\" value=\"close\">%h</button>\n</form>\n",
			    T(req, "Close the round now"));
	}
	staff_share_form(req, res, &who, id, leader_path(req, id, "/share"));
	page_end(req, res);
}

/* POST /leader/rounds/{id} — open or close the round, hand the list in or
 * take it back.
 *   csrf, do  open | close | submit | reopen */
void page_leader_round_do(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	const char *op = http_form(req, "do"), *done, *back;
	int64_t id = staff_id(req);
	int rc;

	if (staff_who(req, res, ROLE_LEADER, &who) != 0)
		return;
	if (op == NULL)
		op = "";
	back = leader_path(req, id, "");
	if (strcmp(op, "open") == 0)
		rc = core_round_start(&req->app->core, &who, id, NULL, &e),
		done = req->app->core.mail ? "opened" : "openlinks";
	else if (strcmp(op, "close") == 0)
		rc = core_round_stop(&req->app->core, &who, id, &e), done = "closed";
	else if (strcmp(op, "submit") == 0)
		rc = core_nomination_move(&req->app->core, &who, id, NOM_SUBMITTED, &e), done = "submitted";
	else if (strcmp(op, "reopen") == 0)
		rc = core_nomination_move(&req->app->core, &who, id, NOM_OPEN, &e), done = "reopened",
		back = leader_path(req, id, "/environment");
	else {
		page_error(req, res, 400, N_("Invalid request"), N_("The form holds a value that is not valid."));
		return;
	}
	if (rc == AZ_EINVAL && strcmp(op, "submit") == 0) {
		page_error(req, res, 422, N_("The list is empty"),
			   N_("Name the people around you first; then hand the list in."));
		return;
	}
	if (rc == AZ_EINVAL && strcmp(op, "open") == 0) {
		page_error(req, res, 422, N_("The deadline has passed"),
			   N_("Ask your administrator to open the round with a later deadline."));
		return;
	}
	if (rc != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_done(req, res, back, done);
}

/* ---- Waar ben ik? ---- */

/* One posted row of the environment form. */
struct row {
	const char *group;       /* group id */
	int k;                   /* row number within the group */
	const char *name, *email, *lang;
};

/* The rows of the posted form that hold anything, in form order (a).
 * Field names are n_GROUP_K, e_GROUP_K and l_GROUP_K. */
static struct row *rows_posted(struct request *req, size_t *n)
{
	struct row *rows = arena_calloc(req->a, req->nform + 1, sizeof *rows);

	*n = 0;
	if (rows == NULL)
		return NULL;
	for (size_t f = 0; f < req->nform; f++) {
		const char *name = req->form[f].name, *under;
		char *group;
		if (strncmp(name, "n_", 2) != 0 || (under = strrchr(name + 2, '_')) == NULL || under == name + 2)
			continue;
		group = arena_strndup(req->a, name + 2, (size_t)(under - name - 2));
		if (group == NULL || http_id(under + 1) <= 0 || http_id(under + 1) > ROWS_MAX)
			continue;
		rows[*n] = (struct row){group, (int)http_id(under + 1), req->form[f].value,
			http_form(req, arena_printf(req->a, "e_%s", name + 2)),
			http_form(req, arena_printf(req->a, "l_%s", name + 2))};
		if ((rows[*n].name && rows[*n].name[0]) || (rows[*n].email && rows[*n].email[0]))
			(*n)++;
	}
	return rows;
}

static const char *problem_text(struct request *req, int problem)
{
	switch (problem) {
	case NP_NAME_MISSING: return T(req, "Give a name.");
	case NP_NAME_TOO_LONG: return T(req, "This name is too long: at most 200 characters.");
	case NP_NAME_INVALID: return T(req, "This name contains characters that are not text, such as a line break.");
	case NP_EMAIL_MISSING: return T(req, "Give an e-mail address.");
	case NP_EMAIL_INVALID: return T(req, "This is not an e-mail address; write it as name@example.org.");
	case NP_GROUP: return T(req, "This group is not part of this round.");
	case NP_LANGUAGE: return T(req, "Choose Dutch or English.");
	case NP_TWICE: return T(req, "This e-mail address appears twice in what you entered.");
	case NP_LISTED: return T(req, "This person is on your list already.");
	}
	return T(req, "Check this entry.");
}

/* The posted value of field PREFIX_GROUP_K, or "". */
static const char *posted(struct request *req, const char *prefix, const char *group, int k)
{
	const char *v = req->method == HTTP_POST
		? http_form(req, arena_printf(req->a, "%s_%s_%d", prefix, group, k)) : NULL;
	return v ? v : "";
}

/* The people of one group already on the list, each with a remove button
 * (its own small form). */
static void group_people(struct request *req, struct reply *res, const struct nomination *nom, const char *group)
{
	struct buf *b = &res->body;
	int any = 0;

	for (size_t i = 0; i < nom->npeople; i++) {
		const struct nominee *p = &nom->people[i];
		if (strcmp(p->group_id, group) != 0)
			continue;
		if (!any++)
			html_printf(b, "<ul class=\"utrecht-unordered-list az-people\">\n");
		html_printf(b, "<li class=\"utrecht-unordered-list__item\"><span>%h &lt;%h&gt;</span> ", p->name, p->email);
		if (nom->editable) {
			staff_form(req, res, leader_path(req, nom->round.id, "/environment/remove"));
			html_printf(b, "<input type=\"hidden\" name=\"inv\" value=\"%lld\">"
				    "<button class=\"utrecht-button utrecht-button--secondary-action az-inline-button\" type=\"submit\">%h<span class=\"az-visually-hidden\"> %h</span></button></form>",
				    (long long)p->id, T(req, "Remove"), p->name);
		}
		html_printf(b, "</li>\n");
	}
	if (any)
		html_printf(b, "</ul>\n");
	else
		html_printf(b, "<p class=\"utrecht-paragraph az-hint\">%h</p>\n", T(req, "Nobody named yet."));
}

/* The empty (or posted) rows to add people to one group; the inputs
 * belong to the form "add" at the end of the page. */
static void group_rows(struct request *req, struct reply *res, const struct nomination *nom,
		       const struct group_advice *ad, const struct staff_problems *p)
{
	const char *g = nom->ins->groups[ad->group].id;
	const char *label = staff_group(req, nom->ins, ad->group);
	struct buf *b = &res->body;
	int rows = ad->advised - ad->nominated;

	rows = rows < ROWS_MIN ? ROWS_MIN : rows > ROWS_MAX ? ROWS_MAX : rows;
	html_printf(b, "<fieldset class=\"utrecht-form-fieldset utrecht-form-fieldset--html-fieldset az-rows\" form=\"add\">\n"
		    "<legend class=\"utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend\">%h: %h</legend>\n",
		    T(req, "Add people"), label);
	for (int k = 1; k <= rows; k++) {
		const char *id_n = arena_printf(req->a, "n_%s_%d", g, k), *id_e = arena_printf(req->a, "e_%s_%d", g, k);
		const char *err_n = staff_problem_for(p, id_n), *err_e = staff_problem_for(p, id_e);
		const char *lang = posted(req, "l", g, k);
		html_printf(b, "<div class=\"az-row\">\n");
		html_printf(b, "<div class=\"utrecht-form-field%R\"><label class=\"utrecht-form-label\" for=\"%a\">%h<span class=\"az-visually-hidden\"> %d, %h</span></label>\n",
			    err_n ? " utrecht-form-field--invalid" : "", id_n, T(req, "Name"), k, label);
		if (err_n)
			html_printf(b, "<p class=\"utrecht-form-field-error-message\" id=\"x-%a\">%h</p>\n", id_n, err_n);
		html_printf(b, "<input class=\"utrecht-textbox utrecht-textbox--html-input%R\" form=\"add\" id=\"%a\" name=\"%a\" type=\"text\" autocomplete=\"off\" value=\"%a\"%R%a%R></div>\n",
			    err_n ? " utrecht-textbox--invalid" : "", id_n, id_n, posted(req, "n", g, k),
			    err_n ? " aria-invalid=\"true\" aria-describedby=\"x-" : "", err_n ? id_n : "", err_n ? "\"" : "");
		html_printf(b, "<div class=\"utrecht-form-field%R\"><label class=\"utrecht-form-label\" for=\"%a\">%h<span class=\"az-visually-hidden\"> %d, %h</span></label>\n",
			    err_e ? " utrecht-form-field--invalid" : "", id_e, T(req, "E-mail address"), k, label);
		if (err_e)
			html_printf(b, "<p class=\"utrecht-form-field-error-message\" id=\"x-%a\">%h</p>\n", id_e, err_e);
		html_printf(b, "<input class=\"utrecht-textbox utrecht-textbox--html-input%R\" form=\"add\" id=\"%a\" name=\"%a\" type=\"email\" autocomplete=\"off\" value=\"%a\"%R%a%R></div>\n",
			    err_e ? " utrecht-textbox--invalid" : "", id_e, id_e, posted(req, "e", g, k),
			    err_e ? " aria-invalid=\"true\" aria-describedby=\"x-" : "", err_e ? id_e : "", err_e ? "\"" : "");
		html_printf(b, "<div class=\"utrecht-form-field\"><label class=\"utrecht-form-label\" for=\"l_%a_%d\">%h<span class=\"az-visually-hidden\"> %d, %h</span></label>\n"
			    "<select class=\"utrecht-select utrecht-select--html-select\" form=\"add\" id=\"l_%a_%d\" name=\"l_%a_%d\">"
			    "<option value=\"\">%h</option><option value=\"nl\"%R>Nederlands</option><option value=\"en\"%R>English</option></select></div>\n"
			    "</div>\n",
			    g, k, T(req, "Language"), k, label, g, k, g, k, T(req, "as mine"),
			    strcmp(lang, "nl") == 0 ? " selected" : "", strcmp(lang, "en") == 0 ? " selected" : "");
	}
	html_printf(b, "</fieldset>\n");
}

/* The environment page: per group what it is, the advice, the people on
 * the list and rows to add more; then save, and hand the list in. */
static void env_page(struct request *req, struct reply *res, const struct nomination *nom,
		     const struct staff_problems *p)
{
	struct buf *b = &res->body;
	const char *title = T(req, "Waar ben ik? The people around you");
	int flagged = 0;

	staff_begin(req, res, p && p->n ? arena_printf(req->a, "%s: %s", T(req, "Error"), title) : title);
	staff_problems_render(req, res, p);
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph az-lead\">%h</p>\n"
		    "<p class=\"utrecht-paragraph\">%h</p>\n",
		    title,
		    T(req, "Who sees you at work? Name, per group, the people whose view of you matters: they will be "
			   "invited to answer the questionnaire about you."),
		    T(req, "Their answers are anonymous. A group is shown in your report only when enough of its people "
			   "answer; otherwise their answers count under \"other groups\". Not everyone answers, so invite "
			   "about twice the number a group needs."));
	if (!nom->editable)
		html_printf(b, "<div class=\"utrecht-alert utrecht-alert--info\" role=\"status\"><p class=\"utrecht-paragraph\">%h %h.</p></div>\n",
			    T(req, "Your list is"), staff_nomination(req, nom->round.nomination));
	for (size_t k = 0; k < nom->nadvice; k++) {
		const struct group_advice *ad = &nom->advice[k];
		const struct instr_group *grp = &nom->ins->groups[ad->group];
		flagged += ad->flag == ADVICE_HIDDEN || ad->flag == ADVICE_AT_RISK;
		html_printf(b, "<section class=\"az-group\" aria-labelledby=\"g-%a\">\n<h2 class=\"utrecht-heading-2\" id=\"g-%a\">%h</h2>\n"
			    "<p class=\"utrecht-paragraph az-hint\">%h</p>\n",
			    grp->id, grp->id, staff_group(req, nom->ins, ad->group),
			    itext_get(nom->ins, &grp->description, req->lang));
		staff_advice(req, res, nom, ad);
		group_people(req, res, nom, grp->id);
		if (nom->editable)
			group_rows(req, res, nom, ad, p);
		html_printf(b, "</section>\n");
	}
	if (nom->editable) {
		/* The form the rows above belong to (their form="add"): only its
		 * button is here, so that each remove button can be a form of its own. */
		html_printf(b, "<form class=\"utrecht-form\" id=\"add\" method=\"post\" action=\"%a\" novalidate>\n"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%a\">\n"
			    "<button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\">%h</button>\n</form>\n",
			    leader_path(req, nom->round.id, "/environment"), req->csrf ? req->csrf : "",
			    T(req, "Save these names"));
		html_printf(b, "<h2 class=\"utrecht-heading-2\" id=\"hand-in\">%h</h2>\n<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "Hand in your list"),
			    flagged ? T(req, "Some groups are flagged above. You can still hand the list in, but those groups "
					     "may not be shown in your report.")
				    : T(req, "When your list is complete, hand it in. After that it no longer changes."));
		staff_form(req, res, leader_path(req, nom->round.id, ""));
		html_printf(b, "<button class=\"utrecht-button utrecht-button--secondary-action\" type=\"submit\" name=\"do\" value=\"submit\">%h</button>\n</form>\n",
			    T(req, "Hand in the list"));
	} else if (nom->round.state == ROUND_DRAFT && nom->round.nomination == NOM_SUBMITTED) {
		staff_form(req, res, leader_path(req, nom->round.id, ""));
		html_printf(b, "<button class=\"utrecht-button utrecht-button--secondary-action\" type=\"submit\" name=\"do\" value=\"reopen\">%h</button>\n</form>\n",
			    T(req, "Change the list"));
	}
	page_end(req, res);
}

/* GET /leader/rounds/{id}/environment — "Waar ben ik?" */
void page_leader_env(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct nomination nom;
	int rc;

	if (staff_who(req, res, ROLE_LEADER, &who) != 0)
		return;
	if ((rc = core_nomination_load(&req->app->core, req->a, &who, staff_id(req), &nom, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	env_page(req, res, &nom, NULL);
}

/* POST /leader/rounds/{id}/environment — add the named people, all or
 * none; problems are shown on the page with everything typed kept.
 *   csrf, n_GROUP_K (name), e_GROUP_K (e-mail), l_GROUP_K (nl|en|"") */
void page_leader_env_add(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct nomination nom;
	struct staff_problems p = {0};
	struct nominee_in *in;
	struct row *rows;
	int *problem;
	size_t n;
	int64_t id = staff_id(req);
	int rc;

	if (staff_who(req, res, ROLE_LEADER, &who) != 0)
		return;
	rows = rows_posted(req, &n);
	in = arena_calloc(req->a, n + 1, sizeof *in);
	problem = arena_calloc(req->a, n + 1, sizeof *problem);
	if (rows == NULL || in == NULL || problem == NULL) {
		staff_fail(req, res, AZ_ENOMEM);
		return;
	}
	for (size_t i = 0; i < n; i++)
		in[i] = (struct nominee_in){rows[i].group, rows[i].name, rows[i].email, rows[i].lang};
	rc = n == 0 ? AZ_OK : core_nominees_add(&req->app->core, &who, id, in, n, problem, &e);
	if (rc != AZ_OK && rc != AZ_EINVAL) {
		staff_fail(req, res, rc);
		return;
	}
	if (rc == AZ_OK) {
		staff_done(req, res, leader_path(req, id, "/environment"), n ? "added" : "none");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		/* Which field the problem is in; an unknown group has none. */
		const char *f = problem[i] <= NP_NAME_INVALID ? "n" : problem[i] == NP_LANGUAGE ? "l"
			      : problem[i] == NP_GROUP ? NULL : "e";
		if (problem[i] == NP_NONE)
			continue;
		staff_problem(&p, f ? arena_printf(req->a, "%s_%s_%d", f, rows[i].group, rows[i].k) : NULL,
			      problem_text(req, problem[i]));
	}
	if ((rc = core_nomination_load(&req->app->core, req->a, &who, id, &nom, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	res->status = 422;
	env_page(req, res, &nom, &p);
}

/* POST /leader/rounds/{id}/environment/remove — take a person off the list.
 *   csrf, inv (the invitation's number) */
void page_leader_env_remove(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	int64_t id = staff_id(req);
	int rc;

	if (staff_who(req, res, ROLE_LEADER, &who) != 0)
		return;
	rc = core_nominee_remove(&req->app->core, &who, id, http_id(http_form(req, "inv")), &e);
	if (rc != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_done(req, res, leader_path(req, id, "/environment"), "removed");
}

void staff_report(struct request *req, struct reply *res, int role)
{
	struct actor who;
	struct err e = {0};
	struct report r;
	const char *format = http_query(req, "format");
	int rc;

	if (staff_who(req, res, role, &who) != 0)
		return;
	rc = core_report_for(&req->app->core, req->a, &who, staff_id(req), &r, &e);
	if (rc == AZ_ESTATE) {
		page_error(req, res, 409, N_("The report is not available yet"),
			   N_("The report becomes available once the round has closed and has been released."));
		res->personal = 1;
		return;
	}
	if (rc != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	res->personal = 1;
	if (format != NULL && strcmp(format, "pdf") == 0) {
		if (report_pdf(&r, req->lang, &res->body, &e) != AZ_OK) {
			staff_fail(req, res, AZ_ESTORE);
			return;
		}
		res->content_type = "application/pdf";
		http_header(req, res, "Content-Disposition", "inline; filename=\"aanwezigheidsprofiel.pdf\"");
		return;
	}
	staff_begin(req, res, T(req, "Presence profile"));
	html_printf(&res->body, "<p class=\"utrecht-paragraph az-noprint\"><a class=\"utrecht-link utrecht-link--html-a\" "
		    "href=\"%a?format=pdf&amp;lang=%a\">%h</a></p>\n", req->path, req->lang, T(req, "Download as PDF"));
	if (report_html(&r, req->lang, &res->body, &e) != AZ_OK) {
		staff_fail(req, res, AZ_ESTORE);
		return;
	}
	page_end(req, res);
}

/* GET /leader/rounds/{id}/report[?format=pdf] — the leader's own report. */
void page_leader_report(struct request *req, struct reply *res)
{
	staff_report(req, res, ROLE_LEADER);
}
