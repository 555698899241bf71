/* gst-bitnet: change points in a series of measurements (E-divisive means)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * E-divisive means (Matteson and James, 2014) with exponent 1 proposes,
 * in each segment, the split that best separates the values on either
 * side in distribution; as in MongoDB's Hunter and Apache Otava a Welch
 * t-test between the two sides decides whether the split is kept, instead
 * of a permutation test, so the result is deterministic. Splitting goes on
 * until no segment has a significant split; then every kept change point is
 * tested again between its neighbours and the weakest is dropped until all
 * pass.
 */
#include "config.h"

#include "bn-changepoint-private.h"

#include <math.h>

/*
 * bn_changepoint_options_init:
 * @options: options to fill with the defaults (max_p 0.001, min_size 3,
 *   min_change 0)
 */
void
bn_changepoint_options_init (BnChangePointOptions *options)
{
  *options = (BnChangePointOptions){ .max_p = 0.001, .min_size = 3, .min_change = 0 };
}

static void
mean_var (const double *v, gsize n, double *mean, double *var)
{
  double s = 0;
  for (gsize i = 0; i < n; i++)
    s += v[i];
  *mean = s / n;
  double q = 0;
  for (gsize i = 0; i < n; i++)
    q += (v[i] - *mean) * (v[i] - *mean);
  *var = n > 1 ? q / (n - 1) : 0;
}

/*
 * bn_edivisive_statistic:
 * @values: (array length=n): the series
 * @n: its length
 * @split: the first index of the right side (1 <= @split < @n - 1 ... )
 *
 * The E-divisive divergence between values[0, split) and values[split, n)
 * with exponent 1, scaled by split (n - split) / n: large when the two sides
 * differ in distribution. Both sides need 2 values at least.
 *
 * Returns: the statistic, or NAN when a side is too small
 */
double
bn_edivisive_statistic (const double *values, gsize n, gsize split)
{
  gsize a = split, b = n - split;
  if (a < 2 || b < 2)
    return NAN;
  double between = 0, within_x = 0, within_y = 0;
  for (gsize i = 0; i < n; i++)
    for (gsize j = i + 1; j < n; j++) {
      double d = fabs (values[i] - values[j]);
      if (j < split)
        within_x += d;
      else if (i >= split)
        within_y += d;
      else
        between += d;
    }
  double e = 2 * between / (a * b) - 2 * within_x / (a * (a - 1.0)) - 2 * within_y / (b * (b - 1.0));
  return e * a * b / n;
}

/* The best split of v[0, n) with both sides >= min: O(n^2) by moving one
 * value at a time from the right side to the left. */
static gboolean
best_split (const double *v, gsize n, gsize min, gsize *where)
{
  if (n < 2 * min)
    return FALSE;
  double wx = 0, wy = 0, between = 0;
  for (gsize i = 0; i < n; i++)
    for (gsize j = i + 1; j < n; j++)
      wy += fabs (v[i] - v[j]);
  double best = -INFINITY;
  for (gsize s = 1; s + min <= n; s++) {
    /* move v[s - 1] to the left side */
    gsize k = s - 1;
    double to_left = 0, to_right = 0;
    for (gsize i = 0; i < k; i++)
      to_left += fabs (v[i] - v[k]);
    for (gsize j = k + 1; j < n; j++)
      to_right += fabs (v[k] - v[j]);
    wx += to_left;
    wy -= to_right;
    between += to_right - to_left;
    if (s < min)
      continue;
    double a = s, b = n - s;
    double e = 2 * between / (a * b) - 2 * wx / (a * (a - 1)) - 2 * wy / (b * (b - 1));
    double q = e * a * b / n;
    if (q > best) {
      best = q;
      *where = s;
    }
  }
  return best > -INFINITY;
}

