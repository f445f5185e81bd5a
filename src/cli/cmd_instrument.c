/* cmd_instrument.c — `aanwezig instrument check|show`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define INSTRUMENT_MAX_BYTES (1u << 20)

static const char help_instrument[] =
	"Usage: aanwezig instrument <check|show> [options]\n"
	"\n"
	"  check FILE...                 validate instrument files; every problem is\n"
	"                                reported with its place\n"
	"  show [FILE] [--language nl|en]\n"
	"                                print an instrument readably (default: the\n"
	"                                built-in one)\n"
	"\n"
	"The format is described in docs/instrument.md.\n";

/* Read and parse path, or the built-in instrument when path is NULL. On
 * failure the problems are printed and 1 is returned. */
static int load(const char *path, struct instrument **ins)
{
	struct err e = {0};
	struct buf problems;
	char *data = NULL;
	size_t n;
	int np = 0, rc = 0;

	*ins = NULL;
	if (path == NULL)
		return instrument_parse(instrument_default_json, instrument_default_json_len,
					"default instrument", ins, NULL, NULL) == AZ_OK ? 0 : 1;
	if (cli_read_file(path, INSTRUMENT_MAX_BYTES, &data, &n, &e) != AZ_OK)
		return cli_fail(&e);
	buf_init(&problems);
	if (instrument_parse(data, n, path, ins, &problems, &np) != AZ_OK) {
		fputs(buf_str(&problems), stderr);
		fprintf(stderr, "%s: %d problem%s\n", path, np, np == 1 ? "" : "s");
		rc = 1;
	}
	buf_reset(&problems);
	free(data);
	return rc;
}

static int instrument_check(int argc, char **argv, struct cli *g)
{
	const char *pos[64];
	struct instrument *ins;
	int npos, help = 0, rc, failed = 0;

	if ((rc = cli_parse(argc, argv, NULL, g, "instrument check", pos, 64, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig instrument check FILE...\n\nValidates instrument files. "
			    "Every problem is printed as FILE:LINE:COLUMN: for\nsyntax errors or "
			    "FILE: $.json.path: for the rest. Exits 1 when any file fails."), 0;
	if (npos == 0)
		return cli_usage("instrument check", "which file? Give one or more instrument files");
	for (int i = 0; i < npos; i++) {
		if (load(pos[i], &ins) != 0) {
			failed = 1;
			continue;
		}
		printf("%s: ok — %s %s, %d items, %d dimensions, %d groups\n", pos[i], ins->id,
		       ins->version, ins->nitem, ins->ndimension, ins->ngroup);
		instrument_free(ins);
	}
	return failed;
}

static void show(const struct instrument *ins, const char *lang)
{
	static const char *const kinds[] = {"theme", "role", "competence"};

	printf("%s %s — %s\n", ins->id, ins->version, itext_get(ins, &ins->title, lang));
	printf("languages:");
	for (int i = 0; i < ins->nlang; i++)
		printf(" %s", ins->lang[i]);
	printf("\n\nScales\n");
	for (int i = 0; i < ins->nscale; i++) {
		printf("  %s:", ins->scales[i].id);
		for (int k = 0; k < ins->scales[i].npoint; k++)
			printf(" %d %s ·", ins->scales[i].points[k].value,
			       itext_get(ins, &ins->scales[i].points[k].label, lang));
		printf(" [%s]\n", itext_get(ins, &ins->scales[i].cannot_judge, lang));
	}
	printf("\nDimensions\n");
	for (int i = 0; i < ins->ndimension; i++) {
		const struct instr_dimension *d = &ins->dimensions[i];
		printf("  %-13s %-10s %-7s %s (%d items)\n", d->id, kinds[d->kind], ins->scales[d->scale].id,
		       itext_get(ins, &d->label, lang), d->nitem);
	}
	for (int s = 0; s < ins->nsection; s++) {
		const struct instr_section *sec = &ins->sections[s];
		printf("\n%d. %s", s + 1, itext_get(ins, &sec->title, lang));
		if (sec->question.s[0])
			printf(" — %s", itext_get(ins, &sec->question, lang));
		printf("\n");
		for (int i = sec->item0; i < sec->item0 + sec->nitem; i++) {
			const struct instr_item *it = &ins->items[i];
			printf("  %-9s [%s%s%s]\n", it->id, ins->dimensions[it->dimension].id,
			       it->arena >= 0 ? " · " : "", it->arena >= 0 ? ins->arenas[it->arena].id : "");
			printf("      rater: %s\n", itext_get(ins, &it->rater, lang));
			printf("      self:  %s\n", itext_get(ins, &it->self, lang));
		}
		for (int i = sec->open0; i < sec->open0 + sec->nopen; i++)
			printf("  open (%s) %s: %s\n", ins->opens[i].audience == AUD_SELF ? "self" : "rater",
			       ins->opens[i].id, itext_get(ins, &ins->opens[i].text, lang));
	}
	printf("\nGroups\n");
	for (int i = 0; i < ins->ngroup; i++) {
		const struct instr_group *g = &ins->groups[i];
		printf("  %-12s %s", g->id, itext_get(ins, &g->label, lang));
		if (!g->self) {
			printf(" — threshold %d, %s", g->threshold, g->anonymous ? "anonymous" : "NOT anonymous");
			if (g->invite_max)
				printf(", invite %d–%d", g->invite_min, g->invite_max);
			if (g->optional)
				printf(", optional");
		}
		printf("\n");
	}
}

static int instrument_show(int argc, char **argv, struct cli *g)
{
	const char *lang = "nl", *pos[1];
	const struct opt opts[] = {{"language", &lang, NULL}, {NULL, NULL, NULL}};
	struct instrument *ins;
	int npos, help = 0, rc;

	if ((rc = cli_parse(argc, argv, opts, g, "instrument show", pos, 1, &npos, &help)) != 0)
		return rc;
	if (help)
		return puts("Usage: aanwezig instrument show [FILE] [--language nl|en]\n\nPrints an "
			    "instrument: scales, dimensions, every item in both wordings,\nthe open "
			    "questions and the rater groups. Without FILE: the built-in one."), 0;
	if (strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0)
		return cli_usage("instrument show", "--language must be nl or en");
	if ((rc = load(npos ? pos[0] : NULL, &ins)) != 0)
		return rc;
	show(ins, lang);
	instrument_free(ins);
	return 0;
}

int cmd_instrument(int argc, char **argv, struct cli *g)
{
	static const struct cli_sub subs[] = {
		{"check", instrument_check},
		{"show", instrument_show},
		{NULL, NULL},
	};

	return cli_subcommand("instrument", help_instrument, subs, argc, argv, g);
}
