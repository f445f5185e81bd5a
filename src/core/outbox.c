/* outbox.c — sending what the outbox holds.
 *
 * One message at a time: claim it (the store marks it "sending" for this
 * process until a lease runs out), put the personal link in (derived from
 * what the message names: an invitation, a report, a login link's nonce;
 * the outbox never holds a working link), send it,
 * record the outcome. A message is never sent twice: the claim is a
 * transaction, and one that was "sending" when a process died is marked
 * failed by the next claim rather than sent again (it may have arrived).
 *
 * Outcomes: sent; a temporary refusal or no connection puts it back with
 * a wait that doubles each time (retry_first, 2x, 4x ... at most
 * retry_max) until max_attempts, then failed; a permanent refusal marks it
 * failed with the server's answer; a configuration the server refuses
 * (login, TLS, sender) or a server that does not answer puts it back and
 * stops the run, since every other message would fare the same.
 */
#include "core.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../mail/mime.h"
#include "../render/mail.h"
#include "core_internal.h"
#include "core_mail.h"

int64_t core_mail_backoff(const struct mail_settings *ms, int attempt)
{
	int64_t wait = ms->retry_first > 0 ? ms->retry_first : 60;

	for (int i = 1; i < attempt && wait < ms->retry_max; i++)
		wait *= 2;
	return wait > ms->retry_max ? ms->retry_max : wait;
}

void core_mail_owner(char out[CORE_OWNER_MAX])
{
	char host[64] = "host", rnd[TOKEN_HEX_LEN + 1];

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "host");
	host[sizeof host - 1] = '\0';
	token_random_hex(rnd);
	snprintf(out, CORE_OWNER_MAX, "%.60s:%ld:%.16s", host, (long)getpid(), rnd);
}

/* The invitations of the rounds a run has met, to derive links from. */
struct round_invs {
	struct round_invs *next;
	int64_t round_id;
	struct invitation *inv;
	size_t n;
};

/* The one-time login link of a "login:<nonce>" message, derived from the
 * nonce under the link key as core_login_link_request derived the token
 * whose hash it stored. (A message queued before login links were derived
 * holds its link itself and no mark: the link made here goes unused.) */
static int login_link(struct core *c, struct arena *a, const struct mail *m, const char **url,
		      struct err *e)
{
	char token[TOKEN_LONG_LEN + 1];
	int rc;

	if ((rc = core_key(c, e)) != AZ_OK)
		return rc;
	if (token_derive_login(c->key, m->key + 6, token) != 0)
		return err_set(e, AZ_ESTORE, "message %lld has a damaged login link nonce", (long long)m->id);
	*url = arena_printf(a, "%s/login/l/%s", c->base_url, token);
	sodium_memzero(token, sizeof token);
	return *url ? AZ_OK : err_set(e, AZ_ENOMEM, "out of memory");
}

/* The personal link a message is about, or NULL when it carries none:
 * the questionnaire's for an invitation, the report's for "report:", the
 * login link for "login:". */
static int message_link(struct core *c, struct arena *a, struct round_invs **cache, const struct mail *m,
			const char **url, struct err *e)
{
	struct round_invs *ri;
	char token[TOKEN_TEXT_LEN + 1];
	int rc;

	*url = NULL;
	if (strncmp(m->key, "report:", 7) == 0) {
		long long round_id = strtoll(m->key + 7, NULL, 10);
		return core_report_link(c, a, (int64_t)round_id, url, e);
	}
	if (strncmp(m->key, "login:", 6) == 0)
		return login_link(c, a, m, url, e);
	if (m->invitation_id == 0)
		return AZ_OK;
	for (ri = *cache; ri != NULL && ri->round_id != m->round_id; ri = ri->next)
		;
	if (ri == NULL) {
		if ((ri = arena_calloc(a, 1, sizeof *ri)) == NULL)
			return err_set(e, AZ_ENOMEM, "out of memory");
		ri->round_id = m->round_id;
		if ((rc = c->st->ops->invitation_list(c->st, a, m->round_id, &ri->inv, &ri->n, e)) != AZ_OK)
			return rc;
		ri->next = *cache;
		*cache = ri;
	}
	if ((rc = core_key(c, e)) != AZ_OK)
		return rc;
	for (size_t i = 0; i < ri->n; i++) {
		if (ri->inv[i].id != m->invitation_id)
			continue;
		if (token_derive(c->key, ri->inv[i].nonce, token) != 0)
			return err_set(e, AZ_ESTORE, "invitation %lld has a damaged nonce",
				       (long long)m->invitation_id);
		*url = arena_printf(a, "%s/r/%s", c->base_url, token);
		return *url ? AZ_OK : err_set(e, AZ_ENOMEM, "out of memory");
	}
	return err_set(e, AZ_ENOTFOUND, "invitation %lld is gone", (long long)m->invitation_id);
}

