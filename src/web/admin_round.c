/* admin_round.c — the administrator's pages of one round: where it stands
 * and what can be done next (approve the list, open and send the
 * invitations, close, release), the leader's list, a CSV import, progress,
 * the e-mail of the round, its settings, sharing, the personal links (for
 * when there is no SMTP server) and the export.
 *
 * Progress follows the rule of core_progress_of(); the outbox page lists
 * invitations only (a reminder goes to whoever has not answered yet).
 */
#include <stdio.h>
#include <string.h>

#include "../render/csv.h"
#include "../util/text.h"
#include "staff.h"

/* What went wrong with a posted form of the round page, to show on it. */
struct round_problem {
	const char *msg;         /* translated, or NULL */
	const char *csv;         /* the pasted CSV to show again, or NULL */
	const struct import_report *imp;  /* what is wrong with it, or NULL */
};

static const char *round_path(struct request *req, int64_t id)
{
	return arena_printf(req->a, "/admin/rounds/%lld", (long long)id);
}

/* A form with one button: do=what. */
static void action_button(struct request *req, struct reply *res, int64_t id, const char *what,
			  const char *label, int primary)
{
	staff_form(req, res, round_path(req, id));
	html_printf(&res->body, "<button class=\"utrecht-button utrecht-button--%h-action\" type=\"submit\" name=\"do\" value=\"%a\">%h</button>\n</form>\n",
		    primary ? "primary" : "secondary", what, label);
}

/* The next steps for the round's state. */
static void render_actions(struct request *req, struct reply *res, const struct round *r)
{
	struct buf *b = &res->body;

	html_printf(b, "<h2 class=\"utrecht-heading-2\" id=\"next\">%h</h2>\n", T(req, "Next step"));
	switch (r->state) {
	case ROUND_DRAFT:
		if (r->nomination == NOM_SUBMITTED && r->needs_approval) {
			html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
				    T(req, "The leader has handed in the list. Check it below, then approve it or send it back."));
			html_printf(b, "<div class=\"az-actions\">\n");
			action_button(req, res, r->id, "approve", T(req, "Approve the list"), 1);
			action_button(req, res, r->id, "reopen", T(req, "Send the list back for changes"), 0);
			html_printf(b, "</div>\n");
			return;
		}
		if (r->needs_approval && r->nomination != NOM_APPROVED) {
			html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
				    T(req, "The leader is drawing up the list of people to invite. It needs approval before the round opens."));
			return;
		}
		if (r->nomination == NOM_OPEN)
			html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
				    T(req, "The leader has not handed in the list yet. You can open the round anyway, with the people on it now."));
		staff_form(req, res, round_path(req, r->id));
		staff_field(req, res, &(struct staff_field){"open-closes", "closes", T(req, "Deadline"), "date",
			    r->closes_on, T(req, "The last day to answer, written YYYY-MM-DD."), NULL, "off", 1});
		html_printf(b, "<button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\" name=\"do\" value=\"open\">%h</button>\n</form>\n",
			    T(req, "Open the round and send the invitations"));
		if (r->nomination == NOM_APPROVED)
			action_button(req, res, r->id, "reopen", T(req, "Open the list for changes again"), 0);
		return;
	case ROUND_OPEN:
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "The round is open. It closes itself after the deadline; you can also close it now."));
		html_printf(b, "<div class=\"az-actions\">\n");
		action_button(req, res, r->id, "close", T(req, "Close the round now"), 1);
		if (req->app->core.mail)
			action_button(req, res, r->id, "invite", T(req, "Send invitations to people added later"), 0);
		html_printf(b, "</div>\n");
		return;
	case ROUND_CLOSED:
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "The round is closed. Releasing makes the report visible to the leader and the coaches it is shared with."));
		action_button(req, res, r->id, "release", T(req, "Release the report to the leader"), 1);
		return;
	default:
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "The report has been released to the leader."));
	}
}

