/* gst-bitnet kernels: TQ2_0 / TQ1_0 products, AVX2
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As the AVX-512 file, with vpmaddubsw: codes are {0, 1, 2}, so a pair sum
 * is at most 512 in magnitude and the 10 products of a block at most 5120
 * in int16 before vpmaddwd widens them.
 */
#include "bn-tq-x86.h"

/* lane sums of codes x activations for one block (8 or 10 vectors) */
static inline __attribute__ ((always_inline)) __m256i
dot_codes (const __m256i *c, const int n, const int8_t *x, const int tq1)
{
  __m256i acc = _mm256_setzero_si256 ();

#pragma GCC unroll 10
  for (int i = 0; i < n; i++) {
    const __m256i xv = tq1 ? bn_tq1_act (x, i) :
        _mm256_load_si256 ((const __m256i *) (x + bn_tq2_act_offset (i)));
    acc = _mm256_add_epi16 (acc, _mm256_maddubs_epi16 (c[i], xv));
  }
  return _mm256_madd_epi16 (acc, _mm256_set1_epi16 (1));
}

/* Blocks whose scale equals the row's first scale (all of them in a
 * model with one scale per tensor) are summed in a vector and scaled
 * once; the others are reduced and scaled block by block. Integer sums
 * are exact, so the result is the reference's bit for bit. */
static inline __attribute__ ((always_inline)) void
gemm_tq (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens,
    size_t row_begin, size_t row_end, int32_t *restrict idot,
    float *restrict y, const int tq1)
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
        const __m256i v = dot_codes (c, tq1 ? 10 : 8, acts[t].q + b * 256,
            tq1);
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

void
bn_tq2_0_gemm_avx2 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens,
    size_t row_begin, size_t row_end, int32_t *restrict idot,
    float *restrict y)
{
  gemm_tq (w, acts, n_tokens, row_begin, row_end, idot, y, 0);
}

void
bn_tq1_0_gemm_avx2 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens,
    size_t row_begin, size_t row_end, int32_t *restrict idot,
    float *restrict y)
{
  gemm_tq (w, acts, n_tokens, row_begin, row_end, idot, y, 1);
}
