/* gst-bitnet kernel tests: the f16 and Q8_0 output-head products
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Float products: each variant must match the reference within 1e-5 of
 * sum |w x| (the order of float additions differs between variants).
 * The certified head's screening sums are integers: every variant must
 * give the reference's exactly; and its interval must hold every
 * variant's float logit.
 */
#include <math.h>
#include <string.h>

#include "kernels/bn-kernels.h"
#include "ktap.h"

static void
test_q8_0_quantize (KRand *r)
{
  const size_t rows = 3, cols = 96;
  float x[3 * 96], back[3 * 96];
  uint8_t q[3 * 3 * BN_Q8_0_BLOCK_BYTES];
  int ok = bn_q8_0_size (rows, cols) == sizeof q && bn_q8_0_size (1, 33) == 0;

  for (size_t i = 0; i < rows * cols; i++)
    x[i] = krand_normal (r);
  x[5] = 0.0f;
  ok &= bn_q8_0_quantize (x, rows, cols, q) == BN_K_OK;
  bn_q8_0_dequantize (q, rows, cols, back);
  for (size_t b = 0; b < rows * cols / 32; b++) {
    float amax = 0.0f, d = bn_f16_to_f32 ((uint16_t) (q[b * 34] | (q[b * 34 + 1] << 8)));
    for (size_t j = 0; j < 32; j++)
      amax = fmaxf (amax, fabsf (x[b * 32 + j]));
    ok &= d == bn_f16_to_f32 (bn_f32_to_f16 (amax / 127.0f));
    for (size_t j = 0; j < 32; j++) {
      float v = x[b * 32 + j] * (d != 0.0f ? 127.0f / amax : 0.0f);
      ok &= (int8_t) q[b * 34 + 2 + j] == (int8_t) roundf (v) || fabsf (fabsf (v - truncf (v)) - 0.5f) < 1e-3f;
      ok &= fabsf (back[b * 32 + j] - x[b * 32 + j]) <= 0.5f * d * 1.01f + 1e-3f * amax;
    }
  }
  ktap_ok (ok, "/kernels/head/q8_0/quantize");
}

static int
close_enough (const float *a, const float *ref, const float *mag, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (isnan (ref[i]) != isnan (a[i]))
      return 0;
    if (!isnan (ref[i]) && fabsf (a[i] - ref[i]) > 1e-5f * mag[i] + 1e-30f) {
      ktap_diag ("y[%zu] = %.9g, reference %.9g", i, a[i], ref[i]);
      return 0;
    }
  }
  return 1;
}

static void
test_variant (const BnKernels *k, KRand *r)
{
  static const size_t shapes[][2] = { { 1, 32 }, { 7, 96 }, { 33, 2560 }, { 5, 1000 } };
  int ok_f16 = 1, ok_q8 = 1;
  const char *name_f16 = NULL, *name_q8 = NULL;

  for (size_t si = 0; si < 4; si++) {
    size_t rows = shapes[si][0], cols = shapes[si][1];
    uint16_t *wh = malloc (rows * cols * 2);
    float *x = malloc (cols * sizeof (float)), *y = malloc (rows * 4);
    float *ref = malloc (rows * 4), *mag = malloc (rows * 4);
    size_t asz = bn_act_buffer_size (cols);
    void *abuf = bn_kalloc (asz);
    BnActQ8 act;

    for (size_t i = 0; i < rows * cols; i++)
      wh[i] = bn_f32_to_f16 (krand_normal (r) * 0.05f);
    for (size_t i = 0; i < cols; i++)
      x[i] = krand_normal (r);
    for (size_t rr = 0; rr < rows; rr++) {
      double m = 0.0;
      for (size_t c = 0; c < cols; c++)
        m += fabs ((double) bn_f16_to_f32 (wh[rr * cols + c]) * x[c]);
      mag[rr] = (float) m;
    }
    bn_head_f16_ref (wh, cols, x, 0, rows, ref);
    ok_f16 &= bn_head_f16_gemv (k, wh, rows, cols, x, 0, rows, y, &name_f16) == BN_K_OK;
    ok_f16 &= close_enough (y, ref, mag, rows);

    if (cols % 32 == 0) {
      /* random, then the extremes: weights -128 and activations -128 */
      for (int kind = 0; kind < 2; kind++) {
        size_t nb = rows * cols / 32;
        uint8_t *wq = malloc (nb * 34);
        int8_t *q = malloc (cols);
        for (size_t b = 0; b < nb; b++) {
          uint16_t d = (uint16_t) krand_int (r, 0x1000, 0x2c00);
          wq[b * 34] = (uint8_t) (d & 0xff);
          wq[b * 34 + 1] = (uint8_t) (d >> 8);
          for (size_t j = 0; j < 32; j++)
            wq[b * 34 + 2 + j] = kind ? 0x80 : (uint8_t) krand_int (r, 0, 255);
        }
        for (size_t c = 0; c < cols; c++)
          q[c] = kind ? -128 : (int8_t) krand_int (r, -128, 127);
        bn_act_init (&act, abuf, asz, cols);
        bn_act_set (&act, q, 3.0f);
        for (size_t rr = 0; rr < rows; rr++) {
          double m = 0.0;
          for (size_t c = 0; c < cols; c++) {
            size_t b = rr * cols / 32 + c / 32;
            float d = bn_f16_to_f32 ((uint16_t) (wq[b * 34] | (wq[b * 34 + 1] << 8)));
            m += fabs ((double) d * (int8_t) wq[b * 34 + 2 + c % 32] * q[c]);
          }
          mag[rr] = (float) (m * act.scale_inv);
        }
        bn_head_q8_0_ref (wq, cols, &act, 0, rows, ref);
        /* two ragged row ranges */
        ok_q8 &= bn_head_q8_0_gemv (k, wq, rows, cols, &act, 0, rows / 2, y, &name_q8) == BN_K_OK;
        ok_q8 &= bn_head_q8_0_gemv (k, wq, rows, cols, &act, rows / 2, rows, y, NULL) == BN_K_OK;
        ok_q8 &= close_enough (y, ref, mag, rows);
        free (wq);
        free (q);
      }
    }
    free (wh);
    free (x);
    free (y);
    free (ref);
    free (mag);
    bn_kfree (abuf);
  }
  ktap_ok (ok_f16 && name_f16 && strstr (name_f16, "head_f16_"), "/kernels/head/f16/%s (%s)", k->name,
           name_f16 ? name_f16 : "?");
  ktap_ok (ok_q8 && name_q8 && strstr (name_q8, "head_q8_0_"), "/kernels/head/q8_0/%s (%s)", k->name,
           name_q8 ? name_q8 : "?");
}

