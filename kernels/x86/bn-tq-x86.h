/* gst-bitnet kernels: TQ2_0 / TQ1_0 block decoding shared by the AVX2 and
 * AVX-512 files (static inline: each includer compiles it with its flags)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <immintrin.h>

#include "bn-kernels-private.h"
#include "bn-x86.h"

static inline uint16_t
bn_load_f16 (const uint8_t *p)
{
  return (uint16_t) (p[0] | (p[1] << 8));
}

/* TQ2_0 block -> 8 vectors of codes {0, 1, 2}; vector 2p + h holds
 * elements 128 h + 32 p + (0..31), i.e. activations at that offset. */
static inline __attribute__ ((always_inline)) void
bn_tq2_decode (const uint8_t *blk, __m256i c[8])
{
  const __m256i m = _mm256_set1_epi8 (0x03);
  const __m256i h0 = _mm256_loadu_si256 ((const __m256i *) blk);
  const __m256i h1 = _mm256_loadu_si256 ((const __m256i *) (blk + 32));

#pragma GCC unroll 4
  for (int p = 0; p < 4; p++) {
    c[2 * p] = _mm256_and_si256 (_mm256_srli_epi16 (h0, 2 * p), m);
    c[2 * p + 1] = _mm256_and_si256 (_mm256_srli_epi16 (h1, 2 * p), m);
  }
}

static inline int
bn_tq2_act_offset (int i)
{
  return 128 * (i % 2) + 32 * (i / 2);
}

/* Trit n of each byte: ((uint8_t) (q * 3^n) * 3) >> 8, computed on the
 * even and odd bytes of 16-bit words (x86 has no byte multiply). */
static inline __m256i
bn_tq1_trits (__m256i q, int pow3)
{
  const __m256i lo8 = _mm256_set1_epi16 (0xff);
  const __m256i p = _mm256_set1_epi16 ((short) pow3);
  const __m256i three = _mm256_set1_epi16 (3);
  __m256i e = _mm256_and_si256 (_mm256_mullo_epi16 (_mm256_and_si256 (q, lo8), p), lo8);
  __m256i o = _mm256_and_si256 (_mm256_mullo_epi16 (_mm256_srli_epi16 (q, 8), p), lo8);

  e = _mm256_srli_epi16 (_mm256_mullo_epi16 (e, three), 8);
  o = _mm256_srli_epi16 (_mm256_mullo_epi16 (o, three), 8);
  return _mm256_or_si256 (e, _mm256_slli_epi16 (o, 8));
}

/* TQ1_0 block -> 10 vectors of trits: c[n] holds elements 32 n + (0..31);
 * c[5 + n] holds 160 + 16 n + (0..15) in bytes 0-15, 240 + 4 n + (0..3) in
 * bytes 16-19 (n < 4) and zeros above (see bn_tq1_act). */
static inline __attribute__ ((always_inline)) void
bn_tq1_decode (const uint8_t *blk, __m256i c[10])
{
  static const int pow3[5] = { 1, 3, 9, 27, 81 };
  const __m256i a = _mm256_loadu_si256 ((const __m256i *) blk);
  /* bytes 32..51 as 5 dwords; the masked load never reads past the block */
  const __m256i b = _mm256_maskload_epi32 ((const int *) (blk + 32), _mm256_setr_epi32 (-1, -1, -1, -1, -1, 0, 0, 0));

#pragma GCC unroll 5
  for (int n = 0; n < 5; n++) {
    c[n] = bn_tq1_trits (a, pow3[n]);
    c[5 + n] = bn_tq1_trits (b, pow3[n]);
  }
}

/* Activations matching c[i] of bn_tq1_decode for the block at @x. */
static inline __m256i
bn_tq1_act (const int8_t *x, int i)
{
  int32_t tail = 0;

  if (i < 5)
    return _mm256_load_si256 ((const __m256i *) (x + 32 * i));
  i -= 5;
  if (i < 4)
    memcpy (&tail, x + 240 + 4 * i, 4);
  return _mm256_inserti128_si256 (_mm256_castsi128_si256 (_mm_loadu_si128 ((const __m128i *) (x + 160 + 16 * i))),
                                  _mm_cvtsi32_si128 (tail), 1);
}