/* The bodies of m with its link put in where it holds MAIL_LINK_MARK,
 * in the arena. A mark left over (no link to put in) is an error: the
 * message would be useless. */
static int message_bodies(struct core *c, struct arena *a, struct round_invs **cache, const struct mail *m,
			  const char **text, const char **html, struct err *e)
{
	const char *url = NULL;
	int rc;

	*text = *html = NULL;
	if ((rc = message_link(c, a, cache, m, &url, e)) != AZ_OK)
		return rc;
	*text = url && m->text ? mail_link_fill(a, m->text, url, 0) : m->text;
	*html = url && m->html ? mail_link_fill(a, m->html, url, 1) : m->html;
	if ((m->text && *text == NULL) || (m->html && *html == NULL))
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((*text && strstr(*text, MAIL_LINK_MARK)) || (*html && strstr(*html, MAIL_LINK_MARK)))
		return err_set(e, AZ_EINVAL, "the link could not be put in");
	return AZ_OK;
}

int core_outbox_bodies(struct core *c, struct arena *a, const struct mail *m, const char **text,
		       const char **html, struct err *e)
{
	struct round_invs *cache = NULL;

	return message_bodies(c, a, &cache, m, text, html, e);
}

/* The message as bytes, with its bodies as message_bodies made them and a
 * Message-ID made from its outbox id (so a copy sent again by an
 * administrator is recognisable as the same message). *why when it can't
 * be built. */
static int message_bytes(const struct mail_settings *ms, struct arena *a, const struct mail *m,
			 const char *text, const char *html, struct buf *out, const char **why)
{
	struct mime_message mm = {0};
	const char *at = strrchr(ms->smtp.from, '@');
	char boundary[TOKEN_HEX_LEN + 16], rnd[TOKEN_HEX_LEN + 1];

	token_random_hex(rnd);
	snprintf(boundary, sizeof boundary, "=_az_%s", rnd);
	mm.from = ms->smtp.from;
	mm.from_name = ms->smtp.from_name;
	mm.to = m->to;
	mm.subject = m->subject;
	mm.text = text;
	mm.html = html;
	/* The outbox keeps no language of its own; the HTML body names it. */
	mm.lang = strstr(html ? html : "", "<html lang=\"en\"") ? "en" : "nl";
	mm.message_id = arena_printf(a, "<aanwezig.%lld.%lld@%s>", (long long)m->id,
				     (long long)m->created_at, at ? at + 1 : "localhost");
	mm.date = (int64_t)time(NULL);
	mm.boundary = boundary;
	if (mm.text == NULL || mm.message_id == NULL)
		return *why = "out of memory", -1;
	return mime_build(&mm, out, why);
}

/* Record the outcome of one try. */
static int record(struct core *c, const struct mail_settings *ms, const struct mail *m, const char *owner,
		  int outcome, const char *answer, struct outbox_tally *t, struct err *e)
{
	char why[SMTP_ANSWER_MAX + 96];
	int64_t now = (int64_t)time(NULL);
	int tries = m->attempts > 0 ? m->attempts : 1;   /* this one included */

	switch (outcome) {
	case SMTP_SENT:
		t->sent++;
		return c->st->ops->outbox_done(c->st, m->id, owner, MAIL_SENT, 0, answer, now, e);
	case SMTP_TEMPORARY:
	case SMTP_UNREACHABLE:
	case SMTP_CONFIG:
		/* Only a refusal of this message counts towards giving up: a
		 * server that is down or misconfigured is no fault of it. */
		if (outcome == SMTP_TEMPORARY && tries >= ms->max_attempts) {
			snprintf(why, sizeof why, "gave up after %d attempts: %s", tries, answer);
			t->failed++;
			snprintf(t->problem, sizeof t->problem, "message %lld to %.200s: %s", (long long)m->id,
				 m->to, why);
			return c->st->ops->outbox_done(c->st, m->id, owner, MAIL_FAILED, 0, why, now, e);
		}
		t->retry++;
		snprintf(t->problem, sizeof t->problem, "message %lld to %.200s: %s", (long long)m->id, m->to,
			 answer);
		return c->st->ops->outbox_done(c->st, m->id, owner, MAIL_QUEUED,
					       now + core_mail_backoff(ms, tries), answer, now, e);
	case SMTP_UNCERTAIN:
		snprintf(why, sizeof why, "uncertain, not sent again: the server did not confirm "
			 "the message (%s); it may have arrived", answer);
		answer = why;
		break;
	default:
		break;
	}
	t->failed++;
	snprintf(t->problem, sizeof t->problem, "message %lld to %.200s: %s", (long long)m->id, m->to, answer);
	return c->st->ops->outbox_done(c->st, m->id, owner, MAIL_FAILED, 0, answer, now, e);
}

