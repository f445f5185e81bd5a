/* rater.c — inviting the environment: single raters, CSV imports, and the
 * personal links. */
#include "core.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../util/csv.h"
#include "../util/text.h"
#include "core_internal.h"

#define IMPORT_MAX_ROWS 5000

int core_invitation_make(struct core *c, struct arena *a, int64_t round_id, const char *group,
			 const char *name, const char *email, struct invitation *out, struct err *e)
{
	char nonce[TOKEN_HEX_LEN + 1], token[TOKEN_TEXT_LEN + 1], hash[TOKEN_HASH_HEX_LEN + 1];
	int rc;

	if ((rc = core_key(c, e)) != AZ_OK)
		return rc;
	memset(out, 0, sizeof *out);
	token_random_hex(nonce);
	if (token_derive(c->key, nonce, token) != 0)
		return err_set(e, AZ_ECRYPTO, "could not derive a link token");
	token_hash(token, hash);
	out->round_id = round_id;
	out->group_id = arena_strdup(a, group);
	out->name = arena_strdup(a, name);
	out->email = arena_strdup(a, email);
	out->nonce = arena_strdup(a, nonce);
	out->token_hash = arena_strdup(a, hash);
	if (a->failed)
		return err_set(e, AZ_ENOMEM, "out of memory");
	return AZ_OK;
}

/* Check one rater against the round's instrument; the normalised e-mail
 * goes to mail[256]. */
static int rater_check(const struct instrument *ins, const char *name, const char *email,
		       const char *group, char mail[256], int *np, struct err *e)
{
	const char *why;
	int g, rc;

	if ((rc = core_check_name(name, "the name", e)) != AZ_OK) {
		*np = name[strspn(name, " \t")] == '\0' ? NP_NAME_MISSING
		    : strlen(name) > CORE_MAX_NAME ? NP_NAME_TOO_LONG : NP_NAME_INVALID;
		return rc;
	}
	if (email_normalise(email, mail, 256, &why) != 0) {
		*np = email[strspn(email, " \t")] == '\0' ? NP_EMAIL_MISSING : NP_EMAIL_INVALID;
		return err_set(e, AZ_EINVAL, "the e-mail address \"%.100s\" %s", email, why);
	}
	g = instrument_find_group(ins, group);
	if (g < 0 || ins->groups[g].self) {
		*np = NP_GROUP;
		struct buf known;
		buf_init(&known);
		for (int i = 0; i < ins->ngroup; i++)
			if (!ins->groups[i].self)
				buf_printf(&known, "%s%s", known.len ? ", " : "", ins->groups[i].id);
		rc = err_set(e, AZ_EINVAL, "unknown group \"%.40s\"; the groups are %s", group, buf_str(&known));
		buf_reset(&known);
		return rc;
	}
	return AZ_OK;
}

/* A rater's language for e-mail: nl, en, or none (empty: the leader's).
 * *out gets the stored form (NULL for none). */
static int lang_check(const char *lang, const char **out, struct err *e)
{
	*out = NULL;
	if (lang == NULL || lang[0] == '\0')
		return AZ_OK;
	if (strcasecmp(lang, "nl") == 0)
		*out = "nl";
	else if (strcasecmp(lang, "en") == 0)
		*out = "en";
	else
		return err_set(e, AZ_EINVAL, "the language must be nl or en (or empty for the leader's), "
			       "not \"%.20s\"", lang);
	return AZ_OK;
}

/* The round's instrument, for checking raters; *ins to be freed. */
static int load_round(struct core *c, struct arena *a, int64_t round_id, const struct instrument **ins,
		      struct err *e)
{
	struct round r;
	int rc;

	if ((rc = c->st->ops->round_get(c->st, a, round_id, &r, e)) != AZ_OK)
		return rc;
	if (r.state != ROUND_DRAFT && r.state != ROUND_OPEN)
		return err_set(e, AZ_ESTATE, "round %lld is %s; raters can only be added while it is "
			       "draft or open", (long long)round_id, round_state_name(r.state));
	return core_round_instrument(c, a, &r, NULL, ins, e);
}

/* Raters added to an open round get their invitation at once when the
 * instance sends e-mail (those already queued are skipped). */
