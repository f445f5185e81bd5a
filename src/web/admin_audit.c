/* admin_audit.c — the audit log for administrators, in the page's language.
 *
 * The core stores each entry's action as a code ("round.open") and its
 * object and detail as short English ("round 2", "password", "3 queued").
 * What is stored stays as it is; this page shows a label for each action
 * it knows (the code beside it, for the precise record) and translates the
 * fixed words and patterns of objects and details. Anything else (a date,
 * reminder days, a group, a code an older version wrote) is shown as stored.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "staff.h"

#define AUDIT_PAGE 50

/* A stored English text and its msgid. */
struct audit_text {
	const char *stored, *msgid;
};

/* Every action the program records (core_audit, cli_audit and their
 * wrappers in src/core, src/cli and src/web). */
static const struct audit_text audit_actions[] = {
	{"access.denied", N_("Access refused")},
	{"csrf.failed", N_("Form check failed")},
	{"leader.add", N_("Leader added")},
	{"user.add", N_("Account added")},
	{"password.set", N_("Password set")},
	{"password.change", N_("Password changed")},
	{"password.change.failed", N_("Password change failed")},
	{"login", N_("Logged in")},
	{"login.failed", N_("Log-in failed")},
	{"login.link", N_("Log-in link requested")},
	{"logout", N_("Logged out")},
	{"logout.all", N_("Logged out everywhere")},
	{"round.add", N_("Round added")},
	{"round.settings", N_("Round settings changed")},
	{"round.reminders", N_("Reminder days set")},
	{"round.open", N_("Round opened")},
	{"round.invite", N_("Invitations queued")},
	{"round.remind", N_("Reminders queued")},
	{"round.notify", N_("Report notice queued")},
	{"round.close", N_("Round closed")},
	{"round.release", N_("Report released")},
	{"round.links", N_("Links viewed")},
	{"round.export", N_("Answers exported")},
	{"rater.add", N_("Rater added")},
	{"rater.import", N_("Raters imported")},
	{"nominee.add", N_("Added to the list")},
	{"nominee.remove", N_("Removed from the list")},
	{"nomination.submit", N_("List handed in")},
	{"nomination.approve", N_("List approved")},
	{"nomination.reopen", N_("List opened for changes again")},
	{"share.add", N_("Report shared with a coach")},
	{"share.remove", N_("Report no longer shared with a coach")},
	{"mail.send", N_("Messages sent")},
	{"mail.retry", N_("Message queued again")},
	{"outbox.retry", N_("Message queued again")},
	{"privacy.export", N_("Personal data exported")},
	{"privacy.erase", N_("Personal data erased")},
	{"privacy.retention", N_("Raters' data erased after the retention period")},
	{"privacy.retention.set", N_("Retention period set")},
};

/* Fixed words of objects and details: role names (user_role_name), round
 * uses (round_use_name), how someone logged in, how sending went. */
static const struct audit_text audit_words[] = {
	{"admin", N_("administrator")},
	{"leader", N_("leader")},
	{"coach", N_("coach")},
	{"view", N_("view the round")},
	{"list", N_("see the list")},
	{"nominate", N_("change the list")},
	{"approve", N_("approve the list")},
	{"run", N_("run the round")},
	{"manage", N_("manage the round")},
	{"report", N_("read the report")},
	{"share", N_("share the report")},
	{"password", N_("password")},
	{"link", N_("link by e-mail")},
	{"limit reached", N_("limit reached")},
	{"unknown account", N_("unknown account")},
	{"done", N_("done")},
	{"some failed", N_("some failed")},
	{"outbox", N_("outbox")},
	{"instance", N_("this installation")},
	{"raters", N_("raters")},
	{"yes", N_("yes")},
	{"no", N_("no")},
	{"none", N_("none")},
};

/* Counts: "3 queued" is {"queued", "%lld queued"}. */
static const struct audit_text audit_counts[] = {
	{"queued", N_("%lld queued")},
	{"added", N_("%lld added")},
	{"raters", N_("%lld raters")},
	{"days", N_("%lld days")},
};

/* The msgid of stored text s in table t of n entries, or NULL. */
static const char *audit_find(const struct audit_text *t, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].stored, s) == 0)
			return t[i].msgid;
	return NULL;
}

#define FIND(table, s) audit_find(table, sizeof table / sizeof table[0], s)

/* A fixed word in the page's language, or s as stored. */
static const char *audit_word(const struct request *req, const char *s)
{
	const char *msgid = FIND(audit_words, s);
	return msgid ? T(req, msgid) : s;
}

/* Unix seconds as "YYYY-MM-DD HH:MM" UTC into out[20]. */
static void when(int64_t t, char out[20])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 20, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, 20, "?");
}

/* An action: its label and its code, or the code alone if it has none. */
static void audit_action(struct request *req, struct reply *res, const char *action)
{
	const char *msgid = action ? FIND(audit_actions, action) : NULL;

	if (action == NULL)
		return;
	if (msgid != NULL)
		html_printf(&res->body, "%h<br><code>%h</code>", T(req, msgid), action);
	else
		html_printf(&res->body, "<code>%h</code>", action);
}

/* An object (or a detail) naming something by number in the page's
 * language, with a link where there is a page for it ("round 2" ->
 * "Ronde 2", to the round); a fixed word translated; else as stored. */
