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
  return bn_stats_median ((const double *) values->data, values->len);
}

/*
 * The ratio of the medians of @a and @b (per-iteration figures of two
 * implementations) with a 95% percentile-bootstrap interval
 * (bn_stats_bootstrap_ratio_of_medians(): 4000 resamples, each side on its
 * own, from @seed, so the same samples give the same interval). With fewer
 * than 3 samples on a side no interval is given (lo = hi = NAN).
 * docs/design/0009-one-statistics-module.md says why a bootstrap here and
 * Price-Bonett in regression-analyzer.
 */
void
bn_cv_ratio_ci (const GArray *a, const GArray *b, guint64 seed, BnRatioCi *out)
{
  out->n_a = a->len;
  out->n_b = b->len;
  out->lo = out->hi = NAN;
  double ma = bn_cv_median (a), mb = bn_cv_median (b);
  out->estimate = mb > 0 ? ma / mb : NAN;
  if (!(mb > 0)
      || !bn_stats_bootstrap_ratio_of_medians ((const double *) a->data, a->len, (const double *) b->data, b->len, 0.95,
                                               4000, seed, &out->lo, &out->hi))
    out->lo = out->hi = NAN;
}
