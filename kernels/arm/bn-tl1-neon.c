/* gst-bitnet kernels: TL1 table-lookup products, AArch64 NEON
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tbl (vqtbl1q_u8) looks up one 16-byte lane of the table for 16 rows; the
 * low-byte and high-byte lookups are zipped into int16 (rows 0-7 from
 * zip1, rows 8-15 from zip2). Each int16 word takes 8 lookups per
 * superblock, so the sums are widened to int32 every FLUSH superblocks
 * (8 * 8 * 256 < 32768).
 */
#include <arm_neon.h>

#include "bn-tl-driver.h"

#define FLUSH 8

/* One sub-block superblock for one token (see bn-tl-avx2.c). */
static inline void
superblock (const uint8_t *ip, const uint8_t *lut, int16x8_t *lo16, int16x8_t *hi16)
{
  const uint8x16_t nib = vdupq_n_u8 (0x0f);

  for (int lane = 0; lane < 4; lane++) {
    const uint8x16_t iv = vld1q_u8 (ip + 16 * lane);
    const uint8x16_t idx[2] = { vandq_u8 (iv, nib), vshrq_n_u8 (iv, 4) };

    for (int half = 0; half < 2; half++) {
      const uint8_t *t = lut + 128 * half + 16 * lane;
      const uint8x16_t l = vqtbl1q_u8 (vld1q_u8 (t), idx[half]);
      const uint8x16_t h = vqtbl1q_u8 (vld1q_u8 (t + 64), idx[half]);
      const int16x8_t a = vreinterpretq_s16_u8 (vzip1q_u8 (l, h));
      const int16x8_t b = vreinterpretq_s16_u8 (vzip2q_u8 (l, h));

      *lo16 = vaddq_s16 (*lo16, a);
      *hi16 = vaddq_s16 (*hi16, b);
    }
  }
}

static inline void
flush (int16x8_t *lo16, int16x8_t *hi16, int32_t *sums)
{
  int32x4_t s;

  s = vaddq_s32 (vld1q_s32 (sums), vmovl_s16 (vget_low_s16 (*lo16)));
  vst1q_s32 (sums, s);
  s = vaddq_s32 (vld1q_s32 (sums + 4), vmovl_high_s16 (*lo16));
  vst1q_s32 (sums + 4, s);
  s = vaddq_s32 (vld1q_s32 (sums + 8), vmovl_s16 (vget_low_s16 (*hi16)));
  vst1q_s32 (sums + 8, s);
  s = vaddq_s32 (vld1q_s32 (sums + 12), vmovl_high_s16 (*hi16));
  vst1q_s32 (sums + 12, s);
  *lo16 = *hi16 = vdupq_n_s16 (0);
}

/* One group's run of a chunk for one token, into its 32 row sums. */
static void
run_tl1 (const uint8_t *run, size_t cl, const uint8_t *lut, int32_t *sums)
{
  for (size_t s = 0; s < 2; s++) {
    int16x8_t lo16 = vdupq_n_s16 (0), hi16 = lo16;

    for (size_t hh = 0; hh < cl; hh++) {
      superblock (run + hh * BN_TL1_SB_BYTES + 64 * s, lut + hh * 256, &lo16, &hi16);
      if ((hh + 1) % FLUSH == 0)
        flush (&lo16, &hi16, sums + 16 * s);
    }
    flush (&lo16, &hi16, sums + 16 * s);
  }
}

void
bn_tl1_gemm_neon (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                  int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, n_tokens, row_begin, row_end, idot, y, run_tl1, 0, BN_TL_LUT_SB_BYTES);
}
