/* report_pdf.c — the presence profile as an A4 PDF, drawn with cairo and
 * pango. Content and order: report.h.
 *
 * The document is drawn twice by the same code: a first pass only lays
 * out text and counts pages (nothing reaches the surface), the second
 * draws, so that every footer can say "Page N of M". Elements are placed
 * top to bottom at p->y; an element that does not fit on what is left of
 * the page starts a new one (need()), tables repeat their header row on
 * the next page, and long texts break between lines (flow()).
 *
 * All text, fixed or from users, goes through pango_layout_set_text():
 * plain text, never markup, so a name or an open answer holding "<b>",
 * "&amp;", "=HYPERLINK(...)" or right-to-left script is shown as written.
 * cairo embeds (subsets of) the fonts pango picks; FONT_FAMILY asks for
 * Noto Sans (Debian: fonts-noto-core) first, then DejaVu Sans (which
 * also has Arabic and Hebrew), and fontconfig falls back per character
 * beyond them (e.g. Noto Sans Symbols2 for some emoji). A glyph no font
 * has shows as a box with its code point. The PDF's title (metadata)
 * holds the leader's name; cairo writes it as an escaped PDF string.
 *
 * Fonts come from pango's default font map, which is per thread: server
 * threads can draw reports at the same time, and each keeps its font map
 * (with the loaded fonts; a fresh one per report would cost about 8 ms)
 * for the life of the thread.
 */
#include "report.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"

#define PAGE_W 595.0          /* A4 in points */
#define PAGE_H 842.0
#define MARGIN 50.0
#define TOP MARGIN            /* where content starts on a page */
#define BOTTOM (PAGE_H - MARGIN)
#define WIDTH (PAGE_W - 2 * MARGIN)
#define FONT_FAMILY "Noto Sans, DejaVu Sans, Liberation Sans, sans"
#define CELL_PAD 3.0          /* space inside a table cell */
#define CELL_MAXH 300.0       /* a table cell longer than this ends in "…" */
#define KEEP 60.0             /* room a heading wants for what follows it */

/* The dimension chart: a label column, the scale, then the figures. */
#define CH_LABEL_W 150.0      /* row labels */
#define CH_SCALE_L 156.0      /* the scale's band, from the left margin */
#define CH_SCALE_R 294.0
#define CH_INSET 9.0          /* 1 and A lie this far inside the band */
#define CH_ROW 15.0           /* height of one row */
#define CH_MARK 4.2           /* marker size (about its radius) */

enum font { F_BODY, F_BOLD, F_SMALL, F_SMALL_BOLD, F_H1, F_H2, F_H3, F_LEAD, NFONT };

static const struct {
	double size;
	int bold;
} font_spec[NFONT] = {{9.5, 0}, {9.5, 1}, {8.0, 0}, {8.0, 1}, {22.0, 1}, {14.0, 1}, {10.5, 1}, {15.0, 1}};

struct rgb {
	double r, g, b;
};

static const struct rgb INK = {0.10, 0.11, 0.13};
static const struct rgb MUTED = {0.36, 0.38, 0.42};
static const struct rgb RULE = {0.80, 0.81, 0.84};
static const struct rgb GRID = {0.88, 0.89, 0.91};
static const struct rgb ACCENT = {0.05, 0.29, 0.54};
static const struct rgb PAPER = {1.0, 1.0, 1.0};
static const struct rgb GROUP = {0.93, 0.62, 0.25};  /* fill of the groups' markers */
static const struct rgb NONE_BG = {0.95, 0.95, 0.96}; /* a heat-map cell not shown */

/* Marker shapes: self and all others have their own, the groups take
 * GROUP_SHAPES in design order, "overig" the hexagon. */
enum shape { SH_DIAMOND, SH_CIRCLE, SH_SQUARE, SH_TRI_UP, SH_TRI_DOWN, SH_CROSS, SH_PLUS, SH_STAR, SH_HEX };
static const int GROUP_SHAPES[] = {SH_SQUARE, SH_TRI_UP, SH_TRI_DOWN, SH_CROSS, SH_PLUS, SH_STAR};
#define NGROUP_SHAPES ((int)(sizeof GROUP_SHAPES / sizeof GROUP_SHAPES[0]))

/* The state of one rendering pass. */
struct pdf {
	cairo_t *cr;
	PangoContext *ctx;
	PangoLayout *lo;          /* the element being laid out or drawn */
	PangoLayout *furn;        /* the running head and foot, drawn while lo is in use */
	PangoLayout **cell;       /* one per table column: a row is laid out once */
	int ncell;
	PangoFontDescription *font[NFONT];
	int *dims;                /* the dimensions of the current section */
	double line_h[NFONT];     /* the height of one line in each font */
	double chart_head_h;      /* the height of a chart's header */
	const struct report *r;
	const char *lang;
	int draw;                 /* 0: the first pass, which only counts pages */
	int page;                 /* the current page, from 1 */
	int npage;                /* pages in all; known in the second pass */
	int nomem;                /* an allocation of ours failed */
	double y;                 /* top of the next element */
};

/* A table column: its width and how its cells align. */
struct tcol {
	double w;
	PangoAlignment al;
};

/* A table: columns and the header row drawn again on every page it runs
 * on; bold_first sets the first column in bold (row labels). */
struct table {
	const struct tcol *col;
	int ncol;
	const char *const *head;
	int bold_first;
};

/* ---- Text ---- */

/* Put s into lo as plain text (never markup); invalid UTF-8, which the
 * core never stores, is repaired rather than passed on. */
static void set_plain_text(PangoLayout *lo, const char *s)
{
	if (g_utf8_validate(s, -1, NULL)) {
		pango_layout_set_text(lo, s, -1);
	} else {
		char *v = g_utf8_make_valid(s, -1);
		pango_layout_set_text(lo, v, -1);
		g_free(v);
	}
}

/* Lay out s in lo with font f, wrapped at width w (w <= 0: one line per
 * paragraph) and aligned al; maxh > 0 cuts it to that height with "…".
 * Returns its height in points. Draws nothing. */
static double lay(struct pdf *p, PangoLayout *lo, int f, double w, PangoAlignment al, const char *s,
		  double maxh)
{
	PangoRectangle log;

	pango_layout_set_font_description(lo, p->font[f]);
	pango_layout_set_width(lo, w > 0 ? pango_units_from_double(w) : -1);
	pango_layout_set_alignment(lo, al);
	pango_layout_set_ellipsize(lo, maxh > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
	pango_layout_set_height(lo, maxh > 0 ? pango_units_from_double(maxh) : -1);
	set_plain_text(lo, s);
	pango_layout_get_extents(lo, NULL, &log);
	return pango_units_to_double(log.height);
}

/* The width of the laid-out text in lo, in points. */
static double lay_width(PangoLayout *lo)
{
	PangoRectangle log;

	pango_layout_get_extents(lo, NULL, &log);
	return pango_units_to_double(log.width);
}

/* Draw lo with its top left at (x, y) in colour c (second pass only). */
static void show(struct pdf *p, PangoLayout *lo, double x, double y, struct rgb c)
{
	if (!p->draw)
		return;
	cairo_set_source_rgb(p->cr, c.r, c.g, c.b);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, lo);
}

