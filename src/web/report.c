/* report.c — the leader's presence profile on the web: /p/{token}, with
 * the report's own token (core_report_link). Shown once the round is
 * released. */
#include <string.h>

#include "../render/report.h"
#include "pages.h"

/* GET /p/{token}[?format=pdf] — the report of the leader's round.
 *   format  pdf for the PDF; otherwise the HTML page
 *   lang    nl or en */
void page_report(struct request *req, struct reply *res)
{
	struct err e = {0};
	struct report r;
	int64_t round_id;
	const char *format = http_query(req, "format");
	int rc;

	if (!ratelimit_allowed(req->app, req->client)) {
		http_header(req, res, "Retry-After", "60");
		page_error(req, res, 429, N_("Too many attempts"),
			   N_("Too many unknown links were tried from your address. Wait a minute and try again."));
		return;
	}
	rc = core_report_by_token(&req->app->core, req->a, req->arg, &round_id, &e);
	if (rc == AZ_ENOTFOUND) {
		ratelimit_failed(req->app, req->client);
		page_error(req, res, 404, N_("Page not found"), N_("There is no page at this address."));
		return;
	}
	res->personal = 1;
	if (rc == AZ_OK)
		rc = core_report(&req->app->core, req->a, round_id, &r, &e);
	if (rc == AZ_ESTATE || (rc == AZ_OK && r.view.round.state != ROUND_RELEASED)) {
		page_error(req, res, 200, N_("The report is not available yet"),
			   N_("The report becomes available once the round has closed and has been released."));
		res->personal = 1;
		return;
	}
	if (rc != AZ_OK) {
		page_error(req, res, rc == AZ_EUNAVAIL ? 503 : 500, N_("Something went wrong"),
			   N_("The page could not be shown. Please try again later."));
		return;
	}
	if (format != NULL && strcmp(format, "pdf") == 0) {
		if (report_pdf(&r, req->lang, &res->body, &e) != AZ_OK) {
			page_error(req, res, 500, N_("Something went wrong"), N_("The page could not be shown. Please try again later."));
			return;
		}
		res->content_type = "application/pdf";
		http_header(req, res, "Content-Disposition", "inline; filename=\"aanwezigheidsprofiel.pdf\"");
		return;
	}
	page_begin(req, res, T(req, "Presence profile"), arena_printf(req->a, "/p/%s", req->arg));
	html_printf(&res->body, "<p class=\"utrecht-paragraph az-noprint\"><a class=\"utrecht-link utrecht-link--html-a\" "
		    "href=\"/p/%a?format=pdf&amp;lang=%a\">%h</a></p>\n", req->arg, req->lang,
		    T(req, "Download as PDF"));
	if (report_html(&r, req->lang, &res->body, &e) != AZ_OK) {
		page_error(req, res, 500, N_("Something went wrong"), N_("The page could not be shown. Please try again later."));
		return;
	}
	page_end(req, res);
}
