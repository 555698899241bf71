/* gst-bitnet kernels: the TQ2_0 / TQ1_0 row loop shared by the AVX2 and
 * AVX-512 files (included once by each, compiled with its flags)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The includer defines, before including this file:
 *   dot_codes (c, n, x, tq1): lane sums of the n code vectors c of a block
 *     with the activations at x, as int32 in a __m256i;
 *   BN_TQ_VARIANT: the suffix of the two products this file defines,
 *     bn_tq2_0_gemm_<suffix> and bn_tq1_0_gemm_<suffix>.
 */
#pragma once

#include "bn-tq-x86.h"

#ifndef BN_TQ_VARIANT
#error "define BN_TQ_VARIANT and dot_codes () before including bn-tq-gemm-x86.h"
#endif

/* Blocks whose scale equals the row's first scale (all of them in a
 * model with one scale per tensor) are summed in a vector and scaled
 * once; the others are reduced and scaled block by block. Integer sums
 * are exact, so the result is the reference's bit for bit. */
static inline __attribute__ ((always_inline)) void
gemm_tq (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
         int32_t *restrict idot, float *restrict y, const int tq1)
{
  const size_t nb = w->cols / 256;
  const size_t bb = tq1 ? BN_TQ1_0_BLOCK_BYTES : BN_TQ2_0_BLOCK_BYTES;

  for (size_t r = row_begin; r < row_end; r++) {
    const uint8_t *row = w->data + r * nb * bb;
    const uint16_t d0 = bn_load_f16 (row + bb - 2);
    BnBlockAcc acc[BN_GEMM_MAX_TOKENS];
    __m256i same[BN_GEMM_MAX_TOKENS];
    int32_t same_bsum[BN_GEMM_MAX_TOKENS];

    memset (acc, 0, n_tokens * sizeof acc[0]);
    for (size_t t = 0; t < n_tokens; t++) {
      same[t] = _mm256_setzero_si256 ();
      same_bsum[t] = 0;
    }
    for (size_t b = 0; b < nb; b++) {
      const uint8_t *blk = row + b * bb;
      const uint16_t d = bn_load_f16 (blk + bb - 2);
      __m256i c[10];

      if (tq1)
        bn_tq1_decode (blk, c);
      else
        bn_tq2_decode (blk, c);
      for (size_t t = 0; t < n_tokens; t++) {
        const __m256i v = dot_codes (c, tq1 ? 10 : 8, acts[t].q + b * 256, tq1);
        if (d == d0) {
          same[t] = _mm256_add_epi32 (same[t], v);
          same_bsum[t] += acts[t].bsum[b];
        } else {
          bn_block_acc_add (&acc[t], d, bn_hsum256 (v) - acts[t].bsum[b]);
        }
      }
    }
    for (size_t t = 0; t < n_tokens; t++) {
      bn_block_acc_add (&acc[t], d0, bn_hsum256 (same[t]) - same_bsum[t]);
      bn_store_blocks (w, &acts[t], t, r, &acc[t], idot, y);
    }
  }
}

#define BN_TQ_CONCAT_(a, b, c) a##b##c
#define BN_TQ_NAME(fmt, variant) BN_TQ_CONCAT_ (fmt, _gemm_, variant)
#define BN_TQ_DEFINE_GEMM(fmt, tq1)                                                                                    \
  void BN_TQ_NAME (fmt, BN_TQ_VARIANT) (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,    \
                                        size_t row_end, int32_t *restrict idot, float *restrict y)                     \
  {                                                                                                                    \
    gemm_tq (w, acts, n_tokens, row_begin, row_end, idot, y, tq1);                                                     \
  }

BN_TQ_DEFINE_GEMM (bn_tq2_0, 0)
BN_TQ_DEFINE_GEMM (bn_tq1_0, 1)