/* Lay out and draw s at (x, y); returns its height. */
static double text_at(struct pdf *p, double x, double y, double w, int f, PangoAlignment al, struct rgb c,
		      const char *s)
{
	double h = lay(p, p->lo, f, w, al, s, 0);

	show(p, p->lo, x, y, c);
	return h;
}

/* Draw s at (x, y), cut to maxh (0: not cut), in the second pass only:
 * for text whose height is known (p->line_h) or does not matter, so that
 * the first pass does not lay it out. Shaping text is most of the time a
 * report takes. */
static void text_draw(struct pdf *p, double x, double y, double w, int f, PangoAlignment al, struct rgb c,
		      const char *s, double maxh)
{
	if (!p->draw)
		return;
	lay(p, p->lo, f, w, al, s, maxh);
	show(p, p->lo, x, y, c);
}

static void fill_rect(struct pdf *p, double x, double y, double w, double h, struct rgb c)
{
	if (!p->draw)
		return;
	cairo_set_source_rgb(p->cr, c.r, c.g, c.b);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_fill(p->cr);
}

static void hline(struct pdf *p, double x0, double x1, double y, double width, struct rgb c)
{
	if (!p->draw)
		return;
	cairo_set_source_rgb(p->cr, c.r, c.g, c.b);
	cairo_set_line_width(p->cr, width);
	cairo_move_to(p->cr, x0, y);
	cairo_line_to(p->cr, x1, y);
	cairo_stroke(p->cr);
}

/* ---- Pages ---- */

/* The running head of pages after the first: the leader's name on the
 * left, the title on the right. */
static void page_begin(struct pdf *p)
{
	p->y = TOP;
	if (!p->draw || p->page == 1)
		return;
	lay(p, p->furn, F_SMALL, WIDTH * 0.62, PANGO_ALIGN_LEFT, p->r->view.leader.name, 11);
	show(p, p->furn, MARGIN, 26, MUTED);
	lay(p, p->furn, F_SMALL, WIDTH * 0.36, PANGO_ALIGN_RIGHT, tr(p->lang, "Presence profile"), 11);
	show(p, p->furn, MARGIN + WIDTH * 0.64, 26, MUTED);
	hline(p, MARGIN, PAGE_W - MARGIN, 40, 0.5, RULE);
}

/* The foot ("Page N of M", the round) and the end of the page. */
static void page_end(struct pdf *p)
{
	char *s;

	if (!p->draw)
		return;
	hline(p, MARGIN, PAGE_W - MARGIN, PAGE_H - 40, 0.5, RULE);
	s = g_strdup_printf("%s %lld", tr(p->lang, "Round"), (long long)p->r->view.round.id);
	lay(p, p->furn, F_SMALL, WIDTH / 2, PANGO_ALIGN_LEFT, s, 11);
	show(p, p->furn, MARGIN, PAGE_H - 35, MUTED);
	g_free(s);
	s = g_strdup_printf(tr(p->lang, "Page %d of %d"), p->page, p->npage);
	lay(p, p->furn, F_SMALL, WIDTH / 2, PANGO_ALIGN_RIGHT, s, 11);
	show(p, p->furn, MARGIN + WIDTH / 2, PAGE_H - 35, MUTED);
	g_free(s);
	cairo_show_page(p->cr);
}

static void page_next(struct pdf *p)
{
	page_end(p);
	p->page++;
	page_begin(p);
}

/* Start a new page unless h more points fit on this one (or this one is
 * still empty: what is taller than a page starts at its top). */
static void need(struct pdf *p, double h)
{
	if (p->y + h > BOTTOM && p->y > TOP + 0.5)
		page_next(p);
}

/* ---- Flowing text ---- */

/* The text laid out in p->lo, in colour c at x, in the flow: it breaks
 * between lines onto new pages. bar > 0 draws a rule that wide 10 points
 * left of the text (for quotes). Advances p->y. flow() lays out s in font
 * f and width w first. */
