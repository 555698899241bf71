/* gst-bitnet kernels: IEEE half precision conversions
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bn-f16.h"

#include <string.h>

float
bn_f16_to_f32 (uint16_t h)
{
  uint32_t sign = (uint32_t) (h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  float f;

  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {
    /* subnormal: shift the leading one into the implicit position */
    int e = 113;
    while (!(mant & 0x400)) {
      mant <<= 1;
      e--;
    }
    bits = sign | ((uint32_t) e << 23) | ((mant & 0x3ff) << 13);
  }
  memcpy (&f, &bits, sizeof f);
  return f;
}

uint16_t
bn_f32_to_f16 (float f)
{
  uint32_t x, sign, exp, mant, half, rem, mid;
  int e, shift;

  memcpy (&x, &f, sizeof x);
  sign = (x >> 16) & 0x8000;
  exp = (x >> 23) & 0xff;
  mant = x & 0x7fffff;

  if (exp == 0xff)
    return (uint16_t) (sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0));

  e = (int) exp - 127 + 15;
  if (e >= 31)
    return (uint16_t) (sign | 0x7c00);

  if (e <= 0) {
    /* below 2^-25 everything rounds to zero (ties included) */
    if (e < -10)
      return (uint16_t) sign;
    mant |= 0x800000;
    shift = 14 - e;
    half = mant >> shift;
    rem = mant & ((1u << shift) - 1);
    mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1)))
      half++;
    return (uint16_t) (sign | half);
  }

  half = ((uint32_t) e << 10) | (mant >> 13);
  rem = mant & 0x1fff;
  /* a carry out of the mantissa correctly bumps the exponent (to inf) */
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1)))
    half++;
  return (uint16_t) (sign | half);
}

void
bn_f16_to_f32_row (const uint16_t *src, float *dst, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dst[i] = bn_f16_to_f32 (src[i]);
}

void
bn_f32_to_f16_row (const float *src, uint16_t *dst, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dst[i] = bn_f32_to_f16 (src[i]);
}
