/* store.c — picking a backend, the names of states, and what the
 * backends share. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

static const char *const round_states[] = {"draft", "open", "closed", "released"};
static const char *const inv_states[] = {"created", "sent", "opened", "draft", "submitted", "revoked"};

int store_target_is_pg(const char *target)
{
	size_t n = strspn(target, "abcdefghijklmnopqrstuvwxyz_");

	if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
		return 1;
	/* A libpq keyword, optional blanks, '=': "dbname=aanwezig host=...". */
	while (n > 0 && (target[n] == ' ' || target[n] == '\t'))
		n++;
	return n > 0 && target[n] == '=';
}

int store_open(const char *target, enum store_mode mode, struct store **out, struct err *e)
{
	*out = NULL;
	if (store_target_is_pg(target))
		return store_pg_open(target, mode, out, e);
	return store_sqlite_open(target, mode, out, e);
}

int store_drop(const char *target, struct err *e)
{
	static const char *const sides[] = {"", "-wal", "-shm", "-journal"};
	char path[4096];

	if (store_target_is_pg(target))
		return store_pg_drop(target, e);
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s%s", target, sides[i]) >= sizeof path)
			return err_set(e, AZ_EINVAL, "the database path is too long");
		if (unlink(path) != 0 && errno != ENOENT)
			return err_set(e, AZ_EIO, "cannot remove %s: %s", path, strerror(errno));
	}
	return AZ_OK;
}

int store_answers_json(const struct response *r, struct buf *out, struct err *e)
{
	buf_init(out);
	buf_putc(out, '{');
	for (size_t i = 0; i < r->nanswer; i++) {
		const char *id = r->answers[i].item_id;
		int score = r->answers[i].score;
		if (id == NULL || id[0] == '\0' ||
		    strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(id) || score < 0 || score > 11) {
			buf_reset(out);
			return err_set(e, AZ_EINVAL, "an answer is not an item id with a score on a scale");
		}
		buf_printf(out, i ? ",\"%s\":" : "\"%s\":", id);
		if (score > 0)
			buf_printf(out, "%d", score);
		else
			buf_puts(out, "null");
	}
	buf_putc(out, '}');
	if (out->failed) {
		buf_reset(out);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	return AZ_OK;
}

void store_close(struct store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

static int parse(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *round_state_name(int state)
{
	return state >= 0 && state < 4 ? round_states[state] : "?";
}

int round_state_parse(const char *s)
{
	return parse(round_states, 4, s);
}

const char *invitation_state_name(int state)
{
	return state >= 0 && state < 6 ? inv_states[state] : "?";
}

int invitation_state_parse(const char *s)
{
	return parse(inv_states, 6, s);
}

static const char *const nom_states[] = {"open", "submitted", "approved"};
static const char *const mail_states[] = {"queued", "sending", "sent", "failed"};

const char *nomination_state_name(int state)
{
	return state >= 0 && state < 3 ? nom_states[state] : "?";
}

int nomination_state_parse(const char *s)
{
	return parse(nom_states, 3, s);
}

const char *mail_state_name(int state)
{
	return state >= 0 && state < 4 ? mail_states[state] : "?";
}

int mail_state_parse(const char *s)
{
	return parse(mail_states, 4, s);
}

const char *user_role_name(int role)
{
	switch (role) {
	case ROLE_ADMIN: return "admin";
	case ROLE_LEADER: return "leader";
	case ROLE_COACH: return "coach";
	}
	return "?";
}

int user_role_parse(const char *s)
{
	if (strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(s, "leader") == 0)
		return ROLE_LEADER;
	if (strcmp(s, "coach") == 0)
		return ROLE_COACH;
	return -1;
}
