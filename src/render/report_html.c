/* report_html.c — the presence profile as one printable HTML page, with
 * SVG charts drawn by the escaping printf. Content and order: report.h. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"
#include "html.h"

#define SVG_W 640
#define SVG_LABEL 230     /* room for the row labels */
#define SVG_RIGHT 600     /* the scale ends here; values to the right */
#define SVG_ROW 26

/* Where value x (1..points) lands on the chart's scale. */
static double svg_x(double x, int points)
{
	return SVG_LABEL + (x - 1.0) / (double)(points - 1) * (SVG_RIGHT - SVG_LABEL);
}

/* One row of a dimension chart: label, marker of shape kind, value. */
static void svg_row(struct buf *b, int row, const char *label, const char *shape, double x, int points,
		    const char *lang, int n)
{
	double cx = svg_x(x, points), cy = 34 + row * SVG_ROW;
	char num[16];

	report_num(num, x, lang, 0);
	html_printf(b, "<text x=\"4\" y=\"%d\" class=\"az-chart__label\">%h</text>\n", (int)cy + 4, label);
	html_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"az-chart__guide\"/>\n",
		    SVG_LABEL, (int)cy, SVG_RIGHT, (int)cy);
	if (strcmp(shape, "diamond") == 0)
		html_printf(b, "<path d=\"M%d %dl7 7l-7 7l-7-7z\" class=\"az-chart__self\"/>\n", (int)cx, (int)cy - 7);
	else if (strcmp(shape, "circle") == 0)
		html_printf(b, "<circle cx=\"%d\" cy=\"%d\" r=\"7\" class=\"az-chart__others\"/>\n", (int)cx, (int)cy);
	else
		html_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"11\" height=\"11\" class=\"az-chart__group\"/>\n",
			    (int)cx - 5, (int)cy - 5);
	if (n > 0)
		html_printf(b, "<text x=\"%d\" y=\"%d\" class=\"az-chart__value\">%h (n=%d)</text>\n",
			    SVG_RIGHT + 8, (int)cy + 4, num, n);
	else
		html_printf(b, "<text x=\"%d\" y=\"%d\" class=\"az-chart__value\">%h</text>\n",
			    SVG_RIGHT + 8, (int)cy + 4, num);
}

/* The chart of one dimension: self, all others and each shown group. */
static void svg_dimension(struct buf *b, const struct report *r, const char *lang, int d)
{
	const struct stats_dim_profile *dp = &r->profile.dims[d];
	int points = report_dim_points(r, d), rows = dp->has_self + dp->has_others + dp->ngroup, row = 0;
	int h = 34 + rows * SVG_ROW + 10;
	const char *label = report_dim_label(r, lang, d);

	if (rows == 0)
		return;
	html_printf(b, "<figure class=\"az-chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		    "role=\"img\" aria-labelledby=\"chart-%a\">\n<title id=\"chart-%a\">%h: %h</title>\n",
		    SVG_W + 60, h, r->design.dims[d].id, r->design.dims[d].id, label,
		    tr(lang, "self and others on the scale; the table below gives the same figures"));
	for (int k = 1; k <= points; k++)
		html_printf(b, "<text x=\"%d\" y=\"14\" class=\"az-chart__tick\">%d</text>"
			    "<line x1=\"%d\" y1=\"20\" x2=\"%d\" y2=\"%d\" class=\"az-chart__grid\"/>\n",
			    (int)svg_x(k, points) - 4, k, (int)svg_x(k, points), (int)svg_x(k, points), h - 8);
	if (dp->has_self)
		svg_row(b, row++, tr(lang, "Self"), "diamond", dp->self, points, lang, 0);
	if (dp->has_others)
		svg_row(b, row++, tr(lang, "All others"), "circle", dp->others.mean, points, lang, dp->others.n);
	for (int g = 0; g < dp->ngroup; g++)
		svg_row(b, row++, report_group_label(r, lang, dp->groups[g].group), "square",
			dp->groups[g].f.mean, points, lang, dp->groups[g].f.n);
	html_printf(b, "</svg>\n<figcaption>%h</figcaption>\n</figure>\n", label);
}

