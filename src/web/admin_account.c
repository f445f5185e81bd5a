/* admin_account.c — the administrator's page of accounts: who can log in,
 * with which role, and a new coach or administrator (login by a link sent
 * by e-mail; they can set a password on their account page). Leader
 * accounts are made with their leader (admin.c).
 */
#include <string.h>

#include "../util/text.h"
#include "staff.h"

static const char *role_label(const struct request *req, int role)
{
	switch (role) {
	case ROLE_ADMIN: return T(req, "Administrator");
	case ROLE_LEADER: return T(req, "Leader");
	case ROLE_COACH: return T(req, "Coach");
	}
	return "?";
}

/* The list of accounts and the form for a new one. */
static void accounts_page(struct request *req, struct reply *res, const struct actor *who,
			  const struct staff_problems *p)
{
	struct buf *b = &res->body;
	struct err e = {0};
	struct user *u;
	size_t n;
	const char *role = http_form(req, "role");
	const char *title = T(req, "Accounts");
	int rc;

	if ((rc = core_accounts(&req->app->core, req->a, who, &u, &n, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_begin(req, res, p && p->n ? arena_printf(req->a, "%s: %s", T(req, "Error"), title) : title);
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n", title);
	staff_table_begin(req, res, title);
	html_printf(b, "<caption class=\"utrecht-table__caption az-visually-hidden\">%h</caption>\n"
		    "<thead class=\"utrecht-table__header\"><tr class=\"utrecht-table__row\">"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "</tr></thead>\n<tbody class=\"utrecht-table__body\">\n",
		    title, T(req, "Name"), T(req, "E-mail address"), T(req, "Role"), T(req, "Login"));
	for (size_t i = 0; i < n; i++)
		html_printf(b, "<tr class=\"utrecht-table__row\"><th scope=\"row\" class=\"utrecht-table__header-cell\">%h</th>"
			    "<td class=\"utrecht-table__cell az-break\">%h</td><td class=\"utrecht-table__cell\">%h</td>"
			    "<td class=\"utrecht-table__cell\">%h</td></tr>\n",
			    u[i].name ? u[i].name : "", u[i].email, role_label(req, u[i].role),
			    u[i].password ? T(req, "password or link") : T(req, "link by e-mail"));
	html_printf(b, "</tbody>\n</table>\n</div>\n<h2 class=\"utrecht-heading-2\" id=\"new\">%h</h2>\n"
		    "<p class=\"utrecht-paragraph\">%h</p>\n",
		    T(req, "Add a coach or an administrator"),
		    T(req, "They log in on the login page with a link sent to their e-mail address, and can set a "
			   "password on their account page. A leader's account is made with the leader."));
	staff_problems_render(req, res, p);
	staff_form(req, res, "/admin/accounts");
	staff_field(req, res, &(struct staff_field){"name", "name", T(req, "Name"), "text", http_form(req, "name"),
		    NULL, staff_problem_for(p, "name"), "off", 1});
	staff_field(req, res, &(struct staff_field){"email", "email", T(req, "E-mail address"), "email",
		    http_form(req, "email"), NULL, staff_problem_for(p, "email"), "off", 1});
	html_printf(b, "<fieldset class=\"utrecht-form-fieldset utrecht-form-fieldset--html-fieldset\">\n"
		    "<legend class=\"utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend\">%h</legend>\n"
		    "<div class=\"utrecht-form-field utrecht-form-field--radio\"><input class=\"utrecht-radio-button utrecht-radio-button--html-input\" type=\"radio\" id=\"role-coach\" name=\"role\" value=\"coach\"%R>"
		    "<label class=\"utrecht-form-label utrecht-form-label--radio\" for=\"role-coach\">%h</label></div>\n"
		    "<div class=\"utrecht-form-field utrecht-form-field--radio\"><input class=\"utrecht-radio-button utrecht-radio-button--html-input\" type=\"radio\" id=\"role-admin\" name=\"role\" value=\"admin\"%R>"
		    "<label class=\"utrecht-form-label utrecht-form-label--radio\" for=\"role-admin\">%h</label></div>\n"
		    "</fieldset>\n"
		    "<button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\">%h</button>\n</form>\n",
		    T(req, "Role"), role == NULL || strcmp(role, "admin") != 0 ? " checked" : "",
		    T(req, "Coach: reads the reports leaders share, approves their lists"),
		    role != NULL && strcmp(role, "admin") == 0 ? " checked" : "",
		    T(req, "Administrator: runs rounds, never reads a report"), T(req, "Add the account"));
	page_end(req, res);
}

/* GET /admin/accounts — every account, and a form for a coach or admin. */
void page_admin_accounts(struct request *req, struct reply *res)
{
	struct actor who;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	accounts_page(req, res, &who, NULL);
}

/* POST /admin/accounts — add a coach or an administrator.
 *   csrf, name, email, role (coach|admin) */
void page_admin_account_add(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct staff_problems p = {0};
	const char *name = http_form(req, "name"), *email = http_form(req, "email");
	const char *role = http_form(req, "role"), *why;
	char mail[256], *t;
	int64_t id;
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	t = text_trim(arena_strdup(req->a, name ? name : ""));
	if (t[0] == '\0')
		staff_problem(&p, "name", T(req, "Give a name."));
	else if (strlen(t) > CORE_MAX_NAME || text_has_control(t, 0))
		staff_problem(&p, "name", T(req, "This name is too long: at most 200 characters."));
	if (email == NULL || email[0] == '\0')
		staff_problem(&p, "email", T(req, "Give an e-mail address."));
	else if (email_normalise(email, mail, sizeof mail, &why) != 0)
		staff_problem(&p, "email", T(req, "This is not an e-mail address; write it as name@example.org."));
	if (role == NULL || (strcmp(role, "coach") != 0 && strcmp(role, "admin") != 0)) {
		page_error(req, res, 400, N_("Invalid request"), N_("The form holds a value that is not valid."));
		return;
	}
	if (p.n == 0) {
		rc = core_user_add(&req->app->core, &who, mail, t, strcmp(role, "admin") == 0 ? ROLE_ADMIN : ROLE_COACH,
				   0, NULL, req->lang, &id, &e);
		if (rc == AZ_EDUP)
			staff_problem(&p, "email", T(req, "There is an account with this e-mail address already."));
		else if (rc == AZ_EINVAL)
			staff_problem(&p, "email", T(req, "This is not an e-mail address; write it as name@example.org."));
		else if (rc != AZ_OK) {
			staff_fail(req, res, rc);
			return;
		}
	}
	if (p.n > 0) {
		res->status = 422;
		accounts_page(req, res, &who, &p);
		return;
	}
	staff_done(req, res, "/admin/accounts", "useradded");
}
