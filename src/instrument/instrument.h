/* instrument.h — a questionnaire as data: loading, validating and looking
 * things up in an instrument file (format in docs/instrument.md).
 *
 * An instrument is parsed once into a read-only struct whose strings and
 * arrays all live in its own arena; instrument_free() releases everything.
 * Indexes (dimension, arena, section, scale) are positions in the arrays.
 */
#ifndef AZ_INSTRUMENT_H
#define AZ_INSTRUMENT_H

#include <stddef.h>

#include "../util/arena.h"
#include "../util/buf.h"

#define INSTR_FORMAT 1
#define INSTR_MAX_LANG 4
#define INSTR_MAX_POINTS 11
#define INSTR_MAX_TEXT 2000       /* bytes in one wording */

/* A text in every language of the instrument, by language index. */
struct itext {
	const char *s[INSTR_MAX_LANG];
};

struct instr_point {
	int value;                 /* 1..npoint, in order */
	struct itext label;
};

struct instr_scale {
	const char *id;
	int npoint;
	struct instr_point *points;
	struct itext cannot_judge; /* the "kan ik niet beoordelen" option */
};

struct instr_arena {
	const char *id;
	const char *code;          /* short code such as "BV" */
	struct itext label;
};

enum instr_dim_kind { DIM_THEME, DIM_ROLE, DIM_COMPETENCE };

struct instr_dimension {
	const char *id;
	int kind;                  /* enum instr_dim_kind */
	int scale;                 /* index into scales */
	int nitem;                 /* items measuring this dimension */
	struct itext label;
};

struct instr_item {
	const char *id;            /* stable key, e.g. "REG-BV-A" */
	int dimension;             /* index into dimensions */
	int arena;                 /* index into arenas, -1 for none */
	int section;               /* index into sections */
	struct itext rater;        /* "De secretaris ..." */
	struct itext self;         /* "Ik ..." */
};

enum instr_audience { AUD_SELF, AUD_RATER };

struct instr_open {
	const char *id;
	int audience;              /* enum instr_audience */
	int section;
	struct itext text;
};

struct instr_section {
	const char *id;
	struct itext title, question, about;
	int item0, nitem;          /* items[item0 .. item0+nitem) */
	int open0, nopen;          /* opens[open0 .. open0+nopen) */
};

struct instr_group {
	const char *id;
	int self;                  /* the leader's own group */
	int optional;
	int anonymous;             /* 0: raters are told their group is small */
	int threshold;             /* fewest raters whose figures may be shown */
	int invite_min, invite_max;/* advice; 0 when not given */
	struct itext label, description;
};

struct instrument {
	struct arena *arena;       /* owns everything below */
	const char *id;
	const char *version;
	int nlang;
	const char *lang[INSTR_MAX_LANG];
	struct itext title, subject, anonymity_note;
	struct instr_scale *scales;         int nscale;
	struct instr_arena *arenas;         int narena;
	struct instr_dimension *dimensions; int ndimension;
	struct instr_section *sections;     int nsection;
	struct instr_item *items;           int nitem;
	struct instr_open *opens;           int nopen;
	struct instr_group *groups;         int ngroup;
};

/* Parse and validate text[0..n) (from origin, used in messages). On
 * success returns AZ_OK and a new instrument in *out (free it with
 * instrument_free). On failure returns AZ_EINVAL and appends every problem
 * found, one per line, as "origin:line:col: ..." for syntax errors or
 * "origin: $.json.path: ..." for the rest, to problems (may be NULL);
 * *nproblem (may be NULL) gets their number. */
int instrument_parse(const char *text, size_t n, const char *origin,
		     struct instrument **out, struct buf *problems, int *nproblem);

void instrument_free(struct instrument *ins);

/* The default instrument, embedded at build time from
 * instruments/default.json. */
extern const char instrument_default_json[];
extern const size_t instrument_default_json_len;

/* A text in language lang ("nl", "en"), falling back to the instrument's
 * first language. Never NULL for a validated instrument. */
const char *itext_get(const struct instrument *ins, const struct itext *t, const char *lang);

/* Index of the thing with this id, or -1. */
int instrument_find_item(const struct instrument *ins, const char *id);
int instrument_find_group(const struct instrument *ins, const char *id);
int instrument_find_open(const struct instrument *ins, const char *id);
int instrument_find_dimension(const struct instrument *ins, const char *id);
/* The index of the self group (exactly one in a valid instrument). */
int instrument_self_group(const struct instrument *ins);

/* 1 when language code lang is one of the instrument's. */
int instrument_has_lang(const struct instrument *ins, const char *lang);

/* BLAKE2b-256 of the file's bytes as 64 hex digits plus NUL: identifies
 * the exact text a round froze. */
void instrument_digest(const char *text, size_t n, char out[65]);

#endif
