/* gst-bitnet: statistics and helpers shared by the crossval elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

typedef struct {
  double estimate; /* median(a) / median(b) */
  double lo, hi;   /* 95% percentile-bootstrap interval; NAN when too few samples */
  guint n_a, n_b;
} BnRatioCi;

double bn_cv_median (const GArray *values);
void bn_cv_ratio_ci (const GArray *a, const GArray *b, guint64 seed, BnRatioCi *out);

G_END_DECLS
