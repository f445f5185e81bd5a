/* staff.c — see staff.h. */
#include "staff.h"

#include "../core/core_mail.h"

#include <stdlib.h>
#include <string.h>

int staff_who(struct request *req, struct reply *res, int roles, struct actor *who)
{
	memset(who, 0, sizeof *who);
	if (req->user == NULL || (req->user->role & roles) == 0 || req->user->id <= 0) {
		page_error(req, res, 403, N_("Not allowed"), N_("This page is not for your account."));
		return -1;
	}
	who->user_id = req->user->id;
	who->email = req->user->email;
	who->client = req->client != NULL ? req->client : "unknown";
	return 0;
}

int64_t staff_id(const struct request *req)
{
	return http_id(req->arg);
}

void staff_fail(struct request *req, struct reply *res, int rc)
{
	switch (rc) {
	case AZ_ENOTFOUND:
		page_error(req, res, 404, N_("Page not found"), N_("There is no page at this address."));
		break;
	case AZ_EDENIED:
		page_error(req, res, 403, N_("Not allowed"),
			   N_("Your account cannot use this round. The attempt has been recorded."));
		break;
	case AZ_ESTATE:
		page_error(req, res, 409, N_("This cannot be done now"),
			   N_("The round is not in a state that allows this. Go back and reload the page to see where it stands."));
		break;
	case AZ_EANON:
		page_error(req, res, 409, N_("Not available"),
			   N_("This would show the answers of fewer people than the anonymity rules allow."));
		break;
	case AZ_EINVAL:
		page_error(req, res, 422, N_("Invalid request"), N_("The form holds a value that is not valid."));
		break;
	case AZ_EUNAVAIL:
		http_header(req, res, "Retry-After", "30");
		page_error(req, res, 503, N_("Temporarily unavailable"),
			   N_("The database cannot be reached. Please try again in a moment."));
		break;
	default:
		page_error(req, res, 500, N_("Something went wrong"), N_("The page could not be shown. Please try again later."));
	}
	res->personal = 1;
}

/* The confirmations a page can show after a POST, by ?done= word. */
static const struct {
	const char *word, *msgid;
} done_msgs[] = {
	{"leader", N_("The leader has been added.")},
	{"account", N_("The leader and their account have been added. They log in on the login page with a link sent to their e-mail address.")},
	{"round", N_("The round has been created.")},
	{"settings", N_("The settings have been saved.")},
	{"imported", N_("The people have been added to the round.")},
	{"added", N_("The people have been added to your list.")},
	{"removed", N_("The person has been taken off your list.")},
	{"submitted", N_("The list has been handed in.")},
	{"reopened", N_("The list is open for changes again.")},
	{"approved", N_("The list has been approved.")},
	{"opened", N_("The round is open and the invitations have been queued.")},
	{"openlinks", N_("The round is open. This server sends no e-mail: hand out the personal links.")},
	{"invited", N_("The invitations that had not been queued yet have been queued.")},
	{"closed", N_("The round is closed: no more answers are taken.")},
	{"released", N_("The report has been released to the leader.")},
	{"shared", N_("The report is shared with the coach.")},
	{"unshared", N_("The report is no longer shared with the coach.")},
	{"retried", N_("The message will be sent again.")},
	{"useradded", N_("The account has been added. They log in on the login page with a link sent to their e-mail address.")},
};

static void render_nav(struct request *req, struct reply *res)
{
	static const struct {
		int role;
		const char *path, *msgid;
	} items[] = {
		{ROLE_ADMIN, "/admin", N_("Leaders and rounds")},
		{ROLE_ADMIN, "/admin/leaders/new", N_("New leader")},
		{ROLE_ADMIN, "/admin/accounts", N_("Accounts")},
		{ROLE_ADMIN, "/admin/audit", N_("Audit log")},
		{ROLE_LEADER, "/leader", N_("My rounds")},
		{ROLE_COACH, "/coach", N_("Shared with me")},
	};
	struct buf *b = &res->body;

	if (req->user == NULL)
		return;
	html_printf(b, "<nav class=\"az-nav\" aria-label=\"%a\">\n<ul class=\"az-nav__list\">\n",
		    T(req, "Menu"));
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		if (items[i].role != req->user->role)
			continue;
		html_printf(b, "<li><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\"%R>%h</a></li>\n",
			    items[i].path, strcmp(req->path, items[i].path) == 0 ? " aria-current=\"page\"" : "",
			    T(req, items[i].msgid));
	}
	html_printf(b, "</ul>\n</nav>\n");
}

