/* page.c — the chrome every page shares, error pages, and the small pages:
 * health, static files, home. */
#include <string.h>

#include "pages.h"

void page_begin(struct request *req, struct reply *res, const char *title, const char *lang_base)
{
	struct buf *b = &res->body;
	const char *other = strcmp(req->lang, "en") == 0 ? "nl" : "en";

	res->content_type = "text/html; charset=utf-8";
	buf_reserve(b, 64u << 10);   /* the longest questionnaire page fits */
	html_printf(b, "<!DOCTYPE html>\n<html lang=\"%a\" class=\"voorbeeld-theme utrecht-root\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>%h — %h</title>\n", req->lang, title, T(req, "Presence profile"));
	for (size_t i = 0; i < static_files_len; i++)
		if (strncmp(static_files[i].type, "text/css", 8) == 0)
			html_printf(b, "<link rel=\"stylesheet\" href=\"%a\">\n", static_files[i].path);
	html_printf(b, "</head>\n<body class=\"utrecht-body utrecht-document utrecht-document--surface\">\n"
		    "<a class=\"utrecht-skip-link utrecht-skip-link--visible-on-focus\" href=\"#main\">%h</a>\n"
		    "<div class=\"utrecht-page-layout\">\n<header class=\"utrecht-page-header\">\n"
		    "<div class=\"utrecht-page-header__content az-header\">\n"
		    "<p class=\"az-header__title\">%h</p>\n", T(req, "Skip to content"),
		    T(req, "Presence profile"));
	if (lang_base != NULL)
		html_printf(b, "<nav class=\"az-lang\" aria-label=\"Taal / Language\"><ul>\n"
			    "<li><span aria-current=\"true\">%h</span></li>\n"
			    "<li><a class=\"utrecht-link utrecht-link--html-a\" href=\"%a%alang=%a\" lang=\"%a\" hreflang=\"%a\">%h</a></li>\n"
			    "</ul></nav>\n",
			    strcmp(other, "en") == 0 ? "Nederlands" : "English",
			    lang_base, strchr(lang_base, '?') ? "&" : "?", other, other, other,
			    strcmp(other, "en") == 0 ? "English" : "Nederlands");
	if (req->user != NULL && req->csrf != NULL)
		html_printf(b, "<nav class=\"az-user\" aria-label=\"%a\"><ul>\n"
			    "<li><a class=\"utrecht-link utrecht-link--html-a\" href=\"/account\">%h</a></li>\n"
			    "<li><form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"%a\">"
			    "<button class=\"utrecht-button utrecht-button--subtle az-user__logout\" type=\"submit\">%h</button></form></li>\n"
			    "</ul></nav>\n", T(req, "Your account"), req->user->name, req->csrf, T(req, "Log out"));
	html_printf(b, "</div>\n</header>\n<main id=\"main\" class=\"utrecht-page-body\">\n"
		    "<div class=\"utrecht-page-body__content\">\n");
}

void page_end(struct request *req, struct reply *res)
{
	html_printf(&res->body, "</div>\n</main>\n<footer class=\"utrecht-page-footer\">\n"
		    "<div class=\"utrecht-page-footer__content\">\n"
		    "<p class=\"utrecht-paragraph\">%h</p>\n</div>\n</footer>\n</div>\n</body>\n</html>\n",
		    T(req, "aanwezig — reflection and feedback for public leaders"));
}

void page_error(struct request *req, struct reply *res, int status, const char *title, const char *text)
{
	buf_reset(&res->body);
	res->status = status;
	page_begin(req, res, T(req, title), NULL);
	html_printf(&res->body, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h</p>\n",
		    T(req, title), T(req, text));
	page_end(req, res);
}

/* GET /healthz — 200 when the store answers. For monitoring. */
void page_healthz(struct request *req, struct reply *res)
{
	struct err e = {0};
	int v = 0;

	res->content_type = "text/plain; charset=utf-8";
	if (req->app->core.st->ops->schema_version(req->app->core.st, &v, &e) != AZ_OK) {
		res->status = 503;
		buf_puts(&res->body, "store unavailable\n");
		return;
	}
	buf_printf(&res->body, "ok\n");
}

/* GET /static/NAME — a file compiled into the binary; nothing else. */
void page_static(struct request *req, struct reply *res)
{
	for (size_t i = 0; i < static_files_len; i++) {
		if (strcmp(static_files[i].path, req->path) != 0)
			continue;
		res->content_type = static_files[i].type;
		res->cacheable = 1;
		buf_append(&res->body, (const char *)static_files[i].data, static_files[i].len);
		return;
	}
	page_error(req, res, 404, N_("Page not found"), N_("There is no page at this address."));
}

/* GET / — what this site is; personal pages are reached by their link. */
void page_home(struct request *req, struct reply *res)
{
	page_begin(req, res, T(req, "Presence profile"), "/");
	html_printf(&res->body, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h</p>\n",
		    T(req, "Presence profile"),
		    T(req, "Reflection and 360-degree feedback for public leaders. Open the personal link "
			   "you received by e-mail to answer the questionnaire."));
	html_printf(&res->body, "<p class=\"utrecht-paragraph\">%h <a class=\"utrecht-link utrecht-link--html-a\" href=\"/login\">%h</a></p>\n",
		    T(req, "Administrators, leaders and coaches:"), T(req, "log in"));
	page_end(req, res);
}
