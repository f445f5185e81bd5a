/* account.c — accounts, logging in, sessions, one-time login links and
 * the shared rate limits.
 *
 * Nothing here lives in process memory: sessions and login links are rows
 * in the store holding only the BLAKE2b hash of their 256-bit token (a
 * session's random, a login link's derived from a random nonce under the
 * link key, which only the outbox's message keeps); a session's CSRF
 * token is derived from that hash under the link key; rate-limit counters are rows keyed by a keyed hash of the address
 * they count. So any number of server processes share them.
 *
 * Every wrong way to log in costs the same work and gets the same answer:
 * an unknown address is verified against a dummy hash (password.c), and
 * its failure is counted and audited like a wrong password.
 */
#include "core.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../util/text.h"
#include "core_internal.h"

/* Someone not logged in, on the web. */
static struct actor anonymous(const struct client_info *ci)
{
	struct actor who = {0, "anonymous", ci->address};

	return who;
}

/* Audit entries of logging in are kept on a best-effort basis: a failed
 * write of the log must not decide whether someone may log in. */
static void audit_quiet(struct core *c, const struct actor *who, const char *action, const char *object,
			const char *detail)
{
	struct err e = {0};

	(void)core_audit(c, who, action, object, detail, &e);
}

static const char *user_object(char buf[32], int64_t id)
{
	snprintf(buf, 32, "user %lld", (long long)id);
	return buf;
}

/* A rate limit's window, named by its first second so that windows of
 * every length compare in one unit (core_tick deletes the old ones). */
static int limit_window(int64_t now, int64_t window, int64_t *start, struct err *e)
{
	if (window <= 0 || window > CORE_LIMIT_WINDOW_MAX || now < 0)
		return err_set(e, AZ_EINVAL, "a rate-limit window is 1 to %d seconds", CORE_LIMIT_WINDOW_MAX);
	*start = now - now % window;
	return AZ_OK;
}

/* The store key of a rate limit: the kind and a keyed hash of the subject. */
static int limit_key(struct core *c, const char *kind, const char *subject, char out[96], struct err *e)
{
	char h[TOKEN_TEXT_LEN + 1];
	int rc;

	if ((rc = core_key(c, e)) != AZ_OK)
		return rc;
	token_derive_text(c->key, "aanwezig ratelimit v1", subject ? subject : "unknown", h);
	snprintf(out, 96, "%s:%s", kind, h);
	return AZ_OK;
}

int core_limit_check(struct core *c, const char *kind, const char *subject, int64_t now, int64_t window,
		     int64_t limit, struct err *e)
{
	char key[96];
	int64_t count = 0, start = 0;
	int rc;

	if ((rc = limit_window(now, window, &start, e)) != AZ_OK ||
	    (rc = limit_key(c, kind, subject, key, e)) != AZ_OK ||
	    (rc = c->st->ops->ratelimit_peek(c->st, key, start, &count, e)) != AZ_OK)
		return rc;
	return count >= limit ? err_set(e, AZ_ELIMIT, "too many attempts; wait and try again") : AZ_OK;
}

int core_limit_hit(struct core *c, const char *kind, const char *subject, int64_t now, int64_t window,
		   int64_t limit, struct err *e)
{
	char key[96];
	int64_t count = 0, start = 0;
	int rc;

	if ((rc = limit_window(now, window, &start, e)) != AZ_OK ||
	    (rc = limit_key(c, kind, subject, key, e)) != AZ_OK ||
	    (rc = c->st->ops->ratelimit_hit(c->st, key, start, &count, e)) != AZ_OK)
		return rc;
	return count > limit ? err_set(e, AZ_ELIMIT, "too many attempts; wait and try again") : AZ_OK;
}

int core_user_add(struct core *c, const struct actor *who, const char *email, const char *name,
		  int role, int64_t leader_id, const char *password, const char *language, int64_t *id,
		  struct err *e)
{
	struct user u = {0};
	struct arena *a = NULL;
	char mail[256], hash[PASSWORD_HASH_BYTES], obj[32];
	const char *why;
	int rc, p;