void staff_begin(struct request *req, struct reply *res, const char *title)
{
	const char *done = http_query(req, "done");

	res->personal = 1;
	page_begin(req, res, title, req->path);
	render_nav(req, res);
	for (size_t i = 0; done != NULL && i < sizeof done_msgs / sizeof done_msgs[0]; i++)
		if (strcmp(done, done_msgs[i].word) == 0)
			html_printf(&res->body, "<div class=\"utrecht-alert utrecht-alert--ok az-done\" role=\"status\">"
				    "<p class=\"utrecht-paragraph\">%h</p></div>\n", T(req, done_msgs[i].msgid));
}

void staff_table_begin(struct request *req, struct reply *res, const char *label)
{
	(void)req;
	html_printf(&res->body, "<div class=\"utrecht-table-container az-table-box\" role=\"region\" tabindex=\"0\" aria-label=\"%a\">\n"
		    "<table class=\"utrecht-table utrecht-table--html-table\">\n", label);
}

void staff_form(struct request *req, struct reply *res, const char *action)
{
	html_printf(&res->body, "<form class=\"utrecht-form\" method=\"post\" action=\"%a\" novalidate>\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%a\">\n", action, req->csrf ? req->csrf : "");
}

void staff_done(struct request *req, struct reply *res, const char *path, const char *what)
{
	http_redirect(req, res, arena_printf(req->a, "%s?done=%s", path, what));
}

void staff_problem(struct staff_problems *p, const char *field, const char *msg)
{
	if (p->n < STAFF_MAX_PROBLEMS) {
		p->field[p->n] = field;
		p->msg[p->n] = msg;
		p->n++;
	}
}

const char *staff_problem_for(const struct staff_problems *p, const char *field)
{
	for (int i = 0; p != NULL && i < p->n; i++)
		if (p->field[i] != NULL && strcmp(p->field[i], field) == 0)
			return p->msg[i];
	return NULL;
}

void staff_problems_render(struct request *req, struct reply *res, const struct staff_problems *p)
{
	struct buf *b = &res->body;

	if (p == NULL || p->n == 0)
		return;
	html_printf(b, "<div class=\"utrecht-alert utrecht-alert--error az-error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">\n"
		    "<h2 class=\"utrecht-heading-2\">%h</h2>\n<ul class=\"utrecht-unordered-list\">\n",
		    T(req, "Please correct this"));
	for (int i = 0; i < p->n; i++) {
		if (p->field[i] == NULL)
			html_printf(b, "<li class=\"utrecht-unordered-list__item\">%h</li>\n", p->msg[i]);
		else
			html_printf(b, "<li class=\"utrecht-unordered-list__item\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"#%a\">%h</a></li>\n",
				    p->field[i], p->msg[i]);
	}
	html_printf(b, "</ul>\n</div>\n");
}

