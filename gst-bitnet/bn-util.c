/* gst-bitnet: small helpers shared by the core
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-private.h"

#include <string.h>

/* Optimal string alignment distance (Levenshtein plus transpositions). */
int
_bn_levenshtein (const char *a, const char *b)
{
  size_t n = strlen (a), m = strlen (b);
  g_autofree int *d = g_new (int, (n + 1) * (m + 1));
#define D(i, j) d[(i) * (m + 1) + (j)]
  for (size_t i = 0; i <= n; i++)
    D (i, 0) = (int) i;
  for (size_t j = 0; j <= m; j++)
    D (0, j) = (int) j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      int cost = g_ascii_tolower (a[i - 1]) != g_ascii_tolower (b[j - 1]);
      int v = MIN (MIN (D (i - 1, j) + 1, D (i, j - 1) + 1), D (i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = MIN (v, D (i - 2, j - 2) + 1);
      D (i, j) = v;
    }
  int r = D (n, m);
#undef D
  return r;
}

/* The closest candidate, when close enough to be a plausible typo. */
const char *
_bn_suggest (const char *word, const char *const *candidates)
{
  const char *best = NULL;
  int best_d = G_MAXINT;
  int limit = MAX (2, (int) strlen (word) / 3);
  for (guint i = 0; candidates && candidates[i]; i++) {
    int d = _bn_levenshtein (word, candidates[i]);
    if (d < best_d || (d == best_d && best && strcmp (candidates[i], best) < 0)) {
      best_d = d;
      best = candidates[i];
    }
  }
  if (best && (best_d <= limit || g_str_has_prefix (best, word)))
    return best;
  return NULL;
}
