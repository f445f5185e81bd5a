/* demo.c — a fictional municipality to look around in.
 *
 * Gemeente Dijkwaard does not exist; neither do its people (their e-mail
 * addresses use the reserved .example domain). The answers are generated
 * by a small model so that the profile shows something worth reading: the
 * secretary's true level per dimension, a self-view with a blind spot and
 * a hidden strength, a leniency per rater, a view per group, noise per
 * item, and "kan ik niet beoordelen" where a group can't see an arena.
 * The generator is seeded, so the demo answers are the same every time.
 */
#include "core.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../util/text.h"
#include "core_internal.h"

/* splitmix64: small, seedable, good enough for made-up answers. Never
 * used for anything secret: tokens come from libsodium. */
static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double rnd_unit(uint64_t *s)
{
	return (double)(rnd_next(s) >> 11) / 9007199254740992.0;
}

static double rnd_normal(uint64_t *s, double sd)
{
	double u = rnd_unit(s), v = rnd_unit(s);

	if (u < 1e-12)
		u = 1e-12;
	return sd * sqrt(-2.0 * log(u)) * cos(2.0 * 3.14159265358979323846 * v);
}

/* The secretary's level per dimension as the environment sees it, and how
 * far the self-view lies from it (positive: a blind spot). */
static const struct {
	const char *dim;
	double level, self_shift;
} truth[] = {
	{"omgeving", 3.9, 0.1},     {"drijfveren", 4.1, 0.0},
	{"regisserend", 3.4, 0.8},  {"faciliterend", 3.8, 0.1},
	{"handhavend", 3.3, -0.1},  {"inspirerend", 3.5, 0.6},
	{"verbindend", 4.3, -0.7},  {"verandering", 3.2, 0.2},
	{"rolbalans", 3.7, 0.0},    {"netwerken", 4.0, -0.2},
};

/* Who is invited, per group. */
static const struct {
	const char *group;
	const char *names[9];
} people[] = {
	{"bestuur", {"Henk Bosman", "Ayşe Yıldız", "Pieter de Graaf", "Fatima el Amrani", "Joost Verhoeven"}},
	{"raad", {"Ingrid Smulders", "Ruud van Leeuwen", "Samira Bouzid", "Theo Kramer"}},
	{"mt", {"Els Jansen", "Mohammed Aydın", "Karin de Wit", "Bart Hendriks", "Noor Visser", "Frank Mulder"}},
	{"medewerkers", {"Lotte de Boer", "Daan Meijer", "Sanne Peters", "Jeroen Bakker", "Yara Kok",
			 "Wouter Dekker", "Iris van Dijk", "Ravi Ramdin", "Femke Hoekstra"}},
	{"peers", {"Margreet Scholten", "Arjen Postma", "Hanneke Wolters", "Kees Brouwer"}},
	{"partners", {"Gerard Kuipers", "Nadia Haddou", "Willem Timmermans", "Anouk Vos", "Erik Smits",
		      "Miriam Gerritsen"}},
};

/* The probability that a rater of group can't judge an item of arena. */
static double cannot_judge(const char *group, const char *arena)
{
	if (arena == NULL)
		return 0.03;
	if (strcmp(group, "partners") == 0 && strcmp(arena, "bedrijfsvoering") == 0)
		return 0.6;
	if (strcmp(group, "peers") == 0)
		return strcmp(arena, "fysiek") == 0 ? 0.15 : 0.45;
	if (strcmp(group, "medewerkers") == 0 &&
	    (strcmp(arena, "sociaal") == 0 || strcmp(arena, "fysiek") == 0))
		return 0.25;
	if (strcmp(group, "raad") == 0 && strcmp(arena, "bedrijfsvoering") == 0)
		return 0.3;
	return 0.04;
}

/* Made-up open answers, per question id. */
static const struct {
	const char *question;
	const char *texts[4];
} stories[] = {
	{"mijn_verhaal", {"Dijkwaard verandert snel: de opvang van nieuwkomers, de woningnood en de "
			  "energietransitie vragen een gemeente die dichtbij is en samen optrekt met inwoners."}},
	{"wat_drijft", {"Ik wil dat mensen merken dat de overheid er voor hen is, juist als het even niet "
			"lukt. Dat heb ik van huis uit meegekregen."}},
	{"mijn_gedrag", {"Ik regisseer veel en stuur graag op afspraken. Ik wil meer ruimte laten aan "
			 "teams en vaker verbinden in plaats van zelf te trekken."}},
	{"afwezig", {"In het sociaal domein ben ik te weinig zichtbaar; de wijkteams zien mij zelden."}},
	{"aanwezig", {"Bij de overleggen over de nieuwe woonwijk was de secretaris er echt: luisterend en "
		      "met oog voor alle partijen.",
		      "In de crisis rond de opvang stond de secretaris vooraan en hield het overzicht.",
		      "Op de werkvloer, tijdens de werkbezoeken op vrijdag.",
		      "In de regio, waar de secretaris bruggen slaat tussen gemeenten."}},
	{"staat_voor", {"Een betrouwbare overheid die doet wat ze zegt.",
			"Samenwerking over de grenzen van afdelingen heen.",
			"Integriteit en zorgvuldigheid.",
			"Een organisatie die inwoners centraal zet."}},
	{"mist", {"In het sociaal domein, bij de wijkteams.",
		  "Bij de dagelijkse dienstverlening aan de balie.",
		  "Als het schuurt in het college blijft de secretaris soms op afstand.",
		  "Bij de grote ruimtelijke projecten in de dorpen."}},
	{"anders", {"Eerder de ruimte geven aan teams om het zelf op te lossen.",
		    "Vaker het gesprek aangaan als het spannend wordt, ook met de raad.",
		    "Minder zelf regisseren, meer vertrouwen op het netwerk.",
		    "Duidelijker kiezen wat níet meer hoeft."}},
};

