/* gst-bitnet kernels: TQ2_0 / TQ1_0 products, AArch64 NEON (sdot when
 * built with BN_NEON_DOTPROD, see bn-tq-neondot.c)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * llama.cpp's blocks are read in place; each (row, block) is decoded once
 * into codes {0, 1, 2} (TQ1_0 digits with the byte multiply vmulq_u8) and
 * multiplied with every token's activations; the f16 block scales are
 * applied exactly in fixed point (bn-kernels-private.h).
 */
#include <arm_neon.h>

#include "bn-kernels-private.h"

#include "bn-neon-dot.h"

/* TQ2_0: c[4 p + q] holds elements 128 (q / 2) + 32 p + 16 (q % 2) + 0..15 */
static inline void
tq2_decode (const uint8_t *blk, int8x16_t c[16], int off[16])
{
  const uint8x16_t m = vdupq_n_u8 (3);

  for (int q = 0; q < 4; q++) {
    const uint8x16_t v = vld1q_u8 (blk + 16 * q);
    c[q] = vreinterpretq_s8_u8 (vandq_u8 (v, m));
    c[4 + q] = vreinterpretq_s8_u8 (vandq_u8 (vshrq_n_u8 (v, 2), m));
    c[8 + q] = vreinterpretq_s8_u8 (vandq_u8 (vshrq_n_u8 (v, 4), m));
    c[12 + q] = vreinterpretq_s8_u8 (vshrq_n_u8 (v, 6));
    for (int p = 0; p < 4; p++)
      off[4 * p + q] = 128 * (q / 2) + 32 * p + 16 * (q % 2);
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

/* TQ1_0: 15 vectors cover elements 0..239 (c[3 n + i]: bytes 16 i.. of
 * the 48 qs bytes, digit n); the 16 elements 240..255 of the qh bytes are
 * returned as scalars in @tail. */
static inline void
tq1_decode (const uint8_t *blk, int8x16_t c[15], int off[15], int8_t tail[16])
{
  static const uint8_t pow3[5] = { 1, 3, 9, 27, 81 };
  const uint8x16_t q0 = vld1q_u8 (blk);
  const uint8x16_t q1 = vld1q_u8 (blk + 16);
  const uint8x16_t q2 = vld1q_u8 (blk + 32);

  for (int n = 0; n < 5; n++) {
    c[3 * n] = tq1_trits (q0, pow3[n]);
    c[3 * n + 1] = tq1_trits (q1, pow3[n]);
    c[3 * n + 2] = tq1_trits (q2, pow3[n]);
    off[3 * n] = 32 * n;
    off[3 * n + 1] = 32 * n + 16;
    off[3 * n + 2] = 160 + 16 * n;
  }
  for (int j = 0; j < 16; j++)
    tail[j] = (int8_t) bn_tq1_trit (blk[48 + j % 4], (unsigned) (j / 4));
}

static inline __attribute__ ((always_inline)) void
gemm_tq (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
         int32_t *restrict idot, float *restrict y, const int tq1)
{
  const size_t nb = w->cols / 256;
  const size_t bb = tq1 ? BN_TQ1_0_BLOCK_BYTES : BN_TQ2_0_BLOCK_BYTES;
  const int nv = tq1 ? 15 : 16;

  for (size_t r = row_begin; r < row_end; r++) {
    BnBlockAcc acc[BN_GEMM_MAX_TOKENS];

    memset (acc, 0, n_tokens * sizeof acc[0]);
    for (size_t b = 0; b < nb; b++) {
      const uint8_t *blk = w->data + (r * nb + b) * bb;
      const uint16_t d = (uint16_t) (blk[bb - 2] | (blk[bb - 1] << 8));
      int8x16_t c[16];
      int off[16];
      int8_t tail[16];

      if (tq1)
        tq1_decode (blk, c, off, tail);
      else
        tq2_decode (blk, c, off);
      for (size_t t = 0; t < n_tokens; t++) {
        const int8_t *x = acts[t].q + b * 256;
        int32x4_t a = vdupq_n_s32 (0);
        int32_t s;

        for (int i = 0; i < nv; i++)
          a = bn_neon_dot16 (a, c[i], vld1q_s8 (x + off[i]));
        s = vaddvq_s32 (a);
        if (tq1)
          for (int j = 0; j < 16; j++)
            s += tail[j] * x[240 + j];
        bn_block_acc_add (&acc[t], d, s - acts[t].bsum[b]);
      }
    }
    for (size_t t = 0; t < n_tokens; t++)
      bn_store_blocks (w, &acts[t], t, r, &acc[t], idot, y);
  }
}

void
BN_NEON_FN (bn_tq2_0_gemm) (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                            int32_t *restrict idot, float *restrict y)
{
  gemm_tq (w, acts, n_tokens, row_begin, row_end, idot, y, 0);
}

void
BN_NEON_FN (bn_tq1_0_gemm) (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                            int32_t *restrict idot, float *restrict y)
{
  gemm_tq (w, acts, n_tokens, row_begin, row_end, idot, y, 1);
}
