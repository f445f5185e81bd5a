/* i18n.c — translations from the po/ files, compiled in by tools/po2c.c.
 *
 * We read gettext's PO files but not its run-time: setlocale() is
 * process-wide, while one server thread may answer in Dutch and the next in
 * English. Tables sorted by msgid are searched per call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

struct i18n_entry {
	const char *id, *str;
};

extern const struct i18n_entry i18n_nl[], i18n_en[];
extern const size_t i18n_nl_len, i18n_en_len;

static int cmp(const void *key, const void *el)
{
	return strcmp(key, ((const struct i18n_entry *)el)->id);
}

const char *tr(const char *lang, const char *msgid)
{
	const struct i18n_entry *t = i18n_nl, *hit;
	size_t n = i18n_nl_len;

	if (lang != NULL && strcmp(lang, "en") == 0) {
		t = i18n_en;
		n = i18n_en_len;
	}
	hit = bsearch(msgid, t, n, sizeof *t, cmp);
	return hit ? hit->str : msgid;
}

const char *date_words(char out[DATE_WORDS_LEN], const char *lang, const char *date)
{
	static const char *const months[12] = {
		N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
		N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December")};
	int m, d;

	if (date == NULL || !date_valid(date))
		return date;
	m = (date[5] - '0') * 10 + (date[6] - '0');
	d = (date[8] - '0') * 10 + (date[9] - '0');
	snprintf(out, DATE_WORDS_LEN, "%d %s %.4s", d, tr(lang, months[m - 1]), date);
	return out;
}
