/* login.c — logging in and out: /login (e-mail and password), /login/link
 * (ask for a one-time link by e-mail), /login/l/{token} (use it), /logout
 * and /logout/all.
 *
 * Every wrong way to log in gets one answer: unknown address, no password
 * or wrong password alike (401, the same text, the same work in the core).
 * Asking for a link gets the same page whether or not the address has an
 * account, after the same time (LINK_REQUEST_MS). Opening a link shows a
 * button that logs in with a POST, so that a mail scanner fetching the
 * link does not use it up.
 */
#include <string.h>
#include <time.h>

#include "pages.h"

/* The least time a link request takes, so that queueing the e-mail for an
 * existing account cannot be told from doing nothing by the time taken. */
#define LINK_REQUEST_MS 250

/* One labelled input with its error, tied together for screen readers.
 * type is "email", "password" or "text"; value may be NULL. */
void form_input(struct request *req, struct reply *res, const char *id, const char *type,
		const char *label, const char *autocomplete, const char *value, const char *hint,
		const char *error)
{
	struct buf *b = &res->body;

	html_printf(b, "<div class=\"utrecht-form-field utrecht-form-field--text%R\">\n"
		    "<p class=\"utrecht-form-field__label\"><label class=\"utrecht-form-label\" for=\"%a\">%h</label></p>\n",
		    error ? " utrecht-form-field--invalid" : "", id, label);
	if (hint != NULL)
		html_printf(b, "<p class=\"utrecht-form-field-description\" id=\"%a-hint\">%h</p>\n", id, hint);
	if (error != NULL)
		html_printf(b, "<p class=\"utrecht-form-field-error-message\" id=\"%a-error\">%h</p>\n", id, error);
	html_printf(b, "<p class=\"utrecht-form-field__input\"><input class=\"utrecht-textbox utrecht-textbox--html-input%R\" "
		    "id=\"%a\" name=\"%a\" type=\"%a\" autocomplete=\"%a\" value=\"%a\"%R",
		    error ? " utrecht-textbox--invalid" : "", id, id, type, autocomplete, value ? value : "",
		    error ? " aria-invalid=\"true\"" : "");
	if (hint != NULL || error != NULL)
		html_printf(b, " aria-describedby=\"%a\"",
			    arena_printf(req->a, "%s%s%s%s%s", hint ? id : "", hint ? "-hint" : "",
					 hint && error ? " " : "", error ? id : "", error ? "-error" : ""));
	html_printf(b, "%R></p>\n</div>\n", strcmp(type, "email") == 0 ? " spellcheck=\"false\"" : "");
}

/* The box above a form that lists what is wrong, each item linking to
 * its field: ids[i] and msgs[i] (msgids). */
void form_errors(struct request *req, struct reply *res, int n, const char *const *ids,
		 const char *const *msgs)
{
	struct buf *b = &res->body;

	if (n == 0)
		return;
	html_printf(b, "<div class=\"utrecht-alert utrecht-alert--error az-error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">\n"
		    "<h2 class=\"utrecht-heading-2\">%h</h2>\n<ul class=\"utrecht-unordered-list\">\n",
		    T(req, "There is a problem"));
	for (int i = 0; i < n; i++)
		html_printf(b, "<li class=\"utrecht-unordered-list__item\"><a class=\"utrecht-link utrecht-link--html-a\" "
			    "href=\"#%a\">%h</a></li>\n", ids[i], T(req, msgs[i]));
	html_printf(b, "</ul>\n</div>\n");
}

/* The title of a page, prefixed with "Error: " when the form has errors. */
static const char *title_for(struct request *req, const char *title, int errors)
{
	return errors ? arena_printf(req->a, "%s: %s", T(req, "Error"), T(req, title)) : T(req, title);
}

static void notice(struct request *req, struct reply *res, const char *kind, const char *text)
{
	html_printf(&res->body, "<div class=\"utrecht-alert utrecht-alert--%a\" role=\"status\"><p class=\"utrecht-paragraph\">%h</p></div>\n",
		    kind, T(req, text));
}

/* Start the session of a fresh login and go on: to next when it is a path
 * on this site, else to the account's start page. */