static void cell_num(struct buf *b, int shown, double x, const char *lang, int is_signed)
{
	char num[16];

	if (!shown) {
		html_printf(b, "<td class=\"az-num\">—</td>");
		return;
	}
	report_num(num, x, lang, is_signed);
	html_printf(b, "<td class=\"az-num\">%h</td>", num);
}

/* One row of the figures table. */
static void figure_row(struct buf *b, const char *lang, const char *source, const struct stats_figure *f)
{
	html_printf(b, "<tr><th scope=\"row\">%h</th><td class=\"az-num\">%d</td>", source, f->n);
	cell_num(b, 1, f->mean, lang, 0);
	cell_num(b, f->has_sd, f->sd, lang, 0);
	cell_num(b, f->has_rwg, f->rwg, lang, 0);
	html_printf(b, "</tr>\n");
}

static const char *flag_text(const char *lang, int flag)
{
	return flag == STATS_FLAG_BLIND_SPOT ? tr(lang, "blind spot")
	     : flag == STATS_FLAG_HIDDEN_STRENGTH ? tr(lang, "hidden strength") : "";
}

static void section_dims(struct buf *b, const struct report *r, const char *lang, const int *dims, int nd)
{
	/* The charts, then the same figures as tables. */
	for (int k = 0; k < nd; k++)
		svg_dimension(b, r, lang, dims[k]);
	html_printf(b, "<table class=\"az-table\">\n<caption>%h</caption>\n<thead><tr><th scope=\"col\">%h</th>"
		    "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th></tr></thead>\n<tbody>\n",
		    tr(lang, "Self and others per dimension"), tr(lang, "Dimension"), tr(lang, "Self"),
		    tr(lang, "All others"), tr(lang, "Difference"), tr(lang, "Signal"));
	for (int k = 0; k < nd; k++) {
		const struct stats_dim_profile *dp = &r->profile.dims[dims[k]];
		html_printf(b, "<tr><th scope=\"row\">%h</th>", report_dim_label(r, lang, dims[k]));
		cell_num(b, dp->has_self, dp->self, lang, 0);
		cell_num(b, dp->has_others, dp->others.mean, lang, 0);
		cell_num(b, dp->has_gap, dp->gap, lang, 1);
		html_printf(b, "<td>%h</td></tr>\n", flag_text(lang, dp->flag));
	}
	html_printf(b, "</tbody>\n</table>\n");
	for (int k = 0; k < nd; k++) {
		const struct stats_dim_profile *dp = &r->profile.dims[dims[k]];
		if (!dp->has_others)
			continue;
		html_printf(b, "<table class=\"az-table az-table--small\">\n<caption>%h: %h</caption>\n<thead><tr>"
			    "<th scope=\"col\">%h</th><th scope=\"col\">n</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
			    "<th scope=\"col\">%h</th></tr></thead>\n<tbody>\n",
			    report_dim_label(r, lang, dims[k]), tr(lang, "per group"), tr(lang, "Raters"),
			    tr(lang, "Mean"), tr(lang, "SD"), tr(lang, "Agreement (rwg)"));
		figure_row(b, lang, tr(lang, "All others"), &dp->others);
		for (int g = 0; g < dp->ngroup; g++)
			figure_row(b, lang, report_group_label(r, lang, dp->groups[g].group), &dp->groups[g].f);
		html_printf(b, "</tbody>\n</table>\n");
	}
}

