/* report.h — the presence profile as HTML (report_html.c) and PDF
 * (report_pdf.c), with the small pieces both share (report_model.c).
 *
 * Both show the same content, in this order:
 *   1. who and when: leader, organisation, round, dates, number of raters;
 *   2. the summary: the five most recognised behaviours (highest items by
 *      the others' mean), blind spots, hidden strengths;
 *   3. per core question (section), its dimensions: a chart of self versus
 *      others and the shown groups on the scale, with a table alternative
 *      (self, others n/mean/sd/agreement, each shown group, gap, flag);
 *   4. roles x arenas: a heat map of the others' mean per cell with role
 *      and arena totals, the numbers in the cells (colour is never the only
 *      carrier);
 *   5. the items: per section every item with self, others' mean (n), gap;
 *   6. what raters wrote: per open question, the leader's own text first,
 *      then the raters' under their (shown) group, in random order;
 *   7. the trend against the previous round, when there is one;
 *   8. how to read this.
 * Only figures the profile marks as shown are shown; every piece of user
 * text is escaped for where it lands.
 */
#ifndef AZ_RENDER_REPORT_H
#define AZ_RENDER_REPORT_H

#include "../core/core.h"
#include "../util/buf.h"

int report_html(const struct report *r, const char *lang, struct buf *out, struct err *e);
int report_pdf(const struct report *r, const char *lang, struct buf *out, struct err *e);

/* ---- Shared pieces (report_model.c) ---- */

/* A number with two decimals in the language's notation (4,25 / 4.25)
 * into out[16]; a sign when signed is set (+0,50). */
void report_num(char out[16], double x, const char *lang, int is_signed);
/* The label of a design group id, "overig" or "self" in lang. */
const char *report_group_label(const struct report *r, const char *lang, const char *group_id);
/* The label of dimension d in lang. */
const char *report_dim_label(const struct report *r, const char *lang, int d);
/* The dimensions shown under section s (those whose first item is in it),
 * in instrument order, into dims[] (room for r->design.ndim); returns how
 * many. */
int report_section_dims(const struct report *r, int s, int *dims);
/* The answer options of dimension d (A). */
int report_dim_points(const struct report *r, int d);
/* The wording of item i for raters in lang. */
const char *report_item_text(const struct report *r, const char *lang, int i);
/* The text of open question id in lang, and whether it is the leader's. */
const char *report_open_text(const struct report *r, const char *lang, const char *question_id, int *self);

#endif
