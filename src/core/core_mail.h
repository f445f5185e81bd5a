/* core_mail.h — the use cases around e-mail, the round's life and privacy:
 * queueing messages (mail.c), sending the outbox (outbox.c), the periodic
 * work of closing rounds, reminding and erasing (tick.c), and a leader's
 * data export and erasure (privacy.c).
 *
 * Whether invitations go out by themselves when a round opens is the
 * front's choice: it sets core.mail when an SMTP server is configured.
 * Without it, nothing is queued on its own and the links are handed out by
 * hand (`aanwezig round links`); an administrator can still queue them
 * later with core_round_invite.
 */
#ifndef AZ_CORE_MAIL_H
#define AZ_CORE_MAIL_H

#include "core.h"

/* Queue a reminder for every invitee of an open round who has not
 * submitted, once per label: the label names the occasion ("d7": seven
 * days before the deadline; a date for one given by hand), so the same
 * reminder never goes twice. *queued: how many new. */
int core_round_remind(struct core *c, int64_t round_id, const char *label, size_t *queued,
		      struct err *e);

/* Queue the notice to the leader that the report of a released round is
 * ready, with the link to it (once per round). */
int core_report_notice(struct core *c, int64_t round_id, size_t *queued, struct err *e);

#endif
