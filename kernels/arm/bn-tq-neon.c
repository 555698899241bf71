/* gst-bitnet kernels: TQ2_0 / TQ1_0 products, AArch64 NEON (sdot when
 * built with BN_NEON_DOTPROD, see bn-tq-neondot.c)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The row loop is bn-tq-gemm128.h's; here, the decoding into codes
 * {0, 1, 2} (TQ1_0 digits with the byte multiply vmulq_u8) and the dot.
 */
#include <arm_neon.h>

#include "bn-kernels-private.h"

#include "bn-neon-dot.h"

typedef int8x16_t BnTqVec;
#define BN_TQ_FN BN_NEON_FN

/* TQ2_0: c[4 p + q] holds elements 128 (q / 2) + 32 p + 16 (q % 2) + 0..15 */
static inline void
tq2_decode (const uint8_t *blk, int8x16_t c[16])
{
  const uint8x16_t m = vdupq_n_u8 (3);

  for (int q = 0; q < 4; q++) {
    const uint8x16_t v = vld1q_u8 (blk + 16 * q);
    c[q] = vreinterpretq_s8_u8 (vandq_u8 (v, m));
    c[4 + q] = vreinterpretq_s8_u8 (vandq_u8 (vshrq_n_u8 (v, 2), m));
    c[8 + q] = vreinterpretq_s8_u8 (vandq_u8 (vshrq_n_u8 (v, 4), m));
    c[12 + q] = vreinterpretq_s8_u8 (vshrq_n_u8 (v, 6));
  }
}

/* trit n of each byte: ((uint8_t) (q * 3^n) * 3) >> 8 */
static inline int8x16_t
tq1_trits (uint8x16_t q, uint8_t pow3)
{
  const uint8x16_t v = vmulq_u8 (q, vdupq_n_u8 (pow3));
  const uint8x8_t lo = vshrn_n_u16 (vmull_u8 (vget_low_u8 (v), vdup_n_u8 (3)), 8);
  const uint8x8_t hi = vshrn_n_u16 (vmull_high_u8 (v, vdupq_n_u8 (3)), 8);

  return vreinterpretq_s8_u8 (vcombine_u8 (lo, hi));
}

/* TQ1_0: c[3 n + i] holds digit n of the qs bytes 16 i..16 i + 15 */
static inline void
tq1_decode (const uint8_t *blk, int8x16_t c[15])
{
  static const uint8_t pow3[5] = { 1, 3, 9, 27, 81 };
  const uint8x16_t q[3] = { vld1q_u8 (blk), vld1q_u8 (blk + 16), vld1q_u8 (blk + 32) };

  for (int n = 0; n < 5; n++)
    for (int i = 0; i < 3; i++)
      c[3 * n + i] = tq1_trits (q[i], pow3[n]);
}

static inline int32_t
tq_dot (const int8x16_t *c, int n, const int8_t *x, const int *off)
{
  int32x4_t a = vdupq_n_s32 (0);

  for (int i = 0; i < n; i++)
    a = bn_neon_dot16 (a, c[i], vld1q_s8 (x + off[i]));
  return vaddvq_s32 (a);
}

#include "bn-tq-gemm128.h"
