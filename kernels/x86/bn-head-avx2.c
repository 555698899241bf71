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

/* The certified head's screening product: int8 rows widened to int16
 * (vpmovsxbw) times int16 activations, pairs summed by vpmaddwd into int32
 * lanes; exact, since |p| <= bn_head_screen_act_max (cols) bounds every
 * partial sum. */
void
bn_head_screen_avx2 (const int8_t *q, size_t cols, const int16_t *p, size_t row_begin, size_t row_end,
                     int32_t *restrict y)
{
  for (size_t r = row_begin; r < row_end; r++) {
    const int8_t *row = q + r * cols;
    __m256i a0 = _mm256_setzero_si256 (), a1 = a0;
    int32_t tail = 0;
    size_t c = 0;

    for (; c + 32 <= cols; c += 32) {
      const __m256i w0 = _mm256_cvtepi8_epi16 (_mm_loadu_si128 ((const __m128i *) (row + c)));
      const __m256i w1 = _mm256_cvtepi8_epi16 (_mm_loadu_si128 ((const __m128i *) (row + c + 16)));

      a0 = _mm256_add_epi32 (a0, _mm256_madd_epi16 (w0, _mm256_loadu_si256 ((const __m256i *) (p + c))));
      a1 = _mm256_add_epi32 (a1, _mm256_madd_epi16 (w1, _mm256_loadu_si256 ((const __m256i *) (p + c + 16))));
    }
    for (; c < cols; c++)
      tail += (int32_t) row[c] * p[c];
    a0 = _mm256_add_epi32 (a0, a1);
    {
      __m128i s = _mm_add_epi32 (_mm256_castsi256_si128 (a0), _mm256_extracti128_si256 (a0, 1));
      s = _mm_add_epi32 (s, _mm_shuffle_epi32 (s, 0x4e));
      s = _mm_add_epi32 (s, _mm_shuffle_epi32 (s, 0xb1));
      y[r] = _mm_cvtsi128_si32 (s) + tail;
    }
  }
}
