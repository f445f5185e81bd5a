/* staff.h — what the pages for accounts (administrators, leaders,
 * coaches) share: who is asking, errors by status, the page frame with
 * navigation, forms with their CSRF field, and the parts several pages
 * show (progress, the leader's list with its advice).
 */
#ifndef AZ_WEB_STAFF_H
#define AZ_WEB_STAFF_H

#include "../core/core.h"
#include "pages.h"

/* The request's account as an actor (who, for access checks and the audit
 * log). The router lets only accounts of the route's roles in; this is the
 * second lock: without such an account it renders 403 and returns -1. */
int staff_who(struct request *req, struct reply *res, int roles, struct actor *who);
/* The record number of the route ("/admin/rounds/12" -> 12). */
int64_t staff_id(const struct request *req);
/* The error page for a core status: AZ_ENOTFOUND 404, AZ_EDENIED 403,
 * AZ_ESTATE 409, AZ_EINVAL 422, AZ_EANON 409, AZ_EUNAVAIL 503, else 500. */
void staff_fail(struct request *req, struct reply *res, int rc);

/* Start a page: the frame, the navigation for the account's role, and the
 * confirmation of what was just done (?done=WORD). title is text. */
void staff_begin(struct request *req, struct reply *res, const char *title);
/* Open a table in a box that scrolls sideways on a phone; the box can take
 * the focus, so that a keyboard scrolls it, and is named by label. The
 * caller writes the caption, rows and "</table>\n</div>\n". */
void staff_table_begin(struct request *req, struct reply *res, const char *label);
/* Open a POST form to action, with the CSRF field. */
void staff_form(struct request *req, struct reply *res, const char *action);
/* After a POST: back to path, saying what was done (?done=what). */
void staff_done(struct request *req, struct reply *res, const char *path, const char *what);

/* What goes wrong on a posted form: a summary at the top of the page, each
 * entry linking to its field. */
#define STAFF_MAX_PROBLEMS 64
struct staff_problems {
	int n;
	const char *field[STAFF_MAX_PROBLEMS];   /* the id of the field, without '#'; NULL: none */
	const char *msg[STAFF_MAX_PROBLEMS];     /* translated */
};
void staff_problem(struct staff_problems *p, const char *field, const char *msg);
/* The message for field, or NULL. */
const char *staff_problem_for(const struct staff_problems *p, const char *field);
void staff_problems_render(struct request *req, struct reply *res, const struct staff_problems *p);

/* One text field with its label, an optional description (hint) and an
 * error message, tied to it by aria-describedby. type is "text", "email",
 * "date"; autocomplete may be NULL. */
struct staff_field {
	const char *id, *name, *label, *type, *value, *hint, *error, *autocomplete;
	int required;
};
void staff_field(struct request *req, struct reply *res, const struct staff_field *f);

/* The reminder days of a form field (NULL: none) without spaces, into
 * *days (in req->a); 1 when they are valid (core_reminders_valid). */
int staff_reminders(struct request *req, const char *field, const char **days);

/* One problem of a pasted list of raters, as a sentence in the page's
 * language ("Regel 3: ..."); ins gives the groups one may name (admin_import.c). */
const char *staff_import_problem(struct request *req, const struct instrument *ins, const struct import_problem *p);

/* Names in the request's language. */
const char *staff_state(const struct request *req, int round_state);
const char *staff_nomination(const struct request *req, int nomination_state);
const char *staff_group(const struct request *req, const struct instrument *ins, int g);
/* A round's one-line description: "Round 3 — open, deadline 2025-06-30". */
const char *staff_round_line(const struct request *req, const struct round *r);
/* A date YYYY-MM-DD in words in the page's language ("1 maart 2027"); "—" for NULL. */
const char *staff_date(const struct request *req, const char *date);

/* The progress table of a round (the rule of core_progress_of). */
void staff_progress(struct request *req, struct reply *res, const struct round_view *v,
		    const struct round_progress *p);
/* The advice sentence and flag for one group of a list. */
void staff_advice(struct request *req, struct reply *res, const struct nomination *nom,
		  const struct group_advice *ad);
/* The leader's list, read only: per group the advice and the people. */
void staff_list(struct request *req, struct reply *res, const struct nomination *nom);
/* The form to share a round's report with a coach (action: the share path). */
void staff_share_form(struct request *req, struct reply *res, const struct actor *who, int64_t round_id,
		      const char *action);

/* The report of a released round for an account of role (a leader or a
 * coach): HTML, or PDF with ?format=pdf (leader.c). */
void staff_report(struct request *req, struct reply *res, int role);

#endif