static void logged_in(struct request *req, struct reply *res, const struct login *l, const char *next)
{
	res->personal = 1;
	web_session_set(req, res, l->cookie);
	http_redirect(req, res, next != NULL && web_local_path(next) ? next : web_landing(&l->user));
}

static void render_login(struct request *req, struct reply *res, const char *email, const char *next,
			 int n, const char *const *ids, const char *const *msgs)
{
	const char *m = http_query(req, "m");

	res->personal = 1;
	page_begin(req, res, title_for(req, N_("Log in"), n), "/login");
	html_printf(&res->body, "<h1 class=\"utrecht-heading-1\">%h</h1>\n", T(req, "Log in"));
	if (m != NULL && strcmp(m, "out") == 0)
		notice(req, res, "ok", N_("You have logged out."));
	else if (m != NULL && strcmp(m, "all") == 0)
		notice(req, res, "ok", N_("You have logged out on every device."));
	else if (m != NULL && strcmp(m, "ended") == 0)
		notice(req, res, "info", N_("Your session has ended. Log in again to go on."));
	form_errors(req, res, n, ids, msgs);
	html_printf(&res->body, "<p class=\"utrecht-paragraph\">%h</p>\n",
		    T(req, "For administrators, leaders and coaches. If you were asked for feedback, you do not "
			   "need an account: open the personal link from your e-mail."));
	html_printf(&res->body, "<form class=\"utrecht-form\" method=\"post\" action=\"/login\" novalidate>\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%a\">\n", req->csrf ? req->csrf : "");
	if (next != NULL && web_local_path(next))
		html_printf(&res->body, "<input type=\"hidden\" name=\"next\" value=\"%a\">\n", next);
	form_input(req, res, "email", "email", T(req, "E-mail address"), "username", email, NULL,
		   n > 0 && strcmp(ids[0], "email") == 0 ? T(req, msgs[0]) : NULL);
	form_input(req, res, "password", "password", T(req, "Password"), "current-password", NULL, NULL,
		   n > 0 && strcmp(ids[n - 1], "password") == 0 ? T(req, msgs[n - 1]) : NULL);
	html_printf(&res->body, "<p class=\"utrecht-paragraph\"><button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\">%h</button></p>\n"
		    "</form>\n<h2 class=\"utrecht-heading-2\">%h</h2>\n<p class=\"utrecht-paragraph\">%h "
		    "<a class=\"utrecht-link utrecht-link--html-a\" href=\"/login/link\">%h</a></p>\n",
		    T(req, "Log in"), T(req, "No password, or forgotten it?"),
		    T(req, "We can send you a link by e-mail that logs you in once."),
		    T(req, "Log in with a link by e-mail"));
	page_end(req, res);
}

/* GET /login — the login form.
 *   next  where to go after logging in (a path on this site)
 *   m     out | all | ended: why the form is shown again
 *   lang  nl or en */
void page_login_get(struct request *req, struct reply *res)
{
	if (req->user != NULL) {
		const char *next = http_query(req, "next");
		http_redirect(req, res, next != NULL ? next : web_landing(req->user));
		return;
	}
	render_login(req, res, NULL, http_query(req, "next"), 0, NULL, NULL);
}

