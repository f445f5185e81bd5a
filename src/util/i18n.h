/* i18n.h — the texts of pages and reports in Dutch or English.
 *
 * msgids are English; po/nl.po holds the Dutch (po/en.po may adjust the
 * English). Both are compiled in by tools/po2c.c. A missing translation
 * falls back to the msgid; tests/e2e/test_source_rules.sh makes sure none
 * is missing.
 */
#ifndef AZ_I18N_H
#define AZ_I18N_H

/* The translation of msgid into lang ("nl" or "en"). */
const char *tr(const char *lang, const char *msgid);

/* A date YYYY-MM-DD as a person writes it: "1 maart 2027", "1 March 2027", into out;
 * returns out, or date itself when it is not such a date (NULL stays NULL). */
#define DATE_WORDS_LEN 32
const char *date_words(char out[DATE_WORDS_LEN], const char *lang, const char *date);

/* Marks a msgid that is translated later (passed on, then tr()). */
#define N_(msgid) msgid

#endif