static const char *story(uint64_t *s, const char *question)
{
	for (size_t i = 0; i < sizeof stories / sizeof stories[0]; i++) {
		if (strcmp(stories[i].question, question) != 0)
			continue;
		int n = 0;
		while (n < 4 && stories[i].texts[n] != NULL)
			n++;
		return stories[i].texts[rnd_next(s) % (uint64_t)n];
	}
	return NULL;
}

/* Generate one respondent's answers into sub (arena a). In last year's
 * round (then) the environment saw a little less, and the secretary's
 * self-view lay further from it. */
static int demo_answers(const struct instrument *ins, const char *group, uint64_t *s, int then,
			struct arena *a, struct submission *sub)
{
	int self = strcmp(group, "self") == 0;
	double leniency = self ? 0.0 : rnd_normal(s, 0.35);
	double group_view = self ? 0.0 : rnd_normal(s, 0.25);

	sub->answers = arena_calloc(a, (size_t)ins->nitem, sizeof *sub->answers);
	sub->texts = arena_calloc(a, (size_t)ins->nopen + 1, sizeof *sub->texts);
	if (sub->answers == NULL || sub->texts == NULL)
		return -1;
	for (int i = 0; i < ins->nitem; i++) {
		const struct instr_item *it = &ins->items[i];
		const char *dim = ins->dimensions[it->dimension].id;
		const char *arena = it->arena >= 0 ? ins->arenas[it->arena].id : NULL;
		double level = 3.5, x;
		int score;

		for (size_t d = 0; d < sizeof truth / sizeof truth[0]; d++)
			if (strcmp(truth[d].dim, dim) == 0)
				level = truth[d].level - (then ? 0.3 : 0.0) +
					(self ? truth[d].self_shift * (then ? 1.4 : 1.0) : 0.0);
		x = level + leniency + group_view + rnd_normal(s, 0.6);
		score = (int)lround(x);
		score = score < 1 ? 1 : score > 5 ? 5 : score;
		if (!self && rnd_unit(s) < cannot_judge(group, arena))
			score = 0;
		sub->answers[sub->nanswer].item_id = it->id;
		sub->answers[sub->nanswer].score = score;
		sub->nanswer++;
	}
	for (int q = 0; q < ins->nopen; q++) {
		const struct instr_open *o = &ins->opens[q];
		if ((o->audience == AUD_SELF) != self)
			continue;
		if (!self && rnd_unit(s) > 0.6)
			continue;
		const char *t = story(s, o->id);
		if (t == NULL)
			continue;
		sub->texts[sub->ntext].question_id = o->id;
		sub->texts[sub->ntext].text = t;
		sub->ntext++;
	}
	return 0;
}

/* The token of a link URL: what follows the last '/'. */
static const char *link_token(const char *url)
{
	const char *p = strrchr(url, '/');

	return p ? p + 1 : url;
}

