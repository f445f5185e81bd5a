/* cmd_report.c — `aanwezig report`: the presence profile of a round. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../render/html.h"
#include "../render/json.h"
#include "../render/report.h"
#include "../util/i18n.h"
#include "cli.h"

/* The web's static files, compiled in (build/gen/static_files.c). */
struct static_file {
	const char *path, *type;
	const unsigned char *data;
	size_t len;
};
extern const struct static_file static_files[];
extern const size_t static_files_len;

static const char help_report[] =
	"Usage: aanwezig report --round ID [--format html|pdf|json|csv] [--language nl|en] [-o FILE]\n"
	"\n"
	"Writes the presence profile of a closed or released round: the summary,\n"
	"self versus others per dimension with the groups that may be shown, roles\n"
	"and arenas, the items, what raters wrote, and the change since the previous\n"
	"round. html (default) is one printable page with its style included; pdf is\n"
	"A4; json and csv hold every figure the report shows, in the format of\n"
	"`aanwezig analyze` (docs/statistics.md). Without -o the report goes to\n"
	"standard output.\n"
	"\n"
	"The leader reads the same report at the link `aanwezig round links` gives\n"
	"for the leader, with /p/ in place of /r/, once the round is released.\n";

/* A standalone HTML document around the report, its CSS included. */
static int standalone(const struct report *r, const char *lang, struct buf *b, struct err *e)
{
	html_printf(b, "<!DOCTYPE html>\n<html lang=\"%a\" class=\"voorbeeld-theme utrecht-root\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>%h — %h</title>\n<style>\n", lang, tr(lang, "Presence profile"), r->view.leader.name);
	for (size_t i = 0; i < static_files_len; i++)
		if (strncmp(static_files[i].type, "text/css", 8) == 0)
			buf_append(b, (const char *)static_files[i].data, static_files[i].len);
	html_printf(b, "</style>\n</head>\n<body class=\"utrecht-body utrecht-document utrecht-document--surface\">\n"
		    "<main class=\"utrecht-page-body\"><div class=\"utrecht-page-body__content\">\n");
	if (report_html(r, lang, b, e) != AZ_OK)
		return e->code;
	html_printf(b, "</div></main>\n</body>\n</html>\n");
	return b->failed ? err_set(e, AZ_ENOMEM, "out of memory") : AZ_OK;
}

/* The figures as JSON or CSV: an analysis of this one leader-round. */
static int figures(const struct report *r, const char *format, struct buf *b, struct err *e)
{
	struct stats_analysis an;

	memset(&an, 0, sizeof an);
	an.cfg.threshold = r->profile.threshold;
	an.cfg.blind_spot = 0.5;
	an.design = &r->design;
	an.profiles = (struct stats_profile *)&r->profile;
	an.nprofile = 1;
	if (strcmp(format, "json") == 0)
		return render_json_analysis(&an, b, e);
	render_csv_analysis(&an, b);
	return b->failed ? err_set(e, AZ_ENOMEM, "out of memory") : AZ_OK;
}

static int render(const struct report *r, const char *format, const char *lang, struct buf *b, struct err *e)
{
	if (strcmp(format, "pdf") == 0)
		return report_pdf(r, lang, b, e);
	if (strcmp(format, "json") == 0 || strcmp(format, "csv") == 0)
		return figures(r, format, b, e);
	return standalone(r, lang, b, e);
}

int cmd_report(int argc, char **argv, struct cli *g)
{
	const char *round = NULL, *format = "html", *lang = "nl", *out = NULL, *pos[1];
	const struct opt opts[] = {
		{"round", &round, NULL}, {"format", &format, NULL}, {"language", &lang, NULL},
		{"output", &out, NULL}, {NULL, NULL, NULL}};
	struct core c;
	struct err e = {0};
	struct arena *a = NULL;
	struct report r;
	struct buf b;
	int64_t id;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "report", pos, 0, &npos, &help)) != 0)
		return rc;
	if (help)
		return fputs(help_report, stdout), 0;
	if ((rc = cli_id("report", "round (--round)", round, &id)) != 0)
		return rc;
	if (strcmp(format, "html") != 0 && strcmp(format, "pdf") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "csv") != 0)
		return cli_usage("report", "--format must be html, pdf, json or csv, not \"%.20s\"", format);
	if (strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0)
		return cli_usage("report", "--language must be nl or en");
	if ((rc = cli_open(g, &c)) != 0)
		return rc;
	buf_init(&b);
	if ((a = arena_new()) == NULL) {
		rc = cli_fail(&(struct err){AZ_ENOMEM, "out of memory"});
	} else if (core_report(&c, a, id, &r, &e) != AZ_OK ||
		   render(&r, format, lang, &b, &e) != AZ_OK ||
		   cli_write_file(out, buf_str(&b), b.len, &e) != AZ_OK) {
		rc = cli_fail(&e);
	}
	buf_reset(&b);
	arena_free(a);
	core_close(&c);
	return rc;
}
