/* gst-bitnet kernels: generic ternary format API
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bn-kernels-private.h"

#include <stdlib.h>
#include <strings.h>

void *
bn_kalloc (size_t size)
{
  return aligned_alloc (BN_KALIGN, bn_round_up (size ? size : 1, BN_KALIGN));
}

void
bn_kfree (void *ptr)
{
  free (ptr);
}

const char *
bn_kstatus_to_string (int status)
{
  switch (status) {
    case BN_K_OK:
      return "success";
    case BN_K_ERR_INVALID:
      return "invalid argument";
    case BN_K_ERR_SHAPE:
      return "the format cannot tile this matrix shape";
    case BN_K_ERR_BUFFER:
      return "buffer too small";
    case BN_K_ERR_SCALE:
      return "conversion would lose scale information";
    case BN_K_ERR_UNKNOWN_VARIANT:
      return "unknown kernel variant";
    case BN_K_ERR_UNSUPPORTED_VARIANT:
      return "kernel variant not supported by this CPU or build";
    case BN_K_ERR_NOMEM:
      return "out of memory";
    case BN_K_ERR_LUT:
      return "table-lookup product without tables built for its format";
    case BN_K_ERR_DATA:
      return "packed data holds an invalid code";
    default:
      return "unknown error";
  }
}

static const char *const format_names[BN_TERNARY_N_FORMATS] = {
  "i2s", "tl1", "tl2", "tq2_0", "tq1_0",
};

const char *
bn_ternary_format_name (BnTernaryFormat format)
{
  if ((unsigned) format >= BN_TERNARY_N_FORMATS)
    return "invalid";
  return format_names[format];
}

int
bn_ternary_format_from_name (const char *name, BnTernaryFormat *format)
{
  if (!name || !format)
    return BN_K_ERR_INVALID;
  for (int f = 0; f < BN_TERNARY_N_FORMATS; f++) {
    if (strcasecmp (name, format_names[f]) == 0) {
      *format = (BnTernaryFormat) f;
      return BN_K_OK;
    }
  }
  return BN_K_ERR_INVALID;
}

static int
is_tq (BnTernaryFormat format)
{
  return format == BN_TERNARY_TQ2_0 || format == BN_TERNARY_TQ1_0;
}

int
bn_ternary_check_shape (BnTernaryFormat format, size_t rows, size_t cols)
{
  if ((unsigned) format >= BN_TERNARY_N_FORMATS)
    return BN_K_ERR_INVALID;
  if (rows == 0 || cols == 0 || cols > BN_MAX_COLS || rows > ((size_t) 1 << 31))
    return BN_K_ERR_SHAPE;
  if (is_tq (format) && cols % 256 != 0)
    return BN_K_ERR_SHAPE;
  return BN_K_OK;
}

size_t
bn_ternary_packed_size (BnTernaryFormat format, size_t rows, size_t cols)
{
  if (bn_ternary_check_shape (format, rows, cols) != BN_K_OK)
    return 0;
  switch (format) {
    case BN_TERNARY_I2S:
      return bn_i2s_packed_size (rows, cols);
    case BN_TERNARY_TL1:
      return bn_tl1_packed_size (rows, cols);
    case BN_TERNARY_TL2:
      return bn_tl2_packed_size (rows, cols);
    case BN_TERNARY_TQ2_0:
      return bn_tq2_0_packed_size (rows, cols);
    case BN_TERNARY_TQ1_0:
      return bn_tq1_0_packed_size (rows, cols);
    default:
      return 0;
  }
}

size_t
bn_ternary_row_align (BnTernaryFormat format)
{
  switch (format) {
    case BN_TERNARY_I2S:
      return BN_I2S_ROWS;
    case BN_TERNARY_TL1:
    case BN_TERNARY_TL2:
      return BN_TL_ROWS;
    default:
      return 1;
  }
}

size_t
bn_ternary_lut_size (BnTernaryFormat format, size_t k)
{
  switch (format) {
    case BN_TERNARY_TL1:
      return bn_tl1_lut_size (k);
    case BN_TERNARY_TL2:
      return bn_tl2_lut_size (k);
    default:
      return 0;
  }
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

int
bn_ternary_pack_codes (BnTernaryFormat format, void *dst, size_t dst_size,
    const int8_t *codes, size_t rows, size_t cols, float scale,
    BnTernary *out)
{
  size_t need;
  int rc;

  if (!dst || !codes || !out)
    return BN_K_ERR_INVALID;
  if ((rc = bn_ternary_check_shape (format, rows, cols)) != BN_K_OK)
    return rc;
  need = bn_ternary_packed_size (format, rows, cols);
  if (dst_size < need)
    return BN_K_ERR_BUFFER;

  switch (format) {
    case BN_TERNARY_I2S:
      rc = bn_i2s_pack_codes (dst, codes, rows, cols);
      break;
    case BN_TERNARY_TL1:
      rc = bn_tl1_pack_codes (dst, codes, rows, cols);
      break;
    case BN_TERNARY_TL2:
      rc = bn_tl2_pack_codes (dst, codes, rows, cols);
      break;
    case BN_TERNARY_TQ2_0:
      rc = bn_tq2_0_pack_codes (dst, codes, rows, cols, NULL, scale);
      break;
    case BN_TERNARY_TQ1_0:
      rc = bn_tq1_0_pack_codes (dst, codes, rows, cols, NULL, scale);
      break;
    default:
      rc = BN_K_ERR_INVALID;
  }
  if (rc != BN_K_OK)
    return rc;

  out->format = format;
  out->rows = rows;
  out->cols = cols;
  out->data = dst;
  out->size = need;
  out->scale = is_tq (format) ? 1.0f : scale;
  return BN_K_OK;
}

int
bn_ternary_pack_f32 (BnTernaryFormat format, void *dst, size_t dst_size,
    const float *w, size_t rows, size_t cols, BnTernary *out)
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
  rc = bn_ternary_pack_codes (format, dst, dst_size, codes, rows, cols, s,
      out);
  bn_kfree (codes);
  return rc;
}

int
bn_ternary_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end,
    int8_t *codes)
{
  if (!m || !codes || row_begin > row_end || row_end > m->rows)
    return BN_K_ERR_INVALID;
  switch (m->format) {
    case BN_TERNARY_I2S:
      bn_i2s_unpack_rows (m, row_begin, row_end, codes);
      break;
    case BN_TERNARY_TL1:
      bn_tl1_unpack_rows (m, row_begin, row_end, codes);
      break;
    case BN_TERNARY_TL2:
      bn_tl2_unpack_rows (m, row_begin, row_end, codes);
      break;
    case BN_TERNARY_TQ2_0:
      bn_tq2_0_unpack_rows (m, row_begin, row_end, codes);
      break;
    case BN_TERNARY_TQ1_0:
      bn_tq1_0_unpack_rows (m, row_begin, row_end, codes);
      break;
    default:
      return BN_K_ERR_INVALID;
  }
  return BN_K_OK;
}

/* f16 block scales of a TQ matrix (rows * cols / 256), NULL otherwise */
static uint16_t *
block_scales_dup (const BnTernary *m)
{
  uint16_t *d;

  if (!is_tq (m->format))
    return NULL;
  d = bn_kalloc (m->rows * (m->cols / 256) * sizeof (uint16_t));
  if (!d)
    return NULL;
  if (m->format == BN_TERNARY_TQ2_0)
    bn_tq2_0_block_scales (m, d);
  else
    bn_tq1_0_block_scales (m, d);
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
  if (is_tq (m->format) && !(d = block_scales_dup (m))) {
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

  if (!is_tq (m->format)) {
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
bn_ternary_convert (const BnTernary *src, BnTernaryFormat format, void *dst,
    size_t dst_size, unsigned flags, BnTernary *out)
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

  if (is_tq (src->format) && is_tq (format)) {
    if (!(d = block_scales_dup (src)))
      return BN_K_ERR_NOMEM;
  } else {
    if ((rc = bn_ternary_uniform_scale (src, &scale)) != BN_K_OK)
      return rc;
    if (is_tq (format) && !(flags & BN_CONVERT_ROUND_SCALE) &&
        bn_f16_to_f32 (bn_f32_to_f16 (scale)) != scale)
      return BN_K_ERR_SCALE;
  }

  codes = bn_kalloc (src->rows * src->cols);
  if (!codes) {
    bn_kfree (d);
    return BN_K_ERR_NOMEM;
  }
  rc = bn_ternary_unpack_rows (src, 0, src->rows, codes);
  if (rc == BN_K_OK && d) {
    rc = format == BN_TERNARY_TQ2_0 ?
        bn_tq2_0_pack_codes (dst, codes, src->rows, src->cols, d, 1.0f) :
        bn_tq1_0_pack_codes (dst, codes, src->rows, src->cols, d, 1.0f);
    if (rc == BN_K_OK) {
      out->format = format;
      out->rows = src->rows;
      out->cols = src->cols;
      out->data = dst;
      out->size = bn_ternary_packed_size (format, src->rows, src->cols);
      out->scale = 1.0f;
    }
  } else if (rc == BN_K_OK) {
    rc = bn_ternary_pack_codes (format, dst, dst_size, codes, src->rows,
        src->cols, scale, out);
  }
  bn_kfree (codes);
  bn_kfree (d);
  return rc;
}

void
bn_ternary_gemm_ref (const BnTernary *w, const BnActQ8 *acts,
    size_t n_tokens, size_t row_begin, size_t row_end, int32_t *idot,
    float *y)
{
  switch (w->format) {
    case BN_TERNARY_I2S:
      bn_i2s_gemm_ref (w, acts, n_tokens, row_begin, row_end, idot, y);
      break;
    case BN_TERNARY_TL1:
      bn_tl1_gemm_ref (w, acts, n_tokens, row_begin, row_end, idot, y);
      break;
    case BN_TERNARY_TL2:
      bn_tl2_gemm_ref (w, acts, n_tokens, row_begin, row_end, idot, y);
      break;
    case BN_TERNARY_TQ2_0:
      bn_tq2_0_gemm_ref (w, acts, n_tokens, row_begin, row_end, idot, y);
      break;
    case BN_TERNARY_TQ1_0:
      bn_tq1_0_gemm_ref (w, acts, n_tokens, row_begin, row_end, idot, y);
      break;
    default:
      break;
  }
}

int
bn_ternary_gemv_q8k_ref (const BnTernary *w, const BnBlockQ8K *blocks,
    size_t row_begin, size_t row_end, float *y)
{
  const size_t nb = (w->cols + 255) / 256;
  const size_t bb = w->format == BN_TERNARY_TQ2_0 ? BN_TQ2_0_BLOCK_BYTES :
      BN_TQ1_0_BLOCK_BYTES;
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

      if (is_tq (w->format)) {
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
