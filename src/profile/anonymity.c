/* anonymity.c — see anonymity.h. */
#include "anonymity.h"

int anon_merge(int ngroup, const int *n, const int *threshold, const int *anonymous, int *merged)
{
	for (int i = 0; i < ngroup; i++)
		merged[i] = anonymous[i] && n[i] > 0 && n[i] < threshold[i];
	for (;;) {
		int m = 0, t = ANON_MIN_THRESHOLD, pick = -1;

		for (int i = 0; i < ngroup; i++) {
			if (!merged[i])
				continue;
			m += n[i];
			if (threshold[i] > t)
				t = threshold[i];
		}
		if (m == 0 || m >= t)
			return m;
		/* Still too few: the smallest shown anonymous group joins. */
		for (int i = 0; i < ngroup; i++)
			if (!merged[i] && anonymous[i] && n[i] > 0 && (pick < 0 || n[i] < n[pick]))
				pick = i;
		if (pick < 0)
			return -1;
		merged[pick] = 1;
	}
}
