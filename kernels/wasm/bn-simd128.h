/* gst-bitnet kernels: the integer steps the WebAssembly SIMD128 files share
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SIMD128 has no 8-bit dot product: both operands are widened to int16 and
 * i32x4.dot_i16x8_s sums the products pairwise into int32 lanes, exactly.
 * Callers only use the horizontal sum, so the lane order is free.
 */
#pragma once

#include <wasm_simd128.h>

#include "bn-kernels-private.h"

/* acc += the products of the 16 int8 lanes of @a and @b (pairwise sums) */
static inline v128_t
bn_simd128_dot16 (v128_t acc, v128_t a, v128_t b)
{
  const v128_t lo = wasm_i32x4_dot_i16x8 (wasm_i16x8_extend_low_i8x16 (a), wasm_i16x8_extend_low_i8x16 (b));
  const v128_t hi = wasm_i32x4_dot_i16x8 (wasm_i16x8_extend_high_i8x16 (a), wasm_i16x8_extend_high_i8x16 (b));

  return wasm_i32x4_add (acc, wasm_i32x4_add (lo, hi));
}

static inline int32_t
bn_simd128_hsum (v128_t v)
{
  return wasm_i32x4_extract_lane (v, 0) + wasm_i32x4_extract_lane (v, 1) + wasm_i32x4_extract_lane (v, 2)
         + wasm_i32x4_extract_lane (v, 3);
}

/* sums[0..7] += the int16 lanes of @v, widened */
static inline void
bn_simd128_add_i16_to (int32_t *sums, v128_t v)
{
  wasm_v128_store (sums, wasm_i32x4_add (wasm_v128_load (sums), wasm_i32x4_extend_low_i16x8 (v)));
  wasm_v128_store (sums + 4, wasm_i32x4_add (wasm_v128_load (sums + 4), wasm_i32x4_extend_high_i16x8 (v)));
}