static void flow_laid(struct pdf *p, double x, struct rgb c, double bar)
{
	PangoLayoutIter *it = pango_layout_get_iter(p->lo);

	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		PangoRectangle lr;
		double h, base;

		pango_layout_iter_get_line_extents(it, NULL, &lr);
		h = pango_units_to_double(lr.height);
		base = pango_units_to_double(pango_layout_iter_get_baseline(it) - lr.y);
		need(p, h);
		if (bar > 0)
			fill_rect(p, x - 10, p->y, bar, h, RULE);
		if (p->draw) {
			cairo_set_source_rgb(p->cr, c.r, c.g, c.b);
			cairo_move_to(p->cr, x + pango_units_to_double(lr.x), p->y + base);
			pango_cairo_show_layout_line(p->cr, line);
		}
		p->y += h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static void flow(struct pdf *p, double x, double w, int f, struct rgb c, const char *s, double bar)
{
	lay(p, p->lo, f, w, PANGO_ALIGN_LEFT, s, 0);
	flow_laid(p, x, c, bar);
}

/* A paragraph across the full width, then after points of space. */
static void para(struct pdf *p, int f, struct rgb c, const char *s, double after)
{
	flow(p, MARGIN, WIDTH, f, c, s, 0);
	p->y += after;
}

/* A heading: 2 (part) or 3 (sub-part), kept with KEEP points of what
 * follows it. */
static void heading(struct pdf *p, int level, const char *s)
{
	int f = level == 2 ? F_H2 : F_H3;
	double before = level == 2 ? 16 : 9, h = lay(p, p->lo, f, WIDTH, PANGO_ALIGN_LEFT, s, 0);

	need(p, before + h + KEEP);
	if (p->y > TOP + 0.5)
		p->y += before;
	show(p, p->lo, MARGIN, p->y, level == 2 ? ACCENT : INK);
	p->y += h + (level == 2 ? 6 : 3);
}

/* ---- Tables ---- */

/* Lay out a row in the column layouts p->cell (row_draw shows them);
 * returns its height. */
static double row_measure(struct pdf *p, const struct table *t, const char *const *cell, int f)
{
	double h = 0;

	assert(t->ncol <= p->ncell);
	for (int c = 0; c < t->ncol; c++) {
		int fc = c == 0 && t->bold_first && f == F_BODY ? F_BOLD : f;
		double ch = lay(p, p->cell[c], fc, t->col[c].w - 2 * CELL_PAD, t->col[c].al, cell[c] ? cell[c] : "",
				CELL_MAXH);
		if (ch > h)
			h = ch;
	}
	return h + 2 * CELL_PAD;
}

/* The colour of a heat-map cell at t (0..1 of the scale): light to dark. */
static struct rgb heat_colour(double t)
{
	static const struct rgb lo = {0.95, 0.97, 1.0}, hi = {0.03, 0.19, 0.42};

	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return (struct rgb){lo.r + (hi.r - lo.r) * t, lo.g + (hi.g - lo.g) * t, lo.b + (hi.b - lo.b) * t};
}

/* Draw the row just measured (row_measure), of height h, at p->y. shade
 * (may be NULL) gives per cell a heat value 0..1, a negative one for "not
 * shown", or NAN for no fill. */
static void row_draw(struct pdf *p, const struct table *t, double h, const double *shade, struct rgb fg,
		     double rule)
{
	double x = MARGIN;

	for (int c = 0; c < t->ncol; c++) {
		struct rgb ink = fg;
		if (shade != NULL && !isnan(shade[c])) {
			struct rgb bg = shade[c] < 0 ? NONE_BG : heat_colour(shade[c]);
			fill_rect(p, x + 0.5, p->y + 0.5, t->col[c].w - 1, h - 1, bg);
			ink = shade[c] < 0 ? MUTED : 0.2126 * bg.r + 0.7152 * bg.g + 0.0722 * bg.b < 0.45 ? PAPER : INK;
		}
		show(p, p->cell[c], x + CELL_PAD, p->y + CELL_PAD, ink);
		x += t->col[c].w;
	}
	hline(p, MARGIN, x, p->y + h, rule, rule > 0.6 ? MUTED : RULE);
	p->y += h;
}

static void table_head(struct pdf *p, const struct table *t)
{
	double h = row_measure(p, t, t->head, F_SMALL_BOLD);

	row_draw(p, t, h, NULL, MUTED, 0.8);
}

/* Start a table where its header and first row fit. */
static void table_begin(struct pdf *p, const struct table *t, const char *const *first)
{
	need(p, row_measure(p, t, t->head, F_SMALL_BOLD) + row_measure(p, t, first, F_BODY));
	table_head(p, t);
}

/* One row; on a new page when it does not fit, under the header again. */
static void table_row(struct pdf *p, const struct table *t, const char *const *cell, const double *shade)
{
	double h = row_measure(p, t, cell, F_BODY);

	if (p->y + h > BOTTOM && p->y > TOP + 0.5) {
		page_next(p);
		table_head(p, t);
		h = row_measure(p, t, cell, F_BODY);
	}
	row_draw(p, t, h, shade, INK, 0.4);
}

/* ---- Numbers ---- */

/* x in the report's notation into out, or "—" when not shown. */
static const char *num_or_dash(char out[16], int shown, double x, const char *lang, int is_signed)
{
	if (!shown)
		return "—";
	report_num(out, x, lang, is_signed);
	return out;
}

static const char *int_or_dash(char out[16], int shown, int x)
{
	if (!shown)
		return "—";
	snprintf(out, 16, "%d", x);
	return out;
}

static const char *flag_text(const char *lang, int flag)
{
	return flag == STATS_FLAG_BLIND_SPOT ? tr(lang, "blind spot")
	     : flag == STATS_FLAG_HIDDEN_STRENGTH ? tr(lang, "hidden strength") : "";
}

/* ---- Markers ---- */

/* A closed polygon of n points at angles a0 + k*2pi/n, radii alternating
 * r0, r1 (equal for a regular polygon). */
static void polygon(cairo_t *cr, double cx, double cy, int n, double a0, double r0, double r1)
{
	for (int k = 0; k < n; k++) {
		double a = a0 + k * 2 * G_PI / n, rr = k % 2 ? r1 : r0;
		if (k == 0)
			cairo_move_to(cr, cx + rr * cos(a), cy + rr * sin(a));
		else
			cairo_line_to(cr, cx + rr * cos(a), cy + rr * sin(a));
	}
	cairo_close_path(cr);
}

/* A plus of arm s and thickness 0.56 s, turned by angle a. */
static void plus_path(cairo_t *cr, double cx, double cy, double s, double a)
{
	static const double px[12] = {-0.28, 0.28, 0.28, 1, 1, 0.28, 0.28, -0.28, -0.28, -1, -1, -0.28};
	static const double py[12] = {-1, -1, -0.28, -0.28, 0.28, 0.28, 1, 1, 0.28, 0.28, -0.28, -0.28};

	for (int k = 0; k < 12; k++) {
		double x = px[k] * s, y = py[k] * s;
		double rx = x * cos(a) - y * sin(a), ry = x * sin(a) + y * cos(a);
		if (k == 0)
			cairo_move_to(cr, cx + rx, cy + ry);
		else
			cairo_line_to(cr, cx + rx, cy + ry);
	}
	cairo_close_path(cr);
}

/* Draw marker shape at (cx, cy), filled with fill and outlined in ink. */
static void marker(struct pdf *p, int shape, double cx, double cy, struct rgb fill)
{
	cairo_t *cr = p->cr;
	double s = CH_MARK;

	if (!p->draw)
		return;
	cairo_new_path(cr);
	switch (shape) {
	case SH_DIAMOND: polygon(cr, cx, cy, 4, -G_PI / 2, s * 1.3, s * 1.3); break;
	case SH_CIRCLE: cairo_arc(cr, cx, cy, s * 1.05, 0, 2 * G_PI); break;
	case SH_SQUARE: cairo_rectangle(cr, cx - s * 0.9, cy - s * 0.9, s * 1.8, s * 1.8); break;
	case SH_TRI_UP: polygon(cr, cx, cy + s * 0.15, 3, -G_PI / 2, s * 1.3, s * 1.3); break;
	case SH_TRI_DOWN: polygon(cr, cx, cy - s * 0.15, 3, G_PI / 2, s * 1.3, s * 1.3); break;
	case SH_CROSS: plus_path(cr, cx, cy, s * 1.25, G_PI / 4); break;
	case SH_PLUS: plus_path(cr, cx, cy, s * 1.15, 0); break;
	case SH_STAR: polygon(cr, cx, cy + s * 0.1, 10, -G_PI / 2, s * 1.45, s * 0.62); break;
	default: polygon(cr, cx, cy, 6, 0, s * 1.1, s * 1.1); break;
	}
	cairo_set_source_rgb(cr, fill.r, fill.g, fill.b);
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, INK.r, INK.g, INK.b);
	cairo_set_line_width(cr, 0.7);
	cairo_stroke(cr);
}

/* The shape of a shown group: by its place in the design, "overig" (and
 * anything unknown) the hexagon. */
