/* mail_login_stub.c — queue the login-link e-mail as plain text until
 * core/mail.c (which composes every message in Dutch or English) is part
 * of this tree; delete this file then. */
#include "core.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

int core_mail_login_link(struct core *c, const struct user *u, const char *url, struct err *e)
{
	struct arena *a = arena_new();
	struct mail m = {0};
	unsigned char h[16];
	char hex[2 * sizeof h + 1];
	size_t added = 0;
	int rc;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	crypto_generichash(h, sizeof h, (const unsigned char *)url, strlen(url), NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	m.key = arena_printf(a, "login:%s", hex);
	m.to = u->email;
	m.subject = "Inloggen / Log in";
	m.text = arena_printf(a, "%s\n", url);
	m.html = NULL;
	m.state = MAIL_QUEUED;
	m.next_at = m.created_at = (int64_t)time(NULL);
	rc = m.key && m.text ? c->st->ops->outbox_add(c->st, &m, 1, &added, e) : err_set(e, AZ_ENOMEM, "out of memory");
	arena_free(a);
	return rc;
}
