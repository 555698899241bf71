/* gst-bitnet: statistics on arrays of doubles
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:bn-stats
 * @title: Statistics
 * @short_description: percentiles, median intervals, ratios of medians, rank tests
 *
 * Plain functions on arrays of doubles, shared by every element that turns
 * samples into figures: the executors (latency percentiles), kernel-bench
 * (median of ns/op with its interval), receipt-sink (medians over runs),
 * crossval (speed ratios) and the regression elements (verdicts). Nothing
 * here knows about records, files or elements.
 *
 * One method per question (docs/design/0005-regression-statistics.md and
 * docs/design/0009-one-statistics-module.md say why):
 *
 * - a percentile: linear interpolation between order statistics
 *   (bn_percentile(), R type 7); the median is its 50th percentile, so
 *   bn_stats_median() and bn_stats_quantile() at 0.5 agree bit for bit;
 * - an interval of one median: distribution-free, from order statistics
 *   with exact binomial coverage (bn_stats_median_ci());
 * - an interval of a ratio of two medians that decides a verdict: Price and
 *   Bonett's, on log values (bn_stats_ratio_of_medians()), from 6 values a
 *   side at 95%;
 * - a ratio of medians described from 3 to 5 values a side, where no
 *   distribution-free interval at 95% exists: the seeded percentile
 *   bootstrap (bn_stats_bootstrap_ratio_of_medians()), deterministic for a
 *   seed; crossval's speed ratios use it;
 * - whether two samples differ at all: the Mann-Whitney U test
 *   (bn_stats_mann_whitney()), reported, never decisive.
 *
 * Since: 0.2
 */
#include "config.h"

#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/**
 * bn_doubles_sort:
 * @values: (array length=n): numbers
 * @n: how many
 *
 * Sorts @values in ascending order. @values may be %NULL when @n is 0.
 *
 * Since: 0.1
 */
void
bn_doubles_sort (double *values, gsize n)
{
  if (n < 2)
    return;
  qsort (values, n, sizeof (double), cmp_double);
}

/**
 * bn_percentile:
 * @sorted: (array length=n): numbers in ascending order
 * @n: how many
 * @p: the percentile, 0 to 100
 *
 * Gets the @p-th percentile of @sorted by linear interpolation between the
 * closest order statistics (the "linear" method of numpy and R type 7).
 *
 * Returns: the percentile, or 0 when @n is 0.
 *
 * Since: 0.1
 */