static int group_shape(const struct report *r, const struct stats_group_figure *g)
{
	if (!g->overig)
		for (int k = 0; k < r->design.ngroup; k++)
			if (strcmp(r->design.groups[k].id, g->group) == 0)
				return GROUP_SHAPES[k % NGROUP_SHAPES];
	return SH_HEX;
}

/* One legend entry at (*x, y): marker and label; wraps to a new line
 * (*y down) when it does not fit. */
static void legend_entry(struct pdf *p, double *x, double *y, int shape, struct rgb fill, const char *label)
{
	double w;

	lay(p, p->lo, F_SMALL, WIDTH - 16, PANGO_ALIGN_LEFT, label, 11);
	w = lay_width(p->lo);
	if (*x > MARGIN && *x + 16 + w > MARGIN + WIDTH) {
		*x = MARGIN;
		*y += 14;
	}
	marker(p, shape, *x + 5, *y + 6, fill);
	show(p, p->lo, *x + 14, *y, MUTED);
	*x += 14 + w + 16;
}

/* The first figure among the section's dimensions p->dims[0..nd) of
 * design group k, or of "overig" when k is ngroup; NULL when none is
 * shown. */
static const struct stats_group_figure *section_group(const struct pdf *p, int nd, int k)
{
	const struct report *r = p->r;

	for (int i = 0; i < nd; i++) {
		const struct stats_dim_profile *dp = &r->profile.dims[p->dims[i]];
		for (int g = 0; g < dp->ngroup; g++) {
			const struct stats_group_figure *f = &dp->groups[g];
			if (k == r->design.ngroup ? f->overig : !f->overig && strcmp(f->group, r->design.groups[k].id) == 0)
				return f;
		}
	}
	return NULL;
}

/* The legend of a section's charts: self, all others and the groups
 * shown in any of its dimensions p->dims[0..nd), in design order,
 * "overig" last. Only shown groups are named. */
static void legend(struct pdf *p, int nd)
{
	double x = MARGIN, y = p->y;

	legend_entry(p, &x, &y, SH_DIAMOND, INK, tr(p->lang, "Self"));
	legend_entry(p, &x, &y, SH_CIRCLE, ACCENT, tr(p->lang, "All others"));
	for (int k = 0; k <= p->r->design.ngroup; k++) {
		const struct stats_group_figure *f = section_group(p, nd, k);
		if (f != NULL)
			legend_entry(p, &x, &y, group_shape(p->r, f), GROUP, report_group_label(p->r, p->lang, f->group));
	}
	p->y = y + 18;
}

/* ---- The dimension chart with its figures ---- */

/* Where value v of a 1..points scale lands. */
static double scale_x(double v, int points)
{
	double l = MARGIN + CH_SCALE_L + CH_INSET, r = MARGIN + CH_SCALE_R - CH_INSET;

	return points > 1 ? l + (v - 1.0) / (points - 1) * (r - l) : l;
}

/* The figure columns right of the chart: n, mean, SD, agreement. */
static const struct tcol fig_cols[4] = {
	{28, PANGO_ALIGN_RIGHT}, {58, PANGO_ALIGN_RIGHT}, {36, PANGO_ALIGN_RIGHT}, {79, PANGO_ALIGN_RIGHT}};
#define FIG_X (MARGIN + CH_SCALE_R)

/* The four figures of a row, right-aligned in fig_cols, at y. */
static void fig_cells(struct pdf *p, double y, const char *const *cells, int f, struct rgb c)
{
	double x = FIG_X;

	for (int k = 0; k < 4; k++) {
		if (cells[k] && *cells[k])
			text_draw(p, x, y, fig_cols[k].w - CELL_PAD, f, fig_cols[k].al, c, cells[k], 0);
		x += fig_cols[k].w;
	}
}

/* The header of a chart at y: the figures' names, and the scale's
 * numbers on their last line. Returns its height (the same in both
 * passes: see chart_head_height()). */
static double chart_head(struct pdf *p, int points, double y)
{
	const char *head[4] = {"n", tr(p->lang, "Mean"), tr(p->lang, "SD"), tr(p->lang, "Agreement (rwg)")};
	double x = FIG_X, h = p->chart_head_h;

	if (!p->draw)
		return h;
	for (int k = 0; k < 4; k++) {
		double hk = lay(p, p->lo, F_SMALL_BOLD, fig_cols[k].w - CELL_PAD, PANGO_ALIGN_RIGHT, head[k], 0);
		show(p, p->lo, x, y + h - 2 - hk, MUTED);
		x += fig_cols[k].w;
	}
	for (int k = 1; k <= points; k++) {
		char tick[16];
		snprintf(tick, sizeof tick, "%d", k);
		text_draw(p, scale_x(k, points) - 10, y + h - 2 - p->line_h[F_SMALL_BOLD], 20, F_SMALL_BOLD,
			  PANGO_ALIGN_CENTER, MUTED, tick, 0);
	}
	return h;
}

/* The height of the charts' header in this language: its tallest name. */
static double chart_head_height(struct pdf *p)
{
	const char *head[4] = {"n", tr(p->lang, "Mean"), tr(p->lang, "SD"), tr(p->lang, "Agreement (rwg)")};
	double h = 0;

	for (int k = 0; k < 4; k++) {
		double hk = lay(p, p->lo, F_SMALL_BOLD, fig_cols[k].w - CELL_PAD, PANGO_ALIGN_RIGHT, head[k], 0);
		h = hk > h ? hk : h;
	}
	return h + 2;
}

/* One row of a chart at y: label, the guide, a marker at v (or, when
 * the figure is absent, why), and the figures. */
static void chart_row(struct pdf *p, double y, const char *label, int shape, struct rgb fill, int points,
		      int shown, double v, const char *why, const char *const *cells)
{
	if (!p->draw)
		return;   /* a row is CH_ROW high */
	text_draw(p, MARGIN, y + 1.5, CH_LABEL_W, F_BODY, PANGO_ALIGN_LEFT, INK, label, 12);
	hline(p, scale_x(1, points), scale_x(points, points), y + CH_ROW / 2, 0.6, RULE);
	if (shown) {
		marker(p, shape, scale_x(v, points), y + CH_ROW / 2, fill);
	} else {
		lay(p, p->lo, F_SMALL, CH_SCALE_R - CH_SCALE_L, PANGO_ALIGN_LEFT, why, 11);
		fill_rect(p, MARGIN + CH_SCALE_L + 4, y + 2, lay_width(p->lo) + 6, CH_ROW - 4, PAPER);
		show(p, p->lo, MARGIN + CH_SCALE_L + 7, y + 2.5, MUTED);
	}
	fig_cells(p, y + 1.5, cells, F_BODY, INK);
}

