/* instrument.c — loading and validating instrument files with jansson.
 *
 * Validation walks the whole document and reports every problem it finds
 * rather than stopping at the first, so that an author fixes a file in one
 * go. Each problem names its place as a JSON path ($.sections[2].items[0]).
 */
#include "instrument.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/text.h"

/* Validation state: where problems go and how many there were. */
struct vctx {
	const char *origin;
	struct buf *out;
	int nproblem;
	struct instrument *ins;
};

static void bad(struct vctx *v, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct vctx *v, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	v->nproblem++;
	if (v->out == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	buf_printf(v->out, "%s: %s: %s\n", v->origin, path, msg);
}

/* Report keys of obj that are not in the NULL-terminated list allowed:
 * a misspelt key would otherwise be silently ignored. */
static void check_keys(struct vctx *v, const char *path, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *val;

	json_object_foreach(obj, key, val) {
		int ok = 0;
		for (const char *const *k = allowed; *k; k++)
			if (strcmp(*k, key) == 0)
				ok = 1;
		if (!ok)
			bad(v, path, "unknown key \"%s\"", key);
	}
}

/* A required string member; returns an arena copy or NULL (reported). */
static const char *get_str(struct vctx *v, const char *path, json_t *obj, const char *key,
			   int required, size_t max)
{
	json_t *j = json_object_get(obj, key);
	const char *s;

	if (j == NULL) {
		if (required)
			bad(v, path, "\"%s\" is missing", key);
		return NULL;
	}
	if (!json_is_string(j)) {
		bad(v, path, "\"%s\" must be a string", key);
		return NULL;
	}
	s = json_string_value(j);
	if (strlen(s) != json_string_length(j)) {
		bad(v, path, "\"%s\" contains a NUL character", key);
		return NULL;
	}
	if (s[0] == '\0') {
		bad(v, path, "\"%s\" is empty", key);
		return NULL;
	}
	if (strlen(s) > max) {
		bad(v, path, "\"%s\" is longer than %zu bytes", key, max);
		return NULL;
	}
	return arena_strdup(v->ins->arena, s);
}

/* A text object {"nl": "...", "en": "..."} with every language. */
static void get_text(struct vctx *v, const char *path, json_t *obj, const char *key,
		     int required, struct itext *t)
{
	char p[512];
	json_t *j = json_object_get(obj, key);
	struct instrument *ins = v->ins;
	const char *lk;
	json_t *lv;

	memset(t, 0, sizeof *t);
	if (j == NULL) {
		if (required)
			bad(v, path, "\"%s\" is missing", key);
		return;
	}
	snprintf(p, sizeof p, "%s.%s", path, key);
	if (!json_is_object(j)) {
		bad(v, p, "must be an object with a text per language, such as {\"nl\": \"...\", \"en\": \"...\"}");
		return;
	}
	for (int i = 0; i < ins->nlang; i++)
		t->s[i] = get_str(v, p, j, ins->lang[i], 1, INSTR_MAX_TEXT);
	json_object_foreach(j, lk, lv) {
		if (!instrument_has_lang(ins, lk))
			bad(v, p, "language \"%s\" is not in $.languages", lk);
	}
}

/* An integer member in [lo, hi]; returns def when absent and not required. */
static int get_int(struct vctx *v, const char *path, json_t *obj, const char *key,
		   int required, int lo, int hi, int def)
{
	json_t *j = json_object_get(obj, key);
	json_int_t x;

	if (j == NULL) {
		if (required)
			bad(v, path, "\"%s\" is missing", key);
		return def;
	}
	if (!json_is_integer(j)) {
		bad(v, path, "\"%s\" must be a whole number", key);
		return def;
	}
	x = json_integer_value(j);
	if (x < lo || x > hi) {
		bad(v, path, "\"%s\" must be between %d and %d, not %lld", key, lo, hi, (long long)x);
		return def;
	}
	return (int)x;
}

static int get_bool(struct vctx *v, const char *path, json_t *obj, const char *key, int def)
{
	json_t *j = json_object_get(obj, key);

	if (j == NULL)
		return def;
	if (!json_is_boolean(j)) {
		bad(v, path, "\"%s\" must be true or false", key);
		return def;
	}
	return json_is_true(j);
}

/* An array member; returns it or NULL (reported when required). */
static json_t *get_array(struct vctx *v, const char *path, json_t *obj, const char *key,
			 int required, size_t min, size_t max)
{
	json_t *j = json_object_get(obj, key);

	if (j == NULL) {
		if (required)
			bad(v, path, "\"%s\" is missing", key);
		return NULL;
	}
	if (!json_is_array(j)) {
		bad(v, path, "\"%s\" must be an array", key);
		return NULL;
	}
	if (json_array_size(j) < min || json_array_size(j) > max) {
		bad(v, path, "\"%s\" must have between %zu and %zu entries, not %zu",
		    key, min, max, json_array_size(j));
		return NULL;
	}
	return j;
}

/* Index of the name in an array of structs whose first member is the
 * const char *id, or -1. */
#define FIND(arr, n, name) find_id((const void *)(arr), sizeof *(arr), (n), (name))
static int find_id(const void *base, size_t stride, int n, const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *id = *(const char *const *)((const char *)base + (size_t)i * stride);
		if (id != NULL && strcmp(id, name) == 0)
			return i;
	}
	return -1;
}