double
bn_percentile (const double *sorted, gsize n, double p)
{
  if (n == 0)
    return 0;
  double pos = CLAMP (p, 0, 100) / 100.0 * (n - 1);
  gsize lo = (gsize) floor (pos), hi = MIN (lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

static double *
sorted_copy (const double *v, gsize n)
{
  double *s = g_new (double, MAX (n, 1));
  if (n)
    memcpy (s, v, n * sizeof *s);
  bn_doubles_sort (s, n);
  return s;
}

/**
 * bn_stats_median:
 * @v: (array length=n): numbers, in any order
 * @n: how many
 *
 * Gets the median of @v: the middle value, or halfway between the two middle
 * ones when @n is even (the 50th percentile of bn_percentile()).
 *
 * Returns: the median, or NAN when @n is 0.
 *
 * Since: 0.2
 */
double
bn_stats_median (const double *v, gsize n)
{
  if (!n)
    return NAN;
  g_autofree double *s = sorted_copy (v, n);
  return bn_percentile (s, n, 50);
}

/**
 * bn_stats_quantile:
 * @v: (array length=n): numbers, in any order
 * @n: how many
 * @p: the quantile, 0 to 1
 *
 * Gets the @p quantile of @v by linear interpolation between order
 * statistics, as bn_percentile() does with @p x 100.
 *
 * Returns: the quantile, or NAN when @n is 0.
 *
 * Since: 0.2
 */
double
bn_stats_quantile (const double *v, gsize n, double p)
{
  if (!n)
    return NAN;
  g_autofree double *s = sorted_copy (v, n);
  return bn_percentile (s, n, p * 100);
}

/**
 * bn_stats_norm_cdf:
 * @x: a normal score
 *
 * Gets P(Z <= @x) for a standard normal Z.
 *
 * Returns: the probability.
 *
 * Since: 0.2
 */
double
bn_stats_norm_cdf (double x)
{
  return 0.5 * erfc (-x / G_SQRT2);
}

/**
 * bn_stats_norm_quantile:
 * @p: a probability
 *
 * Gets the standard normal quantile of @p: bisection to a bracket, then
 * Newton steps on the CDF from libm's erfc (accurate to a few ulps in
 * (1e-300, 1)).
 *
 * Returns: z with P(Z <= z) = @p; -INFINITY at 0, INFINITY at 1, NAN
 *   outside [0, 1].
 *
 * Since: 0.2
 */
double
bn_stats_norm_quantile (double p)
{
  if (!(p > 0 && p < 1))
    return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
  double lo = -40, hi = 40;
  for (int i = 0; i < 60; i++) {
    double mid = (lo + hi) / 2;
    if (bn_stats_norm_cdf (mid) < p)
      lo = mid;
    else
      hi = mid;
  }
  double x = (lo + hi) / 2;
  for (int i = 0; i < 3; i++) {
    double pdf = exp (-x * x / 2) / sqrt (2 * G_PI);
    if (pdf <= 0)
      break;
    x -= (bn_stats_norm_cdf (x) - p) / pdf;
  }
  return x;
}

/* P(X = i) for X ~ Binomial(n, 1/2) */
static double
binom_half_pmf (gsize i, gsize n)
{
  return exp (lgamma (n + 1.0) - lgamma (i + 1.0) - lgamma ((double) n - i + 1) - n * G_LN2);
}

/**
 * bn_stats_binom_half_cdf:
 * @k: a count
 * @n: the number of trials
 *
 * Gets P(X <= @k) for X ~ Binomial(@n, 1/2): the probability that at most
 * @k of @n values fall below their median.
 *
 * Returns: the probability.
 *
 * Since: 0.2
 */
double
bn_stats_binom_half_cdf (gssize k, gsize n)
{
  if (k < 0)
    return 0;
  if ((gsize) k >= n)
    return 1;
  double sum = 0;
  for (gssize i = 0; i <= k; i++)
    sum += binom_half_pmf (i, n);
  return MIN (sum, 1.0);
}

/* The largest k (at most (n+1)/2) whose pair Y(k), Y(n-k+1) covers the
 * median with probability at least @level, or 0 when even k = 1 does not.
 * One pass over the binomial terms, so kernel-bench's thousands of samples
 * cost O(n); the partial sums are those of bn_stats_binom_half_cdf(). */
static gsize
median_ci_rank (gsize n, double level, double *coverage)
{
  double cdf = 0; /* P(X <= k - 1) */
  gsize k = 0;
  while (k + 1 <= (n + 1) / 2) {
    double next = MIN (cdf + binom_half_pmf (k, n), 1.0);
    if (k >= 1 && 2 * next > 1 - level)
      break;
    if (k == 0 && 2 * next > 1 - level)
      return 0;
    cdf = next;
    k++;
  }
  if (coverage)
    *coverage = 1 - 2 * cdf;
  return k;
}

/**
 * bn_stats_median_ci:
 * @v: (array length=n): numbers, in any order
 * @n: how many
 * @level: the confidence asked for, such as 0.95
 * @lo: (out) (optional): the lower bound
 * @hi: (out) (optional): the upper bound
 * @coverage: (out) (optional): the exact coverage of [@lo, @hi]
 *
 * Gets the distribution-free confidence interval of the median of @v from
 * order statistics: [Y(k), Y(n-k+1)] with the largest k whose coverage
 * 1 - 2 P(Bin(n, 1/2) <= k-1) is at least @level. It assumes only that the
 * values are independent draws of one continuous distribution; the coverage
 * is exact, not asymptotic, and never below @level.
 *
 * Returns: %FALSE when even [min, max] covers less than @level (fewer than
 *   bn_stats_median_ci_min_n() values).
 *
 * Since: 0.2
 */
gboolean
bn_stats_median_ci (const double *v, gsize n, double level, double *lo, double *hi, double *coverage)
{
  if (!n)
    return FALSE;
  gsize k = median_ci_rank (n, level, coverage);
  if (!k)
    return FALSE;
  g_autofree double *s = sorted_copy (v, n);
  if (lo)
    *lo = s[k - 1];
  if (hi)
    *hi = s[n - k];
  return TRUE;
}

/**
 * bn_stats_paired_ratio:
 * @baseline: (array length=n): the baseline's figure in each pair
 * @candidate: (array length=n): the candidate's figure in each pair, measured
 *   next to its baseline (interleaved runs: adjacent runs share the machine's
 *   state)
 * @n: the number of pairs
 * @level: the confidence asked for, such as 0.95
 * @ratio: (out): exp of the median of the per-pair log ratios
 *   ln(candidate / baseline)
 * @lo: (out) (optional): the lower bound of its interval
 * @hi: (out) (optional): the upper bound
 *
 * Compares two builds (or engines) measured in pairs: the median of the
 * per-pair log ratios with its distribution-free interval from order
 * statistics (bn_stats_median_ci(): the sign-test interval), taken back to
 * ratios. Pairing removes the drift a shared machine adds to both sides; the
 * interval assumes only that the pairs are independent, not that the ratios
 * are normal. With repeated looks at a growing sample, ask for a @level
 * that accounts for them (docs/design/0020-paired-comparison.md).
 *
 * Returns: %FALSE when a figure is not a positive finite number or there
 *   are fewer than bn_stats_median_ci_min_n() pairs.
 *
 * Since: 0.2
 */
gboolean
bn_stats_paired_ratio (const double *baseline, const double *candidate, gsize n, double level, double *ratio,
                       double *lo, double *hi)
{
  g_return_val_if_fail (ratio != NULL, FALSE);
  if (!n)
    return FALSE;
  g_autofree double *d = g_new (double, n);
  for (gsize i = 0; i < n; i++) {
    if (!(baseline[i] > 0 && candidate[i] > 0 && isfinite (baseline[i]) && isfinite (candidate[i])))
      return FALSE;
    d[i] = log (candidate[i] / baseline[i]);
  }
  double dlo, dhi;
  if (!bn_stats_median_ci (d, n, level, &dlo, &dhi, NULL))
    return FALSE;
  *ratio = exp (bn_stats_median (d, n));
  if (lo)
    *lo = exp (dlo);
  if (hi)
    *hi = exp (dhi);
  return TRUE;
}

/**
 * bn_stats_median_ci_min_n:
 * @level: the confidence asked for
 *
 * Gets the smallest sample with a distribution-free @level interval of its
 * median: 6 for 95%, 7 for 97.5%, 8 for 99%.
 *
 * Returns: the number of values.
 *
 * Since: 0.2
 */
gsize
bn_stats_median_ci_min_n (double level)
{
  gsize n = 1;
  while (2 * bn_stats_binom_half_cdf (0, n) > 1 - level)
    n++;
  return n;
}

/**
 * bn_stats_log_median_se:
 * @v: (array length=n): positive numbers, in any order
 * @n: how many, at least 2
 * @se: (out): the standard error
 *
 * Estimates the standard error of the log of the median as Price and Bonett
 * do, from the order statistics Y(a), Y(n-a+1) with a = round(n/2 - sqrt(n))
 * (at least 1): half their log distance divided by the normal score of the
 * coverage of that interval.
 *
 * Returns: %FALSE when @n < 2 or a value is not positive and finite.
 *
 * Since: 0.2
 */
gboolean
bn_stats_log_median_se (const double *v, gsize n, double *se)
{
  if (n < 2)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!(v[i] > 0) || !isfinite (v[i]))
      return FALSE;
  g_autofree double *s = sorted_copy (v, n);
  gssize a = (gssize) round (n / 2.0 - sqrt ((double) n));
  a = MAX (a, 1);
  double p = bn_stats_binom_half_cdf (a - 1, n);
  double z0 = bn_stats_norm_quantile (1 - p);
  *se = (log (s[n - a]) - log (s[a - 1])) / (2 * z0);
  return TRUE;
}

/**
 * bn_stats_ratio_of_medians:
 * @baseline: (array length=n_baseline): positive numbers
 * @n_baseline: how many
 * @current: (array length=n_current): positive numbers
 * @n_current: how many
 * @level: the confidence asked for, such as 0.95
 * @ratio: (out): median(@current) / median(@baseline)
 * @lo: (out): the lower bound of the interval of @ratio
 * @hi: (out): the upper bound
 *
 * Gets the ratio of the median of @current to the median of @baseline with
 * a @level confidence interval computed on log values (Price and Bonett,
 * 2002): ln(m_c / m_b) +- z sqrt(se_c^2 + se_b^2), each se from
 * bn_stats_log_median_se(). Distribution-free; no shift or equal spread
 * assumed; @ratio always lies inside [@lo, @hi]. Simulated coverage at 95%
 * is 96-99% from 6 values a side (docs/design/0005-regression-statistics.md).
 *
 * Returns: %FALSE when a side has fewer than 2 values or a value is not
 *   positive and finite.
 *
 * Since: 0.2
 */
gboolean
bn_stats_ratio_of_medians (const double *baseline, gsize n_baseline, const double *current, gsize n_current,
                           double level, double *ratio, double *lo, double *hi)
{
  double se_b, se_c;
  if (!bn_stats_log_median_se (baseline, n_baseline, &se_b) || !bn_stats_log_median_se (current, n_current, &se_c))
    return FALSE;
  double d = log (bn_stats_median (current, n_current)) - log (bn_stats_median (baseline, n_baseline));
  double z = bn_stats_norm_quantile (1 - (1 - level) / 2);
  double se = sqrt (se_b * se_b + se_c * se_c);
  *ratio = exp (d);
  *lo = exp (d - z * se);
  *hi = exp (d + z * se);
  return TRUE;
}

/* draws @n values of @v with replacement into @out, sorts them and returns
 * their median */
static double
resampled_median (GRand *rand, const double *v, gsize n, double *out)
{
  for (gsize j = 0; j < n; j++)
    out[j] = v[g_rand_int_range (rand, 0, (gint32) n)];
  bn_doubles_sort (out, n);
  return bn_percentile (out, n, 50);
}

/**
 * bn_stats_bootstrap_ratio_of_medians:
 * @a: (array length=n_a): numbers (the numerator's side)
 * @n_a: how many
 * @b: (array length=n_b): numbers (the denominator's side)
 * @n_b: how many
 * @level: the confidence asked for, such as 0.95
 * @resamples: how many bootstrap resamples (crossval uses 4000)
 * @seed: the seed of the resampling
 * @lo: (out): the lower bound of the interval of median(@a) / median(@b)
 * @hi: (out): the upper bound
 *
 * Gets a percentile-bootstrap interval of median(@a) / median(@b): each side
 * is resampled with replacement on its own, @resamples times, from a #GRand
 * seeded with @seed folded to 32 bits, so the same values and seed always
 * give the same interval. A resample whose @b median is not positive is
 * skipped.
 *
 * Use it to describe a ratio measured from 3 to 5 values a side, where
 * bn_stats_ratio_of_medians() has no valid interval: there the percentiles
 * of the resampled ratio reach the ratios of the extremes, a wide and
 * honest interval. From 6 values a side, and for any verdict, use
 * bn_stats_ratio_of_medians(): the bootstrap of a median covers too little
 * at such sizes (docs/design/0005-regression-statistics.md).
 *
 * Returns: %FALSE when a side has fewer than %BN_STATS_MIN_BOOTSTRAP values
 *   or fewer than half the resamples gave a ratio.
 *
 * Since: 0.2
 */
gboolean
bn_stats_bootstrap_ratio_of_medians (const double *a, gsize n_a, const double *b, gsize n_b, double level,
                                     guint resamples, guint64 seed, double *lo, double *hi)
{
  if (n_a < BN_STATS_MIN_BOOTSTRAP || n_b < BN_STATS_MIN_BOOTSTRAP || !resamples)
    return FALSE;
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) (seed ^ (seed >> 32)));
  g_autofree double *ra = g_new (double, n_a);
  g_autofree double *rb = g_new (double, n_b);
  g_autofree double *ratios = g_new (double, resamples);
  guint n = 0;
  for (guint i = 0; i < resamples; i++) {
    double x = resampled_median (rand, a, n_a, ra);
    double y = resampled_median (rand, b, n_b, rb);
    if (y > 0)
      ratios[n++] = x / y;
  }
  if (n < resamples / 2)
    return FALSE;
  bn_doubles_sort (ratios, n);
  double tail = (1 - level) / 2;
  *lo = bn_percentile (ratios, n, 100 * tail);
  *hi = bn_percentile (ratios, n, 100 * (1 - tail));
  return TRUE;
}

