/* admin_import.c — what is wrong with a pasted list of raters, line by
 * line, in the page's language (the core's struct import_report; its
 * English message is for the command line).
 */
#include <string.h>

#include "../util/csv.h"
#include "staff.h"

static const char *csv_text(const struct request *req, int why)
{
	switch (why) {
	case CSV_TOO_LARGE: return T(req, "The list is too large.");
	case CSV_NUL: return T(req, "This is a spreadsheet file rather than text: select the cells in the spreadsheet, copy them and paste them here.");
	case CSV_NOT_UTF8: return T(req, "The text has characters that cannot be read. Copy the cells from the spreadsheet again, or save it as \"CSV UTF-8\".");
	case CSV_QUOTE_OPEN: return T(req, "A quote (\") opens a field that is never closed.");
	case CSV_QUOTE_INSIDE: return T(req, "A quote (\") inside a field: put the whole field in quotes and write the quote twice.");
	case CSV_AFTER_QUOTE: return T(req, "There is text after a closing quote (\").");
	case CSV_TOO_MANY_FIELDS: return T(req, "The line has too many columns.");
	case CSV_LINE_TOO_LONG: return T(req, "The line is too long.");
	}
	return T(req, "The list cannot be read.");
}

/* The groups one may name, as "bestuur (College van B en W), ...". */
static const char *groups(struct request *req, const struct instrument *ins)
{
	const char *s = "";

	for (int g = 0; ins != NULL && g < ins->ngroup; g++)
		if (!ins->groups[g].self)
			s = arena_printf(req->a, "%s%s%s (%s)", s, s[0] ? ", " : "", ins->groups[g].id,
					 staff_group(req, ins, g));
	return s;
}

static const char *person_text(struct request *req, const struct instrument *ins, const struct import_problem *p)
{
	const char *t = p->text ? p->text : "";

	switch (p->np) {
	case NP_NAME_MISSING: return T(req, "The name is missing.");
	case NP_NAME_TOO_LONG: return T(req, "The name is too long: at most 200 characters.");
	case NP_NAME_INVALID: return T(req, "The name contains characters that are not text, such as a line break.");
	case NP_EMAIL_MISSING: return T(req, "The e-mail address is missing.");
	case NP_EMAIL_INVALID:
		return arena_printf(req->a, T(req, "\"%s\" is not an e-mail address; write it as name@example.org."), t);
	case NP_GROUP:
		return arena_printf(req->a, T(req, "\"%s\" is not a group of this round. The groups are: %s."), t,
				    groups(req, ins));
	case NP_LANGUAGE:
		return arena_printf(req->a, T(req, "The language must be nl or en (or empty for the leader's), not \"%s\"."), t);
	}
	return T(req, "Check this line.");
}

const char *staff_import_problem(struct request *req, const struct instrument *ins, const struct import_problem *p)
{
	const char *t = p->text ? p->text : "", *msg;

	switch (p->kind) {
	case IMP_CSV: msg = csv_text(req, p->csv); break;
	case IMP_EMPTY: msg = T(req, "The list is empty. Its first line is name,email,group; then one person per line."); break;
	case IMP_COLUMN_UNKNOWN:
		msg = arena_printf(req->a, T(req, "Unknown column \"%s\": the first line names the columns name,email,group (and language, if you like)."), t);
		break;
	case IMP_COLUMN_TWICE: msg = arena_printf(req->a, T(req, "The column \"%s\" appears twice."), t); break;
	case IMP_COLUMN_MISSING:
		msg = arena_printf(req->a, T(req, "The first line lacks the column \"%s\": it names the columns name,email,group."), t);
		break;
	case IMP_NO_RATERS: msg = T(req, "The list has a first line with the columns, but nobody under it."); break;
	case IMP_TOO_MANY: msg = arena_printf(req->a, T(req, "More than %lld people in one list."), (long long)p->n); break;
	case IMP_FIELDS:
		msg = arena_printf(req->a, T(req, "This line has %lld fields where the first line has %lld."),
				   (long long)p->n, (long long)p->m);
		break;
	case IMP_PERSON: msg = person_text(req, ins, p); break;
	case IMP_TWICE: msg = arena_printf(req->a, T(req, "%s is also on line %lld."), t, (long long)p->n); break;
	case IMP_LISTED: msg = arena_printf(req->a, T(req, "%s is invited to this round already."), t); break;
	default: msg = T(req, "Check this line.");
	}
	return p->line > 0 ? arena_printf(req->a, T(req, "Line %lld: %s"), (long long)p->line, msg) : msg;
}
