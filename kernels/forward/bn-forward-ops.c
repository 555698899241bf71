/* gst-bitnet kernels: float operations of the forward pass, scalar ground
 * truth (fused RMSNorm + int8 quantization, attention, RoPE, f32 head)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The order of every sum is defined in bn-forward-private.h; the AVX2 variant
 * (x86/bn-forward-ops-avx2.c) reproduces these functions bit for bit.
 */
#include "bn-forward-private.h"

#include <math.h>

/* ---- RMSNorm + per-token int8 quantization ---------------------------- */

/* n = x / sqrt(mean(x^2) + eps) * w, a = 127 / max(max|n|, 1e-5),
 * q = clamp(round_half_even(n * a), -128, 127) (NaN -> -128): the
 * quantization of bn_act_quantize_rmsnorm(), with the sum of squares in
 * 8 double lanes so that vector code can reproduce it */
static void
norm_scalar (BnActQ8 *act, const float *x, const float *w, float eps, float *normed)
{
  const size_t k = act->k;
  double acc[8] = { 0 };
  float inv, amax = 0.0f, a;

  for (size_t i = 0; i < k; i += 8)
    for (size_t j = 0; j < 8; j++) {
      double v = i + j < k ? (double) x[i + j] : 0.0;
      acc[j] = acc[j] + v * v;
    }
  for (size_t s = 4; s >= 1; s /= 2)
    for (size_t j = 0; j < s; j++)
      acc[j] = acc[j] + acc[j + s];
  inv = (float) (1.0 / sqrt (acc[0] / (double) k + (double) eps));

  for (size_t i = 0; i < k; i++) {
    float n = x[i] * inv, an;
    if (w)
      n = n * w[i];
    if (normed)
      normed[i] = n;
    an = fabsf (n);
    amax = an > amax ? an : amax;
  }
  a = 127.0f / (amax > 1e-5f ? amax : 1e-5f);
  for (size_t i = 0; i < k; i++) {
    float n = x[i] * inv, v;
    if (w)
      n = n * w[i];
    v = rintf (n * a);
    v = v > -128.0f ? v : -128.0f;
    v = v < 127.0f ? v : 127.0f;
    act->q[i] = (int8_t) v;
  }
  bn_fwd_act_finish (act, a);
}

/* ---- attention -------------------------------------------------------- */

static inline float
reduce16 (float *acc)
{
  for (size_t s = 8; s >= 1; s /= 2)
    for (size_t j = 0; j < s; j++)
      acc[j] = acc[j] + acc[j + s];
  return acc[0];
}

static void
scores_f32_scalar (const float *q, const float *k, size_t n_pos, size_t hd, float scale, float *restrict s)
{
  for (size_t p = 0; p < n_pos; p++) {
    const float *kp = k + p * hd;
    float acc[16] = { 0 };

    for (size_t i = 0; i < hd; i += 16)
      for (size_t j = 0; j < 16; j++) {
        float a = i + j < hd ? q[i + j] : 0.0f;
        float b = i + j < hd ? kp[i + j] : 0.0f;
        acc[j] = acc[j] + a * b;
      }
    s[p] = reduce16 (acc) * scale;
  }
}

static void
scores_f16_scalar (const float *q, const uint16_t *k, size_t n_pos, size_t hd, float scale, float *restrict s)
{
  for (size_t p = 0; p < n_pos; p++) {
    const uint16_t *kp = k + p * hd;
    float acc[16] = { 0 };

    for (size_t i = 0; i < hd; i += 16)
      for (size_t j = 0; j < 16; j++) {
        float a = i + j < hd ? q[i + j] : 0.0f;
        float b = i + j < hd ? bn_fwd_f16 (kp[i + j]) : 0.0f;
        acc[j] = acc[j] + a * b;
      }
    s[p] = reduce16 (acc) * scale;
  }
}

static void
wsum_f32_scalar (const float *e, const float *v, size_t n_pos, size_t hd, float *restrict out)
{
  for (size_t d = 0; d < hd; d++)
    out[d] = 0.0f;
  for (size_t p = 0; p < n_pos; p++) {
    const float *row = v + p * hd;
    for (size_t d = 0; d < hd; d++)
      out[d] = out[d] + e[p] * row[d];
  }
}

static void
wsum_f16_scalar (const float *e, const uint16_t *v, size_t n_pos, size_t hd, float *restrict out)
{
  for (size_t d = 0; d < hd; d++)
    out[d] = 0.0f;
  for (size_t p = 0; p < n_pos; p++) {
    const uint16_t *row = v + p * hd;
    for (size_t d = 0; d < hd; d++)
      out[d] = out[d] + e[p] * bn_fwd_f16 (row[d]);
  }
}

