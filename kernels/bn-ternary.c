/* gst-bitnet kernels: the generic ternary format API over a traits table
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each format is described once, in formats[] below: its name, its tiling
 * constraints and the functions of its own file (bn-i2s.c, bn-tl1.c,
 * bn-tl2.c, bn-tq.c). The bn_ternary_*() functions read the table; adding
 * a format is adding a row (docs/design/0012-format-traits.md).
 */
#include "bn-kernels-private.h"

#include <strings.h>

typedef struct {
  const char *name;
  size_t row_align;    /* rows are packed in groups of this many */
  size_t col_multiple; /* cols must be a multiple of this */
  /* per-block formats (TQ): bytes of a block of 256 codes, its f16 scale
   * last; 0 for formats with one scale per tensor */
  size_t block_bytes;
  size_t (*packed_size) (size_t rows, size_t cols);
  /* one of the two: per-tensor formats pack codes alone, per-block
   * formats also take the block scales (NULL: derive them from @scale) */
  int (*pack_codes) (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols);
  int (*pack_blocks) (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols, const uint16_t *block_d,
                      float scale);
  void (*unpack_rows) (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes);
  void (*block_scales) (const BnTernary *m, uint16_t *block_d);
  BnTernaryGemmFn gemm_ref;
  size_t (*lut_size) (size_t k); /* table-lookup formats only */
} BnFormatTraits;

static const BnFormatTraits formats[BN_TERNARY_N_FORMATS] = {
  [BN_TERNARY_I2S] = {
        .name = "i2s",
        .row_align = BN_I2S_ROWS,
        .col_multiple = 1,
        .packed_size = bn_i2s_packed_size,
        .pack_codes = bn_i2s_pack_codes,
        .unpack_rows = bn_i2s_unpack_rows,
        .gemm_ref = bn_i2s_gemm_ref,
      },
  [BN_TERNARY_TL1] = {
        .name = "tl1",
        .row_align = BN_TL_ROWS,
        .col_multiple = 1,
        .packed_size = bn_tl1_packed_size,
        .pack_codes = bn_tl1_pack_codes,
        .unpack_rows = bn_tl1_unpack_rows,
        .gemm_ref = bn_tl1_gemm_ref,
        .lut_size = bn_tl1_lut_size,
      },
  [BN_TERNARY_TL2] = {
        .name = "tl2",
        .row_align = BN_TL_ROWS,
        .col_multiple = 1,
        .packed_size = bn_tl2_packed_size,
        .pack_codes = bn_tl2_pack_codes,
        .unpack_rows = bn_tl2_unpack_rows,
        .gemm_ref = bn_tl2_gemm_ref,
        .lut_size = bn_tl2_lut_size,
      },
  [BN_TERNARY_TQ2_0] = {
        .name = "tq2_0",
        .row_align = 1,
        .col_multiple = 256,
        .block_bytes = BN_TQ2_0_BLOCK_BYTES,
        .packed_size = bn_tq2_0_packed_size,
        .pack_blocks = bn_tq2_0_pack_codes,
        .unpack_rows = bn_tq2_0_unpack_rows,
        .block_scales = bn_tq2_0_block_scales,
        .gemm_ref = bn_tq2_0_gemm_ref,
      },
  [BN_TERNARY_TQ1_0] = {
        .name = "tq1_0",
        .row_align = 1,
        .col_multiple = 256,
        .block_bytes = BN_TQ1_0_BLOCK_BYTES,
        .packed_size = bn_tq1_0_packed_size,
        .pack_blocks = bn_tq1_0_pack_codes,
        .unpack_rows = bn_tq1_0_unpack_rows,
        .block_scales = bn_tq1_0_block_scales,
        .gemm_ref = bn_tq1_0_gemm_ref,
      },
};

/* the row of a valid format, else NULL */
static const BnFormatTraits *
traits (BnTernaryFormat format)
{
  return (unsigned) format < BN_TERNARY_N_FORMATS ? &formats[format] : NULL;
}

/* formats with an f16 scale per block of 256 (TQ2_0, TQ1_0) */
static int
per_block (BnTernaryFormat format)
{
  const BnFormatTraits *f = traits (format);

  return f && f->block_bytes != 0;
}

const char *
bn_ternary_format_name (BnTernaryFormat format)
{
  const BnFormatTraits *f = traits (format);

  return f ? f->name : "invalid";
}

int
bn_ternary_format_from_name (const char *name, BnTernaryFormat *format)
{
  if (!name || !format)
    return BN_K_ERR_INVALID;
  for (int f = 0; f < BN_TERNARY_N_FORMATS; f++) {
    if (strcasecmp (name, formats[f].name) == 0) {
      *format = (BnTernaryFormat) f;
      return BN_K_OK;
    }
  }
  return BN_K_ERR_INVALID;
}

