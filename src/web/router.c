/* router.c — the declarative route table and the one place its rules are
 * checked: method, path, the roles that may use it, and every accepted
 * parameter with its validator. Parameters a route does not declare are
 * dropped before its page runs; a declared one with an invalid value fails
 * the request with 400.
 *
 * Access, in this order: a route with roles needs a session (a GET without
 * one is sent to /login?next=PATH, a POST gets 403), then one of its roles
 * (403 and an "access.denied" audit entry), then, for a POST, the
 * session's CSRF token in the form field "csrf" (403 and "csrf.failed").
 * The login forms (LOGIN_FORM) need the CSRF token of their own cookie.
 * What a role may see inside a page (its own rounds, shared reports) is the
 * core's to check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/text.h"
#include "pages.h"

enum validator {
	V_NONE,
	V_INT,      /* 0..max */
	V_SCORE,    /* 1..11 or "x" (kan ik niet beoordelen) */
	V_TEXT,     /* UTF-8, at most max bytes (a page may set a lower limit) */
	V_LANG,     /* nl or en */
	V_WORD,     /* [a-z]+, at most max bytes */
	V_TOKEN,    /* base64url, at most max bytes */
	V_ID,       /* a record number: 1..18 digits, not 0 */
	V_PATH      /* a path on this site (web_local_path) */
};

/* Role bits of struct route (enum user_role), and a flag in the same
 * field: anyone may use the route, but its POST carries the CSRF token of
 * the login forms. */
#define ROLE_ANY (ROLE_ADMIN | ROLE_LEADER | ROLE_COACH)
#define LOGIN_FORM 0x100

struct param_spec {
	const char *name;
	int prefix;      /* name is a prefix: "a_" matches a_OMG1 */
	int validator;
	size_t max;
};

typedef void (*page_fn)(struct request *req, struct reply *res);

struct route {
	int method;                        /* HTTP_GET also serves HEAD */
	const char *path;                  /* exact, or a prefix ending in '/' with arg, or
					      with one '*': a record number (req->arg) */
	int has_arg;                       /* the rest of the path is req->arg */
	page_fn page;
	const struct param_spec *query;    /* NULL-terminated, may be NULL */
	const struct param_spec *form;
	int roles;                         /* enum user_role bits that may use it; 0: anyone */
};

static const struct param_spec q_lang[] = {{"lang", 0, V_LANG, 2}, {NULL, 0, 0, 0}};
static const struct param_spec q_rater[] = {
	{"p", 0, V_INT, 100}, {"lang", 0, V_LANG, 2}, {NULL, 0, 0, 0}};
static const struct param_spec q_report[] = {
	{"format", 0, V_WORD, 8}, {"lang", 0, V_LANG, 2}, {NULL, 0, 0, 0}};
static const struct param_spec f_rater[] = {
	{"csrf", 0, V_TOKEN, 64},
	{"step", 0, V_INT, 100},
	{"go", 0, V_WORD, 16},
	{"a_", 1, V_SCORE, 2},
	{"o_", 1, V_TEXT, 16384},
	{NULL, 0, 0, 0}};

static const struct param_spec q_login[] = {
	{"next", 0, V_PATH, 300}, {"m", 0, V_WORD, 16}, {"lang", 0, V_LANG, 2}, {NULL, 0, 0, 0}};
static const struct param_spec f_login[] = {
	{"email", 0, V_TEXT, 320}, {"password", 0, V_TEXT, 1024}, {"next", 0, V_PATH, 300},
	{"csrf", 0, V_TOKEN, 64}, {NULL, 0, 0, 0}};
static const struct param_spec f_link[] = {
	{"email", 0, V_TEXT, 320}, {"csrf", 0, V_TOKEN, 64}, {NULL, 0, 0, 0}};
static const struct param_spec q_msg[] = {{"m", 0, V_WORD, 16}, {"lang", 0, V_LANG, 2}, {NULL, 0, 0, 0}};
static const struct param_spec f_csrf[] = {{"csrf", 0, V_TOKEN, 64}, {NULL, 0, 0, 0}};
static const struct param_spec f_account[] = {
	{"current", 0, V_TEXT, 1024}, {"password", 0, V_TEXT, 1024}, {"csrf", 0, V_TOKEN, 64},
	{NULL, 0, 0, 0}};

