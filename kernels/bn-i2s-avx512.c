/* gst-bitnet kernels: I2S products, AVX-512 BW/VL + VNNI
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GEMV: one activation load feeds the 4 interleaved rows of a group; the
 * codes q+1 are the unsigned operand of vpdpbusd. Each bit plane is masked
 * in place (0x03, 0x0c, 0x30, 0xc0) instead of shifted, so plane p's
 * accumulator holds 4^p times its dot product; the planes are aligned with
 * one arithmetic shift each per row at the end (exact: every term is a
 * multiple of 4^p). Then dot(q, x) = dot(q + 1, x) - sum(x).
 */
#include <immintrin.h>

#include "bn-kernels-private.h"

static inline __m512i
plane_sum (__m512i a0, __m512i a1, __m512i a2, __m512i a3)
{
  return _mm512_add_epi32 (_mm512_add_epi32 (a0, _mm512_srai_epi32 (a1, 2)),
      _mm512_add_epi32 (_mm512_srai_epi32 (a2, 4), _mm512_srai_epi32 (a3,
              6)));
}

void
bn_i2s_gemv_avx512 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens,
    size_t row_begin, size_t row_end, int32_t *restrict idot,
    float *restrict y)
{
  const size_t k_pad = bn_round_up (w->cols, 256), nb = k_pad / 256;
  const BnActQ8 *act = &acts[0];
  const __m512i m0 = _mm512_set1_epi8 (0x03);
  const __m512i m1 = _mm512_set1_epi8 (0x0c);
  const __m512i m2 = _mm512_set1_epi8 (0x30);
  const __m512i m3 = _mm512_set1_epi8 ((char) 0xc0);

  (void) n_tokens;
  for (size_t g = row_begin / 4; g * 4 < row_end; g++) {
    const uint8_t *wp = w->data + g * k_pad;
    const int8_t *xq = act->q;
    __m512i a00 = _mm512_setzero_si512 (), a01 = a00, a02 = a00, a03 = a00;
    __m512i a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    __m512i a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    __m512i a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    int32_t dot[4];

    for (size_t b = 0; b < nb; b++, wp += 256, xq += 256) {
      const __m512i x0 = _mm512_load_si512 ((const void *) (xq + 0));
      const __m512i x1 = _mm512_load_si512 ((const void *) (xq + 64));
      const __m512i x2 = _mm512_load_si512 ((const void *) (xq + 128));
      const __m512i x3 = _mm512_load_si512 ((const void *) (xq + 192));
      __m512i v;

      v = _mm512_load_si512 ((const void *) (wp + 0));
      a00 = _mm512_dpbusd_epi32 (a00, _mm512_and_si512 (v, m0), x0);
      a01 = _mm512_dpbusd_epi32 (a01, _mm512_and_si512 (v, m1), x1);
      a02 = _mm512_dpbusd_epi32 (a02, _mm512_and_si512 (v, m2), x2);
      a03 = _mm512_dpbusd_epi32 (a03, _mm512_and_si512 (v, m3), x3);
      v = _mm512_load_si512 ((const void *) (wp + 64));
      a10 = _mm512_dpbusd_epi32 (a10, _mm512_and_si512 (v, m0), x0);
      a11 = _mm512_dpbusd_epi32 (a11, _mm512_and_si512 (v, m1), x1);
      a12 = _mm512_dpbusd_epi32 (a12, _mm512_and_si512 (v, m2), x2);
      a13 = _mm512_dpbusd_epi32 (a13, _mm512_and_si512 (v, m3), x3);
      v = _mm512_load_si512 ((const void *) (wp + 128));
      a20 = _mm512_dpbusd_epi32 (a20, _mm512_and_si512 (v, m0), x0);
      a21 = _mm512_dpbusd_epi32 (a21, _mm512_and_si512 (v, m1), x1);
      a22 = _mm512_dpbusd_epi32 (a22, _mm512_and_si512 (v, m2), x2);
      a23 = _mm512_dpbusd_epi32 (a23, _mm512_and_si512 (v, m3), x3);
      v = _mm512_load_si512 ((const void *) (wp + 192));
      a30 = _mm512_dpbusd_epi32 (a30, _mm512_and_si512 (v, m0), x0);
      a31 = _mm512_dpbusd_epi32 (a31, _mm512_and_si512 (v, m1), x1);
      a32 = _mm512_dpbusd_epi32 (a32, _mm512_and_si512 (v, m2), x2);
      a33 = _mm512_dpbusd_epi32 (a33, _mm512_and_si512 (v, m3), x3);
    }

    dot[0] = _mm512_reduce_add_epi32 (plane_sum (a00, a01, a02, a03));
    dot[1] = _mm512_reduce_add_epi32 (plane_sum (a10, a11, a12, a13));
    dot[2] = _mm512_reduce_add_epi32 (plane_sum (a20, a21, a22, a23));
    dot[3] = _mm512_reduce_add_epi32 (plane_sum (a30, a31, a32, a33));
    for (size_t i = 0; i < 4; i++) {
      size_t r = g * 4 + i;
      if (r >= row_begin && r < row_end)
        bn_store_row (w, act, 0, r, dot[i] - act->sum, idot, y);
    }
  }
}

