/* Tests of the statistics module (gst-bitnet/bench/bn-stats.h) against
 * values computed by hand. */
#include <gst-bitnet/bench/bench.h>
#include <math.h>
#include <string.h>

static void
test_percentile (void)
{
  /* R type 7: position p (n - 1); 1..5 at the 25th is 2, at the 90th 4.6 */
  double s[] = { 1, 2, 3, 4, 5 };
  g_assert_cmpfloat (bn_percentile (s, 5, 0), ==, 1);
  g_assert_cmpfloat (bn_percentile (s, 5, 25), ==, 2);
  g_assert_cmpfloat_with_epsilon (bn_percentile (s, 5, 90), 4.6, 1e-12);
  g_assert_cmpfloat (bn_percentile (s, 5, 100), ==, 5);
  /* out of range clamps; nothing gives 0, as receipts have always written */
  g_assert_cmpfloat (bn_percentile (s, 5, 150), ==, 5);
  g_assert_cmpfloat (bn_percentile (s, 0, 50), ==, 0);
  double v[] = { 5, 3, 1, 4, 2, 2.5 };
  bn_doubles_sort (v, 6);
  double sorted[] = { 1, 2, 2.5, 3, 4, 5 };
  g_assert_cmpmem (v, sizeof v, sorted, sizeof sorted);
  /* the median is the 50th percentile, bit for bit */
  double four[] = { 0.1, 0.7, 0.3, 0.2 };
  g_assert_cmpfloat (bn_stats_median (four, 4), ==, bn_stats_quantile (four, 4, 0.5));
  g_assert_true (isnan (bn_stats_quantile (four, 0, 0.5)));
}

static void
test_stats_median (void)
{
  double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 };
  g_assert_cmpfloat (bn_stats_median (odd, 3), ==, 2);
  g_assert_cmpfloat (bn_stats_median (even, 4), ==, 2.5);
  g_assert_true (isnan (bn_stats_median (odd, 0)));
  /* linear interpolation: position 0.95 * 3 = 2.85 between 3 and 4 */
  g_assert_cmpfloat_with_epsilon (bn_stats_quantile (even, 4, 0.95), 3.85, 1e-12);
  g_assert_cmpfloat_with_epsilon (bn_stats_norm_quantile (0.975), 1.959963984540054, 1e-12);
  g_assert_cmpfloat_with_epsilon (bn_stats_norm_quantile (0.5), 0, 1e-14);
  g_assert_cmpfloat_with_epsilon (bn_stats_norm_cdf (-1.959963984540054), 0.025, 1e-14);
  /* P(Bin(6, 1/2) <= 0) = 1/64; P(Bin(10, 1/2) <= 1) = 11/1024 */
  g_assert_cmpfloat_with_epsilon (bn_stats_binom_half_cdf (0, 6), 1.0 / 64, 1e-15);
  g_assert_cmpfloat_with_epsilon (bn_stats_binom_half_cdf (1, 10), 11.0 / 1024, 1e-15);
}

static void
test_stats_median_ci_large (void)
{
  /* the usual table: n = 100 gives [Y(40), Y(61)], coverage 96.48%; n = 1000
   * gives [Y(469), Y(532)], 95.37% (kernel-bench's sample sizes) */
  double v[1000], lo, hi, cov;
  for (guint i = 0; i < 1000; i++)
    v[i] = 1000 - i;
  g_assert_true (bn_stats_median_ci (v + 900, 100, 0.95, &lo, &hi, &cov));
  g_assert_cmpfloat (lo, ==, 40);
  g_assert_cmpfloat (hi, ==, 61);
  g_assert_cmpfloat_with_epsilon (cov, 0.9647997997822952, 1e-12);
  g_assert_true (bn_stats_median_ci (v, 1000, 0.95, &lo, &hi, &cov));
  g_assert_cmpfloat (lo, ==, 469);
  g_assert_cmpfloat (hi, ==, 532);
  g_assert_cmpfloat_with_epsilon (cov, 0.9537088026395019, 1e-12);
  g_assert_cmpfloat (cov, >=, 0.95);
}

static void
test_stats_median_ci (void)
{
  double v[] = { 15, 11, 14, 10, 13, 12, 19, 17, 16, 18 };
  double lo, hi, cov;
  /* 5 values: even [min, max] covers the median with 1 - 2/32 = 93.75% only */
  g_assert_false (bn_stats_median_ci (v, 5, 0.95, &lo, &hi, &cov));
  g_assert_cmpuint (bn_stats_median_ci_min_n (0.95), ==, 6);
  g_assert_cmpuint (bn_stats_median_ci_min_n (0.99), ==, 8);
  /* 6 values: [min, max] with coverage 1 - 2/64 */
  g_assert_true (bn_stats_median_ci (v, 6, 0.95, &lo, &hi, &cov));
  g_assert_cmpfloat (lo, ==, 10);
  g_assert_cmpfloat (hi, ==, 15);
  g_assert_cmpfloat_with_epsilon (cov, 1 - 2.0 / 64, 1e-15);
  /* 10 values: [Y(2), Y(9)], coverage 1 - 2 * 11/1024 = 97.85%; [Y(3), Y(8)] would be 89% */
  g_assert_true (bn_stats_median_ci (v, 10, 0.95, &lo, &hi, &cov));
  g_assert_cmpfloat (lo, ==, 11);
  g_assert_cmpfloat (hi, ==, 18);
  g_assert_cmpfloat_with_epsilon (cov, 1 - 22.0 / 1024, 1e-15);
}