static void section_items(struct buf *b, const struct report *r, const char *lang, int s)
{
	const struct instr_section *sec = &r->view.ins->sections[s];
	int hidden = 0;

	if (sec->nitem == 0)
		return;
	html_printf(b, "<table class=\"az-table\">\n<caption>%h</caption>\n<thead><tr><th scope=\"col\">%h</th>"
		    "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">n</th><th scope=\"col\">%h</th></tr></thead>\n<tbody>\n",
		    tr(lang, "The items"), tr(lang, "Item"), tr(lang, "Self"), tr(lang, "All others"), tr(lang, "Difference"));
	for (int i = sec->item0; i < sec->item0 + sec->nitem; i++) {
		const struct stats_item_profile *ip = &r->profile.items[i];
		if (r->profile.dims[r->view.ins->items[i].dimension].items_hidden)
			hidden = 1;
		html_printf(b, "<tr><th scope=\"row\">%h</th>", report_item_text(r, lang, i));
		if (ip->self > 0)
			html_printf(b, "<td class=\"az-num\">%d</td>", ip->self);
		else
			html_printf(b, "<td class=\"az-num\">—</td>");
		cell_num(b, ip->has_others, ip->mean, lang, 0);
		if (ip->has_others)
			html_printf(b, "<td class=\"az-num\">%d</td>", ip->n);
		else
			html_printf(b, "<td class=\"az-num\">—</td>");
		cell_num(b, ip->has_gap, ip->gap, lang, 1);
		html_printf(b, "</tr>\n");
	}
	html_printf(b, "</tbody>\n</table>\n");
	if (hidden)
		html_printf(b, "<p class=\"utrecht-paragraph az-muted\">%h</p>\n",
			    tr(lang, "A dash: too few raters, or a few raters skipped some questions of this "
				     "dimension, and the figures together would give their answers away."));
}

/* The class of a heat-map cell: 9 steps over the scale. */
static int heat(double x, int points)
{
	int k = (int)((x - 1.0) / (double)(points - 1) * 8.0 + 0.5);

	return k < 0 ? 0 : k > 8 ? 8 : k;
}

static void heat_cell(struct buf *b, const struct stats_cell *c, int points, const char *lang)
{
	char num[16];

	if (c == NULL || !c->shown) {
		html_printf(b, "<td class=\"az-num az-heat-none\">—</td>");
		return;
	}
	report_num(num, c->mean, lang, 0);
	html_printf(b, "<td class=\"az-num az-heat-%d\">%h</td>", heat(c->mean, points), num);
}

static void roles_arenas(struct buf *b, const struct report *r, const char *lang)
{
	const struct stats_profile *p = &r->profile;
	const struct instrument *ins = r->view.ins;
	int points = 5;

	if (p->ncell == 0 || ins->narena == 0)
		return;
	html_printf(b, "<section class=\"az-report__section\">\n<h2 class=\"utrecht-heading-2\">%h</h2>\n"
		    "<p class=\"utrecht-paragraph\">%h</p>\n<table class=\"az-table az-heat\">\n<caption>%h</caption>\n<thead><tr><td></td>",
		    tr(lang, "Roles and arenas"),
		    tr(lang, "The others' mean per role and arena; darker is more often. A dash: too few raters."),
		    tr(lang, "Roles × arenas"));
	for (int k = 0; k < ins->narena; k++)
		html_printf(b, "<th scope=\"col\">%h</th>", itext_get(ins, &ins->arenas[k].label, lang));
	html_printf(b, "<th scope=\"col\">%h</th></tr></thead>\n<tbody>\n", tr(lang, "Role total"));
	for (int k = 0; k < p->nrole; k++) {
		int d = p->roles[k].dim;
		points = report_dim_points(r, d);
		html_printf(b, "<tr><th scope=\"row\">%h</th>", report_dim_label(r, lang, d));
		for (int ar = 0; ar < ins->narena; ar++) {
			const struct stats_cell *c = NULL;
			for (int x = 0; x < p->ncell; x++)
				if (p->cells[x].dim == d && p->cells[x].arena == ar)
					c = &p->cells[x];
			heat_cell(b, c, points, lang);
		}
		heat_cell(b, &p->roles[k], points, lang);
		html_printf(b, "</tr>\n");
	}
	html_printf(b, "<tr><th scope=\"row\">%h</th>", tr(lang, "Arena total"));
	for (int ar = 0; ar < ins->narena; ar++) {
		const struct stats_cell *c = NULL;
		for (int x = 0; x < p->narena; x++)
			if (p->arenas[x].arena == ar)
				c = &p->arenas[x];
		heat_cell(b, c, points, lang);
	}
	html_printf(b, "<td></td></tr>\n</tbody>\n</table>\n</section>\n");
}