/* Claim and send one message that was due at `due` (the run's start, so
 * that a run never tries a message twice); *none when nothing was. */
static int send_one(struct core *c, struct arena *a, struct round_invs **cache, struct smtp *s,
		    const struct mail_settings *ms, const char *owner, int64_t due, int *none,
		    struct outbox_tally *t, struct err *e)
{
	struct mail *m;
	struct buf bytes;
	const char *text = NULL, *html = NULL, *why = NULL;
	char answer[SMTP_ANSWER_MAX + 1];
	int64_t now = (int64_t)time(NULL);
	size_t n;
	int rc, outcome;

	*none = 0;
	rc = c->st->ops->outbox_claim(c->st, a, owner, due,
				      now + ms->smtp.connect_timeout + ms->smtp.timeout + 120, 1, &m, &n, e);
	if (rc != AZ_OK)
		return rc;
	if (n == 0) {
		*none = 1;
		return AZ_OK;
	}
	buf_init(&bytes);
	if (message_bodies(c, a, cache, m, &text, &html, e) != AZ_OK) {
		/* Without its link the message is useless; say why. */
		snprintf(answer, sizeof answer, "not sent: %.300s", e->msg);
		outcome = SMTP_PERMANENT;
	} else if (message_bytes(ms, a, m, text, html, &bytes, &why) != 0 || bytes.failed) {
		snprintf(answer, sizeof answer, "not sent: %s", why ? why : "out of memory");
		outcome = SMTP_PERMANENT;
	} else {
		outcome = smtp_send(s, m->to, buf_str(&bytes), bytes.len, answer);
	}
	buf_reset(&bytes);
	if (outcome == SMTP_CONFIG)
		t->stopped = 1;
	else if (outcome == SMTP_UNREACHABLE)
		t->unreachable = 1;
	return record(c, ms, m, owner, outcome, answer, t, e);
}

int core_outbox_run(struct core *c, const struct mail_settings *ms, const char *owner, size_t max,
		    const atomic_int *stop, struct outbox_tally *t, struct err *e)
{
	struct arena *a = NULL;
	struct round_invs *cache = NULL;
	struct smtp *s = NULL;
	struct outbox_counts counts = {0};
	size_t done = 0, total;
	int64_t start = (int64_t)time(NULL);
	int rc, none = 0;

	memset(t, 0, sizeof *t);
	if (!ms->configured)
		return err_set(e, AZ_EINVAL, "no SMTP server is configured (see docs/mail.md)");
	if ((rc = c->st->ops->outbox_count(c->st, &counts, e)) != AZ_OK)
		return rc;
	/* Nothing to send nor to clear up: no write at all (the server asks
	 * every few seconds). */
	if (counts.queued == 0 && counts.sending == 0)
		return AZ_OK;
	total = (size_t)counts.queued;
	if (max > 0 && total > max)
		total = max;
	if ((rc = smtp_open(&ms->smtp, &s, e)) != AZ_OK)
		return rc;
	if ((a = arena_new()) == NULL) {
		smtp_close(s);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	/* A server that does not answer would make every message wait out the
	 * timeout: the rest stay queued for the next run. */
	while ((max == 0 || done < max) && !(stop && *stop) && !t->stopped && !t->unreachable) {
		if ((rc = send_one(c, a, &cache, s, ms, owner, start, &none, t, e)) != AZ_OK || none)
			break;
		done++;
		if (c->progress != NULL)
			c->progress(c->progress_arg, "sending", done, total > done ? total : done);
		/* Start afresh now and then, so that a long run stays small. */
		if (done % 256 == 0) {
			arena_reset(a);
			cache = NULL;
		}
	}
	arena_free(a);
	smtp_close(s);
	return rc;
}