static void
test_stats_ratio_of_medians (void)
{
  /* By hand: n = 6, a = round(3 - sqrt 6) = 1, z0 = Phi^-1(1 - 1/64) = 2.153874694061;
   * se = ln(15/10) / (2 z0) = 0.094124581441 on each side (the current values are
   * twice the baseline's); ratio = 25 / 12.5 = 2; bounds exp(ln 2 -+ 1.959964 sqrt 2 se). */
  double base[] = { 10, 11, 12, 13, 14, 15 }, cur[] = { 20, 22, 24, 26, 28, 30 };
  double se, ratio, lo, hi;
  g_assert_true (bn_stats_log_median_se (base, 6, &se));
  g_assert_cmpfloat_with_epsilon (se, 0.094124581441, 1e-11);
  g_assert_true (bn_stats_ratio_of_medians (base, 6, cur, 6, 0.95, &ratio, &lo, &hi));
  g_assert_cmpfloat_with_epsilon (ratio, 2, 1e-12);
  g_assert_cmpfloat_with_epsilon (lo, 1.540723245004, 1e-10);
  g_assert_cmpfloat_with_epsilon (hi, 2.596183326870, 1e-10);
  /* the published example of Bonett's statpsych ci.ratio.median2: 1.162162 [0.927667, 1.455933] */
  double y1[] = { 36, 44, 47, 42, 49, 39, 46, 31, 33, 48 };
  double y2[] = { 32, 39, 26, 35, 43, 27, 40, 37, 34, 29, 49, 42, 40 };
  g_assert_true (bn_stats_ratio_of_medians (y2, 13, y1, 10, 0.95, &ratio, &lo, &hi));
  g_assert_cmpfloat_with_epsilon (ratio, 1.162162, 1e-6);
  g_assert_cmpfloat_with_epsilon (lo, 0.927667, 1e-6);
  g_assert_cmpfloat_with_epsilon (hi, 1.455933, 1e-6);
  /* log values need positive samples */
  double bad[] = { 1, 2, 0, 4, 5, 6 };
  g_assert_false (bn_stats_ratio_of_medians (bad, 6, cur, 6, 0.95, &ratio, &lo, &hi));
}

static void
test_stats_mann_whitney (void)
{
  BnMannWhitney mw;
  double x[] = { 1, 2, 3 }, y[] = { 4, 5, 6 };
  /* U = 0: exactly 2 of the C(6,3) = 20 arrangements are as extreme */
  g_assert_true (bn_stats_mann_whitney (x, 3, y, 3, TRUE, &mw));
  g_assert_cmpfloat (mw.u, ==, 0);
  g_assert_true (mw.exact);
  g_assert_cmpfloat_with_epsilon (mw.p, 0.1, 1e-12);
  /* normal approximation: z = (4.5 - 0.5) / sqrt(3 * 3 * 7 / 12) = 1.745743, p = 0.080856 */
  g_assert_true (bn_stats_mann_whitney (x, 3, y, 3, FALSE, &mw));
  g_assert_false (mw.exact);
  g_assert_cmpfloat_with_epsilon (mw.p, 0.080855598370, 1e-9);
  /* ties: ranks of {1,2,2 | 2,3,4} are 1,3,3 | 3,5,6: U = 7 - 6 = 1; the tie of 3 gives
   * var = 9/12 (7 - 24/30) = 4.65, z = (3.5 - 0.5) / sqrt(4.65), p = 0.164160 */
  double tx[] = { 1, 2, 2 }, ty[] = { 2, 3, 4 };
  g_assert_true (bn_stats_mann_whitney (tx, 3, ty, 3, TRUE, &mw));
  g_assert_cmpfloat (mw.u, ==, 1);
  g_assert_false (mw.exact);
  g_assert_cmpfloat_with_epsilon (mw.p, 0.164159728479, 1e-9);
  /* 4 against 4, fully separated: 2 / C(8,4) = 2/70 */
  g_assert_cmpfloat_with_epsilon (bn_stats_mann_whitney_exact_p (4, 4, 0), 2.0 / 70, 1e-12);
  /* the middle of the distribution is not significant at all */
  g_assert_cmpfloat (bn_stats_mann_whitney_exact_p (4, 4, 8), ==, 1);
  /* every value equal: no evidence */
  double same[] = { 5, 5, 5 };
  g_assert_true (bn_stats_mann_whitney (same, 3, same, 3, TRUE, &mw));
  g_assert_cmpfloat (mw.p, ==, 1);
}

