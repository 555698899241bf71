/* gst-bitnet kernels: I2S format (2-bit codes, per-tensor scale)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Layout (docs/kernels.md "I2S"): bitnet.cpp's x86 I2_S bytes. Rows one
 * after another, each padded to whole blocks of 128 columns; a block is
 * 32 bytes whose byte m holds the codes q+1 of columns m, m+32, m+64, m+96
 * at bits 6, 4, 2, 0. A plane mask (0xc0, 0x30, 0x0c, 0x03) of a 32-byte
 * vector thus selects 32 consecutive columns, which is what vpdpbusd /
 * sdot need, and a GGUF I2_S tensor runs in place (bn_i2s_view_file()).
 */
#include "bn-kernels-private.h"

size_t
bn_i2s_packed_size (size_t rows, size_t cols)
{
  return rows * (bn_round_up (cols, BN_I2S_BLOCK) / 4);
}

int
bn_i2s_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols)
{
  const size_t k_pad = bn_round_up (cols, BN_I2S_BLOCK);

  /* code 1 (weight 0) everywhere, so padding contributes nothing */
  memset (dst, 0x55, bn_i2s_packed_size (rows, cols));
  for (size_t r = 0; r < rows; r++) {
    for (size_t c = 0; c < cols; c++) {
      int8_t v = codes[r * cols + c];
      unsigned shift;
      size_t o;

      if (v < -1 || v > 1)
        return BN_K_ERR_DATA;
      o = bn_i2s_offset (k_pad, r, c, &shift);
      dst[o] = (uint8_t) ((dst[o] & ~(3u << shift)) | ((unsigned) (v + 1) << shift));
    }
  }
  return BN_K_OK;
}

void
bn_i2s_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes)
{
  const size_t k_pad = bn_round_up (m->cols, BN_I2S_BLOCK);

  for (size_t r = row_begin; r < row_end; r++) {
    for (size_t c = 0; c < m->cols; c++) {
      unsigned shift;
      size_t o = bn_i2s_offset (k_pad, r, c, &shift);

      codes[(r - row_begin) * m->cols + c] = (int8_t) ((int) ((m->data[o] >> shift) & 3) - 1);
    }
  }
}

void
bn_i2s_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                 int32_t *idot, float *y)
{
  const size_t nb = bn_round_up (w->cols, BN_I2S_BLOCK) / BN_I2S_BLOCK;

  for (size_t r = row_begin; r < row_end; r++) {
    int32_t acc[BN_GEMM_MAX_TOKENS] = { 0 };

    /* decode each block of the row once, then feed every token */
    for (size_t b = 0; b < nb; b++) {
      const uint8_t *blk = w->data + r * nb * 32 + b * 32;
      int8_t wq[BN_I2S_BLOCK];

      for (size_t j = 0; j < BN_I2S_BLOCK; j++)
        wq[j] = (int8_t) ((int) ((blk[j % 32] >> (6 - 2 * (j / 32))) & 3) - 1);
      for (size_t t = 0; t < n_tokens; t++) {
        const int8_t *x = acts[t].q + b * BN_I2S_BLOCK;
        int32_t s = 0;
        for (size_t j = 0; j < BN_I2S_BLOCK; j++)
          s += wq[j] * x[j];
        acc[t] += s;
      }
    }
    for (size_t t = 0; t < n_tokens; t++)
      bn_store_row (w, &acts[t], t, r, acc[t], idot, y);
  }
}
