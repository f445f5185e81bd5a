/* account.c — the logged-in account's own page: /account. Who you are,
 * changing the password, logging out here or everywhere. */
#include <string.h>
#include <time.h>

#include "pages.h"

static const char *role_text(int role)
{
	switch (role) {
	case ROLE_ADMIN: return N_("Administrator");
	case ROLE_LEADER: return N_("Leader");
	case ROLE_COACH: return N_("Coach");
	}
	return "?";
}

static void render_account(struct request *req, struct reply *res, const char *field, const char *error)
{
	const struct user *u = req->user;
	const char *m = http_query(req, "m");
	const char *ids[1] = {field}, *msgs[1] = {error};
	struct buf *b = &res->body;
	int has = u->password != NULL;

	res->personal = 1;
	page_begin(req, res, error ? arena_printf(req->a, "%s: %s", T(req, "Error"), T(req, "Your account"))
				   : T(req, "Your account"), "/account");
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n", T(req, "Your account"));
	if (m != NULL && strcmp(m, "saved") == 0)
		html_printf(b, "<div class=\"utrecht-alert utrecht-alert--ok\" role=\"status\"><p class=\"utrecht-paragraph\">%h</p></div>\n",
			    T(req, "Your new password is saved. Your other sessions have ended."));
	form_errors(req, res, error != NULL, ids, msgs);
	html_printf(b, "<dl class=\"az-facts\">\n<dt>%h</dt><dd>%h</dd>\n<dt>%h</dt><dd>%h</dd>\n<dt>%h</dt><dd>%h</dd>\n</dl>\n",
		    T(req, "Name"), u->name, T(req, "E-mail address"), u->email, T(req, "Role"), T(req, role_text(u->role)));
	html_printf(b, "<h2 class=\"utrecht-heading-2\">%h</h2>\n"
		    "<form class=\"utrecht-form\" method=\"post\" action=\"/account\" novalidate>\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%a\">\n",
		    T(req, has ? N_("Change your password") : N_("Choose a password")), req->csrf);
	if (has)
		form_input(req, res, "current", "password", T(req, "Current password"), "current-password", NULL, NULL,
			   error && strcmp(field, "current") == 0 ? T(req, error) : NULL);
	form_input(req, res, "password", "password", T(req, "New password"), "new-password", NULL,
		   T(req, "At least 15 characters. A few words in a row make a good password that is easy to remember."),
		   error && strcmp(field, "password") == 0 ? T(req, error) : NULL);
	html_printf(b, "<p class=\"utrecht-paragraph\"><button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\">%h</button></p>\n</form>\n",
		    T(req, "Save the password"));
	html_printf(b, "<h2 class=\"utrecht-heading-2\">%h</h2>\n<p class=\"utrecht-paragraph\">%h</p>\n"
		    "<form class=\"utrecht-form\" method=\"post\" action=\"/logout/all\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%a\">\n"
		    "<p class=\"utrecht-paragraph\"><button class=\"utrecht-button utrecht-button--secondary-action\" type=\"submit\">%h</button></p>\n</form>\n",
		    T(req, "Log out everywhere"),
		    T(req, "Ends every session of your account, on this and every other device. Do this when you "
			   "forgot to log out somewhere, or think someone else used your account."),
		    req->csrf, T(req, "Log out everywhere"));
	page_end(req, res);
}

/* GET /account — the account's page.
 *   m     saved: the password was just changed
 *   lang  nl or en */
void page_account_get(struct request *req, struct reply *res)
{
	render_account(req, res, NULL, NULL);
}

/* POST /account — current, password, csrf (checked by the router). */
void page_account_post(struct request *req, struct reply *res)
{
	const char *current = http_form(req, "current"), *password = http_form(req, "password");
	struct actor who = web_actor(req);
	char cookie[TOKEN_LONG_LEN + 1];
	struct err e = {0};
	int problem, rc;

	if (password == NULL || password[0] == '\0') {
		res->status = 422;
		render_account(req, res, "password", N_("Enter the new password."));
		return;
	}
	rc = core_password_change(&req->app->core, &who, req->user, current, password, (int64_t)time(NULL),
				  &problem, cookie, &e);
	if (rc == AZ_OK) {
		web_session_set(req, res, cookie);
		http_redirect(req, res, "/account?m=saved");
		return;
	}
	if (rc == AZ_ELIMIT) {
		http_header(req, res, "Retry-After", "900");
		page_error(req, res, 429, N_("Too many attempts"),
			   N_("The current password was wrong too often. Wait 15 minutes and try again."));
		return;
	}
	res->status = 422;
	if (rc == AZ_EDENIED)
		render_account(req, res, "current", N_("The current password is not right."));
	else if (rc == AZ_EINVAL)
		render_account(req, res, "password", password_problem_text(problem));
	else
		page_error(req, res, rc == AZ_EUNAVAIL ? 503 : 500, N_("Something went wrong"),
			   N_("The page could not be shown. Please try again later."));
}
