/* gst-bitnet kernels: TQ2_0 / TQ1_0 products, AVX-512 VL + VNNI
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * llama.cpp's blocks are read in place; each (row, block) is decoded once
 * into codes {0, 1, 2} and multiplied with every token's activations by
 * 256-bit vpdpbusd (the block geometry is 32 elements wide). The per-block
 * f16 scales are applied exactly in fixed point (bn-kernels-private.h).
 */
#include "bn-tq-x86.h"

/* lane sums of codes x activations for one block (8 or 10 vectors); two
 * accumulators halve the vpdpbusd dependency chain */
static inline __attribute__ ((always_inline)) __m256i
dot_codes (const __m256i *c, const int n, const int8_t *x, const int tq1)
{
  __m256i a0 = _mm256_setzero_si256 (), a1 = a0;

#pragma GCC unroll 10
  for (int i = 0; i < n; i += 2) {
    const __m256i x0 = tq1 ? bn_tq1_act (x, i) : _mm256_load_si256 ((const __m256i *) (x + bn_tq2_act_offset (i)));
    const __m256i x1 =
        tq1 ? bn_tq1_act (x, i + 1) : _mm256_load_si256 ((const __m256i *) (x + bn_tq2_act_offset (i + 1)));
    a0 = _mm256_dpbusd_epi32 (a0, c[i], x0);
    a1 = _mm256_dpbusd_epi32 (a1, c[i + 1], x1);
  }
  return _mm256_add_epi32 (a0, a1);
}

#define BN_TQ_VARIANT avx512
#include "bn-tq-gemm-x86.h"