void staff_field(struct request *req, struct reply *res, const struct staff_field *f)
{
	struct buf *b = &res->body;
	const char *desc = "";

	if (f->hint && f->error)
		desc = arena_printf(req->a, "h-%s e-%s", f->id, f->id);
	else if (f->hint)
		desc = arena_printf(req->a, "h-%s", f->id);
	else if (f->error)
		desc = arena_printf(req->a, "e-%s", f->id);
	html_printf(b, "<div class=\"utrecht-form-field utrecht-form-field--text%R\">\n"
		    "<label class=\"utrecht-form-label\" for=\"%a\">%h%R%h%R</label>\n",
		    f->error ? " utrecht-form-field--invalid" : "", f->id, f->label,
		    f->required ? "" : " <span class=\"az-optional\">(", f->required ? "" : T(req, "optional"),
		    f->required ? "" : ")</span>");
	if (f->hint)
		html_printf(b, "<p class=\"utrecht-form-field-description\" id=\"h-%a\">%h</p>\n", f->id, f->hint);
	if (f->error)
		html_printf(b, "<p class=\"utrecht-form-field-error-message\" id=\"e-%a\">%h</p>\n", f->id, f->error);
	html_printf(b, "<input class=\"utrecht-textbox utrecht-textbox--html-input%R\" id=\"%a\" name=\"%a\" type=\"%a\" value=\"%a\"%R%a%R%R%a%R%R>\n</div>\n",
		    f->error ? " utrecht-textbox--invalid" : "", f->id, f->name, f->type, f->value ? f->value : "",
		    desc[0] ? " aria-describedby=\"" : "", desc, desc[0] ? "\"" : "",
		    f->autocomplete ? " autocomplete=\"" : "", f->autocomplete ? f->autocomplete : "",
		    f->autocomplete ? "\"" : "", f->error ? " aria-invalid=\"true\"" : "");
}

int staff_reminders(struct request *req, const char *field, const char **days)
{
	char *d = arena_strdup(req->a, field ? field : ""), *w = d;

	*days = "";
	if (d == NULL)
		return 0;
	for (const char *r = d; *r; r++)
		if (*r != ' ' && *r != '\t')
			*w++ = *r;
	*w = '\0';
	*days = d;
	return core_reminders_valid(d);
}

const char *staff_state(const struct request *req, int state)
{
	switch (state) {
	case ROUND_DRAFT: return T(req, "being prepared");
	case ROUND_OPEN: return T(req, "open");
	case ROUND_CLOSED: return T(req, "closed");
	case ROUND_RELEASED: return T(req, "report released");
	}
	return "?";
}

const char *staff_nomination(const struct request *req, int state)
{
	switch (state) {
	case NOM_OPEN: return T(req, "being drawn up");
	case NOM_SUBMITTED: return T(req, "handed in");
	case NOM_APPROVED: return T(req, "approved");
	}
	return "?";
}

const char *staff_group(const struct request *req, const struct instrument *ins, int g)
{
	return itext_get(ins, &ins->groups[g].label, req->lang);
}

const char *staff_date(const struct request *req, const char *date)
{
	char out[DATE_WORDS_LEN];

	return date ? arena_strdup(req->a, date_words(out, req->lang, date)) : "—";
}

const char *staff_round_line(const struct request *req, const struct round *r)
{
	const char *s = arena_printf(req->a, T(req, "Round %lld"), (long long)r->id);

	s = arena_printf(req->a, "%s — %s", s, staff_state(req, r->state));
	if (r->closes_on != NULL)
		s = arena_printf(req->a, "%s, %s %s", s, T(req, "deadline"), staff_date(req, r->closes_on));
	return s;
}