static void summary(struct buf *b, const struct report *r, const char *lang)
{
	const struct stats_profile *p = &r->profile;
	int nblind = 0, nhidden = 0;

	html_printf(b, "<section class=\"az-report__section\">\n<h2 class=\"utrecht-heading-2\">%h</h2>\n",
		    tr(lang, "Summary"));
	html_printf(b, "<h3 class=\"utrecht-heading-3\">%h</h3>\n", tr(lang, "Most recognised behaviour"));
	if (p->nhighest == 0)
		html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n", tr(lang, "Too few raters to show items."));
	else
		html_printf(b, "<ol class=\"az-list\">\n");
	for (int k = 0; k < p->nhighest; k++) {
		char num[16];
		report_num(num, p->items[p->highest[k]].mean, lang, 0);
		html_printf(b, "<li>%h <span class=\"az-muted\">(%h)</span></li>\n", report_item_text(r, lang, p->highest[k]), num);
	}
	if (p->nhighest > 0)
		html_printf(b, "</ol>\n");
	for (int d = 0; d < r->design.ndim; d++) {
		nblind += p->dims[d].flag == STATS_FLAG_BLIND_SPOT;
		nhidden += p->dims[d].flag == STATS_FLAG_HIDDEN_STRENGTH;
	}
	for (int kind = 0; kind < 2; kind++) {
		int flag = kind == 0 ? STATS_FLAG_BLIND_SPOT : STATS_FLAG_HIDDEN_STRENGTH;
		html_printf(b, "<h3 class=\"utrecht-heading-3\">%h</h3>\n<p class=\"utrecht-paragraph\">%h</p>\n",
			    kind == 0 ? tr(lang, "Blind spots") : tr(lang, "Hidden strengths"),
			    kind == 0 ? tr(lang, "Where you see more of a behaviour than the people around you do "
					       "(self at least 0.5 above the others).")
				      : tr(lang, "Where the people around you see more of a behaviour than you do "
					       "(self at least 0.5 below the others)."));
		if ((kind == 0 ? nblind : nhidden) == 0) {
			html_printf(b, "<p class=\"utrecht-paragraph\">%h</p>\n", tr(lang, "None."));
			continue;
		}
		html_printf(b, "<ul class=\"az-list\">\n");
		for (int d = 0; d < r->design.ndim; d++) {
			char self[16], oth[16];
			if (p->dims[d].flag != flag)
				continue;
			report_num(self, p->dims[d].self, lang, 0);
			report_num(oth, p->dims[d].others.mean, lang, 0);
			html_printf(b, "<li>%h: %h %h, %h %h</li>\n", report_dim_label(r, lang, d), tr(lang, "self"),
				    self, tr(lang, "others"), oth);
		}
		html_printf(b, "</ul>\n");
	}
	html_printf(b, "</section>\n");
}

static void texts(struct buf *b, const struct report *r, const char *lang)
{
	const struct instrument *ins = r->view.ins;

	html_printf(b, "<section class=\"az-report__section\">\n<h2 class=\"utrecht-heading-2\">%h</h2>\n"
		    "<p class=\"utrecht-paragraph\">%h</p>\n", tr(lang, "In their own words"),
		    tr(lang, "Answers of small groups appear under \"others\", and never in the order they came in."));
	for (int q = 0; q < ins->nopen; q++) {
		int any = 0, self = 0;
		const char *question = report_open_text(r, lang, ins->opens[q].id, &self);
		for (size_t t = 0; t < r->ntext; t++) {
			if (strcmp(r->texts[t].question_id, ins->opens[q].id) != 0)
				continue;
			if (!any++)
				html_printf(b, "<h3 class=\"utrecht-heading-3\">%h</h3>\n<ul class=\"az-quotes\">\n", question);
			html_printf(b, "<li><blockquote class=\"az-quote\">%h</blockquote><span class=\"az-muted\">%h</span></li>\n",
				    r->texts[t].text, report_group_label(r, lang, r->texts[t].group));
		}
		if (any)
			html_printf(b, "</ul>\n");
	}
	html_printf(b, "</section>\n");
}

