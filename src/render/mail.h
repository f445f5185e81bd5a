/* mail.h — the texts of the e-mail aanwezig sends: invitations,
 * reminders, login links and "your report is ready", in Dutch or English,
 * each as a subject, a plain-text body and an HTML body.
 *
 * The texts come from po/nl.po and po/en.po like the pages' texts. One
 * format drives both bodies: the HTML body goes through html_printf (user
 * text escaped), the plain body through the same conversions without
 * escaping. Names are checked before they get here (no control characters,
 * see core_check_name); the subject is made safe for a header again by
 * mail/mime.c, which encodes it.
 *
 * A link may be given as MAIL_LINK_MARK: the message is then stored with
 * the mark in both bodies and the sender puts the real link in at the
 * moment of sending (mail_link_fill), so the outbox never holds a
 * personal link (a copy of the database alone yields no working links).
 */
#ifndef AZ_RENDER_MAIL_H
#define AZ_RENDER_MAIL_H

#include "../util/arena.h"
#include "../util/err.h"

/* The stand-in for a personal link; never in a name (control characters
 * are refused there), never in a URL. */
#define MAIL_LINK_MARK "\x01link\x01"

/* A composed message; strings in the arena given. */
struct mail_text {
	const char *subject;
	const char *text;        /* text/plain, lines of at most ~72 characters */
	const char *html;        /* a whole text/html document */
};

enum mail_kind { MAIL_INVITE, MAIL_REMIND };

/* What an invitation or a reminder says. */
struct mail_invite {
	const char *lang;        /* "nl" or "en" */
	int kind;                /* enum mail_kind */
	int self;                /* the leader's own reflection */
	const char *name;        /* the invitee's name (the leader's for self) */
	const char *leader;      /* whom it is about */
	const char *organisation;
	const char *group;       /* the group's label in lang; NULL for self */
	int anonymous;           /* the group is anonymous */
	int threshold;           /* fewest raters whose answers are shown */
	int minutes;             /* about how long answering takes */
	const char *deadline;    /* the last day to answer, YYYY-MM-DD, or NULL */
	const char *note;        /* the instrument's note on anonymity, or NULL */
	const char *link;        /* the personal link, or MAIL_LINK_MARK */
};

/* Compose an invitation or reminder. AZ_ENOMEM only. */
int mail_render_invite(struct arena *a, const struct mail_invite *in, struct mail_text *out,
		       struct err *e);
/* Compose a message with a one-time login link (or MAIL_LINK_MARK) for an
 * account. */
int mail_render_login(struct arena *a, const char *lang, const char *name, const char *url,
		      struct mail_text *out, struct err *e);
/* Compose "the report of your presence profile is ready" for the leader,
 * with the link to it (or MAIL_LINK_MARK). */
int mail_render_released(struct arena *a, const char *lang, const char *name, const char *link,
			 struct mail_text *out, struct err *e);

/* A date YYYY-MM-DD written out in lang ("1 maart 2025", "1 March 2025")
 * in the arena; the text itself when it is no such date. */
const char *mail_date(struct arena *a, const char *lang, const char *date);

/* Replace every MAIL_LINK_MARK in body by url, HTML-escaped when html is
 * set; the result in the arena (NULL when out of memory). A body without
 * the mark comes back as it is. */
const char *mail_link_fill(struct arena *a, const char *body, const char *url, int html);

#endif