static void
test_stats_bootstrap (void)
{
  /* 3 values a side: a resampled median is the smallest value with probability
   * 7/27, so 49/729 = 6.7% of the ratios are min(a) / max(b), more than the 2.5%
   * tail: the interval reaches the ratios of the extremes, [1/3, 4] */
  double a[] = { 1, 2, 4 }, b[] = { 1, 2, 3 };
  double lo, hi;
  g_assert_true (bn_stats_bootstrap_ratio_of_medians (a, 3, b, 3, 0.95, 4000, 42, &lo, &hi));
  g_assert_cmpfloat_with_epsilon (lo, 1.0 / 3, 1e-15);
  g_assert_cmpfloat_with_epsilon (hi, 4, 1e-15);
  /* the same seed gives the same interval, bit for bit; another seed another */
  double x[] = { 13.1, 13.6, 12.9, 13.4, 13.8, 13.2 }, y[] = { 15.9, 16.2, 15.7, 16.0, 15.1, 16.4 };
  double lo1, hi1, lo2, hi2, lo3, hi3;
  g_assert_true (bn_stats_bootstrap_ratio_of_medians (x, 6, y, 6, 0.95, 4000, 43, &lo1, &hi1));
  g_assert_true (bn_stats_bootstrap_ratio_of_medians (x, 6, y, 6, 0.95, 4000, 43, &lo2, &hi2));
  g_assert_cmpmem (&lo1, sizeof lo1, &lo2, sizeof lo2);
  g_assert_cmpmem (&hi1, sizeof hi1, &hi2, sizeof hi2);
  g_assert_true (bn_stats_bootstrap_ratio_of_medians (x, 6, y, 6, 0.5, 4000, 44, &lo3, &hi3));
  g_assert_cmpfloat (lo3, !=, lo1);
  /* the interval holds the ratio of the medians, 13.3 / 15.95 */
  g_assert_cmpfloat (lo1, <=, 13.3 / 15.95);
  g_assert_cmpfloat (hi1, >=, 13.3 / 15.95);
  /* and lies within the ratios of the extremes */
  g_assert_cmpfloat (lo1, >=, 12.9 / 16.4);
  g_assert_cmpfloat (hi1, <=, 13.8 / 15.1);
  /* 2 values on a side: no interval */
  g_assert_false (bn_stats_bootstrap_ratio_of_medians (x, 2, y, 6, 0.95, 4000, 43, &lo, &hi));
}

/* pairs: the median of per-pair log ratios and its sign-test interval,
 * computed by hand (n = 10 at 95%: the 2nd and 9th of the sorted ratios) */
static void
test_stats_paired_ratio (void)
{
  const int order[10] = { 7, 2, 10, 5, 1, 9, 4, 6, 3, 8 };
  double base[10], cand[10];
  for (guint i = 0; i < 10; i++) {
    base[i] = 100 + 37 * i; /* drift that pairing removes */
    cand[i] = base[i] * exp (0.01 * order[i]);
  }
  double r, lo, hi;
  g_assert_true (bn_stats_paired_ratio (base, cand, 10, 0.95, &r, &lo, &hi));
  g_assert_cmpfloat_with_epsilon (r, exp (0.055), 1e-12);
  g_assert_cmpfloat_with_epsilon (lo, exp (0.02), 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, exp (0.09), 1e-12);
  /* 99%: k = 1, the extremes */
  g_assert_true (bn_stats_paired_ratio (base, cand, 10, 0.99, &r, &lo, &hi));
  g_assert_cmpfloat_with_epsilon (lo, exp (0.01), 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, exp (0.10), 1e-12);
  /* too few pairs for 95%, a figure that is not positive */
  g_assert_false (bn_stats_paired_ratio (base, cand, 5, 0.95, &r, NULL, NULL));
  cand[3] = 0;
  g_assert_false (bn_stats_paired_ratio (base, cand, 10, 0.95, &r, NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stats/percentile", test_percentile);
  g_test_add_func ("/stats/median-quantile-normal", test_stats_median);
  g_test_add_func ("/stats/median-interval", test_stats_median_ci);
  g_test_add_func ("/stats/median-interval-large", test_stats_median_ci_large);
  g_test_add_func ("/stats/ratio-of-medians", test_stats_ratio_of_medians);
  g_test_add_func ("/stats/paired-ratio", test_stats_paired_ratio);
  g_test_add_func ("/stats/bootstrap-ratio", test_stats_bootstrap);
  g_test_add_func ("/stats/mann-whitney", test_stats_mann_whitney);
  return g_test_run ();
}
