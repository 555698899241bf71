/* gst-bitnet kernels: TL1 table-lookup products and tables, AVX2
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Same scheme as the AVX-512 kernel with 256-bit vectors: the 64 index
 * bytes of a sub-block superblock are two ymm (lanes 0-1, then 2-3). Each
 * int16 word takes 4 lookups per superblock; runs of at most 16
 * superblocks are folded into int32 before any sum can overflow
 * (16 * 4 * 256 < 32768).
 */
#include <immintrin.h>

#include "bn-tl-driver.h"

/* 16 int16 (lane w / 8, row w % 8) -> 8 int32 rows summed over 2 lanes */
static inline __m256i
fold16 (__m256i v)
{
  return _mm256_add_epi32 (_mm256_cvtepi16_epi32 (_mm256_castsi256_si128 (v)),
                           _mm256_cvtepi16_epi32 (_mm256_extracti128_si256 (v, 1)));
}

/* One sub-block superblock for one token: @ip its 64 index bytes, @lut the
 * token's superblock table. */
static inline __attribute__ ((always_inline)) void
superblock (const uint8_t *ip, const uint8_t *lut, __m256i *lo16, __m256i *hi16)
{
  const __m256i nib = _mm256_set1_epi8 (0x0f);

  for (int q = 0; q < 2; q++) {
    const __m256i iv = _mm256_load_si256 ((const __m256i *) (ip + 32 * q));
    const __m256i idx[2] = { _mm256_and_si256 (iv, nib), _mm256_and_si256 (_mm256_srli_epi16 (iv, 4), nib) };

    for (int half = 0; half < 2; half++) {
      const uint8_t *t = lut + 128 * half + 32 * q;
      const __m256i l = _mm256_shuffle_epi8 (_mm256_load_si256 ((const __m256i *) t), idx[half]);
      const __m256i h = _mm256_shuffle_epi8 (_mm256_load_si256 ((const __m256i *) (t + 64)), idx[half]);

      *lo16 = _mm256_add_epi16 (*lo16, _mm256_unpacklo_epi8 (l, h));
      *hi16 = _mm256_add_epi16 (*hi16, _mm256_unpackhi_epi8 (l, h));
    }
  }
}

/* One group's run of a chunk (at most 16 superblocks) for one token,
 * added to the group's 32 int32 row sums. */
static void
run_tl1 (const uint8_t *run, size_t cl, const uint8_t *lut, int32_t *sums)
{
  for (size_t s = 0; s < 2; s++) {
    __m256i lo16 = _mm256_setzero_si256 (), hi16 = lo16;
    __m256i r0 = _mm256_loadu_si256 ((const __m256i *) (sums + 16 * s));
    __m256i r1 = _mm256_loadu_si256 ((const __m256i *) (sums + 16 * s + 8));

    for (size_t hh = 0; hh < cl; hh++)
      superblock (run + hh * BN_TL1_SB_BYTES + 64 * s, lut + hh * 256, &lo16, &hi16);
    _mm256_storeu_si256 ((__m256i *) (sums + 16 * s), _mm256_add_epi32 (r0, fold16 (lo16)));
    _mm256_storeu_si256 ((__m256i *) (sums + 16 * s + 8), _mm256_add_epi32 (r1, fold16 (hi16)));
  }
}

void
bn_tl1_gemv_avx2 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                  int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, 1, row_begin, row_end, idot, y, run_tl1, 0, BN_TL_LUT_SB_BYTES);
}

void
bn_tl1_gemm_avx2 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                  int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, n_tokens, row_begin, row_end, idot, y, run_tl1, 0, BN_TL_LUT_SB_BYTES);
}

/* ---- tables --------------------------------------------------------- */

/* Stores the 16 int16 entries of one lane: low bytes at @lo, high bytes at
 * @lo + 64 (the table layout of docs/kernels.md). */
static inline void
store_lane (uint8_t *lo, __m256i v)
{
  const __m256i packed = _mm256_packus_epi16 (_mm256_and_si256 (v, _mm256_set1_epi16 (0xff)), _mm256_srli_epi16 (v, 8));
  /* per 128-bit lane: 8 low bytes then 8 high bytes; gather the halves */
  const __m256i ordered = _mm256_permute4x64_epi64 (packed, _MM_SHUFFLE (3, 1, 2, 0));

  _mm_store_si128 ((__m128i *) lo, _mm256_castsi256_si128 (ordered));
  _mm_store_si128 ((__m128i *) (lo + 64), _mm256_extracti128_si256 (ordered, 1));
}

void
bn_tl1_build_lut_avx2 (const BnActQ8 *act, void *lut)
{
  /* entry e = (e / 3 - 1) x0 + (e % 3 - 1) x1, zero past 8 */
  const __m256i d0 = _mm256_setr_epi16 (-1, -1, -1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0);
  const __m256i d1 = _mm256_setr_epi16 (-1, 0, 1, -1, 0, 1, -1, 0, 1, 0, 0, 0, 0, 0, 0, 0);
  const size_t n_pairs = bn_tl1_n_sb (act->k) * 8;
  uint8_t *tab = lut;

  /* q is zero-padded to k_pad >= 2 * n_pairs */
  for (size_t p = 0; p < n_pairs; p++) {
    const __m256i x0 = _mm256_set1_epi16 (act->q[2 * p]);
    const __m256i x1 = _mm256_set1_epi16 (act->q[2 * p + 1]);
    const __m256i v = _mm256_add_epi16 (_mm256_mullo_epi16 (d0, x0), _mm256_mullo_epi16 (d1, x1));
    size_t h = p / 8, pp = p % 8;

    store_lane (tab + h * BN_TL_LUT_SB_BYTES + (pp / 4) * 128 + (pp % 4) * 16, v);
  }
}
