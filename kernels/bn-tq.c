/* gst-bitnet kernels: TQ2_0 and TQ1_0, exactly as llama.cpp's ggml defines
 * them, with one reference parameterised by the block codec
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Both formats are blocks of 256 codes followed by an f16 scale, stored row
 * after row (the ggml row layout, so the kernels read llama.cpp tensors in
 * place). They differ only in how a block holds its codes:
 *
 * TQ2_0, 66 bytes: 64 bytes of 2-bit codes (q + 1); in each 128-element
 * half, byte m holds elements m, m+32, m+64, m+96 at bits 0, 2, 4, 6.
 *
 * TQ1_0, 54 bytes: 48 bytes of 5 trits each (elements m + 32 n of the first
 * 160 from bytes 0..31, then 160 + m + 16 n from bytes 32..47), 4 bytes of
 * 4 trits (240 + m + 4 n). A byte stores its base-3 number v (first trit
 * most significant) as ceil(v * 256 / 243); trit n comes back as
 * ((uint8_t) (byte * 3^n) * 3) >> 8.
 *
 * A BnTqCodec says how; everything else (packing, unpacking, scales, the
 * scalar product, ggml's quantizer) is written once below.
 */
#include "bn-kernels-private.h"

typedef struct {
  size_t block_bytes; /* the f16 scale is the last two */
  /* 256 trits {0, 1, 2} (code + 1) -> the code bytes of a block; bits
   * above a trit's two are ignored */
  void (*encode) (uint8_t *blk, const uint8_t *trits);
  /* the code bytes of a block -> 256 codes {-1, 0, 1} */
  void (*decode) (const uint8_t *blk, int8_t *codes);
} BnTqCodec;

/* ---- TQ2_0 blocks ------------------------------------------------------ */

static inline void
tq2_position (size_t j, size_t *byte, unsigned *shift)
{
  size_t jj = j % 128;

  *byte = (j / 128) * 32 + jj % 32;
  *shift = (unsigned) (2 * (jj / 32));
}

static void
tq2_encode (uint8_t *blk, const uint8_t *trits)
{
  memset (blk, 0, 64);
  for (size_t j = 0; j < 256; j++) {
    size_t byte;
    unsigned shift;

    tq2_position (j, &byte, &shift);
    blk[byte] |= (uint8_t) ((trits[j] & 3u) << shift);
  }
}

static void
tq2_decode (const uint8_t *blk, int8_t *codes)
{
  for (size_t j = 0; j < 256; j++) {
    size_t byte;
    unsigned shift;

    tq2_position (j, &byte, &shift);
    codes[j] = (int8_t) ((int) ((blk[byte] >> shift) & 3) - 1);
  }
}

static const BnTqCodec tq2_0 = {
  .block_bytes = BN_TQ2_0_BLOCK_BYTES,
  .encode = tq2_encode,
  .decode = tq2_decode,
};

/* ---- TQ1_0 blocks ------------------------------------------------------ */

static void
tq1_encode (uint8_t *blk, const uint8_t *trits)
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

static void
tq1_decode (const uint8_t *blk, int8_t *codes)
{
  for (size_t j = 0; j < 256; j++) {
    size_t byte;
    unsigned digit;

    bn_tq1_position (j, &byte, &digit);
    codes[j] = (int8_t) (bn_tq1_trit (blk[byte], digit) - 1);
  }
}

static const BnTqCodec tq1_0 = {
  .block_bytes = BN_TQ1_0_BLOCK_BYTES,
  .encode = tq1_encode,
  .decode = tq1_decode,
};

/* ---- the formats, written once ----------------------------------------- */

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

static size_t
tq_packed_size (const BnTqCodec *c, size_t rows, size_t cols)
{
  return rows * (cols / 256) * c->block_bytes;
}

static int
tq_pack_codes (const BnTqCodec *c, uint8_t *dst, const int8_t *codes, size_t rows, size_t cols, const uint16_t *block_d,
               float scale)
{
  const size_t nb = cols / 256;
  const uint16_t d_all = bn_f32_to_f16 (scale);

  for (size_t r = 0; r < rows; r++) {
    for (size_t b = 0; b < nb; b++) {
      uint8_t *blk = dst + (r * nb + b) * c->block_bytes;
      const int8_t *src = codes + r * cols + b * 256;
      uint8_t trits[256];
      int nonzero = 0;

      for (size_t j = 0; j < 256; j++) {
        if (src[j] < -1 || src[j] > 1)
          return BN_K_ERR_DATA;
        nonzero |= src[j] != 0;
        trits[j] = (uint8_t) (src[j] + 1);
      }
      c->encode (blk, trits);
      store_f16 (blk + c->block_bytes - 2, block_d ? block_d[r * nb + b] : nonzero ? d_all : 0);
    }
  }
  return BN_K_OK;
}

