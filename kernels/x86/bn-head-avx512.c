/* gst-bitnet kernels: output-head products, AVX-512 VL + VNNI
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Q8_0: vpdpbusd needs an unsigned operand, so the activations are biased
 * by 128 (x ^ 0x80) and 128 * sum(w), from a second vpdpbusd with ones,
 * is subtracted: exact int32 lane sums for any int8 weights.
 *
 * The f16 head has no AVX-512 code: its row loop is 256-bit and memory
 * bound, so the avx512 variant runs bn_head_f16_avx2 (bn-dispatch.c).
 */
#include "bn-head-x86.h"

void
bn_head_q8_0_avx512 (const uint8_t *w, size_t cols, const BnActQ8 *act, size_t row_begin, size_t row_end,
                     float *restrict y)
{
  const size_t nb = cols / BN_Q8_0_BLOCK;
  const __m256i bias = _mm256_set1_epi8 ((char) 0x80);
  const __m256i ones = _mm256_set1_epi8 (1);

  for (size_t r = row_begin; r < row_end; r++) {
    const uint8_t *blk = w + r * nb * BN_Q8_0_BLOCK_BYTES;
    __m256 a0 = _mm256_setzero_ps (), a1 = a0;

    for (size_t b = 0; b < nb; b++, blk += BN_Q8_0_BLOCK_BYTES) {
      const __m256i wv = _mm256_loadu_si256 ((const __m256i *) (blk + 2));
      const __m256i xv = _mm256_load_si256 ((const __m256i *) (act->q + b * BN_Q8_0_BLOCK));
      const __m256i p = _mm256_dpbusd_epi32 (_mm256_setzero_si256 (), _mm256_xor_si256 (xv, bias), wv);
      const __m256i sw = _mm256_dpbusd_epi32 (_mm256_setzero_si256 (), ones, wv);
      const __m256i lanes = _mm256_sub_epi32 (p, _mm256_slli_epi32 (sw, 7));
      const __m256 d = _mm256_set1_ps (_cvtsh_ss ((uint16_t) (blk[0] | (blk[1] << 8))));

      if (b % 2)
        a1 = _mm256_fmadd_ps (_mm256_cvtepi32_ps (lanes), d, a1);
      else
        a0 = _mm256_fmadd_ps (_mm256_cvtepi32_ps (lanes), d, a0);
    }
    y[r] = bn_hsum256_ps (_mm256_add_ps (a0, a1)) * act->scale_inv;
  }
}

/* The certified head's screening product: 32 int8 weights widened to
 * int16 (vpmovsxbw zmm), multiplied by int16 activations and accumulated
 * in pairs into int32 lanes by vpdpwssd (VNNI); exact (see the AVX2 twin). */
void
bn_head_screen_avx512 (const int8_t *q, size_t cols, const int16_t *p, size_t row_begin, size_t row_end,
                       int32_t *restrict y)
{
  for (size_t r = row_begin; r < row_end; r++) {
    const int8_t *row = q + r * cols;
    __m512i a0 = _mm512_setzero_si512 (), a1 = a0;
    int32_t tail = 0;
    size_t c = 0;

    for (; c + 64 <= cols; c += 64) {
      const __m512i w0 = _mm512_cvtepi8_epi16 (_mm256_loadu_si256 ((const __m256i *) (row + c)));
      const __m512i w1 = _mm512_cvtepi8_epi16 (_mm256_loadu_si256 ((const __m256i *) (row + c + 32)));

      a0 = _mm512_dpwssd_epi32 (a0, w0, _mm512_loadu_si512 ((const void *) (p + c)));
      a1 = _mm512_dpwssd_epi32 (a1, w1, _mm512_loadu_si512 ((const void *) (p + c + 32)));
    }
    for (; c < cols; c++)
      tail += (int32_t) row[c] * p[c];
    y[r] = _mm512_reduce_add_epi32 (_mm512_add_epi32 (a0, a1)) + tail;
  }
}