/* ---- certified head: the screening copy and its bound ----------------- */

static void
test_screen_basics (void)
{
  int ok = bn_head_screen_act_max (2560) == 6605 && bn_head_screen_act_max (32) == 32767
           && bn_head_screen_act_max (1000000) == 0 && bn_head_screen_act_max (130000) == 130;
  uint16_t w[64];
  int8_t q[64];
  float sc[2], ec[2], wn[2], x[32], step;
  int16_t p[32];
  double xn, dn;

  for (int i = 0; i < 64; i++)
    w[i] = bn_f32_to_f16 (0.01f * (float) (i - 20));
  ok &= bn_head_screen_build (w, 32, 0, 2, q, sc, ec, wn) == BN_K_OK;
  /* each row's largest magnitude is +-127 */
  ok &= (q[0] == -127 || q[31] == 127) && q[63] == 127;
  w[40] = 0x7e00; /* NaN */
  ok &= bn_head_screen_build (w, 32, 0, 2, q, sc, ec, wn) == BN_K_ERR_INVALID;
  w[40] = 0xfc00; /* -inf */
  ok &= bn_head_screen_build (w, 32, 0, 2, q, sc, ec, wn) == BN_K_ERR_INVALID;
  for (int i = 0; i < 32; i++)
    x[i] = (float) i - 3.5f;
  ok &= bn_head_screen_act (x, 32, p, &step, &xn, &dn) == BN_K_OK && p[31] == 32767 && dn <= 0.5 * step * 32;
  x[7] = INFINITY;
  ok &= bn_head_screen_act (x, 32, p, &step, &xn, &dn) == BN_K_ERR_INVALID;
  ktap_ok (ok, "/kernels/head/screen/basics");
}

/* every variant's screening sums equal the reference's exactly, also at
 * the extremes (|q| = 127, |p| = act_max: the largest int32 sums) */
static void
test_screen_variant (const BnKernels *k, KRand *r)
{
  static const size_t shapes[][2] = { { 3, 32 }, { 7, 96 }, { 9, 2560 }, { 5, 1000 }, { 4, 33 } };
  const char *name = NULL;
  int ok = 1;

  for (size_t si = 0; si < 5; si++) {
    size_t rows = shapes[si][0], cols = shapes[si][1];
    int32_t pmax = bn_head_screen_act_max (cols);
    int8_t *q = malloc (rows * cols);
    int16_t *p = bn_kalloc (cols * sizeof (int16_t));
    int32_t *y = malloc (rows * 4), *ref = malloc (rows * 4);

    for (int kind = 0; kind < 3; kind++) {
      for (size_t i = 0; i < rows * cols; i++)
        q[i] = (int8_t) (kind == 0 ? krand_int (r, -127, 127) : kind == 1 ? 127 : -127);
      for (size_t c = 0; c < cols; c++)
        p[c] = (int16_t) (kind == 0 ? krand_int (r, -pmax, pmax) : pmax);
      bn_head_screen_ref (q, cols, p, 0, rows, ref);
      ok &= bn_head_screen_gemv (k, q, rows, cols, p, 0, rows / 2, y, &name) == BN_K_OK;
      ok &= bn_head_screen_gemv (k, q, rows, cols, p, rows / 2, rows, y, NULL) == BN_K_OK;
      for (size_t rr = 0; rr < rows; rr++) {
        int64_t exact = 0;
        for (size_t c = 0; c < cols; c++)
          exact += (int64_t) q[rr * cols + c] * p[c];
        ok &= y[rr] == ref[rr] && (int64_t) ref[rr] == exact;
      }
    }
    free (q);
    bn_kfree (p);
    free (y);
    free (ref);
  }
  ktap_ok (ok && name && strstr (name, "head_screen_"), "/kernels/head/screen/%s (%s)", k->name, name ? name : "?");
}

