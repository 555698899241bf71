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
  __m128i s = _mm_add_epi32 (_mm256_castsi256_si128 (v),
      _mm256_extracti128_si256 (v, 1));

  s = _mm_add_epi32 (s, _mm_shuffle_epi32 (s, _MM_SHUFFLE (1, 0, 3, 2)));
  s = _mm_add_epi32 (s, _mm_shuffle_epi32 (s, _MM_SHUFFLE (2, 3, 0, 1)));
  return _mm_cvtsi128_si32 (s);
}
