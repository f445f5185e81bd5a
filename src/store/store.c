/* store.c — picking a backend and the names of states. */
#include "store.h"

#include <string.h>

static const char *const round_states[] = {"draft", "open", "closed", "released"};
static const char *const inv_states[] = {"created", "sent", "opened", "draft", "submitted", "revoked"};

int store_open(const char *target, enum store_mode mode, struct store **out, struct err *e)
{
	*out = NULL;
	if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
		return err_set(e, AZ_EINVAL, "PostgreSQL is not supported by this build yet; "
			       "give a SQLite database file");
	return store_sqlite_open(target, mode, out, e);
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