/* A date days from today into out[11]. */
static void date_in(char out[11], int days)
{
	time_t t = time(NULL) + (time_t)days * 24 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* One round for the demo's leader with everyone of people[] invited and
 * answering, but Femke Hoekstra when skip is set. A round of last year
 * (then) is closed and released afterwards. */
static int demo_round(struct core *c, struct arena *a, int64_t leader, int then, int skip, uint64_t *seed,
		      int64_t *round_id, size_t *ninvited, size_t *nsubmitted, struct err *e)
{
	struct round_view v;
	struct link *links;
	size_t nlink;
	char opens[11], closes[11];
	int rc;

	memset(&v, 0, sizeof v);
	date_in(opens, then ? -365 : 0);
	date_in(closes, then ? 0 : 21);
	if ((rc = core_round_new(c, leader, NULL, 0, NULL, then ? opens : NULL, closes, round_id, e)) != AZ_OK)
		return rc;
	for (size_t g = 0; g < sizeof people / sizeof people[0]; g++) {
		for (int k = 0; k < 9 && people[g].names[k] != NULL; k++) {
			char mail[128], local[64];
			const char *n = people[g].names[k];
			size_t j = 0;
			/* first letter + last word, ASCII only: "Henk Bosman" -> h.bosman */
			local[j++] = (char)(n[0] | 0x20);
			local[j++] = '.';
			for (const char *p = strrchr(n, ' ') + 1; *p && j < sizeof local - 1; p++)
				if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
					local[j++] = (char)(*p | 0x20);
			local[j] = '\0';
			snprintf(mail, sizeof mail, "%s@%s.dijkwaard.example", local, people[g].group);
			if ((rc = core_rater_add(c, *round_id, n, mail, people[g].group, e)) != AZ_OK)
				return rc;
		}
	}
	if ((rc = core_round_open(c, *round_id, NULL, e)) != AZ_OK ||
	    (rc = core_round_load(c, a, *round_id, &v, e)) != AZ_OK ||
	    (rc = core_round_links(c, a, *round_id, &links, &nlink, e)) != AZ_OK)
		return rc;
	*ninvited = nlink;
	*nsubmitted = 0;
	for (size_t i = 0; i < nlink; i++) {
		struct submission sub = {0};
		/* One staff member has not answered yet: their link stays open. */
		if (skip && strcmp(links[i].group_id, "medewerkers") == 0 && links[i].name != NULL &&
		    strcmp(links[i].name, "Femke Hoekstra") == 0)
			continue;
		if (demo_answers(v.ins, links[i].group_id, seed, then, a, &sub) != 0)
			return err_set(e, AZ_ENOMEM, "out of memory");
		if ((rc = core_submit(c, link_token(links[i].url), &sub, e)) != AZ_OK)
			return rc;
		(*nsubmitted)++;
	}
	if (then && ((rc = core_round_close(c, *round_id, e)) != AZ_OK ||
		     (rc = core_round_release(c, *round_id, e)) != AZ_OK))
		return rc;
	return AZ_OK;
}

/* A random password of DEMO_PASSWORD_LEN characters, "demo-" and three
 * groups of five letters and digits (about 77 bits). */
static void demo_password(char out[DEMO_PASSWORD_LEN + 1])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	size_t k = 0;

	memcpy(out, "demo", 4);
	k = 4;
	for (int g = 0; g < 3; g++) {
		out[k++] = '-';
		for (int i = 0; i < 5; i++)
			out[k++] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	}
	out[k] = '\0';
}

/* The administrator, the secretary's account and a coach who may read
 * last year's report. */
static int demo_accounts(struct core *c, struct demo_result *out, struct err *e)
{
	static const struct {
		int role;
		const char *email, *name;
	} acc[DEMO_ACCOUNTS] = {
		{ROLE_ADMIN, "beheer@dijkwaard.example", "Anouk Beheer"},
		{ROLE_LEADER, "m.vandalen@dijkwaard.example", "Marieke van Dalen"},
		{ROLE_COACH, "coach@dijkwaard.example", "Jan-Willem Coach"},
	};
	int64_t id;
	int rc;

	for (int i = 0; i < DEMO_ACCOUNTS; i++) {
		out->account[i].role = acc[i].role;
		out->account[i].email = acc[i].email;
		demo_password(out->account[i].password);
		if ((rc = core_user_add(c, &core_cli_actor, acc[i].email, acc[i].name, acc[i].role,
					acc[i].role == ROLE_LEADER ? out->leader_id : 0, out->account[i].password,
					"nl", &id, e)) != AZ_OK)
			return rc;
	}
	return core_round_share(c, &core_cli_actor, out->previous_round_id, acc[2].email, 1, e);
}

int core_demo(struct core *c, struct demo_result *out, struct err *e)
{
	struct arena *a = arena_new();
	uint64_t seed = 20181122;   /* the demo is the same every time */
	size_t n1, n2;
	int rc;

	memset(out, 0, sizeof *out);
	if (a == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	if ((rc = c->st->ops->meta_set(c->st, "demo", "1", e)) == AZ_OK &&
	    (rc = core_leader_add(c, "Marieke van Dalen", "m.vandalen@dijkwaard.example",
				  "Gemeente Dijkwaard", "nl", &out->leader_id, e)) == AZ_OK &&
	    (rc = demo_round(c, a, out->leader_id, 1, 0, &seed, &out->previous_round_id, &n1, &n2, e)) == AZ_OK)
		rc = demo_round(c, a, out->leader_id, 0, 1, &seed, &out->round_id, &out->ninvited,
				&out->nsubmitted, e);
	if (rc == AZ_OK)
		rc = demo_accounts(c, out, e);
	arena_free(a);
	return rc;
}
