/* cmd_analyze.c — `aanwezig analyze`: presence profiles for answers
 * collected elsewhere, as JSON or CSV (docs/statistics.md). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/analyze.h"
#include "../render/json.h"
#include "../util/csv.h"
#include "cli.h"

static const char help_analyze[] =
	"Usage: aanwezig analyze --map ITEMS.csv DATA.csv --format json|csv\n"
	"                        [--threshold N] [--blind-spot GAP] [-o FILE]\n"
	"\n"
	"Makes the presence profiles of answers collected elsewhere (a LimeSurvey or\n"
	"spreadsheet export, or `aanwezig round export`). No database is used.\n"
	"\n"
	"  DATA.csv          long CSV with the header leader,round,rater,group,item,score:\n"
	"                    one answer per line; score 1..5, or empty for \"kan ik niet\n"
	"                    beoordelen\"; group self for the leader's own answers\n"
	"  --map ITEMS.csv   the items: item,dimension and optionally arena; a\n"
	"                    dimension with items in arenas is a role\n"
	"  --format F        json (every figure; the keys are a stable interface) or\n"
	"                    csv (one row per leader, round, dimension and figure)\n"
	"  --threshold N     the fewest raters behind any figure shown (3..100, default 3)\n"
	"  --blind-spot GAP  the self-minus-others gap that is flagged (default 0.5)\n"
	"  -o FILE           write to FILE instead of standard output\n"
	"\n"
	"Any wrong line refuses the whole file and every problem is named by its line.\n"
	"A leader-round without a self response is left out, and listed.\n"
	"Either file may be - for standard input (not both).\n";

/* The threshold in s (3..ANALYZE_MAX_THRESHOLD), or a usage error. */
static int parse_threshold(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 3 || v > ANALYZE_MAX_THRESHOLD)
		return cli_usage("analyze", "--threshold must be a whole number from 3 to %d, not "
				 "\"%.40s\"", ANALYZE_MAX_THRESHOLD, s);
	*out = (int)v;
	return 0;
}

/* The blind-spot gap in s (above 0, at most 4), or a usage error. */
static int parse_gap(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v <= 0 ||
	    v > ANALYZE_NOPTION - 1)
		return cli_usage("analyze", "--blind-spot must be a number above 0 and at most %d, "
				 "such as 0.5, not \"%.40s\"", ANALYZE_NOPTION - 1, s);
	*out = v;
	return 0;
}

/* Check the command line into the settings; returns 0 or 2. */
static int check_args(const char *map, int npos, const char *format, const char *threshold,
		      const char *gap, struct stats_config *cfg, int *json)
{
	int rc;

	if (map == NULL)
		return cli_usage("analyze", "which items? Give the item map with --map ITEMS.csv");
	if (npos != 1)
		return cli_usage("analyze", "which answers? Give one DATA.csv");
	if (format == NULL)
		return cli_usage("analyze", "which format? Give --format json or --format csv");
	if (strcmp(format, "html") == 0 || strcmp(format, "pdf") == 0)
		return cli_usage("analyze", "--format %s is not available yet; the formats that work "
				 "are json and csv", format);
	if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
		return cli_usage("analyze", "unknown format \"%.40s\"; the formats are json and csv",
				 format);
	*json = strcmp(format, "json") == 0;
	cfg->threshold = 3;
	cfg->blind_spot = 0.5;
	if (threshold != NULL && (rc = parse_threshold(threshold, &cfg->threshold)) != 0)
		return rc;
	if (gap != NULL && (rc = parse_gap(gap, &cfg->blind_spot)) != 0)
		return rc;
	return 0;
}

/* Tell on standard error which leader-rounds were left out, and why.
 * Names come from the file: control characters are printed as '?' (no
 * terminal escapes) and a name is cut after about 60 bytes, at a
 * character boundary. */
static void print_skipped(const struct stats_analysis *an)
{
	for (int k = 0; k < an->nskipped; k++) {
		const struct stats_skip *s = &an->skipped[k];
		const char *part[2] = {s->leader, s->round};
		fputs("aanwezig analyze: left out leader ", stderr);
		for (int i = 0; i < 2; i++) {
			fputc('"', stderr);
			for (const char *c = part[i];
			     *c && (c - part[i] < 60 || ((unsigned char)*c & 0xC0) == 0x80); c++)
				fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, stderr);
			fputs(i == 0 ? "\" round " : "\": ", stderr);
		}
		fprintf(stderr, "%s\n", s->reason);
	}
}

int cmd_analyze(int argc, char **argv, struct cli *g)
{
	const char *map = NULL, *format = NULL, *threshold = NULL, *gap = NULL, *output = NULL;
	const char *pos[1];
	const struct opt opts[] = {
		{"map", &map, NULL}, {"format", &format, NULL}, {"threshold", &threshold, NULL},
		{"blind-spot", &gap, NULL}, {"output", &output, NULL}, {NULL, NULL, NULL}};
	struct stats_config cfg;
	struct stats_analysis an;
	struct arena *a = NULL;
	struct err e = {0};
	struct buf out;
	char *mapdata = NULL, *data = NULL;
	size_t nmap, ndata;
	int npos, help = 0, json = 1, rc;

	buf_init(&out);
	if ((rc = cli_parse(argc, argv, opts, g, "analyze", pos, 1, &npos, &help)) != 0)
		return rc;
	if (help)
		return fputs(help_analyze, stdout), 0;
	if ((rc = check_args(map, npos, format, threshold, gap, &cfg, &json)) != 0)
		return rc;
	if (strcmp(map, "-") == 0 && strcmp(pos[0], "-") == 0)
		return cli_usage("analyze", "only one of the files can be standard input");
	if ((a = arena_new()) == NULL) {
		err_set(&e, AZ_ENOMEM, "out of memory");
		rc = cli_fail(&e);
		goto out;
	}
	if (cli_read_file(map, CSV_MAX_BYTES, &mapdata, &nmap, &e) != AZ_OK ||
	    cli_read_file(pos[0], CSV_MAX_DATA_BYTES, &data, &ndata, &e) != AZ_OK ||
	    core_analyze(a, mapdata, nmap, map, data, ndata, pos[0], &cfg, &an, &e) != AZ_OK) {
		rc = cli_fail(&e);
		goto out;
	}
	print_skipped(&an);
	if (json) {
		if (render_json_analysis(&an, &out, &e) != AZ_OK) {
			rc = cli_fail(&e);
			goto out;
		}
	} else {
		render_csv_analysis(&an, &out);
	}
	if (out.failed)
		err_set(&e, AZ_ENOMEM, "out of memory");
	if (out.failed || cli_write_file(output, buf_str(&out), out.len, &e) != AZ_OK)
		rc = cli_fail(&e);
out:
	free(mapdata);
	free(data);
	buf_reset(&out);
	arena_free(a);
	return rc;
}