/* The pages for accounts (admin.c, admin_round.c, leader.c, coach.c). */
static const struct param_spec q_staff[] = {
	{"done", 0, V_WORD, 16}, {"lang", 0, V_LANG, 2}, {NULL, 0, 0, 0}};
static const struct param_spec q_audit[] = {
	{"before", 0, V_ID, 18}, {"lang", 0, V_LANG, 2}, {NULL, 0, 0, 0}};
static const struct param_spec f_leader[] = {
	{"csrf", 0, V_TOKEN, 64}, {"name", 0, V_TEXT, 1000}, {"email", 0, V_TEXT, 1000},
	{"organisation", 0, V_TEXT, 1000}, {"language", 0, V_LANG, 2}, {"account", 0, V_WORD, 3},
	{NULL, 0, 0, 0}};
static const struct param_spec f_round[] = {
	{"csrf", 0, V_TOKEN, 64}, {"closes", 0, V_TEXT, 40}, {"approval", 0, V_WORD, 3},
	{"reminders", 0, V_TEXT, 40}, {NULL, 0, 0, 0}};
static const struct param_spec f_action[] = {
	{"csrf", 0, V_TOKEN, 64}, {"do", 0, V_WORD, 16}, {"closes", 0, V_TEXT, 40}, {"sure", 0, V_WORD, 3},
	{NULL, 0, 0, 0}};
static const struct param_spec f_import[] = {
	{"csrf", 0, V_TOKEN, 64}, {"csv", 0, V_TEXT, HTTP_MAX_BODY}, {NULL, 0, 0, 0}};
static const struct param_spec f_retry[] = {
	{"csrf", 0, V_TOKEN, 64}, {"mail", 0, V_ID, 18}, {NULL, 0, 0, 0}};
static const struct param_spec f_share[] = {
	{"csrf", 0, V_TOKEN, 64}, {"coach", 0, V_TEXT, 1000}, {"do", 0, V_WORD, 16}, {NULL, 0, 0, 0}};
static const struct param_spec f_env[] = {
	{"csrf", 0, V_TOKEN, 64}, {"n_", 1, V_TEXT, 1000}, {"e_", 1, V_TEXT, 1000},
	{"l_", 1, V_TEXT, 2}, {NULL, 0, 0, 0}};
static const struct param_spec f_user[] = {
	{"csrf", 0, V_TOKEN, 64}, {"name", 0, V_TEXT, 1000}, {"email", 0, V_TEXT, 1000},
	{"role", 0, V_WORD, 8}, {NULL, 0, 0, 0}};
static const struct param_spec f_remove[] = {
	{"csrf", 0, V_TOKEN, 64}, {"inv", 0, V_ID, 18}, {NULL, 0, 0, 0}};

#define A ROLE_ADMIN
#define L ROLE_LEADER
#define C ROLE_COACH