static void
tq_unpack_rows (const BnTqCodec *c, const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes)
{
  const size_t nb = m->cols / 256;

  for (size_t r = row_begin; r < row_end; r++)
    for (size_t b = 0; b < nb; b++)
      c->decode (m->data + (r * nb + b) * c->block_bytes, codes + (r - row_begin) * m->cols + b * 256);
}

static void
tq_block_scales (const BnTqCodec *c, const BnTernary *m, uint16_t *block_d)
{
  const size_t n = m->rows * (m->cols / 256);

  for (size_t i = 0; i < n; i++)
    block_d[i] = load_f16 (m->data + (i + 1) * c->block_bytes - 2);
}

static void
tq_gemm_ref (const BnTqCodec *c, const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,
             size_t row_end, int32_t *idot, float *y)
{
  const size_t nb = w->cols / 256;

  for (size_t r = row_begin; r < row_end; r++) {
    BnBlockAcc acc[BN_GEMM_MAX_TOKENS];

    memset (acc, 0, sizeof acc);
    for (size_t b = 0; b < nb; b++) {
      const uint8_t *blk = w->data + (r * nb + b) * c->block_bytes;
      const uint16_t d = load_f16 (blk + c->block_bytes - 2);
      int8_t wq[256];

      c->decode (blk, wq);
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

/* ggml's quantize_row_tq*_0_ref: block absmax scale, codes rounded half
 * away from zero (lroundf) */
static int
tq_quantize_ggml (const BnTqCodec *c, uint8_t *dst, const float *w, size_t rows, size_t cols)
{
  const size_t nb = cols / 256;

  if (cols % 256 != 0)
    return BN_K_ERR_SHAPE;
  for (size_t i = 0; i < rows * nb; i++) {
    const float *x = w + i * 256;
    uint8_t *blk = dst + i * c->block_bytes;
    uint8_t trits[256];
    float amax = 0.0f, id;

    for (size_t j = 0; j < 256; j++)
      amax = fmaxf (amax, fabsf (x[j]));
    id = amax != 0.0f ? 1.0f / amax : 0.0f;
    for (size_t j = 0; j < 256; j++)
      trits[j] = (uint8_t) (lroundf (x[j] * id) + 1);
    c->encode (blk, trits);
    store_f16 (blk + c->block_bytes - 2, bn_f32_to_f16 (amax));
  }
  return BN_K_OK;
}

/* ---- the public entry points of each format (bn-ternary.h) ------------- */

#define BN_TQ_DEFINE_FORMAT(fmt)                                                                                       \
  size_t bn_##fmt##_packed_size (size_t rows, size_t cols)                                                             \
  {                                                                                                                    \
    return tq_packed_size (&fmt, rows, cols);                                                                          \
  }                                                                                                                    \
  int bn_##fmt##_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols, const uint16_t *block_d,     \
                             float scale)                                                                              \
  {                                                                                                                    \
    return tq_pack_codes (&fmt, dst, codes, rows, cols, block_d, scale);                                               \
  }                                                                                                                    \
  void bn_##fmt##_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes)                    \
  {                                                                                                                    \
    tq_unpack_rows (&fmt, m, row_begin, row_end, codes);                                                               \
  }                                                                                                                    \
  void bn_##fmt##_block_scales (const BnTernary *m, uint16_t *block_d)                                                 \
  {                                                                                                                    \
    tq_block_scales (&fmt, m, block_d);                                                                                \
  }                                                                                                                    \
  void bn_##fmt##_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,                \
                            size_t row_end, int32_t *idot, float *y)                                                   \
  {                                                                                                                    \
    tq_gemm_ref (&fmt, w, acts, n_tokens, row_begin, row_end, idot, y);                                                \
  }                                                                                                                    \
  int bn_##fmt##_quantize_ggml (uint8_t *dst, const float *w, size_t rows, size_t cols)                                \
  {                                                                                                                    \
    return tq_quantize_ggml (&fmt, dst, w, rows, cols);                                                                \
  }

BN_TQ_DEFINE_FORMAT (tq2_0)
BN_TQ_DEFINE_FORMAT (tq1_0)