static void trend(struct buf *b, const struct report *r, const char *lang)
{
	const struct stats_profile *p = &r->profile;

	if (p->trend == NULL)
		return;
	html_printf(b, "<section class=\"az-report__section\">\n<h2 class=\"utrecht-heading-2\">%h</h2>\n"
		    "<table class=\"az-table\">\n<caption>%h %h</caption>\n<thead><tr><th scope=\"col\">%h</th>"
		    "<th scope=\"col\">%h</th><th scope=\"col\">%h</th></tr></thead>\n<tbody>\n",
		    tr(lang, "Since the previous round"), tr(lang, "Change since round"),
		    r->previous_round ? r->previous_round : "", tr(lang, "Dimension"), tr(lang, "Self"),
		    tr(lang, "All others"));
	for (int d = 0; d < r->design.ndim; d++) {
		html_printf(b, "<tr><th scope=\"row\">%h</th>", report_dim_label(r, lang, d));
		cell_num(b, p->trend[d].has_self, p->trend[d].self, lang, 1);
		cell_num(b, p->trend[d].has_others, p->trend[d].others, lang, 1);
		html_printf(b, "</tr>\n");
	}
	html_printf(b, "</tbody>\n</table>\n</section>\n");
}

int report_html(const struct report *r, const char *lang, struct buf *b, struct err *e)
{
	const struct instrument *ins = r->view.ins;
	int *dims = NULL;

	html_printf(b, "<article class=\"az-report\">\n<h1 class=\"utrecht-heading-1\">%h</h1>\n"
		    "<p class=\"utrecht-paragraph utrecht-paragraph--lead\">%h — %h</p>\n",
		    tr(lang, "Presence profile"), r->view.leader.name, r->view.leader.organisation);
	html_printf(b, "<p class=\"utrecht-paragraph\">%h %lld", tr(lang, "Round"), (long long)r->view.round.id);
	if (r->view.round.opens_on) {
		char from[DATE_WORDS_LEN], to[DATE_WORDS_LEN];
		const char *till = r->view.round.closes_on ? date_words(to, lang, r->view.round.closes_on) : "";
		html_printf(b, ", %h – %h", date_words(from, lang, r->view.round.opens_on), till);
	}
	html_printf(b, ". %h: %d.</p>\n", tr(lang, "Raters who answered"), r->nresponse);
	summary(b, r, lang);
	if ((dims = calloc((size_t)r->design.ndim + 1, sizeof *dims)) == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	for (int s = 0; s < ins->nsection; s++) {
		int nd = report_section_dims(r, s, dims);
		html_printf(b, "<section class=\"az-report__section\">\n<h2 class=\"utrecht-heading-2\">%h</h2>\n",
			    itext_get(ins, &ins->sections[s].title, lang));
		if (ins->sections[s].question.s[0])
			html_printf(b, "<p class=\"utrecht-paragraph az-lead\">%h</p>\n", itext_get(ins, &ins->sections[s].question, lang));
		section_dims(b, r, lang, dims, nd);
		section_items(b, r, lang, s);
		html_printf(b, "</section>\n");
	}
	free(dims);
	roles_arenas(b, r, lang);
	texts(b, r, lang);
	trend(b, r, lang);
	html_printf(b, "<section class=\"az-report__section\">\n<h2 class=\"utrecht-heading-2\">%h</h2>\n"
		    "<p class=\"utrecht-paragraph\">%h</p>\n<p class=\"utrecht-paragraph\">%h</p>\n<p class=\"utrecht-paragraph\">%h</p>\n</section>\n</article>\n",
		    tr(lang, "How to read this"),
		    tr(lang, "Each score is the mean of answers on the scale of the question (1 is never or strongly "
			     "disagree, 5 is always or strongly agree). \"Cannot judge\" counts for nothing."),
		    tr(lang, "The difference is your own score minus that of all others. At half a point or more it "
			     "is a blind spot (you see more than they do) or a hidden strength (they see more than you do)."),
		    tr(lang, "Groups with fewer raters than their threshold are never shown on their own; their answers "
			     "count under \"others\". Agreement (rwg) runs from 0 (raters disagree as much as chance) to 1 "
			     "(they agree fully)."));
	if (b->failed)
		return err_set(e, AZ_ENOMEM, "out of memory");
	return AZ_OK;
}
