/* gst-bitnet kernels: TL2 table-lookup products and tables, AVX2
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * AVX2 has no word permute, so each 5-bit code is split: its magnitude
 * indexes 16-entry low-byte and high-byte tables (broadcast to both lanes)
 * through two vpshufb whose other byte is forced to zero (index bit 7),
 * and its sign bit negates the rebuilt int16. A ymm covers 16 rows of the
 * 32-row planes. int16 sums are folded after each run of at most 4 units.
 */
#include <immintrin.h>

#include "bn-tl-driver.h"

static inline __m256i
lookup (__m256i code, const uint8_t *tab)
{
  const __m256i lo_tab = _mm256_broadcastsi128_si256 (_mm_load_si128 ((const __m128i *) tab));
  const __m256i hi_tab = _mm256_broadcastsi128_si256 (_mm_load_si128 ((const __m128i *) (tab + 16)));
  const __m256i m = _mm256_and_si256 (code, _mm256_set1_epi16 (0x0f));
  const __m256i s = _mm256_and_si256 (code, _mm256_set1_epi16 (0x10));
  const __m256i neg = _mm256_cmpeq_epi16 (s, _mm256_set1_epi16 (0x10));
  /* (m, 0x80) picks the low byte, (0x80, m) the high byte */
  const __m256i il = _mm256_or_si256 (m, _mm256_set1_epi16 ((short) 0x8000));
  const __m256i ih = _mm256_or_si256 (_mm256_slli_epi16 (m, 8), _mm256_set1_epi16 (0x0080));
  const __m256i v = _mm256_or_si256 (_mm256_shuffle_epi8 (lo_tab, il), _mm256_shuffle_epi8 (hi_tab, ih));

  return _mm256_sub_epi16 (_mm256_xor_si256 (v, neg), neg);
}

static inline __m256i
cross (__m256i lo, int right, __m256i hi, int left)
{
  return _mm256_or_si256 (_mm256_srli_epi16 (lo, right), _mm256_slli_epi16 (hi, left));
}

/* @lut points at the token's B tables (32 bytes per triple) of the chunk */
static void
run_tl2 (const uint8_t *run, size_t cl, const uint8_t *lut, int32_t *sums)
{
  for (int h = 0; h < 2; h++) {
    __m256i acc = _mm256_setzero_si256 ();
    const uint8_t *p = run + 32 * h;
    const uint8_t *t = lut;

    for (size_t u = 0; u < cl; u++, p += BN_TL2_UNIT_BYTES, t += BN_TL2_UNIT * 32) {
      const __m256i w0 = _mm256_load_si256 ((const __m256i *) p);
      const __m256i w1 = _mm256_load_si256 ((const __m256i *) (p + 64));
      const __m256i w2 = _mm256_load_si256 ((const __m256i *) (p + 128));
      const __m256i w3 = _mm256_load_si256 ((const __m256i *) (p + 192));
      const __m256i w4 = _mm256_load_si256 ((const __m256i *) (p + 256));
      const __m256i c[16] = {
        w0,
        _mm256_srli_epi16 (w0, 5),
        _mm256_srli_epi16 (w0, 10),
        cross (w0, 15, w1, 1),
        _mm256_srli_epi16 (w1, 4),
        _mm256_srli_epi16 (w1, 9),
        cross (w1, 14, w2, 2),
        _mm256_srli_epi16 (w2, 3),
        _mm256_srli_epi16 (w2, 8),
        cross (w2, 13, w3, 3),
        _mm256_srli_epi16 (w3, 2),
        _mm256_srli_epi16 (w3, 7),
        cross (w3, 12, w4, 4),
        _mm256_srli_epi16 (w4, 1),
        _mm256_srli_epi16 (w4, 6),
        _mm256_srli_epi16 (w4, 11),
      };

      for (int i = 0; i < 16; i++)
        acc = _mm256_add_epi16 (acc, lookup (c[i], t + 32 * i));
    }
    {
      __m256i s0 = _mm256_loadu_si256 ((const __m256i *) (sums + 16 * h));
      __m256i s1 = _mm256_loadu_si256 ((const __m256i *) (sums + 16 * h + 8));
      s0 = _mm256_add_epi32 (s0, _mm256_cvtepi16_epi32 (_mm256_castsi256_si128 (acc)));
      s1 = _mm256_add_epi32 (s1, _mm256_cvtepi16_epi32 (_mm256_extracti128_si256 (acc, 1)));
      _mm256_storeu_si256 ((__m256i *) (sums + 16 * h), s0);
      _mm256_storeu_si256 ((__m256i *) (sums + 16 * h + 8), s1);
    }
  }
}

