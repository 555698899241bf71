/* gst-bitnet kernels: I2S products, AArch64 NEON (sdot when built with
 * BN_NEON_DOTPROD, see bn-i2s-neondot.c)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each bit plane is shifted down to codes {0, 1, 2} (signed int8 works for
 * both sdot and smull) and multiplied with the 32 activations it covers;
 * dot(q, x) = dot(q + 1, x) - sum(x). A row's block is decoded once
 * and used for every token of a batch.
 */
#include <arm_neon.h>

#include "bn-kernels-private.h"

#include "bn-neon-dot.h"

void
BN_NEON_FN (bn_i2s_gemm) (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                          int32_t *restrict idot, float *restrict y)
{
  const size_t nb = bn_round_up (w->cols, BN_I2S_BLOCK) / BN_I2S_BLOCK;
  const uint8x16_t m = vdupq_n_u8 (3);

  for (size_t r = row_begin; r < row_end; r += 4) {
    const size_t rn = row_end - r < 4 ? row_end - r : 4;
    const uint8_t *wp = w->data + r * nb * 32;
    int32x4_t acc[4][BN_GEMM_MAX_TOKENS];

    for (size_t i = 0; i < rn; i++)
      for (size_t t = 0; t < n_tokens; t++)
        acc[i][t] = vdupq_n_s32 (0);

    for (size_t b = 0; b < nb; b++) {
      bn_i2s_prefetch_ahead (wp, nb, b, (int) rn);
      for (size_t i = 0; i < rn; i++) {
        int8x16_t c[8]; /* columns 16 k..16 k+15 of the block at k */

        for (int h = 0; h < 2; h++) {
          const uint8x16_t v = vld1q_u8 (wp + i * nb * 32 + b * 32 + 16 * h);
          c[h] = vreinterpretq_s8_u8 (vshrq_n_u8 (v, 6));
          c[2 + h] = vreinterpretq_s8_u8 (vandq_u8 (vshrq_n_u8 (v, 4), m));
          c[4 + h] = vreinterpretq_s8_u8 (vandq_u8 (vshrq_n_u8 (v, 2), m));
          c[6 + h] = vreinterpretq_s8_u8 (vandq_u8 (v, m));
        }
        for (size_t t = 0; t < n_tokens; t++) {
          const int8_t *x = acts[t].q + b * BN_I2S_BLOCK;
          int32x4_t a = acc[i][t];
          for (int k = 0; k < 8; k++)
            a = bn_neon_dot16 (a, c[k], vld1q_s8 (x + 16 * k));
          acc[i][t] = a;
        }
      }
    }

    for (size_t i = 0; i < rn; i++)
      for (size_t t = 0; t < n_tokens; t++)
        bn_store_row (w, &acts[t], t, r + i, vaddvq_s32 (acc[i][t]) - acts[t].sum, idot, y);
  }
}
