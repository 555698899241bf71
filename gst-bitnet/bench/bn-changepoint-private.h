/* gst-bitnet: change points in a series of measurements (E-divisive means)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Plain functions on arrays of doubles, like bn-stats-private.h: nothing
 * here knows about records, databases or elements. docs/history.md and
 * docs/design/0009-change-points.md say why this method and not another.
 */
#pragma once

#include <glib.h>
#include <gst-bitnet/bench/bench-prelude.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

/*
 * BnChangePointOptions:
 * @max_p: a split is kept when the two-sided Welch t-test between the
 *   segments on either side gives a p-value at or below this (Otava's
 *   default is 0.001)
 * @min_size: the fewest values a segment may hold (at least 2)
 * @min_change: a split whose step is smaller than this, in percent of the
 *   mean before it, is not kept (0: any significant step)
 */
typedef struct {
  double max_p;
  gsize min_size;
  double min_change;
} BnChangePointOptions;

/*
 * BnChangePoint:
 * @index: index of the first value after the change
 * @mean_before, @mean_after: means of the segments either side (each
 *   bounded by the neighbouring change points)
 * @change: (@mean_after / @mean_before - 1) in percent
 * @lo, @hi: 95% interval of @change (Welch, in percent of @mean_before)
 * @p: the two-sided p-value of the Welch t-test that kept the split
 * @t: its t statistic
 * @n_before, @n_after: sizes of the two segments
 */
typedef struct {
  gsize index;
  double mean_before, mean_after;
  double change, lo, hi;
  double p, t;
  gsize n_before, n_after;
} BnChangePoint;

BN_BENCH_API void bn_changepoint_options_init (BnChangePointOptions *options);
BN_BENCH_API GArray *bn_changepoints_find (const double *values, gsize n, const BnChangePointOptions *options);
BN_BENCH_API double bn_edivisive_statistic (const double *values, gsize n, gsize split);

G_END_DECLS
