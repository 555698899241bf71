/* gst-bitnet kernels: TL1 table-lookup products, AVX-512 BW
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vpshufb looks up 64 indices at once: each 128-bit lane holds the table of
 * one pair and its 16 byte slots serve 16 rows. The int16 table entries
 * are split into a low-byte and a high-byte table; two lookups and an
 * unpack rebuild the int16 values, rows 0-7 of each lane from vpunpcklbw
 * and rows 8-15 from vpunpckhbw. The int16 sums are folded into int32
 * after each run of at most 16 superblocks (16 * 2 * 256 < 32768).
 */
#include <immintrin.h>

#include "bn-tl-driver.h"

/* the hardware prefetchers lose the weight stream among the table loads */
#define PREFETCH 8192

/* 32 int16 (lane L = w / 8, row j = w % 8) -> 8 int32, summed over lanes */
static inline __m256i
fold16 (__m512i v)
{
  __m512i a = _mm512_cvtepi16_epi32 (_mm512_castsi512_si256 (v));
  __m512i b = _mm512_cvtepi16_epi32 (_mm512_extracti64x4_epi64 (v, 1));
  __m512i s = _mm512_add_epi32 (a, b);

  return _mm256_add_epi32 (_mm512_castsi512_si256 (s), _mm512_extracti64x4_epi64 (s, 1));
}

static inline void
lookup (__m512i t_lo, __m512i t_hi, __m512i idx, __m512i *lo16, __m512i *hi16)
{
  const __m512i l = _mm512_shuffle_epi8 (t_lo, idx);
  const __m512i h = _mm512_shuffle_epi8 (t_hi, idx);

  *lo16 = _mm512_add_epi16 (*lo16, _mm512_unpacklo_epi8 (l, h));
  *hi16 = _mm512_add_epi16 (*hi16, _mm512_unpackhi_epi8 (l, h));
}

static void
run_tl1 (const uint8_t *run, size_t cl, const uint8_t *lut, int32_t *sums)
{
  const __m512i nib = _mm512_set1_epi8 (0x0f);
  __m512i l0 = _mm512_setzero_si512 (), h0 = l0, l1 = l0, h1 = l0;

  for (size_t hh = 0; hh < cl; hh++, run += BN_TL1_SB_BYTES, lut += 256) {
    const __m512i a_lo = _mm512_load_si512 ((const void *) lut);
    const __m512i a_hi = _mm512_load_si512 ((const void *) (lut + 64));
    const __m512i b_lo = _mm512_load_si512 ((const void *) (lut + 128));
    const __m512i b_hi = _mm512_load_si512 ((const void *) (lut + 192));
    __m512i i0, i1;

    _mm_prefetch ((const char *) run + PREFETCH, _MM_HINT_T1);
    _mm_prefetch ((const char *) run + PREFETCH + 64, _MM_HINT_T1);
    i0 = _mm512_load_si512 ((const void *) run);
    i1 = _mm512_load_si512 ((const void *) (run + 64));
    lookup (a_lo, a_hi, _mm512_and_si512 (i0, nib), &l0, &h0);
    lookup (b_lo, b_hi, _mm512_and_si512 (_mm512_srli_epi16 (i0, 4), nib), &l0, &h0);
    lookup (a_lo, a_hi, _mm512_and_si512 (i1, nib), &l1, &h1);
    lookup (b_lo, b_hi, _mm512_and_si512 (_mm512_srli_epi16 (i1, 4), nib), &l1, &h1);
  }

  {
    __m512i s01 = _mm512_loadu_si512 ((const void *) sums);
    __m512i s23 = _mm512_loadu_si512 ((const void *) (sums + 16));
    s01 = _mm512_add_epi32 (s01, _mm512_inserti64x4 (_mm512_castsi256_si512 (fold16 (l0)), fold16 (h0), 1));
    s23 = _mm512_add_epi32 (s23, _mm512_inserti64x4 (_mm512_castsi256_si512 (fold16 (l1)), fold16 (h1), 1));
    _mm512_storeu_si512 ((void *) sums, s01);
    _mm512_storeu_si512 ((void *) (sums + 16), s23);
  }
}

void
bn_tl1_gemv_avx512 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                    int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, 1, row_begin, row_end, idot, y, run_tl1, 0, BN_TL_LUT_SB_BYTES);
}

void
bn_tl1_gemm_avx512 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                    int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, n_tokens, row_begin, row_end, idot, y, run_tl1, 0, BN_TL_LUT_SB_BYTES);
}