static const struct route routes[] = {
	{HTTP_GET, "/", 0, page_home, q_lang, NULL, 0},
	{HTTP_GET, "/healthz", 0, page_healthz, NULL, NULL, 0},
	{HTTP_GET, "/metrics", 0, page_metrics, NULL, NULL, 0},
	{HTTP_GET, "/static/", 1, page_static, NULL, NULL, 0},
	{HTTP_GET, "/r/", 1, page_rater_get, q_rater, NULL, 0},
	{HTTP_POST, "/r/", 1, page_rater_post, q_lang, f_rater, 0},
	{HTTP_GET, "/p/", 1, page_report, q_report, NULL, 0},
	/* Logging in and out (login.c) */
	{HTTP_GET, "/login", 0, page_login_get, q_login, NULL, LOGIN_FORM},
	{HTTP_POST, "/login", 0, page_login_post, q_lang, f_login, LOGIN_FORM},
	{HTTP_GET, "/login/link", 0, page_link_get, q_lang, NULL, LOGIN_FORM},
	{HTTP_POST, "/login/link", 0, page_link_post, q_lang, f_link, LOGIN_FORM},
	{HTTP_GET, "/login/l/", 1, page_link_use_get, q_lang, NULL, LOGIN_FORM},
	{HTTP_POST, "/login/l/", 1, page_link_use_post, q_lang, f_csrf, LOGIN_FORM},
	{HTTP_POST, "/logout", 0, page_logout_post, q_lang, f_csrf, ROLE_ANY},
	{HTTP_POST, "/logout/all", 0, page_logout_all_post, q_lang, f_csrf, ROLE_ANY},
	/* The account (account.c) */
	{HTTP_GET, "/account", 0, page_account_get, q_msg, NULL, ROLE_ANY},
	{HTTP_POST, "/account", 0, page_account_post, q_lang, f_account, ROLE_ANY},
	/* The pages of each role (admin.c, admin_round.c, leader.c, coach.c) */
	{HTTP_GET, "/admin", 0, page_admin_home, q_staff, NULL, A},
	{HTTP_GET, "/admin/leaders/new", 0, page_admin_leader_new, q_staff, NULL, A},
	{HTTP_POST, "/admin/leaders/new", 0, page_admin_leader_add, q_lang, f_leader, A},
	{HTTP_GET, "/admin/leaders/*", 0, page_admin_leader, q_staff, NULL, A},
	{HTTP_POST, "/admin/leaders/*", 0, page_admin_round_add, q_lang, f_round, A},
	{HTTP_GET, "/admin/rounds/*", 0, page_admin_round, q_staff, NULL, A},
	{HTTP_POST, "/admin/rounds/*", 0, page_admin_round_do, q_lang, f_action, A},
	{HTTP_POST, "/admin/rounds/*/settings", 0, page_admin_round_settings, q_lang, f_round, A},
	{HTTP_POST, "/admin/rounds/*/import", 0, page_admin_import, q_lang, f_import, A},
	{HTTP_GET, "/admin/rounds/*/links", 0, page_admin_links, q_staff, NULL, A},
	{HTTP_GET, "/admin/rounds/*/links.csv", 0, page_admin_links_csv, NULL, NULL, A},
	{HTTP_GET, "/admin/rounds/*/export.csv", 0, page_admin_export, NULL, NULL, A},
	{HTTP_GET, "/admin/rounds/*/outbox", 0, page_admin_outbox, q_staff, NULL, A},
	{HTTP_POST, "/admin/rounds/*/outbox", 0, page_admin_outbox_retry, q_lang, f_retry, A},
	{HTTP_POST, "/admin/rounds/*/share", 0, page_share, q_lang, f_share, A},
	{HTTP_GET, "/admin/audit", 0, page_admin_audit, q_audit, NULL, A},
	{HTTP_GET, "/admin/accounts", 0, page_admin_accounts, q_staff, NULL, A},
	{HTTP_POST, "/admin/accounts", 0, page_admin_account_add, q_lang, f_user, A},

	{HTTP_GET, "/leader", 0, page_leader_home, q_staff, NULL, L},
	{HTTP_GET, "/leader/rounds/*", 0, page_leader_round, q_staff, NULL, L},
	{HTTP_POST, "/leader/rounds/*", 0, page_leader_round_do, q_lang, f_action, L},
	{HTTP_GET, "/leader/rounds/*/environment", 0, page_leader_env, q_staff, NULL, L},
	{HTTP_POST, "/leader/rounds/*/environment", 0, page_leader_env_add, q_lang, f_env, L},
	{HTTP_POST, "/leader/rounds/*/environment/remove", 0, page_leader_env_remove, q_lang, f_remove, L},
	{HTTP_GET, "/leader/rounds/*/report", 0, page_leader_report, q_report, NULL, L},
	{HTTP_POST, "/leader/rounds/*/share", 0, page_share, q_lang, f_share, L},

	{HTTP_GET, "/coach", 0, page_coach_home, q_staff, NULL, C},
	{HTTP_GET, "/coach/rounds/*/list", 0, page_coach_list, q_staff, NULL, C},
	{HTTP_POST, "/coach/rounds/*/list", 0, page_coach_list_do, q_lang, f_action, C},
	{HTTP_GET, "/coach/rounds/*/report", 0, page_coach_report, q_report, NULL, C},
};

