/* gst-bitnet kernels: output-head products, AArch64 NEON (sdot when built
 * with BN_NEON_DOTPROD, see bn-head-neondot.c)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arm_neon.h>

#include "bn-head.h"
#include "bn-kernels-private.h"

#include "bn-neon-dot.h"

/* exact int32 lane sums of 16 int8 x int8 products (any values) */
static inline int32x4_t
q8_dot16 (int32x4_t acc, int8x16_t a, int8x16_t b)
{
#ifdef BN_NEON_DOTPROD
  return vdotq_s32 (acc, a, b);
#else
  acc = vpadalq_s16 (acc, vmull_s8 (vget_low_s8 (a), vget_low_s8 (b)));
  return vpadalq_s16 (acc, vmull_high_s8 (a, b));
#endif
}

static inline float
f16_value (const uint8_t *p)
{
  __fp16 h;

  memcpy (&h, p, 2);
  return (float) h;
}

void
BN_NEON_FN (bn_head_f16) (const uint16_t *w, size_t cols, const float *x, size_t row_begin, size_t row_end,
                          float *restrict y)
{
  for (size_t r = row_begin; r < row_end; r++) {
    const uint16_t *row = w + r * cols;
    float32x4_t a0 = vdupq_n_f32 (0.0f), a1 = a0;
    float tail = 0.0f;
    size_t c = 0;

    for (; c + 8 <= cols; c += 8) {
      const float16x8_t h = vreinterpretq_f16_u16 (vld1q_u16 (row + c));
      a0 = vfmaq_f32 (a0, vcvt_f32_f16 (vget_low_f16 (h)), vld1q_f32 (x + c));
      a1 = vfmaq_f32 (a1, vcvt_high_f32_f16 (h), vld1q_f32 (x + c + 4));
    }
    for (; c < cols; c++)
      tail += f16_value ((const uint8_t *) (row + c)) * x[c];
    y[r] = vaddvq_f32 (vaddq_f32 (a0, a1)) + tail;
  }
}

void
BN_NEON_FN (bn_head_q8_0) (const uint8_t *w, size_t cols, const BnActQ8 *act, size_t row_begin, size_t row_end,
                           float *restrict y)
{
  const size_t nb = cols / BN_Q8_0_BLOCK;

  for (size_t r = row_begin; r < row_end; r++) {
    const uint8_t *blk = w + r * nb * BN_Q8_0_BLOCK_BYTES;
    float32x4_t acc = vdupq_n_f32 (0.0f);

    for (size_t b = 0; b < nb; b++, blk += BN_Q8_0_BLOCK_BYTES) {
      const int8_t *x = act->q + b * BN_Q8_0_BLOCK;
      int32x4_t lanes = vdupq_n_s32 (0);

      lanes = q8_dot16 (lanes, vld1q_s8 ((const int8_t *) blk + 2), vld1q_s8 (x));
      lanes = q8_dot16 (lanes, vld1q_s8 ((const int8_t *) blk + 18), vld1q_s8 (x + 16));
      acc = vfmaq_n_f32 (acc, vcvtq_f32_s32 (lanes), f16_value (blk));
    }
    y[r] = vaddvq_f32 (acc) * act->scale_inv;
  }
}

/* the certified head's screening product: int8 rows x int16 activations,
 * exact int32 sums (widening multiply-accumulate; no dotprod form) */
void
BN_NEON_FN (bn_head_screen) (const int8_t *q, size_t cols, const int16_t *p, size_t row_begin, size_t row_end,
                             int32_t *restrict y)
{
  for (size_t r = row_begin; r < row_end; r++) {
    const int8_t *row = q + r * cols;
    int32x4_t a0 = vdupq_n_s32 (0), a1 = a0;
    int32_t tail = 0;
    size_t c = 0;

    for (; c + 16 <= cols; c += 16) {
      const int8x16_t w = vld1q_s8 (row + c);
      const int16x8_t lo = vmovl_s8 (vget_low_s8 (w)), hi = vmovl_high_s8 (w);
      const int16x8_t x0 = vld1q_s16 (p + c), x1 = vld1q_s16 (p + c + 8);

      a0 = vmlal_s16 (a0, vget_low_s16 (lo), vget_low_s16 (x0));
      a1 = vmlal_high_s16 (a1, lo, x0);
      a0 = vmlal_s16 (a0, vget_low_s16 (hi), vget_low_s16 (x1));
      a1 = vmlal_high_s16 (a1, hi, x1);
    }
    for (; c < cols; c++)
      tail += (int32_t) row[c] * p[c];
    y[r] = vaddvq_s32 (vaddq_s32 (a0, a1)) + tail;
  }
}