static inline size_t
lut_b (const BnTernary *w)
{
  return bn_tl2_lut_b_offset (w->cols);
}

void
bn_tl2_gemv_avx2 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                  int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, 1, row_begin, row_end, idot, y, run_tl2, lut_b (w), BN_TL2_UNIT * 32);
}

void
bn_tl2_gemm_avx2 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                  int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, n_tokens, row_begin, row_end, idot, y, run_tl2, lut_b (w), BN_TL2_UNIT * 32);
}

/* ---- tables --------------------------------------------------------- */

void
bn_tl2_build_lut_avx2 (const BnActQ8 *act, void *lut)
{
  /* balanced-ternary digits of m = 0..13 (see bn-tl2.c), zero past 13 */
  const __m256i d0 = _mm256_setr_epi16 (0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
  const __m256i d1 = _mm256_setr_epi16 (0, 0, 1, 1, 1, -1, -1, -1, 0, 0, 0, 1, 1, 1, 0, 0);
  const __m256i d2 = _mm256_setr_epi16 (0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, 0, 0);
  const size_t n_triples = act->k / 3, k3 = n_triples * 3;
  const size_t n_slots = bn_tl2_n_units (act->k) * BN_TL2_UNIT;
  uint8_t *a_region = lut;
  uint8_t *b_region = a_region + bn_tl2_lut_b_offset (act->k);
  int16_t *tail = (int16_t *) bn_tl2_tail_lut (lut, act->k);
  size_t t = 0;

  for (; t < n_triples; t++) {
    const int8_t *x = act->q + 3 * t;
    const __m256i v = _mm256_add_epi16 (_mm256_add_epi16 (_mm256_mullo_epi16 (d0, _mm256_set1_epi16 (x[0])),
                                                          _mm256_mullo_epi16 (d1, _mm256_set1_epi16 (x[1]))),
                                        _mm256_mullo_epi16 (d2, _mm256_set1_epi16 (x[2])));
    const __m256i n = _mm256_sub_epi16 (_mm256_setzero_si256 (), v);
    /* per 128-bit lane: 8 low bytes then 8 high bytes; gather the halves */
    const __m256i packed = _mm256_permute4x64_epi64 (
        _mm256_packus_epi16 (_mm256_and_si256 (v, _mm256_set1_epi16 (0xff)), _mm256_srli_epi16 (v, 8)),
        _MM_SHUFFLE (3, 1, 2, 0));

    _mm256_store_si256 ((__m256i *) (a_region + 64 * t), v);
    _mm256_store_si256 ((__m256i *) (a_region + 64 * t + 32), n);
    _mm256_store_si256 ((__m256i *) (b_region + 32 * t), packed);
  }
  /* padding triples of the last unit: zero tables */
  for (; t < n_slots; t++) {
    memset (a_region + 64 * t, 0, 64);
    memset (b_region + 32 * t, 0, 32);
  }
  memset (tail, 0, 64);
  if (k3 < act->k) {
    int x0 = act->q[k3], x1 = k3 + 1 < act->k ? act->q[k3 + 1] : 0;

    for (int e = 0; e < 9; e++)
      tail[e] = (int16_t) ((e / 3 - 1) * x0 + (e % 3 - 1) * x1);
  }
}
