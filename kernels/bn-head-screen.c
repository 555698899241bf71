/* gst-bitnet kernels: the screening copy of an f16 head (certified head)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The bound of bn-head.h, made rigorous in floating point:
 *
 *  - norms are summed in double from values that are exact in double
 *    (f16 weights, int8 * float scale, int16 * float step: at most 8 + 24
 *    or 16 + 24 significant bits), so each square and each difference
 *    w - w~ is exact or rounded once; the sums of at most 2^20 terms are
 *    within n * 2^-53 relative, covered by the factor (1 + 2^-30) applied
 *    to every norm before it is rounded up to float;
 *  - the float logit of any f16 kernel is within gamma(cols + 8) sum
 *    |w x| of the exact product (any summation tree over cols products,
 *    FMA or not), and sum |w x| <= ||w|| ||x||; underflow adds at most
 *    2^-125 per operation (gradual or flushed), an absolute term;
 *  - the screening value s = isum * (scale * step) is computed in double
 *    (scale * step exact, one rounding), and the radius with a handful of
 *    double operations: |s| 2^-50 and a factor (1 + 2^-40) cover them.
 */
#include "bn-head.h"
#include "bn-kernels-private.h"

#define NORM_SLACK (1.0 + 0x1p-30)

static float
round_up (double v)
{
  float f = (float) v;

  return (double) f < v ? nextafterf (f, INFINITY) : f;
}

/* gamma(n) = n u / (1 - n u), u = 2^-24: the relative error bound of a
 * float sum of n products */
static double
gamma_f32 (size_t cols)
{
  const double nu = (double) (cols + 8) * 0x1p-24;

  return nu / (1.0 - nu) * (1.0 + 0x1p-30);
}

int32_t
bn_head_screen_act_max (size_t cols)
{
  const int64_t limit = (int64_t) INT32_MAX / (127 * (int64_t) (cols ? cols : 1));

  if (limit < 127)
    return 0;
  return limit > 32767 ? 32767 : (int32_t) limit;
}

int
bn_head_screen_build (const uint16_t *w, size_t cols, size_t row_begin, size_t row_end, int8_t *q, float *scale,
                      float *err_coef, float *wq_norm)
{
  const double g = gamma_f32 (cols);

  if (!w || !q || !scale || !err_coef || !wq_norm || cols == 0 || bn_head_screen_act_max (cols) == 0)
    return BN_K_ERR_INVALID;
  for (size_t r = row_begin; r < row_end; r++) {
    const uint16_t *row = w + r * cols;
    int8_t *qr = q + r * cols;
    float amax = 0.0f, d, inv;
    double e2 = 0.0, w2 = 0.0, q2 = 0.0;

    for (size_t c = 0; c < cols; c++) {
      const float v = bn_f16_to_f32 (row[c]);

      if (!isfinite (v))
        return BN_K_ERR_INVALID;
      amax = fmaxf (amax, fabsf (v));
    }
    d = amax / 127.0f;
    inv = d > 0.0f ? 1.0f / d : 0.0f;
    for (size_t c = 0; c < cols; c++) {
      const float v = bn_f16_to_f32 (row[c]);
      float t = rintf (v * inv);
      double back, e;

      t = t > 127.0f ? 127.0f : t < -127.0f ? -127.0f : t;
      qr[c] = (int8_t) t;
      back = (double) qr[c] * (double) d;
      e = (double) v - back;
      e2 += e * e;
      w2 += (double) v * (double) v;
      q2 += back * back;
    }
    scale[r] = d;
    err_coef[r] = round_up ((sqrt (e2) + g * sqrt (w2)) * NORM_SLACK);
    wq_norm[r] = round_up (sqrt (q2) * NORM_SLACK);
  }
  return BN_K_OK;
}

int
bn_head_screen_act (const float *x, size_t cols, int16_t *p, float *step, double *x_norm, double *err_norm)
{
  const int32_t pmax = bn_head_screen_act_max (cols);
  float amax = 0.0f, s;
  double x2 = 0.0, d2 = 0.0;

  if (!x || !p || !step || !x_norm || !err_norm || pmax == 0)
    return BN_K_ERR_INVALID;
  for (size_t c = 0; c < cols; c++) {
    if (!isfinite (x[c]))
      return BN_K_ERR_INVALID;
    amax = fmaxf (amax, fabsf (x[c]));
  }
  s = amax / (float) pmax;
  for (size_t c = 0; c < cols; c++) {
    float t = s > 0.0f ? rintf (x[c] / s) : 0.0f;
    double dlt;

    t = t > (float) pmax ? (float) pmax : t < (float) -pmax ? (float) -pmax : t;
    p[c] = (int16_t) t;
    dlt = (double) x[c] - (double) p[c] * (double) s;
    d2 += dlt * dlt;
    x2 += (double) x[c] * (double) x[c];
  }
  *step = s;
  *x_norm = sqrt (x2) * NORM_SLACK;
  *err_norm = sqrt (d2) * NORM_SLACK;
  return BN_K_OK;
}

void
bn_head_screen_ref (const int8_t *q, size_t cols, const int16_t *p, size_t row_begin, size_t row_end, int32_t *y)
{
  for (size_t r = row_begin; r < row_end; r++) {
    const int8_t *row = q + r * cols;
    int32_t s = 0;

    for (size_t c = 0; c < cols; c++)
      s += (int32_t) row[c] * p[c];
    y[r] = s;
  }
}

void
bn_head_screen_interval (int32_t isum, float scale, float step, float err_coef, float wq_norm, double x_norm,
                         double err_norm, size_t cols, double *lo, double *hi)
{
  const double s = (double) isum * ((double) scale * (double) step);
  const double r =
      ((double) err_coef * x_norm + (double) wq_norm * err_norm + fabs (s) * 0x1p-50 + (double) (cols + 8) * 0x1p-125)
      * (1.0 + 0x1p-40);

  *lo = s - r;
  *hi = s + r;
}
