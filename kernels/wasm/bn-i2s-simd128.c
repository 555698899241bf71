/* gst-bitnet kernels: I2S products, WebAssembly SIMD128
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As the NEON file: each bit plane of a 16-byte half block is shifted down
 * to codes {0, 1, 2} and multiplied with the 16 activations it covers;
 * dot(q, x) = dot(q + 1, x) - sum(x). A row's block is decoded once and
 * used for every token of a batch.
 */
#include "bn-simd128.h"

void
bn_i2s_gemm_simd128 (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                     int32_t *restrict idot, float *restrict y)
{
  const size_t nb = bn_round_up (w->cols, BN_I2S_BLOCK) / BN_I2S_BLOCK;
  const v128_t m = wasm_u8x16_splat (3);

  for (size_t r = row_begin; r < row_end; r++) {
    const uint8_t *wp = w->data + r * nb * 32;
    v128_t acc[BN_GEMM_MAX_TOKENS];

    for (size_t t = 0; t < n_tokens; t++)
      acc[t] = wasm_i32x4_splat (0);
    for (size_t b = 0; b < nb; b++) {
      v128_t c[8]; /* columns 16 k..16 k+15 of the block at k */

      for (int h = 0; h < 2; h++) {
        const v128_t v = wasm_v128_load (wp + b * 32 + 16 * h);
        c[h] = wasm_u8x16_shr (v, 6);
        c[2 + h] = wasm_v128_and (wasm_u8x16_shr (v, 4), m);
        c[4 + h] = wasm_v128_and (wasm_u8x16_shr (v, 2), m);
        c[6 + h] = wasm_v128_and (v, m);
      }
      for (size_t t = 0; t < n_tokens; t++) {
        const int8_t *x = acts[t].q + b * BN_I2S_BLOCK;
        v128_t a = acc[t];

        for (int k = 0; k < 8; k++)
          a = bn_simd128_dot16 (a, c[k], wasm_v128_load (x + 16 * k));
        acc[t] = a;
      }
    }
    for (size_t t = 0; t < n_tokens; t++)
      bn_store_row (w, &acts[t], t, r, bn_simd128_hsum (acc[t]) - acts[t].sum, idot, y);
  }
}