/* The CSV import form, with what was pasted and the problems found. */
static void render_import(struct request *req, struct reply *res, int64_t id, const struct instrument *ins,
			  const struct round_problem *rp)
{
	struct buf *b = &res->body;
	int bad = rp != NULL && rp->imp != NULL;

	html_printf(b, "<h2 class=\"utrecht-heading-2\" id=\"import\">%h</h2>\n", T(req, "Add people from a spreadsheet"));
	if (bad) {
		html_printf(b, "<div class=\"utrecht-alert utrecht-alert--error az-error-summary\" role=\"alert\" id=\"import-errors\" tabindex=\"-1\">"
			    "<p class=\"utrecht-paragraph\"><strong>%h</strong></p>\n<ul class=\"utrecht-unordered-list\">\n",
			    T(req, "Nothing was added. The list has these problems:"));
		for (int i = 0; i < rp->imp->n; i++)
			html_printf(b, "<li class=\"utrecht-unordered-list__item\">%h</li>\n",
				    staff_import_problem(req, ins, &rp->imp->p[i]));
		if (rp->imp->n == 0)
			html_printf(b, "<li class=\"utrecht-unordered-list__item\">%h</li>\n", T(req, "The list cannot be read."));
		if (rp->imp->more)
			html_printf(b, "<li class=\"utrecht-unordered-list__item\">%h</li>\n",
				    T(req, "And more: correct these first."));
		html_printf(b, "</ul>\n</div>\n");
	}
	staff_form(req, res, arena_printf(req->a, "%s/import", round_path(req, id)));
	html_printf(b, "<div class=\"utrecht-form-field\">\n<label class=\"utrecht-form-label\" for=\"csv\">%h</label>\n"
		    "<p class=\"utrecht-form-field-description\" id=\"h-csv\">%h</p>\n"
		    "<textarea class=\"utrecht-textarea utrecht-textarea--html-textarea\" id=\"csv\" name=\"csv\" rows=\"8\" spellcheck=\"false\" aria-describedby=\"h-csv%R\">%h</textarea>\n</div>\n"
		    "<button class=\"utrecht-button utrecht-button--secondary-action\" type=\"submit\">%h</button>\n</form>\n",
		    T(req, "The people to invite, as CSV"),
		    T(req, "Paste from a spreadsheet: a first line name,email,group, then one person per line. "
			   "Separated by commas or semicolons. All or nothing: one bad line adds nobody."),
		    bad ? " import-errors" : "", rp && rp->csv ? rp->csv : "", T(req, "Add these people"));
}

/* The settings form. */
static void render_settings(struct request *req, struct reply *res, const struct round *r)
{
	struct buf *b = &res->body;

	if (r->state == ROUND_RELEASED)
		return;
	html_printf(b, "<h2 class=\"utrecht-heading-2\" id=\"settings\">%h</h2>\n", T(req, "Settings"));
	staff_form(req, res, arena_printf(req->a, "%s/settings", round_path(req, r->id)));
	staff_field(req, res, &(struct staff_field){"reminders", "reminders", T(req, "Reminders"), "text",
		    r->reminders, T(req, "Days before the deadline to remind those who have not answered, such as 7,2. Empty: no reminders."),
		    NULL, "off", 0});
	html_printf(b, "<div class=\"utrecht-form-field utrecht-form-field--checkbox\">"
		    "<input class=\"utrecht-checkbox utrecht-checkbox--html-input\" type=\"checkbox\" id=\"approval\" name=\"approval\" value=\"yes\"%R>"
		    "<label class=\"utrecht-form-label utrecht-form-label--checkbox\" for=\"approval\">%h</label></div>\n"
		    "<button class=\"utrecht-button utrecht-button--secondary-action\" type=\"submit\">%h</button>\n</form>\n",
		    r->needs_approval ? " checked" : "", T(req, "The leader's list needs approval"), T(req, "Save the settings"));
}

