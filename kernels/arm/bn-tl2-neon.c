/* gst-bitnet kernels: TL2 table-lookup products, AArch64 NEON
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tbl with four registers (vqtbl4q_u8) looks up a 64-byte table: each
 * triple's 32 signed int16 entries. A 5-bit code c becomes the byte pair
 * (2 c, 2 c + 1), so one tbl returns the 8 int16 products of 8 rows with
 * the sign already applied. int16 sums are folded after each run of at
 * most 4 units (4 * 16 * 384 < 32768).
 */
#include <arm_neon.h>

#include "bn-tl-driver.h"

static inline int16x8_t
lookup (uint16x8_t code, const uint8_t *tab)
{
  const uint8x16x4_t t = vld1q_u8_x4 (tab);
  const uint16x8_t c = vandq_u16 (code, vdupq_n_u16 (0x1f));
  /* bytes (2 c, 2 c + 1) = c * 0x0202 + 0x0100 */
  const uint16x8_t idx = vmlaq_n_u16 (vdupq_n_u16 (0x0100), c, 0x0202);

  return vreinterpretq_s16_u8 (vqtbl4q_u8 (t, vreinterpretq_u8_u16 (idx)));
}

static inline uint16x8_t
cross (uint16x8_t lo, const int right, uint16x8_t hi, const int left)
{
  return vorrq_u16 (vshlq_u16 (lo, vdupq_n_s16 ((int16_t) -right)), vshlq_u16 (hi, vdupq_n_s16 ((int16_t) left)));
}

static inline uint16x8_t
shr (uint16x8_t v, const int n)
{
  return vshlq_u16 (v, vdupq_n_s16 ((int16_t) -n));
}

/* @lut points at the token's A tables (64 bytes per triple) of the chunk */
static void
run_tl2 (const uint8_t *run, size_t cl, const uint8_t *lut, int32_t *sums)
{
  for (int q = 0; q < 4; q++) {
    int16x8_t acc = vdupq_n_s16 (0);
    const uint8_t *p = run + 16 * q;
    const uint8_t *t = lut;

    for (size_t u = 0; u < cl; u++, p += BN_TL2_UNIT_BYTES, t += BN_TL2_UNIT * 64) {
      const uint16x8_t w0 = vld1q_u16 ((const uint16_t *) p);
      const uint16x8_t w1 = vld1q_u16 ((const uint16_t *) (p + 64));
      const uint16x8_t w2 = vld1q_u16 ((const uint16_t *) (p + 128));
      const uint16x8_t w3 = vld1q_u16 ((const uint16_t *) (p + 192));
      const uint16x8_t w4 = vld1q_u16 ((const uint16_t *) (p + 256));
      const uint16x8_t c[16] = {
        w0,           shr (w0, 5),           shr (w0, 10),          cross (w0, 15, w1, 1), shr (w1, 4),
        shr (w1, 9),  cross (w1, 14, w2, 2), shr (w2, 3),           shr (w2, 8),           cross (w2, 13, w3, 3),
        shr (w3, 2),  shr (w3, 7),           cross (w3, 12, w4, 4), shr (w4, 1),           shr (w4, 6),
        shr (w4, 11),
      };

      for (int i = 0; i < 16; i++)
        acc = vaddq_s16 (acc, lookup (c[i], t + 64 * i));
    }
    vst1q_s32 (sums + 8 * q, vaddq_s32 (vld1q_s32 (sums + 8 * q), vmovl_s16 (vget_low_s16 (acc))));
    vst1q_s32 (sums + 8 * q + 4, vaddq_s32 (vld1q_s32 (sums + 8 * q + 4), vmovl_high_s16 (acc)));
  }
}

void
bn_tl2_gemm_neon (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                  int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, n_tokens, row_begin, row_end, idot, y, run_tl2, 0, BN_TL2_UNIT * 64);
}