size_t router_route_count(void)
{
	return sizeof routes / sizeof routes[0];
}

void router_route_name(size_t i, const char **method, const char **path)
{
	static const char *const methods[] = {"GET", "HEAD", "POST", "OTHER"};

	if (i == 0 || i > router_route_count())
		return;
	*method = methods[routes[i - 1].method];
	*path = routes[i - 1].path;
}

#undef A
#undef L
#undef C

const char *http_query(const struct request *req, const char *name)
{
	for (size_t i = 0; i < req->nquery; i++)
		if (strcmp(req->query[i].name, name) == 0)
			return req->query[i].value;
	return NULL;
}

const char *http_form(const struct request *req, const char *name)
{
	for (size_t i = 0; i < req->nform; i++)
		if (strcmp(req->form[i].name, name) == 0)
			return req->form[i].value;
	return NULL;
}

void http_header(struct request *req, struct reply *res, const char *name, const char *value)
{
	if (res->nheader >= HTTP_MAX_HEADERS)
		return;
	res->header[res->nheader].name = arena_strdup(req->a, name);
	res->header[res->nheader].value = arena_strdup(req->a, value);
	res->nheader++;
}

void http_redirect(struct request *req, struct reply *res, const char *location)
{
	res->status = 303;
	http_header(req, res, "Location", location);
	buf_reset(&res->body);
}

/* 1 when s[0..n) is a record number: 1..18 digits without a leading 0,
 * so that it fits an int64_t. */
static int id_valid(const char *s, size_t n)
{
	if (n == 0 || n > 18 || s[0] == '0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int64_t http_id(const char *s)
{
	return s != NULL && id_valid(s, strlen(s)) ? (int64_t)strtoll(s, NULL, 10) : 0;
}

/* Does path match route c? Sets *arg to the variable part (in req->a). */
static int route_match(struct request *req, const struct route *c, const char **arg)
{
	const char *star = strchr(c->path, '*'), *seg, *end;
	size_t n;

	*arg = NULL;
	if (star == NULL) {
		n = strlen(c->path);
		if (!c->has_arg)
			return strcmp(req->path, c->path) == 0;
		if (strncmp(req->path, c->path, n) != 0 || req->path[n] == '\0' ||
		    strchr(req->path + n, '/') != NULL)
			return 0;
		*arg = req->path + n;
		return 1;
	}
	n = (size_t)(star - c->path);
	if (strncmp(req->path, c->path, n) != 0)
		return 0;
	seg = req->path + n;
	end = strchr(seg, '/');
	if (end == NULL)
		end = seg + strlen(seg);
	if (!id_valid(seg, (size_t)(end - seg)) || strcmp(end, star + 1) != 0)
		return 0;
	*arg = arena_strndup(req->a, seg, (size_t)(end - seg));
	return *arg != NULL;
}

static int valid(const struct param_spec *p, const char *v)
{
	size_t n = strlen(v);

	if (n > p->max)
		return 0;
	switch (p->validator) {
	case V_INT:
		if (n == 0 || n > 3)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (v[i] < '0' || v[i] > '9')
				return 0;
		return (size_t)atoi(v) <= p->max;
	case V_SCORE:
		if (strcmp(v, "x") == 0)
			return 1;
		return (n == 1 && v[0] >= '1' && v[0] <= '9') || strcmp(v, "10") == 0 || strcmp(v, "11") == 0;
	case V_TEXT:
		return utf8_valid(v, n);
	case V_LANG:
		return strcmp(v, "nl") == 0 || strcmp(v, "en") == 0;
	case V_WORD:
		for (size_t i = 0; i < n; i++)
			if (v[i] < 'a' || v[i] > 'z')
				return 0;
		return n > 0;
	case V_TOKEN:
		for (size_t i = 0; i < n; i++)
			if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= 'a' && v[i] <= 'z') ||
			      (v[i] >= '0' && v[i] <= '9') || v[i] == '-' || v[i] == '_'))
				return 0;
		return 1;
	case V_ID:
		return id_valid(v, n);
	case V_PATH:
		return web_local_path(v);
	}
	return 0;
}

/* Keep the declared parameters of in[0..n) that are valid; 0, or -1 when
 * a declared one is invalid. Undeclared ones are dropped. */
