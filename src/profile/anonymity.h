/* anonymity.h — which rater groups may be shown under their own name.
 *
 * The rule (docs/privacy.md, docs/statistics.md): an anonymous group with
 * fewer raters than its threshold is never shown by name; its raters go
 * into "overig". When "overig" is then still below the threshold (the
 * highest threshold among the groups in it, at least 3), the smallest
 * shown anonymous group joins it, and so on, until it is not. So no shown
 * group, and no difference "all others minus the shown groups", rests on
 * between 1 and threshold-1 raters. A group declared non-anonymous is shown
 * as it is: its raters were told so on the form.
 *
 * Pure code over arrays; no allocation.
 */
#ifndef AZ_ANONYMITY_H
#define AZ_ANONYMITY_H

#define ANON_MIN_THRESHOLD 3

/* For ngroup rater groups (the leader's own group excluded) with n[i]
 * raters, threshold[i] and anonymous[i], set merged[i] to 1 for every group
 * that goes into "overig" and 0 for those shown by name. Returns the number
 * of raters in "overig" (0 when none), or -1 when even all anonymous groups
 * together stay below the threshold: then nothing of them may be shown. */
int anon_merge(int ngroup, const int *n, const int *threshold, const int *anonymous, int *merged);

#endif