/* POST /login — email, password, next, csrf (checked by the router). */
void page_login_post(struct request *req, struct reply *res)
{
	const char *email = http_form(req, "email"), *password = http_form(req, "password");
	const char *next = http_form(req, "next");
	struct client_info ci = {req->client, (int64_t)time(NULL)};
	struct login l;
	struct err e = {0};
	const char *ids[2], *msgs[2];
	int n = 0, rc;

	if (email == NULL || email[0] == '\0')
		ids[n] = "email", msgs[n++] = N_("Enter your e-mail address.");
	if (password == NULL || password[0] == '\0')
		ids[n] = "password", msgs[n++] = N_("Enter your password.");
	if (n > 0) {
		res->status = 422;
		render_login(req, res, email, next, n, ids, msgs);
		return;
	}
	/* Logging in again replaces the session this browser had. */
	if (web_session_cookie(req) != NULL) {
		struct actor who = web_actor(req);
		(void)core_logout(&req->app->core, &who, web_session_cookie(req), &e);
	}
	rc = core_login_password(&req->app->core, req->a, &ci, email, password, &l, &e);
	if (rc == AZ_OK) {
		logged_in(req, res, &l, next);
		return;
	}
	if (rc == AZ_ELIMIT) {
		http_header(req, res, "Retry-After", "900");
		page_error(req, res, 429, N_("Too many attempts"),
			   N_("Logging in failed too often. Wait 15 minutes and try again, or log in with a link by e-mail."));
		return;
	}
	if (rc == AZ_EINVAL) {
		ids[0] = "email", msgs[0] = N_("Enter an e-mail address such as name@example.nl.");
		res->status = 422;
		render_login(req, res, email, next, 1, ids, msgs);
		return;
	}
	if (rc == AZ_EDENIED) {
		/* RFC 9110 asks a 401 to name a scheme; this one is the form. */
		ids[0] = "email", msgs[0] = N_("The e-mail address or the password is not right. Check both, or log in with a link by e-mail.");
		res->status = 401;
		http_header(req, res, "WWW-Authenticate", "Form realm=\"aanwezig\"");
		render_login(req, res, email, next, 1, ids, msgs);
		return;
	}
	page_error(req, res, rc == AZ_EUNAVAIL ? 503 : 500, N_("Something went wrong"),
		   N_("The page could not be shown. Please try again later."));
}

static void render_link_form(struct request *req, struct reply *res, const char *email, const char *error)
{
	const char *ids[1] = {"email"}, *msgs[1] = {error};

	res->personal = 1;
	page_begin(req, res, title_for(req, N_("Log in with a link by e-mail"), error != NULL), "/login/link");
	html_printf(&res->body, "<h1 class=\"utrecht-heading-1\">%h</h1>\n", T(req, "Log in with a link by e-mail"));
	form_errors(req, res, error != NULL, ids, msgs);
	html_printf(&res->body, "<p class=\"utrecht-paragraph\">%h</p>\n"
		    "<form class=\"utrecht-form\" method=\"post\" action=\"/login/link\" novalidate>\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%a\">\n",
		    T(req, "Enter the e-mail address of your account. We send a link to it that logs you in once, "
			   "within 15 minutes."), req->csrf ? req->csrf : "");
	form_input(req, res, "email", "email", T(req, "E-mail address"), "username", email, NULL,
		   error ? T(req, error) : NULL);
	html_printf(&res->body, "<p class=\"utrecht-paragraph\"><button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\">%h</button></p>\n"
		    "</form>\n<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"/login\">%h</a></p>\n",
		    T(req, "Send the link"), T(req, "Log in with a password"));
	page_end(req, res);
}

/* GET /login/link — ask for a login link. */
void page_link_get(struct request *req, struct reply *res)
{
	render_link_form(req, res, NULL, NULL);
}

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* POST /login/link — email, csrf. The same page whether or not an account
 * has the address. */
void page_link_post(struct request *req, struct reply *res)
{
	const char *email = http_form(req, "email");
	struct client_info ci = {req->client, (int64_t)time(NULL)};
	struct err e = {0};
	int64_t start = ms_now(), left;
	int rc;

	if (email == NULL || email[0] == '\0') {
		res->status = 422;
		render_link_form(req, res, email, N_("Enter your e-mail address."));
		return;
	}
	rc = core_login_link_request(&req->app->core, &ci, email, &e);
	if ((left = LINK_REQUEST_MS - (ms_now() - start)) > 0) {
		struct timespec ts = {(time_t)(left / 1000), (long)(left % 1000) * 1000000};
		nanosleep(&ts, NULL);
	}
	if (rc == AZ_EINVAL) {
		res->status = 422;
		render_link_form(req, res, email, N_("Enter an e-mail address such as name@example.nl."));
		return;
	}
	if (rc == AZ_ELIMIT) {
		http_header(req, res, "Retry-After", "900");
		page_error(req, res, 429, N_("Too many attempts"),
			   N_("Too many links were asked for. Wait 15 minutes and try again."));
		return;
	}
	if (rc != AZ_OK) {
		page_error(req, res, rc == AZ_EUNAVAIL ? 503 : 500, N_("Something went wrong"),
			   N_("The page could not be shown. Please try again later."));
		return;
	}
	res->personal = 1;
	page_begin(req, res, T(req, "Check your e-mail"), NULL);
	html_printf(&res->body, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h</p>\n"
		    "<p class=\"utrecht-paragraph\">%h</p>\n",
		    T(req, "Check your e-mail"),
		    T(req, "If an account has this e-mail address, we have sent a link to it. The link works once, "
			   "for 15 minutes."),
		    T(req, "Nothing arrived? Check the spam folder, or ask an administrator whether your account "
			   "has this address."));
	page_end(req, res);
}

