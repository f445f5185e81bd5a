/* core_internal.h — helpers shared by the files of src/core only. */
#ifndef AZ_CORE_INTERNAL_H
#define AZ_CORE_INTERNAL_H

#include "core.h"

/* Load the link key into c (once); an error says how to recover it. */
int core_key(struct core *c, struct err *e);

/* The frozen instrument of a round, parsed once per instance and shared:
 * *ins stays valid until core_close() and must not be freed. stored (may
 * be NULL) gets its id, key, version and digest; its body is NULL. */
int core_round_instrument(struct core *c, struct arena *a, const struct round *r,
			  struct stored_instrument *stored, const struct instrument **ins, struct err *e);
/* Make the cache (core_open). */
int core_instrument_cache_new(struct core *c, struct err *e);
/* Release the cache (core_close). */
void core_instrument_cache_free(struct core *c);

/* Check a name-like text from a person: not empty, UTF-8, no control
 * characters, at most CORE_MAX_NAME bytes. what names it in messages. */
int core_check_name(const char *s, const char *what, struct err *e);

/* Make a new invitation for round/group with a fresh nonce and the hash of
 * the token derived from it. Strings are copied into a. */
int core_invitation_make(struct core *c, struct arena *a, int64_t round_id, const char *group,
			 const char *name, const char *email, struct invitation *out, struct err *e);

/* Check a submission against the instrument and the invitee's audience
 * and store it (strings in a). */
int core_submit_checked(struct core *c, struct arena *a, const struct invitation *inv,
			const struct instrument *ins, const struct submission *s, struct err *e);

#endif