/**
 * bn_stats_mann_whitney_exact_p:
 * @nx: the size of the first sample
 * @ny: the size of the second
 * @u: the U statistic of the first
 *
 * Gets the exact two-sided p-value of U = @u for samples of @nx and @ny
 * values without ties: the counts of U are the coefficients of the Gaussian
 * binomial [nx+ny choose nx]_q = prod_{i=1..nx} (1 - q^(ny+i)) / (1 - q^i).
 *
 * Returns: the p-value.
 *
 * Since: 0.2
 */
double
bn_stats_mann_whitney_exact_p (gsize nx, gsize ny, double u)
{
  gsize max = nx * ny;
  g_autofree double *c = g_new0 (double, max + 1);
  c[0] = 1;
  for (gsize i = 1; i <= nx; i++) {
    for (gsize k = max; k >= ny + i && k <= max; k--)
      c[k] -= c[k - ny - i];
    for (gsize k = i; k <= max; k++)
      c[k] += c[k - i];
  }
  double total = 0, tail = 0;
  double m = MIN (u, max - u);
  for (gsize k = 0; k <= max; k++) {
    total += c[k];
    if (k <= m + 1e-9)
      tail += c[k];
  }
  return MIN (1.0, 2 * tail / total);
}

typedef struct {
  double v;
  guint from_x;
} Tagged;