static int filter(struct request *req, const struct param_spec *spec, struct http_param *in, size_t n,
		  struct http_param **out, size_t *nout)
{
	size_t k = 0;

	*out = in;
	*nout = 0;
	for (size_t i = 0; i < n; i++) {
		const struct param_spec *p;
		for (p = spec; p && p->name; p++)
			if (p->prefix ? strncmp(in[i].name, p->name, strlen(p->name)) == 0
				      : strcmp(in[i].name, p->name) == 0)
				break;
		if (p == NULL || p->name == NULL)
			continue;
		if (!utf8_valid(in[i].name, strlen(in[i].name)) || !valid(p, in[i].value))
			return -1;
		in[k++] = in[i];
	}
	(void)req;
	*nout = k;
	return 0;
}

/* The request's language: ?lang= (q, already valid), then the cookie, then
 * Accept-Language. */
static void pick_lang(struct request *req, const char *q)
{
	const char *c = req->cookie, *al = req->accept_language;

	req->lang = "nl";
	if (q != NULL) {
		req->lang = strcmp(q, "en") == 0 ? "en" : "nl";
		req->set_lang_cookie = 1;
		req->lang_chosen = 1;
		return;
	}
	if (c != NULL) {
		const char *p = strstr(c, "lang=");
		if (p != NULL && (p == c || p[-1] == ' ' || p[-1] == ';')) {
			req->lang = strncmp(p + 5, "en", 2) == 0 ? "en" : "nl";
			req->lang_chosen = 1;
			return;
		}
	}
	/* The first of nl or en that the browser lists. */
	if (al != NULL) {
		const char *nl = strstr(al, "nl"), *en = strstr(al, "en");
		if (en != NULL && (nl == NULL || en < nl))
			req->lang = "en";
	}
}

/* s percent-encoded as a URL component, in req->a. */
static const char *url_component(struct request *req, const char *s)
{
	struct buf b;
	const char *out;

	buf_init(&b);
	html_url(&b, s);
	out = b.failed ? "" : arena_strdup(req->a, buf_str(&b));
	buf_reset(&b);
	return out;
}

/* An audit entry about a request to route r. Its object is the path, but
 * for a route whose argument is a token (a login link's above all) the
 * route's own path: the log must not hold a working link. */
static void audit(struct request *req, const struct route *r, const char *action, const char *detail)
{
	struct actor who = web_actor(req);
	struct err e = {0};

	(void)core_audit(&req->app->core, &who, action, r->has_arg ? r->path : req->path, detail, &e);
}

/* The roles check of route r; 0 after rendering the answer when the
 * request may not go on. */
static int allowed(struct request *req, struct reply *res, const struct route *r)
{
	int roles = r->roles & ROLE_ANY;

	/* Logged in, the login forms take the session's token like any other. */
	if ((r->roles & LOGIN_FORM) && req->user == NULL)
		web_login_token(req, res);
	if (roles == 0)
		return 1;
	if (req->user == NULL && req->session_unknown) {
		/* Not "log in again": the session may well be fine. */
		http_header(req, res, "Retry-After", "10");
		page_error(req, res, 503, N_("Something went wrong"), N_("The page could not be shown. Please try again later."));
		return 0;
	}
	if (req->user == NULL) {
		if (req->method == HTTP_POST) {
			page_error(req, res, 403, N_("You are not logged in"),
				   N_("Your session has ended, so this form was not sent. Log in and try again."));
			return 0;
		}
		/* Back here after logging in; a path the login page would refuse
		 * as `next` (never one of ours) is left out. */
		http_redirect(req, res, arena_printf(req->a, "/login%s%s%s",
						     web_local_path(req->path) ? "?next=" : "",
						     web_local_path(req->path) ? url_component(req, req->path) : "",
						     !req->session_ended ? "" : web_local_path(req->path) ? "&m=ended" : "?m=ended"));
		return 0;
	}
	if ((req->user->role & roles) == 0) {
		audit(req, r, "access.denied", user_role_name(req->user->role));
		page_error(req, res, 403, N_("No access"),
			   N_("Your account may not use this page. If you think it should, ask an administrator."));
		return 0;
	}
	return 1;
}