/* E-mail and links: counts of the invitation messages, and where to look. */
static void render_mail(struct request *req, struct reply *res, const struct actor *who, int64_t id)
{
	struct buf *b = &res->body;
	struct err e = {0};
	struct outbox_counts oc;
	struct mail *m;
	size_t n;

	html_printf(b, "<h2 class=\"utrecht-heading-2\" id=\"mail\">%h</h2>\n", T(req, "Invitations by e-mail"));
	if (!req->app->core.mail)
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    T(req, "This server sends no e-mail: hand out the personal links yourself."));
	if (core_round_outbox(&req->app->core, req->a, who, id, &m, &n, &oc, &e) == AZ_OK) {
		html_printf(b, "<p class=\"utrecht-paragraph\">");
		html_printf(b, T(req, "Waiting: %lld. Sent: %lld. Failed: %lld."), (long long)(oc.queued + oc.sending),
			    (long long)oc.sent, (long long)oc.failed);
		html_printf(b, "</p>\n");
	}
	html_printf(b, "<ul class=\"utrecht-link-list utrecht-link-list--html-ul\">\n"
		    "<li class=\"utrecht-link-list__item\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a/outbox\">%h</a></li>\n"
		    "<li class=\"utrecht-link-list__item\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a/links\">%h</a></li>\n"
		    "</ul>\n", round_path(req, id), T(req, "The invitation e-mails of this round"),
		    round_path(req, id), T(req, "Personal links, to hand out without e-mail"));
}

