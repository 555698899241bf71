/* gst-bitnet: statistics and helpers shared by the crossval elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-crossval-util.h"
#include "bn-crossval-elements.h"

#include <math.h>
#include <string.h>

double
bn_cv_median (const GArray *values)
{
  if (!values->len)
    return NAN;
  g_autoptr (GArray) s = g_array_copy ((GArray *) values);
  bn_doubles_sort ((double *) s->data, s->len);
  return bn_percentile ((const double *) s->data, s->len, 50);
}

static double
median_of (double *v, guint n)
{
  bn_doubles_sort (v, n);
  return bn_percentile (v, n, 50);
}

/*
 * The ratio of the medians of @a and @b (per-iteration figures of two
 * implementations) with a 95% percentile-bootstrap interval: each side is
 * resampled with replacement on its own, 4000 times, from a fixed seed so
 * the same samples give the same interval. With fewer than 3 samples on a
 * side no interval is given (lo = hi = NAN): a median of 2 resampled values
 * says nothing about the spread.
 */
void
bn_cv_ratio_ci (const GArray *a, const GArray *b, guint64 seed, BnRatioCi *out)
{
  out->n_a = a->len;
  out->n_b = b->len;
  out->lo = out->hi = NAN;
  double ma = bn_cv_median (a), mb = bn_cv_median (b);
  out->estimate = mb > 0 ? ma / mb : NAN;
  if (a->len < 3 || b->len < 3 || !(mb > 0))
    return;
  const guint B = 4000;
  g_autoptr (GRand) r = g_rand_new_with_seed ((guint32) (seed ^ (seed >> 32)));
  g_autofree double *ra = g_new (double, a->len);
  g_autofree double *rb = g_new (double, b->len);
  g_autofree double *ratios = g_new (double, B);
  guint n = 0;
  for (guint i = 0; i < B; i++) {
    for (guint j = 0; j < a->len; j++)
      ra[j] = g_array_index (a, double, g_rand_int_range (r, 0, a->len));
    for (guint j = 0; j < b->len; j++)
      rb[j] = g_array_index (b, double, g_rand_int_range (r, 0, b->len));
    double x = median_of (ra, a->len), y = median_of (rb, b->len);
    if (y > 0)
      ratios[n++] = x / y;
  }
  if (n < B / 2)
    return;
  bn_doubles_sort (ratios, n);
  out->lo = bn_percentile (ratios, n, 2.5);
  out->hi = bn_percentile (ratios, n, 97.5);
}

JsonArray *
bn_cv_json_doubles (const GArray *values)
{
  JsonArray *a = json_array_sized_new (values->len);
  for (guint i = 0; i < values->len; i++)
    json_array_add_double_element (a, g_array_index (values, double, i));
  return a;
}

JsonArray *
bn_cv_json_ints (const gint32 *values, guint n)
{
  JsonArray *a = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_int_element (a, values[i]);
  return a;
}