/* GEMM tile: the 4 rows of a group x TN tokens. Planes are shifted down to
 * {0, 1, 2} here so that all four share one accumulator per (row, token):
 * 16 accumulators, 4 weight registers, TN activation registers. */
static inline __attribute__ ((always_inline)) void
gemm_tile (const BnTernary *w, const BnActQ8 *acts, size_t t0, const int tn,
    size_t g, size_t row_begin, size_t row_end, int32_t *restrict idot,
    float *restrict y)
{
  const size_t k_pad = bn_round_up (w->cols, 256), nb = k_pad / 256;
  const __m512i m = _mm512_set1_epi8 (0x03);
  const uint8_t *wp = w->data + g * k_pad;
  const int8_t *xq[4];
  __m512i acc[4][4];

  /* fully unrolled, so that the accumulators live in registers */
#pragma GCC unroll 4
  for (int t = 0; t < tn; t++)
    xq[t] = acts[t0 + t].q;
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++)
#pragma GCC unroll 4
    for (int t = 0; t < tn; t++)
      acc[i][t] = _mm512_setzero_si512 ();

  for (size_t b = 0; b < nb; b++, wp += 256) {
    __m512i wv[4];

#pragma GCC unroll 4
    for (int i = 0; i < 4; i++)
      wv[i] = _mm512_load_si512 ((const void *) (wp + 64 * i));
#pragma GCC unroll 4
    for (int p = 0; p < 4; p++) {
      __m512i xv[4];

#pragma GCC unroll 4
      for (int t = 0; t < tn; t++)
        xv[t] = _mm512_load_si512 ((const void *) (xq[t] + b * 256 + 64 * p));
#pragma GCC unroll 4
      for (int i = 0; i < 4; i++) {
        const __m512i pl =
            _mm512_and_si512 (_mm512_srli_epi16 (wv[i], 2 * p), m);
#pragma GCC unroll 4
        for (int t = 0; t < tn; t++)
          acc[i][t] = _mm512_dpbusd_epi32 (acc[i][t], pl, xv[t]);
      }
    }
  }

  for (int i = 0; i < 4; i++) {
    size_t r = g * 4 + i;
    if (r < row_begin || r >= row_end)
      continue;
    for (int t = 0; t < tn; t++) {
      const BnActQ8 *act = &acts[t0 + t];
      int32_t dot = _mm512_reduce_add_epi32 (acc[i][t]) - act->sum;
      bn_store_row (w, act, t0 + t, r, dot, idot, y);
    }
  }
}

void
bn_i2s_gemm_avx512 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens,
    size_t row_begin, size_t row_end, int32_t *restrict idot,
    float *restrict y)
{
  for (size_t g = row_begin / 4; g * 4 < row_end; g++) {
    size_t t0 = 0;

    for (; t0 + 4 <= n_tokens; t0 += 4)
      gemm_tile (w, acts, t0, 4, g, row_begin, row_end, idot, y);
    switch (n_tokens - t0) {
      case 3:
        gemm_tile (w, acts, t0, 3, g, row_begin, row_end, idot, y);
        break;
      case 2:
        gemm_tile (w, acts, t0, 2, g, row_begin, row_end, idot, y);
        break;
      case 1:
        gemm_tile (w, acts, t0, 1, g, row_begin, row_end, idot, y);
        break;
      default:
        break;
    }
  }
}