static void audit_object(struct request *req, struct reply *res, const char *object)
{
	static const struct {
		const char *kind, *msgid, *path;
	} kinds[] = {
		{"round", N_("Round %lld"), "/admin/rounds/"},
		{"leader", N_("Leader %lld"), "/admin/leaders/"},
		{"user", N_("Account %lld"), NULL},
		{"invitation", N_("Invitation %lld"), NULL},
		{"message", N_("Message %lld"), NULL},
	};
	long long id;
	char kind[16];
	int end = 0;

	if (object == NULL)
		return;
	if (sscanf(object, "%15[a-z] %lld%n", kind, &id, &end) == 2 && object[end] == '\0')
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			if (strcmp(kind, kinds[k].kind) != 0)
				continue;
			if (kinds[k].path != NULL)
				html_printf(&res->body, "<a class=\"utrecht-link utrecht-link--html-a\" href=\"%a%lld\">%h</a>",
					    kinds[k].path, id, arena_printf(req->a, T(req, kinds[k].msgid), id));
			else
				html_printf(&res->body, "%h", arena_printf(req->a, T(req, kinds[k].msgid), id));
			return;
		}
	html_printf(&res->body, "%h", audit_word(req, object));
}

/* A detail: the patterns the core writes in the page's language, a
 * number of something, a fixed word, a thing by number; else as stored. */
static void audit_detail(struct request *req, struct reply *res, const char *detail)
{
	struct buf *b = &res->body;
	const char *msgid;
	char w1[16], w2[64];
	long long n;
	int end = 0;

	if (detail == NULL)
		return;
	if (sscanf(detail, "%lld %15[a-z]%n", &n, w1, &end) == 2 && detail[end] == '\0' &&
	    (msgid = FIND(audit_counts, w1)) != NULL) {
		html_printf(b, "%h", arena_printf(req->a, T(req, msgid), n));
	} else if (end = 0, sscanf(detail, "the deadline %10[0-9-] passed%n", w1, &end) == 1 && detail[end] == '\0') {
		html_printf(b, "%h", arena_printf(req->a, T(req, "the deadline %s passed"), staff_date(req, w1)));
	} else if (end = 0, sscanf(detail, "approval %3[a-z], reminders %63[a-z0-9,]%n", w1, w2, &end) == 2 &&
		   detail[end] == '\0') {
		html_printf(b, "%h", arena_printf(req->a, T(req, "approval %s, reminders %s"),
						  audit_word(req, w1), audit_word(req, w2)));
	} else if (end = 0, sscanf(detail, "%lld invitations of rounds closed on or before %10[0-9-]%n",
				   &n, w1, &end) == 2 && detail[end] == '\0') {
		html_printf(b, "%h", arena_printf(req->a, T(req, "%lld invitations of rounds closed on or before %s"),
						  n, staff_date(req, w1)));
	} else {
		audit_object(req, res, detail);
	}
}

/* GET /admin/audit?before=ID — the audit log, newest first, 50 a page.
 *   before  show entries older than this one */
void page_admin_audit(struct request *req, struct reply *res)
{
	struct actor who;
	struct err e = {0};
	struct audit_entry *en;
	struct buf *b = &res->body;
	size_t n;
	int64_t before = http_id(http_query(req, "before"));
	int rc;

	if (staff_who(req, res, ROLE_ADMIN, &who) != 0)
		return;
	if ((rc = core_audit_page(&req->app->core, req->a, &who, before, AUDIT_PAGE, &en, &n, &e)) != AZ_OK) {
		staff_fail(req, res, rc);
		return;
	}
	staff_begin(req, res, T(req, "Audit log"));
	html_printf(b, "<h1 class=\"utrecht-heading-1\">%h</h1>\n<p class=\"utrecht-paragraph\">%h</p>\n",
		    T(req, "Audit log"), T(req, "Who did what, newest first. Times are UTC."));
	if (n == 0) {
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n", T(req, "No entries."));
		page_end(req, res);
		return;
	}
	staff_table_begin(req, res, T(req, "Audit log"));
	html_printf(b, "<caption class=\"utrecht-table__caption az-visually-hidden\">%h</caption>\n"
		    "<thead class=\"utrecht-table__header\"><tr class=\"utrecht-table__row\">"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "<th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th><th scope=\"col\" class=\"utrecht-table__header-cell\">%h</th>"
		    "</tr></thead>\n<tbody class=\"utrecht-table__body\">\n",
		    T(req, "Audit log"), T(req, "When"), T(req, "Who"), T(req, "Action"), T(req, "Object"),
		    T(req, "Detail"), T(req, "From"));
	for (size_t i = 0; i < n; i++) {
		char at[20];
		when(en[i].at, at);
		html_printf(b, "<tr class=\"utrecht-table__row\"><td class=\"utrecht-table__cell\">%h</td><td class=\"utrecht-table__cell az-break\">%h</td>"
			    "<td class=\"utrecht-table__cell\">", at, en[i].actor ? en[i].actor : "");
		audit_action(req, res, en[i].action);
		html_printf(b, "</td><td class=\"utrecht-table__cell\">");
		audit_object(req, res, en[i].object);
		html_printf(b, "</td><td class=\"utrecht-table__cell az-break\">");
		audit_detail(req, res, en[i].detail);
		html_printf(b, "</td><td class=\"utrecht-table__cell az-break\">%h</td></tr>\n",
			    en[i].client ? en[i].client : "");
	}
	html_printf(b, "</tbody>\n</table>\n</div>\n");
	if (n == AUDIT_PAGE)
		html_printf(b, "<p class=\"utrecht-paragraph\"><a class=\"utrecht-link utrecht-link--html-a\" href=\"/admin/audit?before=%lld\">%h</a></p>\n",
			    (long long)en[n - 1].id, T(req, "Older entries"));
	page_end(req, res);
}
