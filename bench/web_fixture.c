/* web_fixture.c — a database for the web benchmarks: one leader, one open
 * round on the default instrument, N raters, and a file with each rater's
 * link token and form token, so that wrk can send one complete response
 * per link without fetching pages first.
 *
 * Usage: web_fixture DB N TOKENS_FILE [KEY_FILE]
 * DB is a SQLite file or an empty PostgreSQL database; KEY_FILE, the new
 * link key, is needed for the latter (a SQLite file's is DB.key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/core.h"
#include "../src/core/core_internal.h"

int main(int argc, char **argv)
{
	struct core c;
	struct err e = {0};
	struct arena *a = arena_new();
	struct invitation *inv, *list;
	int64_t leader, round;
	size_t n, ninv;
	FILE *out;

	const char *key;

	if ((argc != 4 && argc != 5) || (n = (size_t)atol(argv[2])) == 0 || token_init() != 0)
		return fprintf(stderr, "usage: web_fixture DB N TOKENS_FILE [KEY_FILE]\n"), 2;
	key = argc == 5 ? argv[4] : NULL;
	if (core_init(argv[1], key, &e) != AZ_OK || core_open(&c, argv[1], key, "", &e) != AZ_OK ||
	    core_leader_add(&c, "Bench Leider", "bench@example.org", "Gemeente Bench", "nl", &leader, &e) != AZ_OK ||
	    core_round_new(&c, leader, NULL, 0, NULL, NULL, "2099-12-31", &round, &e) != AZ_OK)
		return fprintf(stderr, "%s\n", e.msg), 1;
	inv = calloc(n, sizeof *inv);
	for (size_t i = 0; i < n; i++) {
		char *mail = arena_printf(a, "r%zu@example.org", i);
		if (core_invitation_make(&c, a, round, "medewerkers", "Rater", mail, &inv[i], &e) != AZ_OK)
			return fprintf(stderr, "%s\n", e.msg), 1;
	}
	if (c.st->ops->invitations_add(c.st, inv, n, NULL, &e) != AZ_OK ||
	    core_round_open(&c, round, NULL, &e) != AZ_OK ||
	    c.st->ops->invitation_list(c.st, a, round, &list, &ninv, &e) != AZ_OK)
		return fprintf(stderr, "%s\n", e.msg), 1;
	if ((out = fopen(argv[3], "w")) == NULL)
		return perror(argv[3]), 1;
	for (size_t i = 0; i < ninv; i++) {
		char tok[TOKEN_TEXT_LEN + 1], csrf[TOKEN_TEXT_LEN + 1];
		if (strcmp(list[i].group_id, "self") == 0)
			continue;
		token_derive(c.key, list[i].nonce, tok);
		token_derive_csrf(c.key, list[i].nonce, csrf);
		fprintf(out, "%s %s\n", tok, csrf);
	}
	fclose(out);
	free(inv);
	core_close(&c);
	arena_free(a);
	return 0;
}
