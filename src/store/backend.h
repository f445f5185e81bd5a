/* backend.h — what the store's backends share; callers use store.h only. */
#ifndef AZ_STORE_BACKEND_H
#define AZ_STORE_BACKEND_H

#include "../util/buf.h"
#include "store.h"

/* A response's answers as the JSON object stored with it: item id to
 * score, null for "kan ik niet beoordelen" (score 0), in the order given:
 * {"OMG1": 4, "OMG2": null}. Item ids must be plain identifiers
 * ([A-Z0-9_-]) and scores 0..11, as the old answers table's CHECK had it;
 * AZ_EINVAL otherwise. out is initialised here; on success the caller
 * buf_reset()s it, on failure it is already empty. */
int store_answers_json(const struct response *r, struct buf *out, struct err *e);

#endif
