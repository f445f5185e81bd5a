/* pages.h — page functions and the shared page chrome.
 *
 * A page function reads top to bottom: parameters (already validated by
 * the router), one call into the core, render. It builds the whole reply
 * in res->body; nothing is sent until it returns.
 */
#ifndef AZ_WEB_PAGES_H
#define AZ_WEB_PAGES_H

#include "../render/html.h"
#include "../util/i18n.h"
#include "web.h"

/* The translation of msgid into the request's language (util/i18n.h). */
#define T(req, msgid) tr((req)->lang, msgid)

/* Start and end an HTML page with the site's header and footer. title is
 * text (escaped here). lang_base is the path (with query, without lang)
 * that the language switch links to, or NULL for none. */
void page_begin(struct request *req, struct reply *res, const char *title, const char *lang_base);
void page_end(struct request *req, struct reply *res);
/* A complete error page with status and a message in the user's language
 * (title and text are msgids). */
void page_error(struct request *req, struct reply *res, int status, const char *title,
		const char *text);

/* Form parts (login.c): one labelled input, its hint and error tied to it
 * (type "email", "password", "text"; value, hint, error may be NULL);
 * and the error summary above a form, each of n messages (msgids)
 * linking to the field ids[i]. */
void form_input(struct request *req, struct reply *res, const char *id, const char *type,
		const char *label, const char *autocomplete, const char *value, const char *hint,
		const char *error);
void form_errors(struct request *req, struct reply *res, int n, const char *const *ids,
		 const char *const *msgs);

/* Sessions and cookies (session.c). */

/* The value of cookie name in the request (in req->a), or NULL. */
const char *web_cookie(const struct request *req, const char *name);
/* The session cookie's value, or NULL. */
const char *web_session_cookie(const struct request *req);
/* Set the session cookie to value (HttpOnly, SameSite=Strict, Path=/,
 * Secure when served over https); NULL removes it. */
void web_session_set(struct request *req, struct reply *res, const char *value);
/* Open the request's session, if any: req->user and req->csrf. A cookie
 * of an ended session is removed and req->session_ended set. */
void web_session_load(struct request *req, struct reply *res);
/* The CSRF token of the login forms (no session yet) into req->csrf,
 * derived from a cookie of their own, which a GET starts when missing. */
void web_login_token(struct request *req, struct reply *res);
/* 1 when given is the CSRF token want (constant time). */
int web_csrf_ok(const char *given, const char *want);
/* 1 when s is a path on this site to return to after logging in. */
int web_local_path(const char *s);
/* Where an account lands after logging in: its role's start page. */
const char *web_landing(const struct user *u);
/* The request's account (or "anonymous") as the core's actor. */
struct actor web_actor(const struct request *req);

/* Pages. */
void page_healthz(struct request *req, struct reply *res);
void page_static(struct request *req, struct reply *res);
void page_home(struct request *req, struct reply *res);
void page_rater_get(struct request *req, struct reply *res);
void page_rater_post(struct request *req, struct reply *res);
void page_report(struct request *req, struct reply *res);
void page_metrics(struct request *req, struct reply *res);   /* metrics.c */
/* login.c */
void page_login_get(struct request *req, struct reply *res);
void page_login_post(struct request *req, struct reply *res);
void page_link_get(struct request *req, struct reply *res);
void page_link_post(struct request *req, struct reply *res);
void page_link_use_get(struct request *req, struct reply *res);
void page_link_use_post(struct request *req, struct reply *res);
void page_logout_post(struct request *req, struct reply *res);
void page_logout_all_post(struct request *req, struct reply *res);
/* account.c */
void page_account_get(struct request *req, struct reply *res);
void page_account_post(struct request *req, struct reply *res);

/* The pages for accounts. Administrators (admin.c, admin_round.c, admin_account.c): */
void page_admin_home(struct request *req, struct reply *res);
void page_admin_leader_new(struct request *req, struct reply *res);
void page_admin_leader_add(struct request *req, struct reply *res);
void page_admin_leader(struct request *req, struct reply *res);
void page_admin_round_add(struct request *req, struct reply *res);
void page_admin_round(struct request *req, struct reply *res);
void page_admin_round_do(struct request *req, struct reply *res);
void page_admin_round_settings(struct request *req, struct reply *res);
void page_admin_import(struct request *req, struct reply *res);
void page_admin_links(struct request *req, struct reply *res);
void page_admin_links_csv(struct request *req, struct reply *res);
void page_admin_export(struct request *req, struct reply *res);
void page_admin_outbox(struct request *req, struct reply *res);
void page_admin_outbox_retry(struct request *req, struct reply *res);
void page_admin_audit(struct request *req, struct reply *res);
void page_admin_accounts(struct request *req, struct reply *res);
void page_admin_account_add(struct request *req, struct reply *res);
/* Leaders (leader.c): */
void page_leader_home(struct request *req, struct reply *res);
void page_leader_round(struct request *req, struct reply *res);
void page_leader_round_do(struct request *req, struct reply *res);
void page_leader_env(struct request *req, struct reply *res);
void page_leader_env_add(struct request *req, struct reply *res);
void page_leader_env_remove(struct request *req, struct reply *res);
void page_leader_report(struct request *req, struct reply *res);
/* Coaches (coach.c): */
void page_coach_home(struct request *req, struct reply *res);
void page_coach_list(struct request *req, struct reply *res);
void page_coach_list_do(struct request *req, struct reply *res);
void page_coach_report(struct request *req, struct reply *res);
/* Administrators and leaders (staff.c): */
void page_share(struct request *req, struct reply *res);

/* Static files embedded at build time (build/gen/static_files.c). */
struct static_file {
	const char *path;          /* "/static/..." */
	const char *type;          /* Content-Type */
	const unsigned char *data;
	size_t len;
};
extern const struct static_file static_files[];
extern const size_t static_files_len;

#endif
