/* gst-bitnet kernels: I2S products, AVX2
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Without VNNI the u8 x s8 products go through vpmaddubsw, which saturates
 * at int16: planes are therefore shifted down to codes {0, 1, 2}, so a
 * pair sum is at most 2 * 2 * 128 = 512 and the 4 plane products of a
 * 128-column block add up to at most 2048 in int16 before vpmaddwd widens
 * them to int32. Extreme activations (-128 everywhere) cannot overflow.
 */
#include <immintrin.h>

#include "bn-kernels-private.h"
#include "bn-x86.h"

/* int16 sum of the 4 plane products of one row's 128-column block (plane
 * s at bits 6 - 2s holds columns 32s..32s+31) */
static inline __m256i
block_products (const uint8_t *blk, const __m256i x[4], __m256i m)
{
  const __m256i v = _mm256_loadu_si256 ((const __m256i *) blk);
  __m256i s;

  s = _mm256_maddubs_epi16 (_mm256_and_si256 (_mm256_srli_epi16 (v, 6), m), x[0]);
  s = _mm256_add_epi16 (s, _mm256_maddubs_epi16 (_mm256_and_si256 (_mm256_srli_epi16 (v, 4), m), x[1]));
  s = _mm256_add_epi16 (s, _mm256_maddubs_epi16 (_mm256_and_si256 (_mm256_srli_epi16 (v, 2), m), x[2]));
  s = _mm256_add_epi16 (s, _mm256_maddubs_epi16 (_mm256_and_si256 (v, m), x[3]));
  return s;
}

static inline void
load_block_acts (const int8_t *xq, __m256i x[4])
{
  x[0] = _mm256_load_si256 ((const __m256i *) xq);
  x[1] = _mm256_load_si256 ((const __m256i *) (xq + 32));
  x[2] = _mm256_load_si256 ((const __m256i *) (xq + 64));
  x[3] = _mm256_load_si256 ((const __m256i *) (xq + 96));
}

/* GEMV over RN consecutive rows from @r (RN = 4, or 1 for the tail) */
static inline __attribute__ ((always_inline)) void
gemv_rows (const BnTernary *w, const BnActQ8 *act, size_t r, const int rn, int32_t *restrict idot, float *restrict y)
{
  const size_t nb = bn_round_up (w->cols, BN_I2S_BLOCK) / BN_I2S_BLOCK;
  const uint8_t *wp = w->data + r * nb * 32;
  const __m256i m = _mm256_set1_epi8 (0x03);
  const __m256i ones = _mm256_set1_epi16 (1);
  __m256i a[4];

#pragma GCC unroll 4
  for (int i = 0; i < rn; i++)
    a[i] = _mm256_setzero_si256 ();
  for (size_t b = 0; b < nb; b++) {
    __m256i x[4];

    bn_i2s_prefetch_ahead (wp, nb, b, rn);
    load_block_acts (act->q + b * BN_I2S_BLOCK, x);
#pragma GCC unroll 4
    for (int i = 0; i < rn; i++)
      a[i] =
          _mm256_add_epi32 (a[i], _mm256_madd_epi16 (block_products (wp + (size_t) i * nb * 32 + b * 32, x, m), ones));
  }
#pragma GCC unroll 4
  for (int i = 0; i < rn; i++)
    bn_store_row (w, act, 0, r + (size_t) i, bn_hsum256 (a[i]) - act->sum, idot, y);
}

BN_X86_I2S_DEFINE_GEMV (bn_i2s_gemv_avx2)

/* Batched: per block, each row's codes are decoded once into 4 plane
 * registers and multiplied by every token's activations; the int32
 * accumulators of a (row, token) live on the stack (too many for 16 ymm
 * registers). */
void
bn_i2s_gemm_avx2 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                  int32_t *restrict idot, float *restrict y)
{
  const size_t nb = bn_round_up (w->cols, BN_I2S_BLOCK) / BN_I2S_BLOCK;
  const __m256i m = _mm256_set1_epi8 (0x03);
  const __m256i ones = _mm256_set1_epi16 (1);

  for (size_t r = row_begin; r < row_end; r += 4) {
    const size_t rn = row_end - r < 4 ? row_end - r : 4;
    const uint8_t *wp = w->data + r * nb * 32;
    __m256i acc[4][BN_GEMM_MAX_TOKENS];

    for (size_t i = 0; i < rn; i++)
      for (size_t t = 0; t < n_tokens; t++)
        acc[i][t] = _mm256_setzero_si256 ();

    for (size_t b = 0; b < nb; b++) {
      for (size_t i = 0; i < rn; i++) {
        const __m256i v = _mm256_loadu_si256 ((const __m256i *) (wp + i * nb * 32 + b * 32));
        const __m256i c[4] = {
          _mm256_and_si256 (_mm256_srli_epi16 (v, 6), m),
          _mm256_and_si256 (_mm256_srli_epi16 (v, 4), m),
          _mm256_and_si256 (_mm256_srli_epi16 (v, 2), m),
          _mm256_and_si256 (v, m),
        };

        for (size_t t = 0; t < n_tokens; t++) {
          const __m256i *x = (const __m256i *) (acts[t].q + b * BN_I2S_BLOCK);
          __m256i s = _mm256_maddubs_epi16 (c[0], _mm256_load_si256 (x));
          for (int k = 1; k < 4; k++)
            s = _mm256_add_epi16 (s, _mm256_maddubs_epi16 (c[k], _mm256_load_si256 (x + k)));
          acc[i][t] = _mm256_add_epi32 (acc[i][t], _mm256_madd_epi16 (s, ones));
        }
      }
    }

    for (size_t i = 0; i < rn; i++)
      for (size_t t = 0; t < n_tokens; t++)
        bn_store_row (w, &acts[t], t, r + i, bn_hsum256 (acc[i][t]) - acts[t].sum, idot, y);
  }
}
