/* gst-bitnet kernels: small helpers shared by the AVX2 and AVX-512 files
 * (static inline: each includer compiles them with its own flags)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <immintrin.h>
#include <stdint.h>

/* sum of the 8 int32 lanes */
static inline int32_t
bn_hsum256 (__m256i v)
{
  __m128i s = _mm_add_epi32 (_mm256_castsi256_si128 (v), _mm256_extracti128_si256 (v, 1));

  s = _mm_add_epi32 (s, _mm_shuffle_epi32 (s, _MM_SHUFFLE (1, 0, 3, 2)));
  s = _mm_add_epi32 (s, _mm_shuffle_epi32 (s, _MM_SHUFFLE (2, 3, 0, 1)));
  return _mm_cvtsi128_si32 (s);
}

/* Defines the I2S GEMV @name over rows [row_begin, row_end): tiles of 4
 * rows, then single rows, each done by the includer's
 * gemv_rows (w, act, r, rn, idot, y) (always inlined, rn a constant). */
#define BN_X86_I2S_DEFINE_GEMV(name)                                                                                   \
  void name (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,               \
             int32_t *restrict idot, float *restrict y)                                                                \
  {                                                                                                                    \
    size_t r = row_begin;                                                                                              \
                                                                                                                       \
    (void) n_tokens;                                                                                                   \
    for (; r + 4 <= row_end; r += 4)                                                                                   \
      gemv_rows (w, &acts[0], r, 4, idot, y);                                                                          \
    for (; r < row_end; r++)                                                                                           \
      gemv_rows (w, &acts[0], r, 1, idot, y);                                                                          \
  }
