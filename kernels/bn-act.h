/* gst-bitnet kernels: activation quantization
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bn-ktypes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of buffer one BnActQ8 of length @k needs (values + block sums). */
BN_KERNEL_API size_t bn_act_buffer_size (size_t k);

/* Points @act at @buf (BN_KALIGN-aligned, bn_act_buffer_size(k) bytes),
 * zeroes it and sets a scale of 1. */
BN_KERNEL_API int bn_act_init (BnActQ8 *act, void *buf, size_t buf_size, size_t k);

/* Per-token absmax quantization (docs/facts.md section 2):
 * a = 127 / max(max|x|, 1e-5), q = clamp(round_half_even(x * a), -128, 127),
 * plus the sums needed by the q+1 trick. Drops any LUT. */
BN_KERNEL_API void bn_act_quantize (BnActQ8 *act, const float *x);

/* RMSNorm then quantize: n = x / sqrt(mean(x^2) + eps) * norm_weight
 * (norm_weight may be NULL = all ones); @normed (nullable) receives n. */
BN_KERNEL_API void bn_act_quantize_rmsnorm (BnActQ8 *act, const float *x, const float *norm_weight, float eps,
                                            float *normed);

/* Installs given int8 values (adversarial tests, replay): copies q[0..k),
 * sets scale = @scale and recomputes the sums. */
BN_KERNEL_API void bn_act_set (BnActQ8 *act, const int8_t *q, float scale);

/* Dequantized activation i: q[i] / a. */
static inline float
bn_act_value (const BnActQ8 *act, size_t i)
{
  return (float) act->q[i] * act->scale_inv;
}

/**
 * BnBlockQ8K:
 *
 * llama.cpp's Q8_K activation block (ggml-common.h block_q8_K): float scale,
 * 256 int8, 16 int16 sums of groups of 16. Used by the "matching mode" that
 * reproduces llama.cpp's per-block activation quantization.
 */
typedef struct {
  float d;
  int8_t qs[256];
  int16_t bsums[16];
} BnBlockQ8K;

/* Quantizes x[0..k) into ceil(k/256) Q8_K blocks exactly as ggml's
 * quantize_row_q8_K_ref (the value of largest magnitude maps to -127,
 * iscale = -127/max, round half to even, clamp at 127, d = 1/iscale);
 * a ragged last block is zero-padded. */
BN_KERNEL_API void bn_act_quantize_q8k (const float *x, size_t k, BnBlockQ8K *out);

#ifdef __cplusplus
}
#endif
