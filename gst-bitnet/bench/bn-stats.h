/* gst-bitnet: statistics on arrays of doubles
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_BENCH_INSIDE) && !defined(BN_BENCH_COMPILATION)
#error "Only <gst-bitnet/bench/bench.h> can be included directly."
#endif

#include <glib.h>
#include <gst-bitnet/bench/bench-prelude.h>

G_BEGIN_DECLS

/**
 * BN_STATS_MIN_MANN_WHITNEY:
 *
 * The smallest sample on each side for which a Mann-Whitney p-value is
 * reported (with 3 against 3 the smallest two-sided exact p is 0.1).
 *
 * Since: 0.2
 */
#define BN_STATS_MIN_MANN_WHITNEY 3

/**
 * BN_STATS_MIN_BOOTSTRAP:
 *
 * The smallest sample on each side that bn_stats_bootstrap_ratio_of_medians()
 * gives an interval for: a median of 2 resampled values says nothing about
 * the spread.
 *
 * Since: 0.2
 */
#define BN_STATS_MIN_BOOTSTRAP 3

BN_BENCH_API void bn_doubles_sort (double *values, gsize n);
BN_BENCH_API double bn_percentile (const double *sorted, gsize n, double p);

BN_BENCH_API double bn_stats_median (const double *v, gsize n);
BN_BENCH_API double bn_stats_quantile (const double *v, gsize n, double p);
BN_BENCH_API double bn_stats_norm_cdf (double x);
BN_BENCH_API double bn_stats_norm_quantile (double p);
BN_BENCH_API double bn_stats_binom_half_cdf (gssize k, gsize n);

BN_BENCH_API gboolean bn_stats_median_ci (const double *v, gsize n, double level, double *lo, double *hi,
                                          double *coverage);
BN_BENCH_API gsize bn_stats_median_ci_min_n (double level);
BN_BENCH_API gboolean bn_stats_paired_ratio (const double *baseline, const double *candidate, gsize n, double level,
                                             double *ratio, double *lo, double *hi);

BN_BENCH_API gboolean bn_stats_log_median_se (const double *v, gsize n, double *se);
BN_BENCH_API gboolean bn_stats_ratio_of_medians (const double *baseline, gsize n_baseline, const double *current,
                                                 gsize n_current, double level, double *ratio, double *lo, double *hi);
BN_BENCH_API gboolean bn_stats_bootstrap_ratio_of_medians (const double *a, gsize n_a, const double *b, gsize n_b,
                                                           double level, guint resamples, guint64 seed, double *lo,
                                                           double *hi);

/**
 * BnMannWhitney:
 * @u: the U statistic of the first sample (number of pairs in which its
 *   value is the larger, ties counting one half)
 * @z: the normal score, continuity- and tie-corrected (0 when exact)
 * @p: the two-sided p-value
 * @exact: whether @p comes from the exact distribution of U (no ties, at
 *   most 25 values per side) rather than the normal approximation
 *
 * The result of bn_stats_mann_whitney().
 *
 * Since: 0.2
 */
typedef struct {
  double u;
  double z;
  double p;
  gboolean exact;
} BnMannWhitney;

BN_BENCH_API gboolean bn_stats_mann_whitney (const double *x, gsize nx, const double *y, gsize ny, gboolean allow_exact,
                                             BnMannWhitney *result);
BN_BENCH_API double bn_stats_mann_whitney_exact_p (gsize nx, gsize ny, double u);

BN_BENCH_API double bn_stats_student_t_two_sided_p (double t, double df);
BN_BENCH_API double bn_stats_student_t_quantile (double p, double df);
BN_BENCH_API gboolean bn_stats_welch (const double *x, gsize nx, const double *y, gsize ny, double *t, double *df,
                                      double *p);

G_END_DECLS