static int
cmp_tagged (const void *a, const void *b)
{
  return cmp_double (&((const Tagged *) a)->v, &((const Tagged *) b)->v);
}

/**
 * bn_stats_mann_whitney:
 * @x: (array length=nx): the first sample
 * @nx: its size
 * @y: (array length=ny): the second sample
 * @ny: its size
 * @allow_exact: whether the exact distribution may be used
 * @result: (out caller-allocates): the test's result
 *
 * Runs the Mann-Whitney U test of @x against @y. U is that of @x; the
 * two-sided p-value is exact when @allow_exact, there are no ties and each
 * side has at most 25 values, else from the normal approximation with the
 * tie correction of the variance and a continuity correction of 1/2.
 *
 * Returns: %FALSE when a sample is empty.
 *
 * Since: 0.2
 */
gboolean
bn_stats_mann_whitney (const double *x, gsize nx, const double *y, gsize ny, gboolean allow_exact,
                       BnMannWhitney *result)
{
  if (!nx || !ny)
    return FALSE;
  gsize n = nx + ny;
  g_autofree Tagged *t = g_new (Tagged, n);
  for (gsize i = 0; i < nx; i++)
    t[i] = (Tagged){ x[i], 1 };
  for (gsize i = 0; i < ny; i++)
    t[nx + i] = (Tagged){ y[i], 0 };
  qsort (t, n, sizeof *t, cmp_tagged);

  double rank_x = 0, ties = 0;
  for (gsize i = 0; i < n;) {
    gsize j = i;
    while (j + 1 < n && t[j + 1].v == t[i].v)
      j++;
    double avg = (i + j) / 2.0 + 1; /* ranks are 1-based */
    double g = j - i + 1;
    ties += g * g * g - g;
    for (gsize k = i; k <= j; k++)
      if (t[k].from_x)
        rank_x += avg;
    i = j + 1;
  }
  double u = rank_x - nx * (nx + 1) / 2.0;
  double mean = nx * (double) ny / 2;
  result->u = u;
  if (allow_exact && ties == 0 && nx <= 25 && ny <= 25) {
    result->exact = TRUE;
    result->z = 0;
    result->p = bn_stats_mann_whitney_exact_p (nx, ny, u);
    return TRUE;
  }
  double var = nx * (double) ny / 12 * ((n + 1) - ties / ((double) n * (n - 1)));
  result->exact = FALSE;
  if (var <= 0) {
    /* every value equal: no evidence of any difference */
    result->z = 0;
    result->p = 1;
    return TRUE;
  }
  double dev = fabs (u - mean);
  double z = MAX (dev - 0.5, 0) / sqrt (var);
  result->z = u < mean ? -z : z;
  result->p = MIN (1.0, 2 * (1 - bn_stats_norm_cdf (z)));
  return TRUE;
}

