/* gst-bitnet kernels: TL2 format (triples -> 4-bit magnitude + sign bit)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A triple (w0, w1, w2) has the balanced-ternary value v = 9 w0 + 3 w1 + w2
 * in [-13, 13]; it is stored as the 5-bit code |v| | (v < 0) << 4: a 4-bit
 * magnitude (14 values) and a sign bit, 5 bits per 3 weights, packed with
 * no gap (16 codes in 80 bits per row of a unit). The digits of |v| are the
 * triple with its first nonzero weight made positive, so per token each
 * triple of activations gets a table T(m) = d0(m) x0 + d1(m) x1 + d2(m) x2
 * and its negation; the product adds table[code]. Columns past the last
 * whole triple (K % 3 of them) form one TL1-style pair per row.
 * Layout: docs/kernels.md "TL2".
 */
#include "bn-kernels-private.h"

/* row r, triple t: the unit holding it and the code's bit position */
static inline size_t
tl2_unit (const BnTlGeom *g, size_t r, size_t t, unsigned *bit)
{
  *bit = (unsigned) (5 * (t % BN_TL2_UNIT));
  return bn_tl_block_offset (g, r / BN_TL_ROWS, t);
}

static inline unsigned
tl2_get_code (const uint8_t *data, const BnTlGeom *g, size_t r, size_t t)
{
  unsigned bit;
  const uint8_t *u = data + tl2_unit (g, r, t, &bit);
  size_t rr = r % BN_TL_ROWS;
  uint32_t v = 0;

  /* the code spans at most two 16-bit planes */
  for (unsigned j = bit / 16; j <= (bit + 4) / 16 && j < 5; j++)
    v |= (uint32_t) (u[j * 64 + 2 * rr] | (u[j * 64 + 2 * rr + 1] << 8)) << (16 * (j - bit / 16));
  return (v >> (bit % 16)) & 0x1f;
}

static inline void
tl2_set_code (uint8_t *data, const BnTlGeom *g, size_t r, size_t t, unsigned code)
{
  unsigned bit;
  uint8_t *u = data + tl2_unit (g, r, t, &bit);
  size_t rr = r % BN_TL_ROWS;

  for (unsigned b = 0; b < 5; b++) {
    unsigned pos = bit + b, j = pos / 16, k = pos % 16;
    uint8_t *p = u + j * 64 + 2 * rr + k / 8;
    if ((code >> b) & 1)
      *p |= (uint8_t) (1u << (k % 8));
  }
}

static inline size_t
tl2_tail_offset (const BnTlGeom *g, size_t r, unsigned *hi)
{
  size_t rr = r % BN_TL_ROWS;

  *hi = (unsigned) (rr % 2);
  return bn_tl_tail_offset (g, r / BN_TL_ROWS) + rr / 2;
}

size_t
bn_tl2_packed_size (size_t rows, size_t cols)
{
  BnTlGeom g = bn_tl_geom (BN_TERNARY_TL2, rows, cols);

  return g.n_groups * bn_tl_group_bytes (&g);
}

int
bn_tl2_pack_codes (uint8_t *dst, const int8_t *codes, size_t rows, size_t cols)
{
  const size_t n_triples = cols / 3, k3 = n_triples * 3;
  const BnTlGeom geo = bn_tl_geom (BN_TERNARY_TL2, rows, cols);

  /* code 0 everywhere; tail index 4 = zero pair */
  memset (dst, 0, bn_tl2_packed_size (rows, cols));
  for (size_t g = 0; g < geo.n_groups; g++)
    memset (dst + bn_tl_tail_offset (&geo, g), 0x44, BN_TL2_TAIL_BYTES);

  for (size_t r = 0; r < rows; r++) {
    const int8_t *row = codes + r * cols;

    for (size_t c = 0; c < cols; c++)
      if (row[c] < -1 || row[c] > 1)
        return BN_K_ERR_DATA;
    for (size_t t = 0; t < n_triples; t++) {
      int v = 9 * row[3 * t] + 3 * row[3 * t + 1] + row[3 * t + 2];
      tl2_set_code (dst, &geo, r, t, v < 0 ? (unsigned) -v | 16 : (unsigned) v);
    }
    if (k3 < cols) {
      int w0 = row[k3], w1 = k3 + 1 < cols ? row[k3 + 1] : 0;
      unsigned hi, idx = (unsigned) (3 * (w0 + 1) + (w1 + 1));
      size_t o = tl2_tail_offset (&geo, r, &hi);

      dst[o] = hi ? (uint8_t) ((dst[o] & 0x0f) | (idx << 4)) : (uint8_t) ((dst[o] & 0xf0) | idx);
    }
  }
  return BN_K_OK;
}

/* balanced-ternary digits of m in 0..13, most significant first */
static inline void
tl2_digits (unsigned m, int d[3])
{
  int v = (int) m;

  for (int i = 2; i >= 0; i--) {
    int r = ((v % 3) + 3) % 3;
    if (r == 2)
      r = -1;
    d[i] = r;
    v = (v - r) / 3;
  }
}

