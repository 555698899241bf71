/* gst-bitnet kernels: I2S products, AVX2
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Without VNNI the u8 x s8 products go through vpmaddubsw, which saturates
 * at int16: planes are therefore shifted down to codes {0, 1, 2}, so a
 * pair sum is at most 2 * 2 * 128 = 512 and the 8 plane products of a
 * 256-column block add up to at most 4096 in int16 before vpmaddwd widens
 * them to int32. Extreme activations (-128 everywhere) cannot overflow.
 */
#include <immintrin.h>

#include "bn-kernels-private.h"

static inline int32_t
hsum256 (__m256i v)
{
  __m128i s = _mm_add_epi32 (_mm256_castsi256_si128 (v),
      _mm256_extracti128_si256 (v, 1));

  s = _mm_add_epi32 (s, _mm_shuffle_epi32 (s, _MM_SHUFFLE (1, 0, 3, 2)));
  s = _mm_add_epi32 (s, _mm_shuffle_epi32 (s, _MM_SHUFFLE (2, 3, 0, 1)));
  return _mm_cvtsi128_si32 (s);
}

/* int16 sum of the 8 plane products of one row's 256-column block */
static inline __m256i
block_products (const uint8_t *run, const __m256i x[8], __m256i m)
{
  const __m256i lo = _mm256_load_si256 ((const __m256i *) run);
  const __m256i hi = _mm256_load_si256 ((const __m256i *) (run + 32));
  __m256i s;

  s = _mm256_maddubs_epi16 (_mm256_and_si256 (lo, m), x[0]);
  s = _mm256_add_epi16 (s, _mm256_maddubs_epi16 (_mm256_and_si256 (hi, m),
          x[1]));
  s = _mm256_add_epi16 (s,
      _mm256_maddubs_epi16 (_mm256_and_si256 (_mm256_srli_epi16 (lo, 2), m),
          x[2]));
  s = _mm256_add_epi16 (s,
      _mm256_maddubs_epi16 (_mm256_and_si256 (_mm256_srli_epi16 (hi, 2), m),
          x[3]));
  s = _mm256_add_epi16 (s,
      _mm256_maddubs_epi16 (_mm256_and_si256 (_mm256_srli_epi16 (lo, 4), m),
          x[4]));
  s = _mm256_add_epi16 (s,
      _mm256_maddubs_epi16 (_mm256_and_si256 (_mm256_srli_epi16 (hi, 4), m),
          x[5]));
  s = _mm256_add_epi16 (s,
      _mm256_maddubs_epi16 (_mm256_and_si256 (_mm256_srli_epi16 (lo, 6), m),
          x[6]));
  s = _mm256_add_epi16 (s,
      _mm256_maddubs_epi16 (_mm256_and_si256 (_mm256_srli_epi16 (hi, 6), m),
          x[7]));
  return s;
}

/* activations of block b: plane p, half h at x[2p + h] */
static inline void
load_block_acts (const int8_t *xq, __m256i x[8])
{
  for (int i = 0; i < 8; i++)
    x[i] = _mm256_load_si256 ((const __m256i *) (xq + 32 * i));
}