/* continued fraction of the regularized incomplete beta (modified Lentz) */
static double
beta_fraction (double a, double b, double x)
{
  const double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (fabs (d) < tiny)
    d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 300; m++) {
    double m2 = 2.0 * m;
    double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    c = 1 + num / c;
    d = fabs (d) < tiny ? 1 / tiny : 1 / d;
    c = fabs (c) < tiny ? tiny : c;
    h *= d * c;
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    c = 1 + num / c;
    d = fabs (d) < tiny ? 1 / tiny : 1 / d;
    c = fabs (c) < tiny ? tiny : c;
    double step = d * c;
    h *= step;
    if (fabs (step - 1) < 1e-15)
      break;
  }
  return h;
}

static double
incomplete_beta (double a, double b, double x)
{
  if (x <= 0)
    return 0;
  if (x >= 1)
    return 1;
  double front = exp (lgamma (a + b) - lgamma (a) - lgamma (b) + a * log (x) + b * log1p (-x));
  if (x < (a + 1) / (a + b + 2))
    return front * beta_fraction (a, b, x) / a;
  return 1 - front * beta_fraction (b, a, 1 - x) / b;
}

/**
 * bn_stats_student_t_two_sided_p:
 * @t: a t statistic
 * @df: degrees of freedom (> 0, need not be whole)
 *
 * The two-sided tail of Student's t distribution, from the regularized
 * incomplete beta function.
 *
 * Returns: P(|T| >= |@t|) for Student's t with @df degrees of freedom;
 *   NAN for a NAN @t or @df <= 0
 *
 * Since: 0.2
 */
