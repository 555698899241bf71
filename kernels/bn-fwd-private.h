/* gst-bitnet kernels: internals of the forward pass (attention, RoPE)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Plain C; every float sum has a fixed order that depends only on its
 * inputs (never on the thread count):
 *
 *  - dot products of n floats (attention scores, f32 head rows) keep 16
 *    lane sums, acc[j] = acc[j] + x[i + j] * w[i + j] for i = 0, 16, ...
 *    (missing tail elements count as 0 * 0), then acc[j] += acc[j + s]
 *    for s = 8, 4, 2, 1; the layout lets the compiler use vectors without
 *    reassociating anything;
 *  - softmax sums and value sums run in position order.
 */
#pragma once

#include "bn-kernels-private.h"
#include "bn-forward.h"

/* f16 bits -> f32, exact, inline (the KV cache reads many). */
static inline float
bn_fwd_f16 (uint16_t h)
{
  uint32_t sign = (uint32_t) (h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  float f;

  if (exp == 0) {
    /* zero or subnormal: mant * 2^-24, exact in float */
    f = (float) mant * 5.9604644775390625e-8f;
    return sign ? -f : f;
  }
  if (exp == 0x1f)
    bits = sign | 0x7f800000u | (mant << 13);
  else
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  memcpy (&f, &bits, sizeof f);
  return f;
}

static inline float
bn_fwd_reduce16 (float *acc)
{
  for (size_t s = 8; s >= 1; s /= 2)
    for (size_t j = 0; j < s; j++)
      acc[j] = acc[j] + acc[j + s];
  return acc[0];
}

static inline float
bn_fwd_dot_f32 (const float *a, const float *b, size_t n)
{
  float acc[16] = { 0 };
  size_t i = 0;

  for (; i + 16 <= n; i += 16)
    for (size_t j = 0; j < 16; j++)
      acc[j] = acc[j] + a[i + j] * b[i + j];
  if (i < n)
    for (size_t j = 0; j < 16; j++) {
      float x = i + j < n ? a[i + j] : 0.0f, y = i + j < n ? b[i + j] : 0.0f;
      acc[j] = acc[j] + x * y;
    }
  return bn_fwd_reduce16 (acc);
}

static inline float
bn_fwd_dot_f16 (const float *a, const uint16_t *b, size_t n)
{
  float acc[16] = { 0 };
  size_t i = 0;

  for (; i + 16 <= n; i += 16)
    for (size_t j = 0; j < 16; j++)
      acc[j] = acc[j] + a[i + j] * bn_fwd_f16 (b[i + j]);
  if (i < n)
    for (size_t j = 0; j < 16; j++) {
      float x = i + j < n ? a[i + j] : 0.0f;
      float y = i + j < n ? bn_fwd_f16 (b[i + j]) : 0.0f;
      acc[j] = acc[j] + x * y;
    }
  return bn_fwd_reduce16 (acc);
}

/* The attention of one query head over positions [0, n_pos) of its KV
 * head: out = softmax(q . K^T * scale) V. @k and @v point at position 0
 * (rows of hd values, f32 or f16 per @kv_f16); @scores holds n_pos floats.
 * Returns the name of the kernel. */
BN_INTERNAL const char *bn_fwd_attend (const float *q, const void *k,
    const void *v, int kv_f16, size_t n_pos, size_t hd, float scale,
    float *restrict scores, float *restrict out);

/* NEOX RoPE on one head: pairs (i, i + rope_dim / 2) for i < rope_dim / 2
 * rotated by the angle whose cosine and sine are cs[i] and
 * cs[rope_dim / 2 + i]. */
BN_INTERNAL void bn_fwd_rope (float *x, size_t rope_dim, const float *cs);

/* y[r] = dot (x, row r) over rows [row_begin, row_end) of an f32 matrix
 * with n columns (any alignment). */
BN_INTERNAL void bn_fwd_head_f32 (const void *w, size_t n, const float *x,
    size_t row_begin, size_t row_end, float *restrict y);
