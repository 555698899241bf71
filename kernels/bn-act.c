/* gst-bitnet kernels: activation quantization
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bn-act.h"

#include <math.h>
#include <string.h>

size_t
bn_act_buffer_size (size_t k)
{
  size_t k_pad = bn_round_up (k ? k : 1, BN_ACT_PAD);

  return bn_round_up (k_pad + (k_pad / 256) * sizeof (int32_t), BN_KALIGN);
}

int
bn_act_init (BnActQ8 *act, void *buf, size_t buf_size, size_t k)
{
  if (!act || !buf || k == 0 || k > BN_MAX_COLS)
    return BN_K_ERR_INVALID;
  if (((uintptr_t) buf) % BN_KALIGN != 0)
    return BN_K_ERR_INVALID;
  if (buf_size < bn_act_buffer_size (k))
    return BN_K_ERR_BUFFER;

  memset (buf, 0, bn_act_buffer_size (k));
  act->k = k;
  act->k_pad = bn_round_up (k, BN_ACT_PAD);
  act->q = buf;
  act->bsum = (int32_t *) ((uint8_t *) buf + act->k_pad);
  act->scale = 1.0f;
  act->scale_inv = 1.0f;
  act->sum = 0;
  act->lut = NULL;
  act->lut_format = BN_TERNARY_N_FORMATS;
  return BN_K_OK;
}

static void
act_finish (BnActQ8 *act)
{
  int32_t total = 0;

  for (size_t b = 0; b < act->k_pad / 256; b++) {
    int32_t s = 0;
    for (size_t i = 0; i < 256; i++)
      s += act->q[b * 256 + i];
    act->bsum[b] = s;
    total += s;
  }
  act->sum = total;
  act->lut = NULL;
  act->lut_format = BN_TERNARY_N_FORMATS;
}

static void
act_quantize_scaled (BnActQ8 *act, const float *x, float amax)
{
  const float a = 127.0f / fmaxf (amax, 1e-5f);

  for (size_t i = 0; i < act->k; i++) {
    /* rintf rounds half to even in the default rounding mode */
    float v = rintf (x[i] * a);
    v = fminf (fmaxf (v, -128.0f), 127.0f);
    act->q[i] = (int8_t) v;
  }
  memset (act->q + act->k, 0, act->k_pad - act->k);
  act->scale = a;
  act->scale_inv = 1.0f / a;
  act_finish (act);
}

void
bn_act_quantize (BnActQ8 *act, const float *x)
{
  float amax = 0.0f;

  for (size_t i = 0; i < act->k; i++)
    amax = fmaxf (amax, fabsf (x[i]));
  act_quantize_scaled (act, x, amax);
}

void
bn_act_quantize_rmsnorm (BnActQ8 *act, const float *x, const float *norm_weight, float eps, float *normed)
{
  double ss = 0.0;
  float inv, amax = 0.0f;
  size_t k = act->k;

  for (size_t i = 0; i < k; i++)
    ss += (double) x[i] * (double) x[i];
  inv = (float) (1.0 / sqrt (ss / (double) k + (double) eps));

  /* two passes over x rather than a k-sized scratch buffer: the kernels
   * allocate nothing, and x is cache-resident at this size */
  for (size_t i = 0; i < k; i++) {
    float n = x[i] * inv;
    if (norm_weight)
      n *= norm_weight[i];
    if (normed)
      normed[i] = n;
    amax = fmaxf (amax, fabsf (n));
  }

  {
    const float a = 127.0f / fmaxf (amax, 1e-5f);
    for (size_t i = 0; i < k; i++) {
      float n = x[i] * inv;
      float v;
      if (norm_weight)
        n *= norm_weight[i];
      v = rintf (n * a);
      v = fminf (fmaxf (v, -128.0f), 127.0f);
      act->q[i] = (int8_t) v;
    }
    memset (act->q + k, 0, act->k_pad - k);
    act->scale = a;
    act->scale_inv = 1.0f / a;
    act_finish (act);
  }
}

void
bn_act_set (BnActQ8 *act, const int8_t *q, float scale)
{
  memcpy (act->q, q, act->k);
  memset (act->q + act->k, 0, act->k_pad - act->k);
  act->scale = scale;
  act->scale_inv = 1.0f / scale;
  act_finish (act);
}

/* ggml's nearest_int: round half to even through the float mantissa trick;
 * valid for |v| <= 2^22, which holds since |v| <= 127 here. */
static int
nearest_int (float v)
{
  float t = v + 12582912.0f;
  int32_t i;

  memcpy (&i, &t, sizeof i);
  return (i & 0x007fffff) - 0x00400000;
}

void
bn_act_quantize_q8k (const float *x, size_t k, BnBlockQ8K *out)
{
  size_t nb = (k + 255) / 256;

  for (size_t b = 0; b < nb; b++) {
    BnBlockQ8K *y = &out[b];
    size_t n = k - b * 256 < 256 ? k - b * 256 : 256;
    const float *xb = x + b * 256;
    float amax = 0.0f, max = 0.0f, iscale;

    for (size_t j = 0; j < n; j++) {
      float ax = fabsf (xb[j]);
      if (ax > amax) {
        amax = ax;
        max = xb[j];
      }
    }
    memset (y->qs, 0, sizeof y->qs);
    memset (y->bsums, 0, sizeof y->bsums);
    if (amax == 0.0f) {
      y->d = 0.0f;
      continue;
    }
    iscale = -127.0f / max;
    for (size_t j = 0; j < n; j++) {
      int v = nearest_int (iscale * xb[j]);
      y->qs[j] = (int8_t) (v < 127 ? v : 127);
    }
    for (size_t g = 0; g < 16; g++) {
      int s = 0;
      for (size_t j = 0; j < 16; j++)
        s += y->qs[g * 16 + j];
      y->bsums[g] = (int16_t) s;
    }
    y->d = 1.0f / iscale;
  }
}