const char *
bn_fwd_attend (const BnFwdOps *ops, const float *q, const void *k, const void *v, int kv_f16, size_t n_pos, size_t hd,
               float scale, float *restrict scores, float *restrict out)
{
  float max = -INFINITY, sum = 0.0f;

  if (kv_f16)
    ops->scores_f16 (q, k, n_pos, hd, scale, scores);
  else
    ops->scores_f32 (q, k, n_pos, hd, scale, scores);
  for (size_t p = 0; p < n_pos; p++)
    max = scores[p] > max ? scores[p] : max;
  for (size_t p = 0; p < n_pos; p++) {
    scores[p] = expf (scores[p] - max);
    sum = sum + scores[p];
  }
  if (kv_f16)
    ops->wsum_f16 (scores, v, n_pos, hd, out);
  else
    ops->wsum_f32 (scores, v, n_pos, hd, out);
  for (size_t d = 0; d < hd; d++)
    out[d] = out[d] / sum;
  return kv_f16 ? ops->attn_f16_name : ops->attn_f32_name;
}

/* ---- RoPE, f32 head --------------------------------------------------- */

void
bn_fwd_rope (float *x, size_t rope_dim, const float *cs)
{
  const size_t half = rope_dim / 2;

  for (size_t i = 0; i < half; i++) {
    const float c = cs[i], s = cs[half + i];
    const float x0 = x[i], x1 = x[half + i];

    x[i] = x0 * c - x1 * s;
    x[half + i] = x0 * s + x1 * c;
  }
}

void
bn_fwd_head_f32 (const void *w, size_t n, const float *x, size_t row_begin, size_t row_end, float *restrict y)
{
  float row[256];

  /* rows may be unaligned (a GGUF mapping): copied 256 columns at a time;
   * the lane sums run on across chunks (256 is a multiple of 16) */
  for (size_t r = row_begin; r < row_end; r++) {
    const uint8_t *src = (const uint8_t *) w + r * n * 4;
    float acc[16] = { 0 };

    for (size_t c0 = 0; c0 < n; c0 += 256) {
      size_t len = n - c0 < 256 ? n - c0 : 256;

      memcpy (row, src + c0 * 4, len * 4);
      for (size_t i = 0; i < len; i += 16)
        for (size_t j = 0; j < 16; j++) {
          float a = i + j < len ? x[c0 + i + j] : 0.0f;
          float b = i + j < len ? row[i + j] : 0.0f;
          acc[j] = acc[j] + a * b;
        }
    }
    y[r] = reduce16 (acc);
  }
}

/* ---- tables ----------------------------------------------------------- */

static const BnFwdOps ops_scalar = {
  .norm_name = "rmsnorm_q8",
  .attn_f32_name = "attn_f32",
  .attn_f16_name = "attn_f16",
  .norm = norm_scalar,
  .scores_f32 = scores_f32_scalar,
  .scores_f16 = scores_f16_scalar,
  .wsum_f32 = wsum_f32_scalar,
  .wsum_f16 = wsum_f16_scalar,
};

const BnFwdOps *
bn_fwd_ops_get (BnKernelVariant variant)
{
#if defined(__x86_64__) && !defined(BN_NO_SIMD_VARIANTS)
  if (variant == BN_KERNEL_AVX2 || variant == BN_KERNEL_AVX512)
    return &bn_fwd_ops_avx2;
#else
  (void) variant;
#endif
  return &ops_scalar;
}

/* exported for tests: the scalar ground truth and the variant's version */
int
bn_fwd_rmsnorm_q8 (BnKernelVariant variant, BnActQ8 *act, const float *x, const float *w, float eps, float *normed,
                   const char **name)
{
  const BnFwdOps *ops = bn_fwd_ops_get (variant);

  if (!act || !x || !act->q || act->k == 0)
    return BN_K_ERR_INVALID;
  ops->norm (act, x, w, eps, normed);
  if (name)
    *name = ops->norm_name;
  return BN_K_OK;
}

int
bn_fwd_attention (BnKernelVariant variant, const float *q, const void *k, const void *v, int kv_f16, size_t n_pos,
                  size_t hd, float scale, float *scores, float *out, const char **name)
{
  const char *n;

  if (!q || !k || !v || !scores || !out || n_pos == 0 || hd == 0)
    return BN_K_ERR_INVALID;
  n = bn_fwd_attend (bn_fwd_ops_get (variant), q, k, v, kv_f16, n_pos, hd, scale, scores, out);
  if (name)
    *name = n;
  return BN_K_OK;
}