/* The "id" of an entry of a list: required, a lower-case identifier, and
 * not used by the n entries before it (what names the list in messages). */
#define GET_ID(v, p, j, arr, n, what) get_id((v), (p), (j), (const void *)(arr), sizeof *(arr), (n), (what))
static const char *get_id(struct vctx *v, const char *p, json_t *j, const void *base, size_t stride,
			  int n, const char *what)
{
	const char *id = get_str(v, p, j, "id", 1, 32);

	if (id != NULL && !ident_lower(id, 32))
		bad(v, p, "id \"%s\" must be lower-case letters, digits or _", id);
	else if (id != NULL && find_id(base, stride, n, id) >= 0)
		bad(v, p, "%s id \"%s\" is used twice", what, id);
	return id;
}

static void load_languages(struct vctx *v, json_t *root)
{
	struct instrument *ins = v->ins;
	json_t *arr = get_array(v, "$", root, "languages", 1, 1, INSTR_MAX_LANG);
	size_t i;
	json_t *j;

	json_array_foreach(arr, i, j) {
		char p[64];
		const char *s = json_string_value(j);
		snprintf(p, sizeof p, "$.languages[%zu]", i);
		if (s == NULL || strlen(s) != 2 || s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z') {
			bad(v, p, "must be a two-letter language code such as \"nl\"");
			continue;
		}
		if (instrument_has_lang(ins, s)) {
			bad(v, p, "\"%s\" is listed twice", s);
			continue;
		}
		ins->lang[ins->nlang++] = arena_strdup(ins->arena, s);
	}
	if (arr != NULL && !instrument_has_lang(ins, "nl"))
		bad(v, "$.languages", "must include \"nl\": Dutch is the first language");
}

static void load_scales(struct vctx *v, json_t *root)
{
	static const char *const keys[] = {"id", "points", "cannot_judge", NULL};
	static const char *const pkeys[] = {"value", "label", NULL};
	struct instrument *ins = v->ins;
	json_t *arr = get_array(v, "$", root, "scales", 1, 1, 32);
	size_t i, k;
	json_t *j, *pj;

	if (arr == NULL)
		return;
	ins->scales = arena_calloc(ins->arena, json_array_size(arr), sizeof *ins->scales);
	if (ins->scales == NULL) {
		bad(v, "$", "out of memory");
		return;
	}
	json_array_foreach(arr, i, j) {
		struct instr_scale *s = &ins->scales[ins->nscale];
		char p[128], pp[160];
		json_t *points;

		snprintf(p, sizeof p, "$.scales[%zu]", i);
		if (!json_is_object(j)) {
			bad(v, p, "must be an object");
			continue;
		}
		check_keys(v, p, j, keys);
		s->id = GET_ID(v, p, j, ins->scales, ins->nscale, "scale");
		get_text(v, p, j, "cannot_judge", 1, &s->cannot_judge);
		points = get_array(v, p, j, "points", 1, 2, INSTR_MAX_POINTS);
		if (points != NULL) {
			s->points = arena_calloc(ins->arena, json_array_size(points), sizeof *s->points);
			if (s->points == NULL) {
				bad(v, p, "out of memory");
				return;
			}
			json_array_foreach(points, k, pj) {
				snprintf(pp, sizeof pp, "%s.points[%zu]", p, k);
				if (!json_is_object(pj)) {
					bad(v, pp, "must be an object");
					continue;
				}
				check_keys(v, pp, pj, pkeys);
				s->points[k].value = get_int(v, pp, pj, "value", 1, 1, INSTR_MAX_POINTS, 0);
				if (s->points[k].value != 0 && s->points[k].value != (int)k + 1)
					bad(v, pp, "\"value\" must be %zu: points count 1, 2, 3, ... in order", k + 1);
				get_text(v, pp, pj, "label", 1, &s->points[k].label);
			}
			s->npoint = (int)json_array_size(points);
		}
		ins->nscale++;
	}
}