static int invite_if_open(struct core *c, int64_t round_id, struct err *e)
{
	struct arena *a;
	struct round r;
	size_t n;
	int rc;

	if (!c->mail)
		return AZ_OK;
	if ((a = arena_new()) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	rc = c->st->ops->round_get(c->st, a, round_id, &r, e);
	if (rc == AZ_OK && r.state == ROUND_OPEN && (rc = core_round_invite(c, round_id, &n, e)) != AZ_OK)
		err_prefix(e, "the raters were added, but their invitations could not be queued "
			   "(queue them with `aanwezig round invite %lld`)", (long long)round_id);
	arena_free(a);
	return rc;
}

int core_rater_add(struct core *c, int64_t round_id, const char *name, const char *email,
		   const char *group, struct err *e)
{
	return core_rater_add_lang(c, round_id, name, email, group, NULL, e);
}

int core_rater_add_lang(struct core *c, int64_t round_id, const char *name, const char *email,
			const char *group, const char *lang, struct err *e)
{
	struct arena *a = arena_new();
	const struct instrument *ins = NULL;
	struct invitation inv;
	char mail[256];
	int rc, np;

	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = lang_check(lang, &lang, e)) == AZ_OK &&
	    (rc = load_round(c, a, round_id, &ins, e)) == AZ_OK &&
	    (rc = rater_check(ins, name, email, group, mail, &np, e)) == AZ_OK &&
	    (rc = core_invitation_make(c, a, round_id, group, name, mail, &inv, e)) == AZ_OK) {
		inv.language = lang;
		if ((rc = c->st->ops->invitations_add(c->st, &inv, 1, NULL, e)) == AZ_OK)
			rc = invite_if_open(c, round_id, e);
	}
	arena_free(a);
	return rc;
}

/* Which column of the header holds what; -1 when absent. */
struct columns {
	int name, email, group;
	int lang;               /* optional: language / taal */
	size_t n;               /* fields a line has */
};

/* Note a problem for the report (when there is one); returns it, or NULL
 * when there is no report or it is full. */
static struct import_problem *note(struct import_report *rep, size_t line, int kind, const char *text,
				   size_t n, size_t m)
{
	struct import_problem *p;

	if (rep == NULL)
		return NULL;
	if (rep->n == IMPORT_MAX_PROBLEMS) {
		rep->more = 1;
		return NULL;
	}
	p = &rep->p[rep->n++];
	*p = (struct import_problem){.line = line, .kind = kind, .n = n, .m = m};
	if (text != NULL && rep->a != NULL)
		p->text = arena_strdup(rep->a, text);
	return p;
}

/* Note why the CSV reader refused the text. */
static void note_csv(struct import_report *rep, const struct csv_reader *rd)
{
	struct import_problem *p = note(rep, rd->why_line, IMP_CSV, NULL, 0, 0);

	if (p != NULL)
		p->csv = rd->why;
}

static int header_parse(char **f, size_t n, struct columns *col, struct import_report *rep, struct err *e)
{
	col->name = col->email = col->group = col->lang = -1;
	col->n = n;
	for (size_t i = 0; i < n; i++) {
		char *h = text_trim(f[i]);
		int *slot = NULL;
		if (strcasecmp(h, "name") == 0 || strcasecmp(h, "naam") == 0)
			slot = &col->name;
		else if (strcasecmp(h, "email") == 0 || strcasecmp(h, "e-mail") == 0)
			slot = &col->email;
		else if (strcasecmp(h, "group") == 0 || strcasecmp(h, "groep") == 0)
			slot = &col->group;
		else if (strcasecmp(h, "language") == 0 || strcasecmp(h, "taal") == 0)
			slot = &col->lang;
		if (slot == NULL)
			return (void)note(rep, 1, IMP_COLUMN_UNKNOWN, h, 0, 0), err_set(e, AZ_EINVAL, "line 1: unknown column \"%.40s\"; the header must be "
				       "name,email,group (and language, if you like)", h);
		if (*slot >= 0)
			return (void)note(rep, 1, IMP_COLUMN_TWICE, h, 0, 0), err_set(e, AZ_EINVAL, "line 1: the column \"%.40s\" appears twice", h);
		*slot = (int)i;
	}
	if (col->name < 0 || col->email < 0 || col->group < 0) {
		const char *lacks = col->name < 0 ? "name" : col->email < 0 ? "email" : "group";
		(void)note(rep, 1, IMP_COLUMN_MISSING, lacks, 0, 0);
		return err_set(e, AZ_EINVAL, "line 1: the header must name the columns name,email,group "
			       "(it lacks %s)", lacks);
	}
	return AZ_OK;
}

