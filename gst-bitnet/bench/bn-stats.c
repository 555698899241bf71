/* gst-bitnet: the statistics behind regression verdicts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-stats-private.h"
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

static double *
sorted_copy (const double *v, gsize n)
{
  double *s = g_new (double, MAX (n, 1));
  if (n)
    memcpy (s, v, n * sizeof *s);
  bn_doubles_sort (s, n);
  return s;
}

/* The median of @n values (the mean of the two middle ones when @n is
 * even); NAN when @n is 0. */
double
bn_stats_median (const double *v, gsize n)
{
  if (!n)
    return NAN;
  g_autofree double *s = sorted_copy (v, n);
  return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* The @p quantile (0..1) by linear interpolation between order statistics,
 * as receipts compute latency percentiles (bn_percentile()); NAN when @n
 * is 0. */
double
bn_stats_quantile (const double *v, gsize n, double p)
{
  if (!n)
    return NAN;
  g_autofree double *s = sorted_copy (v, n);
  return bn_percentile (s, n, p * 100);
}

double
bn_stats_norm_cdf (double x)
{
  return 0.5 * erfc (-x / G_SQRT2);
}

/* The standard normal quantile: bisection to a bracket, then Newton steps
 * on the CDF from libm's erfc (accurate to a few ulps in (1e-300, 1)). */
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

/* P(X <= k) for X ~ Binomial(n, 1/2). */
double
bn_stats_binom_half_cdf (gssize k, gsize n)
{
  if (k < 0)
    return 0;
  if ((gsize) k >= n)
    return 1;
  double sum = 0, ln2n = n * G_LN2, lgn = lgamma (n + 1.0);
  for (gssize i = 0; i <= k; i++)
    sum += exp (lgn - lgamma (i + 1.0) - lgamma ((double) n - i + 1) - ln2n);
  return MIN (sum, 1.0);
}

/* The distribution-free confidence interval of the median from order
 * statistics: [Y(k), Y(n-k+1)] with the largest k whose coverage
 * 1 - 2 P(Bin(n, 1/2) <= k-1) is at least @level. Returns FALSE when even
 * [min, max] covers less (n < 6 for 95%). */
gboolean
bn_stats_median_ci (const double *v, gsize n, double level, double *lo, double *hi, double *coverage)
{
  if (!n || 2 * bn_stats_binom_half_cdf (0, n) > 1 - level)
    return FALSE;
  gsize k = 1;
  while (k + 1 <= (n + 1) / 2 && 2 * bn_stats_binom_half_cdf (k, n) <= 1 - level)
    k++;
  g_autofree double *s = sorted_copy (v, n);
  if (lo)
    *lo = s[k - 1];
  if (hi)
    *hi = s[n - k];
  if (coverage)
    *coverage = 1 - 2 * bn_stats_binom_half_cdf (k - 1, n);
  return TRUE;
}

/* The smallest sample with a distribution-free @level interval of its
 * median (6 for 95%, 7 for 97.5%, 8 for 99%). */
gsize
bn_stats_median_ci_min_n (double level)
{
  gsize n = 1;
  while (2 * bn_stats_binom_half_cdf (0, n) > 1 - level)
    n++;
  return n;
}

/* The standard error of the log of the median, estimated as Bonett and
 * Price do from the order statistics Y(a), Y(n-a+1) with
 * a = round(n/2 - sqrt(n)) (at least 1): half their log distance divided
 * by the normal score of the coverage of that interval. Every value must
 * be positive. */
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

/* The ratio of the median of @current to the median of @baseline with a
 * @level confidence interval computed on log values (Price and Bonett,
 * 2002): ln(m_c / m_b) +- z sqrt(se_c^2 + se_b^2), where each se comes
 * from bn_stats_log_median_se(). Distribution-free; no shift or equal
 * spread assumed. Every value must be positive. */
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

/* The exact two-sided p-value of U = @u for samples of @nx and @ny values
 * without ties: the counts of U are the coefficients of the Gaussian
 * binomial [nx+ny choose nx]_q = prod_{i=1..nx} (1 - q^(ny+i)) / (1 - q^i). */
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

/* The Mann-Whitney U test of @x against @y. U is that of @x; the two-sided
 * p-value is exact when @allow_exact, there are no ties and each side has
 * at most 25 values, else from the normal approximation with the tie
 * correction of the variance and a continuity correction of 1/2. */
gboolean
bn_stats_mann_whitney (const double *x, gsize nx, const double *y, gsize ny, gboolean allow_exact,
                       BnMannWhitney *result)
{
  if (!nx || !ny)
    return FALSE;
  gsize n = nx + ny;
  g_autofree Tagged *t = g_new (Tagged, n);
  for (gsize i = 0; i < nx; i++)
    t[i] = (Tagged) { x[i], 1 };
  for (gsize i = 0; i < ny; i++)
    t[nx + i] = (Tagged) { y[i], 0 };
  qsort (t, n, sizeof *t, cmp_tagged);

  double rank_x = 0, ties = 0;
  for (gsize i = 0; i < n;) {
    gsize j = i;
    while (j + 1 < n && t[j + 1].v == t[i].v)
      j++;
    double avg = (i + j) / 2.0 + 1;   /* ranks are 1-based */
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