static void load_arenas(struct vctx *v, json_t *root)
{
	static const char *const keys[] = {"id", "code", "label", NULL};
	struct instrument *ins = v->ins;
	json_t *arr = get_array(v, "$", root, "arenas", 0, 0, 32);
	size_t i;
	json_t *j;

	if (arr == NULL)
		return;
	ins->arenas = arena_calloc(ins->arena, json_array_size(arr) + 1, sizeof *ins->arenas);
	if (ins->arenas == NULL) {
		bad(v, "$", "out of memory");
		return;
	}
	json_array_foreach(arr, i, j) {
		struct instr_arena *a = &ins->arenas[ins->narena];
		char p[128];

		snprintf(p, sizeof p, "$.arenas[%zu]", i);
		if (!json_is_object(j)) {
			bad(v, p, "must be an object");
			continue;
		}
		check_keys(v, p, j, keys);
		a->id = GET_ID(v, p, j, ins->arenas, ins->narena, "arena");
		a->code = get_str(v, p, j, "code", 1, 8);
		get_text(v, p, j, "label", 1, &a->label);
		ins->narena++;
	}
}

static void load_dimensions(struct vctx *v, json_t *root)
{
	static const char *const keys[] = {"id", "kind", "scale", "label", NULL};
	static const char *const kinds[] = {"theme", "role", "competence"};
	struct instrument *ins = v->ins;
	json_t *arr = get_array(v, "$", root, "dimensions", 1, 1, 64);
	size_t i;
	json_t *j;

	if (arr == NULL)
		return;
	ins->dimensions = arena_calloc(ins->arena, json_array_size(arr), sizeof *ins->dimensions);
	if (ins->dimensions == NULL) {
		bad(v, "$", "out of memory");
		return;
	}
	json_array_foreach(arr, i, j) {
		struct instr_dimension *d = &ins->dimensions[ins->ndimension];
		const char *kind, *scale;
		char p[128];

		snprintf(p, sizeof p, "$.dimensions[%zu]", i);
		if (!json_is_object(j)) {
			bad(v, p, "must be an object");
			continue;
		}
		check_keys(v, p, j, keys);
		d->id = GET_ID(v, p, j, ins->dimensions, ins->ndimension, "dimension");
		d->kind = -1;
		if ((kind = get_str(v, p, j, "kind", 1, 32)) != NULL) {
			for (int k = 0; k < 3; k++)
				if (strcmp(kind, kinds[k]) == 0)
					d->kind = k;
			if (d->kind < 0)
				bad(v, p, "\"kind\" must be \"theme\", \"role\" or \"competence\", not \"%s\"", kind);
		}
		d->scale = -1;
		if ((scale = get_str(v, p, j, "scale", 1, 32)) != NULL &&
		    (d->scale = FIND(ins->scales, ins->nscale, scale)) < 0)
			bad(v, p, "unknown scale \"%s\"", scale);
		get_text(v, p, j, "label", 1, &d->label);
		ins->ndimension++;
	}
}