/* rows of one kind for the bound test */
static float
bound_weight (KRand *r, int kind, size_t c)
{
  switch (kind) {
  case 0: return (float) krand_normal (r) * 0.05f;
  case 1: return c % 97 == 0 ? (float) krand_normal (r) * 4.0f : (float) krand_normal (r) * 0.01f; /* outliers */
  case 2: return (float) krand_normal (r) * 3e-6f;                                                 /* subnormal f16 */
  default: return c % 2 ? 65504.0f : -65504.0f;                                                    /* the largest */
  }
}

/* The bound holds for every f16 kernel: the float logit each variant
 * computes, and the exact product, lie in [lo, hi]; and it is useful (the
 * interval is a small part of ||w|| ||x||). */
static void
test_screen_bound (KRand *r)
{
  static const size_t shapes[][2] = { { 40, 2560 }, { 40, 96 }, { 40, 1000 } };
  int ok = 1;
  double worst = 0.0;

  for (size_t si = 0; si < 3; si++) {
    size_t rows = shapes[si][0], cols = shapes[si][1];
    uint16_t *w = malloc (rows * cols * 2);
    int8_t *q = malloc (rows * cols);
    float *sc = malloc (rows * 4), *ec = malloc (rows * 4), *wn = malloc (rows * 4), *y = malloc (rows * 4);
    float *x = malloc (cols * 4), step;
    int16_t *p = bn_kalloc (cols * 2);
    int32_t *sums = malloc (rows * 4);
    double xn, dn;

    for (int xkind = 0; xkind < 3; xkind++) {
      for (size_t rr = 0; rr < rows; rr++)
        for (size_t c = 0; c < cols; c++)
          w[rr * cols + c] = bn_f32_to_f16 (bound_weight (r, (int) (rr % 4), c));
      for (size_t c = 0; c < cols; c++) {
        double v = krand_normal (r);
        /* plain, one huge outlier (coarse activation steps), tiny values */
        x[c] = xkind == 0 ? (float) v : xkind == 1 ? (float) (c == 5 ? 900.0 : v) : (float) (v * 1e-30);
      }
      ok &= bn_head_screen_build (w, cols, 0, rows, q, sc, ec, wn) == BN_K_OK;
      ok &= bn_head_screen_act (x, cols, p, &step, &xn, &dn) == BN_K_OK;
      bn_head_screen_ref (q, cols, p, 0, rows, sums);
      for (int v = 0; v < BN_KERNEL_N_VARIANTS; v++) {
        const BnKernels *k = bn_kernels_get ((BnKernelVariant) v);
        if (!k)
          continue;
        ok &= bn_head_f16_gemv (k, w, rows, cols, x, 0, rows, y, NULL) == BN_K_OK;
        for (size_t rr = 0; rr < rows; rr++) {
          double lo, hi, exact = 0.0, wx = 0.0, w2 = 0.0;
          for (size_t c = 0; c < cols; c++) {
            double wv = bn_f16_to_f32 (w[rr * cols + c]);
            exact += wv * x[c];
            w2 += wv * wv;
          }
          wx = sqrt (w2) * xn;
          bn_head_screen_interval (sums[rr], sc[rr], step, ec[rr], wn[rr], xn, dn, cols, &lo, &hi);
          if (!((double) y[rr] >= lo && (double) y[rr] <= hi && exact >= lo && exact <= hi)) {
            ktap_diag ("%s row %zu of %zu: %.9g (exact %.9g) outside [%.9g, %.9g]", k->name, rr, cols, y[rr], exact, lo,
                       hi);
            ok = 0;
          }
          if (wx > 0 && (hi - lo) / wx > worst)
            worst = (hi - lo) / wx;
        }
      }
    }
    free (w);
    free (q);
    free (sc);
    free (ec);
    free (wn);
    free (y);
    free (x);
    bn_kfree (p);
    free (sums);
  }
  /* int8 rows: ||w - w~|| is about 1/127/sqrt(3) of ||w|| for rows
   * without outliers; with an outlier per 97 values, far more */
  ktap_diag ("widest interval: %.4f of ||w|| ||x||", worst);
  ktap_ok (ok && worst < 0.5, "/kernels/head/screen/bound");
}

int
main (void)
{
  KRand r;

  krand_seed (&r, ktest_seed ());
  test_q8_0_quantize (&r);
  test_screen_basics ();
  test_screen_bound (&r);
  for (int v = 0; v < BN_KERNEL_N_VARIANTS; v++) {
    const BnKernels *k = bn_kernels_get ((BnKernelVariant) v);
    if (k) {
      test_variant (k, &r);
      test_screen_variant (k, &r);
    } else if (bn_kernel_variant_compiled ((BnKernelVariant) v))
      ktap_skip ("CPU lacks the instructions", "/kernels/head/%s", bn_kernel_variant_name ((BnKernelVariant) v));
  }
  return ktap_done ();
}
