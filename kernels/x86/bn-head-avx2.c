/* gst-bitnet kernels: output-head products, AVX2 + FMA + F16C
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Q8_0: int8 x int8 products are widened to int16 and summed in pairs by
 * vpmaddwd (exact; vpmaddubsw could saturate), giving 8 int32 lane sums
 * per block of 32, scaled by the block's f16 scale into float lanes.
 */
#include "bn-head-x86.h"

void
bn_head_f16_avx2 (const uint16_t *w, size_t cols, const float *x, size_t row_begin, size_t row_end, float *restrict y)
{
  for (size_t r = row_begin; r < row_end; r++)
    y[r] = bn_head_f16_row (w + r * cols, cols, x);
}

void
bn_head_q8_0_avx2 (const uint8_t *w, size_t cols, const BnActQ8 *act, size_t row_begin, size_t row_end,
                   float *restrict y)
{
  const size_t nb = cols / BN_Q8_0_BLOCK;

  for (size_t r = row_begin; r < row_end; r++) {
    const uint8_t *blk = w + r * nb * BN_Q8_0_BLOCK_BYTES;
    __m256 acc = _mm256_setzero_ps ();

    for (size_t b = 0; b < nb; b++, blk += BN_Q8_0_BLOCK_BYTES) {
      const __m256i wv = _mm256_loadu_si256 ((const __m256i *) (blk + 2));
      const __m256i xv = _mm256_load_si256 ((const __m256i *) (act->q + b * BN_Q8_0_BLOCK));
      const __m256i lanes =
          _mm256_add_epi32 (_mm256_madd_epi16 (_mm256_cvtepi8_epi16 (_mm256_castsi256_si128 (wv)),
                                               _mm256_cvtepi8_epi16 (_mm256_castsi256_si128 (xv))),
                            _mm256_madd_epi16 (_mm256_cvtepi8_epi16 (_mm256_extracti128_si256 (wv, 1)),
                                               _mm256_cvtepi8_epi16 (_mm256_extracti128_si256 (xv, 1))));
      const float d = _cvtsh_ss ((uint16_t) (blk[0] | (blk[1] << 8)));

      acc = _mm256_fmadd_ps (_mm256_cvtepi32_ps (lanes), _mm256_set1_ps (d), acc);
    }
    y[r] = bn_hsum256_ps (acc) * act->scale_inv;
  }
}