/* The figures of a figure row: n, mean, SD, agreement. */
static void figure_cells(char buf[4][16], const char *cells[4], const struct stats_figure *f, int shown,
			 const char *lang)
{
	cells[0] = int_or_dash(buf[0], shown, f->n);
	cells[1] = num_or_dash(buf[1], shown, f->mean, lang, 0);
	cells[2] = num_or_dash(buf[2], shown && f->has_sd, f->sd, lang, 0);
	cells[3] = num_or_dash(buf[3], shown && f->has_rwg, f->rwg, lang, 0);
}

/* The vertical lines of the scale over the rows of a chart. */
static void chart_grid(struct pdf *p, int points, double y0, double y1)
{
	if (!p->draw)
		return;
	cairo_set_source_rgb(p->cr, GRID.r, GRID.g, GRID.b);
	cairo_set_line_width(p->cr, 0.5);
	for (int k = 1; k <= points; k++) {
		cairo_move_to(p->cr, scale_x(k, points), y0);
		cairo_line_to(p->cr, scale_x(k, points), y1);
	}
	cairo_stroke(p->cr);
}

/* The line under a chart: the difference and its signal, and a note when
 * a figure is left out. */
static void chart_foot(struct pdf *p, const struct stats_dim_profile *dp, int dash)
{
	char num[16], *s;

	s = g_strdup_printf("%s: %s%s%s", tr(p->lang, "Difference (self – others)"),
			    num_or_dash(num, dp->has_gap, dp->gap, p->lang, 1), dp->flag ? " · " : "",
			    flag_text(p->lang, dp->flag));
	text_draw(p, MARGIN, p->y, WIDTH, dp->flag ? F_BOLD : F_BODY, PANGO_ALIGN_LEFT, INK, s, 12);
	p->y += p->line_h[F_BODY] + 1;
	g_free(s);
	if (dash) {
		text_draw(p, MARGIN, p->y, WIDTH, F_SMALL, PANGO_ALIGN_LEFT, MUTED,
			  tr(p->lang, "A dash: too few raters for this figure."), 11);
		p->y += p->line_h[F_SMALL] + 1;
	}
}

/* The chart and figures of dimension d, as one block. */
static void dim_block(struct pdf *p, int d)
{
	const struct report *r = p->r;
	const struct stats_dim_profile *dp = &r->profile.dims[d];
	int points = report_dim_points(r, d), dash = 0;
	char buf[4][16], *few = g_strdup_printf(tr(p->lang, "fewer than %d raters"), r->profile.threshold);
	const char *cells[4];
	double y0;

	p->y += text_at(p, MARGIN, p->y, WIDTH, F_H3, PANGO_ALIGN_LEFT, INK, report_dim_label(r, p->lang, d)) + 2;
	p->y += chart_head(p, points, p->y);
	y0 = p->y;
	chart_grid(p, points, y0, y0 + CH_ROW * (2 + dp->ngroup));
	cells[0] = "";
	cells[1] = num_or_dash(buf[1], dp->has_self, dp->self, p->lang, 0);
	cells[2] = cells[3] = "";
	chart_row(p, p->y, tr(p->lang, "Self"), SH_DIAMOND, INK, points, dp->has_self, dp->self,
		  tr(p->lang, "too few items answered"), cells);
	p->y += CH_ROW;
	figure_cells(buf, cells, &dp->others, dp->has_others, p->lang);
	dash |= dp->has_others && (!dp->others.has_sd || !dp->others.has_rwg);
	chart_row(p, p->y, tr(p->lang, "All others"), SH_CIRCLE, ACCENT, points, dp->has_others, dp->others.mean,
		  few, cells);
	p->y += CH_ROW;
	for (int g = 0; g < dp->ngroup; g++) {
		const struct stats_figure *f = &dp->groups[g].f;
		figure_cells(buf, cells, f, 1, p->lang);
		dash |= !f->has_sd || !f->has_rwg;
		chart_row(p, p->y, report_group_label(r, p->lang, dp->groups[g].group), group_shape(r, &dp->groups[g]),
			  GROUP, points, 1, f->mean, "", cells);
		p->y += CH_ROW;
	}
	hline(p, MARGIN, MARGIN + WIDTH, p->y + 1, 0.4, RULE);
	p->y += 4;
	chart_foot(p, dp, dash);
	g_free(few);
}

/* The height block(p, arg) takes, found by running it without drawing.
 * A block never breaks a page. */
static double measure(struct pdf *p, void (*block)(struct pdf *, int), int arg)
{
	int draw = p->draw;
	double y = p->y, h;

	p->draw = 0;
	block(p, arg);
	h = p->y - y;
	p->y = y;
	p->draw = draw;
	return h;
}

/* Run block(p, arg) where it fits whole: on this page or the next. */
static void keep_together(struct pdf *p, void (*block)(struct pdf *, int), int arg)
{
	need(p, measure(p, block, arg));
	block(p, arg);
}

/* ---- The parts of the report, in the order of report.h ---- */

/* 1. Who and when. */
static void part_header(struct pdf *p)
{
	const struct report *r = p->r;
	const struct instrument *ins = r->view.ins;
	const char *org = r->view.leader.organisation;
	char *s;

	p->y += text_at(p, MARGIN, p->y, WIDTH, F_H1, PANGO_ALIGN_LEFT, ACCENT, tr(p->lang, "Presence profile")) + 6;
	flow(p, MARGIN, WIDTH, F_LEAD, INK, r->view.leader.name, 0);
	if (org && *org)
		flow(p, MARGIN, WIDTH, F_BODY, MUTED, org, 0);
	p->y += 8;
	s = g_strdup_printf("%s %lld", tr(p->lang, "Round"), (long long)r->view.round.id);
	para(p, F_BODY, INK, s, 1);
	g_free(s);
	if (r->view.round.opens_on) {
		char from[DATE_WORDS_LEN], to[DATE_WORDS_LEN];
		s = g_strdup_printf("%s: %s%s%s", tr(p->lang, "Period"), date_words(from, p->lang, r->view.round.opens_on),
				    r->view.round.closes_on ? " – " : "",
				    r->view.round.closes_on ? date_words(to, p->lang, r->view.round.closes_on) : "");
		para(p, F_BODY, INK, s, 1);
		g_free(s);
	}
	s = g_strdup_printf("%s: %s (%s)", tr(p->lang, "Questionnaire"), itext_get(ins, &ins->title, p->lang),
			    ins->version);
	para(p, F_BODY, INK, s, 1);
	g_free(s);
	s = g_strdup_printf("%s: %d", tr(p->lang, "Raters who answered"), r->nresponse);
	para(p, F_BODY, INK, s, 6);
	g_free(s);
	hline(p, MARGIN, MARGIN + WIDTH, p->y, 0.8, ACCENT);
	p->y += 4;
}

/* A list entry: mark (a number or a bullet), text, and a value on the
 * right (may be ""), kept on one page. */
