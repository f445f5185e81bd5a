/* session.c — cookies, the logged-in account of a request, and the CSRF
 * tokens of forms. The router (router.c) calls these for every request;
 * the login pages (login.c) to start and end sessions.
 *
 * Cookies: the session cookie holds a random 256-bit id ("__Host-sid"
 * when the base URL is https, so that it is Secure, host-only and for the
 * whole site; "sid" otherwise). The login forms, used before there is a
 * session, carry a CSRF token derived from a random cookie of their own
 * ("__Host-lcsrf" / "lcsrf"). Both are HttpOnly and SameSite=Strict and
 * have no expiry of their own: they end with the browser, the session
 * itself earlier on the server.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/core_internal.h"
#include "pages.h"

static const char *cookie_name(const struct request *req, const char *base)
{
	return req->app->secure ? arena_printf(req->a, "__Host-%s", base) : base;
}

const char *web_cookie(const struct request *req, const char *name)
{
	const char *p = req->cookie;
	size_t n = strlen(name);

	while (p != NULL && *p != '\0') {
		const char *end;
		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > n && strncmp(p, name, n) == 0 && p[n] == '=')
			return arena_strndup(req->a, p + n + 1, (size_t)(end - p) - n - 1);
		p = end;
	}
	return NULL;
}

/* Set-Cookie for name (already prefixed) with value; NULL removes it. */
static void set_cookie(struct request *req, struct reply *res, const char *name, const char *value)
{
	http_header(req, res, "Set-Cookie",
		    arena_printf(req->a, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name,
				 value ? value : "", value ? "" : "; Max-Age=0",
				 req->app->secure ? "; Secure" : ""));
}

void web_session_set(struct request *req, struct reply *res, const char *cookie)
{
	set_cookie(req, res, cookie_name(req, "sid"), cookie);
}

const char *web_session_cookie(const struct request *req)
{
	return web_cookie(req, cookie_name(req, "sid"));
}

void web_session_load(struct request *req, struct reply *res)
{
	struct core *c = &req->app->core;
	const char *cookie = web_session_cookie(req);
	struct user *u;
	char *csrf;
	struct err e = {0};
	int rc;

	if (cookie == NULL)
		return;
	u = arena_calloc(req->a, 1, sizeof *u);
	csrf = arena_alloc(req->a, TOKEN_TEXT_LEN + 1);
	if (u == NULL || csrf == NULL)
		return;
	rc = core_session_open(c, req->a, cookie, (int64_t)time(NULL), &req->app->session, u, csrf, &e);
	if (rc == AZ_OK) {
		req->user = u;
		req->csrf = csrf;
	} else if (rc == AZ_ENOTFOUND) {
		/* Ended, expired or never valid: forget it. */
		req->session_ended = 1;
		web_session_set(req, res, NULL);
	} else {
		req->session_unknown = 1;
	}
}

void web_login_token(struct request *req, struct reply *res)
{
	const char *name = cookie_name(req, "lcsrf");
	const char *value = web_cookie(req, name);
	char fresh[TOKEN_TEXT_LEN + 1], *csrf;
	struct err e = {0};

	if (core_key(&req->app->core, &e) != AZ_OK || (csrf = arena_alloc(req->a, TOKEN_TEXT_LEN + 1)) == NULL)
		return;
	if (value == NULL || !token_well_formed(value)) {
		/* Only a page that shows a form starts one; a POST without it
		 * fails its check. */
		if (req->method == HTTP_POST)
			return;
		token_random_text(fresh);
		value = arena_strdup(req->a, fresh);
		set_cookie(req, res, name, value);
	}
	token_derive_text(req->app->core.key, "aanwezig login csrf v1", value, csrf);
	req->csrf = csrf;
}

int web_csrf_ok(const char *given, const char *want)
{
	return given != NULL && want != NULL && strlen(given) == TOKEN_TEXT_LEN &&
	       strlen(want) == TOKEN_TEXT_LEN && token_equal(given, want, TOKEN_TEXT_LEN);
}

int web_local_path(const char *s)
{
	size_t n = strlen(s);

	/* "/x", never "//host" or "/\host" (both leave the site in browsers). */
	if (n == 0 || n > 300 || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      strchr("/-_.~%?=&", ch) != NULL))
			return 0;
	}
	return 1;
}

const char *web_landing(const struct user *u)
{
	switch (u->role) {
	case ROLE_ADMIN: return "/admin";
	case ROLE_LEADER: return "/leader";
	case ROLE_COACH: return "/coach";
	}
	return "/account";
}

struct actor web_actor(const struct request *req)
{
	struct actor who = {0, "anonymous", req->client};

	if (req->user != NULL) {
		who.user_id = req->user->id;
		who.email = req->user->email;
	}
	return who;
}
