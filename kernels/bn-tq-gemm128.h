/* gst-bitnet kernels: the TQ2_0 / TQ1_0 row loop shared by the 128-bit
 * variants, NEON and WebAssembly SIMD128 (included once by each file,
 * compiled with its flags)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * llama.cpp's blocks are read in place; each (row, block) is decoded once
 * into vectors of 16 codes {0, 1, 2} and multiplied with every token's
 * activations; the f16 block scales are applied exactly in fixed point
 * (bn-kernels-private.h). The includer defines, before including this file:
 *   BnTqVec: its 128-bit integer vector type;
 *   tq2_decode (blk, c): the 16 vectors of a TQ2_0 block, in the order of
 *     bn_tq2_offsets (c[4 p + q]: byte 16 q.. of the block, bit pair p);
 *   tq1_decode (blk, c): the 15 vectors of the 48 qs bytes of a TQ1_0 block,
 *     in the order of bn_tq1_offsets (c[3 n + i]: bytes 16 i.., digit n);
 *   tq_dot (c, n, x, off): the sum of the products of the n vectors c with
 *     the 16 activations at x + off[i] each;
 *   BN_TQ_FN (name): the name of this variant's product.
 * The 16 elements 240..255 of a TQ1_0 block (its qh bytes) are scalars.
 */
#pragma once

/* element offset of each decoded vector within its block */
static const int bn_tq2_offsets[16] = { 0, 16, 128, 144, 32, 48, 160, 176, 64, 80, 192, 208, 96, 112, 224, 240 };
static const int bn_tq1_offsets[15] = { 0, 16, 160, 32, 48, 176, 64, 80, 192, 96, 112, 208, 128, 144, 224 };

static inline __attribute__ ((always_inline)) void
gemm_tq (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
         int32_t *restrict idot, float *restrict y, const int tq1)
{
  const size_t nb = w->cols / 256;
  const size_t bb = tq1 ? BN_TQ1_0_BLOCK_BYTES : BN_TQ2_0_BLOCK_BYTES;
  const int *off = tq1 ? bn_tq1_offsets : bn_tq2_offsets;

  for (size_t r = row_begin; r < row_end; r++) {
    BnBlockAcc acc[BN_GEMM_MAX_TOKENS];

    memset (acc, 0, n_tokens * sizeof acc[0]);
    for (size_t b = 0; b < nb; b++) {
      const uint8_t *blk = w->data + (r * nb + b) * bb;
      const uint16_t d = (uint16_t) (blk[bb - 2] | (blk[bb - 1] << 8));
      BnTqVec c[16];
      int8_t tail[16];

      if (tq1) {
        tq1_decode (blk, c);
        for (int j = 0; j < 16; j++)
          tail[j] = (int8_t) bn_tq1_trit (blk[48 + j % 4], (unsigned) (j / 4));
      } else {
        tq2_decode (blk, c);
      }
      for (size_t t = 0; t < n_tokens; t++) {
        const int8_t *x = acts[t].q + b * 256;
        int32_t s = tq_dot (c, tq1 ? 15 : 16, x, off);

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
BN_TQ_FN (bn_tq2_0_gemm) (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                          int32_t *restrict idot, float *restrict y)
{
  gemm_tq (w, acts, n_tokens, row_begin, row_end, idot, y, 0);
}

void
BN_TQ_FN (bn_tq1_0_gemm) (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                          int32_t *restrict idot, float *restrict y)
{
  gemm_tq (w, acts, n_tokens, row_begin, row_end, idot, y, 1);
}
