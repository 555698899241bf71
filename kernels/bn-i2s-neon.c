/* gst-bitnet kernels: I2S products, AArch64 NEON (sdot when built with
 * BN_NEON_DOTPROD, see bn-i2s-neondot.c)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each bit plane is shifted down to codes {0, 1, 2} (signed int8 works for
 * both sdot and smull) and multiplied with the 64 activations it covers;
 * dot(q, x) = dot(q + 1, x) - sum(x). A row group's block is decoded once
 * and used for every token of a batch.
 */
#include <arm_neon.h>

#include "bn-kernels-private.h"

#include "bn-neon-dot.h"

void
BN_NEON_FN (bn_i2s_gemm) (const BnTernary *w, const BnActQ8 *acts,
    size_t n_tokens, size_t row_begin, size_t row_end,
    int32_t *restrict idot, float *restrict y)
{
  const size_t k_pad = bn_round_up (w->cols, 256), nb = k_pad / 256;
  const uint8x16_t m = vdupq_n_u8 (3);

  for (size_t g = row_begin / 4; g * 4 < row_end; g++) {
    const uint8_t *wp = w->data + g * k_pad;
    int32x4_t acc[4][BN_GEMM_MAX_TOKENS];

    for (int i = 0; i < 4; i++)
      for (size_t t = 0; t < n_tokens; t++)
        acc[i][t] = vdupq_n_s32 (0);

    for (size_t b = 0; b < nb; b++, wp += 256) {
      for (int i = 0; i < 4; i++) {
        int8x16_t c[16];        /* plane p, chunk q at 4 p + q */

        for (int q = 0; q < 4; q++) {
          const uint8x16_t v = vld1q_u8 (wp + 64 * i + 16 * q);
          c[q] = vreinterpretq_s8_u8 (vandq_u8 (v, m));
          c[4 + q] = vreinterpretq_s8_u8 (vandq_u8 (vshrq_n_u8 (v, 2), m));
          c[8 + q] = vreinterpretq_s8_u8 (vandq_u8 (vshrq_n_u8 (v, 4), m));
          c[12 + q] = vreinterpretq_s8_u8 (vshrq_n_u8 (v, 6));
        }
        for (size_t t = 0; t < n_tokens; t++) {
          const int8_t *x = acts[t].q + b * 256;
          int32x4_t a = acc[i][t];
          for (int k = 0; k < 16; k++)
            a = bn_neon_dot16 (a, c[k], vld1q_s8 (x + 16 * k));
          acc[i][t] = a;
        }
      }
    }

    for (int i = 0; i < 4; i++) {
      size_t r = g * 4 + i;
      if (r < row_begin || r >= row_end)
        continue;
      for (size_t t = 0; t < n_tokens; t++)
        bn_store_row (w, &acts[t], t, r, vaddvq_s32 (acc[i][t]) -
            acts[t].sum, idot, y);
    }
  }
}
