/* gst-bitnet kernels: TL2 table-lookup products, AVX-512 BW
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each row's 5-bit codes (magnitude | sign << 4) sit in 16-bit words, one
 * word per row in 32-row planes; vpermw ignores all but the low 5 bits of
 * each word index, so a shifted plane *is* the index vector of one triple
 * for 32 rows, and one vpermw into that triple's 32-entry signed table
 * yields 32 int16 products: no masking, no sign fix-up, no unpacking.
 * A unit (16 triples, 80 bits a row) takes 5 loads, 19 shifts or ors, 16
 * vpermw and 16 adds for 1536 weights. int16 sums are folded after each
 * run of at most 4 units (4 * 16 * 384 < 32768).
 */
#include <immintrin.h>

#include "bn-tl-driver.h"

/* the hardware prefetchers lose the weight stream among the table loads */
#define PREFETCH 8192

#define LOOKUP(acc, code, i)                                                                                           \
  acc = _mm512_add_epi16 (acc, _mm512_permutexvar_epi16 (code, _mm512_load_si512 ((const void *) (lut + 64 * (i)))))

static void
run_tl2 (const uint8_t *run, size_t cl, const uint8_t *lut, int32_t *sums)
{
  __m512i a = _mm512_setzero_si512 (), b = a;

  for (size_t u = 0; u < cl; u++, run += BN_TL2_UNIT_BYTES, lut += BN_TL2_UNIT * 64) {
    __m512i w0, w1, w2, w3, w4;

    for (int l = 0; l < 5; l++)
      _mm_prefetch ((const char *) run + PREFETCH + 64 * l, _MM_HINT_T1);
    w0 = _mm512_load_si512 ((const void *) run);
    w1 = _mm512_load_si512 ((const void *) (run + 64));
    w2 = _mm512_load_si512 ((const void *) (run + 128));
    w3 = _mm512_load_si512 ((const void *) (run + 192));
    w4 = _mm512_load_si512 ((const void *) (run + 256));

    /* code i sits at bits 5 i of the row's 80 bits (plane j = 16 j..) */
    LOOKUP (a, w0, 0);
    LOOKUP (b, _mm512_srli_epi16 (w0, 5), 1);
    LOOKUP (a, _mm512_srli_epi16 (w0, 10), 2);
    LOOKUP (b, _mm512_or_si512 (_mm512_srli_epi16 (w0, 15), _mm512_slli_epi16 (w1, 1)), 3);
    LOOKUP (a, _mm512_srli_epi16 (w1, 4), 4);
    LOOKUP (b, _mm512_srli_epi16 (w1, 9), 5);
    LOOKUP (a, _mm512_or_si512 (_mm512_srli_epi16 (w1, 14), _mm512_slli_epi16 (w2, 2)), 6);
    LOOKUP (b, _mm512_srli_epi16 (w2, 3), 7);
    LOOKUP (a, _mm512_srli_epi16 (w2, 8), 8);
    LOOKUP (b, _mm512_or_si512 (_mm512_srli_epi16 (w2, 13), _mm512_slli_epi16 (w3, 3)), 9);
    LOOKUP (a, _mm512_srli_epi16 (w3, 2), 10);
    LOOKUP (b, _mm512_srli_epi16 (w3, 7), 11);
    LOOKUP (a, _mm512_or_si512 (_mm512_srli_epi16 (w3, 12), _mm512_slli_epi16 (w4, 4)), 12);
    LOOKUP (b, _mm512_srli_epi16 (w4, 1), 13);
    LOOKUP (a, _mm512_srli_epi16 (w4, 6), 14);
    LOOKUP (b, _mm512_srli_epi16 (w4, 11), 15);
  }

  {
    const __m512i v = _mm512_add_epi16 (a, b);
    __m512i s0 = _mm512_loadu_si512 ((const void *) sums);
    __m512i s1 = _mm512_loadu_si512 ((const void *) (sums + 16));

    s0 = _mm512_add_epi32 (s0, _mm512_cvtepi16_epi32 (_mm512_castsi512_si256 (v)));
    s1 = _mm512_add_epi32 (s1, _mm512_cvtepi16_epi32 (_mm512_extracti64x4_epi64 (v, 1)));
    _mm512_storeu_si512 ((void *) sums, s0);
    _mm512_storeu_si512 ((void *) (sums + 16), s1);
  }
}

void
bn_tl2_gemv_avx512 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                    int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, 1, row_begin, row_end, idot, y, run_tl2, 0, BN_TL2_UNIT * 64);
}

void
bn_tl2_gemm_avx512 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                    int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, n_tokens, row_begin, row_end, idot, y, run_tl2, 0, BN_TL2_UNIT * 64);
}
