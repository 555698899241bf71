/* gst-bitnet kernels: ternary weight formats (I2S, TL1, TL2, TQ2_0, TQ1_0)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each format lives in its own file (bn-i2s.c, bn-tl1.c, bn-tl2.c, and
 * bn-tq.c for both TQ formats) with its pack, unpack and scalar reference
 * product; the generic bn_ternary_*() functions below (bn-ternary.c) read
 * them from one traits table, a row per format. bitnet.cpp I2_S tensors:
 * bn-i2s-file.c.
 * Codes are int8 values in {-1, 0, +1}, row-major rows x cols.
 * Layouts: docs/kernels.md.
 */
#pragma once

#include "bn-ktypes.h"
#include "bn-act.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- generic API ---------------------------------------------------- */

/* Checks that @format can hold a rows x cols matrix (TQ formats need
 * cols % 256 == 0; every format needs 0 < cols <= BN_MAX_COLS). */
BN_KERNEL_API int bn_ternary_check_shape (BnTernaryFormat format, size_t rows, size_t cols);

/* Bytes of packed data for a rows x cols matrix, 0 if the shape is refused. */
BN_KERNEL_API size_t bn_ternary_packed_size (BnTernaryFormat format, size_t rows, size_t cols);

/* Rows are packed in groups of this many (a thread team should split
 * row ranges at multiples of it; any split is still correct). */
BN_KERNEL_API size_t bn_ternary_row_align (BnTernaryFormat format);

/* Absmean ternarization of n floats: s = max(mean|w|, 1e-5),
 * codes = clamp(round_half_even(w / s), -1, 1). Returns s. */
BN_KERNEL_API float bn_ternarize_absmean (const float *w, size_t n, int8_t *codes);

/* Packs codes (rows x cols) with per-tensor @scale into @dst and fills
 * @out. TQ formats store f16(@scale) in every block that holds a nonzero
 * code (0 in all-zero blocks, as ggml's quantizer does). */
BN_KERNEL_API int bn_ternary_pack_codes (BnTernaryFormat format, void *dst, size_t dst_size, const int8_t *codes,
                                         size_t rows, size_t cols, float scale, BnTernary *out);

/* Ternarizes float weights by absmean (one scale per tensor) and packs. */
BN_KERNEL_API int bn_ternary_pack_f32 (BnTernaryFormat format, void *dst, size_t dst_size, const float *w, size_t rows,
                                       size_t cols, BnTernary *out);

/* Writes the codes of rows [row_begin, row_end) to @codes. */
BN_KERNEL_API int bn_ternary_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes);

/* Dequantized weights: codes times the (per-tensor or per-block) scale. */
BN_KERNEL_API int bn_ternary_dequantize (const BnTernary *m, float *out);

/* If every block holding a nonzero code has the same scale, stores it in
 * @scale and returns BN_K_OK; else BN_K_ERR_SCALE. Per-tensor formats
 * always succeed with m->scale. */
BN_KERNEL_API int bn_ternary_uniform_scale (const BnTernary *m, float *scale);

/* Allow bn_ternary_convert() to round a float32 scale to f16. */
#define BN_CONVERT_ROUND_SCALE (1u << 0)

/* Converts without loss: codes are kept exactly; TQ2_0 <-> TQ1_0 keep
 * every block scale; TQ -> per-tensor formats need a uniform block scale;
 * per-tensor -> TQ needs a scale exact in f16 unless
 * BN_CONVERT_ROUND_SCALE. Allocates a temporary code buffer. */
BN_KERNEL_API int bn_ternary_convert (const BnTernary *src, BnTernaryFormat format, void *dst, size_t dst_size,
                                      unsigned flags, BnTernary *out);

/* Scalar reference product, the ground truth of every SIMD variant:
 * for tokens t < n_tokens (<= BN_GEMM_MAX_TOKENS) and rows
 * r in [row_begin, row_end): idot[t * rows + r] = sum_c code(r, c) *
 * acts[t].q[c] and y[t * rows + r] = the scaled float output (see
 * docs/kernels.md "Outputs"). @idot and @y may be NULL. TL formats need
 * acts[t].lut built for the format. */
BN_KERNEL_API void bn_ternary_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,
                                        size_t row_end, int32_t *idot, float *y);

/* Lookup tables of TL1/TL2 (0 for other formats). */
BN_KERNEL_API size_t bn_ternary_lut_size (BnTernaryFormat format, size_t k);

/* "Matching mode": the product with llama.cpp-style Q8_K activations
 * (one scale per block of 256), y = sum_b (float) idot_b * (d_act_b *
 * d_w_b), accumulated in block order as ggml's generic TQ dot does;
 * d_w_b is the TQ block scale or the per-tensor scale. Scalar only. */
BN_KERNEL_API int bn_ternary_gemv_q8k_ref (const BnTernary *w, const BnBlockQ8K *blocks, size_t row_begin,
                                           size_t row_end, float *y);

/* ---- I2S: 2-bit codes, bitnet.cpp's x86 I2_S layout, per-tensor scale - */

/* Rows are stored one after another (no padding rows); work is still
 * split in multiples of 4 rows, the kernels' tile height. */
#define BN_I2S_ROWS 4
/* Columns per block (32 bytes); rows are padded to a whole block. */
#define BN_I2S_BLOCK 128