void
bn_i2s_gemv_avx2 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens,
    size_t row_begin, size_t row_end, int32_t *restrict idot,
    float *restrict y)
{
  const size_t k_pad = bn_round_up (w->cols, 256), nb = k_pad / 256;
  const BnActQ8 *act = &acts[0];
  const __m256i m = _mm256_set1_epi8 (0x03);
  const __m256i ones = _mm256_set1_epi16 (1);

  (void) n_tokens;
  for (size_t g = row_begin / 4; g * 4 < row_end; g++) {
    const uint8_t *wp = w->data + g * k_pad;
    __m256i a0 = _mm256_setzero_si256 (), a1 = a0, a2 = a0, a3 = a0;
    int32_t dot[4];

    for (size_t b = 0; b < nb; b++, wp += 256) {
      __m256i x[8];

      load_block_acts (act->q + b * 256, x);
      a0 = _mm256_add_epi32 (a0, _mm256_madd_epi16 (block_products (wp, x,
                  m), ones));
      a1 = _mm256_add_epi32 (a1, _mm256_madd_epi16 (block_products (wp + 64,
                  x, m), ones));
      a2 = _mm256_add_epi32 (a2, _mm256_madd_epi16 (block_products (wp + 128,
                  x, m), ones));
      a3 = _mm256_add_epi32 (a3, _mm256_madd_epi16 (block_products (wp + 192,
                  x, m), ones));
    }
    dot[0] = hsum256 (a0);
    dot[1] = hsum256 (a1);
    dot[2] = hsum256 (a2);
    dot[3] = hsum256 (a3);
    for (size_t i = 0; i < 4; i++) {
      size_t r = g * 4 + i;
      if (r >= row_begin && r < row_end)
        bn_store_row (w, act, 0, r, dot[i] - act->sum, idot, y);
    }
  }
}

/* Batched: per block, each row's codes are decoded once into 8 plane
 * registers and multiplied by every token's activations; the int32
 * accumulators of a (row, token) live on the stack (too many for 16 ymm
 * registers). */
void
bn_i2s_gemm_avx2 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens,
    size_t row_begin, size_t row_end, int32_t *restrict idot,
    float *restrict y)
{
  const size_t k_pad = bn_round_up (w->cols, 256), nb = k_pad / 256;
  const __m256i m = _mm256_set1_epi8 (0x03);
  const __m256i ones = _mm256_set1_epi16 (1);

  for (size_t g = row_begin / 4; g * 4 < row_end; g++) {
    const uint8_t *wp = w->data + g * k_pad;
    __m256i acc[4][BN_GEMM_MAX_TOKENS];

    for (int i = 0; i < 4; i++)
      for (size_t t = 0; t < n_tokens; t++)
        acc[i][t] = _mm256_setzero_si256 ();

    for (size_t b = 0; b < nb; b++, wp += 256) {
      for (int i = 0; i < 4; i++) {
        const __m256i lo = _mm256_load_si256 ((const __m256i *) (wp + 64 * i));
        const __m256i hi = _mm256_load_si256 ((const __m256i *) (wp + 64 * i +
                32));
        /* plane p, half h at c[2 p + h], as the activations of the block */
        const __m256i c[8] = {
          _mm256_and_si256 (lo, m), _mm256_and_si256 (hi, m),
          _mm256_and_si256 (_mm256_srli_epi16 (lo, 2), m),
          _mm256_and_si256 (_mm256_srli_epi16 (hi, 2), m),
          _mm256_and_si256 (_mm256_srli_epi16 (lo, 4), m),
          _mm256_and_si256 (_mm256_srli_epi16 (hi, 4), m),
          _mm256_and_si256 (_mm256_srli_epi16 (lo, 6), m),
          _mm256_and_si256 (_mm256_srli_epi16 (hi, 6), m),
        };

        for (size_t t = 0; t < n_tokens; t++) {
          const __m256i *x = (const __m256i *) (acts[t].q + b * 256);
          __m256i s = _mm256_maddubs_epi16 (c[0], _mm256_load_si256 (x));
          for (int k = 1; k < 8; k++)
            s = _mm256_add_epi16 (s, _mm256_maddubs_epi16 (c[k],
                    _mm256_load_si256 (x + k)));
          acc[i][t] = _mm256_add_epi32 (acc[i][t],
              _mm256_madd_epi16 (s, ones));
        }
      }
    }

    for (int i = 0; i < 4; i++) {
      size_t r = g * 4 + i;
      if (r < row_begin || r >= row_end)
        continue;
      for (size_t t = 0; t < n_tokens; t++)
        bn_store_row (w, &acts[t], t, r, hsum256 (acc[i][t]) - acts[t].sum,
            idot, y);
    }
  }
}