static void list_entry(struct pdf *p, const char *mark, const char *text, const char *value)
{
	double h = lay(p, p->lo, F_BODY, WIDTH - 18 - 56, PANGO_ALIGN_LEFT, text, 0);

	need(p, h);
	show(p, p->lo, MARGIN + 18, p->y, INK);
	text_draw(p, MARGIN, p->y, 16, F_BODY, PANGO_ALIGN_LEFT, MUTED, mark, 0);
	if (*value)
		text_draw(p, MARGIN + WIDTH - 52, p->y, 52, F_BOLD, PANGO_ALIGN_RIGHT, INK, value, 0);
	p->y += h + 3;
}

/* The blind spots (kind 0) or the hidden strengths (kind 1). */
static void summary_flags(struct pdf *p, int kind)
{
	const struct report *r = p->r;
	int flag = kind == 0 ? STATS_FLAG_BLIND_SPOT : STATS_FLAG_HIDDEN_STRENGTH, any = 0;

	heading(p, 3, kind == 0 ? tr(p->lang, "Blind spots") : tr(p->lang, "Hidden strengths"));
	para(p, F_SMALL, MUTED,
	     kind == 0 ? tr(p->lang, "Where you see more of a behaviour than the people around you do "
				     "(self at least 0.5 above the others).")
		       : tr(p->lang, "Where the people around you see more of a behaviour than you do "
				     "(self at least 0.5 below the others)."), 3);
	for (int d = 0; d < r->design.ndim; d++) {
		char self[16], oth[16], *s;
		if (r->profile.dims[d].flag != flag)
			continue;
		report_num(self, r->profile.dims[d].self, p->lang, 0);
		report_num(oth, r->profile.dims[d].others.mean, p->lang, 0);
		s = g_strdup_printf("%s: %s %s, %s %s", report_dim_label(r, p->lang, d), tr(p->lang, "self"), self,
				    tr(p->lang, "others"), oth);
		list_entry(p, "•", s, "");
		g_free(s);
		any = 1;
	}
	if (!any)
		para(p, F_BODY, INK, tr(p->lang, "None."), 2);
}

/* 2. The summary. */
static void part_summary(struct pdf *p)
{
	const struct stats_profile *pr = &p->r->profile;

	heading(p, 2, tr(p->lang, "Summary"));
	heading(p, 3, tr(p->lang, "Most recognised behaviour"));
	if (pr->nhighest == 0)
		para(p, F_BODY, INK, tr(p->lang, "Too few raters to show items."), 2);
	for (int k = 0; k < pr->nhighest; k++) {
		char mark[16], num[16];
		snprintf(mark, sizeof mark, "%d.", k + 1);
		report_num(num, pr->items[pr->highest[k]].mean, p->lang, 0);
		list_entry(p, mark, report_item_text(p->r, p->lang, pr->highest[k]), num);
	}
	summary_flags(p, 0);
	summary_flags(p, 1);
}

/* 3. One core question: its dimensions' charts with their figures. The
 * heading, the question, the legend and the first chart stay together. */
static void part_section(struct pdf *p, int s)
{
	const struct instrument *ins = p->r->view.ins;
	const char *title = itext_get(ins, &ins->sections[s].title, p->lang);
	const char *question = ins->sections[s].question.s[0] ? itext_get(ins, &ins->sections[s].question, p->lang) : NULL;
	int nd = report_section_dims(p->r, s, p->dims);
	double h = 16 + lay(p, p->lo, F_H2, WIDTH, PANGO_ALIGN_LEFT, title, 0) + 6;

	if (question)
		h += lay(p, p->lo, F_BODY, WIDTH, PANGO_ALIGN_LEFT, question, 0) + 6;
	if (nd > 0)
		h += measure(p, legend, nd) + measure(p, dim_block, p->dims[0]);
	need(p, h);
	heading(p, 2, title);
	if (question)
		para(p, F_BODY, MUTED, question, 6);
	if (nd == 0)
		return;
	legend(p, nd);
	for (int k = 0; k < nd; k++) {
		keep_together(p, dim_block, p->dims[k]);
		p->y += 10;
	}
}

/* The cell of the roles x arenas table for role dimension d (-1: the
 * arena totals) and arena ar (-1: the role total), or NULL. */
static const struct stats_cell *find_cell(const struct stats_profile *pr, int d, int ar)
{
	const struct stats_cell *c = d < 0 ? pr->arenas : ar < 0 ? pr->roles : pr->cells;
	int n = d < 0 ? pr->narena : ar < 0 ? pr->nrole : pr->ncell;

	for (int k = 0; k < n; k++)
		if ((d < 0 || c[k].dim == d) && (ar < 0 || c[k].arena == ar))
			return &c[k];
	return NULL;
}

/* One row of the heat map: label, a cell per arena, the total. */
static void heat_row(struct pdf *p, const struct table *t, const char *label, int d, int points, char (*num)[16],
		     const char **cells, double *shade)
{
	const struct instrument *ins = p->r->view.ins;

	cells[0] = label;
	shade[0] = NAN;
	for (int c = 0; c <= ins->narena; c++) {
		const struct stats_cell *x = c < ins->narena ? find_cell(&p->r->profile, d, c)
							     : d >= 0 ? find_cell(&p->r->profile, d, -1) : NULL;
		int shown = x != NULL && x->shown;
		cells[c + 1] = d < 0 && c == ins->narena ? "" : num_or_dash(num[c], shown, shown ? x->mean : 0, p->lang, 0);
		shade[c + 1] = d < 0 && c == ins->narena ? NAN
			     : shown ? (x->mean - 1.0) / (points > 1 ? points - 1 : 1) : -1.0;
	}
	table_row(p, t, cells, shade);
}

/* 4. Roles x arenas (only when the instrument has role items in arenas). */
static void part_roles_arenas(struct pdf *p)
{
	const struct stats_profile *pr = &p->r->profile;
	const struct instrument *ins = p->r->view.ins;
	int ncol = ins->narena + 2, points = 5;   /* the arena totals take the last role's scale */
	struct tcol *col = calloc((size_t)ncol, sizeof *col);
	const char **head = calloc((size_t)ncol, sizeof *head), **cells = calloc((size_t)ncol, sizeof *cells);
	double *shade = calloc((size_t)ncol, sizeof *shade);
	char (*num)[16] = calloc((size_t)ncol, sizeof *num);
	struct table t = {col, ncol, head, 1};

	if (pr->ncell == 0 || pr->nrole == 0 || ins->narena == 0 || !col || !head || !cells || !shade || !num) {
		p->nomem |= !col || !head || !cells || !shade || !num;
		goto out;
	}
	col[0] = (struct tcol){120, PANGO_ALIGN_LEFT};
	head[0] = "";
	for (int c = 1; c < ncol; c++) {
		col[c] = (struct tcol){(WIDTH - 120) / (ncol - 1), PANGO_ALIGN_CENTER};
		head[c] = c <= ins->narena ? itext_get(ins, &ins->arenas[c - 1].label, p->lang) : tr(p->lang, "Role total");
	}
	heading(p, 2, tr(p->lang, "Roles and arenas"));
	para(p, F_BODY, MUTED, tr(p->lang, "The others' mean per role and arena; darker is more often. A dash: too few raters."), 6);
	table_begin(p, &t, head);   /* the header is about as tall as a row */
	for (int k = 0; k < pr->nrole; k++) {
		points = report_dim_points(p->r, pr->roles[k].dim);
		heat_row(p, &t, report_dim_label(p->r, p->lang, pr->roles[k].dim), pr->roles[k].dim, points, num, cells, shade);
	}
	heat_row(p, &t, tr(p->lang, "Arena total"), -1, points, num, cells, shade);
out:
	free(col);
	free(head);
	free(cells);
	free(shade);
	free(num);
}