/* The CSRF check of a POST to route r, on the form as sent (before the
 * route's own parameters are filtered); 0 after rendering a 403. */
static int csrf_checked(struct request *req, struct reply *res, const struct route *r,
			const struct http_param *form, size_t nform)
{
	const char *given = NULL;

	if ((r->roles & (ROLE_ANY | LOGIN_FORM)) == 0)
		return 1;   /* the personal links' forms check their own token */
	for (size_t i = 0; i < nform; i++)
		if (strcmp(form[i].name, "csrf") == 0)
			given = form[i].value;
	if (web_csrf_ok(given, req->csrf))
		return 1;
	if (req->user != NULL)
		audit(req, r, "csrf.failed", NULL);
	page_error(req, res, 403, N_("The form has expired"),
		   N_("This form could not be accepted: it was not sent from this page, or the page is too old. "
		      "Go back, reload the page and try again."));
	return 0;
}

void router_dispatch(struct request *req, struct reply *res)
{
	const struct route *r = NULL;
	const char *qlang = NULL;
	int path_known = 0;
	struct http_param *raw = req->query;
	size_t nraw = req->nquery;

	res->status = 200;
	req->nquery = 0;
	/* Language first, so that even errors speak it. */
	for (size_t i = 0; i < nraw; i++)
		if (strcmp(raw[i].name, "lang") == 0 && valid(&q_lang[0], raw[i].value))
			qlang = raw[i].value;
	pick_lang(req, qlang);
	if (req->set_lang_cookie)
		http_header(req, res, "Set-Cookie",
			    arena_printf(req->a, "lang=%s; Path=/; Max-Age=31536000; SameSite=Strict; HttpOnly%s",
					 strcmp(req->lang, "en") == 0 ? "en" : "nl", req->app->secure ? "; Secure" : ""));
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *c = &routes[i];
		const char *arg;
		if (!route_match(req, c, &arg))
			continue;
		path_known = 1;
		if (c->method == req->method || (c->method == HTTP_GET && req->method == HTTP_HEAD)) {
			r = c;
			req->route = i + 1;
			req->arg = arg;
			break;
		}
	}
	if (r == NULL) {
		if (path_known) {
			http_header(req, res, "Allow", "GET, HEAD, POST");
			page_error(req, res, 405, N_("Not allowed"), N_("This address does not take this kind of request."));
		} else {
			page_error(req, res, 404, N_("Page not found"), N_("There is no page at this address."));
		}
		return;
	}
	/* Who is asking: not for static files and health checks, which every
	 * page pulls in and which must not cost a look-up. */
	if (r->page != page_static && r->page != page_healthz)
		web_session_load(req, res);
	if (!allowed(req, res, r))
		return;
	if (filter(req, r->query, raw, nraw, &req->query, &req->nquery) != 0) {
		page_error(req, res, 400, N_("Invalid request"), N_("The address holds a value that is not valid."));
		return;
	}
	if (req->method == HTTP_POST) {
		const char *why = "";
		struct http_param *form;
		size_t nform;
		if (req->body_too_large) {
			page_error(req, res, 413, N_("Too much text"),
				   N_("The form sent more text than this site accepts. Shorten your answers and try again."));
			return;
		}
		if (req->content_type == NULL ||
		    strncmp(req->content_type, "application/x-www-form-urlencoded", 33) != 0) {
			page_error(req, res, 415, N_("Invalid request"), N_("The form was sent in a form this site does not accept."));
			return;
		}
		if (form_parse(req->a, req->body, req->body_len, HTTP_MAX_FIELDS, &form, &nform, &why) != 0) {
			page_error(req, res, 400, N_("Invalid request"),
				   N_("The form holds a value that is not valid, or text that is not UTF-8."));
			return;
		}
		if (!csrf_checked(req, res, r, form, nform))
			return;
		if (filter(req, r->form, form, nform, &req->form, &req->nform) != 0) {
			page_error(req, res, 400, N_("Invalid request"),
				   N_("The form holds a value that is not valid, or text that is not UTF-8."));
			return;
		}
	}
	r->page(req, res);
}
