/* landing.c — the start page of each role after logging in: /admin,
 * /leader, /coach. Placeholders: the pages for administrators, leaders
 * and coaches replace them; until then each says who is logged in, so
 * that logging in and the role checks can be used and tested. */
#include "pages.h"

static void landing(struct request *req, struct reply *res, const char *path, const char *title)
{
	res->personal = 1;
	page_begin(req, res, T(req, title), path);
	html_printf(&res->body, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h %h (%h).</p>\n"
		    "<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"/account\">%h</a></p>\n",
		    T(req, title), T(req, "You are logged in as"), req->user->name, req->user->email,
		    T(req, "Your account"));
	page_end(req, res);
}

/* GET /admin — administrators' start page. */
void page_admin_home(struct request *req, struct reply *res)
{
	landing(req, res, "/admin", N_("Administration"));
}

/* GET /leader — leaders' start page. */
void page_leader_home(struct request *req, struct reply *res)
{
	landing(req, res, "/leader", N_("Your presence profiles"));
}

/* GET /coach — coaches' start page. */
void page_coach_home(struct request *req, struct reply *res)
{
	landing(req, res, "/coach", N_("Reports shared with you"));
}