/* 5. The items of every section: self, others' mean (n), difference;
 * under a section whose items are hidden for some dimension (a few
 * raters answered only part of it), why. */
static void part_items(struct pdf *p)
{
	const struct report *r = p->r;
	const struct instrument *ins = r->view.ins;
	static const struct tcol col[5] = {{262, PANGO_ALIGN_LEFT}, {44, PANGO_ALIGN_RIGHT}, {70, PANGO_ALIGN_RIGHT},
					   {40, PANGO_ALIGN_RIGHT}, {79, PANGO_ALIGN_RIGHT}};
	const char *head[5] = {tr(p->lang, "Item"), tr(p->lang, "Self"), tr(p->lang, "All others"), "n",
			       tr(p->lang, "Difference")};
	struct table t = {col, 5, head, 0};

	heading(p, 2, tr(p->lang, "The items"));
	para(p, F_SMALL, MUTED, tr(p->lang, "A dash: too few raters for this figure."), 2);
	for (int s = 0; s < ins->nsection; s++) {
		const struct instr_section *sec = &ins->sections[s];
		if (sec->nitem == 0)
			continue;
		int hidden = 0;
		heading(p, 3, itext_get(ins, &sec->title, p->lang));
		for (int i = sec->item0; i < sec->item0 + sec->nitem; i++) {
			const struct stats_item_profile *ip = &r->profile.items[i];
			char b[4][16];
			hidden |= r->profile.dims[ins->items[i].dimension].items_hidden;
			const char *cells[5] = {report_item_text(r, p->lang, i), int_or_dash(b[0], ip->self > 0, ip->self),
						num_or_dash(b[1], ip->has_others, ip->mean, p->lang, 0),
						int_or_dash(b[2], ip->has_others, ip->n),
						num_or_dash(b[3], ip->has_gap, ip->gap, p->lang, 1)};
			if (i == sec->item0)
				table_begin(p, &t, cells);
			table_row(p, &t, cells, NULL);
		}
		if (hidden)   /* the same words as the HTML report */
			para(p, F_SMALL, MUTED,
			     tr(p->lang, "A dash: too few raters, or a few raters skipped some questions of this "
					 "dimension, and the figures together would give their answers away."), 2);
	}
}

/* One open answer: the text beside a rule, its group under it. */
static void quote(struct pdf *p, const struct report_text *t)
{
	double h = lay(p, p->lo, F_BODY, WIDTH - 14, PANGO_ALIGN_LEFT, t->text, 0);
	char *label = g_strdup_printf("— %s", report_group_label(p->r, p->lang, t->group));

	need(p, (h < 40 ? h : 40) + 1 + p->line_h[F_SMALL]);
	flow_laid(p, MARGIN + 14, INK, 2.0);
	p->y += 1;
	need(p, p->line_h[F_SMALL]);
	text_draw(p, MARGIN + 14, p->y, WIDTH - 14, F_SMALL, PANGO_ALIGN_LEFT, MUTED, label, 11);
	p->y += p->line_h[F_SMALL] + 7;
	g_free(label);
}

/* The answers to open questions of one audience, per question in
 * instrument order, each in the order r->texts gives (random). */
static int texts_of_audience(struct pdf *p, int audience)
{
	const struct instrument *ins = p->r->view.ins;
	int any = 0;

	for (int q = 0; q < ins->nopen; q++) {
		int first = 1;
		if (ins->opens[q].audience != audience)
			continue;
		for (size_t k = 0; k < p->r->ntext; k++) {
			if (strcmp(p->r->texts[k].question_id, ins->opens[q].id) != 0)
				continue;
			if (first)
				heading(p, 3, report_open_text(p->r, p->lang, ins->opens[q].id, NULL));
			first = 0;
			any = 1;
			quote(p, &p->r->texts[k]);
		}
	}
	return any;
}

/* 6. What raters wrote: the leader's own texts first. */
static void part_texts(struct pdf *p)
{
	int any;

	heading(p, 2, tr(p->lang, "In their own words"));
	para(p, F_SMALL, MUTED,
	     tr(p->lang, "Answers of small groups appear under \"others\", and never in the order they came in."), 4);
	any = texts_of_audience(p, AUD_SELF);
	any |= texts_of_audience(p, AUD_RATER);
	if (!any)
		para(p, F_BODY, INK, tr(p->lang, "None."), 2);
}

/* 7. The change since the previous round. */
static void part_trend(struct pdf *p)
{
	const struct report *r = p->r;
	static const struct tcol col[3] = {{215, PANGO_ALIGN_LEFT}, {140, PANGO_ALIGN_RIGHT}, {140, PANGO_ALIGN_RIGHT}};
	const char *head[3] = {tr(p->lang, "Dimension"), tr(p->lang, "Self"), tr(p->lang, "All others")};
	struct table t = {col, 3, head, 1};
	char *s;

	if (r->profile.trend == NULL)
		return;
	heading(p, 2, tr(p->lang, "Since the previous round"));
	s = g_strdup_printf("%s %s", tr(p->lang, "Change since round"), r->previous_round ? r->previous_round : "");
	para(p, F_BODY, MUTED, s, 4);
	g_free(s);
	for (int d = 0; d < r->design.ndim; d++) {
		char b[2][16];
		const struct stats_trend *td = &r->profile.trend[d];
		const char *cells[3] = {report_dim_label(r, p->lang, d), num_or_dash(b[0], td->has_self, td->self, p->lang, 1),
					num_or_dash(b[1], td->has_others, td->others, p->lang, 1)};
		if (d == 0)
			table_begin(p, &t, cells);
		table_row(p, &t, cells, NULL);
	}
}

