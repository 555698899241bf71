/* gst-bitnet kernels: I2S products, AVX-512 VL + VNNI
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The layout's 32-byte blocks (128 columns) are read as ymm vectors:
 * vpdpbusd on ymm retires as many MACs per cycle as on zmm on the CPUs
 * measured (docs/kernels.md), and the activations stay in natural order.
 *
 * GEMV: one activation load feeds 4 rows; the codes q+1 are the unsigned
 * operand of vpdpbusd. Each bit plane is masked in place (0xc0, 0x30,
 * 0x0c, 0x03 select columns 0-31, 32-63, 64-95, 96-127 of the block)
 * instead of shifted, so a plane's accumulator holds 4^s times its dot
 * product (s = 3, 2, 1, 0); the planes are aligned with one arithmetic
 * shift each per row at the end (exact: every term is a multiple of 4^s).
 * Then dot(q, x) = dot(q + 1, x) - sum(x).
 */
#include <immintrin.h>

#include "bn-kernels-private.h"
#include "bn-x86.h"

/* a[0] holds 64x (columns 0-31), a[1] 16x, a[2] 4x, a[3] 1x */
static inline int32_t
plane_dot (const __m256i a[4])
{
  return bn_hsum256 (_mm256_add_epi32 (_mm256_add_epi32 (a[3], _mm256_srai_epi32 (a[2], 2)),
                                       _mm256_add_epi32 (_mm256_srai_epi32 (a[1], 4), _mm256_srai_epi32 (a[0], 6))));
}

/* GEMV over RN consecutive rows from @r (RN = 4, or 1 for the tail) */
static inline __attribute__ ((always_inline)) void
gemv_rows (const BnTernary *w, const BnActQ8 *act, size_t r, const int rn, int32_t *restrict idot, float *restrict y)
{
  const size_t nb = bn_round_up (w->cols, BN_I2S_BLOCK) / BN_I2S_BLOCK;
  const uint8_t *wp = w->data + r * nb * 32;
  const __m256i m[4] = {
    _mm256_set1_epi8 ((char) 0xc0),
    _mm256_set1_epi8 (0x30),
    _mm256_set1_epi8 (0x0c),
    _mm256_set1_epi8 (0x03),
  };
  __m256i a[4][4];

#pragma GCC unroll 4
  for (int i = 0; i < rn; i++)
#pragma GCC unroll 4
    for (int p = 0; p < 4; p++)
      a[i][p] = _mm256_setzero_si256 ();

  for (size_t b = 0; b < nb; b++) {
    const int8_t *xq = act->q + b * BN_I2S_BLOCK;
    __m256i x[4];

    bn_i2s_prefetch_ahead (wp, nb, b, rn);

#pragma GCC unroll 4
    for (int p = 0; p < 4; p++)
      x[p] = _mm256_load_si256 ((const __m256i *) (xq + 32 * p));
#pragma GCC unroll 4
    for (int i = 0; i < rn; i++) {
      const __m256i v = _mm256_loadu_si256 ((const __m256i *) (wp + (size_t) i * nb * 32 + b * 32));
#pragma GCC unroll 4
      for (int p = 0; p < 4; p++)
        a[i][p] = _mm256_dpbusd_epi32 (a[i][p], _mm256_and_si256 (v, m[p]), x[p]);
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < rn; i++)
    bn_store_row (w, act, 0, r + (size_t) i, plane_dot (a[i]) - act->sum, idot, y);
}

BN_X86_I2S_DEFINE_GEMV (bn_i2s_gemv_avx512)

/* GEMM tile: RN rows x TN tokens. Planes are shifted down to {0, 1, 2}
 * here so that all four share one accumulator per (row, token): 16
 * accumulators, 4 weight registers, TN activation registers. */
static inline __attribute__ ((always_inline)) void
gemm_tile (const BnTernary *w, const BnActQ8 *acts, size_t t0, const int tn, size_t r, const int rn,
           int32_t *restrict idot, float *restrict y)
{
  const size_t nb = bn_round_up (w->cols, BN_I2S_BLOCK) / BN_I2S_BLOCK;
  const __m256i m = _mm256_set1_epi8 (0x03);
  const uint8_t *wp = w->data + r * nb * 32;
  const int8_t *xq[4];
  __m256i acc[4][4];

  /* fully unrolled, so that the accumulators live in registers */
#pragma GCC unroll 4
  for (int t = 0; t < tn; t++)
    xq[t] = acts[t0 + t].q;
#pragma GCC unroll 4
  for (int i = 0; i < rn; i++)
#pragma GCC unroll 4
    for (int t = 0; t < tn; t++)
      acc[i][t] = _mm256_setzero_si256 ();

  for (size_t b = 0; b < nb; b++) {
    __m256i wv[4];

#pragma GCC unroll 4
    for (int i = 0; i < rn; i++)
      wv[i] = _mm256_loadu_si256 ((const __m256i *) (wp + (size_t) i * nb * 32 + b * 32));
#pragma GCC unroll 4
    for (int p = 0; p < 4; p++) {
      __m256i xv[4];

#pragma GCC unroll 4
      for (int t = 0; t < tn; t++)
        xv[t] = _mm256_load_si256 ((const __m256i *) (xq[t] + b * BN_I2S_BLOCK + 32 * p));
#pragma GCC unroll 4
      for (int i = 0; i < rn; i++) {
        const __m256i pl = _mm256_and_si256 (_mm256_srli_epi16 (wv[i], 6 - 2 * p), m);
#pragma GCC unroll 4
        for (int t = 0; t < tn; t++)
          acc[i][t] = _mm256_dpbusd_epi32 (acc[i][t], pl, xv[t]);
      }
    }
  }

  for (int i = 0; i < rn; i++)
    for (int t = 0; t < tn; t++) {
      const BnActQ8 *act = &acts[t0 + t];
      bn_store_row (w, act, t0 + t, r + (size_t) i, bn_hsum256 (acc[i][t]) - act->sum, idot, y);
    }
}

static inline __attribute__ ((always_inline)) void
gemm_rows (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t r, const int rn, int32_t *restrict idot,
           float *restrict y)
{
  size_t t0 = 0;

  for (; t0 + 4 <= n_tokens; t0 += 4)
    gemm_tile (w, acts, t0, 4, r, rn, idot, y);
  switch (n_tokens - t0) {
  case 3: gemm_tile (w, acts, t0, 3, r, rn, idot, y); break;
  case 2: gemm_tile (w, acts, t0, 2, r, rn, idot, y); break;
  case 1: gemm_tile (w, acts, t0, 1, r, rn, idot, y); break;
  default: break;
  }
}

void
bn_i2s_gemm_avx512 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                    int32_t *restrict idot, float *restrict y)
{
  size_t r = row_begin;

  for (; r + 4 <= row_end; r += 4)
    gemm_rows (w, acts, n_tokens, r, 4, idot, y);
  for (; r < row_end; r++)
    gemm_rows (w, acts, n_tokens, r, 1, idot, y);
}