	if (email_normalise(email, mail, sizeof mail, &why) != 0)
		return err_set(e, AZ_EINVAL, "the e-mail address \"%.100s\" %s", email, why);
	if ((rc = core_check_name(name, "the name", e)) != AZ_OK)
		return rc;
	if (role != ROLE_ADMIN && role != ROLE_LEADER && role != ROLE_COACH)
		return err_set(e, AZ_EINVAL, "the role must be admin, leader or coach");
	if (role == ROLE_LEADER && leader_id <= 0)
		return err_set(e, AZ_EINVAL, "a leader account names its leader (--leader NUMBER)");
	if (role != ROLE_LEADER && leader_id != 0)
		return err_set(e, AZ_EINVAL, "only a leader account belongs to a leader");
	if (language == NULL)
		language = "nl";
	if (strcmp(language, "nl") != 0 && strcmp(language, "en") != 0)
		return err_set(e, AZ_EINVAL, "the language must be nl or en, not \"%.20s\"", language);
	if (role == ROLE_LEADER) {
		struct leader l;
		if ((a = arena_new()) == NULL)
			return err_set(e, AZ_ENOMEM, "out of memory");
		rc = c->st->ops->leader_get(c->st, a, leader_id, &l, e);
		arena_free(a);
		if (rc == AZ_ENOTFOUND)
			return err_set(e, AZ_EINVAL, "there is no leader %lld (see `aanwezig leader list`)",
				       (long long)leader_id);
		if (rc != AZ_OK)
			return rc;
	}
	if (password != NULL) {
		if ((p = password_check(password, mail)) != PW_OK)
			return err_set(e, AZ_EINVAL, "%s", password_problem_text(p));
		if ((rc = password_hash(password, hash, e)) != AZ_OK)
			return rc;
	}
	u.email = mail;
	u.name = name;
	u.role = role;
	u.leader_id = leader_id;
	u.password = password != NULL ? hash : NULL;
	u.language = language;
	u.created_at = (int64_t)time(NULL);
	rc = c->st->ops->user_add(c->st, &u, e);
	if (rc == AZ_EDUP)
		return err_set(e, AZ_EDUP, "an account with the e-mail address %s already exists", mail);
	if (rc != AZ_OK)
		return rc;
	*id = u.id;
	return core_audit(c, who, "user.add", user_object(obj, u.id), user_role_name(role), e);
}

/* A user by e-mail (normalised first); AZ_ENOTFOUND with a message. */
static int user_find(struct core *c, struct arena *a, const char *email, struct user *u, struct err *e)
{
	char mail[256];
	const char *why;
	int rc;

	if (email_normalise(email, mail, sizeof mail, &why) != 0)
		return err_set(e, AZ_EINVAL, "the e-mail address \"%.100s\" %s", email, why);
	rc = c->st->ops->user_by_email(c->st, a, mail, u, e);
	if (rc == AZ_ENOTFOUND)
		return err_set(e, AZ_ENOTFOUND, "no account has the e-mail address %s", mail);
	return rc;
}

int core_user_set_password(struct core *c, const struct actor *who, const char *email,
			   const char *password, struct err *e)
{
	struct arena *a = arena_new();
	struct user u;
	char hash[PASSWORD_HASH_BYTES], obj[32];
	int rc, p;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = user_find(c, a, email, &u, e)) != AZ_OK)
		goto out;
	if ((p = password_check(password, u.email)) != PW_OK) {
		rc = err_set(e, AZ_EINVAL, "%s", password_problem_text(p));
		goto out;
	}
	if ((rc = password_hash(password, hash, e)) != AZ_OK ||
	    (rc = c->st->ops->user_set_password(c->st, u.id, hash, e)) != AZ_OK ||
	    (rc = c->st->ops->session_delete_user(c->st, u.id, e)) != AZ_OK)
		goto out;
	rc = core_audit(c, who, "password.set", user_object(obj, u.id), NULL, e);
out:
	arena_free(a);
	return rc;
}

/* Start a session for account user_id: a new random cookie, its hash
 * stored. */
static int session_start(struct core *c, int64_t user_id, int64_t now, char cookie[TOKEN_LONG_LEN + 1],
			 struct err *e)
{
	struct session s = {0};
	char hash[TOKEN_HASH_HEX_LEN + 1];

	token_random_long(cookie);
	token_hash(cookie, hash);
	s.id_hash = hash;
	s.user_id = user_id;
	s.created_at = now;
	s.seen_at = now;
	return c->st->ops->session_add(c->st, &s, e);
}

