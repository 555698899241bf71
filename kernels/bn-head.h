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

/* ---- screening copy for the certified head (docs/engine.md) -------------
 *
 * Rows of an f16 head w_r are copied as int8 with one float scale per row,
 * w~_r = scale_r * q_r (q in [-127, 127], scale = max|w_r| / 127); the
 * activations x as int16 within +-bn_head_screen_act_max (cols), x~ =
 * step * p. Products sum q . p in int32, exactly (the bound on p keeps
 * every partial sum inside int32). For the float logit y_r any f16 head
 * kernel computes (any order of float additions, with or without FMA):
 *
 *   |y_r - scale_r step (q_r . p)| <= err_coef_r ||x|| + wq_norm_r ||x - x~||
 *                                     + rounding margins
 *
 * err_coef_r = ||w_r - w~_r|| + gamma (cols) ||w_r|| (Cauchy-Schwarz, plus
 * the float kernel's rounding, gamma(n) = n u / (1 - n u), n = cols + 8,
 * u = 2^-24) and wq_norm_r = ||w~_r||, both rounded up. */

/* Largest |p| of the screening activations for rows of @cols values (at
 * most 32767; 0 when cols is too large for exact int32 sums). */
BN_KERNEL_API int32_t bn_head_screen_act_max (size_t cols);

/* Fills rows [row_begin, row_end) of the screening copy of @w (rows of
 * @cols f16 values): q (cols int8 per row), scale, err_coef, wq_norm (one
 * float per row). BN_K_ERR_INVALID when a row holds an infinity or a NaN
 * (such a head cannot be screened). */
BN_KERNEL_API int bn_head_screen_build (const uint16_t *w, size_t cols, size_t row_begin, size_t row_end, int8_t *q,
                                        float *scale, float *err_coef, float *wq_norm);

/* Quantizes @x (cols floats) for the screening product: p[c] =
 * round(x[c] / *step) within +-bn_head_screen_act_max (cols); writes upper
 * bounds of ||x|| and ||x - step p||. BN_K_ERR_INVALID when x is not
 * finite. */
BN_KERNEL_API int bn_head_screen_act (const float *x, size_t cols, int16_t *p, float *step, double *x_norm,
                                      double *err_norm);

/* y[r] = sum_c q[r * cols + c] * p[c] (exact) for r in [row_begin, row_end). */
BN_KERNEL_API void bn_head_screen_ref (const int8_t *q, size_t cols, const int16_t *p, size_t row_begin, size_t row_end,
                                       int32_t *y);

/* The same with the variant's kernel (p: BN_KALIGN-aligned, |p| within
 * bn_head_screen_act_max (cols)). */
BN_KERNEL_API int bn_head_screen_gemv (const BnKernels *k, const int8_t *q, size_t rows, size_t cols, const int16_t *p,
                                       size_t row_begin, size_t row_end, int32_t *y, const char **kernel_name);

/* The interval [*lo, *hi] that holds the float logit of a row whose
 * screening sum is @isum, for any f16 head kernel (see above); @x_norm and
 * @err_norm from bn_head_screen_act(). */
BN_KERNEL_API void bn_head_screen_interval (int32_t isum, float scale, float step, float err_coef, float wq_norm,
                                            double x_norm, double err_norm, size_t cols, double *lo, double *hi);

#ifdef __cplusplus
}
#endif
