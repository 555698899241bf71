/* gst-bitnet kernels: the output head (tied embedding) in f16 or Q8_0
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The head is the largest matrix of a BitNet model (128256 x 2560 for
 * 2B4T) and stays out of the ternary formats: f16 as the model ships it, or
 * ggml's Q8_0 (blocks of 32: an f16 scale then 32 int8). Float products:
 * every variant is checked against the reference within 1e-5 relative,
 * not bit for bit (the order of float additions differs).
 */
#pragma once

#include "bn-ktypes.h"
#include "bn-dispatch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BN_Q8_0_BLOCK 32
#define BN_Q8_0_BLOCK_BYTES 34

/* Bytes of a rows x cols Q8_0 matrix (cols % 32 == 0), else 0. */
BN_KERNEL_API size_t bn_q8_0_size (size_t rows, size_t cols);

/* ggml's quantize_row_q8_0_ref: per block d = max|x| / 127, q =
 * roundf(x / d) (half away from zero), d stored as f16. */
BN_KERNEL_API int bn_q8_0_quantize (const float *x, size_t rows, size_t cols, uint8_t *dst);
BN_KERNEL_API void bn_q8_0_dequantize (const uint8_t *src, size_t rows, size_t cols, float *dst);

/* y[r] = sum_c f16(w[r * cols + c]) * x[c] for r in [row_begin, row_end);
 * accumulated in double (the reference). */
BN_KERNEL_API void bn_head_f16_ref (const uint16_t *w, size_t cols, const float *x, size_t row_begin, size_t row_end,
                                    float *y);

/* y[r] = sum_b d_b * dot(q_b, act->q) * act->scale_inv, exact in fixed
 * point (the reference; act->k == cols). */
BN_KERNEL_API void bn_head_q8_0_ref (const uint8_t *w, size_t cols, const BnActQ8 *act, size_t row_begin,
                                     size_t row_end, float *y);

/* y = W x over rows [row_begin, row_end) with the variant's kernel (W:
 * rows x cols f16, row-major); *kernel_name (nullable) gets its name. */
BN_KERNEL_API int bn_head_f16_gemv (const BnKernels *k, const uint16_t *w, size_t rows, size_t cols, const float *x,
                                    size_t row_begin, size_t row_end, float *y, const char **kernel_name);

/* The same for a Q8_0 matrix and int8 activations (act->k == cols). */
BN_KERNEL_API int bn_head_q8_0_gemv (const BnKernels *k, const uint8_t *w, size_t rows, size_t cols, const BnActQ8 *act,
                                     size_t row_begin, size_t row_end, float *y, const char **kernel_name);

#ifdef __cplusplus
}
#endif
