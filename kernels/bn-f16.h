/* gst-bitnet kernels: IEEE half precision conversions
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bn-ktypes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* f16 bits -> f32, exact (every f16 value, NaN payloads kept). */
BN_KERNEL_API float bn_f16_to_f32 (uint16_t h);

/* f32 -> f16 bits, round to nearest even; overflow gives infinity,
 * NaN stays a (quiet) NaN. Bit-identical to a hardware conversion. */
BN_KERNEL_API uint16_t bn_f32_to_f16 (float f);

BN_KERNEL_API void bn_f16_to_f32_row (const uint16_t *src, float *dst, size_t n);
BN_KERNEL_API void bn_f32_to_f16_row (const float *src, uint16_t *dst, size_t n);

/* Decomposes the f16 @h into an exact fixed-point pair: value =
 * *mant * 2^(*shift - 24) with |*mant| < 2048 and 0 <= *shift <= 29.
 * Returns 0 for non-finite @h (the pair is then meaningless). */
static inline int
bn_f16_fixed (uint16_t h, int32_t *mant, int *shift)
{
  int32_t exp = (h >> 10) & 0x1f;
  int32_t m = h & 0x3ff;

  if (exp == 0x1f) {
    *mant = 0;
    *shift = 0;
    return 0;
  }
  if (exp == 0) {
    *shift = 0;
  } else {
    m |= 0x400;
    *shift = exp - 1;
  }
  *mant = (h & 0x8000) ? -m : m;
  return 1;
}

#ifdef __cplusplus
}
#endif