double
bn_stats_student_t_two_sided_p (double t, double df)
{
  if (isnan (t) || df <= 0)
    return NAN;
  if (isinf (t))
    return 0;
  return incomplete_beta (df / 2, 0.5, df / (df + t * t));
}

/**
 * bn_stats_student_t_quantile:
 * @p: a probability in (0, 1)
 * @df: degrees of freedom (> 0)
 *
 * The quantile function of Student's t distribution (by bisection on
 * bn_stats_student_t_two_sided_p()).
 *
 * Returns: the t such that P(T <= t) = @p; NAN outside the domain
 *
 * Since: 0.2
 */
double
bn_stats_student_t_quantile (double p, double df)
{
  if (!(p > 0 && p < 1) || df <= 0)
    return NAN;
  double tail = p < 0.5 ? 2 * p : 2 * (1 - p); /* two-sided p of |t| */
  double lo = 0, hi = 1e6;
  for (int i = 0; i < 200; i++) {
    double mid = (lo + hi) / 2;
    if (bn_stats_student_t_two_sided_p (mid, df) > tail)
      lo = mid;
    else
      hi = mid;
  }
  double t = (lo + hi) / 2;
  return p < 0.5 ? -t : t;
}

static void
welch_mean_var (const double *v, gsize n, double *mean, double *var)
{
  double s = 0, q = 0;
  for (gsize i = 0; i < n; i++)
    s += v[i];
  *mean = s / n;
  for (gsize i = 0; i < n; i++)
    q += (v[i] - *mean) * (v[i] - *mean);
  *var = q / (n - 1);
}

/**
 * bn_stats_welch:
 * @x: (array length=nx): the first sample
 * @nx: its size (at least 2)
 * @y: (array length=ny): the second sample
 * @ny: its size (at least 2)
 * @t: (out): t statistic of mean(y) - mean(x)
 * @df: (out): Welch-Satterthwaite degrees of freedom
 * @p: (out): two-sided p-value
 *
 * Welch's unequal-variance t-test. Two samples without any spread give
 * p 1 when their means are equal and 0 otherwise.
 *
 * Returns: %FALSE when a sample has fewer than 2 values
 *
 * Since: 0.2
 */
gboolean
bn_stats_welch (const double *x, gsize nx, const double *y, gsize ny, double *t, double *df, double *p)
{
  if (nx < 2 || ny < 2)
    return FALSE;
  double mx, vx, my, vy;
  welch_mean_var (x, nx, &mx, &vx);
  welch_mean_var (y, ny, &my, &vy);
  double ax = vx / nx, ay = vy / ny, se2 = ax + ay;
  if (se2 <= 0) {
    *t = my == mx ? 0 : copysign (INFINITY, my - mx);
    *df = nx + ny - 2;
    *p = my == mx ? 1 : 0;
    return TRUE;
  }
  *t = (my - mx) / sqrt (se2);
  double den = (ax > 0 ? ax * ax / (nx - 1) : 0) + (ay > 0 ? ay * ay / (ny - 1) : 0);
  *df = se2 * se2 / den;
  *p = bn_stats_student_t_two_sided_p (*t, *df);
  return TRUE;
}
