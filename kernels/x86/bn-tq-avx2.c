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
    const __m256i xv = tq1 ? bn_tq1_act (x, i) : _mm256_load_si256 ((const __m256i *) (x + bn_tq2_act_offset (i)));
    acc = _mm256_add_epi16 (acc, _mm256_maddubs_epi16 (c[i], xv));
  }
  return _mm256_madd_epi16 (acc, _mm256_set1_epi16 (1));
}

#define BN_TQ_VARIANT avx2
#include "bn-tq-gemm-x86.h"
