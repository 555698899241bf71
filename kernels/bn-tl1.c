/* gst-bitnet kernels: TL1 format (pairs -> 4-bit index into a 9-entry table)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A pair of weights (w0, w1) becomes the index 3 (w0 + 1) + (w1 + 1); per
 * token, each pair of activations gets a table of its 9 partial sums
 * w0 x0 + w1 x1 (int16, exact), split into a low-byte and a high-byte
 * table so that pshufb / tbl can look them up 16 rows at a time.
 * Layout: docs/kernels.md "TL1".
 */
#include "bn-kernels-private.h"

/* Byte holding the index of (row r, pair p); *hi tells which nibble. */
static inline size_t
tl1_offset (const BnTlGeom *g, size_t r, size_t p, unsigned *hi)
{
  size_t s = (r % BN_TL_ROWS) / 16, j = r % 16, pp = p % 8;

  *hi = (unsigned) (pp / 4);
  return bn_tl_block_offset (g, r / BN_TL_ROWS, p) + s * 64 + (pp % 4) * 16 + j;
}

size_t
bn_tl1_packed_size (size_t rows, size_t cols)
{
  BnTlGeom g = bn_tl_geom (BN_TERNARY_TL1, rows, cols);

  return g.n_groups * bn_tl_group_bytes (&g);
}

int
bn_tl1_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols)
{
  const size_t n_pairs = (cols + 1) / 2;
  const BnTlGeom g = bn_tl_geom (BN_TERNARY_TL1, rows, cols);

  /* index 4 is the zero pair */
  memset (dst, 0x44, bn_tl1_packed_size (rows, cols));
  for (size_t r = 0; r < rows; r++) {
    const int8_t *row = codes + r * cols;

    for (size_t p = 0; p < n_pairs; p++) {
      int w0 = row[2 * p];
      int w1 = 2 * p + 1 < cols ? row[2 * p + 1] : 0;
      unsigned hi, idx;
      size_t o;

      if (w0 < -1 || w0 > 1 || w1 < -1 || w1 > 1)
        return BN_K_ERR_DATA;
      idx = (unsigned) (3 * (w0 + 1) + (w1 + 1));
      o = tl1_offset (&g, r, p, &hi);
      dst[o] = hi ? (uint8_t) ((dst[o] & 0x0f) | (idx << 4)) : (uint8_t) ((dst[o] & 0xf0) | idx);
    }
  }
  return BN_K_OK;
}

void
bn_tl1_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes)
{
  const size_t cols = m->cols, n_pairs = (cols + 1) / 2;
  const BnTlGeom g = bn_tl_geom (BN_TERNARY_TL1, m->rows, cols);

  for (size_t r = row_begin; r < row_end; r++) {
    int8_t *row = codes + (r - row_begin) * cols;

    for (size_t p = 0; p < n_pairs; p++) {
      unsigned hi;
      size_t o = tl1_offset (&g, r, p, &hi);
      unsigned idx = hi ? m->data[o] >> 4 : m->data[o] & 0x0f;

      row[2 * p] = (int8_t) ((int) (idx / 3) - 1);
      if (2 * p + 1 < cols)
        row[2 * p + 1] = (int8_t) ((int) (idx % 3) - 1);
    }
  }
}

size_t
bn_tl1_lut_size (size_t k)
{
  return bn_tl1_n_sb (k) * BN_TL_LUT_SB_BYTES;
}

/* Table of superblock h: [A lo 64][A hi 64][B lo 64][B hi 64]; lane L of
 * A serves pair 8h + L, of B pair 8h + 4 + L; 16 byte entries per lane. */
void
bn_tl1_build_lut_ref (const BnActQ8 *act, void *lut)
{
  uint8_t *t = lut;
  const size_t n_sb = bn_tl1_n_sb (act->k);

  memset (lut, 0, bn_tl1_lut_size (act->k));
  for (size_t p = 0; p < n_sb * 8; p++) {
    /* q is zero-padded to k_pad >= 2 * n_pairs */
    int x0 = 2 * p < act->k_pad ? act->q[2 * p] : 0;
    int x1 = 2 * p + 1 < act->k_pad ? act->q[2 * p + 1] : 0;
    size_t h = p / 8, pp = p % 8;
    uint8_t *lo = t + h * BN_TL_LUT_SB_BYTES + (pp / 4) * 128 + (pp % 4) * 16;
    uint8_t *hi = lo + 64;

    for (int e = 0; e < 9; e++) {
      int v = (e / 3 - 1) * x0 + (e % 3 - 1) * x1;
      uint16_t u = (uint16_t) (int16_t) v;
      lo[e] = (uint8_t) (u & 0xff);
      hi[e] = (uint8_t) (u >> 8);
    }
  }
}

static inline int16_t
tl1_lookup (const uint8_t *lut, size_t p, unsigned idx)
{
  size_t h = p / 8, pp = p % 8;
  const uint8_t *lo = lut + h * BN_TL_LUT_SB_BYTES + (pp / 4) * 128 + (pp % 4) * 16;

  return (int16_t) (uint16_t) (lo[idx] | (lo[64 + idx] << 8));
}

void
bn_tl1_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                 int32_t *idot, float *y)
{
  const size_t n_pairs = bn_tl1_n_sb (w->cols) * 8;
  const BnTlGeom g = bn_tl_geom (BN_TERNARY_TL1, w->rows, w->cols);

  for (size_t r = row_begin; r < row_end; r++) {
    int32_t acc[BN_GEMM_MAX_TOKENS] = { 0 };

    for (size_t p = 0; p < n_pairs; p++) {
      unsigned hi;
      size_t o = tl1_offset (&g, r, p, &hi);
      unsigned idx = hi ? w->data[o] >> 4 : w->data[o] & 0x0f;

      for (size_t t = 0; t < n_tokens; t++)
        acc[t] += tl1_lookup (acts[t].lut, p, idx);
    }
    for (size_t t = 0; t < n_tokens; t++)
      bn_store_row (w, &acts[t], t, r, acc[t], idot, y);
  }
}