/* Add one problem to the English list; returns 1 when the list is full. */
static int problem(struct buf *b, int *np, size_t line, const char *msg)
{
	(*np)++;
	if (*np <= IMPORT_MAX_PROBLEMS)
		buf_printf(b, "\n  line %zu: %s", line, msg);
	return *np >= IMPORT_MAX_PROBLEMS;
}

int core_rater_import(struct core *c, int64_t round_id, const char *data, size_t n,
		      const char *origin, size_t *count, struct err *e)
{
	return core_rater_import_report(c, round_id, data, n, origin, count, NULL, e);
}

int core_rater_import_report(struct core *c, int64_t round_id, const char *data, size_t n,
			     const char *origin, size_t *count, struct import_report *rep, struct err *e)
{
	struct arena *a = arena_new();
	const struct instrument *ins = NULL;
	struct csv_reader rd;
	struct columns col;
	struct invitation *inv = NULL;
	size_t *lines = NULL, ninv = 0, line, nf, bad = 0, nline = 0;
	char **f;
	struct buf probs;
	int rc, np = 0, more;

	*count = 0;
	buf_init(&probs);
	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = load_round(c, a, round_id, &ins, e)) != AZ_OK)
		goto out;
	/* The number of raters, for progress: the lines after the header. */
	for (size_t i = 0; i < n; i++)
		nline += data[i] == '\n';
	if (nline > 0 && n > 0 && data[n - 1] == '\n')
		nline--;
	if ((rc = csv_open(&rd, data, n, e)) != AZ_OK) {
		note_csv(rep, &rd);
		goto fail_origin;
	}
	if ((more = csv_next(&rd, a, &f, &nf, &line, e)) < 0) {
		note_csv(rep, &rd);
		rc = e->code;
		goto fail_origin;
	}
	if (more == 0) {
		note(rep, 0, IMP_EMPTY, NULL, 0, 0);
		rc = err_set(e, AZ_EINVAL, "the file is empty; it needs a header name,email,group");
		goto fail_origin;
	}
	if ((rc = header_parse(f, nf, &col, rep, e)) != AZ_OK)
		goto fail_origin;
	inv = arena_calloc(a, IMPORT_MAX_ROWS, sizeof *inv);
	lines = arena_calloc(a, IMPORT_MAX_ROWS, sizeof *lines);
	if (inv == NULL || lines == NULL) {
		rc = err_set(e, AZ_ENOMEM, "out of memory");
		goto out;
	}
	while ((more = csv_next(&rd, a, &f, &nf, &line, e)) > 0) {
		struct err le = {0};
		const char *lang = NULL;
		char mail[256];
		size_t k;
		int why = NP_NONE;

		if (ninv == IMPORT_MAX_ROWS) {
			note(rep, line, IMP_TOO_MANY, NULL, IMPORT_MAX_ROWS, 0);
			problem(&probs, &np, line, "more than 5000 raters in one file");
			break;
		}
		if (nf != col.n) {
			char m[96];
			snprintf(m, sizeof m, "has %zu field%s where the header has %zu", nf, nf == 1 ? "" : "s",
				 col.n);
			note(rep, line, IMP_FIELDS, NULL, nf, col.n);
			if (problem(&probs, &np, line, m))
				break;
			continue;
		}
		if (rater_check(ins, text_trim(f[col.name]), f[col.email], text_trim(f[col.group]),
				mail, &why, &le) != AZ_OK ||
		    (why = NP_LANGUAGE, lang_check(col.lang >= 0 ? text_trim(f[col.lang]) : NULL, &lang, &le)) != AZ_OK) {
			char *what = why == NP_GROUP ? f[col.group] : why == NP_LANGUAGE ? f[col.lang]
					 : why == NP_EMAIL_INVALID ? f[col.email] : NULL;
			struct import_problem *p = note(rep, line, IMP_PERSON, what ? text_trim(what) : NULL, 0, 0);

			if (p != NULL)
				p->np = why;
			if (problem(&probs, &np, line, le.msg))
				break;
			continue;
		}
		for (k = 0; k < ninv; k++)
			if (strcmp(inv[k].email, mail) == 0)
				break;
		if (k < ninv) {
			char m[400];
			snprintf(m, sizeof m, "%.256s is also on line %zu", mail, lines[k]);
			note(rep, line, IMP_TWICE, mail, lines[k], 0);
			if (problem(&probs, &np, line, m))
				break;
			continue;
		}
		if ((rc = core_invitation_make(c, a, round_id, f[col.group], f[col.name], mail,
					       &inv[ninv], e)) != AZ_OK)
			goto out;
		inv[ninv].language = lang;
		lines[ninv++] = line;
		if (c->progress != NULL)
			c->progress(c->progress_arg, "checking", ninv, nline > ninv ? nline : ninv);
	}
	if (more < 0) {
		/* The reader's message names its line already. */
		note_csv(rep, &rd);
		if (np == 0) {
			rc = e->code;
			goto fail_origin;
		}
		np++;
		buf_printf(&probs, "\n  %s", e->msg);
	}
	if (np > 0) {
		rc = err_set(e, AZ_EINVAL, "%s: nothing was imported; %d problem%s:%s%s", origin, np,
			     np == 1 ? "" : "s", buf_str(&probs),
			     np > IMPORT_MAX_PROBLEMS ? "\n  ..." : "");
		goto out;
	}
	if (ninv == 0) {
		note(rep, 0, IMP_NO_RATERS, NULL, 0, 0);
		rc = err_set(e, AZ_EINVAL, "%s: has a header but no raters", origin);
		goto out;
	}
	rc = c->st->ops->invitations_add(c->st, inv, ninv, &bad, e);
	if (rc == AZ_EDUP) {
		note(rep, lines[bad], IMP_LISTED, inv[bad].email, 0, 0);
		rc = err_set(e, AZ_EDUP, "%s: nothing was imported; line %zu: %s is already invited "
			     "to round %lld", origin, lines[bad], inv[bad].email, (long long)round_id);
		goto out;
	}
	if (rc == AZ_OK) {
		*count = ninv;
		rc = invite_if_open(c, round_id, e);
	}
	goto out;
