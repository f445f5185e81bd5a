/* http.h — the request and response that page code sees.
 *
 * Page code never sees libmicrohttpd: server.c turns a connection into a
 * struct request, the router picks a page, the page fills a struct
 * response, and server.c sends it. Everything a request allocates lives in
 * req->a and is released when the reply has been sent.
 */
#ifndef AZ_WEB_HTTP_H
#define AZ_WEB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/buf.h"

struct user;   /* store/store.h */

#define HTTP_MAX_BODY   (64u << 10)   /* bytes in a request body */
#define HTTP_MAX_FIELDS 200           /* fields in a query or form */
#define HTTP_MAX_HEADERS 12           /* response headers besides the fixed ones */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_OTHER };

struct http_param {
	const char *name;
	const char *value;
};

struct app;   /* web.h: the running application (core, settings) */

struct request {
	struct arena *a;            /* per-request memory */
	struct app *app;
	int method;                 /* enum http_method */
	const char *path;           /* as received, percent-decoded */
	const char *content_type;   /* of the body, or NULL */
	const char *accept_language;
	const char *cookie;
	const char *client;         /* the peer's address, for rate limits */
	const char *authorization;  /* the Authorization header, or NULL */
	int proxied;                /* came through a proxy: X-Forwarded-For, X-Real-IP or Forwarded */
	int body_too_large;         /* the body was cut off at HTTP_MAX_BODY */
	const char *body;           /* NUL-terminated, may be NULL */
	size_t body_len;
	/* Filled by the router, after validation: */
	struct http_param *query;  size_t nquery;
	struct http_param *form;   size_t nform;
	const char *arg;            /* the path's variable part, e.g. a token */
	const char *lang;           /* "nl" or "en" for this request */
	int set_lang_cookie;        /* the language was chosen by ?lang= */
	int lang_chosen;            /* by ?lang= or the cookie, not guessed from the browser */
	/* The logged-in account (router.c, from the session cookie), or NULL;
	 * a route that declares roles is only reached with one of them. */
	const struct user *user;
	const char *csrf;           /* the session's CSRF token for forms, or NULL */
	size_t route;               /* 1 + the index of the route taken; 0: none (router.c) */
	int session_ended;          /* a session cookie came that is no longer valid */
	int session_unknown;        /* the store could not say whose session it is */
};

struct reply {
	int status;
	const char *content_type;
	struct buf body;
	int personal;               /* Cache-Control: no-store */
	int cacheable;              /* static file: may be cached a day */
	size_t nheader;
	struct http_param header[HTTP_MAX_HEADERS];
};

/* A record number (a route's '*' or a V_ID field) as an integer; 0 when s
 * is NULL or not one. */
int64_t http_id(const char *s);
/* The value of a validated query or form field, or NULL. */
const char *http_query(const struct request *req, const char *name);
const char *http_form(const struct request *req, const char *name);
/* Add a response header (copied into req->a); ignored past the limit. */
void http_header(struct request *req, struct reply *res, const char *name, const char *value);
/* A 303 redirect to location (a path on this site). */
void http_redirect(struct request *req, struct reply *res, const char *location);

/* Parse application/x-www-form-urlencoded text into params (arena). Returns
 * 0, or -1 when it is malformed, has invalid UTF-8 or more than max fields;
 * *why says which. Names and values are percent- and '+'-decoded. */
int form_parse(struct arena *a, const char *text, size_t n, size_t max, struct http_param **out,
	       size_t *nout, const char **why);

#endif
