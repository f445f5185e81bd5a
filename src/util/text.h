/* text.h — small checks and conversions on user text: UTF-8, e-mail
 * addresses, dates, identifiers. Pure functions, no allocation unless said.
 */
#ifndef AZ_TEXT_H
#define AZ_TEXT_H

#include <stddef.h>

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points above U+10FFFF), else 0. */
int utf8_valid(const char *s, size_t n);
/* The offset of the first byte of s[0..n) that does not start a valid
 * UTF-8 sequence, or n when all of it is valid. */
size_t utf8_invalid_at(const char *s, size_t n);

/* 1 when s contains an ASCII control character (below 0x20, or DEL).
 * Tab is always allowed; CR and LF only when allow_newlines is set. */
int text_has_control(const char *s, int allow_newlines);

/* 1 when valid UTF-8 s holds a character that changes how the text around
 * it is shown rather than being shown itself: C1 controls (U+0080..U+009F)
 * and the bidirectional embeddings, overrides and isolates (U+202A..U+202E,
 * U+2066..U+2069), which in a name would reverse the text of a page or a
 * list after it. The marks U+200E and U+200F stay allowed. */
int text_has_layout_control(const char *s);

/* 1 when valid UTF-8 s holds nothing but white space, Unicode's included
 * (no-break, en, em, thin, ideographic spaces; zero-width ones), else 0. */
int text_is_blank(const char *s);

/* Check a human-entered e-mail address and write its normal form (trimmed,
 * lower-cased) to out (size outsz). Returns 0 when it is acceptable, or -1
 * with a short reason in *why. Deliberately simpler than RFC 5321: one '@',
 * a non-empty local part of printable characters without quotes, spaces
 * or angle brackets, a domain of letters, digits, hyphens and dots with at
 * least one dot (labels of at most 63 bytes, no hyphen at either end, the
 * last not all digits), at most 254 bytes in all. */
int email_normalise(const char *in, char *out, size_t outsz, const char **why);

/* 1 when s is a valid calendar date written YYYY-MM-DD in the year 2000
 * or later (earlier dates are typing errors here), else 0. */
int date_valid(const char *s);

/* Today's date in UTC as YYYY-MM-DD into out[11]. */
void date_today(char out[11]);
/* The current UTC time as YYYY-MM-DDTHH:MM:SSZ into out[21]. */
void time_now(char out[21]);

/* 1 when s is an identifier as used in instruments: 1..max bytes of
 * [a-z0-9_] starting with a letter (lower) or [A-Z0-9-_] starting with a
 * letter or digit (upper). */
int ident_lower(const char *s, size_t max);
int ident_upper(const char *s, size_t max);

/* Trim ASCII spaces and tabs at both ends, in place; returns s. */
char *text_trim(char *s);

#endif