/* 8. How to read this. */
static void part_reading(struct pdf *p)
{
	heading(p, 2, tr(p->lang, "How to read this"));
	para(p, F_BODY, INK,
	     tr(p->lang, "Each score is the mean of answers on the scale of the question (1 is never or strongly "
			 "disagree, 5 is always or strongly agree). \"Cannot judge\" counts for nothing."), 5);
	para(p, F_BODY, INK,
	     tr(p->lang, "In the charts a diamond marks your own score, a circle the mean of all others, and each "
			 "other shape one group, as the legend above the charts shows. Beside each chart are the same "
			 "figures as numbers."), 5);
	para(p, F_BODY, INK,
	     tr(p->lang, "The difference is your own score minus that of all others. At half a point or more it "
			 "is a blind spot (you see more than they do) or a hidden strength (they see more than you do)."), 5);
	para(p, F_BODY, INK,
	     tr(p->lang, "Groups with fewer raters than their threshold are never shown on their own; their answers "
			 "count under \"others\". Agreement (rwg) runs from 0 (raters disagree as much as chance) to 1 "
			 "(they agree fully)."), 5);
	para(p, F_BODY, INK,
	     tr(p->lang, "A dash (—) means that a figure is not shown: too few raters gave it, or too few items "
			 "were answered."), 5);
}

/* One pass over the whole document. */
static void render(struct pdf *p)
{
	const struct instrument *ins = p->r->view.ins;

	p->page = 1;
	page_begin(p);
	part_header(p);
	part_summary(p);
	for (int s = 0; s < ins->nsection; s++)
		part_section(p, s);
	part_roles_arenas(p);
	part_items(p);
	part_texts(p);
	part_trend(p);
	part_reading(p);
	page_end(p);
}

/* ---- Set-up and the entry point ---- */

/* Sanitizer builds: LeakSanitizer would fail every run that drew a PDF,
 * for memory that fontconfig keeps for the life of the process: its
 * parsed configuration (a few hundred bytes it never frees, fontconfig
 * 2.14 FcInitLoadConfigAndFonts) and the font patterns that the
 * thread's pango font map caches, which fontconfig links by encoded
 * offsets that LeakSanitizer does not follow. Only allocations made
 * inside libfontconfig are suppressed; a leak of our own pango, cairo or
 * glib objects still shows. */
#if defined(__SANITIZE_ADDRESS__)
#define AZ_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define AZ_LSAN 1
#endif
#endif
#ifdef AZ_LSAN
const char *__lsan_default_suppressions(void);
__attribute__((used)) const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
#endif

/* cairo's output goes straight into the caller's buffer. */
static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	struct buf *b = closure;

	buf_append(b, (const char *)data, len);
	return b->failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* Turn a cairo status into ours. */
static int cairo_fail(cairo_status_t st, const struct buf *out, struct err *e)
{
	if (st == CAIRO_STATUS_SUCCESS)
		return AZ_OK;
	if (st == CAIRO_STATUS_NO_MEMORY || out->failed)
		return err_set(e, AZ_ENOMEM, "out of memory while drawing the PDF report");
	return err_set(e, AZ_EIO, "the PDF report could not be drawn: %s", cairo_status_to_string(st));
}

/* The pango context (72 dpi, so that font sizes are points), the
 * layouts, the fonts and the heights that do not change. Returns 0, or -1
 * when out of memory. */
static int pdf_setup(struct pdf *p)
{
	int ncell = p->r->view.ins->narena + 2;

	p->ctx = pango_cairo_create_context(p->cr);   /* on this thread's font map */
	pango_cairo_context_set_resolution(p->ctx, 72.0);
	p->lo = pango_layout_new(p->ctx);
	p->furn = pango_layout_new(p->ctx);
	pango_layout_set_wrap(p->lo, PANGO_WRAP_WORD_CHAR);
	p->ncell = ncell > 5 ? ncell : 5;   /* the items' table has 5 columns */
	p->dims = calloc((size_t)p->r->view.ins->ndimension + 1, sizeof *p->dims);
	if ((p->cell = calloc((size_t)p->ncell, sizeof *p->cell)) == NULL || p->dims == NULL)
		return -1;
	for (int c = 0; c < p->ncell; c++) {
		p->cell[c] = pango_layout_new(p->ctx);
		pango_layout_set_wrap(p->cell[c], PANGO_WRAP_WORD_CHAR);
	}
	for (int f = 0; f < NFONT; f++) {
		p->font[f] = pango_font_description_new();
		pango_font_description_set_family(p->font[f], FONT_FAMILY);
		pango_font_description_set_size(p->font[f], (int)(font_spec[f].size * PANGO_SCALE));
		pango_font_description_set_weight(p->font[f], font_spec[f].bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	}
	for (int f = 0; f < NFONT; f++)
		p->line_h[f] = lay(p, p->lo, f, 0, PANGO_ALIGN_LEFT, "Ag", 0);
	p->chart_head_h = chart_head_height(p);
	return 0;
}

static void pdf_cleanup(struct pdf *p)
{
	for (int c = 0; p->cell != NULL && c < p->ncell; c++)
		if (p->cell[c])
			g_object_unref(p->cell[c]);
	free(p->cell);
	free(p->dims);
	for (int f = 0; f < NFONT; f++)
		if (p->font[f])
			pango_font_description_free(p->font[f]);
	if (p->furn)
		g_object_unref(p->furn);
	if (p->lo)
		g_object_unref(p->lo);
	if (p->ctx)
		g_object_unref(p->ctx);
	if (p->cr)
		cairo_destroy(p->cr);
}

int report_pdf(const struct report *r, const char *lang, struct buf *out, struct err *e)
{
	struct pdf p = {0};
	cairo_surface_t *sf;
	size_t len0 = out->len;
	char *title;
	int rc;

	sf = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	if ((rc = cairo_fail(cairo_surface_status(sf), out, e)) != AZ_OK)
		goto out;
	title = g_strdup_printf("%s — %s", tr(lang, "Presence profile"), r->view.leader.name);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "aanwezig");
	g_free(title);
	p.cr = cairo_create(sf);
	if ((rc = cairo_fail(cairo_status(p.cr), out, e)) != AZ_OK)
		goto out;
	p.r = r;
	p.lang = lang;
	if (pdf_setup(&p) != 0) {
		rc = err_set(e, AZ_ENOMEM, "out of memory while drawing the PDF report");
		goto out;
	}
	render(&p);          /* pass 1: count the pages */
	p.npage = p.page;
	p.draw = 1;
	render(&p);          /* pass 2: draw */
	if (p.nomem) {
		rc = err_set(e, AZ_ENOMEM, "out of memory while drawing the PDF report");
		goto out;
	}
	if ((rc = cairo_fail(cairo_status(p.cr), out, e)) != AZ_OK)
		goto out;
	cairo_surface_finish(sf);
	rc = cairo_fail(cairo_surface_status(sf), out, e);
out:
	pdf_cleanup(&p);
	cairo_surface_destroy(sf);
	if (rc != AZ_OK && !out->failed && out->data != NULL) {
		out->len = len0;   /* no half a PDF */
		out->data[len0] = '\0';
	}
	return rc;
}
