/* gst-bitnet kernels: ggml's Q8_0 format (blocks of 32 int8 with an f16 scale)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Used for the output head when the quantizer is asked for head=q8_0:
 * per block of 32 values, d = max|x| / 127 stored as f16, q = round(x / d).
 */
#pragma once

#include "bn-ktypes.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BN_Q8_0_BLOCK 32
#define BN_Q8_0_BLOCK_BYTES 34

/* Bytes of n values (n a multiple of 32). */
BN_KERNEL_API size_t bn_q8_0_size (size_t n);
/* Quantizes n floats (n a multiple of 32) into dst (bn_q8_0_size (n) bytes). */
BN_KERNEL_API int bn_q8_0_quantize (uint8_t * dst, const float *x, size_t n);
/* Dequantizes n values. */
BN_KERNEL_API int bn_q8_0_dequantize (const uint8_t * src, float *out, size_t n);

#ifdef __cplusplus
}
#endif