/* The items and open questions of one section. */
static void load_section_items(struct vctx *v, const char *p, json_t *sj, int sec)
{
	static const char *const ikeys[] = {"id", "dimension", "arena", "rater", "self", NULL};
	static const char *const okeys[] = {"id", "audience", "text", NULL};
	struct instrument *ins = v->ins;
	json_t *items = get_array(v, p, sj, "items", 0, 0, 200);
	json_t *opens = get_array(v, p, sj, "open", 0, 0, 20);
	size_t i;
	json_t *j;

	ins->sections[sec].item0 = ins->nitem;
	json_array_foreach(items, i, j) {
		struct instr_item *it = &ins->items[ins->nitem];
		const char *dim, *arena;
		char ip[160];

		snprintf(ip, sizeof ip, "%s.items[%zu]", p, i);
		if (!json_is_object(j)) {
			bad(v, ip, "must be an object");
			continue;
		}
		check_keys(v, ip, j, ikeys);
		it->id = get_str(v, ip, j, "id", 1, 32);
		if (it->id != NULL && !ident_upper(it->id, 32))
			bad(v, ip, "item id \"%s\" must be upper-case letters, digits, - or _", it->id);
		else if (it->id != NULL && FIND(ins->items, ins->nitem, it->id) >= 0)
			bad(v, ip, "item id \"%s\" is used twice", it->id);
		it->dimension = -1;
		if ((dim = get_str(v, ip, j, "dimension", 1, 32)) != NULL &&
		    (it->dimension = FIND(ins->dimensions, ins->ndimension, dim)) < 0)
			bad(v, ip, "unknown dimension \"%s\"", dim);
		if (it->dimension >= 0)
			ins->dimensions[it->dimension].nitem++;
		it->arena = -1;
		if ((arena = get_str(v, ip, j, "arena", 0, 32)) != NULL &&
		    (it->arena = FIND(ins->arenas, ins->narena, arena)) < 0)
			bad(v, ip, "unknown arena \"%s\"", arena);
		it->section = sec;
		get_text(v, ip, j, "rater", 1, &it->rater);
		get_text(v, ip, j, "self", 1, &it->self);
		ins->nitem++;
	}
	ins->sections[sec].nitem = ins->nitem - ins->sections[sec].item0;

	ins->sections[sec].open0 = ins->nopen;
	json_array_foreach(opens, i, j) {
		struct instr_open *o = &ins->opens[ins->nopen];
		const char *aud;
		char op[160];

		snprintf(op, sizeof op, "%s.open[%zu]", p, i);
		if (!json_is_object(j)) {
			bad(v, op, "must be an object");
			continue;
		}
		check_keys(v, op, j, okeys);
		o->id = get_str(v, op, j, "id", 1, 32);
		if (o->id != NULL && !ident_lower(o->id, 32))
			bad(v, op, "id \"%s\" must be lower-case letters, digits or _", o->id);
		else if (o->id != NULL && FIND(ins->opens, ins->nopen, o->id) >= 0)
			bad(v, op, "open question id \"%s\" is used twice", o->id);
		o->audience = -1;
		if ((aud = get_str(v, op, j, "audience", 1, 16)) != NULL) {
			if (strcmp(aud, "self") == 0)
				o->audience = AUD_SELF;
			else if (strcmp(aud, "rater") == 0)
				o->audience = AUD_RATER;
			else
				bad(v, op, "\"audience\" must be \"self\" or \"rater\", not \"%s\"", aud);
		}
		o->section = sec;
		get_text(v, op, j, "text", 1, &o->text);
		ins->nopen++;
	}
	ins->sections[sec].nopen = ins->nopen - ins->sections[sec].open0;
}

static void load_sections(struct vctx *v, json_t *root)
{
	static const char *const keys[] = {"id", "title", "question", "about", "items", "open", NULL};
	struct instrument *ins = v->ins;
	json_t *arr = get_array(v, "$", root, "sections", 1, 1, 16);
	size_t i, nitem = 0, nopen = 0;
	json_t *j, *x;

	if (arr == NULL)
		return;
	/* Size the flat item and open-question arrays first. */
	json_array_foreach(arr, i, j) {
		if ((x = json_object_get(j, "items")) != NULL && json_is_array(x))
			nitem += json_array_size(x);
		if ((x = json_object_get(j, "open")) != NULL && json_is_array(x))
			nopen += json_array_size(x);
	}
	ins->sections = arena_calloc(ins->arena, json_array_size(arr), sizeof *ins->sections);
	ins->items = arena_calloc(ins->arena, nitem + 1, sizeof *ins->items);
	ins->opens = arena_calloc(ins->arena, nopen + 1, sizeof *ins->opens);
	if (ins->sections == NULL || ins->items == NULL || ins->opens == NULL) {
		bad(v, "$", "out of memory");
		return;
	}
	json_array_foreach(arr, i, j) {
		struct instr_section *s = &ins->sections[ins->nsection];
		char p[64];

		snprintf(p, sizeof p, "$.sections[%zu]", i);
		if (!json_is_object(j)) {
			bad(v, p, "must be an object");
			continue;
		}
		check_keys(v, p, j, keys);
		s->id = GET_ID(v, p, j, ins->sections, ins->nsection, "section");
		get_text(v, p, j, "title", 1, &s->title);
		get_text(v, p, j, "question", 0, &s->question);
		get_text(v, p, j, "about", 0, &s->about);
		load_section_items(v, p, j, ins->nsection);
		if (s->nitem == 0 && s->nopen == 0)
			bad(v, p, "has neither items nor open questions");
		ins->nsection++;
	}
	for (int d = 0; d < ins->ndimension; d++)
		if (ins->dimensions[d].id != NULL && ins->dimensions[d].nitem == 0)
			bad(v, "$.dimensions", "dimension \"%s\" has no items", ins->dimensions[d].id);
}

