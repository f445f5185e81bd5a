/* ratelimit.c — failed look-ups of personal links per client address.
 *
 * Counted in the store (core_limit_check/core_limit_hit, fixed windows of
 * a minute), so that every server process of an instance shares one budget
 * per address. A store that fails the check lets the request through: the
 * page's own look-up will then fail with a proper error, rather than a
 * misleading "too many attempts".
 */
#include "web.h"

#include <time.h>

int ratelimit_allowed(struct app *app, const char *client)
{
	struct err e = {0};

	return core_limit_check(&app->core, "token", client, (int64_t)time(NULL), 60, TOKEN_FAILS_PER_MINUTE,
				&e) != AZ_ELIMIT;
}

void ratelimit_failed(struct app *app, const char *client)
{
	struct err e = {0};

	(void)core_limit_hit(&app->core, "token", client, (int64_t)time(NULL), 60, TOKEN_FAILS_PER_MINUTE, &e);
}
