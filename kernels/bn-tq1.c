/* gst-bitnet kernels: TQ1_0, exactly as llama.cpp's ggml defines it
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Blocks of 256 in 54 bytes: 48 bytes of 5 trits each (elements m + 32 n of
 * the first 160 from bytes 0..31, then 160 + m + 16 n from bytes 32..47),
 * 4 bytes of 4 trits (240 + m + 4 n), then an f16 scale. A byte stores its
 * base-3 number v (first trit most significant) as ceil(v * 256 / 243);
 * trit n comes back as ((uint8_t) (byte * 3^n) * 3) >> 8.
 */
#include "bn-kernels-private.h"

size_t
bn_tq1_0_packed_size (size_t rows, size_t cols)
{
  return rows * (cols / 256) * BN_TQ1_0_BLOCK_BYTES;
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

/* trits: 256 values in {0, 1, 2} (code + 1) */
static void
tq1_encode_block (uint8_t *blk, const uint8_t *trits)
{
  static const unsigned pow3[5] = { 81, 27, 9, 3, 1 };
  unsigned v[52] = { 0 };

  for (size_t j = 0; j < 256; j++) {
    size_t byte;
    unsigned digit;

    bn_tq1_position (j, &byte, &digit);
    v[byte] += trits[j] * pow3[digit];
  }
  for (size_t i = 0; i < 52; i++)
    blk[i] = (uint8_t) ((v[i] * 256 + 242) / 243);
}

int
bn_tq1_0_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows,
    size_t cols, const uint16_t *block_d, float scale)
{
  const size_t nb = cols / 256;
  const uint16_t d_all = bn_f32_to_f16 (scale);

  for (size_t r = 0; r < rows; r++) {
    for (size_t b = 0; b < nb; b++) {
      uint8_t *blk = dst + (r * nb + b) * BN_TQ1_0_BLOCK_BYTES;
      const int8_t *src = codes + r * cols + b * 256;
      uint8_t trits[256];
      int nonzero = 0;

      for (size_t j = 0; j < 256; j++) {
        if (src[j] < -1 || src[j] > 1)
          return BN_K_ERR_DATA;
        nonzero |= src[j] != 0;
        trits[j] = (uint8_t) (src[j] + 1);
      }
      tq1_encode_block (blk, trits);
      store_f16 (blk + 52, block_d ? block_d[r * nb + b] : nonzero ? d_all : 0);
    }
  }
  return BN_K_OK;
}

void
bn_tq1_0_row_codes (const uint8_t *row, size_t cols, int8_t *codes)
{
  for (size_t b = 0; b < cols / 256; b++) {
    const uint8_t *blk = row + b * BN_TQ1_0_BLOCK_BYTES;

    for (size_t j = 0; j < 256; j++) {
      size_t byte;
      unsigned digit;

      bn_tq1_position (j, &byte, &digit);
      codes[b * 256 + j] = (int8_t) (bn_tq1_trit (blk[byte], digit) - 1);
    }
  }
}

void
bn_tq1_0_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end,
    int8_t *codes)
{
  const size_t row_bytes = (m->cols / 256) * BN_TQ1_0_BLOCK_BYTES;

  for (size_t r = row_begin; r < row_end; r++)
    bn_tq1_0_row_codes (m->data + r * row_bytes, m->cols,
        codes + (r - row_begin) * m->cols);
}

void
bn_tq1_0_block_scales (const BnTernary *m, uint16_t *block_d)
{
  const size_t n = m->rows * (m->cols / 256);

  for (size_t i = 0; i < n; i++)
    block_d[i] = load_f16 (m->data + i * BN_TQ1_0_BLOCK_BYTES + 52);
}

void
bn_tq1_0_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens,
    size_t row_begin, size_t row_end, int32_t *idot, float *y)
{
  const size_t nb = w->cols / 256;

  for (size_t r = row_begin; r < row_end; r++) {
    BnBlockAcc acc[BN_GEMM_MAX_TOKENS];

    memset (acc, 0, sizeof acc);
    for (size_t b = 0; b < nb; b++) {
      const uint8_t *blk = w->data + (r * nb + b) * BN_TQ1_0_BLOCK_BYTES;
      const uint16_t d = load_f16 (blk + 52);
      int8_t wq[256];

      bn_tq1_0_row_codes (blk, 256, wq);
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
bn_tq1_0_quantize_ggml (uint8_t *dst, const float *w, size_t rows,
    size_t cols)
{
  const size_t nb = cols / 256;

  if (cols % 256 != 0)
    return BN_K_ERR_SHAPE;
  for (size_t i = 0; i < rows * nb; i++) {
    const float *x = w + i * 256;
    uint8_t *blk = dst + i * BN_TQ1_0_BLOCK_BYTES;
    uint8_t trits[256];
    float amax = 0.0f, id;

    for (size_t j = 0; j < 256; j++)
      amax = fmaxf (amax, fabsf (x[j]));
    id = amax != 0.0f ? 1.0f / amax : 0.0f;
    for (size_t j = 0; j < 256; j++)
      trits[j] = (uint8_t) (lroundf (x[j] * id) + 1);
    tq1_encode_block (blk, trits);
    store_f16 (blk + 52, bn_f32_to_f16 (amax));
  }
  return BN_K_OK;
}
