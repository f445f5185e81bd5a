/* admin.c — the administrator's pages for leaders: the overview of every
 * leader with their rounds and progress, a new leader (with their account),
 * and a leader's page with a new round. The pages of one round are in
 * admin_round.c, the audit log in admin_audit.c.
 *
 * No page here or there shows a single response, or who answered.
 */
#include <stdio.h>
#include <string.h>

#include "../util/text.h"
#include "staff.h"

/* A round's progress in a few words: "2 of 5 groups shown, 9 answers". */
static void summary_cell(struct request *req, struct reply *res, const struct round_summary *rs)
{
	const struct round_progress *p = &rs->progress;
	struct buf *b = &res->body;

	if (rs->view.round.state == ROUND_DRAFT) {
		html_printf(b, T(req, "%d invited"), p->invited);
		return;
	}
	html_printf(b, T(req, "%d of %d groups past their threshold"), p->groups_shown, p->groups_invited);
	if (p->submitted >= 0) {
		html_printf(b, "; ");
		html_printf(b, T(req, "%d answers"), p->submitted);
	}
}

/* The rounds of one leader as a table. */
static void rounds_table(struct request *req, struct reply *res, const struct leader_summary *ls)
{
	struct buf *b = &res->body;

	if (ls->nround == 0) {
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n", T(req, "No rounds yet."));
		return;
	}
	staff_table_begin(req, res, arena_printf(req->a, "%s %s", T(req, "Rounds of"), ls->leader.name));
	html_printf(b, "<caption class=\"utrecht-table__caption\">%h %h</caption>\n"
		    "<thead class=\"utrecht-table__header\"><tr class=\"utrecht-table__row\">"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th></tr></thead>\n<tbody class=\"utrecht-table__body\">\n",
		    T(req, "Rounds of"), ls->leader.name, T(req, "Round"), T(req, "State"), T(req, "List"),
		    T(req, "Deadline"), T(req, "Progress"));
	for (size_t i = 0; i < ls->nround; i++) {
		const struct round_summary *rs = &ls->rounds[i];
		const struct round *r = &rs->view.round;
		/* Once the round runs, its list is what it is: no approval to wait for. */
		int ask = r->needs_approval && r->state == ROUND_DRAFT;
		html_printf(b, "<tr class=\"utrecht-table__row\"><th scope=\"row\" class=\"utrecht-table__header-cell\">"
			    "<a class=\"utrecht-link utrecht-link--html-a\" href=\"/admin/rounds/%lld\">",
			    (long long)r->id);
		html_printf(b, T(req, "Round %lld"), (long long)r->id);
		html_printf(b, "</a></th><td class=\"utrecht-table__cell\">%h</td><td class=\"utrecht-table__cell\">%h%R%h%R</td>"
			    "<td class=\"utrecht-table__cell\">%h</td><td class=\"utrecht-table__cell\">",
			    staff_state(req, r->state), r->state == ROUND_DRAFT ? staff_nomination(req, r->nomination) : T(req, "fixed"),
			    ask ? " (" : "", ask ? T(req, "needs approval") : "", ask ? ")" : "", staff_date(req, r->closes_on));
		summary_cell(req, res, rs);
		html_printf(b, "</td></tr>\n");
	}
	html_printf(b, "</tbody>\n</table>\n</div>\n");
}

