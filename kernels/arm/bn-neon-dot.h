/* gst-bitnet kernels: the int8 dot-product step of the NEON files, with
 * and without the dotprod extension
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bn-*-neon.c compile for baseline ARMv8-A; bn-*-neondot.c define
 * BN_NEON_DOTPROD, include the same source and are built with
 * -march=armv8.2-a+dotprod, so one source yields both variants.
 */
#pragma once

#include <arm_neon.h>

#ifdef BN_NEON_DOTPROD
#define BN_NEON_FN(name) name##_neondot

/* acc[i] += sum of a[4i..4i+3] * b[4i..4i+3] */
static inline int32x4_t
bn_neon_dot16 (int32x4_t acc, int8x16_t a, int8x16_t b)
{
  return vdotq_s32 (acc, a, b);
}
#else
#define BN_NEON_FN(name) name##_neon

/* The same total as sdot over the four lanes (not lane by lane), for
 * |a| <= 2: int16 pair sums stay within 2 * 2 * 128 = 512 before the
 * pairwise widening add. Callers only use the horizontal sum. */
static inline int32x4_t
bn_neon_dot16 (int32x4_t acc, int8x16_t a, int8x16_t b)
{
  int16x8_t p = vmull_s8 (vget_low_s8 (a), vget_low_s8 (b));

  p = vmlal_high_s8 (p, a, b);
  return vpadalq_s16 (acc, p);
}
#endif
