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

/* Pages. */
void page_healthz(struct request *req, struct reply *res);
void page_static(struct request *req, struct reply *res);
void page_home(struct request *req, struct reply *res);
void page_rater_get(struct request *req, struct reply *res);
void page_rater_post(struct request *req, struct reply *res);
void page_report(struct request *req, struct reply *res);

/* The pages for accounts. Administrators (admin.c, admin_round.c): */
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