void staff_progress(struct request *req, struct reply *res, const struct round_view *v,
		    const struct round_progress *p)
{
	struct buf *b = &res->body;

	staff_table_begin(req, res, T(req, "Progress per group"));
	html_printf(b, "<caption class=\"utrecht-table__caption az-visually-hidden\">%h</caption>\n"
		    "<thead class=\"utrecht-table__header\"><tr class=\"utrecht-table__row\">"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell utrecht-table__header-cell--numeric-column\">%h</th>"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th></tr></thead>\n"
		    "<tbody class=\"utrecht-table__body\">\n",
		    T(req, "Progress per group"), T(req, "Group"), T(req, "Invited"), T(req, "Answered"));
	for (int i = 0; i < p->ngroup; i++) {
		const struct group_progress *g = &p->groups[i];
		html_printf(b, "<tr class=\"utrecht-table__row\"><th scope=\"row\" class=\"utrecht-table__header-cell\">%h</th>"
			    "<td class=\"utrecht-table__cell utrecht-table__cell--numeric-data\">%d</td><td class=\"utrecht-table__cell\">",
			    staff_group(req, v->ins, g->group), g->invited);
		if (g->self)
			html_printf(b, "%h", p->self_done ? T(req, "own answers are in") : T(req, "own answers not yet in"));
		else if (g->invited == 0)
			html_printf(b, "%h", T(req, "nobody invited"));
		else if (g->shown)
			html_printf(b, "%d", g->submitted);
		else
			html_printf(b, T(req, "fewer than %d"), g->threshold);
		html_printf(b, "</td></tr>\n");
	}
	html_printf(b, "</tbody>\n<tfoot class=\"utrecht-table__footer\"><tr class=\"utrecht-table__row\">"
		    "<th scope=\"row\" class=\"utrecht-table__header-cell\">%h</th>"
		    "<td class=\"utrecht-table__cell utrecht-table__cell--numeric-data\">%d</td><td class=\"utrecht-table__cell\">",
		    T(req, "All groups of raters"), p->invited);
	if (p->submitted >= 0)
		html_printf(b, "%d", p->submitted);
	else
		html_printf(b, "%h", T(req, "not shown while a group is below its threshold"));
	html_printf(b, "</td></tr></tfoot>\n</table>\n</div>\n<p class=\"utrecht-paragraph az-hint\">%h</p>\n",
		    T(req, "A group's number of answers is shown once it has reached the group's threshold, "
			   "so that nobody can tell whether one particular person answered. Nobody can see who answered."));
}

void staff_advice(struct request *req, struct reply *res, const struct nomination *nom,
		  const struct group_advice *ad)
{
	struct buf *b = &res->body;
	const char *id = nom->ins->groups[ad->group].id;

	html_printf(b, "<p class=\"utrecht-paragraph az-advice\" id=\"advice-%a\">", id);
	html_printf(b, T(req, "Named: %d. Shown from %d answers; invite about %d, because not everyone answers."),
		    ad->nominated, ad->threshold, ad->advised);
	if (ad->most > 0) {
		html_printf(b, " ");
		html_printf(b, T(req, "More than %d is rarely useful."), ad->most);
	}
	html_printf(b, "</p>\n");
	switch (ad->flag) {
	case ADVICE_HIDDEN:
		html_printf(b, "<p class=\"utrecht-paragraph az-flag az-flag--bad\"><strong>%h</strong> %h</p>\n",
			    T(req, "Will not be shown:"),
			    T(req, "fewer people than the threshold. Their answers count only under \"other groups\"."));
		break;
	case ADVICE_AT_RISK:
		html_printf(b, "<p class=\"utrecht-paragraph az-flag az-flag--risk\"><strong>%h</strong> %h</p>\n",
			    T(req, "At risk:"),
			    T(req, "fewer than advised. If too few of them answer, this group is not shown on its own."));
		break;
	case ADVICE_SKIPPED:
		html_printf(b, "<p class=\"utrecht-paragraph az-flag\">%h</p>\n",
			    T(req, "This group is optional; nobody has been named."));
		break;
	default:
		html_printf(b, "<p class=\"utrecht-paragraph az-flag az-flag--ok\">%h</p>\n",
			    T(req, "Enough people named."));
	}
}

void staff_list(struct request *req, struct reply *res, const struct nomination *nom)
{
	struct buf *b = &res->body;

	for (size_t k = 0; k < nom->nadvice; k++) {
		const struct group_advice *ad = &nom->advice[k];
		const struct instr_group *grp = &nom->ins->groups[ad->group];
		int any = 0;

		html_printf(b, "<section class=\"az-group\" aria-labelledby=\"g-%a\">\n<h3 class=\"utrecht-heading-3\" id=\"g-%a\">%h</h3>\n",
			    grp->id, grp->id, staff_group(req, nom->ins, ad->group));
		staff_advice(req, res, nom, ad);
		for (size_t i = 0; i < nom->npeople; i++) {
			const struct nominee *p = &nom->people[i];
			if (strcmp(p->group_id, grp->id) != 0)
				continue;
			if (!any++)
				html_printf(b, "<ul class=\"utrecht-unordered-list az-people\">\n");
			html_printf(b, "<li class=\"utrecht-unordered-list__item\">%h &lt;%h&gt;</li>\n", p->name, p->email);
		}
		if (any)
			html_printf(b, "</ul>\n");
		html_printf(b, "</section>\n");
	}
}