void
bn_tl2_unpack_rows (const BnTernary *m, size_t row_begin, size_t row_end, int8_t *codes)
{
  const size_t cols = m->cols, n_triples = cols / 3, k3 = n_triples * 3;
  const BnTlGeom geo = bn_tl_geom (BN_TERNARY_TL2, m->rows, cols);

  for (size_t r = row_begin; r < row_end; r++) {
    int8_t *row = codes + (r - row_begin) * cols;

    for (size_t t = 0; t < n_triples; t++) {
      unsigned code = tl2_get_code (m->data, &geo, r, t);
      unsigned mag = code & 15;
      int d[3], sign = code & 16 ? -1 : 1;

      tl2_digits (mag > 13 ? 0 : mag, d);
      for (int i = 0; i < 3; i++)
        row[3 * t + i] = (int8_t) (sign * d[i]);
    }
    if (k3 < cols) {
      unsigned hi;
      size_t o = tl2_tail_offset (&geo, r, &hi);
      unsigned idx = hi ? m->data[o] >> 4 : m->data[o] & 0x0f;

      row[k3] = (int8_t) ((int) (idx / 3) - 1);
      if (k3 + 1 < cols)
        row[k3 + 1] = (int8_t) ((int) (idx % 3) - 1);
    }
  }
}

size_t
bn_tl2_lut_size (size_t k)
{
  /* A: 64 bytes and B: 32 bytes per (padded) triple, then the tail */
  return bn_tl2_n_units (k) * BN_TL2_UNIT * 96 + 64;
}

void
bn_tl2_build_lut_ref (const BnActQ8 *act, void *lut)
{
  uint8_t *tab = lut;
  const size_t n_triples = act->k / 3, k3 = n_triples * 3;
  int16_t *tail = (int16_t *) bn_tl2_tail_lut (lut, act->k);
  uint8_t *b_region = tab + bn_tl2_lut_b_offset (act->k);
  int digits[14][3];

  memset (lut, 0, bn_tl2_lut_size (act->k));
  for (unsigned m = 0; m < 14; m++)
    tl2_digits (m, digits[m]);
  for (size_t t = 0; t < n_triples; t++) {
    int x0 = act->q[3 * t], x1 = act->q[3 * t + 1], x2 = act->q[3 * t + 2];
    uint8_t *a = tab + t * 64, *b = b_region + t * 32;

    for (unsigned m = 0; m < 14; m++) {
      const int *d = digits[m];
      int v;
      uint16_t u, n;

      v = d[0] * x0 + d[1] * x1 + d[2] * x2;
      u = (uint16_t) (int16_t) v;
      n = (uint16_t) (int16_t) -v;
      a[2 * m] = (uint8_t) (u & 0xff);
      a[2 * m + 1] = (uint8_t) (u >> 8);
      a[32 + 2 * m] = (uint8_t) (n & 0xff);
      a[32 + 2 * m + 1] = (uint8_t) (n >> 8);
      b[m] = (uint8_t) (u & 0xff);
      b[16 + m] = (uint8_t) (u >> 8);
    }
  }
  if (k3 < act->k) {
    int x0 = act->q[k3], x1 = k3 + 1 < act->k ? act->q[k3 + 1] : 0;

    for (int e = 0; e < 9; e++)
      tail[e] = (int16_t) ((e / 3 - 1) * x0 + (e % 3 - 1) * x1);
  }
}

void
bn_tl2_gemm_ref (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
                 int32_t *idot, float *y)
{
  const size_t cols = w->cols;
  const size_t n_slots = bn_tl2_n_units (cols) * BN_TL2_UNIT;
  const BnTlGeom geo = bn_tl_geom (BN_TERNARY_TL2, w->rows, cols);

  for (size_t r = row_begin; r < row_end; r++) {
    int32_t acc[BN_GEMM_MAX_TOKENS] = { 0 };
    unsigned hi, idx;
    size_t o;

    for (size_t t = 0; t < n_slots; t++) {
      unsigned code = tl2_get_code (w->data, &geo, r, t);

      for (size_t k = 0; k < n_tokens; k++) {
        const uint8_t *a = (const uint8_t *) acts[k].lut + t * 64;
        acc[k] += (int16_t) (uint16_t) (a[2 * code] | (a[2 * code + 1] << 8));
      }
    }
    o = tl2_tail_offset (&geo, r, &hi);
    idx = hi ? w->data[o] >> 4 : w->data[o] & 0x0f;
    for (size_t k = 0; k < n_tokens; k++) {
      if (idx < 9)
        acc[k] += bn_tl2_tail_lut (acts[k].lut, cols)[idx];
      bn_store_row (w, &acts[k], k, r, acc[k], idot, y);
    }
  }
}
