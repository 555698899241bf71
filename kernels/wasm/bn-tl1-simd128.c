/* gst-bitnet kernels: TL1 table-lookup products, WebAssembly SIMD128
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * i8x16.swizzle looks up one 16-byte lane of the table for 16 rows (as
 * NEON's tbl); the low-byte and high-byte lookups are interleaved into
 * int16 (rows 0-7, then rows 8-15). Each int16 word takes 8 lookups per
 * superblock, so the sums are widened to int32 every FLUSH superblocks
 * (8 * 8 * 256 < 32768).
 */
#include "bn-simd128.h"

#include "bn-tl-driver.h"

#define FLUSH 8

/* One sub-block superblock for one token (see bn-tl-avx2.c). */
static inline void
superblock (const uint8_t *ip, const uint8_t *lut, v128_t *lo16, v128_t *hi16)
{
  const v128_t nib = wasm_u8x16_splat (0x0f);

  for (int lane = 0; lane < 4; lane++) {
    const v128_t iv = wasm_v128_load (ip + 16 * lane);
    const v128_t idx[2] = { wasm_v128_and (iv, nib), wasm_u8x16_shr (iv, 4) };

    for (int half = 0; half < 2; half++) {
      const uint8_t *t = lut + 128 * half + 16 * lane;
      const v128_t l = wasm_i8x16_swizzle (wasm_v128_load (t), idx[half]);
      const v128_t h = wasm_i8x16_swizzle (wasm_v128_load (t + 64), idx[half]);
      const v128_t a = wasm_i8x16_shuffle (l, h, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const v128_t b = wasm_i8x16_shuffle (l, h, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);

      *lo16 = wasm_i16x8_add (*lo16, a);
      *hi16 = wasm_i16x8_add (*hi16, b);
    }
  }
}

static inline void
flush (v128_t *lo16, v128_t *hi16, int32_t *sums)
{
  bn_simd128_add_i16_to (sums, *lo16);
  bn_simd128_add_i16_to (sums + 8, *hi16);
  *lo16 = *hi16 = wasm_i16x8_splat (0);
}

/* One group's run of a chunk for one token, into its 32 row sums. */
static void
run_tl1 (const uint8_t *run, size_t cl, const uint8_t *lut, int32_t *sums)
{
  for (size_t s = 0; s < 2; s++) {
    v128_t lo16 = wasm_i16x8_splat (0), hi16 = lo16;

    for (size_t hh = 0; hh < cl; hh++) {
      superblock (run + hh * BN_TL1_SB_BYTES + 64 * s, lut + hh * 256, &lo16, &hi16);
      if ((hh + 1) % FLUSH == 0)
        flush (&lo16, &hi16, sums + 16 * s);
    }
    flush (&lo16, &hi16, sums + 16 * s);
  }
}

void
bn_tl1_gemm_simd128 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                     int32_t *restrict idot, float *restrict y)
{
  bn_tl_drive (w, acts, n_tokens, row_begin, row_end, idot, y, run_tl1, 0, BN_TL_LUT_SB_BYTES);
}