int core_password_change(struct core *c, const struct actor *who, const struct user *u,
			 const char *current, const char *password, int64_t now, int *problem,
			 char cookie[TOKEN_LONG_LEN + 1], struct err *e)
{
	struct arena *a = arena_new();
	struct user now_u;
	char hash[PASSWORD_HASH_BYTES], obj[32];
	int rc;

	*problem = PW_OK;
	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	/* The stored hash, not the one the session was opened with. */
	if ((rc = c->st->ops->user_get(c->st, a, u->id, &now_u, e)) != AZ_OK)
		goto out;
	if (now_u.password != NULL) {
		/* Guessing the current password through a stolen session counts
		 * against the same limit as guessing it at the login form. */
		if ((rc = core_limit_check(c, "login-email", now_u.email, now, LOGIN_WINDOW,
					   LOGIN_FAILS_PER_EMAIL, e)) != AZ_OK)
			goto out;
		if (current == NULL || !password_verify(now_u.password, current, NULL)) {
			(void)core_limit_hit(c, "login-email", now_u.email, now, LOGIN_WINDOW, LOGIN_FAILS_PER_EMAIL, e);
			audit_quiet(c, who, "password.change.failed", user_object(obj, u->id), NULL);
			rc = err_set(e, AZ_EDENIED, "the current password is not right");
			goto out;
		}
	}
	if ((*problem = password_check(password, now_u.email)) != PW_OK) {
		rc = err_set(e, AZ_EINVAL, "%s", password_problem_text(*problem));
		goto out;
	}
	if ((rc = password_hash(password, hash, e)) != AZ_OK ||
	    (rc = c->st->ops->user_set_password(c->st, u->id, hash, e)) != AZ_OK ||
	    (rc = c->st->ops->session_delete_user(c->st, u->id, e)) != AZ_OK ||
	    (rc = session_start(c, u->id, now, cookie, e)) != AZ_OK)
		goto out;
	audit_quiet(c, who, "password.change", user_object(obj, u->id), NULL);
out:
	arena_free(a);
	return rc;
}

int core_login_password(struct core *c, struct arena *a, const struct client_info *ci, const char *email,
			const char *password, struct login *out, struct err *e)
{
	struct actor who = anonymous(ci);
	char mail[256], obj[32];
	const char *why;
	int found, ok, rehash = 0, rc;

	memset(out, 0, sizeof *out);
	if (email_normalise(email, mail, sizeof mail, &why) != 0)
		return err_set(e, AZ_EINVAL, "the e-mail address %s", why);
	/* The limits hold whether or not the address has an account. */
	if ((rc = core_limit_check(c, "login-client", ci->address, ci->now, LOGIN_WINDOW,
				   LOGIN_FAILS_PER_CLIENT, e)) != AZ_OK ||
	    (rc = core_limit_check(c, "login-email", mail, ci->now, LOGIN_WINDOW,
				   LOGIN_FAILS_PER_EMAIL, e)) != AZ_OK)
		return rc;
	rc = c->st->ops->user_by_email(c->st, a, mail, &out->user, e);
	if (rc != AZ_OK && rc != AZ_ENOTFOUND)
		return rc;
	found = rc == AZ_OK;
	ok = password_verify(found ? out->user.password : NULL, password, &rehash);
	if (!ok) {
		int r1 = core_limit_hit(c, "login-client", ci->address, ci->now, LOGIN_WINDOW,
					LOGIN_FAILS_PER_CLIENT, e);
		int r2 = core_limit_hit(c, "login-email", mail, ci->now, LOGIN_WINDOW, LOGIN_FAILS_PER_EMAIL, e);
		audit_quiet(c, &who, "login.failed", found ? user_object(obj, out->user.id) : "unknown account",
			    r1 == AZ_ELIMIT || r2 == AZ_ELIMIT ? "limit reached" : "password");
		memset(out, 0, sizeof *out);
		return err_set(e, AZ_EDENIED, "the e-mail address or the password is not right");
	}
	if (rehash) {
		/* Made with older limits: store it again with today's. */
		char hash[PASSWORD_HASH_BYTES];
		if (password_hash(password, hash, e) == AZ_OK)
			(void)c->st->ops->user_set_password(c->st, out->user.id, hash, e);
	}
	if ((rc = session_start(c, out->user.id, ci->now, out->cookie, e)) != AZ_OK)
		return rc;
	who.user_id = out->user.id;
	who.email = out->user.email;
	audit_quiet(c, &who, "login", user_object(obj, out->user.id), "password");
	return AZ_OK;
}

int core_login_link_request(struct core *c, const struct client_info *ci, const char *email,
			    struct err *e)
{
	struct actor who = anonymous(ci);
	struct arena *a;
	struct user u;
	char mail[256], nonce[TOKEN_HEX_LEN + 1], tok[TOKEN_LONG_LEN + 1], hash[TOKEN_HASH_HEX_LEN + 1];
	char obj[32];
	const char *why;
	int rc;