/* The whole round page; rp says what went wrong with a form (or NULL). */
static void round_page(struct request *req, struct reply *res, const struct actor *who, int64_t id,
		       const struct round_problem *rp)
{
	struct err e = {0};
	struct round_view v;
	struct round_progress p;
	struct nomination nom;
	struct buf *b = &res->body;
	const char *title;
	int rc, ask;

	if ((rc = core_progress(&req->app->core, req->a, who, id, &v, &p, &e)) != AZ_OK ||
	    (rc = core_nomination_load(&req->app->core, req->a, who, id, &nom, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	title = arena_printf(req->a, "%s — %s", arena_printf(req->a, T(req, "Round %lld"), (long long)id), v.leader.name);
	ask = v.round.needs_approval && v.round.state == ROUND_DRAFT;
	staff_begin(req, res, rp && (rp->msg || rp->imp) ? arena_printf(req->a, "%s: %s", T(req, "Error"), title) : title);
	if (rp && rp->msg)
		html_printf(b, "<div class=\"utrecht-alert utrecht-alert--error\" role=\"alert\"><p class=\"utrecht-paragraph\">%h</p></div>\n", rp->msg);
	/* The import form is far down the page: say at the top that it failed, and link there. */
	if (rp && rp->imp)
		html_printf(b, "<div class=\"utrecht-alert utrecht-alert--error\"><p class=\"utrecht-paragraph\">%h "
			    "<a class=\"utrecht-link utrecht-link--html-a\" href=\"#import-errors\">%h</a></p></div>\n",
			    T(req, "Nothing was added from the pasted list."), T(req, "See the problems"));
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<dl class=\"az-facts\">\n"
		    "<dt>%h</dt><dd><a class=\"utrecht-link utrecht-link--html-a\" href=\"/admin/leaders/%lld\">%h</a>, %h</dd>\n"
		    "<dt>%h</dt><dd>%h</dd>\n<dt>%h</dt><dd>%h</dd>\n<dt>%h</dt><dd>%h%R%h%R</dd>\n<dt>%h</dt><dd>%h</dd>\n</dl>\n",
		    title, T(req, "Leader"), (long long)v.leader.id, v.leader.name, v.leader.organisation,
		    T(req, "State"), staff_state(req, v.round.state), T(req, "Deadline"),
		    staff_date(req, v.round.closes_on), T(req, "List of people to invite"),
		    v.round.state == ROUND_DRAFT ? staff_nomination(req, v.round.nomination) : T(req, "fixed"),
		    ask ? " (" : "", ask ? T(req, "needs approval") : "", ask ? ")" : "",
		    T(req, "Reminders, days before the deadline"),
		    v.round.reminders && v.round.reminders[0] ? v.round.reminders : T(req, "none"));
	/* Once it runs, how far it is comes first; then what to do next. */
	if (v.round.state != ROUND_DRAFT) {
		html_printf(b, "<h2 class=\"utrecht-heading-2\" id=\"progress\">%h</h2>\n", T(req, "Progress"));
		staff_progress(req, res, &v, &p);
	}
	render_actions(req, res, &v.round);
	if (v.round.state == ROUND_CLOSED || v.round.state == ROUND_RELEASED)
		html_printf(b, "<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a/export.csv\">%h</a></p>\n",
			    round_path(req, id), T(req, "Download the answers for analysis (CSV; small groups merged)"));
	html_printf(b, "<h2 class=\"utrecht-heading-2\" id=\"list\">%h</h2>\n", T(req, "The leader's list"));
	staff_list(req, res, &nom);
	if (v.round.state == ROUND_DRAFT || v.round.state == ROUND_OPEN)
		render_import(req, res, id, nom.ins, rp);
	if (v.round.state != ROUND_DRAFT)
		render_mail(req, res, who, id);
	render_settings(req, res, &v.round);
	staff_share_form(req, res, who, id, arena_printf(req->a, "%s/share", round_path(req, id)));
	page_end(req, res);
}

/* GET /admin/rounds/{id} — the round: state, next step, list, progress. */
void page_admin_round(struct request *req, struct reply *res)
{
	struct actor who;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	round_page(req, res, &who, staff_id(req), NULL);
}

/* The message for an action refused in the round's state. */
static const char *refusal(struct request *req, const char *op, int rc, const char *closes)
{
	char today[11];

	date_today(today);
	if (strcmp(op, "open") == 0 && rc == AZ_EINVAL)
		return closes && date_valid(closes) && strcmp(closes, today) < 0
			? T(req, "The deadline has passed; choose a later day.")
			: T(req, "Give the deadline as a date written YYYY-MM-DD.");
	if (strcmp(op, "open") == 0)
		return T(req, "The round cannot open yet: its list needs approval first.");
	if (strcmp(op, "approve") == 0)
		return T(req, "Only a handed-in list of a round that needs approval can be approved.");
	return T(req, "The round is not in a state that allows this. Reload the page to see where it stands.");
}

/* Closing and releasing cannot be undone: the first POST of either shows
 * what will happen and asks again (without JavaScript, a page of its own);
 * the second carries sure=yes. */
static void confirm_page(struct request *req, struct reply *res, const struct actor *who, int64_t id,
			 const char *op)
{
	struct err e = {0};
	struct round_view v;
	struct round_progress p;
	struct buf *b = &res->body;
	int close = strcmp(op, "close") == 0, rc;
	const char *title;

	if ((rc = core_progress(&req->app->core, req->a, who, id, &v, &p, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	title = arena_printf(req->a, close ? T(req, "Close round %lld of %s?") : T(req, "Release the report of round %lld to %s?"),
			     (long long)id, v.leader.name);
	staff_begin(req, res, title);
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h</p>\n", title,
		    close ? T(req, "Nobody can answer any more once the round is closed, also not those who have not answered yet. "
				   "Closing cannot be undone.")
			  : T(req, "The leader can then read the report, and so can the coaches it is shared with. "
				   "Releasing cannot be undone."));
	if (close && v.round.state == ROUND_OPEN) {
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
			    arena_printf(req->a, T(req, "Deadline: %s."), staff_date(req, v.round.closes_on)));
	}
	html_printf(b, "<div class=\"az-actions\">\n");
	staff_form(req, res, round_path(req, id));
	html_printf(b, "<input type=\"hidden\" name=\"sure\" value=\"yes\">"
		    "<button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\" name=\"do\" value=\"%a\">%h</button>\n</form>\n"
		    "<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\">%h</a></p>\n</div>\n",
		    op, close ? T(req, "Yes, close the round") : T(req, "Yes, release the report"),
		    round_path(req, id), T(req, "No, back to the round"));
	page_end(req, res);
}

/* POST /admin/rounds/{id} — the next step.
 *   csrf, do  approve | reopen | open | close | release | invite,
 *   closes (with open: the deadline, YYYY-MM-DD),
 *   sure (yes: close and release were confirmed) */
void page_admin_round_do(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	const char *op = http_form(req, "do"), *closes = http_form(req, "closes"), *done;
	int64_t id = staff_id(req);
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	if (op == NULL) {
		page_error(req, res, 400, N_("Invalid request"), N_("The form holds a value that is not valid."));
		return;
	}
	if (closes != NULL && closes[0] == '\0')
		closes = NULL;
	if ((strcmp(op, "close") == 0 || strcmp(op, "release") == 0) &&
	    (http_form(req, "sure") == NULL || strcmp(http_form(req, "sure"), "yes") != 0)) {
		confirm_page(req, res, &who, id, op);
		return;
	}
	if (strcmp(op, "approve") == 0)
		rc = core_nomination_move(&req->app->core, &who, id, NOM_APPROVED, &e), done = "approved";
	else if (strcmp(op, "reopen") == 0)
		rc = core_nomination_move(&req->app->core, &who, id, NOM_OPEN, &e), done = "reopened";
	else if (strcmp(op, "open") == 0)
		rc = closes && !date_valid(closes) ? AZ_EINVAL
		   : core_round_start(&req->app->core, &who, id, closes, &e),
		done = req->app->core.mail ? "opened" : "openlinks";
	else if (strcmp(op, "close") == 0)
		rc = core_round_stop(&req->app->core, &who, id, &e), done = "closed";
	else if (strcmp(op, "release") == 0)
		rc = core_round_publish(&req->app->core, &who, id, &e), done = "released";
	else if (strcmp(op, "invite") == 0)
		rc = core_round_requeue(&req->app->core, &who, id, NULL, &e), done = "invited";
	else {
		page_error(req, res, 400, N_("Invalid request"), N_("The form holds a value that is not valid."));
		return;
	}
	if (rc == AZ_ESTATE || rc == AZ_EINVAL) {
		res->status = rc == AZ_ESTATE ? 409 : 422;
		round_page(req, res, &who, id, &(struct round_problem){refusal(req, op, rc, closes), NULL, NULL});
		return;
	}
	if (rc != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_done(req, res, round_path(req, id), done);
}

/* POST /admin/rounds/{id}/settings — approval and reminders.
 *   csrf, approval (yes), reminders ("7,2") */
void page_admin_round_settings(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	const char *approval = http_form(req, "approval"), *rem = http_form(req, "reminders");
	int64_t id = staff_id(req);
	const char *days = "";
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	if (!staff_reminders(req, rem, &days)) {
		res->status = 422;
		round_page(req, res, &who, id, &(struct round_problem){
			T(req, "Write numbers of days from 1 to 365 with commas between, such as 7,2."), NULL, NULL});
		return;
	}
	rc = core_round_configure(&req->app->core, &who, id, approval && strcmp(approval, "yes") == 0, days, &e);
	if (rc == AZ_ESTATE) {
		res->status = 409;
		round_page(req, res, &who, id, &(struct round_problem){refusal(req, "settings", rc, NULL), NULL, NULL});
		return;
	}
	if (rc != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_done(req, res, round_path(req, id), "settings");
}

/* POST /admin/rounds/{id}/import — add raters from pasted CSV, all or none.
 *   csrf, csv  name,email,group lines */
void page_admin_import(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	const char *csv = http_form(req, "csv");
	int64_t id = staff_id(req);
	struct import_report rep = {.a = req->a};
	size_t count = 0;
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	if (csv == NULL)
		csv = "";
	rc = core_round_import(&req->app->core, &who, id, csv, strlen(csv), &count, &rep, &e);
	if (rc == AZ_ESTATE) {
		res->status = 409;
		round_page(req, res, &who, id, &(struct round_problem){refusal(req, "import", rc, NULL), NULL, NULL});
		return;
	}
	if (rc == AZ_EINVAL || rc == AZ_EDUP) {
		res->status = 422;
		round_page(req, res, &who, id, &(struct round_problem){NULL, csv, &rep});
		return;
	}
	if (rc != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_done(req, res, round_path(req, id), "imported");
}

/* GET /admin/rounds/{id}/links — every personal link, as text, to hand
 * out when the server sends no e-mail. Viewing them is audited. */
void page_admin_links(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct nomination nom;
	struct link *l;
	struct buf *b = &res->body;
	int64_t id = staff_id(req);
	size_t n;
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	if ((rc = core_round_links_for(&req->app->core, req->a, &who, id, &l, &n, &e)) != AZ_OK ||
	    (rc = core_nomination_load(&req->app->core, req->a, &who, id, &nom, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_begin(req, res, T(req, "Personal links"));
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h</p>\n"
		    "<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\">%h</a> · "
		    "<a class=\"utrecht-link utrecht-link--html-a\" href=\"%a/links.csv\">%h</a></p>\n",
		    T(req, "Personal links"),
		    T(req, "Each link belongs to one person: whoever has it answers as that person. Hand them out "
			   "one by one and keep this page to yourself. The links work once the round is open."),
		    round_path(req, id), T(req, "Back to the round"), round_path(req, id), T(req, "Download as CSV"));
	staff_table_begin(req, res, T(req, "Personal links"));
	html_printf(b, "<caption class=\"utrecht-table__caption az-visually-hidden\">%h</caption>\n"
		    "<thead class=\"utrecht-table__header\"><tr class=\"utrecht-table__row\">"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "</tr></thead>\n<tbody class=\"utrecht-table__body\">\n",
		    T(req, "Personal links"), T(req, "Name"), T(req, "E-mail address"), T(req, "Group"), T(req, "Link"));
	for (size_t i = 0; i < n; i++)
		html_printf(b, "<tr class=\"utrecht-table__row\"><th scope=\"row\" class=\"utrecht-table__header-cell\">%h</th>"
			    "<td class=\"utrecht-table__cell az-break\">%h</td><td class=\"utrecht-table__cell\">%h</td>"
			    "<td class=\"utrecht-table__cell\"><code class=\"az-link\">%h</code></td></tr>\n",
			    l[i].name ? l[i].name : T(req, "the leader (own reflection)"), l[i].email ? l[i].email : "—",
			    instrument_find_group(nom.ins, l[i].group_id) >= 0
			    ? staff_group(req, nom.ins, instrument_find_group(nom.ins, l[i].group_id)) : l[i].group_id,
			    l[i].url);
	html_printf(b, "</tbody>\n</table>\n</div>\n");
	page_end(req, res);
}

/* GET /admin/rounds/{id}/links.csv — the same as CSV (name,email,group,link),
 * safe to open in a spreadsheet. */
void page_admin_links_csv(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct link *l;
	int64_t id = staff_id(req);
	size_t n;
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	if ((rc = core_round_links_for(&req->app->core, req->a, &who, id, &l, &n, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	res->personal = 1;
	res->content_type = "text/csv; charset=utf-8";
	http_header(req, res, "Content-Disposition",
		    arena_printf(req->a, "attachment; filename=\"links-round-%lld.csv\"", (long long)id));
	buf_puts(&res->body, "name,email,group,link\r\n");
	for (size_t i = 0; i < n; i++) {
		csv_cell(&res->body, l[i].name, 1);
		csv_cell(&res->body, l[i].email, 0);
		csv_cell(&res->body, l[i].group_id, 0);
		csv_cell(&res->body, l[i].url, 0);
		csv_end(&res->body);
	}
}

/* GET /admin/rounds/{id}/export.csv — the answers as long CSV, closed
 * rounds only, small groups merged (core_export_long_csv). */
void page_admin_export(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	int64_t id = staff_id(req);
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	rc = core_round_export(&req->app->core, &who, id, &res->body, &e);
	if (rc == AZ_ESTATE) {
		page_error(req, res, 409, N_("Not available yet"),
			   N_("The answers can be exported once the round has closed."));
		return;
	}
	if (rc != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	res->personal = 1;
	res->content_type = "text/csv; charset=utf-8";
	http_header(req, res, "Content-Disposition",
		    arena_printf(req->a, "attachment; filename=\"round-%lld.csv\"", (long long)id));
}

static const char *mail_state(const struct request *req, int state)
{
	switch (state) {
	case MAIL_QUEUED: return T(req, "waiting");
	case MAIL_SENDING: return T(req, "being sent");
	case MAIL_SENT: return T(req, "sent");
	case MAIL_FAILED: return T(req, "failed");
	}
	return "?";
}

/* GET /admin/rounds/{id}/outbox — the invitation e-mails of the round:
 * counts, and each message with its state and the server's last answer;
 * a failed one can be sent again. */
void page_admin_outbox(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct outbox_counts oc;
	struct mail *m;
	struct buf *b = &res->body;
	int64_t id = staff_id(req);
	size_t n;
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	if ((rc = core_round_outbox(&req->app->core, req->a, &who, id, &m, &n, &oc, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_begin(req, res, T(req, "Invitation e-mails"));
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">", T(req, "Invitation e-mails"));
	html_printf(b, T(req, "Waiting: %lld. Sent: %lld. Failed: %lld."), (long long)(oc.queued + oc.sending),
		    (long long)oc.sent, (long long)oc.failed);
	html_printf(b, "</p>\n<p class=\"utrecht-paragraph\">%h</p>\n<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\">%h</a></p>\n",
		    T(req, "Reminders are not listed: who gets one is who has not answered yet."),
		    round_path(req, id), T(req, "Back to the round"));
	if (n == 0) {
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n", T(req, "No invitations have been queued yet."));
		page_end(req, res);
		return;
	}
	staff_table_begin(req, res, T(req, "Invitation e-mails"));
	html_printf(b, "<caption class=\"utrecht-table__caption az-visually-hidden\">%h</caption>\n"
		    "<thead class=\"utrecht-table__header\"><tr class=\"utrecht-table__row\">"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell utrecht-table__header-cell--numeric-column\">%h</th>"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "</tr></thead>\n<tbody class=\"utrecht-table__body\">\n",
		    T(req, "Invitation e-mails"), T(req, "To"), T(req, "State"), T(req, "Attempts"),
		    T(req, "The mail server's last answer"), T(req, "Action"));
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<tr class=\"utrecht-table__row\"><th scope=\"row\" class=\"utrecht-table__header-cell\">%h</th>"
			    "<td class=\"utrecht-table__cell\">%h</td><td class=\"utrecht-table__cell utrecht-table__cell--numeric-data\">%d</td>"
			    "<td class=\"utrecht-table__cell\">%h</td><td class=\"utrecht-table__cell\">",
			    m[i].to ? m[i].to : "", mail_state(req, m[i].state), m[i].attempts,
			    m[i].last_error ? m[i].last_error : "—");
		if (m[i].state == MAIL_FAILED) {
			staff_form(req, res, arena_printf(req->a, "%s/outbox", round_path(req, id)));
			html_printf(b, "<input type=\"hidden\" name=\"mail\" value=\"%lld\">"
				    "<button class=\"utrecht-button utrecht-button--secondary-action az-inline-button\" type=\"submit\">%h<span class=\"az-visually-hidden\"> %h</span></button></form>",
				    (long long)m[i].id, T(req, "Send again"), m[i].to ? m[i].to : "");
		}
		html_printf(b, "</td></tr>\n");
	}
	html_printf(b, "</tbody>\n</table>\n</div>\n");
	page_end(req, res);
}

/* POST /admin/rounds/{id}/outbox — send a failed invitation again.
 *   csrf, mail (the message's number) */
void page_admin_outbox_retry(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	int64_t id = staff_id(req);
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	rc = core_round_outbox_retry(&req->app->core, &who, id, http_id(http_form(req, "mail")), &e);
	if (rc != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_done(req, res, arena_printf(req->a, "%s/outbox", round_path(req, id)), "retried");
}
