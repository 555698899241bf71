/* gst-bitnet kernels: TQ2_0 / TQ1_0 products, WebAssembly SIMD128
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The row loop is bn-tq-gemm128.h's; here, the decoding into codes
 * {0, 1, 2} and the dot. SIMD128 has no 8-bit multiply: TQ1_0's digits are
 * taken in 16-bit lanes and narrowed back.
 */
#include "bn-simd128.h"

typedef v128_t BnTqVec;
#define BN_TQ_FN(name) name##_simd128

/* TQ2_0: c[4 p + q] holds elements 128 (q / 2) + 32 p + 16 (q % 2) + 0..15 */
static inline void
tq2_decode (const uint8_t *blk, v128_t c[16])
{
  const v128_t m = wasm_u8x16_splat (3);

  for (int q = 0; q < 4; q++) {
    const v128_t v = wasm_v128_load (blk + 16 * q);
    for (int p = 0; p < 4; p++)
      c[4 * p + q] = p == 3 ? wasm_u8x16_shr (v, 6) : wasm_v128_and (wasm_u8x16_shr (v, 2 * p), m);
  }
}

/* trit n of 8 bytes widened to uint16: ((uint8_t) (q * 3^n) * 3) >> 8 */
static inline v128_t
tq1_trits8 (v128_t q16, uint16_t pow3)
{
  const v128_t v = wasm_v128_and (wasm_i16x8_mul (q16, wasm_i16x8_splat ((int16_t) pow3)), wasm_i16x8_splat (0xff));

  return wasm_u16x8_shr (wasm_i16x8_mul (v, wasm_i16x8_splat (3)), 8);
}

/* TQ1_0: c[3 n + i] holds digit n of the qs bytes 16 i..16 i + 15 */
static inline void
tq1_decode (const uint8_t *blk, v128_t c[15])
{
  static const uint16_t pow3[5] = { 1, 3, 9, 27, 81 };

  for (int i = 0; i < 3; i++) {
    const v128_t q = wasm_v128_load (blk + 16 * i);
    const v128_t lo = wasm_u16x8_extend_low_u8x16 (q), hi = wasm_u16x8_extend_high_u8x16 (q);

    for (int n = 0; n < 5; n++)
      c[3 * n + i] = wasm_u8x16_narrow_i16x8 (tq1_trits8 (lo, pow3[n]), tq1_trits8 (hi, pow3[n]));
  }
}

static inline int32_t
tq_dot (const v128_t *c, int n, const int8_t *x, const int *off)
{
  v128_t a = wasm_i32x4_splat (0);

  for (int i = 0; i < n; i++)
    a = bn_simd128_dot16 (a, c[i], wasm_v128_load (x + off[i]));
  return bn_simd128_hsum (a);
}

#include "bn-tq-gemm128.h"
