/* gst-bitnet kernels: output-head products shared by the AVX2 and AVX-512
 * files (static inline: each includer compiles them with its own flags)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The head streams 2 (f16) or 1.06 (Q8_0) bytes per weight and is memory
 * bound: one row at a time with independent accumulators is enough.
 */
#pragma once

#include <immintrin.h>

#include "bn-head.h"
#include "bn-kernels-private.h"

static inline float
bn_hsum256_ps (__m256 v)
{
  __m128 s = _mm_add_ps (_mm256_castps256_ps128 (v), _mm256_extractf128_ps (v, 1));

  s = _mm_add_ps (s, _mm_movehl_ps (s, s));
  s = _mm_add_ss (s, _mm_movehdup_ps (s));
  return _mm_cvtss_f32 (s);
}

static inline float
bn_head_f16_row (const uint16_t *row, size_t cols, const float *x)
{
  __m256 a0 = _mm256_setzero_ps (), a1 = a0, a2 = a0, a3 = a0;
  size_t c = 0;
  float tail = 0.0f;

  for (; c + 32 <= cols; c += 32) {
    a0 = _mm256_fmadd_ps (_mm256_cvtph_ps (_mm_loadu_si128 ((const __m128i *) (row + c))), _mm256_loadu_ps (x + c), a0);
    a1 = _mm256_fmadd_ps (_mm256_cvtph_ps (_mm_loadu_si128 ((const __m128i *) (row + c + 8))),
                          _mm256_loadu_ps (x + c + 8), a1);
    a2 = _mm256_fmadd_ps (_mm256_cvtph_ps (_mm_loadu_si128 ((const __m128i *) (row + c + 16))),
                          _mm256_loadu_ps (x + c + 16), a2);
    a3 = _mm256_fmadd_ps (_mm256_cvtph_ps (_mm_loadu_si128 ((const __m128i *) (row + c + 24))),
                          _mm256_loadu_ps (x + c + 24), a3);
  }
  for (; c < cols; c++)
    tail += _cvtsh_ss (row[c]) * x[c];
  return bn_hsum256_ps (_mm256_add_ps (_mm256_add_ps (a0, a1), _mm256_add_ps (a2, a3))) + tail;
}