int
bn_ternary_check_shape (BnTernaryFormat format, size_t rows, size_t cols)
{
  const BnFormatTraits *f = traits (format);

  if (!f)
    return BN_K_ERR_INVALID;
  if (rows == 0 || cols == 0 || cols > BN_MAX_COLS || rows > ((size_t) 1 << 31))
    return BN_K_ERR_SHAPE;
  if (cols % f->col_multiple != 0)
    return BN_K_ERR_SHAPE;
  return BN_K_OK;
}

size_t
bn_ternary_packed_size (BnTernaryFormat format, size_t rows, size_t cols)
{
  if (bn_ternary_check_shape (format, rows, cols) != BN_K_OK)
    return 0;
  return formats[format].packed_size (rows, cols);
}

size_t
bn_ternary_row_align (BnTernaryFormat format)
{
  const BnFormatTraits *f = traits (format);

  return f ? f->row_align : 1;
}

size_t
bn_ternary_lut_size (BnTernaryFormat format, size_t k)
{
  const BnFormatTraits *f = traits (format);

  return f && f->lut_size ? f->lut_size (k) : 0;
}

float
bn_ternarize_absmean (const float *w, size_t n, int8_t *codes)
{
  double sum = 0.0;
  float s;

  for (size_t i = 0; i < n; i++)
    sum += fabs ((double) w[i]);
  s = (float) (n ? sum / (double) n : 0.0);
  if (!(s >= 1e-5f))
    s = 1e-5f;
  for (size_t i = 0; i < n; i++) {
    float q = rintf (w[i] / s);
    codes[i] = (int8_t) (q > 1.0f ? 1 : q < -1.0f ? -1 : (int) q);
  }
  return s;
}

/* describes in @out the matrix just packed at @dst */
static void
set_out (BnTernary *out, BnTernaryFormat format, const void *dst, size_t rows, size_t cols, float scale)
{
  out->format = format;
  out->rows = rows;
  out->cols = cols;
  out->data = dst;
  out->size = formats[format].packed_size (rows, cols);
  out->scale = per_block (format) ? 1.0f : scale;
}

/* packs with the block scales @block_d (per-block formats; NULL derives
 * them from @scale) */
static int
pack (BnTernaryFormat format, void *dst, const int8_t *codes, size_t rows, size_t cols, const uint16_t *block_d,
      float scale, BnTernary *out)
{
  const BnFormatTraits *f = &formats[format];
  int rc;

  if (f->pack_blocks)
    rc = f->pack_blocks (dst, codes, rows, cols, block_d, scale);
  else
    rc = f->pack_codes (dst, codes, rows, cols);
  if (rc == BN_K_OK)
    set_out (out, format, dst, rows, cols, scale);
  return rc;
}

int
bn_ternary_pack_codes (BnTernaryFormat format, void *dst, size_t dst_size, const int8_t *codes, size_t rows,
                       size_t cols, float scale, BnTernary *out)
{
  int rc;

  if (!dst || !codes || !out)
    return BN_K_ERR_INVALID;
  if ((rc = bn_ternary_check_shape (format, rows, cols)) != BN_K_OK)
    return rc;
  if (dst_size < bn_ternary_packed_size (format, rows, cols))
    return BN_K_ERR_BUFFER;
  return pack (format, dst, codes, rows, cols, NULL, scale, out);
}

int
bn_ternary_pack_f32 (BnTernaryFormat format, void *dst, size_t dst_size, const float *w, size_t rows, size_t cols,
                     BnTernary *out)
{
  int8_t *codes;
  float s;
  int rc;

  if (!w)
    return BN_K_ERR_INVALID;
  if ((rc = bn_ternary_check_shape (format, rows, cols)) != BN_K_OK)
    return rc;
  codes = bn_kalloc (rows * cols);
  if (!codes)
    return BN_K_ERR_NOMEM;
  s = bn_ternarize_absmean (w, rows * cols, codes);
  rc = bn_ternary_pack_codes (format, dst, dst_size, codes, rows, cols, s, out);
  bn_kfree (codes);
  return rc;
}

int
bn_ternary_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes)
{
  if (!m || !codes || row_begin > row_end || row_end > m->rows || !traits (m->format))
    return BN_K_ERR_INVALID;
  formats[m->format].unpack_rows (m, row_begin, row_end, codes);
  return BN_K_OK;
}

/* f16 block scales of a per-block matrix (rows * cols / 256), NULL
 * otherwise */
static uint16_t *
block_scales_dup (const BnTernary *m)
{
  uint16_t *d;

  if (!per_block (m->format))
    return NULL;
  d = bn_kalloc (m->rows * (m->cols / 256) * sizeof (uint16_t));
  if (!d)
    return NULL;
  formats[m->format].block_scales (m, d);
  return d;
}

int
bn_ternary_dequantize (const BnTernary *m, float *out)
{
  int8_t *codes;
  uint16_t *d = NULL;
  int rc;

  if (!m || !out)
    return BN_K_ERR_INVALID;
  codes = bn_kalloc (m->rows * m->cols);
  if (!codes)
    return BN_K_ERR_NOMEM;
  if (per_block (m->format) && !(d = block_scales_dup (m))) {
    bn_kfree (codes);
    return BN_K_ERR_NOMEM;
  }
  rc = bn_ternary_unpack_rows (m, 0, m->rows, codes);
  for (size_t i = 0; rc == BN_K_OK && i < m->rows * m->cols; i++) {
    float s = d ? bn_f16_to_f32 (d[i / 256]) : m->scale;
    out[i] = (float) codes[i] * s;
  }
  bn_kfree (d);
  bn_kfree (codes);
  return rc;
}

