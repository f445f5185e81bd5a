/* audit.c — the audit log: who did what, when. */
#include <time.h>

#include "core.h"

const struct actor core_cli_actor = {0, "cli", NULL};

int core_audit(struct core *c, const struct actor *who, const char *action, const char *object,
	       const char *detail, struct err *e)
{
	struct audit_entry en = {0};

	if (who == NULL)
		who = &core_cli_actor;
	en.at = (int64_t)time(NULL);
	en.user_id = who->user_id;
	en.actor = who->email != NULL ? who->email : "cli";
	en.action = action;
	en.object = object;
	en.detail = detail;
	en.client = who->client;
	return c->st->ops->audit_add(c->st, &en, e);
}