/* Fills @cp with the comparison of v[from, at) and v[at, to). */
static gboolean
compare (const double *v, gsize from, gsize at, gsize to, BnChangePoint *cp)
{
  double t, df, p;
  if (!bn_stats_welch (v + from, at - from, v + at, to - at, &t, &df, &p))
    return FALSE;
  double mb, vb, ma, va;
  mean_var (v + from, at - from, &mb, &vb);
  mean_var (v + at, to - at, &ma, &va);
  double se = sqrt (vb / (at - from) + va / (to - at));
  double q = isfinite (df) && df > 0 ? bn_stats_student_t_quantile (0.975, df) : 1.959963984540054;
  double scale = mb != 0 ? 100 / fabs (mb) : NAN;
  *cp = (BnChangePoint){
    .index = at,
    .mean_before = mb,
    .mean_after = ma,
    .change = (ma - mb) * scale,
    .lo = (ma - mb - q * se) * scale,
    .hi = (ma - mb + q * se) * scale,
    .p = p,
    .t = t,
    .n_before = at - from,
    .n_after = to - at,
  };
  return TRUE;
}

static gboolean
passes (const BnChangePoint *cp, const BnChangePointOptions *o)
{
  return cp->p <= o->max_p && (o->min_change <= 0 || fabs (cp->change) >= o->min_change);
}

static int
cmp_index (gconstpointer a, gconstpointer b)
{
  gsize x = *(const gsize *) a, y = *(const gsize *) b;
  return x < y ? -1 : x > y;
}

/*
 * bn_changepoints_find:
 * @values: (array length=n): the series, in order (of commits, of dates)
 * @n: its length
 * @options: (nullable): options; %NULL for the defaults
 *
 * Finds the change points of @values: hierarchical E-divisive splitting,
 * each split kept only when a Welch t-test between its two sides passes
 * @options, then every change point re-tested between its neighbours.
 * Deterministic: the same values always give the same change points.
 *
 * Returns: (transfer full): #BnChangePoint in increasing index order
 */
GArray *
bn_changepoints_find (const double *values, gsize n, const BnChangePointOptions *options)
{
  BnChangePointOptions defaults;
  if (!options) {
    bn_changepoint_options_init (&defaults);
    options = &defaults;
  }
  gsize min = MAX (options->min_size, 2);
  g_autoptr (GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize)); /* sorted split indices */
  for (;;) {
    /* the segments between the cuts; the most significant split among them */
    gboolean found = FALSE;
    BnChangePoint best = { 0 };
    for (guint s = 0; s <= cuts->len; s++) {
      gsize from = s ? g_array_index (cuts, gsize, s - 1) : 0;
      gsize to = s < cuts->len ? g_array_index (cuts, gsize, s) : n;
      gsize at = 0;
      BnChangePoint cp;
      if (!best_split (values + from, to - from, min, &at) || !compare (values, from, from + at, to, &cp))
        continue;
      if (passes (&cp, options) && (!found || cp.p < best.p)) {
        best = cp;
        found = TRUE;
      }
    }
    if (!found)
      break;
    g_array_append_val (cuts, best.index);
    g_array_sort (cuts, cmp_index);
  }

  /* re-test between neighbours; drop the weakest until all pass */
  GArray *out = g_array_new (FALSE, FALSE, sizeof (BnChangePoint));
  for (;;) {
    g_array_set_size (out, 0);
    guint weakest = G_MAXUINT;
    double weakest_p = -1;
    for (guint i = 0; i < cuts->len; i++) {
      gsize from = i ? g_array_index (cuts, gsize, i - 1) : 0;
      gsize to = i + 1 < cuts->len ? g_array_index (cuts, gsize, i + 1) : n;
      BnChangePoint cp;
      if (!compare (values, from, g_array_index (cuts, gsize, i), to, &cp))
        cp.p = 1;
      g_array_append_val (out, cp);
      if (!passes (&cp, options) && cp.p > weakest_p) {
        weakest = i;
        weakest_p = cp.p;
      }
    }
    if (weakest == G_MAXUINT)
      return out;
    g_array_remove_index (cuts, weakest);
  }
}