fail_origin:
	err_prefix(e, "%s: nothing was imported", origin);
out:
	buf_reset(&probs);
	arena_free(a);
	return rc;
}

int core_round_links(struct core *c, struct arena *a, int64_t round_id, struct link **out,
		     size_t *n, struct err *e)
{
	struct round r;
	struct invitation *inv;
	struct link *links;
	size_t ninv, k = 0;
	int rc;

	if ((rc = c->st->ops->round_get(c->st, a, round_id, &r, e)) != AZ_OK ||
	    (rc = c->st->ops->invitation_list(c->st, a, round_id, &inv, &ninv, e)) != AZ_OK ||
	    (rc = core_key(c, e)) != AZ_OK)
		return rc;
	if ((links = arena_calloc(a, ninv + 1, sizeof *links)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	/* The leader's own link first, then the raters in the order added. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ninv; i++) {
			char token[TOKEN_TEXT_LEN + 1];
			int self = strcmp(inv[i].group_id, "self") == 0;

			if (self != (pass == 0) || inv[i].state == INV_REVOKED)
				continue;
			if (token_derive(c->key, inv[i].nonce, token) != 0)
				return err_set(e, AZ_ESTORE, "invitation %lld has a damaged nonce",
					       (long long)inv[i].id);
			links[k].group_id = inv[i].group_id;
			links[k].name = inv[i].name;
			links[k].email = inv[i].email;
			links[k].url = arena_printf(a, "%s/r/%s", c->base_url, token);
			k++;
		}
	}
	if (a->failed)
		return err_set(e, AZ_ENOMEM, "out of memory");
	*out = links;
	*n = k;
	return AZ_OK;
}
