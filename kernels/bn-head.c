/* gst-bitnet kernels: the output head in f16 or Q8_0, scalar references
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bn-head.h"
#include "bn-kernels-private.h"

size_t
bn_q8_0_size (size_t rows, size_t cols)
{
  if (cols == 0 || cols % BN_Q8_0_BLOCK != 0)
    return 0;
  return rows * (cols / BN_Q8_0_BLOCK) * BN_Q8_0_BLOCK_BYTES;
}

int
bn_q8_0_quantize (const float *x, size_t rows, size_t cols, uint8_t *dst)
{
  if (!x || !dst)
    return BN_K_ERR_INVALID;
  if (cols == 0 || cols % BN_Q8_0_BLOCK != 0)
    return BN_K_ERR_SHAPE;
  for (size_t b = 0; b < rows * cols / BN_Q8_0_BLOCK; b++) {
    const float *xb = x + b * BN_Q8_0_BLOCK;
    uint8_t *blk = dst + b * BN_Q8_0_BLOCK_BYTES;
    float amax = 0.0f, d, id;
    uint16_t h;

    for (size_t j = 0; j < BN_Q8_0_BLOCK; j++)
      amax = fmaxf (amax, fabsf (xb[j]));
    d = amax / 127.0f;
    id = d != 0.0f ? 1.0f / d : 0.0f;
    h = bn_f32_to_f16 (d);
    blk[0] = (uint8_t) (h & 0xff);
    blk[1] = (uint8_t) (h >> 8);
    /* roundf: half away from zero, as ggml */
    for (size_t j = 0; j < BN_Q8_0_BLOCK; j++)
      blk[2 + j] = (uint8_t) (int8_t) roundf (xb[j] * id);
  }
  return BN_K_OK;
}

void
bn_q8_0_dequantize (const uint8_t *src, size_t rows, size_t cols, float *dst)
{
  if (!src || !dst || cols % BN_Q8_0_BLOCK != 0)
    return;
  for (size_t b = 0; b < rows * cols / BN_Q8_0_BLOCK; b++) {
    const uint8_t *blk = src + b * BN_Q8_0_BLOCK_BYTES;
    float d = bn_f16_to_f32 ((uint16_t) (blk[0] | (blk[1] << 8)));

    for (size_t j = 0; j < BN_Q8_0_BLOCK; j++)
      dst[b * BN_Q8_0_BLOCK + j] = (float) (int8_t) blk[2 + j] * d;
  }
}

void
bn_head_f16_ref (const uint16_t *w, size_t cols, const float *x, size_t row_begin, size_t row_end, float *y)
{
  for (size_t r = row_begin; r < row_end; r++) {
    const uint16_t *row = w + r * cols;
    double s = 0.0;

    for (size_t c = 0; c < cols; c++)
      s += (double) bn_f16_to_f32 (row[c]) * (double) x[c];
    y[r] = (float) s;
  }
}

void
bn_head_q8_0_ref (const uint8_t *w, size_t cols, const BnActQ8 *act, size_t row_begin, size_t row_end, float *y)
{
  const size_t nb = cols / BN_Q8_0_BLOCK;

  for (size_t r = row_begin; r < row_end; r++) {
    BnBlockAcc acc;

    memset (&acc, 0, sizeof acc);
    for (size_t b = 0; b < nb; b++) {
      const uint8_t *blk = w + (r * nb + b) * BN_Q8_0_BLOCK_BYTES;
      const int8_t *x = act->q + b * BN_Q8_0_BLOCK;
      int32_t s = 0;

      for (size_t j = 0; j < BN_Q8_0_BLOCK; j++)
        s += (int8_t) blk[2 + j] * x[j];
      bn_block_acc_add (&acc, (uint16_t) (blk[0] | (blk[1] << 8)), s);
    }
    if (acc.bad)
      y[r] = NAN;
    else
      y[r] = (float) ldexp ((double) acc.acc, -24) * act->scale_inv;
  }
}