	if (email_normalise(email, mail, sizeof mail, &why) != 0)
		return err_set(e, AZ_EINVAL, "the e-mail address %s", why);
	if ((rc = core_limit_hit(c, "link-client", ci->address, ci->now, LOGIN_WINDOW,
				 LINK_REQUESTS_PER_CLIENT, e)) != AZ_OK ||
	    (rc = core_limit_hit(c, "link-email", mail, ci->now, LOGIN_WINDOW, LINK_REQUESTS_PER_EMAIL, e)) != AZ_OK)
		return rc;
	if ((a = arena_new()) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	rc = c->st->ops->user_by_email(c->st, a, mail, &u, e);
	if (rc == AZ_ENOTFOUND) {
		/* The same answer; the e-mail address asked for is not kept. */
		audit_quiet(c, &who, "login.link", "unknown account", NULL);
		rc = AZ_OK;
		goto out;
	}
	if (rc != AZ_OK)
		goto out;
	/* The token is derived from a random nonce under the link key, as a
	 * questionnaire's is: the store keeps its hash, the outbox the nonce,
	 * and the sender derives the link again (outbox.c), so no copy of the
	 * database holds a working login link. */
	if ((rc = core_key(c, e)) != AZ_OK)
		goto out;
	token_random_hex(nonce);
	if (token_derive_login(c->key, nonce, tok) != 0) {
		rc = err_set(e, AZ_EINVAL, "the login link could not be made");
		goto out;
	}
	token_hash(tok, hash);
	sodium_memzero(tok, sizeof tok);
	if ((rc = c->st->ops->login_link_add(c->st, hash, u.id, ci->now + LOGIN_LINK_TTL, e)) != AZ_OK ||
	    (rc = core_mail_login_link(c, &u, nonce, e)) != AZ_OK)
		goto out;
	audit_quiet(c, &who, "login.link", user_object(obj, u.id), NULL);
out:
	arena_free(a);
	return rc;
}

int core_login_link_use(struct core *c, struct arena *a, const struct client_info *ci, const char *token,
			struct login *out, struct err *e)
{
	struct actor who = anonymous(ci);
	char hash[TOKEN_HASH_HEX_LEN + 1], obj[32];
	int64_t user_id = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = core_limit_check(c, "token", ci->address, ci->now, 60, TOKEN_FAILS_PER_MINUTE, e)) != AZ_OK)
		return rc;
	rc = AZ_ENOTFOUND;
	if (token_long_well_formed(token)) {
		token_hash(token, hash);
		rc = c->st->ops->login_link_use(c->st, hash, ci->now, &user_id, e);
	}
	if (rc == AZ_ENOTFOUND) {
		(void)core_limit_hit(c, "token", ci->address, ci->now, 60, TOKEN_FAILS_PER_MINUTE, e);
		return err_set(e, AZ_ENOTFOUND, "this login link is unknown, used or expired");
	}
	if (rc != AZ_OK || (rc = c->st->ops->user_get(c->st, a, user_id, &out->user, e)) != AZ_OK ||
	    (rc = session_start(c, user_id, ci->now, out->cookie, e)) != AZ_OK)
		return rc;
	who.user_id = user_id;
	who.email = out->user.email;
	audit_quiet(c, &who, "login", user_object(obj, user_id), "link");
	return AZ_OK;
}

int core_session_open(struct core *c, struct arena *a, const char *cookie, int64_t now,
		      const struct session_limits *lim, struct user *user, char csrf[TOKEN_TEXT_LEN + 1],
		      struct err *e)
{
	struct session s;
	char hash[TOKEN_HASH_HEX_LEN + 1];
	int rc;

	if (!token_long_well_formed(cookie))
		return err_set(e, AZ_ENOTFOUND, "no such session");
	token_hash(cookie, hash);
	if ((rc = core_key(c, e)) != AZ_OK ||
	    (rc = c->st->ops->session_get(c->st, a, hash, now, lim->idle, lim->absolute, &s, user, e)) != AZ_OK)
		return rc;
	token_derive_text(c->key, "aanwezig session csrf v1", hash, csrf);
	return AZ_OK;
}

int core_logout(struct core *c, const struct actor *who, const char *cookie, struct err *e)
{
	char hash[TOKEN_HASH_HEX_LEN + 1], obj[32];
	int rc;

	if (!token_long_well_formed(cookie))
		return AZ_OK;
	token_hash(cookie, hash);
	rc = c->st->ops->session_delete(c->st, hash, e);
	if (rc == AZ_ENOTFOUND)
		rc = AZ_OK;
	if (rc == AZ_OK)
		audit_quiet(c, who, "logout", user_object(obj, who->user_id), NULL);
	return rc;
}

int core_logout_all(struct core *c, const struct actor *who, int64_t user_id, struct err *e)
{
	char obj[32];
	int rc = c->st->ops->session_delete_user(c->st, user_id, e);

	if (rc == AZ_OK)
		audit_quiet(c, who, "logout.all", user_object(obj, user_id), NULL);
	return rc;
}