int
bn_ternary_uniform_scale (const BnTernary *m, float *scale)
{
  const size_t nb = m->cols / 256;
  int8_t *codes;
  uint16_t *d;
  int have = 0, rc = BN_K_OK;
  uint16_t first = 0;

  if (!per_block (m->format)) {
    *scale = m->scale;
    return BN_K_OK;
  }
  d = block_scales_dup (m);
  codes = bn_kalloc (m->cols);
  if (!d || !codes) {
    bn_kfree (d);
    bn_kfree (codes);
    return BN_K_ERR_NOMEM;
  }
  for (size_t r = 0; r < m->rows && rc == BN_K_OK; r++) {
    bn_ternary_unpack_rows (m, r, r + 1, codes);
    for (size_t b = 0; b < nb; b++) {
      int nonzero = 0;
      for (size_t j = 0; j < 256; j++)
        nonzero |= codes[b * 256 + j] != 0;
      if (!nonzero)
        continue;
      if (!have) {
        first = d[r * nb + b];
        have = 1;
      } else if (d[r * nb + b] != first) {
        rc = BN_K_ERR_SCALE;
        break;
      }
    }
  }
  *scale = have ? bn_f16_to_f32 (first) : 0.0f;
  bn_kfree (d);
  bn_kfree (codes);
  return rc;
}

int
bn_ternary_convert (const BnTernary *src, BnTernaryFormat format, void *dst, size_t dst_size, unsigned flags,
                    BnTernary *out)
{
  int8_t *codes;
  uint16_t *d = NULL;
  float scale = 0.0f;
  int rc;

  if (!src || !dst || !out)
    return BN_K_ERR_INVALID;
  if ((rc = bn_ternary_check_shape (format, src->rows, src->cols)) != BN_K_OK)
    return rc;
  if (dst_size < bn_ternary_packed_size (format, src->rows, src->cols))
    return BN_K_ERR_BUFFER;

  if (per_block (src->format) && per_block (format)) {
    if (!(d = block_scales_dup (src)))
      return BN_K_ERR_NOMEM;
  } else {
    if ((rc = bn_ternary_uniform_scale (src, &scale)) != BN_K_OK)
      return rc;
    if (per_block (format) && !(flags & BN_CONVERT_ROUND_SCALE) && bn_f16_to_f32 (bn_f32_to_f16 (scale)) != scale)
      return BN_K_ERR_SCALE;
  }

  codes = bn_kalloc (src->rows * src->cols);
  if (!codes) {
    bn_kfree (d);
    return BN_K_ERR_NOMEM;
  }
  rc = bn_ternary_unpack_rows (src, 0, src->rows, codes);
  if (rc == BN_K_OK && d)
    rc = pack (format, dst, codes, src->rows, src->cols, d, 1.0f, out);
  else if (rc == BN_K_OK)
    rc = bn_ternary_pack_codes (format, dst, dst_size, codes, src->rows, src->cols, scale, out);
  bn_kfree (codes);
  bn_kfree (d);
  return rc;
}

void
bn_ternary_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                     int32_t *idot, float *y)
{
  if (traits (w->format))
    formats[w->format].gemm_ref (w, acts, n_tokens, row_begin, row_end, idot, y);
}

int
bn_ternary_gemv_q8k_ref (const BnTernary *w, const BnBlockQ8K *blocks, size_t row_begin, size_t row_end, float *y)
{
  const size_t nb = (w->cols + 255) / 256;
  int8_t *codes;

  if (!w || !blocks || !y || row_begin > row_end || row_end > w->rows)
    return BN_K_ERR_INVALID;
  /* a reference utility, not a kernel: one row buffer is allowed */
  codes = bn_kalloc (w->cols);
  if (!codes)
    return BN_K_ERR_NOMEM;

  for (size_t r = row_begin; r < row_end; r++) {
    float sumf = 0.0f;

    bn_ternary_unpack_rows (w, r, r + 1, codes);
    for (size_t b = 0; b < nb; b++) {
      size_t n = w->cols - b * 256 < 256 ? w->cols - b * 256 : 256;
      float dw = w->scale;
      int32_t s = 0;

      if (per_block (w->format)) {
        const size_t bb = formats[w->format].block_bytes;
        const uint8_t *blk = w->data + (r * nb + b + 1) * bb;
        dw = bn_f16_to_f32 ((uint16_t) (blk[-2] | (blk[-1] << 8)));
      }
      for (size_t j = 0; j < n; j++)
        s += codes[b * 256 + j] * blocks[b].qs[j];
      sumf += (float) s * (blocks[b].d * dw);
    }
    y[r] = sumf;
  }
  bn_kfree (codes);
  return BN_K_OK;
}
