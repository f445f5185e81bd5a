/* html.h — all HTML goes through one escaping printf.
 *
 * The escaping is chosen in the format, not remembered per call:
 *   %h   text: & < > " ' escaped — for element content
 *   %a   attribute value (inside double quotes): the same escapes
 *   %u   a URL component: everything but A-Z a-z 0-9 - . _ ~ percent-encoded
 *   %d %ld %lld %zu   numbers
 *   %.1f %.2f         numbers with one or two decimals
 *   %R   raw, trusted markup (the named exception: only for HTML this program
 *        made itself, never for user text)
 *   %%   a percent sign
 * Any other conversion (a plain %s above all) is a programming error: it is
 * written as "[bad format]" and fails an assertion in debug builds, and
 * tests/check-html-formats.sh rejects it at test time.
 *
 *     html_printf(b, "<p class=\"%a\">%h</p>", cls, name);
 */
#ifndef AZ_RENDER_HTML_H
#define AZ_RENDER_HTML_H

#include <stdarg.h>

#include "../util/buf.h"

void html_printf(struct buf *b, const char *fmt, ...);
void html_vprintf(struct buf *b, const char *fmt, va_list ap);

/* Append s escaped as text (the %h conversion). */
void html_text(struct buf *b, const char *s);
/* Append s percent-encoded as a URL component (the %u conversion). */
void html_url(struct buf *b, const char *s);

#endif