static void load_groups(struct vctx *v, json_t *root)
{
	static const char *const keys[] = {"id", "self", "label", "description", "threshold",
					   "anonymous", "optional", "invite", NULL};
	static const char *const invkeys[] = {"min", "max", NULL};
	struct instrument *ins = v->ins;
	json_t *arr = get_array(v, "$", root, "groups", 1, 2, 32);
	int nself = 0;
	size_t i;
	json_t *j, *inv;

	if (arr == NULL)
		return;
	ins->groups = arena_calloc(ins->arena, json_array_size(arr), sizeof *ins->groups);
	if (ins->groups == NULL) {
		bad(v, "$", "out of memory");
		return;
	}
	json_array_foreach(arr, i, j) {
		struct instr_group *g = &ins->groups[ins->ngroup];
		char p[64], ip[80];

		snprintf(p, sizeof p, "$.groups[%zu]", i);
		if (!json_is_object(j)) {
			bad(v, p, "must be an object");
			continue;
		}
		check_keys(v, p, j, keys);
		g->id = get_str(v, p, j, "id", 1, 32);
		if (g->id != NULL && !ident_lower(g->id, 32))
			bad(v, p, "id \"%s\" must be lower-case letters, digits or _", g->id);
		else if (g->id != NULL && strcmp(g->id, "overig") == 0)
			bad(v, p, "\"overig\" is reserved for the merged small groups");
		else if (g->id != NULL && FIND(ins->groups, ins->ngroup, g->id) >= 0)
			bad(v, p, "group id \"%s\" is used twice", g->id);
		g->self = get_bool(v, p, j, "self", 0);
		get_text(v, p, j, "label", 1, &g->label);
		get_text(v, p, j, "description", 0, &g->description);
		g->optional = get_bool(v, p, j, "optional", 0);
		if (g->self) {
			nself++;
			if (g->id != NULL && strcmp(g->id, "self") != 0)
				bad(v, p, "the self group must have the id \"self\"");
			if (json_object_get(j, "threshold") || json_object_get(j, "anonymous"))
				bad(v, p, "the self group has no threshold and is not anonymous");
			g->threshold = 1;
			ins->ngroup++;
			continue;
		}
		g->anonymous = get_bool(v, p, j, "anonymous", 1);
		/* Below 3 a group's mean gives individual answers away; only a
		 * group whose raters are told so on the form may go lower. */
		g->threshold = get_int(v, p, j, "threshold", 0, 1, 100, 3);
		if (g->anonymous && g->threshold < 3)
			bad(v, p, "\"threshold\" must be at least 3 for an anonymous group "
			    "(declare \"anonymous\": false to go lower)");
		if ((inv = json_object_get(j, "invite")) != NULL) {
			snprintf(ip, sizeof ip, "%s.invite", p);
			if (!json_is_object(inv)) {
				bad(v, ip, "must be an object {\"min\": N, \"max\": M}");
			} else {
				check_keys(v, ip, inv, invkeys);
				g->invite_min = get_int(v, ip, inv, "min", 1, 1, 1000, 0);
				g->invite_max = get_int(v, ip, inv, "max", 1, 1, 1000, 0);
				if (g->invite_min > g->invite_max)
					bad(v, ip, "\"min\" is larger than \"max\"");
			}
		}
		ins->ngroup++;
	}
	if (nself != 1)
		bad(v, "$.groups", "must have exactly one group with \"self\": true, not %d", nself);
	else if (ins->ngroup < 2)
		bad(v, "$.groups", "must have at least one group of raters besides self");
}

