/* gst-bitnet kernels: attention, RoPE and the f32 head of the forward pass
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One query head at a time; the caller splits (token, head) pairs over the
 * thread team, so each output is computed by one thread in one order.
 */
#include "bn-fwd-private.h"

#include <math.h>

const char *
bn_fwd_attend (const float *q, const void *k, const void *v, int kv_f16,
    size_t n_pos, size_t hd, float scale, float *restrict scores,
    float *restrict out)
{
  float max = -INFINITY, sum = 0.0f;

  if (kv_f16) {
    const uint16_t *kh = k;
    for (size_t p = 0; p < n_pos; p++)
      scores[p] = bn_fwd_dot_f16 (q, kh + p * hd, hd) * scale;
  } else {
    const float *kf = k;
    for (size_t p = 0; p < n_pos; p++)
      scores[p] = bn_fwd_dot_f32 (q, kf + p * hd, hd) * scale;
  }

  for (size_t p = 0; p < n_pos; p++)
    max = fmaxf (max, scores[p]);
  for (size_t p = 0; p < n_pos; p++) {
    scores[p] = expf (scores[p] - max);
    sum = sum + scores[p];
  }

  for (size_t d = 0; d < hd; d++)
    out[d] = 0.0f;
  if (kv_f16) {
    const uint16_t *vh = v;
    for (size_t p = 0; p < n_pos; p++) {
      const uint16_t *row = vh + p * hd;
      const float e = scores[p];
      for (size_t d = 0; d < hd; d++)
        out[d] = out[d] + e * bn_fwd_f16 (row[d]);
    }
  } else {
    const float *vf = v;
    for (size_t p = 0; p < n_pos; p++) {
      const float *row = vf + p * hd;
      const float e = scores[p];
      for (size_t d = 0; d < hd; d++)
        out[d] = out[d] + e * row[d];
    }
  }
  for (size_t d = 0; d < hd; d++)
    out[d] = out[d] / sum;
  return kv_f16 ? "attn_f16" : "attn_f32";
}

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
bn_fwd_head_f32 (const void *w, size_t n, const float *x, size_t row_begin,
    size_t row_end, float *restrict y)
{
  float row[256];

  /* rows may be unaligned (a GGUF mapping): copy 256 columns at a time;
   * the lane sums go on across chunks, so the order is that of
   * bn_fwd_dot_f32 over the whole row */
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
    y[r] = bn_fwd_reduce16 (acc);
  }
}
