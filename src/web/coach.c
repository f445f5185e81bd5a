/* coach.c — a coach's pages: the rounds shared with them, the leader's list
 * to approve when a round needs it, and the released report. Nothing else:
 * no progress, no links, no exports.
 */
#include <string.h>

#include "staff.h"

static const char *coach_path(struct request *req, int64_t id, const char *rest)
{
	return arena_printf(req->a, "/coach/rounds/%lld%s", (long long)id, rest);
}

/* GET /coach — the rounds shared with this coach, newest first. */
void page_coach_home(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct shared_round *r;
	struct buf *b = &res->body;
	size_t n;
	int rc;

	if (staff_who(req, res, ROLE_COACH, &who) != 0)
		return;
	if ((rc = core_coach_rounds(&req->app->core, req->a, &who, &r, &n, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_begin(req, res, T(req, "Shared with me"));
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n", T(req, "Shared with me"));
	if (n == 0)
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n", T(req, "No leader has shared a round with you yet."));
	for (size_t i = 0; i < n; i++) {
		const struct round *ro = &r[i].round;
		html_printf(b, "<section class=\"az-card\" aria-labelledby=\"r-%lld\">\n<h2 class=\"utrecht-heading-2\" id=\"r-%lld\">%h, %h</h2>\n"
			    "<p class=\"utrecht-paragraph\">%h</p>\n",
			    (long long)ro->id, (long long)ro->id, r[i].leader.name, r[i].leader.organisation,
			    staff_round_line(req, ro));
		if (ro->state == ROUND_RELEASED)
			html_printf(b, "<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\">%h</a></p>\n",
				    coach_path(req, ro->id, "/report"), T(req, "Read the report"));
		else if (ro->state == ROUND_DRAFT && ro->needs_approval && ro->nomination == NOM_SUBMITTED)
			html_printf(b, "<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a\">%h</a></p>\n",
				    coach_path(req, ro->id, "/list"), T(req, "Check and approve the list"));
		else
			html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n",
				    T(req, "The report can be read here once it has been released."));
		html_printf(b, "</section>\n");
	}
	page_end(req, res);
}

/* GET /coach/rounds/{id}/list — the leader's list, to approve. */
void page_coach_list(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct nomination nom;
	struct buf *b = &res->body;
	int64_t id = staff_id(req);
	int rc;

	if (staff_who(req, res, ROLE_COACH, &who) != 0)
		return;
	if ((rc = core_nomination_load(&req->app->core, req->a, &who, id, &nom, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_begin(req, res, T(req, "The leader's list"));
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h, %h — %h %h.</p>\n",
		    T(req, "The leader's list"), nom.leader.name, nom.leader.organisation,
		    T(req, "the list is"), staff_nomination(req, nom.round.nomination));
	html_printf(b, "<h2 class=\"utrecht-heading-2\">%h</h2>\n", T(req, "The people named, per group"));
	staff_list(req, res, &nom);
	if (nom.round.state == ROUND_DRAFT && nom.round.needs_approval && nom.round.nomination == NOM_SUBMITTED) {
		html_printf(b, "<div class=\"az-actions\">\n");
		staff_form(req, res, coach_path(req, id, "/list"));
		html_printf(b, "<button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\" name=\"do\" value=\"approve\">%h</button>\n</form>\n",
			    T(req, "Approve the list"));
		staff_form(req, res, coach_path(req, id, "/list"));
		html_printf(b, "<button class=\"utrecht-button utrecht-button--secondary-action\" type=\"submit\" name=\"do\" value=\"reopen\">%h</button>\n</form>\n</div>\n",
			    T(req, "Send the list back for changes"));
	}
	page_end(req, res);
}

/* POST /coach/rounds/{id}/list — approve the list or send it back.
 *   csrf, do  approve | reopen */
void page_coach_list_do(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	const char *op = http_form(req, "do");
	int64_t id = staff_id(req);
	int rc, to;

	if (staff_who(req, res, ROLE_COACH, &who) != 0)
		return;
	if (op == NULL || (strcmp(op, "approve") != 0 && strcmp(op, "reopen") != 0)) {
		page_error(req, res, 400, N_("Invalid request"), N_("The form holds a value that is not valid."));
		return;
	}
	to = strcmp(op, "approve") == 0 ? NOM_APPROVED : NOM_OPEN;
	if ((rc = core_nomination_move(&req->app->core, &who, id, to, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_done(req, res, coach_path(req, id, "/list"), to == NOM_APPROVED ? "approved" : "reopened");
}

/* GET /coach/rounds/{id}/report[?format=pdf] — a report shared with them. */
void page_coach_report(struct request *req, struct reply *res)
{
	staff_report(req, res, ROLE_COACH);
}