/* GET /login/l/{token} — a button that logs in with the link. Fetching
 * this page does not use the link. */
void page_link_use_get(struct request *req, struct reply *res)
{
	if (!token_long_well_formed(req->arg)) {
		page_error(req, res, 404, N_("Page not found"), N_("There is no page at this address."));
		return;
	}
	res->personal = 1;
	page_begin(req, res, T(req, "Log in"), arena_printf(req->a, "/login/l/%s", req->arg));
	html_printf(&res->body, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h</p>\n"
		    "<form class=\"utrecht-form\" method=\"post\" action=\"/login/l/%a\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%a\">\n"
		    "<p class=\"utrecht-paragraph\"><button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\">%h</button></p>\n"
		    "</form>\n",
		    T(req, "Log in"), T(req, "This link logs you in once. Press the button to log in."),
		    req->arg, req->csrf ? req->csrf : "", T(req, "Log in"));
	page_end(req, res);
}

/* POST /login/l/{token} — csrf. Uses the link up. */
void page_link_use_post(struct request *req, struct reply *res)
{
	struct client_info ci = {req->client, (int64_t)time(NULL)};
	struct login l;
	struct err e = {0};
	int rc;

	if (web_session_cookie(req) != NULL) {
		struct actor who = web_actor(req);
		(void)core_logout(&req->app->core, &who, web_session_cookie(req), &e);
	}
	rc = core_login_link_use(&req->app->core, req->a, &ci, req->arg, &l, &e);
	if (rc == AZ_OK) {
		logged_in(req, res, &l, NULL);
		return;
	}
	if (rc == AZ_ELIMIT) {
		http_header(req, res, "Retry-After", "60");
		page_error(req, res, 429, N_("Too many attempts"),
			   N_("Too many unknown links were tried from your address. Wait a minute and try again."));
		return;
	}
	if (rc == AZ_ENOTFOUND) {
		/* Gone: used, expired, or never made; which one is not told. */
		page_error(req, res, 410, N_("This login link no longer works"),
			   N_("A login link works once, for 15 minutes. Ask for a new one on the login page."));
		return;
	}
	page_error(req, res, rc == AZ_EUNAVAIL ? 503 : 500, N_("Something went wrong"),
		   N_("The page could not be shown. Please try again later."));
}

/* POST /logout — csrf. Ends this session. */
void page_logout_post(struct request *req, struct reply *res)
{
	struct actor who = web_actor(req);
	struct err e = {0};

	if (core_logout(&req->app->core, &who, web_session_cookie(req), &e) != AZ_OK) {
		page_error(req, res, 500, N_("Something went wrong"), N_("The page could not be shown. Please try again later."));
		return;
	}
	web_session_set(req, res, NULL);
	http_redirect(req, res, "/login?m=out");
}

/* POST /logout/all — csrf. Ends every session of the account. */
void page_logout_all_post(struct request *req, struct reply *res)
{
	struct actor who = web_actor(req);
	struct err e = {0};

	if (core_logout_all(&req->app->core, &who, req->user->id, &e) != AZ_OK) {
		page_error(req, res, 500, N_("Something went wrong"), N_("The page could not be shown. Please try again later."));
		return;
	}
	web_session_set(req, res, NULL);
	http_redirect(req, res, "/login?m=all");
}
