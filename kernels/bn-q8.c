/* gst-bitnet kernels: ggml's Q8_0 format
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bn-q8.h"
#include "bn-f16.h"

#include <math.h>
#include <string.h>

size_t
bn_q8_0_size (size_t n)
{
  return n % BN_Q8_0_BLOCK ? 0 : n / BN_Q8_0_BLOCK * BN_Q8_0_BLOCK_BYTES;
}

int
bn_q8_0_quantize (uint8_t *dst, const float *x, size_t n)
{
  if (!dst || !x || n % BN_Q8_0_BLOCK)
    return BN_K_ERR_INVALID;
  for (size_t b = 0; b < n / BN_Q8_0_BLOCK; b++) {
    const float *v = x + b * BN_Q8_0_BLOCK;
    uint8_t *blk = dst + b * BN_Q8_0_BLOCK_BYTES;
    float amax = 0.0f;
    for (int i = 0; i < BN_Q8_0_BLOCK; i++)
      amax = fmaxf (amax, fabsf (v[i]));
    float d = amax / 127.0f;
    float id = d > 0.0f ? 1.0f / d : 0.0f;
    uint16_t dh = bn_f32_to_f16 (d);
    memcpy (blk, &dh, 2);
    for (int i = 0; i < BN_Q8_0_BLOCK; i++)
      blk[2 + i] = (uint8_t) (int8_t) roundf (v[i] * id);   /* as ggml: half away from zero */
  }
  return BN_K_OK;
}

int
bn_q8_0_dequantize (const uint8_t *src, float *out, size_t n)
{
  if (!src || !out || n % BN_Q8_0_BLOCK)
    return BN_K_ERR_INVALID;
  for (size_t b = 0; b < n / BN_Q8_0_BLOCK; b++) {
    const uint8_t *blk = src + b * BN_Q8_0_BLOCK_BYTES;
    uint16_t dh;
    memcpy (&dh, blk, 2);
    float d = bn_f16_to_f32 (dh);
    for (int i = 0; i < BN_Q8_0_BLOCK; i++)
      out[b * BN_Q8_0_BLOCK + i] = d * (float) (int8_t) blk[2 + i];
  }
  return BN_K_OK;
}
