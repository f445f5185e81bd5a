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

/* Marks a msgid that is translated later (passed on, then tr()). */
#define N_(msgid) msgid

#endif
