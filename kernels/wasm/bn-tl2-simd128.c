/* gst-bitnet kernels: TL2 table-lookup products, WebAssembly SIMD128
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each triple's 32 signed int16 entries form a 64-byte table; SIMD128's
 * swizzle reads 16 bytes, so a lookup is four swizzles of the four
 * quarters with the index moved down by 16 each time (an index past a
 * quarter, or one that wrapped below zero, gives 0) OR-ed together. A 5-bit
 * code c becomes the byte pair (2 c, 2 c + 1), so one lookup returns the 8
 * int16 products of 8 rows with the sign already applied. int16 sums are
 * folded after each run of at most 4 units (4 * 16 * 384 < 32768).
 */
#include "bn-simd128.h"

#include "bn-tl-driver.h"

static inline v128_t
lookup (v128_t code, const uint8_t *tab)
{
  const v128_t c = wasm_v128_and (code, wasm_i16x8_splat (0x1f));
  /* bytes (2 c, 2 c + 1) = c * 0x0202 + 0x0100 */
  const v128_t idx = wasm_i16x8_add (wasm_i16x8_mul (c, wasm_i16x8_splat (0x0202)), wasm_i16x8_splat (0x0100));
  v128_t r = wasm_i8x16_swizzle (wasm_v128_load (tab), idx);

  for (int q = 1; q < 4; q++)
    r = wasm_v128_or (r, wasm_i8x16_swizzle (wasm_v128_load (tab + 16 * q),
                                             wasm_i8x16_sub (idx, wasm_i8x16_splat ((int8_t) (16 * q)))));
  return r;
}

static inline v128_t
cross (v128_t lo, const int right, v128_t hi, const int left)
{
  return wasm_v128_or (wasm_u16x8_shr (lo, right), wasm_i16x8_shl (hi, left));
}

static inline v128_t
shr (v128_t v, const int n)
{
  return wasm_u16x8_shr (v, n);
}

/* @lut points at the token's A tables (64 bytes per triple) of the chunk */
static void
run_tl2 (const uint8_t *run, size_t cl, const uint8_t *lut, int32_t *sums)
{
  for (int q = 0; q < 4; q++) {
    v128_t acc = wasm_i16x8_splat (0);
    const uint8_t *p = run + 16 * q;
    const uint8_t *t = lut;

    for (size_t u = 0; u < cl; u++, p += BN_TL2_UNIT_BYTES, t += BN_TL2_UNIT * 64) {
      const v128_t w0 = wasm_v128_load (p);
      const v128_t w1 = wasm_v128_load (p + 64);
      const v128_t w2 = wasm_v128_load (p + 128);
      const v128_t w3 = wasm_v128_load (p + 192);
      const v128_t w4 = wasm_v128_load (p + 256);
      const v128_t c[16] = {
        w0,           shr (w0, 5),           shr (w0, 10),          cross (w0, 15, w1, 1), shr (w1, 4),
        shr (w1, 9),  cross (w1, 14, w2, 2), shr (w2, 3),           shr (w2, 8),           cross (w2, 13, w3, 3),
        shr (w3, 2),  shr (w3, 7),           cross (w3, 12, w4, 4), shr (w4, 1),           shr (w4, 6),
        shr (w4, 11),
      };

      for (int i = 0; i < 16; i++)
        acc = wasm_i16x8_add (acc, lookup (c[i], t + 64 * i));
    }
    bn_simd128_add_i16_to (sums + 8 * q, acc);
  }
}

void
bn_tl2_gemm_simd128 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                     int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, n_tokens, row_begin, row_end, idot, y, run_tl2, 0, BN_TL2_UNIT * 64);
}