static void load_root(struct vctx *v, json_t *root)
{
	static const char *const keys[] = {"format", "id", "version", "languages", "title",
					   "subject", "anonymity_note", "scales", "arenas",
					   "dimensions", "sections", "groups", NULL};
	struct instrument *ins = v->ins;
	int format;

	if (!json_is_object(root)) {
		bad(v, "$", "an instrument must be a JSON object");
		return;
	}
	check_keys(v, "$", root, keys);
	format = get_int(v, "$", root, "format", 1, 0, 1000, INSTR_FORMAT);
	if (format != INSTR_FORMAT) {
		bad(v, "$.format", "this program reads format %d, not %d", INSTR_FORMAT, format);
		return;
	}
	ins->id = get_str(v, "$", root, "id", 1, 64);
	if (ins->id != NULL && !ident_lower(ins->id, 64))
		bad(v, "$", "id \"%s\" must be lower-case letters, digits or _", ins->id);
	ins->version = get_str(v, "$", root, "version", 1, 32);
	if (ins->version != NULL && text_has_control(ins->version, 0))
		bad(v, "$", "\"version\" contains a control character");
	load_languages(v, root);
	if (ins->nlang == 0)
		return;  /* every text below would be reported; one message is enough */
	get_text(v, "$", root, "title", 1, &ins->title);
	get_text(v, "$", root, "subject", 1, &ins->subject);
	get_text(v, "$", root, "anonymity_note", 1, &ins->anonymity_note);
	load_scales(v, root);
	load_arenas(v, root);
	load_dimensions(v, root);
	load_sections(v, root);
	load_groups(v, root);
}

int instrument_parse(const char *text, size_t n, const char *origin,
		     struct instrument **out, struct buf *problems, int *nproblem)
{
	struct vctx v = {.origin = origin, .out = problems};
	size_t bad_at;
	json_error_t jerr;
	json_t *root;

	*out = NULL;
	if (nproblem)
		*nproblem = 0;
	if ((bad_at = utf8_invalid_at(text, n)) != n) {
		/* Name the place, as jansson does for syntax errors. */
		size_t line = 1, col = 1;
		for (size_t i = 0; i < bad_at; i++, col++)
			if (text[i] == '\n')
				line++, col = 0;
		v.nproblem++;
		if (problems)
			buf_printf(problems, "%s:%zu:%zu: the file is not valid UTF-8 (save it as UTF-8)\n",
				   origin, line, col);
		goto fail;
	}
	root = json_loadb(text, n, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		v.nproblem++;
		if (problems)
			buf_printf(problems, "%s:%d:%d: %s\n", origin, jerr.line, jerr.column, jerr.text);
		goto fail;
	}
	v.ins = calloc(1, sizeof *v.ins);
	if (v.ins == NULL || (v.ins->arena = arena_new()) == NULL) {
		free(v.ins);
		json_decref(root);
		bad(&v, "$", "out of memory");
		goto fail;
	}
	load_root(&v, root);
	json_decref(root);
	if (v.ins->arena->failed)
		bad(&v, "$", "out of memory");
	if (v.nproblem > 0) {
		instrument_free(v.ins);
		goto fail;
	}
	*out = v.ins;
	return AZ_OK;
fail:
	if (nproblem)
		*nproblem = v.nproblem;
	return AZ_EINVAL;
}

void instrument_free(struct instrument *ins)
{
	if (ins == NULL)
		return;
	arena_free(ins->arena);
	free(ins);
}

const char *itext_get(const struct instrument *ins, const struct itext *t, const char *lang)
{
	for (int i = 0; i < ins->nlang; i++)
		if (lang != NULL && strcmp(ins->lang[i], lang) == 0 && t->s[i] != NULL)
			return t->s[i];
	return t->s[0] != NULL ? t->s[0] : "";
}

int instrument_has_lang(const struct instrument *ins, const char *lang)
{
	for (int i = 0; i < ins->nlang; i++)
		if (strcmp(ins->lang[i], lang) == 0)
			return 1;
	return 0;
}

int instrument_find_item(const struct instrument *ins, const char *id)
{
	return FIND(ins->items, ins->nitem, id);
}

int instrument_find_group(const struct instrument *ins, const char *id)
{
	return FIND(ins->groups, ins->ngroup, id);
}

int instrument_find_open(const struct instrument *ins, const char *id)
{
	return FIND(ins->opens, ins->nopen, id);
}

int instrument_find_dimension(const struct instrument *ins, const char *id)
{
	return FIND(ins->dimensions, ins->ndimension, id);
}

int instrument_self_group(const struct instrument *ins)
{
	for (int i = 0; i < ins->ngroup; i++)
		if (ins->groups[i].self)
			return i;
	return -1;
}

void instrument_digest(const char *text, size_t n, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)text, n, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}