void staff_share_form(struct request *req, struct reply *res, const struct actor *who, int64_t round_id,
		      const char *action)
{
	struct buf *b = &res->body;
	struct err e = {0};
	struct user *coaches, *shared;
	size_t ncoach, nshared = 0;

	if (core_coaches(&req->app->core, req->a, who, round_id, &coaches, &ncoach, &shared, &nshared, &e) != AZ_OK) {
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n", T(req, "The coaches could not be listed."));
		return;
	}
	html_printf(b, "<h2 class=\"utrecht-heading-2\" id=\"share\">%h</h2>\n", T(req, "Share the report with a coach"));
	if (nshared > 0) {
		html_printf(b, "<ul class=\"utrecht-unordered-list az-shares\">\n");
		for (size_t i = 0; i < nshared; i++) {
			html_printf(b, "<li class=\"utrecht-unordered-list__item\">%h ", shared[i].email);
			staff_form(req, res, action);
			html_printf(b, "<input type=\"hidden\" name=\"coach\" value=\"%a\">"
				    "<button class=\"utrecht-button utrecht-button--secondary-action az-inline-button\" type=\"submit\" name=\"do\" value=\"remove\">%h<span class=\"az-visually-hidden\"> %h</span></button>\n"
				    "</form></li>\n", shared[i].email, T(req, "Stop sharing"), shared[i].email);
		}
		html_printf(b, "</ul>\n");
	} else {
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n", T(req, "The report is not shared with anyone."));
	}
	if (ncoach == 0) {
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n", T(req, "There are no coach accounts yet."));
		return;
	}
	staff_form(req, res, action);
	html_printf(b, "<div class=\"utrecht-form-field\">\n<label class=\"utrecht-form-label\" for=\"coach\">%h</label>\n"
		    "<select class=\"utrecht-select utrecht-select--html-select\" id=\"coach\" name=\"coach\">\n",
		    T(req, "Coach"));
	for (size_t i = 0; i < ncoach; i++)
		html_printf(b, "<option value=\"%a\">%h%R%h%R</option>\n", coaches[i].email, coaches[i].email,
			    coaches[i].name && coaches[i].name[0] ? " (" : "", coaches[i].name ? coaches[i].name : "",
			    coaches[i].name && coaches[i].name[0] ? ")" : "");
	html_printf(b, "</select>\n</div>\n<button class=\"utrecht-button utrecht-button--secondary-action\" type=\"submit\" name=\"do\" value=\"add\">%h</button>\n</form>\n",
		    T(req, "Share"));
}

/* POST /admin/rounds/{id}/share, /leader/rounds/{id}/share — share the
 * report with a coach, or stop.
 *   csrf, coach (an e-mail address), do  add | remove */
void page_share(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	int64_t id = staff_id(req);
	const char *op = http_form(req, "do"), *coach = http_form(req, "coach");
	int rc, add;

	if (staff_who(req, res, ROLE_ADMIN | ROLE_LEADER, &who) != 0)
		return;
	if (op == NULL || (strcmp(op, "add") != 0 && strcmp(op, "remove") != 0)) {
		page_error(req, res, 400, N_("Invalid request"), N_("The form holds a value that is not valid."));
		return;
	}
	add = strcmp(op, "add") == 0;
	rc = core_round_share(&req->app->core, &who, id, coach, add, &e);
	if (rc == AZ_EINVAL) {
		page_error(req, res, 422, N_("No such coach"), N_("Choose a coach from the list."));
		return;
	}
	if (rc != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_done(req, res, arena_printf(req->a, "%s/rounds/%lld", req->user->role == ROLE_ADMIN ? "/admin" : "/leader",
					  (long long)id), add ? "shared" : "unshared");
}