/* GET /admin — every leader with their rounds, state and progress. */
void page_admin_home(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct leader_summary *ls;
	size_t n;
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	if ((rc = core_overview(&req->app->core, req->a, &who, 0, &ls, &n, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_begin(req, res, T(req, "Leaders and rounds"));
	html_printf(&res->body, "<h1 class=\"utrecht-heading-1\">%h</h1>\n"
		    "<p class=\"utrecht-paragraph\"><a class=\"utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action\" href=\"/admin/leaders/new\">%h</a></p>\n",
		    T(req, "Leaders and rounds"), T(req, "Add a leader"));
	if (n == 0)
		html_printf(&res->body, "<p class=\"utrecht-paragraph\">%h</p>\n", T(req, "No leaders yet."));
	for (size_t i = 0; i < n; i++) {
		html_printf(&res->body, "<section class=\"az-leader\" aria-labelledby=\"l-%lld\">\n"
			    "<h2 class=\"utrecht-heading-2\" id=\"l-%lld\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"/admin/leaders/%lld\">%h</a></h2>\n"
			    "<p class=\"utrecht-paragraph\">%h · %h%R%h%R</p>\n",
			    (long long)ls[i].leader.id, (long long)ls[i].leader.id, (long long)ls[i].leader.id,
			    ls[i].leader.name, ls[i].leader.organisation, ls[i].leader.email,
			    ls[i].account ? " · " : "", ls[i].account ? T(req, "has an account") : "", "");
		rounds_table(req, res, &ls[i]);
		html_printf(&res->body, "</section>\n");
	}
	page_end(req, res);
}

/* The form for a new leader, with the values given so far and problems. */
static void leader_form(struct request *req, struct reply *res, const struct staff_problems *p)
{
	const char *lang = http_form(req, "language");
	const char *account = http_form(req, "account");
	struct buf *b = &res->body;
	int first = req->method != HTTP_POST;

	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n", T(req, "Add a leader"));
	staff_problems_render(req, res, p);
	staff_form(req, res, "/admin/leaders/new");
	staff_field(req, res, &(struct staff_field){"name", "name", T(req, "Name"), "text", http_form(req, "name"),
		    NULL, staff_problem_for(p, "name"), "off", 1});
	staff_field(req, res, &(struct staff_field){"email", "email", T(req, "E-mail address"), "email",
		    http_form(req, "email"), NULL, staff_problem_for(p, "email"), "off", 1});
	staff_field(req, res, &(struct staff_field){"organisation", "organisation", T(req, "Organisation"), "text",
		    http_form(req, "organisation"), T(req, "For example: Gemeente Dijkwaard"),
		    staff_problem_for(p, "organisation"), "off", 1});
	html_printf(b, "<fieldset class=\"utrecht-form-fieldset utrecht-form-fieldset--html-fieldset\">\n"
		    "<legend class=\"utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend\">%h</legend>\n"
		    "<div class=\"utrecht-form-field utrecht-form-field--radio\"><input class=\"utrecht-radio-button utrecht-radio-button--html-input\" type=\"radio\" id=\"lang-nl\" name=\"language\" value=\"nl\"%R>"
		    "<label class=\"utrecht-form-label utrecht-form-label--radio\" for=\"lang-nl\">Nederlands</label></div>\n"
		    "<div class=\"utrecht-form-field utrecht-form-field--radio\"><input class=\"utrecht-radio-button utrecht-radio-button--html-input\" type=\"radio\" id=\"lang-en\" name=\"language\" value=\"en\"%R>"
		    "<label class=\"utrecht-form-label utrecht-form-label--radio\" for=\"lang-en\" lang=\"en\">English</label></div>\n"
		    "</fieldset>\n",
		    T(req, "Language of the questionnaire and the e-mails"),
		    lang == NULL || strcmp(lang, "en") != 0 ? " checked" : "", lang && strcmp(lang, "en") == 0 ? " checked" : "");
	html_printf(b, "<div class=\"utrecht-form-field utrecht-form-field--checkbox\">"
		    "<input class=\"utrecht-checkbox utrecht-checkbox--html-input\" type=\"checkbox\" id=\"account\" name=\"account\" value=\"yes\" aria-describedby=\"h-account\"%R>"
		    "<label class=\"utrecht-form-label utrecht-form-label--checkbox\" for=\"account\">%h</label>\n"
		    "<p class=\"utrecht-form-field-description\" id=\"h-account\">%h</p></div>\n",
		    first || (account && strcmp(account, "yes") == 0) ? " checked" : "",
		    T(req, "Also make an account for the leader"),
		    T(req, "With an account the leader names the people to invite, follows the progress and reads "
			   "the report. They log in with a link sent to this e-mail address."));
	html_printf(b, "<button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\">%h</button>\n</form>\n",
		    T(req, "Add the leader"));
}

/* GET /admin/leaders/new — the form for a new leader. */
void page_admin_leader_new(struct request *req, struct reply *res)
{
	struct actor who;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	staff_begin(req, res, T(req, "Add a leader"));
	leader_form(req, res, NULL);
	page_end(req, res);
}

/* Check a name-like field; a problem goes into p. */
static void check_text(struct request *req, struct staff_problems *p, const char *field, const char *v,
		       const char *missing)
{
	char *t = arena_strdup(req->a, v ? v : "");

	if (t == NULL || text_trim(t)[0] == '\0')
		staff_problem(p, field, missing);
	else if (strlen(t) > CORE_MAX_NAME)
		staff_problem(p, field, T(req, "This is too long: at most 200 characters."));
	else if (text_has_control(t, 0))
		staff_problem(p, field, T(req, "This contains characters that are not text, such as a line break."));
}

/* POST /admin/leaders/new — add a leader, and their account when asked.
 *   csrf, name, email, organisation, language (nl|en), account (yes) */
void page_admin_leader_add(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct staff_problems p = {0};
	const char *email = http_form(req, "email"), *why, *account = http_form(req, "account");
	char mail[256];
	int64_t id = 0;
	int rc, with_account = account != NULL && strcmp(account, "yes") == 0;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	check_text(req, &p, "name", http_form(req, "name"), T(req, "Give the leader's name."));
	if (email == NULL || email[0] == '\0')
		staff_problem(&p, "email", T(req, "Give the leader's e-mail address."));
	else if (email_normalise(email, mail, sizeof mail, &why) != 0)
		staff_problem(&p, "email", T(req, "This is not an e-mail address; write it as name@example.org."));
	check_text(req, &p, "organisation", http_form(req, "organisation"), T(req, "Give the organisation."));
	if (p.n == 0) {
		char *name = text_trim(arena_strdup(req->a, http_form(req, "name")));
		char *org = text_trim(arena_strdup(req->a, http_form(req, "organisation")));
		rc = core_leader_create(&req->app->core, &who, name, email, org, http_form(req, "language"),
					with_account, &id, &e);
		if (rc == AZ_EDUP)
			staff_problem(&p, "email", with_account
				      ? T(req, "A leader or an account with this e-mail address exists already.")
				      : T(req, "A leader with this e-mail address exists already."));
		else if (rc != AZ_OK) {
			staff_fail(req, res, rc);
			return;
		}
	}
	if (p.n > 0) {
		res->status = 422;
		staff_begin(req, res, arena_printf(req->a, "%s: %s", T(req, "Error"), T(req, "Add a leader")));
		leader_form(req, res, &p);
		page_end(req, res);
		return;
	}
	staff_done(req, res, arena_printf(req->a, "/admin/leaders/%lld", (long long)id),
		   with_account ? "account" : "leader");
}

/* The form for a new round of a leader. */
static void round_form(struct request *req, struct reply *res, int64_t leader_id, const struct staff_problems *p)
{
	const char *approval = http_form(req, "approval"), *rem = http_form(req, "reminders");
	struct buf *b = &res->body;

	html_printf(b, "<h2 class=\"utrecht-heading-2\" id=\"new-round\">%h</h2>\n", T(req, "Start a new round"));
	staff_problems_render(req, res, p);
	staff_form(req, res, arena_printf(req->a, "/admin/leaders/%lld", (long long)leader_id));
	staff_field(req, res, &(struct staff_field){"closes", "closes", T(req, "Deadline"), "date", http_form(req, "closes"),
		    T(req, "The last day to answer, written YYYY-MM-DD. The round closes itself after it."),
		    staff_problem_for(p, "closes"), "off", 1});
	staff_field(req, res, &(struct staff_field){"reminders", "reminders", T(req, "Reminders"), "text",
		    rem ? rem : "7,2", T(req, "Days before the deadline to remind those who have not answered, such as 7,2. Empty: no reminders."),
		    staff_problem_for(p, "reminders"), "off", 0});
	html_printf(b, "<div class=\"utrecht-form-field utrecht-form-field--checkbox\">"
		    "<input class=\"utrecht-checkbox utrecht-checkbox--html-input\" type=\"checkbox\" id=\"approval\" name=\"approval\" value=\"yes\" aria-describedby=\"h-approval\"%R>"
		    "<label class=\"utrecht-form-label utrecht-form-label--checkbox\" for=\"approval\">%h</label>\n"
		    "<p class=\"utrecht-form-field-description\" id=\"h-approval\">%h</p></div>\n"
		    "<button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\">%h</button>\n</form>\n",
		    approval && strcmp(approval, "yes") == 0 ? " checked" : "",
		    T(req, "The leader's list needs approval"),
		    T(req, "An administrator or a coach approves the people the leader names before invitations go out."),
		    T(req, "Start the round"));
}

/* The leader's page: who, their rounds, the form for a new round. */
static void leader_page(struct request *req, struct reply *res, const struct actor *who, int64_t id,
			const struct staff_problems *p)
{
	struct err e = {0};
	struct leader_summary *ls;
	size_t n;
	int rc;

	if ((rc = core_overview(&req->app->core, req->a, who, id, &ls, &n, &e)) != AZ_OK || n != 1) {
		staff_fail(req, res, rc == AZ_OK ? AZ_ENOTFOUND : rc);
		return;
	}
	staff_begin(req, res, p && p->n ? arena_printf(req->a, "%s: %s", T(req, "Error"), ls->leader.name) : ls->leader.name);
	html_printf(&res->body, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<dl class=\"az-facts\">\n"
		    "<dt>%h</dt><dd>%h</dd>\n<dt>%h</dt><dd>%h</dd>\n<dt>%h</dt><dd>%h</dd>\n</dl>\n",
		    ls->leader.name, T(req, "Organisation"), ls->leader.organisation, T(req, "E-mail address"),
		    ls->leader.email, T(req, "Account"), ls->account ? ls->account : T(req, "none"));
	rounds_table(req, res, ls);
	round_form(req, res, id, p);
	page_end(req, res);
}

/* GET /admin/leaders/{id} — a leader, their rounds, a new round. */
void page_admin_leader(struct request *req, struct reply *res)
{
	struct actor who;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	leader_page(req, res, &who, staff_id(req), NULL);
}

/* POST /admin/leaders/{id} — start a round for the leader.
 *   csrf, closes (YYYY-MM-DD), approval (yes), reminders ("7,2") */
void page_admin_round_add(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct staff_problems p = {0};
	const char *closes = http_form(req, "closes"), *rem = http_form(req, "reminders");
	const char *approval = http_form(req, "approval");
	const char *days = "";
	char today[11];
	int64_t id = 0;
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	date_today(today);
	if (closes == NULL || !date_valid(closes))
		staff_problem(&p, "closes", T(req, "Give the deadline as a date written YYYY-MM-DD."));
	else if (strcmp(closes, today) < 0)
		staff_problem(&p, "closes", T(req, "The deadline has passed; choose a later day."));
	if (!staff_reminders(req, rem, &days))
		staff_problem(&p, "reminders", T(req, "Write numbers of days from 1 to 365 with commas between, such as 7,2."));
	if (p.n == 0) {
		rc = core_round_create(&req->app->core, &who, staff_id(req), closes,
				       approval && strcmp(approval, "yes") == 0, days, &id, &e);
		if (rc != AZ_OK) {
			staff_fail(req, res, rc);
			return;
		}
		staff_done(req, res, arena_printf(req->a, "/admin/rounds/%lld", (long long)id), "round");
		return;
	}
	res->status = 422;
	leader_page(req, res, &who, staff_id(req), &p);
}
