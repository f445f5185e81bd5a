/* ratelimit.c — failed token look-ups per client address.
 *
 * A fixed table of slots hashed by address, counting failures in the
 * current minute. A collision only shares a budget between two addresses;
 * it never lets anyone through faster. Kept in process memory for now: a
 * second server process would give each address a second budget.
 */
#include "web.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void ratelimit_init(struct ratelimit *rl)
{
	memset(rl, 0, sizeof *rl);
	pthread_mutex_init(&rl->lock, NULL);
}

void ratelimit_destroy(struct ratelimit *rl)
{
	pthread_mutex_destroy(&rl->lock);
}

static size_t slot_of(const char *client)
{
	size_t h = 5381;

	for (; *client; client++)
		h = h * 33 + (unsigned char)*client;
	return h % RATELIMIT_SLOTS;
}

int ratelimit_allowed(struct ratelimit *rl, const char *client)
{
	long minute = (long)(time(NULL) / 60);
	size_t i = slot_of(client);
	int ok;

	pthread_mutex_lock(&rl->lock);
	ok = rl->slot[i].window != minute || rl->slot[i].failures < RATELIMIT_PER_MINUTE;
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

void ratelimit_failed(struct ratelimit *rl, const char *client)
{
	long minute = (long)(time(NULL) / 60);
	size_t i = slot_of(client);

	pthread_mutex_lock(&rl->lock);
	if (rl->slot[i].window != minute || strcmp(rl->slot[i].client, client) != 0) {
		if (rl->slot[i].window != minute)
			rl->slot[i].failures = 0;
		rl->slot[i].window = minute;
		snprintf(rl->slot[i].client, sizeof rl->slot[i].client, "%s", client);
	}
	rl->slot[i].failures++;
	pthread_mutex_unlock(&rl->lock);
}
