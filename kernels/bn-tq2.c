/* gst-bitnet kernels: TQ2_0, exactly as llama.cpp's ggml defines it
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Blocks of 256: 64 bytes of 2-bit codes (q + 1) then an f16 scale. In each
 * 128-element half, byte m holds elements m, m+32, m+64, m+96 at bits 0, 2,
 * 4, 6. Rows are consecutive blocks (the ggml row layout), so the kernels
 * read llama.cpp tensors in place.
 */
#include "bn-kernels-private.h"

size_t
bn_tq2_0_packed_size (size_t rows, size_t cols)
{
  return rows * (cols / 256) * BN_TQ2_0_BLOCK_BYTES;
}

static inline void
tq2_position (size_t j, size_t *byte, unsigned *shift)
{
  size_t jj = j % 128;

  *byte = (j / 128) * 32 + jj % 32;
  *shift = (unsigned) (2 * (jj / 32));
}

static inline uint16_t
load_f16 (const uint8_t *p)
{
  return (uint16_t) (p[0] | (p[1] << 8));
}

static inline void
store_f16 (uint8_t *p, uint16_t h)
{
  p[0] = (uint8_t) (h & 0xff);
  p[1] = (uint8_t) (h >> 8);
}

int
bn_tq2_0_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows,
    size_t cols, const uint16_t *block_d, float scale)
{
  const size_t nb = cols / 256;
  const uint16_t d_all = bn_f32_to_f16 (scale);

  for (size_t r = 0; r < rows; r++) {
    for (size_t b = 0; b < nb; b++) {
      uint8_t *blk = dst + (r * nb + b) * BN_TQ2_0_BLOCK_BYTES;
      const int8_t *src = codes + r * cols + b * 256;
      int nonzero = 0;

      memset (blk, 0, 64);
      for (size_t j = 0; j < 256; j++) {
        size_t byte;
        unsigned shift;

        if (src[j] < -1 || src[j] > 1)
          return BN_K_ERR_DATA;
        nonzero |= src[j] != 0;
        tq2_position (j, &byte, &shift);
        blk[byte] |= (uint8_t) ((unsigned) (src[j] + 1) << shift);
      }
      store_f16 (blk + 64, block_d ? block_d[r * nb + b] : nonzero ? d_all : 0);
    }
  }
  return BN_K_OK;
}

void
bn_tq2_0_row_codes (const uint8_t *row, size_t cols, int8_t *codes)
{
  for (size_t b = 0; b < cols / 256; b++) {
    const uint8_t *blk = row + b * BN_TQ2_0_BLOCK_BYTES;

    for (size_t j = 0; j < 256; j++) {
      size_t byte;
      unsigned shift;

      tq2_position (j, &byte, &shift);
      codes[b * 256 + j] = (int8_t) ((int) ((blk[byte] >> shift) & 3) - 1);
    }
  }
}

void
bn_tq2_0_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end,
    int8_t *codes)
{
  const size_t row_bytes = (m->cols / 256) * BN_TQ2_0_BLOCK_BYTES;

  for (size_t r = row_begin; r < row_end; r++)
    bn_tq2_0_row_codes (m->data + r * row_bytes, m->cols,
        codes + (r - row_begin) * m->cols);
}

void
bn_tq2_0_block_scales (const BnTernary *m, uint16_t *block_d)
{
  const size_t n = m->rows * (m->cols / 256);

  for (size_t i = 0; i < n; i++)
    block_d[i] = load_f16 (m->data + i * BN_TQ2_0_BLOCK_BYTES + 64);
}

void
bn_tq2_0_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens,
    size_t row_begin, size_t row_end, int32_t *idot, float *y)
{
  const size_t nb = w->cols / 256;

  for (size_t r = row_begin; r < row_end; r++) {
    BnBlockAcc acc[BN_GEMM_MAX_TOKENS];

    memset (acc, 0, sizeof acc);
    for (size_t b = 0; b < nb; b++) {
      const uint8_t *blk = w->data + (r * nb + b) * BN_TQ2_0_BLOCK_BYTES;
      const uint16_t d = load_f16 (blk + 64);
      int8_t wq[256];

      bn_tq2_0_row_codes (blk, 256, wq);
      for (size_t t = 0; t < n_tokens; t++) {
        const int8_t *x = acts[t].q + b * 256;
        int32_t s = 0;
        for (size_t j = 0; j < 256; j++)
          s += wq[j] * x[j];
        bn_block_acc_add (&acc[t], d, s);
      }
    }
    for (size_t t = 0; t < n_tokens; t++)
      bn_store_blocks (w, &acts[t], t, r, &acc[t], idot, y);
  }
}

int
bn_tq2_0_quantize_ggml (uint8_t *dst, const float *w, size_t rows,
    size_t cols)
{
  const size_t nb = cols / 256;

  if (cols % 256 != 0)
    return BN_K_ERR_SHAPE;
  for (size_t i = 0; i < rows * nb; i++) {
    const float *x = w + i * 256;
    uint8_t *blk = dst + i * BN_TQ2_0_BLOCK_BYTES;
    float amax = 0.0f, id;

    for (size_t j = 0; j < 256; j++)
      amax = fmaxf (amax, fabsf (x[j]));
    id = amax != 0.0f ? 1.0f / amax : 0.0f;
    memset (blk, 0, 64);
    for (size_t j = 0; j < 256; j++) {
      size_t byte;
      unsigned shift;
      long q = lroundf (x[j] * id) + 1;   /* ggml rounds half away from 0 */

      tq2_position (j, &byte, &shift);
      blk[byte] |= (uint8_t) (((unsigned long) q & 3) << shift);
    }
    store_f16 (blk + 64, bn_f32_to_f16 (amax));
  }
  return BN_K_OK;
}
