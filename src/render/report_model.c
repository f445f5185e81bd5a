/* report_model.c — pieces shared by the HTML and the PDF report. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../util/i18n.h"

void report_num(char out[16], double x, const char *lang, int is_signed)
{
	char *dot;

	/* Round half away from zero, the way a reader rounds by hand. */
	x = x < 0 ? -floor(-x * 100.0 + 0.5) / 100.0 : floor(x * 100.0 + 0.5) / 100.0;
	if (x == 0.0)
		x = 0.0;   /* no "-0,00" */
	snprintf(out, 16, is_signed ? "%+.2f" : "%.2f", x);
	if (lang == NULL || strcmp(lang, "en") != 0)
		if ((dot = strchr(out, '.')) != NULL)
			*dot = ',';
}

const char *report_group_label(const struct report *r, const char *lang, const char *group_id)
{
	const struct instrument *ins = r->view.ins;
	int g;

	if (strcmp(group_id, "overig") == 0)
		return tr(lang, "Others (small groups together)");
	if (strcmp(group_id, "self") == 0)
		return tr(lang, "Self");
	g = instrument_find_group(ins, group_id);
	return g >= 0 ? itext_get(ins, &ins->groups[g].label, lang) : group_id;
}

const char *report_dim_label(const struct report *r, const char *lang, int d)
{
	return itext_get(r->view.ins, &r->view.ins->dimensions[d].label, lang);
}

int report_section_dims(const struct report *r, int s, int *dims)
{
	const struct instrument *ins = r->view.ins;
	int n = 0;

	for (int d = 0; d < ins->ndimension; d++) {
		for (int i = 0; i < ins->nitem; i++) {
			if (ins->items[i].dimension != d)
				continue;
			if (ins->items[i].section == s)
				dims[n++] = d;
			break;
		}
	}
	return n;
}

int report_dim_points(const struct report *r, int d)
{
	return r->view.ins->scales[r->view.ins->dimensions[d].scale].npoint;
}

const char *report_item_text(const struct report *r, const char *lang, int i)
{
	return itext_get(r->view.ins, &r->view.ins->items[i].rater, lang);
}

const char *report_open_text(const struct report *r, const char *lang, const char *question_id, int *self)
{
	int q = instrument_find_open(r->view.ins, question_id);

	if (q < 0)
		return question_id;
	if (self)
		*self = r->view.ins->opens[q].audience == AUD_SELF;
	return itext_get(r->view.ins, &r->view.ins->opens[q].text, lang);
}