typedef enum {
  BN_I2S_FILE_X86 = 128, /* bitnet.cpp x86: blocks of 128 in 32 bytes */
  BN_I2S_FILE_ARM = 64,  /* bitnet.cpp ARM: blocks of 64 in 16 bytes */
} BnI2SFileLayout;

BN_KERNEL_API size_t bn_i2s_packed_size (size_t rows, size_t cols);
BN_KERNEL_API int bn_i2s_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols);
BN_KERNEL_API void bn_i2s_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes);
BN_KERNEL_API void bn_i2s_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,
                                    size_t row_end, int32_t *idot, float *y);

/* Size of a bitnet.cpp I2_S tensor: n / 4 code bytes + 32 (the float32
 * scale, then padding); 0 if rows * cols is not a multiple of the block. */
BN_KERNEL_API size_t bn_i2s_file_size (size_t rows, size_t cols, BnI2SFileLayout layout);
/* Reads a bitnet.cpp I2_S tensor (@src, @src_size bytes) into the I2S
 * kernel layout at @dst; the scale comes from the tensor. For x86 tensors
 * whose rows are whole blocks the two layouts are the same bytes (a
 * validated copy). */
BN_KERNEL_API int bn_i2s_from_file (void *dst, size_t dst_size, const uint8_t *src, size_t src_size, size_t rows,
                                    size_t cols, BnI2SFileLayout layout, BnTernary *out);
/* Points @out at the codes of a bitnet.cpp I2_S tensor in place (no copy)
 * after checking every code: possible for x86 tensors whose rows are whole
 * blocks (cols % 128 == 0); BN_K_ERR_SHAPE otherwise (use
 * bn_i2s_from_file()). @src must stay valid while @out is used. */
BN_KERNEL_API int bn_i2s_view_file (const uint8_t *src, size_t src_size, size_t rows, size_t cols,
                                    BnI2SFileLayout layout, BnTernary *out);
/* Writes @m (any format with a uniform scale) as a bitnet.cpp I2_S tensor,
 * bn_i2s_file_size() bytes, padding zeroed. */
BN_KERNEL_API int bn_i2s_to_file (const BnTernary *m, uint8_t *dst, size_t dst_size, BnI2SFileLayout layout);

/* ---- TL1: pairs -> 4-bit index into a 9-entry table, 32-row groups ---- */

#define BN_TL_ROWS 32

BN_KERNEL_API size_t bn_tl1_packed_size (size_t rows, size_t cols);
BN_KERNEL_API int bn_tl1_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols);
BN_KERNEL_API void bn_tl1_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes);
BN_KERNEL_API void bn_tl1_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,
                                    size_t row_end, int32_t *idot, float *y);
BN_KERNEL_API size_t bn_tl1_lut_size (size_t k);
BN_KERNEL_API void bn_tl1_build_lut_ref (const BnActQ8 *act, void *lut);

/* ---- TL2: triples -> 4-bit magnitude + sign, pairs for the tail -------- */

BN_KERNEL_API size_t bn_tl2_packed_size (size_t rows, size_t cols);
BN_KERNEL_API int bn_tl2_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols);
BN_KERNEL_API void bn_tl2_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes);
BN_KERNEL_API void bn_tl2_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,
                                    size_t row_end, int32_t *idot, float *y);
BN_KERNEL_API size_t bn_tl2_lut_size (size_t k);
BN_KERNEL_API void bn_tl2_build_lut_ref (const BnActQ8 *act, void *lut);

/* ---- TQ2_0 / TQ1_0: ggml's blocks of 256 with an f16 scale each ------- */

#define BN_TQ2_0_BLOCK_BYTES 66
#define BN_TQ1_0_BLOCK_BYTES 54

/* @block_d: rows * cols / 256 f16 scales, or NULL to derive them from
 * @scale (f16(scale) in blocks with a nonzero code, else 0). */
BN_KERNEL_API size_t bn_tq2_0_packed_size (size_t rows, size_t cols);
BN_KERNEL_API int bn_tq2_0_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols,
                                       const uint16_t *block_d, float scale);
BN_KERNEL_API void bn_tq2_0_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes);
BN_KERNEL_API void bn_tq2_0_block_scales (const BnTernary *m, uint16_t *block_d);
BN_KERNEL_API void bn_tq2_0_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,
                                      size_t row_end, int32_t *idot, float *y);
/* ggml's quantize_row_tq2_0_ref over a whole matrix (block absmax scale). */
BN_KERNEL_API int bn_tq2_0_quantize_ggml (uint8_t *dst, const float *w, size_t rows, size_t cols);

BN_KERNEL_API size_t bn_tq1_0_packed_size (size_t rows, size_t cols);
BN_KERNEL_API int bn_tq1_0_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols,
                                       const uint16_t *block_d, float scale);
BN_KERNEL_API void bn_tq1_0_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes);
BN_KERNEL_API void bn_tq1_0_block_scales (const BnTernary *m, uint16_t *block_d);
BN_KERNEL_API void bn_tq1_0_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,
                                      size_t row_end, int32_t *idot, float *y);
BN_KERNEL_API int bn_tq1_0_quantize_ggml (uint8_t *dst, const float *w, size_t rows, size_t cols);

#ifdef __cplusplus
}
#endif
