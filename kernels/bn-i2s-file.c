/* gst-bitnet kernels: bitnet.cpp I2_S tensors (read, view in place, write)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The file side of the I2S format (bn-i2s.c holds the kernel layout): a
 * GGUF I2_S tensor is n / 4 code bytes then a float32 scale and padding,
 * in bitnet.cpp's x86 (blocks of 128) or ARM (blocks of 64) order. Writing
 * accepts any format with a uniform scale, so this file sits above the
 * generic layer (bn-ternary.c) rather than beside the formats.
 */
#include "bn-kernels-private.h"

size_t
bn_i2s_file_size (size_t rows, size_t cols, BnI2SFileLayout layout)
{
  size_t n = rows * cols;

  if (rows == 0 || cols == 0 || (layout != BN_I2S_FILE_X86 && layout != BN_I2S_FILE_ARM) || n % (size_t) layout != 0)
    return 0;
  return n / 4 + 32;
}

/* Element j of the flattened tensor: byte and shift in an I2_S stream. */
static inline size_t
i2_s_position (size_t j, size_t qk, unsigned *shift)
{
  size_t group = qk / 4;
  size_t jj = j % qk;

  *shift = (unsigned) (6 - 2 * (jj / group));
  return (j / qk) * group + jj % group;
}

/* Whether the I2_S stream of @rows x @cols is the kernel layout byte for
 * byte: x86 blocks and rows of whole blocks. */
static int
same_bytes (size_t cols, BnI2SFileLayout layout)
{
  return layout == BN_I2S_FILE_X86 && cols % BN_I2S_BLOCK == 0;
}

/* BN_K_OK when no 2-bit field of @p[0..n) is 3 */
static int
check_codes (const uint8_t *p, size_t n)
{
  const uint64_t lo = 0x5555555555555555ull;
  uint64_t bad = 0;
  size_t i = 0;

  for (; i + 8 <= n; i += 8) {
    uint64_t v;

    memcpy (&v, p + i, 8);
    bad |= v & (v >> 1) & lo;
  }
  for (; i < n; i++)
    bad |= (uint64_t) (p[i] & (p[i] >> 1) & 0x55);
  return bad ? BN_K_ERR_DATA : BN_K_OK;
}

static int
check_file (const uint8_t *src, size_t src_size, size_t rows, size_t cols, BnI2SFileLayout layout, float *scale)
{
  int rc;

  if (!src)
    return BN_K_ERR_INVALID;
  if ((rc = bn_ternary_check_shape (BN_TERNARY_I2S, rows, cols)) != BN_K_OK)
    return rc;
  if (bn_i2s_file_size (rows, cols, layout) == 0)
    return BN_K_ERR_SHAPE;
  /* some writers omit the 32-byte tail's padding; the scale is required */
  if (src_size < rows * cols / 4 + sizeof (float))
    return BN_K_ERR_BUFFER;
  memcpy (scale, src + rows * cols / 4, sizeof *scale);
  return BN_K_OK;
}

static void
set_out (BnTernary *out, const uint8_t *data, size_t rows, size_t cols, float scale)
{
  out->format = BN_TERNARY_I2S;
  out->rows = rows;
  out->cols = cols;
  out->data = data;
  out->size = bn_i2s_packed_size (rows, cols);
  out->scale = scale;
}

int
bn_i2s_view_file (const uint8_t *src, size_t src_size, size_t rows, size_t cols, BnI2SFileLayout layout, BnTernary *out)
{
  float scale;
  int rc;

  if (!out)
    return BN_K_ERR_INVALID;
  if ((rc = check_file (src, src_size, rows, cols, layout, &scale)) != BN_K_OK)
    return rc;
  if (!same_bytes (cols, layout))
    return BN_K_ERR_SHAPE;
  if ((rc = check_codes (src, rows * cols / 4)) != BN_K_OK)
    return rc;
  set_out (out, src, rows, cols, scale);
  return BN_K_OK;
}

int
bn_i2s_from_file (void *dst, size_t dst_size, const uint8_t *src, size_t src_size, size_t rows, size_t cols,
                  BnI2SFileLayout layout, BnTernary *out)
{
  const size_t k_pad = bn_round_up (cols, BN_I2S_BLOCK);
  uint8_t *d = dst;
  float scale;
  int rc;

  if (!dst || !out)
    return BN_K_ERR_INVALID;
  if ((rc = check_file (src, src_size, rows, cols, layout, &scale)) != BN_K_OK)
    return rc;
  if (dst_size < bn_i2s_packed_size (rows, cols))
    return BN_K_ERR_BUFFER;

  if (same_bytes (cols, layout)) {
    if ((rc = check_codes (src, rows * cols / 4)) != BN_K_OK)
      return rc;
    memcpy (d, src, rows * cols / 4);
  } else {
    memset (d, 0x55, bn_i2s_packed_size (rows, cols));
    for (size_t r = 0; r < rows; r++) {
      for (size_t c = 0; c < cols; c++) {
        unsigned fshift, kshift;
        size_t fo = i2_s_position (r * cols + c, (size_t) layout, &fshift);
        unsigned code = (src[fo] >> fshift) & 3;
        size_t ko;

        if (code == 3)
          return BN_K_ERR_DATA;
        ko = bn_i2s_offset (k_pad, r, c, &kshift);
        d[ko] = (uint8_t) ((d[ko] & ~(3u << kshift)) | (code << kshift));
      }
    }
  }
  set_out (out, d, rows, cols, scale);
  return BN_K_OK;
}

int
bn_i2s_to_file (const BnTernary *m, uint8_t *dst, size_t dst_size, BnI2SFileLayout layout)
{
  const size_t need = bn_i2s_file_size (m->rows, m->cols, layout);
  const size_t row_chunk = 64;
  int8_t *codes;
  float scale;
  int rc;

  if (need == 0)
    return BN_K_ERR_SHAPE;
  if (dst_size < need)
    return BN_K_ERR_BUFFER;
  if ((rc = bn_ternary_uniform_scale (m, &scale)) != BN_K_OK)
    return rc;
  if (m->format == BN_TERNARY_I2S && same_bytes (m->cols, layout)) {
    memset (dst, 0, need);
    memcpy (dst, m->data, m->rows * m->cols / 4);
    memcpy (dst + m->rows * m->cols / 4, &scale, sizeof scale);
    return BN_K_OK;
  }
  codes = bn_kalloc (row_chunk * m->cols);
  if (!codes)
    return BN_K_ERR_NOMEM;

  memset (dst, 0, need);
  for (size_t r0 = 0; r0 < m->rows; r0 += row_chunk) {
    size_t r1 = r0 + row_chunk < m->rows ? r0 + row_chunk : m->rows;

    bn_ternary_unpack_rows (m, r0, r1, codes);
    for (size_t r = r0; r < r1; r++) {
      for (size_t c = 0; c < m->cols; c++) {
        unsigned shift;
        size_t o = i2_s_position (r * m->cols + c, (size_t) layout, &shift);
        dst[o] |= (uint8_t) ((unsigned) (codes[(r - r0) * m->cols + c] + 1) << shift);
      }
    }
  }
  memcpy (dst + m->rows * m->cols / 4, &scale, sizeof scale);
  bn_kfree (codes);
  return BN_K_OK;
}
